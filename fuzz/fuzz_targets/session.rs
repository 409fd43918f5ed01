//! Session file bytes → parse → compile with the fixture pack and the built-in pack
//! → advice; every diagnostic is rendered.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rustig::session::parse_session;
use rustig::timeline::{advice::advice, compile};
use rustig::voice::{VoiceLookup, VoicePack};

fn packs() -> &'static [VoicePack; 2] {
    static PACKS: OnceLock<[VoicePack; 2]> = OnceLock::new();
    PACKS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/voice/test");
        let test = VoicePack::load_dir("test", &dir)
            .unwrap_or_else(|_| panic!("fixture pack {} loads", dir.display()))
            .0;
        let nl = VoicePack::load("nl", &VoiceLookup::builtin_only())
            .unwrap_or_else(|_| panic!("built-in pack nl loads"))
            .0;
        [test, nl]
    })
}

fuzz_target!(|data: &[u8]| {
    let packs = packs();
    let (session, diags) = parse_session(Path::new("f.toml"), data, Path::new("."));
    for d in &diags {
        let _ = d.to_string();
    }
    let Some(session) = session else { return };
    for pack in packs {
        match compile(&session, pack) {
            Ok(compiled) => {
                for d in &compiled.warnings {
                    let _ = d.to_string();
                }
                let _ = compiled.timeline.to_json();
                for d in advice(&session, &compiled.timeline) {
                    let _ = d.to_string();
                }
            }
            Err(errors) => {
                for d in &errors {
                    let _ = d.to_string();
                }
            }
        }
    }
});
