//! The clip ids the compiler asks a pack for by name, and the default voice: one place
//! for the spellings that session-format.md's core set fixes, so the compiler, the
//! pack checks and the tools cannot drift apart.

use crate::session::Kind;

/// The voice of sessions that name none, and of the pack built into the binary.
pub const DEFAULT_VOICE: &str = "nl";

/// Spoken once before the first announcement.
pub const WELCOME: &str = "welkom";
/// The start of the first walk, before any run.
pub const BLOCK_WARMUP: &str = "blok.warmup";
/// The start of a walk after the last run.
pub const BLOCK_COOLDOWN: &str = "blok.cooldown";
/// The start of the last run of intervals.
pub const LAST_ROUND: &str = "ronde.laatste";
/// Ten seconds before a run or walk ends.
pub const COUNTDOWN: &str = "aftellen.10";
/// Halfway through the session.
pub const HALFWAY: &str = "halverwege";
/// The end of the session.
pub const END: &str = "einde";
/// The rest between strength exercises.
pub const EXERCISE_REST: &str = "oefening.rust";
/// Switching sides in a stretch.
pub const STRETCH_SWITCH: &str = "rek.wissel";
/// Breathe in.
pub const BREATHE_IN: &str = "adem.in";
/// Breathe out.
pub const BREATHE_OUT: &str = "adem.uit";
/// The prefix of technique reminders (`techniek.schouders`).
pub const TECHNIQUE_PREFIX: &str = "techniek.";
/// The prefix of pace reminders (`tempo.praten`).
pub const PACE_PREFIX: &str = "tempo.";
/// The prefix of a strength exercise's clip (`oefening.squats`).
pub const EXERCISE_PREFIX: &str = "oefening.";
/// The prefix of a stretch's clip (`rek.kuiten`).
pub const STRETCH_PREFIX: &str = "rek.";
/// Rounds up to this number have their own clip (`ronde.1` … `ronde.20`).
pub const NUMBERED_ROUNDS: u32 = 20;

/// The announcement of a block of `kind` (`blok.run`, `blok.walk`…).
pub fn block(kind: Kind) -> String {
    format!("blok.{}", kind.name())
}

/// The announcement of round `n` of intervals (`ronde.3`).
pub fn round(n: u32) -> String {
    format!("ronde.{n}")
}

/// The clip that says `left` is left (`nog.10m` for `remaining = ["10m"]`).
pub fn remaining(left: crate::session::Duration) -> String {
    format!("{REMAINING_PREFIX}{left}")
}

/// The prefix of the clips that say how much time is left (`nog.10m`).
pub const REMAINING_PREFIX: &str = "nog.";

/// The clip of strength exercise `name` (`oefening.squats`).
pub fn exercise(name: &str) -> String {
    format!("{EXERCISE_PREFIX}{name}")
}

/// The clip of stretch `name` (`rek.kuiten`).
pub fn stretch(name: &str) -> String {
    format!("{STRETCH_PREFIX}{name}")
}

/// The clip ids every pack must have (session-format.md, "The core set of clip ids").
pub fn core_ids() -> Vec<String> {
    let blocks = [Kind::Walk, Kind::Run].into_iter().map(block);
    let mut ids: Vec<String> = [BLOCK_WARMUP.to_owned()]
        .into_iter()
        .chain(blocks)
        .chain([BLOCK_COOLDOWN.to_owned()])
        .chain(
            [Kind::Strength, Kind::Stretch, Kind::Breathe, Kind::Silence]
                .into_iter()
                .map(block),
        )
        .collect();
    ids.extend((1..=NUMBERED_ROUNDS).map(round));
    ids.extend([LAST_ROUND, COUNTDOWN, HALFWAY, END].map(str::to_owned));
    ids.extend(
        [
            "houding",
            "schouders",
            "armen",
            "voeten",
            "kuiten",
            "romp",
            "cadans",
        ]
        .map(|t| format!("{TECHNIQUE_PREFIX}{t}")),
    );
    ids.extend(["praten", "uitademen", "langzamer"].map(|t| format!("{PACE_PREFIX}{t}")));
    ids.extend(["squats", "lunges", "plank"].map(exercise));
    ids.push(EXERCISE_REST.to_owned());
    ids.extend(["kuiten", "hamstrings", "quadriceps"].map(stretch));
    ids.push(STRETCH_SWITCH.to_owned());
    ids.extend([BREATHE_IN, BREATHE_OUT].map(str::to_owned));
    ids
}
