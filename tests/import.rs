//! `rustig voice import` (issue 12): recordings made here — noisy, too quiet, too
//! loud with DC, padded with seconds of silence, in WAV, FLAC, MP3 and M4A — become a
//! pack whose every clip meets the bars of audio/nl; the source folder is untouched
//! and a failed import leaves nothing behind. `voice record` is driven end to end
//! through ALSA's file plugin (capture from a raw file, playback into nothing).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use ebur128::{EbuR128, Mode};
use rustig::voice::decode_file;

use crate::tools::{require_tools, run_tool};
use crate::util::{Noise, Rustig, arg, data, listing, text};

/// 1.32 s of speech-like sound at `rate`: five voiced "syllables" (a 150 Hz buzz with
/// harmonics and a little breath) under sine envelopes, 80 ms apart, peak ~0.5.
fn speech(rate: u32, noise: &mut Noise) -> Vec<f32> {
    let n = |ms: u32| (ms * rate / 1000) as usize;
    let mut out = Vec::new();
    for (k, f0) in [150.0f32, 170.0, 140.0, 160.0, 130.0]
        .into_iter()
        .enumerate()
    {
        let len = n(200);
        out.extend((0..len).map(|i| {
            let t = i as f32 / rate as f32;
            let env = (std::f32::consts::PI * i as f32 / len as f32).sin();
            let buzz: f32 = (1..=8)
                .map(|h| (2.0 * std::f32::consts::PI * f0 * h as f32 * t).sin() / h as f32)
                .sum();
            env * (0.25 * buzz + 0.05 * noise.next()) * if k == 2 { 1.2 } else { 1.0 }
        }));
        out.extend(std::iter::repeat_n(0.0, n(80)));
    }
    out.truncate(out.len() - n(80));
    out
}

fn write_wav(path: &Path, rate: u32, channels: u16, float: bool, samples: &[f32]) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: if float { 32 } else { 16 },
        sample_format: if float {
            hound::SampleFormat::Float
        } else {
            hound::SampleFormat::Int
        },
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for &x in samples {
        for _ in 0..channels {
            if float {
                w.write_sample(x).unwrap();
            } else {
                w.write_sample((x.clamp(-1.0, 1.0) * 32767.0).round() as i16)
                    .unwrap();
            }
        }
    }
    w.finalize().unwrap();
}

/// `rustig voice import SRC -o OUT` with more arguments.
fn import(src: &Path, out: &Path, more: &[&str]) -> Output {
    let mut args = vec!["voice", "import", arg(src), "-o", arg(out)];
    args.extend_from_slice(more);
    Rustig::new(&args).run()
}

/// The encoders that make the recordings.
const ENCODERS: [&str; 2] = ["ffmpeg", "lame"];

/// `input` encoded by ffmpeg to `output` with the codec options `codec`.
fn ffmpeg(input: &Path, codec: &[&str], output: &Path) {
    let mut args = vec!["-loglevel", "error", "-y", "-i", arg(input)];
    args.extend_from_slice(codec);
    args.push(arg(output));
    run_tool("ffmpeg", &args);
}

