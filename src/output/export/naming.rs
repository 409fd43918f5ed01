//! File and folder names that a phone sorts right and every file system accepts.
//!
//! Names keep the session's own title (`01 Week 1 · training 1.mp3`) but drop what
//! FAT, exFAT, NTFS or Android's media scanner refuse: `"*/:<>?\|`, control
//! characters, leading dots (hidden files) and trailing dots or spaces.

/// The longest name part, in characters, before the number and extension are added.
/// FAT and exFAT allow 255 UTF-16 units per name; this leaves room for both.
const MAX_CHARS: usize = 120;

/// Names Windows (and so FAT file systems mounted there) reserves, whatever the
/// extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// `text` made safe as one file or folder name: forbidden characters replaced or
/// dropped, spaces collapsed, at most 120 characters; `fallback` when nothing is
/// left.
pub fn safe_name(text: &str, fallback: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        // "Week 1: start" reads best as "Week 1 - start".
        if c == ':' && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        let mapped = match c {
            ':' | '/' | '\\' | '|' => Some('-'),
            '"' => Some('\''),
            '?' | '*' | '<' | '>' => None,
            c if c.is_control() => Some(' '),
            c if c.is_whitespace() => Some(' '),
            c => Some(c),
        };
        if let Some(m) = mapped {
            if m == ' ' && (out.is_empty() || out.ends_with(' ')) {
                continue;
            }
            out.push(m);
        }
    }
    let mut name: String = out
        .trim_start_matches(['.', ' '])
        .chars()
        .take(MAX_CHARS)
        .collect();
    while name.ends_with(['.', ' ']) {
        name.pop();
    }
    if name.is_empty() {
        return fallback.to_owned();
    }
    let stem = name.split('.').next().unwrap_or_default();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        name.push('_');
    }
    name
}

/// How many digits the track numbers of a group of `total` get (the width of
/// `total`, so 9 → `9`, 42 → `42` and `01`).
pub fn number_width(total: usize) -> usize {
    total.max(1).to_string().len()
}

/// The file name of track `number`, zero-padded to `width` digits:
/// `01 Week 1 · training 1.mp3`.
pub fn track_file_name(number: usize, width: usize, title: &str, extension: &str) -> String {
    format!(
        "{number:0width$} {}.{extension}",
        safe_name(title, "training")
    )
}
