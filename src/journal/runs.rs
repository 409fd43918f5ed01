//! What a run is, and the writes: each one statement in its own transaction (SQLite
//! autocommit), or an explicit transaction where several rows or reads are involved.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{TransactionBehavior, params};

use super::heard::{RunFacts, RunShape};
use super::{Answers, Journal, JournalError, Note};

/// How a run was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// `rustig play` through a sound device.
    Audio,
    /// `rustig play --no-audio`, following the printed cues.
    NoAudio,
    /// Told afterwards with `rustig log add` (done with an exported file).
    Log,
    /// Played on the phone page of `rustig serve`.
    Telefoon,
}

impl Mode {
    /// The word stored in the journal and shown by `log --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Audio => "audio",
            Mode::NoAudio => "no-audio",
            Mode::Log => "log",
            Mode::Telefoon => "telefoon",
        }
    }
}

/// A run to store: what was played, how, when, what was heard (its [`RunFacts`]) and
/// how it felt. `play`, `log add` and the phone page each fill one in and hand it to
/// [`Journal::record`].
#[derive(Debug, Clone)]
pub struct RunRecord {
    /// The session key, as [`session_key`] makes it.
    pub session_key: String,
    /// The program it belongs to, if any.
    pub program: Option<String>,
    /// The session's title.
    pub title: String,
    /// The session's length in seconds.
    pub duration: f64,
    /// How it was done.
    pub mode: Mode,
    /// Unix seconds, UTC.
    pub started_at: i64,
    /// Unix seconds when it ended; `None` while it is still going on.
    pub ended_at: Option<i64>,
    /// What was heard, by the rules of [`super::heard`].
    pub facts: RunFacts,
    /// How it felt.
    pub answers: Answers,
    /// A key made by the front end for this run, so that sending it twice (a phone
    /// retrying) stores it once.
    pub request_key: Option<String>,
}

/// What [`Journal::record`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// The run's id.
    pub id: i64,
    /// `false` when a run with the same request key was already stored (nothing was
    /// written).
    pub new: bool,
}

/// A correction (`rustig log edit`): each `Some` field replaces the stored one.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    /// Another session: key, program, title, length.
    pub session: Option<(String, Option<String>, String, f64)>,
    /// Another start time (unix seconds).
    pub started_at: Option<i64>,
    /// What was done, told again (`--completed`, `--partial`, or another session).
    pub facts: Option<RunFacts>,
    /// Answers to replace (only the `Some` ones).
    pub answers: Answers,
    /// Remove the note (`log edit --note ""`).
    pub clear_note: bool,
}

/// One recorded run.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Row id.
    pub id: i64,
    /// The session key.
    pub session_key: String,
    /// Program, if any.
    pub program: Option<String>,
    /// Title.
    pub title: String,
    /// Unix seconds.
    pub started_at: i64,
    /// Unix seconds, if it ended cleanly.
    pub ended_at: Option<i64>,
    /// Where the runner started, in session seconds.
    pub start_position: f64,
    /// The furthest second reached.
    pub position: f64,
    /// Session length.
    pub duration: f64,
    /// Played to the end.
    pub completed: bool,
    /// `audio`, `no-audio`, `log` or `telefoon` (see [`Mode`]).
    pub mode: String,
    /// Seconds heard (`None` for runs stored before rustig 0.3 recorded it).
    pub heard_seconds: Option<f64>,
    /// Seconds of running heard (`None` for runs stored before rustig 0.3).
    pub run_seconds: Option<f64>,
    /// How it felt.
    pub answers: Answers,
}

impl Run {
    /// Minutes of the session done.
    pub fn minutes(&self) -> f64 {
        self.position / 60.0
    }

    /// Minutes of running heard; for a run stored before this was recorded, the
    /// running of `shape` up to where it got (when the session is known).
    pub fn minutes_run(&self, shape: Option<&RunShape>) -> f64 {
        match (self.run_seconds, shape) {
            (Some(s), _) => s / 60.0,
            (None, Some(shape)) => shape.running_within(self.start_position, self.position) / 60.0,
            (None, None) => 0.0,
        }
    }
}

/// Unix seconds now.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The journal key of a session: `opbouw/<file>` for a session of the default program
/// (on disk or built in), otherwise the file's full path; with the program's name.
pub fn session_key(path: &Path) -> (String, Option<String>) {
    let program = crate::builtin::DEFAULT_PROGRAM;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    if parent.as_deref() == Some(program)
        && crate::builtin::session_file(&format!("{program}/{name}")).is_some()
    {
        return (format!("{program}/{name}"), Some(program.to_owned()));
    }
    let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    (full.display().to_string(), None)
}

/// Sets the answers of run `?1` that are given (`?2`..`?7`), keeping the others; an
/// empty note (`?7 = ''`) clears it. Shared by `answer` and `edit`.
const ANSWER_SQL: &str = "UPDATE runs SET
               stress_before = COALESCE(?2, stress_before),
               mood_before   = COALESCE(?3, mood_before),
               stress_after  = COALESCE(?4, stress_after),
               mood_after    = COALESCE(?5, mood_after),
               effort        = COALESCE(?6, effort),
               note          = CASE WHEN ?7 IS NULL THEN note WHEN ?7 = '' THEN NULL ELSE ?7 END
             WHERE id = ?1";

