//! Resampling decoded clips once to the output rate, and the bank that holds them.

use std::sync::Arc;

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

/// Resamples mono samples from `from` Hz to `to` Hz with rubato's FFT resampler,
/// whole clip at once, with its delay trimmed so the clip starts on time.
pub fn resample(samples: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || samples.is_empty() {
        return samples.to_vec();
    }
    let input =
        InterleavedSlice::new(samples, 1, samples.len()).expect("one channel, exact length");
    let resampled = Fft::<f32>::new(from as usize, to as usize, 1024, 1, FixedSync::Both)
        .ok()
        .and_then(|mut r| r.process_all(&input, samples.len(), None).ok());
    match resampled {
        // One channel: the interleaved data are the samples, trimmed to the output.
        Some(out) => out.take_data(),
        // Only reachable for rates rubato cannot pair; fall back to linear interpolation
        // so a clip is never silently dropped.
        None => linear(samples, from, to),
    }
}

fn linear(samples: &[f32], from: u32, to: u32) -> Vec<f32> {
    let out_len = (samples.len() as u64 * u64::from(to)).div_ceil(u64::from(from)) as usize;
    (0..out_len)
        .map(|i| {
            let pos = i as f64 * f64::from(from) / f64::from(to);
            let j = pos.floor() as usize;
            let frac = (pos - j as f64) as f32;
            let a = samples.get(j).copied().unwrap_or(0.0);
            let b = samples.get(j + 1).copied().unwrap_or(0.0);
            a + (b - a) * frac
        })
        .collect()
}

/// Scale between 16-bit clip samples and floats.
pub const CLIP_SCALE: f32 = 1.0 / 32768.0;

/// Clips of a pack decoded at one output rate, by the pack's clip index.
///
/// Samples are kept as 16 bits (`× CLIP_SCALE` gives the level): clips are 16-bit
/// recordings and the output is 16 bits, and it halves the memory, which otherwise
/// grows with how many different clips a long session uses.
#[derive(Debug, Clone, Default)]
pub struct ClipBank {
    clips: Vec<Option<Arc<[i16]>>>,
}

/// Quantizes float samples to the bank's 16 bits (rounding, saturating).
pub fn to_clip_samples(samples: &[f32]) -> Arc<[i16]> {
    samples
        .iter()
        .map(|x| (x * 32768.0).round().clamp(-32768.0, 32767.0) as i16)
        .collect()
}

impl ClipBank {
    /// An empty bank for a pack of `len` clips.
    pub fn with_len(len: usize) -> Self {
        ClipBank {
            clips: vec![None; len],
        }
    }

    /// Stores the samples of clip `index`.
    pub fn set(&mut self, index: usize, samples: Arc<[i16]>) {
        if index >= self.clips.len() {
            self.clips.resize(index + 1, None);
        }
        self.clips[index] = Some(samples);
    }

    /// The samples of clip `index`, if loaded.
    pub fn get(&self, index: usize) -> Option<&Arc<[i16]>> {
        self.clips.get(index).and_then(Option::as_ref)
    }
}
