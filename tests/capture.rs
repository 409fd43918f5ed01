//! `voice record`'s devices: the capture callback (mono mix-down into a lock-free
//! ring, no allocation, overflow counted) and a take played back through rodio on an
//! output that does not take f32, through ALSA's file plugin.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rustig::voice::capture::capture_ring;

use crate::util::text;

#[test]
fn the_capture_callback_mixes_down_to_mono_into_the_ring_without_allocation() {
    let (mut capturer, mut reader) = capture_ring(2, 8);
    // i16 stereo frames: (0.5, 0), (-1, -1), (32767, -32767)/32768.
    let frames: [i16; 6] = [16384, 0, -32768, -32768, 32767, -32767];
    assert_no_alloc::assert_no_alloc(|| capturer.write(&frames));
    let mut got = Vec::new();
    assert_eq!(reader.read_into(&mut got), 3);
    assert_eq!(got, [0.25, -1.0, 0.0]);

    // u16 (32768 is silence) and f32 devices, through the same ring.
    assert_no_alloc::assert_no_alloc(|| capturer.write(&[32768u16, 0, 65535, 65535]));
    assert_no_alloc::assert_no_alloc(|| capturer.write(&[0.75f32, 0.25]));
    assert_eq!(reader.read_into(&mut got), 3);
    assert_eq!(got[3..], [-0.5, 32767.0 / 32768.0, 0.5]);

    // A reader that falls behind loses the newest samples, counted, and the ring goes
    // on in order after it has been read (across its wrap-around).
    let ramp: Vec<f32> = (0..12).flat_map(|i| [i as f32 / 32.0; 2]).collect();
    assert_no_alloc::assert_no_alloc(|| capturer.write(&ramp));
    assert_eq!(reader.dropped(), 4);
    got.clear();
    assert_eq!(reader.read_into(&mut got), 8);
    assert_eq!(got, (0..8).map(|i| i as f32 / 32.0).collect::<Vec<_>>());
    assert_no_alloc::assert_no_alloc(|| capturer.write(&ramp[..6]));
    assert_eq!(reader.read_into(&mut got), 3);
    assert_eq!(got[8..], [0.0, 1.0 / 32.0, 2.0 / 32.0]);
    assert_eq!(reader.dropped(), 4);
    assert_eq!(
        reader
            .stats
            .callbacks
            .load(std::sync::atomic::Ordering::Relaxed),
        5
    );
    // Nothing waiting: nothing read.
    assert_eq!(reader.read_into(&mut got), 0);
}

/// 1.28 s of voiced "syllables" at 48 kHz: four bursts of a buzz (140–170 Hz with
/// eight harmonics) under sine envelopes, 100 ms apart, peak about 0.35.
fn syllables() -> Vec<f32> {
    let rate = 48000.0f32;
    let mut out = Vec::new();
    for (k, f0) in [150.0f32, 170.0, 140.0, 160.0].into_iter().enumerate() {
        if k > 0 {
            out.extend(std::iter::repeat_n(0.0, 4800));
        }
        let len = 10080;
        out.extend((0..len).map(|i| {
            let t = i as f32 / rate;
            let env = (std::f32::consts::PI * i as f32 / len as f32).sin();
            let buzz: f32 = (1..=8)
                .map(|h| (2.0 * std::f32::consts::PI * f0 * h as f32 * t).sin() / h as f32)
                .sum();
            0.15 * env * buzz
        }));
    }
    out
}

/// An ALSA configuration whose default device records from `mic` (FLOAT_LE stereo
/// 48 kHz, as the capture test in import.rs) and plays through the `linear` plugin
/// into `played` as S16_LE: the device takes integers only (cpal opens it as i32),
/// and rodio has to convert. Without `played`, there is no output device.
fn alsa_conf(dir: &Path, mic: &Path, played: Option<&Path>) -> PathBuf {
    let conf = dir.join("asound.conf");
    let speaker = match played {
        Some(file) => format!(
            "pcm.speaker {{\n  type linear\n  slave {{ pcm \"speakerfile\"; format S16_LE }}\n}}\n\
             pcm.speakerfile {{\n  type file\n  slave.pcm \"null\"\n  file \"{}\"\n  format \"raw\"\n}}\n",
            file.display()
        ),
        None => String::new(),
    };
    std::fs::write(
        &conf,
        format!(
            "pcm.!default {{\n  type asym\n  capture.pcm \"mic\"\n  playback.pcm \"speaker\"\n}}\n\
             pcm.mic {{\n  type plug\n  slave {{ pcm \"micfile\"; format FLOAT_LE; rate 48000; channels 2 }}\n}}\n\
             pcm.micfile {{\n  type file\n  slave.pcm \"null\"\n  file \"/dev/null\"\n  infile \"{}\"\n  format \"raw\"\n}}\n\
             {speaker}pcm.null {{\n  type null\n}}\n",
            mic.display(),
        ),
    )
    .unwrap();
    conf
}

