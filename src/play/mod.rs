//! Live play, the library core: a loaded session on a [`Transport`] (a sound device,
//! a silent clock, or a mock), steered by [`Key`]s and reporting what happens.
//!
//! [`Playback`] holds the run's state: the timeline (recompiled when the cadence
//! changes), which cue lines are due, pause and metronome flags. It takes commands
//! and returns events and lines of text for a front end to show; it never prints,
//! touches the terminal or the journal. The terminal front end is `cli/play.rs`.
//!
//! The cpal callback owns the [`Mixer`](crate::mix::Mixer) through a
//! [`player::Player`] and only calls `process`; commands reach it through a
//! lock-free ring ([`player`]).

pub mod device;
pub mod player;
pub mod status;
mod transport;

use std::sync::Arc;

pub use transport::{
    ClockTransport, DeviceDescription, DeviceStats, DeviceTransport, LIVE_BLOCK, MockTransport,
    StartError, Transport,
};

use crate::journal::Heard;
use crate::load::Loaded;
use crate::session::BlockKind;
use crate::timeline::{Timeline, compile};
use status::Flags;

/// Steps per minute one `+` or `-` changes the cadence by.
pub const CADENCE_STEP: i32 = 2;

/// What the runner can ask for while playing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Pause, or resume after a pause.
    TogglePause,
    /// Skip to the next block (stops the run after the last one).
    NextBlock,
    /// Back to the start of the current block.
    BlockStart,
    /// Cadence up by [`CADENCE_STEP`] for the whole session.
    Faster,
    /// Cadence down by [`CADENCE_STEP`].
    Slower,
    /// Metronome on or off.
    ToggleMetronome,
    /// Stop the run.
    Quit,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Played to the end.
    Completed,
    /// The runner stopped it (or skipped past the last block).
    Stopped,
    /// The sound device disappeared.
    DeviceLost,
}

/// What a [`Playback`] reports from [`Playback::poll`].
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    /// A cue or block line became due: show it.
    Line(String),
    /// The run is over.
    Ended(End),
}

/// How a run went, for the journal and the closing lines.
#[derive(Debug, Clone, PartialEq)]
pub struct PlayReport {
    /// Seconds of the session reached.
    pub reached: f64,
    /// How it ended.
    pub end: End,
    /// What the device reported, if one played.
    pub device: Option<DeviceStats>,
    /// The stretches of the session heard (seeks start a new one, pauses add nothing):
    /// what the journal's rules judge the run by.
    pub heard: Heard,
}

impl PlayReport {
    /// Played to the end.
    pub fn completed(&self) -> bool {
        self.end == End::Completed
    }
}

/// A run in progress. See the module docs.
pub struct Playback<T: Transport> {
    loaded: Loaded,
    timeline: Arc<Timeline>,
    transport: T,
    flags: Flags,
    lines: Vec<(f64, String)>,
    next_line: usize,
    /// Lines up to this time have been shown (or skipped by a seek).
    shown_until: f64,
    end: Option<End>,
    heard: Heard,
    /// The position up to which `heard` is up to date.
    heard_until: f64,
}

impl<T: Transport> Playback<T> {
    /// Starts following `transport`, which plays `loaded` from `from` seconds.
    pub fn new(loaded: Loaded, transport: T, from: f64) -> Playback<T> {
        let timeline = Arc::clone(&loaded.compiled.timeline);
        let lines = status::lines(&timeline);
        let next_line = lines.partition_point(|(t, _)| *t < from);
        Playback {
            loaded,
            timeline,
            transport,
            flags: Flags::default(),
            lines,
            next_line,
            shown_until: from,
            end: None,
            heard: Heard::new(),
            heard_until: from,
        }
    }

    /// The lines to show before the first [`poll`](Self::poll): the title, and the
    /// block being entered when play starts inside one.
    pub fn opening_lines(&self) -> Vec<String> {
        let mut out = vec![self.timeline.title.clone()];
        let from = self.shown_until;
        if let Some(b) = self.timeline.block_at(from).filter(|b| b.start < from) {
            out.push(status::block_line(b, from));
        }
        out
    }

    /// The timeline as it plays now (after any cadence change).
    pub fn timeline(&self) -> &Arc<Timeline> {
        &self.timeline
    }

    /// The transport, e.g. to read a device's description.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The transport, to drive a [`MockTransport`].
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// The position in seconds.
    pub fn seconds(&self) -> f64 {
        self.transport.seconds()
    }

    /// Pause, metronome and cadence flags, as the status line shows them.
    pub fn flags(&self) -> Flags {
        self.flags
    }

    /// The status line at the current position, cut to `width` characters.
    pub fn status_line(&self, width: usize) -> String {
        status::status_line(&self.timeline, self.seconds(), self.flags, width)
    }

