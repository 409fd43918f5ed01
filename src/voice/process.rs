/*! Bringing recorded or synthesized speech to a pack's standard.

One home for the audio processing that `voice synth` and `voice import` share: DC
removal and an optional gentle high-pass, a gain towards −16 LUFS (ITU-R BS.1770,
measured with `ebur128`), a look-ahead limiter, 16-bit samples, and trimming to a few
milliseconds of silence at either end, with a fixed threshold for clean synthetic
speech or one derived from the recording's own noise floor for real microphones.
Writing the result is [`write_wav`], atomically.
*/

use std::collections::VecDeque;
use std::io::{self, BufWriter};
use std::path::Path;

use crate::atomic::AtomicFile;

/// Integrated loudness every clip is brought to, in LUFS.
pub const TARGET_LUFS: f64 = -16.0;
/// The longest clip the pack's guidelines allow, in seconds.
pub const MAX_CLIP_SECONDS: f64 = 6.0;
/// Level below which a sample counts as silence (trimming and measuring), in dBFS.
pub const SILENCE_DBFS: f64 = -50.0;
/// The limiter's ceiling as a linear amplitude (−2.05 dBFS).
pub const PEAK_CEILING: f32 = 0.79;
/// The highest true peak an imported clip may have, in dBTP.
pub const MAX_TRUE_PEAK_DBTP: f64 = -1.0;
/// Silence kept before the first and after the last sound, in milliseconds.
pub const PAD_MS: u32 = 20;
/// Fade at both ends of a clip, in milliseconds.
pub const FADE_MS: u32 = 5;
/// The limiter's look-ahead (its attack), in milliseconds.
pub const LIMIT_ATTACK_MS: u32 = 3;
/// The limiter's release, in milliseconds.
pub const LIMIT_RELEASE_MS: u32 = 60;
/// The corner of the optional high-pass filter against handling noise, in Hz.
pub const HIGH_PASS_HZ: f32 = 80.0;
/// Gain corrections stop once the loudness is this close to the target, in LU.
const LUFS_TOLERANCE_BUILD: f64 = 0.1;
/// At most this many gain corrections.
const GAIN_ROUNDS: usize = 8;
/// Length of the windows the noise-aware threshold is measured over, in milliseconds.
const WINDOW_MS: u32 = 10;
/// Sound must rise this far above the noise floor to count as speech, in dB.
const ABOVE_NOISE_DB: f64 = 15.0;

/// What [`process_with`] does besides gain, limiter and trim.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Subtract the mean (a recording's DC offset).
    pub remove_dc: bool,
    /// A second-order Butterworth high-pass at this corner, in Hz.
    pub high_pass_hz: Option<f32>,
    /// Find the start and end of speech above the recording's noise floor instead of
    /// at [`SILENCE_DBFS`].
    pub noise_aware: bool,
    /// Lower the limiter's ceiling until the true peak is at most this, in dBTP.
    pub max_true_peak: Option<f64>,
}

impl Settings {
    /// For espeak-ng's clean output: the processing of `audio/nl/make-voice.py`.
    pub const SYNTH: Settings = Settings {
        remove_dc: false,
        high_pass_hz: None,
        noise_aware: false,
        max_true_peak: None,
    };

    /// For a microphone recording: DC removed, noise-aware trim, true peak checked;
    /// with `high_pass`, also the gentle high-pass at [`HIGH_PASS_HZ`].
    pub fn recording(high_pass: bool) -> Settings {
        Settings {
            remove_dc: true,
            high_pass_hz: high_pass.then_some(HIGH_PASS_HZ),
            noise_aware: true,
            max_true_peak: Some(MAX_TRUE_PEAK_DBTP),
        }
    }
}

/// A finished clip: 16-bit mono samples and what was measured on them.
#[derive(Debug, Clone, PartialEq)]
pub struct Clip {
    /// The samples.
    pub samples: Vec<i16>,
    /// Their rate in Hz.
    pub rate: u32,
    /// Integrated loudness in LUFS.
    pub loudness: f64,
    /// The largest sample in dBFS.
    pub sample_peak: f64,
    /// Silence before the first sample above [`SILENCE_DBFS`], in seconds.
    pub lead: f64,
    /// Silence after the last sample above [`SILENCE_DBFS`], in seconds.
    pub trail: f64,
}