/// The folder of recordings, encoded with [`ENCODERS`].
fn recordings(dir: &Path) {
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    // Noisy: a 48 kHz phone memo with hiss at about -45 dBFS and 0.8 s of it around
    // the speech, as AAC in M4A.
    let rate = 48000;
    let hiss =
        |n: usize, noise: &mut Noise| -> Vec<f32> { (0..n).map(|_| noise.next() * 0.01).collect() };
    let mut noisy = hiss(38400, &mut noise);
    let s = speech(rate, &mut noise);
    let h = hiss(s.len(), &mut noise);
    noisy.extend(s.iter().zip(&h).map(|(a, b)| a * 0.5 + b));
    noisy.extend(hiss(38400, &mut noise));
    let tmp_wav = dir.join("noisy.tmp.wav");
    write_wav(&tmp_wav, rate, 1, false, &noisy);
    let m4a = dir.join("techniek.armen.m4a");
    ffmpeg(&tmp_wav, &["-c:a", "aac", "-b:a", "96k"], &m4a);
    std::fs::remove_file(&tmp_wav).unwrap();

    // Too quiet: 44.1 kHz 16-bit WAV at about -45 LUFS, named with dashes.
    let quiet: Vec<f32> = speech(44100, &mut noise).iter().map(|x| x * 0.01).collect();
    write_wav(&dir.join("tempo-praten.wav"), 44100, 1, false, &quiet);

    // Too loud: stereo float at 48 kHz, DC of +0.1, clipping, as FLAC (24-bit).
    let loud: Vec<f32> = speech(48000, &mut noise)
        .iter()
        .map(|x| (x * 4.0 + 0.1).clamp(-1.0, 1.0))
        .collect();
    let loud_wav = dir.join("loud.tmp.wav");
    write_wav(&loud_wav, 48000, 2, true, &loud);
    let flac = dir.join("adem.in.flac");
    ffmpeg(&loud_wav, &["-c:a", "flac", "-sample_fmt", "s32"], &flac);
    std::fs::remove_file(&loud_wav).unwrap();

    // Padded: 3 s of silence before and 2 s after, 22.05 kHz, as MP3 under another
    // name, mapped to `einde` by clips.toml.
    let mut padded = vec![0.0; 3 * 22050];
    padded.extend(speech(22050, &mut noise).iter().map(|x| x * 0.6));
    padded.extend(vec![0.0; 2 * 22050]);
    let pad_wav = dir.join("pad.tmp.wav");
    write_wav(&pad_wav, 22050, 1, false, &padded);
    let mp3 = dir.join("memo 4.mp3");
    run_tool("lame", &["--quiet", arg(&pad_wav), arg(&mp3)]);
    std::fs::remove_file(&pad_wav).unwrap();
    std::fs::write(dir.join("clips.toml"), "\"memo 4.mp3\" = \"einde\"\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "opgenomen in het park\n").unwrap();
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// The bars of audio/nl (tests/pack.rs) and a true peak of at most -1 dBTP.
fn assert_meets_the_bars(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let spec = hound::WavReader::new(std::io::Cursor::new(&bytes))
        .unwrap()
        .spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (1, 44100, 16)
    );
    let (samples, rate) = decode_file(path).unwrap();
    let threshold = 10f32.powf(-50.0 / 20.0);
    let first = samples.iter().position(|x| x.abs() > threshold).unwrap();
    let last = samples.iter().rposition(|x| x.abs() > threshold).unwrap();
    let ms = |n: usize| n as f64 * 1000.0 / f64::from(rate);
    let name = path.display();
    assert!(ms(first) <= 30.0, "{name}: {} ms before", ms(first));
    assert!(
        ms(samples.len() - 1 - last) <= 30.0,
        "{name}: {} ms after",
        ms(samples.len() - 1 - last)
    );
    let seconds = samples.len() as f64 / f64::from(rate);
    // The speech is 1.32 s: none of it cut, at most the 2 × 20 ms edges added.
    assert!((1.32..=1.37).contains(&seconds), "{name}: {seconds} s");
    let mut meter = EbuR128::new(1, rate, Mode::I | Mode::SAMPLE_PEAK | Mode::TRUE_PEAK).unwrap();
    meter.add_frames_f32(&samples).unwrap();
    let lufs = meter.loudness_global().unwrap();
    assert!((lufs + 16.0).abs() <= 0.2, "{name}: {lufs} LUFS");
    let sample_peak = 20.0 * meter.sample_peak(0).unwrap().log10();
    assert!(sample_peak <= -1.0, "{name}: sample peak {sample_peak}");
    let true_peak = 20.0 * meter.true_peak(0).unwrap().log10();
    assert!(true_peak <= -1.0, "{name}: true peak {true_peak}");
}

#[test]
fn noisy_quiet_loud_and_padded_recordings_become_clips_within_the_pack_bars() {
    if !require_tools(&ENCODERS) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("memos");
    std::fs::create_dir(&src).unwrap();
    recordings(&src);
    let before = snapshot(&src);
    let out_dir = tmp.path().join("packs").join("coach");
    let out = import(&src, &out_dir, &["--name", "Coach Anna"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(stderr, "");
    assert_eq!(snapshot(&src), before, "the source folder changed");

    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!("importing {} into {}", src.display(), out_dir.display())
    );
    // Core order: tempo.praten, techniek.armen, einde, adem.in (their places in the core list).
    let heads: Vec<&str> = lines[1..5]
        .iter()
        .map(|l| l.split(" (").next().unwrap())
        .collect();
    assert_eq!(
        heads,
        [
            "  einde  <- memo 4.mp3",
            "  techniek.armen  <- techniek.armen.m4a",
            "  tempo.praten  <- tempo-praten.wav",
            "  adem.in  <- adem.in.flac",
        ]
    );
    assert!(lines[1].contains("(22050 Hz, "), "{}", lines[1]);
    assert!(lines[2].contains("(48000 Hz, "), "{}", lines[2]);
    assert!(lines[4].contains(", DC +0.0891)"), "{}", lines[4]);
    for line in &lines[1..5] {
        assert!(line.contains(" to -16.0 LUFS, true peak -"), "{line}");
    }
    assert_eq!(lines[5], "ignored: notes.txt (not a recording)");
    assert_eq!(
        lines[6],
        format!("wrote 4 clips and voice.toml to {}", out_dir.display())
    );
    assert_eq!(
        lines[7],
        "core clips: 4 of 52 recorded; the rest are borrowed from the built-in pack `nl` until recorded"
    );
    assert_eq!(lines[8], "missing: blok.warmup");
    assert_eq!(lines.len(), 8 + 48);

    let manifest = std::fs::read_to_string(out_dir.join("voice.toml")).unwrap();
    let nl: toml::Table = toml::from_str(
        std::str::from_utf8(rustig::builtin::voice_file("nl", "voice.toml").unwrap()).unwrap(),
    )
    .unwrap();
    let text_of = |id: &str| nl["clips"][id]["text"].as_str().unwrap().to_owned();
    let parsed: toml::Table = toml::from_str(&manifest).unwrap();
    assert_eq!(parsed["pack"]["name"].as_str(), Some("Coach Anna"));
    assert_eq!(parsed["pack"]["language"].as_str(), Some("nl"));
    let clips = parsed["clips"].as_table().unwrap();
    assert_eq!(
        clips.keys().map(String::as_str).collect::<Vec<_>>(),
        ["einde", "techniek.armen", "tempo.praten", "adem.in"]
    );
    for (id, entry) in clips {
        assert_eq!(entry["text"].as_str().unwrap(), text_of(id), "{id}");
        let file = entry["file"].as_str().unwrap();
        assert_eq!(file, format!("{}.wav", id.replace('.', "-")));
        assert_meets_the_bars(&out_dir.join(file));
    }
    assert_eq!(parsed["pack"]["fallback"].as_str(), Some("nl"));

    // The pack is complete: what it lacks, it borrows clip by clip from the built-in one.
    let (stdout, _) =
        Rustig::with_voices(&out_dir, &["voice", "check", "--voice", "coach"]).exits(0);
    let built_in = nl["clips"].as_table().unwrap().len();
    let borrowed: Vec<String> = nl["clips"]
        .as_table()
        .unwrap()
        .keys()
        .filter(|id| !clips.contains_key(*id))
        .map(|id| format!("borrowed: {id}\n"))
        .collect();
    assert_eq!(
        stdout,
        format!(
            "voice pack \"Coach Anna\" (coach) from {}: {built_in} clips\n\
             {} clips borrowed from the built-in pack `nl`:\n{}\
             core clips: 52 of 52 present\n",
            out_dir.display(),
            built_in - 4,
            borrowed.concat()
        )
    );

    // A borrowed clip plays the built-in pack's samples.
    let (pack, _) = rustig::voice::VoicePack::load_dir("coach", &out_dir).unwrap();
    let (nl_pack, _) =
        rustig::voice::VoicePack::load("nl", &rustig::voice::VoiceLookup::builtin_only()).unwrap();
    let (i, j) = (
        pack.index_of("blok.warmup").unwrap(),
        nl_pack.index_of("blok.warmup").unwrap(),
    );
    assert_eq!(pack.clips[i].borrowed_from.as_deref(), Some("nl"));
    assert_eq!(
        pack.clips[pack.index_of("einde").unwrap()].borrowed_from,
        None
    );
    let ours = pack.load_clips(0..pack.clips.len(), 44100).unwrap();
    let theirs = nl_pack.load_clips([j], 44100).unwrap();
    assert_eq!(ours.get(i).unwrap(), theirs.get(j).unwrap());

    assert_eq!(
        listing(&out_dir),
        [
            "adem-in.wav",
            "einde.wav",
            "techniek-armen.wav",
            "tempo-praten.wav",
            "voice.toml"
        ]
    );
}

#[test]
fn a_failed_import_writes_nothing_and_names_each_bad_file() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("memos");
    std::fs::create_dir(&src).unwrap();
    let mut noise = Noise(7);
    let speech = speech(44100, &mut noise);
    for (name, samples) in [
        ("einde.wav", &speech[..]),
        ("mijn.zin.wav", &speech),
        ("adem.uit.wav", &[0.0; 44100]),
    ] {
        write_wav(&src.join(name), 44100, 1, false, samples);
    }
    std::fs::write(src.join("halverwege.mp3"), b"ID3 this is not an mp3 at all").unwrap();
    let out_dir = tmp.path().join("coach");
    let out = import(&src, &out_dir, &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: 3 file(s) cannot be imported:\n\
             \x20 `halverwege.mp3` is not audio in a format rustig reads (WAV, FLAC, MP3, Ogg Vorbis, AAC/M4A)\n\
             \x20 `adem.uit.wav` has no speech that stands out from its noise (or less than 0.4 s)\n\
             \x20 `mijn.zin.wav`: no text for clip `mijn.zin`: it is not a clip of the built-in pack; \
             name the file after one, or give its text in clips.toml: \"mijn.zin.wav\" = {{ id = \"mijn.zin\", text = \"…\" }}\n\
             nothing was written\n"
        )
    );
    assert_eq!(
        listing(tmp.path()),
        ["memos"],
        "a half pack or a temporary folder was left"
    );

    // An existing, non-empty target is refused.
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(out_dir.join("x"), "").unwrap();
    std::fs::remove_file(src.join("halverwege.mp3")).unwrap();
    std::fs::remove_file(src.join("mijn.zin.wav")).unwrap();
    std::fs::remove_file(src.join("adem.uit.wav")).unwrap();
    let out = import(&src, &out_dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out).1,
        format!(
            "error: {} already exists; import into a new (or empty) folder\nnothing was written\n",
            out_dir.display()
        )
    );
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len() as f64).sqrt()
}

