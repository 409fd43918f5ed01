//! What the report shows, as plain data computed once from the runs: the headline's
//! numbers, the before/after points (per run, or per week when runs are dense), and
//! the program's sessions and weeks against what was run. The rules (minutes run,
//! completed, what comes next) are the journal's; this module only groups and counts.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::dutch;
use crate::journal::{GOAL_MINUTES, ProgramPlan, Run, RunShape, Score, Status};

/// More answered runs than this are shown as one mark per week.
pub const PER_RUN_MAX: usize = 30;

/// How many points (runs, or weeks) the rolling mean spans, centred on each point.
pub const TREND_WINDOW: usize = 5;

/// Which pair of questions a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Stress before and after (lower is calmer).
    Stress,
    /// Mood before and after (higher is better).
    Mood,
}

impl Measure {
    /// The scores of `run`, before and after.
    pub fn of(self, run: &Run) -> (Option<Score>, Option<Score>) {
        let a = &run.answers;
        match self {
            Measure::Stress => (a.stress_before, a.stress_after),
            Measure::Mood => (a.mood_before, a.mood_after),
        }
    }

    /// Whether a higher score is better.
    pub fn higher_is_better(self) -> bool {
        self == Measure::Mood
    }

    /// The question whose scale words label the axis.
    pub fn question(self) -> crate::journal::Question {
        match self {
            Measure::Stress => crate::journal::Question::StressBefore,
            Measure::Mood => crate::journal::Question::MoodBefore,
        }
    }

    /// The chart's Dutch title.
    pub fn title(self) -> &'static str {
        match self {
            Measure::Stress => "Stress voor en na de training",
            Measure::Mood => "Stemming voor en na de training",
        }
    }

    /// The word for the measure in a sentence: `stress`, `stemming`.
    pub fn word(self) -> &'static str {
        match self {
            Measure::Stress => "stress",
            Measure::Mood => "stemming",
        }
    }

    /// The section id in the page.
    pub fn id(self) -> &'static str {
        match self {
            Measure::Stress => "stress",
            Measure::Mood => "mood",
        }
    }

    /// Whether going from `before` to `after` is better, worse or the same.
    pub fn direction(self, before: f64, after: f64) -> Direction {
        let change = if self.higher_is_better() {
            after - before
        } else {
            before - after
        };
        if change.abs() < 0.05 {
            Direction::Same
        } else if change > 0.0 {
            Direction::Better
        } else {
            Direction::Worse
        }
    }
}

/// How "after" compares with "before".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Calmer, or in a better mood.
    Better,
    /// No change (a weekly mean within 0,05).
    Same,
    /// Tenser, or in a worse mood.
    Worse,
}

/// One answered run, or the mean of one week of them.
#[derive(Debug, Clone, PartialEq)]
pub struct PairPoint {
    /// Where it sits on the time axis (see [`dutch::day_number`]).
    pub x: f64,
    /// Score (or mean score) before.
    pub before: f64,
    /// Score (or mean score) after.
    pub after: f64,
    /// Runs in it: 1 per run, or the week's count.
    pub runs: usize,
    /// Its first day (the run's date, or the week's Monday).
    pub day: NaiveDate,
}

/// Before/after of one measure over time.
#[derive(Debug, Clone, PartialEq)]
pub struct PairSeries {
    /// What is shown.
    pub measure: Measure,
    /// One point per answered run, or per week (see [`PairSeries::weekly`]).
    pub points: Vec<PairPoint>,
    /// Points are weekly means (more than [`PER_RUN_MAX`] answered runs).
    pub weekly: bool,
    /// Runs with both answers.
    pub answered: usize,
    /// The trend: `(x, mean before, mean after)`; a rolling mean over
    /// [`TREND_WINDOW`] points (runs, or weeks when [`PairSeries::weekly`]).
    pub trend: Vec<(f64, f64, f64)>,
    /// The time axis: first and last day shown.
    pub days: (f64, f64),
}