impl Clip {
    /// Length in seconds.
    pub fn duration(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.rate)
    }

    /// The true peak (4× oversampled, ebur128) in dBTP; −∞ for silence.
    pub fn true_peak(&self) -> f64 {
        let floats: Vec<f32> = self
            .samples
            .iter()
            .map(|&x| f32::from(x) / 32768.0)
            .collect();
        true_peak_dbtp(&floats, self.rate)
    }
}

/// The amplitude of [`SILENCE_DBFS`] in 16-bit sample units (about 104 of 32768).
fn silence_threshold() -> f64 {
    32768.0 * 10f64.powf(SILENCE_DBFS / 20.0)
}

/// Brings raw speech to the pack's standard, as `make-voice.py` does: gain towards
/// [`TARGET_LUFS`], a look-ahead limiter at [`PEAK_CEILING`], 16-bit samples, trimmed
/// to [`PAD_MS`] of silence at either end with [`FADE_MS`] fades; repeated with a
/// corrected gain until the loudness is within 0.1 LU of the target. `None` when
/// there is no sound above [`SILENCE_DBFS`] or too little to measure.
pub fn process(raw: &[f32], rate: u32) -> Option<Clip> {
    process_with(raw, rate, &Settings::SYNTH)
}

/// [`process`] with the extra steps of `settings`: DC removal and high-pass first,
/// then (noise-aware) the recording cut to its speech plus [`PAD_MS`], then gain,
/// limiter and trim; with a true-peak limit, the limiter's ceiling is lowered by
/// the excess until the clip meets it.
pub fn process_with(raw: &[f32], rate: u32, settings: &Settings) -> Option<Clip> {
    if rate == 0 {
        return None;
    }
    let mut input = raw.to_vec();
    if settings.remove_dc {
        remove_dc(&mut input);
    }
    if let Some(hz) = settings.high_pass_hz {
        high_pass(&mut input, rate, hz);
    }
    if settings.noise_aware {
        let (first, last) = speech_bounds(&input, rate)?;
        let pad = ms_to_samples(PAD_MS, rate);
        input = input[first.saturating_sub(pad)..input.len().min(last + 1 + pad)].to_vec();
    }
    let mut ceiling = PEAK_CEILING;
    for _ in 0..4 {
        let clip = level(&input, rate, ceiling)?;
        let Some(max) = settings.max_true_peak else {
            return Some(clip);
        };
        let peak = clip.true_peak();
        if peak <= max {
            return Some(clip);
        }
        ceiling *= 10f32.powf((max - peak - 0.1) as f32 / 20.0);
    }
    None
}

/// Gain, limiter, quantization and trim, repeated until the loudness is on target.
fn level(raw: &[f32], rate: u32, ceiling: f32) -> Option<Clip> {
    let raw_loudness = integrated_loudness(raw, rate)?;
    let mut gain_db = TARGET_LUFS - raw_loudness;
    let mut best: Option<Clip> = None;
    for _ in 0..GAIN_ROUNDS {
        let gain = 10f32.powf(gain_db as f32 / 20.0);
        let mut samples: Vec<f32> = raw.iter().map(|x| x * gain).collect();
        limit(&mut samples, rate, ceiling);
        let quantized: Vec<i16> = samples
            .iter()
            .map(|x| (x * 32768.0).round().clamp(-32768.0, 32767.0) as i16)
            .collect();
        let trimmed = trim(&quantized, rate)?;
        let floats: Vec<f32> = trimmed.iter().map(|&x| f32::from(x) / 32768.0).collect();
        let loudness = integrated_loudness(&floats, rate)?;
        let (first, last) = sound_bounds(&trimmed)?;
        let clip = Clip {
            sample_peak: sample_peak_dbfs(&floats),
            loudness,
            lead: first as f64 / f64::from(rate),
            trail: (trimmed.len() - 1 - last) as f64 / f64::from(rate),
            samples: trimmed,
            rate,
        };
        let done = (loudness - TARGET_LUFS).abs() <= LUFS_TOLERANCE_BUILD;
        gain_db += TARGET_LUFS - loudness;
        let better = best
            .as_ref()
            .is_none_or(|b| (loudness - TARGET_LUFS).abs() < (b.loudness - TARGET_LUFS).abs());
        if better {
            best = Some(clip);
        }
        if done {
            break;
        }
    }
    best
}

fn ms_to_samples(ms: u32, rate: u32) -> usize {
    (f64::from(ms) * f64::from(rate) / 1000.0).round() as usize
}

