//! `rustig explain`: every code's wrong example really has that problem, and its right
//! example really fixes it, as `rustig check --message-format json` reports them.

use std::collections::BTreeMap;
use std::path::Path;

use rustig::session::Code;
use rustig::session::codes::ExampleFile;

use crate::util::{Rustig, data, text};

const SESSION: &str = "title = \"Week\"\n\n[[block]]\nkind = \"walk\"\nduration = \"10m\"\n";

/// Writes one example as the file it is, with what it needs beside it.
fn write_example(dir: &Path, file: ExampleFile, content: &str) {
    std::fs::create_dir_all(dir).unwrap();
    match file {
        ExampleFile::Session => std::fs::write(dir.join("sessie.toml"), content).unwrap(),
        ExampleFile::Program => {
            std::fs::write(dir.join("program.toml"), content).unwrap();
            std::fs::write(dir.join("week1.toml"), SESSION).unwrap();
            std::fs::write(dir.join("week2.toml"), SESSION).unwrap();
        }
        ExampleFile::Pack => {
            std::fs::write(dir.join("voice.toml"), content).unwrap();
            std::fs::copy(data("voice/test/blok-run.wav"), dir.join("tempo.wav")).unwrap();
        }
    }
}

#[test]
fn each_wrong_example_has_its_problem_and_each_right_example_fixes_it() {
    let tmp = tempfile::tempdir().unwrap();
    for code in Code::ALL {
        let e = code.explanation();
        write_example(&tmp.path().join(format!("{code}-wrong")), e.file, e.wrong);
        write_example(&tmp.path().join(format!("{code}-right")), e.file, e.right);
    }
    let out = Rustig::new(&["check", "--message-format", "json", "."])
        .cwd(tmp.path())
        .run();
    let (stdout, stderr) = text(&out);
    // Per example folder: the (code, severity) of each diagnostic.
    let mut found: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for line in stdout.lines() {
        let d: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let file = d["file"].as_str().unwrap();
        let folder = file
            .trim_start_matches("./")
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        found.entry(folder).or_default().push((
            d["code"].as_str().unwrap().to_owned(),
            d["severity"].as_str().unwrap().to_owned(),
        ));
    }
    for code in Code::ALL {
        let c = code.to_string();
        let wrong = found
            .get(&format!("{c}-wrong"))
            .cloned()
            .unwrap_or_default();
        assert!(
            wrong.iter().any(|(k, _)| *k == c),
            "the wrong example of {c} does not report {c}: {wrong:?}\n{stderr}"
        );
        let right = found
            .get(&format!("{c}-right"))
            .cloned()
            .unwrap_or_default();
        assert!(
            right.iter().all(|(k, s)| *k != c && s == "warning"),
            "the right example of {c} still has problems: {right:?}"
        );
    }
}

#[test]
fn explain_prints_dutch_english_and_both_examples() {
    let (stdout, _) = Rustig::new(&["explain", "r3"]).exits(0);
    assert!(
        stdout.starts_with("R0003: a key that does not belong here\n\nNederlands\n  Deze sleutel kent rustig niet op deze plek."),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nEnglish\n  rustig does not know this key in this place."),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("Goed / Right:\n\n    title = \"Wandelen\"\n\n    [[block]]\n    kind = \"walk\"\n    duration = \"10m\"\n"),
        "{stdout}"
    );
}

#[test]
fn explain_list_names_every_code_once() {
    let out = Rustig::new(&["explain", "--list"]).run();
    let (stdout, _) = text(&out);
    assert_eq!(stdout.lines().count(), Code::ALL.len());
    assert!(
        stdout.starts_with("R0001  the file cannot be read\nR0002  the TOML syntax is wrong\n"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("R0028  more than 10 minutes of running without a word\n"),
        "{stdout}"
    );
}

#[test]
fn an_unknown_code_is_an_error_that_points_at_the_list() {
    let (_, stderr) = Rustig::new(&["explain", "R0099"]).exits(1);
    assert_eq!(
        stderr,
        "error: unknown code `R0099`: the codes run from R0001 to R0028\n  = help: `rustig explain --list` shows them all\n"
    );
}
