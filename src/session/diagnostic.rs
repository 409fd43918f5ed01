//! Located problems: a message tied to a byte range of a source file, rendered as
//! `file:line:col: message` with the offending line, a caret and an optional hint.
//!
//! Line and column are computed only when rendering, from the byte offset, so every
//! stage (session, voice pack, program) can report problems by span alone.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::codes::Code;

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
    /// The kind of problem, explained by `rustig explain`.
    pub code: Code,
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
    /// An error of kind `code` at `span` of `source`.
    pub fn error(
        code: Code,
        source: &Arc<Source>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            source: Arc::clone(source),
            span,
            message: message.into(),
            help: None,
        }
    }

    /// A warning of kind `code` at `span` of `source`.
    pub fn warning(
        code: Code,
        source: &Arc<Source>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, source, span, message)
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
        format!(
            "{}:{}:{}",
            crate::text::visible(&display_path(&self.source.path)),
            line,
            col
        )
    }
}

/// A path as shown in messages: relative paths stay as given, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let shown = path.display().to_string();
    shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
}

impl Diagnostic {
    /// Renders the problem like a compiler does, with colour when `color` is set:
    ///
    /// ```text
    /// week1.toml:7:1: error[R0003]: unknown key `duraton` in a walk block
    ///   |
    /// 7 | duraton = "5m"
    ///   | ^^^^^^^
    ///   = help: did you mean `duration`?
    /// ```
    ///
    /// The first line keeps the `file:line:col: message` of cli.md; annotate-snippets
    /// draws the source line and the caret under the span's first line.
    pub fn render(&self, color: bool) -> String {
        use anstyle::{AnsiColor, Style};
        let paint = |style: Style, text: &str| {
            if color {
                format!("{style}{text}{style:#}")
            } else {
                text.to_owned()
            }
        };
        let (label, level_style) = match self.severity {
            Severity::Error => ("error", AnsiColor::BrightRed.on_default().bold()),
            Severity::Warning => ("warning", AnsiColor::BrightYellow.on_default().bold()),
        };
        let gutter = AnsiColor::BrightBlue.on_default().bold();
        let mut out = format!(
            "{}: {}: {}\n",
            paint(Style::new().bold(), &self.location()),
            paint(level_style, &format!("{label}[{}]", self.code)),
            paint(Style::new().bold(), &crate::text::visible(&self.message)),
        );
        let text = &self.source.text;
        let mut pad = " ".to_owned();
        if let Some(span) = self.span.as_ref().filter(|_| !text.is_empty()) {
            let start = floor_char_boundary(text, span.start.min(text.len()));
            let (line, _) = self.source.line_col(start);
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[line_start..]
                .find('\n')
                .map_or(text.len(), |i| line_start + i);
            let line_text = text[line_start..line_end].trim_end_matches('\r');
            // A span may start on the `\r` of a CRLF line end, past the text shown.
            let start = start.min(line_start + line_text.len());
            // Only the span's first line is shown, as one caret run.
            let end =
                floor_char_boundary(text, span.end.clamp(start, line_start + line_text.len()));
            // The line came from a file: its control characters are shown escaped,
            // and the caret moves with the longer text.
            // Tabs become four spaces (as annotate-snippets draws them).
            let safe = |s: &str| crate::text::visible(&s.replace('\t', "    ")).into_owned();
            let shown = |to: usize| safe(&line_text[..to]).len();
            let (from, to) = (shown(start - line_start), shown(end - line_start));
            let line_text = safe(line_text);
            let line_text = line_text.as_str();
            let level = match self.severity {
                Severity::Error => annotate_snippets::Level::ERROR,
                Severity::Warning => annotate_snippets::Level::WARNING,
            };
            let report = [annotate_snippets::Group::with_level(level).element(
                annotate_snippets::Snippet::source(line_text)
                    .line_start(line)
                    .fold(false)
                    .annotation(annotate_snippets::AnnotationKind::Primary.span(from..to)),
            )];
            let renderer = if color {
                annotate_snippets::Renderer::styled()
            } else {
                annotate_snippets::Renderer::plain()
            };
            out.push_str(&renderer.render(&report));
            out.push('\n');
            pad = " ".repeat(line.to_string().len());
        }
        if let Some(help) = &self.help {
            out.push_str(&format!(
                "{pad} {} {}: {}\n",
                paint(gutter, "="),
                paint(Style::new().bold(), "help"),
                crate::text::visible_lines(help)
            ));
        }
        out
    }
}

impl Diagnostic {
    /// The problem as one JSON object for editors and CI (`check --message-format
    /// json`): 1-based `line`/`column` where it starts and `end_line`/`end_column`
    /// just after it ends (columns in characters), the code, `"error"` or
    /// `"warning"`, the message and the help (`null` when there is none).
    pub fn to_json(&self) -> String {
        /// The fields in the order editors read them.
        #[derive(serde::Serialize)]
        struct Json<'a> {
            file: String,
            line: usize,
            column: usize,
            end_line: usize,
            end_column: usize,
            code: String,
            severity: &'static str,
            message: &'a str,
            help: Option<&'a str>,
        }
        let span = self.span.clone().unwrap_or(0..0);
        let (line, column) = self.source.line_col(span.start);
        let (end_line, end_column) = self.source.line_col(span.end.max(span.start));
        serde_json::to_string(&Json {
            file: display_path(&self.source.path),
            line,
            column,
            end_line,
            end_column,
            code: self.code.to_string(),
            severity: match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            message: &self.message,
            help: self.help.as_deref(),
        })
        .expect("plain strings and numbers serialize")
    }
}

impl fmt::Display for Diagnostic {
    /// The plain rendering of [`Diagnostic::render`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
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
