//! `rustig log [--csv|--json] [--since DATE]`, `rustig log add SESSION …`,
//! `rustig log remove ID`, `rustig log edit ID …`: the history of runs, and runs done
//! with an exported file on a phone.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDate, NaiveDateTime, TimeZone};

use super::Outcome;
use super::diagnostics::print_diagnostics;
use super::questions::{Asked, ask, interactive};
use crate::journal::{
    Answers, Edit, Journal, Mode, Moment, Note, ProgramPlan, Run, RunFacts, RunRecord, RunShape,
    Score, session_key,
};
use crate::load::read_session;
use crate::session::parse_session;

/// The history of runs; record, correct or remove one.
#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "The journal is $XDG_DATA_HOME/rustig/journal.db (usually ~/.local/share/rustig/journal.db). \
It never leaves this machine; see docs/dagboek.md."
)]
pub struct Args {
    /// What to do (default: show the history).
    #[command(subcommand)]
    pub action: Option<Action>,
    /// Comma-separated values, for a spreadsheet or a coach.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    /// JSON, one object per run.
    #[arg(long)]
    pub json: bool,
    /// Only runs on or after this date: YYYY-MM-DD, vandaag, gisteren, eergisteren or 7d.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
}

/// `log` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Record a run done elsewhere, e.g. with an exported file on a phone.
    Add(AddArgs),
    /// Remove a run (by the id `rustig log` shows).
    Remove {
        /// The run's id.
        id: i64,
    },
    /// Correct a run: only the given values change.
    Edit(EditArgs),
}

/// Answers given as flags.
#[derive(Debug, clap::Args)]
pub struct Scores {
    /// Stress before the run, 1 (relaxed) to 5 (very tense).
    #[arg(long, value_name = "N")]
    pub stress_before: Option<i64>,
    /// Stress after the run, 1 to 5.
    #[arg(long, value_name = "N")]
    pub stress_after: Option<i64>,
    /// Mood before the run, 1 (low) to 5 (very good).
    #[arg(long, value_name = "N")]
    pub mood_before: Option<i64>,
    /// Mood after the run, 1 to 5.
    #[arg(long, value_name = "N")]
    pub mood_after: Option<i64>,
    /// How heavy it felt, 1 (very light) to 5 (too heavy).
    #[arg(long, value_name = "N")]
    pub effort: Option<i64>,
    /// A short note.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

/// `log add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The session: a file, a built-in session (sessions/opbouw/week01-1.toml), a
    /// program session's short name as `rustig log` shows it (week01-1) or its number
    /// as exported files are numbered (07). Default: the session `rustig play` would
    /// start next (the one `rustig status` names).
    pub session: Option<String>,
    /// When it started: YYYY-MM-DD or YYYY-MM-DDTHH:MM, local time (default: now).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Done to the end (the default).
    #[arg(long, conflicts_with = "partial")]
    pub completed: bool,
    /// Stopped after this many minutes.
    #[arg(long, value_name = "MIN")]
    pub partial: Option<f64>,
    /// Never ask in the terminal.
    #[arg(long)]
    pub no_questions: bool,
    /// The answers.
    #[command(flatten)]
    pub scores: Scores,
}

/// `log edit`.
#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The run's id.
    pub id: i64,
    /// Another session.
    #[arg(long, value_name = "SESSION")]
    pub session: Option<PathBuf>,
    /// Another start: YYYY-MM-DD or YYYY-MM-DDTHH:MM, local time.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Done to the end.
    #[arg(long, conflicts_with = "partial")]
    pub completed: bool,
    /// Stopped after this many minutes.
    #[arg(long, value_name = "MIN")]
    pub partial: Option<f64>,
    /// The answers to change (`--note ""` removes the note).
    #[command(flatten)]
    pub scores: Scores,
}

/// A user error: printed as `error: …`, exit 1.
fn invalid(message: String) -> anyhow::Result<Outcome> {
    crate::errln!("error: {message}");
    Ok(Outcome::Failure)
}

