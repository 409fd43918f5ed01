//! Live play without a sound card: the real-time player driven by hand (commands
//! through the ring, no allocation in the callback), the `--no-audio` clock, and a
//! real `rustig play` through ALSA's file plugin compared with `rustig render`.

use std::path::Path;
use std::time::Instant;

use rustig::journal::{Journal, Score};
use rustig::mix::{Mixer, Sounds};
use rustig::output::to_i16;
use rustig::play::player::{Command, player};
use rustig::timeline::Timeline;

use crate::util::{Rustig, assert_golden_text, root, test_pack, text, timeline};

const SESSION: &str = "title = \"t\"\nvoice = \"test\"\n[metronome]\naccent_every = 2\n\
    [[block]]\nkind = \"walk\"\nduration = \"3s\"\n[[block]]\nkind = \"run\"\nduration = \"6s\"\ncues = [{ at = \"1s\", clip = \"kort\" }]\n";

fn reference(t: &Timeline, sounds: &Sounds, from: u64, frames: usize, metronome: bool) -> Vec<f32> {
    let mut m = Mixer::new(t.clone(), sounds, 2, 256);
    m.seek(from);
    m.set_metronome(metronome);
    let mut out = vec![0.0; frames * 2];
    m.process(&mut out);
    out
}

/// Calls the player like a device would, with 160-frame buffers, inside
/// `assert_no_alloc`, and returns what it produced.
fn callbacks(p: &mut rustig::play::player::Player, frames: usize) -> Vec<f32> {
    let mut all = Vec::with_capacity(frames * 2);
    let mut buf = vec![0.0f32; 320];
    for _ in 0..frames / 160 {
        assert_no_alloc::assert_no_alloc(|| p.fill(&mut buf));
        all.extend_from_slice(&buf);
    }
    all
}

#[test]
fn commands_reach_the_callback_through_the_ring_without_allocation() {
    let t = timeline(SESSION);
    let sounds = Sounds::prepare(&t, &test_pack(), 8000).unwrap();
    let (mut p, mut control) = player(Mixer::new(t.clone(), &sounds, 2, 256), 0, Instant::now());

    // Plain playback equals the mixer.
    assert_eq!(
        callbacks(&mut p, 8000),
        reference(&t, &sounds, 0, 8000, true)
    );
    assert_eq!(control.position(), 8000);

    // Pause: silence, position held; resume continues exactly where it was.
    assert!(control.send(Command::Pause));
    assert!(callbacks(&mut p, 1600).iter().all(|x| *x == 0.0));
    assert_eq!(control.position(), 8000);
    assert!(
        control
            .shared
            .paused
            .load(std::sync::atomic::Ordering::Relaxed)
    );
    control.send(Command::Resume);
    assert_eq!(
        callbacks(&mut p, 1600),
        reference(&t, &sounds, 8000, 1600, true)
    );

    // Skip to the next block (3 s = frame 24000) and hear its start.
    control.send(Command::Seek(24000));
    assert_eq!(
        callbacks(&mut p, 3200),
        reference(&t, &sounds, 24000, 3200, true)
    );
    assert_eq!(control.position(), 27200);

    // Metronome off, then a recompiled mixer handed over at the current position.
    control.send(Command::Metronome(false));
    assert_eq!(
        callbacks(&mut p, 1600),
        reference(&t, &sounds, 27200, 1600, false)
    );
    let faster = timeline(&SESSION.replace("title = \"t\"", "title = \"t\"\ncadence = 176"));
    control.send(Command::Replace(Box::new(Mixer::new(
        faster.clone(),
        &sounds,
        2,
        256,
    ))));
    assert_eq!(
        callbacks(&mut p, 1600),
        reference(&faster, &sounds, 28800, 1600, false)
    );
    control.send(Command::Metronome(true));
    assert_eq!(
        callbacks(&mut p, 1600),
        reference(&faster, &sounds, 30400, 1600, true)
    );
    control.collect_retired();

    // Play to the end: the player reports it and then stays silent.
    let rest = (control.length() - control.position()) as usize;
    callbacks(&mut p, rest.div_ceil(160) * 160);
    assert!(control.finished());
    assert!(callbacks(&mut p, 160).iter().all(|x| *x == 0.0));
}

