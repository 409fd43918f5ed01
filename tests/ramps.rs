//! Cadence ramps (`cadence = "170-176"`) and quiet blocks (`reminders = false`,
//! `[reminders] kinds`), on compiled timelines with the fixture pack.

use rustig::timeline::{Event, Timeline};

use crate::util::{Rustig, errors, timeline};

const QUIET: &str = "title = \"t\"\nvoice = \"test\"\nauto_cues = false\n";

fn click_times(t: &Timeline) -> Vec<f64> {
    t.events
        .iter()
        .filter_map(|e| match e {
            Event::Click { time, .. } => Some(*time),
            _ => None,
        })
        .collect()
}

/// Steps taken `t` seconds into a run of `len` seconds ramping from `c0` to `c1`: the
/// integral of the tempo.
fn steps_at(t: f64, len: f64, c0: f64, c1: f64) -> f64 {
    (c0 * t + (c1 - c0) * t * t / (2.0 * len)) / 60.0
}

fn reminder_clips(t: &Timeline) -> Vec<(f64, String)> {
    t.events
        .iter()
        .filter_map(|e| match e {
            Event::Clip(c) if c.clip.starts_with("techniek.") || c.clip.starts_with("tempo.") => {
                Some((c.time, c.clip.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn ramp_click_k_sits_where_the_tempo_integral_reaches_k_steps() {
    let t = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"walk\"\nduration = \"1m\"\n[[block]]\nkind = \"run\"\nduration = \"2m\"\ncadence = \"170-176\"\n"
    ));
    let k = click_times(&t);
    // (170 + 176) / 2 steps a minute for 2 minutes: 346 steps, k = 0..=345.
    assert_eq!(k.len(), 346);
    assert_eq!(k[0], 60.0);
    for (i, time) in k.iter().enumerate() {
        let steps = steps_at(time - 60.0, 120.0, 170.0, 176.0);
        assert!(
            (steps - i as f64).abs() < 1e-9,
            "click {i} at {time}: {steps} steps"
        );
    }
    // The tempo rises: the first gap is 60/170 s, the last close to 60/176 s.
    assert!((k[1] - k[0] - 60.0 / 170.0).abs() < 1e-4);
    assert!((k[345] - k[344] - 60.0 / 176.0).abs() < 1e-4);
    assert!(k.windows(2).all(|w| w[1] > w[0]));
    assert!(*k.last().unwrap() < 180.0);
    assert_eq!(t.blocks[1].cadence, Some(170));
    assert_eq!(t.blocks[1].cadence_end, Some(176));
}

#[test]
fn a_two_hour_ramp_does_not_drift() {
    let t = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"run\"\nduration = \"2h\"\ncadence = \"170-180\"\n"
    ));
    let k = click_times(&t);
    // 175 steps a minute on average for 120 minutes.
    assert_eq!(k.len(), 21_000);
    let last = k[20_999];
    assert!((steps_at(last, 7200.0, 170.0, 180.0) - 20_999.0).abs() < 1e-7);
    assert!((7200.0 - last - 60.0 / 180.0).abs() < 1e-4, "{last}");
}

#[test]
fn a_ramp_may_fall_and_a_steady_ramp_is_a_plain_cadence() {
    let falling = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"run\"\nduration = \"1m\"\ncadence = \"180-170\"\n"
    ));
    let k = click_times(&falling);
    assert_eq!(k.len(), 175);
    assert!(k[1] - k[0] < k[174] - k[173]);
    let same = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"run\"\nduration = \"1m\"\ncadence = \"172-172\"\n"
    ));
    let plain = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"run\"\nduration = \"1m\"\ncadence = 172\n"
    ));
    assert_eq!(same.events, plain.events);
    assert_eq!(plain.blocks[0].cadence_end, Some(172));
}

#[test]
fn each_run_of_intervals_ramps_from_the_start_value_and_the_session_default_applies() {
    let t = timeline(&format!(
        "{QUIET}cadence = \"172-178\"\n[[block]]\nkind = \"intervals\"\nrepeat = 2\nrun = \"1m\"\nwalk = \"1m\"\n\
         [[block]]\nkind = \"run\"\nduration = \"1m\"\ncadence = 180\n"
    ));
    let cad: Vec<_> = t
        .blocks
        .iter()
        .map(|b| (b.kind.name(), b.cadence, b.cadence_end))
        .collect();
    assert_eq!(
        cad,
        [
            ("run", Some(172), Some(178)),
            ("walk", None, None),
            ("run", Some(172), Some(178)),
            ("run", Some(180), Some(180)),
        ]
    );
    let k = click_times(&t);
    let round2: Vec<f64> = k
        .iter()
        .copied()
        .filter(|&x| (120.0..180.0).contains(&x))
        .collect();
    assert_eq!(round2.len(), 175);
    assert_eq!(round2[0], 120.0);
    assert!((round2[1] - 120.0 - 60.0 / 172.0).abs() < 1e-4);
}

#[test]
fn the_settle_pattern_follows_the_ramp_in_time() {
    let t = timeline(&format!(
        "{QUIET}[metronome]\npattern = \"settle\"\nsettle = \"30s\"\ncheck_every = \"1m\"\ncheck_for = \"10s\"\n\
         [[block]]\nkind = \"run\"\nduration = \"2m\"\ncadence = \"170-180\"\n"
    ));
    let k = click_times(&t);
    assert!(
        k.iter().all(|&x| x < 30.0 || (60.0..70.0).contains(&x)),
        "{k:?}"
    );
    assert_eq!(k[0], 0.0);
    let burst: Vec<f64> = k.iter().copied().filter(|&x| x >= 60.0).collect();
    // In the burst the tempo is about 175 a minute: 10 s hold 29 steps.
    assert!((28..=30).contains(&burst.len()), "{}", burst.len());
}

