//! Where the position of a live run comes from: a sound device playing the mixer
//! ([`DeviceTransport`]), a silent clock ([`ClockTransport`], `--no-audio`), or a
//! player driven by hand ([`MockTransport`], for tests and benches, like kira's mock
//! backend). The play core talks to all three through [`Transport`].

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::device::{DeviceError, Output};
use super::player::{self, Command, Control, Player};
use crate::mix::{Mixer, Sounds};
use crate::timeline::Timeline;
use crate::voice::{DecodeError, VoicePack};

/// Frames the mixer renders per internal step during live play.
pub const LIVE_BLOCK: usize = 1024;

/// What the play core needs from whatever produces the sound (or the time).
pub trait Transport {
    /// The position in seconds.
    fn seconds(&self) -> f64;
    /// Whether the whole session has been played.
    fn finished(&self) -> bool;
    /// Pauses or resumes.
    fn set_paused(&mut self, pause: bool);
    /// Continues from `secs`.
    fn seek(&mut self, secs: f64);
    /// Metronome on or off.
    fn set_metronome(&mut self, on: bool);
    /// Continues with a recompiled timeline at the current position.
    fn replace(&mut self, timeline: &Arc<Timeline>);
    /// Housekeeping on the control thread (dropping replaced mixers).
    fn tick(&mut self) {}
    /// Device counters, if there is a device.
    fn stats(&self) -> Option<DeviceStats> {
        None
    }
}

/// What a device reported during a run.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DeviceStats {
    /// Callbacks served.
    pub callbacks: u64,
    /// Underruns and stream errors.
    pub xruns: u64,
    /// Milliseconds from the command's start to the first buffer, if there was one.
    pub first_buffer_ms: Option<f64>,
    /// The device disappeared.
    pub device_lost: bool,
    /// Nanoseconds from a callback to its sound leaving the device (0 if unknown).
    pub output_latency_ns: u64,
}

/// The player's handle and the sounds a replacement mixer is built from.
struct Driven {
    control: Control,
    sounds: Sounds,
    channels: usize,
}

impl Driven {
    fn new(
        timeline: &Arc<Timeline>,
        pack: &VoicePack,
        rate: u32,
        channels: usize,
        from: f64,
        started: Instant,
    ) -> Result<(Driven, Player), DecodeError> {
        // Every clip is decoded and resampled to the device's rate before it starts.
        let sounds = Sounds::prepare(timeline, pack, rate)?;
        let mixer = Mixer::new(Arc::clone(timeline), &sounds, channels, LIVE_BLOCK);
        let frame = (from * f64::from(rate)).round().max(0.0) as u64;
        let (player, control) = player::player(mixer, frame, started);
        Ok((
            Driven {
                control,
                sounds,
                channels,
            },
            player,
        ))
    }

    fn seek(&mut self, secs: f64) {
        let control = &mut self.control;
        let frame = (secs * f64::from(control.rate())).round().max(0.0) as u64;
        control.send(Command::Seek(frame));
        // Show the new position at once, before the callback confirms it.
        control
            .shared
            .position
            .store(frame.min(control.length()), Ordering::Relaxed);
    }

    fn replace(&mut self, timeline: &Arc<Timeline>) {
        let mixer = Mixer::new(
            Arc::clone(timeline),
            &self.sounds,
            self.channels,
            LIVE_BLOCK,
        );
        self.control.send(Command::Replace(Box::new(mixer)));
    }

    fn stats(&self) -> DeviceStats {
        let s = &self.control.shared;
        let ns = s.first_callback_ns.load(Ordering::Relaxed);
        DeviceStats {
            callbacks: s.callbacks.load(Ordering::Relaxed),
            xruns: s.xruns.load(Ordering::Relaxed),
            first_buffer_ms: (ns > 0).then(|| ns as f64 / 1e6),
            device_lost: s.device_lost.load(Ordering::Relaxed),
            output_latency_ns: s.output_latency_ns.load(Ordering::Relaxed),
        }
    }
}

/// Implements [`Transport`] for a type with a `driven: Driven` field.
macro_rules! driven_transport {
    ($t:ty) => {
        impl Transport for $t {
            fn seconds(&self) -> f64 {
                self.driven.control.seconds()
            }
            fn finished(&self) -> bool {
                self.driven.control.finished()
            }
            fn set_paused(&mut self, pause: bool) {
                self.driven.control.send(if pause {
                    Command::Pause
                } else {
                    Command::Resume
                });
            }
            fn seek(&mut self, secs: f64) {
                self.driven.seek(secs);
            }
            fn set_metronome(&mut self, on: bool) {
                self.driven.control.send(Command::Metronome(on));
            }
            fn replace(&mut self, timeline: &Arc<Timeline>) {
                self.driven.replace(timeline);
            }
            fn tick(&mut self) {
                self.driven.control.collect_retired();
            }
            fn stats(&self) -> Option<DeviceStats> {
                Some(self.driven.stats())
            }
        }
    };
}

