//! Helpers: running the built binary, loading fixture sessions, comparing text.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rustig::session::parse_session;
use rustig::timeline::{Compiled, Timeline, compile};
use rustig::voice::VoicePack;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under tests/data.
pub fn data(rel: &str) -> PathBuf {
    root().join("tests/data").join(rel)
}

/// The fixture voice pack `test` (constant-level clips at 8000 Hz).
pub fn test_pack() -> VoicePack {
    VoicePack::load_dir("test", &data("voice/test"))
        .expect("fixture pack loads")
        .0
}

/// Compiles session text with the fixture pack; panics with the rendered problems.
#[track_caller]
pub fn compile_str(text: &str) -> Compiled {
    let (session, diags) = parse_session(Path::new("t.toml"), text.as_bytes(), Path::new("."));
    let rendered: String = diags.iter().map(|d| d.to_string()).collect();
    let session = session.unwrap_or_else(|| panic!("session invalid:\n{rendered}"));
    compile(&session, &test_pack()).unwrap_or_else(|e| {
        panic!(
            "compile failed:\n{}",
            e.iter().map(|d| d.to_string()).collect::<String>()
        )
    })
}

/// Compiles session text and returns only the timeline.
#[track_caller]
pub fn timeline(text: &str) -> std::sync::Arc<Timeline> {
    compile_str(text).timeline
}

/// The rendered diagnostics of session text that must not compile.
#[track_caller]
pub fn errors(text: &str) -> String {
    let (session, mut diags) = parse_session(Path::new("t.toml"), text.as_bytes(), Path::new("."));
    if let Some(s) = session {
        match compile(&s, &test_pack()) {
            Ok(_) => panic!("expected errors, but the session compiled"),
            Err(e) => diags.extend(e),
        }
    }
    diags.iter().map(|d| d.to_string()).collect()
}

/// A `rustig` command run from the repository root, without the user's voice packs.
pub struct Rustig {
    cmd: Command,
}

impl Rustig {
    /// `rustig` with these arguments.
    pub fn new(args: &[&str]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rustig"));
        cmd.args(args)
            .current_dir(root())
            .env("XDG_DATA_HOME", "/nonexistent-rustig-data");
        Rustig { cmd }
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// Runs in another folder.
    pub fn cwd(mut self, dir: &Path) -> Self {
        self.cmd.current_dir(dir);
        self
    }

    /// Runs and returns the output.
    pub fn run(mut self) -> Output {
        self.cmd.output().expect("rustig runs")
    }
}

/// stdout and stderr as text.
pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Compares with a golden file; `UPDATE_GOLDEN=1` rewrites it instead.
#[track_caller]
pub fn assert_golden_text(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "output differs from {}\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        );
    }
}
