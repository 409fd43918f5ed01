//! `rustig render SESSION -o OUT.wav [--rate HZ] [--channels 1|2] [--stems DIR]`

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;

use super::Outcome;
use super::diagnostics::load;
use crate::mix::ClipWindow;
use crate::output::{RenderError, RenderOptions, render_wav};
use crate::timeline::clock;
use crate::voice::VoiceLookup;

/// Render a session to a 16-bit PCM WAV file.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example: rustig render sessions/opbouw/week01-1.toml -o week1.wav\n\n\
The file appears only when it is complete; an interrupted render leaves nothing behind."
)]
pub struct Args {
    /// The session file (built-in sessions work from any folder, e.g. sessions/opbouw/week01-1.toml).
    pub session: PathBuf,
    /// The WAV file to write (replaced only when the new one is complete).
    #[arg(short, long, value_name = "OUT.wav")]
    pub output: PathBuf,
    /// Sample rate in Hz.
    #[arg(long, default_value_t = 44100, value_parser = clap::value_parser!(u32).range(8000..=192000))]
    pub rate: u32,
    /// Channels: 1 (mono) or 2 (stereo, the same signal on both).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=2))]
    pub channels: u16,
    /// Also write each layer alone to DIR: metronome.wav, voice.wav, tones.wav.
    #[arg(long, value_name = "DIR")]
    pub stems: Option<PathBuf>,
}

/// Runs `render`.
pub fn run(args: &Args, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    if args.output.is_dir() {
        anyhow::bail!(
            "{} is a folder; give a file name, e.g. -o {}/session.wav",
            args.output.display(),
            args.output.display()
        );
    }
    if let Some(parent) = args.output.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        anyhow::bail!(
            "the folder {} does not exist; create it first or choose another -o",
            parent.display()
        );
    }
    let Some(loaded) = load(&args.session, lookup) else {
        return Ok(Outcome::Failure);
    };
    let timeline = &loaded.compiled.timeline;
    // Each clip is decoded once, kept in a temporary file and loaded as the render
    // reaches it, so a long session needs no more memory than a short one.
    let (sounds, window) = ClipWindow::measure(timeline, &loaded.pack, args.rate)
        .context("cannot load the voice clips")?;
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    // Ctrl-C stops between blocks, so the temporary file is removed.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    let options = RenderOptions {
        channels: args.channels,
        stems: args.stems.clone(),
    };
    match render_wav(
        timeline,
        &sounds,
        Some(window),
        &args.output,
        &options,
        &cancel,
        |_, _| {},
    ) {
        Ok(summary) => {
            let size = |f: &std::path::Path| {
                let bytes = std::fs::metadata(f).map_or(0, |m| m.len());
                format!("{:.1} MB", bytes as f64 / 1e6)
            };
            // The first file is the WAV itself, the others its stems: each with its own size.
            let (main, stems) = summary
                .files
                .split_first()
                .map_or((None, &[][..]), |(m, s)| (Some(m), s));
            let stems = match &args.stems {
                Some(dir) if !stems.is_empty() => {
                    let each: Vec<String> = stems
                        .iter()
                        .map(|f| {
                            let name = f.file_name().map_or_else(
                                || f.display().to_string(),
                                |n| n.to_string_lossy().into_owned(),
                            );
                            format!("{name} {}", size(f))
                        })
                        .collect();
                    format!("; stems in {}: {}", dir.display(), each.join(", "))
                }
                _ => String::new(),
            };
            eprintln!(
                "Rendered \"{}\" ({}) to {}: {} Hz, {}, {}{stems}",
                timeline.title,
                clock(timeline.duration),
                args.output.display(),
                args.rate,
                if args.channels == 1 { "mono" } else { "stereo" },
                main.map_or_else(|| size(&args.output), |m| size(m)),
            );
            Ok(Outcome::Success)
        }
        Err(RenderError::Interrupted) => {
            eprintln!("Interrupted; nothing was written.");
            Ok(Outcome::Failure)
        }
        Err(e) => Err(e.into()),
    }
}
