/*! Clips for `say` texts, synthesized with espeak-ng (`rustig voice synth`).

A session may say free text (`say = "…"`) that only works when some clip of the voice
pack has exactly that text. This module finds such texts ([`say_texts`], [`plan`]),
speaks them with the external `espeak-ng` program ([`Espeak`]), brings each clip to
the pack's standard ([`process`]: −16 LUFS, peaks below −2 dBFS, 20 ms of silence at
either end) and adds it to a pack folder on disk ([`extend_pack`]): clip files first,
then `voice.toml`, each written to a temporary name and renamed into place.

The settings and the processing are those of the Dutch pack's own script,
`audio/nl/make-voice.py`, so a synthesized clip sounds like the rest of the pack. The
script uses ffmpeg's limiter and loudness meter; here both are done in Rust (a
look-ahead limiter and an ITU-R BS.1770 meter), so espeak-ng is the only program
needed.

Nothing here prints; progress is reported through a callback.
*/

use std::collections::{HashSet, VecDeque};
use std::ffi::OsString;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{DecodeError, PackFiles, VoicePack, decode_wav, parse_manifest};
use crate::output::AtomicFile;
use crate::session::{Session, Speech};

/// Integrated loudness every clip is brought to, in LUFS.
pub const TARGET_LUFS: f64 = -16.0;
/// The longest clip the pack's guidelines allow, in seconds.
pub const MAX_CLIP_SECONDS: f64 = 6.0;
/// Level below which a sample counts as silence (trimming and measuring), in dBFS.
pub const SILENCE_DBFS: f64 = -50.0;
/// The limiter's ceiling as a linear amplitude (−2.05 dBFS).
pub const PEAK_CEILING: f32 = 0.79;
/// Silence kept before the first and after the last sound, in milliseconds.
pub const PAD_MS: u32 = 20;
/// Fade at both ends of a clip, in milliseconds.
pub const FADE_MS: u32 = 5;
/// The limiter's look-ahead (its attack), in milliseconds.
pub const LIMIT_ATTACK_MS: u32 = 3;
/// The limiter's release, in milliseconds.
pub const LIMIT_RELEASE_MS: u32 = 60;
/// Gain corrections stop once the loudness is this close to the target, in LU.
const LUFS_TOLERANCE_BUILD: f64 = 0.1;
/// At most this many gain corrections.
const GAIN_ROUNDS: usize = 8;

