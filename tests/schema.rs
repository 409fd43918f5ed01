//! `rustig schema`: the JSON Schema of the session format, checked with a real
//! validator (the `jsonschema` crate) on every session of the repository and every
//! structurally wrong one, and with taplo honouring the `#:schema` line of `rustig new`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::util::{Rustig, data, root, text};

fn schema() -> Value {
    rustig::schema::session_schema(&rustig::schema::builtin_pack().expect("built-in pack"))
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema()).expect("the schema compiles")
}

/// A TOML file as the JSON value a schema validator sees.
fn toml_json(path: &Path) -> Result<Value, String> {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
    toml_text_json(&text)
}

fn toml_text_json(text: &str) -> Result<Value, String> {
    let value: toml::Value = toml::from_str(text).map_err(|e| e.to_string())?;
    serde_json::to_value(value).map_err(|e| e.to_string())
}

fn problems(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            toml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") && !path.ends_with("program.toml") {
            out.push(path);
        }
    }
}

#[test]
fn the_schema_is_draft_2020_12_and_valid_against_its_meta_schema() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::meta::validate(&s).expect("valid against the 2020-12 meta-schema");
}

#[test]
fn every_session_of_the_repository_validates() {
    let v = validator();
    let mut files = Vec::new();
    toml_files(&root().join("sessions"), &mut files);
    toml_files(&data("sessions"), &mut files);
    files.sort();
    // 42 of the program, 5 examples, 4 test sessions.
    assert_eq!(files.len(), 51, "{files:?}");
    for file in files {
        let doc = toml_json(&file).unwrap();
        let p = problems(&v, &doc);
        assert!(
            p.is_empty(),
            "{} does not validate:\n{}",
            file.display(),
            p.join("\n")
        );
    }
}

/// Files of tests/data/invalid that are wrong in structure: an unknown key, a wrong
/// type, an unknown kind or name, something required missing, a value out of range.
const WRONG_IN_STRUCTURE: &[&str] = &[
    "bad-duration-unit",
    "bare-number-duration",
    "cadence-out-of-range",
    "cue-clip-and-say",
    "cue-without-time",
    "empty",
    "errors-in-two-blocks",
    "intervals-repeat-zero",
    "key-of-other-kind",
    "many-problems",
    "missing-duration",
    "missing-title",
    "no-blocks",
    "sides-out-of-range",
    "unknown-block-key",
    "unknown-kind",
    "unknown-pattern",
    "unknown-sound",
    "unknown-top-key",
    "volume-out-of-range",
    "wrong-type",
];

/// Files that are right in structure and wrong in what only `rustig check` sees:
/// times against block lengths, the voice pack `test` on disk, files, sums.
const ONLY_CHECK_SEES: &[&str] = &[
    "breathe-too-fast",
    "check-for-too-long",
    "click-sound-not-wav",
    "clips-past-four-hours",
    "cue-outside-block",
    "exhale-not-longer",
    "negative-cue-outside",
    "too-long",
    "unknown-clip",
    "unknown-exercise",
    "unknown-reminder-clip",
    "unknown-say",
    "unknown-stretch",
    "unknown-voice",
    "zero-duration",
];

/// Files that are not TOML at all, so no JSON value to validate.
const NOT_TOML: &[&str] = &["not-utf8", "syntax-error"];

#[test]
fn every_invalid_file_is_sorted_and_the_structural_ones_do_not_validate() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(data("invalid"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".toml").map(str::to_owned)
        })
        .collect();
    let listed: BTreeSet<String> = [WRONG_IN_STRUCTURE, ONLY_CHECK_SEES, NOT_TOML]
        .concat()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        on_disk, listed,
        "sort each file of tests/data/invalid into one list"
    );

    let v = validator();
    for name in WRONG_IN_STRUCTURE {
        let doc = toml_json(&data(&format!("invalid/{name}.toml"))).unwrap();
        assert!(
            !v.is_valid(&doc),
            "{name}.toml validates, but is wrong in structure"
        );
    }
    for name in ONLY_CHECK_SEES {
        let doc = toml_json(&data(&format!("invalid/{name}.toml"))).unwrap();
        let p = problems(&v, &doc);
        assert!(p.is_empty(), "{name}.toml: {}", p.join("\n"));
    }
    for name in NOT_TOML {
        assert!(
            toml_json(&data(&format!("invalid/{name}.toml"))).is_err(),
            "{name}"
        );
    }
}

