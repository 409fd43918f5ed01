//! Reading spanned TOML by hand, so that every problem of a file is collected with its
//! location instead of stopping at the first (serde stops at the first).
//!
//! Shared by sessions, programs and voice pack manifests.

use crate::session::Code;
use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::{Diagnostic, Source, suggestion};
use super::duration::{DURATION_HELP, Duration, parse_duration};

/// Files larger than this are refused before parsing: sessions are small text files.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// A TOML value with its span.
pub type Value<'i> = Spanned<DeValue<'i>>;

/// Collects diagnostics for one source file.
pub struct Ctx {
    /// The file being read.
    pub source: Arc<Source>,
    /// Everything found so far.
    pub diags: Vec<Diagnostic>,
}

impl Ctx {
    /// Starts collecting problems of `source`.
    pub fn new(source: Arc<Source>) -> Self {
        Ctx {
            source,
            diags: Vec::new(),
        }
    }

    /// Records an error of kind `code`.
    pub fn error(
        &mut self,
        code: Code,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(code, &self.source, Some(span), message));
        self.diags.last_mut().expect("just pushed")
    }

    /// Records a warning of kind `code`.
    pub fn warning(
        &mut self,
        code: Code,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::warning(code, &self.source, Some(span), message));
        self.diags.last_mut().expect("just pushed")
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }
}

/// Turns raw file bytes into text, or a located diagnostic for a file that is not
/// a readable text file (not UTF-8, empty, too large).
pub fn decode_text(
    display_path: &std::path::Path,
    bytes: &[u8],
    what: &str,
) -> Result<Arc<Source>, Diagnostic> {
    if bytes.len() > MAX_FILE_BYTES {
        let source = Source::new(display_path, "");
        return Err(Diagnostic::error(Code::Unreadable,
            &source,
            None,
            format!(
                "the file is {} bytes; {what} files are small text files of at most 1 MiB ({MAX_FILE_BYTES} bytes)",
                bytes.len()
            ),
        )
        .with_help("check that this is the right file"));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let source = Source::new(display_path, text);
            if text.trim().is_empty() {
                return Err(Diagnostic::error(
                    Code::Unreadable,
                    &source,
                    None,
                    format!("the file is empty; a {what} needs at least {}", needs(what)),
                ));
            }
            Ok(source)
        }
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let text = String::from_utf8_lossy(bytes).into_owned();
            let source = Source::new(display_path, text);
            let offset = std::str::from_utf8(valid).map(str::len).unwrap_or(0);
            Err(Diagnostic::error(
                Code::Unreadable,
                &source,
                Some(offset..offset + 1),
                "the file is not valid UTF-8 text",
            )
            .with_help("save the file as UTF-8 (any text editor can); TOML files must be UTF-8"))
        }
    }
}

fn needs(what: &str) -> &'static str {
    match what {
        "session" => "a `title` and one `[[block]]`",
        "program" => "a `[program]` table with `title` and `sessions`",
        _ => "a `[pack]` table and a `[clips]` table",
    }
}

/// Parses TOML text, reporting every syntax error it can recover from.
pub fn parse_document<'i>(ctx: &mut Ctx, text: &'i str) -> Option<Spanned<DeTable<'i>>> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        return Some(table);
    }
    for e in errors {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().trim_end_matches('.').to_owned();
        let message = if message.is_empty() {
            "invalid TOML".to_owned()
        } else {
            format!("invalid TOML: {message}")
        };
        ctx.error(Code::Syntax, span, message).help = Some(
            "see the TOML syntax at https://toml.io; strings need quotes: title = \"Week 1\""
                .to_owned(),
        );
    }
    None
}

/// A table being read: tracks which keys were looked at, so the rest can be reported
/// as unknown with a suggestion.
pub struct TableReader<'t, 'i> {
    table: &'t DeTable<'i>,
    /// The table's own span.
    pub span: Range<usize>,
    /// How the table is named in messages, e.g. "the `[metronome]` table".
    pub what: String,
    known: std::borrow::Cow<'static, [&'static str]>,
}

