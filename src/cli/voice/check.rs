//! `rustig voice check [--voice NAME]`: what a pack lacks; exit status 1 if anything.

use super::{PackArgs, emit, load_pack, origin};
use crate::cli::Outcome;
use crate::cli::diagnostics::print_diagnostics;
use crate::cli::plural;
use crate::voice::{ClipInfo, PackError, VoiceLookup, VoicePack, core_ids, core_ids_missing_from};

/// `voice check`.
pub(super) fn check(args: &PackArgs, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    let core = core_ids();
    let (missing, mut text, problems) = match VoicePack::load(&args.voice, lookup) {
        Ok((pack, mut diags)) => {
            diags.extend(pack.check());
            print_diagnostics(&diags);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let mut header = format!(
                "voice pack \"{}\" ({}) from {}: {} clips\n",
                pack.name,
                pack.voice,
                origin(&pack.files),
                pack.clips.len()
            );
            let borrowed: Vec<&ClipInfo> = pack.borrowed().collect();
            if let Some(from) = borrowed.first().and_then(|c| c.borrowed_from.as_ref()) {
                header += &format!(
                    "{} borrowed from the built-in pack `{from}`:\n",
                    plural(borrowed.len(), "clip")
                );
                for clip in borrowed {
                    header += &format!("borrowed: {}\n", clip.id);
                }
            }
            (pack.missing_core_ids(), header, errors)
        }
        Err(PackError::Invalid(diags)) => {
            print_diagnostics(&diags);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let ids = lookup.manifest_ids(&args.voice).unwrap_or_default();
            let missing = core_ids_missing_from(&ids);
            let header = format!(
                "voice pack `{}` cannot be loaded: {} (listed above)\n",
                args.voice,
                plural(errors, "problem")
            );
            (missing, header, errors)
        }
        Err(PackError::NotFound { .. }) => {
            load_pack(&args.voice, lookup);
            return Ok(Outcome::Failure);
        }
    };
    text += &format!(
        "core clips: {} of {} present\n",
        core.len() - missing.len(),
        core.len()
    );
    for id in &missing {
        text += &format!("missing: {id}\n");
    }
    emit(&text)?;
    Ok(if missing.is_empty() && problems == 0 {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}
