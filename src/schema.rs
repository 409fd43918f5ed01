//! A JSON Schema (draft 2020-12) of the session format, for editors.
//!
//! Editors based on taplo (VS Code with Even Better TOML, Helix, Zed, …) read it
//! through a `#:schema ./rustig-session.schema.json` line at the top of a session
//! file and then complete keys, block kinds and clip ids, and mark mistakes while
//! one types. It describes the structure that [`crate::session::parse_session`]
//! accepts: every key with its type, range and default, an English description and
//! a Dutch example; durations as a pattern; the clip ids, exercises and stretches of
//! a voice pack (the built-in `nl` one for `rustig schema`) as enums with their texts.
//! What only the parser can see (a cue outside its block, an exhale not longer than
//! the inhale, the four-hour limit) is left to `rustig check`.

use serde_json::{Map, Value, json};

use crate::session::model::{CADENCE_RANGE, KIND_NAMES};
use crate::voice::{DEFAULT_VOICE, VoiceLookup, VoicePack};

/// The file name `rustig new` points its `#:schema` line at and writes beside a session.
pub const SCHEMA_FILE_NAME: &str = "rustig-session.schema.json";

/// The JSON Schema dialect.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// One part of a duration: a number and a unit (`ms` before `m`, as the parser reads).
const DURATION_PART: &str = r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)\s*(?:ms|h|m|s)\s*";

/// The pattern of a duration that cannot be negative, e.g. `"1m30s"`.
pub fn duration_pattern() -> String {
    format!(r"^\s*(?:{DURATION_PART})+$")
}

/// The pattern of a duration that may be negative (a cue's `at`), e.g. `"-30s"`.
pub fn signed_duration_pattern() -> String {
    format!(r"^\s*-?\s*(?:{DURATION_PART})+$")
}

/// The built-in voice pack `nl`, whose clips the schema lists; `None` if it does not
/// load (the pack tests make sure it does).
pub fn builtin_pack() -> Option<VoicePack> {
    VoicePack::load(DEFAULT_VOICE, &VoiceLookup::builtin_only())
        .ok()
        .map(|(pack, _)| pack)
}

/// The schema as pretty-printed JSON with a final newline.
pub fn schema_text(pack: &VoicePack) -> String {
    let mut text =
        serde_json::to_string_pretty(&session_schema(pack)).expect("a JSON value serializes");
    text.push('\n');
    text
}

fn duration(description: &str, example: &str) -> Value {
    json!({
        "type": "string",
        "pattern": duration_pattern(),
        "description": format!("{description} A duration: <number><unit> parts, units h, m, s, ms, e.g. \"1m30s\"."),
        "examples": [example],
    })
}

fn duration_default(description: &str, example: &str, default: &str) -> Value {
    let mut v = duration(description, example);
    v["default"] = json!(default);
    v
}

/// One cadence in 120..=220 as a regular expression, for the ends of a ramp.
const CADENCE_PATTERN: &str = "(1[2-9][0-9]|2[01][0-9]|220)";

/// A cadence: steps per minute, or a ramp `"170-176"` from the first to the second.
fn cadence(description: &str, example: Value) -> Value {
    json!({
        "oneOf": [
            {
                "type": "integer",
                "minimum": CADENCE_RANGE.start(),
                "maximum": CADENCE_RANGE.end(),
                "description": "Steps per minute, the same all through.",
            },
            {
                "type": "string",
                "pattern": format!("^ *{CADENCE_PATTERN} *- *{CADENCE_PATTERN} *$"),
                "description": "A ramp: rises (or falls) linearly from the first to the second value over each run, e.g. \"170-176\".",
            },
        ],
        "description": format!("{description} Allowed {} to {}; a string \"170-176\" is a ramp over each run.", CADENCE_RANGE.start(), CADENCE_RANGE.end()),
        "examples": [example],
    })
}

fn boolean(description: &str, example: bool) -> Value {
    json!({ "type": "boolean", "description": description, "examples": [example] })
}

