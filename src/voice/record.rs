//! The device-free parts of `rustig voice record`: when a take is over, how loud it
//! is right now, and adding finished clips to a pack folder (`voice.toml` edited with
//! `toml_edit`, clip files first, manifest last, each written atomically).

use std::io;
use std::path::{Path, PathBuf};

use super::process::{Clip, write_wav};
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
