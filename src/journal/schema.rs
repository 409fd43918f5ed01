//! The schema and its migrations: `PRAGMA user_version` counts the migrations
//! applied; an older file is copied to `journal.db.bak-vN` before it is upgraded, a
//! newer or damaged one is refused and left untouched.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, TransactionBehavior};

use super::JournalError;

/// Schema migrations, applied in order; `user_version` counts those applied. Never
/// edit a released migration: add a new one.
pub const MIGRATIONS: &[&str] = &[
    // v1 (rustig 0.1): runs played with `rustig play`.
    "CREATE TABLE runs (
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
    CREATE INDEX runs_by_session ON runs (session_key, completed);",
    // v2: how the runner felt before and after, effort, a note; runs logged by hand
    // (mode 'log': done with an exported file on a phone).
    "ALTER TABLE runs ADD COLUMN stress_before INTEGER CHECK (stress_before BETWEEN 1 AND 5);
    ALTER TABLE runs ADD COLUMN mood_before   INTEGER CHECK (mood_before BETWEEN 1 AND 5);
    ALTER TABLE runs ADD COLUMN stress_after  INTEGER CHECK (stress_after BETWEEN 1 AND 5);
    ALTER TABLE runs ADD COLUMN mood_after    INTEGER CHECK (mood_after BETWEEN 1 AND 5);
    ALTER TABLE runs ADD COLUMN effort        INTEGER CHECK (effort BETWEEN 1 AND 5);
    ALTER TABLE runs ADD COLUMN note          TEXT;
    CREATE INDEX runs_by_time ON runs (started_at);",
    // v3 (rustig 0.3): what was heard. Where the run started, the seconds heard and the
    // seconds of running heard (NULL for older rows), and the front end's key for a run
    // so a retry stores it once. Modes: 'audio', 'no-audio', 'log', 'telefoon'.
    "ALTER TABLE runs ADD COLUMN start_position REAL NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN heard_seconds REAL;
    ALTER TABLE runs ADD COLUMN run_seconds REAL;
    ALTER TABLE runs ADD COLUMN request_key TEXT;
    CREATE UNIQUE INDEX runs_by_request ON runs (request_key);",
];

/// The schema version this rustig writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// The backup made before migrating a file of schema `version`: `journal.db.bak-vN`.
pub fn backup_path(path: &Path, version: i64) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".bak-v{version}"));
    path.with_file_name(name)
}

/// Whether SQLite's error means the file is not a usable database.
fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// What the SQLite errors a runner can meet mean, and what to do, in plain words
/// (SQLite's own text is a code like `Error code 1544` or a whole statement).
fn plain_words(e: &rusqlite::Error) -> Option<&'static str> {
    Some(match e.sqlite_error_code()? {
        ErrorCode::ReadOnly => {
            "cannot be written (read-only file or folder, or it was moved while open); check its permissions with ls -l"
        }
        ErrorCode::CannotOpen => {
            "cannot be opened; check that its folder exists and that you may write there"
        }
        ErrorCode::PermissionDenied => "may not be opened by you; check its permissions with ls -l",
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
            "is busy: another rustig is writing it; try again in a moment"
        }
        ErrorCode::DiskFull => "cannot grow: the disk is full; free some space",
        ErrorCode::SystemIoFailure => "cannot be read or written (a disk error); check the disk",
        _ => return None,
    })
}

/// Maps an SQLite error on `path` to a journal error, recognising damage.
pub(super) fn classify(path: &Path, e: rusqlite::Error) -> JournalError {
    if is_damage(&e) {
        JournalError::Damaged {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }
    } else if let Some(what) = plain_words(&e) {
        JournalError::Unusable {
            path: path.to_path_buf(),
            what,
        }
    } else {
        JournalError::Sqlite {
            path: path.to_path_buf(),
            source: e,
        }
    }
}

/// Sets up the connection (WAL, busy timeout, foreign keys) and brings the schema up
/// to date, backing up an older file first.
pub(super) fn prepare(conn: &mut Connection, path: &Path) -> Result<(), JournalError> {
    let err = |e| classify(path, e);
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(err)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(err)?;
    if version > latest() {
        return Err(JournalError::Newer {
            path: path.to_path_buf(),
            found: version,
            known: latest(),
        });
    }
    if version > 0 {
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(err)?;
        if check != "ok" {
            return Err(JournalError::Damaged {
                path: path.to_path_buf(),
                detail: check,
            });
        }
    }
    // WAL: readers never block the writer, and a killed writer loses only its own
    // uncommitted transaction.
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(err)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(JournalError::Sqlite {
            path: path.to_path_buf(),
            source: rusqlite::Error::InvalidParameterName(format!(
                "journal_mode stayed {mode}, WAL is needed"
            )),
        });
    }
    if version == latest() {
        return Ok(());
    }
    if version > 0 {
        let backup = backup_path(path, version);
        if !backup.exists() {
            conn.execute("VACUUM INTO ?1", [backup.to_string_lossy()])
                .map_err(|e| JournalError::Backup {
                    path: path.to_path_buf(),
                    backup: backup.clone(),
                    detail: e.to_string(),
                })?;
        }
    }
    // IMMEDIATE: two processes opening a new file at once migrate it once.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(err)?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(err)?;
    if (0..latest()).contains(&version) {
        for migration in &MIGRATIONS[version as usize..] {
            tx.execute_batch(migration).map_err(err)?;
        }
        tx.execute_batch(&format!("PRAGMA user_version = {}", latest()))
            .map_err(err)?;
    }
    tx.commit().map_err(err)?;
    Ok(())
}
