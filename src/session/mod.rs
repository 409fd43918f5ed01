//! Session files: the TOML model of session-format.md, durations, validation and
//! located diagnostics.
//!
//! Input: a session file's bytes. Output: a validated [`Session`] and every problem
//! found, each with its `file:line:col`. This module never touches audio.

pub mod diagnostic;
pub mod duration;
pub mod model;
pub mod parse;
pub mod program;
pub mod toml_reader;

pub use diagnostic::{Diagnostic, Severity, Source};
pub use duration::Duration;
pub use model::*;
pub use parse::{parse_session, parse_session_partial};
pub use program::{Program, parse_program};

use std::path::Path;

/// Reads and validates a session file from disk.
pub fn load_session(path: &Path) -> (Option<Session>, Vec<Diagnostic>) {
    match std::fs::read(path) {
        Ok(bytes) => {
            let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
            parse_session(path, &bytes, &base)
        }
        Err(e) => {
            let source = Source::new(path, "");
            let help = if e.kind() == std::io::ErrorKind::NotFound {
                "check the path; sessions of the default program are in sessions/opbouw/"
            } else {
                "check that the file is readable"
            };
            (
                None,
                vec![
                    Diagnostic::error(&source, None, format!("cannot read the file: {e}"))
                        .with_help(help),
                ],
            )
        }
    }
}
