//! Decoding clips in every supported format (issue 12): WAV of every sample coding,
//! and FLAC, MP3, Ogg Vorbis and AAC/M4A made here with the real encoders (flac,
//! lame, oggenc, ffmpeg); Opus, damaged, truncated and absurd files give an error
//! naming the file, and `voice check` reports them located in `voice.toml`.
//!
//! The encoders are outside tools: see tests/tools.rs for what happens when one is
//! missing (with `CI` set, the test fails).

use rustig::errors::Chain;
use std::path::{Path, PathBuf};

use rustig::voice::{DecodeError, MAX_SECONDS, decode, decode_file};

use crate::tools::{require_tools, run_tool};
use crate::util::{arg, pack_copy, text, voice_check};

const RATE: u32 = 44100;

/// One second of two tones (440 and 660 Hz) at 0.4, in 16-bit steps.
fn signal() -> Vec<i16> {
    (0..RATE)
        .map(|i| {
            let t = f64::from(i) / f64::from(RATE);
            let x = 0.25 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()
                + 0.15 * (2.0 * std::f64::consts::PI * 660.0 * t).sin();
            (x * 32767.0).round() as i16
        })
        .collect()
}

fn write_wav(path: &Path, spec: hound::WavSpec, frames: &[i16]) {
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for &s in frames {
        for _ in 0..spec.channels {
            match (spec.sample_format, spec.bits_per_sample) {
                (hound::SampleFormat::Float, _) => w.write_sample(f32::from(s) / 32768.0).unwrap(),
                (_, 8) => w.write_sample((s >> 8) as i8).unwrap(),
                (_, 16) => w.write_sample(s).unwrap(),
                (_, 24) => w.write_sample(i32::from(s) << 8).unwrap(),
                (_, _) => w.write_sample(i32::from(s) << 16).unwrap(),
            }
        }
    }
    w.finalize().unwrap();
}

fn spec(bits: u16, format: hound::SampleFormat, channels: u16) -> hound::WavSpec {
    hound::WavSpec {
        channels,
        sample_rate: RATE,
        bits_per_sample: bits,
        sample_format: format,
    }
}

#[test]
fn wav_of_every_sample_coding_decodes_to_the_exact_samples() {
    let tmp = tempfile::tempdir().unwrap();
    let frames = signal();
    let int = hound::SampleFormat::Int;
    for (bits, format, channels) in [
        (8, int, 1),
        (16, int, 1),
        (16, int, 2),
        (24, int, 1),
        (32, int, 1),
        (32, hound::SampleFormat::Float, 2),
    ] {
        let path = tmp.path().join(format!("x{bits}-{channels}.wav"));
        write_wav(&path, spec(bits, format, channels), &frames);
        let (samples, rate) = decode_file(&path).unwrap();
        assert_eq!(rate, RATE);
        assert_eq!(samples.len(), frames.len(), "{bits} bits");
        for (i, (&got, &s)) in samples.iter().zip(&frames).enumerate() {
            let want = if bits == 8 {
                f32::from((s >> 8) as i8) / 128.0
            } else {
                f32::from(s) / 32768.0
            };
            assert_eq!(got, want, "{bits} bits, {channels} channels, sample {i}");
        }
    }
}

/// The encoders of [`encoded`] but Opus's: the formats rustig decodes.
const ENCODERS: [&str; 4] = ["flac", "lame", "oggenc", "ffmpeg"];

/// The 16-bit WAV of [`signal`] encoded to `ext` with its real encoder, in `dir`
/// (after [`require_tools`] found the encoder).
fn encoded(dir: &Path, ext: &str) -> PathBuf {
    let wav = dir.join("source.wav");
    if !wav.exists() {
        write_wav(&wav, spec(16, hound::SampleFormat::Int, 1), &signal());
    }
    let out = dir.join(format!("clip.{ext}"));
    let (w, o) = (arg(&wav), arg(&out));
    match ext {
        "flac" => run_tool("flac", &["--silent", "-f", "-o", o, w]),
        "mp3" => run_tool("lame", &["--quiet", "-b", "128", w, o]),
        "ogg" => run_tool("oggenc", &["--quiet", "-o", o, w]),
        "opus" => run_tool("opusenc", &["--quiet", w, o]),
        "m4a" => run_tool(
            "ffmpeg",
            &[
                "-loglevel",
                "error",
                "-y",
                "-i",
                w,
                "-c:a",
                "aac",
                "-b:a",
                "128k",
                o,
            ],
        ),
        _ => unreachable!(),
    }
    out
}

