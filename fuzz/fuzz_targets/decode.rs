//! Audio file bytes → decode_wav, decode under each extension hint, and duration
//! (the header-only check voice packs use). Headers that lie must give errors, and
//! allocations must follow the data, not a header's claimed size: run it with
//! `-malloc_limit_mb` well below what a lying header could ask for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rustig::voice::{decode, decode_wav, duration};

fuzz_target!(|data: &[u8]| {
    if let Err(e) = decode_wav(data) {
        let _ = (e.to_string(), e.help());
    }
    for name in ["x.wav", "x.mp3", "x.ogg", "x.flac"] {
        match decode(data, name) {
            Ok((samples, rate)) => {
                assert!(!samples.is_empty(), "decode returned no samples for {name}");
                assert!(
                    (1000..=384_000).contains(&rate),
                    "decode returned rate {rate} for {name}"
                );
            }
            Err(e) => {
                let _ = (e.to_string(), e.help());
            }
        }
    }
    if let Err(e) = duration(data, "x.wav") {
        let _ = e.to_string();
    }
});
