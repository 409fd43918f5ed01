//! Clips loaded while rendering, so a long render holds only the clips near its
//! position: its memory does not grow with how many different clips it uses.
//!
//! Not for live play: it decodes on the thread that mixes. Render and export mix on
//! their own threads, where that is fine; live play decodes everything before the
//! first buffer ([`Sounds::prepare`](super::Sounds::prepare)).

use crate::timeline::Event;
use crate::voice::{DecodeError, VoicePack};

use super::Mixer;

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
}

impl<'p> ClipWindow<'p> {
    /// A window over the clips of `pack`.
    pub fn new(pack: &'p VoicePack) -> Self {
        ClipWindow {
            pack,
            cursor: 0,
            loaded: Vec::new(),
        }
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
            if let Event::Clip {
                pack_index, time, ..
            } = e
            {
                let end = frame(*time) + mixer.clip_frames(*pack_index);
                match self.loaded.iter_mut().find(|(i, _)| i == pack_index) {
                    Some(entry) => entry.1 = entry.1.max(end),
                    None => {
                        let bank = self.pack.load_clips([*pack_index], mixer.rate())?;
                        mixer.set_clip(*pack_index, bank.get(*pack_index).cloned());
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
                .any(|e| matches!(e, Event::Clip { pack_index, .. } if *pack_index == index))
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
