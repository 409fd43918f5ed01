//! The one render loop: a mixer played to its end in blocks, each handed to a sink
//! (a WAV writer and its stems for `render`, an encoder for `export`).

use std::sync::atomic::{AtomicBool, Ordering};

use crate::mix::Mixer;

/// Frames mixed and handed on per step.
pub const BLOCK_FRAMES: usize = 8192;

/// Why [`mix_to_end`] stopped early.
#[derive(Debug)]
pub enum Stopped<E> {
    /// `cancel` was set.
    Interrupted,
    /// The sink failed.
    Sink(E),
}

/// Mixes from the mixer's position to its end in blocks of at most [`BLOCK_FRAMES`]
/// frames (build the mixer with that block size, so its layers hold each whole block
/// for stems), calling `before(mixer, end)` before each block (to load what the
/// frames up to `end` need) and `sink(mixer, block)` after it. `cancel` is polled
/// between blocks.
pub fn mix_to_end<E>(
    mixer: &mut Mixer,
    cancel: &AtomicBool,
    mut before: impl FnMut(&mut Mixer, u64) -> Result<(), E>,
    mut sink: impl FnMut(&Mixer, &[f32]) -> Result<(), E>,
) -> Result<(), Stopped<E>> {
    let mut buf = vec![0.0f32; BLOCK_FRAMES * mixer.channels()];
    while !mixer.finished() {
        if cancel.load(Ordering::Relaxed) {
            return Err(Stopped::Interrupted);
        }
        let n = (mixer.length() - mixer.position()).min(BLOCK_FRAMES as u64) as usize;
        before(mixer, mixer.position() + n as u64).map_err(Stopped::Sink)?;
        let block = &mut buf[..n * mixer.channels()];
        mixer.process(block);
        sink(mixer, block).map_err(Stopped::Sink)?;
    }
    Ok(())
}
