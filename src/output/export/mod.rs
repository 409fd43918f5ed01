//! `export`: many sessions to tagged MP3, Ogg Vorbis or WAV files for a phone, in
//! parallel.
//!
//! Input: groups of compiled sessions (a program, or session files given on their
//! own) and an output folder. Output: per group a folder of files numbered in
//! program order (`01 Week 1 · training 1.mp3`), each with tags and a chapter at
//! every block start, and an M3U8 playlist. The work happens in three steps, so the
//! command line can report between them:
//!
//! 1. [`Plan::new`] names every file, computes its content hash ([`hash`]) and marks
//!    files that an earlier export already wrote from the same inputs as unchanged.
//! 2. [`Plan::prepare`] checks the free space and creates the folders.
//! 3. [`Plan::run`] renders the rest on a pool of threads, each session streaming
//!    from the [`Mixer`] straight into its encoder in constant memory, and
//!    [`Plan::write_playlists`] writes the playlists.
//!
//! Every file is written to a temporary name in its folder and renamed when
//! complete, so an interrupted or failed export leaves no partial file and never
//! damages an existing one. A session that fails does not stop the others. Nothing
//! here prints: progress and results go to a callback.

mod cover;
mod encode;
mod hash;
mod naming;
mod playlist;
mod tags;
#[cfg(test)]
mod test;

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub use cover::{CoverText, cover_png};
use encode::tagged_wav_header;
pub use encode::{AudioEncoder, EncodeError, check_rate, settings};
pub use hash::{ClipDigests, content_hash};
pub use naming::{number_width, safe_name, track_file_name};
pub use playlist::{Entry, m3u8, merge, parse_m3u8};
pub use tags::chapter_time;
pub use tags::{ARTIST, Chapter, GENRE, HASH_CHUNK, HASH_KEY, Tags, stored_hash};

use super::AtomicFile;
use crate::load::{Loaded, SessionFile};
use crate::mix::{Mixer, Sounds};
use crate::voice::{ClipBank, DecodeError};

use crate::output::blocks::{BLOCK_FRAMES, Stopped, mix_to_end};

/// The album of sessions given on their own whose folder has no usable name.
pub const LOOSE_ALBUM: &str = "rustig";
/// The name of the cover image written beside the files of each album.
pub const COVER_FILE: &str = "cover.png";

/// A file format export can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// MP3 through LAME (cargo feature `mp3`, on by default).
    Mp3,
    /// Ogg Vorbis.
    Ogg,
    /// 16-bit PCM WAV.
    Wav,
}

impl Format {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Mp3 => "mp3",
            Format::Ogg => "ogg",
            Format::Wav => "wav",
        }
    }

    /// The name shown in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Mp3 => "MP3",
            Format::Ogg => "Ogg Vorbis",
            Format::Wav => "WAV",
        }
    }

    /// Whether this build can write the format (MP3 needs the `mp3` feature).
    pub fn available(self) -> bool {
        self != Format::Mp3 || cfg!(feature = "mp3")
    }

    /// A generous estimate of the size of a file of `seconds` at `rate`, for the
    /// free-space check. Exact for WAV (plus room for tags); for MP3 and Ogg about
    /// twice what the default program measured, so a check that passes is safe.
    pub fn estimated_bytes(self, seconds: f64, rate: u32) -> u64 {
        let frames = (seconds.max(0.0) * f64::from(rate)).round() as u64;
        let tags = 16 * 1024;
        match self {
            Format::Wav => frames * 2 + tags,
            // Measured on the default program at 44100 Hz: 41 kbit/s (MP3) and
            // 13 kbit/s (Ogg); 90 kbit/s leaves room for busier sessions.
            Format::Mp3 | Format::Ogg => {
                let per_second = (u64::from(rate) * 90_000 / 44_100).max(24_000) / 8;
                (seconds.max(0.0) * per_second as f64) as u64 + tags
            }
        }
    }
}

/// How to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The file format.
    pub format: Format,
    /// Sample rate in Hz (check it with [`check_rate`]).
    pub rate: u32,
    /// Write every file, even those that are unchanged.
    pub force: bool,
    /// The year written into the files' tags ([`current_year`]).
    pub year: i32,
    /// Only bytes that are final once written: a file can be read while it is being
    /// written (`serve` sends it so). MP3 is then encoded at a constant bit rate
    /// without LAME's Info frame, which is rewritten at the end otherwise; Ogg and
    /// WAV are so anyway.
    pub streamable: bool,
}

