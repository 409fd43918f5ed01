//! The mixer's output at exact frames: each event starts at `round(time · rate)`, at
//! any rate, from any position, in any block size.

use rustig::mix::{LIMIT, Layer, Mixer, Sounds};
use rustig::timeline::Timeline;

use crate::util::{test_pack, timeline};

const QUIET: &str = "title = \"t\"\nvoice = \"test\"\nauto_cues = false\n";

fn sounds(t: &Timeline, rate: u32) -> Sounds {
    Sounds::prepare(t, &test_pack(), rate).unwrap()
}

/// Renders one layer alone, mono, in blocks of `block` frames.
fn layer(t: &Timeline, rate: u32, which: Layer, block: usize) -> Vec<f32> {
    let s = sounds(t, rate);
    let mut m = Mixer::new(t.clone(), &s, 1, block);
    let mut out = Vec::new();
    let mut buf = vec![0.0; block];
    while !m.finished() {
        let n = ((m.length() - m.position()) as usize).min(block);
        m.process(&mut buf[..n]);
        out.extend_from_slice(m.last_layer(which, n));
    }
    out
}

fn mixed(t: &Timeline, rate: u32, channels: usize, block: usize, from: u64) -> Vec<f32> {
    let s = sounds(t, rate);
    let mut m = Mixer::new(t.clone(), &s, channels, block);
    m.seek(from);
    let mut out = vec![0.0; (m.length() - from) as usize * channels];
    m.process(&mut out);
    out
}

#[test]
fn clicks_start_on_exact_frames_at_a_tiny_rate() {
    // Cadence 120 → a click every 0.5 s → every 5 frames at 10 Hz; a click is 1 frame.
    let t = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"walk\"\nduration = \"1s\"\n[[block]]\nkind = \"run\"\nduration = \"3s\"\ncadence = 120\n"
    ));
    let out = layer(&t, 10, Layer::Metronome, 7);
    assert_eq!(out.len(), 40);
    let onsets: Vec<usize> = (0..out.len()).filter(|&i| out[i] != 0.0).collect();
    assert_eq!(onsets, vec![10, 15, 20, 25, 30, 35]);
}

#[test]
fn clicks_round_to_the_nearest_frame_of_their_absolute_time() {
    // Cadence 170 at 100 Hz: click k at round((1 + k·60/170)·100).
    let t = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"walk\"\nduration = \"1s\"\n[[block]]\nkind = \"run\"\nduration = \"5s\"\ncadence = 170\n"
    ));
    let out = layer(&t, 100, Layer::Metronome, 64);
    let expected: Vec<usize> = (0..15)
        .map(|k| ((1.0 + k as f64 * 60.0 / 170.0) * 100.0).round() as usize)
        .collect();
    // A click lasts 4 frames at 100 Hz (40 ms), each of them sounding, and the next
    // comes 35 frames later: every click is one run of sound.
    let click = sounds(&t, 100).click;
    assert_eq!(click.len(), 4);
    assert!(click.iter().all(|x| *x != 0.0));
    let onsets: Vec<usize> = (0..out.len())
        .filter(|&i| out[i] != 0.0 && (i == 0 || out[i - 1] == 0.0))
        .collect();
    assert_eq!(onsets, expected);
    // Frame by frame: the ordinary click at volume 0.6 (starting at 0.42) from each
    // onset, and silence everywhere else.
    let mut want = vec![0.0f32; out.len()];
    for &f in &expected {
        for (j, c) in click.iter().enumerate() {
            want[f + j] = 0.6 * c;
        }
    }
    assert!((want[expected[0]] - 0.6 * 0.7).abs() < 1e-6);
    for (i, (got, want)) in out.iter().zip(&want).enumerate() {
        assert!(
            (got - want).abs() < 1e-6,
            "frame {i}: {got}, expected {want}"
        );
    }
}

#[test]
fn a_clip_starts_on_its_exact_frame_and_plays_whole() {
    let t = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"walk\"\nduration = \"5s\"\ncues = [{{ at = \"1.2345s\", clip = \"kort\" }}]\n"
    ));
    let out = layer(&t, 8000, Layer::Voice, 1000);
    let start = (1.2345f64 * 8000.0).round() as usize; // 9876
    assert_eq!(start, 9876);
    assert_eq!(out[start - 1], 0.0);
    assert_eq!(out[start], 0.25);
    assert_eq!(out[start + 3999], 0.25, "0.5 s of clip");
    assert_eq!(out[start + 4000], 0.0);
    assert_eq!(out.iter().filter(|x| **x != 0.0).count(), 4000);
}

