//! `rustig play [SESSION] [--from TIME] [--no-audio] [--speed X] [--voice NAME]`: the
//! terminal front end of live play. The library's [`Playback`] runs the session; this
//! file owns raw mode, keys, signals, the journal and every line the runner sees.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal;

use super::terminal::RawMode;

use super::Outcome;
use super::diagnostics::print_diagnostics;
use super::questions::{self, Asked};
use crate::errors::Chain;
use crate::journal::{
    Answers, Choice, Heard, Journal, Mode, Moment, ProgramPlan, RunFacts, RunRecord, RunShape,
    Score, Status,
};
use crate::load::{PackCache, read_session};
use crate::play::device::Output;
use crate::play::{
    ClockTransport, DeviceTransport, End, Key, PlayReport, Playback, StartError, Transport, Update,
    status,
};
use crate::session::duration::parse_duration;
use crate::text::visible;
use crate::timeline::{Timeline, clock};
use crate::voice::VoiceLookup;

/// Play a session live, with a status line and keys.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Keys while playing: space pause/resume, n next block, p back to the start of the block, \
+/- cadence ±2 for the rest of the session, m metronome on/off, q quit.\n\n\
Without SESSION, plays the next session of the built-in program \"Van 12 naar 36 minuten\" that you have not \
completed (the same one `rustig status` names); when your last run felt too heavy, or your stress rose twice in a \
row, it suggests repeating the previous one: --repeat does, --next moves on.\n\
Before and after the run it asks (in a terminal) how tense you feel, your mood and how heavy it was; Enter skips, \
--no-questions asks nothing. Runs are recorded in $XDG_DATA_HOME/rustig/journal.db.\n\
Without a sound card: --no-audio prints each cue with its time and text."
)]
pub struct Args {
    /// The session file (default: the next session of the built-in program).
    pub session: Option<PathBuf>,
    /// Start this far into the session, e.g. 12m, 90s or 12:30.
    #[arg(long, value_name = "TIME", value_parser = parse_from)]
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
    /// Without SESSION: the next session of the program, also when repeating the
    /// previous one is suggested.
    #[arg(long, conflicts_with_all = ["session", "repeat"])]
    pub next: bool,
    /// Without SESSION: the session of your last run again.
    #[arg(long, conflicts_with = "session")]
    pub repeat: bool,
    /// Do not ask how you feel before and after the run.
    #[arg(long)]
    pub no_questions: bool,
    /// Do not record this run in the journal (e.g. when the journal is damaged).
    #[arg(long)]
    pub no_journal: bool,
    /// Stress before the run, 1 (relaxed) to 5 (very tense), instead of the question.
    #[arg(long, value_name = "N", value_parser = Score::parse)]
    pub stress_before: Option<Score>,
    /// Mood before the run, 1 (low) to 5 (very good), instead of the question.
    #[arg(long, value_name = "N", value_parser = Score::parse)]
    pub mood_before: Option<Score>,
}

fn parse_speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 10_000.0 => Ok(x),
        _ => Err("a number greater than 0 and at most 10000, e.g. 2 or 60".into()),
    }
}

