//! Durations as session files write them: `"90s"`, `"1m30s"`, `"2.5s"`, `"750ms"`, `"1h"`.
//!
//! They are kept as whole microseconds, so sums of block lengths are exact and times
//! derived from them do not drift.

use std::fmt;

/// A span of time in whole microseconds (negative only for cue offsets from a block's end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub i64);

impl Duration {
    /// Zero length.
    pub const ZERO: Duration = Duration(0);

    /// Whole seconds.
    pub const fn from_secs(s: i64) -> Duration {
        Duration(s * 1_000_000)
    }

    /// Microseconds.
    pub const fn micros(self) -> i64 {
        self.0
    }

    /// Seconds as a float, for the timeline.
    pub fn secs(self) -> f64 {
        self.0 as f64 / 1e6
    }
}

impl std::ops::Add for Duration {
    type Output = Duration;
    fn add(self, rhs: Duration) -> Duration {
        Duration(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Duration {
    type Output = Duration;
    fn sub(self, rhs: Duration) -> Duration {
        Duration(self.0 - rhs.0)
    }
}

impl std::ops::Mul<i64> for Duration {
    type Output = Duration;
    fn mul(self, rhs: i64) -> Duration {
        Duration(self.0 * rhs)
    }
}

impl fmt::Display for Duration {
    /// Writes the duration back in session-file form, e.g. `1m30s` or `-30s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut us = self.0;
        if us < 0 {
            f.write_str("-")?;
            us = -us;
        }
        if us == 0 {
            return f.write_str("0s");
        }
        let h = us / 3_600_000_000;
        let m = us / 60_000_000 % 60;
        let s = us / 1_000_000 % 60;
        let frac = us % 1_000_000;
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if frac == 0 {
            if s > 0 {
                write!(f, "{s}s")?;
            }
        } else if frac % 1000 == 0 && s == 0 {
            write!(f, "{}ms", frac / 1000)?;
        } else {
            let digits = format!("{frac:06}");
            write!(f, "{s}.{}s", digits.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

/// Why a duration string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// The string is empty.
    #[error("the duration is empty")]
    Empty,
    /// A part has no unit, like `"90"`.
    #[error("`{0}` has no unit")]
    MissingUnit(String),
    /// A part has a unit that is not h, m, s or ms.
    #[error("`{0}` is not a unit of time")]
    UnknownUnit(String),
    /// Something that is not a number where a number should be.
    #[error("expected a number at `{0}`")]
    ExpectedNumber(String),
    /// Longer than anything a session can use.
    #[error("the duration is too long")]
    TooLong,
}

impl DurationError {
    /// How to write the duration instead; names the right unit for common mistakes
    /// such as `min`, `sec` or the Dutch `u` (uur).
    pub fn help(&self) -> String {
        if let DurationError::UnknownUnit(unit) = self {
            let better = match unit.to_lowercase().as_str() {
                "u" | "uur" | "uren" | "hr" | "hrs" | "hour" | "hours" => Some("h"),
                "min" | "mins" | "minuut" | "minuten" | "minute" | "minutes" => Some("m"),
                "sec" | "secs" | "sek" | "seconde" | "seconden" | "second" | "seconds" => Some("s"),
                "msec" | "millis" | "milliseconde" | "milliseconden" => Some("ms"),
                _ => None,
            };
            if let Some(b) = better {
                return format!(
                    "write `{b}` instead of `{unit}`: the units are h, m, s and ms, e.g. \"1m30s\""
                );
            }
        }
        DURATION_HELP.to_owned()
    }
}

/// The hint that goes with every duration error.
pub const DURATION_HELP: &str = "write a duration as a string of <number><unit> parts, units h, m, s or ms: \"90s\", \"1m30s\", \"5m\", \"750ms\"";

/// Parses a duration string. A leading `-` gives a negative duration; callers decide
/// whether they accept one.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let trimmed = text.trim();
    let (negative, mut rest) = match trimmed.strip_prefix('-') {
        Some(r) => (true, r.trim_start()),
        None => (false, trimmed),
    };
    if rest.is_empty() {
        return Err(DurationError::Empty);
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..num_len];
        if number.is_empty() || number.starts_with('.') && number.len() == 1 {
            return Err(DurationError::ExpectedNumber(rest.to_owned()));
        }
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        if frac_part.contains('.') || int_part.is_empty() && frac_part.is_empty() {
            return Err(DurationError::ExpectedNumber(rest.to_owned()));
        }
        rest = rest[num_len..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        let scale: i128 = match unit {
            "h" => 3_600_000_000,
            "m" => 60_000_000,
            "s" => 1_000_000,
            "ms" => 1_000,
            "" => return Err(DurationError::MissingUnit(number.to_owned())),
            other => return Err(DurationError::UnknownUnit(other.to_owned())),
        };
        rest = rest[unit_len..].trim_start();
        if int_part.len() > 12 {
            return Err(DurationError::TooLong);
        }
        let whole: i128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| DurationError::TooLong)?
        };
        // Fractions are rounded to the microsecond.
        let frac_digits = &frac_part[..frac_part.len().min(12)];
        let frac: i128 = if frac_digits.is_empty() {
            0
        } else {
            let value: i128 = frac_digits.parse().unwrap_or(0);
            let denom = 10i128.pow(frac_digits.len() as u32);
            (value * scale + denom / 2) / denom
        };
        total += whole * scale + frac;
        if total > i64::MAX as i128 / 4 {
            return Err(DurationError::TooLong);
        }
    }
    let total = total as i64;
    Ok(Duration(if negative { -total } else { total }))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn parses_every_form_of_the_spec() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("2.5s"), Ok(Duration(2_500_000)));
        assert_eq!(parse_duration("750ms"), Ok(Duration(750_000)));
        assert_eq!(parse_duration("-30s"), Ok(Duration::from_secs(-30)));
        assert_eq!(parse_duration("1h2m3s4ms"), Ok(Duration(3_723_004_000)));
    }

    #[test]
    fn rejects_what_is_ambiguous_or_wrong() {
        assert_eq!(
            parse_duration("90"),
            Err(DurationError::MissingUnit("90".into()))
        );
        assert_eq!(parse_duration(""), Err(DurationError::Empty));
        assert_eq!(
            parse_duration("5 min"),
            Err(DurationError::UnknownUnit("min".into()))
        );
        assert_eq!(
            parse_duration("m"),
            Err(DurationError::ExpectedNumber("m".into()))
        );
        assert_eq!(
            parse_duration("1.2.3s"),
            Err(DurationError::ExpectedNumber("1.2.3s".into()))
        );
    }

    #[test]
    fn the_hint_names_the_right_unit_for_common_mistakes() {
        assert_eq!(
            parse_duration("5min").unwrap_err().help(),
            "write `m` instead of `min`: the units are h, m, s and ms, e.g. \"1m30s\""
        );
        assert!(
            parse_duration("1u")
                .unwrap_err()
                .help()
                .starts_with("write `h` instead of `u`")
        );
        assert_eq!(parse_duration("5x").unwrap_err().help(), DURATION_HELP);
    }

    #[test]
    fn displays_in_session_form() {
        assert_eq!(Duration::from_secs(90).to_string(), "1m30s");
        assert_eq!(Duration(2_500_000).to_string(), "2.5s");
        assert_eq!(Duration(750_000).to_string(), "750ms");
        assert_eq!(Duration::from_secs(-30).to_string(), "-30s");
    }
}