#[test]
fn the_metronome_ducks_under_the_voice_with_ramps() {
    let t = timeline(&format!(
        "{QUIET}[metronome]\nduck_db = -12\nvolume = 1.0\n[[block]]\nkind = \"run\"\nduration = \"6s\"\ncadence = 120\ncues = [{{ at = \"2s\", clip = \"welkom\" }}]\n"
    ));
    let out = layer(&t, 8000, Layer::Metronome, 512);
    let duck = 10f32.powf(-12.0 / 20.0);
    // Clicks every 0.5 s = 4000 frames; the clip sounds from frame 16000 to 32000.
    assert!(
        (out[12000] - 0.7).abs() < 1e-6,
        "before the clip: full level"
    );
    assert!(
        (out[20000] - 0.7 * duck).abs() < 1e-6,
        "during the clip: ducked by 12 dB"
    );
    assert!(
        (out[16000] - 0.7 * duck).abs() < 1e-6,
        "the click at the clip's start is already ducked"
    );
    assert!(
        (out[36000] - 0.7).abs() < 1e-6,
        "after the clip and its 30 ms ramp: full level"
    );
}

#[test]
fn output_does_not_depend_on_block_size_or_start_position() {
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\n[[block]]\nkind = \"run\"\nduration = \"20s\"\n[[block]]\nkind = \"breathe\"\nduration = \"30s\"\n",
    );
    let whole = mixed(&t, 8000, 1, 100_000, 0);
    assert_eq!(whole, mixed(&t, 8000, 1, 333, 0));
    let from = 123_457u64;
    assert_eq!(
        &whole[from as usize..],
        &mixed(&t, 8000, 1, 4096, from)[..],
        "seek lands mid-clip and mid-tone exactly"
    );
}

#[test]
fn stereo_carries_the_same_signal_on_both_channels() {
    let t =
        timeline("title = \"t\"\nvoice = \"test\"\n[[block]]\nkind = \"run\"\nduration = \"5s\"\n");
    let mono = mixed(&t, 8000, 1, 1024, 0);
    let stereo = mixed(&t, 8000, 2, 1024, 0);
    assert_eq!(stereo.len(), mono.len() * 2);
    for (m, s) in mono.iter().zip(stereo.chunks(2)) {
        assert_eq!([*m, *m], [s[0], s[1]]);
    }
}

#[test]
fn the_loudest_moment_stays_under_full_scale() {
    // Full-volume accented clicks, no ducking, under a voice and breathing tones.
    let t = timeline(
        "title = \"t\"\nvoice = \"test\"\n[metronome]\nvolume = 1.0\nduck_db = 0\naccent_every = 1\n\
         [[block]]\nkind = \"breathe\"\nduration = \"30s\"\nmetronome = true\ncues = [{ every = \"2s\", clip = \"kort\" }]\n",
    );
    let out = mixed(&t, 44100, 1, 4096, 0);
    let peak = out.iter().fold(0.0f32, |p, x| p.max(x.abs()));
    assert!(peak <= LIMIT, "peak {peak}");
    assert!(peak > 0.9, "the limiter only tames peaks: {peak}");
}

#[test]
fn four_hours_without_drift_the_last_click_lands_on_its_frame() {
    let t = timeline(&format!(
        "{QUIET}cadence = 173\n[[block]]\nkind = \"walk\"\nduration = \"1h\"\n[[block]]\nkind = \"run\"\nduration = \"3h\"\n"
    ));
    let rate = 44100u32;
    let k = 3 * 60 * 173 - 1;
    let time = 3600.0 + (k as f64 * 60.0) / 173.0;
    let frame = (time * f64::from(rate)).round() as u64;
    let s = sounds(&t, rate);
    let mut m = Mixer::new(t.clone(), &s, 1, 4096);
    m.seek(frame - 10);
    let mut out = vec![0.0; 20];
    m.process(&mut out);
    let first = out.iter().position(|x| *x != 0.0).unwrap() as u64 + frame - 10;
    assert_eq!(first, frame);
    assert_eq!(m.length(), 4 * 3600 * u64::from(rate));
}

#[test]
fn breathing_tones_rise_on_the_inhale_and_fall_on_the_exhale() {
    let t = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"breathe\"\nduration = \"10s\"\n"
    ));
    let out = layer(&t, 8000, Layer::Tones, 2048);
    // Count zero crossings in the middle second of the inhale (0–4 s) and of the
    // exhale (4–10 s): the pitch glides 196→294 Hz and back.
    let crossings = |a: usize, b: usize| {
        out[a..b]
            .windows(2)
            .filter(|w| w[0] <= 0.0 && w[1] > 0.0)
            .count()
    };
    let early_in = crossings(4000, 8000);
    let late_in = crossings(24000, 28000);
    let early_out = crossings(36000, 40000);
    let late_out = crossings(68000, 72000);
    assert!(late_in > early_in, "inhale rises: {early_in} → {late_in}");
    assert!(
        late_out < early_out,
        "exhale falls: {early_out} → {late_out}"
    );
    assert_eq!(
        out[80000 - 1..].iter().filter(|x| x.abs() > 1e-3).count(),
        0,
        "silent after the breath"
    );
}

