//! The Dutch voice pack `audio/nl/` (issue 4): complete, clean, equally loud, and the
//! same as the copy built into the binary.
//!
//! Silence is measured as in `audio/nl/MEASUREMENTS.md`: a sample is sound when its
//! magnitude is above −50 dBFS (10^(−50/20) of full scale, about 104 of 32768); lead
//! silence is the time before the first such sample, trail silence the time after
//! the last. Loudness and sample peak are measured with the `ebur128` crate.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ebur128::{EbuR128, Mode};
use rustig::voice::{VoicePack, core_ids, decode_wav};

use crate::util::{Rustig, files_below, root};

fn pack_dir() -> PathBuf {
    root().join("audio/nl")
}

/// The pack as loaded from disk; panics with its problems if it does not load.
fn pack() -> VoicePack {
    match VoicePack::load_dir("nl", &pack_dir()) {
        Ok((pack, _)) => pack,
        Err(diags) => panic!(
            "audio/nl does not load:\n{}",
            diags.iter().map(|d| d.to_string()).collect::<String>()
        ),
    }
}

fn ids(pack: &VoicePack) -> BTreeSet<&str> {
    pack.clips.iter().map(|c| c.id.as_str()).collect()
}

/// What is measured on one clip.
struct Measured {
    channels: u16,
    seconds: f64,
    lead_ms: f64,
    trail_ms: f64,
    lufs: f64,
    sample_peak_dbfs: f64,
}

fn measure(file: &Path) -> Measured {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let channels = hound::WavReader::new(std::io::Cursor::new(&bytes))
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
        .spec()
        .channels;
    let (samples, rate) = decode_wav(&bytes).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    assert!(!samples.is_empty(), "{}: no samples", file.display());
    let threshold = 10f32.powf(-50.0 / 20.0);
    let sound = |x: &f32| x.abs() > threshold;
    let first = samples.iter().position(sound).unwrap_or(samples.len());
    let last = samples.iter().rposition(sound).unwrap_or(0);
    let ms = |n: usize| n as f64 * 1000.0 / f64::from(rate);
    let mut meter = EbuR128::new(1, rate, Mode::I | Mode::SAMPLE_PEAK).unwrap();
    meter.add_frames_f32(&samples).unwrap();
    Measured {
        channels,
        seconds: samples.len() as f64 / f64::from(rate),
        lead_ms: ms(first),
        trail_ms: ms(samples.len().saturating_sub(last + 1)),
        lufs: meter.loudness_global().unwrap(),
        sample_peak_dbfs: 20.0 * meter.sample_peak(0).unwrap().log10(),
    }
}

#[test]
fn the_pack_has_every_core_id() {
    let pack = pack();
    assert_eq!(pack.missing_core_ids(), Vec::<String>::new());
    let have = ids(&pack);
    for id in core_ids() {
        assert!(have.contains(id.as_str()), "{id}");
    }
}

#[test]
fn the_pack_has_the_extra_clips_of_issue_4() {
    let pack = pack();
    let have = ids(&pack);
    let count = |prefix: &str| have.iter().filter(|id| id.starts_with(prefix)).count();
    for id in [
        "welkom",
        "einde.week",
        "techniek.afzetten",
        "techniek.kin",
        "techniek.houding",
        "techniek.schouders",
        "techniek.armen",
        "techniek.voeten",
        "techniek.kuiten",
        "techniek.romp",
        "techniek.cadans",
    ] {
        assert!(have.contains(id), "missing {id}");
    }
    assert!(
        count("aanmoediging.") >= 6,
        "{} aanmoediging.*",
        count("aanmoediging.")
    );
    assert!(count("lichaam.") >= 4, "{} lichaam.*", count("lichaam."));
    let core_tempo = ["tempo.praten", "tempo.uitademen", "tempo.langzamer"];
    let extra_tempo: Vec<&&str> = have
        .iter()
        .filter(|id| id.starts_with("tempo.") && !core_tempo.contains(id))
        .collect();
    assert!(
        !extra_tempo.is_empty(),
        "no tempo.* variants beyond the core"
    );
    // An explanation for each kind of block the coach announces.
    for announced in core_ids().iter().filter_map(|id| id.strip_prefix("blok.")) {
        assert!(
            have.contains(format!("uitleg.{announced}").as_str()),
            "missing uitleg.{announced}"
        );
    }
}

#[test]
fn every_clip_has_a_text_and_the_file_name_its_id_gives() {
    for clip in pack().clips {
        assert!(!clip.text.trim().is_empty(), "{} has no text", clip.id);
        assert_eq!(clip.file, format!("{}.wav", clip.id.replace('.', "-")));
    }
}

#[test]
fn every_wav_file_in_the_folder_belongs_to_a_clip() {
    let files: BTreeSet<String> = pack().clips.into_iter().map(|c| c.file).collect();
    for entry in std::fs::read_dir(pack_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".wav") {
            assert!(files.contains(&name), "{name} is in no [clips] entry");
        }
    }
}

#[test]
fn every_clip_is_mono_short_trimmed_at_minus_16_lufs_and_peaks_below_minus_1_dbfs() {
    let mut problems = Vec::new();
    for clip in pack().clips {
        let m = measure(&pack_dir().join(&clip.file));
        let mut fail = |what: String| problems.push(format!("{}: {what}", clip.id));
        if m.channels != 1 {
            fail(format!("{} channels", m.channels));
        }
        if m.seconds > 6.0 {
            fail(format!("{:.2} s long", m.seconds));
        }
        if m.lead_ms > 30.0 {
            fail(format!("{:.1} ms of silence before", m.lead_ms));
        }
        if m.trail_ms > 30.0 {
            fail(format!("{:.1} ms of silence after", m.trail_ms));
        }
        if (m.lufs + 16.0).abs() > 1.0 {
            fail(format!("{:.2} LUFS", m.lufs));
        }
        if m.sample_peak_dbfs > -1.0 {
            fail(format!("sample peak {:.2} dBFS", m.sample_peak_dbfs));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_measurements_file_lists_every_clip() {
    let text = std::fs::read_to_string(pack_dir().join("MEASUREMENTS.md")).unwrap();
    let listed: BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
        .collect();
    assert_eq!(listed, ids(&pack()));
}

#[test]
fn rustig_check_accepts_the_pack() {
    let (_, stderr) = Rustig::new(&["check", "audio/nl"]).exits(0);
    assert!(stderr.ends_with("0 errors, 0 warnings\n"), "{stderr}");
    Rustig::new(&["voice", "check"]).exits(0);
}

#[test]
fn the_built_in_audio_is_the_audio_folder_byte_for_byte() {
    let on_disk = files_below(&root().join("audio"));
    let built_in: BTreeSet<PathBuf> = rustig::builtin::AUDIO
        .iter()
        .map(|(path, _)| PathBuf::from(path))
        .collect();
    assert_eq!(
        built_in, on_disk,
        "rebuild: the binary embeds an older audio/"
    );
    for path in &on_disk {
        let disk = std::fs::read(root().join("audio").join(path)).unwrap();
        let embedded = rustig::builtin::AUDIO.get(path.to_str().unwrap()).unwrap();
        assert!(
            disk == embedded,
            "{} differs from the built-in copy",
            path.display()
        );
    }
    let builtin = VoicePack::load("nl", &rustig::voice::VoiceLookup::builtin_only())
        .expect("the built-in pack loads")
        .0;
    assert_eq!(builtin.clips, pack().clips);
}
