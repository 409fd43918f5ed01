//! The report as one Dutch HTML page: the headline in numbers, each chart (inline
//! SVG) with a table beside it that says the same for screen readers, every run with
//! its notes, effort and partial runs, and stylesheets for a phone (412 px), a wide
//! screen and A4 paper. No scripts and no outside resources: it works offline.

use std::fmt::Write as _;

use plotters::prelude::*;

use super::ReportError;
use super::chart::{self, Geometry};
use super::dutch;
use super::model::{Direction, Measure, PairSeries, Progress, Report, TREND_WINDOW};
use crate::journal::{Question, Run, Score};

/// The page's styles: phone first, two columns (chart | table) from 960 px, cards
/// for wide tables below 640 px, and A4 print.
const STYLE: &str = "\
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;max-width:1120px;padding:12px;color:#141414;background:#fff;line-height:1.45;font-size:16px}
h1{font-size:1.6em;margin:.2em 0 .1em}
h2{font-size:1.3em;margin:1.6em 0 .3em;border-top:1px solid #ccc;padding-top:.6em}
p{margin:.4em 0}
.sub{color:#444;margin:0 0 .6em}
.headline{font-size:1.25em;font-weight:600;margin:.5em 0 .8em}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:0 0 1em;padding:0}
.facts div{background:#f1f4f6;border-radius:6px;padding:8px 10px}
.facts dt{font-size:.85em;color:#444}
.facts dd{margin:0;font-size:1.15em;font-weight:600}
figure{margin:.6em 0}
.chart{display:grid;grid-template-columns:minmax(0,1fr);gap:14px;align-items:start}
.plot svg{width:100%;height:auto;display:block;max-width:560px}
table{border-collapse:collapse;width:100%;font-size:.95em}
caption{text-align:left;font-weight:600;padding:0 0 4px}
th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{font-weight:600;background:#f6f6f6}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.marks td.n{white-space:nowrap}
.weeks td:first-child{white-space:nowrap}
.dates{color:#555;font-size:.9em}
.note{overflow-wrap:anywhere}
.better{color:#0072b2}.worse{color:#c24f00}.same{color:#3c3c3c}.before{color:#6e6e6e}
.partial{color:#7a4a00}
footer{margin:2em 0 1em;color:#555;font-size:.9em}
@media (min-width:960px){
.chart{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}
.data{max-height:460px;overflow-y:auto}
}
@media (max-width:640px){
table.cards thead,table.cards thead tr,table.cards thead th{display:block;position:absolute;width:1px;height:1px;padding:0;overflow:hidden;clip:rect(0 0 0 0)}
table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
table.cards tr{border-bottom:1px solid #bbb;padding:6px 0}
table.cards td{display:block;position:relative;border:0;padding:2px 0 2px 7.4em;text-align:left;min-height:1.6em}
table.cards td::before{content:attr(data-label);position:absolute;left:0;top:2px;width:7em;color:#555;font-weight:600}
table.cards td.empty{display:none}
table.cards td.day{font-weight:600}
}
@page{size:A4;margin:14mm 12mm}
@media print{
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{max-width:none;padding:0;font-size:10.5pt}
h2,section>p{break-after:avoid}
h2{margin-top:1em}
.chart{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}
.data{max-height:none;overflow:visible}
figure,.facts,tr{break-inside:avoid}
table{font-size:9pt}
footer{font-size:8.5pt}
}
";

/// `s` safe as HTML text and in attribute values.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `text` with each `command` between backticks set as code.
fn code(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_owned()
            }
        })
        .collect()
}

/// A pair chart as inline SVG, for the page.
fn pairs_svg(report: &Report, series: &PairSeries) -> Result<String, ReportError> {
    let g = Geometry {
        scale: 1.0,
        titled: false,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, g.pairs_size()).into_drawing_area();
        chart::draw_pairs(&root, g, series, "")?;
    }
    Ok(chart::with_title(
        &svg,
        series.measure.id(),
        series.measure.title(),
        &pairs_desc(report, series),
    ))
}

/// What a pair chart shows, in words: its `<desc>`.
pub fn pairs_desc(report: &Report, series: &PairSeries) -> String {
    let q = series.measure.question();
    let mut d = String::new();
    if series.measure == Measure::Stress {
        d.push_str(&report.headline.sentence().replace('`', ""));
        d.push(' ');
    }
    let _ = write!(
        d,
        "Scores van 1 ({}) tot 5 ({}). Grijze vierkantjes: voor de training; {}: na de \
         training (blauw: beter, oranje: slechter, een donker rondje om het vierkantje: gelijk).{}",
        q.low(),
        q.high(),
        if series.weekly {
            "driehoekjes per week gemiddeld"
        } else {
            "driehoekjes per training"
        },
        match (series.trend.is_empty(), series.weekly) {
            (true, _) => String::new(),
            (false, true) => format!(
                " Lijnen: het gemiddelde van {TREND_WINDOW} weken eromheen (grijs: voor, zwart: na)."
            ),
            (false, false) => format!(
                " Lijnen: het gemiddelde van {TREND_WINDOW} trainingen eromheen (grijs: voor, zwart: na)."
            ),
        }
    );
    d
}

/// The minutes chart as inline SVG.
fn minutes_svg(progress: &Progress, goal: f64) -> Result<String, ReportError> {
    let g = Geometry {
        scale: 1.0,
        titled: false,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, g.minutes_size()).into_drawing_area();
        chart::draw_minutes(&root, g, progress, goal)?;
    }
    let first = progress.slots.first().map_or(0.0, |s| s.planned);
    let last = progress.slots.last().map_or(0.0, |s| s.planned);
    Ok(chart::with_title(
        &svg,
        "program",
        "Minuten hardlopen per training",
        &format!(
            "Per training van het programma de geplande minuten hardlopen (een lijn die \
             oploopt van {} naar {} minuten) en de minuten die je echt hardliep: een gevulde \
             balk voor een afgeronde training, een open balk voor een deel ervan.",
            dutch::decimal(first, 0),
            dutch::decimal(last, 0)
        ),
    ))
}

fn score(s: Option<Score>) -> String {
    s.map_or_else(|| "–".to_owned(), |s| s.get().to_string())
}

/// The change from before to after, as a word and the legend's glyph.
fn change_cell(measure: Measure, before: f64, after: f64) -> String {
    let dir = measure.direction(before, after);
    let (class, glyph, word) = match (dir, measure.higher_is_better(), after < before) {
        (Direction::Same, _, _) => ("same", "○", "gelijk"),
        (Direction::Better, false, _) => ("better", "▼", "rustiger"),
        (Direction::Worse, false, _) => ("worse", "▲", "gespannener"),
        (Direction::Better, true, _) => ("better", "▲", "beter"),
        (Direction::Worse, true, _) => ("worse", "▼", "slechter"),
    };
    format!("<span class=\"{class}\">{glyph} {word}</span>")
}

/// The table beside a pair chart: one row per mark.
fn pairs_table(series: &PairSeries) -> String {
    let m = series.measure;
    let mut t = String::new();
    let _ = write!(
        t,
        "<table class=\"marks\">\n<caption>{} in cijfers{}</caption>\n<thead><tr><th>{}</th>{}<th class=\"n\">voor</th><th class=\"n\">na</th><th>verschil</th></tr></thead>\n<tbody>\n",
        capitalised(m.word()),
        if series.weekly {
            ", gemiddeld per week"
        } else {
            ""
        },
        if series.weekly { "week van" } else { "datum" },
        if series.weekly {
            "<th class=\"n\">trainingen</th>"
        } else {
            ""
        },
    );
    for p in series.points.iter().rev() {
        let (b, a) = if series.weekly {
            (dutch::decimal(p.before, 1), dutch::decimal(p.after, 1))
        } else {
            (format!("{:.0}", p.before), format!("{:.0}", p.after))
        };
        let _ = writeln!(
            t,
            "<tr><td>{}</td>{}<td class=\"n\">{b}</td><td class=\"n\">{a}</td><td>{}</td></tr>",
            dutch::day_month(p.day),
            if series.weekly {
                format!("<td class=\"n\">{}</td>", p.runs)
            } else {
                String::new()
            },
            change_cell(m, p.before, p.after)
        );
    }
    t.push_str("</tbody>\n</table>\n");
    t
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The section of one pair chart.
fn pairs_section(report: &Report, series: &PairSeries) -> Result<String, ReportError> {
    let m = series.measure;
    let q = m.question();
    let mut s = format!(
        "<section id=\"{}\">\n<h2>{}</h2>\n",
        m.id(),
        capitalised(&format!("{} voor en na", m.word()))
    );
    if series.answered == 0 {
        let _ = writeln!(
            s,
            "<p>Nog geen trainingen met je {} voor én na. Vul ze in bij je volgende \
             training; dan verschijnt hier de grafiek.</p>\n</section>",
            m.word()
        );
        return Ok(s);
    }
    let _ = writeln!(
        s,
        "<p>{} Van 1 ({}) tot 5 ({}). {}</p>",
        q.text(),
        q.low(),
        q.high(),
        if series.weekly {
            format!(
                "Met {} trainingen staat hier per week het gemiddelde; de lijnen zijn het \
                 gemiddelde van {TREND_WINDOW} weken eromheen (grijs: voor, zwart: na).",
                series.answered
            )
        } else if series.trend.is_empty() {
            "Eén paar per training.".to_owned()
        } else {
            format!(
                "Eén paar per training; de lijnen zijn het gemiddelde van {TREND_WINDOW} \
                 trainingen eromheen (grijs: voor, zwart: na)."
            )
        }
    );
    let _ = write!(
        s,
        "<figure class=\"chart\">\n<div class=\"plot\">\n{}</div>\n<div class=\"data\">\n{}</div>\n</figure>\n</section>\n",
        pairs_svg(report, series)?,
        pairs_table(series)
    );
    Ok(s)
}

/// The program section: the minutes chart and one row per program week.
fn program_section(report: &Report, progress: &Progress) -> Result<String, ReportError> {
    let goal = report.goal();
    let first = progress.slots.first().map_or(0.0, |s| s.planned);
    let mut s = format!(
        "<section id=\"program\">\n<h2>Hardlopen volgens het programma</h2>\n\
         <p>Het programma „{}” bouwt op van {} naar {} minuten hardlopen per training. \
         De lijn is het plan, de balken zijn wat je echt hardliep (wandelen en rekken \
         tellen niet mee).</p>\n",
        escape(&progress.title),
        dutch::decimal(first, 0),
        dutch::decimal(goal, 0)
    );
    let _ = write!(
        s,
        "<figure class=\"chart\">\n<div class=\"plot\">\n{}</div>\n<div class=\"data\">\n",
        minutes_svg(progress, goal)?
    );
    s.push_str(
        "<table class=\"weeks\">\n<caption>Per week van het programma (minuten hardlopen per training)</caption>\n\
         <thead><tr><th>week</th><th>afgerond</th><th class=\"n\">gelopen</th><th class=\"n\">plan</th></tr></thead>\n<tbody>\n",
    );
    // Weeks up to the one after the last week with a run, one row each; the rest of
    // the program in one row.
    let reached = progress
        .weeks
        .iter()
        .rposition(|w| w.dates.is_some())
        .map_or(1, |i| i + 2)
        .min(progress.weeks.len());
    let list = |v: &[f64]| {
        v.iter()
            .map(|m| {
                if *m > 0.0 {
                    format!("{m:.0}")
                } else {
                    "–".to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };
    for w in &progress.weeks[..reached] {
        let dates = w.dates.map_or_else(String::new, |(a, b)| {
            format!(
                "<br><span class=\"dates\">{}</span>",
                dutch::date_span(a, b)
            )
        });
        // The plan once when every session of the week plans the same.
        let planned = if w.planned.windows(2).all(|p| p[0] == p[1]) {
            w.planned
                .first()
                .map_or_else(String::new, |m| format!("{m:.0}"))
        } else {
            list(&w.planned)
        };
        let _ = writeln!(
            s,
            "<tr><td>week {}{dates}</td><td>{} van {}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{planned}</td></tr>",
            w.week,
            w.completed,
            w.sessions,
            list(&w.run),
        );
    }
    let rest = &progress.weeks[reached..];
    if let (Some(a), Some(b)) = (rest.first(), rest.last()) {
        let per_session = |w: &super::model::ProgramWeek| {
            w.planned
                .first()
                .map_or_else(String::new, |m| dutch::decimal(*m, 0))
        };
        let _ = writeln!(
            s,
            "<tr><td>week {}–{}</td><td colspan=\"3\">nog te doen: {} trainingen, van {} naar {} \
             minuten hardlopen per training</td></tr>",
            a.week,
            b.week,
            rest.iter().map(|w| w.sessions).sum::<usize>(),
            per_session(a),
            per_session(b)
        );
    }
    s.push_str("</tbody>\n</table>\n</div>\n</figure>\n</section>\n");
    Ok(s)
}

/// How much of a run was done: `12 min, afgerond` or `8 min, gestopt na 20 van 39 min`.
fn done_cell(run: &Run, minutes: f64) -> String {
    if run.completed {
        format!("{}, afgerond", dutch::minutes(minutes))
    } else {
        format!(
            "{}, <span class=\"partial\">gestopt na {} van {}</span>",
            dutch::minutes(minutes),
            dutch::decimal((run.position / 60.0).floor(), 0),
            dutch::minutes(run.duration / 60.0)
        )
    }
}

fn pair_cell(before: Option<Score>, after: Option<Score>) -> String {
    format!("{} → {}", score(before), score(after))
}

/// Every run, newest first, with its answers, effort, note and how much was done.
fn runs_section(report: &Report) -> String {
    let mut s = format!(
        "<section id=\"runs\">\n<h2>Alle trainingen</h2>\n<p>Stress: 1 ({}) tot 5 ({}); \
         stemming: 1 ({}) tot 5 ({}); zwaar: 1 ({}) tot 5 ({}).</p>\n\
         <table class=\"runs cards\">\n<thead><tr><th>datum</th><th>training</th><th>hardgelopen</th>\
         <th>stress</th><th>stemming</th><th>zwaar</th><th>notitie</th></tr></thead>\n<tbody>\n",
        Question::StressBefore.low(),
        Question::StressBefore.high(),
        Question::MoodBefore.low(),
        Question::MoodBefore.high(),
        Question::Effort.low(),
        Question::Effort.high(),
    );
    for (r, m) in report.runs.iter().rev() {
        let a = &r.answers;
        // A cell without an answer stays in the table's grid but is left out of a
        // phone's card, so a card shows what was filled in.
        let cell = |label: &str, class: &str, answered: bool, text: String| {
            let class = match (class.is_empty(), answered) {
                (true, true) => String::new(),
                (true, false) => " class=\"empty\"".to_owned(),
                (false, true) => format!(" class=\"{class}\""),
                (false, false) => format!(" class=\"{class} empty\""),
            };
            format!("<td data-label=\"{label}\"{class}>{text}</td>")
        };
        let _ = writeln!(
            s,
            "<tr>{}{}{}{}{}{}{}</tr>",
            cell(
                "datum",
                "day",
                true,
                dutch::full_date(dutch::local_date(r.started_at))
            ),
            cell("training", "", true, escape(&r.title)),
            cell("hardgelopen", "", true, done_cell(r, *m)),
            cell(
                "stress",
                "",
                a.stress_before.is_some() || a.stress_after.is_some(),
                pair_cell(a.stress_before, a.stress_after)
            ),
            cell(
                "stemming",
                "",
                a.mood_before.is_some() || a.mood_after.is_some(),
                pair_cell(a.mood_before, a.mood_after)
            ),
            cell("zwaar", "", a.effort.is_some(), score(a.effort)),
            cell(
                "notitie",
                "note",
                a.note.is_some(),
                a.note
                    .as_ref()
                    .map_or_else(String::new, |n| escape(n.as_str()))
            ),
        );
    }
    s.push_str("</tbody>\n</table>\n</section>\n");
    s
}

/// The facts under the headline.
fn facts(report: &Report) -> String {
    let mut f = String::from("<dl class=\"facts\" id=\"facts\">\n");
    let mut fact = |dt: &str, dd: String| {
        let _ = writeln!(f, "<div><dt>{dt}</dt><dd>{dd}</dd></div>");
    };
    let runs = report.runs.len();
    fact("Trainingen", runs.to_string());
    if runs > 0 {
        fact("Afgerond", report.completed().to_string());
        fact("Hardgelopen", dutch::minutes(report.minutes_run()));
    }
    if let Some(status) = &report.status {
        fact(
            "Hardlopen per training",
            format!(
                "{} van {} min",
                dutch::decimal(status.run_minutes, 0),
                dutch::decimal(status.goal_minutes, 0)
            ),
        );
        // The session `rustig play` starts (the repeat when one is suggested), as
        // status and the closing line name it.
        let again = if status.repeat.is_some() {
            " (nog een keer)"
        } else {
            ""
        };
        fact(
            "Volgende training",
            status.plays.as_ref().map_or_else(
                || "programma af".to_owned(),
                |n| format!("{}{again}", escape(&n.title)),
            ),
        );
    }
    f.push_str("</dl>\n");
    f
}

/// The whole page.
pub fn html(report: &Report) -> Result<String, ReportError> {
    let title = report
        .progress
        .as_ref()
        .map(|p| p.title.clone())
        .unwrap_or_default();
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Hardloopdagboek{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<header>\n\
         <h1>Hardloopdagboek</h1>\n",
        if title.is_empty() {
            String::new()
        } else {
            format!(" — {}", escape(&title))
        }
    );
    let mut sub = escape(&title);
    if let Some((a, b)) = report.dates() {
        if !sub.is_empty() {
            sub.push_str(" · ");
        }
        sub.push_str(&dutch::date_span(a, b));
        if a.format("%Y").to_string() == b.format("%Y").to_string() {
            let _ = write!(sub, " {}", b.format("%Y"));
        }
    }
    if !sub.is_empty() {
        let _ = writeln!(page, "<p class=\"sub\">{sub}</p>");
    }
    let _ = write!(
        page,
        "<p class=\"headline\" id=\"headline\">{}</p>\n{}</header>\n",
        code(&escape(&report.headline.sentence())),
        facts(report)
    );
    if !report.runs.is_empty() {
        page.push_str(&pairs_section(report, &report.stress)?);
        page.push_str(&pairs_section(report, &report.mood)?);
    }
    if let Some(progress) = &report.progress {
        page.push_str(&program_section(report, progress)?);
    }
    if !report.runs.is_empty() {
        page.push_str(&runs_section(report));
    }
    page.push_str(
        "<footer>Gemaakt door rustig. Deze gegevens staan alleen op je eigen apparaat.</footer>\n\
         </body>\n</html>\n",
    );
    Ok(page)
}
