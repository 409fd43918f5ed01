//! The command line: one file per command, each with its clap `Args` and a `run`
//! that calls the library. Only this module prints; the library returns text and
//! diagnostics.
//!
//! Exit status: 0 success, 1 invalid input or a failure at run time, 2 wrong usage.

mod check;
mod completions;
mod diagnostics;
mod explain;
mod export;
mod log;
mod man;
mod new;
pub mod output;
mod play;
mod questions;
mod render;
mod report;
mod schema;
mod serve;
mod show;
mod status;
mod terminal;
mod voice;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// rustig — a calm running coach in your ear.
///
/// Session files (TOML) describe a run: walking, running, intervals, strength,
/// stretches and paced breathing. rustig compiles them into a timeline of
/// metronome clicks and Dutch voice cues and renders it to audio.
#[derive(Debug, Parser)]
#[command(name = "rustig", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// Where to find voice packs: a pack folder (with voice.toml) or a folder of packs.
    #[arg(long, global = true, value_name = "DIR")]
    pub voice_dir: Option<PathBuf>,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Play a session live on the default output device, with a status line and keys.
    Play(play::Args),
    /// Render a session to a WAV file (16-bit PCM), faster than real time.
    Render(render::Args),
    /// Show a session's compiled timeline: a readable plan, or JSON.
    Show(show::Args),
    /// Check sessions, programs and voice packs; report every problem.
    Check(check::Args),
    /// Export sessions and programs as tagged MP3, Ogg or WAV files, for a phone.
    Export(export::Args),
    /// The clips of a voice pack; what a pack lacks; synthesize missing `say` texts.
    Voice(voice::Args),
    /// Write a new session file to start from: a commented starter or a built-in example.
    New(new::Args),
    /// Print the JSON Schema of the session format, for editor completion and checks.
    Schema(schema::Args),
    /// Explain a problem code of `check` (e.g. R0003) in Dutch and English, with examples.
    Explain(explain::Args),
    /// Print a shell's completion script: commands, flags, session files and built-in sessions.
    Completions(completions::Args),
    /// Print the manual page, or write one per command into a folder.
    Man(man::Args),
    /// The journal of runs: history, and runs done with an exported file.
    Log(log::Args),
    /// Where you are in the program, and what the next run is.
    Status(status::Args),
    /// A Dutch HTML report of the journal for you and your coach, or its main chart.
    Report(report::Args),
    /// The phone page on your home network: next training, questions, audio to take along.
    Serve(serve::Args),
}

/// `1 clip`, `3 clips`: a count with its English noun.
pub(crate) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// How a command ended.
#[derive(Debug)]
pub enum Outcome {
    /// Done.
    Success,
    /// Bad input or a run-time failure; the message has been printed.
    Failure,
    /// Wrong usage found after parsing (exit status 2); the message has been printed.
    Usage,
    /// The runner pressed Ctrl-C before anything started (exit status 130, as a
    /// shell reports SIGINT).
    Interrupted,
}

/// Runs the command line and returns the process exit status.
pub fn main() -> ExitCode {
    let started = std::time::Instant::now();
    completions::complete_from_env();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return ExitCode::from(code.clamp(0, 255) as u8);
        }
    };
    let result = run(cli, started).map(|outcome| match outcome {
        Outcome::Success => 0,
        Outcome::Failure => 1,
        Outcome::Usage => 2,
        Outcome::Interrupted => 130,
    });
    ExitCode::from(output::finish(result))
}

/// Runs one parsed command.
pub fn run(cli: Cli, started: std::time::Instant) -> anyhow::Result<Outcome> {
    if let Some(dir) = &cli.voice_dir
        && !dir.is_dir()
    {
        crate::errln!(
            "error: --voice-dir {}: {}\n  = help: give a voice pack folder (with voice.toml) or a folder of packs",
            dir.display(),
            if dir.exists() {
                "not a folder"
            } else {
                "no such folder"
            }
        );
        return Ok(Outcome::Usage);
    }
    let lookup = crate::voice::VoiceLookup::from_env(cli.voice_dir.clone());
    match &cli.command {
        Command::Play(args) => play::run(args, &lookup, started),
        Command::Render(args) => render::run(args, &lookup),
        Command::Show(args) => show::run(args, &lookup),
        Command::Check(args) => check::run(args, &lookup),
        Command::Export(args) => export::run(args, &lookup),
        Command::Voice(args) => voice::run(args, &lookup),
        Command::New(args) => new::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
        Command::Log(args) => log::run(args),
        Command::Status(args) => status::run(args),
        Command::Report(args) => report::run(args),
        Command::Serve(args) => serve::run(args, &lookup),
    }
}
