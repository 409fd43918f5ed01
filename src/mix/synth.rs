//! Synthesized sounds: the built-in clicks and the breathing tones.
//!
//! Written by hand because they are a few lines of arithmetic each; no crate does
//! "a click that is clearly distinct with an audible accent" better than a decaying
//! cosine.

use std::f64::consts::TAU;

use crate::session::ClickSound;

/// Length of every built-in click, in seconds.
pub const CLICK_SECONDS: f64 = 0.040;
/// Gain of an ordinary click relative to an accented one.
pub const NORMAL_CLICK_GAIN: f32 = 0.7;
/// Peak level of a breathing tone.
pub const TONE_LEVEL: f64 = 0.22;
/// The gain of the presence tok on the built-in `tok`: a third of a metronome click
/// at the default volume (0.7 × 0.6), about 10 dB softer, so it is a sign of life
/// rather than a beat.
pub const PRESENCE_GAIN: f32 = 0.14;

/// Frames of a built-in click at `rate` (at least one, so tiny test rates still click).
pub fn click_frames(rate: u32) -> usize {
    ((CLICK_SECONDS * f64::from(rate)).round() as usize).max(1)
}

/// The ordinary and accented click of a built-in sound at `rate`, both the same
/// length, peaking at full scale on their first sample.
pub fn builtin_click(sound: &ClickSound, rate: u32) -> (Vec<f32>, Vec<f32>) {
    let n = click_frames(rate);
    let r = f64::from(rate);
    let make = |partials: &[(f64, f64)], decay: f64, sustain: bool| -> Vec<f32> {
        (0..n)
            .map(|i| {
                let t = i as f64 / r;
                let env = if sustain {
                    // A short beep: flat, with a 5 ms fade out.
                    let left = CLICK_SECONDS - t;
                    (left / 0.005).clamp(0.0, 1.0)
                } else {
                    (-t / decay).exp()
                };
                let sum: f64 = partials.iter().map(|(f, a)| a * (TAU * f * t).cos()).sum();
                let norm: f64 = partials.iter().map(|(_, a)| a).sum();
                (sum / norm * env) as f32
            })
            .collect()
    };
    let (normal, accent) = match sound {
        ClickSound::Tik | ClickSound::File(_) => (
            make(&[(2500.0, 1.0)], 0.004, false),
            make(&[(3500.0, 1.0)], 0.005, false),
        ),
        ClickSound::Klak => (
            make(&[(850.0, 1.0), (1900.0, 0.5)], 0.007, false),
            make(&[(1150.0, 1.0), (2600.0, 0.5)], 0.008, false),
        ),
        // Below the speech formants F2/F3 (1–3 kHz) that `tik` sits in, with a
        // slower decay: a woodblock-like knock that masks the voice less.
        ClickSound::Tok => (
            make(&[(520.0, 1.0), (1300.0, 0.3)], 0.008, false),
            make(&[(700.0, 1.0), (1750.0, 0.3)], 0.008, false),
        ),
        ClickSound::Piep => (
            make(&[(1000.0, 1.0)], 0.0, true),
            make(&[(1500.0, 1.0)], 0.0, true),
        ),
    };
    (normal, accent)
}

/// Sample `i` of a breathing tone of `len` frames at `rate`: a soft sine gliding up
/// (inhale) or down (exhale) over the whole breath, with gentle fades. Computed from
/// the position alone, so playback can start anywhere inside a tone.
#[inline]
pub fn tone_sample(i: u64, len: u64, rate: u32, rising: bool) -> f32 {
    let r = f64::from(rate);
    let t = i as f64 / r;
    let dur = len as f64 / r;
    let (f0, f1) = if rising {
        (196.0, 294.0)
    } else {
        (294.0, 196.0)
    };
    let phase = TAU * (f0 * t + (f1 - f0) * t * t / (2.0 * dur));
    let fade_in = (dur / 3.0).min(0.25);
    let fade_out = (dur / 3.0).min(0.5);
    let env = if t < fade_in {
        0.5 - 0.5 * (std::f64::consts::PI * t / fade_in).cos()
    } else if dur - t < fade_out {
        0.5 - 0.5 * (std::f64::consts::PI * (dur - t) / fade_out).cos()
    } else {
        1.0
    };
    (TONE_LEVEL * env * phase.sin()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The share of a signal's energy between `lo` and `hi` Hz (a plain DFT).
    fn band_share(x: &[f32], rate: u32, lo: f64, hi: f64) -> f64 {
        let n = x.len();
        let (mut all, mut band) = (0.0, 0.0);
        for k in 0..n / 2 {
            let (mut re, mut im) = (0.0f64, 0.0f64);
            for (i, v) in x.iter().enumerate() {
                let w = TAU * (k * i) as f64 / n as f64;
                re += f64::from(*v) * w.cos();
                im -= f64::from(*v) * w.sin();
            }
            let e = re * re + im * im;
            all += e;
            let f = k as f64 * f64::from(rate) / n as f64;
            if (lo..hi).contains(&f) {
                band += e;
            }
        }
        band / all
    }

    #[test]
    fn tok_keeps_out_of_the_speech_band_where_tik_sits() {
        let (tok, tok_accent) = builtin_click(&ClickSound::Tok, 48000);
        let (tik, _) = builtin_click(&ClickSound::Tik, 48000);
        assert_eq!((tok.len(), tok_accent.len()), (1920, 1920));
        assert_eq!((tok[0], tok_accent[0]), (1.0, 1.0));
        assert_ne!(tok, tok_accent, "the accent sounds different");
        // Energy in 1–4 kHz (speech F2/F3): tik 98 %, tok 11 %, its accent 11 %.
        let share = |x: &[f32]| (band_share(x, 48000, 1000.0, 4000.0) * 100.0).round();
        assert_eq!(share(&tik), 98.0);
        assert_eq!(share(&tok), 11.0);
        assert_eq!(share(&tok_accent), 11.0);
    }
}
