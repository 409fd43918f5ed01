//! Unit tests of the timeline's helpers.

use super::*;

fn sample() -> Timeline {
    Timeline {
        title: "t".into(),
        duration: 20.0,
        blocks: vec![
            Block {
                index: 0,
                kind: Kind::Walk,
                name: "Warming-up".into(),
                start: 0.0,
                end: 10.0,
                cadence: None,
                cadence_end: None,
            },
            Block {
                index: 1,
                kind: Kind::Run,
                name: "Hardlopen".into(),
                start: 10.0,
                end: 20.0,
                cadence: Some(170),
                cadence_end: Some(170),
            },
        ],
        events: vec![
            Event::Clip(Box::new(ClipEvent {
                time: 0.0,
                clip: "b".into(),
                text: "B".into(),
                duration: 1.0,
                pack_index: 7,
            })),
            Event::Clip(Box::new(ClipEvent {
                time: 10.0,
                clip: "a".into(),
                text: "A".into(),
                duration: 1.0,
                pack_index: 3,
            })),
            Event::Clip(Box::new(ClipEvent {
                time: 15.0,
                clip: "b".into(),
                text: "B".into(),
                duration: 1.0,
                pack_index: 7,
            })),
        ],
        description: None,
        metronome: MetronomeSound::default(),
    }
}

#[test]
fn block_at_uses_half_open_blocks() {
    let t = sample();
    assert_eq!(t.block_at(0.0).map(|b| b.index), Some(0));
    assert_eq!(t.block_at(9.999).map(|b| b.index), Some(0));
    assert_eq!(t.block_at(10.0).map(|b| b.index), Some(1));
    assert_eq!(
        t.block_at(25.0).map(|b| b.index),
        Some(1),
        "past the end: the last block"
    );
}

#[test]
fn clip_indices_lists_each_used_clip_once() {
    assert_eq!(sample().clip_indices(), vec![3, 7]);
}

#[test]
fn clock_formats_minutes_and_hours() {
    assert_eq!(clock(0.0), "0:00");
    assert_eq!(clock(59.6), "1:00");
    assert_eq!(clock(3725.0), "1:02:05");
}
