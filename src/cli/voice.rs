//! `rustig voice list|check|synth`: a pack's clips, what it lacks, and clips made with
//! espeak-ng for `say` texts no clip has.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::Outcome;
use super::load::print_diagnostics;
use crate::load::read_session;
use crate::session::diagnostic::display_path;
use crate::session::{Diagnostic, Session, parse_session};
use crate::voice::import::{self, ImportOptions, Imported};
use crate::voice::process::{self as voice_process, MAX_CLIP_SECONDS};
use crate::voice::synth::{self, Espeak, NewClip};
use crate::voice::{PackError, PackFiles, Place, VoiceLookup, VoicePack, core_ids};

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

/// What to record, and where to.
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// The pack folder to add the clips to (created when missing).
    #[arg(value_name = "PACK_DIR")]
    pub dir: PathBuf,
    /// Only these clip ids (comma-separated).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Only the clips the pack folder does not have yet.
    #[arg(long)]
    pub missing: bool,
    /// The longest take, in seconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub max_seconds: u32,
    /// Apply the gentle 80 Hz high-pass.
    #[arg(long)]
    pub high_pass: bool,
}

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

/// Which pack to look at.
#[derive(Debug, clap::Args)]
pub struct PackArgs {
    /// The voice pack's name.
    #[arg(long, value_name = "NAME", default_value = "nl")]
    pub voice: String,
}

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

/// What to synthesize and where to put it.
#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// Session files, or folders searched for them.
    #[arg(required = true, value_name = "SESSION")]
    pub sessions: Vec<PathBuf>,
    /// The voice pack to extend (default: the one the sessions name). Its clips
    /// decide which texts are missing; the sessions' own `voice` is not checked.
    #[arg(long, value_name = "NAME")]
    pub voice: Option<String>,
    /// The pack folder to add the clips to.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Only list the clips that would be made.
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs a `voice` subcommand.
pub fn run(args: &Args, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    match &args.command {
        VoiceCommand::List(a) if a.all => list_all(lookup),
        VoiceCommand::List(a) => list(&a.pack, lookup),
        VoiceCommand::Check(a) => check(a, lookup),
        VoiceCommand::Synth(a) => synth(a, lookup),
        VoiceCommand::Import(a) => import(a),
        VoiceCommand::Record(a) => record(a),
    }
}

/// Writes to stdout; a closed pipe (`rustig voice list | head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
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

/// The names of the packs built into the binary.
fn builtin_voices() -> Vec<String> {
    crate::builtin::AUDIO
        .dirs()
        .map(|d| d.path().display().to_string())
        .filter(|name| crate::builtin::voice_file(name, "voice.toml").is_some())
        .collect()
}

/// Loads a pack by name; prints why not and returns `None` when it cannot be used.
fn load_pack(voice: &str, lookup: &VoiceLookup) -> Option<(VoicePack, Vec<Diagnostic>)> {
    match VoicePack::load(voice, lookup) {
        Ok(loaded) => Some(loaded),
        Err(PackError::NotFound { places }) => {
            eprintln!(
                "error: voice pack `{voice}` not found; looked in {} and among the built-in packs ({})",
                places.join(", "),
                builtin_voices().join(", ")
            );
            None
        }
        Err(PackError::Invalid(diags)) => {
            print_diagnostics(&diags);
            eprintln!(
                "error: voice pack `{voice}` cannot be loaded; its problems are listed above"
            );
            None
        }
    }
}

