//! The mixer: a timeline plus decoded clips become frames, at any rate and channel
//! count, in blocks, from any position.
//!
//! Used unchanged by `render`, `export` and live `play`. [`Mixer::process`] is
//! real-time safe: it never allocates, locks or does I/O; everything it needs is
//! allocated in [`Mixer::new`]. Its state is a few cursors and a limiter, so it does
//! not grow with the session's length. Every event starts at frame
//! `round(time · rate)` of its absolute time, so there is no drift.

pub mod synth;

use std::sync::Arc;

use crate::session::ClickSound;
use crate::timeline::{Event, Phase, Timeline};
use crate::voice::{CLIP_SCALE, ClipBank, DecodeError, VoicePack, decode_wav, resample};

/// Peak level the limiter keeps every output sample under (-0.2 dBFS).
pub const LIMIT: f32 = 0.977;
/// Length of the ducking ramps, in seconds.
pub const DUCK_RAMP: f64 = 0.030;
/// The limiter returns to unity gain over this many seconds.
const LIMITER_RELEASE: f64 = 0.100;

/// Everything audible a mixer needs, decoded at one rate.
#[derive(Debug, Clone)]
pub struct Sounds {
    /// The sample rate of all buffers.
    pub rate: u32,
    /// The timeline's clips by pack index.
    pub clips: ClipBank,
    /// The ordinary click.
    pub click: Arc<[f32]>,
    /// The accented click (same length as `click`).
    pub accent: Arc<[f32]>,
}

impl Sounds {
    /// Decodes and resamples what `timeline` uses from `pack`, and makes the click
    /// sounds, all at `rate`. Call before playback starts.
    pub fn prepare(
        timeline: &Timeline,
        pack: &VoicePack,
        rate: u32,
    ) -> Result<Sounds, DecodeError> {
        let clips = pack.load_clips(timeline.clip_indices(), rate)?;
        Sounds::with_clips(timeline, clips, rate)
    }

