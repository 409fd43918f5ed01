//! Which session of a program comes next, and when to repeat the previous one
//! instead: after a run that felt too heavy (effort 5), or when stress after the run
//! was higher than before in the last two runs. In the e-book's spirit: lower the
//! pace, take time for the build-up. The runner decides ([`Choice`]).
//!
//! Only completed runs count here: a partial run (started, stopped after a few
//! minutes) neither moves the program on nor makes a suggestion go away.

use std::collections::HashSet;

use super::Run;

/// Why repeating the previous session is suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RepeatReason {
    /// The last run felt too heavy (effort 5).
    TooHeavy,
    /// Stress after was higher than before, in each of the last two runs.
    StressUp,
}

impl RepeatReason {
    /// The reason in Dutch, for the runner.
    pub fn dutch(self) -> &'static str {
        match self {
            RepeatReason::TooHeavy => "je vorige training voelde te zwaar (5 van 5)",
            RepeatReason::StressUp => {
                "je stress was na de laatste twee trainingen hoger dan ervoor"
            }
        }
    }
}

/// What the runner asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The first session not yet completed (`play --next`).
    Next,
    /// The session of the last run (`play --repeat`).
    Repeat,
    /// The repeat when one is suggested, otherwise the next.
    Suggested,
}

/// Where the runner is in a program: indexes into its session list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The first session without a completed run; `None` when all are done.
    pub next: Option<usize>,
    /// The session of the most recent completed run of the program.
    pub previous: Option<usize>,
    /// Set when repeating `previous` is suggested instead of moving on to `next`.
    pub repeat: Option<RepeatReason>,
}

impl Plan {
    /// The session to play for `choice`.
    pub fn choose(&self, choice: Choice) -> Option<usize> {
        match choice {
            Choice::Next => self.next,
            Choice::Repeat => self.previous,
            Choice::Suggested if self.repeat.is_some() => self.previous,
            Choice::Suggested => self.next,
        }
    }
}

/// The plan for `program` (its name, as in the journal's keys `program/file`) whose
/// session files are `sessions` in order, given the journal's `runs` (any order).
pub fn next_session(program: &str, sessions: &[String], runs: &[Run]) -> Plan {
    let key = |file: &str| format!("{program}/{file}");
    let mut mine: Vec<&Run> = runs
        .iter()
        .filter(|r| r.completed && r.program.as_deref() == Some(program))
        .collect();
    mine.sort_by_key(|r| std::cmp::Reverse((r.started_at, r.id)));
    let done: HashSet<&str> = mine.iter().map(|r| r.session_key.as_str()).collect();
    let next = sessions
        .iter()
        .position(|s| !done.contains(key(s).as_str()));
    let previous = mine
        .first()
        .and_then(|last| sessions.iter().position(|s| key(s) == last.session_key));
    let stress_up = |r: &Run| matches!((r.answers.stress_before, r.answers.stress_after), (Some(b), Some(a)) if a > b);
    let reason = if mine
        .first()
        .is_some_and(|r| r.answers.effort.map(super::Score::get) == Some(super::Score::MAX))
    {
        Some(RepeatReason::TooHeavy)
    } else if mine.len() >= 2 && mine[..2].iter().all(|r| stress_up(r)) {
        Some(RepeatReason::StressUp)
    } else {
        None
    };
    let repeat = reason.filter(|_| previous.is_some() && previous != next);
    Plan {
        next,
        previous,
        repeat,
    }
}
