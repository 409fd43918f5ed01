//! The program the server offers, each session compiled once, and its audio rendered
//! on demand through `export` (same naming, tags, chapters and content hash, in its
//! streamable form), cached by content in the user's cache folder. A render runs on
//! its own thread and can be read while it writes, so the first byte of a session
//! not yet rendered goes out at once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};

use crate::journal::ProgramPlan;
use crate::load::{Loaded, PackCache};
use tokio::sync::watch;

use crate::output::export::{
    self, Event, ExportError, Format, Group, Input, Options, Outcome, Plan,
};
use crate::voice::VoiceLookup;

/// The sample rate of the audio sent to phones (as `export`'s default).
pub const RATE: u32 = 44_100;

/// A session's index and a format's extension: what one render makes.
type RenderKey = (usize, &'static str);

/// Where a session's audio is, as a request finds it.
#[derive(Debug, Clone)]
pub enum Audio {
    /// Complete under its name in the cache.
    Ready(PathBuf),
    /// Being rendered: follow its [`Progress`] (the request that started it, and any
    /// that come while it runs).
    Rendering(watch::Receiver<Progress>),
}

/// How a render goes. Its file only grows while it is written (the formats the
/// server makes are streamable): the bytes read from the part file are the file's.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Compiling and decoding the clips: no file yet.
    Starting,
    /// Writing to this temporary file, renamed to the target when complete.
    Writing(Arc<PathBuf>),
    /// Complete under its name.
    Done(Arc<PathBuf>),
    /// Failed; the message says why (English, from export).
    Failed(Arc<String>),
}

/// The program with its sessions, compiled lazily and once.
pub struct Library {
    /// The program.
    pub program: ProgramPlan,
    lookup: VoiceLookup,
    cache: PathBuf,
    compiled: Vec<OnceLock<Result<Arc<Loaded>, String>>>,
    /// One lock per (session, format): planning a render happens once at a time, so
    /// a second request joins the first render instead of starting another.
    planning: Mutex<HashMap<RenderKey, Arc<Mutex<()>>>>,
    /// Renders running now.
    running: Arc<Mutex<HashMap<RenderKey, watch::Receiver<Progress>>>>,
    /// Files known to be complete and current: a request for one (each Range request
    /// of a player) is answered without planning the render again.
    ready: Arc<Mutex<HashMap<RenderKey, PathBuf>>>,
}

/// Why a session's audio is not available.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// The session does not compile (its problems are in the message).
    #[error("the session {file} cannot be compiled: {problems}")]
    Invalid {
        /// The session file.
        file: String,
        /// Its diagnostics, one per line.
        problems: String,
    },
    /// Rendering or writing failed.
    #[error("cannot render {file}")]
    Export {
        /// The session file.
        file: String,
        /// Why.
        #[source]
        source: ExportError,
    },
    /// A render that another request started failed.
    #[error("{why}")]
    Failed {
        /// The session file.
        file: String,
        /// The render's error, with its causes.
        why: String,
    },
}