/// Why a clip could not be made or added to the pack.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// `espeak-ng` is not on `PATH`.
    #[error(
        "espeak-ng is not installed (or not on PATH); install it to synthesize clips: \
         apt-get install espeak-ng (Debian/Ubuntu)"
    )]
    EspeakMissing,
    /// `espeak-ng` ran but failed.
    #[error("espeak-ng failed (exit status {status:?}) on \"{text}\": {stderr}")]
    EspeakFailed {
        /// The text it was given.
        text: String,
        /// Its exit code, if it exited normally.
        status: Option<i32>,
        /// What it wrote to stderr.
        stderr: String,
    },
    /// `espeak-ng` wrote a file that is not usable WAV.
    #[error("cannot read what espeak-ng made of \"{text}\": {source}")]
    Decode {
        /// The text it was given.
        text: String,
        /// Why decoding failed.
        #[source]
        source: DecodeError,
    },
    /// The synthesized clip has no sound above the silence threshold.
    #[error("espeak-ng made no sound for \"{text}\"")]
    Silent {
        /// The text it was given.
        text: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or program.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: io::Error,
    },
    /// `voice.toml` has no `[clips]` header line to add the new clips under.
    #[error(
        "{}: no `[clips]` table header line to add the new clips under",
        path.display()
    )]
    NoClipsTable {
        /// The manifest.
        path: PathBuf,
    },
    /// The extended `voice.toml` would not load; it was left unchanged.
    #[error(
        "{}: adding the new clips would make the pack invalid, so it was left unchanged:\n{problems}",
        path.display()
    )]
    InvalidResult {
        /// The manifest.
        path: PathBuf,
        /// The rendered problems.
        problems: String,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> SynthError + '_ {
    move |source| SynthError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How `espeak-ng` is run: the settings of `audio/nl/make-voice.py`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Espeak {
    /// The program to run, `espeak-ng` (found on `PATH`).
    pub program: PathBuf,
    /// The espeak-ng voice (`-v`), the pack's language.
    pub voice: String,
    /// Words per minute (`-s`).
    pub speed: u32,
    /// Pitch, 0..=99 (`-p`).
    pub pitch: u32,
    /// Extra pause between words in units of 10 ms (`-g`).
    pub gap: u32,
    /// Amplitude, 0..=200 (`-a`).
    pub amplitude: u32,
}

impl Espeak {
    /// The settings for a pack of this language (`[pack] language`, e.g. `nl`).
    pub fn for_language(language: &str) -> Espeak {
        let voice = if language.trim().is_empty() {
            "nl"
        } else {
            language.trim()
        };
        Espeak {
            program: PathBuf::from("espeak-ng"),
            voice: voice.to_owned(),
            speed: 145,
            pitch: 40,
            gap: 1,
            amplitude: 100,
        }
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        // espeak-ng reads its arguments in the locale's encoding; the texts are UTF-8.
        cmd.env("LC_ALL", "C.UTF-8").stdin(Stdio::null());
        cmd
    }

    /// The arguments that speak `text` (already in its spoken form) into `out`.
    pub fn args(&self, text: &str, out: &Path) -> Vec<OsString> {
        let mut args: Vec<OsString> = [
            "-v",
            &self.voice,
            "-s",
            &self.speed.to_string(),
            "-p",
            &self.pitch.to_string(),
            "-g",
            &self.gap.to_string(),
            "-a",
            &self.amplitude.to_string(),
            "-b",
            "1",
            "-w",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        args.push(out.as_os_str().to_owned());
        args.push("--".into());
        args.push(text.into());
        args
    }

    /// espeak-ng's version (`1.51`), which also proves it is installed.
    pub fn version(&self) -> Result<String, SynthError> {
        let out = self
            .command()
            .arg("--version")
            .output()
            .map_err(|e| self.spawn_error(e))?;
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(text
            .split("text-to-speech:")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or("?")
            .to_owned())
    }

    fn spawn_error(&self, e: io::Error) -> SynthError {
        if e.kind() == io::ErrorKind::NotFound {
            SynthError::EspeakMissing
        } else {
            SynthError::Io {
                path: self.program.clone(),
                source: e,
            }
        }
    }

    /// Speaks `text` and returns espeak-ng's raw output as mono samples and their rate.
    /// Words espeak-ng mispronounces are respelled first ([`spoken_form`]).
    pub fn speak(&self, text: &str) -> Result<(Vec<f32>, u32), SynthError> {
        let tmp = tempfile::Builder::new()
            .prefix("rustig-espeak-")
            .tempdir()
            .map_err(io_error(&std::env::temp_dir()))?;
        let wav = tmp.path().join("raw.wav");
        let out = self
            .command()
            .args(self.args(&spoken_form(text, &self.voice), &wav))
            .output()
            .map_err(|e| self.spawn_error(e))?;
        if !out.status.success() {
            return Err(SynthError::EspeakFailed {
                text: text.to_owned(),
                status: out.status.code(),
                stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            });
        }
        let bytes = std::fs::read(&wav).map_err(io_error(&wav))?;
        decode_wav(&bytes).map_err(|source| SynthError::Decode {
            text: text.to_owned(),
            source,
        })
    }
}

/// Dutch words espeak-ng's rules get wrong, and how to spell them so it says them
/// right (the table of `make-voice.py`). The text in `voice.toml` keeps the normal
/// spelling.
const DUTCH_RESPELLINGS: [(&str, &str); 3] =
    [("Squats", "Skwots"), ("Lunges", "Lunches"), ("Eén", "Één")];

/// The text as given to espeak-ng: for Dutch, whole words of [`DUTCH_RESPELLINGS`]
/// replaced; otherwise unchanged.
pub fn spoken_form(text: &str, language: &str) -> String {
    if language != "nl" {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let replaced = DUTCH_RESPELLINGS
            .iter()
            .find(|(from, _)| from == word)
            .map_or(word.as_str(), |(_, to)| to);
        out.push_str(replaced);
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A clip to add to a pack: its id, file name and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClip {
    /// `say.<slug>`.
    pub id: String,
    /// `say-<slug>.wav`, relative to the pack folder.
    pub file: String,
    /// What it says (the cue's text, trimmed).
    pub text: String,
}

/// Every distinct `say` text of these sessions, trimmed, in order of appearance.
pub fn say_texts<'a>(sessions: impl IntoIterator<Item = &'a Session>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut texts = Vec::new();
    for session in sessions {
        for cue in session.blocks.iter().flat_map(|b| &b.cues) {
            if let Speech::Say(text) = &cue.speech.value {
                let text = text.trim();
                if !text.is_empty() && seen.insert(text.to_owned()) {
                    texts.push(text.to_owned());
                }
            }
        }
    }
    texts
}

/// The clips to make: one for each text no clip of `pack` says, with an id and file
/// name that are new to the pack. `file_taken` tells whether a file name is already
/// used in the target folder.
pub fn plan(pack: &VoicePack, texts: &[String], file_taken: impl Fn(&str) -> bool) -> Vec<NewClip> {
    let files: HashSet<&str> = pack.clips.iter().map(|c| c.file.as_str()).collect();
    let mut planned: Vec<NewClip> = Vec::new();
    for text in texts {
        let text = text.trim();
        if text.is_empty()
            || pack.clip_with_text(text).is_some()
            || planned.iter().any(|c| c.text == text)
        {
            continue;
        }
        let base = slug(text);
        let (id, file) = (1..)
            .map(|n| match n {
                1 => base.clone(),
                n => format!("{base}-{n}"),
            })
            .map(|s| (format!("say.{s}"), format!("say-{s}.wav")))
            .find(|(id, file)| {
                pack.index_of(id).is_none()
                    && !files.contains(file.as_str())
                    && !planned.iter().any(|c| &c.id == id || &c.file == file)
                    && !file_taken(file)
            })
            .unwrap_or_default();
        planned.push(NewClip {
            id,
            file,
            text: text.to_owned(),
        });
    }
    planned
}

/// The longest slug, in characters.
const MAX_SLUG: usize = 40;

/// A short file-name-safe form of a text: lower case ASCII letters and digits joined
/// by `-`, accents removed, at most 40 characters, cut between words:
/// `"Hoe voelen je kuiten nú?"` → `hoe-voelen-je-kuiten-nu`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded = fold_accent(c);
        if folded.is_empty() {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push_str(folded);
        }
    }
    let mut out = out.trim_end_matches('-').to_owned();
    if out.len() > MAX_SLUG {
        let cut = out[..=MAX_SLUG]
            .rfind('-')
            .filter(|&i| i > 0)
            .unwrap_or(MAX_SLUG);
        out.truncate(cut);
    }
    if out.is_empty() {
        "tekst".to_owned()
    } else {
        out
    }
}

/// An ASCII spelling of a lower-case character: letters and digits as themselves,
/// accented Latin letters without their accent, anything else empty.
fn fold_accent(c: char) -> &'static str {
    const ASCII: [&str; 36] = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
        "s", "t", "u", "v", "w", "x", "y", "z", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
    ];
    match c {
        'a'..='z' => ASCII[c as usize - 'a' as usize],
        '0'..='9' => ASCII[26 + c as usize - '0' as usize],
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'ç' => "c",
        'ñ' => "n",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ĳ' => "ij",
        _ => "",
    }
}