    /// Like [`Sounds::prepare`], with clips already decoded at `rate` (a bank shared by
    /// several sessions of one pack, so each clip is decoded once).
    pub fn with_clips(
        timeline: &Timeline,
        clips: ClipBank,
        rate: u32,
    ) -> Result<Sounds, DecodeError> {
        let (click, accent) = match &timeline.metronome.sound {
            ClickSound::File(path) => {
                let name = path.display().to_string();
                let bytes = std::fs::read(path).map_err(|e| DecodeError::Io(name.clone(), e))?;
                let (samples, from) = decode_wav(&bytes).map_err(|e| e.in_file(&name))?;
                let s = resample(&samples, from, rate);
                let accent = s.clone();
                let normal: Vec<f32> = s.iter().map(|x| x * synth::NORMAL_CLICK_GAIN).collect();
                (normal, accent)
            }
            builtin => {
                let (n, a) = synth::builtin_click(builtin, rate);
                (n.iter().map(|x| x * synth::NORMAL_CLICK_GAIN).collect(), a)
            }
        };
        Ok(Sounds {
            rate,
            clips,
            click: click.into(),
            accent: accent.into(),
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct ClickAt {
    frame: u64,
    accent: bool,
}

#[derive(Debug, Clone)]
struct ClipAt {
    frame: u64,
    samples: Arc<[i16]>,
}

impl ClipAt {
    fn end(&self) -> u64 {
        self.frame + self.samples.len() as u64
    }
}

#[derive(Debug, Clone, Copy)]
struct ToneAt {
    frame: u64,
    len: u64,
    rising: bool,
}

/// A peak limiter with instant attack and a short linear release, so no sample ever
/// exceeds [`LIMIT`]. With the default levels it only acts where a loud voice peak
/// meets a click.
#[derive(Debug, Clone)]
pub struct Limiter {
    gain: f32,
    step: f32,
}

impl Limiter {
    /// A limiter for `rate`.
    pub fn new(rate: u32) -> Self {
        Limiter {
            gain: 1.0,
            step: (1.0 / (LIMITER_RELEASE * f64::from(rate))).min(1.0) as f32,
        }
    }

    /// Limits one sample.
    #[inline]
    pub fn apply(&mut self, x: f32) -> f32 {
        let a = x.abs();
        if self.gain >= 1.0 && a <= LIMIT {
            return x;
        }
        let mut g = (self.gain + self.step).min(1.0);
        if a * g > LIMIT {
            g = LIMIT / a;
        }
        self.gain = g;
        // The clamp only absorbs the rounding of `LIMIT / a · x`.
        (x * g).clamp(-LIMIT, LIMIT)
    }
}

/// Which layers a mixer plays; stems render one layer alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// Metronome clicks.
    Metronome,
    /// Voice clips.
    Voice,
    /// Breathing tones.
    Tones,
}

/// Turns a timeline into frames. See the module docs for its real-time contract.
#[derive(Debug, Clone)]
pub struct Mixer {
    rate: u32,
    channels: usize,
    max_block: usize,
    position: u64,
    length: u64,
    clicks: Vec<ClickAt>,
    clips: Vec<ClipAt>,
    tones: Vec<ToneAt>,
    click_cursor: usize,
    clip_cursor: usize,
    tone_cursor: usize,
    duck_cursor: usize,
    click: Arc<[f32]>,
    accent: Arc<[f32]>,
    volume: f32,
    duck_gain: f32,
    ramp: u64,
    metronome_on: bool,
    layers: [Vec<f32>; 3],
    /// Which layers hold sound from the previous block (and need zeroing).
    dirty: [bool; 3],
    /// Scratch for the mono mix before it is spread over the channels.
    mono: Vec<f32>,
    /// The loudest sample each layer can hold: metronome, voice, tones.
    peaks: [f32; 3],
    limiter: Limiter,
}

impl Mixer {
    /// Builds a mixer for `timeline` with `sounds` (decoded at the same rate), writing
    /// `channels` interleaved channels in blocks of at most `max_block` frames per
    /// internal step (any `process` length works).
    pub fn new(timeline: &Timeline, sounds: &Sounds, channels: usize, max_block: usize) -> Mixer {
        let rate = sounds.rate;
        let frame = |t: f64| (t * f64::from(rate)).round().max(0.0) as u64;
        let mut clicks = Vec::new();
        let mut clips = Vec::new();
        let mut tones = Vec::new();
        for e in &timeline.events {
            match e {
                Event::Click { time, accent } => clicks.push(ClickAt {
                    frame: frame(*time),
                    accent: *accent,
                }),
                Event::Clip {
                    time, pack_index, ..
                } => {
                    if let Some(samples) = sounds.clips.get(*pack_index) {
                        clips.push(ClipAt {
                            frame: frame(*time),
                            samples: Arc::clone(samples),
                        });
                    }
                }
                Event::Tone {
                    time,
                    phase,
                    duration,
                } => {
                    let start = frame(*time);
                    let len = frame(time + duration).saturating_sub(start);
                    tones.push(ToneAt {
                        frame: start,
                        len,
                        rising: *phase == Phase::Inhale,
                    });
                }
            }
        }
        let max_block = max_block.max(1);
        let mut m = Mixer {
            rate,
            channels: channels.max(1),
            max_block,
            position: 0,
            length: frame(timeline.duration),
            clicks,
            clips,
            tones,
            click_cursor: 0,
            clip_cursor: 0,
            tone_cursor: 0,
            duck_cursor: 0,
            click: Arc::clone(&sounds.click),
            accent: Arc::clone(&sounds.accent),
            volume: timeline.metronome.volume,
            duck_gain: 10f32.powf(timeline.metronome.duck_db / 20.0),
            ramp: ((DUCK_RAMP * f64::from(rate)).round() as u64).max(1),
            metronome_on: true,
            layers: [
                vec![0.0; max_block],
                vec![0.0; max_block],
                vec![0.0; max_block],
            ],
            dirty: [true; 3],
            mono: vec![0.0; max_block],
            peaks: [0.0; 3],
            limiter: Limiter::new(rate),
        };
        let peak = |s: &[f32]| s.iter().fold(0.0f32, |p, x| p.max(x.abs()));
        let clip_peak = |s: &[i16]| {
            s.iter()
                .map(|x| x.unsigned_abs())
                .max()
                .map_or(0.0, |p| f32::from(p) * CLIP_SCALE)
        };
        m.peaks = [
            m.volume * peak(&m.click).max(peak(&m.accent)),
            m.clips
                .iter()
                .map(|c| clip_peak(&c.samples))
                .fold(0.0, f32::max),
            synth::TONE_LEVEL as f32,
        ];
        m.seek(0);
        m
    }

    /// Output sample rate.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Interleaved channels per frame.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// The next frame `process` will produce.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The session's length in frames: `round(duration · rate)`.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// Whether the whole session has been produced.
    pub fn finished(&self) -> bool {
        self.position >= self.length
    }

    /// Turns the metronome on or off (live control); takes effect at the next block.
    pub fn set_metronome(&mut self, on: bool) {
        self.metronome_on = on;
    }

    /// Whether the metronome is on.
    pub fn metronome_on(&self) -> bool {
        self.metronome_on
    }

    /// Continues from `frame`, including events that started before it and still
    /// sound. Does not allocate.
    pub fn seek(&mut self, frame: u64) {
        self.position = frame;
        let click_len = self.click.len() as u64;
        self.click_cursor = self
            .clicks
            .partition_point(|c| c.frame + click_len <= frame);
        self.clip_cursor = self.clips.partition_point(|c| c.end() <= frame);
        self.tone_cursor = self.tones.partition_point(|t| t.frame + t.len <= frame);
        self.duck_cursor = self.clips.partition_point(|c| c.end() + self.ramp <= frame);
        self.limiter = Limiter {
            gain: 1.0,
            step: self.limiter.step,
        };
        self.dirty = [true; 3];
    }

    /// Fills `out` (interleaved, `channels` per frame) with the next frames, silence
    /// past the end. Real-time safe.
    pub fn process(&mut self, out: &mut [f32]) {
        let ch = self.channels;
        for chunk in out.chunks_mut(self.max_block * ch) {
            let n = chunk.len() / ch;
            let busy = self.render_layers(n);
            if ch == 1 {
                mix_into(chunk, &self.layers, busy, &self.peaks, &mut self.limiter);
            } else {
                let mono = &mut self.mono[..n];
                mix_into(mono, &self.layers, busy, &self.peaks, &mut self.limiter);
                for (frame, x) in chunk.chunks_exact_mut(ch).zip(mono.iter()) {
                    frame.fill(*x);
                }
            }
        }
    }

    /// One layer of the frames `process` produced last (mono, before limiting), for
    /// stems. Valid for the last internal block, so call `process` with at most
    /// `max_block` frames when using it.
    pub fn last_layer(&self, layer: Layer, frames: usize) -> &[f32] {
        let i = match layer {
            Layer::Metronome => 0,
            Layer::Voice => 1,
            Layer::Tones => 2,
        };
        &self.layers[i][..frames.min(self.max_block)]
    }

    /// Renders frames `position .. position + n` of each layer into the scratch
    /// buffers and advances. Returns which layers sound in the block. A layer with no
    /// event in the block is zeroed only if it held sound before.
    fn render_layers(&mut self, n: usize) -> [bool; 3] {
        let b0 = self.position;
        let b1 = b0 + n as u64;
        let busy = [
            self.metronome_on
                && self
                    .clicks
                    .get(self.click_cursor)
                    .is_some_and(|c| c.frame < b1),
            self.clips
                .get(self.clip_cursor)
                .is_some_and(|c| c.frame < b1),
            self.tones
                .get(self.tone_cursor)
                .is_some_and(|t| t.frame < b1),
        ];
        for ((layer, dirty), busy) in self.layers.iter_mut().zip(&mut self.dirty).zip(busy) {
            if busy || *dirty {
                layer[..n].fill(0.0);
            }
            *dirty = busy;
        }
        self.render_clicks(b0, b1);
        self.render_clips(b0, b1);
        self.render_tones(b0, b1);
        self.position = b1;
        busy
    }

    fn render_clicks(&mut self, b0: u64, b1: u64) {
        let len = self.click.len() as u64;
        while self.duck_cursor < self.clips.len()
            && self.clips[self.duck_cursor].end() + self.ramp <= b0
        {
            self.duck_cursor += 1;
        }
        if self.metronome_on {
            let out = &mut self.layers[0];
            for c in self.clicks[self.click_cursor..]
                .iter()
                .take_while(|c| c.frame < b1)
            {
                let (s, e) = (c.frame.max(b0), (c.frame + len).min(b1));
                if s >= e {
                    continue;
                }
                let (buf, gain) = if c.accent {
                    (&self.accent, self.volume)
                } else {
                    (&self.click, self.volume)
                };
                for f in s..e {
                    let duck = duck_at(
                        &self.clips[self.duck_cursor..],
                        f,
                        self.ramp,
                        self.duck_gain,
                    );
                    out[(f - b0) as usize] += buf[(f - c.frame) as usize] * gain * duck;
                }
            }
        }
        while self.click_cursor < self.clicks.len()
            && self.clicks[self.click_cursor].frame + len <= b1
        {
            self.click_cursor += 1;
        }
    }

    fn render_clips(&mut self, b0: u64, b1: u64) {
        let out = &mut self.layers[1];
        for c in self.clips[self.clip_cursor..]
            .iter()
            .take_while(|c| c.frame < b1)
        {
            let (s, e) = (c.frame.max(b0), c.end().min(b1));
            if s >= e {
                continue;
            }
            let src = &c.samples[(s - c.frame) as usize..(e - c.frame) as usize];
            for (o, x) in out[(s - b0) as usize..(e - b0) as usize]
                .iter_mut()
                .zip(src)
            {
                *o += f32::from(*x) * CLIP_SCALE;
            }
        }
        while self.clip_cursor < self.clips.len() && self.clips[self.clip_cursor].end() <= b1 {
            self.clip_cursor += 1;
        }
    }

    fn render_tones(&mut self, b0: u64, b1: u64) {
        let out = &mut self.layers[2];
        for t in self.tones[self.tone_cursor..]
            .iter()
            .take_while(|t| t.frame < b1)
        {
            let (s, e) = (t.frame.max(b0), (t.frame + t.len).min(b1));
            for f in s..e {
                out[(f - b0) as usize] +=
                    synth::tone_sample(f - t.frame, t.len, self.rate, t.rising);
            }
        }
        while self.tone_cursor < self.tones.len()
            && self.tones[self.tone_cursor].frame + self.tones[self.tone_cursor].len <= b1
        {
            self.tone_cursor += 1;
        }
    }
}

/// Sums the layers into `out` and limits the result. Blocks where nothing sounds or
/// nothing can come near full scale (by the layers' `peaks`) take the fast,
/// vectorizable paths.
fn mix_into(
    out: &mut [f32],
    layers: &[Vec<f32>; 3],
    busy: [bool; 3],
    peaks: &[f32; 3],
    limiter: &mut Limiter,
) {
    let n = out.len();
    if busy == [false; 3] && limiter.gain >= 1.0 {
        out.fill(0.0);
        return;
    }
    let [m, v, t] = layers;
    for (((o, a), b), c) in out.iter_mut().zip(&m[..n]).zip(&v[..n]).zip(&t[..n]) {
        *o = a + b + c;
    }
    let bound: f32 = busy
        .iter()
        .zip(peaks)
        .filter(|(b, _)| **b)
        .map(|(_, p)| p)
        .sum();
    if bound > LIMIT || limiter.gain < 1.0 {
        for o in out.iter_mut() {
            *o = limiter.apply(*o);
        }
    }
}

/// The metronome gain at frame `f`: `duck` while a clip sounds, ramping linearly over
/// `ramp` frames before a clip starts and after it ends, 1 elsewhere. `clips` starts
/// at the first clip whose ramp-out has not ended before the current block.
#[inline]
fn duck_at(clips: &[ClipAt], f: u64, ramp: u64, duck: f32) -> f32 {
    let mut g = 1.0f32;
    for c in clips.iter().take_while(|c| c.frame <= f + ramp) {
        let end = c.end();
        let dist = if f < c.frame {
            c.frame - f
        } else if f >= end {
            f - end + 1
        } else {
            0
        };
        if dist <= ramp {
            let x = dist as f32 / ramp as f32;
            g = g.min(duck + (1.0 - duck) * x);
        }
    }
    g
}

#[cfg(test)]
mod test;