/// Seconds from `--from`: a duration (`12m30s`) or a clock time (`12:30`, `1:02:03`).
/// After a colon, minutes and seconds go up to 59 (`12:99` is a typo, not 13:39).
fn parse_from(s: &str) -> Result<f64, String> {
    let like = "write a time like 12m, 90s, 1m30s or 12:30";
    if s.contains(':') {
        let parts: Vec<f64> = s
            .split(':')
            .map(|p| p.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
            .collect::<Option<_>>()
            .ok_or_else(|| like.to_owned())?;
        if parts.len() > 3 || parts.iter().any(|p| *p < 0.0) {
            return Err(like.to_owned());
        }
        if let Some(p) = parts[1..].iter().find(|p| **p >= 60.0) {
            return Err(format!(
                "{p} is not below 60: after a colon, minutes and seconds go up to 59 (12:30, 1:02:03)"
            ));
        }
        return Ok(parts.iter().fold(0.0, |acc, p| acc * 60.0 + p));
    }
    parse_duration(s)
        .ok()
        .filter(|d| d.micros() >= 0)
        .map(|d| d.secs())
        .ok_or_else(|| like.to_owned())
}

/// Says that there is no sound, with the device's own words (the sound library's,
/// without their closing full stop) and the Dutch way on.
fn no_sound(e: &(dyn std::error::Error + 'static)) {
    let cause = Chain(e).to_string();
    crate::errln!(
        "Geen geluid: {}. {DEVICE_HINT}",
        cause.trim_end_matches('.')
    );
}

/// Runs `play`.
pub fn run(args: &Args, lookup: &VoiceLookup, started: Instant) -> anyhow::Result<Outcome> {
    // The built-in program, parsed once when it is needed to choose the session.
    let mut plan = None;
    let (file, key, program) = match &args.session {
        Some(path) => match read_session(path) {
            Ok(f) => {
                let (key, program) = crate::journal::session_key(path);
                (f, key, program)
            }
            Err(d) => {
                print_diagnostics(&[d]);
                return Ok(Outcome::Failure);
            }
        },
        None => {
            let program = match ProgramPlan::default_program() {
                Ok(p) => p,
                Err(diags) => {
                    print_diagnostics(&diags);
                    return Ok(Outcome::Failure);
                }
            };
            let runs = match Journal::default_runs() {
                Ok(runs) => runs,
                Err(_) if args.no_journal => Vec::new(),
                Err(e) => return journal_failure(&e),
            };
            let status = Status::compute(&program, &runs, chrono::Local::now().timestamp());
            if args.repeat && status.plan.previous.is_none() {
                anyhow::bail!(
                    "--repeat: you have no completed run of this program to repeat; use rustig play"
                );
            }
            let choice = if args.repeat {
                Choice::Repeat
            } else if args.next {
                Choice::Next
            } else {
                match choose_repeat(&status)? {
                    Some(choice) => choice,
                    None => {
                        crate::outln!("Niet gestart.")?;
                        return Ok(Outcome::Interrupted);
                    }
                }
            };
            let Some(i) = status.choose(choice) else {
                writeln!(
                    crate::cli::output::stdout(),
                    "Je hebt alle {} trainingen van \"{}\" afgerond. Kies een training om te herhalen, bijvoorbeeld: rustig play sessions/{}/{}",
                    program.files.len(),
                    program.title,
                    program.name,
                    program.files.last().map_or("week14-3.toml", String::as_str)
                )?;
                return Ok(Outcome::Success);
            };
            let chosen = (
                program.sources[i].clone(),
                program.key(i),
                Some(program.name.clone()),
            );
            plan = Some(program);
            chosen
        }
    };
    let packs = PackCache::new(lookup);
    let (diags, loaded) = packs.load_with_voice(&file, args.voice.as_deref());
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
    // The device first: without one, nothing is asked (and no answer lost).
    let output = if args.no_audio {
        None
    } else {
        match Output::open_default() {
            Ok(o) => Some(o),
            Err(e) => {
                no_sound(&e);
                return Ok(Outcome::Failure);
            }
        }
    };
    let journal = if args.no_journal {
        None
    } else {
        match Journal::open_default() {
            Ok(j) => Some(j),
            Err(e) => return journal_failure(&e),
        }
    };
    let training = !args.no_audio || (args.speed - 1.0).abs() < f64::EPSILON;
    // A sped-up preview asks nothing: it is not a training.
    let ask = training && !args.no_questions && questions::interactive();
    let known = Answers {
        stress_before: args.stress_before,
        mood_before: args.mood_before,
        ..Answers::default()
    };
    let before = if ask {
        match questions::ask(Moment::Before, &known, "Voor je begint:")? {
            Asked::Done(a) => a,
            Asked::Interrupted(_) => {
                crate::outln!("Niet gestart: er is niets opgeslagen.")?;
                return Ok(Outcome::Interrupted);
            }
        }
    } else {
        known
    };
    let run = Run {
        journal: journal.as_ref(),
        key,
        program,
        plan,
        no_audio: args.no_audio,
        training,
        before,
        ask_after: ask,
    };
    let report = match output {
        None => {
            let transport = ClockTransport::new(from, duration, args.speed);
            follow(Playback::new(loaded, transport, from), &run)?
        }
        Some(output) => {
            let timeline = std::sync::Arc::clone(&loaded.compiled.timeline);
            let transport =
                match DeviceTransport::start_on(output, &timeline, &loaded.pack, from, started) {
                    Ok(t) => t,
                    Err(e @ StartError::Device(_)) => {
                        no_sound(&e);
                        return Ok(Outcome::Failure);
                    }
                    Err(e) => return Err(e.into()),
                };
            let d = &transport.description;
            crate::errln!(
                "Geluid via {}: {} Hz, {} kanalen, {}",
                d.name,
                d.rate,
                d.channels,
                d.format
            );
            follow(Playback::new(loaded, transport, from), &run)?
        }
    };
    if let Some(stats) = report.device {
        if std::env::var_os("RUSTIG_PLAY_STATS").is_some() {
            crate::errln!(
                "stats: first buffer after {:.1} ms, {} callbacks, {} underruns",
                stats.first_buffer_ms.unwrap_or(0.0),
                stats.callbacks,
                stats.xruns
            );
        }
        if stats.xruns > 0 {
            crate::errln!(
                "note: the sound device reported {} underrun(s) during this run",
                stats.xruns
            );
        }
    }
    if report.end == End::DeviceLost {
        crate::errln!(
            "error: the output device disappeared; the run was recorded up to {}",
            clock(report.reached)
        );
        return Ok(Outcome::Failure);
    }
    Ok(Outcome::Success)
}

/// What to do without a sound device, in Dutch: the runner reads it before a run.
const DEVICE_HINT: &str = "Loop zonder geluid met `rustig play --no-audio`, of maak bestanden voor je telefoon met `rustig render` of `rustig export`.";

/// When the rules suggest repeating the previous session: in a terminal, asks
/// (Enter repeats, `v` goes on); otherwise repeats and says how to go on. `None`
/// when the runner pressed Esc or Ctrl-C.
fn choose_repeat(status: &Status) -> anyhow::Result<Option<Choice>> {
    let (Some(repeat), Some(move_on)) = (status.repeat_line(), status.move_on_line()) else {
        return Ok(Some(Choice::Suggested));
    };
    if !questions::interactive() {
        crate::errln!("{repeat} {move_on}");
        return Ok(Some(Choice::Suggested));
    }
    crate::outln!("{repeat}")?;
    let next = status
        .next
        .as_ref()
        .map_or("de volgende", |n| n.title.as_str());
    let question = format!("Herhalen met Enter, of v en Enter voor {next}:");
    Ok(
        match questions::enter_or(&question, 'v', "Enter herhaalt; v en Enter gaat verder.")? {
            questions::Reply::Enter => Some(Choice::Suggested),
            questions::Reply::Letter => Some(Choice::Next),
            questions::Reply::Esc | questions::Reply::CtrlC => None,
        },
    )
}

/// A journal that cannot be opened stops `play` before anything is asked or played
/// (a run that cannot be recorded must not look recorded), with the way out.
fn journal_failure(e: &crate::journal::JournalError) -> anyhow::Result<Outcome> {
    crate::errln!(
        "error: {}\nTo play without recording this run: rustig play --no-journal",
        Chain(e)
    );
    Ok(Outcome::Failure)
}

/// What the front end records about a run.
struct Run<'a> {
    journal: Option<&'a Journal>,
    key: String,
    program: Option<String>,
    /// The built-in program, when it was parsed to choose the session.
    plan: Option<ProgramPlan>,
    no_audio: bool,
    /// At normal speed: a training, not a preview.
    training: bool,
    /// Answers before the run (questions or flags).
    before: Answers,
    /// Ask the questions after the run.
    ask_after: bool,
}

/// Keeps the journal up to date during a run, by the journal's rules: nothing is
/// stored for a sped-up preview or until a minute has been heard; then one row,
/// brought up to date every [`JOURNAL_EVERY`] and at the end.
struct Recording<'a> {
    run: &'a Run<'a>,
    shape: RunShape,
    title: String,
    started_at: i64,
    /// The same-day partial run this one picks up, if any.
    continues: Option<crate::journal::Run>,
    /// The row, once stored.
    id: Option<i64>,
    /// What was heard at the last save.
    last: Option<RunFacts>,
}

