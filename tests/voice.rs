//! `rustig voice list|check|synth` and the clip processing behind `synth`.
//!
//! espeak-ng is an outside tool: see tests/tools.rs for what happens when it is
//! missing (with `CI` set, the test fails).

use std::path::{Path, PathBuf};

use ebur128::{EbuR128, Mode};
use rustig::voice::process::{
    self, FADE_MS, MAX_CLIP_SECONDS, PAD_MS, PEAK_CEILING, SILENCE_DBFS, TARGET_LUFS,
};
use rustig::voice::synth::{self, Espeak, NewClip};
use rustig::voice::{VoicePack, core_ids, decode_wav};

use crate::tools::require_tools;
use crate::util::{
    Noise, Rustig, arg, copy_test_pack, drop_clip, listing, pack_copy, root, test_pack, text,
    voice_check,
};

/// A session with these `say` cues in one run block.
fn session_saying(dir: &Path, texts: &[&str]) -> PathBuf {
    let cues: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| format!("  {{ at = \"{}m\", say = \"{t}\" }},", i + 1))
        .collect();
    let path = dir.join("proef.toml");
    std::fs::write(
        &path,
        format!(
            "title = \"Proef\"\n\n[[block]]\nkind = \"run\"\nduration = \"10m\"\ncues = [\n{}\n]\n",
            cues.join("\n")
        ),
    )
    .unwrap();
    path
}

/// `rustig --voice-dir DIR voice synth SESSION --voice test` with more arguments.
fn synth_into(dir: &Path, session: &Path, more: &[&str]) -> Rustig {
    let mut args = vec!["voice", "synth", arg(session), "--voice", "test"];
    args.extend_from_slice(more);
    Rustig::with_voices(dir, &args)
}

/// A folder for `PATH` with nothing in it, so no espeak-ng can be found.
fn empty_path(tmp: &Path) -> PathBuf {
    let empty = tmp.join("empty-path");
    std::fs::create_dir(&empty).unwrap();
    empty
}

fn ebur128_loudness(samples: &[f32], rate: u32) -> f64 {
    let mut meter = EbuR128::new(1, rate, Mode::I | Mode::SAMPLE_PEAK).unwrap();
    meter.add_frames_f32(samples).unwrap();
    meter.loudness_global().unwrap()
}

/// Something like speech: 100 ms of near silence, three words of noise at different
/// levels (one with a sharp peak) with pauses between, 300 ms of near silence.
fn speechlike(rate: u32) -> Vec<f32> {
    let ms = |n: u32| (n * rate / 1000) as usize;
    let mut noise = Noise(0x2545_f491_4f6c_dd1d);
    let mut out = Vec::new();
    let quiet = |out: &mut Vec<f32>, n: usize, noise: &mut Noise| {
        out.extend((0..n).map(|_| noise.next() * 0.0001));
    };
    quiet(&mut out, ms(100), &mut noise);
    for (len, level) in [(400, 0.05f32), (250, 0.3), (600, 0.02)] {
        let n = ms(len);
        out.extend((0..n).map(|i| {
            let envelope = (std::f32::consts::PI * i as f32 / n as f32).sin();
            noise.next() * level * envelope
        }));
        quiet(&mut out, ms(150), &mut noise);
    }
    let peak = out.len() - ms(400);
    out[peak] = 0.99;
    quiet(&mut out, ms(300), &mut noise);
    out
}

#[test]
fn voice_list_shows_each_clip_with_its_length_and_text_and_where_the_pack_is() {
    let (stdout, _) = Rustig::fixture(&["voice", "list", "--voice", "test"]).exits(0);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[..5],
        [
            "voice pack \"Test\" (test, language nl), 54 clips",
            "from tests/data/voice/test",
            "",
            "id                    length  text",
            "blok.warmup           2.00 s  Tekst van blok.warmup.",
        ]
    );
    assert!(lines.contains(&"kort                  0.50 s  Tekst van kort."));
    assert_eq!(lines.len(), 4 + test_pack().clips.len());
    for clip in &test_pack().clips {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("{} ", clip.id))),
            "{} missing from:\n{stdout}",
            clip.id
        );
    }
}

#[test]
fn voice_list_without_a_pack_on_disk_lists_the_built_in_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (stdout, _) = Rustig::new(&["voice", "list"]).cwd(tmp.path()).exits(0);
    assert!(stdout.starts_with("voice pack \"Nederlands\" (nl, language nl), "));
    assert!(
        stdout
            .lines()
            .nth(1)
            .is_some_and(|l| l == "from built into rustig (audio/nl/ of its source)"),
        "{stdout}"
    );
    assert!(stdout.contains("\nblok.run "), "{stdout}");
}

