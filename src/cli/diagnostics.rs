//! Printing diagnostics (in colour on a terminal, plain otherwise), and loading a
//! session through [`crate::load`] with every problem printed on the way.

use std::path::Path;

use crate::load::{Loaded, PackCache};
use crate::session::Diagnostic;
use crate::voice::VoiceLookup;

/// Prints diagnostics to stderr, errors and warnings alike: in colour on a terminal,
/// plain when stderr is piped or `NO_COLOR` is set (https://no-color.org).
pub fn print_diagnostics(diags: &[Diagnostic]) {
    let color = stderr_color();
    for d in diags {
        crate::err!("{}", d.render(color));
    }
}

/// Whether messages on stderr get colour.
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Reads, validates and compiles a session; prints all problems. `None` when there
/// were errors.
pub fn load(path: &Path, lookup: &VoiceLookup) -> Option<Loaded> {
    let (diags, loaded) = PackCache::new(lookup).load_path(path);
    print_diagnostics(&diags);
    loaded
}
