//! Decoding clip WAV files and resampling them once to the output rate.

use std::sync::Arc;

use rubato::audioadapter::Adapter;
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

/// Why a clip could not be turned into samples.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The file could not be read.
    #[error("cannot read clip file `{0}`: {1}")]
    Io(String, #[source] std::io::Error),
    /// The file is not a WAV file hound can read.
    #[error("cannot decode `{file}`: {source}")]
    Wav {
        /// The clip file.
        file: String,
        /// What hound said.
        #[source]
        source: hound::Error,
    },
}

impl DecodeError {
    /// Names the file in a decoding error.
    pub fn in_file(self, file: &str) -> DecodeError {
        match self {
            DecodeError::Wav { source, .. } => DecodeError::Wav {
                file: file.to_owned(),
                source,
            },
            other => other,
        }
    }
}

/// Decodes a WAV file (8/16/24/32-bit integer or 32-bit float, any channel count) to
/// mono f32 samples and its sample rate. Channels are averaged.
pub fn decode_wav(bytes: &[u8]) -> Result<(Vec<f32>, u32), DecodeError> {
    let wav = |source| DecodeError::Wav {
        file: String::new(),
        source,
    };
    let mut reader = hound::WavReader::new(std::io::Cursor::new(bytes)).map_err(wav)?;
    let spec = reader.spec();
    let channels = usize::from(spec.channels.max(1));
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .samples::<f32>()
            .collect::<Result<_, _>>()
            .map_err(wav)?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()
                .map_err(wav)?
        }
    };
    let mono = if channels == 1 {
        interleaved
    } else {
        interleaved
            .chunks_exact(channels)
            .map(|f| f.iter().sum::<f32>() / channels as f32)
            .collect()
    };
    Ok((mono, spec.sample_rate))
}

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
        Some(out) => (0..out.frames())
            .map(|i| out.read_sample(0, i).unwrap_or(0.0))
            .collect(),
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
