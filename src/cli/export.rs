//! `rustig export [PATH...] -o DIR [--format mp3|ogg|wav] [--rate HZ] [--jobs N] [--force]`

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::CommandFactory;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::diagnostics::print_diagnostics;
use super::{Outcome, plural};
use crate::errors::Chain;
use crate::load::{
    PackCache, ProgramFiles, SessionFile, default_program, load_program, read_session,
};
use crate::output::export::{
    Event, ExportError, Format, Group, Input, LOOSE_ALBUM, Options, Outcome as TrackOutcome, Plan,
    Status, check_rate, current_year,
};
use crate::output::target::same_file;
use crate::session::Diagnostic;
use crate::session::diagnostic::display_path;
use crate::timeline::clock;
use crate::voice::VoiceLookup;

/// The file formats, as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// MP3 (LAME), mono, VBR: small, plays everywhere.
    Mp3,
    /// Ogg Vorbis, mono.
    Ogg,
    /// 16-bit PCM WAV, mono: large, lossless.
    Wav,
}

impl FormatArg {
    /// MP3 when this build has it, else Ogg.
    fn default_format() -> FormatArg {
        if cfg!(feature = "mp3") {
            FormatArg::Mp3
        } else {
            FormatArg::Ogg
        }
    }

    fn format(self) -> Format {
        match self {
            FormatArg::Mp3 => Format::Mp3,
            FormatArg::Ogg => Format::Ogg,
            FormatArg::Wav => Format::Wav,
        }
    }
}

/// Export sessions and programs as tagged audio files, with chapters and playlists.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
rustig export -o telefoon                      the built-in program, as MP3\n  \
rustig export sessions/opbouw mijn.toml -o out --format ogg\n\n\
Each program gets a folder named after its title, with its sessions numbered in program order \
(\"01 Week 1 · training 1.mp3\"), a playlist (.m3u8) in the same order and cover.png. A session \
file of a program (a program.toml beside it lists it) goes there too, with its place in the \
program, so a program can be exported week by week. Other session files go straight into DIR, \
album named after their folder (or --album), numbered after the album's files already there. \
Playlists are updated, not replaced: each album keeps one.\n\
Files carry title, album, track number, artist (the voice's coach), genre, year, the description \
and a cover as tags, and a chapter at each block start. A file that an earlier export wrote from \
the same session, voice pack and options is kept (--force writes it again). Files appear only \
when complete.\n\
Exit status 1 if any session failed; the others are still written.")]
pub struct Args {
    /// Session files and program folders (with program.toml), in any mix; the built-in
    /// program when none is given.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The folder to write to; created if needed.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// File format.
    #[arg(long, value_enum, default_value_t = FormatArg::default_format())]
    pub format: FormatArg,
    /// Sample rate in Hz. MP3 takes 8000, 11025, 12000, 16000, 22050, 24000, 32000,
    /// 44100 or 48000.
    #[arg(long, default_value_t = 44100, value_parser = clap::value_parser!(u32).range(8000..=192000))]
    pub rate: u32,
    /// Sessions rendered at the same time [default: one per CPU core].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// Write every file, also those that are unchanged since the last export.
    #[arg(long)]
    pub force: bool,
    /// The album of session files that are not part of a program [default: the name
    /// of their folder].
    #[arg(long, value_name = "NAME")]
    pub album: Option<String>,
}

/// Prints a usage error as clap does for bad arguments; main exits with status 2.
fn usage_error(message: String) -> Outcome {
    let mut cli = super::Cli::command();
    cli.build();
    let cmd = cli.find_subcommand_mut("export").map(|c| c.clone());
    let mut cmd = cmd.unwrap_or(cli);
    let _ = cmd
        .error(clap::error::ErrorKind::ValueValidation, message)
        .print();
    Outcome::Usage
}