/// A finished clip: 16-bit mono samples and what was measured on them.
#[derive(Debug, Clone, PartialEq)]
pub struct Clip {
    /// The samples.
    pub samples: Vec<i16>,
    /// Their rate in Hz.
    pub rate: u32,
    /// Integrated loudness in LUFS.
    pub loudness: f64,
    /// The largest sample in dBFS.
    pub sample_peak: f64,
    /// Silence before the first sample above [`SILENCE_DBFS`], in seconds.
    pub lead: f64,
    /// Silence after the last sample above [`SILENCE_DBFS`], in seconds.
    pub trail: f64,
}

impl Clip {
    /// Length in seconds.
    pub fn duration(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.rate)
    }
}

/// The amplitude of [`SILENCE_DBFS`] in 16-bit sample units (about 104 of 32768).
fn silence_threshold() -> f64 {
    32768.0 * 10f64.powf(SILENCE_DBFS / 20.0)
}

/// Brings raw speech to the pack's standard, as `make-voice.py` does: gain towards
/// [`TARGET_LUFS`], a look-ahead limiter at [`PEAK_CEILING`], 16-bit samples, trimmed
/// to [`PAD_MS`] of silence at either end with [`FADE_MS`] fades; repeated with a
/// corrected gain until the loudness is within 0.1 LU of the target. `None` when
/// there is no sound above [`SILENCE_DBFS`] or too little to measure.
pub fn process(raw: &[f32], rate: u32) -> Option<Clip> {
    if rate == 0 {
        return None;
    }
    let raw_loudness = integrated_loudness(raw, rate)?;
    let mut gain_db = TARGET_LUFS - raw_loudness;
    let mut best: Option<Clip> = None;
    for _ in 0..GAIN_ROUNDS {
        let gain = 10f32.powf(gain_db as f32 / 20.0);
        let mut samples: Vec<f32> = raw.iter().map(|x| x * gain).collect();
        limit(&mut samples, rate, PEAK_CEILING);
        let quantized: Vec<i16> = samples
            .iter()
            .map(|x| (x * 32768.0).round().clamp(-32768.0, 32767.0) as i16)
            .collect();
        let trimmed = trim(&quantized, rate)?;
        let floats: Vec<f32> = trimmed.iter().map(|&x| f32::from(x) / 32768.0).collect();
        let loudness = integrated_loudness(&floats, rate)?;
        let (first, last) = sound_bounds(&trimmed)?;
        let clip = Clip {
            sample_peak: sample_peak_dbfs(&floats),
            loudness,
            lead: first as f64 / f64::from(rate),
            trail: (trimmed.len() - 1 - last) as f64 / f64::from(rate),
            samples: trimmed,
            rate,
        };
        let done = (loudness - TARGET_LUFS).abs() <= LUFS_TOLERANCE_BUILD;
        gain_db += TARGET_LUFS - loudness;
        let better = best
            .as_ref()
            .is_none_or(|b| (loudness - TARGET_LUFS).abs() < (b.loudness - TARGET_LUFS).abs());
        if better {
            best = Some(clip);
        }
        if done {
            break;
        }
    }
    best
}

