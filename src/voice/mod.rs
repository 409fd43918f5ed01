//! Voice packs: `audio/<voice>/voice.toml` maps clip ids to WAV files and their text.
//!
//! Input: a pack name and where to look. Output: a [`VoicePack`] that knows every
//! clip's id, text and length (read from the WAV header), and, before any sound
//! starts, a [`ClipBank`] with the clips a timeline needs decoded and resampled once
//! to the output rate. Lookup order: `--voice-dir`, `./audio/<voice>/`,
//! `$XDG_DATA_HOME/rustig/voices/<voice>/`, then the pack built into the binary.
//!
//! Making packs lives here too: [`synth`] (espeak-ng), [`import`] (a folder of
//! recordings) and [`record`] (a microphone, through [`capture`], with takes played
//! back through [`playback`]); all of them share [`process`].

pub mod capture;
mod clips;
mod decode;
pub mod ids;
pub mod import;
mod manifest;
pub mod playback;
pub mod process;
pub mod record;
pub mod synth;

pub use clips::{CLIP_SCALE, ClipBank, resample, resample_to_clip, to_clip_samples};
pub use decode::{
    DecodeError, MAX_CHANNELS, MAX_FILE_BYTES, MAX_SECONDS, decode, decode_file, decode_wav,
    duration,
};
pub use ids::{DEFAULT_VOICE, core_ids};
pub use manifest::{ClipInfo, PackFiles, parse_manifest};

use crate::session::Code;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::session::{Diagnostic, Source};

/// Where voice packs are looked for.
#[derive(Debug, Clone, Default)]
pub struct VoiceLookup {
    /// `--voice-dir`: a pack folder, or a folder of pack folders.
    pub voice_dir: Option<PathBuf>,
    /// The folder whose `audio/<voice>/` is searched (the current folder).
    pub cwd: PathBuf,
    /// `$XDG_DATA_HOME/rustig/voices`, if known.
    pub user_voices: Option<PathBuf>,
}

impl VoiceLookup {
    /// The lookup a command line uses: the current folder and the user's data folder.
    pub fn from_env(voice_dir: Option<PathBuf>) -> Self {
        VoiceLookup {
            voice_dir,
            cwd: std::env::current_dir().unwrap_or_default(),
            user_voices: dirs::data_dir().map(|d| d.join("rustig").join("voices")),
        }
    }

    /// Only the built-in packs (for tests and reproducible builds).
    pub fn builtin_only() -> Self {
        VoiceLookup {
            voice_dir: None,
            cwd: PathBuf::from("/nonexistent-rustig-cwd"),
            user_voices: None,
        }
    }

    /// The folder a pack named `voice` would be loaded from, if any on disk. A name
    /// that is not a plain folder name (`../../etc`) is never looked up. A
    /// `voice.toml` that is there but not a file is found, so loading it says why.
    pub fn find_dir(&self, voice: &str) -> Option<PathBuf> {
        if check_voice_name(voice).is_err() {
            return None;
        }
        let has = |dir: &Path| std::fs::symlink_metadata(dir.join("voice.toml")).is_ok();
        if let Some(dir) = &self.voice_dir {
            if has(dir) {
                return Some(dir.clone());
            }
            let sub = dir.join(voice);
            return has(&sub).then_some(sub);
        }
        let local = self.cwd.join("audio").join(voice);
        if has(&local) {
            return Some(local);
        }
        let user = self.user_voices.as_ref()?.join(voice);
        has(&user).then_some(user)
    }
}

/// Checks a voice pack's name (`--voice NAME`, `voice = "…"`): a folder name of
/// letters, digits, `-`, `_` and `.`, not starting with `.`, at most 64 characters,
/// so it can never name a path outside the folders searched.
pub fn check_voice_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a voice pack name: use the name of a pack folder (letters, digits, - and _), e.g. nl",
            name.escape_debug()
        ))
    }
}

