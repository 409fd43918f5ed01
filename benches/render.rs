//! Render throughput and memory, against sox and dd on the same machine.
//!
//! Run with `cargo bench --bench render`. It renders a 60-minute session with the
//! built-in Dutch pack to a 44.1 kHz mono 16-bit WAV and compares, in the same run,
//! with `sox -n -r 44100 -c 1 -b 16 out.wav synth 3600 sine 440` and with `dd`
//! writing the same number of bytes. Then it measures the peak RSS of the `rustig`
//! binary rendering a 20-minute and a 2-hour session.
#![allow(clippy::print_stdout, missing_docs)]

mod common;
use common::session;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use rustig::load::{PackCache, SessionFile};
use rustig::mix::{ClipWindow, Sounds};
use rustig::output::{RenderOptions, render_wav};
use rustig::voice::VoiceLookup;

fn best_of(n: usize, mut f: impl FnMut()) -> Duration {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn peak_rss_kib(bin: &str, session: &Path, out: &Path) -> Option<u64> {
    let script = "import resource,subprocess,sys\n\
                  subprocess.run(sys.argv[1:], check=True, stderr=subprocess.DEVNULL)\n\
                  print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
    let out = Command::new("python3")
        .args([
            "-c",
            script,
            bin,
            "render",
            session.to_str()?,
            "-o",
            out.to_str()?,
        ])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
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
    // As `rustig render` does: measure the clips first, load each while rendering.
    let prepare = best_of(3, || {
        Sounds::measure(t, &loaded.pack, rate).unwrap();
    });
    let sounds = Sounds::measure(t, &loaded.pack, rate).unwrap();
    let render = best_of(3, || {
        let window = ClipWindow::new(&loaded.pack);
        render_wav(t, &sounds, Some(window), &out, &options, &cancel, |_, _| {}).unwrap();
    });
    let bytes = std::fs::metadata(&out).unwrap().len();
    println!(
        "session: {:.1} min, {} events, {bytes} bytes at {rate} Hz mono 16-bit",
        t.duration / 60.0,
        t.events.len()
    );
    println!(
        "rustig render (library, incl. fsync): {:>8.3} s   (clip decode+resample before: {:.3} s)",
        render.as_secs_f64(),
        prepare.as_secs_f64()
    );

    let sox_out = dir.path().join("sox.wav");
    let sox = Command::new("sox")
        .arg("--version")
        .output()
        .is_ok()
        .then(|| {
            best_of(1, || {
                let s = Command::new("sox")
                    .args([
                        "-n",
                        "-r",
                        "44100",
                        "-c",
                        "1",
                        "-b",
                        "16",
                        sox_out.to_str().unwrap(),
                        "synth",
                        "3600",
                        "sine",
                        "440",
                    ])
                    .status()
                    .unwrap();
                assert!(s.success());
            })
        });
    // Each dd writes a new file, as a render does (its temporary file).
    let mut run = 0;
    let mut dd = |sync: bool| {
        best_of(3, || {
            run += 1;
            let dd_out = dir.path().join(format!("dd-{run}.bin"));
            let mut c = Command::new("dd");
            c.args([
                "if=/dev/zero",
                &format!("of={}", dd_out.display()),
                "bs=1M",
                &format!("count={bytes}"),
                "iflag=count_bytes",
            ]);
            if sync {
                c.arg("conv=fsync");
            }
            assert!(
                c.stderr(std::process::Stdio::null())
                    .status()
                    .unwrap()
                    .success()
            );
        })
    };
    let (dd_plain, dd_sync) = (dd(false), dd(true));
    for n in 1..=run {
        let _ = std::fs::remove_file(dir.path().join(format!("dd-{n}.bin")));
    }
    match sox {
        Some(s) => println!(
            "sox synth 3600 sine 440:              {:>8.3} s   rustig is {:.1}x faster",
            s.as_secs_f64(),
            s.as_secs_f64() / render.as_secs_f64()
        ),
        None => println!("sox: not installed (apt-get install sox)"),
    }
    println!(
        "dd same bytes:                        {:>8.3} s   rustig takes {:.2}x the dd floor",
        dd_plain.as_secs_f64(),
        render.as_secs_f64() / dd_plain.as_secs_f64()
    );
    println!(
        "dd same bytes, conv=fsync:            {:>8.3} s   rustig takes {:.2}x",
        dd_sync.as_secs_f64(),
        render.as_secs_f64() / dd_sync.as_secs_f64()
    );

    let bin = env!("CARGO_BIN_EXE_rustig");
    for (label, minutes) in [("20-minute", 5u32), ("2-hour", 105)] {
        let path = dir.path().join(format!("s{minutes}.toml"));
        std::fs::write(&path, session(minutes)).unwrap();
        match peak_rss_kib(bin, &path, &dir.path().join("rss.wav")) {
            Some(kib) => println!(
                "peak RSS, rustig render of a {label} session: {:.1} MiB",
                kib as f64 / 1024.0
            ),
            None => println!("peak RSS: python3 not available"),
        }
    }
}