/// The first and last index of a sample above the silence threshold.
fn sound_bounds(samples: &[i16]) -> Option<(usize, usize)> {
    let t = silence_threshold();
    let loud = |x: &i16| f64::from(*x).abs() > t;
    Some((
        samples.iter().position(loud)?,
        samples.iter().rposition(loud)?,
    ))
}

/// Cuts to [`PAD_MS`] before the first and after the last sound, fades the outer
/// [`FADE_MS`], and adds zeros where the sound starts or ends closer to the edge.
fn trim(samples: &[i16], rate: u32) -> Option<Vec<i16>> {
    let (first, last) = sound_bounds(samples)?;
    let pad = (f64::from(PAD_MS) * f64::from(rate) / 1000.0).round() as usize;
    let fade = (f64::from(FADE_MS) * f64::from(rate) / 1000.0).round() as i32;
    let a = first.saturating_sub(pad);
    let b = samples.len().min(last + 1 + pad);
    let mut seg = samples[a..b].to_vec();
    let n = seg.len();
    for i in 0..(fade.max(0) as usize).min(n) {
        let scale = |x: i16| (i32::from(x) * i as i32 / fade) as i16;
        seg[i] = scale(seg[i]);
        seg[n - 1 - i] = scale(seg[n - 1 - i]);
    }
    let mut out = vec![0; pad - (first - a)];
    out.extend_from_slice(&seg);
    out.resize(out.len() + pad - (b - 1 - last), 0);
    Some(out)
}

/// A look-ahead peak limiter: scales `samples` so that no sample exceeds `ceiling`,
/// with the gain lowered over [`LIMIT_ATTACK_MS`] before a peak and recovering with
/// a [`LIMIT_RELEASE_MS`] time constant after it.
///
/// The gain at a sample is the mean of `attack` values of a released running
/// minimum, each of which already lies below the gain that sample needs, so the
/// ceiling holds without a hard clip.
pub fn limit(samples: &mut [f32], rate: u32, ceiling: f32) {
    let n = samples.len();
    if n == 0 || ceiling <= 0.0 {
        return;
    }
    let look = ((u64::from(LIMIT_ATTACK_MS) * u64::from(rate) / 1000) as usize).max(1);
    let need: Vec<f32> = samples
        .iter()
        .map(|x| {
            let a = x.abs();
            if a > ceiling { ceiling / a } else { 1.0 }
        })
        .collect();
    // env[t] (t = k + look - 1) is the minimum need over samples k..k+look, released.
    let release = (-1.0 / (f64::from(LIMIT_RELEASE_MS) / 1000.0 * f64::from(rate))).exp() as f32;
    let total = n + look - 1;
    let mut env = Vec::with_capacity(total);
    let mut window: VecDeque<usize> = VecDeque::new();
    let mut gain = 1.0f32;
    for t in 0..total {
        if t < n {
            while window.back().is_some_and(|&j| need[j] >= need[t]) {
                window.pop_back();
            }
            window.push_back(t);
        }
        let lo = t.saturating_sub(look - 1);
        while window.front().is_some_and(|&j| j < lo) {
            window.pop_front();
        }
        let min = window.front().map_or(1.0, |&j| need[j]);
        gain = min.min(1.0 - (1.0 - gain) * release);
        env.push(gain);
    }
    // Sample j averages env[j ..= j + look - 1]: the minima whose windows hold j.
    let mut sum: f64 = env[..look - 1].iter().map(|&g| f64::from(g)).sum();
    for (j, x) in samples.iter_mut().enumerate() {
        sum += f64::from(env[j + look - 1]);
        let g = (sum / look as f64) as f32;
        *x = (*x * g).clamp(-ceiling, ceiling);
        sum -= f64::from(env[j]);
    }
}