#[test]
fn voice_list_of_an_unknown_pack_exits_1_and_says_where_it_looked() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, stderr) = Rustig::new(&["voice", "list", "--voice", "xx"])
        .cwd(tmp.path())
        .exits(1);
    assert!(
        stderr.starts_with("error: voice pack `xx` not found; looked in "),
        "{stderr}"
    );
    assert!(stderr.contains("among the built-in packs (nl)"), "{stderr}");
}

#[test]
fn voice_check_of_a_complete_pack_exits_0() {
    let (stdout, _) = Rustig::fixture(&["voice", "check", "--voice", "test"]).exits(0);
    assert_eq!(
        stdout,
        format!(
            "voice pack \"Test\" (test) from tests/data/voice/test: 54 clips\ncore clips: {n} of {n} present\n",
            n = core_ids().len()
        )
    );
}

#[test]
fn voice_check_exits_1_and_names_a_missing_core_id() {
    let (_tmp, dir) = pack_copy();
    drop_clip(&dir, "blok.run");
    let (stdout, stderr) = voice_check(&dir).exits(1);
    let n = core_ids().len();
    assert!(
        stdout.ends_with(&format!(
            "core clips: {} of {n} present\nmissing: blok.run\n",
            n - 1
        )),
        "{stdout}"
    );
    assert!(
        stderr.contains(
            "voice.toml:5:1: error[R0023]: the pack lacks 1 clip(s) that automatic cues need: blok.run"
        ),
        "{stderr}"
    );
}