impl Library {
    /// The library of `program`, finding voice packs through `lookup` and caching
    /// rendered files below `cache`.
    pub fn new(program: ProgramPlan, lookup: VoiceLookup, cache: PathBuf) -> Library {
        let compiled = program.files.iter().map(|_| OnceLock::new()).collect();
        Library {
            program,
            lookup,
            cache,
            compiled,
            planning: Mutex::new(HashMap::new()),
            running: Arc::new(Mutex::new(HashMap::new())),
            ready: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Where rendered files are kept.
    pub fn cache(&self) -> &Path {
        &self.cache
    }

    /// The index of the session file `file` (`week01-1.toml`).
    pub fn index(&self, file: &str) -> Option<usize> {
        self.program.files.iter().position(|f| f == file)
    }

    /// Session `i` compiled with its voice pack (done once).
    pub fn loaded(&self, i: usize) -> Result<Arc<Loaded>, AudioError> {
        self.compiled[i]
            .get_or_init(|| {
                let packs = PackCache::new(&self.lookup);
                let (diags, loaded) = packs.load(&self.program.sources[i]);
                loaded.map(Arc::new).ok_or_else(|| {
                    diags
                        .iter()
                        .map(|d| d.to_string())
                        .collect::<Vec<_>>()
                        .join("\n")
                })
            })
            .clone()
            .map_err(|problems| AudioError::Invalid {
                file: self.program.files[i].clone(),
                problems,
            })
    }

    /// The audio of session `i` in `format`: the cached file when one made from the
    /// same content is there, else a render started now on its own thread (or the one
    /// already running), which a request can follow as it writes. The render goes on
    /// when the request that started it goes away; `cancel` stops it.
    pub fn audio(
        &self,
        i: usize,
        format: Format,
        cancel: &Arc<AtomicBool>,
    ) -> Result<Audio, AudioError> {
        let key = (i, format.extension());
        if let Some(path) = self.known(key) {
            return Ok(Audio::Ready(path));
        }
        let loaded = self.loaded(i)?;
        let planning = Arc::clone(lock(&self.planning).entry(key).or_default());
        let _one_at_a_time = lock(&planning);
        if let Some(progress) = lock(&self.running).get(&key) {
            return Ok(Audio::Rendering(progress.clone()));
        }
        if let Some(path) = self.known(key) {
            return Ok(Audio::Ready(path));
        }
        let err = |source| AudioError::Export {
            file: self.program.files[i].clone(),
            source,
        };
        // The whole program as one group, so the file is named, numbered and tagged
        // as `rustig export` would make it; only session `i` is compiled and rendered.
        let inputs = self
            .program
            .sources
            .iter()
            .enumerate()
            .map(|(k, file)| Input {
                file: file.clone(),
                loaded: (k == i).then(|| (*loaded).clone()),
            })
            .collect();
        let plan = Plan::new(
            &self.cache.join(format.extension()),
            vec![Group::program(&self.program.title, inputs)],
            Options {
                format,
                rate: RATE,
                force: false,
                year: export::current_year(),
                streamable: true,
            },
        )
        .map_err(err)?;
        let target = plan.tracks[i].target.clone();
        if plan.tracks[i].status == export::Status::Unchanged {
            lock(&self.ready).insert(key, target.clone());
            return Ok(Audio::Ready(target));
        }
        plan.prepare().map_err(err)?;
        let (tx, rx) = watch::channel(Progress::Starting);
        lock(&self.running).insert(key, rx.clone());
        let (running, ready, cancel) = (
            Arc::clone(&self.running),
            Arc::clone(&self.ready),
            Arc::clone(cancel),
        );
        let file = self.program.files[i].clone();
        let spawned = std::thread::Builder::new()
            .name("rustig-serve-render".into())
            .spawn(move || {
                let on = |e: Event<'_>| {
                    if let Event::Writing { part, .. } = e {
                        tx.send_replace(Progress::Writing(Arc::new(part.to_path_buf())));
                    }
                };
                let outcome = match plan.run(1, &cancel, &on) {
                    Ok(mut outcomes) => outcomes.swap_remove(i),
                    Err(e) => Outcome::Failed(e),
                };
                let done = match outcome {
                    Outcome::Written { .. } | Outcome::Unchanged => {
                        lock(&ready).insert(key, target.clone());
                        Progress::Done(Arc::new(target))
                    }
                    Outcome::Failed(e) => Progress::Failed(Arc::new(
                        crate::errors::Chain(&AudioError::Export { file, source: e }).to_string(),
                    )),
                };
                // Known as ready before it stops running: a request in between finds
                // the file, not nothing.
                lock(&running).remove(&key);
                tx.send_replace(done);
            });
        if let Err(e) = spawned {
            lock(&self.running).remove(&key);
            return Err(AudioError::Failed {
                file: self.program.files[i].clone(),
                why: format!("cannot start a thread to render it: {e}"),
            });
        }
        Ok(Audio::Rendering(rx))
    }

    /// The audio of session `i` in `format`, complete: waits for a render (blocking).
    /// `Ok(true)` when it was rendered now.
    pub fn audio_file(
        &self,
        i: usize,
        format: Format,
        cancel: &Arc<AtomicBool>,
    ) -> Result<(PathBuf, bool), AudioError> {
        match self.audio(i, format, cancel)? {
            Audio::Ready(path) => Ok((path, false)),
            Audio::Rendering(mut progress) => {
                // Called on a blocking thread of the runtime: wait for the render's
                // last word without polling.
                let last = tokio::runtime::Handle::current().block_on(
                    progress.wait_for(|p| matches!(p, Progress::Done(_) | Progress::Failed(_))),
                );
                let failed = |why: String| AudioError::Failed {
                    file: self.program.files[i].clone(),
                    why,
                };
                match last.as_deref() {
                    Ok(Progress::Done(path)) => Ok(((**path).clone(), true)),
                    Ok(Progress::Failed(why)) => Err(failed((**why).clone())),
                    _ => Err(failed("the render stopped without a result".to_owned())),
                }
            }
        }
    }

    /// The size of session `i`'s finished file in `format`, if one was made or found
    /// in this server's life and is still there.
    pub fn size(&self, i: usize, format: Format) -> Option<u64> {
        let path = self.known((i, format.extension()))?;
        std::fs::metadata(path).ok().map(|m| m.len())
    }

    /// A file made earlier in this server's life that is still there.
    fn known(&self, key: RenderKey) -> Option<PathBuf> {
        let mut ready = lock(&self.ready);
        match ready.get(&key) {
            Some(path) if path.is_file() => Some(path.clone()),
            Some(_) => {
                ready.remove(&key);
                None
            }
            None => None,
        }
    }
}

/// About how large the served file of a session `seconds` long will be: its tags
/// and cover, then the audio (the streamable MP3's 64 kbit/s; Vorbis at its quality,
/// measured near 13 kbit/s).
pub fn estimated_bytes(format: Format, seconds: f64) -> u64 {
    let per_second = match format {
        Format::Mp3 => 8_000.0,
        Format::Ogg => 1_700.0,
        Format::Wav => f64::from(RATE) * 2.0,
    };
    (seconds.max(0.0) * per_second) as u64 + 40_000
}

/// Locks a mutex, also after a panic elsewhere (the maps stay consistent); the whole
/// server locks its mutexes through it.
pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
