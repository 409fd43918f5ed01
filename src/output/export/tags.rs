//! What a player shows: title, album, track number, artist (the voice pack's coach),
//! genre, year, the Dutch description, a cover and a chapter at each block start,
//! written the way each format expects (ID3v2 with `APIC` for MP3, Vorbis comments
//! with `METADATA_BLOCK_PICTURE` for Ogg, `LIST/INFO`, `cue ` and `LIST/adtl` for
//! WAV, which has no standard place for a picture).
//!
//! Each file also carries the content hash of what made it ([`super::hash`]), so a
//! later export can tell that it is unchanged; [`stored_hash`] reads it back.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use id3::TagLike;

use super::Format;

/// The key under which the content hash is stored (ID3 `TXXX` description, Vorbis
/// comment field).
pub const HASH_KEY: &str = "RUSTIG_HASH";
/// The private RIFF chunk that holds the content hash in a WAV file.
pub const HASH_CHUNK: [u8; 4] = *b"rstg";
/// The album artist of every exported file (the artist is the voice pack's coach).
pub const ARTIST: &str = "rustig";
/// The genre of every exported file.
pub const GENRE: &str = "Hardlopen";
/// The comment language (ISO 639-2): everything a runner sees is Dutch.
const LANGUAGE: &str = "nld";

/// A chapter: one block of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    /// Start in seconds.
    pub start: f64,
    /// End in seconds.
    pub end: f64,
    /// The block's name, e.g. "Warming-up".
    pub name: String,
}

/// Everything written into a file besides the audio.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tags {
    /// The session's title.
    pub title: String,
    /// The program's title (or "rustig" for sessions given on their own).
    pub album: String,
    /// Position in the program (or album), from 1.
    pub track: u32,
    /// Sessions in the program; 0 for loose sessions, whose album has no fixed size.
    pub total: u32,
    /// The voice pack's coach, who speaks.
    pub artist: String,
    /// The year written into the file (not part of the content hash, so a file stays
    /// unchanged from one year to the next).
    pub year: i32,
    /// The cover, a PNG ([`super::cover`]).
    pub cover: Option<Arc<Vec<u8>>>,
    /// The session's Dutch description.
    pub comment: Option<String>,
    /// One chapter per block.
    pub chapters: Vec<Chapter>,
    /// Length in seconds.
    pub duration: f64,
    /// The content hash (hex), see [`super::hash`].
    pub hash: String,
}

