//! The files compiled into the binary: the default Dutch voice pack (`audio/`) and the
//! default program and examples (`sessions/`), so an installed `rustig` works from any
//! folder with nothing beside it.

use include_dir::{Dir, include_dir};

/// `audio/` of the source tree: voice packs by name (`nl/voice.toml`, clips).
pub static AUDIO: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/audio");

/// `sessions/` of the source tree: `opbouw/` (the default program) and `voorbeelden/`.
pub static SESSIONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/sessions");

/// The folder name of the default program inside `sessions/`.
pub const DEFAULT_PROGRAM: &str = "opbouw";

/// A built-in file's bytes by its path below `sessions/`, e.g. `opbouw/program.toml`.
pub fn session_file(path: &str) -> Option<&'static [u8]> {
    SESSIONS.get_file(path).map(|f| f.contents())
}

/// A built-in voice pack file's bytes, e.g. (`nl`, `voice.toml`).
pub fn voice_file(voice: &str, file: &str) -> Option<&'static [u8]> {
    AUDIO
        .get_file(format!("{voice}/{file}"))
        .map(|f| f.contents())
}
