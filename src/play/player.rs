//! The real-time side of live play: [`Player`] lives inside the audio callback and
//! owns the [`Mixer`]; [`Control`] is its handle on the control thread.
//!
//! They talk only through lock-free rings (rtrb) and atomics: commands go in, the
//! position and counters come back. Nothing in [`Player::fill`] allocates, frees,
//! locks or does I/O: a replacement mixer is built on the control thread, and the old
//! one is sent back through a second ring to be dropped there.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use rtrb::{Consumer, Producer, RingBuffer};

use crate::mix::Mixer;

/// What the control thread can ask of the player.
#[derive(Debug)]
pub enum Command {
    /// Stop producing sound (silence) but keep the position.
    Pause,
    /// Continue after a pause.
    Resume,
    /// Continue from this frame.
    Seek(u64),
    /// Metronome on or off.
    Metronome(bool),
    /// Continue with this mixer (a recompiled timeline), at the current position.
    Replace(Box<Mixer>),
}

/// State the player publishes for the control thread.
#[derive(Debug)]
pub struct Shared {
    /// The next frame the player will produce.
    pub position: AtomicU64,
    /// Whether the player is paused.
    pub paused: AtomicBool,
    /// Whether the session has played to its end.
    pub finished: AtomicBool,
    /// Whether the metronome is on.
    pub metronome: AtomicBool,
    /// Callbacks served.
    pub callbacks: AtomicU64,
    /// Nanoseconds from `started` to the first callback (0 until then).
    pub first_callback_ns: AtomicU64,
    /// Underruns and other stream errors the device reported.
    pub xruns: AtomicU64,
    /// Commands that found the ring full and were dropped.
    pub dropped_commands: AtomicU64,
    /// The device's reported latency from callback to playback, nanoseconds (0 if unknown).
    pub output_latency_ns: AtomicU64,
    /// Commands the callback has applied.
    pub commands_applied: AtomicU64,
    /// Set when the device disappeared or the stream died.
    pub device_lost: AtomicBool,
    /// When the command started (for latency figures).
    pub started: Instant,
}

impl Shared {
    fn new(started: Instant) -> Self {
        Shared {
            position: AtomicU64::new(0),
            paused: AtomicBool::new(false),
            finished: AtomicBool::new(false),
            metronome: AtomicBool::new(true),
            callbacks: AtomicU64::new(0),
            first_callback_ns: AtomicU64::new(0),
            xruns: AtomicU64::new(0),
            dropped_commands: AtomicU64::new(0),
            output_latency_ns: AtomicU64::new(0),
            commands_applied: AtomicU64::new(0),
            device_lost: AtomicBool::new(false),
            started,
        }
    }
}

/// Capacity of the command ring: keys come at human speed.
const COMMANDS: usize = 64;
/// Capacity of the ring that returns replaced mixers to the control thread.
const RETIRED: usize = 16;

/// The audio-thread half. Call [`Player::fill`] from the device callback.
pub struct Player {
    mixer: Box<Mixer>,
    commands: Consumer<Command>,
    retired: Producer<Box<Mixer>>,
    shared: Arc<Shared>,
    paused: bool,
}

/// The control-thread half: sends commands, reads the position.
pub struct Control {
    commands: Producer<Command>,
    retired: Consumer<Box<Mixer>>,
    /// What the player publishes.
    pub shared: Arc<Shared>,
    rate: u32,
    length: u64,
}

/// Creates a connected player and control for `mixer`, starting at `from` frames.
pub fn player(mut mixer: Mixer, from: u64, started: Instant) -> (Player, Control) {
    let (cp, cc) = RingBuffer::new(COMMANDS);
    let (rp, rc) = RingBuffer::new(RETIRED);
    mixer.seek(from);
    let shared = Arc::new(Shared::new(started));
    shared.position.store(from, Ordering::Relaxed);
    let (rate, length) = (mixer.rate(), mixer.length());
    let player = Player {
        mixer: Box::new(mixer),
        commands: cc,
        retired: rp,
        shared: Arc::clone(&shared),
        paused: false,
    };
    (
        player,
        Control {
            commands: cp,
            retired: rc,
            shared,
            rate,
            length,
        },
    )
}

impl Player {
    /// Fills an interleaved f32 buffer with the next frames. Real-time safe.
    pub fn fill(&mut self, out: &mut [f32]) {
        let shared = &*self.shared;
        if shared.callbacks.fetch_add(1, Ordering::Relaxed) == 0 {
            let ns = shared
                .started
                .elapsed()
                .as_nanos()
                .min(u128::from(u64::MAX)) as u64;
            shared.first_callback_ns.store(ns.max(1), Ordering::Relaxed);
        }
        while let Ok(command) = self.commands.pop() {
            shared.commands_applied.fetch_add(1, Ordering::Relaxed);
            match command {
                Command::Pause => self.paused = true,
                Command::Resume => self.paused = false,
                Command::Seek(frame) => {
                    self.mixer.seek(frame.min(self.mixer.length()));
                    shared.finished.store(false, Ordering::Relaxed);
                }
                Command::Metronome(on) => self.mixer.set_metronome(on),
                Command::Replace(mut new) => {
                    new.seek(self.mixer.position());
                    new.set_metronome(self.mixer.metronome_on());
                    let old = std::mem::replace(&mut self.mixer, new);
                    // The control thread drops it; if its ring were full we would have
                    // to free here, so the ring is sized far beyond what keys can fill.
                    if let Err(rtrb::PushError::Full(old)) = self.retired.push(old) {
                        std::mem::forget(old);
                    }
                }
            }
        }
        shared.paused.store(self.paused, Ordering::Relaxed);
        shared
            .metronome
            .store(self.mixer.metronome_on(), Ordering::Relaxed);
        if self.paused || self.mixer.finished() {
            out.fill(0.0);
        } else {
            self.mixer.process(out);
        }
        shared.position.store(
            self.mixer.position().min(self.mixer.length()),
            Ordering::Relaxed,
        );
        if self.mixer.finished() {
            shared.finished.store(true, Ordering::Relaxed);
        }
    }

    /// Interleaved channels per frame.
    pub fn channels(&self) -> usize {
        self.mixer.channels()
    }
}

impl Control {
    /// Sends a command; returns false (and counts it) if the ring is full.
    pub fn send(&mut self, command: Command) -> bool {
        self.collect_retired();
        match self.commands.push(command) {
            Ok(()) => true,
            Err(_) => {
                self.shared.dropped_commands.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    }

    /// Drops mixers the player has replaced (here, off the audio thread).
    pub fn collect_retired(&mut self) {
        while self.retired.pop().is_ok() {}
    }

    /// The frame the player is at.
    pub fn position(&self) -> u64 {
        self.shared.position.load(Ordering::Relaxed)
    }

    /// The position in seconds.
    pub fn seconds(&self) -> f64 {
        self.position() as f64 / f64::from(self.rate)
    }

    /// Output rate.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// The session's length in frames.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// Whether the whole session has been played.
    pub fn finished(&self) -> bool {
        self.shared.finished.load(Ordering::Relaxed)
    }
}
