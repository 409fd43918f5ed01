//! The e-book's advice as warnings of `check`: warm-up and walking out of at least
//! five minutes, stretches after the run, a relaxed cadence, a coach who speaks at
//! least every ten minutes of running.

use std::path::Path;

use rustig::session::parse_session;
use rustig::timeline::{advice::advice, compile};

use crate::util::{Rustig, test_pack};

/// The rendered advice warnings for a valid session.
#[track_caller]
fn warnings(text: &str) -> String {
    let (session, diags) = parse_session(Path::new("t.toml"), text.as_bytes(), Path::new("."));
    assert!(diags.is_empty(), "{diags:?}");
    let session = session.expect("valid session");
    let compiled = compile(&session, &test_pack()).expect("compiles");
    advice(&session, &compiled.timeline)
        .iter()
        .map(|d| d.to_string())
        .collect()
}

const HEAD: &str = "title = \"t\"\nvoice = \"test\"\n";
const WARM_UP: &str = "[[block]]\nkind = \"walk\"\nduration = \"5m\"\n";
const RUN: &str = "[[block]]\nkind = \"run\"\nduration = \"8m\"\n";
const STRETCH: &str =
    "[[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\"]\nhold = \"30s\"\nsides = 2\n";

#[test]
fn a_session_that_follows_the_advice_has_no_warnings() {
    assert_eq!(
        warnings(&format!("{HEAD}{WARM_UP}{RUN}{WARM_UP}{STRETCH}")),
        ""
    );
}

#[test]
fn a_run_without_warm_up_walk_out_or_stretches_gets_three_warnings() {
    let text = format!("{HEAD}[[block]]\nkind = \"walk\"\nduration = \"4m\"\n{RUN}");
    assert_eq!(
        warnings(&text),
        "\
t.toml:6:1: warning[R0024]: the running starts without a walk of at least 5 minutes before it
  |
6 | [[block]]
  | ^^^^^^^^^
  = help: warm up by walking briskly for at least 5 minutes: add a block with kind = \"walk\" and duration = \"5m\" before it
t.toml:6:1: warning[R0025]: no walk of at least 5 minutes after the last run
  |
6 | [[block]]
  | ^^^^^^^^^
  = help: walk out for at least 5 minutes: add a block with kind = \"walk\" and duration = \"5m\" after it
t.toml:6:1: warning[R0026]: no stretches after the running
  |
6 | [[block]]
  | ^^^^^^^^^
  = help: end with stretching calves, hamstrings and quadriceps: add a block with kind = \"stretch\" and stretches = [\"kuiten\", \"hamstrings\", \"quadriceps\"]
"
    );
}

#[test]
fn a_cadence_outside_165_to_185_is_reported_once_where_it_is_written() {
    let text = format!(
        "{HEAD}cadence = 160\n{WARM_UP}{RUN}{RUN}[[block]]\nkind = \"run\"\nduration = \"1m\"\ncadence = \"175-190\"\n{WARM_UP}{STRETCH}"
    );
    assert_eq!(
        warnings(&text),
        "\
t.toml:3:11: warning[R0027]: a cadence of 160 steps per minute, outside the relaxed 165–185
  |
3 | cadence = 160
  |           ^^^
  = help: relaxed running is 170–180 steps a minute, e.g. cadence = 170
t.toml:16:11: warning[R0027]: the cadence ramp 175-190 reaches 190 steps per minute, outside the relaxed 165–185
   |
16 | cadence = \"175-190\"
   |           ^^^^^^^^^
   = help: relaxed running is 170–180 steps a minute, e.g. cadence = 180
"
    );
}

#[test]
fn a_long_run_without_a_word_is_reported_with_the_silent_stretch() {
    let text = format!(
        "{HEAD}auto_cues = false\n{WARM_UP}[[block]]\nkind = \"run\"\nduration = \"25m\"\ncues = [{{ at = \"12m\", clip = \"tempo.praten\" }}]\n{WARM_UP}{STRETCH}"
    );
    assert_eq!(
        warnings(&text),
        "\
t.toml:7:1: warning[R0028]: the coach says nothing for 13:00 in this run (from 17:00 to 30:00)
  |
7 | [[block]]
  | ^^^^^^^^^
  = help: say something at least every 10 minutes: add a cue, e.g. cues = [{ at = \"5m\", clip = \"tempo.praten\" }], or turn the reminders on
"
    );
}

#[test]
fn the_automatic_reminders_keep_a_long_run_from_being_silent() {
    let text =
        format!("{HEAD}{WARM_UP}[[block]]\nkind = \"run\"\nduration = \"30m\"\n{WARM_UP}{STRETCH}");
    assert_eq!(warnings(&text), "");
}

#[test]
fn check_prints_the_advice_but_does_not_fail() {
    let (stdout, stderr) = Rustig::new(&["check", "tests/data/sessions/ramp.toml"]).exits(0);
    assert!(
        stderr.contains("warning[R0026]: no stretches after the running\n"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("checked 1 file: 0 errors, 1 warning\n"),
        "{stderr}"
    );
    assert!(stdout.contains("ramp.toml: ok"), "{stdout}");
}

#[test]
fn the_shipped_sessions_follow_the_advice() {
    let (_, stderr) = Rustig::new(&["check", "sessions"]).exits(0);
    assert!(stderr.ends_with(": 0 errors, 0 warnings\n"), "{stderr}");
}
