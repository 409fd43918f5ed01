//! From session file text to a validated [`Session`], collecting every problem.

use crate::session::Code;
use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::diagnostic::{Diagnostic, suggestion};
use super::duration::Duration;
use super::model::*;
use super::toml_reader::*;
use crate::voice::DEFAULT_VOICE;

const TOP_KEYS: &[&str] = &[
    "title",
    "description",
    "voice",
    "cadence",
    "auto_cues",
    "countdown",
    "presence",
    "metronome",
    "reminders",
    "block",
];
const METRONOME_KEYS: &[&str] = &[
    "sound",
    "volume",
    "accent_every",
    "duck_db",
    "pattern",
    "settle",
    "check_every",
    "check_for",
];
const REMINDER_KEYS: &[&str] = &["every", "clips", "kinds"];
const CUE_KEYS: &[&str] = &["at", "every", "from", "clip", "say"];
const COMMON_BLOCK_KEYS: [&str; 7] = [
    "kind",
    "name",
    "cues",
    "auto_cues",
    "metronome",
    "reminders",
    "presence",
];
/// The shortest and longest presence interval.
pub const PRESENCE_RANGE: std::ops::RangeInclusive<Duration> =
    Duration::from_secs(15)..=Duration::from_secs(600);

/// The built-in click sounds.
pub const CLICK_SOUNDS: [&str; 4] = ["tik", "klak", "piep", "tok"];

/// The keys a block of `kind` has besides the [`COMMON_BLOCK_KEYS`].
fn keys(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Walk => &["duration", "remaining"],
        Kind::Silence => &["duration"],
        Kind::Run => &["duration", "cadence", "remaining"],
        Kind::Intervals => &["repeat", "run", "walk", "walk_last", "cadence"],
        Kind::Strength => &["exercises", "work", "rest"],
        Kind::Stretch => &["stretches", "hold", "sides"],
        Kind::Breathe => &["duration", "inhale", "exhale", "hold"],
    }
}

/// Which kinds have a key: used to explain a key written in the wrong kind of block.
fn kinds_with_key(key: &str) -> Vec<&'static str> {
    Kind::ALL
        .into_iter()
        .filter(|k| keys(*k).contains(&key))
        .map(Kind::name)
        .collect()
}

/// Parses and validates a session file. `display_path` is used in messages; relative
/// paths in the file (a click WAV) are resolved against `base_dir`.
///
/// Returns the session when the file is usable, and every problem found (errors and
/// warnings) either way.
pub fn parse_session(
    display_path: &Path,
    bytes: &[u8],
    base_dir: &Path,
) -> (Option<Session>, Vec<Diagnostic>) {
    let (session, diags) = parse_session_partial(display_path, bytes, base_dir);
    let usable = !diags.iter().any(Diagnostic::is_error);
    (session.filter(|_| usable), diags)
}

