//! The program the server offers, each session compiled once, and its audio rendered
//! on demand through `export` (same files, tags, chapters and content hash), cached
//! by content in the user's cache folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};

use crate::journal::ProgramPlan;
use crate::load::{Loaded, PackCache};
use crate::output::export::{self, ExportError, Format, Group, Input, Options, Outcome, Plan};
use crate::voice::VoiceLookup;

/// The sample rate of the audio sent to phones (as `export`'s default).
pub const RATE: u32 = 44_100;

/// A session's index and a format's extension: what one render makes.
type RenderKey = (usize, &'static str);

/// The program with its sessions, compiled lazily and once.
pub struct Library {
    /// The program.
    pub program: ProgramPlan,
    lookup: VoiceLookup,
    cache: PathBuf,
    compiled: Vec<OnceLock<Result<Arc<Loaded>, String>>>,
    /// One lock per (session, format): a second request waits for the first render
    /// instead of rendering the same file again.
    renders: Mutex<HashMap<RenderKey, Arc<Mutex<()>>>>,
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
            renders: Mutex::new(HashMap::new()),
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

    /// The audio file of session `i` in `format`: rendered now unless the cache holds
    /// one made from the same content. Blocking; `cancel` stops a render.
    pub fn audio(
        &self,
        i: usize,
        format: Format,
        cancel: &AtomicBool,
    ) -> Result<(PathBuf, bool), AudioError> {
        let loaded = self.loaded(i)?;
        let lock = Arc::clone(
            self.renders
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry((i, format.extension()))
                .or_default(),
        );
        let _one_at_a_time = lock.lock().unwrap_or_else(|e| e.into_inner());
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
            },
        )
        .map_err(err)?;
        let target = plan.tracks[i].target.clone();
        if plan.tracks[i].status == export::Status::Unchanged {
            return Ok((target, false));
        }
        plan.prepare().map_err(err)?;
        let mut outcomes = plan.run(1, cancel, &|_| {}).map_err(err)?;
        match outcomes.swap_remove(i) {
            Outcome::Written { .. } => Ok((target, true)),
            Outcome::Unchanged => Ok((target, false)),
            Outcome::Failed(e) => Err(err(e)),
        }
    }
}
