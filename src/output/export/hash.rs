//! The content hash that lets an export skip files that would come out the same.
//!
//! It covers everything that shapes a file: rustig's version, the format and encoder
//! settings, the session file's bytes, the voice pack's manifest, the bytes of every
//! clip the session uses, a metronome sound file if the session names one, and the
//! tags (title, album, track number and total, artist, description, chapters,
//! cover). Only the year is left out, so a file stays unchanged from one year to the
//! next. The hash is stored in the file itself (see [`super::tags`]), so it travels
//! with the file.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::tags::Tags;
use crate::session::ClickSound;
use crate::timeline::Timeline;
use crate::voice::VoicePack;

/// Digests of clip files, so clips shared by many sessions are read and hashed once.
#[derive(Debug, Default)]
pub struct ClipDigests {
    cache: HashMap<String, [u8; 32]>,
}

impl ClipDigests {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The digest of clip `index` of `pack`. A clip that cannot be read hashes its
    /// error message: the render will fail and say why.
    fn clip(&mut self, pack: &VoicePack, index: usize) -> [u8; 32] {
        if pack.clips.get(index).is_none() {
            return [0; 32];
        }
        // Through the pack, so a clip borrowed from the built-in pack hashes its bytes.
        let key = pack.describe_clip(index);
        *self.cache.entry(key).or_insert_with(|| {
            let mut h = Sha256::new();
            match pack.read_clip(index) {
                Ok(bytes) => h.update(&bytes),
                Err(e) => h.update(format!("unreadable: {e}").as_bytes()),
            }
            h.finalize().into()
        })
    }
}

/// Feeds a field with its length, so that no two different inputs hash alike.
fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// The hex content hash of one exported file. `settings` names the format and every
/// encoder setting; `tags.hash` and `tags.year` are ignored.
pub fn content_hash(
    session_bytes: &[u8],
    pack: &VoicePack,
    timeline: &Timeline,
    settings: &str,
    tags: &Tags,
    clips: &mut ClipDigests,
) -> String {
    let mut h = Sha256::new();
    field(&mut h, b"rustig export v2");
    field(&mut h, env!("CARGO_PKG_VERSION").as_bytes());
    field(&mut h, settings.as_bytes());
    field(&mut h, session_bytes);
    field(&mut h, pack.voice.as_bytes());
    field(&mut h, pack.source.text.as_bytes());
    for i in timeline.clip_indices() {
        let digest = clips.clip(pack, i);
        field(&mut h, &(i as u64).to_le_bytes());
        field(&mut h, &digest);
    }
    if let ClickSound::File(path) = &timeline.metronome.sound {
        match std::fs::read(path) {
            Ok(bytes) => field(&mut h, &bytes),
            Err(e) => field(&mut h, format!("unreadable: {e}").as_bytes()),
        }
    }
    field(&mut h, tags.title.as_bytes());
    field(&mut h, tags.album.as_bytes());
    field(&mut h, &tags.track.to_le_bytes());
    field(&mut h, &tags.total.to_le_bytes());
    field(&mut h, tags.comment.as_deref().unwrap_or("").as_bytes());
    field(&mut h, tags.artist.as_bytes());
    field(
        &mut h,
        tags.cover.as_deref().map_or(&[][..], |c| c.as_slice()),
    );
    field(&mut h, &tags.duration.to_le_bytes());
    for c in &tags.chapters {
        field(&mut h, c.name.as_bytes());
        field(&mut h, &c.start.to_le_bytes());
        field(&mut h, &c.end.to_le_bytes());
    }
    crate::hex::encode(&h.finalize())
}