impl<'a> Recording<'a> {
    fn new(run: &'a Run<'a>, timeline: &Timeline, from: f64) -> Recording<'a> {
        let started_at = crate::journal::now();
        let continues = run
            .journal
            .and_then(|j| j.continued_run(&run.key, from, started_at).ok().flatten());
        Recording {
            run,
            shape: RunShape::from_timeline(timeline),
            title: timeline.title.clone(),
            started_at,
            continues,
            id: None,
            last: None,
        }
    }

    /// Stores or updates the run with what has been `heard`; `ended_at` at the end.
    fn save(&mut self, heard: &Heard, ended_at: Option<i64>) {
        let facts = RunFacts::of(&self.shape, heard, self.continues.as_ref());
        self.last = Some(facts);
        let Some(journal) = self.run.journal else {
            return;
        };
        if !self.run.training || !facts.worth_storing(self.shape.duration) {
            return;
        }
        match self.id {
            Some(id) => {
                let _ = journal.update(id, &facts, ended_at);
            }
            None => {
                let record = RunRecord {
                    session_key: self.run.key.clone(),
                    program: self.run.program.clone(),
                    title: self.title.clone(),
                    duration: self.shape.duration,
                    mode: if self.run.no_audio {
                        Mode::NoAudio
                    } else {
                        Mode::Audio
                    },
                    started_at: self.started_at,
                    ended_at,
                    facts,
                    answers: self.run.before.clone(),
                    request_key: None,
                };
                self.id = journal.record(&record).ok().map(|r| r.id);
            }
        }
    }

    /// Why the run was not stored, in Dutch, when it was not (and a journal was open).
    fn unsaved_line(&self) -> Option<&'static str> {
        if self.run.journal.is_none() || self.id.is_some() {
            return None;
        }
        Some(RunFacts::not_stored_line(self.run.training))
    }
}

