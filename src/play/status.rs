//! What the runner sees while playing, in Dutch: the status line and the plain
//! timestamped lines (for pipes, `--no-audio` and screen readers). Pure functions of
//! the timeline and the position, so they are tested without a terminal.

use crate::session::Cadence;
use crate::timeline::{Block, Event, Timeline, clock};

/// `[m:ss]` (or `[h:mm:ss]`) for a line.
pub fn stamp(secs: f64) -> String {
    format!("[{}]", clock(secs.floor()))
}

/// The lines announced during a session, in time order: each block's start and each
/// clip with its text. `--no-audio` prints exactly these.
pub fn lines(t: &Timeline) -> Vec<(f64, String)> {
    let mut out: Vec<(f64, u8, String)> = Vec::new();
    for b in &t.blocks {
        out.push((b.start, 0, block_line(b, b.start)));
    }
    for e in &t.events {
        if let Event::Clip(c) = e {
            out.push((c.time, 1, format!("{} {}", stamp(c.time), c.text)));
        }
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    out.into_iter().map(|(t, _, l)| (t, l)).collect()
}

/// The line announcing a block, stamped with `at` (its start, or where play began
/// inside it).
pub fn block_line(b: &Block, at: f64) -> String {
    format!(
        "{} Blok: {} ({}, {})",
        stamp(at),
        b.name,
        b.kind.dutch(),
        clock(b.end - b.start)
    )
}

/// The line printed when the session has been played to its end.
pub fn finished_line(t: &Timeline) -> String {
    format!("{} Klaar. Goed gedaan.", stamp(t.duration))
}

/// The next clip after `secs`: (time, text).
pub fn next_clip(t: &Timeline, secs: f64) -> Option<(f64, &str)> {
    t.events.iter().find_map(|e| match e {
        Event::Clip(c) if c.time > secs => Some((c.time, c.text.as_str())),
        _ => None,
    })
}

/// Live state shown next to the timeline position.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flags {
    /// Paused.
    pub paused: bool,
    /// Metronome switched off with `m`.
    pub metronome_off: bool,
    /// Cadence change from `+`/`-`, steps per minute.
    pub cadence_delta: i32,
}

/// The one-line status: block, elapsed/remaining in block and session, cadence, next
/// cue. Cut to `width` characters.
pub fn status_line(t: &Timeline, secs: f64, flags: Flags, width: usize) -> String {
    let mut parts = Vec::new();
    parts.push(if flags.paused {
        "⏸ pauze".to_owned()
    } else {
        "▶".to_owned()
    });
    if let Some(b) = t.block_at(secs) {
        parts.push(format!("{} ({})", b.name, b.kind.dutch()));
        parts.push(format!(
            "{} (nog {})",
            clock(secs - b.start),
            clock(b.end - secs)
        ));
        if let Some(c) = b.cadence {
            let off = if flags.metronome_off {
                ", metronoom uit"
            } else {
                ""
            };
            match b.cadence_end.filter(|&e| e != c) {
                Some(end) => {
                    let now = Cadence { start: c, end }.at(secs - b.start, b.end - b.start);
                    parts.push(format!("{} passen/min (naar {end}){off}", now.round()));
                }
                None => parts.push(format!("{c} passen/min{off}")),
            }
        }
    }
    parts.push(format!(
        "totaal {} (nog {})",
        clock(secs),
        clock(t.duration - secs)
    ));
    if let Some((time, text)) = next_clip(t, secs) {
        parts.push(format!("over {}: {text}", clock(time - secs)));
    }
    let line = parts.join(" · ");
    line.chars().take(width.max(10)).collect()
}

/// The keys, shown once at the start in a terminal.
pub const KEYS_HELP: &str =
    "spatie pauze · n volgend blok · p begin van dit blok · +/- cadans · m metronoom · q stoppen";

#[cfg(test)]
mod test {
    use super::*;
    use crate::session::Kind;
    use crate::timeline::{Block, ClipEvent, Event, MetronomeSound, Timeline};

    fn timeline() -> Timeline {
        Timeline {
            title: "t".into(),
            duration: 130.0,
            blocks: vec![
                Block {
                    index: 0,
                    kind: Kind::Walk,
                    name: "Warming-up".into(),
                    start: 0.0,
                    end: 60.0,
                    cadence: None,
                    cadence_end: None,
                },
                Block {
                    index: 1,
                    kind: Kind::Run,
                    name: "Ronde 1".into(),
                    start: 60.0,
                    end: 130.0,
                    cadence: Some(170),
                    cadence_end: Some(170),
                },
            ],
            events: vec![
                Event::Clip(Box::new(ClipEvent {
                    time: 0.0,
                    clip: "blok.warmup".into(),
                    text: "Stevig wandelen.".into(),
                    duration: 2.0,
                    pack_index: 0,
                })),
                Event::Click {
                    time: 60.0,
                    accent: false,
                },
                Event::Clip(Box::new(ClipEvent {
                    time: 60.0,
                    clip: "ronde.1".into(),
                    text: "Ronde één.".into(),
                    duration: 2.0,
                    pack_index: 1,
                })),
            ],
            description: None,
            metronome: MetronomeSound::default(),
        }
    }

    #[test]
    fn lines_list_blocks_then_their_clips_with_timestamps() {
        let l: Vec<String> = lines(&timeline()).into_iter().map(|x| x.1).collect();
        assert_eq!(
            l,
            [
                "[0:00] Blok: Warming-up (wandelen, 1:00)",
                "[0:00] Stevig wandelen.",
                "[1:00] Blok: Ronde 1 (hardlopen, 1:10)",
                "[1:00] Ronde één.",
            ]
        );
    }

    #[test]
    fn status_shows_block_times_cadence_and_next_cue() {
        let flags = Flags::default();
        assert_eq!(
            status_line(&timeline(), 42.4, flags, 200),
            "▶ · Warming-up (wandelen) · 0:42 (nog 0:18) · totaal 0:42 (nog 1:28) · over 0:18: Ronde één."
        );
        let paused = Flags {
            paused: true,
            metronome_off: true,
            cadence_delta: 2,
        };
        assert_eq!(
            status_line(&timeline(), 75.0, paused, 200),
            "⏸ pauze · Ronde 1 (hardlopen) · 0:15 (nog 0:55) · 170 passen/min, metronoom uit · totaal 1:15 (nog 0:55)"
        );
        assert_eq!(
            status_line(&timeline(), 75.0, paused, 12).chars().count(),
            12
        );
    }
}