/// The play core on a mock transport (the real player driven by hand): lines come
/// due as the position passes them, keys seek and recompile, and the end is reported
/// once, without a terminal or a device.
#[test]
fn the_play_core_follows_a_mock_transport_and_takes_keys() {
    use rustig::play::{End, Key, Update};
    let (t, mut play) = crate::util::mock_playback(SESSION);
    assert_eq!(play.opening_lines(), ["t"]);
    let lines = |updates: Vec<Update>| -> Vec<String> {
        updates
            .into_iter()
            .map(|u| match u {
                Update::Line(l) => l,
                Update::Ended(e) => format!("end {e:?}"),
            })
            .collect()
    };
    // Lines of time 0 are due at once; the run block's line only at 3 s.
    let first = lines(play.poll());
    assert!(first[0].starts_with("[0:00] Blok: "), "{first:?}");
    let sounds = Sounds::prepare(&t, &test_pack(), 8000).unwrap();
    assert_eq!(
        play.transport_mut().advance(8000),
        &reference(&t, &sounds, 0, 8000, true)[..]
    );
    assert!(
        lines(play.poll()).is_empty(),
        "nothing new between 0:00 and 0:01"
    );
    // `n` jumps to the run at 3 s; its lines come with the next poll.
    assert_eq!(play.key(Key::NextBlock), None);
    play.transport_mut().advance(160);
    assert_eq!(play.seconds(), 3.02);
    let run = lines(play.poll());
    assert_eq!(
        run[0], "[0:03] Blok: Hardlopen (hardlopen, 0:06)",
        "{run:?}"
    );
    // `+` recompiles at cadence + 2 and hands the new mixer to the player.
    play.key(Key::Faster);
    assert_eq!(play.flags().cadence_delta, 2);
    let faster = timeline(&SESSION.replace("title = \"t\"", "title = \"t\"\ncadence = 172"));
    assert_eq!(play.timeline().events, faster.events);
    let at = (play.seconds() * 8000.0).round() as u64;
    assert_eq!(
        play.transport_mut().advance(1600),
        &reference(&faster, &sounds, at, 1600, true)[..]
    );
    // Play to the end: the end is reported once.
    let mut ends = 0;
    for _ in 0..20 {
        play.transport_mut().advance(8000);
        ends += lines(play.poll())
            .iter()
            .filter(|l| *l == "end Completed")
            .count();
    }
    assert_eq!(ends, 1, "the end is reported once");
    let (_, report) = play.finish();
    assert_eq!(report.end, End::Completed);
    assert_eq!(report.reached, (faster.duration * 8000.0).round() / 8000.0);
    assert_eq!(
        report.device.map(|d| d.callbacks),
        Some(23),
        "one per advance"
    );
}

#[test]
fn no_audio_prints_every_cue_with_its_time_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = Rustig::fixture(&[
        "play",
        "tests/data/sessions/basic.toml",
        "--no-audio",
        "--speed",
        "2000",
    ])
    .env("XDG_DATA_HOME", dir.path())
    .run();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_golden_text(&root().join("tests/golden/basic-no-audio.txt"), &stdout);
    let from = Rustig::fixture(&[
        "play",
        "tests/data/sessions/basic.toml",
        "--no-audio",
        "--speed",
        "2000",
        "--from",
        "7:40",
    ])
    .env("XDG_DATA_HOME", dir.path())
    .run();
    let (stdout, _) = text(&from);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        &lines[..3],
        [
            "Basis",
            "[7:40] Blok: Ademhaling (ademen, 1:00)",
            "[7:40] Tekst van blok.breathe."
        ]
    );
    assert_eq!(
        lines[lines.len() - 2..],
        [
            "[8:42] Klaar. Goed gedaan.",
            "Versneld afgespeeld: dit is een voorproefje en komt niet in je dagboek."
        ]
    );
}

/// A journal in a fresh data folder that holds one completed run of week01-1.
fn journal_with_week01_1_done() -> (tempfile::TempDir, Journal, i64) {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(&dir.path().join("rustig/journal.db")).unwrap();
    let shape = rustig::journal::RunShape {
        duration: 2000.0,
        running: vec![(300.0, 1700.0)],
    };
    let mut heard = rustig::journal::Heard::new();
    heard.add(0.0, 2000.0);
    let id = journal
        .record(&rustig::journal::RunRecord {
            session_key: "opbouw/week01-1.toml".into(),
            program: Some("opbouw".into()),
            title: "Week 1 · training 1".into(),
            duration: 2000.0,
            mode: rustig::journal::Mode::Audio,
            started_at: rustig::journal::now(),
            ended_at: Some(rustig::journal::now()),
            facts: rustig::journal::RunFacts::of(&shape, &heard, None),
            answers: Default::default(),
            request_key: None,
        })
        .unwrap()
        .id;
    (dir, journal, id)
}