impl PairSeries {
    /// The series of `measure` over `runs` (oldest first).
    pub fn new(measure: Measure, runs: &[Run]) -> PairSeries {
        let answered: Vec<PairPoint> = runs
            .iter()
            .filter_map(|r| match measure.of(r) {
                (Some(b), Some(a)) => Some(PairPoint {
                    x: dutch::day_number(r.started_at),
                    before: f64::from(b.get()),
                    after: f64::from(a.get()),
                    runs: 1,
                    day: dutch::local_date(r.started_at),
                }),
                _ => None,
            })
            .collect();
        let count = answered.len();
        let weekly = count > PER_RUN_MAX;
        let points = if weekly {
            weekly_means(&answered)
        } else {
            answered
        };
        // Weekly means still swing from week to week; the trend smooths them too.
        let trend = if points.len() >= 3 {
            rolling_mean(&points, TREND_WINDOW)
        } else {
            Vec::new()
        };
        let days = match (points.first(), points.last()) {
            (Some(first), Some(last)) if weekly => {
                let monday = |p: &PairPoint| f64::from(p.day.num_days_from_ce());
                (monday(first), monday(last) + 7.0)
            }
            (Some(first), Some(last)) => {
                let (a, b) = (first.x.floor(), last.x.floor() + 1.0);
                let pad = ((b - a) * 0.04).max(0.5);
                if b - a <= 1.0 {
                    (a - 3.0, a + 4.0)
                } else {
                    (a - pad, b + pad)
                }
            }
            _ => (0.0, 7.0),
        };
        PairSeries {
            measure,
            points,
            weekly,
            answered: count,
            trend,
            days,
        }
    }
}

/// The mean before and after of each Monday-to-Sunday week, placed mid-week.
fn weekly_means(points: &[PairPoint]) -> Vec<PairPoint> {
    let mut weeks: BTreeMap<NaiveDate, (f64, f64, usize)> = BTreeMap::new();
    for p in points {
        let monday = p.day - chrono::Days::new(u64::from(p.day.weekday().num_days_from_monday()));
        let w = weeks.entry(monday).or_insert((0.0, 0.0, 0));
        w.0 += p.before;
        w.1 += p.after;
        w.2 += 1;
    }
    weeks
        .into_iter()
        .map(|(monday, (b, a, n))| PairPoint {
            x: f64::from(monday.num_days_from_ce()) + 3.5,
            before: b / n as f64,
            after: a / n as f64,
            runs: n,
            day: monday,
        })
        .collect()
}

/// The mean of `window` points centred on each point (fewer at the ends).
fn rolling_mean(points: &[PairPoint], window: usize) -> Vec<(f64, f64, f64)> {
    let half = window / 2;
    (0..points.len())
        .map(|i| {
            let part = &points[i.saturating_sub(half)..(i + half + 1).min(points.len())];
            let n = part.len() as f64;
            (
                points[i].x,
                part.iter().map(|p| p.before).sum::<f64>() / n,
                part.iter().map(|p| p.after).sum::<f64>() / n,
            )
        })
        .collect()
}

/// The numbers of the headline.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// Runs in the journal.
    pub runs: usize,
    /// Runs with stress before and after.
    pub answered: usize,
    /// Of those, runs with less stress after.
    pub calmer: usize,
    /// The mean of stress after minus stress before over the answered runs.
    pub mean_change: f64,
    /// The date of the only answered run, when there is exactly one.
    pub only_date: Option<NaiveDate>,
}

impl Headline {
    /// The headline of `runs`.
    pub fn new(runs: &[Run]) -> Headline {
        let pairs: Vec<(i64, u8, u8)> = runs
            .iter()
            .filter_map(|r| match Measure::Stress.of(r) {
                (Some(b), Some(a)) => Some((r.started_at, b.get(), a.get())),
                _ => None,
            })
            .collect();
        let answered = pairs.len();
        let change: i64 = pairs
            .iter()
            .map(|&(_, b, a)| i64::from(a) - i64::from(b))
            .sum();
        Headline {
            runs: runs.len(),
            answered,
            calmer: pairs.iter().filter(|(_, b, a)| a < b).count(),
            mean_change: if answered == 0 {
                0.0
            } else {
                change as f64 / answered as f64
            },
            only_date: match pairs.as_slice() {
                [(t, _, _)] => Some(dutch::local_date(*t)),
                _ => None,
            },
        }
    }

