//! Reading files rustig did not write (sessions, programs, voice packs shared between
//! runners and coaches) without trusting them:
//!
//! - only regular files are read: a FIFO would block forever, `/dev/zero` never ends
//!   (a symlink is followed to what it names, and that is checked);
//! - at most `limit + 1` bytes are read, so a file that grows while it is read, or
//!   lies about its size, still cannot take more memory than its limit;
//! - names inside a program or a pack (`sessions = ["…"]`, a clip's `file`) stay
//!   inside their folder: no absolute paths, no `..`, no symlink out of it.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Not a regular file (a FIFO, a device, a socket or a folder).
    #[error("{} is {what}, not a file", .path.display())]
    NotAFile {
        /// The path given.
        path: PathBuf,
        /// `a FIFO (named pipe)`, `a device`, …
        what: &'static str,
    },
    /// Larger than the limit.
    #[error("{} is larger than {limit} bytes", .path.display())]
    TooLarge {
        /// The path given.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
        /// The size the file system gives, when that is what is over the limit.
        size: Option<u64>,
    },
    /// Reading failed.
    #[error("cannot read {}", .path.display())]
    Io {
        /// The path given.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl InputError {
    /// The underlying I/O error kind (`NotFound` for a missing file), if reading failed.
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            InputError::Io { source, .. } => Some(source.kind()),
            _ => None,
        }
    }

    /// What went wrong, without the path (for messages that name the file already).
    pub fn reason(&self) -> String {
        match self {
            InputError::NotAFile { what, .. } => format!("it is {what}, not a file"),
            InputError::TooLarge { limit, .. } => format!("it is larger than {limit} bytes"),
            InputError::Io { source, .. } => source.to_string(),
        }
    }
}

/// What a file that is not regular is, for messages.
fn describe(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// Reads the whole of the regular file `path`, refusing anything else and anything
/// larger than `limit` bytes (see the module doc).
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let io = |source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let (file, len) = open_limited(path, limit)?;
    let mut bytes = Vec::with_capacity(len.min(limit) as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge {
            path: path.to_path_buf(),
            limit,
            size: None,
        });
    }
    Ok(bytes)
}

/// The first `head` bytes of the regular file `path` and its size, refusing what
/// [`read_limited`] refuses: for a format's header without reading the whole file.
pub fn read_head(path: &Path, limit: u64, head: u64) -> Result<(Vec<u8>, u64), InputError> {
    let (file, len) = open_limited(path, limit)?;
    let mut bytes = Vec::with_capacity(len.min(head) as usize);
    file.take(head)
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    Ok((bytes, len))
}

/// Opens the regular file `path` if it is at most `limit` bytes; its size.
fn open_limited(path: &Path, limit: u64) -> Result<(std::fs::File, u64), InputError> {
    let io = |source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(InputError::NotAFile {
            path: path.to_path_buf(),
            what: describe(meta.file_type()),
        });
    }
    if meta.len() > limit {
        return Err(InputError::TooLarge {
            path: path.to_path_buf(),
            limit,
            size: Some(meta.len()),
        });
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // What was opened may not be what was looked at (replaced in between).
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(InputError::NotAFile {
            path: path.to_path_buf(),
            what: describe(meta.file_type()),
        });
    }
    Ok((file, meta.len()))
}

/// Whether `name` is a relative path made only of plain names (no root, no `..`, no
/// drive), so that joining it to a folder stays inside that folder on paper.
pub fn is_plain_relative(name: &str) -> bool {
    let path = Path::new(name);
    !name.is_empty()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Whether `folder/name` really is inside `folder` once symlinks are followed. A path
/// that does not exist (yet) is judged on paper by [`is_plain_relative`].
pub fn resolves_inside(folder: &Path, name: &str) -> bool {
    if !is_plain_relative(name) {
        return false;
    }
    match (folder.canonicalize(), folder.join(name).canonicalize()) {
        (Ok(f), Ok(p)) => p.starts_with(f),
        _ => true,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    /// `/dev/zero` is refused as a device at once, never read.
    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_before_reading() {
        let e = read_limited(Path::new("/dev/zero"), 10).unwrap_err();
        assert_eq!(e.to_string(), "/dev/zero is a device, not a file");
    }

    /// A file one byte over the limit is refused; at the limit it is read.
    #[test]
    fn the_limit_is_exact() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"12345").unwrap();
        assert_eq!(read_limited(&p, 5).unwrap(), b"12345");
        assert!(matches!(
            read_limited(&p, 4),
            Err(InputError::TooLarge { limit: 4, .. })
        ));
    }

    /// Names with `..` or a root leave the folder; plain names do not.
    #[test]
    fn plain_names_stay_inside() {
        assert!(is_plain_relative("week01-1.toml"));
        assert!(is_plain_relative("clips/a.wav"));
        assert!(!is_plain_relative("../../etc/passwd"));
        assert!(!is_plain_relative("/etc/passwd"));
        assert!(!is_plain_relative("a/../../b"));
        assert!(!is_plain_relative(""));
    }
}