#[test]
fn the_high_pass_takes_out_rumble_and_leaves_the_voice_band_and_dc_removal_centres() {
    let rate = 44100;
    let sine = |hz: f32| -> Vec<f32> {
        (0..rate)
            .map(|i| (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin() * 0.5)
            .collect()
    };
    let (mut rumble, mut voice) = (sine(20.0), sine(1000.0));
    rustig::voice::process::high_pass(&mut rumble, rate, 80.0);
    rustig::voice::process::high_pass(&mut voice, rate, 80.0);
    let skip = rate as usize / 4; // past the filter's settling
    let db = |x: &[f32]| 20.0 * (rms(&x[skip..]) / rms(&sine(1000.0)[skip..])).log10();
    // Second order: -24 dB two octaves below the corner; flat at 1 kHz.
    assert!(db(&rumble) < -23.0, "20 Hz: {} dB", db(&rumble));
    assert!(db(&voice).abs() < 0.05, "1 kHz: {} dB", db(&voice));

    let mut offset = vec![0.25f32, 0.75, 0.25, 0.75];
    rustig::voice::process::remove_dc(&mut offset);
    assert_eq!(offset, [-0.25, 0.25, -0.25, 0.25]);
}

/// An ALSA configuration whose default device captures from `raw` (FLOAT_LE stereo
/// 48 kHz — what cpal picks on it, so `plug` has nothing to convert: with a
/// conversion, the file plugin loses part of the infile) and plays into nothing.
fn alsa_capture_conf(dir: &Path, raw: &Path) -> PathBuf {
    let conf = dir.join("asound.conf");
    std::fs::write(
        &conf,
        format!(
            "pcm.!default {{\n  type plug\n  slave {{ pcm \"cap\"; format FLOAT_LE; rate 48000; channels 2 }}\n}}\n\
             pcm.cap {{\n  type file\n  slave.pcm \"null\"\n  file \"/dev/null\"\n  infile \"{}\"\n  format \"raw\"\n}}\n\
             pcm.null {{\n  type null\n}}\n",
            raw.display()
        ),
    )
    .unwrap();
    conf
}

#[test]
fn voice_record_through_alsas_file_plugin_keeps_takes_within_the_bars() {
    let tmp = tempfile::tempdir().unwrap();
    // What the "microphone" hears: speech, then 3 s of silence (the take ends 1 s
    // after the speech does).
    let mut noise = Noise(11);
    let mut mic = vec![0.0; 4800];
    mic.extend(speech(48000, &mut noise).iter().map(|x| x * 0.5));
    mic.extend(vec![0.0; 3 * 48000]);
    let raw = tmp.path().join("mic.raw");
    let bytes: Vec<u8> = mic
        .iter()
        .flat_map(|x| [x.to_le_bytes(), x.to_le_bytes()].concat())
        .collect();
    std::fs::write(&raw, bytes).unwrap();
    let conf = alsa_capture_conf(tmp.path(), &raw);
    let pack = tmp.path().join("anna");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rustig"))
        .args([
            "voice",
            "record",
            pack.to_str().unwrap(),
            "--only",
            "adem.in,einde",
        ])
        .env("ALSA_CONFIG_PATH", &conf)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        // Keep the first take, skip the second.
        child.stdin.take().unwrap().write_all(b"k\ns\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "[1/2] adem.in");
    assert_eq!(lines[1], "  say: \"Adem rustig in.\"");
    assert!(
        lines[2].starts_with("  ")
            && lines[2].ends_with(" dBTP: k = keep, r = redo, s = skip, q = stop"),
        "{stdout}"
    );
    assert!(lines[2].contains(" s, -16."), "{stdout}");
    assert_eq!(lines[3], "[2/2] einde");
    assert_eq!(
        lines.last().copied(),
        Some(format!("kept 1 clip; updated {}", pack.join("voice.toml").display()).as_str())
    );
    let manifest = std::fs::read_to_string(pack.join("voice.toml")).unwrap();
    assert_eq!(
        manifest,
        "[pack]\nname = \"anna\"\nlanguage = \"nl\"\nfallback = \"nl\"\n\n[clips]\n\
         \"adem.in\" = { file = \"adem-in.wav\", text = \"Adem rustig in.\" }\n"
    );
    let file = pack.join("adem-in.wav");
    let (samples, rate) = decode_file(&file).unwrap();
    let threshold = 10f32.powf(-50.0 / 20.0);
    let first = samples.iter().position(|x| x.abs() > threshold).unwrap();
    let last = samples.iter().rposition(|x| x.abs() > threshold).unwrap();
    assert!(first as f64 / f64::from(rate) <= 0.030);
    assert!((samples.len() - 1 - last) as f64 / f64::from(rate) <= 0.030);
    let mut meter = EbuR128::new(1, rate, Mode::I | Mode::TRUE_PEAK).unwrap();
    meter.add_frames_f32(&samples).unwrap();
    assert!((meter.loudness_global().unwrap() + 16.0).abs() <= 0.2);
    assert!(20.0 * meter.true_peak(0).unwrap().log10() <= -1.0);
    assert!(!pack.join("einde.wav").exists());
    // The take holds all the speech (1.32 s) plus at most the 2 × 20 ms edges.
    let seconds = samples.len() as f64 / f64::from(rate);
    assert!((1.32..=1.37).contains(&seconds), "{seconds} s\n{stdout}");
}

#[test]
fn a_take_ends_one_second_after_the_speech_and_the_meter_shows_the_level() {
    use rustig::voice::record::{TakeDetector, TakeState, meter};
    let mut d = TakeDetector::new(1000);
    assert_eq!(d.push(&[0.0; 100]), TakeState::Waiting);
    assert_eq!(d.push(&[0.5; 100]), TakeState::Speaking);
    assert!((d.level() - 20.0 * 0.5f64.log10()).abs() < 1e-9);
    assert_eq!(d.push(&[0.0; 990]), TakeState::Speaking);
    assert_eq!(d.push(&[0.0; 10]), TakeState::Done);
    assert_eq!(d.push(&[0.5; 100]), TakeState::Done);
    assert_eq!(meter(-23.0), "[############        ]  -23 dB");
    assert_eq!(meter(0.0), "[####################]    0 dB");
    assert_eq!(meter(f64::NEG_INFINITY), "[                    ] -inf dB");
}

#[test]
fn a_wrong_clips_toml_gets_every_problem_located_with_codes_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("opnames");
    std::fs::create_dir(&src).unwrap();
    std::fs::copy(data("voice/test/blok-run.wav"), src.join("a.wav")).unwrap();
    std::fs::write(
        src.join("clips.toml"),
        "\"a.wav\" = { id = \"blok.run\", tekst = \"x\" }\n\"b.wav\" = 5\n",
    )
    .unwrap();
    let out_dir = tmp.path().join("pack");
    let out = import(&src, &out_dir, &[]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    let at = src.join("clips.toml").display().to_string();
    assert!(
        stderr.ends_with(&format!(
            "{at}:1:30: error[R0003]: unknown key `tekst` in the entry of `a.wav`\n  |\n1 | \"a.wav\" = {{ id = \"blok.run\", tekst = \"x\" }}\n  |                              ^^^^^\n  = help: an entry has only `id` and `text`\n\
{at}:2:11: error[R0004]: `b.wav` must be \"id\" or {{ id = \"…\", text = \"…\" }}, found a number\n  |\n2 | \"b.wav\" = 5\n  |           ^\n  = help: write \"b.wav\" = \"tempo.praten\"\n\
nothing was written\n"
        )),
        "{stderr}"
    );
    assert!(!out_dir.exists());
}