/// The largest absolute sample in dBFS (−∞ for silence).
pub fn sample_peak_dbfs(samples: &[f32]) -> f64 {
    let peak = samples.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    20.0 * f64::from(peak).log10()
}

/// Integrated loudness of mono samples in LUFS (ITU-R BS.1770, EBU R 128), measured
/// with the `ebur128` crate. `None` when shorter than one 400 ms block or silent.
pub fn integrated_loudness(samples: &[f32], rate: u32) -> Option<f64> {
    let mut meter = ebur128::EbuR128::new(1, rate, ebur128::Mode::I).ok()?;
    meter.add_frames_f32(samples).ok()?;
    meter.loudness_global().ok().filter(|l| l.is_finite())
}

/// Writes a clip as a 16-bit mono WAV file, under a temporary name renamed into place.
pub fn write_wav(path: &Path, clip: &Clip) -> Result<(), SynthError> {
    let wav_error = |e: hound::Error| match e {
        hound::Error::IoError(e) => SynthError::Io {
            path: path.to_path_buf(),
            source: e,
        },
        other => SynthError::Io {
            path: path.to_path_buf(),
            source: io::Error::other(other.to_string()),
        },
    };
    let (atomic, file) = AtomicFile::create(path).map_err(io_error(path))?;
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: clip.rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::new(BufWriter::new(file), spec).map_err(wav_error)?;
    let mut samples = writer.get_i16_writer(clip.samples.len() as u32);
    for &s in &clip.samples {
        samples.write_sample(s);
    }
    samples.flush().map_err(wav_error)?;
    writer.finalize().map_err(wav_error)?;
    atomic.commit().map_err(io_error(path))
}

/// A TOML basic string: `"…"` with quotes, backslashes and control characters escaped.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `[clips]` line of a new clip: `"say.x" = { file = "say-x.wav", text = "…" }`.
pub fn manifest_line(clip: &NewClip) -> String {
    format!(
        "{} = {{ file = {}, text = {} }}",
        toml_string(&clip.id),
        toml_string(&clip.file),
        toml_string(&clip.text)
    )
}

