//! `rustig export`: files decoded back with symphonia (length, click timing, tags,
//! chapters), names and playlists, skipping unchanged files, and failures that are
//! named without losing the other sessions.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rustig::load::{Loaded, PackCache};
use rustig::mix::{Mixer, Sounds};
use rustig::timeline::Event;
use rustig::voice::VoiceLookup;
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::{ChapterGroup, ChapterGroupItem, MetadataOptions, StandardTag};

use crate::util::{Rustig, data, text};

/// A short session with a metronome, three named blocks and a description; its
/// title has a `:` and a `?`, which file names must not.
const SHORT: &str = r#"
title = "Kort: klaar?"
description = "Een korte training om te testen."
voice = "test"
cadence = 180

[[block]]
kind = "walk"
name = "Inlopen"
duration = "10s"

[[block]]
kind = "run"
name = "Rennen"
duration = "20s"

[[block]]
kind = "walk"
name = "Uitlopen"
duration = "10s"
"#;

/// A program folder with two sessions, listed out of alphabetical order.
fn program(dir: &Path) -> PathBuf {
    let prog = dir.join("prog");
    std::fs::create_dir_all(&prog).unwrap();
    std::fs::write(
        prog.join("program.toml"),
        "[program]\ntitle = \"Test: programma\"\nsessions = [\"z-kort.toml\", \"a-gouden.toml\"]\n",
    )
    .unwrap();
    std::fs::write(prog.join("z-kort.toml"), SHORT).unwrap();
    std::fs::copy(data("sessions/golden.toml"), prog.join("a-gouden.toml")).unwrap();
    prog
}

