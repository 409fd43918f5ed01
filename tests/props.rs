//! Property tests: random valid sessions (built as TOML text, with the fixture pack
//! `test`) keep the timing rules of session-format.md once compiled, rendered and
//! printed as `show --json`.

use std::sync::atomic::AtomicBool;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use rustig::mix::Sounds;
use rustig::output::{RenderOptions, render_wav};
use rustig::session::Cadence;
use rustig::timeline::{Event, Timeline};
use serde_json::Value;

use crate::util::{Rustig, compile_str, test_pack, text};

// ---------------------------------------------------------------------------
// The model of a generated session, and its TOML text.
// ---------------------------------------------------------------------------

/// A duration in whole milliseconds, written in one of several forms.
#[derive(Debug, Clone, Copy)]
struct Dur {
    ms: i64,
    style: u8,
}

impl Dur {
    /// `"2.5s"`, `"2500ms"` or `"1m30s"`.
    fn text(self) -> String {
        fn secs(ms: i64) -> String {
            if ms % 1000 == 0 {
                format!("{}s", ms / 1000)
            } else {
                let s = format!("{}.{:03}", ms / 1000, ms % 1000);
                format!("{}s", s.trim_end_matches('0'))
            }
        }
        match self.style % 3 {
            0 => format!("{}ms", self.ms),
            1 => secs(self.ms),
            _ => {
                let (m, rest) = (self.ms / 60_000, self.ms % 60_000);
                match (m, rest) {
                    (0, _) => secs(rest),
                    (m, 0) => format!("{m}m"),
                    (m, r) => format!("{m}m{}", secs(r)),
                }
            }
        }
    }
}