/// The best normalized correlation of `got` with `want` over lags up to 3000 frames
/// (encoders add a delay the container may not declare).
fn best_correlation(got: &[f32], want: &[f32]) -> f64 {
    (0..3000)
        .map(|lag| {
            let (mut xy, mut xx, mut yy) = (0.0, 0.0, 0.0);
            for (i, &w) in want.iter().enumerate().take(30000).skip(5000) {
                let g = f64::from(got.get(i + lag).copied().unwrap_or(0.0));
                let w = f64::from(w);
                xy += g * w;
                xx += g * g;
                yy += w * w;
            }
            xy / (xx * yy).sqrt().max(1e-12)
        })
        .fold(0.0, f64::max)
}

#[test]
fn flac_mp3_ogg_vorbis_and_m4a_from_the_real_encoders_decode_to_the_signal() {
    let tmp = tempfile::tempdir().unwrap();
    let want: Vec<f32> = signal().iter().map(|&s| f32::from(s) / 32768.0).collect();
    if !require_tools(&ENCODERS) {
        return;
    }
    for ext in ["flac", "mp3", "ogg", "m4a"] {
        let path = encoded(tmp.path(), ext);
        let (got, rate) = decode_file(&path).unwrap_or_else(|e| panic!("{ext}: {e}"));
        assert_eq!(rate, RATE, "{ext}");
        if ext == "flac" {
            assert_eq!(got, want, "FLAC is lossless");
            continue;
        }
        let seconds = got.len() as f64 / f64::from(rate);
        assert!((1.0..1.1).contains(&seconds), "{ext}: {seconds} s");
        let r = best_correlation(&got, &want);
        assert!(r > 0.99, "{ext}: correlation {r}");
    }
}

#[test]
fn opus_is_refused_with_a_conversion_hint() {
    if !require_tools(&["opusenc"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = encoded(tmp.path(), "opus");
    let err = decode_file(&path).unwrap_err();
    assert!(matches!(err, DecodeError::Opus { .. }), "{err:?}");
    assert_eq!(
        Chain(&err).to_string(),
        format!(
            "`{}` is Opus audio, which rustig cannot decode",
            path.display()
        )
    );
    assert!(
        err.help()
            .starts_with("convert it, e.g. ffmpeg -i clip.opus clip.flac")
    );
}

#[test]
fn empty_garbage_and_absurd_files_are_errors_not_panics() {
    let err = |bytes: &[u8]| Chain(&decode(bytes, "x.wav").unwrap_err()).to_string();
    assert_eq!(
        err(b""),
        "`x.wav` is not audio in a format rustig reads (WAV, FLAC, MP3, Ogg Vorbis, AAC/M4A)"
    );
    assert_eq!(
        err(b"RIFF\x04\0\0\0WAVE"),
        "`x.wav` cannot be decoded: Failed to read enough bytes."
    );
    assert_eq!(
        err(&[0x55; 5000]),
        "`x.wav` is not audio in a format rustig reads (WAV, FLAC, MP3, Ogg Vorbis, AAC/M4A)"
    );
    // A header claiming ten hours at 8 kHz: refused before anything is allocated.
    let mut header = Vec::new();
    let data_len: u32 = 8000 * 2 * 36000;
    header.extend_from_slice(b"RIFF");
    header.extend_from_slice(&(36 + data_len).to_le_bytes());
    header.extend_from_slice(b"WAVEfmt \x10\0\0\0\x01\0\x01\0");
    header.extend_from_slice(&8000u32.to_le_bytes());
    header.extend_from_slice(&16000u32.to_le_bytes());
    header.extend_from_slice(b"\x02\0\x10\0data");
    header.extend_from_slice(&data_len.to_le_bytes());
    header.extend_from_slice(&[0; 64]);
    assert_eq!(
        err(&header),
        format!("`x.wav` lasts more than {MAX_SECONDS} seconds")
    );
    assert_eq!(
        rustig::voice::duration(&header, "x.wav")
            .unwrap_err()
            .to_string(),
        "`x.wav` is cut short: it declares 288000000 samples but holds 32"
    );
    // A sample rate of 0.
    let mut zero_rate = header.clone();
    zero_rate[24..28].copy_from_slice(&0u32.to_le_bytes());
    assert_eq!(
        err(&zero_rate),
        "`x.wav` cannot be decoded: Ill-formed WAVE file: inconsistent fmt chunk"
    );
}

/// A complete copy of the test pack in `<tmp>/test` with one more clip, `extra`,
/// whose file is `file` (copied in).
fn pack_with(file: &Path) -> (tempfile::TempDir, PathBuf, String) {
    let (tmp, dir) = pack_copy();
    let name = file.file_name().unwrap().to_str().unwrap().to_owned();
    std::fs::copy(file, dir.join(&name)).unwrap();
    let manifest = dir.join("voice.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str(&format!(
        "\"extra\" = {{ file = \"{name}\", text = \"Extra.\" }}\n"
    ));
    std::fs::write(&manifest, text).unwrap();
    (tmp, dir, name)
}

/// The line and column of `"extra"`'s file value in the pack's voice.toml.
fn extra_location(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("voice.toml")).unwrap();
    let line = text.lines().count();
    let col = text.lines().last().unwrap().find("file = ").unwrap() + 8;
    format!(
        "{}:{line}:{col}: error[R0022]: clip file `",
        dir.join("voice.toml").display()
    )
}

