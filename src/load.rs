//! From a path to everything needed to play or render: find the session (on disk or
//! built in), validate it, load its voice pack and compile the timeline. Also finds
//! programs, including the built-in default program.
//!
//! Returns diagnostics instead of printing them; the CLI decides how to show them.

use crate::session::Code;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::session::{
    ClickSound, Diagnostic, Program, Session, Source, parse_program, parse_session_partial,
};
use crate::timeline::{Compiled, compile};
use crate::voice::{PackError, VoiceLookup, VoicePack};

/// Session, program and manifest files are read up to one byte past this limit, so
/// the parser's own size check (1 MiB) can say how large is too large.
const MAX_TEXT_BYTES: u64 = crate::session::toml_reader::MAX_FILE_BYTES as u64;

/// A session's bytes and the names to show and resolve against.
#[derive(Debug, Clone)]
pub struct SessionFile {
    /// The path as shown in messages.
    pub display: PathBuf,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// The folder relative paths in the session resolve against.
    pub base: PathBuf,
}

/// The path inside the built-in `sessions/` that `path` names, if any
/// (`sessions/opbouw/week01-1.toml` or `opbouw/week01-1.toml`; a folder without its
/// trailing `/`). Used by every command that falls back to the built-in sessions.
pub fn builtin_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let inner = text.strip_prefix("./").unwrap_or(&text);
    let inner = inner.strip_prefix("sessions/").unwrap_or(inner);
    inner.trim_end_matches('/').to_owned()
}

/// Reads a session from disk, or from the built-in `sessions/` when no such file
/// exists on disk.
pub fn read_session(path: &Path) -> Result<SessionFile, Diagnostic> {
    match crate::input::read_limited(path, MAX_TEXT_BYTES) {
        Ok(bytes) => Ok(SessionFile {
            display: path.to_path_buf(),
            bytes,
            base: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        }),
        Err(e) => {
            let inner = builtin_path(path);
            if let Some(bytes) = crate::builtin::session_file(&inner) {
                return Ok(SessionFile {
                    display: PathBuf::from(format!("<built-in>/sessions/{inner}")),
                    bytes: bytes.to_vec(),
                    base: PathBuf::new(),
                });
            }
            let source = Source::new(path, "");
            let help = match &e {
                e if e.io_kind() == Some(std::io::ErrorKind::NotFound) => {
                    "check the path; the built-in sessions are sessions/opbouw/weekNN-N.toml and sessions/voorbeelden/*.toml"
                }
                crate::input::InputError::Io { .. } => "check that the file is readable",
                _ => "a session is a small text file (.toml); check the path",
            };
            Err(Diagnostic::error(
                Code::Unreadable,
                &source,
                None,
                format!("cannot read the session: {}", e.reason()),
            )
            .with_help(help))
        }
    }
}

/// Everything needed to play or render a session.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated session.
    pub session: Session,
    /// Its voice pack.
    pub pack: VoicePack,
    /// The compiled timeline and its warnings.
    pub compiled: Compiled,
}

/// What the cache knows of a voice pack.
#[derive(Debug, Clone)]
enum Cached {
    /// Loaded and usable.
    Usable(Box<VoicePack>),
    /// Has errors; they were reported with the first session that used it.
    Broken,
}

/// Loads sessions with their voice packs, each pack once: the one place packs are
/// cached, used by check, export, play, render and show.
///
/// A pack with errors is reported in full with the first session that uses it; later
/// sessions get one line pointing back at those problems.
#[derive(Debug)]
pub struct PackCache<'l> {
    lookup: &'l VoiceLookup,
    packs: RefCell<HashMap<String, Cached>>,
}

impl<'l> PackCache<'l> {
    /// An empty cache that finds packs through `lookup`.
    pub fn new(lookup: &'l VoiceLookup) -> Self {
        PackCache {
            lookup,
            packs: RefCell::new(HashMap::new()),
        }
    }

    /// An already usable pack, so sessions of that voice do not load it again.
    pub fn insert(&self, pack: VoicePack) {
        self.packs
            .borrow_mut()
            .insert(pack.voice.clone(), Cached::Usable(Box::new(pack)));
    }

