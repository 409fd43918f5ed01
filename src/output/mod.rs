//! Sinks: WAV files (and stems) written atomically from the mixer.
//!
//! Every file is written to a temporary name in its target folder, finalized and
//! renamed into place, so readers never see half a file and an interrupted or failed
//! write leaves nothing behind and never damages an existing file.

pub mod blocks;
pub mod export;
pub mod target;
mod wav;
pub mod writer;

pub use crate::atomic::{AtomicFile, stale};
pub use wav::{
    RenderError, RenderOptions, RenderSummary, STEMS, pcm16_into, render_wav, to_i16, wav_header,
    write_pcm16,
};
