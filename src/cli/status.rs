//! `rustig status [--json]`: draws the runner's state ([`Status`]) as Dutch text or
//! prints it as JSON. Every rule behind it lives in the library (`journal::status`).

use std::io::Write;

use chrono::Local;

use super::Outcome;
use super::diagnostics::print_diagnostics;
use crate::journal::program::span;
use crate::journal::{Journal, ProgramPlan, Status};

/// Show where you are in the program and what comes next.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// As JSON.
    #[arg(long)]
    pub json: bool,
}

/// Score 1–5 as a bar.
fn bar(v: u8) -> char {
    ['▁', '▂', '▄', '▆', '█'][usize::from(v.clamp(1, 5) - 1)]
}

/// The status as the Dutch lines `rustig status` prints.
pub fn text(s: &Status) -> String {
    let mut text = format!("Programma: {}\n", s.program_title);
    match s.last_completed_week {
        Some((w, n)) => text.push_str(&format!("Laatst afgerond: week {w}, training {n}\n")),
        None => text.push_str("Nog geen training afgerond.\n"),
    }
    text.push_str(&format!(
        "Hardlopen per training: {} van {} minuten\n",
        s.run_minutes, s.goal_minutes
    ));
    text.push_str(&format!("Trainingen deze week: {}\n", s.runs_this_week));
    match (&s.plays, s.repeat_line()) {
        (Some(_), Some(repeat)) => {
            text.push_str(&format!("Volgende: {repeat}\n"));
            if let Some(line) = s.move_on_line() {
                text.push_str(&line);
                text.push('\n');
            }
        }
        (Some(n), None) => text.push_str(&format!(
            "Volgende: {} ({}): {}\n",
            n.title,
            span(n.minutes * 60.0),
            n.plan
        )),
        (None, _) => {
            text.push_str("Alle trainingen zijn afgerond. Herhaal er een die je fijn vond.\n")
        }
    }
    if !s.stress.is_empty() {
        let line = |f: fn(&crate::journal::status::StressPoint) -> u8| -> String {
            s.stress.iter().map(|p| bar(f(p))).collect()
        };
        text.push_str(&format!(
            "Stress voor: {}\nStress na:   {}\n",
            line(|p| p.before.get()),
            line(|p| p.after.get())
        ));
    }
    text
}

/// Runs `status`.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let program = match ProgramPlan::default_program() {
        Ok(p) => p,
        Err(diags) => {
            print_diagnostics(&diags);
            return Ok(Outcome::Failure);
        }
    };
    let runs = Journal::default_runs()?;
    let s = Status::compute(&program, &runs, Local::now().timestamp());
    let mut out = crate::cli::output::stdout();
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&serde_json::to_value(&s)?)?
        )?;
    } else {
        write!(out, "{}", text(&s))?;
    }
    Ok(Outcome::Success)
}