/// How often the status line is redrawn and new cue lines are printed. Keys are read
/// as they come, so this does not delay them.
const TICK: Duration = Duration::from_millis(50);
/// Back to the start of the line and clear it, before redrawing the status line.
const CLEAR_LINE: &str = "\r\x1b[2K";
/// How often progress is written to the journal during a run.
const JOURNAL_EVERY: Duration = Duration::from_secs(15);

/// The key a terminal key press stands for.
fn key_of(key: KeyEvent) -> Option<Key> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    Some(match key.code {
        KeyCode::Char('q') | KeyCode::Esc => Key::Quit,
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Key::Quit,
        KeyCode::Char(' ') => Key::TogglePause,
        KeyCode::Char('n') => Key::NextBlock,
        KeyCode::Char('p') => Key::BlockStart,
        KeyCode::Char('m') => Key::ToggleMetronome,
        KeyCode::Char('+' | '=') => Key::Faster,
        KeyCode::Char('-') => Key::Slower,
        _ => return None,
    })
}

/// Follows a run in the terminal until it ends: the status line and keys in a
/// terminal, plain timestamped lines otherwise; records it in the journal.
fn follow<T: Transport>(mut playback: Playback<T>, run: &Run<'_>) -> anyhow::Result<PlayReport> {
    let timeline = std::sync::Arc::clone(playback.timeline());
    let mut record = Recording::new(run, &timeline, playback.seconds());
    let interactive = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    let interrupted = Arc::new(AtomicBool::new(false));
    if !interactive {
        let flag = Arc::clone(&interrupted);
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    }
    let raw = if interactive {
        Some(RawMode::enter()?)
    } else {
        None
    };
    let mut out = crate::cli::output::stdout();
    let newline = if interactive { "\r\n" } else { "\n" };
    // The loop writes to stdout; a closed pipe (`rustig play | head`) ends the run
    // like `q` does, and the journal is still completed below.
    let result = (|| -> std::io::Result<()> {
        // Titles, block names and clip texts come from files: shown escaped.
        for line in playback.opening_lines() {
            write!(out, "{}{newline}", visible(&line))?;
            if interactive && line == timeline.title {
                write!(out, "{}{newline}", status::KEYS_HELP)?;
            }
        }
        let mut last_journal = Instant::now();
        loop {
            let mut printed = false;
            for update in playback.poll() {
                if let Update::Line(line) = update {
                    if interactive {
                        write!(out, "{CLEAR_LINE}")?;
                    }
                    write!(out, "{}{newline}", visible(&line))?;
                    printed = true;
                }
            }
            if interactive {
                let width = terminal::size()
                    .map_or(100, |(w, _)| usize::from(w))
                    .saturating_sub(1);
                write!(out, "{CLEAR_LINE}{}", visible(&playback.status_line(width)))?;
                out.flush()?;
            } else if printed {
                out.flush()?;
            }
            if interrupted.load(Ordering::Relaxed) {
                playback.stop();
            }
            if playback.ended().is_some() {
                return Ok(());
            }
            if last_journal.elapsed() >= JOURNAL_EVERY {
                record.save(playback.heard(), None);
                last_journal = Instant::now();
            }
            if !interactive {
                std::thread::sleep(TICK);
                continue;
            }
            if event::poll(TICK)?
                && let TermEvent::Key(key) = event::read()?
                && let Some(key) = key_of(key)
            {
                playback.key(key);
            }
        }
    })();
    let pipe_closed = matches!(&result, Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe);
    if pipe_closed {
        playback.stop();
    }
    let (transport, report) = playback.finish();
    if report.completed()
        && let Some(stats) = report.device
    {
        // Let the device play out what it still holds before the stream is dropped.
        std::thread::sleep(
            Duration::from_nanos(stats.output_latency_ns)
                .max(Duration::from_millis(100))
                .min(Duration::from_millis(500)),
        );
    }
    drop(transport);
    drop(raw);
    record.save(&report.heard, Some(crate::journal::now()));
    if !pipe_closed {
        result?;
        if interactive {
            write!(out, "{CLEAR_LINE}")?;
        }
        match report.end {
            End::Completed => writeln!(out, "{}", status::finished_line(&timeline))?,
            End::DeviceLost => writeln!(
                out,
                "{} Het geluidsapparaat is weggevallen; gestopt.",
                status::stamp(report.reached)
            )?,
            End::Stopped => writeln!(out, "{} Gestopt.", status::stamp(report.reached))?,
        }
        if let Some(line) = record.unsaved_line() {
            writeln!(out, "{line}")?;
        }
        // The pipe may close at the very end too.
        let _ = out.flush();
        drop(out);
        if let (Some(j), Some(id)) = (run.journal, record.id) {
            after_the_run(j, id, run)?;
        }
    }
    Ok(report)
}