#[test]
fn the_exact_places_of_structural_mistakes() {
    let v = validator();
    let at = |text: &str| -> Vec<String> {
        v.iter_errors(&toml_text_json(text).unwrap())
            .map(|e| e.instance_path().to_string())
            .collect()
    };
    let base = "title = \"t\"\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n";
    assert!(at(base).is_empty());
    // An unknown key, and so a missing `duration`.
    assert_eq!(
        at(&base.replace("duration", "duraton")),
        ["/block/0", "/block/0"]
    );
    assert_eq!(
        at(&base.replace("\"5m\"", "\"5 min\"")),
        ["/block/0/duration"]
    );
    assert_eq!(
        at(&base.replace("\"5m\"", "\"-5m\"")),
        ["/block/0/duration"]
    );
    assert_eq!(
        at(&base.replace("\"walk\"", "\"wandel\"")),
        ["/block/0/kind"]
    );
    assert_eq!(at(&format!("cadence = 119\n{base}")), ["/cadence"]);
    // A ramp is a string of two cadences; each end in 120..=220, no other text.
    assert!(at(&format!("cadence = \"170-176\"\n{base}")).is_empty());
    assert!(at(&format!("cadence = \"180 - 172\"\n{base}")).is_empty());
    assert_eq!(at(&format!("cadence = \"170-230\"\n{base}")), ["/cadence"]);
    assert_eq!(at(&format!("cadence = \"170\"\n{base}")), ["/cadence"]);
    assert_eq!(at(&format!("cadence = \"snel\"\n{base}")), ["/cadence"]);
    // Quiet blocks and the kinds reminders are spoken in.
    assert!(at(&format!("{base}reminders = false\n")).is_empty());
    assert_eq!(
        at(&format!("{base}reminders = \"nee\"\n")),
        ["/block/0/reminders"]
    );
    assert!(at(&format!("{base}[reminders]\nkinds = [\"run\", \"walk\"]\n")).is_empty());
    assert_eq!(
        at(&format!("{base}[reminders]\nkinds = [\"interval\"]\n")),
        ["/reminders/kinds/0"]
    );
    // With the default voice, clip ids, exercises and stretches are the built-in pack's.
    let cue = |clip: &str, voice: &str| {
        at(&format!(
            "title = \"t\"\n{voice}[[block]]\nkind = \"walk\"\nduration = \"5m\"\ncues = [{{ at = \"-30s\", clip = \"{clip}\" }}]\n"
        ))
    };
    assert!(cue("tempo.praten", "").is_empty());
    assert_eq!(cue("tempo.prate", ""), ["/block/0/cues/0/clip"]);
    assert_eq!(
        cue("tempo.prate", "voice = \"nl\"\n"),
        ["/block/0/cues/0/clip"]
    );
    assert!(cue("tempo.prate", "voice = \"mijn-stem\"\n").is_empty());
    let strength =
        "title = \"t\"\n[[block]]\nkind = \"strength\"\nexercises = [\"squats\", \"squat\"]\n";
    assert_eq!(at(strength), ["/block/0/exercises/1"]);
    // `walk` may be left out of intervals only with one run and no walk_last.
    let intervals = "title = \"t\"\n[[block]]\nkind = \"intervals\"\nrepeat = 1\nrun = \"1m\"\n";
    assert!(at(intervals).is_empty());
    assert_eq!(
        at(&intervals.replace("repeat = 1", "repeat = 2")),
        ["/block/0"]
    );
    assert_eq!(at(&format!("{intervals}walk_last = true\n")), ["/block/0"]);
    // `from` only with `every`.
    let from = "title = \"t\"\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\ncues = [{ at = \"1m\", from = \"1m\", clip = \"welkom\" }]\n";
    assert_eq!(at(from), ["/block/0/cues/0"]);
}