/// Like [`parse_session`], but also returns what could be read of a file with
/// errors: the blocks and cues that are valid, defaults elsewhere. `check` compiles
/// it to find the problems later stages would report (unknown clip ids), so one run
/// reports them all. Never play such a session.
pub fn parse_session_partial(
    display_path: &Path,
    bytes: &[u8],
    base_dir: &Path,
) -> (Option<Session>, Vec<Diagnostic>) {
    let source = match decode_text(display_path, bytes, "session") {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let mut ctx = Ctx::new(source.clone());
    let text = source.text.as_str();
    let Some(doc) = parse_document(&mut ctx, text) else {
        return (None, ctx.diags);
    };
    let root = TableReader::new(doc.get_ref(), 0..0, "the session", TOP_KEYS);

    let title = match root.get("title") {
        Some(v) => string(&mut ctx, "title", v).filter(|t| {
            if t.trim().is_empty() {
                ctx.error(Code::Empty, v.span(), "`title` is empty").help =
                    Some("give the session a title, e.g. title = \"Week 1 · training 1\"".into());
                false
            } else {
                true
            }
        }),
        None => {
            ctx.diags.push(
                Diagnostic::error(
                    Code::MissingKey,
                    &source,
                    Some(0..0),
                    "the session has no `title`",
                )
                .with_help("add a line at the top: title = \"Week 1 · training 1\""),
            );
            None
        }
    };
    let description = root
        .get("description")
        .and_then(|v| string(&mut ctx, "description", v));
    let voice = match root.get("voice") {
        Some(v) => string(&mut ctx, "voice", v).map(|s| Located::new(s, v.span())),
        None => Some(Located::new(DEFAULT_VOICE.to_owned(), 0..0)),
    };
    let cadence = root
        .get("cadence")
        .map(|v| cadence(&mut ctx, v).map(|c| Located::new(c, v.span())))
        .unwrap_or(Some(Located::new(Cadence::steady(170), 0..0)));
    let auto_cues = root
        .get("auto_cues")
        .map(|v| boolean(&mut ctx, "auto_cues", v))
        .unwrap_or(Some(true));
    let countdown = root.get("countdown").and_then(|v| {
        let name = string(&mut ctx, "countdown", v)?;
        let found = Countdown::from_name(&name);
        if found.is_none() {
            let help = suggestion(&name, Countdown::NAMES)
                .unwrap_or_else(|| "use \"spoken\", \"tone\" or \"none\"".into());
            ctx.error(
                Code::UnknownName,
                v.span(),
                format!("unknown countdown `{name}`"),
            )
            .help = Some(help);
        }
        found
    });
    let presence = root
        .get("presence")
        .and_then(|v| read_presence(&mut ctx, v));
    let metronome = read_metronome(&mut ctx, root.get("metronome"), base_dir);
    let reminders = read_reminders(&mut ctx, root.get("reminders"));

    let mut blocks = Vec::new();
    let mut blocks_ok = true;
    match root.get("block") {
        None => {
            let help = if root.get("blocks").is_some() {
                "the table is called [[block]], singular"
            } else {
                "add a block: a line [[block]] followed by kind = \"walk\" and duration = \"5m\""
            };
            ctx.diags.push(
                Diagnostic::error(
                    Code::MissingKey,
                    &source,
                    Some(0..0),
                    "the session has no `[[block]]`",
                )
                .with_help(help),
            );
            blocks_ok = false;
        }
        Some(v) => match v.get_ref() {
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    match item.get_ref() {
                        DeValue::Table(t) => match read_block(&mut ctx, i + 1, t, item.span()) {
                            Some(b) => blocks.push(b),
                            None => blocks_ok = false,
                        },
                        other => {
                            ctx.error(
                                Code::WrongType,
                                item.span(),
                                format!("each block must be a table, found {}", type_name(other)),
                            );
                            blocks_ok = false;
                        }
                    }
                }
            }
            other => {
                ctx.error(
                    Code::WrongType,
                    v.span(),
                    format!(
                        "`block` must be a list of [[block]] tables, found {}",
                        type_name(other)
                    ),
                )
                .help = Some("write each block as a [[block]] section".into());
                blocks_ok = false;
            }
        },
    }
    root.finish(&mut ctx, |k| match k {
        "blocks" => Some("the table is called [[block]], singular".into()),
        "title_" => None,
        _ if METRONOME_KEYS.contains(&k) => Some(format!("`{k}` belongs in the [metronome] table")),
        _ if COMMON_BLOCK_KEYS.contains(&k) || !kinds_with_key(k).is_empty() => {
            Some(format!("`{k}` is a block key: put it under a [[block]]"))
        }
        _ => None,
    });

    if blocks_ok {
        let mut total = Duration::ZERO;
        for b in &blocks {
            total = total + b.duration();
            if total > MAX_SESSION {
                ctx.error(
                    Code::TooLong,
                    b.span.clone(),
                    format!(
                        "the session is longer than 4 hours ({total} by the end of this block)"
                    ),
                )
                .help = Some("split it into several sessions".into());
                break;
            }
        }
    }

    let session = Session {
        source,
        title: title.unwrap_or_default(),
        description,
        voice: voice.unwrap_or_else(|| Located::new(DEFAULT_VOICE.to_owned(), 0..0)),
        cadence: cadence.unwrap_or_else(|| Located::new(Cadence::steady(170), 0..0)),
        auto_cues: auto_cues.unwrap_or(true),
        countdown: countdown.unwrap_or_default(),
        metronome: metronome.unwrap_or_else(default_metronome),
        reminders: reminders.unwrap_or_default(),
        presence: presence.flatten(),
        blocks,
    };
    (Some(session), ctx.diags)
}