/// The flags' answers, each validated by the library; the error names the flag. A
/// note of `""` is no note here (`log edit` reads it as "remove the note").
pub fn answers(s: &Scores) -> Result<Answers, String> {
    let check = |flag: &str, v: Option<i64>| -> Result<Option<Score>, String> {
        v.map(|n| Score::new(n).map_err(|e| format!("--{flag} {n}: {e}")))
            .transpose()
    };
    let note = match &s.note {
        None => None,
        Some(text) => Note::new(text).map_err(|e| format!("--note: {e}"))?,
    };
    Ok(Answers {
        stress_before: check("stress-before", s.stress_before)?,
        mood_before: check("mood-before", s.mood_before)?,
        stress_after: check("stress-after", s.stress_after)?,
        mood_after: check("mood-after", s.mood_after)?,
        effort: check("effort", s.effort)?,
        note,
    })
}

/// A day named by a word, as a runner types it: `vandaag`, `gisteren`, `eergisteren`
/// (or `today`, `yesterday`), or `7d` for seven days ago; `None` for other text.
fn relative_day(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let back = match text.trim().to_lowercase().as_str() {
        "vandaag" | "today" => 0,
        "gisteren" | "yesterday" => 1,
        "eergisteren" => 2,
        other => other.strip_suffix('d')?.parse::<u32>().ok()?,
    };
    today.checked_sub_days(chrono::Days::new(u64::from(back)))
}

/// Unix seconds of `--date`/`--since` in local time; not after `now`. A date, a date
/// and time, or a day by word ([`relative_day`]: midnight of that day).
pub fn parse_date(flag: &str, text: &str, now: i64) -> Result<i64, String> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default()))
        .ok()
        .or_else(|| relative_day(text, Local::now().date_naive()).and_then(|d| d.and_hms_opt(0, 0, 0)))
        .ok_or_else(|| format!("--{flag} {text}: write a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM (e.g. 2026-05-14T07:30), or vandaag, gisteren, eergisteren or 7d (seven days ago)"))?;
    let at = Local
        .from_local_datetime(&naive)
        .earliest()
        .ok_or_else(|| format!("--{flag} {text}: that time does not exist here (clock change)"))?
        .timestamp();
    if at > now {
        return Err(format!(
            "--{flag} {text}: that is in the future; record a run after you have done it"
        ));
    }
    Ok(at)
}

fn now() -> i64 {
    Local::now().timestamp()
}

/// A session as the journal knows it.
struct Known {
    key: String,
    program: Option<String>,
    title: String,
    shape: RunShape,
}

/// Reads a session for the journal; prints its problems and gives `None` when it
/// cannot be read.
fn session(path: &Path) -> Option<Known> {
    let file = match read_session(path) {
        Ok(f) => f,
        Err(d) => {
            print_diagnostics(&[d]);
            return None;
        }
    };
    let (parsed, diags) = parse_session(&file.display, &file.bytes, &file.base);
    print_diagnostics(&diags);
    let parsed = parsed?;
    let (key, program) = session_key(path);
    Some(Known {
        key,
        program,
        shape: RunShape::from_session(&parsed),
        title: parsed.title,
    })
}

/// A session of the built-in program by short name or number; without one, the
/// session `rustig play` would start. Prints why when there is none; a journal that
/// cannot be read is an error (the journal is not created here: nothing is written
/// for a rejected run). Gives the parsed program too, for the closing line.
fn program_session(name: Option<&str>) -> anyhow::Result<Option<(Known, ProgramPlan)>> {
    let program = match ProgramPlan::default_program() {
        Ok(p) => p,
        Err(diags) => {
            print_diagnostics(&diags);
            return Ok(None);
        }
    };
    let found = match name {
        Some(name) => program.find(name).or_else(|| {
            crate::errln!(
                "error: no session file or program session named {name:?}; give a file, a name as `rustig log` shows it (week01-1) or a number from 1 to {} (07)",
                program.files.len()
            );
            None
        }),
        None => {
            let status = crate::journal::Status::compute(&program, &Journal::default_runs()?, now());
            status.choose(crate::journal::Choice::Suggested).or_else(|| {
                crate::errln!(
                    "error: every session of the program is done; name the one you ran, e.g. rustig log add week14-3"
                );
                None
            })
        }
    };
    let Some(i) = found else {
        return Ok(None);
    };
    let known = Known {
        key: program.key(i),
        program: Some(program.name.clone()),
        title: program.sessions[i].title.clone(),
        shape: RunShape::from_session(&program.sessions[i]),
    };
    Ok(Some((known, program)))
}

