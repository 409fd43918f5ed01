//! The validated session: every key of session-format.md with its default applied.
//! Fields that later stages may still reject (clip ids, cues) keep their source span.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use super::diagnostic::Source;
use super::duration::Duration;

/// A value together with the bytes of the session file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value itself.
    pub value: T,
    /// Where it was written.
    pub span: Range<usize>,
}

impl<T> Located<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: Range<usize>) -> Self {
        Located { value, span }
    }
}

/// The longest session allowed: four hours.
pub const MAX_SESSION: Duration = Duration::from_secs(4 * 3600);
/// Allowed cadences in steps per minute.
pub const CADENCE_RANGE: std::ops::RangeInclusive<i64> = 120..=220;

/// Steps per minute over a run: steady, or rising (or falling) linearly from `start`
/// to `end` over the run, as written `cadence = "170-176"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    /// Steps per minute at the start of the run.
    pub start: u32,
    /// Steps per minute at the end of the run (equal to `start` when steady).
    pub end: u32,
}

impl Cadence {
    /// The same cadence all through.
    pub const fn steady(steps: u32) -> Self {
        Cadence {
            start: steps,
            end: steps,
        }
    }

    /// Whether the cadence changes over the run.
    pub fn is_ramp(self) -> bool {
        self.start != self.end
    }

    /// Both ends moved by `delta` steps per minute, each kept in [`CADENCE_RANGE`]
    /// (the `+`/`-` keys of `play`).
    pub fn shifted(self, delta: i32) -> Self {
        let shift = |c: u32| {
            (i64::from(c) + i64::from(delta)).clamp(*CADENCE_RANGE.start(), *CADENCE_RANGE.end())
                as u32
        };
        Cadence {
            start: shift(self.start),
            end: shift(self.end),
        }
    }

    /// Steps per minute `offset` seconds into a run of `len` seconds.
    pub fn at(self, offset: f64, len: f64) -> f64 {
        let frac = if len > 0.0 {
            (offset / len).clamp(0.0, 1.0)
        } else {
            0.0
        };
        f64::from(self.start) + (f64::from(self.end) - f64::from(self.start)) * frac
    }

    /// Seconds from the start of a run of `len` seconds to step `k` (from 0): where the
    /// integral of the tempo reaches `k` beats. Closed form per step, so nothing drifts
    /// over a long run; for a steady cadence exactly `k · 60 / cadence`.
    pub fn step_offset(self, k: u64, len: f64) -> f64 {
        // beats(t) = (c0·t + (c1 − c0)·t² / (2·len)) / 60 = k, solved for t in the form
        // 120k / (c0 + √(c0² + 120k·(c1 − c0)/len)), which needs no division by c1 − c0.
        let (c0, d) = (
            f64::from(self.start),
            f64::from(self.end) - f64::from(self.start),
        );
        let beats = 120.0 * k as f64;
        let root = if self.is_ramp() && len > 0.0 {
            (c0 * c0 + beats * d / len).sqrt()
        } else {
            c0
        };
        beats / (c0 + root)
    }
}

impl std::fmt::Display for Cadence {
    /// `172`, or `170-176` for a ramp, as written in a session file.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_ramp() {
            write!(f, "{}-{}", self.start, self.end)
        } else {
            write!(f, "{}", self.start)
        }
    }
}

/// One session file, validated.
#[derive(Debug, Clone)]
pub struct Session {
    /// The file it was read from (for messages).
    pub source: Arc<Source>,
    /// Shown while playing; required.
    pub title: String,
    /// Optional Dutch description.
    pub description: Option<String>,
    /// Name of the voice pack, default `nl`.
    pub voice: Located<String>,
    /// Steps per minute for run blocks, default 170 (span `0..0` when not written).
    pub cadence: Located<Cadence>,
    /// Whether automatic cues are on, default true.
    pub auto_cues: bool,
    /// How the 10-second countdown sounds on plain run↔walk changes, default spoken.
    pub countdown: Countdown,
    /// The `[metronome]` table.
    pub metronome: Metronome,
    /// The `[reminders]` table.
    pub reminders: Reminders,
    /// `presence = "60s"`: a soft tok after this long without any sound, so a runner
    /// knows rustig still plays; `None` (the default, or `presence = false`) for none.
    pub presence: Option<Duration>,
    /// The `[[block]]` tables in order.
    pub blocks: Vec<Block>,
}

impl Session {
    /// The sum of all block durations.
    pub fn blocks_duration(&self) -> Duration {
        self.blocks
            .iter()
            .fold(Duration::ZERO, |acc, b| acc + b.duration())
    }
}

/// The metronome's sound and behaviour.
#[derive(Debug, Clone, PartialEq)]
pub struct Metronome {
    /// Which click sound.
    pub sound: Located<ClickSound>,
    /// 0.0..=1.0, default 0.6.
    pub volume: f32,
    /// Accent every Nth step; 0 = none.
    pub accent_every: u32,
    /// Gain change while a voice clip sounds, -60..=0 dB, default -12.
    pub duck_db: f32,
    /// Continuous clicks, or the settle pattern.
    pub pattern: Pattern,
}

