//! Issue 23: nothing lost, nothing hangs, nothing escapes. Each test is one careless or
//! hostile input and asserts the exit status, the exact message, and that the user's
//! files are byte for byte what they were.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::util::{GOLDEN, Rustig, arg, listing, root, text};

/// A folder with a copy of the golden session as `s.toml` (and the fixture voices
/// reachable through `--voice-dir`).
fn workdir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("s.toml");
    std::fs::copy(root().join(GOLDEN), &session).unwrap();
    (dir, session)
}

/// Every file of a folder with its bytes, to compare before and after.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    listing(dir)
        .into_iter()
        .filter(|n| dir.join(n).is_file())
        .map(|n| {
            let bytes = std::fs::read(dir.join(&n)).unwrap();
            (n, bytes)
        })
        .collect()
}

/// `rustig --voice-dir tests/data/voice ARGS` run in `dir`.
fn in_dir(dir: &Path, args: &[&str]) -> Rustig {
    let voices = root().join(crate::util::VOICES);
    let mut all = vec!["--voice-dir", arg(&voices)];
    all.extend_from_slice(args);
    Rustig::new(&all).cwd(dir)
}

// ---- Data loss: one rule for every output ----

#[test]
fn render_onto_its_own_session_is_refused_and_the_session_kept() {
    let (dir, _) = workdir();
    let before = snapshot(dir.path());
    let (_, stderr) = in_dir(dir.path(), &["render", "s.toml", "-o", "s.toml"]).exits(2);
    assert_eq!(
        stderr,
        "error: render writes WAV files; s.toml does not end in .wav\n  = help: name the output .wav, e.g. -o s.wav\n"
    );
    // The same file under a .wav name (a hard link): still the input.
    std::fs::hard_link(dir.path().join("s.toml"), dir.path().join("s.wav")).unwrap();
    let before_link = snapshot(dir.path());
    let (_, stderr) = in_dir(dir.path(), &["render", "s.toml", "-o", "s.wav", "--force"]).exits(1);
    assert_eq!(
        stderr,
        "error: cannot write s.wav: it is s.toml, which this command reads\n  = help: choose another name for the output\n"
    );
    assert_eq!(snapshot(dir.path()), before_link);
    assert_eq!(before.len() + 1, before_link.len());
}

#[test]
fn render_onto_a_clip_of_its_voice_pack_is_refused() {
    let (tmp, pack) = crate::util::pack_copy();
    let before = snapshot(&pack);
    let clip = listing(&pack)
        .into_iter()
        .find(|n| n.ends_with(".wav"))
        .unwrap();
    let out = pack.join(&clip);
    let (_, stderr) =
        Rustig::with_voices(tmp.path(), &["render", GOLDEN, "-o", arg(&out)]).exits(1);
    assert_eq!(
        stderr,
        format!(
            "error: cannot write {0}: it is {0}, which this command reads\n  = help: choose another name for the output\n",
            out.display()
        )
    );
    assert_eq!(snapshot(&pack), before);
}

#[test]
fn render_to_mp3_is_refused_with_the_export_command() {
    let (dir, _) = workdir();
    let (_, stderr) = in_dir(dir.path(), &["render", "s.toml", "-o", "x.mp3"]).exits(2);
    assert_eq!(
        stderr,
        "error: render writes WAV files, not an MP3 file\n  = help: for MP3, export the session: rustig export s.toml -o FOLDER --format mp3\n"
    );
    assert_eq!(listing(dir.path()), ["s.toml"]);
}

#[test]
fn render_does_not_replace_a_file_that_is_not_a_wav_without_force() {
    let (dir, _) = workdir();
    std::fs::write(dir.path().join("notes.wav"), b"my notes").unwrap();
    let (_, stderr) = in_dir(dir.path(), &["render", "s.toml", "-o", "notes.wav"]).exits(1);
    assert_eq!(
        stderr,
        "error: notes.wav exists and is not a WAV file rustig wrote; it is left as it is\n  = help: choose another name, or add --force to replace it\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("notes.wav")).unwrap(),
        b"my notes"
    );
    in_dir(
        dir.path(),
        &["render", "s.toml", "-o", "notes.wav", "--force"],
    )
    .exits(0);
    let wav = hound::WavReader::open(dir.path().join("notes.wav")).unwrap();
    assert_eq!(wav.spec().sample_rate, 44100);
}

