/*! Clips for `say` texts, synthesized with espeak-ng (`rustig voice synth`).

A session may say free text (`say = "…"`) that only works when some clip of the voice
pack has exactly that text. This module finds such texts ([`say_texts`], [`plan`]),
speaks them with the external `espeak-ng` program ([`Espeak`]), brings each clip to
the pack's standard ([`process`](super::process): −16 LUFS, peaks below −2 dBFS, 20 ms of silence at
either end) and adds it to a pack folder on disk ([`extend_pack`]): clip files first,
then `voice.toml`, each written to a temporary name and renamed into place.

The settings and the processing are those of the Dutch pack's own script,
`audio/nl/make-voice.py`, so a synthesized clip sounds like the rest of the pack. The
script uses ffmpeg's limiter and loudness meter; here both are done in Rust (a
look-ahead limiter and an ITU-R BS.1770 meter), so espeak-ng is the only program
needed.

Nothing here prints; progress is reported through a callback.
*/

use std::collections::HashSet;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::process::{Clip, process, write_wav};
use super::{DecodeError, PackFiles, VoicePack, decode_wav, parse_manifest};
use crate::atomic::AtomicFile;
use crate::session::{Session, Speech};

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
    #[error("cannot read what espeak-ng made of \"{text}\"")]
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
    #[error("{}", path.display())]
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

/// The inline table of a clip entry: `{ file = "…", text = "…" }`, basic strings.
fn clip_value(file: &str, text: &str) -> String {
    format!(
        "{{ file = {}, text = {} }}",
        toml_string(file),
        toml_string(text)
    )
}

/// `voice.toml` with entries for `clips` added at the end of its `[clips]` table,
/// under `comment` (a `# …` line), edited with `toml_edit` so the rest of the text,
/// comments included, stays as it was. `None` when the text is not TOML or has no
/// `[clips]` table (an inline `clips = {…}` is not extended).
pub fn add_clip_entries(
    manifest: &str,
    comment: &str,
    clips: &[(String, String, String)],
) -> Option<String> {
    let mut doc: toml_edit::DocumentMut = manifest.parse().ok()?;
    let table = doc.get_mut("clips")?.as_table_mut()?;
    for (i, (id, file, text)) in clips.iter().enumerate() {
        let mut key: toml_edit::Key = toml_string(id).parse().ok()?;
        if i == 0 {
            key.leaf_decor_mut().set_prefix(format!("{comment}\n"));
        }
        let mut value: toml_edit::Value = clip_value(file, text).parse().ok()?;
        value.decor_mut().set_prefix(" ");
        table.insert_formatted(&key, toml_edit::Item::Value(value));
    }
    let mut out = doc.to_string();
    if !manifest.ends_with('\n') && !out.ends_with('\n') {
        out.push('\n');
    }
    Some(out)
}

/// `voice.toml` with lines for `clips` added at the end of its `[clips]` table, the
/// rest of the text untouched. `None` when there is no `[clips]` header line.
pub fn append_clips(manifest: &str, clips: &[NewClip]) -> Option<String> {
    let entries: Vec<(String, String, String)> = clips
        .iter()
        .map(|c| (c.id.clone(), c.file.clone(), c.text.clone()))
        .collect();
    add_clip_entries(
        manifest,
        "# Synthesized with espeak-ng by `rustig voice synth`.",
        &entries,
    )
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
        for existing in pack.clips.iter().filter(|c| c.borrowed_from.is_none()) {
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
        let path = dir.join(&clip.file);
        write_wav(&path, done).map_err(io_error(&path))?;
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

/// The session files named by `paths`: each file itself, or the `.toml` files below a
/// folder (other than `program.toml` and `voice.toml`), in name order. A folder that
/// cannot be read is kept as it is, so reading it reports the problem.
pub fn session_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    // `seen`: folders walked, by canonical path, so a symlink loop is walked once.
    fn walk(path: &Path, out: &mut Vec<PathBuf>, seen: &mut HashSet<PathBuf>) {
        if !path.is_dir() {
            out.push(path.to_path_buf());
            return;
        }
        if let Ok(real) = path.canonicalize()
            && !seen.insert(real)
        {
            return;
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(_) => {
                out.push(path.to_path_buf());
                return;
            }
        };
        entries.sort();
        for p in entries {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            if p.is_dir() {
                walk(&p, out, seen);
            } else if p.extension().is_some_and(|e| e == "toml")
                && !matches!(name.as_deref(), Some("program.toml" | "voice.toml"))
            {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        walk(path, &mut files, &mut seen);
    }
    files
}

/// Sessions that name more than one voice pack, so which to extend is unclear.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the sessions use different voice packs ({}); choose one with --voice", .0.join(", "))]
pub struct MixedVoices(pub Vec<String>);

/// The voice pack the sessions name (`nl` for none); an error when they differ.
pub fn sessions_voice(sessions: &[Session]) -> Result<String, MixedVoices> {
    let voices: std::collections::BTreeSet<&str> =
        sessions.iter().map(|s| s.voice.value.as_str()).collect();
    let mut names = voices.into_iter().map(str::to_owned);
    match (names.next(), names.next()) {
        (None, _) => Ok(super::DEFAULT_VOICE.to_owned()),
        (Some(voice), None) => Ok(voice),
        (Some(first), Some(second)) => Err(MixedVoices(
            [first, second].into_iter().chain(names).collect(),
        )),
    }
}

/// The pack folder synthesized clips go to: `dir` when given, else the folder pack
/// `voice` is loaded from, else `./audio/<voice>/`.
pub fn target_dir(dir: Option<&Path>, voice: &str, lookup: &super::VoiceLookup) -> PathBuf {
    dir.map(Path::to_path_buf)
        .or_else(|| lookup.find_dir(voice))
        .unwrap_or_else(|| Path::new("audio").join(voice))
}