/// The year to write into tags: from `SOURCE_DATE_EPOCH` when it is set (for
/// reproducible exports), else today's (UTC).
pub fn current_year() -> i32 {
    use chrono::Datelike;
    let from_env = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0));
    from_env.unwrap_or_else(chrono::Utc::now).year()
}

/// A session to export: its file, and the compiled session unless it had errors
/// (its track number is kept, and it is reported as failed).
#[derive(Debug, Clone)]
pub struct Input {
    /// The session file.
    pub file: SessionFile,
    /// The compiled session; `None` when it had errors.
    pub loaded: Option<Loaded>,
}

/// Sessions that share a folder, an album tag and a playlist.
#[derive(Debug, Clone)]
pub struct Group {
    /// The album tag and the playlist's title.
    pub album: String,
    /// The sub-folder of the output folder (a safe name); `None` for the output
    /// folder itself.
    pub folder: Option<String>,
    /// For a program, its number of sessions: each session keeps its place in the
    /// program whichever of them are exported. `None` for loose sessions, which are
    /// numbered after the files of their album already in the folder.
    pub total: Option<usize>,
    /// The sessions with their number in the program (from 1; ignored for loose
    /// sessions), in order.
    pub sessions: Vec<(usize, Input)>,
}

impl Group {
    /// A whole program: its own folder, named after its title.
    pub fn program(title: &str, sessions: Vec<Input>) -> Group {
        let total = sessions.len();
        Group::program_part(
            title,
            total,
            sessions
                .into_iter()
                .enumerate()
                .map(|(i, s)| (i + 1, s))
                .collect(),
        )
    }

    /// Some sessions of a program of `total` sessions, each with its number in the
    /// program: the same folder, album and numbers as the whole program.
    pub fn program_part(title: &str, total: usize, sessions: Vec<(usize, Input)>) -> Group {
        Group {
            album: title.to_owned(),
            folder: Some(safe_name(title, "programma")),
            total: Some(total),
            sessions,
        }
    }

    /// Session files given on their own: the output folder itself, album `album`,
    /// numbered in the order given after the album's files already there.
    pub fn loose(album: &str, sessions: Vec<Input>) -> Group {
        Group {
            album: album.to_owned(),
            folder: None,
            total: None,
            sessions: sessions.into_iter().map(|s| (0, s)).collect(),
        }
    }
}

/// Why an export (or one file of it) failed. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Creating, writing or renaming a file failed.
    #[error("cannot write {}", .path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The disk filled up while writing.
    #[error(
        "the disk is full: cannot write {}; free some space or choose another -o",
        .path.display()
    )]
    DiskFull {
        /// The file being written.
        path: PathBuf,
    },
    /// An output folder cannot be created or written to.
    #[error(
        "cannot write to the folder {} (check its permissions or choose another -o)",
        .path.display()
    )]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// Not enough free space for the files to write.
    #[error(
        "not enough free space in {}: the export needs about {} MB and {} MB is free; free some space, choose another -o, or export fewer sessions or as MP3",
        .dir.display(), .needed.div_ceil(1_000_000), .available / 1_000_000
    )]
    NoSpace {
        /// The folder checked.
        dir: PathBuf,
        /// Bytes needed (estimated).
        needed: u64,
        /// Bytes available.
        available: u64,
    },
    /// Two sessions would get the same file.
    #[error(
        "{} and {} would both be written to {}; export them separately or give one another title",
        .first.display(), .second.display(), .path.display()
    )]
    Collision {
        /// The file both would be written to.
        path: PathBuf,
        /// The first session.
        first: PathBuf,
        /// The second session.
        second: PathBuf,
    },
    /// A voice clip could not be decoded.
    #[error("cannot load the voice clips")]
    Clips(#[source] DecodeError),
    /// The encoder failed.
    #[error("the {format} encoder failed on {}", .path.display())]
    Encoder {
        /// The format's name.
        format: &'static str,
        /// The file being written.
        path: PathBuf,
        /// What the codec library said.
        #[source]
        source: EncodeError,
    },
    /// The session is too long for one WAV file.
    #[error(
        "the session is too long for one WAV file at {rate} Hz ({bytes} bytes; WAV holds at most 4 GiB); use --format mp3 or ogg, or a lower --rate"
    )]
    TooLarge {
        /// The sample rate.
        rate: u32,
        /// Bytes the file would need.
        bytes: u64,
    },
    /// The session has errors (they were reported when it was loaded).
    #[error("the session has errors (see above); fix them and export again")]
    Invalid,
    /// The user interrupted the export.
    #[error("interrupted; the unfinished file was removed")]
    Interrupted,
    /// The thread pool could not be started.
    #[error("cannot start {jobs} worker threads")]
    Threads {
        /// Threads asked for.
        jobs: usize,
        /// Why not.
        #[source]
        source: rayon::ThreadPoolBuildError,
    },
}