/// `voice.toml` with lines for `clips` added at the end of its `[clips]` table, the
/// rest of the text untouched. `None` when there is no `[clips]` header line.
pub fn append_clips(manifest: &str, clips: &[NewClip]) -> Option<String> {
    let is_header = |line: &str| line.trim_start().starts_with('[');
    let is_clips_header = |line: &str| {
        let t = line.trim();
        let t = t.split_once('#').map_or(t, |(before, _)| before.trim_end());
        t.strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .is_some_and(|inner| matches!(inner.trim(), "clips" | "\"clips\""))
    };
    // Byte offsets of line starts, and where each line's content ends.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut offset = 0;
    for line in manifest.split_inclusive('\n') {
        lines.push((offset, line));
        offset += line.len();
    }
    let header = lines.iter().position(|(_, l)| is_clips_header(l))?;
    let end = lines[header + 1..]
        .iter()
        .position(|(_, l)| is_header(l))
        .map_or(lines.len(), |i| header + 1 + i);
    // After the table's last line that is neither blank nor a comment (comments just
    // before the next header usually introduce that table).
    let last = (header..end)
        .rev()
        .find(|&i| {
            let t = lines[i].1.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .unwrap_or(header);
    let (start, line) = lines[last];
    let insert_at = start + line.len();
    let mut added = String::new();
    if !line.ends_with('\n') {
        added.push('\n');
    }
    added.push_str("# Synthesized with espeak-ng by `rustig voice synth`.\n");
    for clip in clips {
        added.push_str(&manifest_line(clip));
        added.push('\n');
    }
    let mut out = String::with_capacity(manifest.len() + added.len());
    out.push_str(&manifest[..insert_at]);
    out.push_str(&added);
    out.push_str(&manifest[insert_at..]);
    Some(out)
}

/// One clip made by [`extend_pack`].
#[derive(Debug, Clone, PartialEq)]
pub struct Made {
    /// Its id, file and text.
    pub clip: NewClip,
    /// Length in seconds.
    pub duration: f64,
    /// Integrated loudness in LUFS.
    pub loudness: f64,
    /// The largest sample in dBFS.
    pub sample_peak: f64,
}

/// Whether extending `pack` into `dir` first copies the pack there (when the pack
/// does not already live in `dir`).
pub fn needs_seed(pack: &VoicePack, dir: &Path) -> bool {
    pack.files != PackFiles::Dir(dir.to_path_buf())
}

/// Makes `clips` with espeak-ng and adds them to the pack folder `dir`.
///
/// When `pack` is not already the pack in `dir` (it is the built-in one, or another
/// folder's), `dir` is first made a complete copy of it (its `voice.toml` and clip
/// files), so the pack on disk, which overrides the others, lacks nothing. Every clip
/// is synthesized before anything is written; then the clip files are written, and
/// `voice.toml` last, with the new lines added to its `[clips]` table and the rest
/// of the text untouched. The extended manifest is loaded before it replaces the old
/// one. `on_clip` is called after each clip is synthesized.
pub fn extend_pack(
    pack: &VoicePack,
    dir: &Path,
    clips: &[NewClip],
    espeak: &Espeak,
    mut on_clip: impl FnMut(&NewClip, &Clip),
) -> Result<Vec<Made>, SynthError> {
    let manifest_path = dir.join("voice.toml");
    let seed = needs_seed(pack, dir);
    let old_text = if seed {
        pack.source.text.clone()
    } else {
        std::fs::read_to_string(&manifest_path).map_err(io_error(&manifest_path))?
    };
    let new_text = append_clips(&old_text, clips).ok_or_else(|| SynthError::NoClipsTable {
        path: manifest_path.clone(),
    })?;

    let mut made = Vec::with_capacity(clips.len());
    let mut finished = Vec::with_capacity(clips.len());
    for clip in clips {
        let (raw, rate) = espeak.speak(&clip.text)?;
        let done = process(&raw, rate).ok_or_else(|| SynthError::Silent {
            text: clip.text.clone(),
        })?;
        on_clip(clip, &done);
        made.push(Made {
            clip: clip.clone(),
            duration: done.duration(),
            loudness: done.loudness,
            sample_peak: done.sample_peak,
        });
        finished.push(done);
    }

    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    if seed {
        for existing in &pack.clips {
            // Only files inside the pack folder are the pack's to copy; a path that
            // leads elsewhere stays as written (and must resolve from `dir`).
            let inside = Path::new(&existing.file)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside {
                continue;
            }
            let target = dir.join(&existing.file);
            let bytes = pack
                .files
                .read(&existing.file)
                .map_err(io_error(Path::new(&pack.files.describe(&existing.file))))?;
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(io_error(parent))?;
            }
            AtomicFile::write(&target, &bytes).map_err(io_error(&target))?;
        }
    }
    for (clip, done) in clips.iter().zip(&finished) {
        write_wav(&dir.join(&clip.file), done)?;
    }

    let (manifest, diags) = parse_manifest(
        &manifest_path,
        new_text.as_bytes(),
        &PackFiles::Dir(dir.to_path_buf()),
    );
    let errors: String = diags
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    let complete = manifest.is_some_and(|m| {
        clips
            .iter()
            .all(|c| m.clips.iter().any(|m| m.id == c.id && m.text == c.text))
    });
    if !errors.is_empty() || !complete {
        return Err(SynthError::InvalidResult {
            path: manifest_path,
            problems: if errors.is_empty() {
                "the new clips were not found in the [clips] table".to_owned()
            } else {
                errors
            },
        });
    }
    AtomicFile::write(&manifest_path, new_text.as_bytes()).map_err(io_error(&manifest_path))?;
    Ok(made)
}
