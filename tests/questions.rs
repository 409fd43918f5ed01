//! The questions before and after a run, typed in a real pseudo-terminal with the keys
//! people press: `4` Enter, `7` Enter (re-asked), Backspace, arrows in the note, the
//! correction step, Ctrl-C. What is stored is read back from the journal.

use std::path::Path;
use std::process::Command;

use rexpect::process::wait::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use rustig::journal::{Journal, Score};

use crate::util::root;

/// How long one expected text may take to appear (a debug build, a busy machine).
const TIMEOUT_MS: u64 = 30_000;

/// `rustig ARGS` in a pseudo-terminal of 100×40 with its own data folder `data`.
fn in_terminal(data: &Path, args: &str) -> PtySession {
    let bin = env!("CARGO_BIN_EXE_rustig");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("stty cols 100 rows 40; exec {bin} {args}"))
        .current_dir(root())
        .env("XDG_DATA_HOME", data)
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR");
    spawn_command(cmd, Some(TIMEOUT_MS)).expect("a pseudo-terminal")
}

fn journal(data: &Path) -> Journal {
    Journal::open(&data.join("rustig/journal.db")).unwrap()
}

/// Waits for `text` on the terminal. rexpect reads the output byte by byte as Latin-1,
/// so the UTF-8 of `text` is compared the same way.
fn expect(p: &mut PtySession, text: &str) {
    let bytes: String = text.bytes().map(char::from).collect();
    if let Err(e) = p.exp_string(&bytes) {
        panic!("waiting for {text:?}: {e}");
    }
}

/// Types `keys` and sends them at once.
fn keys(p: &mut PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
}

const LEFT: &str = "\x1b[D";
const BACKSPACE: &str = "\x7f";

