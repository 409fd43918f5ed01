//! rustig: a calm running coach in your ear.
//!
//! A session file (TOML) is parsed and validated ([`session`]), compiled with a voice
//! pack ([`voice`]) into a timeline of sample-exact events ([`timeline`]), mixed into
//! frames ([`mix`]) and written to files ([`output`]). The command line lives in
//! [`cli`]; nothing below it prints.

pub mod atomic;
pub mod builtin;
pub mod cli;
pub mod errors;
pub mod fonts;
pub mod hex;
pub mod input;
pub mod journal;
pub mod load;
pub mod mix;
pub mod output;
pub mod picture;
pub mod play;
pub mod report;
pub mod schema;
pub mod serve;
pub mod session;
pub mod text;
pub mod timeline;
pub mod voice;