#[test]
fn render_replaces_its_own_earlier_output_without_force() {
    let (dir, _) = workdir();
    in_dir(
        dir.path(),
        &["render", "s.toml", "-o", "a.wav", "--rate", "8000"],
    )
    .exits(0);
    in_dir(
        dir.path(),
        &["render", "s.toml", "-o", "a.wav", "--rate", "16000"],
    )
    .exits(0);
    let wav = hound::WavReader::open(dir.path().join("a.wav")).unwrap();
    assert_eq!(wav.spec().sample_rate, 16000);
}

#[test]
fn render_into_a_folder_that_is_a_file_does_not_suggest_mkdir() {
    let (dir, _) = workdir();
    let (_, stderr) = in_dir(dir.path(), &["render", "s.toml", "-o", "s.toml/x.wav"]).exits(1);
    assert_eq!(
        stderr,
        "error: cannot write s.toml/x.wav: s.toml is a file, not a folder\n  = help: choose a path inside a folder\n"
    );
}

#[test]
fn report_png_writes_a_png_and_refuses_a_session_name() {
    let (dir, _) = workdir();
    let xdg = dir.path().join("xdg");
    let before = snapshot(dir.path());
    let (_, stderr) = in_dir(dir.path(), &["report", "-o", "s.toml"])
        .env("XDG_DATA_HOME", &xdg)
        .exits(2);
    assert_eq!(
        stderr,
        "error: report writes .html, .svg or .png files; s.toml is none of them\n  = help: e.g. -o s.html\n"
    );
    let (_, stderr) = in_dir(dir.path(), &["report", "-o", "p.png", "--format", "html"])
        .env("XDG_DATA_HOME", &xdg)
        .exits(2);
    assert_eq!(
        stderr,
        "error: --format html writes an HTML page, but p.png ends in .png\n  = help: name the file .html or leave out --format\n"
    );
    assert_eq!(snapshot(dir.path()), before);
    in_dir(dir.path(), &["report", "-o", "p.png"])
        .env("XDG_DATA_HOME", &xdg)
        .exits(0);
    let png = std::fs::read(dir.path().join("p.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
}

#[test]
fn report_does_not_replace_a_page_it_did_not_write() {
    let (dir, _) = workdir();
    let xdg = dir.path().join("xdg");
    std::fs::write(dir.path().join("index.html"), b"my page").unwrap();
    let (_, stderr) = in_dir(dir.path(), &["report", "-o", "index.html"])
        .env("XDG_DATA_HOME", &xdg)
        .exits(1);
    assert_eq!(
        stderr,
        "error: index.html exists and is not an HTML page rustig wrote; it is left as it is\n  = help: choose another name, or add --force to replace it\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("index.html")).unwrap(),
        b"my page"
    );
}

#[test]
fn schema_refuses_a_session_name_and_a_foreign_json() {
    let (dir, _) = workdir();
    std::fs::write(dir.path().join("package.json"), b"{\"name\": \"x\"}").unwrap();
    let before = snapshot(dir.path());
    let (_, stderr) = in_dir(dir.path(), &["schema", "-o", "s.toml"]).exits(2);
    assert_eq!(
        stderr,
        "error: the schema is JSON; s.toml does not end in .json\n  = help: e.g. -o rustig-session.schema.json\n"
    );
    let (_, stderr) = in_dir(dir.path(), &["schema", "-o", "package.json"]).exits(1);
    assert_eq!(
        stderr,
        "error: package.json exists and is not a JSON Schema rustig wrote; it is left as it is\n  = help: choose another name, or add --force to replace it\n"
    );
    assert_eq!(snapshot(dir.path()), before);
    // Its own schema is replaced.
    in_dir(dir.path(), &["schema", "-o", "r.json"]).exits(0);
    in_dir(dir.path(), &["schema", "-o", "r.json"]).exits(0);
}

#[test]
fn new_into_a_file_as_folder_does_not_suggest_mkdir() {
    let (dir, _) = workdir();
    let (_, stderr) = in_dir(dir.path(), &["new", "s.toml/n.toml"]).exits(1);
    assert_eq!(
        stderr,
        "error: cannot write s.toml/n.toml: s.toml is a file, not a folder\n  = help: choose a path inside a folder\n"
    );
}

#[test]
fn man_into_a_file_does_not_suggest_mkdir() {
    let (dir, _) = workdir();
    let before = snapshot(dir.path());
    let (_, stderr) = in_dir(dir.path(), &["man", "-o", "s.toml"]).exits(1);
    assert_eq!(
        stderr,
        "error: s.toml is a file, not a folder\n  = help: -o takes the folder the manual pages go into\n"
    );
    assert_eq!(snapshot(dir.path()), before);
}

// ---- Panics: every print can fail ----

/// Runs `rustig ARGS` with stdout into a pipe that is closed after the first line.
fn into_head(args: &[&str]) -> (Option<i32>, String) {
    let voices = root().join(crate::util::VOICES);
    let line = format!(
        "'{}' --voice-dir '{}' {} | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}",
        env!("CARGO_BIN_EXE_rustig"),
        voices.display(),
        args.join(" ")
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(line)
        .current_dir(root())
        .env("XDG_DATA_HOME", "/nonexistent-rustig-data")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    (stdout.trim().parse().ok(), stderr)
}

#[test]
fn a_closed_pipe_ends_check_show_and_explain_quietly_with_status_0() {
    if !crate::tools::require_tools(&["bash", "head"]) {
        return;
    }
    for args in [
        &["check", "sessions/opbouw"][..],
        &["show", "sessions/opbouw/week10-1.toml", "--json"],
        &["explain", "--list"],
        &["schema"],
        &["check", "--message-format", "json", "tests/data/invalid"],
    ] {
        let (code, stderr) = into_head(args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}

/// Runs `rustig ARGS` with `stream` (1 or 2) into /dev/full.
fn into_full(stream: u8, args: &[&str]) -> (Option<i32>, String, String) {
    let voices = root().join(crate::util::VOICES);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rustig"));
    cmd.arg("--voice-dir")
        .arg(&voices)
        .args(args)
        .current_dir(root())
        .env("XDG_DATA_HOME", "/nonexistent-rustig-data");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    if stream == 1 {
        cmd.stdout(full).stderr(Stdio::piped());
    } else {
        cmd.stderr(full).stdout(Stdio::piped());
    }
    let out = cmd.output().unwrap();
    let (o, e) = text(&out);
    (out.status.code(), o, e)
}

#[test]
fn a_full_stdout_is_a_clear_error_with_status_1() {
    for args in [
        &["check", "sessions/opbouw"][..],
        &["show", "sessions/opbouw/week01-1.toml"],
        &["explain", "--list"],
    ] {
        let (code, _, stderr) = into_full(1, args);
        assert_eq!(code, Some(1), "{args:?}");
        assert_eq!(
            stderr,
            "error: cannot write to standard output: No space left on device (os error 28)\n",
            "{args:?}"
        );
    }
}

#[test]
fn a_full_stderr_does_not_panic_and_the_render_is_complete_with_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.wav");
    let (code, stdout, _) = into_full(2, &["render", GOLDEN, "-o", arg(&out), "--rate", "8000"]);
    assert_eq!((code, stdout.as_str()), (Some(1), ""));
    let wav = hound::WavReader::open(&out).unwrap();
    assert_eq!(wav.duration(), 32 * 8000 + 4000);
}

#[test]
fn export_whose_progress_pipe_closes_still_writes_every_file() {
    if !crate::tools::require_tools(&["bash", "head"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let voices = root().join(crate::util::VOICES);
    let line = format!(
        "'{}' --voice-dir '{}' export {GOLDEN} -o '{}' --format wav --rate 8000 --jobs 1 2>&1 | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}",
        env!("CARGO_BIN_EXE_rustig"),
        voices.display(),
        dir.path().display()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(line)
        .current_dir(root())
        .env("XDG_DATA_HOME", "/nonexistent-rustig-data")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(stdout.trim(), "0", "{stderr}");
    let files = listing(dir.path());
    assert!(files.iter().any(|f| f.ends_with(".wav")), "{files:?}");
    assert!(files.iter().any(|f| f.ends_with(".m3u8")), "{files:?}");
    assert!(!files.iter().any(|f| f.ends_with(".part")), "{files:?}");
}

// ---- Hangs and unbounded memory: bounded reads of regular files only ----

/// Runs with a time limit: a hang is a failure, not a stuck test run.
fn within_10s(cmd: Rustig) -> (Option<i32>, String) {
    let out = cmd.timeout(std::time::Duration::from_secs(10));
    (out.status.code(), text(&out).1)
}

#[test]
fn a_fifo_session_is_refused_at_once() {
    if !crate::tools::require_tools(&["mkfifo"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("s.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (code, stderr) = within_10s(Rustig::new(&["check", "s.toml"]).cwd(dir.path()));
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        "s.toml:1:1: error[R0001]: cannot read the session: it is a FIFO (named pipe), not a file\n  = help: a session is a small text file (.toml); check the path\nchecked 1 file: 1 error, 0 warnings\n"
    );
}

#[test]
fn a_session_linked_to_dev_zero_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("z.toml")).unwrap();
    for cmd in ["show", "render"] {
        let mut args = vec![cmd, "z.toml"];
        if cmd == "render" {
            args.extend(["-o", "z.wav"]);
        }
        let (code, stderr) = within_10s(Rustig::new(&args).cwd(dir.path()));
        assert_eq!(code, Some(1), "{cmd}");
        assert_eq!(
            stderr,
            "z.toml:1:1: error[R0001]: cannot read the session: it is a device, not a file\n  = help: a session is a small text file (.toml); check the path\n",
            "{cmd}"
        );
    }
    assert_eq!(listing(dir.path()), ["z.toml"]);
}

#[test]
fn a_voice_toml_that_is_dev_zero_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("test");
    std::fs::create_dir(&pack).unwrap();
    std::os::unix::fs::symlink("/dev/zero", pack.join("voice.toml")).unwrap();
    let (code, stderr) = within_10s(Rustig::with_voices(
        dir.path(),
        &["voice", "check", "--voice", "test"],
    ));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot read the voice pack: it is a device, not a file"),
        "{stderr}"
    );
}

#[test]
fn a_clip_linked_to_dev_zero_is_outside_the_pack_and_refused() {
    let (tmp, pack) = crate::util::pack_copy();
    let clip = pack.join("blok-run.wav");
    std::fs::remove_file(&clip).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &clip).unwrap();
    let (code, stderr) = within_10s(Rustig::with_voices(
        tmp.path(),
        &["voice", "check", "--voice", "test"],
    ));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("error[R0022]: clip file `blok-run.wav` is outside the pack's folder"),
        "{stderr}"
    );
}

#[test]
fn a_fifo_clip_in_the_pack_is_refused_at_once() {
    if !crate::tools::require_tools(&["mkfifo"]) {
        return;
    }
    let (tmp, pack) = crate::util::pack_copy();
    let clip = pack.join("blok-run.wav");
    std::fs::remove_file(&clip).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(&clip)
            .status()
            .unwrap()
            .success()
    );
    let (code, stderr) = within_10s(Rustig::with_voices(
        tmp.path(),
        &["voice", "check", "--voice", "test"],
    ));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "clip file `blok-run.wav` cannot be read: it is a FIFO (named pipe), not a file"
        ),
        "{stderr}"
    );
}

