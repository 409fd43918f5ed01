//! Integration tests, built as one binary (like ripgrep's): each module tests one
//! capability through the library API or the built `rustig` binary.

mod util;

// Any allocation inside `assert_no_alloc(|| …)` aborts the test binary: the play
// tests run the audio callback under it.
#[global_allocator]
static ALLOCATOR: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

// Clips in any format: WAV codings, FLAC, MP3, Ogg Vorbis, M4A; broken files.
mod decode;
// `rustig voice import`: noisy, quiet, loud and padded recordings become a pack.
mod import;
// Command line: exit codes, atomic output, built-in sessions.
mod cli;
// Export: files decoded back (timing, tags, chapters), playlists, skipping, failures.
mod export;
// Golden files: `show --json` snapshots and a WAV compared byte for byte.
mod golden;
// One invalid session per kind of error, with its exact message.
mod invalid;
// The journal: log, status, report, concurrent and killed writers.
mod journal;
// Live play: the real-time player, --no-audio, capture through ALSA's file plugin.
mod play;
// Exact frames of clicks, clips and tones in the mixer's output.
mod mix;
// The timing rules of session-format.md, on the compiled timeline.
mod timeline;
// Cadence ramps and quiet blocks.
mod advice;
mod diagnostics;
mod explain;
mod fuzz_regressions;
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
// Property tests: random valid sessions keep the timing rules, render and print.
mod props;