    /// Validates and compiles a session file, returning every diagnostic (errors and
    /// warnings) and the result when there were no errors.
    pub fn load(&self, file: &SessionFile) -> (Vec<Diagnostic>, Option<Loaded>) {
        self.load_with_voice(file, None)
    }

    /// Reads and compiles the session at `path` (disk or built in).
    pub fn load_path(&self, path: &Path) -> (Vec<Diagnostic>, Option<Loaded>) {
        match read_session(path) {
            Ok(file) => self.load(&file),
            Err(d) => (vec![d], None),
        }
    }

    /// Like [`load`](Self::load), with the voice pack `voice` instead of the session's
    /// own (`play --voice`).
    pub fn load_with_voice(
        &self,
        file: &SessionFile,
        voice: Option<&str>,
    ) -> (Vec<Diagnostic>, Option<Loaded>) {
        let (session, mut diags) = parse_session_partial(&file.display, &file.bytes, &file.base);
        let Some(mut session) = session else {
            return (diags, None);
        };
        if let Some(voice) = voice {
            session.voice.value = voice.to_owned();
        }
        if diags.iter().any(Diagnostic::is_error) {
            // Report what compiling would find too (unknown clips, texts, exercises), so
            // one `check` lists every problem. Missing packs were not the question here.
            if let Some(pack) = self.usable(&session.voice.value)
                && let Err(errors) = compile(&session, &pack)
            {
                diags.extend(errors);
            }
            return (diags, None);
        }
        if let Some(d) = check_click_file(&session) {
            diags.push(d);
            return (diags, None);
        }
        let pack = match self.pack(&session) {
            Ok((pack, pack_diags)) => {
                diags.extend(pack_diags);
                pack
            }
            Err(errors) => {
                diags.extend(errors);
                return (diags, None);
            }
        };
        match compile(&session, &pack) {
            Ok(compiled) => {
                diags.extend(compiled.warnings.iter().cloned());
                (
                    diags,
                    Some(Loaded {
                        session,
                        pack,
                        compiled,
                    }),
                )
            }
            Err(errors) => {
                diags.extend(errors);
                (diags, None)
            }
        }
    }

    /// The pack `voice` if it is (or loads as) usable, without reporting anything.
    fn usable(&self, voice: &str) -> Option<VoicePack> {
        if let Some(cached) = self.packs.borrow().get(voice) {
            return match cached {
                Cached::Usable(p) => Some((**p).clone()),
                Cached::Broken => None,
            };
        }
        let (pack, _) = VoicePack::load(voice, self.lookup).ok()?;
        self.insert(pack.clone());
        Some(pack)
    }

    /// The session's pack and its warnings (only the first time it is loaded), or the
    /// errors that make it unusable.
    fn pack(&self, session: &Session) -> Result<(VoicePack, Vec<Diagnostic>), Vec<Diagnostic>> {
        let voice = &session.voice;
        let error = |message: String| {
            Diagnostic::error(
                Code::VoiceNotFound,
                &session.source,
                Some(voice.span.clone()),
                message,
            )
        };
        match self.packs.borrow().get(&voice.value) {
            Some(Cached::Usable(p)) => return Ok(((**p).clone(), Vec::new())),
            Some(Cached::Broken) => {
                return Err(vec![error(format!(
                    "voice pack `{}` cannot be used; its problems are listed above",
                    voice.value
                ))]);
            }
            None => {}
        }
        match VoicePack::load(&voice.value, self.lookup) {
            Ok((pack, diags)) => {
                self.insert(pack.clone());
                Ok((pack, diags))
            }
            Err(PackError::NotFound { places }) => Err(vec![
                error(format!("voice pack `{}` not found", voice.value)).with_help(format!(
                    "looked in {}; the built-in pack is \"nl\"",
                    places.join(", ")
                )),
            ]),
            Err(PackError::Invalid(pack_diags)) => {
                self.packs
                    .borrow_mut()
                    .insert(voice.value.clone(), Cached::Broken);
                let mut errors = vec![
                    error(format!("voice pack `{}` has errors", voice.value))
                        .with_help("its problems follow"),
                ];
                errors.extend(pack_diags);
                Err(errors)
            }
        }
    }
}

