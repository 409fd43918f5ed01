//! How the runner felt: the questions asked before and after a run, with their Dutch
//! texts; a [`Score`] (1–5), the one place a score is validated; the [`Note`], the one
//! place a note is cleaned; and [`Answers`], what a run stores of them.
//!
//! Every front end (the terminal, the phone page, `log add` flags) asks the same
//! [`QUESTIONS`] and builds the same values, so a score of 7 or a note with an escape
//! code is refused (or cleaned) the same way wherever it comes from.

use std::fmt;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

/// A score from 1 to 5. Only [`Score::new`] and [`Score::parse`] make one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Score(u8);

/// A value that is not a score.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    /// A number outside 1–5.
    #[error("a score is a whole number from 1 to 5")]
    OutOfRange(i64),
    /// Not a whole number.
    #[error("a score is a whole number from 1 to 5")]
    NotANumber,
}

impl ScoreError {
    /// The hint a runner sees in Dutch when an answer is not a score.
    pub fn dutch(&self) -> &'static str {
        "Typ een cijfer van 1 tot 5 en druk op Enter (alleen Enter slaat over)."
    }
}

impl Score {
    /// The lowest score.
    pub const MIN: u8 = 1;
    /// The highest score.
    pub const MAX: u8 = 5;

    /// The score `value`, if it is 1–5.
    pub fn new(value: i64) -> Result<Score, ScoreError> {
        match u8::try_from(value) {
            Ok(v @ Score::MIN..=Score::MAX) => Ok(Score(v)),
            _ => Err(ScoreError::OutOfRange(value)),
        }
    }

    /// A typed score: a whole number 1–5, spaces around it allowed.
    pub fn parse(text: &str) -> Result<Score, ScoreError> {
        let value: i64 = text.trim().parse().map_err(|_| ScoreError::NotANumber)?;
        Score::new(value)
    }

    /// The number.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for Score {
    type Err = ScoreError;

    fn from_str(s: &str) -> Result<Score, ScoreError> {
        Score::parse(s)
    }
}

impl<'de> serde::Deserialize<'de> for Score {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Score, D::Error> {
        let value = i64::deserialize(d)?;
        Score::new(value).map_err(serde::de::Error::custom)
    }
}

impl ToSql for Score {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(i64::from(self.0)))
    }
}

impl FromSql for Score {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Score> {
        let v = i64::column_result(value)?;
        Score::new(v).map_err(|_| FromSqlError::OutOfRange(v))
    }
}

/// A short note about a run: one line of text without control characters, at most
/// [`Note::MAX_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Note(String);

/// A note that cannot be stored as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// It holds a control character (an escape code, a newline, a tab…).
    #[error(
        "a note is one line of plain text; it contains the control character {0:?}: leave it out"
    )]
    Control(char),
    /// It is too long.
    #[error("a note is at most {max} characters; this one has {found}", max = Note::MAX_CHARS)]
    TooLong {
        /// Its length in characters.
        found: usize,
    },
}

impl Note {
    /// The longest note, in characters.
    pub const MAX_CHARS: usize = 500;