/// The top-level `presence`: a duration in [`PRESENCE_RANGE`], or `false` for none.
/// `Some(None)` is a valid "off".
fn read_presence(ctx: &mut Ctx, v: &Value<'_>) -> Option<Option<Duration>> {
    const HELP: &str = "write presence = \"60s\" for a soft tok after a minute without sound, or presence = false for none";
    match v.get_ref() {
        DeValue::Boolean(false) => Some(None),
        DeValue::Boolean(true) => {
            ctx.error(
                Code::WrongType,
                v.span(),
                "`presence` needs an interval, not `true`",
            )
            .help = Some(HELP.into());
            None
        }
        _ => {
            let d = duration(ctx, "presence", v, false)?;
            if !PRESENCE_RANGE.contains(&d) {
                ctx.error(
                    Code::OutOfRange,
                    v.span(),
                    format!(
                        "`presence` must be between {} and {}, found {d}",
                        PRESENCE_RANGE.start(),
                        PRESENCE_RANGE.end()
                    ),
                )
                .help = Some(HELP.into());
                return None;
            }
            Some(Some(d))
        }
    }
}

fn default_metronome() -> Metronome {
    Metronome {
        sound: Located::new(ClickSound::Tik, 0..0),
        volume: 0.6,
        accent_every: 0,
        duck_db: -12.0,
        pattern: Pattern::Continuous,
    }
}

fn read_metronome(ctx: &mut Ctx, value: Option<&Value<'_>>, base_dir: &Path) -> Option<Metronome> {
    let mut m = default_metronome();
    let Some(value) = value else { return Some(m) };
    let t = table(ctx, "metronome", value)?;
    let r = TableReader::new(t, value.span(), "the [metronome] table", METRONOME_KEYS);
    let before = ctx.diags.len();
    if let Some(v) = r.get("sound")
        && let Some(s) = string(ctx, "sound", v)
    {
        let sound = match s.as_str() {
            "tik" => Some(ClickSound::Tik),
            "klak" => Some(ClickSound::Klak),
            "piep" => Some(ClickSound::Piep),
            "tok" => Some(ClickSound::Tok),
            path if path.contains('.') || path.contains('/') || path.contains('\\') => {
                let full = base_dir.join(path);
                if full.is_file() {
                    // Whether it decodes is checked where audio is loaded (crate::load).
                    Some(ClickSound::File(full))
                } else if full.exists() {
                    ctx.error(
                        Code::ClickSound,
                        v.span(),
                        format!("the click sound `{path}` is not a file"),
                    );
                    None
                } else {
                    ctx.error(
                        Code::ClickSound,
                        v.span(),
                        format!("the click sound file `{path}` does not exist"),
                    )
                    .help = Some(format!(
                        "paths are relative to the session file's folder; looked for {}",
                        full.display()
                    ));
                    None
                }
            }
            other => {
                let help = suggestion(other, CLICK_SOUNDS).unwrap_or_else(|| {
                    "use \"tik\", \"klak\", \"piep\", \"tok\" or the path of a WAV file".into()
                });
                ctx.error(
                    Code::UnknownName,
                    v.span(),
                    format!("unknown click sound `{other}`"),
                )
                .help = Some(help);
                None
            }
        };
        if let Some(sound) = sound {
            m.sound = Located::new(sound, v.span());
        }
    }
    if let Some(v) = r.get("volume")
        && let Some(x) = number(ctx, "volume", v, 0.0..=1.0)
    {
        m.volume = x as f32;
    }
    if let Some(v) = r.get("accent_every")
        && let Some(x) = integer(ctx, "accent_every", v, 0..=64, " steps")
    {
        m.accent_every = x as u32;
    }
    if let Some(v) = r.get("duck_db")
        && let Some(x) = number(ctx, "duck_db", v, -60.0..=0.0)
    {
        m.duck_db = x as f32;
    }
    let mut settle = Duration::from_secs(30);
    let mut check_every = Duration::from_secs(120);
    let mut check_for = Duration::from_secs(15);
    let mut settle_pattern = false;
    if let Some(v) = r.get("pattern")
        && let Some(s) = string(ctx, "pattern", v)
    {
        match s.as_str() {
            "continuous" => {}
            "settle" => settle_pattern = true,
            other => {
                let help = suggestion(other, ["continuous", "settle"])
                    .unwrap_or_else(|| "use \"continuous\" or \"settle\"".into());
                ctx.error(
                    Code::UnknownName,
                    v.span(),
                    format!("unknown metronome pattern `{other}`"),
                )
                .help = Some(help);
            }
        }
    }
    for (key, slot) in [
        ("settle", &mut settle),
        ("check_every", &mut check_every),
        ("check_for", &mut check_for),
    ] {
        if let Some(v) = r.get(key)
            && let Some(d) = duration(ctx, key, v, false)
        {
            if d <= Duration::ZERO {
                ctx.error(
                    Code::BadDuration,
                    v.span(),
                    format!("`{key}` must be longer than zero"),
                );
            } else {
                *slot = d;
            }
        }
    }
    if check_for >= check_every {
        let span = r
            .get("check_for")
            .or(r.get("check_every"))
            .map_or(value.span(), |v| v.span());
        ctx.error(Code::CheckBurst, span, format!("`check_for` ({check_for}) must be shorter than `check_every` ({check_every})"))
            .help = Some("a check burst is a short reminder of the cadence, e.g. check_for = \"15s\" with check_every = \"2m\"".into());
    }
    if settle_pattern {
        m.pattern = Pattern::Settle {
            settle,
            check_every,
            check_for,
        };
    }
    r.finish(ctx, |_| None);
    (ctx.diags[before..].iter().all(|d| !d.is_error())).then_some(m)
}

