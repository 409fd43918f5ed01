//! `compile`: session + voice pack → [`Timeline`], applying every timing rule.

use crate::session::Code;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;

use super::{Block, ClipEvent, Event, MetronomeSound, Phase, Timeline, clock};
use crate::session::diagnostic::suggestion;
use crate::session::{
    BlockKind, Cadence, Countdown, CueTiming, Diagnostic, Duration, Kind, MAX_SESSION, Pattern,
    Session, Speech,
};
use crate::voice::{VoicePack, ids};

/// Voice clips never overlap: a clip due while another speaks starts this long after it.
const CLIP_GAP: Duration = Duration(300_000);
/// `check` warns when the no-overlap rule delays a clip by more than this.
const DELAY_WARNING: f64 = 3.0;
/// The countdown clip is said this long before a run or walk block ends…
const COUNTDOWN: Duration = Duration::from_secs(10);
/// …if the block lasts at least this long.
const COUNTDOWN_MIN_BLOCK: Duration = Duration::from_secs(60);
/// A countdown by tone starts this long before the block ends…
const COUNTDOWN_TONE: Duration = Duration::from_secs(3);
/// …with this many accented clicks, one a second.
const COUNTDOWN_TONE_CLICKS: u32 = 3;
/// Late-clip warnings reported one by one; the rest are counted.
const MAX_LATE_WARNINGS: usize = 20;
/// Clips a session may schedule in all: a 4-hour session with a clip every second.
const MAX_CLIPS: usize = 14_400;

/// How many breaths of a breathe block are spoken (`adem.in`/`adem.uit`).
const SPOKEN_BREATHS: usize = 3;

/// A compiled timeline and the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The timeline, shared with the mixers that play it.
    pub timeline: std::sync::Arc<Timeline>,
    /// Problems that do not stop the session (late clips, a breathe block too short).
    pub warnings: Vec<Diagnostic>,
}

/// A block as played, before names and announcements are settled.
struct Played {
    kind: Kind,
    start: Duration,
    end: Duration,
    /// Index of the session block it comes from.
    source: usize,
    /// Round number and whether it is the last, for the runs and walks of intervals.
    round: Option<(u32, bool)>,
    metronome: bool,
    cadence: Cadence,
    auto: bool,
    /// Whether reminders are spoken here and their time counts: its session block's
    /// kind is one of `[reminders] kinds` (the runs only, for intervals) and the block
    /// is not quiet (`reminders = false`).
    reminder_time: bool,
}

/// Priorities of clips due at the same time (lower first), from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Priority {
    /// A `welkom` cue at 0:00: the runner is greeted before the first announcement.
    Greeting,
    Announcement,
    Structure,
    Cue,
    Countdown,
    Reminder,
    Halfway,
    End,
}

#[derive(Debug, Clone)]
struct Due {
    time: Duration,
    priority: Priority,
    clip: usize,
    /// Where a late clip is reported: the cue, or its session block.
    span: Range<usize>,
    /// Played block whose announcement this is, if any.
    announces: Option<usize>,
}

impl Due {
    /// A clip due at `time`, reported at `span` if it starts late.
    fn new(time: Duration, priority: Priority, clip: usize, span: Range<usize>) -> Due {
        Due {
            time,
            priority,
            clip,
            span,
            announces: None,
        }
    }
}

struct Placed {
    due: Due,
    start: Duration,
    /// When the earliest clip of the run of back-to-back clips this one ends was due.
    chain_due: Duration,
    /// Whether that run, up to this clip, holds a cue written in the session.
    chain_has_cue: bool,
}

/// Compiles a session with its voice pack. Errors name the file and place (unknown
/// clip ids, texts no clip says, exercises without a clip).
pub fn compile(session: &Session, pack: &VoicePack) -> Result<Compiled, Vec<Diagnostic>> {
    let mut c = Compiler {
        session,
        pack,
        errors: Vec::new(),
        missing: BTreeSet::new(),
    };
    let played = c.expand();
    let shape = Shape::of(&played);
    let blocks = c.blocks(&played, &shape);
    let mut clicks = c.clicks(&played);
    let dues = c.dues(&played, &shape, &mut clicks);
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let (placed, tones) = c.settle(&played, dues)?;
    let warnings = late_warnings(session, pack, &played, &placed);
    let (mut events, end) = events(pack, &placed, tones, clicks, shape.total);
    check_overrun(session, &placed, shape.total, end)?;
    if let Some(every) = session.presence {
        let blocks: Vec<(f64, f64, bool)> = played
            .iter()
            .map(|p| {
                let on = session.blocks[p.source].presence_on();
                (p.start.secs(), p.end.secs(), on)
            })
            .collect();
        let toks = super::presence_times(&events, &blocks, end, every.secs());
        if !toks.is_empty() {
            let toks = toks
                .into_iter()
                .map(|time| Event::Presence { time })
                .collect();
            merge_events(&mut events, toks, false);
        }
    }
    let timeline = Timeline {
        title: session.title.clone(),
        duration: end,
        blocks,
        events,
        description: session.description.clone(),
        metronome: MetronomeSound {
            sound: session.metronome.sound.value.clone(),
            volume: session.metronome.volume,
            duck_db: session.metronome.duck_db,
        },
    };
    Ok(Compiled {
        timeline: timeline.into(),
        warnings,
    })
}

