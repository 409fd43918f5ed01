//! Export throughput: the built-in default program (all its sessions) as MP3 with 1
//! and 2 jobs, and as WAV, through the same library calls as `rustig export`.
//!
//! Run with `cargo bench --bench export`. It prints, per run, the wall time, the
//! audio exported in multiples of real time and the bytes written, then the
//! parallel speed-up of 2 jobs over 1. Files go to a temporary folder (the WAV run
//! writes about 9 GB) that is removed afterwards; `RUSTIG_BENCH_DIR` chooses where,
//! and `RUSTIG_BENCH_SESSIONS=N` exports only the first N sessions for a quick run.
#![allow(clippy::print_stdout, missing_docs)]

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use rustig::load::{PackCache, default_program};
use rustig::output::export::{Event, Format, Group, Input, Options, Outcome, Plan};
use rustig::voice::VoiceLookup;

/// The default program, compiled with the built-in pack.
fn program(limit: Option<usize>) -> Group {
    let lookup = VoiceLookup::builtin_only();
    let (diags, program) = default_program();
    let program = program.unwrap_or_else(|| panic!("the default program loads: {diags:?}"));
    let sessions = program
        .sessions
        .into_iter()
        .take(limit.unwrap_or(usize::MAX))
        .map(|file| {
            let (diags, loaded) = PackCache::new(&lookup).load(&file);
            assert!(loaded.is_some(), "{}: {diags:?}", file.display.display());
            Input { file, loaded }
        })
        .collect();
    Group::program(&program.program.title, sessions)
}

struct Run {
    seconds: f64,
    audio: f64,
    bytes: u64,
    files: usize,
}

fn export(group: &Group, format: Format, jobs: usize, base: &Path) -> Run {
    let dir = tempfile::tempdir_in(base).expect("a temporary folder");
    let options = Options {
        format,
        rate: 44100,
        force: true,
        year: 2026,
        streamable: false,
    };
    let plan = Plan::new(dir.path(), vec![group.clone()], options).expect("a plan");
    plan.prepare().expect("room to write");
    let cancel = AtomicBool::new(false);
    let on = |_: Event<'_>| {};
    let start = Instant::now();
    let outcomes = plan.run(jobs, &cancel, &on).expect("threads");
    plan.write_playlists(&outcomes).expect("playlists");
    let seconds = start.elapsed().as_secs_f64();
    let mut bytes = 0;
    for (t, o) in plan.tracks.iter().zip(&outcomes) {
        match o {
            Outcome::Written { bytes: b } => bytes += b,
            o => panic!("{}: {o:?}", t.session.display()),
        }
    }
    Run {
        seconds,
        audio: plan.seconds_to_render(),
        bytes,
        files: outcomes.len(),
    }
}

fn report(label: &str, r: &Run) {
    println!(
        "{label:<14} {:>5} files  {:>7.1} h audio  {:>7.1} s  {:>6.0}× real time  {:>8.1} MB  ({:.1} kbit/s)",
        r.files,
        r.audio / 3600.0,
        r.seconds,
        r.audio / r.seconds,
        r.bytes as f64 / 1e6,
        r.bytes as f64 * 8.0 / r.audio / 1000.0
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is ignored.
    let limit = std::env::var("RUSTIG_BENCH_SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok());
    let base = std::env::var_os("RUSTIG_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let group = program(limit);
    println!(
        "rustig export bench: default program, {} sessions, 44100 Hz mono, {cores} cores",
        group.sessions.len()
    );
    let mut mp3 = Vec::new();
    if Format::Mp3.available() {
        for jobs in [1, 2] {
            let r = export(&group, Format::Mp3, jobs, &base);
            report(
                &format!("mp3, {jobs} job{}", if jobs == 1 { "" } else { "s" }),
                &r,
            );
            mp3.push(r);
        }
    }
    let ogg = export(&group, Format::Ogg, 2, &base);
    report("ogg, 2 jobs", &ogg);
    for jobs in [1, 2] {
        let r = export(&group, Format::Wav, jobs, &base);
        report(
            &format!("wav, {jobs} job{}", if jobs == 1 { "" } else { "s" }),
            &r,
        );
    }
    if let [one, two] = &mp3[..] {
        println!(
            "mp3 speed-up, 2 jobs over 1: {:.2}×",
            one.seconds / two.seconds
        );
    }
}
