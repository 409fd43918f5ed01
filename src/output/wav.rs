//! `render`: a timeline to a 16-bit PCM WAV file, with optional stems.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::AtomicFile;
use super::blocks::{BLOCK_FRAMES, Stopped, mix_to_end};
use crate::mix::{ClipWindow, Layer, Limiter, Mixer, Sounds};
use std::sync::Arc;

use crate::timeline::Timeline;

/// How to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
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
    #[error("cannot write {path}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The WAV format cannot hold this much audio.
    #[error(
        "the session is too long for one WAV file at {rate} Hz with {channels} channel(s) ({bytes} bytes; WAV holds at most 4 GiB); use a lower --rate, --channels 1, or `rustig export` to MP3"
    )]
    TooLarge {
        /// Sample rate asked for.
        rate: u32,
        /// Channels asked for.
        channels: u16,
        /// Bytes the data would need.
        bytes: u64,
    },
    /// A clip could not be decoded while rendering.
    #[error("cannot load the voice clips")]
    Clips(#[source] crate::voice::DecodeError),
    /// The user interrupted the render.
    #[error("interrupted; no file was written")]
    Interrupted,
}

/// A 16-bit PCM WAV file being written.
///
/// The 44-byte header is written by hand instead of through hound's per-sample
/// writer: the length is known before the first sample, so the header is final from
/// the start, and converting a block at once is several times faster, which is most
/// of a render's time. A test checks the header against hound's.
struct WavOut {
    file: AtomicFile,
    writer: BufWriter<File>,
    pcm: Vec<i16>,
}

/// The header of a 16-bit PCM WAV file of `frames` frames, up to and including the
/// `data` chunk's header. `chunks` (complete RIFF chunks, such as export's LIST/INFO
/// and cue chunks) go between `fmt ` and `data`; with none it is the canonical
/// 44 bytes. `None` when the file would pass the format's 4 GiB.
pub fn wav_header(rate: u32, channels: u16, frames: u64, chunks: &[u8]) -> Option<Vec<u8>> {
    let data = frames * u64::from(channels) * 2;
    let riff = 4 + (8 + 16) + chunks.len() as u64 + 8 + data;
    let riff32 = u32::try_from(riff).ok()?;
    let mut h = Vec::with_capacity(44 + chunks.len());
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&riff32.to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&(rate * u32::from(channels) * 2).to_le_bytes());
    h.extend_from_slice(&(channels * 2).to_le_bytes());
    h.extend_from_slice(&16u16.to_le_bytes());
    h.extend_from_slice(chunks);
    h.extend_from_slice(b"data");
    h.extend_from_slice(&(data as u32).to_le_bytes());
    Some(h)
}

/// Writes mono samples as 16-bit little-endian PCM, each repeated over `channels`;
/// `pcm` is scratch kept by the caller so nothing is allocated per block. Shared by
/// render and export.
pub fn write_pcm16(
    out: &mut impl Write,
    samples: &[f32],
    channels: usize,
    pcm: &mut Vec<i16>,
) -> std::io::Result<()> {
    pcm.resize(samples.len() * channels, 0);
    if channels == 1 {
        for (p, &x) in pcm.iter_mut().zip(samples) {
            *p = to_i16(x);
        }
    } else {
        for (frame, &x) in pcm.chunks_exact_mut(channels).zip(samples) {
            frame.fill(to_i16(x));
        }
    }
    if cfg!(target_endian = "little") {
        // WAV is little-endian, like the machine: the samples' memory is the file's bytes.
        out.write_all(bytemuck::cast_slice(pcm))
    } else {
        let bytes: Vec<u8> = pcm.iter().flat_map(|s| s.to_le_bytes()).collect();
        out.write_all(&bytes)
    }
}

impl WavOut {
    fn create(path: &Path, header: &[u8]) -> Result<WavOut, RenderError> {
        let io = |source| RenderError::Io {
            path: path.to_path_buf(),
            source,
        };
        let (file, handle) = AtomicFile::create(path).map_err(io)?;
        let mut writer = BufWriter::with_capacity(1 << 20, handle);
        writer.write_all(header).map_err(io)?;
        Ok(WavOut {
            file,
            writer,
            pcm: Vec::new(),
        })
    }

    /// Writes mono samples (already limited) as 16-bit PCM, each repeated over
    /// `channels`.
    fn write(&mut self, samples: &[f32], channels: usize) -> Result<(), RenderError> {
        write_pcm16(&mut self.writer, samples, channels, &mut self.pcm).map_err(|source| {
            RenderError::Io {
                path: self.file.target().to_path_buf(),
                source,
            }
        })
    }

    fn finish(self) -> Result<(), RenderError> {
        let path = self.file.target().to_path_buf();
        let io = |source| RenderError::Io {
            path: path.clone(),
            source,
        };
        let file = self.writer.into_inner().map_err(|e| io(e.into_error()))?;
        drop(file);
        self.file.commit().map_err(io)
    }
}