/// Where the runs of a session lie among its played blocks, and how long it is.
struct Shape {
    first_run: Option<usize>,
    last_run: Option<usize>,
    total: Duration,
}

impl Shape {
    fn of(played: &[Played]) -> Shape {
        Shape {
            first_run: played.iter().position(|p| p.kind == Kind::Run),
            last_run: played.iter().rposition(|p| p.kind == Kind::Run),
            total: played.last().map_or(Duration::ZERO, |p| p.end),
        }
    }

    /// Whether the change after played block `i` is a plain run↔walk change: not into
    /// the first run and not out of the last one (the cool-down), where the countdown
    /// always stays spoken.
    fn plain_change(&self, played: &[Played], i: usize) -> bool {
        let Some(next) = played.get(i + 1) else {
            return false;
        };
        let pair = matches!(
            (played[i].kind, next.kind),
            (Kind::Run, Kind::Walk) | (Kind::Walk, Kind::Run)
        );
        pair && self.first_run != Some(i + 1) && self.last_run != Some(i)
    }
}

/// Whether a click `offset` µs into a run sounds under the settle pattern: during the
/// first `settle` µs, and in the `burst` µs after each multiple of `every`.
fn in_pattern_at(offset: f64, settle: f64, every: f64, burst: f64) -> bool {
    let n = (offset / every).floor();
    offset < settle || (n >= 1.0 && offset - n * every < burst)
}

/// Warns about clips the no-overlap rule delayed by more than [`DELAY_WARNING`].
fn late_warnings(
    session: &Session,
    pack: &VoicePack,
    played: &[Played],
    placed: &[Placed],
) -> Vec<Diagnostic> {
    let block_starts: HashSet<Duration> = played.iter().map(|p| p.start).collect();
    let mut warnings = Vec::new();
    let mut late = 0usize;
    for p in placed {
        let delay = (p.start - p.due.time).secs();
        // At a block's start its announcement comes first and the block's own clips
        // follow it, in the spec's order: that sequence is intended, so it is not
        // reported. Neither are automatic clips that only wait for each other (a
        // reminder and `halverwege`): nothing in the file places them. Any other clip
        // that waits more than 3 s, for or behind a written cue, is reported.
        let block_start_sequence = p.chain_due == p.due.time && block_starts.contains(&p.due.time);
        if delay > DELAY_WARNING && !block_start_sequence && p.chain_has_cue {
            late += 1;
            if late > MAX_LATE_WARNINGS {
                continue;
            }
            let clip = &pack.clips[p.due.clip].id;
            warnings.push(Diagnostic::warning(Code::LateClip,
                &session.source,
                Some(p.due.span.clone()).filter(|s| !s.is_empty()),
                format!(
                    "clip `{clip}` is due at {} but starts {delay:.1} s later, because other clips are still speaking",
                    clock(p.due.time.secs())
                ),
            )
            .with_help("move this cue, or the cues before it, further apart"));
        }
    }
    warnings.sort_by_key(|w| w.span.as_ref().map_or(0, |s| s.start));
    if late > MAX_LATE_WARNINGS {
        warnings.push(
            Diagnostic::warning(
                Code::LateClip,
                &session.source,
                None,
                format!(
                    "{} more clips start over 3 s late",
                    late - MAX_LATE_WARNINGS
                ),
            )
            .with_help("the session has more speech than time; space its cues further apart"),
        );
    }
    warnings
}

/// All events in time order (clips before tones before clicks at equal times), and
/// the session's end: its last block's end or its last clip's, whichever is later.
fn events(
    pack: &VoicePack,
    placed: &[Placed],
    tones: Vec<Event>,
    clicks: Vec<Event>,
    total: Duration,
) -> (Vec<Event>, f64) {
    let mut voiced: Vec<Event> = Vec::with_capacity(placed.len() + tones.len());
    let mut end = total.secs();
    for p in placed {
        let info = &pack.clips[p.due.clip];
        end = end.max(p.start.secs() + info.duration);
        voiced.push(Event::Clip(Box::new(ClipEvent {
            time: p.start.secs(),
            clip: info.id.clone(),
            text: info.text.clone(),
            duration: info.duration,
            pack_index: p.due.clip,
        })));
    }
    voiced.extend(tones);
    sort_events(&mut voiced);
    // The clicks, by far the most events, are merged with the rest in their own
    // buffer: no copy of them and no sorting scratch (a 2-hour session has ~18 000).
    let mut events = clicks;
    merge_events(&mut events, voiced, true);
    (events, end)
}

/// The order of events: by time; at equal times clips, tones, clicks, then presence
/// toks.
fn event_order(a: &Event, b: &Event) -> std::cmp::Ordering {
    let rank = |e: &Event| match e {
        Event::Clip(_) => 0,
        Event::Tone { .. } => 1,
        Event::Click { .. } => 2,
        Event::Presence { .. } => 3,
    };
    a.time().total_cmp(&b.time()).then(rank(a).cmp(&rank(b)))
}

