//! The report for the runner and the coach: one self-contained Dutch HTML page with
//! inline SVG charts drawn with `plotters` (no scripts, no network), and the main
//! chart — stress before→after per run — alone as SVG or PNG.
//!
//! The charts carry no text of their own (so no font is needed); the page's Dutch
//! headings and legends explain them.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, Local, TimeZone};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::journal::{Run, Score};

/// Drawing failed.
#[derive(Debug, thiserror::Error)]
#[error("report: {0}")]
pub struct ReportError(String);

fn draw_err<E: std::fmt::Debug>(e: E) -> ReportError {
    ReportError(format!("{e:?}"))
}

/// Size of the main chart in pixels.
pub const CHART: (u32, u32) = (800, 360);

const BEFORE: RGBColor = RGBColor(214, 96, 77);
const AFTER: RGBColor = RGBColor(26, 152, 80);
const GRID: RGBColor = RGBColor(225, 225, 225);
const PLAN: RGBColor = RGBColor(90, 90, 90);
const BAR: RGBColor = RGBColor(67, 147, 195);

/// (before, after) of every run with both answers, oldest first.
pub fn pairs(runs: &[Run], pick: fn(&Run) -> (Option<u8>, Option<u8>)) -> Vec<(u8, u8)> {
    let mut sorted: Vec<&Run> = runs.iter().collect();
    sorted.sort_by_key(|r| (r.started_at, r.id));
    sorted
        .into_iter()
        .filter_map(|r| match pick(r) {
            (Some(b), Some(a)) => Some((b, a)),
            _ => None,
        })
        .collect()
}

/// Stress before and after.
pub fn stress(r: &Run) -> (Option<u8>, Option<u8>) {
    (
        r.answers.stress_before.map(Score::get),
        r.answers.stress_after.map(Score::get),
    )
}

/// Mood before and after.
pub fn mood(r: &Run) -> (Option<u8>, Option<u8>) {
    (
        r.answers.mood_before.map(Score::get),
        r.answers.mood_after.map(Score::get),
    )
}

/// Paired scores: per run a short bar at "before", a line to a dot at "after" (one
/// dot per answered run), green when "after" is better or the same. Scores 1–5
/// upwards.
fn draw_pairs<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    pairs: &[(u8, u8)],
    higher_is_better: bool,
) -> Result<(), ReportError> {
    root.fill(&WHITE).map_err(draw_err)?;
    let n = pairs.len().max(1) as f64;
    let mut chart = ChartBuilder::on(root)
        .margin(16)
        .build_cartesian_2d(0.0..n, 0.5..5.5)
        .map_err(draw_err)?;
    for level in 1..=5 {
        let y = f64::from(level);
        chart
            .draw_series(LineSeries::new([(0.0, y), (n, y)], GRID.stroke_width(1)))
            .map_err(draw_err)?;
    }
    let half = 0.18_f64.min(0.4);
    for (i, &(before, after)) in pairs.iter().enumerate() {
        let x = i as f64 + 0.5;
        let (b, a) = (f64::from(before), f64::from(after));
        let better = if higher_is_better { a >= b } else { a <= b };
        let colour = if better { AFTER } else { BEFORE };
        chart
            .draw_series([Rectangle::new(
                [(x - half, b - 0.04), (x + half, b + 0.04)],
                BEFORE.filled(),
            )])
            .map_err(draw_err)?;
        chart
            .draw_series(LineSeries::new([(x, b), (x, a)], colour.stroke_width(3)))
            .map_err(draw_err)?;
        chart
            .draw_series([Circle::new((x, a), 7, colour.filled())])
            .map_err(draw_err)?;
    }
    root.present().map_err(draw_err)
}

/// The main chart (stress before→after) as an SVG document.
pub fn stress_svg(runs: &[Run]) -> Result<String, ReportError> {
    pairs_svg(&pairs(runs, stress), false)
}

fn pairs_svg(p: &[(u8, u8)], higher_is_better: bool) -> Result<String, ReportError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, CHART).into_drawing_area();
        draw_pairs(&root, p, higher_is_better)?;
    }
    Ok(svg)
}

/// The main chart as a PNG file at `path` (written to a temporary file next to it,
/// then renamed).
pub fn stress_png(runs: &[Run], path: &Path) -> Result<(), ReportError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temp = tempfile::Builder::new()
        .prefix(".rustig-report")
        .suffix(".png")
        .tempfile_in(dir)
        .map_err(|e| ReportError(format!("{}: {e}", dir.display())))?
        .into_temp_path();
    {
        let root = BitMapBackend::new(&temp, CHART).into_drawing_area();
        draw_pairs(&root, &pairs(runs, stress), false)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o644))
            .map_err(|e| ReportError(format!("{}: {e}", path.display())))?;
    }
    temp.persist(path)
        .map_err(|e| ReportError(format!("{}: {e}", path.display())))
}

/// One calendar week (ISO) of runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Week {
    /// `2026-W19`.
    pub label: String,
    /// Minutes of sessions done.
    pub minutes: f64,
    /// Runs done to the end.
    pub completed: usize,
    /// All runs.
    pub runs: usize,
}

/// The runs grouped by ISO week in local time, oldest first.
pub fn weeks(runs: &[Run]) -> Vec<Week> {
    let mut map: BTreeMap<(i32, u32), Week> = BTreeMap::new();
    for r in runs {
        let Some(t) = Local.timestamp_opt(r.started_at, 0).single() else {
            continue;
        };
        let w = t.iso_week();
        let week = map.entry((w.year(), w.week())).or_insert_with(|| Week {
            label: format!("{}-W{:02}", w.year(), w.week()),
            minutes: 0.0,
            completed: 0,
            runs: 0,
        });
        week.minutes += r.minutes();
        week.completed += usize::from(r.completed);
        week.runs += 1;
    }
    map.into_values().collect()
}

