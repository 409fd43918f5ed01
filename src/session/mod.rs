//! Session files: the TOML model of session-format.md, durations, validation and
//! located diagnostics.
//!
//! Input: a session file's bytes. Output: a validated [`Session`] and every problem
//! found, each with its `file:line:col`. This module never touches audio.

pub mod codes;
pub mod diagnostic;
pub mod duration;
pub mod model;
pub mod parse;
pub mod program;
pub mod toml_reader;

pub use codes::Code;
pub use diagnostic::{Diagnostic, Severity, Source};
pub use duration::Duration;
pub use model::*;
pub use parse::{parse_session, parse_session_partial};
pub use program::{Program, parse_program};