/// Subtracts the mean.
pub fn remove_dc(samples: &mut [f32]) {
    if samples.is_empty() {
        return;
    }
    let mean = samples.iter().map(|&x| f64::from(x)).sum::<f64>() / samples.len() as f64;
    for x in samples {
        *x -= mean as f32;
    }
}

/// A second-order Butterworth high-pass (RBJ cookbook biquad, Q = 1/√2) at `hz`.
pub fn high_pass(samples: &mut [f32], rate: u32, hz: f32) {
    let w0 = 2.0 * std::f64::consts::PI * f64::from(hz) / f64::from(rate);
    if !(w0 > 0.0 && w0 < std::f64::consts::PI) {
        return;
    }
    let alpha = w0.sin() / (2.0 * std::f64::consts::FRAC_1_SQRT_2);
    let cos = w0.cos();
    let a0 = 1.0 + alpha;
    let b0 = (1.0 + cos) / 2.0 / a0;
    let b1 = -(1.0 + cos) / a0;
    let b2 = b0;
    let a1 = -2.0 * cos / a0;
    let a2 = (1.0 - alpha) / a0;
    let (mut x1, mut x2, mut y1, mut y2) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for s in samples {
        let x = f64::from(*s);
        let y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1;
        x1 = x;
        y2 = y1;
        y1 = y;
        *s = y as f32;
    }
}

/// The first and last sample of speech in a recording: the edges of the first and
/// last [`WINDOW_MS`] window whose RMS level is [`ABOVE_NOISE_DB`] above the noise
/// floor (the 10th percentile of the windows' levels) and above [`SILENCE_DBFS`]
/// relative to the loudest window. `None` when no window stands out.
pub fn speech_bounds(samples: &[f32], rate: u32) -> Option<(usize, usize)> {
    let win = ms_to_samples(WINDOW_MS, rate).max(1);
    let levels: Vec<f64> = samples
        .chunks(win)
        .map(|w| {
            let power =
                w.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>() / w.len() as f64;
            10.0 * power.max(1e-20).log10()
        })
        .collect();
    let mut sorted = levels.clone();
    sorted.sort_by(f64::total_cmp);
    let loudest = *sorted.last()?;
    let noise = sorted[sorted.len() / 10];
    let threshold = (noise + ABOVE_NOISE_DB).max(loudest + SILENCE_DBFS);
    if loudest <= threshold {
        return None;
    }
    let first = levels.iter().position(|&l| l > threshold)?;
    let last = levels.iter().rposition(|&l| l > threshold)?;
    // Within the edge windows, from the first and to the last sample that is itself
    // above the threshold's amplitude.
    let amp = 10f64.powf(threshold / 20.0) as f32;
    let start = first * win;
    let end = ((last + 1) * win).min(samples.len());
    let a = samples[start..end]
        .iter()
        .position(|x| x.abs() > amp)
        .map_or(start, |i| start + i);
    let b = samples[start..end]
        .iter()
        .rposition(|x| x.abs() > amp)
        .map_or(end - 1, |i| start + i);
    Some((a, b))
}

/// The first and last index of a sample above the silence threshold.
fn sound_bounds(samples: &[i16]) -> Option<(usize, usize)> {
    let t = silence_threshold();
    let loud = |x: &i16| f64::from(*x).abs() > t;
    Some((
        samples.iter().position(loud)?,
        samples.iter().rposition(loud)?,
    ))
}

/// Cuts to [`PAD_MS`] before the first and after the last sound, fades the outer
/// [`FADE_MS`], and adds zeros where the sound starts or ends closer to the edge.
fn trim(samples: &[i16], rate: u32) -> Option<Vec<i16>> {
    let (first, last) = sound_bounds(samples)?;
    let pad = ms_to_samples(PAD_MS, rate);
    let fade = ms_to_samples(FADE_MS, rate) as i32;
    let a = first.saturating_sub(pad);
    let b = samples.len().min(last + 1 + pad);
    let mut seg = samples[a..b].to_vec();
    let n = seg.len();
    for i in 0..(fade.max(0) as usize).min(n) {
        let scale = |x: i16| (i32::from(x) * i as i32 / fade) as i16;
        seg[i] = scale(seg[i]);
        seg[n - 1 - i] = scale(seg[n - 1 - i]);
    }
    let mut out = vec![0; pad - (first - a)];
    out.extend_from_slice(&seg);
    out.resize(out.len() + pad - (b - 1 - last), 0);
    Some(out)
}