/// A built-in click sound or a WAV file.
#[derive(Debug, Clone, PartialEq)]
pub enum ClickSound {
    /// A short, bright tick (the default).
    Tik,
    /// A woody knock.
    Klak,
    /// A short beep.
    Piep,
    /// A soft, low, woodblock-like knock that masks speech less.
    Tok,
    /// A WAV file (already resolved against the session's folder).
    File(PathBuf),
}

/// How the countdown before a run↔walk change sounds (`countdown = "…"`).
///
/// Whatever the choice, the countdown before the first run and before the cool-down
/// stays spoken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Countdown {
    /// `aftellen.10`, ten seconds before the change (the default).
    #[default]
    Spoken,
    /// Three accented clicks, 3, 2 and 1 s before the change.
    Tone,
    /// Nothing.
    None,
}

impl Countdown {
    /// The names the session file uses, in order.
    pub const NAMES: [&'static str; 3] = ["spoken", "tone", "none"];

    /// The countdown a session file names, if it is one.
    pub fn from_name(name: &str) -> Option<Countdown> {
        match name {
            "spoken" => Some(Countdown::Spoken),
            "tone" => Some(Countdown::Tone),
            "none" => Some(Countdown::None),
            _ => None,
        }
    }
}

/// When the metronome clicks within a run block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pattern {
    /// Every step of the block.
    Continuous,
    /// The first `settle`, then bursts of `check_for` at every `check_every`.
    Settle {
        /// Clicks at the start of each run block.
        settle: Duration,
        /// Distance between check bursts, from the block's start.
        check_every: Duration,
        /// Length of a check burst.
        check_for: Duration,
    },
}

/// Technique and pace reminders during run blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminders {
    /// Time between reminders, counted over the blocks they are spoken in; default 2m.
    pub every: Duration,
    /// The clips to rotate; `None` means the pack's `techniek.*` and `tempo.*` clips.
    pub clips: Option<Vec<Located<String>>>,
    /// The block kinds whose time counts and in which reminders are spoken; default
    /// `run` and `intervals` (the runs of intervals only).
    pub kinds: Vec<Kind>,
}

impl Default for Reminders {
    /// Every 2 minutes of running, the pack's own reminders.
    fn default() -> Self {
        Reminders {
            every: Duration::from_secs(120),
            clips: None,
            kinds: vec![Kind::Run, Kind::Intervals],
        }
    }
}

/// One `[[block]]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// What kind of block, with its own keys.
    pub kind: BlockKind,
    /// Shown while playing; `None` means the default name of the kind.
    pub name: Option<String>,
    /// Explicit cues in file order.
    pub cues: Vec<Cue>,
    /// Overrides the session's `auto_cues`.
    pub auto_cues: Option<bool>,
    /// Overrides whether the metronome clicks in this block.
    pub metronome: Option<bool>,
    /// `reminders = false` keeps the block free of reminders; `None` means on.
    pub reminders: Option<bool>,
    /// `presence = false` keeps the block silent on purpose (no presence tok);
    /// `None` means on, except in `silence` blocks.
    pub presence: Option<bool>,
    /// `remaining = ["10m", "5m"]`: the time left in the block, spoken at each of
    /// these times before its end (run and walk blocks).
    pub remaining: Vec<Located<Duration>>,
    /// The block's table in the file (for messages).
    pub span: Range<usize>,
}

/// The kinds of block and their keys.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    /// Walking.
    Walk {
        /// Length of the block.
        duration: Duration,
    },
    /// Relaxed running.
    Run {
        /// Length of the block.
        duration: Duration,
        /// Steps per minute; `None` means the session's cadence.
        cadence: Option<Located<Cadence>>,
    },
    /// `repeat` × (run, walk), without the last walk unless `walk_last`.
    Intervals {
        /// Number of runs.
        repeat: u32,
        /// Length of each run.
        run: Duration,
        /// Length of each walk.
        walk: Duration,
        /// Whether a walk follows the last run too.
        walk_last: bool,
        /// Steps per minute; `None` means the session's cadence.
        cadence: Option<Located<Cadence>>,
    },
    /// Strength exercises with rests between.
    Strength {
        /// Exercise names (each needs an `oefening.<name>` clip).
        exercises: Vec<Located<String>>,
        /// Length of each exercise.
        work: Duration,
        /// Rest between exercises.
        rest: Duration,
    },
    /// Stretches held per side.
    Stretch {
        /// Stretch names (each needs a `rek.<name>` clip).
        stretches: Vec<Located<String>>,
        /// How long each side is held.
        hold: Duration,
        /// 1 or 2.
        sides: u32,
    },
    /// Paced breathing with tones.
    Breathe {
        /// Length of the block.
        duration: Duration,
        /// Length of an in-breath.
        inhale: Duration,
        /// Length of an out-breath (longer than the inhale).
        exhale: Duration,
        /// Pause after the in-breath.
        hold: Duration,
    },
    /// Nothing sounds but cues.
    Silence {
        /// Length of the block.
        duration: Duration,
    },
}