#[test]
fn a_pack_with_clips_in_every_format_passes_voice_check() {
    if !require_tools(&ENCODERS) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for ext in ["flac", "mp3", "ogg", "m4a"] {
        let path = encoded(tmp.path(), ext);
        let (_keep, dir, _) = pack_with(&path);
        voice_check(&dir).exits(0);
    }
}

#[test]
fn truncated_and_damaged_files_of_each_format_fail_voice_check_located() {
    let tmp = tempfile::tempdir().unwrap();
    let wav = tmp.path().join("clip.wav");
    write_wav(&wav, spec(16, hound::SampleFormat::Int, 1), &signal());
    let mut files = vec![wav];
    // Without the encoders (and CI unset), the WAV alone.
    if require_tools(&ENCODERS) {
        for ext in ["flac", "mp3", "ogg", "m4a"] {
            files.push(encoded(tmp.path(), ext));
        }
    }
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let name = file.file_name().unwrap().to_str().unwrap().to_owned();
        let damaged = |what: &str, bytes: Vec<u8>| {
            let path = tmp.path().join(what).join(&name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, bytes).unwrap();
            path
        };
        let mut garbage = bytes.clone();
        for b in garbage
            .iter_mut()
            .take(bytes.len() * 3 / 4)
            .skip(bytes.len() / 4)
        {
            *b = b.wrapping_mul(31).wrapping_add(7);
        }
        let mut bad_header = bytes.clone();
        for b in bad_header.iter_mut().take(64) {
            *b ^= 0x5a;
        }
        for (what, broken) in [
            ("truncated", bytes[..bytes.len() / 2].to_vec()),
            ("header", bad_header),
            ("garbage", garbage),
        ] {
            let ext = name.rsplit('.').next().unwrap();
            let expected = match (what, ext) {
                // PCM has no structure to damage: any bytes are samples.
                ("garbage", "wav") => continue,
                // MP3 has no file header: the decoder syncs on the next good frame.
                ("header", "mp3") => continue,
                ("truncated", "wav" | "mp3") => "is cut short: it declares 44100 samples",
                ("truncated", "flac") => "is damaged at 0.",
                ("truncated", "ogg") => "cannot be decoded: unexpected end of file",
                ("garbage", "flac") => "is cut short",
                ("garbage", "ogg") => "cannot be decoded: malformed stream: ogg: crc mismatch",
                ("garbage", "mp3" | "m4a") => "is damaged at 0.",
                _ => "is not audio in a format rustig reads (WAV, FLAC, MP3, Ogg Vorbis, AAC/M4A)",
            };
            let path = damaged(what, broken);
            let (_keep, dir, _) = pack_with(&path);
            let out = voice_check(&dir).run();
            let (stdout, stderr) = text(&out);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{what} {name}: {stdout}{stderr}"
            );
            let at = extra_location(&dir);
            assert!(
                stderr.contains(&format!("{at}{name}` {expected}")),
                "{what} {name}: {stderr}"
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
}
