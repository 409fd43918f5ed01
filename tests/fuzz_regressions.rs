//! Inputs the fuzzers (fuzz/) found, kept as tests named after what they found.

use rustig::errors::Chain;
use rustig::voice::{decode, decode_wav};

use crate::util::data;

#[test]
fn a_wav_header_with_an_impossible_sample_width_is_an_error_not_a_shift_overflow() {
    // WAVE_FORMAT_EXTENSIBLE with a bit depth that overflowed `1 << (bits - 1)`.
    let bytes = std::fs::read(data("fuzz/wav-extensible-bits-overflow.wav")).unwrap();
    let e = decode_wav(&bytes).unwrap_err().in_file("x.wav");
    assert_eq!(
        Chain(&e).to_string(),
        "`x.wav` cannot be decoded: Ill-formed WAVE file: integer samples must have 1 to 32 bits"
    );
}

#[test]
fn a_riff_chunk_claiming_thousands_of_channels_is_an_error_not_a_shift_overflow() {
    // Not a WAV at offset 0 ("RRIFF"), so it goes to symphonia, which finds the RIFF
    // chunk one byte on; its WAVE_FORMAT_EXTENSIBLE header claims 2049 channels, and
    // symphonia's channel-mask repair overflowed `1 << (channels - mask bits)`.
    let bytes = std::fs::read(data("fuzz/riff-extensible-channel-mask-overflow.bin")).unwrap();
    for name in ["x.wav", "x.mp3"] {
        let e = decode(&bytes, name).unwrap_err();
        assert_eq!(
            Chain(&e).to_string(),
            format!("`{name}` has 2049 channels; rustig reads at most 8")
        );
    }
}

#[test]
fn an_extensible_wav_whose_full_channel_mask_leaves_channels_over_is_an_error() {
    // A-law (which hound leaves to symphonia), 2 channels, mask with only bit 31 set:
    // symphonia would add the missing channel above bit 31, a shift by 32.
    let mut fmt = Vec::new();
    fmt.extend_from_slice(&0xFFFEu16.to_le_bytes()); // WAVE_FORMAT_EXTENSIBLE
    fmt.extend_from_slice(&2u16.to_le_bytes()); // channels
    fmt.extend_from_slice(&8000u32.to_le_bytes()); // rate
    fmt.extend_from_slice(&16000u32.to_le_bytes()); // byte rate
    fmt.extend_from_slice(&2u16.to_le_bytes()); // block align
    fmt.extend_from_slice(&8u16.to_le_bytes()); // bits
    fmt.extend_from_slice(&22u16.to_le_bytes()); // extension size
    fmt.extend_from_slice(&8u16.to_le_bytes()); // valid bits
    fmt.extend_from_slice(&0x8000_0000u32.to_le_bytes()); // channel mask
    // KSDATAFORMAT_SUBTYPE_ALAW: 00000006-0000-0010-8000-00aa00389b71
    fmt.extend_from_slice(&[
        6, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71,
    ]);
    let data_bytes = [0xd5u8; 64];
    let mut wav = Vec::new();
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&((4 + 8 + fmt.len() + 8 + data_bytes.len()) as u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
    wav.extend_from_slice(&fmt);
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(data_bytes.len() as u32).to_le_bytes());
    wav.extend_from_slice(&data_bytes);
    let e = decode(&wav, "alaw.wav").unwrap_err();
    assert_eq!(
        Chain(&e).to_string(),
        "`alaw.wav` has a WAV header with 2 channels but a channel mask (0x80000000) that cannot place them"
    );
}

/// A session saved with Windows line ends (CRLF) whose string is not closed: the
/// error's span starts on the `\r`, past the line shown, and the caret's clamp
/// panicked (`min > max`) in `check`, `show` and every command that loads it.
#[test]
fn an_unclosed_string_before_a_crlf_line_end_is_a_located_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rondje.toml");
    std::fs::write(&file, "title = \"Rondje\r\n").unwrap();
    let (stdout, stderr) = crate::util::Rustig::new(&["check", "rondje.toml"])
        .cwd(dir.path())
        .exits(1);
    assert_eq!(stdout, "");
    assert!(
        stderr.starts_with("rondje.toml:1:17: error[R0002]: invalid TOML: invalid basic string"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 | title = \"Rondje\n  |                ^\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
