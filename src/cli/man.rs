//! `rustig man [-o DIR]`

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::CommandFactory;

use super::{Cli, Outcome};
use crate::output::AtomicFile;

/// Print the manual page (roff), or write one page per command into a folder.
#[derive(Debug, clap::Args)]
#[command(after_help = "Read it with: rustig man | man -l -\n\
Install the pages with: rustig man -o /usr/local/share/man/man1")]
pub struct Args {
    /// Write rustig.1 and rustig-<command>.1 for every command into this folder.
    #[arg(short, long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub output: Option<PathBuf>,
}

/// The manual pages: (file name, roff text) for rustig and each of its commands.
pub fn pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut pages = Vec::new();
    collect(&cmd, &mut pages)?;
    Ok(pages)
}

/// A built command's page and its subcommands' (whose display names, set by
/// `build`, are `rustig-play` and so on).
fn collect(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
    let name = cmd.get_display_name().unwrap_or(cmd.get_name());
    let mut roff = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .source(format!("rustig {}", env!("CARGO_PKG_VERSION")))
        .render(&mut roff)?;
    pages.push((format!("{name}.1"), roff));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        collect(sub, pages)?;
    }
    Ok(())
}

/// Runs `man`.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let pages = pages()?;
    match &args.output {
        None => {
            let mut out = crate::cli::output::stdout();
            match out.write_all(&pages[0].1).and_then(|_| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
                _ => {}
            }
        }
        Some(dir) => {
            if dir.exists() && !dir.is_dir() {
                crate::errln!(
                    "error: {} is a file, not a folder\n  = help: -o takes the folder the manual pages go into",
                    dir.display()
                );
                return Ok(Outcome::Failure);
            }
            if !dir.is_dir() {
                crate::errln!(
                    "error: {} is not a folder\n  = help: create it first, e.g. mkdir -p {}",
                    dir.display(),
                    dir.display()
                );
                return Ok(Outcome::Failure);
            }
            for (name, roff) in &pages {
                let path = dir.join(name);
                AtomicFile::write(&path, roff)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            crate::errln!("wrote {} manual pages to {}", pages.len(), dir.display());
        }
    }
    Ok(Outcome::Success)
}