#[test]
fn play_without_a_session_continues_the_default_program() {
    let (dir, journal, _) = journal_with_week01_1_done();
    let status = Rustig::new(&["status", "--json"])
        .env("XDG_DATA_HOME", dir.path())
        .run();
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(
        (&v["plays"]["title"], &v["repeat"]),
        (
            &serde_json::json!("Week 1 · training 2"),
            &serde_json::Value::Null
        ),
        "what play starts, below"
    );
    let out = Rustig::new(&["play", "--no-audio", "--speed", "10000"])
        .env("XDG_DATA_HOME", dir.path())
        .run();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.starts_with("Week 1 · training 2\n[0:00] Blok: Warming-up (wandelen, "),
        "{stdout}"
    );
    assert!(
        stdout
            .ends_with("Versneld afgespeeld: dit is een voorproefje en komt niet in je dagboek.\n"),
        "{stdout}"
    );
    let runs = journal.runs().unwrap();
    assert_eq!(runs.len(), 1, "a sped-up clock is not a training");
    assert_eq!(runs[0].session_key, "opbouw/week01-1.toml");
}

#[test]
fn without_a_device_play_says_what_to_do_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("asound.conf");
    std::fs::write(&conf, "# no devices\n").unwrap();
    let out = Rustig::fixture(&["play", "tests/data/sessions/golden.toml"])
        .env("ALSA_CONFIG_PATH", &conf)
        .env("XDG_DATA_HOME", dir.path())
        .run();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.starts_with("Geen geluid: "), "{stderr}");
    assert!(stderr.ends_with(". Loop zonder geluid met `rustig play --no-audio`, of maak bestanden voor je telefoon met `rustig render` of `rustig export`.\n"), "{stderr}");
}

/// An ALSA configuration whose default device writes everything to `file`, over a
/// `null` device that does not pace in real time.
fn capture_config(dir: &Path, file: &Path) -> std::path::PathBuf {
    let conf = dir.join("asound.conf");
    std::fs::write(
        &conf,
        format!("pcm.!default {{\n  type file\n  slave.pcm \"null\"\n  file \"{}\"\n  format \"raw\"\n}}\npcm.null {{\n  type null\n}}\n", file.display()),
    )
    .unwrap();
    conf
}

