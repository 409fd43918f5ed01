//! `rustig report -o FILE [--format html|svg|png]`: the page for the runner and the
//! coach, or its main chart alone.

use std::path::PathBuf;

use super::Outcome;
use crate::journal::{Journal, ProgramPlan, now};
use crate::output::AtomicFile;
use crate::report::Report;

/// Write a report of the journal: an HTML page, or the main chart.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file to write.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// html: the whole page; svg or png: the stress chart alone, with its title,
    /// legend, axes and dates.
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

/// Runs `report`.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let runs = Journal::default_runs()?;
    let program = ProgramPlan::default_program().ok();
    let report = Report::new(&runs, program.as_ref(), now());
    let out = &args.output;
    let write = |bytes: &[u8]| {
        AtomicFile::write(out, bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))
    };
    match args.format {
        Format::Html => write(report.html()?.as_bytes())?,
        Format::Svg => write(report.stress_svg()?.as_bytes())?,
        Format::Png => report.stress_png(out)?,
    }
    println!("{} geschreven.", out.display());
    Ok(Outcome::Success)
}
