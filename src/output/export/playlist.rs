//! M3U8 playlists: one per album, in program order, with each file's length, read
//! back so that exporting in parts adds to a playlist rather than replacing it.

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

/// The entries of a playlist [`m3u8`] wrote (or any simple M3U8): each file line
/// with the title and length of the `#EXTINF` line before it. Unknown lines are
/// skipped, so a damaged playlist loses only what cannot be read.
pub fn parse_m3u8(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut info: Option<(f64, String)> = None;
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("#EXTINF:") {
            let (secs, title) = rest.split_once(',').unwrap_or((rest, ""));
            info = Some((secs.trim().parse().unwrap_or(0.0), title.to_owned()));
        } else if line.is_empty() || line.starts_with('#') {
            continue;
        } else {
            let (duration, title) = info.take().unwrap_or_else(|| (0.0, line.to_owned()));
            out.push(Entry {
                file: line.to_owned(),
                title,
                duration,
            });
        }
    }
    out
}

/// The leading number of a track's file name (`07 Week 3….mp3` → 7).
fn number(file: &str) -> Option<u64> {
    file.split_once(' ')?.0.parse().ok()
}

/// `old` entries with `new` ones added: a new entry replaces an old one of the same
/// file or the same number; the result is sorted by number (entries without one
/// last), then by name.
pub fn merge(old: impl IntoIterator<Item = Entry>, new: Vec<Entry>) -> Vec<Entry> {
    let mut all: Vec<Entry> = old
        .into_iter()
        .filter(|o| {
            !new.iter().any(|n| {
                n.file == o.file
                    || (number(&o.file).is_some() && number(&o.file) == number(&n.file))
            })
        })
        .collect();
    all.extend(new);
    all.sort_by(|a, b| {
        let key = |e: &Entry| number(&e.file).unwrap_or(u64::MAX);
        key(a).cmp(&key(b)).then_with(|| a.file.cmp(&b.file))
    });
    all.dedup_by(|a, b| a.file == b.file);
    all
}