#[test]
fn played_audio_matches_render_sample_for_sample() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("capture.raw");
    let conf = capture_config(dir.path(), &raw);
    let out = Rustig::fixture(&["play", "tests/data/sessions/golden.toml"])
        .env("ALSA_CONFIG_PATH", &conf)
        .env("XDG_DATA_HOME", dir.path())
        .run();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.ends_with(
            "[0:32] Klaar. Goed gedaan.\nOpgeslagen: Gouden bestand, afgerond, 10 seconden hardlopen. Volgende keer: Week 1 · training 1, 39 min.\n"
        ),
        "{stdout}"
    );
    // "Geluid via alsa:default: 48000 Hz, 2 kanalen, f32"
    let device = stderr
        .lines()
        .find(|l| l.starts_with("Geluid via"))
        .expect("device line");
    let words: Vec<&str> = device.split_whitespace().collect();
    let (rate, channels, format) = (words[3], words[5], words[7]);
    let wav = dir.path().join("render.wav");
    let r = Rustig::fixture(&[
        "render",
        "tests/data/sessions/golden.toml",
        "-o",
        wav.to_str().unwrap(),
        "--rate",
        rate,
        "--channels",
        channels,
    ])
    .run();
    assert_eq!(r.status.code(), Some(0));
    let rendered: Vec<i16> = hound::WavReader::open(&wav)
        .unwrap()
        .samples::<i16>()
        .map(Result::unwrap)
        .collect();
    let bytes = std::fs::read(&raw).unwrap();
    let captured: Vec<i16> = match format {
        "f32" => bytes
            .chunks_exact(4)
            .map(|b| to_i16(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
            .collect(),
        "i16" => bytes
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect(),
        other => panic!("unexpected device format {other}"),
    };
    // Align the starts on the first sound, then every sample must match; the device
    // may pad the end up to a whole period with silence.
    let start = |s: &[i16]| s.iter().position(|x| *x != 0).unwrap();
    let (a, b) = (start(&captured), start(&rendered));
    assert_eq!(a, b, "the first click is at the same frame");
    assert!(
        captured.len() >= rendered.len(),
        "the whole session was played"
    );
    let differing = rendered
        .iter()
        .zip(&captured)
        .filter(|(r, c)| (**r - **c).abs() > 1)
        .count();
    assert_eq!(
        differing, 0,
        "every click and clip at the same frame and level"
    );
    assert!(
        captured[rendered.len()..].iter().all(|x| *x == 0),
        "only silence after the end"
    );
    let runs = Journal::open(&dir.path().join("rustig/journal.db"))
        .unwrap()
        .runs()
        .unwrap();
    // A session shorter than a minute, heard whole: stored, completed.
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert!(runs[0].completed);
    assert_eq!(runs[0].mode, "audio");
    assert_eq!(runs[0].heard_seconds, Some(32.5));
}

/// A session heard from start to end through a (null) device is a completed run,
/// with its running minutes counted from the run block.
#[test]
fn a_run_heard_to_the_end_is_completed_with_its_running_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("kort.toml");
    std::fs::write(
        &session,
        "title = \"Kort\"\n[[block]]\nkind = \"walk\"\nduration = \"10s\"\n[[block]]\nkind = \"run\"\nduration = \"1m\"\n[[block]]\nkind = \"walk\"\nduration = \"5s\"\n",
    )
    .unwrap();
    let conf = capture_config(dir.path(), &dir.path().join("capture.raw"));
    let out = Rustig::fixture(&["play", session.to_str().unwrap()])
        .env("ALSA_CONFIG_PATH", &conf)
        .env("XDG_DATA_HOME", dir.path())
        .run();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("Opgeslagen: Kort, afgerond, 1 min hardlopen. Volgende keer: Week 1 · training 1, 39 min.\n"),
        "{stdout}"
    );
    let runs = Journal::open(&dir.path().join("rustig/journal.db"))
        .unwrap()
        .runs()
        .unwrap();
    assert_eq!(runs.len(), 1);
    let r = &runs[0];
    assert!(r.completed, "heard from start to end: {r:?}");
    assert_eq!((r.mode.as_str(), r.start_position), ("audio", 0.0));
    assert_eq!(r.run_seconds, Some(60.0));
    assert!((r.heard_seconds.unwrap() - r.duration).abs() < 0.1, "{r:?}");
}

#[test]
fn voice_replaces_the_sessions_pack_even_when_that_one_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("fr.toml");
    std::fs::write(
        &session,
        "title = \"x\"\nvoice = \"fr\"\n[[block]]\nkind = \"walk\"\nduration = \"20s\"\n",
    )
    .unwrap();
    let out = Rustig::fixture(&[
        "play",
        session.to_str().unwrap(),
        "--voice",
        "test",
        "--no-audio",
        "--speed",
        "1000",
    ])
    .env("XDG_DATA_HOME", dir.path())
    .run();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.starts_with(
            "x\n[0:00] Blok: Wandelen (wandelen, 0:20)\n[0:00] Tekst van blok.walk.\n"
        ),
        "{stdout}"
    );
}

