//! The presence tok: a sign of life in long stretches without sound.
//!
//! With `presence = "60s"`, a runner never hears more than 60 s of silence unless the
//! author asked for it: wherever nothing has sounded for the interval, a very soft
//! tok sounds, and the interval starts again after it. Blocks marked silent on
//! purpose (`presence = false`, and `silence` blocks) get none; the first tok after
//! such a block comes at its end at the earliest. A tok never touches other sound: it
//! ends at least [`GAP`] seconds before the next clip, click or tone (the same gap
//! the no-overlap rule keeps between clips), moving earlier where needed.

use super::Event;

/// How long the tok sounds (and how long a click counts as sound), in seconds: the
/// length of the built-in click sounds.
pub const PRESENCE_SECONDS: f64 = 0.040;
/// The least silence between a tok and the sound after it, in µs.
const GAP: i64 = 300_000;

/// Whole microseconds, so the times are exact decimals as elsewhere in the timeline.
fn micros(secs: f64) -> i64 {
    (secs * 1e6).round() as i64
}

/// Where a tok may sound: the first moment at or after `t` (µs) inside a block whose
/// flag is on. `blocks` are `(start, end, on)` in µs, in order; after the last block
/// (a clip running on) its flag holds.
fn next_on(blocks: &[(i64, i64, bool)], t: i64) -> Option<i64> {
    for &(start, end, on) in blocks {
        if on && t < end {
            return Some(t.max(start));
        }
    }
    match blocks.last() {
        Some(&(_, end, true)) if t >= end => Some(t),
        _ => None,
    }
}

/// The times (seconds) of the presence toks for `events` (sorted by time) in a
/// session of `end` seconds whose played blocks are `blocks` as `(start, end, on)`
/// seconds, with at most `every` seconds of silence where the flag is on.
pub fn presence_times(
    events: &[Event],
    blocks: &[(f64, f64, bool)],
    end: f64,
    every: f64,
) -> Vec<f64> {
    let every = micros(every);
    let tok = micros(PRESENCE_SECONDS);
    let blocks: Vec<(i64, i64, bool)> = blocks
        .iter()
        .map(|&(s, e, on)| (micros(s), micros(e), on))
        .collect();
    let sounds = events.iter().map(|e| {
        let start = micros(e.time());
        let len = match e {
            Event::Clip(c) => micros(c.duration),
            Event::Tone { duration, .. } => micros(*duration),
            Event::Click { .. } | Event::Presence { .. } => tok,
        };
        (start, start + len)
    });
    let end = micros(end);
    let mut out = Vec::new();
    // The start of the session counts as sound: the runner just pressed play.
    let mut heard = 0i64;
    for (start, stop) in sounds.chain(std::iter::once((end, end))) {
        // Fill the silence between `heard` and `start`.
        while start - heard > every {
            let due = heard + every;
            // Moved earlier when the next sound is too close for a tok and a gap.
            let at = due.min(start - tok - GAP);
            match next_on(&blocks, at) {
                Some(t) if t + tok + GAP <= start => {
                    out.push(t as f64 / 1e6);
                    heard = t + tok;
                }
                _ => break,
            }
        }
        heard = heard.max(stop);
    }
    out
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::timeline::ClipEvent;

    fn clip(time: f64, duration: f64) -> Event {
        Event::Clip(Box::new(ClipEvent {
            time,
            clip: "x".into(),
            text: "x".into(),
            duration,
            pack_index: 0,
        }))
    }

    /// A tok every 60 s of silence, counted from the end of the last sound.
    #[test]
    fn toks_fill_long_silences_from_the_last_sound() {
        let events = [clip(0.0, 5.0), clip(200.0, 3.0)];
        let t = presence_times(&events, &[(0.0, 300.0, true)], 300.0, 60.0);
        assert_eq!(t, [65.0, 125.04, 185.08, 263.0]);
    }

    /// A tok due too close to the next sound moves earlier, keeping the gap.
    #[test]
    fn a_tok_keeps_its_distance_from_the_next_sound() {
        let events = [clip(0.0, 2.0), clip(62.1, 1.0)];
        let t = presence_times(&events, &[(0.0, 63.1, true)], 63.1, 60.0);
        assert_eq!(t, [61.76]);
    }

    /// Blocks marked silent get no tok; the next one may come at their end.
    #[test]
    fn silent_blocks_stay_silent() {
        let events = [clip(0.0, 2.0)];
        let blocks = [
            (0.0, 100.0, true),
            (100.0, 400.0, false),
            (400.0, 430.0, true),
        ];
        let t = presence_times(&events, &blocks, 430.0, 60.0);
        assert_eq!(t, [62.0, 400.0]);
    }

    /// Without a long silence there is nothing to add.
    #[test]
    fn short_gaps_need_no_tok() {
        let events = [clip(0.0, 2.0), clip(50.0, 2.0), clip(100.0, 2.0)];
        assert!(presence_times(&events, &[(0.0, 102.0, true)], 102.0, 60.0).is_empty());
    }
}
