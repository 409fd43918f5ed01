//! `rustig schema [-o FILE]`

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use super::Outcome;
use crate::output::AtomicFile;
use crate::output::target::{self, Kind};

/// Print the JSON Schema of the session format, for editors.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "A JSON Schema (draft 2020-12) with a description and an example for every key, \
the built-in pack's clip ids with their texts, and durations as a pattern.\n\
Save it beside your sessions as rustig-session.schema.json and start a session with the line\n  \
#:schema ./rustig-session.schema.json\n\
(as `rustig new` does): VS Code with Even Better TOML and other taplo-based editors then complete keys and clip ids."
)]
pub struct Args {
    /// Write the schema to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Replace FILE even when it is not a schema rustig wrote.
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// Runs `schema`.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let pack = crate::schema::builtin_pack().context("the built-in voice pack does not load")?;
    let text = crate::schema::schema_text(&pack);
    match &args.output {
        Some(path) => {
            if Kind::of_path(path) != Some(Kind::Schema) {
                crate::errln!(
                    "error: the schema is JSON; {} does not end in .json\n  = help: e.g. -o {}",
                    path.display(),
                    path.with_file_name(crate::schema::SCHEMA_FILE_NAME)
                        .display()
                );
                return Ok(Outcome::Usage);
            }
            target::check(path, Kind::Schema, &[], args.force)?;
            AtomicFile::write(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            crate::errln!("wrote {}", path.display());
        }
        None => {
            let mut out = crate::cli::output::stdout();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
                _ => {}
            }
        }
    }
    Ok(Outcome::Success)
}
