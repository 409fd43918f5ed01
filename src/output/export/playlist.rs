//! M3U8 playlists: one per folder, in program order, with each file's length.

/// One line of a playlist.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The file name, relative to the playlist's folder.
    pub file: String,
    /// The title players show.
    pub title: String,
    /// Length in seconds.
    pub duration: f64,
}

/// The playlist text: `#EXTM3U`, its title, then `#EXTINF:<seconds>,<title>` and the
/// relative file name for each entry. UTF-8, `\n` line ends.
pub fn m3u8(title: &str, entries: &[Entry]) -> String {
    let mut s = String::from("#EXTM3U\n");
    s += &format!("#PLAYLIST:{}\n", one_line(title));
    for e in entries {
        s += &format!(
            "#EXTINF:{},{}\n{}\n",
            e.duration.max(0.0).round() as u64,
            one_line(&e.title),
            e.file
        );
    }
    s
}

/// Text on one line, as M3U needs.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