#[test]
fn voice_check_exits_1_on_an_unreadable_clip_file_and_still_lists_missing_ids() {
    let (_tmp, dir) = pack_copy();
    std::fs::remove_file(dir.join("ronde-3.wav")).unwrap();
    drop_clip(&dir, "adem.uit");
    let (stdout, stderr) = voice_check(&dir).exits(1);
    assert!(
        stderr.contains("clip file `ronde-3.wav` cannot be read"),
        "{stderr}"
    );
    assert!(
        stdout.starts_with("voice pack `test` cannot be loaded: 1 problem (listed above)\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with("missing: adem.uit\n"), "{stdout}");
}

#[test]
fn synth_dry_run_lists_each_missing_text_once_and_writes_nothing() {
    let (tmp, dir) = pack_copy();
    let session = session_saying(
        tmp.path(),
        &[
            "Hoe voelen je kuiten nú?",
            "Tekst van blok.run.",
            "  Hoe voelen je kuiten nú?  ",
            "Eén keer nog: \\\"squats\\\"!",
        ],
    );
    let before = listing(&dir);
    let manifest_before = std::fs::read(dir.join("voice.toml")).unwrap();
    let (stdout, _) = synth_into(&dir, &session, &["--dry-run"]).exits(0);
    assert_eq!(
        stdout,
        format!(
            "would synthesize 2 clips into {}\n\
             \x20 say.hoe-voelen-je-kuiten-nu  say-hoe-voelen-je-kuiten-nu.wav  \"Hoe voelen je kuiten nú?\"\n\
             \x20 say.een-keer-nog-squats      say-een-keer-nog-squats.wav  \"Eén keer nog: \"squats\"!\"\n",
            dir.display()
        )
    );
    assert_eq!(listing(&dir), before);
    assert_eq!(
        std::fs::read(dir.join("voice.toml")).unwrap(),
        manifest_before
    );
}

#[test]
fn synth_dry_run_into_a_new_folder_says_it_starts_from_the_built_in_pack() {
    let tmp = tempfile::tempdir().unwrap();
    let session = session_saying(tmp.path(), &["Nog één minuut."]);
    let (stdout, _) = Rustig::new(&["voice", "synth", "proef.toml", "--dry-run"])
        .cwd(tmp.path())
        .exits(0);
    let builtin = VoicePack::load("nl", &rustig::voice::VoiceLookup::builtin_only())
        .unwrap()
        .0;
    assert_eq!(
        stdout,
        format!(
            "would synthesize 1 clip into audio/nl (a new pack folder, starting as a copy of voice pack \
             \"Nederlands\" built into rustig with its {} clips)\n\
             \x20 say.nog-een-minuut  say-nog-een-minuut.wav  \"Nog één minuut.\"\n",
            builtin.clips.len()
        )
    );
    assert!(session.is_file());
    assert!(!tmp.path().join("audio").exists());
}

#[test]
fn synth_without_espeak_ng_exits_1_with_the_install_command_and_writes_nothing() {
    let (tmp, dir) = pack_copy();
    let session = session_saying(tmp.path(), &["Hoe voelen je kuiten nu?"]);
    let before = listing(&dir);
    let (_, stderr) = synth_into(&dir, &session, &[])
        .env("PATH", empty_path(tmp.path()))
        .exits(1);
    assert_eq!(
        stderr,
        "error: espeak-ng is not installed (or not on PATH); install it to synthesize clips: \
         apt-get install espeak-ng (Debian/Ubuntu)\n"
    );
    assert_eq!(listing(&dir), before);
}

#[test]
fn synth_with_nothing_missing_needs_no_espeak_ng() {
    let (tmp, dir) = pack_copy();
    let session = session_saying(tmp.path(), &["Tekst van blok.run."]);
    let (stdout, _) = synth_into(&dir, &session, &[])
        .env("PATH", empty_path(tmp.path()))
        .exits(0);
    assert_eq!(
        stdout,
        "nothing to synthesize: voice pack \"Test\" has a clip for each of the 1 `say` text of the sessions\n"
    );
}

#[test]
fn synth_of_an_invalid_session_exits_1_before_making_anything() {
    let (tmp, dir) = pack_copy();
    let session = tmp.path().join("kapot.toml");
    std::fs::write(
        &session,
        "title = \"x\"\n[[block]]\nkind = \"rennen\"\nduration = \"1m\"\n",
    )
    .unwrap();
    let (_, stderr) = synth_into(&dir, &session, &[]).exits(1);
    assert!(stderr.contains("kapot.toml:3:8: "), "{stderr}");
    assert!(
        stderr.ends_with("error: no clips made; fix the sessions first\n"),
        "{stderr}"
    );
}

#[test]
fn synth_makes_clips_that_meet_the_pack_standard_and_appends_them_to_voice_toml() {
    if !require_tools(&["espeak-ng"]) {
        return;
    }
    let (tmp, dir) = pack_copy();
    let texts = ["Hoe voelen je kuiten nu?", "Eén keer nog: squats!"];
    let session = session_saying(tmp.path(), &texts);
    let manifest_before = std::fs::read_to_string(dir.join("voice.toml")).unwrap();
    let (stdout, _) = synth_into(&dir, &session, &[]).exits(0);
    assert!(
        stdout.ends_with(&format!(
            "added 2 clips to {}\n",
            dir.join("voice.toml").display()
        )),
        "{stdout}"
    );

    let manifest = std::fs::read_to_string(dir.join("voice.toml")).unwrap();
    assert_eq!(
        manifest,
        format!(
            "{manifest_before}# Synthesized with espeak-ng by `rustig voice synth`.\n\
             \"say.hoe-voelen-je-kuiten-nu\" = {{ file = \"say-hoe-voelen-je-kuiten-nu.wav\", text = \"Hoe voelen je kuiten nu?\" }}\n\
             \"say.een-keer-nog-squats\" = {{ file = \"say-een-keer-nog-squats.wav\", text = \"Eén keer nog: squats!\" }}\n"
        )
    );
    let pack = VoicePack::load_dir("test", &dir)
        .expect("the extended pack loads")
        .0;
    for text in texts {
        let clip = pack.clip_with_text(text).expect("a clip says the text");
        let bytes = std::fs::read(dir.join(&clip.file)).unwrap();
        let spec = hound::WavReader::new(std::io::Cursor::new(&bytes))
            .unwrap()
            .spec();
        assert_eq!((spec.channels, spec.bits_per_sample), (1, 16));
        let (samples, rate) = decode_wav(&bytes).unwrap();
        let seconds = samples.len() as f64 / f64::from(rate);
        assert!(
            seconds > 0.5 && seconds <= MAX_CLIP_SECONDS,
            "{text}: {seconds} s"
        );
        let loudness = ebur128_loudness(&samples, rate);
        assert!(
            (loudness - TARGET_LUFS).abs() <= 0.2,
            "{text}: {loudness} LUFS"
        );
        assert!(process::sample_peak_dbfs(&samples) <= -2.0, "{text}");
        let threshold = 10f32.powf(SILENCE_DBFS as f32 / 20.0);
        let lead = samples.iter().position(|x| x.abs() > threshold).unwrap();
        let trail = samples.len() - 1 - samples.iter().rposition(|x| x.abs() > threshold).unwrap();
        for edge in [lead, trail] {
            let ms = edge as f64 * 1000.0 / f64::from(rate);
            assert!((f64::from(PAD_MS)..=30.0).contains(&ms), "{text}: {ms} ms");
        }
    }

    let (shown, _) = Rustig::with_voices(&dir, &["show", arg(&session)]).exits(0);
    assert!(shown.contains("say.hoe-voelen-je-kuiten-nu"), "{shown}");

    let (again, _) = synth_into(&dir, &session, &[]).exits(0);
    assert!(again.starts_with("nothing to synthesize"), "{again}");
    assert_eq!(
        std::fs::read_to_string(dir.join("voice.toml")).unwrap(),
        manifest
    );
}

#[test]
fn synth_into_a_new_folder_copies_the_built_in_pack_so_it_stays_complete() {
    if !require_tools(&["espeak-ng"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    session_saying(tmp.path(), &["Nog één minuut."]);
    Rustig::new(&["voice", "synth", "proef.toml"])
        .cwd(tmp.path())
        .exits(0);
    let builtin = rustig::builtin::voice_file("nl", "voice.toml").unwrap();
    let manifest = std::fs::read_to_string(tmp.path().join("audio/nl/voice.toml")).unwrap();
    assert!(manifest.starts_with(std::str::from_utf8(builtin).unwrap()));
    assert!(manifest.ends_with(
        "\"say.nog-een-minuut\" = { file = \"say-nog-een-minuut.wav\", text = \"Nog één minuut.\" }\n"
    ));
    let check = Rustig::new(&["check", "audio/nl"]).cwd(tmp.path()).run();
    assert_eq!(check.status.code(), Some(0), "{}", text(&check).1);
    let voice_check = Rustig::new(&["voice", "check"]).cwd(tmp.path()).run();
    assert_eq!(
        voice_check.status.code(),
        Some(0),
        "{}",
        text(&voice_check).1
    );
    assert!(
        text(&voice_check)
            .0
            .starts_with("voice pack \"Nederlands\" (nl) from audio/nl: ")
    );
    let show = Rustig::new(&["show", "proef.toml"]).cwd(tmp.path()).run();
    assert_eq!(show.status.code(), Some(0), "{}", text(&show).1);
}

#[test]
fn loudness_of_silence_or_of_less_than_one_block_is_unknown() {
    assert_eq!(process::integrated_loudness(&[0.0; 44100], 44100), None);
    assert_eq!(process::integrated_loudness(&[0.5; 100], 44100), None);
}

#[test]
fn process_brings_a_clip_to_minus_16_lufs_with_20_ms_edges_and_no_peak_over_the_ceiling() {
    for rate in [22050, 44100] {
        let clip = process::process(&speechlike(rate), rate).expect("there is sound");
        let samples: Vec<f32> = clip
            .samples
            .iter()
            .map(|&s| f32::from(s) / 32768.0)
            .collect();
        let loudness = ebur128_loudness(&samples, rate);
        assert!(
            (loudness - TARGET_LUFS).abs() <= 0.1,
            "{loudness} LUFS at {rate} Hz"
        );
        assert!((clip.loudness - loudness).abs() < 0.02);
        let ceiling_db = 20.0 * f64::from(PEAK_CEILING).log10();
        assert!(
            clip.sample_peak <= ceiling_db + 0.01,
            "{} dBFS",
            clip.sample_peak
        );
        assert!(clip.lead >= f64::from(PAD_MS) / 1000.0 && clip.lead <= 0.030);
        assert!(clip.trail >= f64::from(PAD_MS) / 1000.0 && clip.trail <= 0.030);
        let fade = (FADE_MS * rate / 1000) as usize;
        assert_eq!(clip.samples[0], 0);
        assert_eq!(clip.samples[clip.samples.len() - 1], 0);
        assert!(clip.samples[..fade].iter().all(|s| s.unsigned_abs() < 104));
    }
    assert_eq!(process::process(&[0.0; 44100], 44100), None);
}

#[test]
fn the_limiter_keeps_every_sample_under_the_ceiling_and_leaves_quiet_audio_alone() {
    let rate = 22050;
    let mut noise = Noise(7);
    let mut loud: Vec<f32> = (0..rate).map(|_| noise.next() * 2.0).collect();
    loud[0] = 3.0;
    loud[rate as usize - 1] = -3.0;
    process::limit(&mut loud, rate, PEAK_CEILING);
    assert!(loud.iter().all(|x| x.abs() <= PEAK_CEILING));
    let quiet: Vec<f32> = (0..rate).map(|_| noise.next() * 0.5).collect();
    let mut limited = quiet.clone();
    process::limit(&mut limited, rate, PEAK_CEILING);
    assert_eq!(limited, quiet);
}

#[test]
fn slugs_are_ascii_words_joined_by_dashes_cut_between_words() {
    assert_eq!(
        synth::slug("Hoe voelen je kuiten nú?"),
        "hoe-voelen-je-kuiten-nu"
    );
    assert_eq!(synth::slug("Eén, twee… DRIE!"), "een-twee-drie");
    assert_eq!(synth::slug("Ĳs & weeë straße"), "ijs-weee-strasse");
    assert_eq!(synth::slug("?!"), "tekst");
    assert_eq!(
        synth::slug("Loop rustig door en laat je adem rustig bijkomen na het lopen"),
        "loop-rustig-door-en-laat-je-adem-rustig"
    );
    assert!(synth::slug(&"a".repeat(100)).len() <= 40);
}

#[test]
fn plan_skips_texts_the_pack_has_and_keeps_ids_and_files_unique() {
    let pack = test_pack();
    let texts: Vec<String> = [
        "Tekst van welkom.",
        "Kort!",
        "kort",
        "Kort?",
        "  Kort!  ",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let plan = synth::plan(&pack, &texts, |file| file == "say-kort-2.wav");
    let ids: Vec<&str> = plan.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["say.kort", "say.kort-3", "say.kort-4"]);
    assert_eq!(plan[1].file, "say-kort-3.wav");
    assert_eq!(plan[0].text, "Kort!");
}

#[test]
fn appended_clips_go_at_the_end_of_the_clips_table_and_nothing_else_changes() {
    let clip = NewClip {
        id: "say.ja".into(),
        file: "say-ja.wav".into(),
        text: "Ja \"echt\" \\ zo".into(),
    };
    let manifest = "# mijn pack\n[clips] # de clips\n\"a\" = { file = \"a.wav\", text = \"A\" }\n\n# over de pack\n[pack]\nname = \"X\"\n";
    let extended = synth::append_clips(manifest, std::slice::from_ref(&clip)).unwrap();
    assert_eq!(
        extended,
        "# mijn pack\n[clips] # de clips\n\"a\" = { file = \"a.wav\", text = \"A\" }\n\
         # Synthesized with espeak-ng by `rustig voice synth`.\n\
         \"say.ja\" = { file = \"say-ja.wav\", text = \"Ja \\\"echt\\\" \\\\ zo\" }\n\
         \n# over de pack\n[pack]\nname = \"X\"\n"
    );
    let parsed: toml::Table = toml::from_str(&extended).unwrap();
    assert_eq!(
        parsed["clips"]["say.ja"]["text"].as_str(),
        Some("Ja \"echt\" \\ zo")
    );
    let no_newline =
        synth::append_clips("[pack]\n[clips]\n\"a\" = 1", std::slice::from_ref(&clip)).unwrap();
    assert!(no_newline.starts_with("[pack]\n[clips]\n\"a\" = 1\n# Synthesized"));
    assert_eq!(synth::append_clips("[pack]\nclips = {}\n", &[clip]), None);
}

#[test]
fn dutch_words_espeak_ng_gets_wrong_are_respelled_only_as_whole_words() {
    assert_eq!(
        synth::spoken_form("Squats en Lunges. Eén keer; Squatsen", "nl"),
        "Skwots en Lunches. Één keer; Squatsen"
    );
    assert_eq!(synth::spoken_form("Squats", "en"), "Squats");
}

/// The value of `NAME = value` in make-voice.py.
fn script_setting(script: &str, name: &str) -> String {
    script
        .lines()
        .find_map(|l| l.strip_prefix(name)?.trim_start().strip_prefix('='))
        .map(|v| v.split('#').next().unwrap_or("").trim().to_owned())
        .unwrap_or_else(|| panic!("{name} not found in make-voice.py"))
}

#[test]
fn synth_uses_the_settings_of_the_dutch_packs_own_script() {
    let script = std::fs::read_to_string(root().join("audio/nl/make-voice.py")).unwrap();
    let espeak = Espeak::for_language("nl");
    let number = |name: &str| script_setting(&script, name).parse::<f64>().unwrap();
    assert_eq!(script_setting(&script, "VOICE"), "\"nl\"");
    assert_eq!(espeak.voice, "nl");
    assert_eq!(number("SPEED"), f64::from(espeak.speed));
    assert_eq!(number("PITCH"), f64::from(espeak.pitch));
    assert_eq!(number("GAP"), f64::from(espeak.gap));
    assert_eq!(number("AMPLITUDE"), f64::from(espeak.amplitude));
    assert_eq!(number("TARGET_LUFS"), TARGET_LUFS);
    assert_eq!(number("LIMIT_LINEAR") as f32, PEAK_CEILING);
    assert_eq!(number("SILENCE_DBFS"), SILENCE_DBFS);
    assert_eq!(number("PAD_MS"), f64::from(PAD_MS));
    assert_eq!(number("FADE_MS"), f64::from(FADE_MS));
    assert_eq!(number("MAX_DURATION"), MAX_CLIP_SECONDS);
    assert_eq!(
        number("LIMIT_ATTACK_MS"),
        f64::from(process::LIMIT_ATTACK_MS)
    );
    assert_eq!(
        number("LIMIT_RELEASE_MS"),
        f64::from(process::LIMIT_RELEASE_MS)
    );
    let args: Vec<String> = espeak
        .args("x", Path::new("o.wav"))
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        args.join(" "),
        "-v nl -s 145 -p 40 -g 1 -a 100 -b 1 -w o.wav -- x"
    );
}

#[test]
fn voice_list_all_shows_every_pack_found_in_lookup_order_with_where_it_is_from() {
    let tmp = tempfile::tempdir().unwrap();
    copy_test_pack(&tmp.path().join("audio/test"));
    let user = tmp.path().join("data/rustig/voices/nl");
    copy_test_pack(&user);
    let (stdout, _) = Rustig::new(&["voice", "list", "--all"])
        .cwd(tmp.path())
        .env("XDG_DATA_HOME", tmp.path().join("data"))
        .exits(0);
    let built_in = VoicePack::load("nl", &rustig::voice::VoiceLookup::builtin_only())
        .unwrap()
        .0;
    assert_eq!(
        stdout,
        format!(
            "3 voice packs found (for each name, the first is the one --voice NAME uses):\n\
             * test  \"Test\", 54 clips, from audio/test (this folder)\n\
             * nl    \"Test\", 54 clips, from {} (your voices)\n\
             \x20 nl    \"{}\", {} clips, from built into rustig (audio/nl/ of its source)\n",
            user.display(),
            built_in.name,
            built_in.clips.len()
        )
    );
}

#[test]
fn a_pack_with_a_fallback_borrows_each_missing_clip_and_voice_check_lists_them() {
    let (_tmp, dir) = pack_copy();
    drop_clip(&dir, "blok.run");
    drop_clip(&dir, "adem.uit");
    let manifest = dir.join("voice.toml");
    let text_before = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text_before.replace(
            "language = \"nl\"\n",
            "language = \"nl\"\nfallback = \"nl\"\n",
        ),
    )
    .unwrap();
    let (stdout, _) = voice_check(&dir).exits(0);
    let (pack, _) = VoicePack::load_dir("test", &dir).unwrap();
    let borrowed: Vec<&str> = pack.borrowed().map(|c| c.id.as_str()).collect();
    assert!(borrowed.contains(&"blok.run") && borrowed.contains(&"adem.uit"));
    assert!(!borrowed.contains(&"blok.walk"));
    assert!(
        stdout.contains(&format!(
            "{} clips borrowed from the built-in pack `nl`:\n",
            borrowed.len()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("borrowed: blok.run\n"), "{stdout}");
    assert!(stdout.ends_with(&format!(
        "core clips: {n} of {n} present\n",
        n = core_ids().len()
    )));

    std::fs::write(
        &manifest,
        text_before.replace(
            "language = \"nl\"\n",
            "language = \"nl\"\nfallback = \"xx\"\n",
        ),
    )
    .unwrap();
    let (_, stderr) = voice_check(&dir).exits(1);
    assert!(
        stderr.contains(
            "voice.toml:4:12: error[R0022]: there is no built-in pack `xx` to borrow clips from"
        ),
        "{stderr}"
    );
}
