//! `rustig report -o FILE [--format html|svg|png]`: the page for the runner and the
//! coach, or its main chart alone.

use std::path::PathBuf;

use super::Outcome;
use super::status::week_and_session;
use crate::journal::Journal;
use crate::load::default_program;
use crate::output::AtomicFile;
use crate::session::parse_session;

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
    let (_, files) = default_program();
    let Some(files) = files else {
        return Vec::new();
    };
    let mut weeks: Vec<f64> = Vec::new();
    for (name, file) in files.program.sessions.iter().zip(&files.sessions) {
        let (Some((week, _)), (Some(s), _)) = (
            week_and_session(&name.value),
            parse_session(&file.display, &file.bytes, &file.base),
        ) else {
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
    let path = Journal::default_path()
        .ok_or_else(|| anyhow::anyhow!("no data folder: set XDG_DATA_HOME or HOME"))?;
    let runs = if path.exists() {
        Journal::open(&path)?.runs()?
    } else {
        Vec::new()
    };
    let out = &args.output;
    let write = |bytes: &[u8]| {
        AtomicFile::write(out, bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))
    };
    match args.format {
        Format::Html => {
            let (_, files) = default_program();
            let title = files.map_or_else(String::new, |f| f.program.title);
            write(crate::report::html(&runs, &plan(), &title)?.as_bytes())?;
        }
        Format::Svg => write(crate::report::stress_svg(&runs)?.as_bytes())?,
        Format::Png => crate::report::stress_png(&runs, out)?,
    }
    println!("{} geschreven.", out.display());
    Ok(Outcome::Success)
}