/// `hh:mm:ss.mmm` as in the Vorbis chapter extension (`00:06:00.000`); Podlove Simple
/// Chapters (the phone's podcast feed) take the same form.
pub fn chapter_time(secs: f64) -> String {
    let ms = (secs.max(0.0) * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

fn millis(secs: f64) -> u32 {
    (secs.max(0.0) * 1000.0).round().min(f64::from(u32::MAX)) as u32
}

impl Tags {
    /// The software string stored in the files.
    pub fn software() -> String {
        format!("rustig {}", env!("CARGO_PKG_VERSION"))
    }

    /// A complete ID3v2.3 tag (v2.3 rather than v2.4: older phones and Windows read
    /// only v2.3), with `CHAP` frames and a top-level, ordered `CTOC`.
    pub fn id3(&self) -> Vec<u8> {
        let mut tag = id3::Tag::new();
        tag.set_title(&self.title);
        tag.set_album(&self.album);
        tag.set_artist(&self.artist);
        tag.set_album_artist(ARTIST);
        tag.set_track(self.track);
        if self.total > 0 {
            tag.set_total_tracks(self.total);
        }
        tag.set_genre(GENRE);
        tag.set_year(self.year);
        tag.set_duration(millis(self.duration));
        tag.set_text("TSSE", Self::software());
        if let Some(c) = &self.comment {
            tag.add_frame(id3::frame::Comment {
                lang: LANGUAGE.into(),
                description: String::new(),
                text: c.clone(),
            });
        }
        if let Some(png) = &self.cover {
            tag.add_frame(id3::frame::Picture {
                mime_type: super::cover::MIME.into(),
                picture_type: id3::frame::PictureType::CoverFront,
                description: String::new(),
                data: png.to_vec(),
            });
        }
        tag.add_frame(id3::frame::ExtendedText {
            description: HASH_KEY.into(),
            value: self.hash.clone(),
        });
        let ids: Vec<String> = (0..self.chapters.len())
            .map(|i| format!("chp{i}"))
            .collect();
        for (id, ch) in ids.iter().zip(&self.chapters) {
            tag.add_frame(id3::frame::Chapter {
                element_id: id.clone(),
                start_time: millis(ch.start),
                end_time: millis(ch.end),
                start_offset: u32::MAX,
                end_offset: u32::MAX,
                frames: vec![id3::Frame::text("TIT2", ch.name.clone())],
            });
        }
        if !ids.is_empty() {
            tag.add_frame(id3::frame::TableOfContents {
                element_id: "toc".into(),
                top_level: true,
                ordered: true,
                elements: ids,
                frames: Vec::new(),
            });
        }
        let mut bytes = Vec::new();
        // Encoding to memory cannot fail for the frames built above; an empty tag
        // (never expected) still leaves a playable file.
        if id3::Encoder::new()
            .version(id3::Version::Id3v23)
            .encode(&tag, &mut bytes)
            .is_err()
        {
            bytes.clear();
        }
        bytes
    }

    /// Vorbis comments, with chapters as `CHAPTER001=00:00:00.000` and
    /// `CHAPTER001NAME=Warming-up` (the chapter extension players read).
    pub fn vorbis_comments(&self) -> Vec<(String, String)> {
        let mut c = vec![
            (HASH_KEY.to_owned(), self.hash.clone()),
            ("TITLE".to_owned(), self.title.clone()),
            ("ALBUM".to_owned(), self.album.clone()),
            ("ARTIST".to_owned(), self.artist.clone()),
            ("ALBUMARTIST".to_owned(), ARTIST.to_owned()),
            ("TRACKNUMBER".to_owned(), self.track.to_string()),
            ("GENRE".to_owned(), GENRE.to_owned()),
            ("DATE".to_owned(), format!("{:04}", self.year)),
            ("ENCODER".to_owned(), Self::software()),
        ];
        if self.total > 0 {
            c.push(("TRACKTOTAL".to_owned(), self.total.to_string()));
            c.push(("TOTALTRACKS".to_owned(), self.total.to_string()));
        }
        if let Some(d) = &self.comment {
            c.push(("COMMENT".to_owned(), d.clone()));
            c.push(("DESCRIPTION".to_owned(), d.clone()));
        }
        for (i, ch) in self.chapters.iter().enumerate().take(999) {
            let key = format!("CHAPTER{:03}", i + 1);
            c.push((key.clone(), chapter_time(ch.start)));
            c.push((format!("{key}NAME"), ch.name.clone()));
        }
        if let Some(png) = &self.cover {
            c.push((
                "METADATA_BLOCK_PICTURE".to_owned(),
                base64::engine::general_purpose::STANDARD.encode(flac_picture(png)),
            ));
        }
        c
    }

    /// The RIFF chunks that go between `fmt ` and `data` in a WAV file: `LIST/INFO`,
    /// `cue ` with a point at each block start (in frames at `rate`), `LIST/adtl`
    /// with a `labl` per point, and the content hash.
    pub fn riff_chunks(&self, rate: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut info = b"INFO".to_vec();
        let track = self.track.to_string();
        let year = format!("{:04}", self.year);
        let software = Self::software();
        let mut fields = vec![
            (b"INAM", self.title.as_str()),
            (b"IPRD", self.album.as_str()),
            (b"IART", self.artist.as_str()),
            (b"ITRK", track.as_str()),
            (b"IGNR", GENRE),
            (b"ICRD", year.as_str()),
            (b"ISFT", software.as_str()),
        ];
        if let Some(c) = &self.comment {
            fields.push((b"ICMT", c.as_str()));
        }
        for (id, text) in fields {
            push_chunk(&mut info, id, &zstr(text));
        }
        push_chunk(&mut out, b"LIST", &info);

        if !self.chapters.is_empty() {
            let mut cue = (self.chapters.len() as u32).to_le_bytes().to_vec();
            let mut adtl = b"adtl".to_vec();
            for (i, ch) in self.chapters.iter().enumerate() {
                let id = i as u32 + 1;
                let frame = (ch.start.max(0.0) * f64::from(rate)).round() as u32;
                cue.extend_from_slice(&id.to_le_bytes());
                cue.extend_from_slice(&frame.to_le_bytes());
                cue.extend_from_slice(b"data");
                cue.extend_from_slice(&0u32.to_le_bytes());
                cue.extend_from_slice(&0u32.to_le_bytes());
                cue.extend_from_slice(&frame.to_le_bytes());
                let mut labl = id.to_le_bytes().to_vec();
                labl.extend_from_slice(&zstr(&ch.name));
                push_chunk(&mut adtl, b"labl", &labl);
            }
            push_chunk(&mut out, b"cue ", &cue);
            push_chunk(&mut out, b"LIST", &adtl);
        }
        push_chunk(&mut out, &HASH_CHUNK, self.hash.as_bytes());
        out
    }
}

/// A FLAC `METADATA_BLOCK_PICTURE` (without the block header), as Vorbis comments
/// carry cover art: type 3 (front cover), MIME type, empty description, the size,
/// zero colour depth and count (unknown), then the PNG.
fn flac_picture(png: &[u8]) -> Vec<u8> {
    let mime = super::cover::MIME.as_bytes();
    let size = super::cover::SIZE;
    let mut out = Vec::with_capacity(32 + mime.len() + png.len());
    for n in [3u32, mime.len() as u32] {
        out.extend_from_slice(&n.to_be_bytes());
    }
    out.extend_from_slice(mime);
    for n in [0u32, size, size, 24, 0, png.len() as u32] {
        out.extend_from_slice(&n.to_be_bytes());
    }
    out.extend_from_slice(png);
    out
}

/// Text with its terminating NUL, as RIFF text fields are stored.
fn zstr(text: &str) -> Vec<u8> {
    let mut v: Vec<u8> = text.bytes().filter(|&b| b != 0).collect();
    v.push(0);
    v
}

/// Appends a RIFF chunk (id, little-endian length, data, pad byte to an even size).
pub fn push_chunk(out: &mut Vec<u8>, id: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(id);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}

/// The content hash stored in an earlier export at `path`, if the file is there and
/// carries one. Any problem reading it just means "not known".
pub fn stored_hash(path: &Path, format: Format) -> Option<String> {
    let mut file = File::open(path).ok()?;
    match format {
        Format::Mp3 => {
            let tag = id3::Tag::read_from2(&mut file).ok()?;
            tag.extended_texts()
                .find(|t| t.description == HASH_KEY)
                .map(|t| t.value.clone())
        }
        Format::Ogg => ogg_hash(&mut file),
        Format::Wav => wav_hash(&mut file).ok().flatten(),
    }
}

/// Finds the hash chunk among the chunks before `data`.
fn wav_hash(file: &mut File) -> io::Result<Option<String>> {
    let mut head = [0u8; 12];
    file.read_exact(&mut head)?;
    if &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return Ok(None);
    }
    loop {
        let mut ch = [0u8; 8];
        file.read_exact(&mut ch)?;
        let len = u32::from_le_bytes([ch[4], ch[5], ch[6], ch[7]]);
        match &ch[0..4] {
            b"data" => return Ok(None),
            id if id == HASH_CHUNK => {
                if len > 1024 {
                    return Ok(None);
                }
                let mut v = vec![0u8; len as usize];
                file.read_exact(&mut v)?;
                return Ok(String::from_utf8(v).ok());
            }
            _ => {
                file.seek(SeekFrom::Current(i64::from(len) + i64::from(len % 2)))?;
            }
        }
    }
}

/// Reads the Vorbis comment packet (the second packet of the stream) from the first
/// pages and finds the hash field in it.
fn ogg_hash(file: &mut File) -> Option<String> {
    let mut data = Vec::new();
    file.take(1 << 20).read_to_end(&mut data).ok()?;
    let mut packets: Vec<Vec<u8>> = Vec::new();
    let mut current = Vec::new();
    let mut at = 0usize;
    while packets.len() < 2 {
        let page = data.get(at..at + 27)?;
        if &page[0..4] != b"OggS" {
            return None;
        }
        let segments = usize::from(page[26]);
        let table = data.get(at + 27..at + 27 + segments)?;
        let mut body = at + 27 + segments;
        for &lace in table {
            current.extend_from_slice(data.get(body..body + usize::from(lace))?);
            body += usize::from(lace);
            if lace < 255 {
                packets.push(std::mem::take(&mut current));
            }
        }
        at = body;
    }
    let packet = packets.get(1)?;
    if packet.get(0..7)? != b"\x03vorbis" {
        return None;
    }
    let read_u32 = |at: usize| -> Option<usize> {
        let b = packet.get(at..at + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let mut at = 7;
    let vendor = read_u32(at)?;
    at += 4 + vendor;
    let count = read_u32(at)?;
    at += 4;
    let prefix = format!("{HASH_KEY}=");
    for _ in 0..count {
        let len = read_u32(at)?;
        let field = packet.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        if let Some(value) = field.strip_prefix(prefix.as_bytes()) {
            return String::from_utf8(value.to_vec()).ok();
        }
    }
    None
}
