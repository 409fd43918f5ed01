//! The timing rules of session-format.md, checked on compiled timelines with the
//! fixture pack (every clip 2.0 s, except aftellen.10 1.5 s, adem.in/uit 1.0 s,
//! einde 2.5 s).

use rustig::timeline::{Event, Phase, Timeline};
use rustig::voice::VoicePack;

use crate::util::{drop_clip, errors, errors_with, pack_copy, timeline};

/// (time, clip id) of every clip, in order.
fn clips(t: &Timeline) -> Vec<(f64, String)> {
    t.events
        .iter()
        .filter_map(|e| match e {
            Event::Clip(c) => Some((c.time, c.clip.clone())),
            _ => None,
        })
        .collect()
}

fn clicks(t: &Timeline) -> Vec<(f64, bool)> {
    t.events
        .iter()
        .filter_map(|e| match e {
            Event::Click { time, accent } => Some((*time, *accent)),
            _ => None,
        })
        .collect()
}

fn c(time: f64, id: &str) -> (f64, String) {
    (time, id.to_owned())
}

const QUIET: &str = "title = \"t\"\nvoice = \"test\"\nauto_cues = false\n";

#[test]
fn clicks_lie_on_the_absolute_grid_of_each_run_block() {
    let t = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"walk\"\nduration = \"2m\"\n[[block]]\nkind = \"run\"\nduration = \"1m\"\ncadence = 170\n"
    ));
    let k = clicks(&t);
    assert_eq!(k.len(), 170, "k·60/170 < 60 for k = 0..=169");
    for (i, (time, accent)) in k.iter().enumerate() {
        assert_eq!(*time, 120.0 + (i as f64 * 60.0) / 170.0);
        assert!(!accent);
    }
    assert_eq!(t.blocks[1].cadence, Some(170));
    assert_eq!(t.blocks[0].cadence, None);
}

#[test]
fn accent_every_marks_every_nth_step_from_the_block_start() {
    let t = timeline(&format!(
        "{QUIET}[metronome]\naccent_every = 4\n[[block]]\nkind = \"run\"\nduration = \"10s\"\ncadence = 120\n"
    ));
    let accents: Vec<bool> = clicks(&t).iter().map(|c| c.1).collect();
    assert_eq!(accents.len(), 20);
    assert_eq!(accents.iter().filter(|a| **a).count(), 5);
    assert!(accents.iter().enumerate().all(|(i, a)| *a == (i % 4 == 0)));
}

#[test]
fn settle_pattern_clicks_first_then_in_check_bursts() {
    let t = timeline(&format!(
        "{QUIET}[metronome]\npattern = \"settle\"\nsettle = \"30s\"\ncheck_every = \"2m\"\ncheck_for = \"15s\"\n\
         [[block]]\nkind = \"walk\"\nduration = \"1m\"\nmetronome = true\n\
         [[block]]\nkind = \"run\"\nduration = \"5m\"\ncadence = 120\n"
    ));
    let k = clicks(&t);
    // The walk (metronome on, not a run block) clicks continuously at the session cadence.
    let walk: Vec<_> = k.iter().filter(|c| c.0 < 60.0).collect();
    assert_eq!(walk.len(), 170);
    let run: Vec<f64> = k
        .iter()
        .filter(|c| c.0 >= 60.0)
        .map(|c| c.0 - 60.0)
        .collect();
    let expected: Vec<f64> = (0..600)
        .map(|i| i as f64 * 0.5)
        .filter(|o| *o < 30.0 || (120.0..135.0).contains(o) || (240.0..255.0).contains(o))
        .collect();
    assert_eq!(run, expected);
}

#[test]
fn intervals_expand_into_runs_and_walks_with_rounds() {
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\n[[block]]\nkind = \"intervals\"\nrepeat = 3\nrun = \"30s\"\nwalk = \"20s\"\nwalk_last = true\n",
    );
    let blocks: Vec<(&str, &str, f64, f64)> = t
        .blocks
        .iter()
        .map(|b| (b.kind.name(), b.name.as_str(), b.start, b.end))
        .collect();
    assert_eq!(
        blocks,
        vec![
            ("run", "Ronde 1", 0.0, 30.0),
            ("walk", "Wandelpauze 1", 30.0, 50.0),
            ("run", "Ronde 2", 50.0, 80.0),
            ("walk", "Wandelpauze 2", 80.0, 100.0),
            ("run", "Ronde 3", 100.0, 130.0),
            ("walk", "Wandelpauze 3", 130.0, 150.0),
        ]
    );
    let announcements: Vec<_> = clips(&t)
        .into_iter()
        .filter(|(_, id)| id.starts_with("ronde") || id == "blok.walk")
        .collect();
    assert_eq!(
        announcements,
        vec![
            c(0.0, "ronde.1"),
            c(30.0, "blok.walk"),
            c(50.0, "ronde.2"),
            c(80.0, "blok.walk"),
            c(100.0, "ronde.laatste"),
            c(130.0, "blok.walk")
        ]
    );
}