/// `voice list --all`.
fn list_all(lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    let found = lookup.all();
    let width = found
        .iter()
        .map(|f| f.voice.chars().count())
        .max()
        .unwrap_or(0);
    let mut text = format!(
        "{} voice pack{} found (for each name, the first is the one --voice NAME uses):\n",
        found.len(),
        if found.len() == 1 { "" } else { "s" }
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
fn list(args: &PackArgs, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
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

/// The ids in a manifest's `[clips]` table, read leniently (for a pack that does not
/// load, to still say which core clips it lacks).
fn manifest_ids(voice: &str, lookup: &VoiceLookup) -> Option<BTreeSet<String>> {
    let text = match lookup.find_dir(voice) {
        Some(dir) => std::fs::read_to_string(dir.join("voice.toml")).ok()?,
        None => {
            String::from_utf8(crate::builtin::voice_file(voice, "voice.toml")?.to_vec()).ok()?
        }
    };
    let table: toml::Table = toml::from_str(&text).ok()?;
    Some(table.get("clips")?.as_table()?.keys().cloned().collect())
}

/// `voice check`.
fn check(args: &PackArgs, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
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
            let borrowed: Vec<&crate::voice::ClipInfo> = pack.borrowed().collect();
            if let Some(from) = borrowed.first().and_then(|c| c.borrowed_from.as_ref()) {
                header += &format!(
                    "{} clip{} borrowed from the built-in pack `{from}`:\n",
                    borrowed.len(),
                    if borrowed.len() == 1 { "" } else { "s" }
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
            let ids = manifest_ids(&args.voice, lookup).unwrap_or_default();
            let missing = core
                .iter()
                .filter(|id| !ids.contains(*id))
                .cloned()
                .collect();
            let header = format!(
                "voice pack `{}` cannot be loaded: {errors} problem{} (listed above)\n",
                args.voice,
                if errors == 1 { "" } else { "s" }
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

/// The session files named by `path`: the file itself, or the `.toml` files below a
/// folder (other than `program.toml` and `voice.toml`), in name order.
fn session_paths(path: &Path, out: &mut Vec<PathBuf>) {
    if !path.is_dir() {
        out.push(path.to_path_buf());
        return;
    }
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => {
            out.push(path.to_path_buf());
            return;
        }
    };
    entries.sort();
    for p in entries {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        if p.is_dir() {
            session_paths(&p, out);
        } else if p.extension().is_some_and(|e| e == "toml")
            && !matches!(name.as_deref(), Some("program.toml" | "voice.toml"))
        {
            out.push(p);
        }
    }
}

/// Reads and validates the sessions; prints every problem. `None` when any has errors.
fn read_sessions(paths: &[PathBuf]) -> Option<Vec<Session>> {
    let mut files = Vec::new();
    for p in paths {
        session_paths(p, &mut files);
    }
    let mut sessions = Vec::new();
    let mut failed = false;
    for path in &files {
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
fn synth(args: &SynthArgs, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    let Some(sessions) = read_sessions(&args.sessions) else {
        eprintln!("error: no clips made; fix the sessions first");
        return Ok(Outcome::Failure);
    };
    let voice = match &args.voice {
        Some(v) => v.clone(),
        None => {
            let voices: BTreeSet<&str> = sessions.iter().map(|s| s.voice.value.as_str()).collect();
            match voices.len() {
                0 => "nl".to_owned(),
                1 => voices.first().map(|v| v.to_string()).unwrap_or_default(),
                _ => {
                    eprintln!(
                        "error: the sessions use different voice packs ({}); choose one with --voice",
                        voices.into_iter().collect::<Vec<_>>().join(", ")
                    );
                    return Ok(Outcome::Failure);
                }
            }
        }
    };
    let texts = synth::say_texts(&sessions);

    let dir = args
        .dir
        .clone()
        .or_else(|| lookup.find_dir(&voice))
        .unwrap_or_else(|| Path::new("audio").join(&voice));
    let pack = if dir.join("voice.toml").is_file() {
        match VoicePack::load_dir(&voice, &dir) {
            Ok((pack, diags)) => {
                print_diagnostics(&diags);
                pack
            }
            Err(diags) => {
                print_diagnostics(&diags);
                eprintln!(
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
                "nothing to synthesize: voice pack \"{}\" has a clip for each of the {} `say` text{} of the sessions\n",
                pack.name,
                texts.len(),
                if texts.len() == 1 { "" } else { "s" }
            )
        })?;
        return Ok(Outcome::Success);
    }
    let seed = synth::needs_seed(&pack, &dir);
    let mut text = format!(
        "{} {} clip{} into {}{}\n",
        if args.dry_run {
            "would synthesize"
        } else {
            "synthesizing"
        },
        plan.len(),
        if plan.len() == 1 { "" } else { "s" },
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
            eprintln!(
                "warning: {} lasts {:.1} s, longer than the {MAX_CLIP_SECONDS} s a clip should; \
                 consider a shorter text",
                clip.id,
                made.duration()
            );
        }
    };
    let made = synth::extend_pack(&pack, &dir, &plan, &espeak, on_clip)?;
    emit(&format!(
        "added {} clip{} to {}\n",
        made.len(),
        if made.len() == 1 { "" } else { "s" },
        display_path(&dir.join("voice.toml"))
    ))?;
    Ok(Outcome::Success)
}

/// `voice import`.
fn import(args: &ImportArgs) -> anyhow::Result<Outcome> {
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
            eprintln!(
                "warning: {} lasts {:.1} s, longer than the {MAX_CLIP_SECONDS} s a clip should",
                c.id, c.seconds
            );
        }
    };
    let report = match import::import(&args.src, &args.out, &options, on_clip) {
        Ok(r) => r,
        Err(import::ImportError::MappingProblems(diags)) => {
            print_diagnostics(&diags);
            eprintln!("nothing was written");
            return Ok(Outcome::Failure);
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("nothing was written");
            return Ok(Outcome::Failure);
        }
    };
    let mut text = String::new();
    for name in &report.ignored {
        text += &format!("ignored: {name} (not a recording)\n");
    }
    text += &format!(
        "wrote {} clip{} and voice.toml to {}\n",
        report.clips.len(),
        if report.clips.len() == 1 { "" } else { "s" },
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

/// The samples a capture stream has delivered so far (mono), shared with its callback.
type Captured = std::sync::Arc<std::sync::Mutex<Vec<f32>>>;

/// Opens the default input device and starts capturing mono samples into `into`.
fn start_capture(into: &Captured) -> anyhow::Result<(cpal::Stream, u32)> {
    use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
    #[cfg(target_os = "linux")]
    let _alsa_messages = alsa::Output::local_error_handler().ok();
    let device = cpal::default_host()
        .default_input_device()
        .ok_or_else(|| anyhow::anyhow!("no input device (microphone) found"))?;
    let supported = device
        .default_input_config()
        .map_err(|e| anyhow::anyhow!("cannot open the input device: {e}"))?;
    let format = supported.sample_format();
    let config: cpal::StreamConfig = supported.into();
    let channels = usize::from(config.channels.max(1));
    let rate = config.sample_rate;
    fn build<T>(
        device: &cpal::Device,
        config: cpal::StreamConfig,
        channels: usize,
        into: Captured,
    ) -> Result<cpal::Stream, cpal::Error>
    where
        T: cpal::SizedSample + Send + 'static,
        f32: cpal::FromSample<T>,
    {
        use cpal::FromSample;
        use cpal::traits::DeviceTrait;
        device.build_input_stream(
            config,
            move |data: &[T], _: &cpal::InputCallbackInfo| {
                if let Ok(mut buf) = into.lock() {
                    buf.extend(data.chunks_exact(channels).map(|f| {
                        f.iter().map(|&x| f32::from_sample_(x)).sum::<f32>() / channels as f32
                    }));
                }
            },
            |_| {},
            None,
        )
    }
    let into = std::sync::Arc::clone(into);
    let stream = match format {
        cpal::SampleFormat::F32 => build::<f32>(&device, config, channels, into),
        cpal::SampleFormat::I16 => build::<i16>(&device, config, channels, into),
        cpal::SampleFormat::I32 => build::<i32>(&device, config, channels, into),
        cpal::SampleFormat::U16 => build::<u16>(&device, config, channels, into),
        other => anyhow::bail!("the input device's sample format {other} is not supported"),
    }
    .map_err(|e| anyhow::anyhow!("cannot open the input device: {e}"))?;
    stream
        .play()
        .map_err(|e| anyhow::anyhow!("cannot start recording: {e}"))?;
    Ok((stream, rate))
}

/// Plays mono `samples` at `rate` on the default output device, to the end.
fn play_back(samples: &[f32], rate: u32) -> anyhow::Result<()> {
    use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
    #[cfg(target_os = "linux")]
    let _alsa_messages = alsa::Output::local_error_handler().ok();
    let device = cpal::default_host()
        .default_output_device()
        .ok_or_else(|| anyhow::anyhow!("no output device"))?;
    let supported = device.default_output_config()?;
    if supported.sample_format() != cpal::SampleFormat::F32 {
        anyhow::bail!("the output device does not take f32 samples");
    }
    let config: cpal::StreamConfig = supported.into();
    let channels = usize::from(config.channels.max(1));
    let out = crate::voice::resample(samples, rate, config.sample_rate);
    let seconds = out.len() as f64 / f64::from(config.sample_rate);
    let mut pos = 0;
    let stream = device.build_output_stream(
        config,
        move |data: &mut [f32], _: &cpal::OutputCallbackInfo| {
            for frame in data.chunks_exact_mut(channels) {
                let x = out.get(pos).copied().unwrap_or(0.0);
                pos += 1;
                frame.fill(x);
            }
        },
        |_| {},
        None,
    )?;
    stream.play()?;
    std::thread::sleep(std::time::Duration::from_secs_f64(seconds + 0.2));
    Ok(())
}

/// Reads one answer key: a key press on a terminal, else the first letter of a line
/// of stdin (`None` at its end).
fn read_key() -> Option<char> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let _ = crossterm::terminal::enable_raw_mode();
        let key = loop {
            match crossterm::event::read() {
                Ok(crossterm::event::Event::Key(k))
                    if k.kind == crossterm::event::KeyEventKind::Press =>
                {
                    if let crossterm::event::KeyCode::Char(c) = k.code {
                        break Some(c);
                    }
                    if k.code == crossterm::event::KeyCode::Enter {
                        break Some('\n');
                    }
                }
                Ok(_) => {}
                Err(_) => break None,
            }
        };
        let _ = crossterm::terminal::disable_raw_mode();
        return key;
    }
    let mut line = String::new();
    match std::io::stdin().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => line.trim().chars().next().or(Some('\n')),
    }
}

/// Records one take: until a pause after speech, or `max_seconds`.
fn take(max_seconds: u32) -> anyhow::Result<(Vec<f32>, u32)> {
    use crate::voice::record::{TakeDetector, TakeState, meter};
    let captured: Captured = Default::default();
    let (stream, rate) = start_capture(&captured)?;
    let mut detector = TakeDetector::new(rate);
    let mut seen = 0;
    let started = std::time::Instant::now();
    let terminal = {
        use std::io::IsTerminal;
        std::io::stdin().is_terminal() && crossterm::terminal::enable_raw_mode().is_ok()
    };
    // Enter (on a terminal) ends the take at once.
    let enter = || {
        use crossterm::event::{Event, KeyCode, poll, read};
        terminal
            && poll(std::time::Duration::ZERO).unwrap_or(false)
            && matches!(read(), Ok(Event::Key(k)) if k.code == KeyCode::Enter)
    };
    loop {
        std::thread::sleep(std::time::Duration::from_millis(50));
        if enter() {
            break;
        }
        let state = {
            let buf = captured
                .lock()
                .map_err(|_| anyhow::anyhow!("capture failed"))?;
            let state = detector.push(&buf[seen..]);
            seen = buf.len();
            state
        };
        eprint!("\r  {}", meter(detector.level()));
        if state == TakeState::Done || started.elapsed().as_secs() >= u64::from(max_seconds) {
            break;
        }
    }
    drop(stream);
    if terminal {
        let _ = crossterm::terminal::disable_raw_mode();
    }
    eprintln!();
    let samples = std::mem::take(
        &mut *captured
            .lock()
            .map_err(|_| anyhow::anyhow!("capture failed"))?,
    );

    Ok((samples, rate))
}

/// `voice record`.
fn record(args: &RecordArgs) -> anyhow::Result<Outcome> {
    use crate::voice::process::{self, Settings};
    let texts = import::builtin_texts("nl");
    let have: BTreeSet<String> = std::fs::read_to_string(args.dir.join("voice.toml"))
        .ok()
        .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
        .and_then(|t| Some(t.get("clips")?.as_table()?.keys().cloned().collect()))
        .unwrap_or_default();
    let ids: Vec<String> = if args.only.is_empty() {
        core_ids()
    } else {
        args.only.clone()
    }
    .into_iter()
    .filter(|id| !args.missing || !have.contains(id))
    .collect();
    for id in &ids {
        if !texts.contains_key(id) {
            eprintln!(
                "error: `{id}` is not a clip of the built-in pack, so there is no text to say"
            );
            return Ok(Outcome::Failure);
        }
    }
    let mut kept = Vec::new();
    'clips: for (i, id) in ids.iter().enumerate() {
        let text = &texts[id];
        loop {
            emit(&format!(
                "[{}/{}] {id}\n  say: \"{text}\"\n",
                i + 1,
                ids.len()
            ))?;
            let (samples, rate) = match take(args.max_seconds) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(Outcome::Failure);
                }
            };
            let resampled = crate::voice::resample(&samples, rate, 44100);
            let Some(clip) =
                process::process_with(&resampled, 44100, &Settings::recording(args.high_pass))
            else {
                emit("  no speech heard; again\n")?;
                continue;
            };
            if let Err(e) = play_back(&samples, rate) {
                eprintln!("warning: cannot play the take back: {e}");
            }
            emit(&format!(
                "  {:.2} s, {:.1} LUFS, true peak {:.1} dBTP: k = keep, r = redo, s = skip, q = stop\n",
                clip.duration(),
                clip.loudness,
                clip.true_peak()
            ))?;
            match read_key() {
                Some('k') => {
                    kept.push((id.clone(), text.clone(), clip));
                    break;
                }
                Some('s') => break,
                Some('q') | None => break 'clips,
                _ => {}
            }
        }
    }
    if kept.is_empty() {
        emit("nothing kept; the pack was not changed\n")?;
        return Ok(Outcome::Success);
    }
    let manifest = crate::voice::record::save_clips(&args.dir, &kept)
        .map_err(|e| anyhow::anyhow!("{}: {e}", display_path(&args.dir)))?;
    emit(&format!(
        "kept {} clip{}; updated {}\n",
        kept.len(),
        if kept.len() == 1 { "" } else { "s" },
        display_path(&manifest)
    ))?;
    Ok(Outcome::Success)
}