impl ExportError {
    /// An I/O error while writing `path`; a full disk gets its own message.
    fn io(path: &Path, source: io::Error) -> ExportError {
        if source.kind() == io::ErrorKind::StorageFull {
            ExportError::DiskFull {
                path: path.to_path_buf(),
            }
        } else {
            ExportError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    }

    fn encode(format: Format, path: &Path, e: EncodeError, rate: u32) -> ExportError {
        match e {
            EncodeError::Io(source) => ExportError::io(path, source),
            EncodeError::TooLarge { bytes } => ExportError::TooLarge { rate, bytes },
            source => ExportError::Encoder {
                format: format.name(),
                path: path.to_path_buf(),
                source,
            },
        }
    }
}

/// What happens to a track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// It will be rendered and written.
    Write,
    /// An earlier export wrote it from the same inputs; it is kept as it is.
    Unchanged,
    /// The session has errors; nothing is written.
    Invalid,
}

/// One session's file in the plan.
#[derive(Debug, Clone)]
pub struct Track {
    /// Index of its group in [`Plan::groups`].
    pub group: usize,
    /// Its number in the group, from 1.
    pub number: usize,
    /// The session file, as shown in messages.
    pub session: PathBuf,
    /// The file to write.
    pub target: PathBuf,
    /// The file's name (relative to its group's folder).
    pub file_name: String,
    /// Length in seconds.
    pub duration: f64,
    /// Length in frames at the export rate.
    pub frames: u64,
    /// What happens to it.
    pub status: Status,
    /// Its tags (absent for an invalid session).
    pub tags: Option<Tags>,
    loaded: Option<Loaded>,
}

/// One group's folder and playlist.
#[derive(Debug, Clone)]
pub struct PlannedGroup {
    /// The album tag and playlist title.
    pub album: String,
    /// The folder its files go to.
    pub folder: PathBuf,
    /// The playlist file.
    pub playlist: PathBuf,
    /// Its entries before this export, read once when planning: they number the
    /// loose sessions, and the new playlist keeps those whose files are still there.
    earlier: Vec<Entry>,
}

/// What happened to one track.
#[derive(Debug)]
pub enum Outcome {
    /// The file was written.
    Written {
        /// Its size.
        bytes: u64,
    },
    /// The file was already there and unchanged.
    Unchanged,
    /// Nothing was written.
    Failed(ExportError),
}

/// Progress reported while running.
#[derive(Debug)]
pub enum Event<'a> {
    /// Frames of audio were rendered (towards [`Plan::frames_to_render`]).
    Rendered(u64),
    /// A track's temporary file was created; it is renamed to the track's target when
    /// complete, or removed when the track fails.
    Writing {
        /// The track.
        track: &'a Track,
        /// The temporary file.
        part: &'a Path,
    },
    /// A track is done.
    Finished {
        /// The track.
        track: &'a Track,
        /// How it went.
        outcome: &'a Outcome,
    },
}

/// Every file of an export, named and hashed, before anything is written.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The output folder.
    pub out: PathBuf,
    /// The options.
    pub options: Options,
    /// The groups, in the order given.
    pub groups: Vec<PlannedGroup>,
    /// Every track, group by group in program order.
    pub tracks: Vec<Track>,
}