/// Where a pack found by [`VoiceLookup::all`] lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Given with `--voice-dir`.
    VoiceDir(PathBuf),
    /// `./audio/<voice>/`.
    Local(PathBuf),
    /// `$XDG_DATA_HOME/rustig/voices/<voice>/`.
    User(PathBuf),
    /// Built into the binary.
    BuiltIn,
}

/// A pack's `voice.toml` is read up to this size (the parser refuses more).
const MANIFEST_BYTES: u64 = crate::session::toml_reader::MAX_FILE_BYTES as u64;

/// A pack folder (or built-in pack) found by [`VoiceLookup::all`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPack {
    /// The name it is chosen by (`--voice NAME`): its folder's name.
    pub voice: String,
    /// Where it is.
    pub place: Place,
    /// Whether `--voice NAME` picks this one (the first place in lookup order).
    pub in_use: bool,
}

impl VoiceLookup {
    /// Every pack this lookup can see, in lookup order: `--voice-dir` (a pack or a
    /// folder of packs; it replaces the next two), `./audio/*/`,
    /// `$XDG_DATA_HOME/rustig/voices/*/`, then the built-in packs.
    pub fn all(&self) -> Vec<FoundPack> {
        let subdirs = |dir: &Path| -> Vec<(String, PathBuf)> {
            let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.join("voice.toml").is_file())
                .map(|p| {
                    let name = p
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned();
                    (name, p)
                })
                .collect();
            out.sort();
            out
        };
        let mut found: Vec<FoundPack> = Vec::new();
        let mut push = |voice: String, place: Place| {
            let in_use = found.iter().all(|f| f.voice != voice);
            found.push(FoundPack {
                voice,
                place,
                in_use,
            });
        };
        if let Some(dir) = &self.voice_dir {
            if dir.join("voice.toml").is_file() {
                let name = dir
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                push(name, Place::VoiceDir(dir.clone()));
            } else {
                for (name, p) in subdirs(dir) {
                    push(name, Place::VoiceDir(p));
                }
            }
        } else {
            for (name, p) in subdirs(&self.cwd.join("audio")) {
                push(name, Place::Local(p));
            }
            if let Some(user) = &self.user_voices {
                for (name, p) in subdirs(user) {
                    push(name, Place::User(p));
                }
            }
        }
        for name in builtin_voices() {
            push(name, Place::BuiltIn);
        }
        found
    }

    /// The ids in the `[clips]` table of pack `voice`'s manifest, read leniently: a
    /// pack that does not load can still say which core clips it lacks.
    pub fn manifest_ids(&self, voice: &str) -> Option<BTreeSet<String>> {
        let text = match self.find_dir(voice) {
            Some(dir) => String::from_utf8(
                crate::input::read_limited(&dir.join("voice.toml"), MANIFEST_BYTES).ok()?,
            )
            .ok()?,
            None => {
                String::from_utf8(crate::builtin::voice_file(voice, "voice.toml")?.to_vec()).ok()?
            }
        };
        let table: toml::Table = toml::from_str(&text).ok()?;
        Some(table.get("clips")?.as_table()?.keys().cloned().collect())
    }
}

/// The names of the packs built into the binary.
pub fn builtin_voices() -> Vec<String> {
    crate::builtin::AUDIO
        .iter()
        .filter_map(|(path, _)| path.strip_suffix("/voice.toml"))
        .filter(|name| !name.contains('/'))
        .map(str::to_owned)
        .collect()
}

/// The core ids (in [`core_ids`] order) that are not among `ids`.
pub fn core_ids_missing_from(ids: &BTreeSet<String>) -> Vec<String> {
    core_ids()
        .into_iter()
        .filter(|id| !ids.contains(id))
        .collect()
}

/// Why a voice pack could not be loaded.
#[derive(Debug)]
pub enum PackError {
    /// No pack of that name on disk or built in.
    NotFound {
        /// The folders that were searched.
        places: Vec<String>,
    },
    /// The pack exists but has problems.
    Invalid(Vec<Diagnostic>),
}

