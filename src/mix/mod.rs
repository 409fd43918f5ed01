//! The mixer: a timeline plus decoded clips become frames, at any rate and channel
//! count, in blocks, from any position.
//!
//! Used unchanged by `render`, `export` and live `play`. [`Mixer::process`] is
//! real-time safe: it never allocates, locks or does I/O; everything it needs is
//! allocated in [`Mixer::new`]. Its state is a few cursors and a limiter, so it does
//! not grow with the session's length. Every event starts at frame
//! `round(time · rate)` of its absolute time, so there is no drift.

pub mod synth;
mod window;

pub use window::ClipWindow;

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::session::ClickSound;
use crate::timeline::{Event, Phase, Timeline};
use crate::voice::{CLIP_SCALE, ClipBank, DecodeError, VoicePack, decode_file, resample};

/// Peak level the limiter keeps every output sample under (-0.2 dBFS).
pub const LIMIT: f32 = 0.977;
/// Length of the ducking ramps, in seconds.
pub const DUCK_RAMP: f64 = 0.030;
/// The limiter returns to unity gain over this many seconds.
const LIMITER_RELEASE: f64 = 0.100;
/// At most this many threads decode a render's clips ([`Sounds::measure`]): each holds
/// one clip's buffers (about 1.5 MB for a 5-second clip), so more would cost memory
/// for little gain next to the mixing and writing that follow.
const DECODE_THREADS: usize = 2;

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
    /// The presence tok: the built-in `tok`, very soft, whatever the metronome's
    /// sound (it is a sign of life, not a beat).
    pub presence: Arc<[f32]>,
    /// The length and loudest sample of every clip the timeline uses, also of clips
    /// not (yet) in `clips` (see [`ClipWindow`]).
    pub shapes: ClipShapes,
}

/// The length in frames of each clip by pack index, and the loudest sample of all:
/// what a mixer must know of a clip before its samples arrive. O(pack), not O(session).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClipShapes {
    lens: Vec<u64>,
    peak: f32,
}

impl ClipShapes {
    /// The shapes of the clips `indices` of `bank`.
    fn of(bank: &ClipBank, indices: &[usize]) -> ClipShapes {
        let mut shapes = ClipShapes::default();
        for &i in indices {
            if let Some(samples) = bank.get(i) {
                shapes.add(i, samples);
            }
        }
        shapes
    }

    fn add(&mut self, index: usize, samples: &[i16]) {
        self.set(index, ClipShapes::shape(samples));
    }

    /// The length and loudest sample of one clip.
    fn shape(samples: &[i16]) -> (u64, u16) {
        let p = samples.iter().map(|x| x.unsigned_abs()).max().unwrap_or(0);
        (samples.len() as u64, p)
    }

    /// Records clip `index`'s [`ClipShapes::shape`].
    fn set(&mut self, index: usize, (len, peak): (u64, u16)) {
        if self.lens.len() <= index {
            self.lens.resize(index + 1, 0);
        }
        self.lens[index] = len;
        self.peak = self.peak.max(f32::from(peak) * CLIP_SCALE);
    }

    /// Frames of clip `index` (0 if the timeline does not use it).
    fn len(&self, index: usize) -> u64 {
        self.lens.get(index).copied().unwrap_or(0)
    }
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

    /// Like [`Sounds::prepare`], but keeps no clip: each is decoded once to learn its
    /// shape and dropped, so memory does not grow with how many clips a session uses.
    /// A [`ClipWindow`] loads them while rendering.
    pub fn measure(
        timeline: &Timeline,
        pack: &VoicePack,
        rate: u32,
    ) -> Result<Sounds, DecodeError> {
        Sounds::measure_with(timeline, pack, rate, |_, _| {})
    }

