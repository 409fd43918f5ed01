//! The runner's state in one value: where they are in the program, what comes next
//! (or what to repeat), how far the running has come, this week's runs and stress
//! before→after lately. `rustig status` (text and JSON), `play`, the report and the
//! phone page all read this one [`Status`]; none of them recomputes a rule.

use chrono::{Datelike, Local, TimeZone};

use super::next::{Choice, Plan, RepeatReason, next_session};
use super::program::{GOAL_MINUTES, ProgramPlan, SessionSummary, run_minutes};
use super::{Run, Score};

/// How many recent answered runs the stress line shows.
pub const STRESS_RUNS: usize = 12;

/// Repeating a session is suggested, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RepeatSuggestion {
    /// The session to repeat.
    #[serde(flatten)]
    pub session: SessionSummary,
    /// Why.
    pub reason: RepeatReason,
}

/// Stress before and after one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StressPoint {
    /// Stress after.
    pub after: Score,
    /// Stress before.
    pub before: Score,
    /// The run's id.
    pub id: i64,
}

/// The runner's state. The JSON of `rustig status --json` is this value serialized
/// (fields in alphabetical order, as the JSON has always listed them).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Status {
    /// The goal: minutes of running per training.
    pub goal_minutes: f64,
    /// The journal key of the furthest session with a completed run.
    pub last_completed: Option<String>,
    /// The first session not yet completed; `None` when all are.
    pub next: Option<SessionSummary>,
    /// The session plain `rustig play` starts: the repeat when one is suggested,
    /// otherwise `next`.
    pub plays: Option<SessionSummary>,
    /// The program's name.
    pub program: String,
    /// The program's title.
    pub program_title: String,
    /// The session to repeat instead of `next`, when the rules suggest it.
    pub repeat: Option<RepeatSuggestion>,
    /// Minutes of running in the furthest completed session.
    pub run_minutes: f64,
    /// Runs started in this ISO week.
    pub runs_this_week: usize,
    /// Stress before and after of the last [`STRESS_RUNS`] runs with both answers,
    /// oldest first.
    pub stress: Vec<StressPoint>,
    /// Week and number of the furthest completed session.
    #[serde(skip)]
    pub last_completed_week: Option<(u32, u32)>,
    /// Indexes into the program, for choosing what to play.
    #[serde(skip)]
    pub plan: Plan,
}

impl Status {
    /// The state of `program` after `runs` (any order), at unix time `now`.
    pub fn compute(program: &ProgramPlan, runs: &[Run], now: i64) -> Status {
        let plan = next_session(&program.name, &program.files, runs);
        let done = (0..program.files.len()).rev().find(|&i| {
            let key = program.key(i);
            runs.iter().any(|r| r.completed && r.session_key == key)
        });
        Status {
            goal_minutes: GOAL_MINUTES,
            last_completed: done.map(|i| program.key(i)),
            next: plan.next.map(|i| program.summary(i)),
            plays: plan.choose(Choice::Suggested).map(|i| program.summary(i)),
            program: program.name.clone(),
            program_title: program.title.clone(),
            repeat: plan
                .repeat
                .zip(plan.previous)
                .map(|(reason, p)| RepeatSuggestion {
                    session: program.summary(p),
                    reason,
                }),
            run_minutes: done.map_or(0.0, |i| run_minutes(&program.sessions[i])),
            runs_this_week: runs_in_week_of(runs, now),
            stress: recent_stress(runs),
            last_completed_week: done.and_then(|i| program.week_and_session(i)),
            plan,
        }
    }

    /// The program index of the session to play for `choice`.
    pub fn choose(&self, choice: Choice) -> Option<usize> {
        self.plan.choose(choice)
    }

    /// Why the session is played again, in one Dutch sentence ("Week 1 · training 2
    /// nog een keer, want …"), when the rules suggest a repeat.
    pub fn repeat_line(&self) -> Option<String> {
        let repeat = self.repeat.as_ref()?;
        Some(format!(
            "{} nog een keer, want {}: neem de tijd voor de opbouw.",
            repeat.session.title,
            repeat.reason.dutch()
        ))
    }