fn export(args: &[&str]) -> std::process::Output {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    Rustig::fixture(&all).run()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// What symphonia reads back from a file.
struct Decoded {
    rate: u32,
    samples: Vec<f32>,
    tags: Vec<StandardTag>,
    chapters: Vec<(f64, String)>,
}

fn flatten(group: &ChapterGroup, out: &mut Vec<(f64, String)>) {
    for item in &group.items {
        match item {
            ChapterGroupItem::Group(g) => flatten(g, out),
            ChapterGroupItem::Chapter(c) => {
                let name = c
                    .tags
                    .iter()
                    .find_map(|t| match &t.std {
                        Some(StandardTag::ChapterTitle(n)) => Some(n.to_string()),
                        _ => None,
                    })
                    .unwrap_or_default();
                out.push((c.start_time.as_secs_f64(), name));
            }
        }
    }
}

fn decode(path: &Path) -> Decoded {
    let file = std::fs::File::open(path).unwrap();
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let mut format = symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let track = format.default_track(TrackType::Audio).unwrap();
    let params = track
        .codec_params
        .as_ref()
        .unwrap()
        .audio()
        .unwrap()
        .clone();
    let track_id = track.id;
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .unwrap();
    let mut chapters = Vec::new();
    if let Some(g) = format.chapters() {
        flatten(g, &mut chapters);
    }
    let mut samples = Vec::new();
    let mut chunk: Vec<f32> = Vec::new();
    while let Some(packet) = format.next_packet().unwrap() {
        if packet.track_id != track_id {
            continue;
        }
        let buf = decoder.decode(&packet).unwrap();
        chunk.resize(buf.samples_interleaved(), 0.0);
        buf.copy_to_slice_interleaved(&mut chunk);
        samples.extend_from_slice(&chunk);
    }
    let mut tags = Vec::new();
    let mut meta = format.metadata();
    loop {
        if let Some(rev) = meta.current() {
            let all = rev
                .media
                .tags
                .iter()
                .chain(rev.per_track.iter().flat_map(|t| t.metadata.tags.iter()));
            tags.extend(all.filter_map(|t| t.std.clone()));
        }
        if meta.pop().is_none() {
            break;
        }
    }
    Decoded {
        rate: params.sample_rate.unwrap(),
        samples,
        tags,
        chapters,
    }
}

/// The session compiled as `export` compiles it, and its exact mix at `rate`.
fn reference(session: &Path, rate: u32) -> (Loaded, Vec<f32>) {
    let lookup = VoiceLookup::from_env(Some(data("voice")));
    let (diags, loaded) = PackCache::new(&lookup).load_path(session);
    let loaded = loaded.unwrap_or_else(|| panic!("{diags:?}"));
    let t = &loaded.compiled.timeline;
    let sounds = Sounds::prepare(t, &loaded.pack, rate).unwrap();
    let mut mixer = Mixer::new(t.clone(), &sounds, 1, 4096);
    let mut out = vec![0.0; mixer.length() as usize];
    mixer.process(&mut out);
    (loaded, out)
}

/// The offset (in frames) at which `decoded` best matches `reference` around
/// frame `at`, searched within ±20 ms.
fn best_lag(decoded: &[f32], reference: &[f32], at: usize, rate: u32) -> i64 {
    let reach = (0.020 * f64::from(rate)) as i64;
    let span = (0.030 * f64::from(rate)) as usize;
    let mut best = (f64::MIN, 0);
    for lag in -reach..=reach {
        let mut sum = 0.0f64;
        for i in at..at + span {
            let j = i as i64 + lag;
            if let (Some(r), Some(d)) = (reference.get(i), decoded.get(j.max(0) as usize)) {
                sum += f64::from(*r) * f64::from(*d);
            }
        }
        if sum > best.0 {
            best = (sum, lag);
        }
    }
    best.1
}

/// The first click with no voice within 100 ms of it.
fn quiet_click(loaded: &Loaded) -> f64 {
    let events = &loaded.compiled.timeline.events;
    let voice_near = |t: f64| {
        events.iter().any(|e| match e {
            Event::Clip(c) => t > c.time - 0.1 && t < c.time + c.duration + 0.1,
            _ => false,
        })
    };
    events
        .iter()
        .find_map(|e| match e {
            Event::Click { time, .. } if !voice_near(*time) => Some(*time),
            _ => None,
        })
        .expect("a click away from the voice")
}

/// Exports the fixture program in `format` and checks every file against the
/// timeline it came from: length, a click where the timeline puts it, tags,
/// chapters, names and the playlist.
fn check_format(format: &str) {
    let dir = tempfile::tempdir().unwrap();
    let prog = program(dir.path());
    let out = dir.path().join("out");
    let run = export(&[s(&prog), "-o", s(&out), "--format", format]);
    let (_, err) = text(&run);
    assert_eq!(run.status.code(), Some(0), "{err}");

    let folder = out.join("Test - programma");
    let files = [
        folder.join(format!("1 Kort - klaar.{format}")),
        folder.join(format!("2 Gouden bestand.{format}")),
    ];
    let sessions = [prog.join("z-kort.toml"), prog.join("a-gouden.toml")];
    let mut listing: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    listing.sort();
    assert_eq!(
        listing,
        [
            format!("1 Kort - klaar.{format}"),
            format!("2 Gouden bestand.{format}"),
            "Test - programma.m3u8".to_owned(),
            "cover.png".to_owned(),
        ],
        "no temporary files are left"
    );

    let mut playlist = String::from("#EXTM3U\n#PLAYLIST:Test: programma\n");
    for (i, (file, session)) in files.iter().zip(&sessions).enumerate() {
        let (loaded, mix) = reference(session, 44100);
        let t = &loaded.compiled.timeline;
        let d = decode(file);
        assert_eq!(d.rate, 44100);
        if format == "wav" {
            // PCM is exact: every sample is the mix rounded to 16 bits, first to last.
            let pcm: Vec<i16> = hound::WavReader::open(file)
                .unwrap()
                .into_samples()
                .map(Result::unwrap)
                .collect();
            let want: Vec<i16> = mix.iter().map(|&x| rustig::output::to_i16(x)).collect();
            assert_eq!(pcm.len(), want.len(), "{}: frames", file.display());
            if let Some(i) = (0..want.len()).find(|&i| pcm[i] != want[i]) {
                panic!(
                    "{}: sample {i} is {}, not {}",
                    file.display(),
                    pcm[i],
                    want[i]
                );
            }
        }
        let seconds = d.samples.len() as f64 / f64::from(d.rate);
        assert!(
            (seconds - t.duration).abs() <= 0.050,
            "{}: {seconds} s decoded, timeline {} s",
            file.display(),
            t.duration
        );
        let click = quiet_click(&loaded);
        let at = (click * 44100.0).round() as usize;
        let lag = best_lag(&d.samples, &mix, at, 44100);
        // Gapless: symphonia removes the encoder delay given in the LAME tag or the
        // Ogg granule positions, so the click lands on its frame.
        let allowed = if format == "wav" { 0 } else { 1 };
        assert!(
            lag.abs() <= allowed,
            "{}: the click at {click} s is {lag} frames off",
            file.display()
        );
        let energy: f32 = d.samples[at..at + 441].iter().map(|x| x * x).sum();
        let expected: f32 = mix[at..at + 441].iter().map(|x| x * x).sum();
        assert!(
            energy > 0.5 * expected && energy < 2.0 * expected,
            "{}: the click has {energy} energy, expected {expected}",
            file.display()
        );

        if format == "wav" {
            // symphonia 0.6 parses LIST/INFO but drops it, so read it directly.
            let (info, _) = riff(file);
            let get = |id: &str| info.get(id).map(String::as_str);
            assert_eq!(get("INAM"), Some(t.title.as_str()));
            assert_eq!(get("IPRD"), Some("Test: programma"));
            assert_eq!(get("IART"), Some("Test"));
            assert_eq!(get("ITRK"), Some(format!("{}", i + 1).as_str()));
            assert_eq!(get("ICMT"), t.description.as_deref());
        } else {
            let tags = &d.tags;
            let title = t.title.clone();
            let found = |want: &dyn Fn(&StandardTag) -> bool| tags.iter().any(want);
            assert!(
                found(&|t| matches!(t, StandardTag::TrackTitle(v) if **v == title)),
                "{format}: title in {tags:?}"
            );
            assert!(
                found(&|t| matches!(t, StandardTag::Album(v) if **v == "Test: programma")),
                "{format}: album in {tags:?}"
            );
            assert!(
                found(&|t| matches!(t, StandardTag::Artist(v) if **v == "Test")),
                "{format}: artist in {tags:?}"
            );
            assert!(
                found(&|t| matches!(t, StandardTag::TrackNumber(n) if *n == i as u64 + 1)),
                "{format}: track number in {tags:?}"
            );
            assert!(
                found(&|t| matches!(t, StandardTag::TrackTotal(2))),
                "{format}: track total in {tags:?}"
            );
            if let Some(desc) = &t.description {
                assert!(
                    found(&|t| matches!(t, StandardTag::Comment(v) if **v == *desc)),
                    "{format}: comment in {tags:?}"
                );
            }
        }

        let names: Vec<(f64, String)> =
            t.blocks.iter().map(|b| (b.start, b.name.clone())).collect();
        let chapters = if format == "wav" {
            riff(file).1
        } else {
            d.chapters.clone()
        };
        assert_eq!(chapters.len(), names.len(), "{format}: {chapters:?}");
        for ((at, name), (start, want)) in chapters.iter().zip(&names) {
            assert_eq!(name, want);
            if format == "wav" {
                // A cue point is a frame number: the block's first frame, exactly.
                assert_eq!(
                    (at * 44100.0).round(),
                    (start * 44100.0).round(),
                    "{name}: cue at {at} s, block at {start} s"
                );
            } else {
                assert!((at - start).abs() < 0.001, "{name}: {at} vs {start}");
            }
        }
        playlist += &format!(
            "#EXTINF:{},{}\n{}\n",
            t.duration.round() as u64,
            t.title,
            file.file_name().unwrap().to_string_lossy()
        );
    }
    if format == "wav" {
        let (loaded, _) = reference(&sessions[0], 44100);
        let names: Vec<&str> = loaded
            .compiled
            .timeline
            .blocks
            .iter()
            .map(|b| b.name.as_str())
            .collect();
        assert_eq!(names, ["Inlopen", "Rennen", "Uitlopen"]);
    }
    assert_eq!(
        std::fs::read_to_string(folder.join("Test - programma.m3u8")).unwrap(),
        playlist
    );
}

/// The `LIST/INFO` fields of a WAV file, and its cue points (seconds) with their
/// `labl` names, read straight from the RIFF chunks.
fn riff(path: &Path) -> (HashMap<String, String>, Vec<(f64, String)>) {
    let b = std::fs::read(path).unwrap();
    let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
    let rate = f64::from(u32_at(24));
    let mut at = 12;
    let mut cues = Vec::new();
    let mut labels = HashMap::new();
    let mut info = HashMap::new();
    let text = |bytes: &[u8]| {
        let bytes = bytes.split(|&c| c == 0).next().unwrap_or_default();
        String::from_utf8(bytes.to_vec()).unwrap()
    };
    while at + 8 <= b.len() {
        let id = &b[at..at + 4];
        let len = u32_at(at + 4) as usize;
        let body = at + 8;
        if id == b"data" {
            break;
        }
        if id == b"cue " {
            for k in 0..u32_at(body) as usize {
                let p = body + 4 + 24 * k;
                cues.push((u32_at(p), f64::from(u32_at(p + 20)) / rate));
            }
        }
        if id == b"LIST" {
            let form = &b[body..body + 4];
            let mut q = body + 4;
            while q < body + len {
                let l = u32_at(q + 4) as usize;
                let sub = String::from_utf8_lossy(&b[q..q + 4]).into_owned();
                if form == b"adtl" && sub == "labl" {
                    labels.insert(u32_at(q + 8), text(&b[q + 12..q + 8 + l]));
                } else if form == b"INFO" {
                    info.insert(sub, text(&b[q + 8..q + 8 + l]));
                }
                q += 8 + l + l % 2;
            }
        }
        at = body + len + len % 2;
    }
    let cues = cues
        .into_iter()
        .map(|(id, t)| (t, labels.get(&id).cloned().unwrap_or_default()))
        .collect();
    (info, cues)
}

#[cfg(feature = "mp3")]
#[test]
fn mp3_export_decodes_to_the_timeline_with_tags_and_chapters() {
    check_format("mp3");
}

#[test]
fn ogg_export_decodes_to_the_timeline_with_tags_and_chapters() {
    check_format("ogg");
}

#[test]
fn wav_export_decodes_to_the_timeline_with_tags_and_cue_labels() {
    check_format("wav");
}

/// Lines of stderr that start with `word`.
fn lines<'a>(err: &'a str, word: &str) -> Vec<&'a str> {
    err.lines().filter(|l| l.starts_with(word)).collect()
}

fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

/// Session files given on their own go into the output folder itself, numbered in
/// the order given; a second export keeps files whose inputs did not change, a
/// changed session is written again, and `--force` writes everything.
#[test]
fn unchanged_files_are_skipped_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("kort.toml");
    std::fs::write(&short, SHORT).unwrap();
    let golden = data("sessions/golden.toml");
    let out = dir.path().join("out");
    let args = [
        s(&golden),
        s(&short),
        "-o",
        s(&out),
        "--format",
        "wav",
        "--rate",
        "8000",
        "--album",
        "rustig",
    ];
    let first = export(&args);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first).1);
    let a = out.join("01 Gouden bestand.wav");
    let b = out.join("02 Kort - klaar.wav");
    assert!(a.is_file() && b.is_file());
    assert_eq!(
        std::fs::read_to_string(out.join("rustig.m3u8")).unwrap(),
        "#EXTM3U\n#PLAYLIST:rustig\n#EXTINF:33,Gouden bestand\n01 Gouden bestand.wav\n#EXTINF:43,Kort: klaar?\n02 Kort - klaar.wav\n"
    );
    let (a0, b0) = (modified(&a), modified(&b));

    let again = export(&args);
    let (_, err) = text(&again);
    assert_eq!(again.status.code(), Some(0), "{err}");
    assert_eq!(lines(&err, "unchanged").len(), 2, "{err}");
    assert!(lines(&err, "wrote").is_empty(), "{err}");
    assert_eq!((modified(&a), modified(&b)), (a0, b0));

    std::fs::write(
        &short,
        SHORT.replace("Een korte training", "Een andere training"),
    )
    .unwrap();
    let changed = export(&args);
    let (_, err) = text(&changed);
    assert_eq!(
        lines(&err, "unchanged"),
        ["unchanged  01 Gouden bestand.wav"],
        "{err}"
    );
    assert_eq!(lines(&err, "wrote").len(), 1, "{err}");
    assert!(
        lines(&err, "wrote")[0].contains("02 Kort - klaar.wav"),
        "{err}"
    );
    assert_eq!(modified(&a), a0);

    let mut forced = args.to_vec();
    forced.push("--force");
    let force = export(&forced);
    let (_, err) = text(&force);
    assert_eq!(force.status.code(), Some(0), "{err}");
    assert_eq!(lines(&err, "wrote").len(), 2, "{err}");
    assert!(lines(&err, "unchanged").is_empty(), "{err}");
}

