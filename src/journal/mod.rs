//! The run journal: every `rustig play` and every `rustig log add` is recorded in a
//! small SQLite database in the user's data folder
//! (`$XDG_DATA_HOME/rustig/journal.db`), with how the runner felt before and after.
//! It never leaves the machine.
//!
//! - [`schema`]: the versioned schema, migrations and backups;
//! - [`runs`]: what a run is, and the writes (each in one transaction);
//! - [`queries`]: reading runs back;
//! - [`answers`]: the questions, scores and notes — validated in one place;
//! - [`heard`]: what a run was, from what was heard: stored, completed, minutes run;
//! - [`program`]: the program the runner follows, session by session;
//! - [`next`]: which session comes next, and when to repeat one instead;
//! - [`status`]: the runner's state in one value, for every front end.
//!
//! The database is in WAL mode with a busy timeout, so several rustig processes can
//! write at once, and a process killed during a write loses only that write.

pub mod answers;
pub mod heard;
pub mod next;
pub mod program;
pub mod queries;
pub mod runs;
pub mod schema;
pub mod status;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use answers::{Answers, Moment, Note, NoteError, QUESTIONS, Question, Score, ScoreError};
pub use heard::{Heard, RunFacts, RunShape};
pub use next::{Choice, Plan, RepeatReason, next_session};
pub use program::{GOAL_MINUTES, ProgramPlan, SessionSummary};
pub use runs::{Edit, Mode, Recorded, Run, RunRecord, now, session_key};
pub use schema::MIGRATIONS;
pub use status::{Status, closing_line, closing_of};

/// A journal problem, naming the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// SQLite failed.
    #[error("journal {path}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// SQLite failed in a way a runner can fix, said in plain words.
    #[error("journal {path} {what}")]
    Unusable {
        /// The database file.
        path: PathBuf,
        /// What is wrong and what to do.
        what: &'static str,
    },
    /// The file was written by a newer rustig.
    #[error(
        "journal {path} has schema version {found}, but this rustig knows versions up to {known}: it was written by a newer rustig. Update rustig; the file is left untouched"
    )]
    Newer {
        /// The database file.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// The file is not a database, or a damaged one.
    #[error(
        "journal {path} is damaged or not a rustig journal ({detail}). It is left untouched: move it away (for example to journal.db.broken) to start a new journal, or put back a backup journal.db.bak-vN"
    )]
    Damaged {
        /// The database file.
        path: PathBuf,
        /// What SQLite found.
        detail: String,
    },
    /// The backup before a migration failed; nothing was migrated.
    #[error(
        "journal {path}: cannot write the backup {backup} before upgrading ({detail}); nothing was changed. Free some space or check the folder's permissions"
    )]
    Backup {
        /// The database file.
        path: PathBuf,
        /// The backup that could not be written.
        backup: PathBuf,
        /// Why.
        detail: String,
    },
    /// The folder could not be created.
    #[error("journal {path}: cannot create its folder")]
    Folder {
        /// The database file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Neither `XDG_DATA_HOME` nor `HOME` says where the user's data lives.
    #[error("no data folder for the journal: set XDG_DATA_HOME or HOME")]
    NoDataFolder,
    /// No run has this id.
    #[error("journal {path}: there is no run {id}; `rustig log` lists the runs with their ids")]
    NoRun {
        /// The database file.
        path: PathBuf,
        /// The id asked for.
        id: i64,
    },
}

/// The open journal.
pub struct Journal {
    conn: Connection,
    path: PathBuf,
}

impl Journal {
    /// The default location: `$XDG_DATA_HOME/rustig/journal.db` (or the platform's
    /// data folder).
    pub fn default_path() -> Result<PathBuf, JournalError> {
        dirs::data_dir()
            .map(|d| d.join("rustig").join("journal.db"))
            .ok_or(JournalError::NoDataFolder)
    }

    /// Opens (creating if needed) the journal at its default place: the one way every
    /// command that records runs opens it.
    pub fn open_default() -> Result<Journal, JournalError> {
        Journal::open(&Journal::default_path()?)
    }

    /// Every run in the journal at its default place, newest first; none when there is
    /// no journal yet (a command that only reads never creates one).
    pub fn default_runs() -> Result<Vec<Run>, JournalError> {
        match Journal::default_for_reading()? {
            Some(journal) => journal.runs(),
            None => Ok(Vec::new()),
        }
    }

    /// The journal at its default place for a command that only reads (`log`,
    /// `status`, `report`); `None` when there is none yet (it is not created).
    pub fn default_for_reading() -> Result<Option<Journal>, JournalError> {
        let path = Journal::default_path()?;
        if !path.exists() {
            return Ok(None);
        }
        Journal::open_for_reading(&path).map(Some)
    }

    /// Opens the journal at `path` to read it. A journal rustig may write is opened
    /// as by [`Journal::open`] (an older schema is upgraded); one in a read-only file
    /// or folder (a backup, a copy from a coach, a mounted disk) is read as it is,
    /// when its schema is the current one. Nothing is created or written then.
    pub fn open_for_reading(path: &Path) -> Result<Journal, JournalError> {
        let error = match Journal::open(path) {
            Ok(journal) => return Ok(journal),
            Err(e @ JournalError::Unusable { .. }) => e,
            Err(e) => return Err(e),
        };
        let read_only = |uri: &str| -> Result<Journal, rusqlite::Error> {
            use rusqlite::OpenFlags;
            let conn = Connection::open_with_flags(
                uri,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
            )?;
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version != schema::latest() {
                return Err(rusqlite::Error::InvalidQuery);
            }
            Ok(Journal {
                conn,
                path: path.to_path_buf(),
            })
        };
        // SQLite URIs: `%`, `?` and `#` in the path are written as %XX.
        let mut file = String::from("file:");
        for c in path.to_string_lossy().chars() {
            match c {
                '%' | '?' | '#' => file.push_str(&format!("%{:02X}", c as u32)),
                c => file.push(c),
            }
        }
        // A journal in WAL mode needs its shared-memory file; in a read-only folder
        // that cannot be made, and `immutable=1` reads the file alone (nobody can
        // write it there anyway).
        read_only(&file)
            .or_else(|_| read_only(&format!("{file}?immutable=1")))
            .map_err(|_| error)
    }

    /// Opens (creating if needed) the journal at `path` and brings its schema up to
    /// date. An older file is first copied to `journal.db.bak-vN`; a newer or damaged
    /// one is refused and never written.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| JournalError::Folder {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let mut conn = Connection::open(path).map_err(|e| schema::classify(path, e))?;
        schema::prepare(&mut conn, path)?;
        Ok(Journal {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file.
    pub fn version(&self) -> Result<i64, JournalError> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    fn err(&self, source: rusqlite::Error) -> JournalError {
        schema::classify(&self.path, source)
    }
}

#[cfg(test)]
mod test;