impl<'t, 'i> TableReader<'t, 'i> {
    /// Starts reading `table`, which may contain only the `known` keys.
    pub fn new(
        table: &'t DeTable<'i>,
        span: Range<usize>,
        what: impl Into<String>,
        known: impl Into<std::borrow::Cow<'static, [&'static str]>>,
    ) -> Self {
        TableReader {
            table,
            span,
            what: what.into(),
            known: known.into(),
        }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&'t Value<'i>> {
        self.table.get(key)
    }

    /// Reports every key not in the known list. `elsewhere` may explain keys that belong
    /// to another table or kind.
    pub fn finish(self, ctx: &mut Ctx, elsewhere: impl Fn(&str) -> Option<String>) {
        let mut unknown: Vec<_> = self
            .table
            .iter()
            .filter(|(k, _)| !self.known.contains(&k.get_ref().as_ref()))
            .collect();
        unknown.sort_by_key(|(k, _)| k.span().start);
        for (key, _) in unknown {
            let name = key.get_ref().as_ref();
            let help = elsewhere(name)
                .or_else(|| suggestion(name, self.known.iter().copied()))
                .unwrap_or_else(|| {
                    format!(
                        "the keys of {} are: {}",
                        self.what,
                        self.known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
            ctx.error(
                Code::UnknownKey,
                key.span(),
                format!("unknown key `{name}` in {}", self.what),
            )
            .help = Some(help);
        }
    }
}

/// The name of a TOML value's type, for "found a …" messages.
pub fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a number",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// Reads a string value.
pub fn string(ctx: &mut Ctx, key: &str, value: &Value<'_>) -> Option<String> {
    match value.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        other => {
            ctx.error(
                Code::WrongType,
                value.span(),
                format!("`{key}` must be a string, found {}", type_name(other)),
            )
            .help = Some(format!("put the text in double quotes: {key} = \"…\""));
            None
        }
    }
}

/// Reads a boolean.
pub fn boolean(ctx: &mut Ctx, key: &str, value: &Value<'_>) -> Option<bool> {
    match value.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        DeValue::String(s) if s == "true" || s == "false" => {
            ctx.error(
                Code::WrongType,
                value.span(),
                format!("`{key}` must be true or false without quotes"),
            )
            .help = Some(format!("write {key} = {s}"));
            None
        }
        other => {
            ctx.error(
                Code::WrongType,
                value.span(),
                format!("`{key}` must be true or false, found {}", type_name(other)),
            );
            None
        }
    }
}

/// Reads an integer in `range`; `unit` completes the messages ("steps per minute").
pub fn integer(
    ctx: &mut Ctx,
    key: &str,
    value: &Value<'_>,
    range: std::ops::RangeInclusive<i64>,
    unit: &str,
) -> Option<i64> {
    let parsed = match value.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(
            &i.as_str()
                .replace('_', "")
                .replace("0x", "")
                .replace("0o", "")
                .replace("0b", ""),
            i.radix(),
        )
        .ok(),
        DeValue::Float(f) => {
            let v: f64 = f.as_str().replace('_', "").parse().unwrap_or(f64::NAN);
            if v.fract() == 0.0 && v.is_finite() {
                Some(v as i64)
            } else {
                ctx.error(
                    Code::WrongType,
                    value.span(),
                    format!("`{key}` must be a whole number, found {}", f.as_str()),
                );
                return None;
            }
        }
        DeValue::String(s) => {
            let help = if s.trim().parse::<i64>().is_ok() {
                format!("write {key} = {} without quotes", s.trim())
            } else {
                format!("for example {key} = {}", range.start())
            };
            return not_a_number(ctx, key, value, "a whole number", Some(help));
        }
        _ => return not_a_number(ctx, key, value, "a whole number", None),
    };
    within(ctx, key, value, parsed, range, unit)
}

/// Reads a number (integer or float) in `range`.
pub fn number(
    ctx: &mut Ctx,
    key: &str,
    value: &Value<'_>,
    range: std::ops::RangeInclusive<f64>,
) -> Option<f64> {
    let parsed = match value.get_ref() {
        DeValue::Integer(i) => i.as_str().replace('_', "").parse::<f64>().ok(),
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
        DeValue::String(s) => {
            let help = if s.trim().parse::<f64>().is_ok() {
                Some(format!("write {key} = {} without quotes", s.trim()))
            } else {
                None
            };
            return not_a_number(ctx, key, value, "a number", help);
        }
        _ => return not_a_number(ctx, key, value, "a number", None),
    };
    within(ctx, key, value, parsed, range, "")
}

/// Reports a value that is not `what` ("a number"): "found a string" (with `help`, e.g.
/// to drop the quotes) or the TOML type it is.
fn not_a_number<T>(
    ctx: &mut Ctx,
    key: &str,
    value: &Value<'_>,
    what: &str,
    help: Option<String>,
) -> Option<T> {
    let found = type_name(value.get_ref());
    ctx.error(
        Code::WrongType,
        value.span(),
        format!("`{key}` must be {what}, found {found}"),
    )
    .help = help;
    None
}