/// `4` Enter and `3` Enter answer two questions; `7` Enter and `x` Enter are re-asked
/// with a hint and skip nothing; Backspace edits; the arrows edit the note; `c` at the
/// summary corrects an answer before anything is stored.
#[test]
fn typed_answers_are_kept_corrected_and_stored() {
    if !crate::tools::require_tools(&["sh"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut p = in_terminal(dir.path(), "log add week01-1 --date 2026-05-11T07:30");
    expect(&mut p, "Hoe voelde je je vóór de training?");
    expect(&mut p, "Hoe gespannen voel je je?");
    keys(&mut p, "4\r");
    expect(&mut p, "Hoe is je stemming?");
    keys(&mut p, "7\r");
    expect(&mut p, "Typ een cijfer van 1 tot 5");
    keys(&mut p, BACKSPACE);
    keys(&mut p, "3\r");
    expect(&mut p, "Je antwoorden: stress vóór 4 · stemming vóór 3");
    expect(&mut p, "Enter slaat op");
    keys(&mut p, "\r");
    expect(&mut p, "En na de training?");
    expect(&mut p, "Hoe gespannen voel je je?");
    keys(&mut p, "\r");
    expect(&mut p, "Hoe is je stemming?");
    keys(&mut p, "4\r");
    expect(&mut p, "Hoe zwaar voelde het?");
    keys(&mut p, "x\r");
    expect(&mut p, "Typ een cijfer van 1 tot 5");
    keys(&mut p, BACKSPACE);
    keys(&mut p, "2\r");
    expect(&mut p, "Notitie:");
    keys(&mut p, "Knie pijn");
    keys(&mut p, &LEFT.repeat(4));
    keys(&mut p, "deed \r");
    expect(
        &mut p,
        "Je antwoorden: stress na – · stemming na 4 · zwaar 2 · notitie: Knie deed pijn",
    );
    expect(&mut p, "Enter slaat op");
    // Correct the effort: every answer comes back prefilled, Enter keeps it.
    keys(&mut p, "c\r");
    expect(&mut p, "Hoe gespannen voel je je?");
    keys(&mut p, "\r");
    expect(&mut p, "Hoe is je stemming?");
    keys(&mut p, "\r");
    expect(&mut p, "Hoe zwaar voelde het?");
    keys(&mut p, BACKSPACE);
    keys(&mut p, "3\r");
    expect(&mut p, "Notitie:");
    keys(&mut p, "\r");
    expect(&mut p, "zwaar 3 · notitie: Knie deed pijn");
    expect(&mut p, "Enter slaat op");
    keys(&mut p, "\r");
    expect(
        &mut p,
        "Training 1 opgeslagen: Week 1 · training 1 op 2026-05-11 07:30, afgerond",
    );
    p.exp_eof().unwrap();
    let runs = journal(dir.path()).runs().unwrap();
    assert_eq!(runs.len(), 1);
    let a = &runs[0].answers;
    assert_eq!(
        (
            a.stress_before,
            a.mood_before,
            a.stress_after,
            a.mood_after,
            a.effort
        ),
        (
            Score::new(4).ok(),
            Score::new(3).ok(),
            None,
            Score::new(4).ok(),
            Score::new(3).ok()
        )
    );
    assert_eq!(
        a.note.as_ref().map(|n| n.as_str()),
        Some("Knie deed pijn"),
        "the edited text, no key codes"
    );
}

/// Ctrl-C during the questions after a run stores the run with the answers given so
/// far, and says so.
#[test]
fn ctrl_c_after_the_run_keeps_the_answers_given() {
    if !crate::tools::require_tools(&["sh"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut p = in_terminal(dir.path(), "log add week01-1 --date 2026-05-11T07:30");
    expect(&mut p, "Hoe gespannen voel je je?");
    keys(&mut p, "2\r");
    expect(&mut p, "Hoe is je stemming?");
    keys(&mut p, "\r");
    expect(&mut p, "Enter slaat op");
    keys(&mut p, "\r");
    expect(&mut p, "En na de training?");
    expect(&mut p, "Hoe gespannen voel je je?");
    keys(&mut p, "1\r");
    expect(&mut p, "Hoe is je stemming?");
    p.send_control('c').unwrap();
    expect(
        &mut p,
        "Onderbroken: de training is opgeslagen met de antwoorden tot hier.",
    );
    p.exp_eof().unwrap();
    let runs = journal(dir.path()).runs().unwrap();
    assert_eq!(runs.len(), 1);
    let a = &runs[0].answers;
    assert_eq!(
        (a.stress_before, a.mood_before, a.stress_after, a.mood_after),
        (Score::new(2).ok(), None, Score::new(1).ok(), None)
    );
}

/// Ctrl-C at the first question before a run cancels the start: exit status 130,
/// nothing played, nothing stored.
#[test]
fn ctrl_c_before_the_run_cancels_the_start() {
    if !crate::tools::require_tools(&["sh"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut p = in_terminal(
        dir.path(),
        "play tests/data/sessions/basic.toml --no-audio --voice-dir tests/data/voice",
    );
    expect(&mut p, "Voor je begint:");
    expect(&mut p, "Hoe gespannen voel je je?");
    p.send_control('c').unwrap();
    expect(&mut p, "Niet gestart: er is niets opgeslagen.");
    p.exp_eof().unwrap();
    let status = p.process().wait().unwrap();
    assert!(
        matches!(status, WaitStatus::Exited(_, 130)),
        "exit status 130, as for SIGINT: {status:?}"
    );
    assert!(journal(dir.path()).runs().unwrap().is_empty());
}

/// Without a sound device, `play` says so before asking anything, so no answer is
/// typed for nothing.
#[test]
fn without_a_device_nothing_is_asked() {
    if !crate::tools::require_tools(&["sh"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("asound.conf");
    std::fs::write(&conf, "# no devices\n").unwrap();
    let bin = env!("CARGO_BIN_EXE_rustig");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "stty cols 100 rows 40; exec {bin} play tests/data/sessions/basic.toml --voice-dir tests/data/voice"
        ))
        .current_dir(root())
        .env("XDG_DATA_HOME", dir.path())
        .env("ALSA_CONFIG_PATH", &conf);
    let mut p = spawn_command(cmd, Some(TIMEOUT_MS)).unwrap();
    let out = p.exp_eof().unwrap();
    assert!(out.contains("rustig play --no-audio"), "{out}");
    assert!(!out.contains("Hoe gespannen"), "{out}");
}

/// When a repeat is suggested, `play` in a terminal asks with the same kind of prompt
/// as the confirmation after the questions: anything but Enter or `v` is re-asked
/// with a hint, `V` goes on to the next session, Esc starts nothing.
#[test]
fn the_repeat_prompt_takes_enter_or_v_and_esc_starts_nothing() {
    if !crate::tools::require_tools(&["sh"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A completed first session that felt too heavy: the rules suggest repeating it.
    let added = Command::new(env!("CARGO_BIN_EXE_rustig"))
        .args(["log", "add", "week01-1", "--effort", "5", "--no-questions"])
        .current_dir(root())
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");
    let play = "play --no-audio --stress-before 3 --mood-before 3";
    let mut p = in_terminal(dir.path(), play);
    expect(&mut p, "Week 1 · training 1 nog een keer");
    expect(
        &mut p,
        "Herhalen met Enter, of v en Enter voor Week 1 · training 2:",
    );
    keys(&mut p, "x\r");
    expect(&mut p, "Enter herhaalt; v en Enter gaat verder.");
    keys(&mut p, BACKSPACE);
    keys(&mut p, "V\r");
    // The title line of the session started (the prompt also names it, with a colon).
    expect(&mut p, "Week 1 · training 2\r\n");
    keys(&mut p, "q");
    expect(
        &mut p,
        "Korter dan een minuut gehoord: niet opgeslagen in je dagboek.",
    );
    p.exp_eof().unwrap();

    let mut p = in_terminal(dir.path(), play);
    expect(
        &mut p,
        "Herhalen met Enter, of v en Enter voor Week 1 · training 2:",
    );
    keys(&mut p, "\x1b");
    // The prompt left with Esc is marked with the key, not inquire's English word.
    expect(&mut p, "<Esc>");
    expect(&mut p, "Niet gestart.");
    p.exp_eof().unwrap();
    assert_eq!(journal(dir.path()).runs().unwrap().len(), 1);
}
