//! `render`: a timeline to a 16-bit PCM WAV file, with optional stems.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::AtomicFile;
use crate::mix::{Layer, Limiter, Mixer, Sounds};
use crate::timeline::Timeline;

/// Frames mixed and written per step.
const BLOCK_FRAMES: usize = 8192;

/// How to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Sample rate, 8000..=192000.
    pub rate: u32,
    /// 1 or 2.
    pub channels: u16,
    /// Also write `metronome.wav`, `voice.wav` and `tones.wav` here.
    pub stems: Option<PathBuf>,
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderSummary {
    /// Frames per file.
    pub frames: u64,
    /// Files written, main output first.
    pub files: Vec<PathBuf>,
}

/// Why a render failed. Nothing was left behind in any case.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Creating, writing or renaming a file failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// hound refused the data.
    #[error("cannot write {path}: {source}")]
    Wav {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: hound::Error,
    },
    /// The WAV format cannot hold this much audio.
    #[error("the session is too long for one WAV file at {rate} Hz with {channels} channel(s) ({bytes} bytes; WAV holds at most 4 GiB)")]
    TooLarge {
        /// Sample rate asked for.
        rate: u32,
        /// Channels asked for.
        channels: u16,
        /// Bytes the data would need.
        bytes: u64,
    },
    /// The user interrupted the render.
    #[error("interrupted; no file was written")]
    Interrupted,
}

struct WavOut {
    file: AtomicFile,
    writer: hound::WavWriter<BufWriter<File>>,
}

impl WavOut {
    fn create(path: &Path, rate: u32, channels: u16) -> Result<WavOut, RenderError> {
        let io = |source| RenderError::Io { path: path.to_path_buf(), source };
        let (file, handle) = AtomicFile::create(path).map_err(io)?;
        let spec = hound::WavSpec { channels, sample_rate: rate, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
        let writer = hound::WavWriter::new(BufWriter::with_capacity(1 << 20, handle), spec)
            .map_err(|source| RenderError::Wav { path: path.to_path_buf(), source })?;
        Ok(WavOut { file, writer })
    }

    /// Writes interleaved samples (already limited) as 16-bit PCM.
    fn write(&mut self, samples: &[f32], repeat: usize) -> Result<(), RenderError> {
        let mut w = self.writer.get_i16_writer((samples.len() * repeat) as u32);
        for &x in samples {
            let s = to_i16(x);
            for _ in 0..repeat {
                w.write_sample(s);
            }
        }
        w.flush().map_err(|source| RenderError::Wav { path: self.file.target().to_path_buf(), source })
    }

    fn finish(self) -> Result<(), RenderError> {
        let path = self.file.target().to_path_buf();
        self.writer.finalize().map_err(|source| RenderError::Wav { path: path.clone(), source })?;
        self.file.commit().map_err(|source| RenderError::Io { path, source })
    }
}

/// Rounds a sample to 16 bits (saturating). Written without `f32::round`, which is a
/// library call on baseline x86-64 and dominated the render time.
#[inline]
pub fn to_i16(x: f32) -> i16 {
    let y = x.clamp(-1.0, 1.0) * 32767.0;
    (y + 0.5f32.copysign(y)) as i16
}

/// Renders `timeline` to `out` (and stems), atomically. `cancel` is polled between
/// blocks; when it is set, the render stops and leaves no file.
pub fn render_wav(
    timeline: &Timeline,
    sounds: &Sounds,
    out: &Path,
    options: &RenderOptions,
    cancel: &AtomicBool,
    mut progress: impl FnMut(u64, u64),
) -> Result<RenderSummary, RenderError> {
    let channels = options.channels.clamp(1, 2);
    let mut mixer = Mixer::new(timeline, sounds, usize::from(channels), BLOCK_FRAMES);
    let frames = mixer.length();
    let bytes = frames * u64::from(channels) * 2;
    if bytes > u64::from(u32::MAX) - 64 {
        return Err(RenderError::TooLarge { rate: options.rate, channels, bytes });
    }
    let mut main = WavOut::create(out, sounds.rate, channels)?;
    let mut stems = Vec::new();
    if let Some(dir) = &options.stems {
        std::fs::create_dir_all(dir).map_err(|source| RenderError::Io { path: dir.clone(), source })?;
        for (name, layer) in [("metronome.wav", Layer::Metronome), ("voice.wav", Layer::Voice), ("tones.wav", Layer::Tones)] {
            let path = dir.join(name);
            stems.push((WavOut::create(&path, sounds.rate, channels)?, layer, Limiter::new(sounds.rate)));
        }
    }
    let mut buf = vec![0.0f32; BLOCK_FRAMES * usize::from(channels)];
    let mut mono = vec![0.0f32; BLOCK_FRAMES];
    let mut done = 0u64;
    while done < frames {
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        let n = (frames - done).min(BLOCK_FRAMES as u64) as usize;
        // The mixer duplicates mono into every channel; write from mono for speed.
        mixer.process(&mut buf[..n * usize::from(channels)]);
        for (m, frame) in mono[..n].iter_mut().zip(buf.chunks_exact(usize::from(channels))) {
            *m = frame[0];
        }
        main.write(&mono[..n], usize::from(channels))?;
        for (stem, layer, limiter) in &mut stems {
            for (m, &x) in mono[..n].iter_mut().zip(mixer.last_layer(*layer, n)) {
                *m = limiter.apply(x);
            }
            stem.write(&mono[..n], usize::from(channels))?;
        }
        done += n as u64;
        progress(done, frames);
    }
    let mut files = vec![out.to_path_buf()];
    main.finish()?;
    for (stem, _, _) in stems {
        files.push(stem.file.target().to_path_buf());
        stem.finish()?;
    }
    Ok(RenderSummary { frames, files })
}
