//! The presence tok (`presence = "60s"`) and spoken time left (`remaining`): where
//! they fall in the timeline, that the built-in program never leaves a runner in
//! more than a minute of silence except where it means to, and that the tok is in
//! the rendered audio, soft.

use std::path::Path;
use std::sync::Arc;

use rustig::load::{PackCache, default_program};
use rustig::mix::{Mixer, Sounds};
use rustig::session::parse_session;
use rustig::timeline::{Event, PRESENCE_SECONDS, Timeline, compile};
use rustig::voice::{VoiceLookup, VoicePack};

use crate::util::{errors, errors_with, timeline};

/// The built-in Dutch pack (it has the `nog.*` clips).
fn nl() -> VoicePack {
    VoicePack::load("nl", &VoiceLookup::builtin_only())
        .expect("the built-in pack loads")
        .0
}

/// Compiles `text` with the built-in pack.
fn compile_nl(text: &str) -> Arc<Timeline> {
    let (session, diags) = parse_session(Path::new("t.toml"), text.as_bytes(), Path::new("."));
    let rendered: String = diags.iter().map(|d| d.to_string()).collect();
    let session = session.unwrap_or_else(|| panic!("invalid:\n{rendered}"));
    compile(&session, &nl())
        .unwrap_or_else(|e| panic!("{}", e.iter().map(|d| d.to_string()).collect::<String>()))
        .timeline
}

/// The presence toks of a timeline, in seconds.
fn toks(t: &Timeline) -> Vec<f64> {
    t.events
        .iter()
        .filter_map(|e| match e {
            Event::Presence { time } => Some(*time),
            _ => None,
        })
        .collect()
}

/// Every silence between sounds (clip, tone, click counted as 40 ms, tok) longer
/// than `limit` seconds, as (from, to); the start of the session counts as sound.
fn silences(t: &Timeline, limit: f64) -> Vec<(f64, f64)> {
    let mut heard = 0.0f64;
    let mut out = Vec::new();
    let ends = t.events.iter().map(|e| {
        let len = match e {
            Event::Clip(c) => c.duration,
            Event::Tone { duration, .. } => *duration,
            Event::Click { .. } | Event::Presence { .. } => PRESENCE_SECONDS,
        };
        (e.time(), e.time() + len)
    });
    for (start, stop) in ends.chain(std::iter::once((t.duration, t.duration))) {
        if start - heard > limit + 1e-6 {
            out.push((heard, start));
        }
        heard = heard.max(stop);
    }
    out
}

const WALKS: &str = r#"
title = "Wandelen"
voice = "test"
presence = "60s"
auto_cues = false

[[block]]
kind = "walk"
duration = "5m"
auto_cues = false

[[block]]
kind = "silence"
duration = "3m"
auto_cues = false

[[block]]
kind = "walk"
name = "Stil wandelen"
duration = "3m"
auto_cues = false
presence = false

[[block]]
kind = "walk"
duration = "2m"
auto_cues = false
"#;

