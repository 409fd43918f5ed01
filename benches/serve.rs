//! Load on `rustig serve` over loopback: 50 clients reading the status, 10 posting
//! runs and 5 downloading a 40-minute session with Range requests, for 30 seconds,
//! against the real binary with a temporary journal.
//!
//! Run with `cargo bench --bench serve`. It prints the time to the first audio byte
//! of a session not yet rendered (sent while it renders) and of the one the server
//! prepared at start, the requests made and failed per kind, the server's peak memory
//! (VmHWM), and checks that every posted run was stored once.
//! `RUSTIG_BENCH_SECONDS=N` changes the 30 seconds.
#![allow(clippy::print_stdout, missing_docs)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A 40-minute session in the built-in Dutch voice (the title is added per session).
const SESSION: &str = r#"
cadence = 174

[[block]]
kind = "walk"
name = "Warming-up"
duration = "5m"

[[block]]
kind = "intervals"
name = "Hardlopen en wandelen"
repeat = 6
run = "4m"
walk = "1m"

[[block]]
kind = "walk"
name = "Cooling-down"
duration = "5m"
"#;

const STATUS_CLIENTS: usize = 50;
const POST_CLIENTS: usize = 10;
const DOWNLOAD_CLIENTS: usize = 5;
/// Bytes per Range request, as a media element asks for them.
const CHUNK: u64 = 256 * 1024;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

#[derive(Default)]
struct Count {
    ok: AtomicU64,
    failed: AtomicU64,
}

