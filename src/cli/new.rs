//! `rustig new FILE [--from EXAMPLE] [--list]`

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Outcome;
use crate::output::AtomicFile;
use crate::output::target::Kind;

/// The starter session `rustig new` writes without `--from` (Dutch comments).
pub const STARTER: &str = include_str!("starter.toml");

/// The folder of the built-in examples inside `sessions/`.
const EXAMPLES: &str = "voorbeelden";

/// Write a new session file to start from.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The file starts with a `#:schema` line, so editors based on taplo (VS Code with Even Better TOML) \
complete keys and clip ids; the schema is written beside it if the folder has none.\n\
An existing file is never overwritten."
)]
pub struct Args {
    /// The session file to write.
    #[arg(required_unless_present = "list", value_hint = clap::ValueHint::FilePath)]
    pub file: Option<PathBuf>,
    /// Start from a built-in example of sessions/voorbeelden/ (see --list).
    #[arg(long, value_name = "EXAMPLE", value_parser = clap::builder::PossibleValuesParser::new(example_names()))]
    pub from: Option<String>,
    /// List the built-in examples.
    #[arg(long, conflicts_with_all = ["file", "from"])]
    pub list: bool,
    /// Do not write the schema file beside the session.
    #[arg(long)]
    pub no_schema: bool,
}

/// The names of the built-in examples (file names without `.toml`), sorted.
pub fn example_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = crate::builtin::SESSIONS
        .get_dir(EXAMPLES)
        .map(|d| {
            d.files()
                .filter_map(|f| f.path().file_name()?.to_str()?.strip_suffix(".toml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort_unstable();
    names
}

/// The text of a built-in example by name.
pub fn example_text(name: &str) -> Option<&'static str> {
    let bytes = crate::builtin::session_file(&format!("{EXAMPLES}/{name}.toml"))?;
    std::str::from_utf8(bytes).ok()
}

/// What an example is about: its first comment line, e.g. `Stil: zo min mogelijk geluid.`
fn example_summary(text: &str) -> &str {
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix('#'))
        .map(str::trim)
        .unwrap_or("")
}

/// The text `rustig new` writes: the `#:schema` line, then the starter or the example.
pub fn session_text(from: Option<&str>) -> Option<String> {
    let body = match from {
        None => STARTER,
        Some(name) => example_text(name)?,
    };
    Some(format!(
        "#:schema ./{}\n{body}",
        crate::schema::SCHEMA_FILE_NAME
    ))
}

/// Runs `new`.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    if args.list {
        let names = example_names();
        let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
        let mut text = String::new();
        for name in names {
            let summary = example_text(name).map(example_summary).unwrap_or("");
            text.push_str(&format!("{name:width$}  {summary}\n"));
        }
        let mut out = crate::cli::output::stdout();
        return match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
            _ => Ok(Outcome::Success),
        };
    }
    let file = args
        .file
        .as_deref()
        .expect("clap requires FILE without --list");
    if std::fs::symlink_metadata(file).is_ok() {
        crate::errln!(
            "error: {} already exists; rustig new does not overwrite files\n  = help: choose another name, or remove the file first",
            file.display()
        );
        return Ok(Outcome::Failure);
    }
    if let Err(e) = crate::output::target::check(file, Kind::Session, &[], false) {
        crate::errln!("error: {e}");
        return Ok(Outcome::Failure);
    }
    let text = session_text(args.from.as_deref()).expect("clap checked the example's name");
    AtomicFile::write(file, text.as_bytes())
        .with_context(|| format!("cannot write {}", file.display()))?;
    match &args.from {
        Some(name) => crate::errln!("wrote {} (from the example {name})", file.display()),
        None => crate::errln!("wrote {}", file.display()),
    }
    if !args.no_schema {
        write_schema_beside(file)?;
    }
    crate::errln!("next: rustig check {}", file.display());
    Ok(Outcome::Success)
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(file: &Path) -> &Path {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes the schema into the session's folder unless one is there already.
fn write_schema_beside(file: &Path) -> anyhow::Result<()> {
    let path = folder_of(file).join(crate::schema::SCHEMA_FILE_NAME);
    if std::fs::symlink_metadata(&path).is_ok() {
        return Ok(());
    }
    let pack = crate::schema::builtin_pack().context("the built-in voice pack does not load")?;
    let schema = crate::schema::schema_text(&pack);
    AtomicFile::write(&path, schema.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    crate::errln!(
        "wrote {} (for editors: completion and checks while you type)",
        path.display()
    );
    Ok(())
}
