//! What a run really was, from what the runner heard: the one place the rules for
//! "stored", "completed" and "minutes run" live, so `play` in the terminal, `log add`
//! and the phone page (which only reports the positions it played) agree.
//!
//! The rules (docs/dagboek.md says them in Dutch):
//! - a run is **stored** when at least [`MIN_HEARD`] seconds were heard at normal speed,
//!   or, for a session shorter than that, when all of it was heard, from its start to
//!   its end (within [`EDGE`] seconds): that is the whole session, not a try that
//!   was stopped; a sped-up preview (`play --no-audio --speed 60`) is never stored;
//! - it is **completed** when it was heard from the start (within [`EDGE`] seconds, or
//!   it continues a same-day partial run of the same session from where that one
//!   stopped), reached the end (within [`EDGE`]), and at least [`RUN_SHARE`] of the
//!   session's running was heard: skipping a stretch or a walk with `n` still counts,
//!   jumping to the end does not;
//! - **minutes run** are the seconds heard in run blocks (and the runs of intervals)
//!   and in silence blocks that directly follow running ("stil hardlopen"). Pauses and
//!   skipped parts do not count.

use crate::session::{BlockKind, Kind, Session};
use crate::timeline::Timeline;

use super::Run;

/// Seconds heard below which a run is not stored (a started-and-stopped try), unless
/// the session is shorter and was heard whole.
pub const MIN_HEARD: f64 = 60.0;
/// Seconds of slack at the start and the end of a session for "heard from start to end".
pub const EDGE: f64 = 2.0;
/// The share of a session's running that must be heard for it to count as completed.
pub const RUN_SHARE: f64 = 0.9;

/// The parts of a session that matter for the rules: its length and where the running
/// is.
#[derive(Debug, Clone, PartialEq)]
pub struct RunShape {
    /// The session's length in seconds.
    pub duration: f64,
    /// `(start, end)` seconds of running, in order, not overlapping.
    pub running: Vec<(f64, f64)>,
}

impl RunShape {
    /// The shape of a compiled session: run blocks, and silence blocks right after
    /// running, are running.
    pub fn from_timeline(timeline: &Timeline) -> RunShape {
        let mut shape = RunShape {
            duration: timeline.duration,
            running: Vec::new(),
        };
        let mut after_run = false;
        for b in &timeline.blocks {
            let is_run = b.kind == Kind::Run || (b.kind == Kind::Silence && after_run);
            if is_run {
                shape.push(b.start, b.end);
            }
            after_run = is_run;
        }
        shape
    }

    /// The shape of a session as written (for runs told afterwards, and the program's
    /// plan), the same as [`RunShape::from_timeline`] gives for it compiled: a run
    /// block, each run of intervals, and a silence block right after running.
    pub fn from_session(session: &Session) -> RunShape {
        let mut shape = RunShape {
            duration: 0.0,
            running: Vec::new(),
        };
        let mut t = 0.0;
        let mut after_run = false;
        for b in &session.blocks {
            match &b.kind {
                BlockKind::Run { duration, .. } => {
                    shape.push(t, t + duration.secs());
                    after_run = true;
                }
                BlockKind::Silence { duration } if after_run => {
                    shape.push(t, t + duration.secs());
                }
                BlockKind::Intervals {
                    repeat,
                    run,
                    walk,
                    walk_last,
                    ..
                } => {
                    let mut at = t;
                    for _ in 0..*repeat {
                        shape.push(at, at + run.secs());
                        at += run.secs() + walk.secs();
                    }
                    after_run = !*walk_last;
                }
                _ => after_run = false,
            }
            t += b.duration().secs();
        }
        shape.duration = t;
        shape
    }

    /// Adds running `from..to`, joining it to running that ends where it starts.
    fn push(&mut self, from: f64, to: f64) {
        match self.running.last_mut() {
            Some(last) if (last.1 - from).abs() < 1e-9 => last.1 = to,
            _ => self.running.push((from, to)),
        }
    }