/// `oneOf` of `const` values, each with its description: editors offer them with
/// their text.
fn choices<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Value> {
    items
        .into_iter()
        .map(|(value, text)| json!({ "const": value, "description": text }))
        .collect()
}

/// The names of a pack's clips with a prefix (`oefening.` → `squats`, …) and texts.
fn named_clips<'p>(pack: &'p VoicePack, prefix: &str) -> Vec<(&'p str, &'p str)> {
    pack.clips
        .iter()
        .filter_map(|c| Some((c.id.strip_prefix(prefix)?, c.text.as_str())))
        .collect()
}

/// The keys every block has.
fn common_block_keys() -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("kind".into(), json!({ "$ref": "#/$defs/kind" }));
    m.insert(
        "name".into(),
        json!({
            "type": "string",
            "description": "Shown while playing; default: from the kind (e.g. Warming-up, Hardlopen).",
            "examples": ["Warming-up"],
        }),
    );
    m.insert(
        "cues".into(),
        json!({
            "type": "array",
            "items": { "$ref": "#/$defs/cue" },
            "description": "Own cues of this block, said in file order when due at the same time.",
            "examples": [[{ "at": "0s", "clip": "welkom" }, { "at": "-30s", "clip": "tempo.langzamer" }]],
        }),
    );
    m.insert(
        "auto_cues".into(),
        boolean(
            "Overrides the session's auto_cues for this block: announcements, countdown, reminders.",
            false,
        ),
    );
    m.insert(
        "metronome".into(),
        boolean(
            "Whether the metronome clicks in this block; default on in run blocks, off elsewhere.",
            true,
        ),
    );
    m.insert(
        "reminders".into(),
        boolean(
            "false keeps this block free of technique and pace reminders (its time does not count towards them); structure cues still sound.",
            false,
        ),
    );
    m.insert(
        "presence".into(),
        boolean(
            "false: this block is silent on purpose, no presence tok (default: on, except in silence blocks).",
            false,
        ),
    );
    m
}

/// `remaining`: times before a block's end at which the time left is spoken.
fn remaining() -> Value {
    json!({
        "type": "array",
        "items": { "type": "string", "pattern": duration_pattern() },
        "description": "Times before the block's end at which the voice says how much is left, with the pack's nog.<time> clips (nl: 1m, 2m, 3m, 5m, 10m, 15m, 20m, 30m).",
        "examples": [["10m", "5m", "1m"]],
    })
}

/// The common keys with only their descriptions and examples (and `kind`), for
/// editors that complete before the kind is known; the kind's own closed schema
/// checks them, so each mistake is reported once.
fn generic_block_keys() -> Map<String, Value> {
    common_block_keys()
        .into_iter()
        .map(|(key, v)| {
            if key == "kind" {
                return (key, v);
            }
            let mut brief = Map::new();
            for field in ["description", "examples"] {
                if let Some(x) = v.get(field) {
                    brief.insert(field.into(), x.clone());
                }
            }
            (key, Value::Object(brief))
        })
        .collect()
}

/// A closed block schema of one kind: the common keys plus its own.
fn block_of_kind(description: &str, own: Value, required: &[&str]) -> Value {
    let mut props = common_block_keys();
    if let Value::Object(own) = own {
        props.extend(own);
    }
    json!({
        "type": "object",
        "description": description,
        "properties": props,
        "required": required,
        "additionalProperties": false,
    })
}