/// A loaded voice pack: its manifest and each clip's length.
#[derive(Debug, Clone)]
pub struct VoicePack {
    /// The pack's folder name, e.g. `nl`.
    pub voice: String,
    /// `[pack] name`.
    pub name: String,
    /// `[pack] language`.
    pub language: String,
    /// `[pack] coach`, or the pack's name: who speaks (the artist of exports).
    pub coach: String,
    /// The clips in file order.
    pub clips: Vec<ClipInfo>,
    /// Where the files come from.
    pub files: PackFiles,
    /// The manifest (for messages).
    pub source: Arc<Source>,
    by_id: HashMap<String, usize>,
}

impl VoicePack {
    /// Finds and loads the pack `voice`. Errors are located in its `voice.toml`, or
    /// say where it was looked for.
    pub fn load(
        voice: &str,
        lookup: &VoiceLookup,
    ) -> Result<(VoicePack, Vec<Diagnostic>), PackError> {
        if let Some(dir) = lookup.find_dir(voice) {
            return Self::load_dir(voice, &dir).map_err(PackError::Invalid);
        }
        if let Some(bytes) = crate::builtin::voice_file(voice, "voice.toml") {
            let path = PathBuf::from(format!("<built-in>/audio/{voice}/voice.toml"));
            return Self::from_manifest(voice, &path, bytes, PackFiles::BuiltIn(voice.to_owned()))
                .map_err(PackError::Invalid);
        }
        let mut places = Vec::new();
        if let Some(d) = &lookup.voice_dir {
            places.push(d.display().to_string());
        } else {
            places.push(lookup.cwd.join("audio").join(voice).display().to_string());
            if let Some(u) = &lookup.user_voices {
                places.push(u.join(voice).display().to_string());
            }
        }
        Err(PackError::NotFound { places })
    }

    /// Loads the pack in `dir` (which holds `voice.toml`).
    pub fn load_dir(
        voice: &str,
        dir: &Path,
    ) -> Result<(VoicePack, Vec<Diagnostic>), Vec<Diagnostic>> {
        let path = dir.join("voice.toml");
        let bytes = crate::input::read_limited(&path, MANIFEST_BYTES).map_err(|e| {
            let source = Source::new(&path, "");
            vec![Diagnostic::error(
                Code::Unreadable,
                &source,
                None,
                format!("cannot read the voice pack: {}", e.reason()),
            )]
        })?;
        Self::from_manifest(voice, &path, &bytes, PackFiles::Dir(dir.to_path_buf()))
    }