/// A duration from `lo` to `hi` ms in steps of 250 ms.
fn dur(lo: i64, hi: i64) -> impl Strategy<Value = Dur> {
    ((lo / 250)..=(hi / 250), 0u8..3).prop_map(|(q, style)| Dur { ms: q * 250, style })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cad {
    /// `cadence = 172` (a quoted `"172"` is an error by design).
    Steady(u32),
    /// `cadence = "170-176"` (may fall, or have equal ends).
    Ramp(u32, u32),
}

impl Cad {
    fn text(self) -> String {
        match self {
            Cad::Steady(c) => c.to_string(),
            Cad::Ramp(a, b) => format!("\"{a}-{b}\""),
        }
    }

    fn cadence(self) -> Cadence {
        match self {
            Cad::Steady(c) => Cadence::steady(c),
            Cad::Ramp(a, b) => Cadence { start: a, end: b },
        }
    }
}

fn cad() -> impl Strategy<Value = Cad> {
    prop_oneof![
        (120u32..=220).prop_map(Cad::Steady),
        (120u32..=220, -12i32..=12)
            .prop_map(|(a, d)| { Cad::Ramp(a, (a as i32 + d).clamp(120, 220) as u32) }),
    ]
}

#[derive(Debug, Clone)]
enum Kind {
    Walk(Dur),
    Run {
        duration: Dur,
        cadence: Option<Cad>,
        quiet: bool,
    },
    Intervals {
        repeat: u32,
        run: Dur,
        walk: Option<Dur>,
        walk_last: bool,
        cadence: Option<Cad>,
        quiet: bool,
    },
    Silence(Dur),
    Breathe {
        duration: Dur,
        /// Inhale and exhale, or the defaults 4 s and 6 s.
        breath: Option<(Dur, Dur)>,
        hold: Option<Dur>,
    },
    Stretch {
        stretches: Vec<&'static str>,
        hold: Option<Dur>,
        sides: Option<u32>,
    },
    Strength {
        exercises: Vec<&'static str>,
        work: Option<Dur>,
        rest: Option<Dur>,
    },
}

impl Kind {
    /// The block's length in ms, by the rules of the spec's table.
    fn ms(&self) -> i64 {
        match self {
            Kind::Walk(d) | Kind::Silence(d) => d.ms,
            Kind::Run { duration, .. } | Kind::Breathe { duration, .. } => duration.ms,
            Kind::Intervals {
                repeat,
                run,
                walk,
                walk_last,
                ..
            } => {
                let walks = i64::from(*repeat) - 1 + i64::from(*walk_last);
                i64::from(*repeat) * run.ms + walks * walk.map_or(0, |w| w.ms)
            }
            Kind::Stretch {
                stretches,
                hold,
                sides,
            } => {
                stretches.len() as i64
                    * i64::from(sides.unwrap_or(2))
                    * hold.map_or(30_000, |h| h.ms)
            }
            Kind::Strength {
                exercises,
                work,
                rest,
            } => {
                let n = exercises.len() as i64;
                n * work.map_or(30_000, |w| w.ms) + (n - 1) * rest.map_or(15_000, |r| r.ms)
            }
        }
    }

    /// The blocks as played: (kind, length in ms, cadence of a run).
    fn played(&self, session: Cadence) -> Vec<(&'static str, i64, Option<Cadence>)> {
        let cadence = |c: &Option<Cad>| Some(c.map_or(session, Cad::cadence));
        match self {
            Kind::Walk(d) => vec![("walk", d.ms, None)],
            Kind::Silence(d) => vec![("silence", d.ms, None)],
            Kind::Run {
                duration,
                cadence: c,
                ..
            } => vec![("run", duration.ms, cadence(c))],
            Kind::Intervals {
                repeat,
                run,
                walk,
                walk_last,
                cadence: c,
                ..
            } => {
                let mut v = Vec::new();
                for r in 1..=*repeat {
                    v.push(("run", run.ms, cadence(c)));
                    if r < *repeat || *walk_last {
                        v.push(("walk", walk.expect("a walk where one is needed").ms, None));
                    }
                }
                v
            }
            Kind::Breathe { .. } => vec![("breathe", self.ms(), None)],
            Kind::Stretch { .. } => vec![("stretch", self.ms(), None)],
            Kind::Strength { .. } => vec![("strength", self.ms(), None)],
        }
    }
}

/// Every clip id of the fixture pack `test`.
const CLIPS: [&str; 54] = [
    "blok.warmup",
    "blok.walk",
    "blok.run",
    "blok.cooldown",
    "blok.strength",
    "blok.stretch",
    "blok.breathe",
    "blok.silence",
    "ronde.1",
    "ronde.2",
    "ronde.3",
    "ronde.4",
    "ronde.5",
    "ronde.6",
    "ronde.7",
    "ronde.8",
    "ronde.9",
    "ronde.10",
    "ronde.11",
    "ronde.12",
    "ronde.13",
    "ronde.14",
    "ronde.15",
    "ronde.16",
    "ronde.17",
    "ronde.18",
    "ronde.19",
    "ronde.20",
    "ronde.laatste",
    "aftellen.10",
    "halverwege",
    "einde",
    "techniek.houding",
    "techniek.schouders",
    "techniek.armen",
    "techniek.voeten",
    "techniek.kuiten",
    "techniek.romp",
    "techniek.cadans",
    "tempo.praten",
    "tempo.uitademen",
    "tempo.langzamer",
    "oefening.squats",
    "oefening.lunges",
    "oefening.plank",
    "oefening.rust",
    "rek.kuiten",
    "rek.hamstrings",
    "rek.quadriceps",
    "rek.wissel",
    "adem.in",
    "adem.uit",
    "welkom",
    "kort",
];

/// One explicit cue: `at` an offset (negative: from the end) or `every`.
#[derive(Debug, Clone)]
enum When {
    At(Dur),
    FromEnd(Dur),
    Every(Dur),
}

#[derive(Debug, Clone)]
struct CueGen {
    when: When,
    clip: &'static str,
    /// Written as `say = "<its text>"` instead of `clip = "<id>"`.
    say: bool,
}

#[derive(Debug, Clone)]
struct BlockGen {
    kind: Kind,
    name: Option<&'static str>,
    auto_cues: Option<bool>,
    cues: Vec<CueGen>,
}

#[derive(Debug, Clone)]
struct Settle {
    settle: Dur,
    check_every: Dur,
    check_for: Dur,
}

#[derive(Debug, Clone)]
struct SessionGen {
    title: &'static str,
    cadence: Option<Cad>,
    auto_cues: Option<bool>,
    accent_every: Option<u32>,
    settle: Option<Settle>,
    reminders_every: Option<Dur>,
    blocks: Vec<BlockGen>,
}

/// A JSON string is a TOML basic string too (same escapes).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// The keys of a running block (`run`, `intervals`) besides its lengths.
fn running_keys(cadence: Option<Cad>, quiet: bool) -> String {
    let mut s = cadence.map_or(String::new(), |c| format!("cadence = {}\n", c.text()));
    if quiet {
        s += "reminders = false\n";
    }
    s
}

impl SessionGen {
    fn cadence(&self) -> Cadence {
        self.cadence.map_or(Cadence::steady(170), Cad::cadence)
    }

    fn total_ms(&self) -> i64 {
        self.blocks.iter().map(|b| b.kind.ms()).sum()
    }

    fn played(&self) -> Vec<(&'static str, i64, Option<Cadence>)> {
        self.blocks
            .iter()
            .flat_map(|b| b.kind.played(self.cadence()))
            .collect()
    }

    fn toml(&self) -> String {
        let mut s = format!("title = {}\nvoice = \"test\"\n", quoted(self.title));
        if let Some(c) = self.cadence {
            s += &format!("cadence = {}\n", c.text());
        }
        if let Some(a) = self.auto_cues {
            s += &format!("auto_cues = {a}\n");
        }
        if self.accent_every.is_some() || self.settle.is_some() {
            s += "\n[metronome]\n";
            if let Some(n) = self.accent_every {
                s += &format!("accent_every = {n}\n");
            }
            if let Some(p) = &self.settle {
                s += &format!(
                    "pattern = \"settle\"\nsettle = \"{}\"\ncheck_every = \"{}\"\ncheck_for = \"{}\"\n",
                    p.settle.text(),
                    p.check_every.text(),
                    p.check_for.text()
                );
            }
        }
        if let Some(every) = self.reminders_every {
            s += &format!("\n[reminders]\nevery = \"{}\"\n", every.text());
        }
        for b in &self.blocks {
            s += "\n[[block]]\n";
            let list = |v: &[&str]| {
                let items: Vec<String> = v.iter().map(|x| quoted(x)).collect();
                format!("[{}]", items.join(", "))
            };
            match &b.kind {
                Kind::Walk(d) => s += &format!("kind = \"walk\"\nduration = \"{}\"\n", d.text()),
                Kind::Silence(d) => {
                    s += &format!("kind = \"silence\"\nduration = \"{}\"\n", d.text())
                }
                Kind::Run {
                    duration,
                    cadence,
                    quiet,
                } => {
                    s += &format!("kind = \"run\"\nduration = \"{}\"\n", duration.text());
                    s += &running_keys(*cadence, *quiet);
                }
                Kind::Intervals {
                    repeat,
                    run,
                    walk,
                    walk_last,
                    cadence,
                    quiet,
                } => {
                    s += &format!(
                        "kind = \"intervals\"\nrepeat = {repeat}\nrun = \"{}\"\n",
                        run.text()
                    );
                    if let Some(w) = walk {
                        s += &format!("walk = \"{}\"\n", w.text());
                    }
                    if *walk_last {
                        s += "walk_last = true\n";
                    }
                    s += &running_keys(*cadence, *quiet);
                }
                Kind::Breathe {
                    duration,
                    breath,
                    hold,
                } => {
                    s += &format!("kind = \"breathe\"\nduration = \"{}\"\n", duration.text());
                    if let Some((i, e)) = breath {
                        s += &format!("inhale = \"{}\"\nexhale = \"{}\"\n", i.text(), e.text());
                    }
                    if let Some(h) = hold {
                        s += &format!("hold = \"{}\"\n", h.text());
                    }
                }
                Kind::Stretch {
                    stretches,
                    hold,
                    sides,
                } => {
                    s += &format!("kind = \"stretch\"\nstretches = {}\n", list(stretches));
                    if let Some(h) = hold {
                        s += &format!("hold = \"{}\"\n", h.text());
                    }
                    if let Some(n) = sides {
                        s += &format!("sides = {n}\n");
                    }
                }
                Kind::Strength {
                    exercises,
                    work,
                    rest,
                } => {
                    s += &format!("kind = \"strength\"\nexercises = {}\n", list(exercises));
                    if let Some(w) = work {
                        s += &format!("work = \"{}\"\n", w.text());
                    }
                    if let Some(r) = rest {
                        s += &format!("rest = \"{}\"\n", r.text());
                    }
                }
            }
            if let Some(n) = b.name {
                s += &format!("name = {}\n", quoted(n));
            }
            if let Some(a) = b.auto_cues {
                s += &format!("auto_cues = {a}\n");
            }
            if !b.cues.is_empty() {
                let cues: Vec<String> = b
                    .cues
                    .iter()
                    .map(|c| {
                        let when = match c.when {
                            When::At(d) => format!("at = \"{}\"", d.text()),
                            When::FromEnd(d) => format!("at = \"-{}\"", d.text()),
                            When::Every(d) => format!("every = \"{}\"", d.text()),
                        };
                        let what = if c.say {
                            format!("say = \"Tekst van {}.\"", c.clip)
                        } else {
                            format!("clip = \"{}\"", c.clip)
                        };
                        format!("  {{ {when}, {what} }},\n")
                    })
                    .collect();
                s += &format!("cues = [\n{}]\n", cues.concat());
            }
        }
        s
    }
}

fn names<const N: usize>(all: [&'static str; N]) -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop::sample::select(all.to_vec()), 1..=4)
}

fn kind(max: i64) -> impl Strategy<Value = Kind> {
    let opt_cad = || prop::option::weighted(0.4, cad());
    let quiet = prop::bool::weighted(0.2);
    prop_oneof![
        2 => dur(5_000, max).prop_map(Kind::Walk),
        4 => (dur(5_000, max), opt_cad(), quiet).prop_map(|(duration, cadence, quiet)| {
            Kind::Run { duration, cadence, quiet }
        }),
        3 => (1u32..=6, dur(10_000, max / 3), dur(10_000, max / 4), any::<bool>(), any::<bool>(), opt_cad(), quiet)
            .prop_map(|(repeat, run, walk, walk_last, omit, cadence, quiet)| {
                // The walk may be left out only where no walk is played.
                let walk = (repeat > 1 || walk_last || !omit).then_some(walk);
                Kind::Intervals { repeat, run, walk, walk_last, cadence, quiet }
            }),
        1 => dur(1_000, max).prop_map(Kind::Silence),
        1 => (
            dur(10_000, max),
            prop::option::of((dur(1_000, 5_000), dur(250, 5_000))),
            prop::option::of(dur(0, 3_000)),
        )
            .prop_map(|(duration, breath, hold)| Kind::Breathe {
                duration,
                // The exhale is longer than the inhale.
                breath: breath.map(|(i, extra)| (i, Dur { ms: i.ms + extra.ms, style: extra.style })),
                hold,
            }),
        1 => (
            names(["kuiten", "hamstrings", "quadriceps"]),
            prop::option::of(dur(2_000, 45_000)),
            prop::option::of(1u32..=2),
        )
            .prop_map(|(stretches, hold, sides)| Kind::Stretch { stretches, hold, sides }),
        1 => (
            names(["squats", "lunges", "plank"]),
            prop::option::of(dur(2_000, 60_000)),
            prop::option::of(dur(0, 30_000)),
        )
            .prop_map(|(exercises, work, rest)| Kind::Strength { exercises, work, rest }),
    ]
}

/// Cues inside a block of `len` ms.
fn cues(len: i64) -> impl Strategy<Value = Vec<CueGen>> {
    let cue = (
        0.0f64..1.0,
        0u8..8,
        prop::sample::select(CLIPS.to_vec()),
        prop::bool::weighted(0.2),
        0u8..3,
    )
        .prop_map(move |(frac, how, clip, say, style)| {
            let at = (frac * len as f64).floor() as i64;
            let when = match how {
                0..=4 => When::At(Dur { ms: at, style }),
                5 | 6 => When::FromEnd(Dur {
                    ms: (at + 1).min(len),
                    style,
                }),
                // Every 20 s to 2 min, where that fits in the block.
                _ => {
                    let every = 20_000 + (frac * 100_000.0) as i64;
                    if every < len {
                        When::Every(Dur { ms: every, style })
                    } else {
                        When::At(Dur { ms: at, style })
                    }
                }
            };
            CueGen { when, clip, say }
        });
    prop::collection::vec(cue, 0..=3)
}

fn block(max: i64) -> impl Strategy<Value = BlockGen> {
    kind(max).prop_flat_map(|kind| {
        let len = kind.ms();
        (
            Just(kind),
            prop::option::weighted(
                0.3,
                prop::sample::select(vec!["Rondje · één", "Los \"lopen\"", "Tempo\\rust", "🏃"]),
            ),
            prop::option::weighted(0.15, any::<bool>()),
            cues(len),
        )
            .prop_map(|(kind, name, auto_cues, cues)| BlockGen {
                kind,
                name,
                auto_cues,
                cues,
            })
    })
}

/// A valid session of `blocks` blocks, each up to `max` ms long, at most `total` ms.
fn session(
    blocks: std::ops::RangeInclusive<usize>,
    max: i64,
    total: i64,
) -> impl Strategy<Value = SessionGen> {
    let settle = (dur(1_000, 60_000), dur(20_000, 180_000), dur(1_000, 19_750)).prop_map(
        |(settle, check_every, check_for)| Settle {
            settle,
            check_every,
            check_for,
        },
    );
    (
        prop::sample::select(vec![
            "Week 1 · training 1",
            "t",
            "Tab\tand \"quotes\" \\ ünïcødé",
        ]),
        prop::option::of(cad()),
        prop::option::weighted(0.3, any::<bool>()),
        prop::option::weighted(0.3, 0u32..=8),
        prop::option::weighted(0.3, settle),
        prop::option::weighted(0.3, dur(10_000, 300_000)),
        prop::collection::vec(block(max), blocks),
    )
        .prop_map(
            |(title, cadence, auto_cues, accent_every, settle, reminders_every, blocks)| {
                SessionGen {
                    title,
                    cadence,
                    auto_cues,
                    accent_every,
                    settle,
                    reminders_every,
                    blocks,
                }
            },
        )
        .prop_filter("a session of at most the total asked for", move |s| {
            s.total_ms() <= total
        })
}

/// Sessions up to 40 minutes, 1 to 6 blocks.
fn sessions() -> impl Strategy<Value = SessionGen> {
    session(1..=6, 6 * 60_000, 40 * 60_000)
}

// ---------------------------------------------------------------------------
// Helpers on timelines.
// ---------------------------------------------------------------------------

/// The played block that holds `time` (blocks are half-open).
fn block_of(t: &Timeline, time: f64) -> usize {
    t.blocks
        .partition_point(|b| b.start <= time)
        .checked_sub(1)
        .expect("after the first block's start")
}

/// Beats from the start of a run of `len` s, `x` s into it: the tempo's integral.
fn beats(c: Cadence, x: f64, len: f64) -> f64 {
    let (c0, c1) = (f64::from(c.start), f64::from(c.end));
    (c0 * x + (c1 - c0) * x * x / (2.0 * len)) / 60.0
}

/// Checks every property of the compiled timeline that needs no audio.
fn check_timeline(g: &SessionGen, t: &Timeline) -> Result<(), TestCaseError> {
    // 1. Sorted, and all within 0..=duration.
    for w in t.events.windows(2) {
        prop_assert!(
            w[0].time() <= w[1].time(),
            "unsorted: {:?} {:?}",
            w[0],
            w[1]
        );
    }
    for e in &t.events {
        prop_assert!(
            (0.0..=t.duration).contains(&e.time()),
            "{e:?} outside 0..={}",
            t.duration
        );
        match e {
            Event::Clip(c) => {
                prop_assert!(c.time + c.duration <= t.duration + 1e-9, "{e:?} ends late");
            }
            Event::Tone { time, duration, .. } => {
                prop_assert!(time + duration <= t.duration + 1e-9, "{e:?} ends late");
            }
            Event::Click { .. } | Event::Presence { .. } => {}
        }
    }

    // 2. Clips never overlap (starts are placed in whole µs, lengths rounded to µs).
    let clips: Vec<(f64, f64, &str)> = t
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Clip(c) => Some((c.time, c.duration, c.clip.as_str())),
            _ => None,
        })
        .collect();
    for w in clips.windows(2) {
        let ((a, len, id), (b, _, next)) = (w[0], w[1]);
        prop_assert!(
            b >= a + len - 1e-6,
            "`{next}` at {b} while `{id}` ({a} + {len}) speaks"
        );
    }

    // 4. Blocks add up, as played and as in the spec's rule for intervals.
    let played = g.played();
    prop_assert_eq!(t.blocks.len(), played.len());
    let mut end = 0.0;
    let mut expect_ms = 0i64;
    for (i, (b, (kind, ms, cadence))) in t.blocks.iter().zip(&played).enumerate() {
        prop_assert_eq!(b.index, i);
        prop_assert_eq!(b.kind.name(), *kind);
        prop_assert_eq!(
            b.start,
            end,
            "block {} does not start where {} ends",
            i,
            i.max(1) - 1
        );
        prop_assert!(b.end > b.start);
        expect_ms += ms;
        prop_assert!(
            (b.end - expect_ms as f64 / 1000.0).abs() < 1e-9,
            "block {i} ends at {}",
            b.end
        );
        prop_assert_eq!(
            b.cadence,
            cadence.map(|c| c.start),
            "cadence of block {}",
            i
        );
        prop_assert_eq!(
            b.cadence_end,
            cadence.map(|c| c.end),
            "cadence_end of block {}",
            i
        );
        end = b.end;
    }
    prop_assert_eq!(expect_ms, g.total_ms());
    let last_clip = clips.iter().map(|(a, len, _)| a + len).fold(end, f64::max);
    prop_assert!(
        (t.duration - last_clip).abs() < 1e-9,
        "duration {} is neither the last block's end {end} nor the last clip's end {last_clip}",
        t.duration
    );

    // 3. Clicks on their block's grid, only in run blocks, each step at most once.
    let accent_every = g.accent_every.unwrap_or(0);
    let mut steps: Vec<Vec<u64>> = vec![Vec::new(); t.blocks.len()];
    for e in &t.events {
        let Event::Click { time, accent } = *e else {
            continue;
        };
        let i = block_of(t, time);
        let b = &t.blocks[i];
        prop_assert_eq!(b.kind.name(), "run", "click at {} in block {}", time, i);
        prop_assert!(time < b.end, "click at {time} past the end of block {i}");
        let c = Cadence {
            start: b.cadence.unwrap(),
            end: b.cadence_end.unwrap(),
        };
        let (x, len) = (time - b.start, b.end - b.start);
        let k = beats(c, x, len).round();
        prop_assert!(k >= 0.0);
        let k = k as u64;
        if c.is_ramp() {
            let want = c.step_offset(k, len);
            prop_assert!(
                (x - want).abs() < 1e-6,
                "click at {time}: {x} s into block {i}, step {k} is at {want}"
            );
        } else {
            let n = x * f64::from(c.start) / 60.0;
            prop_assert!(
                (n - n.round()).abs() < 1e-6,
                "click at {time}: {n} steps into block {i}"
            );
        }
        if accent_every > 0 {
            prop_assert_eq!(
                accent,
                k.is_multiple_of(u64::from(accent_every)),
                "accent of step {}",
                k
            );
        } else {
            prop_assert!(!accent);
        }
        steps[i].push(k);
    }
    for (i, b) in t.blocks.iter().enumerate() {
        let ks = &steps[i];
        prop_assert!(
            ks.windows(2).all(|w| w[0] < w[1]),
            "steps of block {i}: {ks:?}"
        );
        if b.kind.name() != "run" {
            continue;
        }
        // Steps k = 0, 1, … while k · 60 / c̄ lies before the end: (c0 + c1)/2 · len/60.
        let c = (b.cadence.unwrap(), b.cadence_end.unwrap());
        let len_us = ((b.end - b.start) * 1e6).round() as u128;
        let n = (u128::from(c.0 + c.1) * len_us).div_ceil(120_000_000) as u64;
        if g.settle.is_none() {
            prop_assert_eq!(
                ks.clone(),
                (0..n).collect::<Vec<_>>(),
                "steps of block {}",
                i
            );
        } else {
            prop_assert_eq!(ks.first(), Some(&0), "block {} starts with a click", i);
            prop_assert!(ks.iter().all(|&k| k < n));
        }
    }
    Ok(())
}

