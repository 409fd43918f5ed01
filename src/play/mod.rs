//! Live play: a session on the default output device (or a silent clock with
//! `--no-audio`), with a status line and keys.
//!
//! The cpal callback owns the [`Mixer`](crate::mix::Mixer) through a
//! [`player::Player`] and only calls `process`; everything else (keys, the status
//! line, recompiling the timeline for a cadence change, the journal) runs here on the
//! control thread and reaches the callback through a lock-free ring. This module and
//! `cli/` are the only places that print.
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod device;
pub mod player;
pub mod status;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, terminal};

use crate::journal::{Journal, NewRun};
use crate::load::Loaded;
use crate::mix::{Mixer, Sounds};
use crate::session::{BlockKind, CADENCE_RANGE};
use crate::timeline::{Timeline, compile};
use device::{DeviceError, Output};
use player::{Command, Control};
use status::Flags;

/// Frames the mixer renders per internal step during live play.
const LIVE_BLOCK: usize = 1024;
/// How often the status line is redrawn and new cue lines are printed. Keys are read
/// as they come, so this does not delay them.
const TICK: Duration = Duration::from_millis(50);
/// Back to the start of the line and clear it, before redrawing the status line.
const CLEAR_LINE: &str = "\r\x1b[2K";
/// How often progress is written to the journal during a run.
const JOURNAL_EVERY: Duration = Duration::from_secs(15);

/// How to play.
#[derive(Debug, Clone)]
pub struct PlayOptions {
    /// Start this many seconds into the session.
    pub from: f64,
    /// Run the clock without a device, printing cues as text.
    pub no_audio: bool,
    /// Clock speed for `--no-audio`.
    pub speed: f64,
    /// Identifies the session in the journal.
    pub session_key: String,
    /// The program the session belongs to, if any.
    pub program: Option<String>,
    /// Record the run in the journal (default location) when true.
    pub journal: bool,
    /// When the command started (for the start-up latency figure).
    pub started: Instant,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct PlayReport {
    /// Seconds of the session reached.
    pub reached: f64,
    /// Played to the end.
    pub completed: bool,
    /// Underruns and stream errors reported by the device.
    pub xruns: u64,
    /// Milliseconds from the command's start to the first buffer handed to the device.
    pub first_buffer_ms: Option<f64>,
    /// The device disappeared during the run.
    pub device_lost: bool,
}

/// Why playing failed.
#[derive(Debug, thiserror::Error)]
pub enum PlayError {
    /// No sound could be played.
    #[error(
        "{0}; try `rustig play --no-audio`, or `rustig render` / `rustig export` to make files for a phone"
    )]
    Device(DeviceError),
    /// The clips could not be prepared.
    #[error("cannot prepare the voice clips: {0}")]
    Clips(#[from] crate::voice::DecodeError),
    /// Terminal I/O failed.
    #[error("terminal: {0}")]
    Terminal(#[from] std::io::Error),
}

impl From<DeviceError> for PlayError {
    fn from(e: DeviceError) -> Self {
        PlayError::Device(e)
    }
}

/// Where the position comes from: a device playing the mixer, or a silent clock.
enum Transport {
    Audio {
        control: Control,
        _stream: cpal::Stream,
        sounds: Sounds,
        channels: usize,
    },
    Clock {
        base: f64,
        anchor: Instant,
        speed: f64,
        paused: bool,
        length: f64,
    },
}

impl Transport {
    fn seconds(&self) -> f64 {
        match self {
            Transport::Audio { control, .. } => control.seconds(),
            Transport::Clock {
                base,
                anchor,
                speed,
                paused,
                length,
            } => {
                if *paused {
                    *base
                } else {
                    (base + anchor.elapsed().as_secs_f64() * speed).min(*length)
                }
            }
        }
    }

    fn finished(&self) -> bool {
        match self {
            Transport::Audio { control, .. } => control.finished(),
            Transport::Clock { length, .. } => self.seconds() >= *length,
        }
    }

    fn set_paused(&mut self, pause: bool) {
        let now = self.seconds();
        match self {
            Transport::Audio { control, .. } => {
                control.send(if pause {
                    Command::Pause
                } else {
                    Command::Resume
                });
            }
            Transport::Clock {
                base,
                anchor,
                paused,
                ..
            } => {
                *base = now;
                *anchor = Instant::now();
                *paused = pause;
            }
        }
    }

    fn seek(&mut self, secs: f64) {
        match self {
            Transport::Audio { control, .. } => {
                let frame = (secs * f64::from(control.rate())).round().max(0.0) as u64;
                control.send(Command::Seek(frame));
                // Show the new position at once, before the callback confirms it.
                control
                    .shared
                    .position
                    .store(frame.min(control.length()), Ordering::Relaxed);
            }
            Transport::Clock {
                base,
                anchor,
                length,
                ..
            } => {
                *base = secs.clamp(0.0, *length);
                *anchor = Instant::now();
            }
        }
    }

    fn metronome(&mut self, on: bool) {
        if let Transport::Audio { control, .. } = self {
            control.send(Command::Metronome(on));
        }
    }

    fn replace(&mut self, timeline: &Timeline) {
        if let Transport::Audio {
            control,
            sounds,
            channels,
            ..
        } = self
        {
            let mixer = Mixer::new(timeline, sounds, *channels, LIVE_BLOCK);
            control.send(Command::Replace(Box::new(mixer)));
        }
    }

    fn tick(&mut self) {
        if let Transport::Audio { control, .. } = self {
            control.collect_retired();
        }
    }
}

/// Puts the terminal in raw mode and restores it when dropped, whatever happens.
struct RawMode;

impl RawMode {
    fn enter() -> std::io::Result<RawMode> {
        terminal::enable_raw_mode()?;
        let _ = crossterm::execute!(std::io::stdout(), cursor::Hide);
        // A panic restores the terminal before its message is printed.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = terminal::disable_raw_mode();
            let _ = crossterm::execute!(std::io::stdout(), cursor::Show);
            previous(info);
        }));
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
        let _ = crossterm::execute!(std::io::stdout(), cursor::Show);
    }
}

