//! Text from files and the journal made safe for a terminal. A shared session's
//! title could otherwise clear the screen or recolour the terminal (`\x1b[2J`), or
//! hide text with a bidi override; everything printed that came from a file goes
//! through [`visible`] (one line) or [`visible_lines`] (keeps line breaks).

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: C0 and C1 controls, DEL, and the
/// bidi embeddings, overrides and isolates.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character shown escaped as Rust writes it (`\u{1b}`,
/// `\n`, `\t`), so it prints as one line that cannot change the terminal. Text
/// without such characters is returned as it is.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Like [`visible`], but line breaks stay (for notes and descriptions of several
/// lines).
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let bad = |c: char| is_unsafe(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) && c.is_control() {
            out.extend(c.escape_debug());
        } else if bad(c) {
            // A bidi control, by number (escape_debug's choice for these varies).
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod test {
    use super::*;

    /// An escape sequence and a bidi override come out as readable escapes.
    #[test]
    fn controls_are_shown_escaped() {
        assert_eq!(visible("Week 1"), "Week 1");
        assert_eq!(visible("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(visible("x\ny\t"), "x\\ny\\t");
        assert_eq!(visible_lines("x\ny\x07"), "x\ny\\u{7}");
        assert_eq!(visible("a\u{202E}b"), "a\\u{202e}b");
        assert_eq!(visible("\u{9b}31m"), "\\u{9b}31m");
    }
}
