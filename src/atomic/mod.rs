//! A file that appears under its name only when complete, and the clean-up of the
//! temporary files of runs that were killed before they could remove them.

pub mod stale;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use tempfile::TempPath;

/// A temporary file in the target's folder; [`AtomicFile::commit`] renames it into
/// place. Dropped without commit, it is deleted.
#[derive(Debug)]
pub struct AtomicFile {
    /// Held while writing, so a later run knows the part file is not stale.
    _lock: stale::PartLock,
    temp: TempPath,
    target: PathBuf,
}

impl AtomicFile {
    /// Creates the temporary file next to `target` and returns it with an open handle.
    pub fn create(target: &Path) -> io::Result<(AtomicFile, File)> {
        // Renaming over a device, a folder or a link would replace it, not write into
        // it: only a regular file (or nothing) may be replaced.
        if let Ok(meta) = std::fs::symlink_metadata(target)
            && !meta.file_type().is_file()
        {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "it exists and is not a regular file",
            ));
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let named = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".part")
            .tempfile_in(&dir)?;
        // Temporary files are private (0600); the result is an ordinary user file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            named
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        let (file, temp) = named.into_parts();
        Ok((
            AtomicFile {
                _lock: stale::lock_part(&temp),
                temp,
                target: target.to_path_buf(),
            },
            file,
        ))
    }

    /// Writes `bytes` as the whole of `target`, atomically.
    pub fn write(target: &Path, bytes: &[u8]) -> io::Result<()> {
        use std::io::Write;
        let (file, mut handle) = AtomicFile::create(target)?;
        handle.write_all(bytes)?;
        drop(handle);
        file.commit()
    }

    /// The temporary file being written.
    pub fn part(&self) -> &Path {
        &self.temp
    }

    /// The final path.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes the data to disk and renames the file into place.
    pub fn commit(self) -> io::Result<()> {
        File::open(&self.temp)?.sync_all()?;
        self.temp.persist(&self.target).map_err(|e| e.error)
    }
}
