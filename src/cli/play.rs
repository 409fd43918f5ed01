//! `rustig play [SESSION] [--from TIME] [--no-audio] [--speed X] [--voice NAME]`

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::Outcome;
use super::load::print_diagnostics;
use crate::journal::Journal;
use crate::load::{default_program, load_session_with_voice, read_session};
use crate::play::{PlayOptions, play};
use crate::session::duration::parse_duration;
use crate::timeline::clock;
use crate::voice::VoiceLookup;

/// Play a session live, with a status line and keys.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Keys while playing: space pause/resume, n next block, p back to the start of the block, \
+/- cadence ±2 for the rest of the session, m metronome on/off, q quit.\n\n\
Without SESSION, plays the next session of the built-in program \"Van 12 naar 36 minuten\" that you have not \
completed; runs are recorded in $XDG_DATA_HOME/rustig/journal.db.\n\
Without a sound card: --no-audio prints each cue with its time and text."
)]
pub struct Args {
    /// The session file (default: the next session of the built-in program).
    pub session: Option<PathBuf>,
    /// Start this far into the session, e.g. 12m, 90s or 12:30.
    #[arg(long, value_name = "TIME", value_parser = parse_from_arg)]
    pub from: Option<f64>,
    /// No sound: run the same clock and print each cue as a timestamped line.
    #[arg(long)]
    pub no_audio: bool,
    /// Run the --no-audio clock this many times faster.
    #[arg(long, value_name = "X", requires = "no_audio", default_value_t = 1.0, value_parser = parse_speed)]
    pub speed: f64,
    /// Use this voice pack instead of the session's.
    #[arg(long, value_name = "NAME")]
    pub voice: Option<String>,
}

fn parse_speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 10_000.0 => Ok(x),
        _ => Err("a number greater than 0 and at most 10000, e.g. 2 or 60".into()),
    }
}

fn parse_from_arg(s: &str) -> Result<f64, String> {
    parse_from(s).ok_or_else(|| "write a time like 12m, 90s, 1m30s or 12:30".to_owned())
}

/// Seconds from `--from`: a duration (`12m30s`) or a clock time (`12:30`, `1:02:03`).
fn parse_from(s: &str) -> Option<f64> {
    if s.contains(':') {
        let parts: Vec<f64> = s
            .split(':')
            .map(|p| p.trim().parse::<f64>().ok())
            .collect::<Option<_>>()?;
        if parts.len() > 3 || parts.iter().any(|p| *p < 0.0) {
            return None;
        }
        return Some(parts.iter().fold(0.0, |acc, p| acc * 60.0 + p));
    }
    parse_duration(s)
        .ok()
        .filter(|d| d.micros() >= 0)
        .map(|d| d.secs())
}

/// The journal key of a session: `opbouw/<file>` for the default program (on disk or
/// built in), otherwise the file's path.
fn session_key(path: &Path) -> (String, Option<String>) {
    let program = crate::builtin::DEFAULT_PROGRAM;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    if parent.as_deref() == Some(program)
        && crate::builtin::session_file(&format!("{program}/{name}")).is_some()
    {
        return (format!("{program}/{name}"), Some(program.to_owned()));
    }
    let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    (full.display().to_string(), None)
}

/// Runs `play`.
pub fn run(args: &Args, lookup: &VoiceLookup, started: Instant) -> anyhow::Result<Outcome> {
    let (file, key, program) = match &args.session {
        Some(path) => match read_session(path) {
            Ok(f) => {
                let (key, program) = session_key(path);
                (f, key, program)
            }
            Err(d) => {
                print_diagnostics(&[d]);
                return Ok(Outcome::Failure);
            }
        },
        None => {
            let (diags, files) = default_program();
            print_diagnostics(&diags);
            let Some(files) = files else {
                return Ok(Outcome::Failure);
            };
            let done = Journal::default_path()
                .and_then(|p| Journal::open(&p).ok())
                .and_then(|j| j.completed(crate::builtin::DEFAULT_PROGRAM).ok())
                .unwrap_or_default();
            let program = crate::builtin::DEFAULT_PROGRAM;
            let next = files
                .program
                .sessions
                .iter()
                .zip(&files.sessions)
                .find(|(s, _)| !done.contains(&format!("{program}/{}", s.value)));
            let Some((name, file)) = next else {
                println!(
                    "Je hebt alle {} trainingen van \"{}\" afgerond. Kies een training om te herhalen, bijvoorbeeld: rustig play sessions/{program}/{}",
                    files.sessions.len(),
                    files.program.title,
                    files
                        .program
                        .sessions
                        .last()
                        .map_or("week14-3.toml", |s| s.value.as_str())
                );
                return Ok(Outcome::Success);
            };
            (
                file.clone(),
                format!("{program}/{}", name.value),
                Some(program.to_owned()),
            )
        }
    };
    let (diags, loaded) = load_session_with_voice(&file, lookup, args.voice.as_deref(), |_| None);
    print_diagnostics(&diags);
    let Some(loaded) = loaded else {
        return Ok(Outcome::Failure);
    };
    let duration = loaded.compiled.timeline.duration;
    let from = match args.from {
        None => 0.0,
        Some(t) if t < duration => t,
        Some(t) => anyhow::bail!(
            "--from {} is past the end: the session lasts {}",
            clock(t),
            clock(duration)
        ),
    };
    let options = PlayOptions {
        from,
        no_audio: args.no_audio,
        speed: args.speed,
        session_key: key,
        program,
        journal: true,
        started,
    };
    match play(&loaded, &options) {
        Ok(report) => {
            if report.xruns > 0 {
                eprintln!(
                    "note: the sound device reported {} underrun(s) during this run",
                    report.xruns
                );
            }
            if report.device_lost {
                eprintln!(
                    "error: the output device disappeared; the run was recorded up to {}",
                    clock(report.reached)
                );
                return Ok(Outcome::Failure);
            }
            Ok(Outcome::Success)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn from_accepts_durations_and_clock_times() {
        assert_eq!(parse_from("12m"), Some(720.0));
        assert_eq!(parse_from("1m30s"), Some(90.0));
        assert_eq!(parse_from("12:30"), Some(750.0));
        assert_eq!(parse_from("1:02:03"), Some(3723.0));
        assert_eq!(parse_from("-5s"), None);
        assert_eq!(parse_from("soon"), None);
    }
}
