//! `rustig voice list [--voice NAME | --all]`: a pack's clips, or every pack found.

use super::{PackArgs, emit, load_pack, origin};
use crate::cli::Outcome;
use crate::cli::diagnostics::print_diagnostics;
use crate::cli::plural;
use crate::session::diagnostic::display_path;
use crate::voice::{PackFiles, Place, VoiceLookup, VoicePack};

/// `voice list`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The pack whose clips to list.
    #[command(flatten)]
    pub pack: PackArgs,
    /// List every pack found (on disk and built in) instead, with where each is from.
    #[arg(long, conflicts_with = "voice")]
    pub all: bool,
}

/// `voice list --all`.
pub(super) fn list_all(lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    let found = lookup.all();
    let width = found
        .iter()
        .map(|f| f.voice.chars().count())
        .max()
        .unwrap_or(0);
    let mut text = format!(
        "{} found (for each name, the first is the one --voice NAME uses):\n",
        plural(found.len(), "voice pack")
    );
    for f in &found {
        let (loaded, from) = match &f.place {
            Place::VoiceDir(dir) | Place::Local(dir) | Place::User(dir) => (
                VoicePack::load_dir(&f.voice, dir).map(|(p, _)| p).ok(),
                match &f.place {
                    Place::VoiceDir(_) => {
                        format!("{} (--voice-dir)", origin(&PackFiles::Dir(dir.clone())))
                    }
                    Place::Local(_) => {
                        format!("{} (this folder)", origin(&PackFiles::Dir(dir.clone())))
                    }
                    _ => format!("{} (your voices)", display_path(dir)),
                },
            ),
            Place::BuiltIn => (
                VoicePack::load(&f.voice, &VoiceLookup::builtin_only())
                    .map(|(p, _)| p)
                    .ok(),
                origin(&PackFiles::BuiltIn(f.voice.clone())),
            ),
        };
        let what = match &loaded {
            Some(p) => {
                let borrowed = p.borrowed().count();
                format!(
                    "\"{}\", {} clips{}",
                    p.name,
                    p.clips.len(),
                    if borrowed > 0 {
                        format!(" ({borrowed} borrowed)")
                    } else {
                        String::new()
                    }
                )
            }
            None => format!("cannot be loaded (rustig voice check --voice {})", f.voice),
        };
        text += &format!(
            "{}{:<width$}  {what}, from {from}\n",
            if f.in_use { "* " } else { "  " },
            f.voice
        );
    }
    emit(&text)?;
    Ok(Outcome::Success)
}

/// `voice list`.
pub(super) fn list(args: &PackArgs, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    let Some((pack, diags)) = load_pack(&args.voice, lookup) else {
        return Ok(Outcome::Failure);
    };
    print_diagnostics(&diags);
    let width = pack
        .clips
        .iter()
        .map(|c| c.id.chars().count())
        .max()
        .unwrap_or(0)
        .max(2);
    let mut text = format!(
        "voice pack \"{}\" ({}, language {}), {} clips\nfrom {}\n\n{:<width$}  {:>8}  text\n",
        pack.name,
        pack.voice,
        pack.language,
        pack.clips.len(),
        origin(&pack.files),
        "id",
        "length",
    );
    for clip in &pack.clips {
        text += &format!(
            "{:<width$}  {:>6.2} s  {}\n",
            clip.id, clip.duration, clip.text
        );
    }
    emit(&text)?;
    Ok(Outcome::Success)
}
