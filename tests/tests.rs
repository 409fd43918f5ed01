//! Integration tests, built as one binary (like ripgrep's): each module tests one
//! capability through the library API or the built `rustig` binary.

mod util;

// Command line: exit codes, atomic output, built-in sessions.
mod cli;
// Golden files: `show --json` snapshots and a WAV compared byte for byte.
mod golden;
// One invalid session per kind of error, with its exact message.
mod invalid;
// Exact frames of clicks, clips and tones in the mixer's output.
mod mix;
// The timing rules of session-format.md, on the compiled timeline.
mod timeline;
