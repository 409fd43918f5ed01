//! `rustig render SESSION -o OUT.wav [--rate HZ] [--channels 1|2] [--stems DIR]`

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;

use super::Outcome;
use super::diagnostics::load;
use crate::mix::ClipWindow;
use crate::output::target::{self, Kind, same_file};
use crate::output::{RenderError, RenderOptions, STEMS, render_wav};
use crate::session::ClickSound;
use crate::timeline::clock;
use crate::voice::PackFiles;
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
    /// Replace the output even when it is not a WAV file (never an input).
    #[arg(long)]
    pub force: bool,
}

/// The stem files `--stems DIR` writes.
/// Every file a render reads: the session, its voice pack's manifest and clips, and
/// a click sound file. None of them may be an output.
fn inputs(session: &Path, loaded: &crate::load::Loaded) -> Vec<PathBuf> {
    let mut files = vec![session.to_path_buf()];
    if let PackFiles::Dir(dir) = &loaded.pack.files {
        files.push(dir.join("voice.toml"));
        files.extend(loaded.pack.clips.iter().map(|c| dir.join(&c.file)));
    }
    if let ClickSound::File(path) = &loaded.session.metronome.sound.value {
        files.push(path.clone());
    }
    files
}

/// Runs `render`.
pub fn run(args: &Args, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    match Kind::of_path(&args.output) {
        Some(Kind::Wav) => {}
        Some(kind @ (Kind::Mp3 | Kind::Ogg)) => {
            crate::errln!(
                "error: render writes WAV files, not {}\n  = help: for {}, export the session: rustig export {} -o FOLDER --format {}",
                kind.name(),
                kind.extension().to_uppercase(),
                args.session.display(),
                kind.extension()
            );
            return Ok(Outcome::Usage);
        }
        _ => {
            crate::errln!(
                "error: render writes WAV files; {} does not end in .wav\n  = help: name the output .wav, e.g. -o {}",
                args.output.display(),
                args.output.with_extension("wav").display()
            );
            return Ok(Outcome::Usage);
        }
    }
    // Folder problems first: before minutes of loading.
    target::check(&args.output, Kind::Wav, &[&args.session], args.force)?;
    let Some(loaded) = load(&args.session, lookup) else {
        return Ok(Outcome::Failure);
    };
    let inputs = inputs(&args.session, &loaded);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    // The rest was checked above; the clips are known only now.
    target::not_an_input(&args.output, &inputs)?;
    if let Some(dir) = &args.stems {
        if !dir.is_dir() && dir.exists() {
            anyhow::bail!(
                "cannot write the stems: {} is a file, not a folder\n  = help: --stems takes a folder (it is created if needed)",
                dir.display()
            );
        }
        // A folder that does not exist yet is created; nothing in it to protect.
        let existing = dir.is_dir();
        for (stem, _) in STEMS.iter().filter(|_| existing) {
            let file = dir.join(stem);
            target::check(&file, Kind::Wav, &inputs, args.force)?;
            if same_file(&file, &args.output) {
                anyhow::bail!(
                    "cannot write {}: it is also the output -o\n  = help: choose another --stems folder",
                    file.display()
                );
            }
        }
    }
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
            crate::errln!(
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
            crate::errln!("Interrupted; nothing was written.");
            Ok(Outcome::Failure)
        }
        Err(e) => Err(e.into()),
    }
}