    /// A note given whole (a flag, a request body): refused when it holds a control
    /// character or is too long. Spaces around it are trimmed; an empty note is `None`.
    pub fn new(text: &str) -> Result<Option<Note>, NoteError> {
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            return Err(NoteError::Control(c));
        }
        Note::checked(text.trim())
    }

    /// A note typed by hand: control characters are dropped, not refused (a stray key
    /// must not lose the note). Too long is still refused.
    pub fn typed(text: &str) -> Result<Option<Note>, NoteError> {
        let clean: String = text.chars().filter(|c| !c.is_control()).collect();
        Note::checked(clean.trim())
    }

    fn checked(text: &str) -> Result<Option<Note>, NoteError> {
        let found = text.chars().count();
        if found > Note::MAX_CHARS {
            return Err(NoteError::TooLong { found });
        }
        Ok((!text.is_empty()).then(|| Note(text.to_owned())))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text safe to print on a terminal or in a table: a control character that
    /// an older rustig stored (an escape code) is shown as its escape, `\u{1b}`, not
    /// sent to the terminal.
    pub fn printable(&self) -> String {
        crate::text::visible(&self.0).into_owned()
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl ToSql for Note {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl FromSql for Note {
    /// A stored note as it is: older rustig versions may have stored control
    /// characters; whoever prints it makes it safe.
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Note> {
        String::column_result(value).map(Note)
    }
}

/// When a question is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Moment {
    /// Before the run: stress and mood.
    Before,
    /// After the run: stress, mood, effort and a note.
    After,
}

/// One of the scored questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    /// Stress before the run.
    StressBefore,
    /// Mood before the run.
    MoodBefore,
    /// Stress after the run.
    StressAfter,
    /// Mood after the run.
    MoodAfter,
    /// How heavy the run felt.
    Effort,
}

/// Every scored question, in the order they are asked.
pub const QUESTIONS: [Question; 5] = [
    Question::StressBefore,
    Question::MoodBefore,
    Question::StressAfter,
    Question::MoodAfter,
    Question::Effort,
];

/// The prompt of the note, asked last after the run.
pub const NOTE_QUESTION: &str = "Notitie";

impl Question {
    /// The questions asked at `moment`, in order.
    pub fn at(moment: Moment) -> impl Iterator<Item = Question> {
        QUESTIONS.into_iter().filter(move |q| q.moment() == moment)
    }

    /// Before or after the run.
    pub fn moment(self) -> Moment {
        match self {
            Question::StressBefore | Question::MoodBefore => Moment::Before,
            _ => Moment::After,
        }
    }

    /// The column, JSON key and (with dashes) flag name: `stress_before`.
    pub fn key(self) -> &'static str {
        match self {
            Question::StressBefore => "stress_before",
            Question::MoodBefore => "mood_before",
            Question::StressAfter => "stress_after",
            Question::MoodAfter => "mood_after",
            Question::Effort => "effort",
        }
    }

    /// The question in Dutch.
    pub fn text(self) -> &'static str {
        match self {
            Question::StressBefore | Question::StressAfter => "Hoe gespannen voel je je?",
            Question::MoodBefore | Question::MoodAfter => "Hoe is je stemming?",
            Question::Effort => "Hoe zwaar voelde het?",
        }
    }

    /// What 1 means, in Dutch.
    pub fn low(self) -> &'static str {
        match self {
            Question::StressBefore | Question::StressAfter => "ontspannen",
            Question::MoodBefore | Question::MoodAfter => "somber",
            Question::Effort => "heel licht",
        }
    }

    /// What 5 means, in Dutch.
    pub fn high(self) -> &'static str {
        match self {
            Question::StressBefore | Question::StressAfter => "erg gespannen",
            Question::MoodBefore | Question::MoodAfter => "heel goed",
            Question::Effort => "te zwaar",
        }
    }

    /// The question with its scale: `Hoe gespannen voel je je? 1 ontspannen … 5 erg
    /// gespannen`.
    pub fn with_scale(self) -> String {
        format!("{} 1 {} … 5 {}", self.text(), self.low(), self.high())
    }

    /// A short Dutch label for a summary line: `stress na`.
    pub fn label(self) -> &'static str {
        match self {
            Question::StressBefore => "stress vóór",
            Question::MoodBefore => "stemming vóór",
            Question::StressAfter => "stress na",
            Question::MoodAfter => "stemming na",
            Question::Effort => "zwaar",
        }
    }
}

/// How the runner felt: each score optional (a skipped question is `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Answers {
    /// Stress before the run (1 calm … 5 very stressed).
    pub stress_before: Option<Score>,
    /// Mood before the run (1 low … 5 very good).
    pub mood_before: Option<Score>,
    /// Stress after the run.
    pub stress_after: Option<Score>,
    /// Mood after the run.
    pub mood_after: Option<Score>,
    /// How heavy the run felt (1 very light … 5 too heavy).
    pub effort: Option<Score>,
    /// A short note.
    pub note: Option<Note>,
}

impl<'de> serde::Deserialize<'de> for Note {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Note, D::Error> {
        let text = String::deserialize(d)?;
        Note::new(&text)
            .map_err(serde::de::Error::custom)?
            .ok_or_else(|| serde::de::Error::custom("an empty note: leave it out"))
    }
}

impl Answers {
    /// Whether any question was answered.
    pub fn is_empty(&self) -> bool {
        *self == Answers::default()
    }

