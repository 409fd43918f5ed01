//! `rustig status [--json]`: where the runner is in the default program, what comes
//! next (or what to repeat), and stress before→after over the last runs.

use std::io::Write;

use chrono::{Datelike, Local, TimeZone};

use super::Outcome;
use super::load::print_diagnostics;
use crate::journal::{Journal, Plan, Run, next_session};
use crate::load::default_program;
use crate::session::{BlockKind, Session, parse_session};

/// Show where you are in the program and what comes next.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// As JSON.
    #[arg(long)]
    pub json: bool,
}

/// The program's goal: 36 minutes of running.
pub const GOAL_MINUTES: f64 = 36.0;

/// Minutes of running in a session (run blocks and the runs of intervals).
pub fn run_minutes(s: &Session) -> f64 {
    s.blocks
        .iter()
        .map(|b| match &b.kind {
            BlockKind::Run { duration, .. } => duration.secs(),
            BlockKind::Intervals { repeat, run, .. } => run.secs() * f64::from(*repeat),
            _ => 0.0,
        })
        .sum::<f64>()
        / 60.0
}

fn span(secs: f64) -> String {
    if secs % 60.0 == 0.0 {
        format!("{} min", secs / 60.0)
    } else if secs < 60.0 {
        format!("{secs} s")
    } else {
        format!("{}:{:02} min", (secs / 60.0).floor(), (secs % 60.0).round())
    }
}