/// Rounds a sample to 16 bits (to nearest, ties to even; saturating at ±1.0).
///
/// Uses the float trick of adding 1.5·2²³, which leaves the rounded integer in the
/// low mantissa bits: it vectorizes, unlike `f32::round`, a library call on baseline
/// x86-64 that dominated the render time.
#[inline]
pub fn to_i16(x: f32) -> i16 {
    let y = x.clamp(-1.0, 1.0) * 32767.0 + 12_582_912.0;
    (y.to_bits() as i32 - 0x4B40_0000) as i16
}

/// Renders `timeline` to `out` (and stems), atomically, at the rate of `sounds`.
/// With a `window`, `sounds` come from [`Sounds::measure`] and each clip is loaded
/// shortly before it is due, so memory stays the same for a session of any length.
/// `cancel` is polled between blocks; when it is set, the render stops and leaves no
/// file.
pub fn render_wav(
    timeline: &Arc<Timeline>,
    sounds: &Sounds,
    mut window: Option<ClipWindow<'_>>,
    out: &Path,
    options: &RenderOptions,
    cancel: &AtomicBool,
    mut progress: impl FnMut(u64, u64),
) -> Result<RenderSummary, RenderError> {
    let channels = options.channels.clamp(1, 2);
    // The mixer runs mono; the writer spreads each sample over the channels.
    let mut mixer = Mixer::new(Arc::clone(timeline), sounds, 1, BLOCK_FRAMES);
    let frames = mixer.length();
    let header = wav_header(sounds.rate, channels, frames, &[]).ok_or(RenderError::TooLarge {
        rate: sounds.rate,
        channels,
        bytes: frames * u64::from(channels) * 2,
    })?;
    let mut main = WavOut::create(out, &header)?;
    let mut stems = Vec::new();
    if let Some(dir) = &options.stems {
        std::fs::create_dir_all(dir).map_err(|source| RenderError::Io {
            path: dir.clone(),
            source,
        })?;
        for (name, layer) in [
            ("metronome.wav", Layer::Metronome),
            ("voice.wav", Layer::Voice),
            ("tones.wav", Layer::Tones),
        ] {
            let path = dir.join(name);
            stems.push((
                WavOut::create(&path, &header)?,
                layer,
                Limiter::new(sounds.rate),
            ));
        }
    }
    let mut mono = vec![0.0f32; BLOCK_FRAMES];
    let mut done = 0u64;
    let channels = usize::from(channels);
    let load = |mixer: &mut Mixer, upto: u64| match &mut window {
        Some(w) => w.advance(mixer, upto).map_err(RenderError::Clips),
        None => Ok(()),
    };
    mix_to_end(&mut mixer, cancel, load, |mixer, block| {
        let n = block.len();
        main.write(block, channels)?;
        for (stem, layer, limiter) in &mut stems {
            for (m, &x) in mono[..n].iter_mut().zip(mixer.last_layer(*layer, n)) {
                *m = limiter.apply(x);
            }
            stem.write(&mono[..n], channels)?;
        }
        done += n as u64;
        progress(done, frames);
        Ok(())
    })
    .map_err(|stop| match stop {
        Stopped::Interrupted => RenderError::Interrupted,
        Stopped::Sink(e) => e,
    })?;
    let mut files = vec![out.to_path_buf()];
    main.finish()?;
    for (stem, _, _) in stems {
        files.push(stem.file.target().to_path_buf());
        stem.finish()?;
    }
    Ok(RenderSummary { frames, files })
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn header_is_the_one_hound_writes() {
        for (rate, channels, frames) in [(44100, 1, 1000u64), (8000, 2, 3), (192000, 2, 0)] {
            let mut cursor = std::io::Cursor::new(Vec::new());
            let spec = hound::WavSpec {
                channels,
                sample_rate: rate,
                bits_per_sample: 16,
                sample_format: hound::SampleFormat::Int,
            };
            let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
            for _ in 0..frames * u64::from(channels) {
                w.write_sample(0i16).unwrap();
            }
            w.finalize().unwrap();
            assert_eq!(
                &cursor.get_ref()[..44],
                &wav_header(rate, channels, frames, &[]).unwrap()[..]
            );
        }
    }

    #[test]
    fn samples_round_to_nearest_and_saturate() {
        assert_eq!(to_i16(0.0), 0);
        assert_eq!(to_i16(1.0), 32767);
        assert_eq!(to_i16(-1.0), -32767);
        assert_eq!(to_i16(2.0), 32767);
        assert_eq!(to_i16(0.25), 8192);
        assert_eq!(to_i16(-0.6 / 32767.0), -1);
        assert_eq!(to_i16(0.49 / 32767.0), 0);
        assert_eq!(to_i16(-2.0), -32767);
    }
}
