//! `rustig voice import SRC_DIR -o PACK_DIR`: a folder of recordings becomes a pack.

use crate::cli::plural;
use std::path::PathBuf;

use super::emit;
use crate::cli::Outcome;
use crate::cli::diagnostics::print_diagnostics;
use crate::session::diagnostic::display_path;
use crate::voice::core_ids;
use crate::voice::import::{self, ImportOptions, Imported};
use crate::voice::process::MAX_CLIP_SECONDS;

/// Where to import from and to.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The folder of recordings.
    #[arg(value_name = "SRC_DIR")]
    pub src: PathBuf,
    /// The new pack folder (must not exist, or be empty).
    #[arg(short, long, value_name = "PACK_DIR")]
    pub out: PathBuf,
    /// The pack's name (default: the folder's name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// A mapping file (TOML or CSV) instead of SRC_DIR/clips.toml or clips.csv.
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Apply a gentle 80 Hz high-pass against handling and wind noise.
    #[arg(long)]
    pub high_pass: bool,
    /// The pack's sample rate in Hz.
    #[arg(long, default_value_t = 44100, value_parser = clap::value_parser!(u32).range(8000..=96000))]
    pub rate: u32,
}

/// `voice import`.
pub(super) fn import(args: &ImportArgs) -> anyhow::Result<Outcome> {
    let options = ImportOptions {
        name: args.name.clone(),
        high_pass: args.high_pass,
        rate: args.rate,
        map: args.map.clone(),
        ..ImportOptions::default()
    };
    emit(&format!(
        "importing {} into {}\n",
        display_path(&args.src),
        display_path(&args.out)
    ))?;
    let on_clip = |c: &Imported| {
        let _ = emit(&format!(
            "  {}  <- {} ({} Hz, {:.2} s, {:.1} LUFS, DC {:+.4}): {:.2} s, {:+.1} dB to {:.1} LUFS, \
             true peak {:.1} dBTP, edges {:.0}/{:.0} ms\n",
            c.id,
            c.source,
            c.source_rate,
            c.source_seconds,
            c.source_loudness,
            c.dc,
            c.seconds,
            import::gain_db(c),
            c.loudness,
            c.true_peak,
            c.edges.0 * 1000.0,
            c.edges.1 * 1000.0,
        ));
        if c.seconds > MAX_CLIP_SECONDS {
            crate::errln!(
                "warning: {} lasts {:.1} s, longer than the {MAX_CLIP_SECONDS} s a clip should",
                c.id,
                c.seconds
            );
        }
    };
    let report = match import::import(&args.src, &args.out, &options, on_clip) {
        Ok(r) => r,
        Err(import::ImportError::MappingProblems(diags)) => {
            print_diagnostics(&diags);
            crate::errln!("nothing was written");
            return Ok(Outcome::Failure);
        }
        Err(e) => {
            crate::errln!("error: {}", crate::errors::Chain(&e));
            crate::errln!("nothing was written");
            return Ok(Outcome::Failure);
        }
    };
    let mut text = String::new();
    for name in &report.ignored {
        text += &format!("ignored: {name} (not a recording)\n");
    }
    text += &format!(
        "wrote {} and voice.toml to {}\n",
        plural(report.clips.len(), "clip"),
        display_path(&args.out)
    );
    text += &format!(
        "core clips: {} of {} recorded{}\n",
        core_ids().len() - report.missing.len(),
        core_ids().len(),
        if report.missing.is_empty() {
            String::new()
        } else {
            format!(
                "; the rest are borrowed from the built-in pack `{}` until recorded",
                options.language
            )
        }
    );
    for id in &report.missing {
        text += &format!("missing: {id}\n");
    }
    emit(&text)?;
    Ok(Outcome::Success)
}
