//! `program.toml` bytes → parse_program, every session file taken to exist.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rustig::session::parse_program;

fuzz_target!(|data: &[u8]| {
    let (program, diags) = parse_program(Path::new("program.toml"), data, Path::new("."), |_| true);
    for d in &diags {
        let _ = d.to_string();
    }
    if let Some(p) = program {
        let _ = p.session_paths();
    }
});
