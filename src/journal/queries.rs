//! Reading runs back.

use std::collections::HashSet;

use super::{Answers, Journal, JournalError, Run};

const COLUMNS: &str = "id, session_key, program, title, started_at, ended_at, position, duration,
    completed, mode, stress_before, mood_before, stress_after, mood_after, effort, note,
    start_position, heard_seconds, run_seconds";

impl Journal {
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

    /// The runs started at or after `since` (unix seconds), oldest first.
    pub fn runs_since(&self, since: i64) -> Result<Vec<Run>, JournalError> {
        self.select("WHERE started_at >= ?1 ORDER BY started_at, id", [since])
    }

    /// The run with this id.
    pub fn run(&self, id: i64) -> Result<Option<Run>, JournalError> {
        Ok(self.select("WHERE id = ?1", [id])?.pop())
    }

    /// How many runs are recorded.
    pub fn count(&self) -> Result<i64, JournalError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM runs", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    pub(super) fn select(
        &self,
        tail: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<Run>, JournalError> {
        let sql = format!("SELECT {COLUMNS} FROM runs {tail}");
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
                    start_position: r.get(16)?,
                    heard_seconds: r.get(17)?,
                    run_seconds: r.get(18)?,
                    answers: Answers {
                        stress_before: r.get(10)?,
                        mood_before: r.get(11)?,
                        stress_after: r.get(12)?,
                        mood_after: r.get(13)?,
                        effort: r.get(14)?,
                        note: r.get(15)?,
                    },
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }
}
