//! Encoders: mono `f32` samples in, one tagged audio file out, in constant memory.
//!
//! Each encoder writes to the open handle of an [`AtomicFile`](crate::output::AtomicFile)
//! as samples arrive; [`AudioEncoder::finish`] completes the file and returns the
//! handle, after which the caller commits it. Tags and chapters come first (they are
//! known before the first sample), so a player reading the file from the start sees
//! them at once.

use std::fs::File;
use std::io::{self, BufWriter, Write};
#[cfg(feature = "mp3")]
use std::io::{Seek, SeekFrom};
use std::num::{NonZeroU8, NonZeroU32};

use super::Format;
use super::tags::Tags;
use crate::output::wav::write_pcm16;

/// Bytes buffered between the encoder and the file.
const WRITE_BUFFER: usize = 1 << 18;

/// Why encoding failed.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    /// Writing the file failed.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// LAME refused a setting.
    #[cfg(feature = "mp3")]
    #[error("LAME rejected {setting}: {error}")]
    LameSetting {
        /// Which setting.
        setting: &'static str,
        /// What LAME said (it implements Display only, so it is no `source`).
        error: mp3lame_encoder::BuildError,
    },
    /// LAME could not allocate its encoder.
    #[error("LAME is out of memory")]
    LameMemory,
    /// LAME failed while encoding.
    #[cfg(feature = "mp3")]
    #[error("LAME: {0}")]
    Lame(mp3lame_encoder::EncodeError),
    /// This binary has no MP3 encoder.
    #[error("this rustig was built without MP3 support")]
    NoMp3,
    /// The Vorbis encoder failed.
    #[error("the Vorbis encoder failed")]
    Vorbis(#[source] vorbis_rs::VorbisError),
    /// A WAV file holds at most 4 GiB.
    #[error("{bytes} bytes of audio do not fit in a WAV file (at most 4 GiB)")]
    TooLarge {
        /// Bytes the file would need.
        bytes: u64,
    },
}

/// One audio file being written. Feed it mono samples in -1.0..=1.0, then finish.
pub trait AudioEncoder {
    /// Encodes the next samples.
    fn write(&mut self, samples: &[f32]) -> Result<(), EncodeError>;
    /// Completes the file (trailing frames, headers that depend on the length) and
    /// returns the handle, flushed.
    fn finish(self: Box<Self>) -> Result<File, EncodeError>;
}

/// The MP3 encoder's settings: LAME's `-V 4` (VBR, `mtrh` mode, algorithm quality
/// 5), mono. On the default program this averages under 40 kbit/s (speech, clicks
/// and much silence) at several hundred times real time per core; CBR 96 kbit/s
/// was 2.5 times larger and no faster, and other algorithm qualities changed the
/// speed by less than the noise between runs.
#[cfg(feature = "mp3")]
pub const MP3_SETTINGS: &str = "mp3 mono vbr-mtrh V4 q5";
/// The settings of a streamable MP3 (`Options::streamable`, for `serve`): a constant
/// 64 kbit/s and no Xing/Info frame, so no byte depends on the end and the file can
/// be sent while it is encoded; a player finds its length and seek positions from
/// the size alone. It loses LAME's gapless note (the encoder's delay of about 25 ms
/// stays at the start) and is larger than the VBR file.
#[cfg(feature = "mp3")]
pub const MP3_STREAM_SETTINGS: &str = "mp3 mono cbr 64 kbit/s no-info q5";
/// The Vorbis encoder's quality (-0.2..=1.0): speech and clicks need little.
pub const VORBIS_QUALITY: f32 = 0.3;

/// Every setting that shapes the bytes of a file in `format` at `rate`, for the
/// content hash. `streamable`: see `Options::streamable`.
pub fn settings(format: Format, rate: u32, streamable: bool) -> String {
    match format {
        #[cfg(feature = "mp3")]
        Format::Mp3 if streamable => {
            format!("{MP3_STREAM_SETTINGS} {rate} Hz lame {}", lame_version())
        }
        #[cfg(feature = "mp3")]
        Format::Mp3 => format!("{MP3_SETTINGS} {rate} Hz lame {}", lame_version()),
        #[cfg(not(feature = "mp3"))]
        Format::Mp3 => format!("mp3 unavailable {rate}"),
        Format::Ogg => format!("ogg vorbis mono q{VORBIS_QUALITY} {rate} Hz"),
        Format::Wav => format!("wav pcm16 mono {rate} Hz"),
    }
}

#[cfg(feature = "mp3")]
fn lame_version() -> String {
    mp3lame_encoder::mp3lame_version().into_owned()
}

