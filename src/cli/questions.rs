//! The Dutch questions before and after a run, drawn in the terminal with `inquire`:
//! a score is typed and confirmed with Enter (`4` Enter), Enter alone skips, anything
//! else re-asks with a short Dutch hint; the note is a real line editor. After the
//! last question the answers are shown in one line and can be corrected before they
//! are stored. The questions themselves (texts, scales, what a valid score or note
//! is) live in the library (`journal::answers`); this file only draws them.

use std::io::{self, IsTerminal, Write};

use inquire::validator::Validation;
use inquire::{InquireError, Text};

use crate::journal::{Answers, Moment, Note, Question, Score, ScoreError};

/// What came of asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// Every question was answered or skipped, and the runner confirmed.
    Done(Answers),
    /// The runner pressed Ctrl-C: the answers given until then.
    Interrupted(Answers),
}

/// Ctrl-C, passed up from a prompt.
struct Interrupt;

/// Whether questions can be asked: stdin and stdout are terminals.
pub fn interactive() -> bool {
    io::stdin().is_terminal() && io::stdout().is_terminal()
}

/// Asks the questions of `moment` that `known` leaves open, under `heading` (printed
/// only when there is a question to ask), then shows the answers in one line and
/// offers to correct them.
pub fn ask(moment: Moment, known: &Answers, heading: &str) -> io::Result<Asked> {
    dutch_prompts();
    let open: Vec<Question> = Question::at(moment)
        .filter(|&q| known.get(q).is_none())
        .collect();
    let ask_note = moment == Moment::After && known.note.is_none();
    if open.is_empty() && !ask_note {
        return Ok(Asked::Done(known.clone()));
    }
    say(heading)?;
    let mut answers = known.clone();
    let mut correcting = false;
    loop {
        match ask_each(&open, ask_note, &mut answers, correcting) {
            Ok(()) => {}
            Err(PromptError::Interrupt(Interrupt)) => return Ok(Asked::Interrupted(answers)),
            Err(PromptError::Io(e)) => return Err(e),
        }
        say(&format!("Je antwoorden: {}", answers.summary(moment)))?;
        match enter_or(
            "Enter slaat op, c verbetert:",
            'c',
            "Druk op Enter om op te slaan, of typ c en Enter om te verbeteren.",
        )? {
            // Esc at the last step: the answers as they are.
            Reply::Enter | Reply::Esc => return Ok(Asked::Done(answers)),
            Reply::Letter => correcting = true,
            Reply::CtrlC => return Ok(Asked::Interrupted(answers)),
        }
    }
}

/// What came of an [`enter_or`] prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// Enter alone.
    Enter,
    /// The letter, then Enter.
    Letter,
    /// Esc.
    Esc,
    /// Ctrl-C.
    CtrlC,
}

/// A prompt answered with Enter alone or `letter` (either case) and Enter; anything
/// else re-asks with `hint`. The confirmation after the questions and `play`'s
/// choice to repeat a session both ask this way.
pub fn enter_or(question: &str, letter: char, hint: &str) -> io::Result<Reply> {
    dutch_prompts();
    let hint = hint.to_owned();
    let answer = Text::new(question)
        .with_validator(move |s: &str| {
            let s = s.trim();
            Ok(
                if s.is_empty() || s.eq_ignore_ascii_case(letter.encode_utf8(&mut [0; 4])) {
                    Validation::Valid
                } else {
                    Validation::Invalid(hint.clone().into())
                },
            )
        })
        .prompt();
    match answer {
        Ok(s) if s.trim().is_empty() => Ok(Reply::Enter),
        Ok(_) => Ok(Reply::Letter),
        Err(InquireError::OperationCanceled) => Ok(Reply::Esc),
        Err(InquireError::OperationInterrupted) => Ok(Reply::CtrlC),
        Err(e) => Err(io_error(e)),
    }
}

enum PromptError {
    Interrupt(Interrupt),
    Io(io::Error),
}

/// Asks each of `open` (and the note), filling `answers`; when `correcting`, each
/// prompt starts with the answer given before, to keep with Enter or edit.
fn ask_each(
    open: &[Question],
    ask_note: bool,
    answers: &mut Answers,
    correcting: bool,
) -> Result<(), PromptError> {
    for &q in open {
        let before = answers.get(q).filter(|_| correcting);
        let score = score(q, before)?;
        answers.set(q, score);
    }
    if ask_note {
        let before = answers.note.clone().filter(|_| correcting);
        answers.note = note(before.as_ref())?;
    }
    Ok(())
}

/// One score: `4` Enter answers, Enter alone skips, anything else is re-asked with a
/// hint (the prompt does not end on an invalid answer). Esc asks again too: only
/// Enter skips, so no key loses an answer by accident.
fn score(q: Question, initial: Option<Score>) -> Result<Option<Score>, PromptError> {
    let message = q.with_scale();
    let initial = initial.map(|s| s.to_string());
    loop {
        let mut prompt = Text::new(&message)
            .with_help_message("typ 1 tot 5 en Enter; alleen Enter slaat over")
            .with_validator(|s: &str| {
                Ok(if s.trim().is_empty() || Score::parse(s).is_ok() {
                    Validation::Valid
                } else {
                    Validation::Invalid(ScoreError::NotANumber.dutch().into())
                })
            });
        if let Some(v) = &initial {
            prompt = prompt.with_initial_value(v);
        }
        match prompt.prompt() {
            Ok(s) if s.trim().is_empty() => return Ok(None),
            Ok(s) => return Ok(Score::parse(&s).ok()),
            Err(InquireError::OperationCanceled) => continue,
            Err(InquireError::OperationInterrupted) => {
                return Err(PromptError::Interrupt(Interrupt));
            }
            Err(e) => return Err(PromptError::Io(io_error(e))),
        }
    }
}

/// The note: a line editor; Enter ends it, empty means no note. Control characters
/// cannot be typed into it, and any that come in a paste are dropped.
fn note(initial: Option<&Note>) -> Result<Option<Note>, PromptError> {
    let mut prompt = Text::new("Notitie:")
        .with_help_message("Enter slaat over")
        .with_validator(|s: &str| {
            Ok(match Note::typed(s) {
                Ok(_) => Validation::Valid,
                Err(_) => Validation::Invalid(
                    format!("Een notitie is hoogstens {} tekens.", Note::MAX_CHARS).into(),
                ),
            })
        });
    if let Some(n) = initial {
        prompt = prompt.with_initial_value(n.as_str());
    }
    match prompt.prompt() {
        Ok(s) => Ok(Note::typed(&s).unwrap_or(None)),
        Err(InquireError::OperationCanceled) => Ok(None),
        Err(InquireError::OperationInterrupted) => Err(PromptError::Interrupt(Interrupt)),
        Err(e) => Err(PromptError::Io(io_error(e))),
    }
}

/// Makes the prompts say nothing in English: a prompt left with Esc is marked with
/// the key's name instead of inquire's `<canceled>` (Esc re-asks a score, leaves the
/// note empty, or starts nothing; the line after it says which).
fn dutch_prompts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        inquire::set_global_render_config(
            inquire::ui::RenderConfig::default()
                .with_canceled_prompt_indicator(inquire::ui::Styled::new("<Esc>")),
        );
    });
}

/// One line to the runner.
fn say(line: &str) -> io::Result<()> {
    let mut out = crate::cli::output::stdout();
    writeln!(out, "{line}")?;
    out.flush()
}

/// An `inquire` failure as an I/O error for the caller.
fn io_error(e: InquireError) -> io::Error {
    match e {
        InquireError::IO(e) => e,
        other => io::Error::other(other.to_string()),
    }
}
