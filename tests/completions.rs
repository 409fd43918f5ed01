//! `rustig completions` driven by a real bash, and `rustig man`.

use std::path::Path;
use std::process::Command;

use crate::util::{Rustig, arg, listing, text};

const BIN: &str = env!("CARGO_BIN_EXE_rustig");

/// Every command of `rustig`, in the order of its help.
const COMMANDS: [&str; 15] = [
    "play",
    "render",
    "show",
    "check",
    "export",
    "voice",
    "new",
    "schema",
    "explain",
    "completions",
    "man",
    "log",
    "status",
    "report",
    "serve",
];

/// What bash completes for `words` (the last one being completed), run in `cwd`
/// with the script of `rustig completions bash` sourced, as an interactive shell
/// would after `source <(rustig completions bash)`.
fn bash_complete(cwd: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "source <('{BIN}' completions bash) || exit 9\n\
         COMP_WORDS=({words})\nCOMP_CWORD={cword}\nCOMP_TYPE=9\n\
         _clap_complete_rustig rustig {cur} {prev}\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = quoted.join(" "),
        cword = words.len() - 1,
        cur = quoted[words.len() - 1],
        prev = quoted[words.len() - 2],
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(cwd)
        .env("XDG_DATA_HOME", "/nonexistent-rustig-data")
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{:?}", text(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_the_commands() {
    if !crate::tools::require_tools(&["bash"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut expected = COMMANDS.to_vec();
    expected.extend(["help", "--voice-dir", "--help", "--version"]);
    assert_eq!(bash_complete(dir.path(), &["rustig", ""]), expected);
    assert_eq!(bash_complete(dir.path(), &["rustig", "sch"]), ["schema"]);
    assert_eq!(
        bash_complete(dir.path(), &["rustig", "export", "--format", ""]),
        ["mp3", "ogg", "wav"]
    );
    assert_eq!(
        bash_complete(dir.path(), &["rustig", "new", "x.toml", "--from", ""]),
        [
            "alle-blokken",
            "alleen-metronoom",
            "eerste-keer",
            "kracht",
            "stil"
        ]
    );
}

#[test]
fn bash_completes_session_files_and_built_in_sessions() {
    if !crate::tools::require_tools(&["bash"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mijn-training.toml"), "").unwrap();
    std::fs::write(dir.path().join("mijn-notities.txt"), "").unwrap();
    assert_eq!(
        bash_complete(dir.path(), &["rustig", "show", "mijn-t"]),
        ["mijn-training.toml"]
    );
    assert_eq!(
        bash_complete(dir.path(), &["rustig", "play", "sessions/voorbeelden/"]),
        [
            "sessions/voorbeelden/alle-blokken.toml",
            "sessions/voorbeelden/alleen-metronoom.toml",
            "sessions/voorbeelden/eerste-keer.toml",
            "sessions/voorbeelden/kracht.toml",
            "sessions/voorbeelden/stil.toml",
        ]
    );
    let render = bash_complete(dir.path(), &["rustig", "render", "sessions/opbouw/week1"]);
    assert_eq!(
        render,
        [
            "sessions/opbouw/week10-1.toml",
            "sessions/opbouw/week10-2.toml",
            "sessions/opbouw/week10-3.toml",
            "sessions/opbouw/week11-1.toml",
            "sessions/opbouw/week11-2.toml",
            "sessions/opbouw/week11-3.toml",
            "sessions/opbouw/week12-1.toml",
            "sessions/opbouw/week12-2.toml",
            "sessions/opbouw/week12-3.toml",
            "sessions/opbouw/week13-1.toml",
            "sessions/opbouw/week13-2.toml",
            "sessions/opbouw/week13-3.toml",
            "sessions/opbouw/week14-1.toml",
            "sessions/opbouw/week14-2.toml",
            "sessions/opbouw/week14-3.toml",
        ]
    );
    // check and export also take the built-in program folder.
    let check = bash_complete(dir.path(), &["rustig", "check", "sessions/o"]);
    assert_eq!(check.len(), 43, "{check:?}");
    assert_eq!(check[0], "sessions/opbouw");
    assert_eq!(check[1], "sessions/opbouw/week01-1.toml");
    // Built-in and on-disk files together, each once.
    std::fs::create_dir_all(dir.path().join("sessions/voorbeelden")).unwrap();
    std::fs::write(dir.path().join("sessions/voorbeelden/stil.toml"), "").unwrap();
    std::fs::write(dir.path().join("sessions/voorbeelden/eigen.toml"), "").unwrap();
    assert_eq!(
        bash_complete(dir.path(), &["rustig", "show", "sessions/voorbeelden/e"]),
        [
            "sessions/voorbeelden/eigen.toml",
            "sessions/voorbeelden/eerste-keer.toml",
        ]
    );
}

#[test]
fn every_shell_gets_a_script_that_calls_rustig_back() {
    for (shell, line) in [
        ("bash", "        COMPLETE=\"bash\" \\"),
        ("zsh", "        COMPLETE=\"zsh\" \\"),
        ("powershell", "    $env:COMPLETE = \"powershell\";"),
    ] {
        let (stdout, _) = Rustig::new(&["completions", shell]).exits(0);
        assert!(stdout.lines().any(|l| l == line), "{shell}:\n{stdout}");
        assert!(
            stdout.contains(BIN),
            "{shell}: calls the binary it was made by"
        );
    }
    let out = Rustig::new(&["completions", "fish"]).run();
    assert_eq!(
        text(&out).0,
        format!(
            "complete --keep-order --exclusive --command rustig --arguments \"(COMPLETE=fish {BIN} -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))\"\n"
        )
    );
    let out = Rustig::new(&["completions", "tcsh"]).run();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_prints_the_page_with_every_command() {
    let (stdout, _) = Rustig::new(&["man"]).exits(0);
    assert!(stdout.starts_with(".ie \\n(.g .ds Aq \\(aq\n"), "{stdout}");
    assert!(
        stdout.contains(".TH rustig 1  \"rustig 0.1.0\""),
        "{stdout}"
    );
    for command in COMMANDS {
        assert!(
            stdout.contains(&format!("rustig\\-{command}(1)")),
            "no {command} in\n{stdout}"
        );
    }
}

#[test]
fn man_writes_a_page_per_command_into_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (_, stderr) = Rustig::new(&["man", "-o", arg(dir.path())]).exits(0);
    assert_eq!(
        stderr,
        format!("wrote 24 manual pages to {}\n", dir.path().display())
    );
    assert_eq!(
        listing(dir.path()),
        [
            "rustig-check.1",
            "rustig-completions.1",
            "rustig-explain.1",
            "rustig-export.1",
            "rustig-log-add.1",
            "rustig-log-edit.1",
            "rustig-log-remove.1",
            "rustig-log.1",
            "rustig-man.1",
            "rustig-new.1",
            "rustig-play.1",
            "rustig-render.1",
            "rustig-report.1",
            "rustig-schema.1",
            "rustig-serve.1",
            "rustig-show.1",
            "rustig-status.1",
            "rustig-voice-check.1",
            "rustig-voice-import.1",
            "rustig-voice-list.1",
            "rustig-voice-record.1",
            "rustig-voice-synth.1",
            "rustig-voice.1",
            "rustig.1",
        ]
    );
    let render = std::fs::read_to_string(dir.path().join("rustig-render.1")).unwrap();
    assert!(
        render.contains(".TH rustig-render 1  \"rustig 0.1.0\" \n"),
        "{render}"
    );
    assert!(render.contains("\\fB\\-\\-stems\\fR"), "{render}");
    Rustig::new(&["man", "-o", "/nonexistent-rustig-dir"]).exits(1);
}