/// The JSON Schema of a session file whose clips come from `pack` (for the default
/// voice `nl`; sessions with another `voice` may use any clip id).
pub fn session_schema(pack: &VoicePack) -> Value {
    let clip_choices = choices(pack.clips.iter().map(|c| (c.id.as_str(), c.text.as_str())));
    let exercises = choices(named_clips(pack, "oefening."));
    let stretches = choices(named_clips(pack, "rek."));
    let kinds = choices([
        (
            "walk",
            "Walking: warm-up, walk breaks, walking out; metronome off by default. Keys: duration.",
        ),
        (
            "run",
            "Relaxed running at the block's cadence, metronome on by default. Keys: duration, cadence.",
        ),
        (
            "intervals",
            "repeat × (run for `run`, then walk for `walk`); no walk after the last run unless walk_last. Keys: repeat, run, walk, walk_last, cadence.",
        ),
        (
            "strength",
            "Strength exercises, each for `work` with `rest` between. Keys: exercises, work, rest.",
        ),
        (
            "stretch",
            "Stretches, each held for `hold` per side. Keys: stretches, hold, sides.",
        ),
        (
            "breathe",
            "Paced breathing with a rising tone in and a falling tone out. Keys: duration, inhale, exhale, hold.",
        ),
        (
            "silence",
            "Nothing sounds but cues: running without sound. Keys: duration.",
        ),
    ]);
    let sounds = choices([
        ("tik", "A short, bright tick (the default)."),
        ("klak", "A woody knock."),
        ("piep", "A short beep."),
        ("tok", "A soft, low woodblock tok that masks speech less."),
    ]);

    let walk = block_of_kind(
        "A walk block: walking, metronome off by default.",
        json!({
            "duration": duration("How long the block lasts.", "5m"),
            "remaining": remaining(),
        }),
        &["kind", "duration"],
    );
    let run = block_of_kind(
        "A run block: relaxed running, so slowly that you can still talk.",
        json!({
            "duration": duration("How long the block lasts.", "8m"),
            "cadence": cadence("Steps per minute in this block; default: the session's cadence.", json!("170-176")),
            "remaining": remaining(),
        }),
        &["kind", "duration"],
    );
    let mut intervals = block_of_kind(
        "An intervals block: repeat × (run, walk); the walk after the last run is left out unless walk_last = true.",
        json!({
            "repeat": {
                "type": "integer", "minimum": 1, "maximum": 100,
                "description": "How many runs.", "examples": [6],
            },
            "run": duration("How long each run lasts.", "1m"),
            "walk": duration("How long each walk lasts; needed when there is more than one run or walk_last = true.", "1m30s"),
            "walk_last": {
                "type": "boolean", "default": false,
                "description": "Whether a walk follows the last run too.", "examples": [true],
            },
            "cadence": cadence("Steps per minute in the runs; default: the session's cadence.", json!(172)),
        }),
        &["kind", "repeat", "run"],
    );
    intervals["anyOf"] = json!([
        { "required": ["walk"] },
        { "properties": { "repeat": { "const": 1 }, "walk_last": { "const": false } } },
    ]);
    let strength = block_of_kind(
        "A strength block: each exercise for `work`, with `rest` between.",
        json!({
            "exercises": {
                "type": "array", "minItems": 1, "maxItems": 50,
                "items": { "$ref": "#/$defs/exercise" },
                "description": "The exercises in order; each needs an oefening.<name> clip in the voice pack.",
                "examples": [["squats", "lunges", "plank"]],
            },
            "work": duration_default("How long each exercise lasts.", "30s", "30s"),
            "rest": duration_default("The rest between exercises (may be 0s).", "15s", "15s"),
        }),
        &["kind", "exercises"],
    );
    let stretch = block_of_kind(
        "A stretch block: each stretch held for `hold` per side; the voice says when to switch sides.",
        json!({
            "stretches": {
                "type": "array", "minItems": 1, "maxItems": 50,
                "items": { "$ref": "#/$defs/stretch" },
                "description": "The stretches in order; each needs a rek.<name> clip in the voice pack.",
                "examples": [["kuiten", "hamstrings", "quadriceps"]],
            },
            "hold": duration_default("How long each side is held.", "30s", "30s"),
            "sides": {
                "type": "integer", "minimum": 1, "maximum": 2, "default": 2,
                "description": "1 or 2 sides per stretch.", "examples": [2],
            },
        }),
        &["kind", "stretches"],
    );
    let breathe = block_of_kind(
        "A breathe block: paced breathing; the exhale must be longer than the inhale.",
        json!({
            "duration": duration("How long the block lasts.", "2m"),
            "inhale": duration_default("Length of an in-breath, at least 1s.", "4s", "4s"),
            "exhale": duration_default("Length of an out-breath, at least 1s and longer than the inhale.", "6s", "6s"),
            "hold": duration_default("Pause after each in-breath (may be 0s).", "2s", "0s"),
        }),
        &["kind", "duration"],
    );
    let silence = block_of_kind(
        "A silence block: nothing sounds but cues.",
        json!({ "duration": duration("How long the block lasts.", "5m") }),
        &["kind", "duration"],
    );
    let by_kind: Vec<Value> = [
        "walk",
        "run",
        "intervals",
        "strength",
        "stretch",
        "breathe",
        "silence",
    ]
    .iter()
    .map(|k| {
        json!({
            "if": { "properties": { "kind": { "const": k } }, "required": ["kind"] },
            "then": { "$ref": format!("#/$defs/block_{k}") },
        })
    })
    .collect();

    let mut block = json!({
        "type": "object",
        "description": "One block of the session; blocks run one after another. `kind` says which other keys it takes.",
        "properties": generic_block_keys(),
        "required": ["kind"],
        "allOf": by_kind,
        "examples": [{ "kind": "walk", "name": "Warming-up", "duration": "5m" }],
    });
    block["x-taplo"] = json!({ "initKeys": ["kind"] });

    let metronome_def = json!({
        "type": "object",
        "description": "The metronome's sound and behaviour; every key optional.",
        "examples": [{ "sound": "klak", "volume": 0.5, "pattern": "settle" }],
        "properties": {
            "sound": {
                "description": "A built-in sound (tik, klak, piep) or the path of a WAV file, relative to the session file.",
                "default": "tik",
                "examples": ["klak"],
                "anyOf": [
                    { "oneOf": sounds },
                    { "type": "string", "pattern": r"[./\\]", "description": "The path of a WAV file, relative to the session file." },
                ],
            },
            "volume": {
                "type": "number", "minimum": 0.0, "maximum": 1.0, "default": 0.6,
                "description": "Loudness of the clicks, 0.0 to 1.0.", "examples": [0.5],
            },
            "accent_every": {
                "type": "integer", "minimum": 0, "maximum": 64, "default": 0,
                "description": "Accent every Nth step (a louder, higher click); 0 = none.", "examples": [4],
            },
            "duck_db": {
                "type": "number", "minimum": -60.0, "maximum": 0.0, "default": -12,
                "description": "Gain change of the metronome while a voice clip sounds, -60 to 0 dB; 0 = no ducking.", "examples": [-20],
            },
            "pattern": {
                "description": "continuous: every step; settle: clicks for the first `settle` of every run block, then only `check_for` bursts every `check_every`.",
                "default": "continuous",
                "examples": ["settle"],
                "oneOf": choices([
                    ("continuous", "Clicks on every step of a run block (the default)."),
                    ("settle", "Clicks at the start of each run block, then short check bursts: to run without sound and keep the cadence."),
                ]),
            },
            "settle": duration_default("With pattern = \"settle\": how long the clicks sound at the start of each run block.", "30s", "30s"),
            "check_every": duration_default("With pattern = \"settle\": distance between check bursts, from the block's start.", "2m", "2m"),
            "check_for": duration_default("With pattern = \"settle\": length of a check burst, shorter than check_every.", "15s", "15s"),
        },
        "additionalProperties": false,
    });
    let mut session_cadence = cadence("Steps per minute for run blocks; default 170.", json!(170));
    session_cadence["default"] = json!(170);
    let reminders_def = json!({
        "type": "object",
        "description": "Technique reminders during run blocks, spaced by running time.",
        "examples": [{ "every": "2m", "clips": ["techniek.schouders", "tempo.praten"] }],
        "properties": {
            "every": duration_default("Running time between reminders, at least 10s, counted across run blocks.", "2m", "2m"),
            "kinds": {
                "type": "array",
                "items": { "enum": KIND_NAMES },
                "default": ["run", "intervals"],
                "description": "The block kinds in which reminders are spoken and their time counts (the runs of intervals); [] turns them off everywhere.",
                "examples": [["run"]],
            },
            "clips": {
                "type": "array",
                "items": { "$ref": "#/$defs/clip" },
                "description": "The clips to rotate; default: the pack's techniek.* and tempo.* clips, alternating.",
                "examples": [["techniek.schouders", "tempo.praten", "techniek.armen"]],
            },
        },
        "additionalProperties": false,
    });
    let cue_def = json!({
        "type": "object",
        "description": "A cue: once (`at`) or repeating (`every`, optional `from`), saying a clip (`clip`) or a text (`say`).",
        "examples": [{ "at": "30s", "clip": "tempo.praten" }, { "every": "3m", "clip": "tempo.uitademen" }],
        "properties": {
            "at": {
                "type": "string", "pattern": signed_duration_pattern(),
                "description": "Once, at this offset from the block's start; negative: from the block's end.",
                "examples": ["-30s"],
            },
            "every": duration("Repeating: the distance between repeats, at least 1s; first at `every` or at `from`.", "3m"),
            "from": duration("With `every`: the first time, from the block's start.", "1m30s"),
            "clip": { "$ref": "#/$defs/clip" },
            "say": {
                "type": "string", "minLength": 1,
                "description": "Free text: the voice pack needs a clip with exactly this text (or make one with `rustig voice synth`).",
                "examples": ["Hoe voelen je kuiten nu?"],
            },
        },
        "additionalProperties": false,
        "allOf": [
            { "oneOf": [{ "required": ["clip"] }, { "required": ["say"] }] },
            { "oneOf": [{ "required": ["at"] }, { "required": ["every"] }] },
        ],
        "dependentRequired": { "from": ["every"] },
    });
    let builtin_pack_def = json!({
        "description": "With the default voice (nl), clips, exercises and stretches must be those of the built-in pack.",
        "properties": {
            "reminders": { "properties": { "clips": { "items": { "$ref": "#/$defs/builtin_clip" } } } },
            "block": {
                "items": {
                    "properties": {
                        "cues": { "items": { "properties": { "clip": { "$ref": "#/$defs/builtin_clip" } } } },
                        "exercises": { "items": { "$ref": "#/$defs/builtin_exercise" } },
                        "stretches": { "items": { "$ref": "#/$defs/builtin_stretch" } },
                    },
                },
            },
        },
    });

    json!({
        "$schema": DIALECT,
        "title": "rustig session",
        "description": "A rustig session file: walking, running, intervals, strength, stretches and paced breathing, with metronome clicks and Dutch voice cues. Format: session-format.md (version 1). `rustig check` also checks what this schema cannot see.",
        "type": "object",
        "properties": {
            "title": {
                "type": "string", "pattern": r"\S",
                "description": "Shown while playing; required and not empty.",
                "examples": ["Week 1 · training 1"],
            },
            "description": {
                "type": "string",
                "description": "An optional description of the session.",
                "examples": ["Zes keer een minuut ontspannen hardlopen."],
            },
            "voice": {
                "type": "string", "default": DEFAULT_VOICE,
                "description": "The voice pack: audio/<voice>/ on disk or built in. With the default nl, clip ids, exercises and stretches are those of the built-in pack.",
                "examples": [DEFAULT_VOICE],
            },
            "cadence": session_cadence,
            "auto_cues": {
                "type": "boolean", "default": true,
                "description": "Automatic cues: announcements, rounds, countdowns, reminders, halfway and end.",
                "examples": [false],
            },
            "countdown": {
                "type": "string", "enum": ["spoken", "tone", "none"], "default": "spoken",
                "description": "How plain walk/run changes inside intervals are counted down: spoken (\"Nog tien seconden.\"), three accented clicks, or not at all. Before the first run and the cool-down it is always spoken.",
                "examples": ["tone"],
            },
            "presence": {
                "anyOf": [
                    { "type": "string", "pattern": duration_pattern() },
                    { "const": false },
                ],
                "description": "A very soft tok after this long without any sound (15s to 10m), so a runner knows rustig still plays; false or left out: none.",
                "examples": ["60s"],
            },
            "metronome": { "$ref": "#/$defs/metronome" },
            "reminders": { "$ref": "#/$defs/reminders" },
            "block": {
                "type": "array", "minItems": 1,
                "items": { "$ref": "#/$defs/block" },
                "description": "The blocks, each a [[block]] table, in the order they are played.",
                "examples": [[{ "kind": "walk", "duration": "5m" }, { "kind": "run", "duration": "1m" }]],
            },
        },
        "required": ["title", "block"],
        "additionalProperties": false,
        "if": { "properties": { "voice": { "not": { "const": DEFAULT_VOICE } } }, "required": ["voice"] },
        "else": { "$ref": "#/$defs/builtin_pack" },
        "x-taplo": { "initKeys": ["title"] },
        "$defs": {
            "metronome": metronome_def,
            "reminders": reminders_def,
            "kind": {
                "description": "What kind of block this is.",
                "examples": ["run"],
                "oneOf": kinds,
            },
            "block": block,
            "block_walk": walk,
            "block_run": run,
            "block_intervals": intervals,
            "block_strength": strength,
            "block_stretch": stretch,
            "block_breathe": breathe,
            "block_silence": silence,
            "cue": cue_def,
            "clip": {
                "description": "A clip id of the voice pack.",
                "examples": ["tempo.praten"],
                "anyOf": [
                    { "$ref": "#/$defs/builtin_clip" },
                    { "type": "string", "minLength": 1, "description": "A clip id of another voice pack." },
                ],
            },
            "builtin_clip": {
                "description": "A clip id of the built-in voice pack, with what it says.",
                "oneOf": clip_choices,
            },
            "exercise": {
                "description": "An exercise: any name with an oefening.<name> clip in the voice pack.",
                "examples": ["squats"],
                "anyOf": [
                    { "$ref": "#/$defs/builtin_exercise" },
                    { "type": "string", "minLength": 1, "description": "An exercise of another voice pack." },
                ],
            },
            "builtin_exercise": {
                "description": "An exercise of the built-in voice pack, with what it says.",
                "oneOf": exercises,
            },
            "stretch": {
                "description": "A stretch: any name with a rek.<name> clip in the voice pack.",
                "examples": ["kuiten"],
                "anyOf": [
                    { "$ref": "#/$defs/builtin_stretch" },
                    { "type": "string", "minLength": 1, "description": "A stretch of another voice pack." },
                ],
            },
            "builtin_stretch": {
                "description": "A stretch of the built-in voice pack, with what it says.",
                "oneOf": stretches,
            },
            "builtin_pack": builtin_pack_def,
        },
    })
}

#[cfg(test)]
mod test {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        let schema = json!({ "type": "string", "pattern": pattern });
        jsonschema::validator_for(&schema)
            .unwrap()
            .is_valid(&json!(text))
    }

    #[test]
    fn the_duration_pattern_accepts_what_the_parser_accepts() {
        let p = duration_pattern();
        for ok in [
            "90s",
            "1m30s",
            "5m",
            "1h",
            "2.5s",
            "750ms",
            " 1 m 30 s ",
            ".5s",
            "5.s",
        ] {
            assert!(matches(&p, ok), "{ok}");
            assert!(crate::session::duration::parse_duration(ok).is_ok(), "{ok}");
        }
        for bad in [
            "90", "", "5 min", "m", "1m s", "1m5", "1msec", "-30s", "1.2.3s", "5x",
        ] {
            assert!(!matches(&p, bad), "{bad}");
        }
        let signed = signed_duration_pattern();
        assert!(matches(&signed, "-30s"));
        assert!(matches(&signed, "- 1m30s"));
        assert!(!matches(&signed, "--30s"));
    }
}
