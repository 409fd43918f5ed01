//! `voice.toml`: the `[pack]` table and the `[clips]` map, read with located errors.

use crate::session::Code;
use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::de::DeValue;

use crate::session::toml_reader::*;
use crate::session::{Diagnostic, Source};

/// How much of a clip file is read to learn its length from a WAV header (the
/// header of a plain WAV file is 44 bytes; more chunks before the samples still fit).
const CLIP_HEAD_BYTES: u64 = 8192;

/// Where a pack's clip files are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackFiles {
    /// A folder on disk.
    Dir(PathBuf),
    /// The pack compiled into the binary, by name.
    BuiltIn(String),
}

impl PackFiles {
    /// The bytes of a clip file named in the manifest.
    pub fn read(&self, file: &str) -> std::io::Result<Cow<'static, [u8]>> {
        match self {
            // Only files inside the pack's folder, bounded as every clip is.
            PackFiles::Dir(dir) => {
                if !crate::input::resolves_inside(dir, file) {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::PermissionDenied,
                        "it is outside the pack's folder",
                    ));
                }
                match crate::input::read_limited(&dir.join(file), crate::voice::MAX_FILE_BYTES) {
                    Ok(bytes) => Ok(Cow::Owned(bytes)),
                    Err(crate::input::InputError::Io { source, .. }) => Err(source),
                    Err(e) => Err(std::io::Error::other(e.reason())),
                }
            }
            PackFiles::BuiltIn(voice) => crate::builtin::voice_clip(voice, file).ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::NotFound, "not in the built-in pack")
            }),
        }
    }

    /// The first `head` bytes of a clip file and its size, refused as [`PackFiles::read`]
    /// refuses: a header is read without the whole file.
    pub fn read_head(&self, file: &str, head: u64) -> std::io::Result<(Cow<'static, [u8]>, u64)> {
        let whole = || {
            self.read(file).map(|bytes| {
                let size = bytes.len() as u64;
                (bytes, size)
            })
        };
        match self {
            PackFiles::Dir(dir) if crate::input::resolves_inside(dir, file) => {
                match crate::input::read_head(&dir.join(file), crate::voice::MAX_FILE_BYTES, head) {
                    Ok((bytes, size)) => Ok((Cow::Owned(bytes), size)),
                    // Refused: the error of reading the whole file.
                    Err(_) => whole(),
                }
            }
            PackFiles::Dir(_) => whole(),
            PackFiles::BuiltIn(voice) => {
                let head = usize::try_from(head).unwrap_or(usize::MAX);
                crate::builtin::voice_clip_head(voice, file, head).ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::NotFound, "not in the built-in pack")
                })
            }
        }
    }

    /// A readable description of where a file lives.
    pub fn describe(&self, file: &str) -> String {
        match self {
            PackFiles::Dir(dir) => dir.join(file).display().to_string(),
            PackFiles::BuiltIn(voice) => format!("<built-in>/audio/{voice}/{file}"),
        }
    }
}

/// One clip of a pack.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipInfo {
    /// The id cues refer to, e.g. `tempo.praten`.
    pub id: String,
    /// The file name, relative to the pack folder.
    pub file: String,
    /// What the clip says.
    pub text: String,
    /// Length in seconds (from the header of a WAV file).
    pub duration: f64,
    /// The clip's entry in `voice.toml` (for a borrowed clip, the `fallback` entry).
    pub span: Range<usize>,
    /// The built-in pack this clip is borrowed from (`[pack] fallback`), if it is.
    pub borrowed_from: Option<String>,
}

/// A parsed manifest.
#[derive(Debug)]
pub struct Manifest {
    /// `[pack] name`.
    pub name: String,
    /// `[pack] language`.
    pub language: String,
    /// `[pack] coach`: who speaks, shown as the artist of exported files; `None`
    /// when not written (the pack's name is used).
    pub coach: Option<String>,
    /// The clips in file order.
    pub clips: Vec<ClipInfo>,
    /// `[pack] fallback`: the built-in pack missing clips are borrowed from, and
    /// where it is named.
    pub fallback: Option<(String, Range<usize>)>,
    /// The manifest text.
    pub source: Arc<Source>,
}