/// A session with errors and a session whose file cannot be put in place each fail
/// with their name, and the other sessions are still written and listed.
#[test]
fn a_failing_session_is_named_and_the_others_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let prog = dir.path().join("prog");
    std::fs::create_dir_all(&prog).unwrap();
    std::fs::write(
        prog.join("program.toml"),
        "[program]\ntitle = \"Drie\"\nsessions = [\"een.toml\", \"twee.toml\", \"drie.toml\", \"vier.toml\"]\n",
    )
    .unwrap();
    std::fs::write(prog.join("een.toml"), SHORT.replace("Kort: klaar?", "Een")).unwrap();
    std::fs::write(
        prog.join("twee.toml"),
        SHORT.replace("cadence = 180", "cadans = 180"),
    )
    .unwrap();
    std::fs::write(
        prog.join("drie.toml"),
        SHORT.replace("Kort: klaar?", "Drie"),
    )
    .unwrap();
    std::fs::write(
        prog.join("vier.toml"),
        SHORT.replace("Kort: klaar?", "Vier"),
    )
    .unwrap();
    let out = dir.path().join("out");
    // A folder where the third session's file should go: its rename must fail.
    std::fs::create_dir_all(out.join("Drie/3 Drie.wav")).unwrap();
    let run = export(&[
        s(&prog),
        "-o",
        s(&out),
        "--format",
        "wav",
        "--rate",
        "8000",
        "-j",
        "2",
    ]);
    let (_, err) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("twee.toml:"),
        "the invalid session is located: {err}"
    );
    let failed = lines(&err, "FAILED");
    assert_eq!(failed.len(), 1, "{err}");
    assert!(
        failed[0].contains("drie.toml") && failed[0].contains("3 Drie.wav"),
        "{err}"
    );
    assert_eq!(
        lines(&err, "failed:").len(),
        2,
        "both failures are summed up: {err}"
    );
    assert!(out.join("Drie/1 Een.wav").is_file());
    assert!(out.join("Drie/4 Vier.wav").is_file());
    assert_eq!(
        std::fs::read_to_string(out.join("Drie/Drie.m3u8")).unwrap(),
        "#EXTM3U\n#PLAYLIST:Drie\n#EXTINF:43,Een\n1 Een.wav\n#EXTINF:43,Vier\n4 Vier.wav\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(out.join("Drie"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// An output folder that cannot be created or written to stops the export before
/// any work, with the folder's name and what to do.
#[test]
fn an_unwritable_output_folder_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    std::fs::write(&plain, b"a file").unwrap();
    let golden = data("sessions/golden.toml");
    let out = plain.join("out");
    let run = export(&[s(&golden), "-o", s(&out), "--format", "wav"]);
    let (_, err) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "error: cannot write to the folder {}",
            out.display()
        )) && err.contains("choose another -o"),
        "{err}"
    );
    let onto_file = export(&[s(&golden), "-o", s(&plain)]);
    assert_eq!(onto_file.status.code(), Some(1));
    assert!(text(&onto_file).1.contains("is a file; -o takes a folder"));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root writes through permissions; an immutable folder stops root too.
        let root = std::fs::write(locked.join("probe"), b"").is_ok();
        if root {
            std::fs::remove_file(locked.join("probe")).unwrap();
            if !crate::tools::require_tools(&["chattr"]) {
                return;
            }
            crate::tools::run_tool("chattr", &["+i", s(&locked)]);
        }
        let run = export(&[s(&golden), "-o", s(&locked), "--format", "wav"]);
        if root {
            crate::tools::run_tool("chattr", &["-i", s(&locked)]);
        }
        let (_, err) = text(&run);
        assert_eq!(run.status.code(), Some(1), "{err}");
        assert!(
            err.contains(&format!(
                "error: cannot write to the folder {} (check its permissions or choose another -o)",
                locked.display()
            )),
            "{err}"
        );
        assert_eq!(std::fs::read_dir(&locked).unwrap().count(), 0);
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// When the files will not fit, the export says how much it needs and how much is
/// free before writing anything. The program is sized to just exceed this disk:
/// sessions of almost four hours as 140 kHz WAV, 4 GB each.
#[test]
fn an_export_that_does_not_fit_on_the_disk_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let free = fs4::available_space(dir.path()).unwrap();
    let per_session = 14_340u64 * 140_000 * 2;
    let n = free / per_session + 2;
    if n > 3000 {
        // A disk this large would take too many sessions to fill; nothing to prove.
        return;
    }
    let prog = dir.path().join("lang");
    std::fs::create_dir_all(&prog).unwrap();
    let mut list = Vec::new();
    for i in 0..n {
        let name = format!("s{i}.toml");
        std::fs::write(
            prog.join(&name),
            format!("title = \"Lang {i}\"\nvoice = \"test\"\n[[block]]\nkind = \"silence\"\nduration = \"3h59m\"\n"),
        )
        .unwrap();
        list.push(format!("\"{name}\""));
    }
    std::fs::write(
        prog.join("program.toml"),
        format!(
            "[program]\ntitle = \"Lang\"\nsessions = [{}]\n",
            list.join(", ")
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = export(&[
        s(&prog),
        "-o",
        s(&out),
        "--format",
        "wav",
        "--rate",
        "140000",
    ]);
    let (_, err) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: not enough free space in")
            && err.contains("the export needs about ")
            && err.contains("MB is free; free some space, choose another -o"),
        "{err}"
    );
    assert!(!out.exists(), "nothing was created");
}

