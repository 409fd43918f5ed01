//! The one rule every command that writes a file follows before it starts:
//!
//! - never write onto an input of the same command (`render s.toml -o s.toml`);
//! - the output's folder exists and the output is not a folder;
//! - a file already there is replaced only when it is empty or of the kind the
//!   command writes (a WAV by a WAV: rustig's own output, e.g. an earlier render);
//!   anything else (a session, a page of notes) needs `--force`.
//!
//! The extension is checked by each command against what it writes, with
//! [`Kind::of_path`]; this module only knows the kinds and what their files look like.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The kinds of files rustig writes, known by extension and by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 16-bit PCM WAV (render, stems).
    Wav,
    /// MP3 (export).
    Mp3,
    /// Ogg Vorbis (export).
    Ogg,
    /// A self-contained HTML page (report).
    Html,
    /// An SVG chart (report).
    Svg,
    /// A PNG chart (report).
    Png,
    /// The JSON Schema of the session format (schema).
    Schema,
    /// A session file (new).
    Session,
}

impl Kind {
    /// The name in messages: `a WAV file`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Wav => "a WAV file",
            Kind::Mp3 => "an MP3 file",
            Kind::Ogg => "an Ogg Vorbis file",
            Kind::Html => "an HTML page",
            Kind::Svg => "an SVG image",
            Kind::Png => "a PNG image",
            Kind::Schema => "a JSON Schema",
            Kind::Session => "a session file",
        }
    }

    /// The extension written (lower case, without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Wav => "wav",
            Kind::Mp3 => "mp3",
            Kind::Ogg => "ogg",
            Kind::Html => "html",
            Kind::Svg => "svg",
            Kind::Png => "png",
            Kind::Schema => "json",
            Kind::Session => "toml",
        }
    }

    /// A file name (without extension) for examples in messages.
    fn example_stem(self) -> &'static str {
        match self {
            Kind::Html | Kind::Svg | Kind::Png => "report",
            Kind::Schema => "rustig-session.schema",
            _ => "session",
        }
    }

    /// The kind a file name's extension names (case-insensitive; `.htm` is HTML,
    /// `.oga` Ogg), if any.
    pub fn of_path(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "wav" | "wave" => Kind::Wav,
            "mp3" => Kind::Mp3,
            "ogg" | "oga" => Kind::Ogg,
            "html" | "htm" => Kind::Html,
            "svg" => Kind::Svg,
            "png" => Kind::Png,
            "json" => Kind::Schema,
            "toml" => Kind::Session,
            _ => return None,
        })
    }

    /// Whether a file that starts with `head` is of this kind. Binary kinds look at
    /// their magic bytes only; the head is read as text for the text kinds alone.
    fn looks_like(self, head: &[u8]) -> bool {
        match self {
            Kind::Wav => {
                head.len() >= 12
                    && (&head[..4] == b"RIFF" || &head[..4] == b"RF64")
                    && &head[8..12] == b"WAVE"
            }
            Kind::Mp3 => {
                head.starts_with(b"ID3")
                    || (head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0)
            }
            Kind::Ogg => head.starts_with(b"OggS"),
            Kind::Png => head.starts_with(b"\x89PNG\r\n\x1a\n"),
            Kind::Html | Kind::Svg | Kind::Schema => {
                self.text_looks_like(&String::from_utf8_lossy(head))
            }
            // A session is never replaced without --force.
            Kind::Session => false,
        }
    }

    /// Whether a file of a text kind that starts with `text` is of this kind.
    fn text_looks_like(self, text: &str) -> bool {
        let trimmed = text.trim_start().to_ascii_lowercase();
        match self {
            Kind::Html => trimmed.starts_with("<!doctype html") || trimmed.starts_with("<html"),
            Kind::Svg => trimmed.starts_with('<') && trimmed.contains("<svg"),
            Kind::Schema => {
                trimmed.starts_with('{') && text.contains("\"$schema\": \"https://json-schema.org/")
            }
            _ => false,
        }
    }
}

