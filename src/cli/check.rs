//! `rustig check PATH...`: sessions, program folders and voice packs.

use std::path::{Path, PathBuf};

use super::diagnostics::print_diagnostics;
use super::{Outcome, plural};
use crate::load::{PackCache, SessionFile, read_session};
use crate::session::Diagnostic;
use crate::timeline::clock;
use crate::voice::{DEFAULT_VOICE, VoiceLookup, VoicePack};

/// Check session files, program folders and voice packs, and report every problem.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "A PATH may be a session file, a program folder (with program.toml), a voice pack folder \
(with voice.toml) or any folder, which is searched for all three.\n\
Each problem is printed as file:line:col: error[CODE]: message, with the line and a hint; \
`rustig explain CODE` tells more. Warnings point out where a session leaves the e-book's advice \
(a 5-minute warm-up walk and walking out, stretching, a relaxed cadence, a coach who speaks now and then).\n\
Exit status 1 if any error was found (or any warning, with --deny-warnings)."
)]
pub struct Args {
    /// Files or folders to check.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// How to print the problems: `human` (with the source line) or `json` (one JSON
    /// object per line on stdout, with file, line, column, end_line, end_column, code,
    /// severity, message and help; for editors and CI).
    #[arg(long, value_name = "FORMAT", default_value = "human")]
    pub message_format: MessageFormat,
    /// Fail (exit status 1) on warnings too, e.g. in a coach's CI.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// How `check` prints problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    /// Readable, with the source line and a caret.
    Human,
    /// One JSON object per line on stdout.
    Json,
}

#[derive(Default)]
struct Tally {
    files: usize,
    errors: usize,
    warnings: usize,
    json: bool,
    /// Folders already walked (canonical paths): a symlink loop is walked once.
    walked: std::collections::HashSet<PathBuf>,
}

impl Tally {
    fn report(&mut self, diags: &[Diagnostic]) -> std::io::Result<()> {
        self.errors += diags.iter().filter(|d| d.is_error()).count();
        self.warnings += diags.iter().filter(|d| !d.is_error()).count();
        if self.json {
            for d in diags {
                crate::outln!("{}", d.to_json())?;
            }
        } else {
            print_diagnostics(diags);
        }
        Ok(())
    }

    /// Prints a file's "ok" line, unless stdout carries JSON.
    fn ok(&self, line: std::fmt::Arguments<'_>) -> std::io::Result<()> {
        if !self.json {
            crate::outln!("{line}")?;
        }
        Ok(())
    }
}

/// Runs `check`.
pub fn run(args: &Args, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    let mut tally = Tally {
        json: args.message_format == MessageFormat::Json,
        ..Tally::default()
    };
    let packs = PackCache::new(lookup);
    for path in &args.paths {
        check_path(path, &packs, &mut tally)?;
    }
    if tally.files == 0 {
        crate::errln!(
            "error: nothing to check: no session files (*.toml), programs or voice packs in {}",
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(Outcome::Failure);
    }
    crate::errln!(
        "checked {}: {}, {}",
        plural(tally.files, "file"),
        plural(tally.errors, "error"),
        plural(tally.warnings, "warning")
    );
    if args.deny_warnings && tally.errors == 0 && tally.warnings > 0 {
        crate::errln!("error: warnings are denied (--deny-warnings)");
    }
    Ok(
        if tally.errors > 0 || (args.deny_warnings && tally.warnings > 0) {
            Outcome::Failure
        } else {
            Outcome::Success
        },
    )
}

fn check_path(path: &Path, packs: &PackCache<'_>, tally: &mut Tally) -> std::io::Result<()> {
    if path.is_dir() {
        if path.join("voice.toml").is_file() {
            check_pack(path, tally)?;
        } else if path.join("program.toml").is_file() {
            check_program(path, packs, tally)?;
        } else {
            if let Ok(real) = path.canonicalize()
                && !tally.walked.insert(real)
            {
                return Ok(());
            }
            let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
                Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(e) => {
                    tally.files += 1;
                    tally.errors += 1;
                    crate::errln!("{}: cannot read the folder: {e}", path.display());
                    return Ok(());
                }
            };
            entries.sort();
            for p in entries {
                if p.is_dir() || p.extension().is_some_and(|e| e == "toml") {
                    check_path(&p, packs, tally)?;
                }
            }
        }
    } else if path.file_name().is_some_and(|n| n == "voice.toml") {
        check_pack(path.parent().unwrap_or(Path::new(".")), tally)?;
    } else if path.file_name().is_some_and(|n| n == "program.toml") {
        check_program(path.parent().unwrap_or(Path::new(".")), packs, tally)?;
    } else if !path.exists() && crate::load::load_program(path).1.is_some() {
        // A built-in program, e.g. sessions/opbouw from any folder.
        check_program(path, packs, tally)?;
    } else {
        check_session(path, packs, tally)?;
    }
    Ok(())
}