fn read_reminders(ctx: &mut Ctx, value: Option<&Value<'_>>) -> Option<Reminders> {
    let mut rem = Reminders::default();
    let Some(value) = value else { return Some(rem) };
    let t = table(ctx, "reminders", value)?;
    let r = TableReader::new(t, value.span(), "the [reminders] table", REMINDER_KEYS);
    let before = ctx.diags.len();
    if let Some(v) = r.get("every")
        && let Some(d) = duration(ctx, "every", v, false)
    {
        if d < Duration::from_secs(10) {
            ctx.error(
                Code::OutOfRange,
                v.span(),
                "reminders `every` must be at least 10s",
            )
            .help = Some("the coach speaks sparingly: \"2m\" is the default".into());
        } else {
            rem.every = d;
        }
    }
    if let Some(v) = r.get("clips")
        && let Some(list) = string_list(ctx, "clips", v)
    {
        rem.clips = Some(
            list.into_iter()
                .map(|(s, span)| Located::new(s, span))
                .collect(),
        );
    }
    if let Some(v) = r.get("kinds")
        && let Some(list) = string_list(ctx, "kinds", v)
    {
        let mut kinds = Vec::new();
        for (name, span) in list {
            match Kind::from_name(&name) {
                Some(k) if !kinds.contains(&k) => kinds.push(k),
                Some(_) => {}
                None => {
                    let help = suggestion(&name, KIND_NAMES).unwrap_or_else(|| {
                        format!("the block kinds are: {}", KIND_NAMES.join(", "))
                    });
                    ctx.error(
                        Code::UnknownName,
                        span,
                        format!("unknown block kind `{name}` in reminders `kinds`"),
                    )
                    .help = Some(help);
                }
            }
        }
        rem.kinds = kinds;
    }
    r.finish(ctx, |_| None);
    (ctx.diags[before..].iter().all(|d| !d.is_error())).then_some(rem)
}

/// A cadence: a number of steps per minute (`172`), or a ramp written as a string of
/// two numbers (`"170-176"`), each in [`CADENCE_RANGE`].
fn cadence(ctx: &mut Ctx, v: &Value<'_>) -> Option<Cadence> {
    let DeValue::String(text) = v.get_ref() else {
        return integer(ctx, "cadence", v, CADENCE_RANGE, " steps per minute")
            .map(|c| Cadence::steady(c as u32));
    };
    if text.trim().parse::<i64>().is_ok() {
        // A quoted number: the integer reader says to drop the quotes.
        return integer(ctx, "cadence", v, CADENCE_RANGE, " steps per minute")
            .map(|c| Cadence::steady(c as u32));
    }
    let ends: Option<Vec<i64>> = text
        .split_once('-')
        .map(|(a, b)| [a, b].iter().map(|s| s.trim().parse().ok()).collect())
        .unwrap_or(None);
    let Some(&[start, end]) = ends.as_deref() else {
        ctx.error(Code::BadCadence,
            v.span(),
            format!("`cadence` must be steps per minute or a ramp, found \"{text}\""),
        )
        .help = Some(
            "write cadence = 172 for a steady cadence, or cadence = \"170-176\" to rise from 170 to 176 over the run".into(),
        );
        return None;
    };
    if !CADENCE_RANGE.contains(&start) || !CADENCE_RANGE.contains(&end) {
        ctx.error(
            Code::BadCadence,
            v.span(),
            format!(
                "both ends of the cadence ramp must be between {} and {} steps per minute",
                CADENCE_RANGE.start(),
                CADENCE_RANGE.end()
            ),
        );
        return None;
    }
    Some(Cadence {
        start: start as u32,
        end: end as u32,
    })
}

