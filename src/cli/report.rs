//! `rustig report -o FILE [--format html|svg|png]`: the page for the runner and the
//! coach, or its main chart alone.

use std::path::PathBuf;

use super::Outcome;
use crate::journal::{Journal, ProgramPlan, now};
use crate::output::AtomicFile;
use crate::output::target::{self, Kind};
use crate::report::Report;

/// Write a report of the journal: an HTML page, or the main chart.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file to write.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// html: the whole page; svg or png: the stress chart alone, with its title,
    /// legend, axes and dates [default: from the file name's extension].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Replace FILE even when it is not a report rustig wrote.
    #[arg(long)]
    pub force: bool,
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

impl Format {
    /// The kind of file written.
    fn kind(self) -> Kind {
        match self {
            Format::Html => Kind::Html,
            Format::Svg => Kind::Svg,
            Format::Png => Kind::Png,
        }
    }
}

/// The format `--format` gives, or the extension of FILE names; an error when the
/// two disagree or FILE names none of them.
fn format(args: &Args) -> Result<Format, String> {
    let by_name = match Kind::of_path(&args.output) {
        Some(Kind::Html) => Some(Format::Html),
        Some(Kind::Svg) => Some(Format::Svg),
        Some(Kind::Png) => Some(Format::Png),
        _ => None,
    };
    let ext = |f: Format| f.kind().extension();
    match (args.format, by_name) {
        (Some(f), Some(n)) if f.kind() != n.kind() => Err(format!(
            "--format {} writes {}, but {} ends in .{}\n  = help: name the file .{} or leave out --format",
            ext(f),
            f.kind().name(),
            args.output.display(),
            ext(n),
            ext(f)
        )),
        (_, Some(n)) => Ok(n),
        (Some(f), None) => Err(format!(
            "{} does not end in .{}\n  = help: name the file .{}, e.g. -o {}",
            args.output.display(),
            ext(f),
            ext(f),
            args.output.with_extension(ext(f)).display()
        )),
        (None, None) => Err(format!(
            "report writes .html, .svg or .png files; {} is none of them\n  = help: e.g. -o {}",
            args.output.display(),
            args.output.with_extension("html").display()
        )),
    }
}

/// Runs `report`.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let format = match format(args) {
        Ok(f) => f,
        Err(message) => {
            crate::errln!("error: {message}");
            return Ok(Outcome::Usage);
        }
    };
    let journal = Journal::default_path().ok();
    let inputs: Vec<&std::path::Path> = journal.iter().map(|p| p.as_path()).collect();
    target::check(&args.output, format.kind(), &inputs, args.force)?;
    let runs = Journal::default_runs()?;
    let program = ProgramPlan::default_program().ok();
    let report = Report::new(&runs, program.as_ref(), now());
    let out = &args.output;
    let write = |bytes: &[u8]| {
        AtomicFile::write(out, bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))
    };
    match format {
        Format::Html => write(report.html()?.as_bytes())?,
        Format::Svg => write(report.stress_svg()?.as_bytes())?,
        Format::Png => write(&report.stress_png()?)?,
    }
    crate::outln!("{} geschreven.", out.display())?;
    Ok(Outcome::Success)
}