#[test]
fn a_folder_with_a_symlink_loop_is_checked_once_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("loop/a");
    std::fs::create_dir_all(&a).unwrap();
    std::os::unix::fs::symlink("..", a.join("back")).unwrap();
    std::os::unix::fs::symlink(".", a.join("self")).unwrap();
    std::fs::copy(root().join(GOLDEN), a.join("s.toml")).unwrap();
    let cmd = Rustig::fixture(&["check", arg(&dir.path().join("loop"))]);
    let out = cmd.timeout(std::time::Duration::from_secs(10));
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stderr.ends_with("checked 1 file: 0 errors, 3 warnings\n"),
        "{stderr}"
    );
}

#[test]
fn a_program_listing_a_path_outside_its_folder_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let prog = dir.path().join("prog");
    std::fs::create_dir(&prog).unwrap();
    std::fs::write(
        prog.join("program.toml"),
        "[program]\ntitle = \"x\"\nsessions = [\"../../etc/passwd\", \"/etc/passwd\"]\n",
    )
    .unwrap();
    let (_, stderr) = Rustig::new(&["check", "prog"]).cwd(dir.path()).exits(1);
    assert!(
        stderr.starts_with("prog/program.toml:3:13: error[R0021]: session file `../../etc/passwd` is outside the program's folder\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error[R0021]: session file `/etc/passwd` is outside the program's folder"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("root:"),
        "a line of /etc/passwd was printed: {stderr}"
    );
}