    /// [`Sounds::measure`], showing each decoded clip to `keep` (pack index, samples)
    /// before it is dropped. Clips are decoded and resampled on [`DECODE_THREADS`]
    /// threads (this one and helpers), each taking the next clip when done with one,
    /// so memory holds one clip per thread; the first error in pack order is
    /// returned, whichever thread finds it first.
    fn measure_with(
        timeline: &Timeline,
        pack: &VoicePack,
        rate: u32,
        keep: impl Fn(usize, &[i16]) + Sync,
    ) -> Result<Sounds, DecodeError> {
        type Measured = Result<(u64, u16), DecodeError>;
        let indices = timeline.clip_indices();
        let next = AtomicUsize::new(0);
        let work = || {
            let mut done: Vec<(usize, Measured)> = Vec::new();
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(&i) = indices.get(k) else {
                    return done;
                };
                let m = pack.decode_clip(i, rate).map(|samples| {
                    keep(i, &samples);
                    ClipShapes::shape(&samples)
                });
                done.push((k, m));
            }
        };
        let helpers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(DECODE_THREADS)
            .saturating_sub(1)
            .min(indices.len().saturating_sub(1));
        let mut measured = std::thread::scope(|scope| {
            let started: Vec<_> = (0..helpers).map(|_| scope.spawn(work)).collect();
            let mut all = work();
            for h in started {
                // A helper that panicked panics here too, as if it were this thread.
                all.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
            }
            all
        });
        measured.sort_unstable_by_key(|(k, _)| *k);
        let measured = measured.into_iter().map(|(k, m)| (indices[k], m));
        let mut shapes = ClipShapes::default();
        for (i, m) in measured {
            shapes.set(i, m?);
        }
        let mut sounds = Sounds::with_clips(timeline, ClipBank::with_len(pack.clips.len()), rate)?;
        sounds.shapes = shapes;
        Ok(sounds)
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
                let (samples, from) = decode_file(path)?;
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
        let shapes = ClipShapes::of(&clips, &timeline.clip_indices());
        let (tok, _) = synth::builtin_click(&ClickSound::Tok, rate);
        let presence: Vec<f32> = tok.iter().map(|x| x * synth::PRESENCE_GAIN).collect();
        Ok(Sounds {
            rate,
            clips,
            click: click.into(),
            accent: accent.into(),
            presence: presence.into(),
            shapes,
        })
    }
}

/// A peak limiter with instant attack and a short linear release, so no sample ever
/// exceeds [`LIMIT`]. With the default levels it only acts where a loud voice peak
/// meets a click.
#[derive(Debug, Clone)]
pub struct Limiter {
    gain: f32,
    step: f32,
    /// Samples turned down so far.
    limited: u64,
}

impl Limiter {
    /// A limiter for `rate`.
    pub fn new(rate: u32) -> Self {
        Limiter {
            gain: 1.0,
            step: (1.0 / (LIMITER_RELEASE * f64::from(rate))).min(1.0) as f32,
            limited: 0,
        }
    }

    /// Back to unity gain (after a seek); the count of limited samples is kept.
    pub fn reset(&mut self) {
        self.gain = 1.0;
    }