fn check_session(path: &Path, packs: &PackCache<'_>, tally: &mut Tally) -> std::io::Result<()> {
    match read_session(path) {
        Ok(file) => check_session_file(&file, packs, tally),
        Err(d) => {
            tally.files += 1;
            tally.report(&[d])
        }
    }
}

fn check_session_file(
    file: &SessionFile,
    packs: &PackCache<'_>,
    tally: &mut Tally,
) -> std::io::Result<()> {
    tally.files += 1;
    let (mut diags, loaded) = packs.load(file);
    if let Some(l) = &loaded {
        // The e-book's advice: warnings of `check` only, never of play or render.
        diags.extend(crate::timeline::advice::advice(
            &l.session,
            &l.compiled.timeline,
        ));
    }
    tally.report(&diags)?;
    if let Some(l) = loaded {
        let blocks = l.compiled.timeline.blocks.len();
        tally.ok(format_args!(
            "{}: ok, {} in {}",
            crate::session::diagnostic::display_path(&file.display),
            clock(l.compiled.timeline.duration),
            plural(blocks, "block")
        ))?;
    }
    Ok(())
}

fn check_program(folder: &Path, packs: &PackCache<'_>, tally: &mut Tally) -> std::io::Result<()> {
    tally.files += 1;
    let (diags, files) = crate::load::load_program(folder);
    tally.report(&diags)?;
    let Some(files) = files else {
        // The program has errors (e.g. a listed file is missing): still check the
        // sessions it lists that do exist, so one run reports everything.
        let manifest = folder.join("program.toml");
        if let Ok(bytes) = crate::input::read_limited(&manifest, 1 << 20)
            && let (Some(program), _) =
                crate::session::parse_program(&manifest, &bytes, folder, |_| true)
        {
            for path in program.session_paths().iter().filter(|p| p.is_file()) {
                check_session(path, packs, tally)?;
            }
        }
        return Ok(());
    };
    tally.ok(format_args!(
        "{}: ok, program \"{}\" with {} sessions",
        crate::session::diagnostic::display_path(&files.program.folder.join("program.toml")),
        files.program.title,
        files.sessions.len()
    ))?;
    for file in &files.sessions {
        check_session_file(file, packs, tally)?;
    }
    Ok(())
}

fn check_pack(dir: &Path, tally: &mut Tally) -> std::io::Result<()> {
    tally.files += 1;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| DEFAULT_VOICE.into());
    match VoicePack::load_dir(&name, dir) {
        Ok((pack, mut diags)) => {
            diags.extend(pack.check());
            tally.report(&diags)?;
            if !diags.iter().any(Diagnostic::is_error) {
                tally.ok(format_args!(
                    "{}: ok, voice pack \"{}\" with {} clips",
                    dir.join("voice.toml").display(),
                    pack.name,
                    pack.clips.len()
                ))?;
            }
            Ok(())
        }
        Err(diags) => tally.report(&diags),
    }
}