#[test]
fn rounds_past_twenty_are_announced_as_a_run_and_the_last_as_the_last() {
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\n[[block]]\nkind = \"intervals\"\nrepeat = 22\nrun = \"10s\"\nwalk = \"10s\"\n",
    );
    assert_eq!(t.blocks.len(), 43);
    let runs: Vec<String> = clips(&t)
        .into_iter()
        .filter(|(time, _)| (*time as i64) % 20 == 0 && *time < 430.0)
        .map(|(_, id)| id)
        .collect();
    assert_eq!(runs[19], "ronde.20");
    assert_eq!(runs[20], "blok.run");
    assert_eq!(runs[21], "ronde.laatste");
}

#[test]
fn walks_before_the_first_run_warm_up_and_after_the_last_cool_down() {
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\nauto_cues = true\n\
         [[block]]\nkind = \"walk\"\nduration = \"30s\"\n[[block]]\nkind = \"run\"\nduration = \"30s\"\n\
         [[block]]\nkind = \"walk\"\nduration = \"30s\"\n[[block]]\nkind = \"run\"\nduration = \"30s\"\n\
         [[block]]\nkind = \"walk\"\nduration = \"30s\"\n",
    );
    let names: Vec<&str> = t.blocks.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Warming-up",
            "Hardlopen",
            "Wandelen",
            "Hardlopen",
            "Cooling-down"
        ]
    );
    let at_starts: Vec<String> = clips(&t)
        .into_iter()
        .filter(|(time, _)| *time % 30.0 == 0.0 && *time < 150.0)
        .map(|c| c.1)
        .collect();
    assert_eq!(
        at_starts,
        [
            "blok.warmup",
            "blok.run",
            "blok.walk",
            "blok.run",
            "blok.cooldown"
        ]
    );
    let no_runs = timeline(
        "title = \"t\"\nvoice = \"test\"\n[[block]]\nkind = \"walk\"\nduration = \"30s\"\n",
    );
    assert_eq!(clips(&no_runs)[0], c(0.0, "blok.walk"));
}

#[test]
fn countdown_ten_seconds_before_the_end_of_long_run_and_walk_blocks() {
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\n[[block]]\nkind = \"walk\"\nduration = \"1m\"\n[[block]]\nkind = \"run\"\nduration = \"59s\"\n\
         [[block]]\nkind = \"silence\"\nduration = \"2m\"\n",
    );
    let countdowns: Vec<f64> = clips(&t)
        .into_iter()
        .filter(|(_, id)| id == "aftellen.10")
        .map(|c| c.0)
        .collect();
    assert_eq!(
        countdowns,
        vec![50.0],
        "only the walk of 60 s; the 59 s run and the silence get none"
    );
}

#[test]
fn reminders_count_running_time_across_run_blocks_and_a_boundary_goes_to_the_next_run() {
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\n[reminders]\nevery = \"40s\"\nclips = [\"tempo.praten\", \"techniek.armen\"]\n\
         [[block]]\nkind = \"run\"\nduration = \"1m\"\n[[block]]\nkind = \"walk\"\nduration = \"30s\"\n\
         [[block]]\nkind = \"run\"\nduration = \"20s\"\n[[block]]\nkind = \"walk\"\nduration = \"30s\"\n\
         [[block]]\nkind = \"run\"\nduration = \"50s\"\n",
    );
    let reminders: Vec<_> = clips(&t)
        .into_iter()
        .filter(|(_, id)| id == "tempo.praten" || id == "techniek.armen")
        .collect();
    // Running time 40 s → 0:40 in run 1; 80 s = the end of run 2 → start of run 3 at
    // 2:20, after its announcement (2 s + 0.3 s gap); 120 s → 2:20 + 40 s = 3:00.
    assert_eq!(
        reminders,
        vec![
            c(40.0, "tempo.praten"),
            c(142.3, "techniek.armen"),
            c(180.0, "tempo.praten")
        ]
    );
}

