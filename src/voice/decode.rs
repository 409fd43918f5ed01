//! Decoding audio files (clips, click sounds, raw recordings) to mono samples.
//!
//! WAV files hound reads (8/16/24/32-bit integer, 32-bit float) are read with hound;
//! everything else — other WAV codings, FLAC, MP3, Ogg Vorbis, AAC in MP4/M4A — with
//! symphonia. Nothing is trusted: a file larger than [`MAX_FILE_BYTES`] is not read,
//! decoding stops past [`MAX_SECONDS`], a declared length the data does not reach is
//! reported as truncated, a damaged packet as damaged at its time, and every error
//! names the file.

use std::io::Cursor;
use std::path::Path;

use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as MediaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

/// The largest audio file read, in bytes (64 MiB).
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// The longest audio decoded, in seconds.
pub const MAX_SECONDS: u32 = 300;
/// The sample rates accepted, in Hz.
pub const RATES: std::ops::RangeInclusive<u32> = 1000..=384_000;
/// The most channels accepted (they are averaged to mono).
pub const MAX_CHANNELS: usize = 8;

/// Why an audio file could not be turned into samples. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The file could not be read.
    #[error("cannot read clip file `{file}`")]
    Io {
        /// The file.
        file: String,
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },
    /// A WAV file hound rejected.
    #[error("`{file}` cannot be decoded")]
    Wav {
        /// The file.
        file: String,
        /// What hound said.
        #[source]
        source: hound::Error,
    },
    /// A file symphonia could not open or decode.
    #[error("`{file}` cannot be decoded")]
    Media {
        /// The file.
        file: String,
        /// What symphonia said.
        #[source]
        source: MediaError,
    },
    /// No format reader recognizes the file.
    #[error("`{file}` is not audio in a format rustig reads (WAV, FLAC, MP3, Ogg Vorbis, AAC/M4A)")]
    NotAudio {
        /// The file.
        file: String,
    },
    /// An Ogg Opus file: no decoder for it is built in.
    #[error("`{file}` is Opus audio, which rustig cannot decode")]
    Opus {
        /// The file.
        file: String,
    },
    /// Larger than [`MAX_FILE_BYTES`].
    #[error("`{file}` is {bytes} bytes; an audio file may have at most {max} bytes")]
    TooBig {
        /// The file.
        file: String,
        /// Its size.
        bytes: u64,
        /// [`MAX_FILE_BYTES`].
        max: u64,
    },
    /// Longer than [`MAX_SECONDS`].
    #[error("`{file}` lasts more than {max} seconds")]
    TooLong {
        /// The file.
        file: String,
        /// [`MAX_SECONDS`].
        max: u32,
    },
    /// A sample rate outside [`RATES`].
    #[error("`{file}` has a sample rate of {rate} Hz; rustig reads 1000 to 384000 Hz")]
    Rate {
        /// The file.
        file: String,
        /// Its rate (0 when unknown).
        rate: u32,
    },
    /// More than [`MAX_CHANNELS`] channels.
    #[error("`{file}` has {channels} channels; rustig reads at most 8")]
    Channels {
        /// The file.
        file: String,
        /// How many it has.
        channels: usize,
    },
    /// A WAV header whose channel mask cannot place its channels.
    #[error(
        "`{file}` has a WAV header with {channels} channels but a channel mask ({mask:#010x}) that cannot place them"
    )]
    ChannelMask {
        /// The file.
        file: String,
        /// The channels the header claims.
        channels: u16,
        /// The channel mask.
        mask: u32,
    },
    /// No samples at all.
    #[error("`{file}` has no samples")]
    Empty {
        /// The file.
        file: String,
    },
    /// The data ends before the length the file declares.
    #[error("`{file}` is cut short: it declares {declared} samples but holds {found}")]
    Truncated {
        /// The file.
        file: String,
        /// Samples per channel the header declares.
        declared: u64,
        /// Samples per channel found.
        found: u64,
    },
    /// A packet that does not decode.
    #[error("`{file}` is damaged at {seconds:.2} s")]
    Damaged {
        /// The file.
        file: String,
        /// Where, in seconds from the start.
        seconds: f64,
        /// What the decoder said.
        #[source]
        source: MediaError,
    },
}