/// Breathing tones duck under the voice as the metronome does: during a clip the
/// tone layer is the same tone lowered by `duck_db`.
#[test]
fn breathing_tones_duck_under_the_voice() {
    let session = |cues: &str| {
        timeline(&format!(
            "{QUIET}[metronome]\nduck_db = -12\n[[block]]\nkind = \"breathe\"\nduration = \"20s\"\n{cues}"
        ))
    };
    let plain = layer(&session(""), 8000, Layer::Tones, 512);
    let spoken = layer(
        &session("cues = [{ at = \"6s\", clip = \"welkom\" }]\n"),
        8000,
        Layer::Tones,
        512,
    );
    let duck = 10f32.powf(-12.0 / 20.0);
    // The clip sounds from frame 48000 for 2 s; well before it the tones are equal.
    for f in [8000usize, 30000] {
        assert_eq!(spoken[f], plain[f], "frame {f}, before the clip");
    }
    for f in [50000usize, 55555, 60000] {
        assert!(plain[f] != 0.0, "a tone sounds at {f}");
        assert!(
            (spoken[f] - plain[f] * duck).abs() < 1e-6,
            "frame {f}: {} is not {} ducked",
            spoken[f],
            plain[f]
        );
    }
}

/// No session of the default program needs the limiter: the voice, the ducked
/// clicks and the ducked tones together stay under full scale everywhere.
#[test]
fn no_session_of_the_program_needs_the_limiter() {
    use rustig::load::{PackCache, default_program};
    let lookup = rustig::voice::VoiceLookup::builtin_only();
    let packs = PackCache::new(&lookup);
    let (_, program) = default_program();
    let program = program.expect("the default program loads");
    let mut clips = None;
    for file in &program.sessions {
        let (diags, loaded) = packs.load(file);
        let loaded = loaded.unwrap_or_else(|| panic!("{diags:?}"));
        let t = &loaded.compiled.timeline;
        let bank = clips.get_or_insert_with(|| {
            let all: Vec<usize> = (0..loaded.pack.clips.len()).collect();
            loaded.pack.load_clips(all, 22050).unwrap()
        });
        let sounds = Sounds::with_clips(t, bank.clone(), 22050).unwrap();
        let mut m = Mixer::new(t.clone(), &sounds, 1, 8192);
        let mut buf = vec![0.0; 8192];
        let mut peak = 0.0f32;
        while !m.finished() {
            let n = ((m.length() - m.position()) as usize).min(buf.len());
            m.process(&mut buf[..n]);
            peak = buf[..n].iter().fold(peak, |p, x| p.max(x.abs()));
        }
        assert_eq!(
            m.limited_samples(),
            0,
            "{}: the limiter acted (peak {peak})",
            file.display.display()
        );
    }
}

/// Clips loaded while rendering (a `ClipWindow`) give the same frames as clips
/// decoded up front, also when a clip is dropped and loaded again between uses.
#[test]
fn clips_loaded_while_rendering_sound_the_same() {
    use rustig::mix::ClipWindow;
    let t = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"run\"\nduration = \"5m\"\ncues = [{{ every = \"70s\", clip = \"kort\" }}, {{ at = \"100s\", clip = \"welkom\" }}]\n"
    ));
    let rate = 8000;
    let whole = mixed(&t, rate, 1, 1000, 0);
    let pack = test_pack();
    let sounds = Sounds::measure(&t, &pack, rate).unwrap();
    let mut m = Mixer::new(t.clone(), &sounds, 1, 1000);
    let mut window = ClipWindow::new(&pack);
    let mut out = Vec::new();
    let mut most = 0;
    let mut buf = vec![0.0; 1000];
    while !m.finished() {
        let n = ((m.length() - m.position()) as usize).min(1000);
        let upto = m.position() + n as u64;
        window.advance(&mut m, upto).unwrap();
        most = most.max(window.loaded());
        m.process(&mut buf[..n]);
        out.extend_from_slice(&buf[..n]);
    }
    assert_eq!(out, whole);
    assert_eq!(most, 1, "never more than the clip that is speaking");
}

/// A window made by `ClipWindow::measure` plays each clip as `measure` decoded it,
/// without decoding it again: the render sounds the same after the pack's clip files
/// are gone.
#[test]
fn clips_measured_once_are_read_back_not_decoded_again() {
    use rustig::mix::ClipWindow;
    use rustig::voice::VoicePack;
    let t = timeline(&format!(
        "{QUIET}[[block]]\nkind = \"run\"\nduration = \"5m\"\ncues = [{{ every = \"70s\", clip = \"kort\" }}, {{ at = \"100s\", clip = \"welkom\" }}]\n"
    ));
    let rate = 8000;
    let whole = mixed(&t, rate, 1, 1000, 0);
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(crate::util::data("voice/test")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let pack = VoicePack::load_dir("test", dir.path()).unwrap().0;
    let (sounds, mut window) = ClipWindow::measure(&t, &pack, rate).unwrap();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e != "toml") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let mut m = Mixer::new(t.clone(), &sounds, 1, 1000);
    let mut out = Vec::new();
    let mut buf = vec![0.0; 1000];
    while !m.finished() {
        let n = ((m.length() - m.position()) as usize).min(1000);
        let upto = m.position() + n as u64;
        window.advance(&mut m, upto).unwrap();
        m.process(&mut buf[..n]);
        out.extend_from_slice(&buf[..n]);
    }
    assert_eq!(out, whole);
}