impl Count {
    fn add(&self, ok: bool) {
        if ok {
            self.ok.fetch_add(1, Ordering::Relaxed);
        } else {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn peak_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let seconds: u64 = std::env::var("RUSTIG_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    std::fs::create_dir_all(h.join("opbouw")).unwrap();
    std::fs::write(
        h.join("opbouw/program.toml"),
        "[program]\ntitle = \"Lasttest\"\nsessions = [\"week01-1.toml\", \"week01-2.toml\"]\n",
    )
    .unwrap();
    for n in 1..=2 {
        std::fs::write(
            h.join(format!("opbouw/week01-{n}.toml")),
            format!("title = \"Lasttest · {n}\"\n{SESSION}"),
        )
        .unwrap();
    }
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rustig"))
        .args(["serve", "--bind", "127.0.0.1", "--port", "0"])
        .current_dir(h)
        .env("HOME", h)
        .env("XDG_DATA_HOME", h.join("data"))
        .env("XDG_CACHE_HOME", h.join("cache"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("rustig serve starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    out.read_line(&mut url).unwrap();
    let (said, heard) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in out.lines().map_while(Result::ok) {
            let _ = said.send(line);
        }
    });
    let base = url.trim().split("/#k=").next().unwrap().to_owned();
    let secret = url.trim().split("#k=").nth(1).unwrap().to_owned();
    let pid = child.id();

    let a = agent();
    let mut res = a
        .post(format!("{base}/api/pair"))
        .header("X-Rustig", "1")
        .header("Content-Type", "application/json")
        .send(format!(r#"{{"secret":"{secret}","name":"bench"}}"#))
        .unwrap();
    let pair: serde_json::Value =
        serde_json::from_str(&res.body_mut().read_to_string().unwrap()).unwrap();
    let token = Arc::new(format!("Bearer {}", pair["token"].as_str().unwrap()));
    // The server renders the session the page offers (the first) by itself.
    loop {
        let line = heard.recv_timeout(Duration::from_secs(120)).unwrap();
        if line.contains("ready to download: Lasttest · 1") {
            break;
        }
    }
    let prepared_after = started.elapsed();
    // As the page downloads: one GET of the whole file. The time to the first byte of
    // the body, and to the last.
    let first_byte = |file: &str| {
        use std::io::Read;
        let started = Instant::now();
        let mut res = a
            .get(format!("{base}/api/audio/{file}?format=mp3"))
            .header("Authorization", token.as_str())
            .call()
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let mut body = res.body_mut().with_config().limit(u64::MAX).reader();
        let mut first = [0u8; 1];
        body.read_exact(&mut first).unwrap();
        let took = started.elapsed();
        let mut rest = Vec::new();
        body.read_to_end(&mut rest).unwrap();
        (took, started.elapsed(), rest.len() as u64 + 1)
    };
    // A session that has not been rendered yet, then the prepared one.
    let (cold, cold_whole, size) = first_byte("week01-2.toml");
    let (warm, _, _) = first_byte("week01-1.toml");
    // Later requests get the finished file, with its length, in parts.
    let mut res = a
        .get(format!("{base}/api/audio/week01-2.toml?format=mp3"))
        .header("Authorization", token.as_str())
        .header("Range", "bytes=0-0")
        .call()
        .unwrap();
    assert_eq!(res.status().as_u16(), 206);
    let _ = res.body_mut().read_to_vec();
    let total: u64 = res
        .headers()
        .get("content-range")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit('/').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(
        total, size,
        "the file sent while rendering is the cached file"
    );
    let audio = format!("{base}/api/audio/week01-2.toml?format=mp3");

    let stop = Arc::new(AtomicBool::new(false));
    let status = Arc::new(Count::default());
    let posts = Arc::new(Count::default());
    let ranges = Arc::new(Count::default());
    let bytes = Arc::new(AtomicU64::new(0));
    let mut threads = Vec::new();
    for _ in 0..STATUS_CLIENTS {
        let (stop, count, token, base) =
            (stop.clone(), status.clone(), token.clone(), base.clone());
        threads.push(std::thread::spawn(move || {
            let a = agent();
            while !stop.load(Ordering::Relaxed) {
                let ok = a
                    .get(format!("{base}/api/status"))
                    .header("Authorization", token.as_str())
                    .call()
                    .is_ok_and(|mut r| r.status() == 200 && r.body_mut().read_to_string().is_ok());
                count.add(ok);
            }
        }));
    }
    for client in 0..POST_CLIENTS {
        let (stop, count, token, base) = (stop.clone(), posts.clone(), token.clone(), base.clone());
        threads.push(std::thread::spawn(move || {
            let a = agent();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let body = format!(
                    r#"{{"request_key":"bench-{client}-{n}","session":"week01-1.toml","started_at":{},"ended_at":{},"played":[[0,2400]],"answers":{{"stress_before":3,"effort":2}}}}"#,
                    rustig::journal::now() - 2400,
                    rustig::journal::now()
                );
                let ok = a
                    .post(format!("{base}/api/runs"))
                    .header("Authorization", token.as_str())
                    .header("X-Rustig", "1")
                    .header("Content-Type", "application/json")
                    .send(body)
                    .is_ok_and(|mut r| {
                        r.status() == 200
                            && r.body_mut()
                                .read_to_string()
                                .is_ok_and(|t| t.contains("\"new\":true"))
                    });
                count.add(ok);
            }
        }));
    }
    for _ in 0..DOWNLOAD_CLIENTS {
        let (stop, count, token, audio, bytes) = (
            stop.clone(),
            ranges.clone(),
            token.clone(),
            audio.clone(),
            bytes.clone(),
        );
        threads.push(std::thread::spawn(move || {
            let a = agent();
            let mut at = 0;
            while !stop.load(Ordering::Relaxed) {
                let end = (at + CHUNK).min(size) - 1;
                let ok = a
                    .get(&audio)
                    .header("Authorization", token.as_str())
                    .header("Range", format!("bytes={at}-{end}"))
                    .call()
                    .is_ok_and(|mut r| {
                        r.status() == 206
                            && r.body_mut()
                                .with_config()
                                .limit(CHUNK + 1)
                                .read_to_vec()
                                .is_ok_and(|b| {
                                    bytes.fetch_add(b.len() as u64, Ordering::Relaxed);
                                    b.len() as u64 == end - at + 1
                                })
                    });
                count.add(ok);
                at = if end + 1 >= size { 0 } else { end + 1 };
            }
        }));
    }
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let peak = peak_kib(pid);
    let stored = rustig::journal::Journal::open(&h.join("data/rustig/journal.db"))
        .unwrap()
        .runs()
        .unwrap()
        .len() as u64;
    let _ = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status();
    let _ = child.wait();

    let line = |name: &str, c: &Count| {
        let ok = c.ok.load(Ordering::Relaxed);
        println!(
            "{name:<28} {:>8} ok {:>5} failed {:>8.0}/s",
            ok,
            c.failed.load(Ordering::Relaxed),
            ok as f64 / seconds as f64
        );
    };
    println!(
        "first audio byte of a 40-minute session not yet rendered: {:.2} s (all {:.1} MB MP3 after {:.2} s)",
        cold.as_secs_f64(),
        size as f64 / 1e6,
        cold_whole.as_secs_f64()
    );
    println!(
        "first audio byte of the session the server prepared at start: {:.3} s (ready {:.2} s after start)",
        warm.as_secs_f64(),
        prepared_after.as_secs_f64()
    );
    println!("{seconds} s of load on loopback:");
    line("GET /api/status (50)", &status);
    line("POST /api/runs (10)", &posts);
    line("GET audio, Range 256 KiB (5)", &ranges);
    println!(
        "audio sent: {:.0} MB; runs stored: {stored} (posted {}); server peak memory (VmHWM): {:.1} MiB",
        bytes.load(Ordering::Relaxed) as f64 / 1e6,
        posts.ok.load(Ordering::Relaxed),
        peak as f64 / 1024.0
    );
    assert_eq!(
        stored,
        posts.ok.load(Ordering::Relaxed),
        "every posted run stored once"
    );
}