/// The shape of the session a stored run was of, read again from its key (a built-in
/// program session, or the file's path); `None` when it cannot be read any more.
fn shape_of(run: &Run) -> Option<RunShape> {
    let path = match &run.program {
        Some(_) => PathBuf::from("sessions").join(&run.session_key),
        None => PathBuf::from(&run.session_key),
    };
    let file = read_session(&path).ok()?;
    let (parsed, _) = parse_session(&file.display, &file.bytes, &file.base);
    parsed.map(|s| RunShape::from_session(&s))
}

fn partial_secs(min: f64, length: f64) -> Result<f64, String> {
    if !(min.is_finite() && min >= 0.0) {
        return Err(format!("--partial {min}: minutes must be 0 or more"));
    }
    if min * 60.0 > length {
        return Err(format!(
            "--partial {min}: the session lasts only {:.0} minutes; use --completed",
            length / 60.0
        ));
    }
    Ok(min * 60.0)
}

/// Runs `log`.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    match &args.action {
        None => list(args),
        Some(Action::Add(a)) => add(a),
        Some(Action::Remove { id }) => {
            let journal = Journal::open_default()?;
            let run = journal.run(*id)?;
            journal.remove(*id)?;
            if let Some(r) = run {
                crate::outln!(
                    "Training {id} verwijderd ({} op {}).",
                    r.title,
                    local(r.started_at)
                )?;
            }
            Ok(Outcome::Success)
        }
        Some(Action::Edit(e)) => edit(e),
    }
}

fn add(a: &AddArgs) -> anyhow::Result<Outcome> {
    let mut answers = match answers(&a.scores) {
        Ok(x) => x,
        Err(e) => return invalid(e),
    };
    let started_at = match a.date.as_deref().map(|d| parse_date("date", d, now())) {
        None => now(),
        Some(Ok(t)) => t,
        Some(Err(e)) => return invalid(e),
    };
    let known = match a.session.as_deref() {
        Some(arg) if arg.contains('/') || Path::new(arg).is_file() => {
            session(Path::new(arg)).map(|k| (k, None))
        }
        arg => program_session(arg)?.map(|(k, p)| (k, Some(p))),
    };
    let Some((known, plan)) = known else {
        return Ok(Outcome::Failure);
    };
    let stopped_after = match a.partial.map(|m| partial_secs(m, known.shape.duration)) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return invalid(e),
    };
    let journal = Journal::open_default()?;
    let mut interrupted = false;
    if !a.no_questions && interactive() {
        for (moment, heading) in [
            (Moment::Before, "Hoe voelde je je vóór de training?"),
            (Moment::After, "En na de training?"),
        ] {
            match ask(moment, &answers, heading)? {
                Asked::Done(given) => answers = given,
                Asked::Interrupted(given) => {
                    answers = given;
                    interrupted = true;
                    break;
                }
            }
        }
    }
    let facts = RunFacts::told(&known.shape, stopped_after);
    let recorded = journal.record(&RunRecord {
        session_key: known.key,
        program: known.program,
        title: known.title.clone(),
        duration: known.shape.duration,
        mode: Mode::Log,
        started_at,
        ended_at: Some(started_at + facts.position.round() as i64),
        facts,
        answers,
        request_key: None,
    })?;
    let mut out = crate::cli::output::stdout();
    if interrupted {
        writeln!(
            out,
            "Onderbroken: de training is opgeslagen met de antwoorden tot hier."
        )?;
    }
    let closing = match ProgramPlan::given_or_default(plan.as_ref()) {
        Ok(program) => journal.closing(
            recorded.id,
            &program,
            &format!("Training {} opgeslagen", recorded.id),
            Some(&local(started_at)),
        )?,
        Err(_) => None,
    };
    match closing {
        Some(line) => writeln!(out, "{line}")?,
        None => writeln!(
            out,
            "Training {} opgeslagen: {} op {}.",
            recorded.id,
            crate::text::visible(&known.title),
            local(started_at)
        )?,
    }
    Ok(Outcome::Success)
}

