//! The microphone, the real-time side of `rustig voice record`.
//!
//! Input: the default input device (cpal), at its own rate, channel count and sample
//! format. Output: mono f32 samples, read on the control thread from a lock-free ring
//! (rtrb), as the player does the other way round (`play/player.rs`).
//!
//! [`Capturer::write`] is all the audio callback runs: it converts each sample to
//! f32, mixes each frame down to mono and pushes it into the ring. It never
//! allocates, frees, locks or does I/O, and it never waits for a slow reader:
//! samples that find the ring full are counted ([`CaptureStats::dropped`]) and lost.
//! The ring and the counters are made before the stream starts.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample};
use rtrb::{Consumer, Producer, RingBuffer};

/// Seconds of mono samples the ring holds: the control thread reads every few tens
/// of milliseconds, so this is far more than it ever leaves waiting.
pub const RING_SECONDS: u32 = 4;

/// Why the microphone could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The system has no input device.
    #[error("no input device (microphone) found")]
    NoDevice,
    /// The device would not say how it records, or would not open.
    #[error("cannot open the input device")]
    Open(#[source] cpal::Error),
    /// The device records in a sample format rustig does not read.
    #[error("the input device's sample format {0} is not supported")]
    Format(SampleFormat),
    /// The stream was built but would not start.
    #[error("cannot start recording")]
    Start(#[source] cpal::Error),
}

/// What the callback publishes for the control thread.
#[derive(Debug, Default)]
pub struct CaptureStats {
    /// Callbacks served.
    pub callbacks: AtomicU64,
    /// Mono samples that found the ring full and were lost.
    pub dropped: AtomicU64,
    /// Errors the device reported (overruns, a lost device).
    pub stream_errors: AtomicU64,
}

/// The audio-thread half: call [`Capturer::write`] from the input callback.
pub struct Capturer {
    samples: Producer<f32>,
    channels: usize,
    stats: Arc<CaptureStats>,
}

/// The control-thread half: takes the samples the callback has pushed.
pub struct CaptureReader {
    samples: Consumer<f32>,
    /// What the callback publishes.
    pub stats: Arc<CaptureStats>,
}

/// A connected capturer and reader for interleaved frames of `channels` channels,
/// with room for `capacity` mono samples in between.
pub fn capture_ring(channels: usize, capacity: usize) -> (Capturer, CaptureReader) {
    let (producer, consumer) = RingBuffer::new(capacity.max(1));
    let stats = Arc::new(CaptureStats::default());
    (
        Capturer {
            samples: producer,
            channels: channels.max(1),
            stats: Arc::clone(&stats),
        },
        CaptureReader {
            samples: consumer,
            stats,
        },
    )
}

impl Capturer {
    /// Mixes interleaved `data` down to mono f32 and pushes it into the ring; what does
    /// not fit is counted as dropped. Real-time safe: no allocation, lock or I/O.
    pub fn write<T>(&mut self, data: &[T])
    where
        T: SizedSample,
        f32: FromSample<T>,
    {
        self.stats.callbacks.fetch_add(1, Ordering::Relaxed);
        let channels = self.channels;
        let frames = data.len() / channels;
        let room = frames.min(self.samples.slots());
        if let Ok(chunk) = self.samples.write_chunk_uninit(room) {
            let scale = 1.0 / channels as f32;
            chunk.fill_from_iter(
                data.chunks_exact(channels)
                    .map(|frame| frame.iter().map(|&x| f32::from_sample_(x)).sum::<f32>() * scale),
            );
        }
        if room < frames {
            self.stats
                .dropped
                .fetch_add((frames - room) as u64, Ordering::Relaxed);
        }
    }
}

impl CaptureReader {
    /// Appends every sample waiting in the ring to `out`; returns how many.
    pub fn read_into(&mut self, out: &mut Vec<f32>) -> usize {
        let waiting = self.samples.slots();
        let Ok(chunk) = self.samples.read_chunk(waiting) else {
            return 0;
        };
        let (first, second) = chunk.as_slices();
        out.extend_from_slice(first);
        out.extend_from_slice(second);
        chunk.commit_all();
        waiting
    }

    /// Samples lost so far because the ring was full.
    pub fn dropped(&self) -> u64 {
        self.stats.dropped.load(Ordering::Relaxed)
    }
}

/// The default input device, recording into a [`CaptureReader`] until dropped.
pub struct Microphone {
    _stream: cpal::Stream,
    reader: CaptureReader,
    rate: u32,
}

impl Microphone {
    /// Opens the default input device at its own rate, channel count and sample
    /// format, and starts recording.
    pub fn open_default() -> Result<Microphone, CaptureError> {
        // alsa-lib prints its own lines to stderr when there is no card; collect them
        // in a buffer instead, so the user sees one clear message.
        #[cfg(target_os = "linux")]
        let _alsa_messages = alsa::Output::local_error_handler().ok();
        let device = cpal::default_host()
            .default_input_device()
            .ok_or(CaptureError::NoDevice)?;
        let supported = device.default_input_config().map_err(CaptureError::Open)?;
        let format = supported.sample_format();
        let config: cpal::StreamConfig = supported.into();
        let rate = config.sample_rate;
        let capacity = usize::try_from(rate.saturating_mul(RING_SECONDS)).unwrap_or(usize::MAX);
        let (capturer, reader) = capture_ring(usize::from(config.channels), capacity);
        let stats = Arc::clone(&reader.stats);
        let stream = match format {
            SampleFormat::F32 => build::<f32>(&device, config, capturer, stats),
            SampleFormat::F64 => build::<f64>(&device, config, capturer, stats),
            SampleFormat::I8 => build::<i8>(&device, config, capturer, stats),
            SampleFormat::I16 => build::<i16>(&device, config, capturer, stats),
            SampleFormat::I32 => build::<i32>(&device, config, capturer, stats),
            SampleFormat::U8 => build::<u8>(&device, config, capturer, stats),
            SampleFormat::U16 => build::<u16>(&device, config, capturer, stats),
            SampleFormat::U32 => build::<u32>(&device, config, capturer, stats),
            other => return Err(CaptureError::Format(other)),
        }
        .map_err(CaptureError::Open)?;
        stream.play().map_err(CaptureError::Start)?;
        Ok(Microphone {
            _stream: stream,
            reader,
            rate,
        })
    }

    /// The rate the device records at, in Hz.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Appends the samples recorded since the last call to `out`; returns how many.
    pub fn read_into(&mut self, out: &mut Vec<f32>) -> usize {
        self.reader.read_into(out)
    }

    /// What the callback has published.
    pub fn stats(&self) -> &CaptureStats {
        &self.reader.stats
    }
}

/// Builds the input stream for device samples of type `T`.
fn build<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut capturer: Capturer,
    stats: Arc<CaptureStats>,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample + Send + 'static,
    f32: FromSample<T>,
{
    device.build_input_stream(
        config,
        move |data: &[T], _: &cpal::InputCallbackInfo| {
            #[cfg(feature = "debug-alloc")]
            assert_no_alloc::assert_no_alloc(|| capturer.write(data));
            #[cfg(not(feature = "debug-alloc"))]
            capturer.write(data);
        },
        move |_: cpal::Error| {
            stats.stream_errors.fetch_add(1, Ordering::Relaxed);
        },
        None,
    )
}