/// After a stored run: the questions (in a terminal), then one line saying what was
/// stored and what comes next. Ctrl-C during the questions keeps the answers given.
fn after_the_run(journal: &Journal, id: i64, run: &Run<'_>) -> anyhow::Result<()> {
    let mut stdout = crate::cli::output::stdout();
    if run.ask_after {
        let (after, interrupted) =
            match questions::ask(Moment::After, &Answers::default(), "Na je training:")? {
                Asked::Done(a) => (a, false),
                Asked::Interrupted(a) => (a, true),
            };
        if !after.is_empty()
            && let Err(e) = journal.answer(id, &after)
        {
            crate::errln!(
                "Let op: je antwoorden konden niet worden opgeslagen ({}).",
                Chain(&e)
            );
        }
        if interrupted {
            writeln!(
                stdout,
                "Onderbroken: de training is opgeslagen met de antwoorden tot hier."
            )?;
        }
    }
    if let Ok(program) = ProgramPlan::given_or_default(run.plan.as_ref())
        && let Some(line) = journal.closing(id, &program, "Opgeslagen", None)?
    {
        writeln!(stdout, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn from_accepts_durations_and_clock_times() {
        assert_eq!(parse_from("12m"), Ok(720.0));
        assert_eq!(parse_from("1m30s"), Ok(90.0));
        assert_eq!(parse_from("12:30"), Ok(750.0));
        assert_eq!(parse_from("1:02:03"), Ok(3723.0));
        assert!(parse_from("-5s").is_err());
        assert!(parse_from("soon").is_err());
        assert_eq!(
            parse_from("12:99"),
            Err("99 is not below 60: after a colon, minutes and seconds go up to 59 (12:30, 1:02:03)".into())
        );
        assert!(parse_from("1:60:00").is_err());
    }
}