/// Creates the encoder for `format`, writing the header and tags to `file` at once.
/// `frames` is the exact number of frames that will be written (WAV needs it up
/// front). `streamable`: an MP3 whose bytes are final as they are written.
pub fn create(
    format: Format,
    file: File,
    rate: u32,
    frames: u64,
    tags: &Tags,
    streamable: bool,
) -> Result<Box<dyn AudioEncoder>, EncodeError> {
    match format {
        #[cfg(feature = "mp3")]
        Format::Mp3 => Ok(Box::new(Mp3::create(file, rate, tags, streamable)?)),
        #[cfg(not(feature = "mp3"))]
        Format::Mp3 => {
            let _ = (file, rate, frames, tags, streamable);
            Err(EncodeError::NoMp3)
        }
        Format::Ogg => Ok(Box::new(Ogg::create(file, rate, tags)?)),
        Format::Wav => Ok(Box::new(Wav::create(file, rate, frames, tags)?)),
    }
}

/// Whether `format` can be written at `rate`; the message says which rates can.
pub fn check_rate(format: Format, rate: u32) -> Result<(), String> {
    match format {
        Format::Mp3 => {
            const RATES: [u32; 9] = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];
            if RATES.contains(&rate) {
                Ok(())
            } else {
                Err(format!(
                    "MP3 cannot store {rate} Hz; use one of 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100 or 48000"
                ))
            }
        }
        Format::Ogg => {
            let tags = Tags::default();
            match vorbis_builder(io::sink(), rate, &tags).and_then(|mut b| b.build()) {
                Ok(_) => Ok(()),
                Err(_) => Err(format!(
                    "Ogg Vorbis cannot encode {rate} Hz; use a common rate such as 22050, 44100 or 48000"
                )),
            }
        }
        Format::Wav => {
            if (8000..=192_000).contains(&rate) {
                Ok(())
            } else {
                Err(format!("{rate} Hz is not in 8000..=192000"))
            }
        }
    }
}

/// MP3 through LAME: an ID3v2 tag, then LAME's Xing/Info frame (rewritten at the
/// end with the real length, encoder delay and padding, so players cut the
/// encoder's silence and play gaplessly), then the audio frames. Streamable: the tag,
/// then frames at a constant bit rate, nothing rewritten.
#[cfg(feature = "mp3")]
struct Mp3 {
    lame: mp3lame_encoder::Encoder,
    out: BufWriter<File>,
    buf: Vec<u8>,
    /// Where LAME's first frame (the Xing/Info frame) starts, if it writes one.
    info_at: Option<u64>,
}

#[cfg(feature = "mp3")]
impl Mp3 {
    fn create(file: File, rate: u32, tags: &Tags, streamable: bool) -> Result<Mp3, EncodeError> {
        use mp3lame_encoder::{Builder, Mode, Quality, VbrMode};
        let lame_err = |setting: &'static str, error| EncodeError::LameSetting { setting, error };
        let mut b = Builder::new().ok_or(EncodeError::LameMemory)?;
        b.set_num_channels(1).map_err(|e| lame_err("mono", e))?;
        b.set_sample_rate(rate)
            .map_err(|e| lame_err("the sample rate", e))?;
        b.set_output_sample_rate(NonZeroU32::new(rate))
            .map_err(|e| lame_err("the sample rate", e))?;
        b.set_mode(Mode::Mono).map_err(|e| lame_err("mono", e))?;
        if streamable {
            b.set_vbr_mode(VbrMode::Off)
                .map_err(|e| lame_err("CBR", e))?;
            b.set_brate(mp3lame_encoder::Bitrate::Kbps64)
                .map_err(|e| lame_err("the bit rate", e))?;
        } else {
            b.set_vbr_mode(VbrMode::Mtrh)
                .map_err(|e| lame_err("VBR", e))?;
            b.set_vbr_quality(Quality::Nice)
                .map_err(|e| lame_err("the VBR quality", e))?;
        }
        b.set_quality(Quality::Good)
            .map_err(|e| lame_err("the quality", e))?;
        b.set_to_write_vbr_tag(!streamable)
            .map_err(|e| lame_err("the Xing tag", e))?;
        let lame = b.build().map_err(|e| lame_err("the settings", e))?;
        let mut out = BufWriter::with_capacity(WRITE_BUFFER, file);
        let id3 = tags.id3();
        out.write_all(&id3)?;
        Ok(Mp3 {
            lame,
            out,
            buf: Vec::new(),
            info_at: (!streamable).then_some(id3.len() as u64),
        })
    }
}

