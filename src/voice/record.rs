//! The rules of `rustig voice record`, for any front end: which clips to ask for,
//! when a take is over ([`TakeDetector`], fed by the microphone through [`Take`]), how
//! loud it is right now, what a kept take becomes, and adding finished clips to a
//! pack folder (`voice.toml` edited with `toml_edit`, clip files first, manifest
//! last, each written atomically). The device itself is `capture.rs` (recording)
//! and `playback.rs` (playing a take back); nothing here prints or reads keys.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::capture::{CaptureError, Microphone};
use super::process::{self, Clip, Settings, write_wav};
use super::{core_ids, import, resample};
use crate::atomic::AtomicFile;

/// A window RMS above this counts as speech, in dBFS.
pub const SPEECH_DBFS: f64 = -40.0;
/// A take ends after this much silence following speech, in milliseconds.
pub const END_PAUSE_MS: u32 = 1000;

/// Where a take is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakeState {
    /// No speech yet.
    Waiting,
    /// Speech has started.
    Speaking,
    /// Speech was followed by [`END_PAUSE_MS`] of silence.
    Done,
}

/// Follows a take's samples as they arrive: its level and whether it is over.
#[derive(Debug, Clone)]
pub struct TakeDetector {
    window: usize,
    acc: f64,
    count: usize,
    silent: usize,
    end: usize,
    state: TakeState,
    level: f64,
}

impl TakeDetector {
    /// A detector for mono samples at `rate`.
    pub fn new(rate: u32) -> Self {
        TakeDetector {
            window: (rate / 100).max(1) as usize,
            acc: 0.0,
            count: 0,
            silent: 0,
            end: (u64::from(END_PAUSE_MS) * u64::from(rate) / 1000) as usize,
            state: TakeState::Waiting,
            level: f64::NEG_INFINITY,
        }
    }

    /// Feeds samples; returns the state after them.
    pub fn push(&mut self, samples: &[f32]) -> TakeState {
        for &x in samples {
            self.acc += f64::from(x) * f64::from(x);
            self.count += 1;
            if self.count == self.window {
                self.level = 10.0 * (self.acc / self.window as f64).max(1e-20).log10();
                let speech = self.level > SPEECH_DBFS;
                match (self.state, speech) {
                    (TakeState::Done, _) => {}
                    (_, true) => {
                        self.state = TakeState::Speaking;
                        self.silent = 0;
                    }
                    (TakeState::Speaking, false) => {
                        self.silent += self.window;
                        if self.silent >= self.end {
                            self.state = TakeState::Done;
                        }
                    }
                    (TakeState::Waiting, false) => {}
                }
                self.acc = 0.0;
                self.count = 0;
            }
        }
        self.state
    }

    /// The level of the last 10 ms window, in dBFS.
    pub fn level(&self) -> f64 {
        self.level
    }
}

/// A level meter for a terminal: `[#########           ] -23 dB`, 20 steps over
/// −60..0 dBFS.
pub fn meter(level_db: f64) -> String {
    let steps = (((level_db + 60.0) / 3.0).clamp(0.0, 20.0)) as usize;
    format!(
        "[{}{}] {:>4} dB",
        "#".repeat(steps),
        " ".repeat(20 - steps),
        if level_db.is_finite() {
            format!("{:.0}", level_db.max(-99.0))
        } else {
            "-inf".to_owned()
        }
    )
}

/// Adds (or replaces) clips in the pack folder `dir`: each WAV file, then
/// `voice.toml` (created with `fallback = "nl"` when the folder has none).
pub fn save_clips(dir: &Path, clips: &[(String, String, Clip)]) -> io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let manifest = dir.join("voice.toml");
    let text = match std::fs::read_to_string(&manifest) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "coach".into());
            format!(
                "[pack]\nname = {}\nlanguage = \"nl\"\nfallback = \"nl\"\n\n[clips]\n",
                super::synth::toml_string(&name)
            )
        }
        Err(e) => return Err(e),
    };
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    if doc.get("clips").is_none() {
        doc.insert("clips", toml_edit::Item::Table(toml_edit::Table::new()));
    }
    let table = doc["clips"]
        .as_table_mut()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "[clips] is not a table"))?;
    for (id, text, clip) in clips {
        let file = format!("{}.wav", id.replace('.', "-"));
        write_wav(&dir.join(&file), clip)?;
        let mut entry = toml_edit::InlineTable::new();
        entry.insert("file", file.as_str().into());
        entry.insert("text", text.as_str().into());
        table.insert(id, toml_edit::value(entry));
    }
    AtomicFile::write(&manifest, doc.to_string().as_bytes())?;
    Ok(manifest)
}