impl Plan {
    /// Names every file, builds its tags and content hash, and marks the files that
    /// are already there from the same inputs (unless `options.force`). Fails when two
    /// sessions would be written to the same file.
    pub fn new(out: &Path, groups: Vec<Group>, options: Options) -> Result<Plan, ExportError> {
        let settings = settings(options.format, options.rate, options.streamable);
        let mut digests = ClipDigests::new();
        let mut covers: HashMap<CoverText, Arc<Vec<u8>>> = HashMap::new();
        let mut names = Names::default();
        let mut planned = Vec::new();
        let mut tracks = Vec::new();
        for (gi, group) in groups.into_iter().enumerate() {
            let folder = match &group.folder {
                Some(f) => out.join(f),
                None => out.to_path_buf(),
            };
            let playlist = folder.join(playlist_name(&group.album));
            names.claim(&playlist, PathBuf::from(&group.album))?;
            let earlier = std::fs::read_to_string(&playlist)
                .map(|text| parse_m3u8(&text))
                .unwrap_or_default();
            let extension = options.format.extension();
            let numbers = match group.total {
                Some(_) => group.sessions.iter().map(|(n, _)| *n).collect(),
                None => loose_numbers(&folder, &earlier, &group.sessions, extension),
            };
            // A program's names are as wide as its size; a loose album's grow, so they
            // start with two digits.
            let width = group.total.map_or(2, number_width);
            let total = group.total.unwrap_or(0);
            for ((_, input), number) in group.sessions.into_iter().zip(numbers) {
                let file_name = track_file_name(number, width, &track_title(&input), extension);
                let target = folder.join(&file_name);
                names.claim(&target, input.file.display.clone())?;
                let tags = input.loaded.as_ref().map(|l| {
                    let mut tags = track_tags(l, &group.album, number, total, options.year);
                    let text = CoverText::track(&group.album, &tags.title);
                    let cover = covers
                        .entry(text)
                        .or_insert_with_key(|t| Arc::new(cover_png(t)));
                    tags.cover = Some(Arc::clone(cover));
                    tags.hash = content_hash(
                        &input.file.bytes,
                        &l.pack,
                        &l.compiled.timeline,
                        &settings,
                        &tags,
                        &mut digests,
                    );
                    tags
                });
                let status = track_status(tags.as_ref(), &target, options);
                let duration = tags.as_ref().map_or(0.0, |t| t.duration);
                tracks.push(Track {
                    group: gi,
                    number,
                    session: input.file.display,
                    target,
                    file_name,
                    duration,
                    frames: frames(duration, options.rate),
                    status,
                    tags,
                    loaded: input.loaded,
                });
            }
            planned.push(PlannedGroup {
                album: group.album,
                folder,
                playlist,
                earlier,
            });
        }
        Ok(Plan {
            out: out.to_path_buf(),
            options,
            groups: planned,
            tracks,
        })
    }

    /// The tracks with this status.
    pub fn count(&self, status: Status) -> usize {
        self.tracks.iter().filter(|t| t.status == status).count()
    }

    /// Frames to render in all: the progress total.
    pub fn frames_to_render(&self) -> u64 {
        self.tracks
            .iter()
            .filter(|t| t.status == Status::Write)
            .map(|t| t.frames)
            .sum()
    }

    /// Seconds of audio to render.
    pub fn seconds_to_render(&self) -> f64 {
        self.tracks
            .iter()
            .filter(|t| t.status == Status::Write)
            .map(|t| t.duration)
            .sum()
    }

    /// The estimated size of the files to write.
    pub fn needed_bytes(&self) -> u64 {
        self.tracks
            .iter()
            .filter(|t| t.status == Status::Write)
            .map(|t| {
                self.options
                    .format
                    .estimated_bytes(t.duration, self.options.rate)
            })
            .sum::<u64>()
            + 64 * 1024 * self.groups.len() as u64
    }

    /// Checks that the files will fit (against the free space of the output folder,
    /// or of its nearest existing parent), then creates the folders and checks that
    /// they can be written to. Nothing is created when the space check fails.
    pub fn prepare(&self) -> Result<(), ExportError> {
        let needed = self.needed_bytes();
        if self.count(Status::Write) > 0 {
            let mut dir = self.out.as_path();
            while !dir.is_dir() {
                match dir.parent() {
                    Some(p) if !p.as_os_str().is_empty() => dir = p,
                    _ => {
                        dir = Path::new(".");
                        break;
                    }
                }
            }
            // File systems that cannot report their free space are not checked.
            if let Ok(available) = fs4::available_space(dir) {
                check_space(dir, needed, available)?;
            }
        }
        for g in &self.groups {
            std::fs::create_dir_all(&g.folder).map_err(|source| ExportError::Folder {
                path: g.folder.clone(),
                source,
            })?;
            // Creating a file is the only sure test of being allowed to.
            tempfile::Builder::new()
                .prefix(".rustig-probe.")
                .tempfile_in(&g.folder)
                .map_err(|source| ExportError::Folder {
                    path: g.folder.clone(),
                    source,
                })?;
        }
        Ok(())
    }