/// Sorts events in [`event_order`], keeping the order of equal ones.
fn sort_events(events: &mut [Event]) {
    events.sort_by(event_order);
}

/// Adds `more` to `events` as [`sort_events`] would order `more` followed by
/// `events` (`more_first`) or `events` followed by `more`. When both are in order
/// (they are: clicks, clips and tones are made in time order) they are merged from
/// the back in place, so `events` is neither copied nor sorted with a scratch copy
/// of itself; its spare capacity is given back.
fn merge_events(events: &mut Vec<Event>, mut more: Vec<Event>, more_first: bool) {
    let in_order = |v: &[Event]| v.is_sorted_by(|a, b| event_order(a, b).is_le());
    if !in_order(events) || !in_order(&more) {
        if more_first {
            more.append(events);
            *events = more;
        } else {
            events.append(&mut more);
        }
        sort_events(events);
        events.shrink_to_fit();
        return;
    }
    // An element of `events` goes after one of `more` if it is later, or equal and
    // `more` comes first.
    let after = |a: &Event, b: &Event| match event_order(a, b) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => more_first,
        std::cmp::Ordering::Less => false,
    };
    let n = events.len();
    events.reserve_exact(more.len());
    events.resize(n + more.len(), Event::Presence { time: 0.0 });
    // events[..i] are still to place; the slots from k on are final.
    let (mut i, mut k) = (n, events.len());
    while let Some(b) = more.pop() {
        while i > 0 && after(&events[i - 1], &b) {
            k -= 1;
            i -= 1;
            events.swap(i, k);
        }
        k -= 1;
        events[k] = b;
    }
    events.shrink_to_fit();
}

/// Refuses a session whose clips run on past 4 hours. (Blocks past 4 hours were
/// reported by validation.)
fn check_overrun(
    session: &Session,
    placed: &[Placed],
    total: Duration,
    end: f64,
) -> Result<(), Vec<Diagnostic>> {
    if total <= MAX_SESSION && Duration((end * 1e6).round() as i64) > MAX_SESSION {
        let last = placed
            .iter()
            .max_by_key(|p| p.start)
            .map(|p| p.due.span.clone())
            .filter(|s| !s.is_empty());
        return Err(vec![Diagnostic::error(Code::TooLong,
            &session.source,
            last,
            format!("the session's clips run on to {}, past the limit of 4 hours", clock(end)),
        )
        .with_help("there is more speech than time: space the cues further apart or shorten the session")]);
    }
    Ok(())
}

/// Places clips in time order so they never overlap: a clip due while another is
/// speaking starts [`CLIP_GAP`] after it ends.
fn place(mut dues: Vec<Due>, pack: &VoicePack) -> Vec<Placed> {
    // A stable sort keeps file order among equal (time, priority).
    dues.sort_by(|a, b| a.time.cmp(&b.time).then(a.priority.cmp(&b.priority)));
    // Placement is in whole microseconds so that start times stay exact decimals.
    let mut busy_until = Duration(i64::MIN / 2);
    let mut chain_due = Duration::ZERO;
    let mut chain_has_cue = false;
    let mut out = Vec::with_capacity(dues.len());
    for due in dues {
        let start = if due.time < busy_until {
            busy_until + CLIP_GAP
        } else {
            chain_due = due.time;
            chain_has_cue = false;
            due.time
        };
        chain_has_cue |= matches!(due.priority, Priority::Cue | Priority::Greeting);
        busy_until = start + clip_length(pack, due.clip);
        out.push(Placed {
            due,
            start,
            chain_due,
            chain_has_cue,
        });
    }
    out
}

/// When each placed announcement ends, by the played block it announces.
fn announcement_ends_of(placed: &[Placed], pack: &VoicePack) -> HashMap<usize, Duration> {
    placed
        .iter()
        .filter_map(|p| {
            p.due
                .announces
                .map(|b| (b, p.start + clip_length(pack, p.due.clip)))
        })
        .collect()
}

/// A clip's length rounded to whole microseconds.
fn clip_length(pack: &VoicePack, clip: usize) -> Duration {
    Duration((pack.clips[clip].duration * 1e6).round() as i64)
}

struct Compiler<'a> {
    session: &'a Session,
    pack: &'a VoicePack,
    errors: Vec<Diagnostic>,
    missing: BTreeSet<String>,
}

