//! `rustig voice list|check|synth|import|record`: the terminal front end of voice
//! packs, one file per subcommand. This folder parses arguments, prints and draws;
//! what a pack is, which clips to make and the devices live in `crate::voice`.

mod check;
mod import;
mod list;
mod record;
mod synth;

use std::io::Write;

use clap::Subcommand;

pub use import::ImportArgs;
pub use list::ListArgs;
pub use record::RecordArgs;
pub use synth::SynthArgs;

use super::Outcome;
use super::diagnostics::print_diagnostics;
use crate::session::Diagnostic;
use crate::session::diagnostic::display_path;
use crate::voice::{PackError, PackFiles, VoiceLookup, VoicePack, builtin_voices};

/// Show, check and extend voice packs.
#[derive(Debug, clap::Args)]
#[command(after_help = "A pack is looked for in --voice-dir, ./audio/<voice>/, \
$XDG_DATA_HOME/rustig/voices/<voice>/, and then among the packs built into rustig (nl).")]
pub struct Args {
    /// What to do with the pack.
    #[command(subcommand)]
    pub command: VoiceCommand,
}

/// The `voice` subcommands.
#[derive(Debug, Subcommand)]
pub enum VoiceCommand {
    /// List a pack's clips: id, length and text, and where the pack was loaded from;
    /// with --all, every pack found and where each is from.
    List(ListArgs),
    /// Report what a pack lacks (core clips, unreadable files); exit status 1 if anything.
    Check(PackArgs),
    /// Synthesize clips with espeak-ng for the `say` texts of sessions that no clip has.
    #[command(
        after_help = "Each new clip is added to the pack folder (--dir, else the folder the pack was \
loaded from, else ./audio/<voice>/) as \"say.<slug>\" = { file = \"say-<slug>.wav\", text = \"…\" }; \
the rest of voice.toml is left as it is. A folder without voice.toml starts as a copy of the pack in \
use (the built-in one unless another is found), so the pack on disk, which overrides it, stays complete.\n\
Needs espeak-ng (Debian/Ubuntu: apt-get install espeak-ng); the settings are those of \
audio/nl/make-voice.sh, and every clip is brought to -16 LUFS with 20 ms of silence at either end."
    )]
    Synth(SynthArgs),
    /// Turn a folder of recordings (any format) into a finished pack folder.
    #[command(
        after_help = "Each recording is named after the clip id it says (techniek.armen.m4a or \
techniek-armen.m4a), or mapped to an id (and text) in clips.toml (\"memo 1.m4a\" = \"techniek.armen\" or \
= { id = \"…\", text = \"…\" }) or clips.csv (file,id,text) in SRC_DIR, or --map. Every clip is decoded, \
resampled, freed of DC, trimmed above its own noise floor to 20 ms of silence, brought to -16 LUFS with a \
true peak of at most -1 dBTP, and written as mono 16-bit WAV; texts come from the built-in pack. \
SRC_DIR is only read; the pack appears only when complete."
    )]
    Import(ImportArgs),
    /// Record clips from the default input device, guided: text, level meter, playback.
    #[command(
        after_help = "For each clip (the core set, or --only IDS, or --missing ones) the text to say is \
shown; recording starts at once and stops 1 s after you stop speaking (or with Enter, or after \
--max-seconds). The take is played back; then k = keep, r = redo, s = skip, q = stop. Kept takes \
are processed as `voice import` does and added to PACK_DIR (voice.toml is created with \
fallback = \"nl\" when missing)."
    )]
    Record(RecordArgs),
}

/// Which pack to look at.
#[derive(Debug, clap::Args)]
pub struct PackArgs {
    /// The voice pack's name.
    #[arg(long, value_name = "NAME", default_value = crate::voice::DEFAULT_VOICE,
        value_parser = voice_name)]
    pub voice: String,
}

/// Parses `--voice NAME`: a plain pack name, never a path.
pub(crate) fn voice_name(name: &str) -> Result<String, String> {
    crate::voice::check_voice_name(name).map(|()| name.to_owned())
}

/// Runs a `voice` subcommand.
pub fn run(args: &Args, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    match &args.command {
        VoiceCommand::List(a) if a.all => list::list_all(lookup),
        VoiceCommand::List(a) => list::list(&a.pack, lookup),
        VoiceCommand::Check(a) => check::check(a, lookup),
        VoiceCommand::Synth(a) => synth::synth(a, lookup),
        VoiceCommand::Import(a) => import::import(a),
        VoiceCommand::Record(a) => record::record(a),
    }
}

/// Writes to stdout; a closed pipe (`rustig voice list | head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = crate::cli::output::stdout();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Where a pack's files come from, for people.
fn origin(files: &PackFiles) -> String {
    match files {
        PackFiles::Dir(dir) => {
            let cwd = std::env::current_dir().unwrap_or_default();
            display_path(dir.strip_prefix(&cwd).unwrap_or(dir))
        }
        PackFiles::BuiltIn(voice) => format!("built into rustig (audio/{voice}/ of its source)"),
    }
}

/// Loads a pack by name; prints why not and returns `None` when it cannot be used.
fn load_pack(voice: &str, lookup: &VoiceLookup) -> Option<(VoicePack, Vec<Diagnostic>)> {
    match VoicePack::load(voice, lookup) {
        Ok(loaded) => Some(loaded),
        Err(PackError::NotFound { places }) => {
            crate::errln!(
                "error: voice pack `{voice}` not found; looked in {} and among the built-in packs ({})",
                places.join(", "),
                builtin_voices().join(", ")
            );
            None
        }
        Err(PackError::Invalid(diags)) => {
            print_diagnostics(&diags);
            crate::errln!(
                "error: voice pack `{voice}` cannot be loaded; its problems are listed above"
            );
            None
        }
    }
}
