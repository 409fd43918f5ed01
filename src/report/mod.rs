//! The report for the runner and the coach (`rustig report`): one self-contained Dutch
//! HTML page (no scripts, nothing from the network, fine offline on a phone and on A4
//! paper), and its main chart — stress before and after — alone as SVG or PNG.
//!
//! - [`model`]: what is shown, computed once from the runs with the journal's rules
//!   (minutes run, completed, the program's plan, the runner's [`Status`]);
//! - [`chart`]: the charts, drawn with plotters, with their own legend, axes and
//!   dates, in the page, as SVG and as PNG (text in the embedded DejaVu Sans);
//! - [`page`]: the HTML, with a table beside each chart for screen readers and a
//!   print stylesheet;
//! - [`dutch`]: dates (`2 nov`), numbers (`1,3`) and counts in Dutch.
//!
//! It only reads runs; it never writes the journal.
//!
//! [`Status`]: crate::journal::Status

pub mod chart;
pub mod dutch;
pub mod model;
pub mod page;

use chrono::Datelike;
use plotters::prelude::*;

pub use model::{Headline, Measure, PairSeries, Progress, Report};

use chart::Geometry;

/// Drawing or writing the report failed.
#[derive(Debug, thiserror::Error)]
#[error("report: {0}")]
pub struct ReportError(String);

impl ReportError {
    fn new(what: impl Into<String>) -> ReportError {
        ReportError(what.into())
    }
}

/// The standalone SVG: 1.5 times the page's size, so it opens at a readable size.
pub const SVG_SCALE: f64 = 1.5;
/// The PNG: twice the page's size (960 px wide), sharp on a phone screen.
pub const PNG_SCALE: f64 = 2.0;

impl Report {
    /// The whole page.
    pub fn html(&self) -> Result<String, ReportError> {
        page::html(self)
    }

    /// The subtitle of a standalone pair chart: how many runs, and when.
    fn subtitle(&self, series: &PairSeries) -> String {
        let mut s = dutch::count(series.answered, "training", "trainingen");
        if let (Some(first), Some(last)) = (series.points.first(), series.points.last()) {
            let end = if series.weekly {
                last.day + chrono::Days::new(6)
            } else {
                last.day
            };
            s.push_str(&format!(" · {}", dutch::date_span(first.day, end)));
            if first.day.year() == end.year() {
                s.push_str(&format!(" {}", end.year()));
            }
        }
        if series.weekly {
            s.push_str(" · per week");
        }
        s
    }

    /// The main chart (stress before and after) as a standalone SVG document, with
    /// its title, legend, axes and dates as text, and a `<title>`/`<desc>`.
    pub fn stress_svg(&self) -> Result<String, ReportError> {
        let g = Geometry {
            scale: SVG_SCALE,
            titled: true,
        };
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, g.pairs_size()).into_drawing_area();
            chart::draw_pairs(&root, g, &self.stress, &self.subtitle(&self.stress))?;
        }
        Ok(chart::with_title(
            &svg,
            "stress",
            Measure::Stress.title(),
            &page::pairs_desc(self, &self.stress),
        ))
    }

    /// The main chart as PNG bytes, drawn into memory: the caller writes them
    /// atomically, as it does the page and the SVG.
    pub fn stress_png(&self) -> Result<Vec<u8>, ReportError> {
        let g = Geometry {
            scale: PNG_SCALE,
            titled: true,
        };
        let (width, height) = g.pairs_size();
        let mut rgb = vec![0; width as usize * height as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
            chart::draw_pairs(&root, g, &self.stress, &self.subtitle(&self.stress))?;
        }
        Ok(crate::picture::png_rgb(width, height, &rgb))
    }
}

#[cfg(test)]
mod test;