#[test]
fn bad_ramps_are_errors_at_the_value() {
    let e = errors(
        "title = \"t\"\ncadence = \"170-250\"\n[[block]]\nkind = \"run\"\nduration = \"1m\"\n",
    );
    assert_eq!(
        e,
        "t.toml:2:11: error[R0011]: both ends of the cadence ramp must be between 120 and 220 steps per minute\n  |\n2 | cadence = \"170-250\"\n  |           ^^^^^^^^^\n"
    );
    let e =
        errors("title = \"t\"\n[[block]]\nkind = \"run\"\nduration = \"1m\"\ncadence = \"snel\"\n");
    assert!(
        e.starts_with(
            "t.toml:5:11: error[R0011]: `cadence` must be steps per minute or a ramp, found \"snel\"\n"
        ),
        "{e}"
    );
    assert!(
        e.ends_with("  = help: write cadence = 172 for a steady cadence, or cadence = \"170-176\" to rise from 170 to 176 over the run\n"),
        "{e}"
    );
}

#[test]
fn show_prints_the_ramp_and_json_adds_cadence_end() {
    let (stdout, _) = Rustig::new(&["show", "tests/data/sessions/ramp.toml"]).exits(0);
    assert!(
        stdout.contains("Hardlopen (run, 8:00, 168→176/min, 1376 clicks)"),
        "{stdout}"
    );
    let out = Rustig::new(&["show", "--json", "tests/data/sessions/ramp.toml"]).run();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &json["blocks"][1];
    assert_eq!(run["cadence"], 168);
    assert_eq!(run["cadence_end"], 176);
}

#[test]
fn a_quiet_block_has_no_reminders_but_keeps_its_structure_cues_and_its_time_does_not_count() {
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\n[reminders]\nevery = \"40s\"\nclips = [\"tempo.praten\"]\n\
         [[block]]\nkind = \"run\"\nduration = \"1m30s\"\nreminders = false\n\
         [[block]]\nkind = \"run\"\nduration = \"1m\"\n",
    );
    // Only the second run counts: 40 s into it.
    assert_eq!(reminder_clips(&t), [(130.0, "tempo.praten".to_owned())]);
    let ids: Vec<&str> = t
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Clip(c) if c.time < 90.0 => Some(c.clip.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(ids, ["blok.run", "halverwege", "aftellen.10"]);
}

#[test]
fn reminder_kinds_say_where_reminders_are_spoken() {
    let session = |kinds: &str| {
        timeline(&format!(
            "title = \"t\"\nvoice = \"test\"\n[reminders]\nevery = \"40s\"\nclips = [\"tempo.praten\"]\n{kinds}\
             [[block]]\nkind = \"walk\"\nduration = \"1m\"\n\
             [[block]]\nkind = \"intervals\"\nrepeat = 2\nrun = \"30s\"\nwalk = \"30s\"\n\
             [[block]]\nkind = \"run\"\nduration = \"1m\"\n"
        ))
    };
    let times = |t: &Timeline| reminder_clips(t).iter().map(|c| c.0).collect::<Vec<_>>();
    // Default: the runs of intervals (1:00-1:30, 2:00-2:30) and the run block
    // (2:30-3:30): 40 s of running is 2:10, 80 s is 2:50.
    assert_eq!(times(&session("")), [130.0, 170.0]);
    assert_eq!(
        times(&session("kinds = [\"run\", \"intervals\"]\n")),
        [130.0, 170.0]
    );
    // Only the run block.
    assert_eq!(times(&session("kinds = [\"run\"]\n")), [190.0]);
    // Walk blocks count and speak too (not the walks of intervals): 0:40 in the
    // warm-up, 1:20 in round 1, 120 s at the end of round 2 goes to the run block
    // after its announcement, 160 s at 3:10.
    assert_eq!(
        times(&session("kinds = [\"walk\", \"run\", \"intervals\"]\n")),
        [40.0, 80.0, 152.3, 190.0]
    );
    assert!(times(&session("kinds = []\n")).is_empty());
}

#[test]
fn an_unknown_reminder_kind_is_an_error_with_a_suggestion() {
    let e = errors(
        "title = \"t\"\n[reminders]\nkinds = [\"run\", \"interval\"]\n[[block]]\nkind = \"run\"\nduration = \"1m\"\n",
    );
    assert_eq!(
        e,
        "t.toml:3:17: error[R0009]: unknown block kind `interval` in reminders `kinds`\n  |\n3 | kinds = [\"run\", \"interval\"]\n  |                 ^^^^^^^^^^\n  = help: did you mean `intervals`?\n"
    );
}

/// `+` in `play` moves both ends of a ramp, as if the file said 172-178.
#[test]
fn faster_in_play_shifts_the_whole_ramp() {
    use rustig::play::Key;
    let session = |cadence: &str| {
        format!(
            "{QUIET}[[block]]\nkind = \"run\"\nduration = \"1m\"\ncadence = \"{cadence}\"\n\
             [[block]]\nkind = \"intervals\"\nrepeat = 1\nrun = \"1m\"\ncadence = 219\n"
        )
    };
    let (_, mut play) = crate::util::mock_playback(&session("170-176"));
    play.key(Key::Faster);
    // The intervals' 219 stops at the top of the range, 220.
    let expected = timeline(&session("172-178").replace("219", "220"));
    assert_eq!(play.timeline().events, expected.events);
    assert_eq!(play.timeline().blocks[0].cadence, Some(172));
    assert_eq!(play.timeline().blocks[0].cadence_end, Some(178));
    assert_eq!(play.timeline().blocks[1].cadence, Some(220));
}