#[test]
fn default_reminders_alternate_technique_and_tempo_clips_in_pack_order() {
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\n[reminders]\nevery = \"20s\"\n[[block]]\nkind = \"run\"\nduration = \"2m20s\"\n",
    );
    let reminders: Vec<String> = clips(&t)
        .into_iter()
        .filter(|(_, id)| id.starts_with("techniek") || id.starts_with("tempo"))
        .map(|c| c.1)
        .collect();
    assert_eq!(
        reminders,
        [
            "techniek.houding",
            "tempo.praten",
            "techniek.schouders",
            "tempo.uitademen",
            "techniek.armen",
            "tempo.langzamer"
        ]
    );
}

#[test]
fn halfway_and_end_are_said_and_the_session_lasts_until_the_last_clip_ends() {
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\n[[block]]\nkind = \"silence\"\nduration = \"30s\"\n",
    );
    assert_eq!(
        clips(&t),
        vec![
            c(0.0, "blok.silence"),
            c(15.0, "halverwege"),
            c(30.0, "einde")
        ]
    );
    assert_eq!(t.duration, 32.5);
    assert!(clicks(&t).is_empty(), "nothing sounds in silence");
}

#[test]
fn explicit_cues_at_from_start_from_end_and_every() {
    let t = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"walk\"\nduration = \"1m\"\n\
         [[block]]\nkind = \"walk\"\nduration = \"2m\"\ncues = [\n\
         {{ at = \"10s\", clip = \"kort\" }},\n{{ at = \"-30s\", clip = \"kort\" }},\n{{ every = \"45s\", clip = \"welkom\" }},\n\
         {{ every = \"50s\", from = \"5s\", say = \"Tekst van tempo.praten.\" }},\n]\n"
    ));
    assert_eq!(
        clips(&t),
        vec![
            c(65.0, "tempo.praten"),
            c(70.0, "kort"),
            c(105.0, "welkom"),
            c(115.0, "tempo.praten"),
            c(150.0, "kort"),
            c(150.8, "welkom"),
            c(165.0, "tempo.praten"),
        ]
    );
}

#[test]
fn simultaneous_clips_follow_the_spec_order_and_never_overlap() {
    // At 60 s: the second run's announcement, its own cues in file order, the reminder
    // (60 s of running falls on the first run's end, so at the second run's start) and
    // halfway (half of 120 s).
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\n[reminders]\nevery = \"1m\"\nclips = [\"tempo.praten\"]\n\
         [[block]]\nkind = \"run\"\nduration = \"1m\"\n\
         [[block]]\nkind = \"run\"\nduration = \"1m\"\ncues = [{ at = \"0s\", clip = \"kort\" }, { at = \"0s\", clip = \"welkom\" }]\n",
    );
    let list = clips(&t);
    let second_run: Vec<_> = list
        .iter()
        .filter(|(time, _)| (60.0..70.0).contains(time))
        .cloned()
        .collect();
    assert_eq!(
        second_run,
        vec![
            c(60.0, "blok.run"),
            c(62.3, "kort"),
            c(63.1, "welkom"),
            c(65.4, "tempo.praten"),
            c(67.7, "halverwege")
        ]
    );
    // No clip starts before the previous one has ended.
    let durations = |id: &str| match id {
        "aftellen.10" => 1.5,
        "adem.in" | "adem.uit" => 1.0,
        "einde" => 2.5,
        "kort" => 0.5,
        _ => 2.0,
    };
    for w in list.windows(2) {
        assert!(
            w[1].0 >= w[0].0 + durations(&w[0].1) - 1e-9,
            "{w:?} overlap"
        );
    }
}

#[test]
fn a_clip_due_while_another_speaks_starts_three_tenths_after_it() {
    let t = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"walk\"\nduration = \"1m\"\ncues = [{{ at = \"1s\", clip = \"welkom\" }}, {{ at = \"2s\", clip = \"kort\" }}, {{ at = \"3.3s\", clip = \"kort\" }}, {{ at = \"4s\", clip = \"kort\" }}]\n"
    ));
    // welkom 1–3; kort due 2 → 3.3–3.8; kort due 3.3 → 4.1–4.6; kort due 4 → 4.9.
    assert_eq!(
        clips(&t),
        vec![
            c(1.0, "welkom"),
            c(3.3, "kort"),
            c(4.1, "kort"),
            c(4.9, "kort")
        ]
    );
}