/// Why a device transport could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// No sound could be played.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// The clips could not be prepared.
    #[error("cannot prepare the voice clips")]
    Clips(#[from] DecodeError),
}

/// The default output device playing the mixer from its callback.
pub struct DeviceTransport {
    driven: Driven,
    _stream: cpal::Stream,
    /// The device's name, rate, channels and sample format, for one line to the runner.
    pub description: DeviceDescription,
}

/// What device is playing, to tell the runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceDescription {
    /// The device's name.
    pub name: String,
    /// Its sample rate.
    pub rate: u32,
    /// Its channel count.
    pub channels: usize,
    /// Its sample format, e.g. `f32`.
    pub format: String,
}

impl DeviceTransport {
    /// Opens the default output device and starts playing `timeline` from `from`
    /// seconds. `started` is when the command started (for the latency figure).
    pub fn start(
        timeline: &Arc<Timeline>,
        pack: &VoicePack,
        from: f64,
        started: Instant,
    ) -> Result<DeviceTransport, StartError> {
        DeviceTransport::start_on(Output::open_default()?, timeline, pack, from, started)
    }

    /// Starts playing on `output`, opened beforehand (so a missing device is found
    /// before the runner is asked anything).
    pub fn start_on(
        output: Output,
        timeline: &Arc<Timeline>,
        pack: &VoicePack,
        from: f64,
        started: Instant,
    ) -> Result<DeviceTransport, StartError> {
        let description = DeviceDescription {
            name: output.name.clone(),
            rate: output.rate(),
            channels: output.channels(),
            format: output.format(),
        };
        let (driven, player) = Driven::new(
            timeline,
            pack,
            description.rate,
            description.channels,
            from,
            started,
        )?;
        let stream = output.start(player, Arc::clone(&driven.control.shared))?;
        Ok(DeviceTransport {
            driven,
            _stream: stream,
            description,
        })
    }
}

driven_transport!(DeviceTransport);

/// The real player and mixer driven by hand instead of by a device: [`advance`]
/// calls the player as a device callback would. For tests and benches.
///
/// [`advance`]: MockTransport::advance
pub struct MockTransport {
    driven: Driven,
    player: Player,
    buffer: Vec<f32>,
}

impl MockTransport {
    /// A player for `timeline` at `rate` with `channels`, from `from` seconds.
    pub fn new(
        timeline: &Arc<Timeline>,
        pack: &VoicePack,
        rate: u32,
        channels: usize,
        from: f64,
    ) -> Result<MockTransport, DecodeError> {
        let (driven, player) = Driven::new(timeline, pack, rate, channels, from, Instant::now())?;
        Ok(MockTransport {
            driven,
            player,
            buffer: Vec::new(),
        })
    }

    /// Produces the next `frames` frames (as one callback) and returns them,
    /// interleaved.
    pub fn advance(&mut self, frames: usize) -> &[f32] {
        self.buffer.resize(frames * self.driven.channels, 0.0);
        self.player.fill(&mut self.buffer);
        &self.buffer
    }
}

driven_transport!(MockTransport);

/// A silent clock at `speed` times real time, for `--no-audio`.
#[derive(Debug, Clone)]
pub struct ClockTransport {
    base: f64,
    anchor: Instant,
    speed: f64,
    paused: bool,
    length: f64,
}

impl ClockTransport {
    /// A clock over a session of `length` seconds, starting at `from`.
    pub fn new(from: f64, length: f64, speed: f64) -> ClockTransport {
        ClockTransport {
            base: from.clamp(0.0, length),
            anchor: Instant::now(),
            speed,
            paused: false,
            length,
        }
    }
}

impl Transport for ClockTransport {
    fn seconds(&self) -> f64 {
        if self.paused {
            self.base
        } else {
            (self.base + self.anchor.elapsed().as_secs_f64() * self.speed).min(self.length)
        }
    }

    fn finished(&self) -> bool {
        self.seconds() >= self.length
    }

    fn set_paused(&mut self, pause: bool) {
        self.base = self.seconds();
        self.anchor = Instant::now();
        self.paused = pause;
    }

    fn seek(&mut self, secs: f64) {
        self.base = secs.clamp(0.0, self.length);
        self.anchor = Instant::now();
    }

    fn set_metronome(&mut self, _on: bool) {}

    fn replace(&mut self, timeline: &Arc<Timeline>) {
        self.length = timeline.duration;
    }
}
