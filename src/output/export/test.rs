use std::path::Path;

use super::*;

fn tags() -> Tags {
    Tags {
        title: "Week 1 · training 1".into(),
        album: "Van 12 naar 36 minuten".into(),
        track: 1,
        total: 42,
        comment: Some("Je eerste training.".into()),
        artist: "Coach Rustig".into(),
        year: 2026,
        cover: Some(std::sync::Arc::new(cover_png(&CoverText::track(
            "Van 12 naar 36 minuten",
            "Week 1 · training 1",
        )))),
        chapters: vec![
            Chapter {
                start: 0.0,
                end: 360.0,
                name: "Warming-up".into(),
            },
            Chapter {
                start: 360.0,
                end: 420.5,
                name: "Ronde 1".into(),
            },
        ],
        duration: 420.5,
        hash: "ab".repeat(32),
    }
}

/// Names keep the title but lose what FAT, exFAT and Android refuse.
#[test]
fn names_are_safe_on_fat_and_sort_by_number() {
    assert_eq!(
        track_file_name(1, number_width(42), "Week 1 · training 1", "mp3"),
        "01 Week 1 · training 1.mp3"
    );
    assert_eq!(
        track_file_name(7, number_width(9), "Basis", "ogg"),
        "7 Basis.ogg"
    );
    assert_eq!(
        track_file_name(3, number_width(100), "x", "wav"),
        "003 x.wav"
    );
    assert_eq!(
        safe_name("Wat? \"Rustig\": 5/3 <loop>*|\\ ", "x"),
        "Wat 'Rustig' - 5-3 loop--"
    );
    assert_eq!(safe_name("Week 1: start", "x"), "Week 1 - start");
    assert_eq!(safe_name("..verborgen. . ", "x"), "verborgen");
    assert_eq!(safe_name("a\tb\n\nc", "x"), "a b c");
    assert_eq!(safe_name("???", "training"), "training");
    assert_eq!(safe_name("con", "x"), "con_");
    assert_eq!(safe_name(&"é".repeat(300), "x").chars().count(), 120);
    assert_eq!(number_width(9), 1);
    assert_eq!(number_width(10), 2);
    assert_eq!(number_width(0), 1);
}

/// The playlist lists files in the order given, with whole seconds.
#[test]
fn playlist_has_titles_lengths_and_relative_names() {
    let text = m3u8(
        "Van 12\nnaar 36",
        &[
            Entry {
                file: "01 Week 1 · training 1.mp3".into(),
                title: "Week 1 · training 1".into(),
                duration: 2343.6,
            },
            Entry {
                file: "02 b.mp3".into(),
                title: "b".into(),
                duration: 60.0,
            },
        ],
    );
    assert_eq!(
        text,
        "#EXTM3U\n#PLAYLIST:Van 12 naar 36\n#EXTINF:2344,Week 1 · training 1\n01 Week 1 · training 1.mp3\n#EXTINF:60,b\n02 b.mp3\n"
    );
}

/// Vorbis chapters use the numbering and time format of the chapter extension.
#[test]
fn vorbis_comments_carry_tags_and_chapters() {
    let c = tags().vorbis_comments();
    let get = |k: &str| c.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    assert_eq!(get("TITLE"), Some("Week 1 · training 1"));
    assert_eq!(get("ALBUM"), Some("Van 12 naar 36 minuten"));
    assert_eq!(get("TRACKNUMBER"), Some("1"));
    assert_eq!(get("TRACKTOTAL"), Some("42"));
    assert_eq!(get("ARTIST"), Some("Coach Rustig"));
    assert_eq!(get("ALBUMARTIST"), Some("rustig"));
    assert_eq!(get("GENRE"), Some("Hardlopen"));
    assert_eq!(get("DATE"), Some("2026"));
    assert_eq!(get("COMMENT"), Some("Je eerste training."));
    assert_eq!(get("CHAPTER001"), Some("00:00:00.000"));
    assert_eq!(get("CHAPTER001NAME"), Some("Warming-up"));
    assert_eq!(get("CHAPTER002"), Some("00:06:00.000"));
    assert_eq!(get("CHAPTER002NAME"), Some("Ronde 1"));
    assert_eq!(get(HASH_KEY), Some("ab".repeat(32).as_str()));
    // The cover as a FLAC picture block: type 3 (front), image/png, 600×600.
    use base64::Engine;
    let block = base64::engine::general_purpose::STANDARD
        .decode(get("METADATA_BLOCK_PICTURE").unwrap())
        .unwrap();
    assert_eq!(&block[..4], &3u32.to_be_bytes());
    assert_eq!(&block[8..17], b"image/png");
    assert_eq!(&block[21..25], &600u32.to_be_bytes());
    assert_eq!(&block[41..49], b"\x89PNG\r\n\x1a\n");
}

/// The ID3 tag holds the text frames, a chapter per block and a table of contents.
#[test]
fn id3_tag_has_chapters_and_table_of_contents() {
    let bytes = tags().id3();
    let tag = id3::Tag::read_from2(std::io::Cursor::new(&bytes)).unwrap();
    assert_eq!(tag.version(), id3::Version::Id3v23);
    use id3::TagLike;
    assert_eq!(tag.title(), Some("Week 1 · training 1"));
    assert_eq!(tag.track(), Some(1));
    assert_eq!(tag.total_tracks(), Some(42));
    let chapters: Vec<_> = tag.chapters().collect();
    assert_eq!(chapters.len(), 2);
    assert_eq!(chapters[1].start_time, 360_000);
    assert_eq!(chapters[1].end_time, 420_500);
    let toc: Vec<_> = tag.tables_of_contents().collect();
    assert_eq!(toc.len(), 1);
    assert!(toc[0].top_level && toc[0].ordered);
    assert_eq!(toc[0].elements, ["chp0", "chp1"]);
}