#[test]
fn a_pack_clip_outside_its_folder_is_a_located_error() {
    let (tmp, pack) = crate::util::pack_copy();
    std::fs::write(
        tmp.path().join("outside.wav"),
        std::fs::read(pack.join("blok-run.wav")).unwrap(),
    )
    .unwrap();
    let manifest = pack.join("voice.toml");
    let text_before = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text_before.replace("file = \"blok-run.wav\"", "file = \"../outside.wav\""),
    )
    .unwrap();
    let (_, stderr) =
        Rustig::with_voices(tmp.path(), &["voice", "check", "--voice", "test"]).exits(1);
    assert!(
        stderr.contains("error[R0022]: clip file `../outside.wav` is outside the pack's folder"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "= help: name clip files relative to the folder of voice.toml, e.g. blok-run.wav"
        ),
        "{stderr}"
    );
}

// ---- Escapes: names given on the command line ----

#[test]
fn a_voice_name_that_is_a_path_is_refused() {
    for name in ["../../etc", "/etc", ".hidden", "a/b"] {
        let (_, stderr) = Rustig::new(&["voice", "list", "--voice", name]).exits(2);
        assert!(
            stderr.contains(&format!(
                "`{name}` is not a voice pack name: use the name of a pack folder (letters, digits, - and _), e.g. nl"
            )),
            "{stderr}"
        );
    }
}

