//! `render`: a timeline to a 16-bit PCM WAV file, with optional stems.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::AtomicFile;
use super::blocks::{BLOCK_FRAMES, Stopped, mix_to_end};
use super::writer::{WriteFailed, Writer};
use crate::mix::{ClipWindow, Layer, Limiter, Mixer, Sounds};
use std::sync::Arc;

use crate::timeline::Timeline;

/// The files `--stems` writes into its folder, one per layer of the mix.
pub const STEMS: [(&str, Layer); 3] = [
    ("metronome.wav", Layer::Metronome),
    ("voice.wav", Layer::Voice),
    ("tones.wav", Layer::Tones),
];

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

/// A 16-bit PCM WAV file being written: its temporary file and the samples gathered
/// for the writer thread.
///
/// The 44-byte header is written by hand instead of through hound's per-sample
/// writer: the length is known before the first sample, so the header is final from
/// the start, and converting a block at once is several times faster, which is most
/// of a render's time. A test checks the header against hound's.
struct WavOut {
    file: AtomicFile,
    /// Samples not yet handed to the writer (a buffer of [`BUFFER_FRAMES`] frames).
    pending: Vec<i16>,
    /// The stem's layer and limiter; none for the main output.
    stem: Option<(Layer, Limiter)>,
}

/// Frames per buffer handed to the writer thread: 16 mixer blocks, so each write is
/// large (256 KiB in mono) and the few buffers in flight stay small.
const BUFFER_FRAMES: usize = 16 * BLOCK_FRAMES;

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

/// Appends mono samples to `pcm` as 16-bit PCM, each repeated over `channels`, in
/// little-endian byte order whatever the machine's (WAV is little-endian), so that
/// `pcm`'s memory is the file's bytes.
pub fn pcm16_into(samples: &[f32], channels: usize, pcm: &mut Vec<i16>) {
    let from = pcm.len();
    pcm.resize(from + samples.len() * channels, 0);
    let pcm = &mut pcm[from..];
    if channels == 1 {
        for (p, &x) in pcm.iter_mut().zip(samples) {
            *p = to_i16(x).to_le();
        }
    } else {
        for (frame, &x) in pcm.chunks_exact_mut(channels).zip(samples) {
            frame.fill(to_i16(x).to_le());
        }
    }
}

/// Writes mono samples as 16-bit little-endian PCM, each repeated over `channels`;
/// `pcm` is scratch kept by the caller so nothing is allocated per block. Used by
/// export's WAV encoder.
pub fn write_pcm16(
    out: &mut impl Write,
    samples: &[f32],
    channels: usize,
    pcm: &mut Vec<i16>,
) -> std::io::Result<()> {
    pcm.clear();
    pcm16_into(samples, channels, pcm);
    out.write_all(bytemuck::cast_slice(pcm))
}

impl WavOut {
    /// Creates the temporary file of `path` and writes `header`; the file goes to the
    /// writer thread.
    fn create(path: &Path, header: &[u8]) -> Result<(WavOut, File), RenderError> {
        let (file, mut handle) = AtomicFile::create(path).map_err(|source| RenderError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        handle.write_all(header).map_err(|source| RenderError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let out = WavOut {
            file,
            pending: Vec::new(),
            stem: None,
        };
        Ok((out, handle))
    }
}

/// The files of a render and the thread that writes them.
struct Outputs {
    outs: Vec<WavOut>,
    /// The files' target paths, for errors.
    paths: Vec<PathBuf>,
    writer: Writer,
    channels: usize,
}

impl Outputs {
    /// Adds one block: the main output's samples and, for each stem, its layer of the
    /// block, limited. A file's buffer goes to the writer when the next block would not
    /// fit in it.
    fn add(&mut self, mixer: &Mixer, block: &[f32], mono: &mut [f32]) -> Result<(), RenderError> {
        let n = block.len();
        let capacity = BUFFER_FRAMES * self.channels;
        for (index, out) in self.outs.iter_mut().enumerate() {
            if out.pending.len() + n * self.channels > capacity {
                let full = std::mem::take(&mut out.pending);
                self.writer
                    .send(index, full)
                    .and_then(|()| self.writer.buffer())
                    .map(|buf| out.pending = buf)
                    .map_err(|e| failed(&self.paths, e))?;
            }
            let samples = match &mut out.stem {
                None => block,
                Some((layer, limiter)) => {
                    for (m, &x) in mono[..n].iter_mut().zip(mixer.last_layer(*layer, n)) {
                        *m = limiter.apply(x);
                    }
                    &mono[..n]
                }
            };
            pcm16_into(samples, self.channels, &mut out.pending);
        }
        Ok(())
    }
}

/// A writer thread's failure as the error of the file it was writing.
fn failed(paths: &[PathBuf], (index, source): WriteFailed) -> RenderError {
    RenderError::Io {
        path: paths.get(index).cloned().unwrap_or_default(),
        source,
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
    let (main, handle) = WavOut::create(out, &header)?;
    let mut outs = vec![main];
    let mut handles = vec![handle];
    if let Some(dir) = &options.stems {
        std::fs::create_dir_all(dir).map_err(|source| RenderError::Io {
            path: dir.clone(),
            source,
        })?;
        for (name, layer) in STEMS {
            let (mut stem, handle) = WavOut::create(&dir.join(name), &header)?;
            stem.stem = Some((layer, Limiter::new(sounds.rate)));
            outs.push(stem);
            handles.push(handle);
        }
    }
    let channels = usize::from(channels);
    // One buffer filling per file, and as many again on their way to the disk or
    // back, plus two so the mixer rarely waits.
    let buffers = 2 * outs.len() + 2;
    let mut writer =
        Writer::spawn(handles, buffers, BUFFER_FRAMES * channels).map_err(|source| {
            RenderError::Io {
                path: out.to_path_buf(),
                source,
            }
        })?;
    for o in &mut outs {
        o.pending = writer
            .buffer()
            .map_err(|e| failed(&[out.to_path_buf()], e))?;
    }
    let paths: Vec<PathBuf> = outs.iter().map(|o| o.file.target().to_path_buf()).collect();
    let mut outputs = Outputs {
        outs,
        paths,
        writer,
        channels,
    };
    let mut mono = vec![0.0f32; BLOCK_FRAMES];
    let mut done = 0u64;
    let load = |mixer: &mut Mixer, upto: u64| match &mut window {
        Some(w) => w.advance(mixer, upto).map_err(RenderError::Clips),
        None => Ok(()),
    };
    mix_to_end(&mut mixer, cancel, load, |mixer, block| {
        outputs.add(mixer, block, &mut mono)?;
        done += block.len() as u64;
        progress(done, frames);
        Ok(())
    })
    .map_err(|stop| match stop {
        Stopped::Interrupted => RenderError::Interrupted,
        Stopped::Sink(e) => e,
    })?;
    let Outputs {
        outs,
        paths,
        mut writer,
        ..
    } = outputs;
    let mut files = Vec::with_capacity(outs.len());
    for (index, o) in outs.into_iter().enumerate() {
        if !o.pending.is_empty() {
            writer
                .send(index, o.pending)
                .map_err(|e| failed(&paths, e))?;
        }
        files.push(o.file);
    }
    // Everything is written once the thread gives the files back; then each is synced
    // and renamed into place as before.
    let handles = writer.finish().map_err(|e| failed(&paths, e))?;
    drop(handles);
    for (file, path) in files.into_iter().zip(&paths) {
        file.commit().map_err(|source| RenderError::Io {
            path: path.clone(),
            source,
        })?;
    }
    Ok(RenderSummary {
        frames,
        files: paths,
    })
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
