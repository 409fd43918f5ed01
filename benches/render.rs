//! Render throughput and memory, against sox and dd on the same machine.
//!
//! Run with `cargo bench --bench render`. It renders a 60-minute session with the
//! built-in Dutch pack to a 44.1 kHz mono 16-bit WAV as `rustig render` does (clips
//! decoded once, the render with its fsync) and compares, round by round in the same
//! run, with `dd` writing the same number of bytes (with and without `conv=fsync`) and
//! `sox -n -r 44100 -c 1 -b 16 out.wav synth 3600 sine 440`; `RUSTIG_BENCH_RUNS`
//! rounds (5 by default), min/median/max. Then it measures the peak RSS of the `rustig`
//! binary rendering a 20-minute and a 2-hour session with the built-in pack (3 runs
//! each, with GNU time).
#![allow(clippy::print_stdout, missing_docs)]

mod common;
use common::session;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use rustig::load::{PackCache, SessionFile};
use rustig::mix::ClipWindow;
use rustig::output::{RenderOptions, render_wav};
use rustig::voice::VoiceLookup;

/// Seconds `f` takes.
fn time(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

/// Min, median and max of `xs`.
fn spread(xs: &[f64]) -> (f64, f64, f64) {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    (v[0], v[v.len() / 2], v[v.len() - 1])
}

/// One line of the table: min/median/max of `xs` in seconds.
fn row(label: &str, xs: &[f64], note: &str) {
    let (lo, mid, hi) = spread(xs);
    println!("{label:<44} {lo:>7.3} {mid:>7.3} {hi:>7.3}   {note}");
}

/// The peak RSS of `rustig render session -o out`, run as an installed `rustig` runs:
/// in a folder without `audio/` and without a user pack, so the built-in pack is used.
/// Measured by GNU time (`%M`, the child's `ru_maxrss`): a child's peak includes the
/// memory of the process that forked it (Linux keeps the old mapping's peak at
/// `exec`), so the parent must be small; python3 alone is 13.9 MiB.
fn peak_rss_kib(bin: &str, session: &Path, out: &Path) -> Option<u64> {
    let folder = out.parent()?;
    let report = folder.join("rss.txt");
    let status = Command::new("/usr/bin/time")
        .current_dir(folder)
        .env("XDG_DATA_HOME", folder)
        .args(["-f", "%M", "-o"])
        .arg(&report)
        .arg(bin)
        .arg("render")
        .arg(session)
        .arg("-o")
        .arg(out)
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    std::fs::read_to_string(report).ok()?.trim().parse().ok()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let lookup = VoiceLookup::builtin_only();
    // 5 + 46 + 5 min + stretches (3 min) + 2 min breathing = 61 min; trim the run so the
    // whole session is 60 minutes.
    let file = SessionFile {
        display: "bench.toml".into(),
        bytes: session(45).into_bytes(),
        base: dir.path().into(),
    };
    let (diags, loaded) = PackCache::new(&lookup).load(&file);
    let loaded = loaded.unwrap_or_else(|| panic!("{diags:?}"));
    let t = &loaded.compiled.timeline;
    let rate = 44100;
    let out = dir.path().join("rustig.wav");
    let cancel = AtomicBool::new(false);
    let options = RenderOptions {
        channels: 1,
        stems: None,
    };
    let runs: usize = std::env::var("RUSTIG_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5)
        .max(1);
    let has_sox = Command::new("sox").arg("--version").output().is_ok();
    let dd = |path: &Path, bytes: u64, sync: bool| {
        let mut c = Command::new("dd");
        c.args([
            "if=/dev/zero",
            &format!("of={}", path.display()),
            "bs=1M",
            &format!("count={bytes}"),
            "iflag=count_bytes",
        ]);
        if sync {
            c.arg("conv=fsync");
        }
        let ok = c.stderr(std::process::Stdio::null()).status().unwrap();
        assert!(ok.success());
        std::fs::remove_file(path).unwrap();
    };
    // One round times each contender once, one after the other, so all see the same
    // load; each writes a new file (a render writes its temporary file).
    let (mut render, mut measure, mut dd_plain, mut dd_sync, mut sox) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut bytes = 0;
    for _ in 0..runs {
        let _ = std::fs::remove_file(&out);
        // As `rustig render` does: decode each clip once, keep it in a temporary file,
        // load it while rendering.
        let mut measured = 0.0;
        render.push(time(|| {
            let t0 = Instant::now();
            let (sounds, window) = ClipWindow::measure(t, &loaded.pack, rate).unwrap();
            measured = t0.elapsed().as_secs_f64();
            render_wav(t, &sounds, Some(window), &out, &options, &cancel, |_, _| {}).unwrap();
        }));
        measure.push(measured);
        bytes = std::fs::metadata(&out).unwrap().len();
        let dd_out = dir.path().join("dd.bin");
        dd_plain.push(time(|| dd(&dd_out, bytes, false)));
        dd_sync.push(time(|| dd(&dd_out, bytes, true)));
        if has_sox {
            let sox_out = dir.path().join("sox.wav");
            sox.push(time(|| {
                let s = Command::new("sox")
                    .args(["-n", "-r", "44100", "-c", "1", "-b", "16"])
                    .arg(&sox_out)
                    .args(["synth", "3600", "sine", "440"])
                    .status()
                    .unwrap();
                assert!(s.success());
            }));
            std::fs::remove_file(&sox_out).unwrap();
        }
    }
    println!(
        "session: {:.1} min, {} events, {bytes} bytes at {rate} Hz mono 16-bit; {runs} rounds",
        t.duration / 60.0,
        t.events.len()
    );
    println!(
        "{:<44} {:>7} {:>7} {:>7}",
        "seconds", "min", "median", "max"
    );
    row("rustig render (library, incl. fsync)", &render, "");
    row("  of which clips decoded+resampled once", &measure, "");
    row("dd same bytes", &dd_plain, "");
    row("dd same bytes, conv=fsync", &dd_sync, "");
    if has_sox {
        row("sox synth 3600 sine 440", &sox, "");
    } else {
        println!("sox: not installed (apt-get install sox)");
    }
    // Ratios within each round, where the load was the same.
    let ratio = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x / y).collect::<Vec<_>>();
    let (lo, mid, hi) = spread(&ratio(&render, &dd_sync));
    println!("rustig / dd conv=fsync, per round:            {lo:.2}x  {mid:.2}x  {hi:.2}x");
    let (lo, mid, hi) = spread(&ratio(&render, &dd_plain));
    println!("rustig / dd, per round:                       {lo:.2}x  {mid:.2}x  {hi:.2}x");
    if has_sox {
        let (lo, mid, hi) = spread(&ratio(&sox, &render));
        println!("sox / rustig (rustig is N times faster):      {lo:.1}x  {mid:.1}x  {hi:.1}x");
    }

    let bin = env!("CARGO_BIN_EXE_rustig");
    for (label, minutes) in [("20-minute", 5u32), ("2-hour", 105)] {
        let path = dir.path().join(format!("s{minutes}.toml"));
        std::fs::write(&path, session(minutes)).unwrap();
        let kib: Vec<f64> = (0..3)
            .filter_map(|_| peak_rss_kib(bin, &path, &dir.path().join("rss.wav")))
            .map(|k| k as f64 / 1024.0)
            .collect();
        if kib.is_empty() {
            println!("peak RSS: GNU time (/usr/bin/time) not available (apt-get install time)");
        } else {
            let (lo, mid, hi) = spread(&kib);
            println!(
                "peak RSS, rustig render of a {label} session: {lo:.1} / {mid:.1} / {hi:.1} MiB (min/median/max of 3)"
            );
        }
    }
}