/// Runs `export`.
pub fn run(args: &Args, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    let format = args.format.format();
    if !format.available() {
        return Ok(usage_error(
            "this rustig was built without MP3 support (cargo feature `mp3`); use --format ogg or --format wav".into(),
        ));
    }
    if let Err(message) = check_rate(format, args.rate) {
        return Ok(usage_error(format!(
            "invalid value '{}' for '--rate <RATE>': {message}",
            args.rate
        )));
    }
    if args.output.exists() && !args.output.is_dir() {
        anyhow::bail!(
            "{} is a file; -o takes a folder (it is created if needed)",
            args.output.display()
        );
    }
    if args.album.as_deref().is_some_and(|a| a.trim().is_empty()) {
        return Ok(usage_error("--album needs a name".into()));
    }
    let (groups, unreadable) = Loader::new(lookup, args.album.clone()).load(&args.paths);
    if groups.iter().all(|g| g.sessions.is_empty()) {
        crate::errln!("Nothing to export.");
        return Ok(Outcome::Failure);
    }
    let options = Options {
        format,
        rate: args.rate,
        force: args.force,
        year: current_year(),
        streamable: false,
    };
    let plan = Plan::new(&args.output, groups, options)?;
    let jobs = args
        .jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let to_write = plan.count(Status::Write);
    let unchanged = plan.count(Status::Unchanged);
    let work = if to_write == 0 {
        "nothing to write".to_owned()
    } else {
        format!(
            "{to_write} to write ({} of audio, {} at a time)",
            clock(plan.seconds_to_render()),
            jobs.min(to_write)
        )
    };
    crate::errln!(
        "Exporting {} to {} as {}, {} Hz mono: {work}{}",
        plural(plan.tracks.len(), "session"),
        args.output.display(),
        format.name(),
        args.rate,
        if unchanged > 0 {
            format!(", {unchanged} unchanged")
        } else {
            String::new()
        }
    );
    plan.prepare()?;

    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    // Ctrl-C (or SIGTERM, SIGHUP) stops every render between blocks; unfinished
    // files are removed.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));

    // A bar on a terminal; plain lines (one per file) otherwise.
    let terminal = std::io::stderr().is_terminal();
    let bar = if terminal && to_write > 0 {
        let bar = ProgressBar::with_draw_target(
            Some(plan.frames_to_render()),
            ProgressDrawTarget::stderr(),
        );
        if let Ok(style) = ProgressStyle::with_template(
            "[{bar:32}] {percent:>3}%  {msg}  {elapsed} elapsed, about {eta} left",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    } else {
        ProgressBar::hidden()
    };
    let say = |line: String| {
        if terminal {
            bar.println(line);
        } else {
            crate::errln!("{line}");
        }
    };
    for t in plan.tracks.iter().filter(|t| t.status == Status::Unchanged) {
        say(format!("unchanged  {}", shown(&plan, &t.target)));
    }
    let done = AtomicUsize::new(0);
    bar.set_message(format!("0/{to_write} files"));
    let start = Instant::now();
    let on_event = |event: Event<'_>| match event {
        Event::Rendered(frames) => bar.inc(frames),
        Event::Writing { .. } => {}
        Event::Finished { track, outcome } => {
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            bar.set_message(format!("{n}/{to_write} files"));
            match outcome {
                TrackOutcome::Written { bytes } => say(format!(
                    "wrote      {} ({}, {})",
                    shown(&plan, &track.target),
                    clock(track.duration),
                    megabytes(*bytes)
                )),
                // An interruption is said once, in the summary.
                TrackOutcome::Failed(ExportError::Interrupted) => {}
                TrackOutcome::Failed(e) => say(format!(
                    "FAILED     {}: {}",
                    display_path(&track.session),
                    Chain(e)
                )),
                TrackOutcome::Unchanged => {}
            }
        }
    };
    let outcomes = plan.run(jobs, &cancel, &on_event)?;
    bar.finish_and_clear();
    let elapsed = start.elapsed().as_secs_f64();
    let interrupted = cancel.load(Ordering::Relaxed);
    // After an interruption the old playlists stay: they still match the old files.
    if !interrupted {
        plan.write_playlists(&outcomes)?;
    }

    let mut written = 0;
    let mut bytes = 0;
    let mut failed = Vec::new();
    let mut stopped = 0;
    for (t, o) in plan.tracks.iter().zip(&outcomes) {
        match o {
            TrackOutcome::Written { bytes: b } => {
                written += 1;
                bytes += b;
            }
            TrackOutcome::Unchanged => {}
            TrackOutcome::Failed(ExportError::Interrupted) => stopped += 1,
            TrackOutcome::Failed(e) => failed.push((t, e)),
        }
    }
    let speed = if written > 0 && elapsed > 0.0 {
        format!(", {:.0}× real time", plan.seconds_to_render() / elapsed)
    } else {
        String::new()
    };
    crate::errln!(
        "{} in {elapsed:.1} s: {written} written ({}{speed}), {unchanged} unchanged, {} failed{}; files in {}",
        if interrupted { "Interrupted" } else { "Done" },
        megabytes(bytes),
        failed.len() + unreadable,
        if stopped > 0 {
            format!(", {stopped} not written (interrupted)")
        } else {
            String::new()
        },
        args.output.display(),
    );
    for (t, e) in &failed {
        crate::errln!("failed: {}: {}", display_path(&t.session), Chain(*e));
    }
    Ok(if failed.is_empty() && unreadable == 0 && stopped == 0 {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// Collects the groups to export, loading each session once and each voice pack
/// once (through the shared [`PackCache`]), and printing every diagnostic on the way.
struct Loader<'a> {
    packs: PackCache<'a>,
    /// The programs met so far (whole or in part), by folder, with their group.
    programs: HashMap<PathBuf, usize>,
    groups: Vec<Group>,
    /// Loose sessions by album, in the order met.
    loose: Vec<(String, Vec<Input>)>,
    /// `--album`.
    album: Option<String>,
    /// Programs and session files that could not be read at all.
    unreadable: usize,
    /// The programs beside session files given on their own, by folder (and whether
    /// the file is on disk), read once however many of the folder's files are given.
    beside: HashMap<(PathBuf, bool), Option<Rc<ProgramFiles>>>,
}

impl<'a> Loader<'a> {
    fn new(lookup: &'a VoiceLookup, album: Option<String>) -> Self {
        Loader {
            packs: PackCache::new(lookup),
            programs: HashMap::new(),
            groups: Vec::new(),
            loose: Vec::new(),
            album,
            unreadable: 0,
            beside: HashMap::new(),
        }
    }

    /// The group of the program in `folder` (of `total` sessions, titled `title`),
    /// made on first use.
    fn program_group(&mut self, folder: &Path, title: &str, total: usize) -> usize {
        let key = folder
            .canonicalize()
            .unwrap_or_else(|_| folder.to_path_buf());
        *self.programs.entry(key).or_insert_with(|| {
            self.groups
                .push(Group::program_part(title, total, Vec::new()));
            self.groups.len() - 1
        })
    }

    /// Adds session `number` to group `g`, unless it is there already (a session given
    /// twice, or both on its own and with its program, is exported once).
    fn add(&mut self, g: usize, number: usize, file: SessionFile) {
        if self.groups[g].sessions.iter().any(|(n, _)| *n == number) {
            return;
        }
        let input = self.session(file);
        let sessions = &mut self.groups[g].sessions;
        let at = sessions.partition_point(|(n, _)| *n < number);
        sessions.insert(at, (number, input));
    }

    /// A whole program.
    fn program(&mut self, (diags, program): (Vec<Diagnostic>, Option<ProgramFiles>)) {
        print_diagnostics(&diags);
        let Some(p) = program else {
            self.unreadable += 1;
            return;
        };
        let total = p.sessions.len();
        let g = self.program_group(&p.program.folder, &p.program.title, total);
        for (i, file) in p.sessions.into_iter().enumerate() {
            self.add(g, i + 1, file);
        }
    }

    /// Compiles one session file.
    fn session(&mut self, file: SessionFile) -> Input {
        let (diags, loaded) = self.packs.load(&file);
        print_diagnostics(&diags);
        Input { file, loaded }
    }

    /// A session file given on its own: with its program when a program beside it
    /// lists it, else loose, in the album of its folder (or `--album`).
    fn single(&mut self, path: &Path, file: SessionFile) {
        if let Some((program, number)) = self.program_of(path) {
            let total = program.sessions.len();
            let g = self.program_group(&program.program.folder, &program.program.title, total);
            self.add(g, number, file);
            return;
        }
        let album = self.album.clone().unwrap_or_else(|| folder_album(path));
        let input = self.session(file);
        match self.loose.iter_mut().find(|(a, _)| *a == album) {
            Some((_, list)) => list.push(input),
            None => self.loose.push((album, vec![input])),
        }
    }

    /// The program a session file belongs to, and its number there: the program whose
    /// `program.toml` sits beside the file (on disk, or built in for a built-in
    /// session) and lists it. A program that cannot be read is no program here (the
    /// session is exported on its own); `check` reports its problems.
    fn program_of(&mut self, path: &Path) -> Option<(Rc<ProgramFiles>, usize)> {
        let folder = path.parent().unwrap_or(Path::new(""));
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        let on_disk = path.is_file();
        let key = folder
            .canonicalize()
            .unwrap_or_else(|_| folder.to_path_buf());
        let program = self
            .beside
            .entry((key, on_disk))
            .or_insert_with(|| program_in(folder, on_disk).map(Rc::new))
            .clone()?;
        let index = if on_disk {
            program
                .program
                .session_paths()
                .iter()
                .position(|p| same_file(p, path))?
        } else {
            let name = path.file_name()?;
            program
                .sessions
                .iter()
                .position(|s| s.display.file_name() == Some(name))?
        };
        Some((program, index + 1))
    }

    /// Every PATH, or the default program when there is none. Programs come in the
    /// order given, then the loose sessions album by album.
    fn load(mut self, paths: &[PathBuf]) -> (Vec<Group>, usize) {
        if paths.is_empty() {
            self.program(default_program());
        }
        for path in paths {
            if is_program(path) {
                self.program(load_program(path));
            } else {
                match read_session(path) {
                    Ok(file) => self.single(path, file),
                    Err(d) => {
                        print_diagnostics(&[d]);
                        self.unreadable += 1;
                    }
                }
            }
        }
        for (album, inputs) in std::mem::take(&mut self.loose) {
            self.groups.push(Group::loose(&album, inputs));
        }
        (self.groups, self.unreadable)
    }
}

/// The program in `folder`, for a session file there (`on_disk`) or a built-in one;
/// `None` when there is none or it cannot be read.
fn program_in(folder: &Path, on_disk: bool) -> Option<ProgramFiles> {
    if on_disk && !folder.join("program.toml").is_file() {
        return None;
    }
    if !on_disk && !is_program(folder) {
        return None;
    }
    load_program(folder).1
}

/// The album of a loose session: the name of the folder it lies in (of the current
/// folder for a bare file name), or "rustig" when that has no name.
fn folder_album(path: &Path) -> String {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    let named = match folder {
        Some(f) => f
            .canonicalize()
            .ok()
            .and_then(|c| c.file_name().map(|n| n.to_string_lossy().into_owned()))
            .or_else(|| f.file_name().map(|n| n.to_string_lossy().into_owned())),
        None => std::env::current_dir()
            .ok()
            .and_then(|c| c.file_name().map(|n| n.to_string_lossy().into_owned())),
    };
    named
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| LOOSE_ALBUM.to_owned())
}

/// Whether `path` names a program: a folder on disk, or a built-in program folder
/// (`sessions/opbouw`, `opbouw`) when there is no such file or folder.
fn is_program(path: &Path) -> bool {
    if path.is_dir() {
        return true;
    }
    if path.exists() {
        return false;
    }
    let inner = crate::load::builtin_path(path);
    crate::builtin::session_file(&format!("{inner}/program.toml")).is_some()
}

/// A target as shown: relative to the output folder.
fn shown(plan: &Plan, path: &Path) -> String {
    path.strip_prefix(&plan.out)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A size for people: kB below a megabyte, MB above.
fn megabytes(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{} kB", bytes.div_ceil(1000))
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}