    /// Seconds of running in the whole session.
    pub fn running_seconds(&self) -> f64 {
        self.running.iter().map(|(a, b)| b - a).sum()
    }

    /// Seconds of running between `from` and `to`.
    pub fn running_within(&self, from: f64, to: f64) -> f64 {
        self.running
            .iter()
            .map(|&(a, b)| (b.min(to) - a.max(from)).max(0.0))
            .sum()
    }
}

/// The stretches of a session heard at normal speed, as session seconds: merged and
/// in order. A seek starts a new stretch; a pause adds nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Heard {
    segments: Vec<(f64, f64)>,
}

impl Heard {
    /// Nothing heard yet.
    pub fn new() -> Heard {
        Heard::default()
    }

    /// Adds the stretch `from..to` (ignored when empty or not finite), merging it with
    /// the stretches it touches.
    pub fn add(&mut self, from: f64, to: f64) {
        if !(from.is_finite() && to.is_finite()) || to <= from {
            return;
        }
        let (mut from, mut to) = (from.max(0.0), to);
        // Keep the list sorted and disjoint: take out every stretch that touches the
        // new one, widen the new one, put it back in its place.
        let first = self.segments.partition_point(|&(_, b)| b < from);
        let last = self.segments.partition_point(|&(a, _)| a <= to);
        if first < last {
            from = from.min(self.segments[first].0);
            to = to.max(self.segments[last - 1].1);
        }
        self.segments.splice(first..last, [(from, to)]);
    }

    /// The stretches heard, in order.
    pub fn segments(&self) -> &[(f64, f64)] {
        &self.segments
    }

    /// Seconds heard in all.
    pub fn seconds(&self) -> f64 {
        self.segments.iter().map(|(a, b)| b - a).sum()
    }

    /// Seconds heard of the session's running.
    pub fn running(&self, shape: &RunShape) -> f64 {
        self.segments
            .iter()
            .map(|&(a, b)| shape.running_within(a, b))
            .sum()
    }

    /// Where the runner started (the first second heard), if anything was heard.
    pub fn start(&self) -> Option<f64> {
        self.segments.first().map(|s| s.0)
    }

    /// The furthest second heard.
    pub fn end(&self) -> Option<f64> {
        self.segments.last().map(|s| s.1)
    }
}

/// A run's facts, as the journal stores them.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct RunFacts {
    /// Where the runner started, in session seconds.
    pub start_position: f64,
    /// The furthest second reached.
    pub position: f64,
    /// Seconds heard in all (pauses and skipped parts not counted).
    pub heard_seconds: f64,
    /// Seconds of running heard.
    pub run_seconds: f64,
    /// Heard from the start (or from where an earlier partial run stopped) to the end.
    pub completed: bool,
}

impl RunFacts {
    /// The facts of a run that heard `heard` of a session shaped `shape`; `continues`
    /// is the same-day partial run of the same session it picks up from, if any (see
    /// [`RunFacts::continues`]).
    pub fn of(shape: &RunShape, heard: &Heard, continues: Option<&Run>) -> RunFacts {
        let start = heard.start().unwrap_or(0.0);
        let position = heard.end().unwrap_or(start);
        let run_seconds = heard.running(shape);
        let earlier_running = continues.map_or(0.0, |r| r.run_seconds.unwrap_or(0.0));
        let from_start = start <= EDGE || continues.is_some();
        let to_end = position >= shape.duration - EDGE;
        let total_running = shape.running_seconds();
        let enough_running = total_running <= 0.0
            || run_seconds + earlier_running >= RUN_SHARE * total_running - 1e-6;
        RunFacts {
            start_position: start,
            position,
            heard_seconds: heard.seconds(),
            run_seconds,
            completed: from_start && to_end && enough_running,
        }
    }

