//! `rustig report -o FILE [--format html|svg|png]`: the page for the runner and the
//! coach, or its main chart alone.

use std::path::PathBuf;

use super::Outcome;
use crate::journal::{Journal, ProgramPlan};
use crate::output::AtomicFile;

/// Write a report of the journal: an HTML page, or the main chart.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file to write.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// html: the whole page; svg or png: the stress chart alone.
    #[arg(long, value_enum, default_value_t = Format::Html)]
    pub format: Format,
}

/// What to write.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// A self-contained page.
    Html,
    /// The main chart as SVG.
    Svg,
    /// The main chart as PNG.
    Png,
}

/// Planned minutes of sessions per program week, from the built-in program.
fn plan() -> Vec<f64> {
    let Ok(program) = ProgramPlan::default_program() else {
        return Vec::new();
    };
    let mut weeks: Vec<f64> = Vec::new();
    for (i, s) in program.sessions.iter().enumerate() {
        let Some((week, _)) = program.week_and_session(i) else {
            continue;
        };
        let i = week.saturating_sub(1) as usize;
        if weeks.len() <= i {
            weeks.resize(i + 1, 0.0);
        }
        weeks[i] += s.blocks_duration().secs() / 60.0;
    }
    weeks
}

/// Runs `report`.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let runs = Journal::default_runs()?;
    let out = &args.output;
    let write = |bytes: &[u8]| {
        AtomicFile::write(out, bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))
    };
    match args.format {
        Format::Html => {
            let title = ProgramPlan::default_program().map_or_else(|_| String::new(), |p| p.title);
            write(crate::report::html(&runs, &plan(), &title)?.as_bytes())?;
        }
        Format::Svg => write(crate::report::stress_svg(&runs)?.as_bytes())?,
        Format::Png => crate::report::stress_png(&runs, out)?,
    }
    crate::outln!("{} geschreven.", out.display())?;
    Ok(Outcome::Success)
}
