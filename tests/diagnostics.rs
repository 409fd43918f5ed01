//! How `check` prints problems: codes in the header, colour only on a terminal, JSON
//! for editors, and `--deny-warnings` for a coach's CI.

use std::process::Command;

use crate::util::{Rustig, root, text};

const BAD: &str = "tests/data/invalid/cadence-out-of-range.toml";

#[test]
fn json_gives_one_object_per_problem_and_nothing_else_on_stdout() {
    let (stdout, stderr) = Rustig::new(&[
        "check",
        "--message-format",
        "json",
        BAD,
        "tests/data/sessions/ramp.toml",
    ])
    .exits(1);
    assert_eq!(
        stdout,
        "{\"file\":\"tests/data/invalid/cadence-out-of-range.toml\",\"line\":3,\"column\":11,\"end_line\":3,\"end_column\":14,\"code\":\"R0005\",\"severity\":\"error\",\"message\":\"`cadence` must be between 120 and 220 steps per minute\",\"help\":null}\n\
{\"file\":\"tests/data/sessions/ramp.toml\",\"line\":13,\"column\":1,\"end_line\":13,\"end_column\":10,\"code\":\"R0026\",\"severity\":\"warning\",\"message\":\"no stretches after the running\",\"help\":\"end with stretching calves, hamstrings and quadriceps: add a block with kind = \\\"stretch\\\" and stretches = [\\\"kuiten\\\", \\\"hamstrings\\\", \\\"quadriceps\\\"]\"}\n"
    );
    assert_eq!(stderr, "checked 2 files: 1 error, 1 warning\n");
}

#[test]
fn deny_warnings_makes_a_warning_fail_check() {
    let args = ["check", "tests/data/sessions/ramp.toml"];
    assert_eq!(Rustig::new(&args).run().status.code(), Some(0));
    let (_, stderr) =
        Rustig::new(&["check", "--deny-warnings", "tests/data/sessions/ramp.toml"]).exits(1);
    assert!(
        stderr.ends_with(
            "checked 1 file: 0 errors, 1 warning\nerror: warnings are denied (--deny-warnings)\n"
        ),
        "{stderr}"
    );
}

#[test]
fn piped_output_has_the_code_and_no_colour() {
    let out = Rustig::new(&["check", BAD]).run();
    let (_, stderr) = text(&out);
    assert_eq!(
        stderr,
        "tests/data/invalid/cadence-out-of-range.toml:3:11: error[R0005]: `cadence` must be between 120 and 220 steps per minute\n  |\n3 | cadence = 250\n  |           ^^^\nchecked 1 file: 1 error, 0 warnings\n"
    );
}

/// `check BAD` run in a pseudo-terminal (util-linux `script`), with `NO_COLOR` as given.
fn on_a_terminal(no_color: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_rustig");
    let out = Command::new("script")
        .args(["-qec", &format!("{bin} check {BAD}"), "/dev/null"])
        .current_dir(root())
        .env("NO_COLOR", no_color)
        .output()
        .expect("script (util-linux) runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_terminal_gets_colour_unless_no_color_is_set() {
    if !crate::tools::require_tools(&["script"]) {
        return;
    }
    let coloured = on_a_terminal("");
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[91merror[R0005]\u{1b}[0m"),
        "{coloured:?}"
    );
    let plain = on_a_terminal("1");
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
    assert!(
        plain.contains(": error[R0005]: `cadence` must be"),
        "{plain:?}"
    );
}