    fn from_manifest(
        voice: &str,
        path: &Path,
        bytes: &[u8],
        files: PackFiles,
    ) -> Result<(VoicePack, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (manifest, mut diags) = parse_manifest(path, bytes, &files);
        match manifest {
            Some(mut m) => {
                if let Some((fallback, span)) = m.fallback.take() {
                    match VoicePack::load(&fallback, &VoiceLookup::builtin_only()) {
                        Ok((built_in, _)) => {
                            for clip in built_in.clips {
                                if m.clips.iter().all(|c| c.id != clip.id) {
                                    m.clips.push(ClipInfo {
                                        span: span.clone(),
                                        borrowed_from: Some(fallback.clone()),
                                        ..clip
                                    });
                                }
                            }
                        }
                        Err(_) => {
                            diags.push(
                                Diagnostic::error(Code::PackClip,
                                    &m.source,
                                    Some(span),
                                    format!("there is no built-in pack `{fallback}` to borrow clips from"),
                                )
                                .with_help("the built-in pack is `nl`; or leave `fallback` out"),
                            );
                            return Err(diags);
                        }
                    }
                }
                let by_id = m
                    .clips
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.id.clone(), i))
                    .collect();
                Ok((
                    VoicePack {
                        voice: voice.to_owned(),
                        coach: m.coach.unwrap_or_else(|| m.name.clone()),
                        name: m.name,
                        language: m.language,
                        clips: m.clips,
                        files,
                        source: m.source,
                        by_id,
                    },
                    diags,
                ))
            }
            None => Err(diags),
        }
    }

    /// The clips borrowed from a built-in pack (`[pack] fallback`).
    pub fn borrowed(&self) -> impl Iterator<Item = &ClipInfo> {
        self.clips.iter().filter(|c| c.borrowed_from.is_some())
    }

    /// Where clip `index`'s file is read from: the pack's, or the built-in pack's
    /// for a borrowed clip.
    pub fn clip_files(&self, index: usize) -> PackFiles {
        match self.clips.get(index).and_then(|c| c.borrowed_from.as_ref()) {
            Some(voice) => PackFiles::BuiltIn(voice.clone()),
            None => self.files.clone(),
        }
    }

    /// The bytes of clip `index`'s file.
    pub fn read_clip(&self, index: usize) -> std::io::Result<std::borrow::Cow<'static, [u8]>> {
        let file = self.clips.get(index).map_or("", |c| c.file.as_str());
        self.clip_files(index).read(file)
    }

    /// A readable description of where clip `index`'s file lives.
    pub fn describe_clip(&self, index: usize) -> String {
        let file = self.clips.get(index).map_or("", |c| c.file.as_str());
        self.clip_files(index).describe(file)
    }

    /// The index of a clip id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// A clip by id.
    pub fn clip(&self, id: &str) -> Option<&ClipInfo> {
        self.index_of(id).map(|i| &self.clips[i])
    }

    /// The clip whose text is exactly `text` (ignoring surrounding white space).
    pub fn clip_with_text(&self, text: &str) -> Option<&ClipInfo> {
        let text = text.trim();
        self.clips.iter().find(|c| c.text.trim() == text)
    }

    /// The core ids this pack lacks.
    pub fn missing_core_ids(&self) -> Vec<String> {
        core_ids()
            .into_iter()
            .filter(|id| !self.by_id.contains_key(id))
            .collect()
    }

    /// All problems of the pack as a whole: missing core clips (on top of the
    /// per-clip problems found while loading).
    pub fn check(&self) -> Vec<Diagnostic> {
        let missing = self.missing_core_ids();
        if missing.is_empty() {
            return Vec::new();
        }
        let span = self.source.text.find("[clips]").map(|i| i..i + 7);
        vec![
            Diagnostic::error(
                Code::PackIncomplete,
                &self.source,
                span,
                format!(
                    "the pack lacks {} clip(s) that automatic cues need: {}",
                    missing.len(),
                    missing.join(", ")
                ),
            )
            .with_help("add them to [clips], each with a recorded or synthesized WAV file"),
        ]
    }

    /// Decodes and resamples the clips with these indices to `rate`, once, before
    /// playback or rendering starts.
    pub fn load_clips(
        &self,
        indices: impl IntoIterator<Item = usize>,
        rate: u32,
    ) -> Result<ClipBank, DecodeError> {
        let mut bank = ClipBank::with_len(self.clips.len());
        for i in indices {
            if bank.get(i).is_some() {
                continue;
            }
            bank.set(i, self.decode_clip(i, rate)?.into());
        }
        Ok(bank)
    }

    /// Clip `i` decoded and resampled to `rate`, as 16-bit samples. Each buffer is
    /// dropped as soon as the next exists: clips are decoded on several threads.
    pub fn decode_clip(&self, i: usize, rate: u32) -> Result<Vec<i16>, DecodeError> {
        let clip = &self.clips[i];
        let bytes = self.read_clip(i).map_err(|source| DecodeError::Io {
            file: clip.file.clone(),
            source,
        })?;
        let (samples, from) = decode(&bytes, &clip.file)?;
        drop(bytes);
        Ok(resample_to_clip(&samples, from, rate))
    }
}