/// The rate recorded clips are kept at, in Hz (that of the built-in pack).
pub const CLIP_RATE: u32 = 44100;

/// A clip to record: its id and the text to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToRecord {
    /// The clip id, e.g. `adem.in`.
    pub id: String,
    /// What to say: the built-in pack's text for the id.
    pub text: String,
}

/// A clip id asked for that has no text to say.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a clip of the built-in pack, so there is no text to say")]
pub struct NoText(pub String);

/// The clips to record into the pack folder `dir`: `only` these ids (all core clips
/// when empty), and with `missing` only those its `voice.toml` does not list yet;
/// each with the built-in pack's text.
pub fn clips_to_record(
    dir: &Path,
    only: &[String],
    missing: bool,
) -> Result<Vec<ToRecord>, NoText> {
    let texts = import::builtin_texts(super::DEFAULT_VOICE);
    let have: BTreeSet<String> = std::fs::read_to_string(dir.join("voice.toml"))
        .ok()
        .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
        .and_then(|t| Some(t.get("clips")?.as_table()?.keys().cloned().collect()))
        .unwrap_or_default();
    let ids = if only.is_empty() {
        core_ids()
    } else {
        only.to_vec()
    };
    ids.into_iter()
        .filter(|id| !missing || !have.contains(id))
        .map(|id| match texts.get(&id) {
            Some(text) => Ok(ToRecord {
                text: text.clone(),
                id,
            }),
            None => Err(NoText(id)),
        })
        .collect()
}

/// One take being recorded: the microphone's samples as they arrive, followed by a
/// [`TakeDetector`]. Call [`Take::poll`] every few tens of milliseconds.
pub struct Take {
    microphone: Microphone,
    detector: TakeDetector,
    samples: Vec<f32>,
    longest: usize,
    max: Duration,
    started: Instant,
    over: bool,
}

/// A finished take: what the microphone heard, mono.
#[derive(Debug, Clone, PartialEq)]
pub struct TakeAudio {
    /// The samples.
    pub samples: Vec<f32>,
    /// Their rate in Hz (the device's).
    pub rate: u32,
    /// Samples lost because the control thread fell behind (0 normally).
    pub dropped: u64,
}

impl Take {
    /// Opens the default input device and starts a take of at most `max_seconds`.
    pub fn start(max_seconds: u32) -> Result<Take, CaptureError> {
        let microphone = Microphone::open_default()?;
        let rate = microphone.rate();
        let longest =
            usize::try_from(u64::from(rate) * u64::from(max_seconds)).unwrap_or(usize::MAX);
        Ok(Take {
            detector: TakeDetector::new(rate),
            // Room for the whole take up front, so reading never reallocates.
            samples: Vec::with_capacity(longest.min(1 << 24)),
            longest,
            max: Duration::from_secs(u64::from(max_seconds)),
            started: Instant::now(),
            over: false,
            microphone,
        })
    }

    /// Takes what the microphone has recorded since the last call; true when the take
    /// is over: [`END_PAUSE_MS`] of silence after speech, or the longest take (in
    /// samples, or on the clock should the device stop delivering).
    pub fn poll(&mut self) -> bool {
        if self.over {
            return true;
        }
        let seen = self.samples.len();
        self.microphone.read_into(&mut self.samples);
        self.samples.truncate(self.longest);
        let state = self.detector.push(&self.samples[seen..]);
        self.over = state == TakeState::Done
            || self.samples.len() >= self.longest
            || self.started.elapsed() >= self.max;
        self.over
    }

    /// The level of the last 10 ms heard, in dBFS (for a meter).
    pub fn level(&self) -> f64 {
        self.detector.level()
    }

    /// Stops the microphone and returns what it recorded.
    pub fn finish(self) -> TakeAudio {
        TakeAudio {
            dropped: self
                .microphone
                .stats()
                .dropped
                .load(std::sync::atomic::Ordering::Relaxed),
            rate: self.microphone.rate(),
            samples: self.samples,
        }
    }
}

impl TakeAudio {
    /// The clip this take makes, processed as `voice import` processes a recording
    /// (at [`CLIP_RATE`]); `None` when no speech was heard.
    pub fn to_clip(&self, high_pass: bool) -> Option<Clip> {
        let resampled = resample(&self.samples, self.rate, CLIP_RATE);
        process::process_with(&resampled, CLIP_RATE, &Settings::recording(high_pass))
    }
}