    /// Renders and writes every track marked [`Status::Write`] on `jobs` threads,
    /// longest first so the threads finish together. `cancel` is polled between
    /// blocks; `on` hears about progress from any thread. Returns one outcome per
    /// track, in plan order.
    pub fn run(
        &self,
        jobs: usize,
        cancel: &AtomicBool,
        on: &(dyn Fn(Event<'_>) + Sync),
    ) -> Result<Vec<Outcome>, ExportError> {
        let mut order: Vec<usize> = (0..self.tracks.len())
            .filter(|&i| self.tracks[i].status == Status::Write)
            .collect();
        order.sort_by(|&a, &b| self.tracks[b].frames.cmp(&self.tracks[a].frames));
        let results: Vec<Mutex<Option<Outcome>>> =
            self.tracks.iter().map(|_| Mutex::new(None)).collect();
        let banks = self.shared_clips(&order);
        let jobs = jobs.clamp(1, order.len().max(1));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .thread_name(|i| format!("rustig-export-{i}"))
            .build()
            .map_err(|source| ExportError::Threads { jobs, source })?;
        let next = AtomicUsize::new(0);
        pool.scope(|s| {
            for _ in 0..jobs {
                s.spawn(|_| {
                    while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let track = &self.tracks[i];
                        let outcome = if cancel.load(Ordering::Relaxed) {
                            Outcome::Failed(ExportError::Interrupted)
                        } else {
                            match self.render(track, &banks, cancel, on) {
                                Ok(bytes) => Outcome::Written { bytes },
                                Err(e) => Outcome::Failed(e),
                            }
                        };
                        on(Event::Finished {
                            track,
                            outcome: &outcome,
                        });
                        *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
                    }
                });
            }
        });
        Ok(results
            .into_iter()
            .zip(&self.tracks)
            .map(|(r, t)| {
                let r = r.into_inner().unwrap_or_else(|e| e.into_inner());
                match (r, t.status) {
                    (Some(o), _) => o,
                    (None, Status::Unchanged) => Outcome::Unchanged,
                    (None, Status::Invalid) => Outcome::Failed(ExportError::Invalid),
                    (None, Status::Write) => Outcome::Failed(ExportError::Interrupted),
                }
            })
            .collect())
    }

    /// Decodes, once per voice pack, every clip the tracks to write use, at the export
    /// rate. A pack whose clips fail to decode is left out: its sessions decode their
    /// own clips and report the error by name.
    fn shared_clips(&self, order: &[usize]) -> HashMap<String, ClipBank> {
        let mut used: HashMap<&str, (&crate::voice::VoicePack, Vec<usize>)> = HashMap::new();
        for loaded in order.iter().filter_map(|&i| self.tracks[i].loaded.as_ref()) {
            let entry = used
                .entry(&loaded.pack.voice)
                .or_insert_with(|| (&loaded.pack, Vec::new()));
            entry.1.extend(loaded.compiled.timeline.clip_indices());
        }
        used.into_iter()
            .filter_map(|(voice, (pack, indices))| {
                pack.load_clips(indices, self.options.rate)
                    .ok()
                    .map(|bank| (voice.to_owned(), bank))
            })
            .collect()
    }

    /// Renders one track into its file; returns the file's size.
    fn render(
        &self,
        track: &Track,
        banks: &HashMap<String, ClipBank>,
        cancel: &AtomicBool,
        on: &(dyn Fn(Event<'_>) + Sync),
    ) -> Result<u64, ExportError> {
        let (Some(loaded), Some(tags)) = (&track.loaded, &track.tags) else {
            return Err(ExportError::Invalid);
        };
        let Options {
            format,
            rate,
            streamable,
            ..
        } = self.options;
        let timeline = &loaded.compiled.timeline;
        let sounds = match banks.get(&loaded.pack.voice) {
            Some(bank) => Sounds::with_clips(timeline, bank.clone(), rate),
            None => Sounds::prepare(timeline, &loaded.pack, rate),
        }
        .map_err(ExportError::Clips)?;
        let mut mixer = Mixer::new(Arc::clone(timeline), &sounds, 1, BLOCK_FRAMES);
        let frames = mixer.length();
        let path = &track.target;
        let (file, handle) = AtomicFile::create(path).map_err(|e| ExportError::io(path, e))?;
        let mut encoder = encode::create(format, handle, rate, frames, tags, streamable)
            .map_err(|e| ExportError::encode(format, path, e, rate))?;
        on(Event::Writing {
            track,
            part: file.part(),
        });
        mix_to_end(
            &mut mixer,
            cancel,
            |_, _| Ok(()),
            |_, block| {
                encoder.write(block)?;
                on(Event::Rendered(block.len() as u64));
                Ok(())
            },
        )
        .map_err(|stop| match stop {
            Stopped::Interrupted => ExportError::Interrupted,
            Stopped::Sink(e) => ExportError::encode(format, path, e, rate),
        })?;
        let handle = encoder
            .finish()
            .map_err(|e| ExportError::encode(format, path, e, rate))?;
        let bytes = handle
            .metadata()
            .map_err(|e| ExportError::io(path, e))?
            .len();
        drop(handle);
        file.commit().map_err(|e| ExportError::io(path, e))?;
        Ok(bytes)
    }

    /// Writes each group's playlist and cover. A playlist is updated, not replaced:
    /// the entries of an earlier export whose files are still there stay, this
    /// export's tracks that were written or are unchanged are added or replace the
    /// entry of the same number, and all are sorted by their number. A group with
    /// nothing to list gets no playlist. A playlist or cover whose bytes are
    /// unchanged is left alone. Returns the files written.
    pub fn write_playlists(&self, outcomes: &[Outcome]) -> Result<Vec<PathBuf>, ExportError> {
        let mut written = Vec::new();
        for (gi, g) in self.groups.iter().enumerate() {
            let entries: Vec<Entry> = self
                .tracks
                .iter()
                .zip(outcomes)
                .filter(|(t, o)| t.group == gi && !matches!(o, Outcome::Failed(_)))
                .filter_map(|(t, _)| {
                    t.tags.as_ref().map(|tags| Entry {
                        file: t.file_name.clone(),
                        title: tags.title.clone(),
                        duration: t.duration,
                    })
                })
                .collect();
            if entries.is_empty() {
                continue;
            }
            let kept = g
                .earlier
                .iter()
                .filter(|e| is_track_file(&g.folder, &e.file))
                .cloned();
            let text = m3u8(&g.album, &merge(kept, entries));
            for (path, bytes) in [
                (g.playlist.clone(), text.into_bytes()),
                (
                    g.folder.join(COVER_FILE),
                    cover_png(&CoverText::album(&g.album)),
                ),
            ] {
                if std::fs::read(&path).is_ok_and(|old| old == bytes) {
                    continue;
                }
                AtomicFile::write(&path, &bytes).map_err(|e| ExportError::io(&path, e))?;
                written.push(path);
            }
        }
        Ok(written)
    }
}

/// Whether a playlist entry names a file in `folder` (a plain name, not a path
/// that leads elsewhere) that is still there.
fn is_track_file(folder: &Path, file: &str) -> bool {
    !file.contains(['/', '\\']) && folder.join(file).is_file()
}

/// The numbers of loose sessions in `folder`: a session whose file (same title and
/// format) is already listed in the album's playlist (`old`) keeps its number; the
/// others follow the highest number there, in the order given, skipping names another
/// album's file already has in the folder.
fn loose_numbers(
    folder: &Path,
    old: &[Entry],
    sessions: &[(usize, Input)],
    extension: &str,
) -> Vec<usize> {
    let listed: Vec<(usize, String)> = old
        .iter()
        .filter(|e| is_track_file(folder, &e.file))
        .filter_map(|e| {
            let (number, rest) = e.file.split_once(' ')?;
            Some((number.parse().ok()?, rest.to_owned()))
        })
        .collect();
    let mut next = listed.iter().map(|(n, _)| *n).max().unwrap_or(0);
    sessions
        .iter()
        .map(|(_, input)| {
            let rest = format!("{}.{extension}", safe_name(&track_title(input), "training"));
            match listed.iter().find(|(_, r)| *r == rest) {
                Some((n, _)) => *n,
                None => {
                    next += 1;
                    while folder
                        .join(track_file_name(next, 2, &track_title(input), extension))
                        .exists()
                    {
                        next += 1;
                    }
                    next
                }
            }
        })
        .collect()
}

/// The targets planned so far, to refuse two of the same name. Keys are lower-cased:
/// FAT and exFAT do not tell case apart.
#[derive(Default)]
struct Names {
    seen: HashMap<String, PathBuf>,
}

impl Names {
    /// Claims `path` for `owner` (a session or an album), or fails naming both.
    fn claim(&mut self, path: &Path, owner: PathBuf) -> Result<(), ExportError> {
        match self.seen.insert(key(path), owner.clone()) {
            Some(first) => Err(ExportError::Collision {
                path: path.to_path_buf(),
                first,
                second: owner,
            }),
            None => Ok(()),
        }
    }
}

/// An album's playlist file name: `<album>.m3u8`, so two albums in one folder keep
/// two playlists.
fn playlist_name(album: &str) -> String {
    format!("{}.m3u8", safe_name(album, LOOSE_ALBUM))
}

/// A track's title: the session's, or its file name when it did not compile.
fn track_title(input: &Input) -> String {
    match &input.loaded {
        Some(l) => l.compiled.timeline.title.clone(),
        None => input
            .file
            .display
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// The tags of track `number` of `total` (0: unknown) in `album`, with a chapter per
/// block, the last one ending where the file ends (after the last clip, which may
/// outlast the last block). The cover and content hash are added after.
fn track_tags(loaded: &Loaded, album: &str, number: usize, total: usize, year: i32) -> Tags {
    let t = &loaded.compiled.timeline;
    let mut chapters: Vec<Chapter> = t
        .blocks
        .iter()
        .map(|b| Chapter {
            start: b.start,
            end: b.end,
            name: b.name.clone(),
        })
        .collect();
    if let Some(last) = chapters.last_mut() {
        last.end = last.end.max(t.duration);
    }
    Tags {
        title: t.title.clone(),
        album: album.to_owned(),
        track: number as u32,
        total: total as u32,
        artist: loaded.pack.coach.clone(),
        year,
        cover: None,
        comment: t.description.clone(),
        chapters,
        duration: t.duration,
        hash: String::new(),
    }
}

/// Whether a track must be written: not when it did not compile, nor when its file
/// is there, complete and made from the same content (unless `--force`).
fn track_status(tags: Option<&Tags>, target: &Path, options: Options) -> Status {
    let Some(tags) = tags else {
        return Status::Invalid;
    };
    let unchanged = !options.force
        && target.is_file()
        && stored_hash(target, options.format).as_ref() == Some(&tags.hash)
        && complete(target, options, tags);
    if unchanged {
        Status::Unchanged
    } else {
        Status::Write
    }
}

/// Whether a file with the right hash also has the right size, where the size is
/// known in advance (WAV), so a file cut short by a failed copy is written again.
fn complete(path: &Path, options: Options, tags: &Tags) -> bool {
    if options.format != Format::Wav {
        return true;
    }
    let frames = frames(tags.duration, options.rate);
    let Ok(header) = tagged_wav_header(options.rate, frames, tags) else {
        return false;
    };
    std::fs::metadata(path).is_ok_and(|m| m.len() == header.len() as u64 + frames * 2)
}

/// A length in frames, as the mixer counts it: `round(seconds · rate)`.
fn frames(seconds: f64, rate: u32) -> u64 {
    (seconds * f64::from(rate)).round().max(0.0) as u64
}

/// The key two targets collide on: FAT and exFAT ignore case.
fn key(path: &Path) -> String {
    path.to_string_lossy().to_lowercase()
}

/// Fails with [`ExportError::NoSpace`] when `needed` bytes exceed `available`.
pub fn check_space(dir: &Path, needed: u64, available: u64) -> Result<(), ExportError> {
    if needed > available {
        return Err(ExportError::NoSpace {
            dir: dir.to_path_buf(),
            needed,
            available,
        });
    }
    Ok(())
}
