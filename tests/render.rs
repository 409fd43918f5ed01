//! `rustig render --stems` reports each file's own size (issue 13).

use crate::util::{arg, render_golden};

#[test]
fn render_with_stems_reports_the_size_of_each_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.wav");
    let stems = dir.path().join("stems");
    let (_, stderr) =
        render_golden(arg(&target), &["--rate", "16000", "--stems", arg(&stems)]).exits(0);
    let mb =
        |p: &std::path::Path| format!("{:.1} MB", std::fs::metadata(p).unwrap().len() as f64 / 1e6);
    // 32.5 s mono 16-bit at 16 kHz: 1 040 044 bytes each (44-byte header).
    assert_eq!(
        std::fs::metadata(&target).unwrap().len(),
        44 + 32 * 16000 * 2 + 8000 * 2
    );
    let expected = format!(
        "to {}: 16000 Hz, mono, {}; stems in {}: metronome.wav {}, voice.wav {}, tones.wav {}\n",
        target.display(),
        mb(&target),
        stems.display(),
        mb(&stems.join("metronome.wav")),
        mb(&stems.join("voice.wav")),
        mb(&stems.join("tones.wav")),
    );
    assert!(
        stderr.ends_with(&expected),
        "{stderr}\nexpected the end: {expected}"
    );
    // Four files of 1.0 MB, not the old sum of 4.2 MB on the WAV's line.
    assert!(!stderr.contains("4.2 MB"), "{stderr}");
}