    /// Samples this limiter has turned down.
    pub fn limited(&self) -> u64 {
        self.limited
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
        if g < 1.0 {
            self.limited += 1;
        }
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

/// An event's place in frames at the mixer's rate: where it starts and ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u64,
    end: u64,
}

/// Turns a timeline into frames. See the module docs for its real-time contract.
///
/// It walks the shared timeline with one cursor per layer (an index into
/// `timeline.events`), so its own state does not grow with the session: no event is
/// copied, and clip samples are shared with [`Sounds`].
#[derive(Debug, Clone)]
pub struct Mixer {
    timeline: Arc<Timeline>,
    sounds: Sounds,
    rate: u32,
    channels: usize,
    max_block: usize,
    position: u64,
    length: u64,
    /// The next event that may still sound, per layer (metronome, voice, tones), and
    /// the first clip whose ducking ramp has not ended.
    cursors: [usize; 3],
    duck_cursor: usize,
    /// The longest clip and tone, in frames: how far back a seek must look.
    longest: [u64; 3],
    volume: f32,
    duck_gain: f32,
    ramp: u64,
    metronome_on: bool,
    layers: [Vec<f32>; 3],
    /// The part of each layer that holds sound from the previous block (and needs
    /// zeroing): outside it every layer is silent.
    dirty: [Range<usize>; 3],
    /// Scratch for the ducking gain of each frame of a block.
    duck: Vec<f32>,
    /// Scratch for the mono mix before it is spread over the channels.
    mono: Vec<f32>,
    /// The loudest sample each layer can hold: metronome, voice, tones.
    peaks: [f32; 3],
    limiter: Limiter,
}

/// The layer an event sounds in: 0 metronome, 1 voice, 2 tones (with the presence
/// tok, so muting the metronome keeps the sign of life).
fn layer_of(e: &Event) -> usize {
    match e {
        Event::Click { .. } => 0,
        Event::Clip(_) => 1,
        Event::Tone { .. } | Event::Presence { .. } => 2,
    }
}

impl Mixer {
    /// Builds a mixer for `timeline` with `sounds` (decoded at the same rate), writing
    /// `channels` interleaved channels in blocks of at most `max_block` frames per
    /// internal step (any `process` length works).
    pub fn new(
        timeline: impl Into<Arc<Timeline>>,
        sounds: &Sounds,
        channels: usize,
        max_block: usize,
    ) -> Mixer {
        let timeline = timeline.into();
        let rate = sounds.rate;
        let max_block = max_block.max(1);
        let volume = timeline.metronome.volume;
        let duck_gain = 10f32.powf(timeline.metronome.duck_db / 20.0);
        let length = frame_at(timeline.duration, rate);
        let mut m = Mixer {
            timeline,
            sounds: sounds.clone(),
            rate,
            channels: channels.max(1),
            max_block,
            position: 0,
            length,
            cursors: [0; 3],
            duck_cursor: 0,
            longest: [0; 3],
            volume,
            duck_gain,
            ramp: ((DUCK_RAMP * f64::from(rate)).round() as u64).max(1),
            metronome_on: true,
            layers: [
                vec![0.0; max_block],
                vec![0.0; max_block],
                vec![0.0; max_block],
            ],
            dirty: [0..max_block, 0..max_block, 0..max_block],
            duck: vec![1.0; max_block],
            mono: vec![0.0; max_block],
            peaks: [0.0; 3],
            limiter: Limiter::new(rate),
        };
        let peak = |s: &[f32]| s.iter().fold(0.0f32, |p, x| p.max(x.abs()));
        let mut longest = [m.sounds.click.len() as u64, 0, 0];
        for e in &m.timeline.events {
            let i = layer_of(e);
            if i > 0 {
                let s = m.span(e);
                longest[i] = longest[i].max(s.end - s.start);
            }
        }
        let clip_peak = m.sounds.shapes.peak;
        m.longest = longest;
        let has = |layer| m.timeline.events.iter().any(|e| layer_of(e) == layer);
        m.peaks = [
            if has(0) {
                m.volume * peak(&m.sounds.click).max(peak(&m.sounds.accent))
            } else {
                0.0
            },
            clip_peak,
            if has(2) {
                (synth::TONE_LEVEL as f32).max(peak(&m.sounds.presence))
            } else {
                0.0
            },
        ];
        m.duck_gain = headroom_duck(m.duck_gain, m.peaks);
        m.seek(0);
        m
    }