#[test]
fn strength_exercises_are_announced_with_rests_between() {
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\n[[block]]\nkind = \"strength\"\nexercises = [\"squats\", \"plank\"]\nwork = \"40s\"\nrest = \"20s\"\n",
    );
    assert_eq!(t.blocks[0].end, 100.0, "n·work + (n−1)·rest");
    let list: Vec<_> = clips(&t)
        .into_iter()
        .filter(|(_, id)| id.starts_with("oefening") || id.starts_with("blok"))
        .collect();
    assert_eq!(
        list,
        vec![
            c(0.0, "blok.strength"),
            c(2.3, "oefening.squats"),
            c(40.0, "oefening.rust"),
            c(60.0, "oefening.plank")
        ]
    );
}

#[test]
fn stretches_switch_sides_halfway_through_each_stretch() {
    let t = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\", \"hamstrings\"]\nhold = \"20s\"\nauto_cues = true\n"
    ));
    assert_eq!(t.blocks[0].end, 80.0, "n·sides·hold");
    assert_eq!(
        clips(&t),
        vec![
            c(0.0, "blok.stretch"),
            c(2.3, "rek.kuiten"),
            c(20.0, "rek.wissel"),
            c(40.0, "rek.hamstrings"),
            c(60.0, "rek.wissel")
        ]
    );
    let one_side = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\"]\nsides = 1\n"
    ));
    assert_eq!(one_side.blocks[0].end, 30.0);
}

#[test]
fn breaths_start_after_the_announcement_fit_whole_and_the_first_three_are_spoken() {
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\nauto_cues = false\n[[block]]\nkind = \"breathe\"\nduration = \"65s\"\nauto_cues = true\ninhale = \"3s\"\nhold = \"1s\"\nexhale = \"6s\"\n",
    );
    let tones: Vec<(f64, Phase, f64)> = t
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Tone {
                time,
                phase,
                duration,
            } => Some((*time, *phase, *duration)),
            _ => None,
        })
        .collect();
    // Grid every 10 s; the announcement ends at 2 s so the breath at 0 is skipped; the
    // breath at 60 s would end at 70 s > 65 s.
    let starts: Vec<f64> = tones
        .iter()
        .filter(|t| t.1 == Phase::Inhale)
        .map(|t| t.0)
        .collect();
    assert_eq!(starts, vec![10.0, 20.0, 30.0, 40.0, 50.0]);
    assert!(tones.contains(&(14.0, Phase::Exhale, 6.0)));
    assert!(tones.contains(&(10.0, Phase::Inhale, 3.0)));
    let spoken: Vec<_> = clips(&t)
        .into_iter()
        .filter(|(_, id)| id.starts_with("adem"))
        .collect();
    assert_eq!(
        spoken,
        vec![
            c(10.0, "adem.in"),
            c(14.0, "adem.uit"),
            c(20.0, "adem.in"),
            c(24.0, "adem.uit"),
            c(30.0, "adem.in"),
            c(34.0, "adem.uit")
        ]
    );
}

#[test]
fn without_automatic_cues_breaths_start_at_the_block_start_and_only_tones_sound() {
    let t = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"breathe\"\nduration = \"30s\"\n"
    ));
    let inhales: Vec<f64> = t
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Tone {
                time,
                phase: Phase::Inhale,
                ..
            } => Some(*time),
            _ => None,
        })
        .collect();
    assert_eq!(inhales, vec![0.0, 10.0, 20.0]);
    assert!(clips(&t).is_empty());
}

#[test]
fn block_auto_cues_overrides_the_session() {
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\n[[block]]\nkind = \"run\"\nduration = \"2m\"\nauto_cues = false\ncues = [{ at = \"5s\", clip = \"kort\" }]\n",
    );
    assert_eq!(
        clips(&t),
        vec![c(5.0, "kort"), c(60.0, "halverwege"), c(120.0, "einde")]
    );
}

#[test]
fn metronome_key_turns_clicks_on_and_off_per_block() {
    let t = timeline(&format!(
        "{QUIET}cadence = 150\n[[block]]\nkind = \"walk\"\nduration = \"4s\"\nmetronome = true\n[[block]]\nkind = \"run\"\nduration = \"4s\"\nmetronome = false\n"
    ));
    let k = clicks(&t);
    assert_eq!(k.len(), 10);
    assert!(k.iter().all(|c| c.0 < 4.0));
    assert_eq!(t.blocks[0].cadence, Some(150));
}

