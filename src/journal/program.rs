//! The program the runner follows, with its sessions parsed: what progress is measured
//! against. For each session it knows the journal key, the running minutes, its plan
//! in one Dutch line and its week and number — the facts that the status, `play`,
//! the report and the phone page show.

use std::borrow::Cow;

use super::heard::RunShape;
use crate::load::{SessionFile, default_program};
use crate::session::{BlockKind, Diagnostic, Session, parse_session};

/// The program's goal: 36 minutes of running.
pub const GOAL_MINUTES: f64 = 36.0;

/// A program with its sessions, in order.
#[derive(Debug, Clone)]
pub struct ProgramPlan {
    /// Its name, the first part of its journal keys (`opbouw`).
    pub name: String,
    /// Its title (`Van 12 naar 36 minuten`).
    pub title: String,
    /// The session files, in order (`week01-1.toml`).
    pub files: Vec<String>,
    /// The parsed sessions, in the same order.
    pub sessions: Vec<Session>,
    /// Where each session was read from (the built-in program or a folder on disk).
    pub sources: Vec<SessionFile>,
}

/// One session of a program as the runner sees it before starting.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SessionSummary {
    /// Its length in whole minutes.
    pub minutes: f64,
    /// The plan in one Dutch line.
    pub plan: String,
    /// Minutes of running in it.
    pub run_minutes: f64,
    /// Its journal key (`opbouw/week01-2.toml`).
    pub session: String,
    /// Its title.
    pub title: String,
}

impl ProgramPlan {
    /// The built-in default program (`sessions/opbouw`), or the problems that keep it
    /// from loading.
    pub fn default_program() -> Result<ProgramPlan, Vec<Diagnostic>> {
        let (mut diags, files) = default_program();
        let Some(files) = files else {
            return Err(diags);
        };
        let mut sessions = Vec::new();
        for f in &files.sessions {
            let (s, d) = parse_session(&f.display, &f.bytes, &f.base);
            diags.extend(d);
            match s {
                Some(s) => sessions.push(s),
                None => return Err(diags),
            }
        }
        Ok(ProgramPlan {
            name: crate::builtin::DEFAULT_PROGRAM.to_owned(),
            title: files.program.title,
            files: files
                .program
                .sessions
                .iter()
                .map(|s| s.value.clone())
                .collect(),
            sessions,
            sources: files.sessions,
        })
    }

    /// `given`, or the built-in program parsed now: a command parses the program once,
    /// when it first needs it, and passes it along.
    pub fn given_or_default(
        given: Option<&ProgramPlan>,
    ) -> Result<Cow<'_, ProgramPlan>, Vec<Diagnostic>> {
        match given {
            Some(p) => Ok(Cow::Borrowed(p)),
            None => ProgramPlan::default_program().map(Cow::Owned),
        }
    }

    /// The journal key of session `i`: `opbouw/week01-1.toml`.
    pub fn key(&self, i: usize) -> String {
        format!("{}/{}", self.name, self.files[i])
    }

    /// The session whose journal key is `key`.
    pub fn index_of_key(&self, key: &str) -> Option<usize> {
        (0..self.files.len()).find(|&i| self.key(i) == key)
    }

    /// The session a runner names in short: its file name with or without `.toml`
    /// (`week01-1`), or its number in the program, as exported files are numbered
    /// (`07` or `7`, from 1).
    pub fn find(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
            let n: usize = name.parse().ok()?;
            return (1..=self.files.len()).contains(&n).then(|| n - 1);
        }
        let file = name.strip_suffix(".toml").unwrap_or(name);
        self.files
            .iter()
            .position(|f| f.strip_suffix(".toml").unwrap_or(f) == file)
    }

    /// Session `i` as the runner sees it before starting.
    pub fn summary(&self, i: usize) -> SessionSummary {
        let s = &self.sessions[i];
        SessionSummary {
            minutes: (s.blocks_duration().secs() / 60.0).round(),
            plan: plan_line(s),
            run_minutes: run_minutes(s),
            session: self.key(i),
            title: s.title.clone(),
        }
    }

    /// Week and number of session `i`, from its file name.
    pub fn week_and_session(&self, i: usize) -> Option<(u32, u32)> {
        week_and_session(&self.files[i])
    }
}

/// Minutes of running in a session, by the journal's rule ([`RunShape`]).
pub fn run_minutes(s: &Session) -> f64 {
    RunShape::from_session(s).running_seconds() / 60.0
}

/// A length in Dutch: `5 min`, `30 s`, `2:30 min`.
pub fn span(secs: f64) -> String {
    if secs % 60.0 == 0.0 {
        format!("{} min", secs / 60.0)
    } else if secs < 60.0 {
        format!("{secs} s")
    } else {
        format!("{}:{:02} min", (secs / 60.0).floor(), (secs % 60.0).round())
    }
}

/// A session's plan in one Dutch line: `6 min wandelen, 12× (1 min hardlopen, 1 min
/// wandelen), rekken`.
pub fn plan_line(s: &Session) -> String {
    s.blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Walk { duration } => Some(format!("{} wandelen", span(duration.secs()))),
            BlockKind::Run { duration, .. } => Some(format!("{} hardlopen", span(duration.secs()))),
            BlockKind::Intervals {
                repeat, run, walk, ..
            } => Some(format!(
                "{repeat}× ({} hardlopen, {} wandelen)",
                span(run.secs()),
                span(walk.secs())
            )),
            BlockKind::Strength { .. } => Some("krachtoefeningen".into()),
            BlockKind::Stretch { .. } => Some("rekken".into()),
            BlockKind::Breathe { duration, .. } => {
                Some(format!("{} ademhaling", span(duration.secs())))
            }
            BlockKind::Silence { .. } => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Week and session from a file name like `week03-2.toml`.
pub fn week_and_session(file: &str) -> Option<(u32, u32)> {
    let rest = file.strip_prefix("week")?.strip_suffix(".toml")?;
    let (w, s) = rest.split_once('-')?;
    Some((w.parse().ok()?, s.parse().ok()?))
}
