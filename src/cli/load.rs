//! Shared by the commands: find a session (on disk or built in), validate it, load its
//! voice pack and compile it, printing every problem on the way.

use std::path::{Path, PathBuf};

use crate::session::{Diagnostic, Session, parse_session};
use crate::timeline::{Compiled, compile};
use crate::voice::{PackError, VoiceLookup, VoicePack};

/// A session's bytes and the names to show and resolve against.
pub struct SessionFile {
    /// The path as shown in messages.
    pub display: PathBuf,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// The folder relative paths in the session resolve against.
    pub base: PathBuf,
}

/// Reads a session from disk, or from the built-in `sessions/` when no such file
/// exists (`sessions/opbouw/week01-1.toml` or `opbouw/week01-1.toml`).
pub fn read_session(path: &Path) -> Result<SessionFile, Diagnostic> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(SessionFile {
            display: path.to_path_buf(),
            bytes,
            base: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        }),
        Err(e) => {
            let text = path.to_string_lossy().replace('\\', "/");
            let inner = text.strip_prefix("./").unwrap_or(&text);
            let inner = inner.strip_prefix("sessions/").unwrap_or(inner);
            if let Some(bytes) = crate::builtin::session_file(inner) {
                return Ok(SessionFile {
                    display: PathBuf::from(format!("<built-in>/sessions/{inner}")),
                    bytes: bytes.to_vec(),
                    base: PathBuf::new(),
                });
            }
            let source = crate::session::Source::new(path, "");
            let help = if e.kind() == std::io::ErrorKind::NotFound {
                "check the path; the built-in sessions are sessions/opbouw/weekNN-N.toml and sessions/voorbeelden/*.toml"
            } else {
                "check that the file is readable"
            };
            Err(
                Diagnostic::error(&source, None, format!("cannot read the session: {e}"))
                    .with_help(help),
            )
        }
    }
}

/// Prints diagnostics to stderr, errors and warnings alike.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprint!("{d}");
    }
}

/// Everything a command needs to play or render a session.
pub struct Loaded {
    /// The validated session.
    pub session: Session,
    /// Its voice pack.
    pub pack: VoicePack,
    /// The compiled timeline (warnings already printed).
    pub compiled: Compiled,
}

/// Reads, validates and compiles a session; prints all problems. `None` when there
/// were errors.
pub fn load(path: &Path, lookup: &VoiceLookup) -> Option<Loaded> {
    let file = match read_session(path) {
        Ok(f) => f,
        Err(d) => {
            print_diagnostics(&[d]);
            return None;
        }
    };
    let (diags, loaded) = load_bytes(&file, lookup, |_| None);
    print_diagnostics(&diags);
    loaded
}

/// Validates and compiles a session file, returning every diagnostic and the result
/// when there were no errors. `cache` may supply an already loaded pack by name.
pub fn load_bytes<'p>(
    file: &SessionFile,
    lookup: &VoiceLookup,
    cache: impl Fn(&str) -> Option<&'p VoicePack>,
) -> (Vec<Diagnostic>, Option<Loaded>) {
    let (session, mut diags) = parse_session(&file.display, &file.bytes, &file.base);
    let Some(session) = session else {
        return (diags, None);
    };
    let pack = match cache(&session.voice.value) {
        Some(p) => p.clone(),
        None => match VoicePack::load(&session.voice.value, lookup) {
            Ok((p, pack_diags)) => {
                diags.extend(pack_diags);
                p
            }
            Err(PackError::NotFound { places }) => {
                let at = session.voice.span.clone();
                diags.push(
                    Diagnostic::error(
                        &session.source,
                        Some(at),
                        format!("voice pack `{}` not found", session.voice.value),
                    )
                    .with_help(format!(
                        "looked in {}; the built-in pack is \"nl\"",
                        places.join(", ")
                    )),
                );
                return (diags, None);
            }
            Err(PackError::Invalid(pack_diags)) => {
                let at = session.voice.span.clone();
                diags.push(
                    Diagnostic::error(
                        &session.source,
                        Some(at),
                        format!("voice pack `{}` has errors", session.voice.value),
                    )
                    .with_help("its problems follow"),
                );
                diags.extend(pack_diags);
                return (diags, None);
            }
        },
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

/// `m:ss` or `h:mm:ss`.
pub fn clock(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}
