//! The command line as a user meets it: exit codes, atomic files, pipes, help.

use crate::util::{Rustig, root, text};

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(Rustig::new(&[]).run().status.code(), Some(2));
    assert_eq!(Rustig::new(&["render"]).run().status.code(), Some(2));
    assert_eq!(Rustig::new(&["frobnicate"]).run().status.code(), Some(2));
    let bad_rate = Rustig::new(&["render", "x.toml", "-o", "x.wav", "--rate", "7000"]).run();
    assert_eq!(bad_rate.status.code(), Some(2));
    assert!(
        text(&bad_rate).1.contains("7000 is not in 8000..=192000"),
        "{}",
        text(&bad_rate).1
    );
    let help = Rustig::new(&["render", "--help"]).run();
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help).0.contains("--stems <DIR>"));
}

#[test]
fn a_missing_session_file_exits_1_with_its_name() {
    let out = Rustig::new(&["show", "nope.toml"]).run();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).1.starts_with(
            "nope.toml:1:1: error[R0001]: cannot read the session: No such file or directory"
        ),
        "{}",
        text(&out).1
    );
}

#[test]
fn a_failed_render_never_touches_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("keep.wav");
    std::fs::write(&target, b"precious").unwrap();
    let out = Rustig::new(&[
        "--voice-dir",
        "tests/data/voice",
        "render",
        "tests/data/invalid/unknown-kind.toml",
        "-o",
        target.to_str().unwrap(),
    ])
    .run();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left behind"
    );
}

#[test]
fn a_render_replaces_the_target_only_when_complete_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.wav");
    std::fs::write(&target, b"old").unwrap();
    let stems = dir.path().join("stems");
    let out = Rustig::new(&[
        "--voice-dir",
        "tests/data/voice",
        "render",
        "tests/data/sessions/golden.toml",
        "-o",
        target.to_str().unwrap(),
        "--rate",
        "16000",
        "--channels",
        "2",
        "--stems",
        stems.to_str().unwrap(),
    ])
    .run();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let main = hound::WavReader::open(&target).unwrap();
    assert_eq!(main.spec().sample_rate, 16000);
    assert_eq!(main.spec().channels, 2);
    assert_eq!(main.duration(), 32 * 16000 + 8000);
    for stem in ["metronome.wav", "voice.wav", "tones.wav"] {
        let r = hound::WavReader::open(stems.join(stem)).unwrap();
        assert_eq!(
            (r.duration(), r.spec().channels),
            (32 * 16000 + 8000, 2),
            "{stem} has the main output's length"
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["out.wav", "stems"]);
}

#[test]
fn render_into_a_missing_folder_exits_1_and_says_so() {
    let out = Rustig::new(&[
        "--voice-dir",
        "tests/data/voice",
        "render",
        "tests/data/sessions/golden.toml",
        "-o",
        "/nonexistent-folder/x.wav",
    ])
    .run();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out).1,
        "error: the folder /nonexistent-folder does not exist; create it first or choose another -o\n"
    );
}

#[test]
fn render_into_an_unwritable_folder_exits_1_and_leaves_nothing() {
    let out = Rustig::new(&[
        "--voice-dir",
        "tests/data/voice",
        "render",
        "tests/data/sessions/golden.toml",
        "-o",
        "/proc/x.wav",
    ])
    .run();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out)
            .1
            .starts_with("error: cannot write /proc/x.wav: "),
        "{}",
        text(&out).1
    );
}

#[test]
fn show_into_a_closed_pipe_is_not_an_error() {
    // A three-hour run: its JSON (about 2 MB) is far more than a pipe buffers
    // (64 KiB), so `head` closes the pipe while rustig is still writing.
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("long.toml");
    std::fs::write(
        &session,
        "title = \"Lang\"\nvoice = \"test\"\n[[block]]\nkind = \"run\"\nduration = \"3h\"\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_rustig");
    let show = format!(
        "'{bin}' --voice-dir tests/data/voice show --json '{}'",
        session.display()
    );
    let full = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("{show} | wc -c"))
        .current_dir(root())
        .output()
        .unwrap();
    let bytes: usize = String::from_utf8_lossy(&full.stdout)
        .trim()
        .parse()
        .unwrap();
    assert!(
        bytes > 1 << 20,
        "the JSON must not fit in a pipe: {bytes} bytes"
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "{show} | head -c 10 >/dev/null; exit ${{PIPESTATUS[0]}}"
        ))
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "no message either"
    );
}

#[test]
fn built_in_sessions_and_voice_work_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = Rustig::new(&["show", "sessions/opbouw/week01-1.toml"])
        .cwd(dir.path())
        .run();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("Week 1 · training 1\n"), "{stdout}");
    assert!(stdout.contains("Warming-up (walk"), "{stdout}");
}

#[test]
fn render_never_replaces_a_device_or_folder() {
    use std::os::unix::fs::FileTypeExt;
    let out = Rustig::new(&[
        "--voice-dir",
        "tests/data/voice",
        "render",
        "tests/data/sessions/golden.toml",
        "-o",
        "/dev/null",
    ])
    .run();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out).1,
        "error: cannot write /dev/null: it exists and is not a regular file\n"
    );
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}