/// A kind of block, without its keys: what `kind = "..."` names in a session, what a
/// played block of the timeline is (a timeline has no `Intervals`: they are played as
/// runs and walks), and what the status line and the reminders compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Walking.
    Walk,
    /// Relaxed running.
    Run,
    /// Runs with walks between.
    Intervals,
    /// Strength exercises.
    Strength,
    /// Stretches.
    Stretch,
    /// Paced breathing.
    Breathe,
    /// Nothing sounds but cues.
    Silence,
}

impl Kind {
    /// Every kind, in the order the guide lists them.
    pub const ALL: [Kind; 7] = [
        Kind::Walk,
        Kind::Run,
        Kind::Intervals,
        Kind::Strength,
        Kind::Stretch,
        Kind::Breathe,
        Kind::Silence,
    ];

    /// The kind named `name` in a session file, if any.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The name written in session files and the JSON of `show --json`.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Walk => "walk",
            Kind::Run => "run",
            Kind::Intervals => "intervals",
            Kind::Strength => "strength",
            Kind::Stretch => "stretch",
            Kind::Breathe => "breathe",
            Kind::Silence => "silence",
        }
    }

    /// The Dutch word the runner sees in the status line.
    pub fn dutch(self) -> &'static str {
        match self {
            Kind::Walk => "wandelen",
            Kind::Run => "hardlopen",
            Kind::Intervals => "intervallen",
            Kind::Strength => "kracht",
            Kind::Stretch => "rekken",
            Kind::Breathe => "ademen",
            Kind::Silence => "stilte",
        }
    }
}

/// The names of the block kinds, as written in `kind = "..."`.
pub const KIND_NAMES: [&str; 7] = {
    let mut names = [""; 7];
    let mut i = 0;
    while i < names.len() {
        names[i] = Kind::ALL[i].name();
        i += 1;
    }
    names
};

impl BlockKind {
    /// The kind, without its keys.
    pub fn kind(&self) -> Kind {
        match self {
            BlockKind::Walk { .. } => Kind::Walk,
            BlockKind::Run { .. } => Kind::Run,
            BlockKind::Intervals { .. } => Kind::Intervals,
            BlockKind::Strength { .. } => Kind::Strength,
            BlockKind::Stretch { .. } => Kind::Stretch,
            BlockKind::Breathe { .. } => Kind::Breathe,
            BlockKind::Silence { .. } => Kind::Silence,
        }
    }

    /// The kind as written in the file.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// The block's length, written or derived from its keys.
    pub fn duration(&self) -> Duration {
        match self {
            BlockKind::Walk { duration }
            | BlockKind::Run { duration, .. }
            | BlockKind::Breathe { duration, .. }
            | BlockKind::Silence { duration } => *duration,
            BlockKind::Intervals {
                repeat,
                run,
                walk,
                walk_last,
                ..
            } => {
                let walks = i64::from(*repeat) - 1 + i64::from(*walk_last);
                *run * i64::from(*repeat) + *walk * walks
            }
            BlockKind::Strength {
                exercises,
                work,
                rest,
            } => {
                let n = exercises.len() as i64;
                *work * n + *rest * (n - 1).max(0)
            }
            BlockKind::Stretch {
                stretches,
                hold,
                sides,
            } => *hold * (stretches.len() as i64 * i64::from(*sides)),
        }
    }
}

impl Block {
    /// The block's length.
    pub fn duration(&self) -> Duration {
        self.kind.duration()
    }

    /// Whether the presence tok may sound in this block: not where the author said
    /// `presence = false`, nor in a `silence` block unless it says `presence = true`.
    pub fn presence_on(&self) -> bool {
        self.presence.unwrap_or(self.kind.kind() != Kind::Silence)
    }
}

/// One explicit cue of a block.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    /// When it is said.
    pub timing: CueTiming,
    /// What is said.
    pub speech: Located<Speech>,
    /// The cue's inline table (for messages).
    pub span: Range<usize>,
}

/// When a cue is said, relative to its block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CueTiming {
    /// Once, at an offset from the start (or, if negative, from the end).
    At(Duration),
    /// Repeating every `every`, first at `from` (default: at `every`).
    Every {
        /// Distance between repeats.
        every: Duration,
        /// First time, from the block's start.
        from: Option<Duration>,
    },
}

/// What a cue says.
#[derive(Debug, Clone, PartialEq)]
pub enum Speech {
    /// A clip id of the voice pack.
    Clip(String),
    /// Free text that must match a clip's text exactly.
    Say(String),
}