    /// The headline in one or two Dutch sentences.
    pub fn sentence(&self) -> String {
        if self.runs == 0 {
            return "Je dagboek is nog leeg. Begin met je eerste training: `rustig play`. \
                    Vul voor en na de training in hoe gespannen je je voelt; dan zie je hier \
                    hoe hardlopen je rustiger maakt."
                .to_owned();
        }
        if self.answered == 0 {
            return format!(
                "Je hebt {} gedaan, maar nog nergens je stress voor én na ingevuld. Doe dat bij \
                 je volgende training (of achteraf met `rustig log edit`); dan zie je hier of \
                 je er rustiger van wordt.",
                dutch::count(self.runs, "training", "trainingen")
            );
        }
        let rounded = (self.mean_change * 10.0).round() / 10.0;
        let how = if rounded < 0.0 {
            format!("{} minder stress", dutch::points(-rounded))
        } else if rounded > 0.0 {
            format!("{} meer stress", dutch::points(rounded))
        } else {
            "evenveel stress als ervoor".to_owned()
        };
        if let Some(day) = self.only_date {
            let felt = if self.calmer == 1 {
                "was je rustiger dan ervoor"
            } else if rounded > 0.0 {
                "was je gespannener dan ervoor"
            } else {
                "was je even gespannen als ervoor"
            };
            let tail = if rounded == 0.0 {
                String::new()
            } else {
                format!(": {how}")
            };
            return format!("Na je training van {} {felt}{tail}.", dutch::day_month(day));
        }
        format!(
            "Na {} van de {} trainingen was je rustiger dan ervoor; gemiddeld {how}.",
            self.calmer, self.answered
        )
    }
}

/// What was done of one session of the program: its best run.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotDone {
    /// Minutes run in its best run (completed first, then the most minutes).
    pub minutes: f64,
    /// The best run was completed.
    pub completed: bool,
    /// Runs of this session in all.
    pub runs: usize,
}

/// One session of the program, planned and done.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// Program week (`week03-2.toml`: 3).
    pub week: u32,
    /// Number in the week (2).
    pub number: u32,
    /// Minutes of running planned.
    pub planned: f64,
    /// What was done, if anything.
    pub done: Option<SlotDone>,
}

/// One week of the program as the runner knows it: "week 3", with its dates.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramWeek {
    /// The week's number.
    pub week: u32,
    /// First and last day a session of this week was run.
    pub dates: Option<(NaiveDate, NaiveDate)>,
    /// Sessions in the week.
    pub sessions: usize,
    /// Sessions completed.
    pub completed: usize,
    /// Minutes run, per session (its best run; 0 when not run), in order.
    pub run: Vec<f64>,
    /// Minutes of running planned, per session.
    pub planned: Vec<f64>,
}

/// The program against the runs: every session, and the weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// The program's title.
    pub title: String,
    /// Every session, in program order.
    pub slots: Vec<Slot>,
    /// The weeks, in order.
    pub weeks: Vec<ProgramWeek>,
}