#[test]
fn a_session_naming_a_voice_by_path_finds_nothing_outside() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("test");
    crate::util::copy_test_pack(&pack);
    let session = std::fs::read_to_string(root().join(GOLDEN))
        .unwrap()
        .replace("voice = \"test\"", "voice = \"../test\"");
    assert!(session.contains("../test"));
    let inner = dir.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(dir.path().join("s.toml"), session).unwrap();
    let (_, stderr) =
        Rustig::with_voices(&inner, &["check", arg(&dir.path().join("s.toml"))]).exits(1);
    assert!(
        stderr.contains("voice pack `../test` not found"),
        "{stderr}"
    );
}

#[test]
fn a_voice_dir_that_does_not_exist_is_an_error() {
    let (_, stderr) = Rustig::new(&["--voice-dir", "/nonexistent-voices", "show", GOLDEN]).exits(2);
    assert_eq!(
        stderr,
        "error: --voice-dir /nonexistent-voices: no such folder\n  = help: give a voice pack folder (with voice.toml) or a folder of packs\n"
    );
    let (_, stderr) = Rustig::new(&["--voice-dir", GOLDEN, "show", GOLDEN]).exits(2);
    assert_eq!(
        stderr,
        format!(
            "error: --voice-dir {GOLDEN}: not a folder\n  = help: give a voice pack folder (with voice.toml) or a folder of packs\n"
        )
    );
}

// ---- Escapes: text from files and the journal is shown escaped ----