#[test]
fn a_four_hour_session_keeps_the_grid_exact_at_its_end() {
    let t = timeline(&format!(
        "{QUIET}cadence = 173\n[[block]]\nkind = \"walk\"\nduration = \"1h\"\n[[block]]\nkind = \"run\"\nduration = \"3h\"\n"
    ));
    let k = clicks(&t);
    assert_eq!(k.len(), 3 * 60 * 173);
    let last = k.last().unwrap().0;
    assert_eq!(last, 3600.0 + ((3 * 60 * 173 - 1) as f64 * 60.0) / 173.0);
}

#[test]
fn json_has_the_fields_of_the_spec_in_order() {
    let t = timeline(
        "title = \"Week 1 · training 1\"\nvoice = \"test\"\n[[block]]\nkind = \"breathe\"\nduration = \"12s\"\nauto_cues = false\n[[block]]\nkind = \"run\"\nduration = \"1s\"\ncadence = 120\nauto_cues = false\n",
    );
    let json: serde_json::Value = serde_json::from_str(&t.to_json()).unwrap();
    assert_eq!(json["title"], "Week 1 · training 1");
    assert_eq!(
        json["blocks"][0],
        serde_json::json!({"index": 0, "kind": "breathe", "name": "Ademhaling", "start": 0.0, "end": 12.0, "cadence": null})
    );
    let events = json["events"].as_array().unwrap();
    assert_eq!(
        events[0],
        serde_json::json!({"time": 0.0, "type": "tone", "phase": "inhale", "duration": 4.0})
    );
    assert!(
        t.to_json()
            .contains("\"time\": 12.0,\n      \"type\": \"click\",\n      \"accent\": false")
    );
    let clip = events.iter().find(|e| e["type"] == "clip").unwrap();
    assert_eq!(
        clip,
        &serde_json::json!({"time": 6.5, "type": "clip", "clip": "halverwege", "text": "Tekst van halverwege.", "duration": 2.0})
    );
}

/// A pack without `blok.run` and `einde`: each clip that automatic cues need and the
/// pack lacks is one error, at the first block that needs it, saying what needs it.
#[test]
fn missing_auto_cue_clips_are_reported_at_the_block() {
    let (_tmp, dir) = pack_copy();
    drop_clip(&dir, "blok.run");
    drop_clip(&dir, "einde");
    let pack = VoicePack::load_dir("test", &dir).unwrap().0;
    let session = "title = \"t\"\nvoice = \"test\"\n\
                   [[block]]\nkind = \"walk\"\nduration = \"1m\"\n\
                   [[block]]\nkind = \"run\"\nduration = \"2m\"\n\
                   [[block]]\nkind = \"run\"\nduration = \"2m\"\n";
    let help = "  = help: add the clip to the pack (`rustig voice check` lists what a pack lacks), \
                or set auto_cues = false\n";
    assert_eq!(
        errors_with(session, &pack),
        format!(
            "t.toml:6:1: error[R0017]: voice pack `test` has no clip `blok.run`, which the block's announcement needs\n\
             \x20 |\n6 | [[block]]\n  | ^^^^^^^^^\n{help}\
             t.toml:1:1: error[R0017]: voice pack `test` has no clip `einde`, which the end cue needs\n\
             \x20 |\n1 | title = \"t\"\n  | ^\n{help}"
        )
    );
    // Without automatic cues nothing is missing.
    let quiet = session.replace(
        "voice = \"test\"\n",
        "voice = \"test\"\nauto_cues = false\n",
    );
    let (parsed, diags) = rustig::session::parse_session(
        std::path::Path::new("t.toml"),
        quiet.as_bytes(),
        std::path::Path::new("."),
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert!(rustig::timeline::compile(&parsed.unwrap(), &pack).is_ok());
}

#[test]
fn clips_due_together_mid_block_are_reported_when_the_last_waits_over_3_s() {
    let c = crate::util::compile_str(&format!(
        "{QUIET}[[block]]\nkind = \"run\"\nduration = \"1m\"\ncues = [{{ at = \"10s\", clip = \"welkom\" }}, {{ at = \"10s\", clip = \"welkom\" }}, {{ at = \"10s\", clip = \"kort\" }}]\n"
    ));
    let warnings: Vec<String> = c.warnings.iter().map(|w| w.message.clone()).collect();
    assert_eq!(
        warnings,
        [
            "clip `kort` is due at 0:10 but starts 4.6 s later, because other clips are still speaking"
        ]
    );
    // At a block's start the announcement and the block's own clips are an intended
    // sequence, and automatic clips waiting for each other are not the file's doing.
    let quiet = crate::util::compile_str(
        "title = \"t\"\nvoice = \"test\"\n[[block]]\nkind = \"walk\"\nduration = \"1m\"\ncues = [{ at = \"0s\", clip = \"welkom\" }, { at = \"0s\", clip = \"welkom\" }]\n",
    );
    assert!(quiet.warnings.is_empty(), "{:?}", quiet.warnings);
}

#[test]
fn a_welkom_cue_at_the_start_is_said_before_the_first_announcement() {
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\n\
         [[block]]\nkind = \"walk\"\nduration = \"2m\"\ncues = [{ at = \"0s\", clip = \"kort\" }, { at = \"0s\", clip = \"welkom\" }]\n\
         [[block]]\nkind = \"run\"\nduration = \"30s\"\n",
    );
    let start: Vec<_> = clips(&t)
        .into_iter()
        .filter(|(time, _)| *time < 10.0)
        .collect();
    // welkom (2.0 s) + 0.3 s gap, then the announcement, then the other cue at 0s.
    assert_eq!(
        start,
        vec![c(0.0, "welkom"), c(2.3, "blok.warmup"), c(4.6, "kort")]
    );
}