/// A tok every 60 s where nothing sounds; none in the silence block nor in a block
/// marked `presence = false`; the next one at the first block where it may sound.
#[test]
fn toks_fill_silence_except_where_the_author_wants_it() {
    let t = timeline(WALKS);
    assert_eq!(toks(&t), [60.0, 120.04, 180.08, 240.12, 660.0, 720.04]);
    // The only silences over 60 s are the two blocks the author made silent.
    assert_eq!(silences(&t, 60.0), [(240.16, 660.0)]);
    assert!(t.to_json().contains(r#""type": "presence""#));
}

/// Without `presence`, a file compiles exactly as before: no tok.
#[test]
fn without_presence_nothing_changes() {
    let t = timeline(&WALKS.replace("presence = \"60s\"\n", ""));
    assert!(toks(&t).is_empty());
}

/// Bad values are errors at the value, with a fix.
#[test]
fn bad_presence_values_are_errors() {
    let e = errors(&WALKS.replace("\"60s\"", "\"5s\""));
    assert!(
        e.contains("`presence` must be between 15s and 10m, found 5s"),
        "{e}"
    );
    let e = errors(&WALKS.replace("\"60s\"", "true"));
    assert!(
        e.contains("`presence` needs an interval, not `true`"),
        "{e}"
    );
    assert!(e.contains("presence = \"60s\""), "{e}");
}

/// The built-in program: a runner never hears more than 60 s of silence except in
/// blocks marked silent (the quiet running of the settle pattern and the silence
/// blocks), and the warm-ups, which used to be silent for minutes, now have toks.
#[test]
fn the_built_in_program_is_never_silent_for_more_than_a_minute_unasked() {
    let lookup = VoiceLookup::builtin_only();
    let packs = PackCache::new(&lookup);
    let (_, program) = default_program();
    let mut with_toks = 0;
    for file in program.unwrap().sessions {
        let (diags, loaded) = packs.load(&file);
        let loaded = loaded.unwrap_or_else(|| panic!("{}: {diags:?}", file.display.display()));
        let t = &loaded.compiled.timeline;
        let session = &loaded.session;
        for (from, to) in silences(t, 60.0) {
            // Every second of a long silence lies in a block that is silent on purpose.
            let mut at = from + 0.5;
            while at < to - 0.5 {
                let b = t.block_at(at).unwrap();
                let source = session
                    .blocks
                    .iter()
                    .find(|sb| sb.name.as_deref() == Some(b.name.as_str()))
                    .or_else(|| {
                        // Rounds of intervals carry the block's name plus the round.
                        session
                            .blocks
                            .iter()
                            .find(|sb| sb.name.as_deref().is_some_and(|n| b.name.starts_with(n)))
                    })
                    .unwrap();
                assert!(
                    !source.presence_on(),
                    "{}: {from:.2}–{to:.2} s is silent in {} ({:?}), which is not marked silent",
                    file.display.display(),
                    b.name,
                    b.kind
                );
                at += 1.0;
            }
        }
        if !toks(t).is_empty() {
            with_toks += 1;
        }
        let warmup = &t.blocks[0];
        assert!(
            toks(t).iter().any(|&x| x < warmup.end),
            "{}: no tok in the warm-up",
            file.display.display()
        );
    }
    assert_eq!(with_toks, 42);
}

/// The tok is in the mix, soft, at its frame, and nowhere near full scale.
#[test]
fn the_tok_sounds_softly_in_the_rendered_audio() {
    let t = timeline(WALKS);
    let pack = crate::util::test_pack();
    let rate = 8000;
    let sounds = Sounds::prepare(&t, &pack, rate).unwrap();
    let mut mixer = Mixer::new(Arc::clone(&t), &sounds, 1, 4096);
    let mut out = vec![0.0f32; mixer.length() as usize];
    mixer.process(&mut out);
    let at = (60.0 * f64::from(rate)).round() as usize;
    let peak = |r: std::ops::Range<usize>| out[r].iter().fold(0.0f32, |p, x| p.max(x.abs()));
    let tok = peak(at..at + 320);
    assert!(tok > 0.02 && tok < 0.2, "tok peak {tok}");
    assert_eq!(peak(at - 800..at), 0.0, "silence before the tok");
    assert_eq!(peak(at + 320..at + 4000), 0.0, "silence after the tok");
}

/// Mixed in small blocks, the toks sound exactly as in one block: each block starts
/// from silence where a tok ended in the block before.
#[test]
fn toks_mixed_in_blocks_sound_as_in_one() {
    let t = timeline(WALKS);
    let pack = crate::util::test_pack();
    let rate = 8000;
    let sounds = Sounds::prepare(&t, &pack, rate).unwrap();
    let mut whole = Mixer::new(Arc::clone(&t), &sounds, 1, 4096);
    let mut want = vec![0.0f32; whole.length() as usize];
    whole.process(&mut want);
    for block in [100, 333] {
        let mut mixer = Mixer::new(Arc::clone(&t), &sounds, 1, block);
        let mut got = Vec::with_capacity(want.len());
        let mut buf = vec![0.0f32; block];
        while !mixer.finished() {
            let n = ((mixer.length() - mixer.position()) as usize).min(block);
            mixer.process(&mut buf[..n]);
            got.extend_from_slice(&buf[..n]);
        }
        assert!(
            got == want,
            "blocks of {block} frames differ from one block"
        );
    }
}

const REMAINING: &str = r#"
title = "Nog even"

[[block]]
kind = "walk"
duration = "5m"

[[block]]
kind = "run"
duration = "20m"
remaining = ["10m", "5m", "1m", "5m"]
"#;

/// `remaining` says the time left with the pack's `nog.*` clips, at block end − d.
#[test]
fn remaining_time_is_spoken_before_the_end() {
    let t = compile_nl(REMAINING);
    let said: Vec<(f64, &str, &str)> = t
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Clip(c) if c.clip.starts_with("nog.") => {
                Some((c.time, c.clip.as_str(), c.text.as_str()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        said,
        [
            (900.0, "nog.10m", "Nog tien minuten. Neem je tijd."),
            (1200.0, "nog.5m", "Nog vijf minuten. Houd het ontspannen."),
            (1440.0, "nog.1m", "Nog één minuut. Blijf ontspannen."),
        ]
    );
}

/// A time the pack cannot say, or one outside the block, is an error at the value.
#[test]
fn remaining_needs_a_clip_and_a_time_inside_the_block() {
    let e = errors_with(&REMAINING.replace("\"1m\"", "\"7m\""), &nl());
    assert!(
        e.contains("voice pack `nl` has no clip `nog.7m` to say that 7m is left"),
        "{e}"
    );
    assert!(
        e.contains("can say: 30m, 20m, 15m, 10m, 5m, 3m, 2m, 1m"),
        "{e}"
    );
    let e = errors_with(&REMAINING.replace("\"10m\"", "\"20m\""), &nl());
    assert!(
        e.contains("20m before the end is outside this block, which lasts 20m"),
        "{e}"
    );
    let e = errors_with(
        &REMAINING.replace(
            "kind = \"walk\"\nduration = \"5m\"",
            "kind = \"silence\"\nduration = \"5m\"\nremaining = [\"1m\"]",
        ),
        &nl(),
    );
    assert!(e.contains("`remaining`"), "{e}");
}