/// The golden session with `title` (a TOML basic string's content) as its title.
fn hostile_session(dir: &Path, title: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join(GOLDEN)).unwrap();
    let start = text.find("\ntitle = ").unwrap() + 1;
    let end = start + text[start..].find('\n').unwrap();
    let text = format!("{}title = \"{title}\"{}", &text[..start], &text[end..]);
    let path = dir.join("s.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_title_that_clears_the_screen_is_shown_escaped_by_show() {
    let dir = tempfile::tempdir().unwrap();
    hostile_session(dir.path(), "Week\\u001b[2J\\u001b[31m 1\\u202e");
    let before = snapshot(dir.path());
    let (stdout, _) = in_dir(dir.path(), &["show", "s.toml"]).exits(0);
    assert!(
        stdout.starts_with("Week\\u{1b}[2J\\u{1b}[31m 1\\u{202e}\n"),
        "{stdout}"
    );
    assert!(!stdout.contains('\u{1b}') && !stdout.contains('\u{202e}'));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_diagnostic_quotes_a_hostile_line_escaped_with_its_caret_moved() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join(GOLDEN)).unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        format!("{text}\nbad\u{1b}]0;pwned\u{7} = 1\n"),
    )
    .unwrap();
    let before = snapshot(dir.path());
    let (_, stderr) = in_dir(dir.path(), &["check", "s.toml"]).exits(1);
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
    assert!(
        stderr.contains("| bad\\u{1b}]0;pwned\\u{7} = 1\n"),
        "{stderr}"
    );
    // The caret stays under the first offending character, now six wide.
    assert!(stderr.contains("|    ^^^^^^"), "{stderr}");
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_file_name_with_an_escape_code_is_shown_escaped_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (_, stderr) = in_dir(dir.path(), &["show", "a\u{1b}[2Jb.toml"]).exits(1);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(
        stderr.starts_with("a\\u{1b}[2Jb.toml:1:1: error[R0001]: cannot read the session"),
        "{stderr}"
    );
    assert!(listing(dir.path()).is_empty());
}

/// A journal in `data` with one run recorded by `log add`.
fn journal_with_a_run(data: &Path) -> PathBuf {
    let out = Rustig::new(&["log", "add", "--no-questions", "--note", "Knie"])
        .env("XDG_DATA_HOME", data)
        .run();
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    data.join("rustig").join("journal.db")
}

#[test]
fn a_note_with_an_escape_code_stored_by_an_older_rustig_is_shown_escaped() {
    let data = tempfile::tempdir().unwrap();
    let db = journal_with_a_run(data.path());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE runs SET note = ?1", ["Knie\u{1b}[2J\u{9b}31m"])
        .unwrap();
    drop(conn);
    let before = std::fs::read(&db).unwrap();
    let out = Rustig::new(&["log"])
        .env("XDG_DATA_HOME", data.path())
        .run();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("Knie\\u{1b}[2J\\u{9b}31m\n"), "{stdout}");
    assert!(!stdout.contains('\u{1b}') && !stdout.contains('\u{9b}'));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

// ---- The journal: read-only commands read a journal they cannot write ----

/// Makes `paths` unwritable, for root too (`chattr +i` there; root ignores modes).
struct Frozen(Vec<PathBuf>);

impl Frozen {
    fn new(paths: &[&Path]) -> Frozen {
        let root_user = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
        for p in paths {
            if root_user {
                let ok = Command::new("chattr").arg("+i").arg(p).status().unwrap();
                assert!(ok.success(), "chattr +i {}", p.display());
            } else {
                let mut perms = std::fs::metadata(p).unwrap().permissions();
                perms.set_readonly(true);
                std::fs::set_permissions(p, perms).unwrap();
            }
        }
        Frozen(paths.iter().map(|p| p.to_path_buf()).collect())
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = Command::new("chattr").arg("-i").arg(p).status();
            if let Ok(m) = std::fs::metadata(p) {
                let mut perms = m.permissions();
                #[allow(clippy::permissions_set_readonly_false)]
                perms.set_readonly(false);
                let _ = std::fs::set_permissions(p, perms);
            }
        }
    }
}

