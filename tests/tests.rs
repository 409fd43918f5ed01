//! Integration tests, built as one binary (like ripgrep's): each module tests one
//! capability through the library API or the built `rustig` binary.

// Running the binary, fixture packs and sessions, folder listings, test signals.
mod util;
// Outside programs (encoders, espeak-ng, chromium, taplo): with CI set, a test whose
// tool is missing fails; elsewhere it is skipped with a note.
mod tools;

// Any allocation inside `assert_no_alloc(|| …)` aborts the test binary: the play
// tests run the audio callback under it.
#[global_allocator]
static ALLOCATOR: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

// Clips in any format: WAV codings, FLAC, MP3, Ogg Vorbis, M4A; Opus and broken files.
mod decode;
// `rustig voice import` (noisy, quiet, loud and padded recordings become a pack) and
// `rustig voice record` through ALSA's file plugin.
mod import;
// Command line: exit codes, atomic output, closed pipes, built-in sessions.
mod cli;
// Export: files decoded back (timing, tags, chapters), playlists, skipping, failures.
mod export;
// The presence tok and spoken time left.
mod presence;
// Golden files: `show --json` snapshots and a WAV compared byte for byte.
mod golden;
// One invalid session per kind of error with its exact message; warnings; huge files.
mod invalid;
// The journal: log, status, concurrent and killed writers.
mod journal;
// `rustig report`: the page in headless Chromium at 412 and 1280 px, SVG and PNG.
mod report;
// The questions typed in a real pseudo-terminal: Enter, Backspace, arrows, Ctrl-C.
mod questions;
// Live play: the real-time player driven by hand, --no-audio, and `rustig play`
// through ALSA's file plugin compared with `rustig render`.
mod play;
// Exact frames of clicks, clips and tones in the mixer's output.
mod mix;
// The timing rules of session-format.md, on the compiled timeline.
mod timeline;
// The e-book's advice as warnings of `check`.
mod advice;
// How `check` prints problems: codes, colour on a terminal, JSON, --deny-warnings.
mod diagnostics;
// `rustig explain`: each code's wrong example has its problem, the right one fixes it.
mod explain;
// Inputs the fuzzers found, each kept as a test.
mod fuzz_regressions;
// Cadence ramps and quiet blocks.
mod ramps;
// `rustig voice list|check|synth` and the processing of synthesized clips.
mod voice;
// `voice record`'s devices: the capture callback without allocation, playback via rodio.
mod capture;
// The Dutch voice pack audio/nl: complete, trimmed, -16 LUFS, same as built in.
mod pack;
// The default program sessions/opbouw: from 12 to 36 minutes, safely.
mod program;
// `rustig completions` through a real bash, and `rustig man`.
mod completions;
// `rustig new`: starter sessions and examples.
mod new;
// The JSON Schema of the session format: a real validator and taplo.
mod schema;
// A render killed with SIGKILL leaves nothing behind after the next run.
mod stale;
// `render --stems`: the size of each file it wrote.
mod render;
// Issue 23: outputs never replace inputs, prints never panic, reads are bounded,
// nothing from a file escapes to the terminal or out of its folder.
mod robust;
// Property tests: random valid sessions keep the timing rules, render and print.
mod props;
// `rustig serve`: security, the journal's rules for phone runs, Range requests, and the
// phone flow in headless Chromium over WebDriver.
mod serve;
// The command examples of README.md and docs/ run against the binary (trycmd).
mod docs;
