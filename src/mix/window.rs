//! Clips loaded while rendering, so a long render holds only the clips near its
//! position: its memory does not grow with how many different clips it uses.
//!
//! Made by [`ClipWindow::measure`], it keeps every clip as `measure` decoded and
//! resampled it in an unlinked temporary file and reads it back when due, so each clip
//! is decoded once per render; the file lives in the page cache and on disk, not in the
//! process's memory, and disappears when the window is dropped (or the process dies).
//! Without a temporary file (none can be made, a read fails, or [`ClipWindow::new`]),
//! a clip is decoded again when due.
//!
//! Not for live play: it reads or decodes on the thread that mixes. Render and export mix on
//! their own threads, where that is fine; live play decodes everything before the
//! first buffer ([`Sounds::prepare`](super::Sounds::prepare)).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex, PoisonError};

use crate::timeline::{Event, Timeline};
use crate::voice::{DecodeError, VoicePack};

use super::{Mixer, Sounds};

/// A clip stays loaded after it ends when it is due again within this many seconds.
const KEEP_SECONDS: f64 = 60.0;

/// Loads each clip shortly before it is due and drops it after, for a mixer made
/// from [`Sounds::measure`](super::Sounds::measure). Call [`ClipWindow::advance`]
/// before mixing each block.
#[derive(Debug)]
pub struct ClipWindow<'p> {
    pack: &'p VoicePack,
    /// The next event whose clip has not been loaded.
    cursor: usize,
    /// Clips loaded now: pack index and the frame their last started use ends.
    loaded: Vec<(usize, u64)>,
    /// The decoded clips, if kept.
    kept: Option<Kept>,
}

/// Decoded clips in an unlinked temporary file: 16-bit samples in the machine's byte
/// order (the file never leaves this process), and where each clip's are.
#[derive(Debug)]
struct Kept {
    file: File,
    /// Byte offset and length in samples, by pack index.
    at: Vec<Option<(u64, usize)>>,
    /// Bytes written so far.
    end: u64,
}

impl Kept {
    /// Appends clip `index`.
    fn add(&mut self, index: usize, samples: &[i16]) -> std::io::Result<()> {
        self.file.write_all(bytemuck::cast_slice(samples))?;
        if self.at.len() <= index {
            self.at.resize(index + 1, None);
        }
        self.at[index] = Some((self.end, samples.len()));
        self.end += std::mem::size_of_val(samples) as u64;
        Ok(())
    }

    /// Reads clip `index` back, if it was kept.
    fn read(&mut self, index: usize) -> Option<Arc<[i16]>> {
        let (offset, len) = self.at.get(index).copied().flatten()?;
        let mut samples = vec![0i16; len];
        self.file.seek(SeekFrom::Start(offset)).ok()?;
        self.file
            .read_exact(bytemuck::cast_slice_mut(&mut samples))
            .ok()?;
        Some(samples.into())
    }
}

impl<'p> ClipWindow<'p> {
    /// A window over the clips of `pack`.
    pub fn new(pack: &'p VoicePack) -> Self {
        ClipWindow {
            pack,
            cursor: 0,
            loaded: Vec::new(),
            kept: None,
        }
    }

    /// Like [`Sounds::measure`], and keeps each clip it decodes in an unlinked
    /// temporary file for the window it returns, which reads the clip back when due:
    /// each clip is decoded and resampled once per render. When no temporary file can
    /// be written, the window decodes clips again instead.
    pub fn measure(
        timeline: &Timeline,
        pack: &'p VoicePack,
        rate: u32,
    ) -> Result<(Sounds, ClipWindow<'p>), DecodeError> {
        // A temporary file is only a shortcut: any failure falls back to decoding.
        // Clips are decoded on several threads; each appends under the lock.
        let kept = Mutex::new(tempfile::tempfile().ok().map(|file| Kept {
            file,
            at: Vec::new(),
            end: 0,
        }));
        let sounds = Sounds::measure_with(timeline, pack, rate, |index, samples| {
            let mut kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
            if kept
                .as_mut()
                .is_some_and(|k| k.add(index, samples).is_err())
            {
                *kept = None;
            }
        })?;
        let mut window = ClipWindow::new(pack);
        window.kept = kept.into_inner().unwrap_or_else(PoisonError::into_inner);
        Ok((sounds, window))
    }

    /// Makes sure every clip starting before frame `upto` is loaded, and drops the
    /// clips that have ended and are not due again soon.
    pub fn advance(&mut self, mixer: &mut Mixer, upto: u64) -> Result<(), DecodeError> {
        let timeline = std::sync::Arc::clone(mixer.timeline());
        let rate = f64::from(mixer.rate());
        let frame = |t: f64| (t * rate).round().max(0.0) as u64;
        let events = &timeline.events;
        while let Some(e) = events.get(self.cursor) {
            if frame(e.time()) >= upto {
                break;
            }
            if let Event::Clip(c) = e {
                let pack_index = &c.pack_index;
                let end = frame(c.time) + mixer.clip_frames(*pack_index);
                match self.loaded.iter_mut().find(|(i, _)| i == pack_index) {
                    Some(entry) => entry.1 = entry.1.max(end),
                    None => {
                        let samples = match self.kept.as_mut().and_then(|k| k.read(*pack_index)) {
                            Some(samples) => Some(samples),
                            None => Some(self.pack.decode_clip(*pack_index, mixer.rate())?.into()),
                        };
                        mixer.set_clip(*pack_index, samples);
                        self.loaded.push((*pack_index, end));
                    }
                }
            }
            self.cursor += 1;
        }
        let now = mixer.position();
        let horizon = now + frame(KEEP_SECONDS);
        let soon = |index: usize| {
            events[self.cursor..]
                .iter()
                .take_while(|e| frame(e.time()) < horizon)
                .any(|e| matches!(e, Event::Clip(c) if c.pack_index == index))
        };
        let mut k = 0;
        while k < self.loaded.len() {
            let (index, end) = self.loaded[k];
            if end <= now && !soon(index) {
                mixer.set_clip(index, None);
                self.loaded.swap_remove(k);
            } else {
                k += 1;
            }
        }
        Ok(())
    }

    /// Clips loaded now.
    pub fn loaded(&self) -> usize {
        self.loaded.len()
    }
}
