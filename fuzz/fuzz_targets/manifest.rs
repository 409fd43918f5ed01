//! `voice.toml` bytes → parse_manifest, with clip files read from the built-in `nl`
//! pack (in memory: a fuzzed file name never reaches the disk).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rustig::voice::{PackFiles, parse_manifest};

fuzz_target!(|data: &[u8]| {
    let files = PackFiles::BuiltIn("nl".to_owned());
    let (_manifest, diags) = parse_manifest(Path::new("voice.toml"), data, &files);
    for d in &diags {
        let _ = d.to_string();
    }
});