/// Parses `voice.toml` and checks that every clip file exists and is audio rustig
/// can decode ([`super::decode::duration`]).
pub fn parse_manifest(
    path: &Path,
    bytes: &[u8],
    files: &PackFiles,
) -> (Option<Manifest>, Vec<Diagnostic>) {
    let source = match decode_text(path, bytes, "voice pack") {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let mut ctx = Ctx::new(source.clone());
    let Some(doc) = parse_document(&mut ctx, &source.text) else {
        return (None, ctx.diags);
    };
    let root = TableReader::new(doc.get_ref(), 0..0, "voice.toml", &["pack", "clips"]);
    let mut name = String::new();
    let mut language = String::new();
    let mut fallback = None;
    let mut coach = None;
    match root.get("pack") {
        Some(v) => {
            if let Some(t) = table(&mut ctx, "pack", v) {
                let r = TableReader::new(
                    t,
                    v.span(),
                    "the [pack] table",
                    &["name", "language", "coach", "fallback"],
                );
                name = r
                    .get("name")
                    .and_then(|v| string(&mut ctx, "name", v))
                    .unwrap_or_default();
                language = r
                    .get("language")
                    .and_then(|v| string(&mut ctx, "language", v))
                    .unwrap_or_default();
                coach = r
                    .get("coach")
                    .and_then(|v| string(&mut ctx, "coach", v))
                    .filter(|c| !c.trim().is_empty());
                fallback = r
                    .get("fallback")
                    .and_then(|v| string(&mut ctx, "fallback", v).map(|f| (f, v.span())));
                r.finish(&mut ctx, |_| None);
            }
        }
        None => {
            ctx.error(Code::MissingKey, 0..0, "voice.toml has no [pack] table")
                .help =
                Some("start with:\n[pack]\nname = \"Nederlands\"\nlanguage = \"nl\"".into());
        }
    }
    let mut clips = Vec::new();
    match root.get("clips") {
        None => {
            ctx.error(Code::MissingKey, 0..0, "voice.toml has no [clips] table").help =
                Some("add clips like: \"blok.run\" = { file = \"blok-run.wav\", text = \"We gaan hardlopen.\" }".into());
        }
        Some(v) => {
            if let Some(t) = table(&mut ctx, "clips", v) {
                let mut entries: Vec<_> = t.iter().collect();
                entries.sort_by_key(|(k, _)| k.span().start);
                for (key, value) in entries {
                    let id = key.get_ref().to_string();
                    let span = key.span().start..value.span().end;
                    if id.is_empty()
                        || !id
                            .chars()
                            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
                    {
                        ctx.error(
                            Code::PackClip,
                            key.span(),
                            format!("`{id}` is not a valid clip id"),
                        )
                        .help = Some("ids are words joined by dots, like `tempo.praten`".into());
                        continue;
                    }
                    let DeValue::Table(entry) = value.get_ref() else {
                        ctx.error(Code::WrongType, value.span(), format!("clip `{id}` must be a table like {{ file = \"x.wav\", text = \"…\" }}"));
                        continue;
                    };
                    let r = TableReader::new(
                        entry,
                        value.span(),
                        format!("clip `{id}`"),
                        &["file", "text"],
                    );
                    let file = match r.get("file") {
                        Some(v) => string(&mut ctx, "file", v).map(|f| (f, v.span())),
                        None => {
                            ctx.error(
                                Code::MissingKey,
                                value.span(),
                                format!("clip `{id}` has no `file`"),
                            );
                            None
                        }
                    };
                    let text = match r.get("text") {
                        Some(v) => string(&mut ctx, "text", v),
                        None => {
                            ctx.error(Code::MissingKey, value.span(), format!("clip `{id}` has no `text`")).help =
                                Some("write what the clip says, so `say` cues and `rustig voice synth` can use it".into());
                            None
                        }
                    };
                    r.finish(&mut ctx, |_| None);
                    let (Some((file, file_span)), Some(text)) = (file, text) else {
                        continue;
                    };
                    if let PackFiles::Dir(dir) = files
                        && !crate::input::resolves_inside(dir, &file)
                    {
                        ctx.error(
                            Code::PackClip,
                            file_span,
                            format!("clip file `{file}` is outside the pack's folder"),
                        )
                        .help = Some(
                            "name clip files relative to the folder of voice.toml, e.g. blok-run.wav"
                                .into(),
                        );
                        continue;
                    }
                    // The header decides a WAV clip's length; other files are read
                    // whole (and any problem is reported from the whole file).
                    let measured =
                        files
                            .read_head(&file, CLIP_HEAD_BYTES)
                            .and_then(|(head, size)| {
                                Ok(match super::decode::head_duration(&head, size, &file) {
                                    Some(seconds) => Ok(seconds),
                                    None => super::decode::duration(&files.read(&file)?, &file),
                                })
                            });
                    match measured {
                        Err(e) => {
                            ctx.error(
                                Code::PackClip,
                                file_span,
                                format!("clip file `{file}` cannot be read: {e}"),
                            )
                            .help = Some(format!(
                                "looked for {}; record it, or regenerate the pack's clips (audio/nl/make-voice.sh shows how)",
                                files.describe(&file)
                            ));
                        }
                        Ok(measured) => match measured {
                            Ok(duration) => clips.push(ClipInfo {
                                id,
                                file,
                                text,
                                duration,
                                span,
                                borrowed_from: None,
                            }),
                            Err(e) => {
                                let help = e.help();
                                ctx.error(
                                    Code::PackClip,
                                    file_span,
                                    format!("clip file {}", crate::errors::Chain(&e)),
                                )
                                .help = Some(help.into());
                            }
                        },
                    }
                }
            }
        }
    }
    root.finish(&mut ctx, |_| None);
    if ctx.has_errors() {
        return (None, ctx.diags);
    }
    (
        Some(Manifest {
            name,
            language,
            coach,
            clips,
            fallback,
            source,
        }),
        ctx.diags,
    )
}
