//! Golden files: `show --json` of the fixture sessions, and a rendered WAV compared
//! byte for byte. Regenerate with `UPDATE_GOLDEN=1 cargo test` after a deliberate
//! change, and review the diff.

use crate::util::{Rustig, arg, assert_golden_text, render_golden, root};

#[test]
fn show_json_of_each_fixture_session_matches_its_snapshot() {
    for name in ["basic", "all-kinds", "golden"] {
        let session = format!("tests/data/sessions/{name}.toml");
        let (stdout, _) = Rustig::fixture(&["show", "--json", &session]).exits(0);
        assert_golden_text(&root().join(format!("tests/golden/{name}.json")), &stdout);
    }
}

#[test]
fn show_table_reads_like_a_plan() {
    let (stdout, _) = Rustig::fixture(&["show", "tests/data/sessions/all-kinds.toml"]).exits(0);
    assert_golden_text(&root().join("tests/golden/all-kinds.txt"), &stdout);
}

#[test]
fn render_is_byte_identical_to_the_golden_wav_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("golden.wav");
    for _ in 0..2 {
        render_golden(arg(&out), &["--rate", "8000"]).exits(0);
        let bytes = std::fs::read(&out).unwrap();
        let golden = root().join("tests/golden/golden.wav");
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &bytes).unwrap();
        }
        let expected =
            std::fs::read(&golden).expect("tests/golden/golden.wav; run with UPDATE_GOLDEN=1");
        assert_eq!(bytes.len(), expected.len(), "length differs");
        assert!(
            bytes == expected,
            "bytes differ from tests/golden/golden.wav"
        );
    }
    // 30 s of blocks and the 2.5 s end clip at 8000 Hz mono 16-bit, plus the 44-byte header.
    assert_eq!(std::fs::metadata(&out).unwrap().len(), 44 + 260_000 * 2);
}