impl DecodeError {
    /// Names the file in a decoding error.
    pub fn in_file(mut self, name: &str) -> DecodeError {
        match &mut self {
            DecodeError::Io { file, .. }
            | DecodeError::Wav { file, .. }
            | DecodeError::Media { file, .. }
            | DecodeError::Opus { file }
            | DecodeError::NotAudio { file }
            | DecodeError::TooBig { file, .. }
            | DecodeError::TooLong { file, .. }
            | DecodeError::Rate { file, .. }
            | DecodeError::Channels { file, .. }
            | DecodeError::ChannelMask { file, .. }
            | DecodeError::Empty { file }
            | DecodeError::Truncated { file, .. }
            | DecodeError::Damaged { file, .. } => *file = name.to_owned(),
        }
        self
    }

    /// What to do about it, for a message's help line.
    pub fn help(&self) -> &'static str {
        match self {
            DecodeError::Opus { .. } => {
                "convert it, e.g. ffmpeg -i clip.opus clip.flac, or use WAV, FLAC, MP3, Ogg Vorbis or M4A"
            }
            DecodeError::TooBig { .. } | DecodeError::TooLong { .. } => {
                "cut the recording to the part that is said"
            }
            _ => "use a WAV, FLAC, MP3, Ogg Vorbis or AAC/M4A file; re-export or record it again",
        }
    }
}

/// Reads and decodes the audio file at `path` to mono samples and their rate, with
/// the file named as given in errors. The size is checked before anything is read.
pub fn decode_file(path: &Path) -> Result<(Vec<f32>, u32), DecodeError> {
    let name = path.display().to_string();
    let io = |source| DecodeError::Io {
        file: name.clone(),
        source,
    };
    let bytes = match crate::input::read_limited(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(crate::input::InputError::TooLarge { size, .. }) => {
            return Err(DecodeError::TooBig {
                file: name,
                bytes: size.unwrap_or(MAX_FILE_BYTES + 1),
                max: MAX_FILE_BYTES,
            });
        }
        Err(crate::input::InputError::Io { source, .. }) => return Err(io(source)),
        Err(e) => return Err(io(std::io::Error::other(e.reason()))),
    };
    decode(&bytes, &name)
}

/// Decodes the bytes of an audio file named `name` (its extension is a hint for the
/// format; the content decides) to mono samples (channels averaged) and their rate.
pub fn decode(bytes: &[u8], name: &str) -> Result<(Vec<f32>, u32), DecodeError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(DecodeError::TooBig {
            file: name.to_owned(),
            bytes: bytes.len() as u64,
            max: MAX_FILE_BYTES,
        });
    }
    let riff = bytes.len() >= 12 && &bytes[8..12] == b"WAVE";
    let decoded = if riff {
        match hound::WavReader::new(Cursor::new(bytes)) {
            // Codings hound lacks (A-law, ADPCM, 64-bit float…) go to symphonia.
            Err(hound::Error::Unsupported) => decode_media(bytes, name),
            _ => decode_wav(bytes).map_err(|e| e.in_file(name)),
        }
    } else {
        decode_media(bytes, name)
    }?;
    if decoded.0.is_empty() {
        return Err(DecodeError::Empty {
            file: name.to_owned(),
        });
    }
    Ok(decoded)
}

/// Decodes a WAV file (8/16/24/32-bit integer or 32-bit float, any channel count) to
/// mono f32 samples and its sample rate. Channels are averaged. The length and rate
/// are checked against the limits before any sample is read.
pub fn decode_wav(bytes: &[u8]) -> Result<(Vec<f32>, u32), DecodeError> {
    let wav = |source| DecodeError::Wav {
        file: String::new(),
        source,
    };
    let mut reader = hound::WavReader::new(Cursor::new(bytes)).map_err(wav)?;
    let spec = reader.spec();
    let channels = usize::from(spec.channels.max(1));
    check_format(spec.sample_rate, channels, "")?;
    if u64::from(reader.duration()) > u64::from(MAX_SECONDS) * u64::from(spec.sample_rate) {
        return Err(DecodeError::TooLong {
            file: String::new(),
            max: MAX_SECONDS,
        });
    }
    // Room for the samples the header declares, at most as many as the bytes can
    // hold, so the buffer is allocated once (not grown by doubling).
    let bytes_per_sample = usize::from(spec.bits_per_sample.div_ceil(8).max(1));
    let mut interleaved: Vec<f32> =
        Vec::with_capacity((reader.len() as usize).min(bytes.len() / bytes_per_sample));
    match spec.sample_format {
        hound::SampleFormat::Float => {
            for s in reader.samples::<f32>() {
                interleaved.push(s.map_err(wav)?);
            }
        }
        hound::SampleFormat::Int => {
            // A header may claim any width (the fuzzer found 0 and >64 bits, which
            // overflowed the shift below): integer samples are 1 to 32 bits.
            if !(1..=32).contains(&spec.bits_per_sample) {
                return Err(wav(hound::Error::FormatError(
                    "integer samples must have 1 to 32 bits",
                )));
            }
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            for s in reader.samples::<i32>() {
                interleaved.push(s.map_err(wav)? as f32 * scale);
            }
        }
    }
    Ok((mix_down(interleaved, channels), spec.sample_rate))
}