impl Compiler<'_> {
    /// The played blocks as the timeline shows them.
    fn blocks(&self, played: &[Played], shape: &Shape) -> Vec<Block> {
        played
            .iter()
            .enumerate()
            .map(|(i, p)| Block {
                index: i,
                kind: p.kind,
                name: self.block_name(p, i, shape.first_run, shape.last_run),
                start: p.start.secs(),
                end: p.end.secs(),
                cadence: (p.kind == Kind::Run || p.metronome).then_some(p.cadence.start),
                cadence_end: (p.kind == Kind::Run || p.metronome).then_some(p.cadence.end),
            })
            .collect()
    }

    /// Every clip due except the breaths (which depend on placement): announcements,
    /// countdowns, exercise and stretch clips, the file's cues, reminders, halfway and
    /// end. A countdown by tone adds its clicks to `clicks`.
    fn dues(&mut self, played: &[Played], shape: &Shape, clicks: &mut Vec<Event>) -> Vec<Due> {
        let mut dues = Vec::new();
        for (i, p) in played.iter().enumerate() {
            self.block_dues(played, i, p, shape, clicks, &mut dues);
        }
        self.own_cues(played, &mut dues);
        for p in played {
            self.remaining(p, &mut dues);
        }
        self.reminders(played, &mut dues);
        self.session_dues(shape.total, &mut dues);
        if dues.len() > MAX_CLIPS {
            self.errors.push(
                Diagnostic::error(Code::TooLong,
                    &self.session.source,
                    None,
                    format!(
                        "the session would say more than {MAX_CLIPS} clips, more than fit in 4 hours"
                    ),
                )
                .with_help("use `every` with a longer interval, or fewer cues"),
            );
        }
        dues
    }

    /// `halverwege` and `einde`, when automatic cues are on.
    fn session_dues(&mut self, total: Duration, dues: &mut Vec<Due>) {
        if !self.session.auto_cues {
            return;
        }
        let span = 0..0;
        if let Some(clip) = self.need(ids::HALFWAY, &span, "the halfway cue") {
            dues.push(Due::new(
                Duration(total.micros() / 2),
                Priority::Halfway,
                clip,
                span.clone(),
            ));
        }
        if let Some(clip) = self.need(ids::END, &span, "the end cue") {
            dues.push(Due::new(total, Priority::End, clip, span));
        }
    }

    /// Places the clips with the breaths. Breaths start after their block's
    /// announcement has ended, and the announcement's end depends on every clip before
    /// it, breaths of earlier blocks included: place the clips, derive the breaths, and
    /// repeat until the announcements no longer move.
    fn settle(
        &mut self,
        played: &[Played],
        dues: Vec<Due>,
    ) -> Result<(Vec<Placed>, Vec<Event>), Vec<Diagnostic>> {
        let mut announcement_ends: HashMap<usize, Duration> = HashMap::new();
        let mut rounds = 0;
        loop {
            let mut all = dues.clone();
            let mut tones = Vec::new();
            self.breaths(played, &announcement_ends, &mut all, &mut tones);
            if !self.errors.is_empty() {
                return Err(std::mem::take(&mut self.errors));
            }
            let placed = place(all, self.pack);
            let ends = announcement_ends_of(&placed, self.pack);
            rounds += 1;
            if ends == announcement_ends || rounds > 8 {
                return Ok((placed, tones));
            }
            announcement_ends = ends;
        }
    }

    fn expand(&self) -> Vec<Played> {
        let s = self.session;
        let mut out = Vec::new();
        let mut t = Duration::ZERO;
        for (i, b) in s.blocks.iter().enumerate() {
            let auto = b.auto_cues.unwrap_or(s.auto_cues);
            let counted = s.reminders.kinds.contains(&b.kind.kind());
            let quiet = b.reminders == Some(false);
            let mut push = |kind, len: Duration, round, metronome: bool, cadence: Cadence| {
                let reminder_time =
                    counted && !quiet && (kind == Kind::Run || b.kind.kind() != Kind::Intervals);
                out.push(Played {
                    kind,
                    start: t,
                    end: t + len,
                    source: i,
                    round,
                    metronome,
                    cadence,
                    auto,
                    reminder_time,
                });
                t = t + len;
            };
            match &b.kind {
                BlockKind::Run { duration, cadence } => push(
                    Kind::Run,
                    *duration,
                    None,
                    b.metronome.unwrap_or(true),
                    cadence.as_ref().map_or(s.cadence.value, |c| c.value),
                ),
                BlockKind::Intervals {
                    repeat,
                    run,
                    walk,
                    walk_last,
                    cadence,
                } => {
                    for r in 1..=*repeat {
                        let last = r == *repeat;
                        push(
                            Kind::Run,
                            *run,
                            Some((r, last)),
                            b.metronome.unwrap_or(true),
                            cadence.as_ref().map_or(s.cadence.value, |c| c.value),
                        );
                        if !last || *walk_last {
                            push(Kind::Walk, *walk, Some((r, last)), false, s.cadence.value);
                        }
                    }
                }
                // Walking, strength, stretching, breathing and silence: one stretch of their
                // length, the metronome off unless the block asks for it.
                other => push(
                    other.kind(),
                    b.duration(),
                    None,
                    b.metronome.unwrap_or(false),
                    s.cadence.value,
                ),
            }
        }
        out
    }

    fn block_name(
        &self,
        p: &Played,
        i: usize,
        first_run: Option<usize>,
        last_run: Option<usize>,
    ) -> String {
        let own = self.session.blocks[p.source].name.as_deref();
        match (p.kind, p.round) {
            (Kind::Run, Some((r, _))) => {
                own.map_or(format!("Ronde {r}"), |n| format!("{n} · ronde {r}"))
            }
            (Kind::Walk, Some((r, _))) => own.map_or(format!("Wandelpauze {r}"), |n| {
                format!("{n} · wandelpauze {r}")
            }),
            _ => own.map(str::to_owned).unwrap_or_else(|| {
                match p.kind {
                    Kind::Walk if first_run.is_some_and(|f| i < f) => "Warming-up",
                    Kind::Walk if last_run.is_some_and(|l| i > l) => "Cooling-down",
                    Kind::Walk => "Wandelen",
                    Kind::Run | Kind::Intervals => "Hardlopen",
                    Kind::Strength => "Krachtoefeningen",
                    Kind::Stretch => "Rekken",
                    Kind::Breathe => "Ademhaling",
                    Kind::Silence => "Stilte",
                }
                .to_owned()
            }),
        }
    }

    /// The pack index of `id`; records an error (once per id) when the pack lacks it.
    fn need(&mut self, id: &str, span: &Range<usize>, purpose: &str) -> Option<usize> {
        if let Some(i) = self.pack.index_of(id) {
            return Some(i);
        }
        if self.missing.insert(id.to_owned()) {
            self.errors.push(
                Diagnostic::error(Code::UnknownClip,
                    &self.session.source,
                    Some(span.clone()),
                    format!("voice pack `{}` has no clip `{id}`, which {purpose} needs", self.pack.voice),
                )
                .with_help("add the clip to the pack (`rustig voice check` lists what a pack lacks), or set auto_cues = false"),
            );
        }
        None
    }

    fn clicks(&self, played: &[Played]) -> Vec<Event> {
        let m = &self.session.metronome;
        let mut out = Vec::new();
        for p in played.iter().filter(|p| p.metronome) {
            let cadence = p.cadence;
            let len = i128::from((p.end - p.start).micros());
            let len_secs = (p.end - p.start).secs();
            let start = p.start.secs();
            // The pattern's times, in µs.
            let settle = match m.pattern {
                Pattern::Settle {
                    settle,
                    check_every,
                    check_for,
                } if p.kind == Kind::Run => Some((
                    i128::from(settle.micros()),
                    i128::from(check_every.micros()),
                    i128::from(check_for.micros()),
                )),
                _ => None,
            };
            // The block holds (c0 + c1)/2 · len/60 steps: click k sounds while
            // k · 120 s < (c0 + c1) · len, compared exactly in µs.
            let steps_limit = i128::from(cadence.start + cadence.end) * len;
            for k in 0u64.. {
                if i128::from(k) * 120_000_000 >= steps_limit {
                    break;
                }
                let offset = cadence.step_offset(k, len_secs);
                if let Some((settle, every, burst)) = settle {
                    let sounds = if cadence.is_ramp() {
                        in_pattern_at(offset * 1e6, settle as f64, every as f64, burst as f64)
                    } else {
                        // Steady: click k is at k·60/c s, so every comparison is on
                        // offset·c in µs, exactly.
                        let c = i128::from(cadence.start);
                        let offset = i128::from(k) * 60_000_000;
                        let (settle, every, burst) = (settle * c, every * c, burst * c);
                        let n = offset / every;
                        let in_burst = n >= 1 && offset - n * every < burst;
                        offset < settle || in_burst
                    };
                    if !sounds {
                        continue;
                    }
                }
                let accent = m.accent_every > 0 && k % u64::from(m.accent_every) == 0;
                out.push(Event::Click {
                    time: start + offset,
                    accent,
                });
            }
        }
        out
    }

    /// The clips a played block says by itself: its announcement, the countdown
    /// before its end, and its exercises or stretches.
    fn block_dues(
        &mut self,
        played: &[Played],
        i: usize,
        p: &Played,
        shape: &Shape,
        clicks: &mut Vec<Event>,
        dues: &mut Vec<Due>,
    ) {
        if !p.auto {
            return;
        }
        self.announcement(i, p, shape, dues);
        self.countdown(played, i, p, shape, clicks, dues);
        self.block_items(p, dues);
    }

    /// The announcement at a played block's start.
    fn announcement(&mut self, i: usize, p: &Played, shape: &Shape, dues: &mut Vec<Due>) {
        let span = self.session.blocks[p.source].span.clone();
        let id = match (p.kind, p.round) {
            (Kind::Run, Some((_, true))) => ids::LAST_ROUND.to_owned(),
            (Kind::Run, Some((r, false))) if r <= ids::NUMBERED_ROUNDS => ids::round(r),
            (Kind::Walk, None) if shape.first_run.is_some_and(|f| i < f) => {
                ids::BLOCK_WARMUP.to_owned()
            }
            (Kind::Walk, None) if shape.last_run.is_some_and(|l| i > l) => {
                ids::BLOCK_COOLDOWN.to_owned()
            }
            (kind, _) => ids::block(kind),
        };
        if let Some(clip) = self.need(&id, &span, "the block's announcement") {
            dues.push(Due {
                time: p.start,
                priority: Priority::Announcement,
                clip,
                span,
                announces: Some(i),
            });
        }
    }

    /// The countdown before a run or walk block of at least a minute ends: spoken
    /// (`aftellen.10`, [`COUNTDOWN`] before the end), or on a plain run↔walk change as
    /// the session's `countdown` says: three accented clicks or nothing.
    fn countdown(
        &mut self,
        played: &[Played],
        i: usize,
        p: &Played,
        shape: &Shape,
        clicks: &mut Vec<Event>,
        dues: &mut Vec<Due>,
    ) {
        if !matches!(p.kind, Kind::Run | Kind::Walk) || p.end - p.start < COUNTDOWN_MIN_BLOCK {
            return;
        }
        let how = if shape.plain_change(played, i) {
            self.session.countdown
        } else {
            Countdown::Spoken
        };
        let span = self.session.blocks[p.source].span.clone();
        match how {
            Countdown::Spoken => {
                if let Some(clip) = self.need(ids::COUNTDOWN, &span, "the countdown") {
                    dues.push(Due::new(p.end - COUNTDOWN, Priority::Countdown, clip, span));
                }
            }
            Countdown::Tone => {
                let from = (p.end - COUNTDOWN_TONE).secs();
                // The metronome's own clicks make way for the countdown's.
                clicks.retain(|c| c.time() < from || c.time() >= p.end.secs());
                clicks.extend((0..COUNTDOWN_TONE_CLICKS).map(|k| Event::Click {
                    time: from + k as f64,
                    accent: true,
                }));
            }
            Countdown::None => {}
        }
    }

    /// The time left, spoken where the block's `remaining` says (in the countdown's
    /// place among clips due together). Written by the author, so it sounds whatever
    /// `auto_cues` says.
    fn remaining(&mut self, p: &Played, dues: &mut Vec<Due>) {
        let block = &self.session.blocks[p.source];
        for left in &block.remaining {
            let id = ids::remaining(left.value);
            match self.pack.index_of(&id) {
                Some(clip) => dues.push(Due::new(
                    p.end - left.value,
                    Priority::Countdown,
                    clip,
                    left.span.clone(),
                )),
                None => {
                    let known: Vec<&str> = self
                        .pack
                        .clips
                        .iter()
                        .filter_map(|c| c.id.strip_prefix(ids::REMAINING_PREFIX))
                        .collect();
                    let help = if known.is_empty() {
                        format!(
                            "voice pack `{}` has no `{}…` clips; record one with the text to say, e.g. `{id}`",
                            self.pack.voice,
                            ids::REMAINING_PREFIX
                        )
                    } else {
                        format!(
                            "voice pack `{}` can say: {}",
                            self.pack.voice,
                            known.join(", ")
                        )
                    };
                    self.errors.push(
                        Diagnostic::error(
                            Code::UnknownClip,
                            &self.session.source,
                            Some(left.span.clone()),
                            format!(
                                "voice pack `{}` has no clip `{id}` to say that {} is left",
                                self.pack.voice, left.value
                            ),
                        )
                        .with_help(help),
                    );
                }
            }
        }
    }

    /// The exercise clips of a strength block and the stretch clips of a stretch block.
    fn block_items(&mut self, p: &Played, dues: &mut Vec<Due>) {
        let block = &self.session.blocks[p.source];
        let span = block.span.clone();
        match &block.kind {
            BlockKind::Strength {
                exercises,
                work,
                rest,
            } => {
                for (n, ex) in exercises.iter().enumerate() {
                    let at = p.start + (*work + *rest) * n as i64;
                    let id = ids::exercise(&ex.value);
                    match self.pack.index_of(&id) {
                        Some(clip) => {
                            dues.push(Due::new(at, Priority::Structure, clip, ex.span.clone()))
                        }
                        None => self.unknown_item(&ex.value, &ex.span, "oefening", "exercise"),
                    }
                    if n + 1 < exercises.len()
                        && *rest > Duration::ZERO
                        && let Some(clip) =
                            self.need(ids::EXERCISE_REST, &span, "the rest between exercises")
                    {
                        dues.push(Due::new(
                            at + *work,
                            Priority::Structure,
                            clip,
                            span.clone(),
                        ));
                    }
                }
            }
            BlockKind::Stretch {
                stretches,
                hold,
                sides,
            } => {
                for (n, st) in stretches.iter().enumerate() {
                    let at = p.start + *hold * (n as i64 * i64::from(*sides));
                    let id = ids::stretch(&st.value);
                    match self.pack.index_of(&id) {
                        Some(clip) => {
                            dues.push(Due::new(at, Priority::Structure, clip, st.span.clone()))
                        }
                        None => self.unknown_item(&st.value, &st.span, "rek", "stretch"),
                    }
                    if *sides == 2
                        && let Some(clip) =
                            self.need(ids::STRETCH_SWITCH, &span, "the side switch of a stretch")
                    {
                        dues.push(Due::new(
                            at + *hold,
                            Priority::Structure,
                            clip,
                            span.clone(),
                        ));
                    }
                }
            }
            _ => {}
        }
    }

    fn unknown_item(&mut self, name: &str, span: &Range<usize>, prefix: &str, what: &str) {
        let known: Vec<&str> = self
            .pack
            .clips
            .iter()
            .filter_map(|c| c.id.strip_prefix(prefix).and_then(|r| r.strip_prefix('.')))
            .collect();
        let help = suggestion(name, known.iter().copied()).unwrap_or_else(|| {
            format!(
                "voice pack `{}` has these: {}; add a `{prefix}.{name}` clip for a new one",
                self.pack.voice,
                known.join(", ")
            )
        });
        self.errors.push(
            Diagnostic::error(
                Code::UnknownClip,
                &self.session.source,
                Some(span.clone()),
                format!(
                    "unknown {what} `{name}`: voice pack `{}` has no clip `{prefix}.{name}`",
                    self.pack.voice
                ),
            )
            .with_help(help),
        );
    }

    fn own_cues(&mut self, played: &[Played], dues: &mut Vec<Due>) {
        // Cue times are relative to the session block (an intervals block as a whole).
        let mut bounds: Vec<(Duration, Duration)> =
            vec![(Duration::ZERO, Duration::ZERO); self.session.blocks.len()];
        for (n, p) in played.iter().enumerate() {
            let first = n == 0 || played[n - 1].source != p.source;
            if first {
                bounds[p.source].0 = p.start;
            }
            bounds[p.source].1 = p.end;
        }
        for (b, block) in self.session.blocks.iter().enumerate() {
            let (start, end) = bounds[b];
            for cue in &block.cues {
                let clip = match &cue.speech.value {
                    Speech::Clip(id) => match self.pack.index_of(id) {
                        Some(i) => i,
                        None => {
                            let help = suggestion(
                                id,
                                self.pack.clips.iter().map(|c| c.id.as_str()),
                            )
                            .unwrap_or_else(|| {
                                format!(
                                    "`rustig voice list` shows the clips of voice pack `{}`",
                                    self.pack.voice
                                )
                            });
                            self.errors.push(
                                Diagnostic::error(
                                    Code::UnknownClip,
                                    &self.session.source,
                                    Some(cue.speech.span.clone()),
                                    format!(
                                        "unknown clip id `{id}` in voice pack `{}`",
                                        self.pack.voice
                                    ),
                                )
                                .with_help(help),
                            );
                            continue;
                        }
                    },
                    Speech::Say(text) => match self.pack.clip_with_text(text) {
                        Some(info) => self.pack.index_of(&info.id).expect("found by text"),
                        None => {
                            let closest = crate::session::diagnostic::did_you_mean(
                                text,
                                self.pack.clips.iter().map(|c| c.text.as_str()),
                            );
                            let help = match closest {
                                Some(t) => format!("did you mean \"{t}\"? otherwise record the text or run `rustig voice synth`"),
                                None => "add a clip with this text to the pack, or run `rustig voice synth` to make one with espeak-ng".to_owned(),
                            };
                            self.errors.push(
                                Diagnostic::error(
                                    Code::UnknownClip,
                                    &self.session.source,
                                    Some(cue.speech.span.clone()),
                                    format!(
                                        "no clip in voice pack `{}` says exactly \"{text}\"",
                                        self.pack.voice
                                    ),
                                )
                                .with_help(help),
                            );
                            continue;
                        }
                    },
                };
                let greets = self.pack.clips[clip].id == ids::WELCOME;
                let due = |time: Duration| {
                    let priority = if greets && time == Duration::ZERO {
                        Priority::Greeting
                    } else {
                        Priority::Cue
                    };
                    Due::new(time, priority, clip, cue.span.clone())
                };
                match cue.timing {
                    CueTiming::At(d) if d.micros() < 0 => dues.push(due(end + d)),
                    CueTiming::At(d) => dues.push(due(start + d)),
                    CueTiming::Every { every, from } => {
                        let first = start + from.unwrap_or(every);
                        for k in 0i64.. {
                            let t = first + every * k;
                            // Past the cap the session is refused anyway; stop early.
                            if t >= end || dues.len() > MAX_CLIPS {
                                break;
                            }
                            dues.push(due(t));
                        }
                    }
                }
            }
        }
    }

    fn reminders(&mut self, played: &[Played], dues: &mut Vec<Due>) {
        let rem = &self.session.reminders;
        let clips: Vec<(usize, Range<usize>)> = match &rem.clips {
            Some(list) => {
                let mut out = Vec::new();
                for c in list {
                    match self.pack.index_of(&c.value) {
                        Some(i) => out.push((i, c.span.clone())),
                        None => {
                            let help =
                                suggestion(&c.value, self.pack.clips.iter().map(|c| c.id.as_str()));
                            self.errors.push(
                                Diagnostic::error(
                                    Code::UnknownClip,
                                    &self.session.source,
                                    Some(c.span.clone()),
                                    format!(
                                        "unknown clip id `{}` in voice pack `{}`",
                                        c.value, self.pack.voice
                                    ),
                                )
                                .with_optional_help(help),
                            );
                        }
                    }
                }
                out
            }
            None => {
                // The pack's `techniek.*` and `tempo.*` clips, alternating, in pack order.
                let of = |prefix: &str| -> Vec<usize> {
                    self.pack
                        .clips
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.id.starts_with(prefix))
                        .map(|(i, _)| i)
                        .collect()
                };
                let (tech, tempo) = (of(ids::TECHNIQUE_PREFIX), of(ids::PACE_PREFIX));
                let mut out = Vec::new();
                for n in 0..tech.len().max(tempo.len()) {
                    out.extend(tech.get(n).map(|&i| (i, 0..0)));
                    out.extend(tempo.get(n).map(|&i| (i, 0..0)));
                }
                out
            }
        };
        if clips.is_empty() || !played.iter().any(|p| p.reminder_time && p.auto) {
            return;
        }
        let every = rem.every;
        let mut running = Duration::ZERO;
        let mut k = 1i64;
        let mut turn = 0usize;
        for p in played.iter().filter(|p| p.reminder_time) {
            let len = p.end - p.start;
            // Blocks are half-open: a reminder due exactly at a run block's end falls
            // at the start of the next run block.
            while every * k < running + len {
                let time = p.start + (every * k - running);
                if p.auto {
                    let (clip, ref span) = clips[turn % clips.len()];
                    let span = if span.is_empty() {
                        self.session.blocks[p.source].span.clone()
                    } else {
                        span.clone()
                    };
                    dues.push(Due {
                        time,
                        priority: Priority::Reminder,
                        clip,
                        span,
                        announces: None,
                    });
                    turn += 1;
                }
                k += 1;
            }
            running = running + len;
        }
    }

    fn breaths(
        &mut self,
        played: &[Played],
        announcement_ends: &HashMap<usize, Duration>,
        dues: &mut Vec<Due>,
        tones: &mut Vec<Event>,
    ) {
        for (i, p) in played.iter().enumerate() {
            let BlockKind::Breathe {
                inhale,
                exhale,
                hold,
                ..
            } = self.session.blocks[p.source].kind
            else {
                continue;
            };
            let span = self.session.blocks[p.source].span.clone();
            let period = inhale + hold + exhale;
            let ready = announcement_ends.get(&i).copied().unwrap_or(p.start);
            let mut spoken = 0;
            for k in 0i64.. {
                let at = p.start + period * k;
                if at + period > p.end {
                    break;
                }
                if at < ready {
                    continue;
                }
                let out_at = at + inhale + hold;
                tones.push(Event::Tone {
                    time: at.secs(),
                    phase: Phase::Inhale,
                    duration: inhale.secs(),
                });
                tones.push(Event::Tone {
                    time: out_at.secs(),
                    phase: Phase::Exhale,
                    duration: exhale.secs(),
                });
                if p.auto && spoken < SPOKEN_BREATHS {
                    spoken += 1;
                    if let Some(clip) = self.need(ids::BREATHE_IN, &span, "the breathing cues") {
                        dues.push(Due::new(at, Priority::Structure, clip, span.clone()));
                    }
                    if let Some(clip) = self.need(ids::BREATHE_OUT, &span, "the breathing cues") {
                        dues.push(Due::new(out_at, Priority::Structure, clip, span.clone()));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    /// Events at few distinct times, so that equal times and equal kinds meet; the
    /// payload (accent, duration) tells equal-ordered events apart.
    fn events(seed: &mut u32, n: usize) -> Vec<Event> {
        let mut next = || {
            *seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            *seed >> 16
        };
        (0..n)
            .map(|_| {
                let time = f64::from(next() % 6) * 0.5;
                match next() % 4 {
                    0 => Event::Click {
                        time,
                        accent: next() % 2 == 0,
                    },
                    1 => Event::Tone {
                        time,
                        phase: Phase::Inhale,
                        duration: f64::from(next() % 5),
                    },
                    2 => Event::Presence { time },
                    _ => Event::Clip(Box::new(ClipEvent {
                        time,
                        clip: "c".into(),
                        text: "t".into(),
                        duration: 1.0,
                        pack_index: next() as usize % 3,
                    })),
                }
            })
            .collect()
    }

    /// Merging gives exactly the stable sort of the two lists one after the other,
    /// in either order, whether the lists come in order (merged in place) or not.
    #[test]
    fn merge_events_is_the_stable_sort_of_both() {
        let mut seed = 7;
        for round in 0..400 {
            let (n, m) = (round % 23, round % 7);
            let (mut a, mut b) = (events(&mut seed, n), events(&mut seed, m));
            if round % 3 != 0 {
                sort_events(&mut a);
                sort_events(&mut b);
            }
            for more_first in [false, true] {
                let mut want = if more_first {
                    [b.clone(), a.clone()].concat()
                } else {
                    [a.clone(), b.clone()].concat()
                };
                sort_events(&mut want);
                let mut got = a.clone();
                merge_events(&mut got, b.clone(), more_first);
                assert_eq!(got, want, "round {round}, more first: {more_first}");
                assert_eq!(got.capacity(), got.len());
            }
        }
    }
}