/// Rates MP3 cannot store, unknown formats and zero jobs are usage errors.
#[test]
fn bad_options_are_usage_errors() {
    let golden = data("sessions/golden.toml");
    let rate = export(&[
        s(&golden),
        "-o",
        "/tmp/x",
        "--format",
        "mp3",
        "--rate",
        "44000",
    ]);
    if cfg!(feature = "mp3") {
        assert_eq!(rate.status.code(), Some(2));
        assert!(
            text(&rate).1.contains("MP3 cannot store 44000 Hz"),
            "{}",
            text(&rate).1
        );
    }
    let format = export(&[s(&golden), "-o", "/tmp/x", "--format", "flac"]);
    assert_eq!(format.status.code(), Some(2));
    let jobs = export(&[s(&golden), "-o", "/tmp/x", "--jobs", "0"]);
    assert_eq!(jobs.status.code(), Some(2));
    let no_out = export(&[s(&golden)]);
    assert_eq!(no_out.status.code(), Some(2));
}

/// A built-in session exports from a folder with nothing in it.
#[test]
fn a_built_in_session_exports_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    let run = Rustig::new(&[
        "export",
        "sessions/opbouw/week01-1.toml",
        "-o",
        "telefoon",
        "--format",
        "wav",
        "--rate",
        "8000",
    ])
    .cwd(dir.path())
    .run();
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    // A session of the built-in program keeps its program's folder, album and place.
    let folder = dir.path().join("telefoon/Van 12 naar 36 minuten");
    assert!(folder.join("01 Week 1 · training 1.wav").is_file());
    assert!(folder.join("Van 12 naar 36 minuten.m3u8").is_file());
    assert!(folder.join("cover.png").is_file());
}