    /// The answer to `q`.
    pub fn get(&self, q: Question) -> Option<Score> {
        match q {
            Question::StressBefore => self.stress_before,
            Question::MoodBefore => self.mood_before,
            Question::StressAfter => self.stress_after,
            Question::MoodAfter => self.mood_after,
            Question::Effort => self.effort,
        }
    }

    /// Sets the answer to `q`.
    pub fn set(&mut self, q: Question, score: Option<Score>) {
        let slot = match q {
            Question::StressBefore => &mut self.stress_before,
            Question::MoodBefore => &mut self.mood_before,
            Question::StressAfter => &mut self.stress_after,
            Question::MoodAfter => &mut self.mood_after,
            Question::Effort => &mut self.effort,
        };
        *slot = score;
    }

    /// The answers of `moment` in one Dutch line, for a last look before they are
    /// stored: `stress na 2 · stemming na 4 · zwaar – · notitie: Knie deed pijn`.
    pub fn summary(&self, moment: Moment) -> String {
        let mut parts: Vec<String> = Question::at(moment)
            .map(|q| match self.get(q) {
                Some(s) => format!("{} {s}", q.label()),
                None => format!("{} –", q.label()),
            })
            .collect();
        if moment == Moment::After {
            parts.push(match &self.note {
                Some(n) => format!("notitie: {n}"),
                None => "geen notitie".into(),
            });
        }
        parts.join(" · ")
    }

    /// `other`'s answers where it has them, these elsewhere.
    pub fn merged(&self, other: &Answers) -> Answers {
        let mut out = self.clone();
        for q in QUESTIONS {
            if let Some(s) = other.get(q) {
                out.set(q, Some(s));
            }
        }
        if other.note.is_some() {
            out.note.clone_from(&other.note);
        }
        out
    }
}

#[cfg(test)]
mod test {
    use super::*;

    /// A score is 1–5 whichever way it arrives; everything else is an error.
    #[test]
    fn a_score_is_one_to_five_and_nothing_else() {
        assert_eq!(Score::parse(" 4 ").map(Score::get), Ok(4));
        assert_eq!(Score::parse("7"), Err(ScoreError::OutOfRange(7)));
        assert_eq!(Score::parse("0"), Err(ScoreError::OutOfRange(0)));
        assert_eq!(Score::parse("x"), Err(ScoreError::NotANumber));
        assert_eq!(Score::parse("4.5"), Err(ScoreError::NotANumber));
        assert_eq!(Score::new(-300), Err(ScoreError::OutOfRange(-300)));
        assert!(serde_json::from_str::<Score>("7").is_err());
        assert_eq!(
            serde_json::from_str::<Score>("3").map(Score::get).ok(),
            Some(3)
        );
    }

    /// The one-line summary names every question of the moment, skipped ones too.
    #[test]
    fn a_summary_shows_every_answer_of_the_moment() {
        let a = Answers {
            stress_after: Score::new(2).ok(),
            effort: Score::new(3).ok(),
            note: Note::new("Knie deed pijn").unwrap(),
            ..Answers::default()
        };
        assert_eq!(
            a.summary(Moment::After),
            "stress na 2 · stemming na – · zwaar 3 · notitie: Knie deed pijn"
        );
        assert_eq!(a.summary(Moment::Before), "stress vóór – · stemming vóór –");
    }

    /// Given notes with control characters are refused; typed ones lose them.
    #[test]
    fn notes_never_hold_control_characters() {
        assert_eq!(Note::new("Knie\u{1b}[D"), Err(NoteError::Control('\u{1b}')));
        assert_eq!(Note::new("  "), Ok(None));
        assert_eq!(
            Note::typed("Knie\u{1b}[Ddeed pijn")
                .unwrap()
                .unwrap()
                .as_str(),
            "Knie[Ddeed pijn"
        );
        assert_eq!(Note::typed("\u{1b}"), Ok(None));
        let old = Note::column_result(ValueRef::Text(b"Knie\x1b[D")).unwrap();
        assert_eq!(
            old.printable(),
            "Knie\\u{1b}[D",
            "stored by an older rustig"
        );
        assert_eq!(Note::new("Fijn!  ").unwrap().unwrap().as_str(), "Fijn!");
        let long = "a".repeat(Note::MAX_CHARS + 1);
        assert_eq!(
            Note::new(&long),
            Err(NoteError::TooLong {
                found: Note::MAX_CHARS + 1
            })
        );
    }
}
