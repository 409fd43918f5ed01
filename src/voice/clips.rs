//! Resampling decoded clips once to the output rate, and the bank that holds them.

use std::sync::Arc;

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler};

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
    samples.iter().map(|&x| to_clip_sample(x)).collect()
}

/// One float sample in the bank's 16 bits (rounding, saturating).
fn to_clip_sample(x: f32) -> i16 {
    (x * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}

/// [`to_clip_samples`] of [`resample`], the same samples, without holding the
/// resampled clip as floats: rubato's chunks are quantized as they come out. Half the
/// memory of the two steps (a 6-second clip at 44.1 kHz: 0.5 MB instead of 1.6 MB
/// with its input), which counts when clips are decoded on several threads.
pub fn resample_to_clip(samples: &[f32], from: u32, to: u32) -> Vec<i16> {
    if from == to || samples.is_empty() {
        return samples.iter().map(|&x| to_clip_sample(x)).collect();
    }
    match resample_chunks(samples, from, to) {
        Some(out) => out,
        None => linear(samples, from, to)
            .into_iter()
            .map(to_clip_sample)
            .collect(),
    }
}

/// What rubato's `process_all` does, call for call (whole chunks, the last partial
/// one, then zeros until the delay and the expected length are out), with each
/// chunk's output quantized instead of kept: the same calls give the same samples.
fn resample_chunks(samples: &[f32], from: u32, to: u32) -> Option<Vec<i16>> {
    let input = InterleavedSlice::new(samples, 1, samples.len()).ok()?;
    let mut r = Fft::<f32>::new(from as usize, to as usize, 1024, 1, FixedSync::Both).ok()?;
    let expected = (r.resample_ratio() * samples.len() as f64).ceil() as usize;
    let delay = r.output_delay();
    let mut chunk = vec![0.0f32; r.output_frames_max()];
    let mut out = Vec::with_capacity(expected);
    // Frames out of the resampler so far, the delay included.
    let mut produced = 0;
    let mut call = |r: &mut Fft<f32>, indexing: &Indexing| -> Option<(usize, usize)> {
        let len = chunk.len();
        let mut buf = InterleavedSlice::new_mut(&mut chunk, 1, len).ok()?;
        let (nbr_in, nbr_out) = r
            .process_into_buffer(&input, &mut buf, Some(indexing))
            .ok()?;
        for (k, &x) in chunk[..nbr_out].iter().enumerate() {
            if produced + k >= delay && out.len() < expected {
                out.push(to_clip_sample(x));
            }
        }
        produced += nbr_out;
        Some((nbr_in, produced))
    };
    let mut indexing = Indexing {
        input_offset: 0,
        output_offset: 0,
        active_channels_mask: None,
        partial_len: None,
    };
    let mut left = samples.len();
    let per_call = r.input_frames_next();
    let mut out_so_far = 0;
    while left > per_call {
        let nbr_in;
        (nbr_in, out_so_far) = call(&mut r, &indexing)?;
        left -= nbr_in;
        indexing.input_offset += nbr_in;
    }
    if left > 0 {
        indexing.partial_len = Some(left);
        (_, out_so_far) = call(&mut r, &indexing)?;
    }
    indexing.partial_len = Some(0);
    while out_so_far < expected + delay {
        (_, out_so_far) = call(&mut r, &indexing)?;
    }
    Some(out)
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

#[cfg(test)]
mod test {
    use super::*;

    /// Chunk by chunk gives exactly the samples of resampling whole and quantizing,
    /// for clips shorter than a chunk, on chunk boundaries and long, up and down.
    #[test]
    fn resample_to_clip_is_resample_then_to_clip_samples() {
        for (from, to) in [
            (22050, 44100),
            (44100, 48000),
            (48000, 44100),
            (16000, 44100),
            (44100, 22050),
        ] {
            for len in [1, 7, 1023, 1024, 1025, 2048, 4999, 60_000] {
                // A chirp with a little noise, loud enough to saturate now and then.
                let mut seed = 1u32;
                let samples: Vec<f32> = (0..len)
                    .map(|i| {
                        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                        let t = i as f32 / from as f32;
                        1.05 * (t * t * 4000.0).sin() + (seed >> 16) as f32 / 65536.0 * 0.01
                    })
                    .collect();
                let whole = to_clip_samples(&resample(&samples, from, to));
                let chunked = resample_to_clip(&samples, from, to);
                assert_eq!(chunked.len(), whole.len(), "{from}->{to}, {len} frames");
                assert!(chunked[..] == whole[..], "{from}->{to}, {len} frames");
            }
        }
    }
}