fn edit(e: &EditArgs) -> anyhow::Result<Outcome> {
    let answers = match answers(&e.scores) {
        Ok(x) => x,
        Err(m) => return invalid(m),
    };
    let started_at = match e.date.as_deref().map(|d| parse_date("date", d, now())) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(m)) => return invalid(m),
    };
    let session = match &e.session {
        None => None,
        Some(p) => match session(p) {
            Some(s) => Some(s),
            None => return Ok(Outcome::Failure),
        },
    };
    let mut journal = Journal::open_default()?;
    let Some(old) = journal.run(e.id)? else {
        return invalid(format!(
            "there is no run {} in the journal {}; `rustig log` lists the runs with their ids",
            e.id,
            journal.path().display()
        ));
    };
    let shape = match &session {
        Some(k) => Some(k.shape.clone()),
        None => shape_of(&old),
    };
    let stopped_after = match (e.completed, e.partial) {
        (true, _) => Some(None),
        (_, Some(m)) => {
            match partial_secs(m, shape.as_ref().map_or(old.duration, |s| s.duration)) {
                Ok(s) => Some(Some(s)),
                Err(m) => return invalid(m),
            }
        }
        // Another session, done as far as before.
        _ if session.is_some() => Some((!old.completed).then_some(old.position)),
        _ => None,
    };
    let facts = match (stopped_after, &shape) {
        (Some(after), Some(shape)) => Some(RunFacts::told(shape, after)),
        // The session cannot be read any more: the run's own length is all there is.
        (Some(after), None) => Some(RunFacts::told(
            &RunShape {
                duration: old.duration,
                running: Vec::new(),
            },
            after,
        )),
        (None, _) => None,
    };
    journal.edit(
        e.id,
        &Edit {
            session: session.map(|k| (k.key, k.program, k.title, k.shape.duration)),
            started_at,
            facts,
            answers,
            clear_note: e.scores.note.as_deref() == Some(""),
        },
    )?;
    crate::outln!("Training {} aangepast.", e.id)?;
    Ok(Outcome::Success)
}

/// `2026-05-14 07:30` in local time.
pub fn local(t: i64) -> String {
    Local
        .timestamp_opt(t, 0)
        .single()
        .map_or_else(|| t.to_string(), |d| d.format("%Y-%m-%d %H:%M").to_string())
}

fn score(v: Option<Score>) -> String {
    v.map_or_else(|| "-".into(), |v| v.to_string())
}

fn pair(a: Option<Score>, b: Option<Score>) -> String {
    format!("{}→{}", score(a), score(b))
}

/// The session's short name: the file name without `.toml`.
pub fn short(r: &Run) -> String {
    let name = r.session_key.rsplit('/').next().unwrap_or(&r.session_key);
    name.trim_end_matches(".toml").to_owned()
}