/// The WAV header's sizes add up and its cue points sit at block starts.
#[test]
fn wav_header_sizes_add_up() {
    let frames = 1000u64;
    let h = tagged_wav_header(8000, frames, &tags()).unwrap();
    let riff = u32::from_le_bytes(h[4..8].try_into().unwrap()) as u64;
    assert_eq!(riff + 8, h.len() as u64 + frames * 2);
    assert_eq!(&h[h.len() - 8..h.len() - 4], b"data");
    let cue = h.windows(4).position(|w| w == b"cue ").unwrap();
    let second = cue + 8 + 4 + 24;
    assert_eq!(
        u32::from_le_bytes(h[second + 20..second + 24].try_into().unwrap()),
        360 * 8000
    );
    assert!(matches!(
        tagged_wav_header(192_000, 4 * 3600 * 192_000, &tags()),
        Err(EncodeError::TooLarge { .. })
    ));
}

/// The hash written into each format reads back.
#[test]
fn stored_hashes_read_back_from_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let t = tags();
    for format in [Format::Mp3, Format::Ogg, Format::Wav] {
        if !format.available() {
            continue;
        }
        let path = dir.path().join(format!("x.{}", format.extension()));
        let file = std::fs::File::create(&path).unwrap();
        let mut enc = encode::create(format, file, 22050, 22050, &t, false).unwrap();
        enc.write(&vec![0.1; 22050]).unwrap();
        enc.finish().unwrap();
        assert_eq!(
            stored_hash(&path, format),
            Some(t.hash.clone()),
            "{format:?}"
        );
    }
    std::fs::write(dir.path().join("junk.mp3"), b"not audio").unwrap();
    assert_eq!(stored_hash(&dir.path().join("junk.mp3"), Format::Mp3), None);
    assert_eq!(stored_hash(&dir.path().join("none.ogg"), Format::Ogg), None);
}

/// A streamable MP3 is the ID3 tag, then frames of 64 kbit/s only: no Xing/Info frame
/// (whose bytes would be known only at the end), and its hash reads back.
#[cfg(feature = "mp3")]
#[test]
fn streamable_mp3_has_constant_frames_and_no_info_frame() {
    let dir = tempfile::tempdir().unwrap();
    let t = tags();
    let path = dir.path().join("x.mp3");
    let file = std::fs::File::create(&path).unwrap();
    let mut enc = encode::create(Format::Mp3, file, 44100, 44100, &t, true).unwrap();
    let tone: Vec<f32> = (0..44100).map(|i| (i as f32 * 0.05).sin() * 0.5).collect();
    enc.write(&tone).unwrap();
    enc.finish().unwrap();
    assert_eq!(stored_hash(&path, Format::Mp3), Some(t.hash.clone()));
    let bytes = std::fs::read(&path).unwrap();
    let id3 = 10
        + bytes[6..10]
            .iter()
            .fold(0usize, |n, &b| (n << 7) | usize::from(b & 0x7f));
    let mut at = id3;
    let mut frames = 0;
    while at + 4 <= bytes.len() {
        let h = &bytes[at..at + 4];
        // MPEG-1 layer III, sync word.
        assert_eq!((h[0], h[1] & 0xfe), (0xff, 0xfa), "frame {frames} at {at}");
        assert_eq!(h[2] >> 4, 5, "64 kbit/s in frame {frames}");
        let padding = usize::from((h[2] >> 1) & 1);
        let len = 144 * 64_000 / 44_100 + padding;
        let body = &bytes[at..(at + len).min(bytes.len())];
        assert!(
            !body.windows(4).any(|w| w == b"Xing" || w == b"Info"),
            "no Info frame"
        );
        at += len;
        frames += 1;
    }
    assert_eq!(at, bytes.len());
    // A second of audio and LAME's delay and padding.
    assert!((39..=42).contains(&frames), "{frames} frames");
}

/// A too small disk is reported with both numbers.
#[test]
fn space_check_names_needed_and_free() {
    assert!(check_space(Path::new("."), 10, 10).is_ok());
    let e = check_space(Path::new("/mnt/phone"), 2_500_000_000, 1_000_000_000).unwrap_err();
    assert_eq!(
        e.to_string(),
        "not enough free space in /mnt/phone: the export needs about 2500 MB and 1000 MB is free; free some space, choose another -o, or export fewer sessions or as MP3"
    );
}

/// MP3 takes only the MPEG sample rates.
#[test]
fn rates_are_checked_per_format() {
    assert!(check_rate(Format::Mp3, 44100).is_ok());
    assert!(check_rate(Format::Mp3, 8000).is_ok());
    assert!(check_rate(Format::Mp3, 44000).is_err());
    assert!(check_rate(Format::Wav, 96000).is_ok());
    assert!(check_rate(Format::Ogg, 22050).is_ok());
}