/// A session's plan in one Dutch line.
pub fn plan_line(s: &Session) -> String {
    s.blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Walk { duration } => Some(format!("{} wandelen", span(duration.secs()))),
            BlockKind::Run { duration, .. } => Some(format!("{} hardlopen", span(duration.secs()))),
            BlockKind::Intervals {
                repeat, run, walk, ..
            } => Some(format!(
                "{repeat}× ({} hardlopen, {} wandelen)",
                span(run.secs()),
                span(walk.secs())
            )),
            BlockKind::Strength { .. } => Some("krachtoefeningen".into()),
            BlockKind::Stretch { .. } => Some("rekken".into()),
            BlockKind::Breathe { duration, .. } => {
                Some(format!("{} ademhaling", span(duration.secs())))
            }
            BlockKind::Silence { .. } => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Week and session from a file name like `week03-2.toml`.
pub fn week_and_session(file: &str) -> Option<(u32, u32)> {
    let rest = file.strip_prefix("week")?.strip_suffix(".toml")?;
    let (w, s) = rest.split_once('-')?;
    Some((w.parse().ok()?, s.parse().ok()?))
}

/// Score 1–5 as a bar.
fn bar(v: u8) -> char {
    ['▁', '▂', '▄', '▆', '█'][usize::from(v.clamp(1, 5) - 1)]
}

/// The status, as text and as JSON.
pub struct Status {
    /// The JSON form.
    pub json: serde_json::Value,
    /// The Dutch text.
    pub text: String,
}

/// Computes the status from the program's sessions and the journal's runs.
pub fn status(
    program_title: &str,
    files: &[String],
    sessions: &[Session],
    runs: &[Run],
    now: i64,
) -> Status {
    let program = crate::builtin::DEFAULT_PROGRAM;
    let plan: Plan = next_session(program, files, runs);
    let mut text = String::new();
    let done_index = files
        .iter()
        .enumerate()
        .rev()
        .find(|(_, f)| {
            runs.iter()
                .any(|r| r.completed && r.session_key == format!("{program}/{f}"))
        })
        .map(|(i, _)| i);
    let minutes_now = done_index.map_or(0.0, |i| run_minutes(&sessions[i]));
    let today = Local
        .timestamp_opt(now, 0)
        .single()
        .map(|d| d.iso_week())
        .map(|w| (w.year(), w.week()));
    let this_week = runs
        .iter()
        .filter(|r| {
            Local
                .timestamp_opt(r.started_at, 0)
                .single()
                .map(|d| (d.iso_week().year(), d.iso_week().week()))
                == today
        })
        .count();
    text.push_str(&format!("Programma: {program_title}\n"));
    match done_index.and_then(|i| week_and_session(&files[i])) {
        Some((w, s)) => text.push_str(&format!("Laatst afgerond: week {w}, training {s}\n")),
        None => text.push_str("Nog geen training afgerond.\n"),
    }
    text.push_str(&format!(
        "Hardlopen per training: {minutes_now} van {GOAL_MINUTES} minuten\n"
    ));
    text.push_str(&format!("Trainingen deze week: {this_week}\n"));
    let describe = |i: usize| {
        let s = &sessions[i];
        format!(
            "{} ({}): {}",
            s.title,
            span((s.blocks_duration().secs() / 60.0).round() * 60.0),
            plan_line(s)
        )
    };
    match plan.next {
        Some(i) => text.push_str(&format!("Volgende: {}\n", describe(i))),
        None => text.push_str("Alle trainingen zijn afgerond. Herhaal er een die je fijn vond.\n"),
    }
    if let Some(tip) = plan.tip(|p| sessions[p].title.clone()) {
        text.push_str(&tip);
        text.push('\n');
    }
    let mut answered: Vec<&Run> = runs
        .iter()
        .filter(|r| r.answers.stress_before.is_some() && r.answers.stress_after.is_some())
        .collect();
    answered.sort_by_key(|r| (r.started_at, r.id));
    let last: Vec<&Run> = answered.iter().rev().take(12).rev().copied().collect();
    if !last.is_empty() {
        let line = |f: fn(&Run) -> Option<u8>| -> String {
            last.iter().filter_map(|r| f(r)).map(bar).collect()
        };
        text.push_str(&format!(
            "Stress voor: {}\nStress na:   {}\n",
            line(|r| r.answers.stress_before),
            line(|r| r.answers.stress_after)
        ));
    }
    let session_json = |i: usize| {
        let s = &sessions[i];
        serde_json::json!({
            "session": format!("{program}/{}", files[i]),
            "title": s.title,
            "minutes": (s.blocks_duration().secs() / 60.0).round(),
            "run_minutes": run_minutes(s),
            "plan": plan_line(s),
        })
    };
    let json = serde_json::json!({
        "program": program,
        "program_title": program_title,
        "last_completed": done_index.map(|i| format!("{program}/{}", files[i])),
        "run_minutes": minutes_now,
        "goal_minutes": GOAL_MINUTES,
        "runs_this_week": this_week,
        "next": plan.next.map(session_json),
        "repeat": plan.repeat.zip(plan.previous).map(|(reason, p)| {
            let mut v = session_json(p);
            v["reason"] = serde_json::json!(match reason {
                crate::journal::RepeatReason::TooHeavy => "too_heavy",
                crate::journal::RepeatReason::StressUp => "stress_up",
            });
            v
        }),
        "stress": last.iter().map(|r| serde_json::json!({
            "id": r.id, "before": r.answers.stress_before, "after": r.answers.stress_after
        })).collect::<Vec<_>>(),
    });
    Status { json, text }
}

/// Runs `status`.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let (diags, files) = default_program();
    print_diagnostics(&diags);
    let Some(files) = files else {
        return Ok(Outcome::Failure);
    };
    let mut sessions = Vec::new();
    for f in &files.sessions {
        let (s, d) = parse_session(&f.display, &f.bytes, &f.base);
        print_diagnostics(&d);
        let Some(s) = s else {
            return Ok(Outcome::Failure);
        };
        sessions.push(s);
    }
    let names: Vec<String> = files
        .program
        .sessions
        .iter()
        .map(|s| s.value.clone())
        .collect();
    let path = Journal::default_path()
        .ok_or_else(|| anyhow::anyhow!("no data folder: set XDG_DATA_HOME or HOME"))?;
    let runs = if path.exists() {
        Journal::open(&path)?.runs()?
    } else {
        Vec::new()
    };
    let s = status(
        &files.program.title,
        &names,
        &sessions,
        &runs,
        Local::now().timestamp(),
    );
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&s.json)?)?;
    } else {
        write!(out, "{}", s.text)?;
    }
    Ok(Outcome::Success)
}
