//! Outside programs the tests run: the encoders that make fixtures (flac, lame,
//! oggenc, opusenc, ffmpeg), espeak-ng, chromium, taplo, the tag readers (ffprobe,
//! exiftool, mediainfo, python3 with mutagen), and the shell tools that drive a
//! terminal, a pipe or a signal (bash, sh, script, kill, head, wc).
//!
//! Every test that needs one asks [`require_tools`] first, and only it decides what a
//! missing tool means: with `CI` set the test fails, naming the tool and the script
//! that installs it, so a CI run can never pass by skipping; elsewhere the test is
//! skipped with a note, so a developer without the tools can still run the suite.

use std::path::PathBuf;
use std::process::Command;

/// The script that installs every tool a test needs (Debian package names).
pub const INSTALL: &str = "bash scripts/test-deps.sh";

/// The executable `program` on `PATH`, if there is one.
fn on_path(program: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Whether the test may go on: true when every program is on `PATH`. When one is
/// missing, panics if `CI` is set (naming the missing tools and how to install them)
/// and otherwise prints a note and returns false, so the caller returns at once.
#[track_caller]
#[allow(clippy::print_stderr)]
pub fn require_tools(programs: &[&str]) -> bool {
    let missing: Vec<&str> = programs
        .iter()
        .copied()
        .filter(|p| on_path(p).is_none())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let what = format!(
        "it needs {}, which {} not installed; `{INSTALL}` installs every tool the tests need",
        missing.join(", "),
        if missing.len() == 1 { "is" } else { "are" }
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set, so this test fails: {what}"
    );
    eprintln!(
        "skipped at {}: {what} (with CI set this test fails)",
        std::panic::Location::caller()
    );
    false
}

/// Like [`require_tools`] for a Python module (e.g. `mutagen`) of the `python3` on
/// `PATH`.
#[track_caller]
#[allow(clippy::print_stderr)]
pub fn require_python_module(module: &str) -> bool {
    if !require_tools(&["python3"]) {
        return false;
    }
    let found = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return true;
    }
    let what = format!(
        "it needs the Python module {module}, which is not installed for python3; `{INSTALL}` installs every tool the tests need"
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set, so this test fails: {what}"
    );
    eprintln!(
        "skipped at {}: {what} (with CI set this test fails)",
        std::panic::Location::caller()
    );
    false
}

/// Runs an outside program (after [`require_tools`]) and panics with its stderr
/// unless it succeeds.
#[track_caller]
pub fn run_tool(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} cannot be run: {e}; `{INSTALL}` installs it"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Stands for a test that needs a tool no machine has; run only by the test below.
#[test]
#[ignore = "run by a_missing_tool_fails_the_test_in_ci_and_skips_it_elsewhere"]
fn needs_a_tool_that_is_not_installed() {
    if !require_tools(&["rustig-no-such-tool"]) {
        return;
    }
    unreachable!("the tool cannot be found");
}

/// The test binary itself runs the test above, with and without `CI`.
#[test]
fn a_missing_tool_fails_the_test_in_ci_and_skips_it_elsewhere() {
    let run = |ci: bool| {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args([
            "--ignored",
            "--exact",
            "tools::needs_a_tool_that_is_not_installed",
            "--nocapture",
        ]);
        if ci {
            cmd.env("CI", "true");
        } else {
            cmd.env_remove("CI");
        }
        cmd.output().unwrap()
    };
    let in_ci = run(true);
    let stderr = String::from_utf8_lossy(&in_ci.stderr);
    assert!(!in_ci.status.success(), "the test passed in CI: {stderr}");
    assert!(
        stderr.contains(&format!(
            "CI is set, so this test fails: it needs rustig-no-such-tool, which is not installed; \
             `{INSTALL}` installs every tool the tests need"
        )),
        "{stderr}"
    );
    let elsewhere = run(false);
    let stderr = String::from_utf8_lossy(&elsewhere.stderr);
    assert!(elsewhere.status.success(), "{stderr}");
    assert!(
        stderr.contains("skipped at tests/tools.rs:")
            && stderr.contains("it needs rustig-no-such-tool, which is not installed"),
        "{stderr}"
    );
}