impl Journal {
    /// Stores a run (once per request key) and returns its id.
    pub fn record(&self, run: &RunRecord) -> Result<Recorded, JournalError> {
        let a = &run.answers;
        let f = &run.facts;
        let n = self
            .conn
            .execute(
                "INSERT INTO runs (session_key, program, title, started_at, ended_at,
                   start_position, position, duration, completed, mode, speed, heard_seconds,
                   run_seconds, request_key, stress_before, mood_before, stress_after,
                   mood_after, effort, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?12, ?13, ?14, ?15,
                   ?16, ?17, ?18, ?19)
                 ON CONFLICT (request_key) DO NOTHING",
                params![
                    run.session_key,
                    run.program,
                    run.title,
                    run.started_at,
                    run.ended_at,
                    f.start_position,
                    f.position,
                    run.duration,
                    f.completed,
                    run.mode.as_str(),
                    f.heard_seconds,
                    f.run_seconds,
                    run.request_key,
                    a.stress_before,
                    a.mood_before,
                    a.stress_after,
                    a.mood_after,
                    a.effort,
                    a.note.as_ref().map(Note::as_str)
                ],
            )
            .map_err(|e| self.err(e))?;
        if n == 1 {
            return Ok(Recorded {
                id: self.conn.last_insert_rowid(),
                new: true,
            });
        }
        let id = self
            .conn
            .query_row(
                "SELECT id FROM runs WHERE request_key = ?1",
                [&run.request_key],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok(Recorded { id, new: false })
    }

    /// Brings run `id` up to date with what has been heard so far; `ended_at` marks
    /// its end. A run once completed stays completed.
    pub fn update(
        &self,
        id: i64,
        facts: &RunFacts,
        ended_at: Option<i64>,
    ) -> Result<(), JournalError> {
        self.conn
            .execute(
                "UPDATE runs SET position = ?2, heard_seconds = ?3, run_seconds = ?4,
                   completed = MAX(completed, ?5), ended_at = COALESCE(?6, ended_at)
                 WHERE id = ?1",
                params![
                    id,
                    facts.position,
                    facts.heard_seconds,
                    facts.run_seconds,
                    facts.completed,
                    ended_at
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The partial run that a run of `session_key` starting at `start` seconds picks
    /// up, if any (see [`RunFacts::continues`]).
    pub fn continued_run(
        &self,
        session_key: &str,
        start: f64,
        now: i64,
    ) -> Result<Option<Run>, JournalError> {
        Ok(self
            .select(
                "WHERE session_key = ?1 AND completed = 0 ORDER BY started_at DESC, id DESC LIMIT 1",
                [session_key],
            )?
            .pop()
            .filter(|r| RunFacts::continues(r, session_key, start, now)))
    }

    /// Stores the answered questions of run `id` (the `Some` ones; others are kept).
    pub fn answer(&self, id: i64, answers: &Answers) -> Result<(), JournalError> {
        let n = self
            .conn
            .execute(
                ANSWER_SQL,
                params![
                    id,
                    answers.stress_before,
                    answers.mood_before,
                    answers.stress_after,
                    answers.mood_after,
                    answers.effort,
                    answers.note.as_ref().map(Note::as_str)
                ],
            )
            .map_err(|e| self.err(e))?;
        if n == 0 {
            return Err(JournalError::NoRun {
                path: self.path.clone(),
                id,
            });
        }
        Ok(())
    }

    /// Removes run `id`.
    pub fn remove(&self, id: i64) -> Result<(), JournalError> {
        let n = self
            .conn
            .execute("DELETE FROM runs WHERE id = ?1", [id])
            .map_err(|e| self.err(e))?;
        if n == 0 {
            return Err(JournalError::NoRun {
                path: self.path.clone(),
                id,
            });
        }
        Ok(())
    }

    /// Corrects run `id`, all in one transaction.
    pub fn edit(&mut self, id: i64, edit: &Edit) -> Result<(), JournalError> {
        let path = self.path.clone();
        let err = |e| super::schema::classify(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let exists = tx
            .query_row("SELECT 1 FROM runs WHERE id = ?1", [id], |_| Ok(()))
            .map(|()| true)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(false),
                e => Err(e),
            })
            .map_err(err)?;
        if !exists {
            return Err(JournalError::NoRun { path, id });
        }
        if let Some((key, program, title, length)) = &edit.session {
            tx.execute(
                "UPDATE runs SET session_key = ?2, program = ?3, title = ?4, duration = ?5 WHERE id = ?1",
                params![id, key, program, title, length],
            )
            .map_err(err)?;
        }
        if let Some(start) = edit.started_at {
            tx.execute(
                "UPDATE runs SET ended_at = ?2 + (ended_at - started_at), started_at = ?2 WHERE id = ?1",
                params![id, start],
            )
            .map_err(err)?;
        }
        if let Some(f) = &edit.facts {
            tx.execute(
                "UPDATE runs SET start_position = ?2, position = ?3, heard_seconds = ?4,
                   run_seconds = ?5, completed = ?6 WHERE id = ?1",
                params![
                    id,
                    f.start_position,
                    f.position,
                    f.heard_seconds,
                    f.run_seconds,
                    f.completed
                ],
            )
            .map_err(err)?;
        }
        let a = &edit.answers;
        tx.execute(
            ANSWER_SQL,
            params![
                id,
                a.stress_before,
                a.mood_before,
                a.stress_after,
                a.mood_after,
                a.effort,
                if edit.clear_note {
                    Some("")
                } else {
                    a.note.as_ref().map(Note::as_str)
                }
            ],
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }
}
