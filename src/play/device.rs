//! The sound card: open the default output device at its own rate and channel
//! count, and drive a [`Player`] from its callback.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, StreamConfig};

use super::player::{Player, Shared};

/// Why no sound could be played.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// The system has no output device.
    #[error("no output device found")]
    NoDevice,
    /// The device exists but could not be opened or started.
    #[error("cannot open the output device {device}")]
    Open {
        /// The device's name.
        device: String,
        /// What the audio system said.
        #[source]
        source: cpal::Error,
    },
    /// The device's sample format is one rustig does not write.
    #[error("the output device uses sample format {0}, which rustig does not support")]
    Format(SampleFormat),
}

/// The default output device and its preferred configuration.
pub struct Output {
    device: cpal::Device,
    config: StreamConfig,
    format: SampleFormat,
    /// A readable name for messages.
    pub name: String,
}

impl Output {
    /// Finds the default output device and its own rate and channel count.
    pub fn open_default() -> Result<Output, DeviceError> {
        // alsa-lib prints its own lines to stderr when there is no card; collect them
        // in a buffer instead, so the runner sees one clear message.
        #[cfg(target_os = "linux")]
        let _alsa_messages = alsa::Output::local_error_handler().ok();
        let host = cpal::default_host();
        let device = host.default_output_device().ok_or(DeviceError::NoDevice)?;
        let name = device
            .id()
            .map(|id| id.to_string())
            .unwrap_or_else(|_| "default".to_owned());
        let supported = device
            .default_output_config()
            .map_err(|source| DeviceError::Open {
                device: name.clone(),
                source,
            })?;
        let format = supported.sample_format();
        Ok(Output {
            device,
            config: supported.into(),
            format,
            name,
        })
    }

    /// The device's sample rate.
    pub fn rate(&self) -> u32 {
        self.config.sample_rate
    }

    /// The device's sample format, e.g. `f32` or `i16`.
    pub fn format(&self) -> String {
        self.format.to_string()
    }

    /// The device's channel count.
    pub fn channels(&self) -> usize {
        usize::from(self.config.channels)
    }

    /// Starts playing `player` (built for this rate and channel count). The returned
    /// stream plays until dropped.
    pub fn start(self, player: Player, shared: Arc<Shared>) -> Result<cpal::Stream, DeviceError> {
        #[cfg(target_os = "linux")]
        let _alsa_messages = alsa::Output::local_error_handler().ok();
        let name = self.name.clone();
        let open = |source: cpal::Error| DeviceError::Open {
            device: name.clone(),
            source,
        };
        let stream = match self.format {
            SampleFormat::F32 => self.build::<f32>(player, shared),
            SampleFormat::I16 => self.build::<i16>(player, shared),
            SampleFormat::I32 => self.build::<i32>(player, shared),
            SampleFormat::U16 => self.build::<u16>(player, shared),
            SampleFormat::F64 => self.build::<f64>(player, shared),
            SampleFormat::U8 => self.build::<u8>(player, shared),
            SampleFormat::I8 => self.build::<i8>(player, shared),
            other => return Err(DeviceError::Format(other)),
        }
        .map_err(open)?;
        stream.play().map_err(open)?;
        Ok(stream)
    }

    fn build<T>(&self, mut player: Player, shared: Arc<Shared>) -> Result<cpal::Stream, cpal::Error>
    where
        T: SizedSample + FromSample<f32> + Send + 'static,
    {
        let channels = self.channels();
        // Scratch for devices that do not take f32, allocated here, before playback.
        let mut scratch = vec![0.0f32; 8192 * channels];
        let errors = Arc::clone(&shared);
        let latency_shared = Arc::clone(&shared);
        self.device.build_output_stream(
            self.config,
            move |data: &mut [T], info: &cpal::OutputCallbackInfo| {
                let ts = info.timestamp();
                let latency = ts.playback.duration_since(ts.callback);
                latency_shared
                    .output_latency_ns
                    .store(latency.as_nanos() as u64, Ordering::Relaxed);
                #[cfg(feature = "debug-alloc")]
                assert_no_alloc::assert_no_alloc(|| fill(&mut player, &mut scratch, data));
                #[cfg(not(feature = "debug-alloc"))]
                fill(&mut player, &mut scratch, data);
            },
            move |err: cpal::Error| {
                use cpal::ErrorKind;
                match err.kind() {
                    ErrorKind::DeviceNotAvailable
                    | ErrorKind::StreamInvalidated
                    | ErrorKind::HostUnavailable => {
                        errors.device_lost.store(true, Ordering::Relaxed);
                    }
                    _ => {
                        errors.xruns.fetch_add(1, Ordering::Relaxed);
                    }
                }
            },
            None,
        )
    }
}

/// Fills a device buffer of any sample type from the player's f32 output.
fn fill<T: SizedSample + FromSample<f32>>(
    player: &mut Player,
    scratch: &mut [f32],
    data: &mut [T],
) {
    let step = scratch.len() - scratch.len() % player.channels();
    for chunk in data.chunks_mut(step) {
        let buf = &mut scratch[..chunk.len()];
        player.fill(buf);
        for (d, s) in chunk.iter_mut().zip(buf.iter()) {
            *d = T::from_sample(*s);
        }
    }
}
