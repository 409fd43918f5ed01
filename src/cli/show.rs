//! `rustig show SESSION [--json]`

use std::io::Write;
use std::path::PathBuf;

use super::diagnostics::load;
use super::{Outcome, plural};
use crate::text::{visible, visible_lines};
use crate::timeline::clock;
use crate::timeline::{Event, Timeline};
use crate::voice::VoiceLookup;

/// Show the compiled timeline of a session.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The table lists each block with what the coach says and when; clicks and tones are counted per block.\n\
--json prints every event, as described in session-format.md."
)]
pub struct Args {
    /// The session file.
    pub session: PathBuf,
    /// Print the timeline as JSON (every click, clip and tone).
    #[arg(long)]
    pub json: bool,
}

/// Runs `show`. A closed pipe (`rustig show … | head`) is not an error.
pub fn run(args: &Args, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    let Some(loaded) = load(&args.session, lookup) else {
        return Ok(Outcome::Failure);
    };
    let timeline = &loaded.compiled.timeline;
    let text = if args.json {
        timeline.to_json() + "\n"
    } else {
        table(timeline, &loaded.session.voice.value)
    };
    let mut out = crate::cli::output::stdout();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(Outcome::Success),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Outcome::Success),
        Err(e) => Err(e.into()),
    }
}

/// Seconds as `m:ss.s` for the event lines.
fn stamp(secs: f64) -> String {
    let tenths = (secs * 10.0).round() as u64;
    let (m, s) = (tenths / 600, tenths % 600);
    if m >= 60 {
        format!("{}:{:02}:{:02}.{}", m / 60, m % 60, s / 10, s % 10)
    } else {
        format!("{m}:{:02}.{}", s / 10, s % 10)
    }
}

/// The readable plan: each block with its clips, and counts of clicks and breaths.
pub fn table(t: &Timeline, voice: &str) -> String {
    let mut s = String::new();
    let clicks = t
        .events
        .iter()
        .filter(|e| matches!(e, Event::Click { .. }))
        .count();
    let clips = t
        .events
        .iter()
        .filter(|e| matches!(e, Event::Clip(_)))
        .count();
    s += &format!("{}\n", visible(&t.title));
    if let Some(d) = &t.description {
        s += &format!("{}\n", visible_lines(d));
    }
    s += &format!(
        "{} · {} · {} · {} · voice pack {voice}\n",
        clock(t.duration),
        plural(t.blocks.len(), "block"),
        plural(clips, "voice clip"),
        plural(clicks, "click"),
    );
    // Events are sorted by time: each block's are found by binary search, so the
    // table is linear in blocks + events (1 000 interval blocks: issue 23).
    let starting = |time: f64| t.events.partition_point(|e| e.time() < time);
    for b in &t.blocks {
        let last = b.index + 1 == t.blocks.len();
        let from = starting(b.start);
        let to = if last {
            t.events.len()
        } else {
            starting(b.end)
        };
        let block_events = &t.events[from..to.max(from)];
        let n_clicks = block_events
            .iter()
            .filter(|e| matches!(e, Event::Click { .. }))
            .count();
        let n_breaths = block_events
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Event::Tone {
                        phase: crate::timeline::Phase::Inhale,
                        ..
                    }
                )
            })
            .count();
        let n_toks = block_events
            .iter()
            .filter(|e| matches!(e, Event::Presence { .. }))
            .count();
        let mut extra = Vec::new();
        match (b.cadence, b.cadence_end) {
            (Some(c), Some(e)) if e != c => extra.push(format!("{c}→{e}/min")),
            (Some(c), _) => extra.push(format!("{c}/min")),
            _ => {}
        }
        if n_clicks > 0 {
            extra.push(format!("{n_clicks} clicks"));
        }
        if n_breaths > 0 {
            extra.push(format!("{n_breaths} breaths"));
        }
        if n_toks > 0 {
            extra.push(plural(n_toks, "presence tok"));
        }
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(", {}", extra.join(", "))
        };
        s += &format!(
            "\n{:>9}  {} ({}, {}{extra})\n",
            stamp(b.start),
            visible(&b.name),
            b.kind.name(),
            clock(b.end - b.start)
        );
        for e in block_events {
            if let Event::Clip(c) = e {
                let clip = visible(&c.clip);
                s += &format!("{:>9}    {clip:<24} {}\n", stamp(c.time), visible(&c.text));
            }
        }
    }
    s += &format!("\n{:>9}  end\n", stamp(t.duration));
    s
}