impl Progress {
    /// The progress through `program` of `runs` (with their minutes run).
    pub fn new(program: &ProgramPlan, runs: &[(Run, f64)]) -> Progress {
        let mut slots = Vec::new();
        let mut weeks: Vec<ProgramWeek> = Vec::new();
        for i in 0..program.files.len() {
            let (week, number) = program
                .week_and_session(i)
                .unwrap_or((i as u32 / 3 + 1, i as u32 % 3 + 1));
            let key = program.key(i);
            let mine: Vec<&(Run, f64)> =
                runs.iter().filter(|(r, _)| r.session_key == key).collect();
            let done = mine
                .iter()
                .max_by(|a, b| {
                    (a.0.completed, a.1)
                        .partial_cmp(&(b.0.completed, b.1))
                        .unwrap_or(std::cmp::Ordering::Equal)
                })
                .map(|(r, m)| SlotDone {
                    minutes: *m,
                    completed: r.completed,
                    runs: mine.len(),
                });
            let planned = crate::journal::program::run_minutes(&program.sessions[i]);
            if weeks.last().is_none_or(|w| w.week != week) {
                weeks.push(ProgramWeek {
                    week,
                    dates: None,
                    sessions: 0,
                    completed: 0,
                    run: Vec::new(),
                    planned: Vec::new(),
                });
            }
            let w = weeks.last_mut().expect("pushed above");
            w.sessions += 1;
            w.completed += usize::from(done.as_ref().is_some_and(|d| d.completed));
            w.run.push(done.as_ref().map_or(0.0, |d| d.minutes));
            w.planned.push(planned);
            for (r, _) in &mine {
                let day = dutch::local_date(r.started_at);
                w.dates = Some(match w.dates {
                    None => (day, day),
                    Some((a, b)) => (a.min(day), b.max(day)),
                });
            }
            slots.push(Slot {
                week,
                number,
                planned,
                done,
            });
        }
        Progress {
            title: program.title.clone(),
            slots,
            weeks,
        }
    }
}

/// Everything the report shows, computed once.
#[derive(Debug, Clone)]
pub struct Report {
    /// Every run, oldest first, with its minutes run.
    pub runs: Vec<(Run, f64)>,
    /// The headline numbers.
    pub headline: Headline,
    /// Stress before and after.
    pub stress: PairSeries,
    /// Mood before and after.
    pub mood: PairSeries,
    /// The program against the runs, when the program could be read.
    pub progress: Option<Progress>,
    /// The runner's state (next session, minutes run per training).
    pub status: Option<Status>,
}

impl Report {
    /// The report of `runs` (any order) for `program`, at unix time `now`.
    pub fn new(runs: &[Run], program: Option<&ProgramPlan>, now: i64) -> Report {
        let mut sorted: Vec<Run> = runs.to_vec();
        sorted.sort_by_key(|r| (r.started_at, r.id));
        let shapes: Vec<Option<RunShape>> = program.map_or_else(Vec::new, |p| {
            p.sessions
                .iter()
                .map(|s| Some(RunShape::from_session(s)))
                .collect()
        });
        let with_minutes: Vec<(Run, f64)> = sorted
            .into_iter()
            .map(|r| {
                let shape = program
                    .and_then(|p| p.index_of_key(&r.session_key))
                    .and_then(|i| shapes[i].as_ref());
                let m = r.minutes_run(shape);
                (r, m)
            })
            .collect();
        let plain: Vec<Run> = with_minutes.iter().map(|(r, _)| r.clone()).collect();
        Report {
            headline: Headline::new(&plain),
            stress: PairSeries::new(Measure::Stress, &plain),
            mood: PairSeries::new(Measure::Mood, &plain),
            progress: program.map(|p| Progress::new(p, &with_minutes)),
            status: program.map(|p| Status::compute(p, &plain, now)),
            runs: with_minutes,
        }
    }

    /// Minutes run in all runs together.
    pub fn minutes_run(&self) -> f64 {
        self.runs.iter().map(|(_, m)| m).sum()
    }

    /// Runs completed.
    pub fn completed(&self) -> usize {
        self.runs.iter().filter(|(r, _)| r.completed).count()
    }

    /// The first and last day with a run.
    pub fn dates(&self) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.runs.first()?;
        let last = self.runs.last()?;
        Some((
            dutch::local_date(first.0.started_at),
            dutch::local_date(last.0.started_at),
        ))
    }

    /// The goal: minutes of running per training.
    pub fn goal(&self) -> f64 {
        self.status
            .as_ref()
            .map_or(GOAL_MINUTES, |s| s.goal_minutes)
    }
}
