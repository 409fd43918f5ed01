//! Playing a take back on the default output device, for `rustig voice record`.
//!
//! Input: mono f32 samples and their rate. Output: sound, on whatever the device
//! takes. rodio opens the device at its own rate, channel count and sample format
//! (f32, i16, i32, u8, …) and converts to it; the take is first resampled to the
//! device's rate with rubato (as clips are for live play), so rodio only spreads the
//! mono take over the device's channels and converts the sample format.
//!
//! The audio callback is rodio's; nothing here runs in it. This module never prints:
//! rodio's own messages on stream errors and on closing are switched off.

use std::num::NonZero;
use std::time::Duration;

use rodio::buffer::SamplesBuffer;
use rodio::{DeviceSinkBuilder, DeviceSinkError, Player};

use super::resample;

/// How long to wait after rodio has handed over the last sample, so the device plays
/// what is still in its buffer before the stream closes, when the buffer size is not
/// known.
const DRAIN_UNKNOWN: Duration = Duration::from_millis(200);

/// Why a take could not be played back.
#[derive(Debug, thiserror::Error)]
pub enum PlaybackError {
    /// The system has no output device.
    #[error("no output device")]
    NoDevice,
    /// The device exists but could not be opened or started.
    #[error("cannot open the output device")]
    Open(#[source] cpal::Error),
    /// The device's sample format is one rodio does not write.
    #[error("the output device uses a sample format rodio does not support")]
    Format,
}

impl From<DeviceSinkError> for PlaybackError {
    fn from(error: DeviceSinkError) -> Self {
        match error {
            DeviceSinkError::NoDevice => PlaybackError::NoDevice,
            DeviceSinkError::UnsupportedSampleFormat => PlaybackError::Format,
            DeviceSinkError::PlayError(e)
            | DeviceSinkError::DefaultSinkConfigError(e)
            | DeviceSinkError::BuildError(e)
            | DeviceSinkError::SupportedConfigsError(e) => PlaybackError::Open(e),
        }
    }
}

/// What the output device was opened with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputFormat {
    /// Its rate in Hz.
    pub rate: u32,
    /// Its channel count.
    pub channels: u16,
    /// Its sample format.
    pub format: cpal::SampleFormat,
}

/// Plays mono `samples` at `rate` on the default output device and returns when
/// they have been played, with the format the device was opened with.
pub fn play_mono(samples: &[f32], rate: u32) -> Result<OutputFormat, PlaybackError> {
    // alsa-lib prints its own lines to stderr when there is no card; collect them in
    // a buffer instead, so the user sees one clear message.
    #[cfg(target_os = "linux")]
    let _alsa_messages = alsa::Output::local_error_handler().ok();
    let mut sink = DeviceSinkBuilder::from_default_device()?
        // rodio's default prints each stream error; a take played back with a glitch
        // needs no message.
        .with_error_callback(|_: cpal::Error| {})
        .open_sink_or_fallback()?;
    sink.log_on_drop(false);
    let config = *sink.config();
    let device = OutputFormat {
        rate: config.sample_rate().get(),
        channels: config.channel_count().get(),
        format: config.sample_format(),
    };
    let (Some(from), false) = (NonZero::new(rate), samples.is_empty()) else {
        return Ok(device);
    };
    let take = resample(samples, from.get(), device.rate);
    let player = Player::connect_new(sink.mixer());
    player.append(SamplesBuffer::new(
        NonZero::<u16>::MIN,
        config.sample_rate(),
        take,
    ));
    player.sleep_until_end();
    std::thread::sleep(match config.buffer_size() {
        // Two buffers: the one being played and the one handed over last.
        cpal::BufferSize::Fixed(frames) => {
            Duration::from_secs_f64(2.0 * f64::from(*frames) / f64::from(device.rate))
        }
        cpal::BufferSize::Default => DRAIN_UNKNOWN,
    });
    Ok(device)
}