/// The default program plans one folder named after it, 42 files numbered in
/// program order with two digits, each with its chapters.
#[test]
fn the_default_program_is_numbered_in_program_order() {
    use rustig::load::{PackCache, default_program};
    use rustig::output::export::{Format, Group, Input, Options, Plan, Status};
    let lookup = VoiceLookup::builtin_only();
    let packs = PackCache::new(&lookup);
    let (_, program) = default_program();
    let program = program.unwrap();
    let sessions = program
        .sessions
        .into_iter()
        .map(|file| {
            let (_, loaded) = packs.load(&file);
            Input { file, loaded }
        })
        .collect();
    let out = Path::new("/nonexistent-rustig-out");
    let options = Options {
        format: Format::Mp3,
        rate: 44100,
        force: false,
        year: 2026,
        streamable: false,
    };
    let plan = Plan::new(
        out,
        vec![Group::program(&program.program.title, sessions)],
        options,
    )
    .unwrap();
    assert_eq!(plan.tracks.len(), 42);
    assert_eq!(plan.count(Status::Write), 42);
    let folder = out.join("Van 12 naar 36 minuten");
    assert_eq!(
        plan.groups[0].playlist,
        folder.join("Van 12 naar 36 minuten.m3u8")
    );
    assert_eq!(
        plan.tracks[0].target,
        folder.join("01 Week 1 · training 1.mp3")
    );
    assert_eq!(plan.tracks[41].file_name, "42 Week 14 · training 3.mp3");
    let tags = plan.tracks[0].tags.as_ref().unwrap();
    assert_eq!((tags.track, tags.total), (1, 42));
    assert_eq!(tags.chapters[0].name, "Warming-up");
    assert!(plan.seconds_to_render() > 20.0 * 3600.0);
}