    /// How to move on instead of repeating, in Dutch, when a repeat is suggested.
    pub fn move_on_line(&self) -> Option<String> {
        self.repeat.as_ref()?;
        Some(match &self.next {
            Some(next) => format!("Liever verder met {}? rustig play --next", next.title),
            None => "Liever iets anders? Kies een training: rustig play sessions/opbouw/…".into(),
        })
    }
}

/// The one Dutch line that closes `play` and `log add`: what was stored, and what
/// comes next with its length. `Opgeslagen: Week 1 · training 1, afgerond, 12 min
/// hardlopen. Volgende keer: Week 1 · training 2, 39 min.` (under a minute:
/// `55 seconden hardlopen`). `log add` passes its own
/// `prefix` (with the run's number) and `when` (the date it was run).
pub fn closing_line(prefix: &str, stored: &Run, when: Option<&str>, status: &Status) -> String {
    let clock = crate::timeline::clock;
    let how = if stored.completed {
        "afgerond".to_owned()
    } else if stored.start_position > 0.0 {
        format!(
            "niet afgerond (gehoord van {} tot {})",
            clock(stored.start_position),
            clock(stored.position)
        )
    } else {
        format!("niet afgerond (tot {})", clock(stored.position))
    };
    // Under a minute in words ("55 seconden"), as the runner reads it after a run.
    let secs = (stored.minutes_run(None) * 60.0).round();
    let running = if secs < 1.0 {
        String::new()
    } else if secs < 2.0 {
        ", 1 seconde hardlopen".to_owned()
    } else if secs < 60.0 {
        format!(", {secs} seconden hardlopen")
    } else {
        format!(", {} hardlopen", super::program::span(secs))
    };
    let next = match &status.plays {
        Some(s) => format!(
            "Volgende keer: {}, {}.",
            s.title,
            super::program::span(s.minutes * 60.0)
        ),
        None => "Je hebt alle trainingen van het programma afgerond.".to_owned(),
    };
    let when = when.map(|w| format!(" op {w}")).unwrap_or_default();
    format!("{prefix}: {}{when}, {how}{running}. {next}", stored.title)
}

impl super::Journal {
    /// The closing line ([`closing_line`]) for run `id`, just stored: reads the runs
    /// back and computes the status against `program` now. `None` when the run is not
    /// in the journal. `play` and `log add` both end with it.
    pub fn closing(
        &self,
        id: i64,
        program: &ProgramPlan,
        prefix: &str,
        when: Option<&str>,
    ) -> Result<Option<String>, super::JournalError> {
        Ok(closing_of(&self.runs()?, id, program, prefix, when))
    }
}

/// The closing line ([`closing_line`]) for run `id` among `runs` (the whole journal,
/// just read back), with the status computed against `program` now; `None` when the
/// run is not among them. [`super::Journal::closing`] and the phone's server (which
/// keeps its journal open) both end a stored run with it.
pub fn closing_of(
    runs: &[Run],
    id: i64,
    program: &ProgramPlan,
    prefix: &str,
    when: Option<&str>,
) -> Option<String> {
    runs.iter().find(|r| r.id == id).map(|stored| {
        let status = Status::compute(program, runs, super::now());
        closing_line(prefix, stored, when, &status)
    })
}

/// Runs started in the ISO week of `now`, local time.
fn runs_in_week_of(runs: &[Run], now: i64) -> usize {
    let week = |t: i64| {
        Local
            .timestamp_opt(t, 0)
            .single()
            .map(|d| (d.iso_week().year(), d.iso_week().week()))
    };
    let this = week(now);
    runs.iter().filter(|r| week(r.started_at) == this).count()
}

/// Stress before and after of the last [`STRESS_RUNS`] runs that have both.
fn recent_stress(runs: &[Run]) -> Vec<StressPoint> {
    let mut answered: Vec<(i64, StressPoint)> = runs
        .iter()
        .filter_map(|r| {
            Some((
                r.started_at,
                StressPoint {
                    before: r.answers.stress_before?,
                    after: r.answers.stress_after?,
                    id: r.id,
                },
            ))
        })
        .collect();
    answered.sort_by_key(|(t, p)| (*t, p.id));
    let skip = answered.len().saturating_sub(STRESS_RUNS);
    answered.into_iter().skip(skip).map(|(_, p)| p).collect()
}