/// `parsed` when it is in `range`; otherwise "`key` must be between A and B{unit}".
fn within<T: PartialOrd + std::fmt::Display>(
    ctx: &mut Ctx,
    key: &str,
    value: &Value<'_>,
    parsed: Option<T>,
    range: std::ops::RangeInclusive<T>,
    unit: &str,
) -> Option<T> {
    match parsed {
        Some(v) if range.contains(&v) => Some(v),
        _ => {
            ctx.error(
                Code::OutOfRange,
                value.span(),
                format!(
                    "`{key}` must be between {} and {}{unit}",
                    range.start(),
                    range.end()
                ),
            );
            None
        }
    }
}

/// Reads a duration string. Negative values are accepted only when `allow_negative`.
pub fn duration(
    ctx: &mut Ctx,
    key: &str,
    value: &Value<'_>,
    allow_negative: bool,
) -> Option<Duration> {
    match value.get_ref() {
        DeValue::String(s) => match parse_duration(s) {
            Ok(d) if d.micros() < 0 && !allow_negative => {
                ctx.error(
                    Code::BadDuration,
                    value.span(),
                    format!("`{key}` cannot be negative"),
                )
                .help = Some("only a cue's `at` counts back from the block's end".to_owned());
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                ctx.error(
                    Code::BadDuration,
                    value.span(),
                    format!("invalid duration for `{key}`: {e}"),
                )
                .help = Some(e.help());
                None
            }
        },
        DeValue::Integer(_) | DeValue::Float(_) => {
            let n = match value.get_ref() {
                DeValue::Integer(i) => i.as_str(),
                DeValue::Float(f) => f.as_str(),
                _ => "",
            }
            .replace('_', "");
            ctx.error(
                Code::BadDuration,
                value.span(),
                format!("`{key}` needs a unit: a bare number is ambiguous"),
            )
            .help = Some(format!(
                "write {key} = \"{n}s\" for {n} seconds or {key} = \"{n}m\" for {n} minutes"
            ));
            None
        }
        other => {
            ctx.error(
                Code::BadDuration,
                value.span(),
                format!(
                    "`{key}` must be a duration string, found {}",
                    type_name(other)
                ),
            )
            .help = Some(DURATION_HELP.to_owned());
            None
        }
    }
}

/// The items of a list value; anything else is reported as "`key` must be a list of
/// `what`, found …" with `help` (one wording for every list a session holds).
pub fn list<'t, 'i>(
    ctx: &mut Ctx,
    key: &str,
    value: &'t Value<'i>,
    what: &str,
    help: &str,
) -> Option<&'t [Value<'i>]> {
    match value.get_ref() {
        DeValue::Array(items) => Some(&items[..]),
        other => {
            ctx.error(
                Code::WrongType,
                value.span(),
                format!(
                    "`{key}` must be a list of {what}, found {}",
                    type_name(other)
                ),
            )
            .help = Some(help.to_string());
            None
        }
    }
}

/// Reads a list of strings.
pub fn string_list(
    ctx: &mut Ctx,
    key: &str,
    value: &Value<'_>,
) -> Option<Vec<(String, Range<usize>)>> {
    match value.get_ref() {
        DeValue::Array(items) => {
            let mut out = Vec::new();
            let mut ok = true;
            for item in items.iter() {
                match item.get_ref() {
                    DeValue::String(s) => out.push((s.to_string(), item.span())),
                    other => {
                        ok = false;
                        ctx.error(
                            Code::WrongType,
                            item.span(),
                            format!(
                                "the items of `{key}` must be strings, found {}",
                                type_name(other)
                            ),
                        );
                    }
                }
            }
            ok.then_some(out)
        }
        DeValue::String(s) => {
            ctx.error(
                Code::WrongType,
                value.span(),
                format!("`{key}` must be a list"),
            )
            .help = Some(format!("write {key} = [\"{s}\"]"));
            None
        }
        other => {
            ctx.error(
                Code::WrongType,
                value.span(),
                format!(
                    "`{key}` must be a list of strings, found {}",
                    type_name(other)
                ),
            );
            None
        }
    }
}

/// Reads a table value.
pub fn table<'t, 'i>(ctx: &mut Ctx, key: &str, value: &'t Value<'i>) -> Option<&'t DeTable<'i>> {
    match value.get_ref() {
        DeValue::Table(t) => Some(t),
        other => {
            ctx.error(
                Code::WrongType,
                value.span(),
                format!("`{key}` must be a table, found {}", type_name(other)),
            )
            .help = Some(format!("write it as a section: [{key}]"));
            None
        }
    }
}