/// Bars of minutes of sessions done per week, with the plan (`plan[i]`: the minutes of
/// the program's week i + 1) as a line.
fn weeks_svg(weeks: &[Week], plan: &[f64]) -> Result<String, ReportError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let n = weeks.len().max(1);
        let top = weeks
            .iter()
            .map(|w| w.minutes)
            .chain(plan.iter().take(n).copied())
            .fold(10.0, f64::max)
            * 1.1;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .build_cartesian_2d(0.0..n as f64, 0.0..top)
            .map_err(draw_err)?;
        for (i, w) in weeks.iter().enumerate() {
            let x = i as f64;
            chart
                .draw_series([Rectangle::new(
                    [(x + 0.15, 0.0), (x + 0.85, w.minutes)],
                    BAR.filled(),
                )])
                .map_err(draw_err)?;
        }
        let line: Vec<(f64, f64)> = plan
            .iter()
            .take(n)
            .enumerate()
            .flat_map(|(i, &m)| [(i as f64 + 0.1, m), (i as f64 + 0.9, m)])
            .collect();
        chart
            .draw_series(LineSeries::new(line, PLAN.stroke_width(3)))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn date(t: i64) -> String {
    Local
        .timestamp_opt(t, 0)
        .single()
        .map_or_else(|| t.to_string(), |d| d.format("%d-%m-%Y").to_string())
}

/// The whole page. `plan` holds the planned minutes of the program's weeks, in order.
pub fn html(runs: &[Run], plan: &[f64], program_title: &str) -> Result<String, ReportError> {
    let stress_pairs = pairs(runs, stress);
    let mood_pairs = pairs(runs, mood);
    let calmer = stress_pairs.iter().filter(|(b, a)| a < b).count();
    let weeks = weeks(runs);
    let mut page = String::new();
    page.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>Hardloopdagboek — {}</title>\n<style>\n\
body{{font-family:system-ui,sans-serif;margin:0 auto;max-width:820px;padding:12px;color:#222;line-height:1.4}}\n\
svg{{width:100%;height:auto;display:block}}\n\
.legend span{{display:inline-block;margin-right:1em}}\n\
.b{{color:#d6604d}}.a{{color:#1a9850}}\n\
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:4px;text-align:left}}\n\
</style>\n</head>\n<body>\n<h1>Hardloopdagboek</h1>\n<p>{}: {} trainingen in het dagboek.</p>\n",
        escape(program_title),
        escape(program_title),
        runs.len()
    ));
    page.push_str(&format!(
        "<section id=\"stress\">\n<h2>Stress voor en na</h2>\n\
<p>Na {calmer} van de {} trainingen met antwoorden was je stress lager dan ervoor.</p>\n\
<p class=\"legend\"><span class=\"b\">▬ voor de training</span><span class=\"a\">● na de training (groen: rustiger of gelijk, rood: gespannener)</span></p>\n\
<p>Van onder (1, ontspannen) naar boven (5, erg gespannen); één training per kolom, oudste links.</p>\n{}</section>\n",
        stress_pairs.len(),
        pairs_svg(&stress_pairs, false)?
    ));
    page.push_str(&format!(
        "<section id=\"mood\">\n<h2>Stemming voor en na</h2>\n\
<p>Van onder (1, somber) naar boven (5, heel goed); groen: beter of gelijk na de training.</p>\n{}</section>\n",
        pairs_svg(&mood_pairs, true)?
    ));
    page.push_str(&format!(
        "<section id=\"weeks\">\n<h2>Minuten per week</h2>\n\
<p class=\"legend\"><span style=\"color:#4393c3\">■ gedaan</span><span>▬ gepland in het programma</span></p>\n{}\n\
<table>\n<tr><th>week</th><th>minuten</th><th>afgerond</th></tr>\n",
        weeks_svg(&weeks, plan)?
    ));
    for w in &weeks {
        page.push_str(&format!(
            "<tr><td>{}</td><td>{:.0}</td><td>{} van {}</td></tr>\n",
            w.label, w.minutes, w.completed, w.runs
        ));
    }
    page.push_str("</table>\n</section>\n<section id=\"notes\">\n<h2>Notities</h2>\n<ul>\n");
    let mut sorted: Vec<&Run> = runs.iter().collect();
    sorted.sort_by_key(|r| (r.started_at, r.id));
    for r in sorted {
        if let Some(note) = &r.answers.note {
            page.push_str(&format!(
                "<li>{} — {}: {}</li>\n",
                date(r.started_at),
                escape(&r.title),
                escape(note.as_str())
            ));
        }
    }
    page.push_str("</ul>\n</section>\n<p><small>Gemaakt door rustig. Deze gegevens staan alleen op je eigen apparaat.</small></p>\n</body>\n</html>\n");
    Ok(page)
}

/// Planned minutes of sessions per week of `program`, in order: the plan line of
/// [`html`]'s weekly chart (shared by `rustig report` and the phone page).
pub fn planned_minutes(program: &crate::journal::ProgramPlan) -> Vec<f64> {
    let mut weeks: Vec<f64> = Vec::new();
    for (i, s) in program.sessions.iter().enumerate() {
        let Some((week, _)) = program.week_and_session(i) else {
            continue;
        };
        let i = week.saturating_sub(1) as usize;
        if weeks.len() <= i {
            weeks.resize(i + 1, 0.0);
        }
        weeks[i] += s.blocks_duration().secs() / 60.0;
    }
    weeks
}