fn positive(ctx: &mut Ctx, key: &str, v: &Value<'_>) -> Option<Duration> {
    let d = duration(ctx, key, v, false)?;
    if d <= Duration::ZERO {
        ctx.error(
            Code::BadDuration,
            v.span(),
            format!("`{key}` must be longer than zero"),
        );
        return None;
    }
    Some(d)
}

fn required<'t, 'i>(
    ctx: &mut Ctx,
    r: &TableReader<'t, 'i>,
    key: &str,
    kind: &str,
    example: &str,
) -> Option<&'t Value<'i>> {
    let v = r.get(key);
    if v.is_none() {
        ctx.error(
            Code::MissingKey,
            r.span.clone(),
            format!("{} has no `{key}`", r.what),
        )
        .help = Some(format!("a {kind} block needs it, e.g. {key} = {example}"));
    }
    v
}

fn read_block(ctx: &mut Ctx, number: usize, t: &DeTable<'_>, span: Range<usize>) -> Option<Block> {
    let kind = read_kind(ctx, number, t, &span)?;
    let r = TableReader::new(
        t,
        span.clone(),
        format!("block {number} ({})", kind.name()),
        [&COMMON_BLOCK_KEYS[..], keys(kind)].concat(),
    );
    let name = r.get("name").and_then(|v| string(ctx, "name", v));
    let auto_cues = r
        .get("auto_cues")
        .and_then(|v| boolean(ctx, "auto_cues", v));
    let metronome = r
        .get("metronome")
        .and_then(|v| boolean(ctx, "metronome", v));
    let reminders = r
        .get("reminders")
        .and_then(|v| boolean(ctx, "reminders", v));
    let presence = r.get("presence").and_then(|v| boolean(ctx, "presence", v));
    let b = BlockReader {
        r: &r,
        kind,
        number,
        span: &span,
    };
    let block_kind = match kind {
        Kind::Walk => b
            .dur(ctx, "duration", "\"5m\"")
            .map(|duration| BlockKind::Walk { duration }),
        Kind::Silence => b
            .dur(ctx, "duration", "\"5m\"")
            .map(|duration| BlockKind::Silence { duration }),
        Kind::Run => {
            let cadence = b.cadence(ctx);
            b.dur(ctx, "duration", "\"8m\"")
                .map(|duration| BlockKind::Run { duration, cadence })
        }
        Kind::Intervals => b.intervals(ctx),
        Kind::Strength => b.strength(ctx),
        Kind::Stretch => b.stretch(ctx),
        Kind::Breathe => b.breathe(ctx),
    };
    let cues = read_cues(ctx, &r, block_kind.as_ref().map(BlockKind::duration));
    let remaining = read_remaining(ctx, &r, block_kind.as_ref().map(BlockKind::duration));
    r.finish(ctx, |k| {
        let kinds = kinds_with_key(k);
        (!kinds.is_empty()).then(|| {
            format!(
                "`{k}` is a key of {} blocks, not of {} blocks",
                kinds.join("/"),
                kind.name()
            )
        })
    });
    // A block with errors in its cues is kept with its valid cues, so that `check`
    // can still look up their clips; the session is refused anyway.
    Some(Block {
        kind: block_kind?,
        name,
        cues,
        auto_cues,
        metronome,
        reminders,
        presence,
        remaining,
        span,
    })
}