/// Recompiles the session with its cadences changed by `delta` (clamped to the
/// allowed range), for the rest of the session.
fn with_cadence(loaded: &Loaded, delta: i32) -> Option<Timeline> {
    let clamp = |c: u32| {
        (i64::from(c) + i64::from(delta)).clamp(*CADENCE_RANGE.start(), *CADENCE_RANGE.end()) as u32
    };
    let mut session = loaded.session.clone();
    session.cadence = clamp(session.cadence);
    for b in &mut session.blocks {
        if let BlockKind::Run {
            cadence: Some(c), ..
        }
        | BlockKind::Intervals {
            cadence: Some(c), ..
        } = &mut b.kind
        {
            *c = clamp(*c);
        }
    }
    compile(&session, &loaded.pack).ok().map(|c| c.timeline)
}

/// Plays a loaded session until it ends or the runner quits. Prints the status
/// line (or plain lines) and records the run in the journal.
pub fn play(loaded: &Loaded, options: &PlayOptions) -> Result<PlayReport, PlayError> {
    let mut timeline = loaded.compiled.timeline.clone();
    let from = options.from.clamp(0.0, timeline.duration);
    let mut transport = if options.no_audio {
        Transport::Clock {
            base: from,
            anchor: Instant::now(),
            speed: options.speed,
            paused: false,
            length: timeline.duration,
        }
    } else {
        let output = Output::open_default()?;
        let (rate, channels) = (output.rate(), output.channels());
        eprintln!(
            "Geluid via {}: {rate} Hz, {channels} kanalen, {}",
            output.name,
            output.format()
        );
        // Every clip is decoded and resampled to the device's rate before it starts.
        let sounds = Sounds::prepare(&timeline, &loaded.pack, rate)?;
        let mixer = Mixer::new(&timeline, &sounds, channels, LIVE_BLOCK);
        let (player, control) = player::player(
            mixer,
            (from * f64::from(rate)).round() as u64,
            options.started,
        );
        let stream = output.start(player, Arc::clone(&control.shared))?;
        Transport::Audio {
            control,
            _stream: stream,
            sounds,
            channels,
        }
    };

    let journal = if options.journal {
        Journal::default_path().and_then(|p| Journal::open(&p).ok())
    } else {
        None
    };
    let run_id = journal.as_ref().and_then(|j| {
        j.start(&NewRun {
            session_key: options.session_key.clone(),
            program: options.program.clone(),
            title: timeline.title.clone(),
            duration: timeline.duration,
            mode: if options.no_audio {
                "no-audio"
            } else {
                "audio"
            },
            speed: options.speed,
        })
        .ok()
    });

    let interactive = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && std::io::IsTerminal::is_terminal(&std::io::stdin());
    let interrupted = Arc::new(AtomicBool::new(false));
    if !interactive {
        let flag = Arc::clone(&interrupted);
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    }
    let raw = if interactive {
        Some(RawMode::enter()?)
    } else {
        None
    };
    let mut out = std::io::stdout().lock();
    let newline = if interactive { "\r\n" } else { "\n" };
    let mut flags = Flags::default();
    let mut quit = false;
    let mut device_lost = false;
    // The loop writes to stdout; a closed pipe (`rustig play | head`) ends the run
    // like `q` does, and the journal is still completed below.
    let result = (|| -> std::io::Result<()> {
        write!(out, "{}{newline}", timeline.title)?;
        if interactive {
            write!(out, "{}{newline}", status::KEYS_HELP)?;
        }
        let mut lines = status::lines(&timeline);
        let mut next_line = lines.partition_point(|(t, _)| *t < from);
        // Starting inside a block: say which block it is.
        if let Some(b) = timeline.block_at(from).filter(|b| b.start < from) {
            write!(out, "{}{newline}", status::block_line(b, from))?;
        }
        // Lines up to this time have been printed (or skipped by a seek).
        let mut printed_until = from;
        let mut last_journal = Instant::now();
        loop {
            transport.tick();
            let now = transport.seconds();
            printed_until = printed_until.max(now);
            let mut printed = false;
            while next_line < lines.len() && lines[next_line].0 <= now {
                if interactive {
                    write!(out, "{CLEAR_LINE}")?;
                }
                write!(out, "{}{newline}", lines[next_line].1)?;
                next_line += 1;
                printed = true;
            }
            if interactive {
                let width = terminal::size()
                    .map_or(100, |(w, _)| usize::from(w))
                    .saturating_sub(1);
                let line = status::status_line(&timeline, now, flags, width);
                write!(out, "{CLEAR_LINE}{line}")?;
                out.flush()?;
            } else if printed {
                out.flush()?;
            }
            if let Transport::Audio { control, .. } = &transport
                && control.shared.device_lost.load(Ordering::Relaxed)
            {
                device_lost = true;
                return Ok(());
            }
            if interrupted.load(Ordering::Relaxed) {
                quit = true;
                return Ok(());
            }
            if transport.finished() {
                return Ok(());
            }
            if let (Some(j), Some(id)) = (&journal, run_id)
                && last_journal.elapsed() >= JOURNAL_EVERY
            {
                let _ = j.progress(id, now, false, false);
                last_journal = Instant::now();
            }
            if !interactive {
                std::thread::sleep(TICK);
                continue;
            }
            if event::poll(TICK)?
                && let TermEvent::Key(key) = event::read()?
            {
                match handle_key(key, loaded, &mut timeline, &mut transport, &mut flags) {
                    KeyOutcome::Quit => {
                        quit = true;
                        return Ok(());
                    }
                    KeyOutcome::Seeked(to) => {
                        printed_until = to;
                        next_line = lines.partition_point(|(t, _)| *t < to);
                    }
                    KeyOutcome::Recompiled => {
                        lines = status::lines(&timeline);
                        next_line = lines.partition_point(|(t, _)| *t <= printed_until);
                    }
                    KeyOutcome::Nothing => {}
                }
            }
        }
    })();
    let pipe_closed = matches!(&result, Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe);
    if let Transport::Audio { control, .. } = &transport
        && control.finished()
    {
        // Let the device play out what it still holds before the stream is dropped.
        let latency = control.shared.output_latency_ns.load(Ordering::Relaxed);
        std::thread::sleep(
            Duration::from_nanos(latency)
                .max(Duration::from_millis(100))
                .min(Duration::from_millis(500)),
        );
    }
    quit |= pipe_closed;
    let reached = transport.seconds();
    let completed = transport.finished() && !quit && !device_lost;
    drop(raw);
    if let (Some(j), Some(id)) = (&journal, run_id) {
        // A sped-up clock is a preview, not a training.
        let trained =
            completed && (!options.no_audio || (options.speed - 1.0).abs() < f64::EPSILON);
        let _ = j.progress(id, reached, true, trained);
    }
    if !pipe_closed {
        result?;
        if interactive {
            write!(out, "{CLEAR_LINE}")?;
        }
        if completed {
            writeln!(out, "{}", status::finished_line(&timeline))?;
        } else if device_lost {
            writeln!(
                out,
                "{} Het geluidsapparaat is weggevallen; gestopt.",
                status::stamp(reached)
            )?;
        } else {
            writeln!(out, "{} Gestopt.", status::stamp(reached))?;
        }
        // The pipe may close at the very end too.
        let _ = out.flush();
    }
    let stats = match &transport {
        Transport::Audio { control, .. } => Some((
            control.shared.callbacks.load(Ordering::Relaxed),
            control.shared.xruns.load(Ordering::Relaxed),
            control.shared.first_callback_ns.load(Ordering::Relaxed) as f64 / 1e6,
        )),
        Transport::Clock { .. } => None,
    };
    if let (Some((callbacks, xruns, first_ms)), Some(_)) =
        (stats, std::env::var_os("RUSTIG_PLAY_STATS"))
    {
        eprintln!(
            "stats: first buffer after {first_ms:.1} ms, {callbacks} callbacks, {xruns} underruns"
        );
    }
    let (xruns, first_buffer_ms) = match &transport {
        Transport::Audio { control, .. } => {
            let ns = control.shared.first_callback_ns.load(Ordering::Relaxed);
            (
                control.shared.xruns.load(Ordering::Relaxed),
                (ns > 0).then(|| ns as f64 / 1e6),
            )
        }
        Transport::Clock { .. } => (0, None),
    };
    Ok(PlayReport {
        reached,
        completed,
        xruns,
        first_buffer_ms,
        device_lost,
    })
}