/// A click sound given as a file must be a sound file (any format the voice packs
/// take) with samples.
fn check_click_file(session: &Session) -> Option<Diagnostic> {
    let sound = &session.metronome.sound;
    let ClickSound::File(path) = &sound.value else {
        return None;
    };
    let name = path.display().to_string();
    let problem = match crate::input::read_limited(path, crate::voice::MAX_FILE_BYTES) {
        Err(e) => format!("cannot read {name}: {}", e.reason()),
        Ok(bytes) => match crate::voice::decode(&bytes, &name) {
            Ok((samples, _)) if !samples.is_empty() => return None,
            Ok(_) => format!("{name} has no samples"),
            Err(e) => crate::errors::Chain(&e).to_string(),
        },
    };
    Some(
        Diagnostic::error(Code::ClickSound,
            &session.source,
            Some(sound.span.clone()),
            format!("the click sound cannot be used: {problem}"),
        )
        .with_help("use a WAV, FLAC, MP3, Ogg Vorbis or M4A file (mono or stereo, any rate), or \"tik\", \"klak\", \"piep\" or \"tok\""),
    )
}

/// A program and where its session files come from.
#[derive(Debug, Clone)]
pub struct ProgramFiles {
    /// The validated program.
    pub program: Program,
    /// Each session's file, in program order.
    pub sessions: Vec<SessionFile>,
}

/// Loads a program folder (with `program.toml`) from disk, or the built-in program of
/// that name (`sessions/opbouw` or `opbouw`).
pub fn load_program(folder: &Path) -> (Vec<Diagnostic>, Option<ProgramFiles>) {
    let manifest = folder.join("program.toml");
    if manifest.is_file() {
        let bytes = match crate::input::read_limited(&manifest, MAX_TEXT_BYTES) {
            Ok(b) => b,
            Err(e) => {
                let source = Source::new(&manifest, "");
                return (
                    vec![Diagnostic::error(
                        Code::Unreadable,
                        &source,
                        None,
                        format!("cannot read the program: {}", e.reason()),
                    )],
                    None,
                );
            }
        };
        // A name that is a symlink out of the folder counts as missing.
        let (program, diags) = parse_program(&manifest, &bytes, folder, |name| {
            folder.join(name).is_file() && crate::input::resolves_inside(folder, name)
        });
        let Some(program) = program else {
            return (diags, None);
        };
        let mut sessions = Vec::new();
        let mut diags = diags;
        for path in program.session_paths() {
            match read_session(&path) {
                Ok(f) => sessions.push(f),
                Err(d) => diags.push(d),
            }
        }
        return (diags, Some(ProgramFiles { program, sessions }));
    }
    let inner = builtin_path(folder);
    let Some(bytes) = crate::builtin::session_file(&format!("{inner}/program.toml")) else {
        let source = Source::new(&manifest, "");
        return (
            vec![Diagnostic::error(Code::Unreadable, &source, None, format!("{} is not a program folder: it has no program.toml", folder.display()))
                .with_help("a program is a folder with program.toml and its sessions; the built-in one is sessions/opbouw")],
            None,
        );
    };
    let shown = PathBuf::from(format!("<built-in>/sessions/{inner}"));
    let (program, diags) = parse_program(&shown.join("program.toml"), bytes, &shown, |name| {
        crate::builtin::session_file(&format!("{inner}/{name}")).is_some()
    });
    let Some(program) = program else {
        return (diags, None);
    };
    let sessions = program
        .sessions
        .iter()
        .map(|s| SessionFile {
            display: shown.join(&s.value),
            bytes: crate::builtin::session_file(&format!("{inner}/{}", s.value))
                .unwrap_or_default()
                .to_vec(),
            base: PathBuf::new(),
        })
        .collect();
    (diags, Some(ProgramFiles { program, sessions }))
}

/// The built-in default program, `sessions/opbouw`.
pub fn default_program() -> (Vec<Diagnostic>, Option<ProgramFiles>) {
    load_program(Path::new(crate::builtin::DEFAULT_PROGRAM))
}