/// `remaining = ["10m", "5m", "1m"]`: each time before the block's end at which the
/// time left is spoken. Each must be positive and shorter than the block; one given
/// twice counts once.
fn read_remaining(
    ctx: &mut Ctx,
    r: &TableReader<'_, '_>,
    block_len: Option<Duration>,
) -> Vec<Located<Duration>> {
    let Some(v) = r.get("remaining") else {
        return Vec::new();
    };
    let help = "e.g. remaining = [\"10m\", \"5m\", \"1m\"]";
    let Some(items) = list(ctx, "remaining", v, "durations", help) else {
        return Vec::new();
    };
    let mut out: Vec<Located<Duration>> = Vec::new();
    for item in items {
        let Some(d) = positive(ctx, "remaining", item) else {
            continue;
        };
        if let Some(len) = block_len
            && d >= len
        {
            ctx.error(
                Code::CueOutside,
                item.span(),
                format!("{d} before the end is outside this block, which lasts {len}"),
            )
            .help = Some(format!("use times shorter than {len}"));
            continue;
        }
        if !out.iter().any(|o| o.value == d) {
            out.push(Located::new(d, item.span()));
        }
    }
    out
}

/// The `kind` of block `number`, or an error saying which kinds there are.
fn read_kind(ctx: &mut Ctx, number: usize, t: &DeTable<'_>, span: &Range<usize>) -> Option<Kind> {
    let Some(v) = t.get("kind") else {
        ctx.error(
            Code::MissingKey,
            span.clone(),
            format!("block {number} has no `kind`"),
        )
        .help = Some(format!(
            "add e.g. kind = \"walk\"; the kinds are: {}",
            KIND_NAMES.join(", ")
        ));
        return None;
    };
    let k = string(ctx, "kind", v)?;
    let kind = Kind::from_name(&k);
    if kind.is_none() {
        let help = suggestion(&k, KIND_NAMES)
            .unwrap_or_else(|| format!("the kinds are: {}", KIND_NAMES.join(", ")));
        ctx.error(
            Code::UnknownName,
            v.span(),
            format!("unknown block kind `{k}`"),
        )
        .help = Some(help);
    }
    kind
}

/// The keys of one block, read by kind.
struct BlockReader<'a, 'r, 't> {
    r: &'a TableReader<'r, 't>,
    kind: Kind,
    number: usize,
    span: &'a Range<usize>,
}

impl BlockReader<'_, '_, '_> {
    /// A required positive duration.
    fn dur(&self, ctx: &mut Ctx, key: &str, example: &str) -> Option<Duration> {
        required(ctx, self.r, key, self.kind.name(), example).and_then(|v| positive(ctx, key, v))
    }

    /// An optional duration with its default; zero only where `allow_zero`.
    fn opt_dur(
        &self,
        ctx: &mut Ctx,
        key: &str,
        default: Duration,
        allow_zero: bool,
    ) -> Option<Duration> {
        match self.r.get(key) {
            None => Some(default),
            Some(v) if allow_zero => duration(ctx, key, v, false),
            Some(v) => positive(ctx, key, v),
        }
    }

    /// The block's own cadence, if it has one.
    fn cadence(&self, ctx: &mut Ctx) -> Option<Located<Cadence>> {
        self.r
            .get("cadence")
            .and_then(|v| cadence(ctx, v).map(|c| Located::new(c, v.span())))
    }

    fn intervals(&self, ctx: &mut Ctx) -> Option<BlockKind> {
        let cadence = self.cadence(ctx);
        let repeat = required(ctx, self.r, "repeat", self.kind.name(), "6")
            .and_then(|v| integer(ctx, "repeat", v, 1..=100, " runs"));
        let run = self.dur(ctx, "run", "\"1m\"");
        let walk_last = self
            .r
            .get("walk_last")
            .map(|v| boolean(ctx, "walk_last", v))
            .unwrap_or(Some(false));
        let needs_walk = repeat.is_none_or(|n| n > 1) || walk_last == Some(true);
        let walk = match self.r.get("walk") {
            Some(v) => positive(ctx, "walk", v),
            None if needs_walk => self.dur(ctx, "walk", "\"2m\""),
            None => Some(Duration::ZERO),
        };
        Some(BlockKind::Intervals {
            repeat: repeat? as u32,
            run: run?,
            walk: walk?,
            walk_last: walk_last?,
            cadence,
        })
    }

    fn strength(&self, ctx: &mut Ctx) -> Option<BlockKind> {
        let exercises = required(
            ctx,
            self.r,
            "exercises",
            self.kind.name(),
            "[\"squats\", \"lunges\", \"plank\"]",
        )
        .and_then(|v| non_empty_list(ctx, "exercises", v));
        let work = self.opt_dur(ctx, "work", Duration::from_secs(30), false);
        let rest = self.opt_dur(ctx, "rest", Duration::from_secs(15), true);
        Some(BlockKind::Strength {
            exercises: exercises?,
            work: work?,
            rest: rest?,
        })
    }

    fn stretch(&self, ctx: &mut Ctx) -> Option<BlockKind> {
        let stretches = required(
            ctx,
            self.r,
            "stretches",
            self.kind.name(),
            "[\"kuiten\", \"hamstrings\", \"quadriceps\"]",
        )
        .and_then(|v| non_empty_list(ctx, "stretches", v));
        let hold = self.opt_dur(ctx, "hold", Duration::from_secs(30), false);
        let sides = self
            .r
            .get("sides")
            .map(|v| integer(ctx, "sides", v, 1..=2, ""))
            .unwrap_or(Some(2));
        Some(BlockKind::Stretch {
            stretches: stretches?,
            hold: hold?,
            sides: sides? as u32,
        })
    }

    fn breathe(&self, ctx: &mut Ctx) -> Option<BlockKind> {
        let r = self.r;
        let duration = self.dur(ctx, "duration", "\"2m\"");
        let inhale = self
            .opt_dur(ctx, "inhale", Duration::from_secs(4), false)
            .filter(|d| at_least_a_second(ctx, r, "inhale", *d));
        let exhale = self
            .opt_dur(ctx, "exhale", Duration::from_secs(6), false)
            .filter(|d| at_least_a_second(ctx, r, "exhale", *d));
        let hold = self.opt_dur(ctx, "hold", Duration::ZERO, true);
        let (duration, inhale, exhale, hold) = (duration?, inhale?, exhale?, hold?);
        if exhale <= inhale {
            let at = r
                .get("exhale")
                .or(r.get("inhale"))
                .map_or(self.span.clone(), |v| v.span());
            ctx.error(Code::Breathing, at, format!("the exhale ({exhale}) must be longer than the inhale ({inhale})"))
                .help = Some("breathing out longer than in tells the body the effort is over, e.g. inhale = \"4s\", exhale = \"6s\"".into());
            return None;
        }
        if inhale + hold + exhale > duration {
            ctx.warning(
                Code::ShortBreathe,
                self.span.clone(),
                format!(
                    "block {} (breathe) is shorter than one breath ({}), so no breath sounds",
                    self.number,
                    inhale + hold + exhale
                ),
            );
        }
        Some(BlockKind::Breathe {
            duration,
            inhale,
            exhale,
            hold,
        })
    }
}

