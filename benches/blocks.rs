//! `show` and the advice warnings on sessions with many blocks: both must be linear
//! in blocks + events (issue 23: 1 000 interval blocks took 18 s, 15 000 quiet ones
//! over 10 minutes, when every block scanned every event).
//!
//! Run with `cargo bench --bench blocks`. It builds each session in memory, loads it
//! with the built-in pack (parse, validate, compile), then times the table of
//! `rustig show` and the advice of `rustig check`, best of five.
#![allow(clippy::print_stdout, missing_docs)]

use std::time::{Duration, Instant};

use rustig::load::{PackCache, SessionFile};
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

/// `n` copies of `block` after a title.
fn session(n: usize, block: &str) -> String {
    let mut s = String::from("title = \"Bench\"\ncadence = 172\n");
    for _ in 0..n {
        s.push_str("[[block]]\n");
        s.push_str(block);
    }
    s
}

fn measure(name: &str, text: String) {
    let lookup = VoiceLookup::builtin_only();
    let file = SessionFile {
        display: "bench.toml".into(),
        bytes: text.into_bytes(),
        base: std::env::temp_dir(),
    };
    let cache = PackCache::new(&lookup);
    let load = best_of(3, || {
        let _ = cache.load(&file);
    });
    let (diags, loaded) = cache.load(&file);
    let loaded = loaded.unwrap_or_else(|| panic!("{diags:?}"));
    let t = &loaded.compiled.timeline;
    let mut lines = 0;
    let show = best_of(5, || {
        lines = rustig::cli::show::table(t, "nl").lines().count();
    });
    let mut warnings = 0;
    let advice = best_of(5, || {
        warnings = rustig::timeline::advice::advice(&loaded.session, t).len();
    });
    println!(
        "{name}: {} blocks, {} events, {:.1} h; load {:.3} s, show table {:.3} s ({lines} lines), advice {:.3} s ({warnings} warnings)",
        t.blocks.len(),
        t.events.len(),
        t.duration / 3600.0,
        load.as_secs_f64(),
        show.as_secs_f64(),
        advice.as_secs_f64(),
    );
}

fn main() {
    // 1 000 interval blocks: 2 × (5 s run, 3 s walk between) = 13 s each, 3.6 h.
    measure(
        "1 000 interval blocks",
        session(
            1000,
            "kind = \"intervals\"\nrepeat = 2\nrun = \"5s\"\nwalk = \"3s\"\n",
        ),
    );
    // 3 500 quiet blocks of 4 s, each announced (about 3.8 s of voice): within the
    // 4-hour limit, which also counts the clips running on.
    measure(
        "3 500 silence blocks",
        session(3_500, "kind = \"silence\"\nduration = \"4s\"\n"),
    );
}
