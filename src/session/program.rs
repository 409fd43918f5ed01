//! Programs: a folder of sessions with a `program.toml` that orders them.

use crate::session::Code;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::diagnostic::Diagnostic;
use super::model::Located;
use super::toml_reader::*;

/// A validated `program.toml`.
#[derive(Debug, Clone)]
pub struct Program {
    /// The program's title (the album name on a phone).
    pub title: String,
    /// Optional description.
    pub description: Option<String>,
    /// Session file names in order, relative to the program folder, with their spans.
    pub sessions: Vec<Located<String>>,
    /// The folder the program lives in.
    pub folder: PathBuf,
}

impl Program {
    /// The sessions' paths in program order.
    pub fn session_paths(&self) -> Vec<PathBuf> {
        self.sessions
            .iter()
            .map(|s| self.folder.join(&s.value))
            .collect()
    }
}

/// Parses a `program.toml`. `exists` tells whether a session file is present (so the
/// built-in program can be checked without a disk).
pub fn parse_program(
    display_path: &Path,
    bytes: &[u8],
    folder: &Path,
    exists: impl Fn(&str) -> bool,
) -> (Option<Program>, Vec<Diagnostic>) {
    let source = match decode_text(display_path, bytes, "program") {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let mut ctx = Ctx::new(source.clone());
    let Some(doc) = parse_document(&mut ctx, &source.text) else {
        return (None, ctx.diags);
    };
    let root = TableReader::new(doc.get_ref(), 0..0, "program.toml", &["program"]);
    let mut program = None;
    match root.get("program") {
        None => {
            ctx.error(
                Code::MissingKey,
                0..0,
                "program.toml has no [program] table",
            )
            .help = Some(
                "start with:\n[program]\ntitle = \"…\"\nsessions = [\"week01-1.toml\"]".into(),
            );
        }
        Some(v) => {
            if let Some(t) = table(&mut ctx, "program", v) {
                let r = TableReader::new(
                    t,
                    v.span(),
                    "the [program] table",
                    &["title", "description", "sessions"],
                );
                let title = match r.get("title") {
                    Some(v) => string(&mut ctx, "title", v),
                    None => {
                        ctx.error(
                            Code::MissingKey,
                            v.span(),
                            "the [program] table has no `title`",
                        );
                        None
                    }
                };
                let description = r
                    .get("description")
                    .and_then(|v| string(&mut ctx, "description", v));
                let sessions = match r.get("sessions") {
                    Some(v) => string_list(&mut ctx, "sessions", v),
                    None => {
                        ctx.error(
                            Code::MissingKey,
                            v.span(),
                            "the [program] table has no `sessions` list",
                        );
                        None
                    }
                };
                if let Some(list) = &sessions {
                    if list.is_empty() {
                        ctx.error(
                            Code::Empty,
                            r.get("sessions").map_or(0..0, |v| v.span()),
                            "`sessions` is empty",
                        );
                    }
                    let mut seen: Vec<(&str, Range<usize>)> = Vec::new();
                    for (name, span) in list {
                        if !crate::input::is_plain_relative(name) {
                            ctx.error(
                                Code::ProgramSession,
                                span.clone(),
                                format!("session file `{name}` is outside the program's folder"),
                            )
                            .help = Some(
                                "list the session files of this folder by name, e.g. week01-1.toml"
                                    .into(),
                            );
                            continue;
                        }
                        if !exists(name) {
                            ctx.error(
                                Code::ProgramSession,
                                span.clone(),
                                format!(
                                    "session file `{name}` does not exist in {}",
                                    folder.display()
                                ),
                            )
                            .help = Some("names are relative to the program's folder".into());
                        }
                        if seen.iter().any(|(n, _)| n == name) {
                            ctx.error(
                                Code::ProgramSession,
                                span.clone(),
                                format!("`{name}` is listed twice"),
                            );
                        }
                        seen.push((name, span.clone()));
                    }
                }
                r.finish(&mut ctx, |_| None);
                if let (Some(title), Some(sessions)) = (title, sessions) {
                    program = Some(Program {
                        title,
                        description,
                        sessions: sessions
                            .into_iter()
                            .map(|(s, sp)| Located::new(s, sp))
                            .collect(),
                        folder: folder.to_path_buf(),
                    });
                }
            }
        }
    }
    root.finish(&mut ctx, |_| None);
    if ctx.has_errors() {
        program = None;
    }
    (program, ctx.diags)
}
