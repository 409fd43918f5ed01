//! Helpers: running the built binary, loading fixture sessions and packs, copying and
//! listing folders, making test signals, comparing text.

use std::collections::BTreeSet;
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

/// The folder of fixture voice packs, as a user types it for `--voice-dir` in the
/// repository root (where [`Rustig`] runs).
pub const VOICES: &str = "tests/data/voice";

/// `path` as the `&str` an argument list takes.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
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
    errors_with(text, &test_pack())
}

/// The rendered diagnostics of session text that must not compile with `pack`.
#[track_caller]
pub fn errors_with(text: &str, pack: &VoicePack) -> String {
    let (session, mut diags) = parse_session(Path::new("t.toml"), text.as_bytes(), Path::new("."));
    if let Some(s) = session {
        match compile(&s, pack) {
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
    /// `rustig --voice-dir tests/data/voice` with these arguments: sessions find the
    /// fixture pack `test` by name.
    pub fn fixture(args: &[&str]) -> Self {
        Self::with_voices(Path::new(VOICES), args)
    }

    /// `rustig --voice-dir DIR` with these arguments.
    pub fn with_voices(dir: &Path, args: &[&str]) -> Self {
        let mut all = vec!["--voice-dir", arg(dir)];
        all.extend_from_slice(args);
        Self::new(&all)
    }

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

    /// Runs with a time limit and returns the output; a run that takes longer is
    /// killed and fails the test (a hang must not stall the suite).
    #[track_caller]
    pub fn timeout(mut self, limit: std::time::Duration) -> Output {
        use std::process::Stdio;
        let child = self
            .cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("rustig runs");
        let pid = child.id();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        match rx.recv_timeout(limit) {
            Ok(out) => out.expect("rustig runs"),
            Err(_) => {
                let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
                panic!("rustig did not end within {limit:?}");
            }
        }
    }

    /// Runs, asserts the exit status (showing both streams when it differs) and
    /// returns stdout and stderr.
    #[track_caller]
    pub fn exits(self, code: i32) -> (String, String) {
        let out = self.run();
        let (stdout, stderr) = text(&out);
        assert_eq!(
            out.status.code(),
            Some(code),
            "stdout:\n{stdout}\nstderr:\n{stderr}"
        );
        (stdout, stderr)
    }
}

/// The play core on a mock transport (8000 Hz stereo, from 0 s) for session text
/// that uses the fixture packs, with its timeline as first compiled.
#[track_caller]
pub fn mock_playback(
    session: &str,
) -> (
    std::sync::Arc<Timeline>,
    rustig::play::Playback<rustig::play::MockTransport>,
) {
    use rustig::load::{PackCache, SessionFile};
    let lookup = rustig::voice::VoiceLookup::from_env(Some(data("voice")));
    let file = SessionFile {
        display: "t.toml".into(),
        bytes: session.as_bytes().to_vec(),
        base: ".".into(),
    };
    let (diags, loaded) = PackCache::new(&lookup).load(&file);
    let loaded = loaded.unwrap_or_else(|| panic!("{diags:?}"));
    let t = std::sync::Arc::clone(&loaded.compiled.timeline);
    let transport = rustig::play::MockTransport::new(&t, &loaded.pack, 8000, 2, 0.0).unwrap();
    (t, rustig::play::Playback::new(loaded, transport, 0.0))
}

/// The fixture session whose render is the golden WAV (32.5 s with the pack `test`).
pub const GOLDEN: &str = "tests/data/sessions/golden.toml";

/// `rustig --voice-dir tests/data/voice render tests/data/sessions/golden.toml -o OUT`
/// with more arguments.
pub fn render_golden(out: &str, more: &[&str]) -> Rustig {
    let mut args = vec!["render", GOLDEN, "-o", out];
    args.extend_from_slice(more);
    Rustig::fixture(&args)
}

/// Copies the fixture pack `test` into `dir` (created with its parents).
pub fn copy_test_pack(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for entry in std::fs::read_dir(data("voice/test")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
}

/// A copy of the fixture pack `test` in a new temporary folder, as `<tmp>/test`.
pub fn pack_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("test");
    copy_test_pack(&dir);
    (tmp, dir)
}

/// Removes clip `id` from the manifest of the pack copy in `dir`.
pub fn drop_clip(dir: &Path, id: &str) {
    let manifest = dir.join("voice.toml");
    let prefix = format!("\"{id}\"");
    let without: String = std::fs::read_to_string(&manifest)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with(&prefix))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&manifest, without).unwrap();
}

/// `rustig voice check` of the pack `test` in `dir`.
pub fn voice_check(dir: &Path) -> Rustig {
    Rustig::with_voices(dir, &["voice", "check", "--voice", "test"])
}

/// The sorted names of the entries of a folder.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every file below `dir`, as paths relative to `dir`.
pub fn files_below(dir: &Path) -> BTreeSet<PathBuf> {
    fn walk(dir: &Path, rel: &Path, out: &mut BTreeSet<PathBuf>) {
        for entry in std::fs::read_dir(dir.join(rel)).unwrap() {
            let entry = entry.unwrap();
            let path = rel.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                walk(dir, &path, out);
            } else {
                out.insert(path);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, Path::new(""), &mut out);
    out
}

/// A deterministic pseudo-random source (xorshift) for test signals.
pub struct Noise(pub u64);

impl Noise {
    /// The next value, in -1..1.
    pub fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 23) as f32 - 1.0
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
