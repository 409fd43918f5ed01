//! The default program `sessions/opbouw/` (issue 4): 14 weeks of 3 trainings from
//! 12 to 36 minutes of running, checked on the compiled timelines.
//!
//! Running time is the sum of the lengths of the `run` blocks as played (an
//! intervals block counts only its runs).

use std::collections::BTreeSet;

use rustig::load::{PackCache, load_program};
use rustig::timeline::{Event, Timeline};
use rustig::voice::VoiceLookup;

use crate::util::{Rustig, files_below, root};

const WEEKS: usize = 14;
const PER_WEEK: usize = 3;

/// The program's timelines in program order, compiled with the built-in pack.
fn timelines() -> Vec<std::sync::Arc<Timeline>> {
    let (diags, program) = load_program(&root().join("sessions/opbouw"));
    let rendered: String = diags.iter().map(|d| d.to_string()).collect();
    let program = program.unwrap_or_else(|| panic!("the program does not load:\n{rendered}"));
    assert!(rendered.is_empty(), "{rendered}");
    let lookup = VoiceLookup::builtin_only();
    let packs = PackCache::new(&lookup);
    program
        .sessions
        .iter()
        .map(|file| {
            let (diags, loaded) = packs.load(file);
            let rendered: String = diags.iter().map(|d| d.to_string()).collect();
            let loaded = loaded.unwrap_or_else(|| {
                panic!("{} does not compile:\n{rendered}", file.display.display())
            });
            assert!(rendered.is_empty(), "{rendered}");
            loaded.compiled.timeline
        })
        .collect()
}

/// Running time: run blocks, and the silence blocks, which the program always runs
/// (the last minutes of a run without clicks or words).
fn running_seconds(t: &Timeline) -> f64 {
    t.blocks
        .iter()
        .filter(|b| matches!(b.kind.name(), "run" | "silence"))
        .map(|b| b.end - b.start)
        .sum()
}

fn minutes(seconds: f64) -> String {
    format!("{:.1} min", seconds / 60.0)
}

#[test]
fn rustig_check_accepts_every_session_under_sessions() {
    let (stdout, stderr) = Rustig::new(&["check", "sessions"]).exits(0);
    assert!(stderr.ends_with(" 0 errors, 0 warnings\n"), "{stderr}");
    assert!(
        stdout.contains("ok, program \"Van 12 naar 36 minuten\" with 42 sessions"),
        "{stdout}"
    );
    // Every session file on disk was checked.
    let mut files = 0;
    for dir in ["sessions/opbouw", "sessions/voorbeelden"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".toml") && name != "program.toml" {
                files += 1;
                assert!(
                    stdout.contains(&format!("{dir}/{name}: ok")),
                    "{dir}/{name} not checked:\n{stdout}"
                );
            }
        }
    }
    assert!(files > WEEKS * PER_WEEK, "{files} session files");
}