#[test]
fn log_status_and_report_read_a_journal_in_a_read_only_folder() {
    let data = tempfile::tempdir().unwrap();
    let db = journal_with_a_run(data.path());
    let before = std::fs::read(&db).unwrap();
    let folder = db.parent().unwrap().to_path_buf();
    let page = tempfile::tempdir().unwrap();
    let page_path = page.path().join("r.html");
    let frozen = Frozen::new(&[&db, &folder]);
    let run = |args: &[&str]| Rustig::new(args).env("XDG_DATA_HOME", data.path()).run();
    let out = run(&["log"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(text(&out).0.contains("Knie\n"), "{:?}", text(&out));
    let out = run(&["status"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(
        text(&out)
            .0
            .contains("Laatst afgerond: week 1, training 1\n"),
        "{:?}",
        text(&out)
    );
    let out = run(&["report", "-o", arg(&page_path)]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    // A command that records says why it cannot, and writes nothing.
    let out = run(&["log", "add", "--no-questions"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out).1,
        format!(
            "error: journal {} cannot be opened; check that its folder exists and that you may write there\n",
            db.display()
        )
    );
    drop(frozen);
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(listing(&folder), ["journal.db"]);
}

#[test]
fn log_creates_no_journal_where_there_is_none() {
    let data = tempfile::tempdir().unwrap();
    let out = Rustig::new(&["log"])
        .env("XDG_DATA_HOME", data.path())
        .run();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out).0,
        format!(
            "Nog geen trainingen in het dagboek ({}).\n",
            data.path().join("rustig/journal.db").display()
        )
    );
    assert!(listing(data.path()).is_empty());
}

// ---- Unclear: dates and times as people type them ----

#[test]
fn since_takes_the_days_a_runner_names() {
    let data = tempfile::tempdir().unwrap();
    let db = journal_with_a_run(data.path());
    let before = std::fs::read(&db).unwrap();
    for day in ["vandaag", "gisteren", "eergisteren", "7d", "Gisteren"] {
        let out = Rustig::new(&["log", "--since", day])
            .env("XDG_DATA_HOME", data.path())
            .run();
        assert_eq!(out.status.code(), Some(0), "{day}: {:?}", text(&out));
        assert!(text(&out).0.contains("week01-1"), "{day}: {:?}", text(&out));
    }
    let out = Rustig::new(&["log", "--since", "morgen"])
        .env("XDG_DATA_HOME", data.path())
        .run();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out).1,
        "error: --since morgen: write a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM (e.g. 2026-05-14T07:30), or vandaag, gisteren, eergisteren or 7d (seven days ago)\n"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn from_with_seconds_past_59_is_refused() {
    let (dir, _) = workdir();
    let before = snapshot(dir.path());
    for (from, bad) in [("12:99", "99"), ("1:60:00", "60"), ("0:00:60", "60")] {
        let (_, stderr) = in_dir(
            dir.path(),
            &["play", "--no-audio", "--from", from, "s.toml"],
        )
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .exits(2);
        assert!(
            stderr.starts_with(&format!(
                "error: invalid value '{from}' for '--from <TIME>': {bad} is not below 60: after a colon, minutes and seconds go up to 59 (12:30, 1:02:03)\n"
            )),
            "{stderr}"
        );
    }
    assert_eq!(snapshot(dir.path()), before);
}

// ---- SIGTERM and SIGHUP end render and export like Ctrl-C ----

/// Starts `rustig ARGS` in `dir`, waits until a part file appears below `watch`, sends
/// `signal` and returns the exit status and stderr.
fn signalled(dir: &Path, watch: &Path, args: &[&str], signal: &str) -> (Option<i32>, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_rustig"))
        .args(args)
        .current_dir(dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !crate::util::files_below(watch)
        .iter()
        .any(|f| f.to_string_lossy().ends_with(".part"))
    {
        assert!(
            started.elapsed().as_secs() < 60,
            "no part file appeared below {}",
            watch.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    (out.status.code(), text(&out).1)
}

#[test]
fn render_ended_by_sigterm_or_sighup_leaves_no_part_file() {
    for signal in ["TERM", "HUP"] {
        let (dir, _) = workdir();
        let before = snapshot(dir.path());
        let (code, stderr) = signalled(
            dir.path(),
            dir.path(),
            &[
                "render",
                "sessions/opbouw/week14-3.toml",
                "-o",
                "x.wav",
                "--rate",
                "48000",
                "--channels",
                "2",
            ],
            signal,
        );
        assert_eq!(code, Some(1), "SIG{signal}: {stderr}");
        assert_eq!(stderr, "Interrupted; nothing was written.\n", "SIG{signal}");
        assert_eq!(snapshot(dir.path()), before, "SIG{signal}");
        assert_eq!(listing(dir.path()), ["s.toml"], "SIG{signal}");
    }
}

#[test]
fn export_ended_by_sigterm_says_so_once_and_leaves_no_part_file() {
    let (dir, _) = workdir();
    let before = snapshot(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let (code, stderr) = signalled(
        dir.path(),
        &out,
        &[
            "export",
            "sessions/opbouw/week14-3.toml",
            "sessions/opbouw/week14-2.toml",
            "-o",
            "out",
            "--format",
            "wav",
            "--jobs",
            "2",
        ],
        "TERM",
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stderr.matches("Interrupted").count(), 1, "{stderr}");
    assert!(
        !stderr.contains("FAILED") && !stderr.contains("failed:"),
        "{stderr}"
    );
    assert!(
        stderr.contains(", 2 not written (interrupted); files in out\n"),
        "{stderr}"
    );
    let left: Vec<_> = crate::util::files_below(&out)
        .into_iter()
        .filter(|f| f.to_string_lossy().ends_with(".part") || f.to_string_lossy().ends_with(".wav"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn play_without_audio_prints_a_hostile_title_escaped() {
    let dir = tempfile::tempdir().unwrap();
    hostile_session(dir.path(), "Run\\u001b]0;pwned\\u0007");
    let before = snapshot(dir.path());
    let out = in_dir(
        dir.path(),
        &[
            "play",
            "--no-audio",
            "--speed",
            "10000",
            "--no-journal",
            "s.toml",
        ],
    )
    .timeout(std::time::Duration::from_secs(30));
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("Run\\u{1b}]0;pwned\\u{7}\n"), "{stdout}");
    assert!(!stdout.contains('\u{1b}') && !stdout.contains('\u{7}'));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_description_with_a_bell_and_a_bidi_override_is_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let path = hostile_session(dir.path(), "Week 1");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "title = \"Week 1\"",
        "title = \"Week 1\"\ndescription = \"two\\nlines\\u0007 \\u2067evil\"",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let before = snapshot(dir.path());
    let (stdout, _) = in_dir(dir.path(), &["show", "s.toml"]).exits(0);
    assert!(
        stdout.starts_with("Week 1\ntwo\nlines\\u{7} \\u{2067}evil\n"),
        "{stdout}"
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn log_add_takes_gisteren_as_a_date() {
    let data = tempfile::tempdir().unwrap();
    let out = Rustig::new(&["log", "add", "--no-questions", "--date", "gisteren"])
        .env("XDG_DATA_HOME", data.path())
        .run();
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let yesterday = (chrono::Local::now().date_naive() - chrono::Days::new(1))
        .format("%Y-%m-%d 00:00")
        .to_string();
    let out = Rustig::new(&["log"])
        .env("XDG_DATA_HOME", data.path())
        .run();
    assert!(text(&out).0.contains(&yesterday), "{:?}", text(&out));
}

#[test]
fn check_as_json_keeps_a_hostile_key_as_a_json_escape() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join(GOLDEN)).unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        text.replacen("cadence = 180", "cadence = 180\n\"x\\u001b[2J\" = 1", 1),
    )
    .unwrap();
    let before = snapshot(dir.path());
    let (stdout, _) = in_dir(dir.path(), &["check", "--message-format", "json", "s.toml"]).exits(1);
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["code"], "R0003", "{stdout}");
    assert!(
        first["message"].as_str().unwrap().contains("x\u{1b}[2J"),
        "the editor gets the key as it is: {stdout}"
    );
    assert_eq!(snapshot(dir.path()), before);
}
