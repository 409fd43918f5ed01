//! Nothing left behind: a render killed with SIGKILL leaves its part file, and the
//! next run of rustig that writes into that folder removes it, but never the part
//! file of a run that is still going (held by its lock, even while it is stopped
//! and its file is idle).

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rustig::output::stale::{STALE_AFTER, is_part_name};

use crate::util::{Rustig, listing};

const BIN: &str = env!("CARGO_BIN_EXE_rustig");

fn session(minutes: u32) -> String {
    format!(
        "title = \"{minutes} minuten\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n\
         [[block]]\nkind = \"run\"\nduration = \"{}m\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n",
        minutes - 10
    )
}

/// The part files in `dir` whose name starts with `.{target}.`.
fn parts(dir: &Path, target: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| {
            let name = e.file_name().into_string().unwrap();
            is_part_name(&name) && name.starts_with(&format!(".{target}."))
        })
        .map(|e| e.path())
        .collect()
}

fn render(dir: &Path, session: &str, out: &str) -> Child {
    Command::new(BIN)
        .args(["render", session, "-o", out])
        .current_dir(dir)
        .env("XDG_DATA_HOME", "/nonexistent-rustig-data")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("rustig starts")
}

/// Waits until `target`'s part file has at least `bytes`, and returns its path.
fn wait_for_part(dir: &Path, target: &str, bytes: u64) -> PathBuf {
    let until = Instant::now() + Duration::from_secs(120);
    loop {
        if let [part] = parts(dir, target).as_slice()
            && std::fs::metadata(part).is_ok_and(|m| m.len() >= bytes)
        {
            return part.clone();
        }
        assert!(Instant::now() < until, "no part file of {target} appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_killed_render_leaves_a_part_file_that_the_next_run_removes() {
    if !crate::tools::require_tools(&["kill"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("twee-uur.toml"), session(120)).unwrap();
    std::fs::write(d.join("half-uur.toml"), session(30)).unwrap();
    std::fs::write(d.join("kort.toml"), session(11)).unwrap();
    std::fs::write(d.join("uit.wav"), b"RIFF\0\0\0\0WAVE the old file").unwrap();

    // A 2-hour render into uit.wav, killed with SIGKILL while it writes.
    let mut killed = render(d, "twee-uur.toml", "uit.wav");
    let left = wait_for_part(d, "uit.wav", 1 << 20);
    killed.kill().unwrap();
    let status = killed.wait().unwrap();
    assert_eq!(status.signal(), Some(9));
    assert!(left.exists(), "SIGKILL leaves the part file");
    assert_eq!(
        std::fs::read(d.join("uit.wav")).unwrap(),
        b"RIFF\0\0\0\0WAVE the old file"
    );
    let killed_at = Instant::now();

    // A run still going, stopped so that its part file is idle as long as the
    // killed one's: only its lock protects it.
    let mut going = render(d, "half-uur.toml", "half.wav");
    let going_part = wait_for_part(d, "half.wav", 1 << 20);
    signal(&going, "-STOP");
    let idle = STALE_AFTER + Duration::from_secs(1);
    std::thread::sleep(idle.saturating_sub(killed_at.elapsed()) + idle);

    // The next run of rustig writing into the folder removes what the killed run left.
    let out = Rustig::new(&["render", "kort.toml", "-o", "kort.wav"])
        .cwd(d)
        .run();
    assert!(out.status.success(), "{out:?}");
    assert!(!left.exists(), "the killed run's part file is removed");
    assert!(going_part.exists(), "the stopped run's part file stays");
    assert_eq!(
        std::fs::read(d.join("uit.wav")).unwrap(),
        b"RIFF\0\0\0\0WAVE the old file"
    );

    // The stopped run goes on and finishes its file.
    signal(&going, "-CONT");
    assert!(going.wait().unwrap().success());
    assert!(!going_part.exists());
    // … and it is the same file as an undisturbed render of the session.
    let again = Rustig::new(&["render", "half-uur.toml", "-o", "opnieuw.wav"])
        .cwd(d)
        .run();
    assert!(again.status.success());
    assert!(
        std::fs::read(d.join("half.wav")).unwrap() == std::fs::read(d.join("opnieuw.wav")).unwrap()
    );
    assert_eq!(
        listing(d),
        [
            "half-uur.toml",
            "half.wav",
            "kort.toml",
            "kort.wav",
            "opnieuw.wav",
            "twee-uur.toml",
            "uit.wav"
        ]
    );
}