#[test]
fn the_program_lists_42_sessions_in_week_order_and_nothing_else() {
    let (_, program) = load_program(&root().join("sessions/opbouw"));
    let program = program.expect("the program loads").program;
    let names: Vec<&str> = program.sessions.iter().map(|s| s.value.as_str()).collect();
    let expected: Vec<String> = (0..WEEKS * PER_WEEK)
        .map(|i| format!("week{:02}-{}.toml", i / PER_WEEK + 1, i % PER_WEEK + 1))
        .collect();
    assert_eq!(names, expected);
    let on_disk: BTreeSet<String> = std::fs::read_dir(root().join("sessions/opbouw"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml") && n != "program.toml")
        .collect();
    assert_eq!(on_disk, expected.into_iter().collect::<BTreeSet<_>>());
}

#[test]
fn titles_say_week_and_training() {
    for (i, t) in timelines().iter().enumerate() {
        assert_eq!(
            t.title,
            format!("Week {} · training {}", i / PER_WEEK + 1, i % PER_WEEK + 1)
        );
    }
}

#[test]
fn running_time_grows_from_12_minutes_to_36_minutes_without_a_break() {
    let timelines = timelines();
    let running: Vec<f64> = timelines.iter().map(|t| running_seconds(t)).collect();
    assert_eq!(running[0], 12.0 * 60.0, "first session");
    let last = timelines.last().unwrap();
    let longest = last
        .blocks
        .iter()
        .filter(|b| b.kind.name() == "run")
        .map(|b| b.end - b.start)
        .fold(0.0, f64::max);
    assert!(
        longest >= 36.0 * 60.0,
        "last session's longest run is {}",
        minutes(longest)
    );
    for (i, pair) in running.windows(2).enumerate() {
        assert!(
            pair[1] >= pair[0],
            "{}: {} after {} in {}",
            timelines[i + 1].title,
            minutes(pair[1]),
            minutes(pair[0]),
            timelines[i].title
        );
    }
    for i in PER_WEEK..running.len() {
        let before = running[i - PER_WEEK];
        assert!(
            running[i] <= before * 1.15 + 1e-9,
            "{}: {} is more than 15 % over {} the week before",
            timelines[i].title,
            minutes(running[i]),
            minutes(before)
        );
    }
}

#[test]
fn every_session_starts_with_5_minutes_of_walking() {
    for t in timelines() {
        let first = &t.blocks[0];
        assert_eq!(first.kind.name(), "walk", "{}", t.title);
        assert!(
            first.end - first.start >= 300.0,
            "{}: {}",
            t.title,
            minutes(first.end - first.start)
        );
    }
}

#[test]
fn every_session_ends_with_a_walk_then_stretches_then_breathing() {
    for t in timelines() {
        let n = t.blocks.len();
        assert!(n >= 4, "{}", t.title);
        let [walk, stretch, breathe] = [&t.blocks[n - 3], &t.blocks[n - 2], &t.blocks[n - 1]];
        assert_eq!(
            [walk.kind.name(), stretch.kind.name(), breathe.kind.name()],
            ["walk", "stretch", "breathe"],
            "{}",
            t.title
        );
        assert!(
            walk.end - walk.start >= 300.0,
            "{}: cool-down of {}",
            t.title,
            minutes(walk.end - walk.start)
        );
        let said: BTreeSet<&str> = t
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Clip(c) if c.time >= stretch.start && c.time < stretch.end => {
                    Some(c.clip.as_str())
                }
                _ => None,
            })
            .collect();
        for clip in [
            "rek.kuiten",
            "rek.hamstrings",
            "rek.quadriceps",
            "rek.wissel",
        ] {
            assert!(said.contains(clip), "{}: no {clip} in {said:?}", t.title);
        }
        let breathing = breathe.end - breathe.start;
        assert!(
            (60.0..=120.0).contains(&breathing),
            "{}: {breathing} s of breathing",
            t.title
        );
    }
}

#[test]
fn cadence_is_170_in_week_1_and_175_to_180_in_the_last_weeks() {
    let timelines = timelines();
    let cadences: Vec<BTreeSet<u32>> = timelines
        .iter()
        .map(|t| t.blocks.iter().filter_map(|b| b.cadence).collect())
        .collect();
    for (t, c) in timelines.iter().zip(&cadences) {
        assert!(!c.is_empty(), "{}: no run block with a cadence", t.title);
    }
    for (t, c) in timelines.iter().zip(&cadences).take(PER_WEEK) {
        assert_eq!(c, &BTreeSet::from([170]), "{}", t.title);
    }
    for (t, c) in timelines.iter().zip(&cadences).skip((WEEKS - 3) * PER_WEEK) {
        assert!(
            c.iter().all(|c| (175..=180).contains(c)),
            "{}: {c:?}",
            t.title
        );
    }
    for (i, pair) in cadences.windows(2).enumerate() {
        assert!(
            pair[1].first() >= pair[0].last(),
            "{}: cadence goes down",
            timelines[i + 1].title
        );
    }
}

#[test]
fn the_built_in_sessions_are_the_sessions_folder_byte_for_byte() {
    let on_disk = files_below(&root().join("sessions"));
    for path in &on_disk {
        let embedded = rustig::builtin::SESSIONS
            .get_file(path)
            .unwrap_or_else(|| panic!("{} is not built in; rebuild", path.display()));
        let disk = std::fs::read(root().join("sessions").join(path)).unwrap();
        assert!(
            embedded.contents() == disk.as_slice(),
            "{} differs from the built-in copy",
            path.display()
        );
    }
    let (diags, program) = rustig::load::default_program();
    assert!(diags.is_empty());
    let program = program.expect("the built-in program loads");
    assert_eq!(program.sessions.len(), WEEKS * PER_WEEK);
    assert_eq!(program.program.title, "Van 12 naar 36 minuten");
}