/// Why an output path cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The output is one of the command's inputs.
    #[error(
        "cannot write {}: it is {}, which this command reads\n  = help: choose another name for the output",
        .path.display(), .input.display()
    )]
    IsInput {
        /// The output path.
        path: PathBuf,
        /// The input it is (the same file, perhaps by another name).
        input: PathBuf,
    },
    /// The output is a folder.
    #[error(
        "{} is a folder; give a file name, e.g. -o {}",
        .path.display(), .example.display()
    )]
    Folder {
        /// The output path.
        path: PathBuf,
        /// A file name in that folder.
        example: PathBuf,
    },
    /// The output's folder does not exist.
    #[error(
        "cannot write {}: the folder {} does not exist\n  = help: create it first, e.g. mkdir -p {}",
        .path.display(), .folder.display(), .folder.display()
    )]
    NoFolder {
        /// The output path.
        path: PathBuf,
        /// Its missing folder.
        folder: PathBuf,
    },
    /// What should be the output's folder is a file.
    #[error(
        "cannot write {}: {} is a file, not a folder\n  = help: choose a path inside a folder",
        .path.display(), .folder.display()
    )]
    FolderIsFile {
        /// The output path.
        path: PathBuf,
        /// The file in the place of its folder.
        folder: PathBuf,
    },
    /// A file that is not of the kind written is in the way.
    #[error(
        "{} exists and is not {} rustig wrote; it is left as it is\n  = help: choose another name, or add --force to replace it",
        .path.display(), .kind.name()
    )]
    NotOurs {
        /// The output path.
        path: PathBuf,
        /// What would be written.
        kind: Kind,
    },
    /// Something other than a regular file (a device, a FIFO, a link) is in the way.
    #[error(
        "{} exists and is not a regular file; rustig replaces only files\n  = help: choose another name for the output",
        .path.display()
    )]
    NotAFile {
        /// The output path.
        path: PathBuf,
    },
}

/// Whether `a` and `b` name the same file (same device and inode on Unix, the same
/// canonical path elsewhere). Paths that do not exist are never the same.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// Fails when `path` is one of `inputs` (the same file, perhaps by another name).
/// Part of [`check`]; alone, for inputs known only after it ran (the clips of a
/// session loaded since).
pub fn not_an_input(path: &Path, inputs: &[&Path]) -> Result<(), TargetError> {
    match inputs.iter().find(|i| same_file(path, i)) {
        Some(input) => Err(TargetError::IsInput {
            path: path.to_path_buf(),
            input: input.to_path_buf(),
        }),
        None => Ok(()),
    }
}

/// How much of an existing file is read to recognise it.
const HEAD_BYTES: u64 = 1 << 20;

/// Checks that `kind` may be written to `path` by a command reading `inputs`
/// (see the module doc); `force` allows replacing a file of another kind, never an
/// input.
pub fn check(path: &Path, kind: Kind, inputs: &[&Path], force: bool) -> Result<(), TargetError> {
    if path.is_dir() {
        return Err(TargetError::Folder {
            path: path.to_path_buf(),
            example: path.join(format!("{}.{}", kind.example_stem(), kind.extension())),
        });
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(if folder.exists() {
            TargetError::FolderIsFile {
                path: path.to_path_buf(),
                folder: folder.to_path_buf(),
            }
        } else {
            TargetError::NoFolder {
                path: path.to_path_buf(),
                folder: folder.to_path_buf(),
            }
        });
    }
    not_an_input(path, inputs)?;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if !meta.file_type().is_file() {
        return Err(TargetError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    if force || meta.len() == 0 {
        return Ok(());
    }
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(HEAD_BYTES).read_to_end(&mut head));
    if read.is_ok() && kind.looks_like(&head) {
        Ok(())
    } else {
        Err(TargetError::NotOurs {
            path: path.to_path_buf(),
            kind,
        })
    }
}

#[cfg(test)]
mod test {
    use super::*;

    /// Each kind recognises its own first bytes and not another's.
    #[test]
    fn kinds_know_their_files() {
        let wav = b"RIFF\x24\0\0\0WAVEfmt ";
        assert!(Kind::Wav.looks_like(wav));
        assert!(!Kind::Wav.looks_like(b"[[block]]\nkind = \"run\""));
        assert!(Kind::Png.looks_like(b"\x89PNG\r\n\x1a\n...."));
        assert!(Kind::Html.looks_like(b"\n<!DOCTYPE html>\n<html lang=\"nl\">"));
        assert!(!Kind::Html.looks_like(b"title = \"x\""));
        assert!(Kind::Svg.looks_like(b"<?xml version=\"1.0\"?>\n<svg width"));
        assert!(!Kind::Session.looks_like(b"title = \"x\""));
        assert!(
            Kind::Schema
                .looks_like(b"{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",")
        );
        assert!(!Kind::Schema.looks_like(b"{\"title\": \"x\"}"));
        assert!(!Kind::Png.looks_like(b"<svg width=\"1\">"));
        assert_eq!(Kind::of_path(Path::new("a/B.WAV")), Some(Kind::Wav));
        assert_eq!(Kind::of_path(Path::new("p.htm")), Some(Kind::Html));
        assert_eq!(Kind::of_path(Path::new("noext")), None);
    }
}
