//! Shared by the commands: load a session through [`crate::load`] and print every
//! problem on the way.

use std::path::Path;

use crate::load::{Loaded, PackCache};
use crate::session::Diagnostic;
use crate::voice::VoiceLookup;

/// Prints diagnostics to stderr, errors and warnings alike.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprint!("{d}");
    }
}

/// Reads, validates and compiles a session; prints all problems. `None` when there
/// were errors.
pub fn load(path: &Path, lookup: &VoiceLookup) -> Option<Loaded> {
    let (diags, loaded) = PackCache::new(lookup).load_path(path);
    print_diagnostics(&diags);
    loaded
}