/// A breath phase shorter than a second cannot be followed; reports it.
fn at_least_a_second(ctx: &mut Ctx, r: &TableReader<'_, '_>, key: &str, d: Duration) -> bool {
    if d >= Duration::from_secs(1) {
        return true;
    }
    let span = r.get(key).map_or(r.span.clone(), |v| v.span());
    ctx.error(
        Code::Breathing,
        span,
        format!("`{key}` must be at least 1s, found {d}"),
    )
    .help = Some("a calm breath: inhale = \"4s\", exhale = \"6s\"".into());
    false
}

/// At most this many exercises or stretches in one block.
const MAX_ITEMS: usize = 50;

fn non_empty_list(ctx: &mut Ctx, key: &str, v: &Value<'_>) -> Option<Vec<Located<String>>> {
    let list = string_list(ctx, key, v)?;
    if list.is_empty() {
        ctx.error(Code::Empty, v.span(), format!("`{key}` is empty"));
        return None;
    }
    if list.len() > MAX_ITEMS {
        ctx.error(
            Code::OutOfRange,
            v.span(),
            format!(
                "`{key}` has {} items; a block takes at most {MAX_ITEMS}",
                list.len()
            ),
        )
        .help = Some("split them over several blocks".into());
        return None;
    }
    Some(
        list.into_iter()
            .map(|(s, span)| Located::new(s, span))
            .collect(),
    )
}

/// The valid cues of a block (invalid ones are reported and left out).
fn read_cues(ctx: &mut Ctx, r: &TableReader<'_, '_>, block_len: Option<Duration>) -> Vec<Cue> {
    let Some(v) = r.get("cues") else {
        return Vec::new();
    };
    let help = "write cues = [{ at = \"30s\", clip = \"tempo.praten\" }]";
    let Some(items) = list(ctx, "cues", v, "cues", help) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| read_cue(ctx, item, block_len))
        .collect()
}

