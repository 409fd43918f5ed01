//! The charts, drawn with plotters on any backend: the same drawing becomes the SVG
//! in the page, the standalone SVG and the PNG. Every chart carries its own legend,
//! axes and dates as text, so an image sent to a coach explains itself; the PNG's text
//! is drawn with DejaVu Sans, embedded once in the binary ([`crate::fonts`]).
//!
//! Colours mean one thing each, and shapes say the same without colour: grey
//! squares are "before"; "after" is a triangle pointing the way the score went, blue
//! when that is better and orange when worse, or a dark ring around the square when
//! unchanged. The legend is text (■ ▼ ▲ ○), so the only polygons and circles in a pair chart are its
//! marks: one per answered run, or per week when runs are dense.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

use super::ReportError;
use super::dutch;
use super::model::{Direction, PairSeries, Progress, TREND_WINDOW};
use crate::fonts;

/// The family the charts ask for; in an SVG the viewer's own sans-serif draws it.
const FAMILY: &str = "sans-serif";

/// "Before": neutral grey.
pub const BEFORE: RGBColor = RGBColor(130, 130, 130);
/// "After", better: blue (Okabe–Ito, safe for colour-blind eyes with orange).
pub const BETTER: RGBColor = RGBColor(0, 114, 178);
/// "After", worse: orange-red (Okabe–Ito vermillion).
pub const WORSE: RGBColor = RGBColor(213, 94, 0);
/// "After", unchanged: dark grey.
pub const SAME: RGBColor = RGBColor(60, 60, 60);
/// Running done: bluish green; filled when completed, outlined when partial.
pub const RUN: RGBColor = RGBColor(0, 140, 100);
/// The program's plan and the trend of "after".
pub const INK: RGBColor = RGBColor(20, 20, 20);
const GRID: RGBColor = RGBColor(222, 222, 222);
const AXIS: RGBColor = RGBColor(120, 120, 120);

/// The width of every chart in the page, in SVG units. The page draws it across the
/// phone's width (about 390 px at 412 px), so 14-unit text is drawn at about 12 px.
pub const WIDTH: u32 = 440;
/// The smallest text size, in units at scale 1.
const TEXT: f64 = 14.0;
/// Space around the drawing, in units at scale 1.
const PAD: f64 = 10.0;

/// Sizes at a scale: 1 for the page, larger for standalone images.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    /// Pixels (or SVG units) per unit.
    pub scale: f64,
    /// Draw the title and subtitle (standalone images; the page has headings).
    pub titled: bool,
}

impl Geometry {
    fn u(self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }

    /// A text style `size` units high (plotters writes `size / 1.24` into an SVG).
    fn font(self, size: f64, colour: &RGBColor) -> TextStyle<'static> {
        (FAMILY, size * self.scale * 1.24).into_font().color(colour)
    }

    fn bold(self, size: f64) -> TextStyle<'static> {
        (FAMILY, size * self.scale * 1.24, FontStyle::Bold)
            .into_font()
            .color(&INK)
    }

    /// The size of a pair chart.
    pub fn pairs_size(self) -> (u32, u32) {
        let h = if self.titled { 400.0 } else { 340.0 };
        self.size(h)
    }

    /// The size of the minutes chart.
    pub fn minutes_size(self) -> (u32, u32) {
        let h = if self.titled { 360.0 } else { 300.0 };
        self.size(h)
    }

    fn size(self, h: f64) -> (u32, u32) {
        (self.u(f64::from(WIDTH)) as u32, self.u(h) as u32)
    }
}

/// Registers the embedded fonts with plotters, once.
fn register_fonts() -> Result<(), ReportError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, fonts::REGULAR).is_ok()
            && register_font(FAMILY, FontStyle::Bold, fonts::BOLD).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ReportError::new(
            "the embedded DejaVu Sans font could not be read",
        ))
    }
}

fn draw_err<E: std::fmt::Debug>(e: E) -> ReportError {
    ReportError::new(format!("drawing the chart failed: {e:?}"))
}

