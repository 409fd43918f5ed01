//! The timeline: a session compiled into blocks and events in seconds.
//!
//! Input: a validated [`Session`](crate::session::Session) and the
//! [`VoicePack`](crate::voice::VoicePack) it uses. Output: pure data (no audio), with
//! every rule of session-format.md applied: intervals expanded, click grid, settle
//! pattern, automatic cues, explicit cues, and no overlapping voice clips. Each time is
//! computed from absolute positions, so outputs at any rate place an event at
//! `round(time · rate)` without drift. It serializes to the JSON of `show --json`.

pub mod advice;
mod compile;
mod presence;

pub use compile::{Compiled, compile};
pub use presence::{PRESENCE_SECONDS, presence_times};

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::session::{ClickSound, Kind};

/// A compiled session.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Timeline {
    /// The session's title.
    pub title: String,
    /// Seconds until the last block ends, or the last clip ends if that is later.
    pub duration: f64,
    /// The blocks as played (intervals expanded into runs and walks).
    pub blocks: Vec<Block>,
    /// Every event, sorted by time.
    pub events: Vec<Event>,
    /// The session's description (not part of the JSON of the spec).
    #[serde(skip)]
    pub description: Option<String>,
    /// How the metronome sounds (not part of the JSON).
    #[serde(skip)]
    pub metronome: MetronomeSound,
}

/// How clicks sound, carried from the session to the mixer.
#[derive(Debug, Clone, PartialEq)]
pub struct MetronomeSound {
    /// Built-in sound or WAV file.
    pub sound: ClickSound,
    /// 0.0..=1.0.
    pub volume: f32,
    /// Gain change in dB while a voice clip sounds.
    pub duck_db: f32,
}

impl Default for MetronomeSound {
    fn default() -> Self {
        MetronomeSound {
            sound: ClickSound::Tik,
            volume: 0.6,
            duck_db: -12.0,
        }
    }
}

/// One block as played.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Block {
    /// Position in the list of played blocks, from 0.
    pub index: usize,
    /// Walk, run, strength, stretch, breathe or silence (intervals are played as runs
    /// and walks); its name in the JSON.
    pub kind: Kind,
    /// Shown while playing, e.g. "Warming-up", "Ronde 2".
    pub name: String,
    /// Start in seconds.
    pub start: f64,
    /// End in seconds.
    pub end: f64,
    /// Steps per minute where the block has a cadence (run blocks, or a metronome);
    /// for a ramp, the cadence at the block's start.
    pub cadence: Option<u32>,
    /// Steps per minute at the block's end: the top of a ramp, else equal to `cadence`
    /// (left out of the JSON where the block has no cadence, as in the spec).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cadence_end: Option<u32>,
}

/// Which half of a breath a tone is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Breathing in: a rising tone.
    Inhale,
    /// Breathing out: a falling tone.
    Exhale,
}

impl Phase {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Inhale => "inhale",
            Phase::Exhale => "exhale",
        }
    }
}

/// A voice clip as placed in the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipEvent {
    /// Seconds from the start (after the no-overlap rule).
    pub time: f64,
    /// The clip id.
    pub clip: String,
    /// What it says.
    pub text: String,
    /// Its length in seconds.
    pub duration: f64,
    /// Its index in the voice pack (not part of the JSON).
    pub pack_index: usize,
}

/// Something that sounds at a time.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A metronome click.
    Click {
        /// Seconds from the start.
        time: f64,
        /// Louder/higher click.
        accent: bool,
    },
    /// A voice clip, boxed: a session has few clips and many clicks, and an unboxed
    /// clip would make every event of a long session three times as large.
    Clip(Box<ClipEvent>),
    /// The presence tok: a very soft knock after a long stretch without any sound,
    /// so a runner knows rustig still plays (`presence = "60s"`).
    Presence {
        /// Seconds from the start.
        time: f64,
    },
    /// A breathing tone.
    Tone {
        /// Seconds from the start.
        time: f64,
        /// In or out.
        phase: Phase,
        /// Its length in seconds.
        duration: f64,
    },
}

// A 2-hour session has tens of thousands of clicks: keep an event at three words.
const _: () = assert!(std::mem::size_of::<Event>() <= 24);

impl Event {
    /// When the event starts, in seconds.
    pub fn time(&self) -> f64 {
        match self {
            Event::Click { time, .. } | Event::Tone { time, .. } | Event::Presence { time } => {
                *time
            }
            Event::Clip(c) => c.time,
        }
    }

    /// The type name used in JSON.
    pub fn type_name(&self) -> &'static str {
        match self {
            Event::Click { .. } => "click",
            Event::Clip(_) => "clip",
            Event::Tone { .. } => "tone",
            Event::Presence { .. } => "presence",
        }
    }
}

impl Serialize for Event {
    /// Writes `time` and `type` first, as in the spec's example.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Event::Click { time, accent } => {
                let mut m = serializer.serialize_map(Some(3))?;
                m.serialize_entry("time", time)?;
                m.serialize_entry("type", "click")?;
                m.serialize_entry("accent", accent)?;
                m.end()
            }
            Event::Clip(c) => {
                let mut m = serializer.serialize_map(Some(5))?;
                m.serialize_entry("time", &c.time)?;
                m.serialize_entry("type", "clip")?;
                m.serialize_entry("clip", &c.clip)?;
                m.serialize_entry("text", &c.text)?;
                m.serialize_entry("duration", &c.duration)?;
                m.end()
            }
            Event::Presence { time } => {
                let mut m = serializer.serialize_map(Some(2))?;
                m.serialize_entry("time", time)?;
                m.serialize_entry("type", "presence")?;
                m.end()
            }
            Event::Tone {
                time,
                phase,
                duration,
            } => {
                let mut m = serializer.serialize_map(Some(4))?;
                m.serialize_entry("time", time)?;
                m.serialize_entry("type", "tone")?;
                m.serialize_entry("phase", phase.as_str())?;
                m.serialize_entry("duration", duration)?;
                m.end()
            }
        }
    }
}

/// Seconds as `m:ss` (or `h:mm:ss`), for messages and tables.
pub fn clock(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

impl Timeline {
    /// The JSON of `show --json`, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a timeline always serializes")
    }

    /// The pack indices of every clip the timeline uses (to decode only those).
    pub fn clip_indices(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Clip(c) => Some(c.pack_index),
                _ => None,
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The played block that contains `time` (the last one at or after its end).
    pub fn block_at(&self, time: f64) -> Option<&Block> {
        let i = self.blocks.partition_point(|b| b.start <= time);
        i.checked_sub(1).map(|i| &self.blocks[i])
    }
}

#[cfg(test)]
mod test;