/// What the "microphone" hears: 0.1 s of silence, the syllables, 3 s of silence (the
/// take ends 1 s after the speech); written as FLOAT_LE stereo to `dir/mic.raw`.
fn microphone(dir: &Path) -> (Vec<f32>, PathBuf) {
    let mut mic = vec![0.0f32; 4800];
    mic.extend(syllables());
    mic.extend(vec![0.0; 3 * 48000]);
    let file = dir.join("mic.raw");
    let bytes: Vec<u8> = mic
        .iter()
        .flat_map(|x| [x.to_le_bytes(), x.to_le_bytes()].concat())
        .collect();
    std::fs::write(&file, bytes).unwrap();
    (mic, file)
}

/// `rustig voice record PACK --only einde` on the ALSA configuration `conf`, answering
/// `q` after the take; its stdout and stderr after checking that it ended well and
/// kept nothing.
fn record_and_stop(conf: &Path, pack: &Path) -> (String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rustig"))
        .args(["voice", "record", pack.to_str().unwrap(), "--only", "einde"])
        .env("ALSA_CONFIG_PATH", conf)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"q\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.ends_with(" dBTP: k = keep, r = redo, s = skip, q = stop\nnothing kept; the pack was not changed\n"),
        "{stdout}"
    );
    assert!(!pack.exists());
    (stdout, stderr)
}

#[test]
fn a_take_is_played_back_whole_through_rodio_on_a_device_without_f32() {
    let tmp = tempfile::tempdir().unwrap();
    let (mic, mic_file) = microphone(tmp.path());
    let played_file = tmp.path().join("played.raw");
    let conf = alsa_conf(tmp.path(), &mic_file, Some(&played_file));
    let (_, stderr) = record_and_stop(&conf, &tmp.path().join("anna"));
    // Only the level meter on stderr: no "cannot play the take back", and none of
    // rodio's own messages.
    assert!(stderr.lines().all(|l| l.starts_with("\r  [")), "{stderr:?}");

    // What the "speaker" got: S16_LE stereo at 48 kHz (the take's own rate), both
    // channels the same, the take's sound sample for sample (within the 16-bit step)
    // from its first sound to its last. (The null device does not pace in real time,
    // so this cannot show that playback waits for the end; rodio's
    // `sleep_until_end` does that on a real card.)
    let played = std::fs::read(&played_file).unwrap();
    assert_eq!(played.len() % 4, 0);
    let frames: Vec<[i16; 2]> = played
        .chunks_exact(4)
        .map(|f| {
            [
                i16::from_le_bytes([f[0], f[1]]),
                i16::from_le_bytes([f[2], f[3]]),
            ]
        })
        .collect();
    assert!(frames.iter().all(|[l, r]| l == r), "the channels differ");
    let left: Vec<f32> = frames.iter().map(|f| f32::from(f[0]) / 32768.0).collect();
    let step = 1.0 / 32768.0;
    // Aligned on the first sample above 0.01 (give or take the sample that 16-bit
    // rounding may move it by); then every sample from the take's first sound to its
    // last must be there, within the 16-bit step.
    let onset = |x: &[f32]| x.iter().position(|s| s.abs() > 0.01).unwrap() as isize;
    let mic_first = mic.iter().position(|s| *s != 0.0).unwrap();
    let mic_last = mic.iter().rposition(|s| *s != 0.0).unwrap();
    let worst = |offset: isize| {
        (mic_first..=mic_last)
            .map(|i| {
                let at = usize::try_from(i as isize + offset).unwrap();
                (left.get(at).copied().unwrap_or(f32::INFINITY) - mic[i]).abs()
            })
            .fold(0.0f32, f32::max)
    };
    let near = onset(&left) - onset(&mic);
    let worst = (near - 2..=near + 2)
        .map(worst)
        .fold(f32::INFINITY, f32::min);
    assert!(worst <= 1.5 * step, "differs by {} steps", worst / step);
}

#[test]
fn without_an_output_device_the_take_is_not_played_but_recording_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, mic_file) = microphone(tmp.path());
    let conf = alsa_conf(tmp.path(), &mic_file, None);
    let (stdout, stderr) = record_and_stop(&conf, &tmp.path().join("anna"));
    assert!(stdout.starts_with("[1/1] einde\n"), "{stdout}");
    let warning = stderr.lines().last().unwrap_or_default();
    assert!(
        warning.starts_with("warning: cannot play the take back: cannot open the output device: "),
        "{stderr:?}"
    );
}