#[cfg(feature = "mp3")]
impl AudioEncoder for Mp3 {
    fn write(&mut self, samples: &[f32]) -> Result<(), EncodeError> {
        self.buf.clear();
        self.buf
            .reserve(mp3lame_encoder::max_required_buffer_size(samples.len()));
        self.lame
            .encode_to_vec(mp3lame_encoder::MonoPcm(samples), &mut self.buf)
            .map_err(EncodeError::Lame)?;
        self.out.write_all(&self.buf)?;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<File, EncodeError> {
        self.buf.clear();
        self.buf
            .reserve(mp3lame_encoder::max_required_buffer_size(0));
        self.lame
            .flush_to_vec::<mp3lame_encoder::FlushGap>(&mut self.buf)
            .map_err(EncodeError::Lame)?;
        self.out.write_all(&self.buf)?;
        // The Xing/Info frame LAME wrote first is a placeholder of the same size.
        if let Some(info_at) = self.info_at {
            let mut info = Vec::with_capacity(self.lame.lame_tag_size().max(1));
            if self.lame.lame_tag_encode_to_vec(&mut info).is_some() {
                self.out.seek(SeekFrom::Start(info_at))?;
                self.out.write_all(&info)?;
            }
        }
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok(file)
    }
}

/// Ogg Vorbis (aoTuV libvorbis) with Vorbis comments. The stream serial comes from
/// the content hash, so the same inputs give the same bytes.
struct Ogg {
    enc: vorbis_rs::VorbisEncoder<BufWriter<File>>,
}

fn vorbis_builder<W: Write>(
    sink: W,
    rate: u32,
    tags: &Tags,
) -> Result<vorbis_rs::VorbisEncoderBuilder<W>, vorbis_rs::VorbisError> {
    let rate = NonZeroU32::new(rate).unwrap_or(NonZeroU32::MIN);
    let serial = u32::from_str_radix(tags.hash.get(..8).unwrap_or("0"), 16)
        .map(|u| u as i32)
        .unwrap_or(0x7275_7374);
    let mut b =
        vorbis_rs::VorbisEncoderBuilder::new_with_serial(rate, NonZeroU8::MIN, sink, serial);
    b.bitrate_management_strategy(vorbis_rs::VorbisBitrateManagementStrategy::QualityVbr {
        target_quality: VORBIS_QUALITY,
    });
    b.comment_tags(tags.vorbis_comments())?;
    Ok(b)
}

fn vorbis_err(e: vorbis_rs::VorbisError) -> EncodeError {
    match e {
        vorbis_rs::VorbisError::Io(e) => EncodeError::Io(e),
        e => EncodeError::Vorbis(e),
    }
}

impl Ogg {
    fn create(file: File, rate: u32, tags: &Tags) -> Result<Ogg, EncodeError> {
        let out = BufWriter::with_capacity(WRITE_BUFFER, file);
        let enc = vorbis_builder(out, rate, tags)
            .and_then(|mut b| b.build())
            .map_err(vorbis_err)?;
        Ok(Ogg { enc })
    }
}

impl AudioEncoder for Ogg {
    fn write(&mut self, samples: &[f32]) -> Result<(), EncodeError> {
        self.enc.encode_audio_block([samples]).map_err(vorbis_err)
    }

    fn finish(self: Box<Self>) -> Result<File, EncodeError> {
        let out = self.enc.finish().map_err(vorbis_err)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        Ok(file)
    }
}

/// 16-bit PCM WAV: `fmt `, then tags, cue points and labels, then `data`. The length
/// is known before the first sample, so every header is final from the start.
struct Wav {
    out: BufWriter<File>,
    pcm: Vec<i16>,
    left: u64,
}

/// The header of a tagged 16-bit mono WAV file of `frames` frames, up to and
/// including the `data` chunk's header: render's header with the tags' LIST/INFO and
/// cue chunks.
pub(crate) fn tagged_wav_header(
    rate: u32,
    frames: u64,
    tags: &Tags,
) -> Result<Vec<u8>, EncodeError> {
    let chunks = tags.riff_chunks(rate);
    crate::output::wav_header(rate, 1, frames, &chunks).ok_or(EncodeError::TooLarge {
        bytes: 44 + chunks.len() as u64 + frames * 2,
    })
}

impl Wav {
    fn create(file: File, rate: u32, frames: u64, tags: &Tags) -> Result<Wav, EncodeError> {
        let header = tagged_wav_header(rate, frames, tags)?;
        let mut out = BufWriter::with_capacity(WRITE_BUFFER, file);
        out.write_all(&header)?;
        Ok(Wav {
            out,
            pcm: Vec::new(),
            left: frames,
        })
    }
}

impl AudioEncoder for Wav {
    fn write(&mut self, samples: &[f32]) -> Result<(), EncodeError> {
        let n = samples
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        write_pcm16(&mut self.out, &samples[..n], 1, &mut self.pcm)?;
        self.left -= n as u64;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<File, EncodeError> {
        // The header promised `frames`; pad with silence should fewer have come.
        while self.left > 0 {
            let n = self.left.min(4096) as usize;
            self.out.write_all(&vec![0u8; n * 2])?;
            self.left -= n as u64;
        }
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok(file)
    }
}