fn check_format(rate: u32, channels: usize, file: &str) -> Result<(), DecodeError> {
    if !RATES.contains(&rate) {
        return Err(DecodeError::Rate {
            file: file.to_owned(),
            rate,
        });
    }
    check_channels(channels, file)
}

fn check_channels(channels: usize, file: &str) -> Result<(), DecodeError> {
    if channels == 0 || channels > MAX_CHANNELS {
        return Err(DecodeError::Channels {
            file: file.to_owned(),
            channels,
        });
    }
    Ok(())
}

fn mix_down(interleaved: Vec<f32>, channels: usize) -> Vec<f32> {
    if channels == 1 {
        return interleaved;
    }
    interleaved
        .chunks_exact(channels)
        .map(|f| f.iter().sum::<f32>() / channels as f32)
        .collect()
}

/// Decodes any format symphonia knows: the default audio track, packet by packet,
/// mixed to mono as it goes.
fn decode_media(bytes: &[u8], name: &str) -> Result<(Vec<f32>, u32), DecodeError> {
    let media = |source| DecodeError::Media {
        file: name.to_owned(),
        source,
    };
    if bytes.windows(8).take(256).any(|w| w == b"OpusHead") {
        return Err(DecodeError::Opus {
            file: name.to_owned(),
        });
    }
    refuse_unrepairable_channel_masks(bytes, name)?;
    let mss = MediaSourceStream::new(Box::new(Cursor::new(bytes.to_vec())), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = Path::new(name).extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let mut format = symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| match e {
            MediaError::Unsupported(_) => DecodeError::NotAudio {
                file: name.to_owned(),
            },
            other => media(other),
        })?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or(MediaError::Unsupported("no audio track"))
        .map_err(media)?;
    let track_id = track.id;
    let declared = track.num_frames;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or(MediaError::Unsupported("no audio codec parameters"))
        .map_err(media)?
        .clone();
    if let Some(rate) = params.sample_rate {
        check_format(rate, 1, name)?;
    }
    if let Some(n) = declared
        && let Some(rate) = params.sample_rate
        && n > u64::from(MAX_SECONDS) * u64::from(rate)
    {
        return Err(DecodeError::TooLong {
            file: name.to_owned(),
            max: MAX_SECONDS,
        });
    }
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(media)?;
    let mut mono: Vec<f32> = Vec::new();
    let mut chunk: Vec<f32> = Vec::new();
    let mut rate = params.sample_rate.unwrap_or(0);
    let seconds = |n: usize, rate: u32| n as f64 / f64::from(rate.max(1));
    loop {
        let packet = match format.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(source) => {
                return Err(DecodeError::Damaged {
                    file: name.to_owned(),
                    seconds: seconds(mono.len(), rate),
                    source,
                });
            }
        };
        if packet.track_id != track_id {
            continue;
        }
        let buf = decoder
            .decode(&packet)
            .map_err(|source| DecodeError::Damaged {
                file: name.to_owned(),
                seconds: seconds(mono.len(), rate),
                source,
            })?;
        let spec = buf.spec();
        rate = spec.rate();
        let channels = spec.channels().count();
        check_format(rate, channels, name)?;
        chunk.resize(buf.samples_interleaved(), 0.0);
        buf.copy_to_slice_interleaved(&mut chunk);
        mono.extend(
            chunk
                .chunks_exact(channels)
                .map(|f| f.iter().sum::<f32>() / channels as f32),
        );
        if mono.len() as u64 > u64::from(MAX_SECONDS) * u64::from(rate) {
            return Err(DecodeError::TooLong {
                file: name.to_owned(),
                max: MAX_SECONDS,
            });
        }
    }
    // A declared length more than one packet's worth (~0.1 s) beyond the data.
    if let Some(n) = declared
        && n > mono.len() as u64 + u64::from(rate) / 10
    {
        return Err(DecodeError::Truncated {
            file: name.to_owned(),
            declared: n,
            found: mono.len() as u64,
        });
    }
    Ok((mono, rate))
}

