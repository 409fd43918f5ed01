//! Live-play figures without a sound card: the audio callback's CPU cost, start-up
//! latency, key-to-callback latency, and underruns of a whole session played through
//! ALSA's `file` plugin over `null` while both cores are busy.
//!
//! Run with `cargo bench --bench play` (set `RUSTIG_BENCH_MINUTES` for a shorter
//! underrun run; default 60).
#![allow(clippy::print_stdout, missing_docs)]

mod common;
use common::session;

use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rustig::load::{PackCache, SessionFile};
use rustig::mix::{Mixer, Sounds};
use rustig::play::device::Output;
use rustig::play::player::{self, Command as PlayCommand};
use rustig::voice::VoiceLookup;

fn alsa_capture_config(dir: &std::path::Path) -> std::path::PathBuf {
    let conf = dir.join("asound.conf");
    // /dev/null as the file keeps the disk out of the measurement.
    std::fs::write(&conf, "pcm.!default {\n type file\n slave.pcm \"null\"\n file \"/dev/null\"\n format \"raw\"\n}\npcm.null {\n type null\n}\n").unwrap();
    conf
}

fn main() {
    if std::env::args().any(|a| a == "--key-latency") {
        return key_latency();
    }
    let dir = tempfile::tempdir().unwrap();
    let lookup = VoiceLookup::builtin_only();
    let file = SessionFile {
        display: "bench.toml".into(),
        bytes: session(45).into_bytes(),
        base: dir.path().into(),
    };
    let (_, loaded) = PackCache::new(&lookup).load(&file);
    let loaded = loaded.expect("bench session compiles");
    let t = &loaded.compiled.timeline;

    // 1. The callback's cost: a whole hour through Player::fill in 10 ms buffers.
    let (rate, channels) = (48000u32, 2usize);
    let sounds = Sounds::prepare(t, &loaded.pack, rate).unwrap();
    let (mut p, _control) = player::player(
        Mixer::new(t.clone(), &sounds, channels, 1024),
        0,
        Instant::now(),
    );
    let mut buf = vec![0.0f32; 480 * channels];
    let callbacks = (t.duration * f64::from(rate) / 480.0).ceil() as usize;
    let mut worst = Duration::ZERO;
    let start = Instant::now();
    for _ in 0..callbacks {
        let c = Instant::now();
        p.fill(&mut buf);
        worst = worst.max(c.elapsed());
    }
    let total = start.elapsed();
    println!(
        "callback: {:.1} min of audio at {rate} Hz stereo in {:.3} s = {:.4} % of a core; worst 10 ms buffer took {:.1} µs",
        t.duration / 60.0,
        total.as_secs_f64(),
        100.0 * total.as_secs_f64() / t.duration,
        worst.as_secs_f64() * 1e6
    );

    // 2. Start-up: command start to the first buffer handed to the device.
    let conf = alsa_capture_config(dir.path());
    let short = dir.path().join("short.toml");
    std::fs::write(
        &short,
        "title = \"Kort\"\n[[block]]\nkind = \"run\"\nduration = \"20s\"\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_rustig");
    let mut firsts = Vec::new();
    for _ in 0..5 {
        let out = Command::new(bin)
            .args(["play", short.to_str().unwrap()])
            .env("ALSA_CONFIG_PATH", &conf)
            .env("XDG_DATA_HOME", dir.path())
            .env("RUSTIG_PLAY_STATS", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if let Some(ms) = stderr.lines().find_map(|l| {
            l.strip_prefix("stats: first buffer after ")
                .and_then(|r| r.split(" ms").next())
                .and_then(|v| v.parse::<f64>().ok())
        }) {
            firsts.push(ms);
        }
    }
    firsts.sort_by(f64::total_cmp);
    println!(
        "start-up: first buffer handed to the device after {:?} ms (5 runs, sorted)",
        firsts
    );

    // 3. Key to callback, measured in a child process that sees ALSA_CONFIG_PATH.
    let child = Command::new(std::env::current_exe().unwrap())
        .arg("--key-latency")
        .env("ALSA_CONFIG_PATH", &conf)
        .output()
        .unwrap();
    print!("{}", String::from_utf8_lossy(&child.stdout));

    // 4. Underruns over a whole session through the file plugin, both cores busy.
    let minutes: u32 = std::env::var("RUSTIG_BENCH_MINUTES")
        .ok()
        .and_then(|m| m.parse().ok())
        .unwrap_or(60);
    let long = dir.path().join("long.toml");
    std::fs::write(&long, session(minutes.saturating_sub(15).max(1))).unwrap();
    let hogs: Vec<_> = (0..2)
        .map(|_| {
            Command::new("sh")
                .args(["-c", "while :; do :; done"])
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let start = Instant::now();
    let out = Command::new(bin)
        .args(["play", long.to_str().unwrap()])
        .env("ALSA_CONFIG_PATH", &conf)
        .env("XDG_DATA_HOME", dir.path())
        .env("RUSTIG_PLAY_STATS", "1")
        .output()
        .unwrap();
    for mut h in hogs {
        let _ = h.kill();
        let _ = h.wait();
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stats = stderr
        .lines()
        .find(|l| l.starts_with("stats:"))
        .unwrap_or("no stats");
    println!(
        "{minutes}-minute session through the file plugin with both cores busy: {stats} (took {:.0} s)",
        start.elapsed().as_secs_f64()
    );
}

/// A command sent from the control thread until the callback applies it, on the ALSA
/// device (the file plugin), plus the latency the device reports.
fn key_latency() {
    let lookup = VoiceLookup::builtin_only();
    let file = SessionFile {
        display: "bench.toml".into(),
        bytes: session(10).into_bytes(),
        base: ".".into(),
    };
    let (_, loaded) = PackCache::new(&lookup).load(&file);
    let loaded = loaded.expect("bench session compiles");
    let t = &loaded.compiled.timeline;
    match Output::open_default() {
        Ok(output) => {
            let s = Sounds::prepare(t, &loaded.pack, output.rate()).unwrap();
            let (p, mut control) = player::player(
                Mixer::new(t.clone(), &s, output.channels(), 1024),
                0,
                Instant::now(),
            );
            let shared = std::sync::Arc::clone(&control.shared);
            let _stream = output.start(p, shared).unwrap();
            std::thread::sleep(Duration::from_millis(200));
            let mut delays = Vec::new();
            for i in 0..50 {
                let before = control.shared.commands_applied.load(Ordering::Relaxed);
                let sent = Instant::now();
                control.send(PlayCommand::Metronome(i % 2 == 0));
                while control.shared.commands_applied.load(Ordering::Relaxed) == before {
                    std::hint::spin_loop();
                }
                delays.push(sent.elapsed().as_secs_f64() * 1e3);
                std::thread::sleep(Duration::from_millis(7));
            }
            delays.sort_by(f64::total_cmp);
            let latency = control.shared.output_latency_ns.load(Ordering::Relaxed) as f64 / 1e6;
            println!(
                "key → callback: median {:.3} ms, max {:.3} ms over 50 commands; device latency reported by cpal: {latency:.1} ms",
                delays[25], delays[49]
            );
        }
        Err(e) => println!("key latency: no ALSA device: {e}"),
    }
}
