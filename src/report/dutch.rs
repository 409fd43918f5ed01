//! Dates, numbers and counts written the Dutch way for the report: `2 nov`,
//! `1,3`, `3 trainingen`. Dates are in local time, as the runner lived them.

use chrono::{Datelike, Local, NaiveDate, TimeZone, Timelike};

/// The months as a Dutch calendar abbreviates them.
const MONTHS: [&str; 12] = [
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];

/// The local date of unix time `t` (1 jan 1970 for a time outside chrono's range).
pub fn local_date(t: i64) -> NaiveDate {
    Local
        .timestamp_opt(t, 0)
        .single()
        .map_or(NaiveDate::default(), |d| d.date_naive())
}

/// Unix time `t` as a day number with the time of day as a fraction: the x of a run
/// on a time axis.
pub fn day_number(t: i64) -> f64 {
    Local.timestamp_opt(t, 0).single().map_or(0.0, |d| {
        f64::from(d.date_naive().num_days_from_ce())
            + f64::from(d.time().num_seconds_from_midnight()) / 86_400.0
    })
}

/// The date of day number `day` (as [`day_number`] counts).
pub fn date_of_day(day: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).unwrap_or_default()
}

/// `2 nov`.
pub fn day_month(d: NaiveDate) -> String {
    format!("{} {}", d.day(), MONTHS[d.month0() as usize])
}

/// `2 nov 2026`.
pub fn full_date(d: NaiveDate) -> String {
    format!("{} {}", day_month(d), d.year())
}

/// A stretch of days: `2 nov`, `2–6 nov`, `30 nov – 4 dec`, `28 dec 2026 – 3 jan 2027`.
pub fn date_span(from: NaiveDate, to: NaiveDate) -> String {
    if from == to {
        day_month(from)
    } else if from.year() != to.year() {
        format!("{} – {}", full_date(from), full_date(to))
    } else if from.month() == to.month() {
        format!("{}–{}", from.day(), day_month(to))
    } else {
        format!("{} – {}", day_month(from), day_month(to))
    }
}

/// `x` with `places` decimals and a decimal comma: `1,3`.
pub fn decimal(x: f64, places: usize) -> String {
    format!("{x:.places$}").replace('.', ",")
}

/// `1 training`, `3 trainingen`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A number of points on a 1–5 scale, rounded to one decimal: `1 punt`, `1,3 punt`,
/// `2 punten`.
pub fn points(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        let n = rounded as i64;
        format!("{n} {}", if n == 1 { "punt" } else { "punten" })
    } else {
        format!("{} punt", decimal(rounded, 1))
    }
}

/// Minutes as the runner reads them: `36 min`, `1 u 12 min`.
pub fn minutes(m: f64) -> String {
    let m = m.round() as i64;
    if m < 60 {
        format!("{m} min")
    } else {
        format!("{} u {} min", m / 60, m % 60)
    }
}
