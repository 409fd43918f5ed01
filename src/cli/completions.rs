//! `rustig completions bash|zsh|fish|powershell`
//!
//! The script a shell sources asks rustig itself for the candidates at each Tab
//! (clap_complete's environment protocol: `COMPLETE=<shell> rustig -- <words>`), so
//! they are always those of the installed version: subcommands, flags, values such
//! as `--format mp3`, the examples of `new --from`, and for a session argument both
//! the files on disk and the built-in sessions (`sessions/opbouw/week01-1.toml`, …).

use std::ffi::OsStr;
use std::io::Write;

use clap::CommandFactory;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate, PathCompleter};
use clap_complete::env::{CompleteEnv, Shells};

use super::{Cli, Outcome};

/// The shells rustig writes completions for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    /// Bash (4 or later).
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
}

impl Shell {
    fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::Powershell => "powershell",
        }
    }
}

/// Print a shell's completion script.
#[derive(Debug, clap::Args)]
#[command(after_help = "Load it in the shell's start-up file, e.g.\n  \
bash:       echo 'source <(rustig completions bash)' >> ~/.bashrc\n  \
zsh:        echo 'source <(rustig completions zsh)' >> ~/.zshrc\n  \
fish:       rustig completions fish > ~/.config/fish/completions/rustig.fish\n  \
powershell: rustig completions powershell | Out-String | Invoke-Expression  (in $PROFILE)\n\
The script asks rustig for the candidates at each Tab, so they always match the installed version.")]
pub struct Args {
    /// The shell.
    pub shell: Shell,
}

/// The paths of the built-in sessions as a command line names them, sorted; with
/// `folders`, the built-in program folders too (`sessions/opbouw`).
pub fn builtin_session_paths(folders: bool) -> Vec<String> {
    fn walk(dir: &include_dir::Dir<'static>, folders: bool, out: &mut Vec<String>) {
        for file in dir.files() {
            let path = file.path().to_string_lossy();
            if path.ends_with(".toml") && !path.ends_with("program.toml") {
                out.push(format!("sessions/{path}"));
            }
        }
        for sub in dir.dirs() {
            let folder = sub.path().to_string_lossy();
            if folders && crate::builtin::session_file(&format!("{folder}/program.toml")).is_some()
            {
                out.push(format!("sessions/{folder}"));
            }
            walk(sub, folders, out);
        }
    }
    let mut out = Vec::new();
    walk(&crate::builtin::SESSIONS, folders, &mut out);
    out.sort();
    out
}

/// Files on disk and the built-in sessions that start with what is typed.
fn complete_sessions(current: &OsStr, folders: bool) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    let mut candidates =
        clap_complete::engine::ValueCompleter::complete(&PathCompleter::any(), current);
    for path in builtin_session_paths(folders) {
        if path.starts_with(typed.as_ref())
            && !candidates.iter().any(|c| c.get_value() == path.as_str())
        {
            candidates.push(CompletionCandidate::new(path).help(Some("built in".into())));
        }
    }
    candidates
}

/// The command line as completion sees it: [`Cli`] with session arguments that also
/// offer the built-in sessions.
pub fn completion_command() -> clap::Command {
    let mut cmd = Cli::command();
    for (sub, arg, folders) in [
        ("play", "session", false),
        ("render", "session", false),
        ("show", "session", false),
        ("check", "paths", true),
        ("export", "paths", true),
    ] {
        let has_arg = cmd
            .find_subcommand(sub)
            .is_some_and(|c| c.get_arguments().any(|a| a.get_id() == arg));
        if has_arg {
            cmd = cmd.mut_subcommand(sub, |c| {
                c.mut_arg(arg, |a| {
                    a.add(ArgValueCompleter::new(move |current: &OsStr| {
                        complete_sessions(current, folders)
                    }))
                })
            });
        }
    }
    cmd
}

/// Answers a shell's completion request (`COMPLETE` set) and exits; returns at once
/// otherwise. Called first thing in `main`.
pub fn complete_from_env() {
    CompleteEnv::with_factory(completion_command).complete();
}

/// Runs `completions`.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let shells = Shells::builtins();
    let shell = shells
        .completer(args.shell.name())
        .ok_or_else(|| anyhow::anyhow!("no completion support for {}", args.shell.name()))?;
    // The script calls rustig back the way it was called now: by name from PATH, or
    // by the path given.
    let completer = std::env::args_os()
        .next()
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rustig".into());
    let mut script = Vec::new();
    shell.write_registration("COMPLETE", "rustig", "rustig", &completer, &mut script)?;
    let mut out = crate::cli::output::stdout();
    match out.write_all(&script).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(Outcome::Success),
    }
}
