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

    /// The Dutch tip to repeat the previous session, when the rules suggest it.
    pub fn tip(&self) -> Option<String> {
        let repeat = self.repeat.as_ref()?;
        Some(format!(
            "Tip: {}. Herhaal liever {} en neem de tijd voor de opbouw: rustig play --repeat (of rustig play --next om door te gaan).",
            repeat.reason.dutch(),
            repeat.session.title
        ))
    }
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
