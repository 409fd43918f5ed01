//! `rustig schema [-o FILE]`

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use super::Outcome;
use crate::output::AtomicFile;

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
}

/// Runs `schema`.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let pack = crate::schema::builtin_pack().context("the built-in voice pack does not load")?;
    let text = crate::schema::schema_text(&pack);
    match &args.output {
        Some(path) => {
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