enum KeyOutcome {
    Quit,
    /// Jumped to this time.
    Seeked(f64),
    /// The timeline was recompiled (cadence change).
    Recompiled,
    Nothing,
}

fn handle_key(
    key: KeyEvent,
    loaded: &Loaded,
    timeline: &mut Timeline,
    transport: &mut Transport,
    flags: &mut Flags,
) -> KeyOutcome {
    if key.kind == KeyEventKind::Release {
        return KeyOutcome::Nothing;
    }
    let now = transport.seconds();
    match key.code {
        KeyCode::Char('q') | KeyCode::Esc => KeyOutcome::Quit,
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => KeyOutcome::Quit,
        KeyCode::Char(' ') => {
            flags.paused = !flags.paused;
            transport.set_paused(flags.paused);
            KeyOutcome::Nothing
        }
        KeyCode::Char('n') => match timeline.blocks.iter().find(|b| b.start > now + 1e-9) {
            Some(next) => {
                transport.seek(next.start);
                KeyOutcome::Seeked(next.start)
            }
            // Skipping the last block stops the run; it does not count as completed.
            None => KeyOutcome::Quit,
        },
        KeyCode::Char('p') => {
            let start = timeline.block_at(now).map_or(0.0, |b| b.start);
            transport.seek(start);
            KeyOutcome::Seeked(start)
        }
        KeyCode::Char('m') => {
            flags.metronome_off = !flags.metronome_off;
            transport.metronome(!flags.metronome_off);
            KeyOutcome::Nothing
        }
        KeyCode::Char(c @ ('+' | '=' | '-')) => {
            let delta = flags.cadence_delta + if c == '-' { -2 } else { 2 };
            if let Some(t) = with_cadence(loaded, delta) {
                flags.cadence_delta = delta;
                transport.replace(&t);
                *timeline = t;
            }
            KeyOutcome::Recompiled
        }
        _ => KeyOutcome::Nothing,
    }
}
