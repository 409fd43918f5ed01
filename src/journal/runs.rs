//! What a run is, and the writes: each one statement in its own transaction (SQLite
//! autocommit), or an explicit transaction where several rows or reads are involved.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{TransactionBehavior, params};

use super::{Answers, Journal, JournalError, Note};

/// What is known about a run when `play` starts it.
#[derive(Debug, Clone)]
pub struct NewRun {
    /// Identifies the session across runs.
    pub session_key: String,
    /// The program it belongs to, if any.
    pub program: Option<String>,
    /// The session's title.
    pub title: String,
    /// Length in seconds.
    pub duration: f64,
    /// `audio` or `no-audio`.
    pub mode: &'static str,
    /// Clock speed (1 with audio).
    pub speed: f64,
}

/// A run recorded by hand (`rustig log add`), done with an exported file.
#[derive(Debug, Clone)]
pub struct LoggedRun {
    /// The session key, as [`session_key`] makes it.
    pub session_key: String,
    /// The program, if any.
    pub program: Option<String>,
    /// The session's title.
    pub title: String,
    /// Unix seconds, UTC.
    pub started_at: i64,
    /// Seconds of the session done.
    pub position: f64,
    /// The session's length in seconds.
    pub duration: f64,
    /// Done to the end.
    pub completed: bool,
    /// How it felt.
    pub answers: Answers,
}

/// A correction (`rustig log edit`): each `Some` field replaces the stored one.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    /// Another session: key, program, title, length.
    pub session: Option<(String, Option<String>, String, f64)>,
    /// Another start time (unix seconds).
    pub started_at: Option<i64>,
    /// Completed (`Some(None)`) or partial after this many seconds (`Some(Some(s))`).
    pub progress: Option<Option<f64>>,
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
    /// Seconds reached.
    pub position: f64,
    /// Session length.
    pub duration: f64,
    /// Played to the end.
    pub completed: bool,
    /// `audio`, `no-audio` or `log`.
    pub mode: String,
    /// How it felt.
    pub answers: Answers,
}

impl Run {
    /// Minutes of the session done.
    pub fn minutes(&self) -> f64 {
        self.position / 60.0
    }
}

pub(super) fn now() -> i64 {
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
    /// Records the start of a run and returns its id.
    pub fn start(&self, run: &NewRun) -> Result<i64, JournalError> {
        self.conn
            .execute(
                "INSERT INTO runs (session_key, program, title, started_at, duration, mode, speed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    run.session_key,
                    run.program,
                    run.title,
                    now(),
                    run.duration,
                    run.mode,
                    run.speed
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records how far a run got; `ended` marks a clean end, `completed` a run played
    /// to its end.
    pub fn progress(
        &self,
        id: i64,
        position: f64,
        ended: bool,
        completed: bool,
    ) -> Result<(), JournalError> {
        let ended_at = ended.then(now);
        self.conn
            .execute(
                "UPDATE runs SET position = ?2, ended_at = COALESCE(?3, ended_at), completed = MAX(completed, ?4) WHERE id = ?1",
                params![id, position, ended_at, completed],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
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

    /// Records a run done elsewhere (mode `log`) and returns its id.
    pub fn add(&self, run: &LoggedRun) -> Result<i64, JournalError> {
        let a = &run.answers;
        self.conn
            .execute(
                "INSERT INTO runs (session_key, program, title, started_at, ended_at, position,
                   duration, completed, mode, speed, stress_before, mood_before, stress_after,
                   mood_after, effort, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'log', 1, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![
                    run.session_key,
                    run.program,
                    run.title,
                    run.started_at,
                    run.started_at + run.position.round() as i64,
                    run.position,
                    run.duration,
                    run.completed,
                    a.stress_before,
                    a.mood_before,
                    a.stress_after,
                    a.mood_after,
                    a.effort,
                    a.note
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
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
        let duration: Option<f64> = tx
            .query_row("SELECT duration FROM runs WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(err)?;
        let Some(mut duration) = duration else {
            return Err(JournalError::NoRun { path, id });
        };
        if let Some((key, program, title, length)) = &edit.session {
            tx.execute(
                "UPDATE runs SET session_key = ?2, program = ?3, title = ?4, duration = ?5 WHERE id = ?1",
                params![id, key, program, title, length],
            )
            .map_err(err)?;
            duration = *length;
        }
        if let Some(start) = edit.started_at {
            tx.execute(
                "UPDATE runs SET ended_at = ?2 + (ended_at - started_at), started_at = ?2 WHERE id = ?1",
                params![id, start],
            )
            .map_err(err)?;
        }
        match edit.progress {
            Some(None) => tx.execute(
                "UPDATE runs SET completed = 1, position = ?2 WHERE id = ?1",
                params![id, duration],
            ),
            Some(Some(secs)) => tx.execute(
                "UPDATE runs SET completed = 0, position = ?2 WHERE id = ?1",
                params![id, secs],
            ),
            None => Ok(0),
        }
        .map_err(err)?;
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