    /// Catches up with the transport: returns the lines that became due and, once,
    /// [`Update::Ended`] when the run is over.
    pub fn poll(&mut self) -> Vec<Update> {
        self.transport.tick();
        self.catch_up_heard();
        let now = self.transport.seconds();
        self.shown_until = self.shown_until.max(now);
        let mut out = Vec::new();
        while let Some((t, line)) = self.lines.get(self.next_line) {
            if *t > now {
                break;
            }
            out.push(Update::Line(line.clone()));
            self.next_line += 1;
        }
        if self.end.is_none() {
            if self.transport.stats().is_some_and(|s| s.device_lost) {
                self.end = Some(End::DeviceLost);
            } else if self.transport.finished() {
                self.end = Some(End::Completed);
            }
            if let Some(end) = self.end {
                out.push(Update::Ended(end));
            }
        }
        out
    }

    /// Stops the run (Ctrl-C, a closed pipe).
    pub fn stop(&mut self) {
        self.end.get_or_insert(End::Stopped);
    }

    /// Whether the run is over.
    pub fn ended(&self) -> Option<End> {
        self.end
    }

    /// Applies a key. Returns [`Update::Ended`] when it ends the run.
    pub fn key(&mut self, key: Key) -> Option<Update> {
        let now = self.transport.seconds();
        match key {
            Key::Quit => {
                self.stop();
                return Some(Update::Ended(End::Stopped));
            }
            Key::TogglePause => {
                self.flags.paused = !self.flags.paused;
                self.transport.set_paused(self.flags.paused);
            }
            Key::NextBlock => match self.timeline.blocks.iter().find(|b| b.start > now + 1e-9) {
                Some(next) => {
                    let to = next.start;
                    self.seek(to);
                }
                // Skipping the last block stops the run; it does not count as completed.
                None => {
                    self.stop();
                    return Some(Update::Ended(End::Stopped));
                }
            },
            Key::BlockStart => {
                let start = self.timeline.block_at(now).map_or(0.0, |b| b.start);
                self.seek(start);
            }
            Key::ToggleMetronome => {
                self.flags.metronome_off = !self.flags.metronome_off;
                self.transport.set_metronome(!self.flags.metronome_off);
            }
            Key::Faster | Key::Slower => {
                let step = if key == Key::Faster {
                    CADENCE_STEP
                } else {
                    -CADENCE_STEP
                };
                let delta = self.flags.cadence_delta + step;
                if let Some(t) = with_cadence(&self.loaded, delta) {
                    self.flags.cadence_delta = delta;
                    let t = Arc::new(t);
                    self.transport.replace(&t);
                    self.lines = status::lines(&t);
                    self.next_line = self.lines.partition_point(|(x, _)| *x <= self.shown_until);
                    self.timeline = t;
                }
            }
        }
        None
    }

    /// Adds what played since the last look to `heard`.
    fn catch_up_heard(&mut self) {
        let now = self.transport.seconds();
        self.heard.add(self.heard_until, now);
        self.heard_until = now;
    }

    /// What has been heard so far.
    pub fn heard(&self) -> &Heard {
        &self.heard
    }

    fn seek(&mut self, to: f64) {
        self.catch_up_heard();
        self.heard_until = to;
        self.transport.seek(to);
        self.shown_until = to;
        self.next_line = self.lines.partition_point(|(t, _)| *t < to);
    }

    /// How the run went so far (the end is [`End::Stopped`] while it is going on).
    pub fn report(&self) -> PlayReport {
        PlayReport {
            reached: self.transport.seconds(),
            end: self.end.unwrap_or(End::Stopped),
            device: self.transport.stats(),
            heard: self.heard.clone(),
        }
    }

    /// Ends the run and gives back the transport (to let a device play out) and the
    /// report.
    pub fn finish(mut self) -> (T, PlayReport) {
        self.catch_up_heard();
        let report = self.report();
        (self.transport, report)
    }
}

/// Recompiles the session with its cadences changed by `delta` (clamped to the
/// allowed range), for the rest of the session.
fn with_cadence(loaded: &Loaded, delta: i32) -> Option<Timeline> {
    let mut session = loaded.session.clone();
    session.cadence.value = session.cadence.value.shifted(delta);
    for b in &mut session.blocks {
        if let BlockKind::Run {
            cadence: Some(c), ..
        }
        | BlockKind::Intervals {
            cadence: Some(c), ..
        } = &mut b.kind
        {
            c.value = c.value.shifted(delta);
        }
    }
    compile(&session, &loaded.pack)
        .ok()
        .map(|c| Arc::unwrap_or_clone(c.timeline))
}
