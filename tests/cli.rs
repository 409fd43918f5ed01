//! The command line as a user meets it: exit codes, atomic files, pipes, help.

use std::process::Command;

use crate::util::{GOLDEN, Rustig, VOICES, arg, listing, render_golden, root, text};

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    Rustig::new(&[]).exits(2);
    Rustig::new(&["render"]).exits(2);
    Rustig::new(&["frobnicate"]).exits(2);
    let (_, stderr) = Rustig::new(&["render", "x.toml", "-o", "x.wav", "--rate", "7000"]).exits(2);
    assert!(stderr.contains("7000 is not in 8000..=192000"), "{stderr}");
    let (help, _) = Rustig::new(&["render", "--help"]).exits(0);
    assert!(help.contains("--stems <DIR>"), "{help}");
}

#[test]
fn a_missing_session_file_exits_1_with_its_name() {
    let (_, stderr) = Rustig::new(&["show", "nope.toml"]).exits(1);
    assert!(
        stderr.starts_with(
            "nope.toml:1:1: error[R0001]: cannot read the session: No such file or directory"
        ),
        "{stderr}"
    );
}

#[test]
fn a_failed_render_never_touches_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("keep.wav");
    std::fs::write(&target, b"precious").unwrap();
    let session = "tests/data/invalid/unknown-kind.toml";
    Rustig::fixture(&["render", session, "-o", arg(&target)]).exits(1);
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
    assert_eq!(
        listing(dir.path()),
        ["keep.wav"],
        "no temporary file left behind"
    );
}

#[test]
fn a_render_replaces_the_target_only_when_complete_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.wav");
    // An earlier render (a WAV) is replaced without --force.
    std::fs::write(&target, b"RIFF\0\0\0\0WAVEold").unwrap();
    let stems = dir.path().join("stems");
    let more = ["--rate", "16000", "--channels", "2", "--stems", arg(&stems)];
    render_golden(arg(&target), &more).exits(0);
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
    assert_eq!(listing(dir.path()), ["out.wav", "stems"]);
}

#[test]
fn render_into_a_missing_folder_exits_1_and_says_so() {
    let (_, stderr) = render_golden("/nonexistent-folder/x.wav", &[]).exits(1);
    assert_eq!(
        stderr,
        "error: cannot write /nonexistent-folder/x.wav: the folder /nonexistent-folder does not exist\n  = help: create it first, e.g. mkdir -p /nonexistent-folder\n"
    );
}

#[test]
fn a_render_whose_writes_fail_exits_1_and_leaves_nothing_behind() {
    if !crate::tools::require_tools(&["bash"]) {
        return;
    }
    // A folder no one may create files in, root included.
    let (_, stderr) = render_golden("/proc/x.wav", &[]).exits(1);
    assert!(
        stderr.starts_with("error: cannot write /proc/x.wav: "),
        "{stderr}"
    );
    // A write that fails half-way: under a file size limit of 64 KiB (with SIGXFSZ
    // ignored, so the write returns EFBIG instead of killing rustig), the 520 KB WAV
    // cannot be finished. The old file stays, and the part file is removed.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.wav");
    std::fs::write(&target, b"RIFF\0\0\0\0WAVEold").unwrap();
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -f 64; trap '' XFSZ; exec '{}' --voice-dir {VOICES} render {GOLDEN} -o '{}' --rate 8000",
            env!("CARGO_BIN_EXE_rustig"),
            target.display()
        ))
        .current_dir(root())
        .env("XDG_DATA_HOME", "/nonexistent-rustig-data")
        .output()
        .unwrap();
    let stderr = text(&out).1;
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.ends_with(&format!(
            "error: cannot write {}: File too large (os error 27)\n",
            target.display()
        )),
        "{stderr}"
    );
    assert_eq!(
        listing(dir.path()),
        ["out.wav"],
        "the old file stays and no part file is left"
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"RIFF\0\0\0\0WAVEold");
}

#[test]
fn show_into_a_closed_pipe_is_not_an_error() {
    if !crate::tools::require_tools(&["bash", "head", "wc"]) {
        return;
    }
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
        "'{bin}' --voice-dir {VOICES} show --json '{}'",
        session.display()
    );
    let full = Command::new("bash")
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
    let out = Command::new("bash")
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
    let (stdout, _) = Rustig::new(&["show", "sessions/opbouw/week01-1.toml"])
        .cwd(dir.path())
        .exits(0);
    assert!(stdout.starts_with("Week 1 · training 1\n"), "{stdout}");
    assert!(stdout.contains("Warming-up (walk"), "{stdout}");
}

#[test]
fn render_never_replaces_a_device_or_folder() {
    use std::os::unix::fs::FileTypeExt;
    let (_, stderr) = render_golden("/dev/null", &[]).exits(2);
    assert_eq!(
        stderr,
        "error: render writes WAV files; /dev/null does not end in .wav\n  = help: name the output .wav, e.g. -o /dev/null.wav\n"
    );
    let links = tempfile::tempdir().unwrap();
    let link = links.path().join("null.wav");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let (_, stderr) = render_golden(arg(&link), &[]).exits(1);
    assert_eq!(
        stderr,
        format!(
            "error: {} exists and is not a regular file; rustig replaces only files\n  = help: choose another name for the output\n",
            link.display()
        )
    );
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("week1.wav");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("mine.txt"), b"mine").unwrap();
    let (_, stderr) = render_golden(arg(&folder), &[]).exits(1);
    assert_eq!(
        stderr,
        format!(
            "error: {0} is a folder; give a file name, e.g. -o {0}/session.wav\n",
            folder.display()
        )
    );
    assert_eq!(listing(dir.path()), ["week1.wav"]);
    assert_eq!(std::fs::read(folder.join("mine.txt")).unwrap(), b"mine");
}