/// Warm-up 2m, intervals 3 × (1m run, 1m walk, no walk after the last), cool-down 2m.
fn countdown_session(countdown: &str) -> std::sync::Arc<Timeline> {
    timeline(&format!(
        "title = \"t\"\nvoice = \"test\"\n{countdown}[reminders]\nevery = \"1h\"\n\
         [[block]]\nkind = \"walk\"\nduration = \"2m\"\n\
         [[block]]\nkind = \"intervals\"\nrepeat = 3\nrun = \"1m\"\nwalk = \"1m\"\n\
         [[block]]\nkind = \"walk\"\nduration = \"2m\"\n"
    ))
}

fn countdowns(t: &Timeline) -> Vec<f64> {
    clips(t)
        .into_iter()
        .filter(|(_, id)| id == "aftellen.10")
        .map(|(time, _)| time)
        .collect()
}

#[test]
fn the_countdown_is_spoken_before_every_change_by_default() {
    let spoken = countdown_session("");
    assert_eq!(
        countdowns(&spoken),
        vec![110.0, 170.0, 230.0, 290.0, 350.0, 410.0, 530.0]
    );
    assert_eq!(
        countdowns(&countdown_session("countdown = \"spoken\"\n")),
        countdowns(&spoken)
    );
}

#[test]
fn countdown_tone_clicks_three_accents_on_plain_changes_and_speaks_before_the_first_run_and_the_cool_down()
 {
    let t = countdown_session("countdown = \"tone\"\n");
    // Spoken: the end of the warm-up (into the first run), the end of the last run
    // (into the cool-down) and the end of the cool-down.
    assert_eq!(countdowns(&t), vec![110.0, 410.0, 530.0]);
    // The metronome's clicks in the last 3 s of a run make way for three accents.
    let k = clicks(&t);
    for change in [180.0, 240.0, 300.0, 360.0] {
        let last: Vec<_> = k
            .iter()
            .filter(|(time, _)| (change - 3.0..change).contains(time))
            .copied()
            .collect();
        assert_eq!(
            last,
            vec![
                (change - 3.0, true),
                (change - 2.0, true),
                (change - 1.0, true)
            ],
            "change at {change}"
        );
    }
    // No accents before the first run or the cool-down: the countdown is spoken there.
    assert!(!k.iter().any(|&(time, accent)| accent
        && ((117.0..120.0).contains(&time) || (417.0..420.0).contains(&time))));
    // The last run still clicks up to its end.
    assert!(
        k.iter()
            .any(|&(time, accent)| !accent && (419.0..420.0).contains(&time))
    );
}

#[test]
fn countdown_none_says_nothing_on_plain_changes() {
    let t = countdown_session("countdown = \"none\"\n");
    assert_eq!(countdowns(&t), vec![110.0, 410.0, 530.0]);
    assert!(!clicks(&t).iter().any(|c| c.1));
    // Clicks of the runs are untouched: 170 per minute, three runs.
    assert_eq!(clicks(&t).len(), 3 * 170);
}

#[test]
fn an_unknown_countdown_is_an_error_with_a_suggestion() {
    let e = errors(
        "title = \"t\"\nvoice = \"test\"\ncountdown = \"toon\"\n[[block]]\nkind = \"walk\"\nduration = \"1m\"\n",
    );
    assert!(e.contains("unknown countdown `toon`"), "{e}");
    assert!(e.contains("did you mean `tone`?"), "{e}");
}
