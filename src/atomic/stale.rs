//! Part files that a killed run left behind, and how a live run keeps its own.
//!
//! [`super::AtomicFile`] writes into `.NAME.XXXXXX.part` beside the target and
//! renames it into place. A run killed with SIGKILL cannot delete it, and for a long
//! session it is hundreds of MB. The convention:
//!
//! - a run holds an exclusive lock ([`lock_part`]) on its part file for as long as
//!   the file may still be renamed into place; the kernel drops the lock when the
//!   process dies, however it dies;
//! - [`remove_stale_parts`] deletes a part file only if it can take that lock itself
//!   *and* the file has not been written for [`STALE_AFTER`]: the age covers the
//!   instant between a run creating its part file and locking it, and any writer that
//!   does not lock. So it never deletes the file of a run that is still going.
//!
//! [`lock_part`] also cleans the folder: every run of rustig that writes into a folder
//! removes what killed runs left there.

use std::fs::File;
use std::io;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long a part file must have been left unwritten before it counts as stale.
pub const STALE_AFTER: Duration = Duration::from_secs(10);

/// The exclusive lock of a live run on its part file; dropping it releases the lock.
#[derive(Debug)]
pub struct PartLock {
    _file: Option<File>,
}

/// Locks the part file at `path` for the run that created it, then removes the
/// stale part files of other runs in its folder. Never fails: where the file system
/// cannot lock, the run goes on without a lock and only the age protects its file.
pub fn lock_part(path: &Path) -> PartLock {
    let file = File::open(path)
        .ok()
        .filter(|f| fs4::FileExt::try_lock(f).is_ok());
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        // Cleaning is a courtesy: a folder that cannot be listed is no reason to fail.
        let _ = remove_stale_parts(dir);
    }
    PartLock { _file: file }
}

/// Whether a file name has the form of an [`super::AtomicFile`] part file:
/// `.NAME.XXXXXX.part`, with six letters or digits chosen at random.
pub fn is_part_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".part") else {
        return false;
    };
    let Some((prefix, random)) = stem.rsplit_once('.') else {
        return false;
    };
    prefix.len() > 1
        && prefix.starts_with('.')
        && random.len() == 6
        && random.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Removes the part files in `dir` that no live run holds and that have not been
/// written for [`STALE_AFTER`]; returns how many it removed. Only regular files
/// with a part file's name are considered; links and folders are left alone.
pub fn remove_stale_parts(dir: &Path) -> io::Result<usize> {
    remove_stale_parts_older_than(dir, STALE_AFTER)
}

/// [`remove_stale_parts`] with another minimum age.
pub fn remove_stale_parts_older_than(dir: &Path, min_age: Duration) -> io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        if !name.to_str().is_some_and(is_part_name) {
            continue;
        }
        // `file_type` does not follow links: a link named like a part file stays.
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let Ok(file) = File::open(&path) else {
            continue;
        };
        if fs4::FileExt::try_lock(&file).is_err() {
            // A live run holds it (or it cannot be locked: leave it).
            continue;
        }
        let idle = file
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok());
        if idle.is_some_and(|idle| idle >= min_age) && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod test {
    use super::*;

    fn backdate(path: &Path, by: Duration) {
        let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - by).unwrap();
    }

    #[test]
    fn part_names() {
        assert!(is_part_name(".out.wav.a1B2c3.part"));
        assert!(is_part_name(".x.ABCDEF.part"));
        assert!(!is_part_name("out.wav.a1B2c3.part"));
        assert!(!is_part_name("..a1B2c3.part"));
        assert!(!is_part_name(".out.wav.a1B2c.part"));
        assert!(!is_part_name(".out.wav.a1B2c3.partial"));
        assert!(!is_part_name(".out.wav.a1-2c3.part"));
    }

    #[test]
    fn only_unlocked_and_idle_part_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n);
        for name in [
            ".killed.wav.aaaaaa.part",
            ".live.wav.bbbbbb.part",
            ".fresh.wav.cccccc.part",
            "keep.wav",
            ".keep.wav.dd.part",
        ] {
            std::fs::write(p(name), b"RIFF").unwrap();
        }
        std::os::unix::fs::symlink(p("keep.wav"), p(".link.wav.eeeeee.part")).unwrap();
        for name in [
            ".killed.wav.aaaaaa.part",
            ".live.wav.bbbbbb.part",
            "keep.wav",
            ".keep.wav.dd.part",
        ] {
            backdate(&p(name), Duration::from_secs(3600));
        }
        let live = lock_part(&p(".live.wav.bbbbbb.part"));
        // lock_part already cleaned the folder: the killed run's file is gone.
        assert!(!p(".killed.wav.aaaaaa.part").exists());
        assert!(p(".live.wav.bbbbbb.part").exists(), "locked by a live run");
        assert!(p(".fresh.wav.cccccc.part").exists(), "written just now");
        assert_eq!(remove_stale_parts(dir.path()).unwrap(), 0);
        drop(live);
        assert_eq!(remove_stale_parts(dir.path()).unwrap(), 1);
        assert!(!p(".live.wav.bbbbbb.part").exists());
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".fresh.wav.cccccc.part",
                ".keep.wav.dd.part",
                ".link.wav.eeeeee.part",
                "keep.wav"
            ]
        );
        assert_eq!(
            remove_stale_parts_older_than(dir.path(), Duration::ZERO).unwrap(),
            1
        );
        assert!(p("keep.wav").exists(), "the link's target stays");
    }
}