/// One legend entry: a glyph in its colour, then words.
struct Entry<'a> {
    glyph: &'a str,
    colour: RGBColor,
    words: &'a str,
}

/// What every chart starts with: the fonts, a white ground, then title, subtitle
/// (when `g.titled`) and legend, wrapped to the width. Returns the area below them,
/// for the plot.
fn prologue<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: Geometry,
    title: &str,
    subtitle: &str,
    legend: &[Entry],
) -> Result<DrawingArea<DB, Shift>, ReportError> {
    register_fonts()?;
    root.fill(&WHITE).map_err(draw_err)?;
    let (width, _) = root.dim_in_pixel();
    let width = width as i32;
    let mut y = g.u(PAD);
    let left = g.u(PAD);
    if g.titled {
        root.draw_text(title, &g.bold(17.0), (left, y))
            .map_err(draw_err)?;
        y += g.u(26.0);
        root.draw_text(subtitle, &g.font(TEXT, &SAME), (left, y))
            .map_err(draw_err)?;
        y += g.u(24.0);
    }
    let mut x = left;
    for e in legend {
        let glyph = g.font(18.0, &e.colour);
        let words = g.font(TEXT, &INK);
        let (gw, _) = root
            .estimate_text_size(&format!("{} ", e.glyph), &glyph)
            .map_err(draw_err)?;
        let (ww, _) = root.estimate_text_size(e.words, &words).map_err(draw_err)?;
        let w = (gw + ww) as i32;
        if x > left && x + w > width - g.u(PAD) {
            x = left;
            y += g.u(20.0);
        }
        root.draw_text(e.glyph, &glyph, (x, y - g.u(3.0)))
            .map_err(draw_err)?;
        root.draw_text(e.words, &words, (x + gw as i32, y))
            .map_err(draw_err)?;
        x += w + g.u(16.0);
    }
    Ok(root.split_vertically(y + g.u(22.0)).1)
}

/// The plot on `body`: `x` by `y`, with room for the x labels (`x_labels` units high)
/// and the y labels (`y_labels` pixels wide), and the charts' common margins.
fn plot<'a, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    g: Geometry,
    x_labels: f64,
    y_labels: i32,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, ReportError> {
    ChartBuilder::on(body)
        .margin_left(g.u(PAD))
        .margin_right(g.u(PAD + 4.0))
        .margin_top(g.u(6.0))
        .margin_bottom(g.u(4.0))
        .x_label_area_size(g.u(x_labels))
        .y_label_area_size(y_labels)
        .build_cartesian_2d(x, y)
        .map_err(draw_err)
}

/// Ticks for a time axis from day `from` to day `to`, at most `room` of them: every
/// 1, 2 or 3 days, or every 1, 2, 4, 8… weeks on Mondays; labelled `2 nov`.
pub fn date_ticks(from: f64, to: f64, room: usize) -> Vec<(f64, String)> {
    let (first, last) = (from.ceil() as i32, to.floor() as i32);
    if last < first {
        return Vec::new();
    }
    let room = room.max(1);
    let span = (last - first + 1) as usize;
    let steps = [1, 2, 3, 7, 14, 28, 56, 112, 224, 448];
    let step = steps
        .into_iter()
        .find(|s| span.div_ceil(*s) <= room)
        .unwrap_or(448);
    (first..=last)
        .filter(|&d| {
            if step < 7 {
                (d - first) % step as i32 == 0
            } else {
                // Day numbers from the common era: day 1 was a Monday.
                let monday = (d - 1).rem_euclid(7) == 0;
                monday && ((d - 1) / 7) % (step as i32 / 7) == 0
            }
        })
        .map(|d| (f64::from(d), dutch::day_month(dutch::date_of_day(d))))
        .collect()
}

