//! `rustig voice synth SESSION… [--voice NAME] [--dir DIR] [--dry-run]`: clips made
//! with espeak-ng for the `say` texts no clip of the pack has.

use crate::cli::plural;
use std::path::PathBuf;

use super::{emit, load_pack};
use crate::cli::Outcome;
use crate::cli::diagnostics::print_diagnostics;
use crate::load::read_session;
use crate::session::diagnostic::display_path;
use crate::session::{Session, parse_session};
use crate::voice::process::{self as voice_process, MAX_CLIP_SECONDS};
use crate::voice::synth::{self, Espeak, NewClip};
use crate::voice::{PackFiles, VoiceLookup, VoicePack};

/// What to synthesize and where to put it.
#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// Session files, or folders searched for them.
    #[arg(required = true, value_name = "SESSION")]
    pub sessions: Vec<PathBuf>,
    /// The voice pack to extend (default: the one the sessions name). Its clips
    /// decide which texts are missing; the sessions' own `voice` is not checked.
    #[arg(long, value_name = "NAME", value_parser = super::voice_name)]
    pub voice: Option<String>,
    /// The pack folder to add the clips to.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Only list the clips that would be made.
    #[arg(long)]
    pub dry_run: bool,
}

/// Reads and validates the sessions; prints every problem. `None` when any has errors.
fn read_sessions(paths: &[PathBuf]) -> Option<Vec<Session>> {
    let mut sessions = Vec::new();
    let mut failed = false;
    for path in &synth::session_files(paths) {
        let file = match read_session(path) {
            Ok(f) => f,
            Err(d) => {
                print_diagnostics(&[d]);
                failed = true;
                continue;
            }
        };
        let (session, diags) = parse_session(&file.display, &file.bytes, &file.base);
        print_diagnostics(&diags);
        match session {
            Some(s) => sessions.push(s),
            None => failed = true,
        }
    }
    (!failed).then_some(sessions)
}

/// `voice synth`.
pub(super) fn synth(args: &SynthArgs, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    let Some(sessions) = read_sessions(&args.sessions) else {
        crate::errln!("error: no clips made; fix the sessions first");
        return Ok(Outcome::Failure);
    };
    let voice = match &args.voice {
        Some(v) => v.clone(),
        None => match synth::sessions_voice(&sessions) {
            Ok(voice) => voice,
            Err(e) => {
                crate::errln!("error: {}", crate::errors::Chain(&e));
                return Ok(Outcome::Failure);
            }
        },
    };
    let texts = synth::say_texts(&sessions);

    let dir = synth::target_dir(args.dir.as_deref(), &voice, lookup);
    let pack = if dir.join("voice.toml").is_file() {
        match VoicePack::load_dir(&voice, &dir) {
            Ok((pack, diags)) => {
                print_diagnostics(&diags);
                pack
            }
            Err(diags) => {
                print_diagnostics(&diags);
                crate::errln!(
                    "error: the voice pack in {} cannot be loaded; fix it first",
                    display_path(&dir)
                );
                return Ok(Outcome::Failure);
            }
        }
    } else {
        match load_pack(&voice, lookup) {
            Some((pack, diags)) => {
                print_diagnostics(&diags);
                pack
            }
            None => return Ok(Outcome::Failure),
        }
    };

    let plan = synth::plan(&pack, &texts, |file| dir.join(file).exists());
    if plan.is_empty() {
        emit(&if texts.is_empty() {
            "nothing to synthesize: the sessions have no `say` cues\n".to_owned()
        } else {
            format!(
                "nothing to synthesize: voice pack \"{}\" has a clip for each of the {} of the sessions\n",
                pack.name,
                plural(texts.len(), "`say` text")
            )
        })?;
        return Ok(Outcome::Success);
    }
    let seed = synth::needs_seed(&pack, &dir);
    let mut text = format!(
        "{} {} into {}{}\n",
        if args.dry_run {
            "would synthesize"
        } else {
            "synthesizing"
        },
        plural(plan.len(), "clip"),
        display_path(&dir),
        if seed {
            format!(
                " (a new pack folder, starting as a copy of voice pack \"{}\" {} with its {} clips)",
                pack.name,
                match &pack.files {
                    PackFiles::BuiltIn(_) => "built into rustig".to_owned(),
                    PackFiles::Dir(d) => format!("from {}", display_path(d)),
                },
                pack.clips.len()
            )
        } else {
            String::new()
        }
    );
    let width = plan.iter().map(|c| c.id.chars().count()).max().unwrap_or(0);
    if args.dry_run {
        for clip in &plan {
            text += &format!("  {:<width$}  {}  \"{}\"\n", clip.id, clip.file, clip.text);
        }
        emit(&text)?;
        return Ok(Outcome::Success);
    }

    let espeak = Espeak::for_language(&pack.language);
    let version = espeak.version()?;
    emit(&format!(
        "{}with espeak-ng {version}, voice {}, -s {} -p {} -g {} -a {}\n",
        text, espeak.voice, espeak.speed, espeak.pitch, espeak.gap, espeak.amplitude
    ))?;
    let on_clip = |clip: &NewClip, made: &voice_process::Clip| {
        let _ = emit(&format!(
            "  {:<width$}  {:>5.2} s  {:>5.1} LUFS  \"{}\"\n",
            clip.id,
            made.duration(),
            made.loudness,
            clip.text
        ));
        if made.duration() > MAX_CLIP_SECONDS {
            crate::errln!(
                "warning: {} lasts {:.1} s, longer than the {MAX_CLIP_SECONDS} s a clip should; \
                 consider a shorter text",
                clip.id,
                made.duration()
            );
        }
    };
    let made = synth::extend_pack(&pack, &dir, &plan, &espeak, on_clip)?;
    emit(&format!(
        "added {} to {}\n",
        plural(made.len(), "clip"),
        display_path(&dir.join("voice.toml"))
    ))?;
    Ok(Outcome::Success)
}
