//! Every file in tests/data/invalid is rejected by `rustig check` with exit status 1
//! and exactly the message in the `.stderr` file beside it.

use crate::util::{Rustig, arg, assert_golden_text, data, text};

#[test]
fn every_invalid_session_gets_its_exact_message_and_exit_1() {
    let dir = data("invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "expected one file per error kind");
    for file in files {
        let rel = format!(
            "tests/data/invalid/{}",
            file.file_name().unwrap().to_string_lossy()
        );
        let out = Rustig::fixture(&["check", &rel]).run();
        let (stdout, stderr) = text(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{rel} should fail with 1; stderr:\n{stderr}"
        );
        assert_eq!(stdout, "", "{rel}: nothing on stdout for an invalid file");
        assert!(
            stderr.starts_with(&format!("{rel}:")),
            "{rel}: message must start with file:line:col, got:\n{stderr}"
        );
        assert_golden_text(&file.with_extension("stderr"), &stderr);
    }
}

#[test]
fn a_late_clip_is_a_warning_not_an_error() {
    let (stdout, stderr) =
        Rustig::fixture(&["check", "tests/data/warnings/late-clip.toml"]).exits(0);
    assert_eq!(
        stdout,
        "tests/data/warnings/late-clip.toml: ok, 2:03 in 1 block\n"
    );
    assert_golden_text(&data("warnings/late-clip.stderr"), &stderr);
}

#[test]
fn a_huge_file_is_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.toml");
    let mut text_ = String::from("title = \"Groot\"\n");
    while text_.len() < 1_200_000 {
        text_.push_str(
            "# commentaar om het bestand groot te maken ....................................\n",
        );
    }
    let size = text_.len();
    std::fs::write(&path, text_).unwrap();
    let (_, stderr) = Rustig::new(&["check", arg(&path)]).exits(1);
    let expected = format!(
        "{}:1:1: error[R0001]: cannot read the session: it is larger than 1048576 bytes\n  = help: a session is a small text file (.toml); check the path\n",
        path.display()
    );
    assert!(size > 1_048_576);
    assert!(stderr.starts_with(&expected), "{stderr}");
}

#[test]
fn check_reports_problems_of_several_files_and_counts_them() {
    let (stdout, stderr) = Rustig::fixture(&[
        "check",
        "tests/data/sessions/basic.toml",
        "tests/data/invalid/many-problems.toml",
    ])
    .exits(1);
    assert_eq!(
        stdout,
        "tests/data/sessions/basic.toml: ok, 8:43 in 9 blocks\n"
    );
    assert!(
        stderr.ends_with("checked 2 files: 6 errors, 2 warnings\n"),
        "{stderr}"
    );
}