fn list(args: &Args) -> anyhow::Result<Outcome> {
    let since = match args
        .since
        .as_deref()
        .map(|d| parse_date("since", d, i64::MAX))
    {
        None => i64::MIN,
        Some(Ok(t)) => t,
        Some(Err(e)) => return invalid(e),
    };
    // Only reading: a read-only journal works, and none is created.
    let runs = match Journal::default_for_reading()? {
        Some(journal) => journal.runs_since(since)?,
        None => Vec::new(),
    };
    if args.json {
        let rows: Vec<serde_json::Value> = runs.iter().map(json).collect();
        writeln!(
            crate::cli::output::stdout(),
            "{}",
            serde_json::to_string_pretty(&rows)?
        )?;
    } else if args.csv {
        let mut w = csv::Writer::from_writer(crate::cli::output::stdout());
        w.write_record([
            "id",
            "date",
            "session",
            "title",
            "completed",
            "minutes",
            "run_minutes",
            "start_minutes",
            "heard_minutes",
            "mode",
            "stress_before",
            "stress_after",
            "mood_before",
            "mood_after",
            "effort",
            "note",
        ])?;
        for r in &runs {
            let a = &r.answers;
            let opt = |v: Option<Score>| v.map_or_else(String::new, |v| v.to_string());
            w.write_record([
                r.id.to_string(),
                local(r.started_at),
                r.session_key.clone(),
                r.title.clone(),
                u8::from(r.completed).to_string(),
                format!("{:.1}", r.minutes()),
                format!("{:.1}", run_minutes(r)),
                format!("{:.1}", r.start_position / 60.0),
                r.heard_seconds
                    .map(|s| format!("{:.1}", s / 60.0))
                    .unwrap_or_default(),
                r.mode.clone(),
                opt(a.stress_before),
                opt(a.stress_after),
                opt(a.mood_before),
                opt(a.mood_after),
                opt(a.effort),
                a.note.as_ref().map(Note::printable).unwrap_or_default(),
            ])?;
        }
        w.flush()?;
    } else if runs.is_empty() {
        crate::outln!(
            "Nog geen trainingen in het dagboek ({}).",
            crate::text::visible(&Journal::default_path()?.display().to_string())
        )?;
    } else {
        write!(crate::cli::output::stdout(), "{}", table(&runs))?;
    }
    Ok(Outcome::Success)
}

/// The history as a Dutch text table.
pub fn table(runs: &[Run]) -> String {
    let head = [
        "id", "datum", "training", "klaar", "gelopen", "stress", "stemming", "zwaar", "notitie",
    ];
    let rows: Vec<[String; 9]> = runs
        .iter()
        .map(|r| {
            let a = &r.answers;
            [
                r.id.to_string(),
                local(r.started_at),
                crate::text::visible(&short(r)).into_owned(),
                if r.completed { "ja" } else { "nee" }.into(),
                format!("{:.0} min", run_minutes(r)),
                pair(a.stress_before, a.stress_after),
                pair(a.mood_before, a.mood_after),
                score(a.effort),
                a.note.as_ref().map(Note::printable).unwrap_or_default(),
            ]
        })
        .collect();
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([head[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..9).map(width).collect();
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == 8 {
                text.push_str(c);
            } else {
                text.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(head.to_vec());
    for r in &rows {
        line(r.iter().map(String::as_str).collect());
    }
    out
}

/// Minutes of running in `r`: as recorded, or for a run stored before rustig recorded
/// it, the running of its session up to where it got.
fn run_minutes(r: &Run) -> f64 {
    let shape = if r.run_seconds.is_none() {
        shape_of(r)
    } else {
        None
    };
    r.minutes_run(shape.as_ref())
}

/// Rounded to a tenth, for JSON.
fn tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// One run for `--json` (and the coach).
pub fn json(r: &Run) -> serde_json::Value {
    let a = &r.answers;
    serde_json::json!({
        "id": r.id,
        "date": local(r.started_at),
        "started_at": r.started_at,
        "session": r.session_key,
        "program": r.program,
        "title": r.title,
        "completed": r.completed,
        "minutes": tenth(r.minutes()),
        "run_minutes": tenth(run_minutes(r)),
        "start_minutes": tenth(r.start_position / 60.0),
        "heard_minutes": r.heard_seconds.map(|s| tenth(s / 60.0)),
        "mode": r.mode,
        "stress_before": a.stress_before,
        "stress_after": a.stress_after,
        "mood_before": a.mood_before,
        "mood_after": a.mood_after,
        "effort": a.effort,
        "note": a.note,
    })
}
