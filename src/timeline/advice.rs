//! The e-book's advice, checked on a valid session and its timeline: warm up and walk
//! out for at least five minutes, stretch after running, keep the cadence relaxed, and
//! let the coach say something at least every ten minutes of running.
//!
//! These are warnings of `rustig check` only (a coach's lint): a session that ignores
//! the advice still plays, and `--deny-warnings` makes them fail `check`.

use std::ops::Range;

use super::Timeline;
use crate::session::{BlockKind, Cadence, Code, Diagnostic, Duration, Kind, Located, Session};

/// The shortest warm-up and walking-out the e-book advises.
pub const MIN_WALK: Duration = Duration::from_secs(5 * 60);
/// Relaxed running cadences, in steps per minute (the e-book's 170–180, with room).
pub const RELAXED_CADENCE: std::ops::RangeInclusive<u32> = 165..=185;
/// The longest time in a run block without a word from the coach.
pub const MAX_SILENT_RUN: f64 = 10.0 * 60.0;

/// The warnings of the e-book's advice for `session`, compiled as `timeline`.
pub fn advice(session: &Session, timeline: &Timeline) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let running: Vec<usize> = (0..session.blocks.len())
        .filter(|&i| is_running(&session.blocks[i].kind))
        .collect();
    let (Some(&first), Some(&last)) = (running.first(), running.last()) else {
        return out;
    };
    let long_walk = |i: &usize| matches!(session.blocks[*i].kind, BlockKind::Walk { duration } if duration >= MIN_WALK);
    if !(0..first).any(|i| long_walk(&i)) {
        out.push(
            warning(session, Code::NoWarmUp, first, "the running starts without a walk of at least 5 minutes before it")
                .with_help("warm up by walking briskly for at least 5 minutes: add a block with kind = \"walk\" and duration = \"5m\" before it"),
        );
    }
    if !(last + 1..session.blocks.len()).any(|i| long_walk(&i)) {
        out.push(
            warning(session, Code::NoWalkOut, last, "no walk of at least 5 minutes after the last run")
                .with_help("walk out for at least 5 minutes: add a block with kind = \"walk\" and duration = \"5m\" after it"),
        );
    }
    if !session.blocks[last + 1..]
        .iter()
        .any(|b| matches!(b.kind, BlockKind::Stretch { .. }))
    {
        out.push(
            warning(session, Code::NoStretch, last, "no stretches after the running")
                .with_help("end with stretching calves, hamstrings and quadriceps: add a block with kind = \"stretch\" and stretches = [\"kuiten\", \"hamstrings\", \"quadriceps\"]"),
        );
    }
    cadence_warnings(session, &running, &mut out);
    silence_warnings(session, timeline, &mut out);
    out
}

fn is_running(kind: &BlockKind) -> bool {
    matches!(kind, BlockKind::Run { .. } | BlockKind::Intervals { .. })
}

/// A warning at block `i` (numbered from 1 in the message's words).
fn warning(session: &Session, code: Code, i: usize, message: impl Into<String>) -> Diagnostic {
    Diagnostic::warning(
        code,
        &session.source,
        Some(session.blocks[i].span.clone()),
        message,
    )
}

/// Run cadences outside [`RELAXED_CADENCE`] (either end of a ramp), once per place
/// where the cadence is written.
fn cadence_warnings(session: &Session, running: &[usize], out: &mut Vec<Diagnostic>) {
    let mut reported: Vec<Range<usize>> = Vec::new();
    for &i in running {
        let b = &session.blocks[i];
        let own = match &b.kind {
            BlockKind::Run { cadence, .. } | BlockKind::Intervals { cadence, .. } => {
                cadence.as_ref()
            }
            _ => None,
        };
        let Located { value, span } = own.unwrap_or(&session.cadence);
        let outside: Vec<u32> = [value.start, value.end]
            .into_iter()
            .filter(|c| !RELAXED_CADENCE.contains(c))
            .collect();
        let Some(&worst) = outside.first() else {
            continue;
        };
        let span = if span.is_empty() {
            b.span.clone()
        } else {
            span.clone()
        };
        if reported.contains(&span) {
            continue;
        }
        reported.push(span.clone());
        let what = if value.is_ramp() {
            format!("the cadence ramp {value} reaches {worst} steps per minute")
        } else {
            format!("a cadence of {worst} steps per minute")
        };
        out.push(
            Diagnostic::warning(
                Code::TenseCadence,
                &session.source,
                Some(span),
                format!(
                    "{what}, outside the relaxed {}–{}",
                    RELAXED_CADENCE.start(),
                    RELAXED_CADENCE.end()
                ),
            )
            .with_help(format!(
                "relaxed running is 170–180 steps a minute, e.g. cadence = {}",
                Cadence::steady(if worst < *RELAXED_CADENCE.start() {
                    170
                } else {
                    180
                })
            )),
        );
    }
}

/// Run blocks (the runs of intervals too) where the coach is silent for more than
/// [`MAX_SILENT_RUN`]: from the block's start to its first clip, between clips, or
/// from the last clip to its end.
fn silence_warnings(session: &Session, timeline: &Timeline, out: &mut Vec<Diagnostic>) {
    // Clip times once, in time order (events are sorted): each run block's clips are
    // found by binary search, so this is linear in blocks + events.
    let clips: Vec<f64> = timeline
        .events
        .iter()
        .filter(|e| matches!(e, super::Event::Clip(_)))
        .map(|e| e.time())
        .collect();
    let mut played = timeline.blocks.iter();
    for (i, b) in session.blocks.iter().enumerate() {
        let count = match b.kind {
            BlockKind::Intervals {
                repeat, walk_last, ..
            } => 2 * repeat as usize - 1 + usize::from(walk_last),
            _ => 1,
        };
        let mut longest: Option<(f64, f64)> = None;
        for p in played.by_ref().take(count).filter(|p| p.kind == Kind::Run) {
            let from = clips.partition_point(|&t| t < p.start);
            let to = clips.partition_point(|&t| t < p.end).max(from);
            let mut times = Vec::with_capacity(to - from + 2);
            times.push(p.start);
            times.extend_from_slice(&clips[from..to]);
            times.push(p.end);
            for w in times.windows(2) {
                if w[1] - w[0] > MAX_SILENT_RUN && longest.is_none_or(|(a, z)| w[1] - w[0] > z - a)
                {
                    longest = Some((w[0], w[1]));
                }
            }
        }
        if let Some((from, to)) = longest {
            out.push(
                warning(
                    session,
                    Code::SilentCoach,
                    i,
                    format!(
                        "the coach says nothing for {} in this run (from {} to {})",
                        super::clock(to - from),
                        super::clock(from),
                        super::clock(to)
                    ),
                )
                .with_help("say something at least every 10 minutes: add a cue, e.g. cues = [{ at = \"5m\", clip = \"tempo.praten\" }], or turn the reminders on"),
            );
        }
    }
}