/// Ctrl-C stops the export and leaves no partial file behind.
#[cfg(unix)]
#[test]
fn an_interrupted_export_leaves_no_partial_files() {
    if !crate::tools::require_tools(&["kill"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_rustig"))
        .args([
            "export",
            "sessions/opbouw/week14-3.toml",
            "sessions/opbouw/week14-2.toml",
            "-o",
        ])
        .arg(&out)
        .args(["--format", "ogg"])
        .current_dir(dir.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Sessions of the built-in program go to its folder. Wait until the first
    // temporary file exists there, then interrupt.
    let album = out.join("Van 12 naar 36 minuten");
    let start = std::time::Instant::now();
    let partial = || {
        std::fs::read_dir(&album).is_ok_and(|d| {
            d.filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().ends_with(".part"))
        })
    };
    while !partial() && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(partial(), "the export started");
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("Interrupted"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&album)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.iter().all(|n| !n.starts_with('.')), "{left:?}");
}

/// A program of three short sessions ("Proef"), two in week 1 and one in week 2.
fn three_week_program(dir: &Path) -> PathBuf {
    let prog = dir.join("proef");
    std::fs::create_dir_all(&prog).unwrap();
    std::fs::write(
        prog.join("program.toml"),
        "[program]\ntitle = \"Proef\"\nsessions = [\"a.toml\", \"b.toml\", \"c.toml\"]\n",
    )
    .unwrap();
    for (file, title) in [
        ("a.toml", "Week 1 · dag 1"),
        ("b.toml", "Week 1 · dag 2"),
        ("c.toml", "Week 2 · dag 1"),
    ] {
        std::fs::write(prog.join(file), SHORT.replace("Kort: klaar?", title)).unwrap();
    }
    prog
}

/// The names in a folder, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The file names a playlist lists, in order.
fn playlist_files(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// r25: exporting week 1, then week 2, then the whole program into one folder gives
/// one album with its sessions in program order, one playlist and a cover, and the
/// files of the first exports stay byte for byte as they were.
#[test]
fn r25_exporting_a_program_in_parts_builds_one_album() {
    let dir = tempfile::tempdir().unwrap();
    let prog = three_week_program(dir.path());
    let out = dir.path().join("telefoon");
    for part in [vec!["a.toml"], vec!["c.toml"]] {
        let mut args: Vec<String> = part.iter().map(|f| s(&prog.join(f)).to_owned()).collect();
        args.extend(["-o", s(&out), "--format", "ogg"].map(String::from));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = export(&args);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    }
    let album = out.join("Proef");
    assert_eq!(names_in(&out), ["Proef"]);
    assert_eq!(
        playlist_files(&album.join("Proef.m3u8")),
        ["1 Week 1 · dag 1.ogg", "3 Week 2 · dag 1.ogg"],
        "the second part is added to the playlist, in program order"
    );
    let first = std::fs::read(album.join("1 Week 1 · dag 1.ogg")).unwrap();
    let third = std::fs::read(album.join("3 Week 2 · dag 1.ogg")).unwrap();

    let run = export(&[s(&prog), "-o", s(&out), "--format", "ogg"]);
    let (_, err) = text(&run);
    assert_eq!(run.status.code(), Some(0), "{err}");
    assert!(err.contains("1 to write"), "{err}");
    assert!(err.contains(", 2 unchanged"), "{err}");
    assert_eq!(
        names_in(&album),
        [
            "1 Week 1 · dag 1.ogg",
            "2 Week 1 · dag 2.ogg",
            "3 Week 2 · dag 1.ogg",
            "Proef.m3u8",
            "cover.png"
        ]
    );
    assert_eq!(
        playlist_files(&album.join("Proef.m3u8")),
        [
            "1 Week 1 · dag 1.ogg",
            "2 Week 1 · dag 2.ogg",
            "3 Week 2 · dag 1.ogg"
        ]
    );
    assert_eq!(
        std::fs::read(album.join("1 Week 1 · dag 1.ogg")).unwrap(),
        first
    );
    assert_eq!(
        std::fs::read(album.join("3 Week 2 · dag 1.ogg")).unwrap(),
        third
    );
    let png = std::fs::read(album.join("cover.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let decoder = png::Decoder::new(std::io::Cursor::new(&png));
    let info = decoder.read_info().unwrap();
    assert_eq!((info.info().width, info.info().height), (600, 600));
}

/// Loose sessions: album after their folder or `--album`, one playlist per album in
/// one folder, numbers continuing after what the album already has.
#[test]
fn loose_sessions_keep_one_playlist_per_album() {
    let dir = tempfile::tempdir().unwrap();
    let mijn = dir.path().join("mijn rondjes");
    std::fs::create_dir_all(&mijn).unwrap();
    for (file, title) in [("x.toml", "Rondje park"), ("y.toml", "Rondje bos")] {
        std::fs::write(mijn.join(file), SHORT.replace("Kort: klaar?", title)).unwrap();
    }
    let out = dir.path().join("out");
    let go = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["-o", s(&out), "--format", "wav", "--rate", "8000"]);
        let run = export(&all);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    };
    go(&[s(&mijn.join("x.toml"))]);
    go(&[s(&mijn.join("y.toml"))]);
    go(&[s(&mijn.join("x.toml")), "--album", "Vakantie"]);
    assert_eq!(
        playlist_files(&out.join("mijn rondjes.m3u8")),
        ["01 Rondje park.wav", "02 Rondje bos.wav"]
    );
    // Another album never takes a file of the first: the number moves on.
    assert_eq!(
        playlist_files(&out.join("Vakantie.m3u8")),
        ["02 Rondje park.wav"]
    );
    let (info, _) = riff(&out.join("01 Rondje park.wav"));
    assert_eq!(info.get("IPRD").map(String::as_str), Some("mijn rondjes"));
    let (info, _) = riff(&out.join("02 Rondje bos.wav"));
    assert_eq!(info.get("IPRD").map(String::as_str), Some("mijn rondjes"));
    assert_eq!(info.get("ITRK").map(String::as_str), Some("2"));
}

/// Runs a tool and returns its stdout, panicking with its stderr on failure.
fn tool(program: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What mutagen (Python) reads: length, tags, pictures, chapters.
const MUTAGEN: &str = r#"
import json, sys, base64
import mutagen
from mutagen.flac import Picture
f = mutagen.File(sys.argv[1])
out = {"length": f.info.length, "pictures": [], "chapters": []}
t = f.tags
if sys.argv[1].endswith(".mp3"):
    g = lambda k: str(t[k].text[0]) if k in t else None
    out.update(album=g("TALB"), track=g("TRCK"), artist=g("TPE1"), genre=g("TCON"), year=g("TDRC") or g("TYER"))
    out["pictures"] = [[p.mime, p.type, len(p.data)] for p in t.getall("APIC")]
    out["chapters"] = sorted([c.start_time / 1000, c.end_time / 1000] for c in t.getall("CHAP"))
else:
    g = lambda k: t[k][0] if k in t else None
    out.update(album=g("album"), track=g("tracknumber") + "/" + g("tracktotal"),
               artist=g("artist"), genre=g("genre"), year=g("date"))
    for b in t.get("metadata_block_picture", []):
        p = Picture(base64.b64decode(b))
        out["pictures"].append([p.mime, p.type, len(p.data), p.width, p.height])
    out["chapters"] = [[k] for k in sorted(t.keys()) if k.startswith("chapter") and not k.endswith("name")]
print(json.dumps(out))
"#;

/// r25: ffprobe, mutagen, exiftool and mediainfo (four families of tag reader)
/// agree on album, track, cover, chapters and duration, for MP3 and Ogg; the
/// playlist opens in ffprobe with every entry found.
fn check_with_real_readers(format: &str) {
    use crate::tools::{require_python_module, require_tools};
    if !require_tools(&["ffprobe", "exiftool", "mediainfo"]) || !require_python_module("mutagen") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let prog = three_week_program(dir.path());
    let out = dir.path().join("out");
    let run = Rustig::fixture(&["export", s(&prog), "-o", s(&out), "--format", format])
        .env("SOURCE_DATE_EPOCH", "1780000000")
        .run();
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    let album = out.join("Proef");
    let file = album.join(format!("2 Week 1 · dag 2.{format}"));
    let f = s(&file);
    let (loaded, _) = reference(&prog.join("b.toml"), 44100);
    let t = &loaded.compiled.timeline;
    let blocks = t.blocks.len();
    // MP3: players that ignore LAME's gapless info count the encoder's padding too.
    let slack = 0.06;

    let probe: serde_json::Value = serde_json::from_str(&tool(
        "ffprobe",
        &[
            "-v",
            "error",
            "-show_format",
            "-show_streams",
            "-show_chapters",
            "-of",
            "json",
            f,
        ],
    ))
    .unwrap();
    let mut tags: HashMap<String, String> = HashMap::new();
    let mut all = vec![&probe["format"]["tags"]];
    all.extend(
        probe["streams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| &s["tags"]),
    );
    for t in all.into_iter().filter_map(|t| t.as_object()) {
        for (k, v) in t {
            tags.insert(k.to_lowercase(), v.as_str().unwrap_or_default().to_owned());
        }
    }
    let duration: f64 = probe["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (duration - t.duration).abs() <= slack,
        "ffprobe {duration} vs {}",
        t.duration
    );
    assert_eq!(tags["album"], "Proef");
    let track = tags.get("track").or(tags.get("tracknumber")).unwrap();
    assert!(track == "2/3" || track == "2", "{track}");
    assert_eq!(tags["genre"], "Hardlopen");
    assert_eq!(tags["artist"], "Test");
    assert_eq!(tags["date"], "2026");
    let pic = probe["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["disposition"]["attached_pic"] == 1)
        .expect("ffprobe sees the cover");
    assert_eq!(
        (pic["codec_name"].as_str(), pic["width"].as_u64()),
        (Some("png"), Some(600))
    );
    let chapters = probe["chapters"].as_array().unwrap();
    assert_eq!(chapters.len(), blocks);
    let last_end: f64 = chapters[blocks - 1]["end_time"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (last_end - t.duration).abs() < 0.001,
        "last chapter ends at {last_end}"
    );
    assert!(
        t.duration > t.blocks[blocks - 1].end,
        "the last clip outlasts the last block"
    );

    let m: serde_json::Value = serde_json::from_str(&tool("python3", &["-c", MUTAGEN, f])).unwrap();
    let length = m["length"].as_f64().unwrap();
    assert!((length - t.duration).abs() <= slack, "mutagen {length}");
    assert_eq!(m["album"], "Proef");
    assert_eq!(m["track"], "2/3");
    assert_eq!(m["artist"], "Test");
    assert_eq!(m["genre"], "Hardlopen");
    assert_eq!(m["year"], "2026");
    let pictures = m["pictures"].as_array().unwrap();
    assert_eq!(pictures.len(), 1, "{pictures:?}");
    assert_eq!(
        (pictures[0][0].as_str(), pictures[0][1].as_u64()),
        (Some("image/png"), Some(3))
    );
    let chapters = m["chapters"].as_array().unwrap();
    assert_eq!(chapters.len(), blocks, "{chapters:?}");
    if format == "mp3" {
        let end = chapters[blocks - 1][1].as_f64().unwrap();
        assert!(
            (end - t.duration).abs() < 0.001,
            "mutagen: last chapter ends at {end}"
        );
    }

    let exif: serde_json::Value =
        serde_json::from_str(&tool("exiftool", &["-json", "-n", f])).unwrap();
    let exif = &exif[0];
    assert_eq!(exif["Album"], "Proef");
    assert_eq!(exif["Artist"], "Test");
    assert_eq!(exif["Genre"], "Hardlopen");
    assert_eq!(exif["PictureMIMEType"], "image/png");
    let track = &exif[if format == "mp3" {
        "Track"
    } else {
        "TrackNumber"
    }];
    assert!(track == "2/3" || track == 2, "exiftool track {track}");

    let mi: serde_json::Value =
        serde_json::from_str(&tool("mediainfo", &["--Output=JSON", f])).unwrap();
    let general = &mi["media"]["track"][0];
    assert_eq!(general["Album"], "Proef");
    assert_eq!(general["Track_Position"], "2");
    assert_eq!(general["Track_Position_Total"], "3");
    assert_eq!(general["Cover"], "Yes");
    let d: f64 = general["Duration"].as_str().unwrap().parse().unwrap();
    assert!((d - t.duration).abs() <= slack, "mediainfo {d}");

    // The playlist: every entry opens.
    let list = album.join("Proef.m3u8");
    let entries = playlist_files(&list);
    assert_eq!(entries.len(), 3);
    for e in entries {
        tool(
            "ffprobe",
            &[
                "-v",
                "error",
                "-show_entries",
                "format=duration",
                s(&album.join(e)),
            ],
        );
    }
}

#[test]
fn r25_real_tag_readers_agree_on_mp3() {
    check_with_real_readers("mp3");
}

#[test]
fn r25_real_tag_readers_agree_on_ogg() {
    check_with_real_readers("ogg");
}
