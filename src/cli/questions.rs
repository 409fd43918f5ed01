//! The Dutch questions before and after a run: one key per answer (1–5), Enter (or
//! any other key) skips, never required. Written over a byte reader and a writer so
//! it is tested without a terminal; [`ask_terminal`] runs them in raw mode.

use std::io::{self, IsTerminal, Read, Write};

use crate::journal::{Answers, Note, Question, Score};

/// Which questions to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// Before the run: stress and mood.
    Before,
    /// After the run: stress, mood, effort and a note.
    After,
}

const NOTE: &str = "Notitie (Enter om over te slaan): ";

/// One score: a key 1–5 answers, anything else skips. `None` at the end of input too.
fn score(
    input: &mut impl Read,
    out: &mut impl Write,
    question: Question,
) -> io::Result<Option<Score>> {
    write!(out, "{} (Enter slaat over): ", question.with_scale())?;
    out.flush()?;
    let mut byte = [0u8];
    let answer = match input.read(&mut byte)? {
        1 => Score::new(i64::from(byte[0]) - i64::from(b'0')).ok(),
        _ => None,
    };
    match answer {
        Some(n) => write!(out, "{n}\r\n")?,
        None => write!(out, "-\r\n")?,
    }
    Ok(answer)
}

/// A line of text up to Enter; backspace deletes. Empty means no note.
fn line(input: &mut impl Read, out: &mut impl Write) -> io::Result<Option<Note>> {
    write!(out, "{NOTE}")?;
    out.flush()?;
    let mut bytes = Vec::new();
    let mut byte = [0u8];
    while input.read(&mut byte)? == 1 {
        match byte[0] {
            b'\r' | b'\n' => break,
            0x7f | 0x08 => {
                // Drop one whole UTF-8 character.
                while let Some(b) = bytes.pop() {
                    if b & 0xC0 != 0x80 {
                        break;
                    }
                }
                write!(out, "\x08 \x08")?;
            }
            3 | 4 => break,
            b => {
                bytes.push(b);
                out.write_all(&[b])?;
            }
        }
        out.flush()?;
    }
    write!(out, "\r\n")?;
    Ok(Note::typed(&String::from_utf8_lossy(&bytes)).unwrap_or(None))
}

/// Asks the questions of `moment`, filling only what `known` leaves open.
pub fn ask(
    moment: Moment,
    known: &Answers,
    input: &mut impl Read,
    out: &mut impl Write,
) -> io::Result<Answers> {
    let mut a = known.clone();
    match moment {
        Moment::Before => {
            writeln!(out, "Voor je begint:\r")?;
            if a.stress_before.is_none() {
                a.stress_before = score(input, out, Question::StressBefore)?;
            }
            if a.mood_before.is_none() {
                a.mood_before = score(input, out, Question::MoodBefore)?;
            }
        }
        Moment::After => {
            writeln!(out, "Na je training:\r")?;
            if a.stress_after.is_none() {
                a.stress_after = score(input, out, Question::StressAfter)?;
            }
            if a.mood_after.is_none() {
                a.mood_after = score(input, out, Question::MoodAfter)?;
            }
            if a.effort.is_none() {
                a.effort = score(input, out, Question::Effort)?;
            }
            if a.note.is_none() {
                a.note = line(input, out)?;
            }
        }
    }
    Ok(a)
}

/// Whether questions can be asked: stdin and stdout are terminals.
pub fn interactive() -> bool {
    io::stdin().is_terminal() && io::stdout().is_terminal()
}

/// Asks on the terminal, in raw mode so one key answers.
pub fn ask_terminal(moment: Moment, known: &Answers) -> io::Result<Answers> {
    crossterm::terminal::enable_raw_mode()?;
    let result = ask(
        moment,
        known,
        &mut io::stdin().lock(),
        &mut crate::cli::output::stdout(),
    );
    crossterm::terminal::disable_raw_mode()?;
    result
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn one_key_per_answer_enter_skips_and_a_note_ends_at_enter() {
        let mut out = Vec::new();
        let a = ask(
            Moment::Before,
            &Answers::default(),
            &mut &b"4\r"[..],
            &mut out,
        )
        .unwrap();
        assert_eq!(
            (a.stress_before, a.mood_before),
            (Score::new(4).ok(), None),
            "Enter skips the mood"
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Voor je begint:\r\n\
             Hoe gespannen voel je je? 1 ontspannen … 5 erg gespannen (Enter slaat over): 4\r\n\
             Hoe is je stemming? 1 somber … 5 heel goed (Enter slaat over): -\r\n"
        );
        let known = Answers {
            mood_after: Score::new(5).ok(),
            ..Answers::default()
        };
        let mut out = Vec::new();
        let a = ask(
            Moment::After,
            &known,
            &mut &"29rustigx\x7f!\rrest".as_bytes()[..],
            &mut out,
        )
        .unwrap();
        assert_eq!(
            a,
            Answers {
                stress_after: Score::new(2).ok(),
                mood_after: Score::new(5).ok(),
                effort: None,
                note: Note::new("rustig!").unwrap(),
                ..Answers::default()
            },
            "9 is no answer: the effort is skipped"
        );
        let mut out = Vec::new();
        let a = ask(Moment::After, &Answers::default(), &mut &b""[..], &mut out).unwrap();
        assert!(a.is_empty(), "no input: nothing answered");
    }
}