#[test]
fn the_built_in_clips_are_an_enum_with_their_texts() {
    let s = schema();
    let clips = s["$defs"]["builtin_clip"]["oneOf"].as_array().unwrap();
    let pack = rustig::schema::builtin_pack().unwrap();
    assert_eq!(clips.len(), pack.clips.len());
    assert_eq!(clips.len(), 89);
    assert!(clips.contains(&json!({
        "const": "tempo.praten",
        "description": pack.clip("tempo.praten").unwrap().text,
    })));
    let consts = |def: &str| -> Vec<String> {
        s["$defs"][def]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["const"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        consts("builtin_exercise"),
        ["squats", "lunges", "plank", "rust"]
    );
    assert_eq!(
        consts("builtin_stretch"),
        ["kuiten", "hamstrings", "quadriceps", "wissel"]
    );
}

/// Every key, in every table and block kind, has a description and an example.
#[test]
fn every_key_has_a_description_and_an_example() {
    let s = schema();
    let defs = s["$defs"].as_object().unwrap();
    let resolve = |v: &Value| -> Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) if v.as_object().unwrap().len() == 1 => {
                defs[r.strip_prefix("#/$defs/").unwrap()].clone()
            }
            _ => v.clone(),
        }
    };
    let mut tables = vec![("session".to_owned(), s.clone())];
    for (name, def) in defs {
        if def.get("properties").is_some() && name != "builtin_pack" {
            tables.push((name.clone(), def.clone()));
        }
    }
    let mut keys = 0;
    for (table, def) in tables {
        for (key, prop) in def["properties"].as_object().unwrap() {
            let prop = resolve(prop);
            assert!(
                prop["description"].is_string(),
                "{table}.{key}: no description"
            );
            assert!(
                prop["examples"].as_array().is_some_and(|e| !e.is_empty()),
                "{table}.{key}: no example"
            );
            keys += 1;
        }
    }
    // 10 top-level (with countdown and presence), 8 metronome, 3 reminders, 5 cue, 7
    // common in the generic block, and each kind's closed list (9, 10, 12, 10, 10,
    // 11, 8: walk and run with `remaining`).
    assert_eq!(keys, 10 + 8 + 3 + 5 + 7 + 9 + 10 + 12 + 10 + 10 + 11 + 8);
}

#[test]
fn the_command_prints_the_schema_and_writes_it_atomically() {
    let (stdout, stderr) = Rustig::new(&["schema"]).exits(0);
    assert_eq!(stderr, "");
    let expected = rustig::schema::schema_text(&rustig::schema::builtin_pack().unwrap());
    assert_eq!(stdout, expected);
    assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap(), schema());

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    let out = Rustig::new(&["schema", "-o", path.to_str().unwrap()]).run();
    assert!(out.status.success());
    assert_eq!(text(&out).1, format!("wrote {}\n", path.display()));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file left");
}

/// `taplo check` (npm `@taplo/cli`) on files that `rustig new` wrote, beside the
/// schema it wrote.
#[test]
fn taplo_honours_the_schema_line_of_rustig_new() {
    if !crate::tools::require_tools(&["taplo"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let taplo = |file: &str| {
        Command::new("taplo")
            .args(["check", file])
            .current_dir(dir.path())
            .env("RUST_LOG", "error")
            .output()
            .expect("taplo runs")
    };
    for (file, from) in [("nieuw.toml", None), ("stil.toml", Some("stil"))] {
        let path = dir.path().join(file);
        let mut args = vec!["new", path.to_str().unwrap()];
        args.extend(from.map(|f| ["--from", f]).into_iter().flatten());
        assert!(Rustig::new(&args).run().status.success());
        let out = taplo(file);
        assert!(out.status.success(), "{file}: {}", text(&out).1);
    }
    assert!(dir.path().join("rustig-session.schema.json").is_file());

    let broken = format!(
        "#:schema ./{}\ntitle = \"Kapot\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\ncues = [{{ at = \"1m\", clip = \"tempo.prate\" }}]\n",
        rustig::schema::SCHEMA_FILE_NAME
    );
    std::fs::write(dir.path().join("kapot.toml"), broken).unwrap();
    let out = taplo("kapot.toml");
    let stderr = text(&out).1;
    assert!(!out.status.success(), "taplo accepted a wrong clip id");
    assert!(stderr.contains("kapot.toml:7:29"), "{stderr}");
    assert!(stderr.contains("\"tempo.prate\" is not valid"), "{stderr}");

    // Without the schema line taplo only checks the TOML syntax, so the schema is
    // what found the mistake.
    let plain = std::fs::read_to_string(dir.path().join("kapot.toml")).unwrap();
    let plain = plain.lines().skip(1).collect::<Vec<_>>().join("\n");
    std::fs::write(dir.path().join("zonder.toml"), plain).unwrap();
    assert!(taplo("zonder.toml").status.success());
}