    /// Where `e` starts and ends in frames. A clip whose samples are not loaded is
    /// empty.
    fn span(&self, e: &Event) -> Span {
        span_of(e, self.rate, &self.sounds)
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

    /// The timeline this mixer plays.
    pub fn timeline(&self) -> &Arc<Timeline> {
        &self.timeline
    }

    /// Samples the limiter has turned down since the mixer was made: 0 means every
    /// layer summed stayed under [`LIMIT`] on its own.
    pub fn limited_samples(&self) -> u64 {
        self.limiter.limited()
    }

    /// The length in frames of clip `index` at this mixer's rate.
    pub fn clip_frames(&self, index: usize) -> u64 {
        self.sounds.shapes.len(index)
    }

    /// Gives the mixer the samples of clip `index` (`None` takes them back), for a
    /// [`ClipWindow`]. Samples of another length than [`Sounds::shapes`] knows are
    /// ignored. A clip whose samples are missing when it is due is silent.
    pub fn set_clip(&mut self, index: usize, samples: Option<Arc<[i16]>>) {
        match samples {
            Some(s) if s.len() as u64 == self.sounds.shapes.len(index) => {
                self.sounds.clips.set(index, s);
            }
            Some(_) => {}
            None => self.sounds.clips.set(index, Arc::from([])),
        }
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
        for layer in 0..3 {
            self.cursors[layer] = self.first_sounding(layer, frame, 0);
        }
        self.duck_cursor = self.first_sounding(1, frame, self.ramp);
        self.limiter.reset();
        self.dirty = [0..self.max_block, 0..self.max_block, 0..self.max_block];
    }

    /// The index of the first event of `layer` that still sounds at `frame` (its end
    /// plus `tail` is after `frame`), or the number of events. Events of one layer
    /// never overlap, so their ends rise with their starts: binary search to where an
    /// event of the layer could still sound, then a short scan.
    fn first_sounding(&self, layer: usize, frame: u64, tail: u64) -> usize {
        let events = &self.timeline.events;
        let reach = self.longest[layer] + tail;
        let from = events.partition_point(|e| frame_at(e.time(), self.rate) + reach <= frame);
        events[from..]
            .iter()
            .position(|e| layer_of(e) == layer && self.span(e).end + tail > frame)
            .map_or(events.len(), |i| from + i)
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
    /// buffers and advances. Returns which layers sound in the block. Only the part of
    /// a layer that held sound in the previous block is zeroed.
    fn render_layers(&mut self, n: usize) -> [bool; 3] {
        let b0 = self.position;
        let b1 = b0 + n as u64;
        let events = &self.timeline.events;
        let rate = self.rate;
        let mut busy = [false; 3];
        for (layer, b) in busy.iter_mut().enumerate() {
            *b = events[self.cursors[layer]..]
                .iter()
                .take_while(|e| frame_at(e.time(), rate) < b1)
                .any(|e| layer_of(e) == layer);
        }
        busy[0] &= self.metronome_on;
        for (layer, dirty) in self.layers.iter_mut().zip(&mut self.dirty) {
            layer[dirty.clone()].fill(0.0);
            *dirty = 0..0;
        }
        // Ducking looks at the clips whose ramp-out has not ended before this block;
        // their gain is worked out once per block, and only when clicks or tones sound.
        self.duck_cursor = self.advance(self.duck_cursor, 1, b0, self.ramp);
        let duck = if busy[0] || busy[2] {
            let clips = events[self.duck_cursor..]
                .iter()
                .take_while(|e| frame_at(e.time(), rate) < b1 + self.ramp)
                .filter(|e| layer_of(e) == 1)
                .map(|e| span_of(e, rate, &self.sounds));
            let gains = &mut self.duck[..n];
            duck_block(clips, b0, self.ramp, self.duck_gain, gains).then_some(&*gains)
        } else {
            None
        };
        let [clicks, voice, tones] = &mut self.layers;
        if busy[0] {
            self.dirty[0] = render_clicks(
                &events[self.cursors[0]..],
                &self.sounds,
                self.volume,
                duck,
                b0,
                &mut clicks[..n],
            );
        }
        if busy[1] {
            self.dirty[1] = render_clips(
                &events[self.cursors[1]..],
                &self.sounds,
                b0,
                &mut voice[..n],
            );
        }
        if busy[2] {
            self.dirty[2] = render_tones(
                &events[self.cursors[2]..],
                &self.sounds,
                duck,
                b0,
                &mut tones[..n],
            );
        }
        for layer in 0..3 {
            self.cursors[layer] = self.advance(self.cursors[layer], layer, b1, 0);
        }
        self.position = b1;
        busy
    }

    /// Moves a cursor of `layer` past the events that have ended (end plus `tail`)
    /// by `frame`, and past events of other layers before the next one of its own.
    fn advance(&self, mut cursor: usize, layer: usize, frame: u64, tail: u64) -> usize {
        let events = &self.timeline.events;
        while let Some(e) = events.get(cursor) {
            if layer_of(e) == layer && self.span(e).end + tail > frame {
                break;
            }
            cursor += 1;
        }
        cursor
    }
}

/// The gain of clicks and tones under the voice: the session's ducking, or lower
/// where the loudest clip plus the loudest click and tone could reach [`LIMIT`], so
/// the limiter never has to act on voice over clicks or tones.
fn headroom_duck(duck: f32, [clicks, voice, tones]: [f32; 3]) -> f32 {
    let under = clicks + tones;
    if under <= 0.0 || voice + duck * under <= LIMIT {
        return duck;
    }
    ((LIMIT - voice) / under).clamp(0.0, duck)
}

/// `round(t · rate)`, the frame every event and length is placed on.
#[inline]
fn frame_at(t: f64, rate: u32) -> u64 {
    (t * f64::from(rate)).round().max(0.0) as u64
}

/// Where `e` starts and ends in frames at `rate`.
#[inline]
fn span_of(e: &Event, rate: u32, sounds: &Sounds) -> Span {
    let start = frame_at(e.time(), rate);
    let len = match e {
        Event::Click { .. } => sounds.click.len() as u64,
        Event::Clip(c) => sounds.shapes.len(c.pack_index),
        Event::Tone { time, duration, .. } => frame_at(time + duration, rate).saturating_sub(start),
        Event::Presence { .. } => sounds.presence.len() as u64,
    };
    Span {
        start,
        end: start + len,
    }
}

/// The events at and after a block's first frame, in frames, for one layer.
fn sounding<'a>(
    events: &'a [Event],
    layer: usize,
    rate: u32,
    sounds: &'a Sounds,
    b1: u64,
) -> impl Iterator<Item = (&'a Event, Span)> + 'a {
    events
        .iter()
        .take_while(move |e| frame_at(e.time(), rate) < b1)
        .filter(move |e| layer_of(e) == layer)
        .map(move |e| (e, span_of(e, rate, sounds)))
}

/// Widens `range` to cover `written` (both frames of one block): the part of a layer
/// that must be zeroed before the next block.
fn reach(range: &mut Range<usize>, written: Range<usize>) {
    if written.start >= written.end {
        return;
    }
    if range.start >= range.end {
        *range = written;
    } else {
        range.start = range.start.min(written.start);
        range.end = range.end.max(written.end);
    }
}

/// Adds the clicks sounding in the block starting at frame `b0` to `out`, ducked by
/// the block's `duck` gains (none: not ducked). Returns the part of `out` written.
fn render_clicks(
    events: &[Event],
    sounds: &Sounds,
    volume: f32,
    duck: Option<&[f32]>,
    b0: u64,
    out: &mut [f32],
) -> Range<usize> {
    let b1 = b0 + out.len() as u64;
    let mut written = 0..0;
    for (e, span) in sounding(events, 0, sounds.rate, sounds, b1) {
        let (s, end) = (span.start.max(b0), span.end.min(b1));
        if s >= end {
            continue;
        }
        let buf = match e {
            Event::Click { accent: true, .. } => &sounds.accent,
            _ => &sounds.click,
        };
        let src = &buf[(s - span.start) as usize..(end - span.start) as usize];
        let at = (s - b0) as usize..(end - b0) as usize;
        match duck {
            Some(gains) => {
                for ((o, x), g) in out[at.clone()].iter_mut().zip(src).zip(&gains[at.clone()]) {
                    *o += x * volume * g;
                }
            }
            None => {
                for (o, x) in out[at.clone()].iter_mut().zip(src) {
                    *o += x * volume;
                }
            }
        }
        reach(&mut written, at);
    }
    written
}

/// Adds the clips sounding in the block starting at frame `b0` to `out`. Returns the
/// part of `out` written.
fn render_clips(events: &[Event], sounds: &Sounds, b0: u64, out: &mut [f32]) -> Range<usize> {
    let b1 = b0 + out.len() as u64;
    let mut written = 0..0;
    for (e, span) in sounding(events, 1, sounds.rate, sounds, b1) {
        let Some(samples) = clip_samples(e, sounds) else {
            continue;
        };
        let (s, end) = (span.start.max(b0), span.end.min(b1));
        if s >= end {
            continue;
        }
        let src = &samples[(s - span.start) as usize..(end - span.start) as usize];
        let at = (s - b0) as usize..(end - b0) as usize;
        for (o, x) in out[at.clone()].iter_mut().zip(src) {
            *o += f32::from(*x) * CLIP_SCALE;
        }
        reach(&mut written, at);
    }
    written
}

/// The samples of a clip event, if loaded.
fn clip_samples<'a>(e: &Event, sounds: &'a Sounds) -> Option<&'a Arc<[i16]>> {
    match e {
        Event::Clip(c) => sounds
            .clips
            .get(c.pack_index)
            .filter(|s| s.len() as u64 == sounds.shapes.len(c.pack_index)),
        _ => None,
    }
}

/// Adds the tones sounding in the block starting at frame `b0` to `out`, ducked by
/// the block's `duck` gains (none: not ducked). Returns the part of `out` written.
fn render_tones(
    events: &[Event],
    sounds: &Sounds,
    duck: Option<&[f32]>,
    b0: u64,
    out: &mut [f32],
) -> Range<usize> {
    let b1 = b0 + out.len() as u64;
    let rate = sounds.rate;
    let mut written = 0..0;
    for (e, span) in sounding(events, 2, rate, sounds, b1) {
        let (s, end) = (span.start.max(b0), span.end.min(b1));
        if s >= end {
            continue;
        }
        let at = (s - b0) as usize..(end - b0) as usize;
        if let Event::Presence { .. } = e {
            // Only where nothing else sounds, so it needs no ducking.
            let src = &sounds.presence[(s - span.start) as usize..(end - span.start) as usize];
            for (o, x) in out[at.clone()].iter_mut().zip(src) {
                *o += x;
            }
            reach(&mut written, at);
            continue;
        }
        let rising = matches!(
            e,
            Event::Tone {
                phase: Phase::Inhale,
                ..
            }
        );
        let len = span.end - span.start;
        for (o, f) in out[at.clone()].iter_mut().zip(s..end) {
            let x = synth::tone_sample(f - span.start, len, rate, rising);
            *o += match duck {
                Some(gains) => x * gains[(f - b0) as usize],
                None => x,
            };
        }
        reach(&mut written, at);
    }
    written
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
    // Only the layers that sound are summed: a silent one adds exact zeros.
    let mut sounding = layers.iter().zip(busy).filter(|(_, b)| *b).map(|(l, _)| l);
    match sounding.next() {
        Some(first) => out.copy_from_slice(&first[..n]),
        None => out.fill(0.0),
    }
    for layer in sounding {
        for (o, x) in out.iter_mut().zip(&layer[..n]) {
            *o += x;
        }
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

/// The gain of clicks and tones at frame `f`: `duck` while a clip sounds, ramping
/// linearly over `ramp` frames before a clip starts and after it ends, 1 elsewhere.
/// `clips` are the spans of the clips near `f` (those whose ramp-in has begun).
#[inline]
fn duck_at(clips: impl Iterator<Item = Span>, f: u64, ramp: u64, duck: f32) -> f32 {
    let mut g = 1.0f32;
    for c in clips {
        let dist = if f < c.start {
            c.start - f
        } else if f >= c.end {
            f - c.end + 1
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

/// [`duck_at`] for every frame of the block starting at frame `b0`, into `out`,
/// worked out clip by clip over the frames its ramps reach rather than frame by frame
/// over all clips (the same arithmetic, so the same gains). Returns whether any
/// clip's ramp reaches the block; if not, every gain is 1 and `out` is left as it was.
fn duck_block(
    clips: impl Iterator<Item = Span>,
    b0: u64,
    ramp: u64,
    duck: f32,
    out: &mut [f32],
) -> bool {
    let b1 = b0 + out.len() as u64;
    let mut any = false;
    for c in clips {
        // Frames within `ramp` of the clip: from `ramp` before its start to `ramp`
        // after its end (see `duck_at` for the distance).
        let (lo, hi) = (c.start.saturating_sub(ramp).max(b0), (c.end + ramp).min(b1));
        if lo >= hi {
            continue;
        }
        if !any {
            out.fill(1.0);
            any = true;
        }
        for (g, f) in out[(lo - b0) as usize..(hi - b0) as usize]
            .iter_mut()
            .zip(lo..hi)
        {
            *g = g.min(duck_at(std::iter::once(c), f, ramp, duck));
        }
    }
    any
}

#[cfg(test)]
mod test;
