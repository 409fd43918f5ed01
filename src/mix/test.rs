//! Unit tests of the mixer's building blocks, at rates small enough that expected
//! values are exact.

use super::*;

fn clip(start: u64, len: u64) -> Span {
    Span {
        start,
        end: start + len,
    }
}

/// Ducking ramps linearly over `ramp` frames before a clip and after it.
#[test]
fn ducking_ramps_in_before_and_out_after_each_clip() {
    let clips = [clip(10, 5)];
    let g = |f| duck_at(clips.iter().copied(), f, 4, 0.25);
    assert_eq!(g(5), 1.0, "far before");
    assert_eq!(g(6), 1.0, "4 frames before: the ramp starts");
    assert_eq!(g(8), 0.25 + 0.75 * 0.5, "halfway down");
    assert_eq!(g(10), 0.25, "the clip's first frame is fully ducked");
    assert_eq!(g(14), 0.25, "its last frame too");
    assert_eq!(g(15), 0.25 + 0.75 * 0.25, "one frame after");
    assert_eq!(g(19), 1.0, "back to full after the ramp");
}

/// Back-to-back clips keep the metronome ducked in between.
#[test]
fn ducking_takes_the_lowest_gain_of_neighbouring_clips() {
    let clips = [clip(0, 10), clip(12, 10)];
    assert_eq!(duck_at(clips.iter().copied(), 11, 4, 0.5), 0.5 + 0.5 * 0.25);
}

/// The limiter never lets a sample past LIMIT and recovers afterwards.
#[test]
fn limiter_caps_peaks_and_releases() {
    let mut l = Limiter::new(100);
    assert_eq!(l.apply(0.5), 0.5, "quiet samples pass untouched");
    assert!(l.apply(2.0) <= LIMIT);
    assert!(l.apply(-1.5).abs() <= LIMIT);
    for _ in 0..20 {
        l.apply(0.0);
    }
    assert_eq!(
        l.apply(0.5),
        0.5,
        "after 100 ms at 100 Hz the gain is back to 1"
    );
}

/// The built-in clicks start at full level on their first frame, even at 10 Hz.
#[test]
fn clicks_are_at_least_one_frame_and_start_loud() {
    for sound in [ClickSound::Tik, ClickSound::Klak, ClickSound::Piep] {
        let (normal, accent) = synth::builtin_click(&sound, 10);
        assert_eq!((normal.len(), accent.len()), (1, 1));
        assert_eq!((normal[0], accent[0]), (1.0, 1.0));
        let (n, a) = synth::builtin_click(&sound, 48000);
        assert_eq!(n.len(), 1920, "40 ms");
        assert_ne!(n, a, "the accent sounds different");
    }
}

/// Clicks and tones duck deeper than the session asks when a loud clip plus them
/// could reach the limit, and keep the session's ducking otherwise.
#[test]
fn ducking_leaves_headroom_under_loud_clips() {
    assert_eq!(headroom_duck(0.25, [0.6, 0.5, 0.22]), 0.25, "room enough");
    let g = headroom_duck(0.25, [0.6, 0.891, 0.22]);
    assert!(
        (0.891 + g * 0.82 - LIMIT).abs() < 1e-6,
        "exactly up to the limit"
    );
    assert_eq!(
        headroom_duck(0.25, [0.0, 0.99, 0.0]),
        0.25,
        "nothing under the voice"
    );
}

/// The gains worked out per block are the gains of `duck_at` at every frame, for
/// blocks before, across and after ramps and clips, overlapping ramps included.
#[test]
fn ducking_per_block_gives_the_gain_of_every_frame() {
    let clips = [clip(10, 5), clip(17, 3), clip(40, 0)];
    for ramp in [1, 4, 12] {
        for b0 in 0..50 {
            for len in [1, 3, 8, 30] {
                let mut out = vec![0.5; len];
                let any = duck_block(clips.iter().copied(), b0, ramp, 0.25, &mut out);
                for (i, g) in out.iter().enumerate() {
                    let f = b0 + i as u64;
                    let want = duck_at(clips.iter().copied(), f, ramp, 0.25);
                    match any {
                        true => assert_eq!(*g, want, "ramp {ramp}, frame {f}"),
                        false => assert_eq!((*g, want), (0.5, 1.0), "ramp {ramp}, frame {f}"),
                    }
                }
            }
        }
    }
}
