//! Located problems: a message tied to a byte range of a source file, rendered as
//! `file:line:col: message` with the offending line, a caret and an optional hint.
//!
//! Line and column are computed only when rendering, from the byte offset, so every
//! stage (session, voice pack, program) can report problems by span alone.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A text file being checked: its displayed path and its contents.
#[derive(Debug)]
pub struct Source {
    /// The path as the user should see it in messages.
    pub path: PathBuf,
    /// The whole text (may be empty when the file could not be decoded).
    pub text: String,
}

impl Source {
    /// Wraps a path and its text for sharing between diagnostics.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Arc<Source> {
        Arc::new(Source {
            path: path.into(),
            text: text.into(),
        })
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = self.text[line_start..offset].chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// How bad a problem is: errors stop a command, warnings are only shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The input cannot be used as it is.
    Error,
    /// The input works, but probably not as the author meant.
    Warning,
}

/// One problem in one source file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file it is in.
    pub source: Arc<Source>,
    /// The bytes it is about; `None` points at the start of the file.
    pub span: Option<Range<usize>>,
    /// What is wrong, as one sentence without a trailing period.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span` of `source`.
    pub fn error(
        source: &Arc<Source>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            source: Arc::clone(source),
            span,
            message: message.into(),
            help: None,
        }
    }

    /// A warning at `span` of `source`.
    pub fn warning(
        source: &Arc<Source>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(source, span, message)
        }
    }

    /// Adds a hint saying how to fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a hint only when there is one.
    pub fn with_optional_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Whether this diagnostic is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The `file:line:col` location of this problem.
    pub fn location(&self) -> String {
        let (line, col) = self
            .span
            .as_ref()
            .map_or((1, 1), |s| self.source.line_col(s.start));
        format!("{}:{}:{}", display_path(&self.source.path), line, col)
    }
}

/// A path as shown in messages: relative paths stay as given, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let shown = path.display().to_string();
    shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
}

impl fmt::Display for Diagnostic {
    /// Renders the problem like a compiler does:
    ///
    /// ```text
    /// week1.toml:7:12: unknown key `duraton` in a walk block
    ///    |
    ///  7 | duraton = "5m"
    ///    | ^^^^^^^
    ///    = help: did you mean `duration`?
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        writeln!(f, "{}: {kind}{}", self.location(), self.message)?;
        let text = &self.source.text;
        if let Some(span) = self.span.as_ref().filter(|_| !text.is_empty()) {
            let start = floor_char_boundary(text, span.start.min(text.len()));
            let (line, col) = self.source.line_col(start);
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[line_start..]
                .find('\n')
                .map_or(text.len(), |i| line_start + i);
            let line_text = text[line_start..line_end].trim_end_matches('\r');
            let end = floor_char_boundary(text, span.end.clamp(start, line_end));
            let width = text[start..end].chars().count().max(1);
            let number = line.to_string();
            let pad = " ".repeat(number.len());
            // Tabs before the caret keep their width so the caret lines up.
            let lead: String = line_text
                .chars()
                .take(col - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {line_text}")?;
            writeln!(f, "{pad} | {lead}{}", "^".repeat(width))?;
            if let Some(help) = &self.help {
                writeln!(f, "{pad} = help: {help}")?;
            }
        } else if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// The closest candidate to `word`, if any is close enough to be a likely typo:
/// similar by Jaro-Winkler, or (for short words) one edit away.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let word_lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let c_lower = c.to_lowercase();
            let score = strsim::jaro_winkler(&word_lower, &c_lower);
            let one_edit = strsim::levenshtein(&word_lower, &c_lower) <= 1;
            (if one_edit { score.max(0.9) } else { score }, c)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The standard "did you mean" hint, or `None` when nothing is close.
pub fn suggestion<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}
