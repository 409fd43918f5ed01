//! The run journal: every `rustig play` is recorded in a small SQLite database in
//! the user's data folder (`$XDG_DATA_HOME/rustig/journal.db`), so `play` without a
//! session knows which session of the default program comes next.
//!
//! The schema is versioned with `PRAGMA user_version` and upgraded by the ordered
//! [`MIGRATIONS`] on open; never edit a released migration, add a new one.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, params};

/// Schema migrations, applied in order; `user_version` counts those applied.
pub const MIGRATIONS: &[&str] = &["CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        session_key TEXT    NOT NULL,            -- 'opbouw/week01-1.toml' or a file path
        program     TEXT,                        -- 'opbouw' for the default program
        title       TEXT    NOT NULL,
        started_at  INTEGER NOT NULL,            -- unix seconds, UTC
        ended_at    INTEGER,                     -- NULL while playing (or after a crash)
        position    REAL    NOT NULL DEFAULT 0,  -- seconds of the session reached
        duration    REAL    NOT NULL,            -- the session's length in seconds
        completed   INTEGER NOT NULL DEFAULT 0,  -- 1 when played to the end
        mode        TEXT    NOT NULL,            -- 'audio' or 'no-audio'
        speed       REAL    NOT NULL DEFAULT 1
    );
    CREATE INDEX runs_by_session ON runs (session_key, completed);"];

/// A database problem, with the file it concerns.
#[derive(Debug, thiserror::Error)]
#[error("journal {path}: {source}")]
pub struct JournalError {
    /// The database file.
    pub path: PathBuf,
    /// What SQLite said.
    #[source]
    pub source: rusqlite::Error,
}

/// What is known about a run when it starts.
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
    /// `audio` or `no-audio`.
    pub mode: String,
}

/// The open journal.
pub struct Journal {
    conn: Connection,
    path: PathBuf,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Journal {
    /// The default location: `$XDG_DATA_HOME/rustig/journal.db` (or the platform's
    /// data folder).
    pub fn default_path() -> Option<PathBuf> {
        dirs::data_dir().map(|d| d.join("rustig").join("journal.db"))
    }

    /// Opens (creating if needed) the journal at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        let err = |source| JournalError {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| err(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        }
        let mut conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(2))
            .map_err(err)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        let version = usize::try_from(version).unwrap_or(0);
        if version < MIGRATIONS.len() {
            let tx = conn.transaction().map_err(err)?;
            for migration in &MIGRATIONS[version..] {
                tx.execute_batch(migration).map_err(err)?;
            }
            tx.execute_batch(&format!("PRAGMA user_version = {}", MIGRATIONS.len()))
                .map_err(err)?;
            tx.commit().map_err(err)?;
        }
        Ok(Journal {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn err(&self, source: rusqlite::Error) -> JournalError {
        JournalError {
            path: self.path.clone(),
            source,
        }
    }

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

    /// The session keys of `program` that have a completed run.
    pub fn completed(&self, program: &str) -> Result<HashSet<String>, JournalError> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT session_key FROM runs WHERE program = ?1 AND completed = 1")
            .map_err(|e| self.err(e))?;
        let keys = stmt
            .query_map([program], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?
            .collect::<Result<HashSet<_>, _>>()
            .map_err(|e| self.err(e))?;
        Ok(keys)
    }

    /// Every run, newest first.
    pub fn runs(&self) -> Result<Vec<Run>, JournalError> {
        self.select("ORDER BY started_at DESC, id DESC", [])
    }

    /// The run with this id.
    pub fn run(&self, id: i64) -> Result<Option<Run>, JournalError> {
        Ok(self.select("WHERE id = ?1", [id])?.pop())
    }

    fn select(&self, tail: &str, params: impl rusqlite::Params) -> Result<Vec<Run>, JournalError> {
        let sql = format!(
            "SELECT id, session_key, program, title, started_at, ended_at, position, duration, completed, mode
             FROM runs {tail}"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params, |r| {
                Ok(Run {
                    id: r.get(0)?,
                    session_key: r.get(1)?,
                    program: r.get(2)?,
                    title: r.get(3)?,
                    started_at: r.get(4)?,
                    ended_at: r.get(5)?,
                    position: r.get(6)?,
                    duration: r.get(7)?,
                    completed: r.get(8)?,
                    mode: r.get(9)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn a_new_journal_gets_the_latest_schema_and_records_runs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/journal.db");
        let j = Journal::open(&path).unwrap();
        let version: i64 = j
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
        let run = NewRun {
            session_key: "opbouw/week01-1.toml".into(),
            program: Some("opbouw".into()),
            title: "Week 1 · training 1".into(),
            duration: 1500.0,
            mode: "audio",
            speed: 1.0,
        };
        let a = j.start(&run).unwrap();
        j.progress(a, 600.0, true, false).unwrap();
        assert!(
            j.completed("opbouw").unwrap().is_empty(),
            "a run stopped halfway does not complete"
        );
        let b = j.start(&run).unwrap();
        j.progress(b, 1500.0, true, true).unwrap();
        assert_eq!(
            j.completed("opbouw").unwrap(),
            HashSet::from(["opbouw/week01-1.toml".to_owned()])
        );
        let runs = j.runs().unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!(j.run(a).unwrap().unwrap().position, 600.0);
        drop(j);
        // Reopening does not re-run migrations.
        let j = Journal::open(&path).unwrap();
        assert_eq!(j.runs().unwrap().len(), 2);
    }
}