    /// The facts of a run done elsewhere and told afterwards (`log add`): completed,
    /// or stopped after `minutes`.
    pub fn told(shape: &RunShape, stopped_after: Option<f64>) -> RunFacts {
        let position = stopped_after.map_or(shape.duration, |s| s.min(shape.duration));
        RunFacts {
            start_position: 0.0,
            position,
            heard_seconds: position,
            run_seconds: shape.running_within(0.0, position),
            completed: stopped_after.is_none(),
        }
    }

    /// Whether a run with these facts, of a session `duration` seconds long, is stored
    /// at all: [`MIN_HEARD`] seconds heard, or a session shorter than that heard whole
    /// (completed, and no more than [`EDGE`] seconds missed at either end).
    pub fn worth_storing(&self, duration: f64) -> bool {
        self.heard_seconds >= MIN_HEARD
            || (duration < MIN_HEARD
                && self.completed
                && self.heard_seconds >= duration - 2.0 * EDGE - 1e-6)
    }

    /// Why a run was not stored, in Dutch, as the terminal and the phone say it: a
    /// sped-up play (`training` false) is a preview; otherwise it was not
    /// [`RunFacts::worth_storing`].
    pub fn not_stored_line(training: bool) -> &'static str {
        if training {
            "Korter dan een minuut gehoord: niet opgeslagen in je dagboek."
        } else {
            "Versneld afgespeeld: dit is een voorproefje en komt niet in je dagboek."
        }
    }

    /// Whether a run starting at `start` seconds picks up `earlier`: a partial run of
    /// the same session on the same local day that was itself heard from the start and
    /// stopped where this one starts (within [`EDGE`] seconds, or a little before).
    pub fn continues(earlier: &Run, session_key: &str, start: f64, now: i64) -> bool {
        use chrono::{Local, TimeZone};
        let day = |t: i64| Local.timestamp_opt(t, 0).single().map(|d| d.date_naive());
        earlier.session_key == session_key
            && !earlier.completed
            && earlier.start_position <= EDGE
            && start > EDGE
            && start <= earlier.position + EDGE
            && day(earlier.started_at) == day(now)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn shape() -> RunShape {
        // 0–300 walk, 300–900 run, 900–1080 silence after the run, 1080–1380 walk.
        RunShape {
            duration: 1380.0,
            running: vec![(300.0, 1080.0)],
        }
    }

    #[test]
    fn stretches_merge_and_stay_in_order() {
        let mut h = Heard::new();
        h.add(100.0, 200.0);
        h.add(0.0, 50.0);
        h.add(190.0, 300.0);
        h.add(50.0, 60.0);
        h.add(400.0, 400.0);
        assert_eq!(h.segments(), &[(0.0, 60.0), (100.0, 300.0)]);
        h.add(55.0, 120.0);
        assert_eq!(h.segments(), &[(0.0, 300.0)]);
        assert_eq!(h.seconds(), 300.0);
    }

    #[test]
    fn a_whole_run_is_completed_with_its_running_minutes() {
        let mut h = Heard::new();
        h.add(0.0, 1380.0);
        let f = RunFacts::of(&shape(), &h, None);
        assert!(f.completed);
        assert_eq!(f.run_seconds, 780.0);
        assert_eq!(f.heard_seconds, 1380.0);
    }

    #[test]
    fn jumping_to_the_end_is_not_completed() {
        let mut h = Heard::new();
        h.add(0.0, 120.0);
        h.add(1300.0, 1380.0);
        let f = RunFacts::of(&shape(), &h, None);
        assert!(!f.completed);
        assert_eq!(f.position, 1380.0);
        assert_eq!(f.run_seconds, 0.0);
    }

    #[test]
    fn skipping_the_warm_up_walk_still_counts() {
        let mut h = Heard::new();
        h.add(0.0, 10.0);
        h.add(300.0, 1380.0);
        assert!(RunFacts::of(&shape(), &h, None).completed);
    }

    #[test]
    fn starting_late_is_not_completed_unless_it_continues_a_partial() {
        let mut h = Heard::new();
        h.add(700.0, 1380.0);
        assert!(!RunFacts::of(&shape(), &h, None).completed);
        let earlier = Run {
            id: 1,
            session_key: "opbouw/week01-1.toml".into(),
            program: None,
            title: String::new(),
            started_at: 1_000_000,
            ended_at: None,
            start_position: 0.0,
            position: 700.0,
            duration: 1380.0,
            completed: false,
            mode: "audio".into(),
            heard_seconds: Some(700.0),
            run_seconds: Some(400.0),
            answers: Default::default(),
        };
        assert!(RunFacts::continues(
            &earlier,
            "opbouw/week01-1.toml",
            700.0,
            1_000_100
        ));
        assert!(!RunFacts::continues(
            &earlier,
            "opbouw/week01-2.toml",
            700.0,
            1_000_100
        ));
        assert!(!RunFacts::continues(
            &earlier,
            "opbouw/week01-1.toml",
            900.0,
            1_000_100
        ));
        assert!(RunFacts::of(&shape(), &h, Some(&earlier)).completed);
    }

    /// A short session: 0–5 walk, 5–20 run.
    fn short() -> RunShape {
        RunShape {
            duration: 20.0,
            running: vec![(5.0, 20.0)],
        }
    }

    #[test]
    fn under_a_minute_heard_is_not_stored() {
        let mut h = Heard::new();
        h.add(0.0, 59.5);
        assert!(!RunFacts::of(&shape(), &h, None).worth_storing(1380.0));
        h.add(59.5, 60.0);
        assert!(RunFacts::of(&shape(), &h, None).worth_storing(1380.0));
        // The first 20 seconds of a long session are a try, not a run.
        let mut h = Heard::new();
        h.add(0.0, 20.0);
        assert!(!RunFacts::of(&shape(), &h, None).worth_storing(1380.0));
    }

    #[test]
    fn a_session_under_a_minute_heard_whole_is_stored() {
        let mut h = Heard::new();
        h.add(0.0, 20.0);
        let f = RunFacts::of(&short(), &h, None);
        assert!(f.completed);
        assert!(f.worth_storing(20.0));
        // Within the slack at both ends.
        let mut h = Heard::new();
        h.add(1.5, 18.5);
        assert!(RunFacts::of(&short(), &h, None).worth_storing(20.0));
    }

    #[test]
    fn a_session_under_a_minute_not_heard_whole_is_not_stored() {
        // Stopped before the end.
        let mut h = Heard::new();
        h.add(0.0, 15.0);
        assert!(!RunFacts::of(&short(), &h, None).worth_storing(20.0));
        // Started late.
        let mut h = Heard::new();
        h.add(6.0, 20.0);
        assert!(!RunFacts::of(&short(), &h, None).worth_storing(20.0));
        // From the start to the end, but skipping the middle: completed by the
        // running share, yet not the whole session.
        let mut h = Heard::new();
        h.add(0.0, 1.0);
        h.add(6.5, 20.0);
        let f = RunFacts::of(&short(), &h, None);
        assert!(f.completed);
        assert!(!f.worth_storing(20.0));
        // A session of exactly a minute follows the minute rule.
        let minute = RunShape {
            duration: 60.0,
            running: vec![(0.0, 60.0)],
        };
        let mut h = Heard::new();
        h.add(0.0, 58.5);
        h.add(59.0, 60.0);
        let f = RunFacts::of(&minute, &h, None);
        assert!(f.completed);
        assert!(!f.worth_storing(60.0));
    }

    #[test]
    fn a_told_partial_run_counts_the_running_before_it_stopped() {
        let f = RunFacts::told(&shape(), Some(600.0));
        assert!(!f.completed);
        assert_eq!(f.run_seconds, 300.0);
        assert_eq!(RunFacts::told(&shape(), None).run_seconds, 780.0);
    }
}