/// The before/after chart of `series`.
pub fn draw_pairs<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: Geometry,
    series: &PairSeries,
    subtitle: &str,
) -> Result<(), ReportError> {
    let m = series.measure;
    let (up_glyph, down_glyph) = ("▲", "▼");
    let (better_glyph, worse_glyph) = if m.higher_is_better() {
        (up_glyph, down_glyph)
    } else {
        (down_glyph, up_glyph)
    };
    let (better_words, worse_words) = if m.higher_is_better() {
        ("na: beter", "na: slechter")
    } else {
        ("na: rustiger", "na: gespannener")
    };
    // The trend lines: the mean of before (grey) and of after (black).
    let over = if series.weekly {
        format!("gemiddelde van {TREND_WINDOW} weken")
    } else {
        format!("gemiddelde van {TREND_WINDOW}")
    };
    let (trend_before, trend_after) = (format!("voor: {over}"), format!("na: {over}"));
    let legend = [
        Entry {
            glyph: "■",
            colour: BEFORE,
            words: "voor",
        },
        Entry {
            glyph: better_glyph,
            colour: BETTER,
            words: better_words,
        },
        Entry {
            glyph: worse_glyph,
            colour: WORSE,
            words: worse_words,
        },
        Entry {
            glyph: "○",
            colour: SAME,
            words: "na: gelijk",
        },
        Entry {
            glyph: "━",
            colour: BEFORE,
            words: &trend_before,
        },
        Entry {
            glyph: "━",
            colour: INK,
            words: &trend_after,
        },
    ];
    let legend = if series.trend.is_empty() {
        &legend[..4]
    } else {
        &legend[..]
    };
    let body = prologue(root, g, m.title(), subtitle, legend)?;

    let q = m.question();
    let label = g.font(TEXT, &INK);
    let (low, high) = (format!("{} 1", q.low()), format!("{} 5", q.high()));
    let label_w = [&low, &high]
        .iter()
        .map(|t| body.estimate_text_size(t, &label).map(|s| s.0))
        .collect::<Result<Vec<_>, _>>()
        .map_err(draw_err)?
        .into_iter()
        .max()
        .unwrap_or(0) as i32
        + g.u(10.0);
    let (body_w, _) = body.dim_in_pixel();
    let plot_w = body_w as i32 - label_w - g.u(PAD + 14.0);
    let (from, to) = series.days;
    let ticks = if series.points.len() == 1 {
        let d = series.points[0].x.floor();
        vec![(d, dutch::day_month(series.points[0].day))]
    } else {
        date_ticks(from, to, (plot_w / g.u(56.0)).max(1) as usize)
    };
    let mut chart = plot(&body, g, 26.0, label_w, from..to, 0.5..5.5)?;
    let y_ticks: Vec<(f64, String)> = (1..=5)
        .map(|n| {
            let text = match n {
                1 => low.clone(),
                5 => high.clone(),
                n => n.to_string(),
            };
            (f64::from(n), text)
        })
        .collect();
    axes(root, &chart, g, &ticks, &y_ticks, None)?;

    if series.points.is_empty() {
        chart
            .plotting_area()
            .draw(&Text::new(
                "Nog geen trainingen met antwoorden",
                ((from + to) / 2.0, 3.0),
                g.font(TEXT, &SAME)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(draw_err)?;
        return root.present().map_err(draw_err);
    }

    if !series.trend.is_empty() {
        let w = g.u(2.0).max(1) as u32;
        chart
            .draw_series(LineSeries::new(
                series.trend.iter().map(|t| (t.0, t.1)),
                BEFORE.stroke_width(w),
            ))
            .map_err(draw_err)?;
        chart
            .draw_series(LineSeries::new(
                series.trend.iter().map(|t| (t.0, t.2)),
                INK.stroke_width(w),
            ))
            .map_err(draw_err)?;
    }

    // Marks shrink as they crowd, but stay visible.
    let px_per_day = f64::from(plot_w.max(1)) / (to - from).max(1.0);
    let spacing = if series.weekly {
        px_per_day * 7.0
    } else {
        px_per_day
    };
    let r = (spacing * 0.4).clamp(2.5 * g.scale, 6.0 * g.scale).round() as i32;
    let sq = (f64::from(r) * 0.85).round().max(2.0) as i32;
    let area = chart.plotting_area();
    for p in &series.points {
        let dir = m.direction(p.before, p.after);
        let colour = match dir {
            Direction::Better => BETTER,
            Direction::Worse => WORSE,
            Direction::Same => SAME,
        };
        if dir != Direction::Same {
            area.draw(&PathElement::new(
                vec![(p.x, p.before), (p.x, p.after)],
                colour.stroke_width(g.u(1.5).max(1) as u32),
            ))
            .map_err(draw_err)?;
        }
        area.draw(
            &(EmptyElement::at((p.x, p.before))
                + Rectangle::new([(-sq, -sq), (sq, sq)], BEFORE.filled())),
        )
        .map_err(draw_err)?;
        if dir == Direction::Same {
            // A ring around the "before" square: the same score after.
            area.draw(&Circle::new(
                (p.x, p.after),
                sq + g.u(3.0),
                colour.stroke_width(g.u(2.0).max(1) as u32),
            ))
            .map_err(draw_err)?;
        } else {
            // Pointing the way the score went: up is a higher score.
            let down = p.after < p.before;
            let (tip, base) = if down {
                (r, -r * 3 / 4)
            } else {
                (-r, r * 3 / 4)
            };
            area.draw(
                &(EmptyElement::at((p.x, p.after))
                    + Polygon::new(vec![(-r, base), (r, base), (0, tip)], colour.filled())),
            )
            .map_err(draw_err)?;
        }
    }
    root.present().map_err(draw_err)
}

/// Minutes run per session of the program (a bar each: filled when completed,
/// outlined when partial) against the plan (a line), by program week.
pub fn draw_minutes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: Geometry,
    progress: &Progress,
    goal: f64,
) -> Result<(), ReportError> {
    let legend = [
        Entry {
            glyph: "━",
            colour: INK,
            words: "gepland",
        },
        Entry {
            glyph: "■",
            colour: RUN,
            words: "gelopen, afgerond",
        },
        Entry {
            glyph: "□",
            colour: RUN,
            words: "gelopen, deels",
        },
    ];
    let body = prologue(
        root,
        g,
        "Minuten hardlopen per training",
        &progress.title,
        &legend,
    )?;
    let n = progress.slots.len().max(1);
    let highest = progress
        .slots
        .iter()
        .flat_map(|s| [Some(s.planned), s.done.as_ref().map(|d| d.minutes)])
        .flatten()
        .fold(goal, f64::max);
    let y_top = (highest / 12.0).ceil() * 12.0 + 3.0;
    let y_ticks: Vec<f64> = (0..)
        .map(|i| f64::from(i) * 12.0)
        .take_while(|v| *v <= y_top)
        .collect();
    // Week numbers under the middle of their sessions.
    let mut centres: Vec<(f64, u32)> = Vec::new();
    let mut bounds: Vec<f64> = Vec::new();
    for (i, s) in progress.slots.iter().enumerate() {
        if i == 0 || progress.slots[i - 1].week != s.week {
            bounds.push(i as f64);
        }
    }
    for (k, &start) in bounds.iter().enumerate() {
        let end = bounds.get(k + 1).copied().unwrap_or(n as f64);
        centres.push(((start + end) / 2.0, progress.slots[start as usize].week));
    }
    let label = g.font(TEXT, &INK);
    let label_w = body
        .estimate_text_size("36 min", &label)
        .map_err(draw_err)?
        .0 as i32
        + g.u(10.0);
    let mut chart = plot(&body, g, 46.0, label_w, 0.0..n as f64, 0.0..y_top)?;
    let x_ticks: Vec<(f64, String)> = centres.iter().map(|c| (c.0, c.1.to_string())).collect();
    let y_ticks: Vec<(f64, String)> = y_ticks
        .iter()
        .map(|&y| {
            (
                y,
                if y == 0.0 {
                    "0".to_owned()
                } else {
                    format!("{y:.0} min")
                },
            )
        })
        .collect();
    axes(
        root,
        &chart,
        g,
        &x_ticks,
        &y_ticks,
        Some("week van het programma"),
    )?;
    for &b in bounds.iter().skip(1) {
        chart
            .draw_series(LineSeries::new(
                [(b, 0.0), (b, y_top)],
                GRID.stroke_width(1),
            ))
            .map_err(draw_err)?;
    }
    let stroke = g.u(2.0).max(1) as u32;
    for (i, s) in progress.slots.iter().enumerate() {
        let Some(done) = &s.done else { continue };
        let x = i as f64;
        // A partial run of nearly nothing still shows as a sliver.
        let h = done.minutes.max(0.4);
        let style = if done.completed {
            RUN.filled()
        } else {
            RUN.stroke_width(stroke)
        };
        chart
            .draw_series([Rectangle::new([(x + 0.14, 0.0), (x + 0.86, h)], style)])
            .map_err(draw_err)?;
    }
    let plan: Vec<(f64, f64)> = progress
        .slots
        .iter()
        .enumerate()
        .flat_map(|(i, s)| [(i as f64, s.planned), (i as f64 + 1.0, s.planned)])
        .collect();
    chart
        .draw_series(LineSeries::new(plan, INK.stroke_width(stroke)))
        .map_err(draw_err)?;
    root.present().map_err(draw_err)
}

/// Grid lines and labels at `y_ticks`, the axes, tick marks and labels at `x_ticks`,
/// and a caption under the x labels. Drawn by hand rather than with plotters' mesh,
/// because the mesh cannot take ticks chosen by the caller on an `f64` axis.
fn axes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    g: Geometry,
    x_ticks: &[(f64, String)],
    y_ticks: &[(f64, String)],
    caption: Option<&str>,
) -> Result<(), ReportError> {
    let area = chart.plotting_area();
    let (xs, ys) = area.get_pixel_range();
    let (left, right, bottom) = (xs.start, xs.end - 1, ys.end - 1);
    let label = g.font(TEXT, &INK);
    let line = |a: (i32, i32), b: (i32, i32), c: RGBColor| {
        root.draw(&PathElement::new(vec![a, b], c.stroke_width(1)))
            .map_err(draw_err)
    };
    for (y, text) in y_ticks {
        let (_, py) = chart.backend_coord(&(area.get_x_range().start, *y));
        line((left, py), (right, py), GRID)?;
        root.draw_text(
            text,
            &label.pos(Pos::new(HPos::Right, VPos::Center)),
            (left - g.u(6.0), py),
        )
        .map_err(draw_err)?;
    }
    line((left, ys.start), (left, bottom), AXIS)?;
    line((left, bottom), (right, bottom), AXIS)?;
    for (x, text) in x_ticks {
        let (px, _) = chart.backend_coord(&(*x, area.get_y_range().start));
        line((px, bottom), (px, bottom + g.u(4.0)), AXIS)?;
        root.draw_text(
            text,
            &label.pos(Pos::new(HPos::Center, VPos::Top)),
            (px, bottom + g.u(7.0)),
        )
        .map_err(draw_err)?;
    }
    if let Some(caption) = caption {
        root.draw_text(
            caption,
            &g.font(TEXT, &SAME).pos(Pos::new(HPos::Center, VPos::Top)),
            ((left + right) / 2, bottom + g.u(27.0)),
        )
        .map_err(draw_err)?;
    }
    Ok(())
}

/// `svg` with a `<title>` and `<desc>` as its first children, named for screen
/// readers (`role="img"`, `aria-labelledby`); `id` keeps the ids unique in a page.
pub fn with_title(svg: &str, id: &str, title: &str, desc: &str) -> String {
    let Some(open_end) = svg.find('>') else {
        return svg.to_owned();
    };
    let (open, rest) = svg.split_at(open_end);
    let open = open.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" "),
        1,
    );
    format!(
        "{open}>\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>{}",
        super::page::escape(title),
        super::page::escape(desc),
        &rest[1..]
    )
}