/// After a run that felt too heavy, plain `play` without a terminal repeats that
/// session and says how to go on; what it heard through a real (null) device is
/// stored with the answers given as flags; a partial repeat leaves the suggestion.
#[test]
fn play_repeats_after_a_heavy_run_and_records_what_was_heard() {
    let (dir, journal, id) = journal_with_week01_1_done();
    let status = || {
        let out = Rustig::new(&["status", "--json"])
            .env("XDG_DATA_HOME", dir.path())
            .run();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    // Effort 4 is heavy but not too heavy: play moves on.
    let effort = |n| rustig::journal::Answers {
        effort: Score::new(n).ok(),
        ..Default::default()
    };
    journal.answer(id, &effort(4)).unwrap();
    let v = status();
    assert_eq!(
        (&v["plays"]["title"], &v["repeat"]),
        (
            &serde_json::json!("Week 1 · training 2"),
            &serde_json::Value::Null
        )
    );
    journal.answer(id, &effort(5)).unwrap();
    // `status --json` names what plain `play` starts: the same library call.
    let v = status();
    assert_eq!(
        (&v["plays"]["title"], &v["repeat"]["reason"]),
        (
            &serde_json::json!("Week 1 · training 1"),
            &serde_json::json!("too_heavy")
        )
    );
    let conf = capture_config(dir.path(), &dir.path().join("capture.raw"));
    let play = |args: &[&str]| {
        Rustig::new(args)
            .env("ALSA_CONFIG_PATH", &conf)
            .env("XDG_DATA_HOME", dir.path())
            .run()
    };
    let out = play(&[
        "play",
        "--from",
        "37:50",
        "--stress-before",
        "2",
        "--mood-before",
        "4",
    ]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("Week 1 · training 1\n"), "{stdout}");
    assert!(
        stderr.contains("Week 1 · training 1 nog een keer, want je vorige training voelde te zwaar (5 van 5): neem de tijd voor de opbouw. Liever verder met Week 1 · training 2? rustig play --next\n"),
        "{stderr}"
    );
    assert!(
        stdout.ends_with("Opgeslagen: Week 1 · training 1, niet afgerond (gehoord van 37:50 tot 39:05). Volgende keer: Week 1 · training 1, 39 min.\n"),
        "{stdout}"
    );
    let runs = journal.runs().unwrap();
    assert_eq!(runs.len(), 2);
    let r = &runs[0];
    assert_eq!(
        (r.session_key.as_str(), r.mode.as_str(), r.completed),
        ("opbouw/week01-1.toml", "audio", false),
        "heard from 37:50 only: not a completed run"
    );
    assert_eq!(
        (r.answers.stress_before, r.answers.mood_before),
        (Score::new(2).ok(), Score::new(4).ok())
    );
    assert_eq!(r.start_position, 2270.0);
    let heard = r.heard_seconds.unwrap();
    assert!((heard - (r.duration - 2270.0)).abs() < 0.1, "{heard}");
    assert_eq!(
        r.run_seconds,
        Some(0.0),
        "the end is walking and stretching"
    );
    // The suggestion stands (the repeat was partial); `--next` moves on, unasked.
    let out = play(&["play", "--next", "--no-audio", "--speed", "10000"]);
    let (stdout, stderr) = text(&out);
    assert!(stdout.starts_with("Week 1 · training 2\n"), "{stdout}");
    assert!(
        !stderr.contains("nog een keer"),
        "no suggestion once the runner chose: {stderr}"
    );
    let play = |extra: &[&str]| {
        let mut args = vec!["play", "--no-audio", "--speed", "10000"];
        args.extend_from_slice(extra);
        Rustig::new(&args).env("XDG_DATA_HOME", dir.path()).run()
    };
    let out = play(&["--stress-before", "6"]);
    assert_eq!(out.status.code(), Some(2), "a score is 1 to 5");
}

/// A damaged journal stops `play` before anything is asked or played, says what to do
/// and leaves the file as it was; `--no-journal` plays without recording.
#[test]
fn a_damaged_journal_stops_play_before_the_run_and_no_journal_plays_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rustig/journal.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let junk = b"this is not a database, but the runner's file all the same".repeat(100);
    std::fs::write(&db, &junk).unwrap();
    let play = |extra: &[&str]| {
        let mut args = vec![
            "play",
            "tests/data/sessions/basic.toml",
            "--no-audio",
            "--speed",
            "2000",
        ];
        args.extend_from_slice(extra);
        Rustig::fixture(&args)
            .env("XDG_DATA_HOME", dir.path())
            .run()
    };
    let out = play(&[]);
    let (stdout, stderr) = text(&out);
    assert_eq!((out.status.code(), stdout.as_str()), (Some(1), ""));
    assert_eq!(
        stderr,
        format!(
            "error: journal {} is damaged or not a rustig journal (file is not a database). It is left untouched: move it away (for example to journal.db.broken) to start a new journal, or put back a backup journal.db.bak-vN\nTo play without recording this run: rustig play --no-journal\n",
            db.display()
        )
    );
    let out = play(&["--no-journal"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.ends_with("[8:42] Klaar. Goed gedaan.\n"), "{stdout}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        junk,
        "the runner's file is untouched"
    );
}