fn read_cue(ctx: &mut Ctx, item: &Value<'_>, block_len: Option<Duration>) -> Option<Cue> {
    let span = item.span();
    let DeValue::Table(t) = item.get_ref() else {
        ctx.error(
            Code::WrongType,
            span,
            format!(
                "a cue must be a table like {{ at = \"30s\", clip = \"tempo.praten\" }}, found {}",
                type_name(item.get_ref())
            ),
        );
        return None;
    };
    let before = ctx.diags.len();
    let r = TableReader::new(t, span.clone(), "a cue", CUE_KEYS);
    let speech = match (r.get("clip"), r.get("say")) {
        (Some(c), None) => string(ctx, "clip", c).map(|s| Located::new(Speech::Clip(s), c.span())),
        (None, Some(s)) => string(ctx, "say", s).map(|s2| Located::new(Speech::Say(s2), s.span())),
        (Some(_), Some(s)) => {
            ctx.error(Code::BadCue, s.span(), "a cue has both `clip` and `say`")
                .help = Some("keep one of them".into());
            None
        }
        (None, None) => {
            ctx.error(
                Code::BadCue,
                span.clone(),
                "a cue needs `clip` (a clip id) or `say` (a text)",
            )
            .help = Some("e.g. { at = \"30s\", clip = \"tempo.praten\" }".into());
            None
        }
    };
    let at = r
        .get("at")
        .and_then(|v| duration(ctx, "at", v, true).map(|d| (d, v.span())));
    let every = r
        .get("every")
        .and_then(|v| positive(ctx, "every", v).map(|d| (d, v.span())));
    let from = r
        .get("from")
        .and_then(|v| duration(ctx, "from", v, false).map(|d| (d, v.span())));
    let timing = match (r.get("at"), r.get("every")) {
        (Some(_), Some(e)) => {
            ctx.error(Code::BadCue, e.span(), "a cue has both `at` and `every`")
                .help =
                Some("use `at` for once, `every` (with optional `from`) for repeating".into());
            None
        }
        (None, None) => {
            ctx.error(Code::BadCue, span.clone(), "a cue needs `at` or `every`").help =
                Some("e.g. at = \"30s\" (from the start), at = \"-30s\" (from the end) or every = \"3m\"".into());
            None
        }
        (Some(_), None) => {
            if let Some(f) = r.get("from") {
                ctx.error(Code::BadCue, f.span(), "`from` only goes with `every`")
                    .help = Some("remove `from`, or use `every`".into());
            }
            at.as_ref().map(|(d, _)| CueTiming::At(*d))
        }
        (None, Some(_)) => match &every {
            Some((e, _)) if *e < Duration::from_secs(1) => {
                ctx.error(
                    Code::BadCue,
                    r.get("every").map_or(span.clone(), |v| v.span()),
                    "a cue's `every` must be at least 1s",
                );
                None
            }
            Some((e, _)) => Some(CueTiming::Every {
                every: *e,
                from: from.as_ref().map(|(d, _)| *d),
            }),
            None => None,
        },
    };
    if let (Some(len), Some(timing)) = (block_len, timing) {
        let (offset, at_span) = match timing {
            CueTiming::At(d) => (if d.micros() < 0 { len + d } else { d }, at.map(|a| a.1)),
            CueTiming::Every { every: e, from: f } => (
                f.unwrap_or(e),
                from.clone().map(|f| f.1).or(every.clone().map(|e| e.1)),
            ),
        };
        let at_span = at_span.unwrap_or(span.clone());
        let outside = match timing {
            CueTiming::At(d) if d.micros() < 0 => offset < Duration::ZERO || d == Duration::ZERO,
            _ => offset >= len,
        };
        let negative_zero = matches!(timing, CueTiming::At(d) if d.micros() == 0)
            && r.get("at")
                .and_then(|v| v.get_ref().as_str().map(|s| s.trim().starts_with('-')))
                .unwrap_or(false);
        if outside || negative_zero {
            ctx.error(
                Code::CueOutside,
                at_span,
                format!("this cue is outside its block, which lasts {len}"),
            )
            .help = Some(format!(
                "`at` must be from \"0s\" up to (not including) \"{len}\", or negative from the end down to \"-{len}\""
            ));
        }
    }
    r.finish(ctx, |_| None);
    if ctx.diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    Some(Cue {
        timing: timing?,
        speech: speech?,
        span,
    })
}