/// Field by field: the JSON of `show --json` against the timeline.
fn check_json(t: &Timeline, json: &str) -> Result<(), TestCaseError> {
    let v: Value = serde_json::from_str(json).expect("show --json is JSON");
    let again: Value = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
    prop_assert_eq!(&v, &again);
    let top = v.as_object().unwrap();
    let mut keys: Vec<&str> = top.keys().map(String::as_str).collect();
    keys.sort_unstable();
    prop_assert_eq!(keys, vec!["blocks", "duration", "events", "title"]);
    prop_assert_eq!(v["title"].as_str(), Some(t.title.as_str()));
    prop_assert_eq!(v["duration"].as_f64(), Some(t.duration));

    let blocks = v["blocks"].as_array().unwrap();
    prop_assert_eq!(blocks.len(), t.blocks.len());
    for (j, b) in blocks.iter().zip(&t.blocks) {
        prop_assert_eq!(j["index"].as_u64(), Some(b.index as u64));
        prop_assert_eq!(j["kind"].as_str(), Some(b.kind.name()));
        prop_assert_eq!(j["name"].as_str(), Some(b.name.as_str()));
        prop_assert_eq!(j["start"].as_f64(), Some(b.start));
        prop_assert_eq!(j["end"].as_f64(), Some(b.end));
        match b.cadence {
            None => {
                prop_assert!(j["cadence"].is_null());
                prop_assert!(j.get("cadence_end").is_none());
            }
            Some(c) => {
                prop_assert_eq!(j["cadence"].as_u64(), Some(u64::from(c)));
                prop_assert_eq!(j["cadence_end"].as_u64(), b.cadence_end.map(u64::from));
            }
        }
    }

    let events = v["events"].as_array().unwrap();
    prop_assert_eq!(events.len(), t.events.len());
    for (j, e) in events.iter().zip(&t.events) {
        prop_assert_eq!(j["time"].as_f64(), Some(e.time()));
        prop_assert_eq!(j["type"].as_str(), Some(e.type_name()));
        let fields = j.as_object().unwrap().len();
        match e {
            Event::Click { accent, .. } => {
                prop_assert_eq!(fields, 3);
                prop_assert_eq!(j["accent"].as_bool(), Some(*accent));
            }
            Event::Clip(c) => {
                prop_assert_eq!(fields, 5);
                prop_assert_eq!(j["clip"].as_str(), Some(c.clip.as_str()));
                prop_assert_eq!(j["text"].as_str(), Some(c.text.as_str()));
                prop_assert_eq!(j["duration"].as_f64(), Some(c.duration));
            }
            Event::Tone {
                phase, duration, ..
            } => {
                prop_assert_eq!(fields, 4);
                prop_assert_eq!(j["phase"].as_str(), Some(phase.as_str()));
                prop_assert_eq!(j["duration"].as_f64(), Some(*duration));
            }
            Event::Presence { .. } => prop_assert_eq!(fields, 2),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The properties.
// ---------------------------------------------------------------------------

/// `cases` cases; failures are kept in tests/props.proptest-regressions (the default
/// place is not found from a module of the one test binary).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/props.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Properties 1–4: sorted events, clips apart, clicks on the grid, blocks that add up.
    #[test]
    fn compiled_sessions_keep_the_timing_rules(g in sessions()) {
        let t = compile_str(&g.toml()).timeline;
        check_timeline(&g, &t)?;
    }

    /// Property 6: `to_json` is JSON that round-trips and says what the timeline holds.
    #[test]
    fn show_json_matches_the_timeline(g in sessions()) {
        let t = compile_str(&g.toml()).timeline;
        check_json(&t, &t.to_json())?;
    }
}

proptest! {
    #![proptest_config(config(16))]

    /// Property 5: a render at 8000 Hz holds round(duration · 8000) frames, as the spec's
    /// rule `round(time · rate)` says for the session's end.
    #[test]
    fn a_render_lasts_the_rounded_duration(g in session(1..=3, 90_000, 5 * 60_000)) {
        let t = compile_str(&g.toml()).timeline;
        let sounds = Sounds::prepare(&t, &test_pack(), 8000).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.wav");
        let options = RenderOptions { channels: 1, stems: None };
        let summary = render_wav(&t, &sounds, None, &out, &options, &AtomicBool::new(false), |_, _| {})
            .unwrap();
        let frames = (t.duration * 8000.0).round() as u64;
        prop_assert_eq!(summary.frames, frames);
        prop_assert_eq!(std::fs::metadata(&out).unwrap().len(), 44 + 2 * frames);
        let wav = hound::WavReader::open(&out).unwrap();
        let spec = wav.spec();
        prop_assert_eq!((spec.sample_rate, spec.channels, spec.bits_per_sample), (8000, 1, 16));
        prop_assert_eq!(u64::from(wav.duration()), frames);
    }
}

proptest! {
    #![proptest_config(config(8))]

    /// Property 6 through the binary: `rustig show --json` prints `to_json` exactly.
    #[test]
    fn the_binary_prints_the_same_json(g in sessions()) {
        let toml = g.toml();
        let t = compile_str(&toml).timeline;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, &toml).unwrap();
        let out = Rustig::fixture(&["show", "--json", path.to_str().unwrap()]).run();
        let (stdout, stderr) = text(&out);
        prop_assert_eq!(out.status.code(), Some(0), "{}", stderr);
        prop_assert_eq!(stdout, t.to_json() + "\n");
    }
}
