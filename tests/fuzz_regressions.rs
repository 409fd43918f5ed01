//! Inputs the fuzzers (fuzz/) found, kept as tests named after what they found.

use rustig::voice::decode_wav;

use crate::util::data;

#[test]
fn a_wav_header_with_an_impossible_sample_width_is_an_error_not_a_shift_overflow() {
    // WAVE_FORMAT_EXTENSIBLE with a bit depth that overflowed `1 << (bits - 1)`.
    let bytes = std::fs::read(data("fuzz/wav-extensible-bits-overflow.wav")).unwrap();
    let e = decode_wav(&bytes).unwrap_err().in_file("x.wav");
    assert_eq!(
        e.to_string(),
        "`x.wav` cannot be decoded: Ill-formed WAVE file: integer samples must have 1 to 32 bits"
    );
}