/// A look-ahead peak limiter: scales `samples` so that no sample exceeds `ceiling`,
/// with the gain lowered over [`LIMIT_ATTACK_MS`] before a peak and recovering with
/// a [`LIMIT_RELEASE_MS`] time constant after it.
///
/// The gain at a sample is the mean of `attack` values of a released running
/// minimum, each of which already lies below the gain that sample needs, so the
/// ceiling holds without a hard clip.
pub fn limit(samples: &mut [f32], rate: u32, ceiling: f32) {
    let n = samples.len();
    if n == 0 || ceiling <= 0.0 {
        return;
    }
    let look = ((u64::from(LIMIT_ATTACK_MS) * u64::from(rate) / 1000) as usize).max(1);
    let need: Vec<f32> = samples
        .iter()
        .map(|x| {
            let a = x.abs();
            if a > ceiling { ceiling / a } else { 1.0 }
        })
        .collect();
    // env[t] (t = k + look - 1) is the minimum need over samples k..k+look, released.
    let release = (-1.0 / (f64::from(LIMIT_RELEASE_MS) / 1000.0 * f64::from(rate))).exp() as f32;
    let total = n + look - 1;
    let mut env = Vec::with_capacity(total);
    let mut window: VecDeque<usize> = VecDeque::new();
    let mut gain = 1.0f32;
    for t in 0..total {
        if t < n {
            while window.back().is_some_and(|&j| need[j] >= need[t]) {
                window.pop_back();
            }
            window.push_back(t);
        }
        let lo = t.saturating_sub(look - 1);
        while window.front().is_some_and(|&j| j < lo) {
            window.pop_front();
        }
        let min = window.front().map_or(1.0, |&j| need[j]);
        gain = min.min(1.0 - (1.0 - gain) * release);
        env.push(gain);
    }
    // Sample j averages env[j ..= j + look - 1]: the minima whose windows hold j.
    let mut sum: f64 = env[..look - 1].iter().map(|&g| f64::from(g)).sum();
    for (j, x) in samples.iter_mut().enumerate() {
        sum += f64::from(env[j + look - 1]);
        let g = (sum / look as f64) as f32;
        *x = (*x * g).clamp(-ceiling, ceiling);
        sum -= f64::from(env[j]);
    }
}

/// The largest absolute sample in dBFS (−∞ for silence).
pub fn sample_peak_dbfs(samples: &[f32]) -> f64 {
    let peak = samples.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    20.0 * f64::from(peak).log10()
}

/// The true peak of mono samples in dBTP, measured by `ebur128` (−∞ for silence or
/// a rate it cannot measure).
pub fn true_peak_dbtp(samples: &[f32], rate: u32) -> f64 {
    let peak = ebur128::EbuR128::new(1, rate, ebur128::Mode::TRUE_PEAK)
        .ok()
        .and_then(|mut m| {
            m.add_frames_f32(samples).ok()?;
            m.true_peak(0).ok()
        })
        .unwrap_or(0.0);
    20.0 * peak.log10()
}

/// Integrated loudness of mono samples in LUFS (ITU-R BS.1770, EBU R 128), measured
/// with the `ebur128` crate. `None` when shorter than one 400 ms block or silent.
pub fn integrated_loudness(samples: &[f32], rate: u32) -> Option<f64> {
    let mut meter = ebur128::EbuR128::new(1, rate, ebur128::Mode::I).ok()?;
    meter.add_frames_f32(samples).ok()?;
    meter.loudness_global().ok().filter(|l| l.is_finite())
}

/// Writes a clip as a 16-bit mono WAV file, under a temporary name renamed into place.
pub fn write_wav(path: &Path, clip: &Clip) -> io::Result<()> {
    let wav_error = |e: hound::Error| match e {
        hound::Error::IoError(e) => e,
        other => io::Error::other(other),
    };
    let (atomic, file) = AtomicFile::create(path)?;
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: clip.rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::new(BufWriter::new(file), spec).map_err(wav_error)?;
    let mut samples = writer.get_i16_writer(clip.samples.len() as u32);
    for &s in &clip.samples {
        samples.write_sample(s);
    }
    samples.flush().map_err(wav_error)?;
    writer.finalize().map_err(wav_error)?;
    atomic.commit()
}