/// The length in seconds of the audio file `name` with these bytes, checked as far
/// as that is cheap: for WAV from its header, with the data required to be as long
/// as the header says; for other formats by decoding it whole.
pub fn duration(bytes: &[u8], name: &str) -> Result<f64, DecodeError> {
    let riff = bytes.len() >= 12 && &bytes[8..12] == b"WAVE";
    if riff && let Some(seconds) = wav_duration(bytes, bytes.len() as u64, name)? {
        return Ok(seconds);
    }
    let (samples, rate) = decode(bytes, name)?;
    Ok(samples.len() as f64 / f64::from(rate))
}

/// Refuses a WAV `fmt ` chunk (WAVE_FORMAT_EXTENSIBLE) whose channel mask symphonia
/// would "repair" with an overflowing shift: symphonia-format-riff 0.6.1 panics (in
/// builds with overflow checks) when a chunk claims 31 or more channels beyond the
/// mask's bits, or more channels than the mask has bits while bit 31 is set. The
/// decode fuzzer found it. symphonia finds RIFF chunks anywhere in the stream, and
/// every chunk it parses is in the bytes under its tag, so every `fmt ` tag is
/// checked: more than [`MAX_CHANNELS`] channels is refused as too many (rustig would
/// refuse those after decoding anyway), and a full mask with channels left over as
/// a bad mask. Layout: tag, size (4), format (2), channels (2), rate (4), byte rate
/// (4), block align (2), bits (2), extension size (2), valid bits (2), mask (4).
fn refuse_unrepairable_channel_masks(bytes: &[u8], name: &str) -> Result<(), DecodeError> {
    const EXTENSIBLE: u16 = 0xFFFE;
    for chunk in bytes.windows(32).filter(|w| w.starts_with(b"fmt ")) {
        let u16_at = |at: usize| u16::from_le_bytes([chunk[at], chunk[at + 1]]);
        if u16_at(8) != EXTENSIBLE {
            continue;
        }
        let channels = u16_at(10);
        if channels > 0 {
            check_channels(usize::from(channels), name)?;
        }
        let mask = u32::from_le_bytes([chunk[28], chunk[29], chunk[30], chunk[31]]);
        if u32::from(channels) > mask.count_ones() && mask & 0x8000_0000 != 0 {
            return Err(DecodeError::ChannelMask {
                file: name.to_owned(),
                channels,
                mask,
            });
        }
    }
    Ok(())
}

/// What [`duration`] gives for a file of `size` bytes that starts with `head`, when
/// `head` decides it: a WAV file whose header hound reads and finds sound. `None`
/// otherwise (other formats, codings, errors, a header longer than `head`): then
/// [`duration`] of the whole file gives the length or the exact error.
pub fn head_duration(head: &[u8], size: u64, name: &str) -> Option<f64> {
    if head.len() as u64 >= size {
        return duration(head, name).ok();
    }
    let riff = head.len() >= 12 && &head[8..12] == b"WAVE";
    if !riff {
        return None;
    }
    wav_duration(head, size, name).ok().flatten()
}

/// A WAV file's length from its header (`bytes` holds at least the header, `size` is
/// the whole file's); `None` for codings hound does not read.
fn wav_duration(bytes: &[u8], size: u64, name: &str) -> Result<Option<f64>, DecodeError> {
    let wav = |source| DecodeError::Wav {
        file: name.to_owned(),
        source,
    };
    match hound::WavReader::new(Cursor::new(bytes)) {
        Err(hound::Error::Unsupported) => Ok(None),
        Err(e) => Err(wav(e)),
        Ok(reader) => {
            let spec = reader.spec();
            let channels = usize::from(spec.channels);
            check_format(spec.sample_rate, channels, name)?;
            let declared = u64::from(reader.duration());
            // At least this many bytes per sample (a wider container only needs more).
            let bytes_per_sample = u64::from(spec.bits_per_sample.div_ceil(8).max(1));
            let start = reader.into_inner().position();
            let available = size.saturating_sub(start) / (bytes_per_sample * channels as u64);
            if declared == 0 {
                return Err(DecodeError::Empty {
                    file: name.to_owned(),
                });
            }
            if available < declared {
                return Err(DecodeError::Truncated {
                    file: name.to_owned(),
                    declared,
                    found: available,
                });
            }
            if declared > u64::from(MAX_SECONDS) * u64::from(spec.sample_rate) {
                return Err(DecodeError::TooLong {
                    file: name.to_owned(),
                    max: MAX_SECONDS,
                });
            }
            Ok(Some(declared as f64 / f64::from(spec.sample_rate)))
        }
    }
}
