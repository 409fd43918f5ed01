//! `rustig report` (issue 22): the page opened in headless Chromium at 412 and 1280 px
//! for journals of 0, 1, 12 and 120 runs, measured in the browser (nothing wider than
//! the screen, no chart text under 11 px on a phone, one mark per answered run or per
//! week, dates and axis words present, the headline's numbers); and the standalone
//! SVG and PNG with their own text.

use std::path::Path;

use rustig::journal::{
    Answers, Heard, Journal, Mode, Note, ProgramPlan, RunFacts, RunRecord, RunShape, Score,
};

use crate::util::{Rustig, text};

/// Monday 5 January 2026, 07:30 UTC.
const START: i64 = 1_767_598_200;

/// The scores of run `i`: stress and mood before and after, or none (every sixth run
/// is left unanswered).
fn scores(i: usize) -> Option<(u8, u8, u8, u8)> {
    if i % 6 == 5 {
        return None;
    }
    let before = 3 + (i % 3) as u8;
    let after = if i % 7 == 6 {
        (before + 1).min(5)
    } else {
        before.saturating_sub([1, 2, 0][i % 4 % 3]).max(1)
    };
    let mood_before = 2 + (i % 2) as u8;
    let mood_after = [mood_before + 1, mood_before, mood_before - 1][i % 3];
    Some((before, after, mood_before, mood_after))
}

/// A journal at `data/rustig/journal.db` with `n` runs of the default program, in
/// order (repeating after the last session), three a week (Mon, Wed, Fri) from 5 jan
/// 2026; every fifth run stopped at 40 %, some with a note or an effort.
fn journal(data: &Path, n: usize) {
    let program = ProgramPlan::default_program().unwrap();
    let j = Journal::open(&data.join("rustig/journal.db")).unwrap();
    for i in 0..n {
        let s = i % program.sessions.len();
        let session = &program.sessions[s];
        let shape = RunShape::from_session(session);
        let mut heard = Heard::new();
        let share = if i % 5 == 3 { 0.4 } else { 1.0 };
        heard.add(0.0, shape.duration * share);
        let day = (i / 3) * 7 + (i % 3) * 2;
        let started = START + day as i64 * 86_400;
        let mut answers = Answers::default();
        if let Some((sb, sa, mb, ma)) = scores(i) {
            let score = |v: u8| Score::new(v.into()).ok();
            answers.stress_before = score(sb);
            answers.stress_after = score(sa);
            answers.mood_before = score(mb);
            answers.mood_after = score(ma);
        }
        if i % 4 == 1 {
            answers.effort = Score::new((2 + i % 4) as i64).ok();
            answers.note =
                Note::new(&format!("Rustig <tempo> & wind, training {}", i + 1)).unwrap();
        }
        j.record(&RunRecord {
            session_key: program.key(s),
            program: Some(program.name.clone()),
            title: session.title.clone(),
            duration: shape.duration,
            mode: Mode::Log,
            started_at: started,
            ended_at: Some(started + (shape.duration * share) as i64),
            facts: RunFacts::of(&shape, &heard, None),
            answers,
            request_key: None,
        })
        .unwrap();
    }
}

/// What the test expects of a journal of `n` runs, computed here from [`scores`].
struct Expected {
    /// Runs with stress before and after.
    answered: usize,
    /// The headline.
    headline: String,
    /// Marks per pair chart: answered runs, or weeks with answered runs beyond 30.
    marks: usize,
    /// Program sessions with at least one run.
    sessions_run: usize,
}

fn expected(n: usize) -> Expected {
    let pairs: Vec<(usize, u8, u8)> = (0..n)
        .filter_map(|i| scores(i).map(|(b, a, _, _)| (i, b, a)))
        .collect();
    let answered = pairs.len();
    let calmer = pairs.iter().filter(|(_, b, a)| a < b).count();
    let change: i32 = pairs
        .iter()
        .map(|&(_, b, a)| i32::from(a) - i32::from(b))
        .sum();
    let tenths = (f64::from(change) * 10.0 / answered.max(1) as f64).round() as i32;
    let amount = match tenths.abs() {
        10 => "1 punt".to_owned(),
        t if t % 10 == 0 => format!("{} punten", t / 10),
        t => format!("{},{} punt", t / 10, t % 10),
    };
    let how = match tenths {
        0 => "evenveel stress als ervoor".to_owned(),
        t if t < 0 => format!("{amount} minder stress"),
        _ => format!("{amount} meer stress"),
    };
    let headline = match answered {
        0 if n == 0 => "Je dagboek is nog leeg. Begin met je eerste training: rustig play. Vul voor en na de training in hoe gespannen je je voelt; dan zie je hier hoe hardlopen je rustiger maakt.".to_owned(),
        1 => {
            assert_eq!(pairs[0], (0, 3, 2), "run 0 is 3 → 2");
            "Na je training van 5 jan was je rustiger dan ervoor: 1 punt minder stress.".to_owned()
        }
        _ => format!("Na {calmer} van de {answered} trainingen was je rustiger dan ervoor; gemiddeld {how}."),
    };
    let marks = if answered > 30 {
        let mut weeks: Vec<usize> = pairs.iter().map(|(i, _, _)| i / 3).collect();
        weeks.dedup();
        weeks.len()
    } else {
        answered
    };
    Expected {
        answered,
        headline,
        marks,
        sessions_run: n.min(42),
    }
}

fn report(data: &Path, out: &Path, format: &str) {
    let output = Rustig::new(&["report", "-o", out.to_str().unwrap(), "--format", format])
        .env("XDG_DATA_HOME", data)
        .env("TZ", "UTC")
        .run();
    let (o, e) = text(&output);
    assert_eq!(
        (output.status.code(), o, e),
        (
            Some(0),
            format!("{} geschreven.\n", out.display()),
            String::new()
        )
    );
}

/// Measures the report in `doc` (the document of a frame as wide as the screen under
/// test) after layout, and appends the result to the outer page as JSON in
/// `<pre id="measure">`.
const MEASURE: &str = r#"<script>
window.addEventListener('load', function () {
  const frame = document.getElementById('report');
  const doc = frame.contentDocument;
  const win = frame.contentWindow;
  const out = {};
  const de = doc.documentElement;
  out.vw = de.clientWidth;
  out.sw = de.scrollWidth;
  out.over = [];
  for (const e of doc.body.querySelectorAll('*')) {
    const b = e.getBoundingClientRect();
    if (b.width > 0 && (b.right > out.vw + 0.5 || b.left < -0.5)) {
      out.over.push(e.tagName + ' ' + (e.textContent || '').trim().slice(0, 40));
    }
  }
  out.svgMin = 1e9; out.svgMinText = '';
  for (const svg of doc.querySelectorAll('svg')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll('text')) {
      const px = parseFloat(t.getAttribute('font-size')) * scale;
      if (px < out.svgMin) { out.svgMin = px; out.svgMinText = t.textContent.trim(); }
    }
  }
  out.htmlMin = 1e9; out.htmlMinText = '';
  for (const e of doc.body.querySelectorAll('p,td,th,dt,dd,caption,h1,h2,footer,span,code')) {
    const px = parseFloat(win.getComputedStyle(e).fontSize);
    if (px < out.htmlMin) { out.htmlMin = px; out.htmlMinText = e.textContent.trim().slice(0, 40); }
  }
  const texts = sel => [...doc.querySelectorAll(sel)].map(t => t.textContent.trim());
  const count = sel => doc.querySelectorAll(sel).length;
  out.stressTexts = texts('#stress svg text');
  out.moodTexts = texts('#mood svg text');
  out.programTexts = texts('#program svg text');
  out.stressMarks = count('#stress svg polygon, #stress svg circle');
  out.moodMarks = count('#mood svg polygon, #mood svg circle');
  out.stressRows = count('#stress tbody tr');
  out.bars = [...doc.querySelectorAll('#program svg rect')].filter(r =>
    /#008c64/i.test((r.getAttribute('fill') || '') + (r.getAttribute('stroke') || ''))).length;
  out.headline = doc.getElementById('headline').textContent;
  out.facts = texts('#facts div');
  out.runRows = count('#runs tbody tr');
  out.emptyCells = count('#runs td.empty');
  out.emptyShown = [...doc.querySelectorAll('#runs td.empty')]
    .filter(e => e.getBoundingClientRect().height > 0).length;
  out.svgTitles = texts('svg > title');
  out.height = Math.ceil(doc.documentElement.getBoundingClientRect().height);
  const pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"#;

/// Opens `html` in headless Chromium in a frame `width` px wide (Chromium's own
/// window is at least 500 px wide, so the frame is the phone's screen), measures it
/// with [`MEASURE`] and returns what it measured.
fn measure(html: &Path, width: u32) -> serde_json::Value {
    let page = std::fs::read_to_string(html).unwrap();
    let probe = html.with_file_name(format!("measure-{width}.html"));
    let srcdoc = page.replace('&', "&amp;").replace('"', "&quot;");
    std::fs::write(
        &probe,
        format!(
            "<!DOCTYPE html>\n<html><body style=\"margin:0\">\
             <iframe id=\"report\" style=\"width:{width}px;height:3000px;border:0\" srcdoc=\"{srcdoc}\"></iframe>\n\
             {MEASURE}</body></html>\n"
        ),
    )
    .unwrap();
    let out = chromium(&probe, (1400, 2000), &["--dump-dom".to_owned()]);
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom
        .find("<pre id=\"measure\">")
        .unwrap_or_else(|| panic!("no measurement in {dom}"))
        + "<pre id=\"measure\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap()
}

/// Runs headless Chromium on `page` in a window of `(width, height)` px with `extra`
/// arguments (`--dump-dom`, `--screenshot=…`), in a throw-away profile.
fn chromium(page: &Path, (width, height): (u32, u64), extra: &[String]) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Takes a screenshot of `html` as it looks on a screen `width` px wide and `height`
/// px tall (in a frame, as [`measure`] does) into `png`.
fn screenshot(html: &Path, width: u32, height: u64, png: &Path) {
    let page = std::fs::read_to_string(html).unwrap();
    let outer = html.with_file_name(format!("screen-{width}.html"));
    let srcdoc = page.replace('&', "&amp;").replace('"', "&quot;");
    std::fs::write(
        &outer,
        format!(
            "<!DOCTYPE html>\n<html><body style=\"margin:0;overflow:hidden\">\
             <iframe style=\"width:{width}px;height:{height}px;border:0;display:block\" \
             srcdoc=\"{srcdoc}\"></iframe></body></html>\n"
        ),
    )
    .unwrap();
    let out = chromium(
        &outer,
        (width, height),
        &[format!("--screenshot={}", png.display())],
    );
    assert!(
        png.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A date label: `5 jan`, `12 okt`.
fn is_date(s: &str) -> bool {
    let months = [
        "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    s.split_once(' ').is_some_and(|(d, m)| {
        d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d)) && months.contains(&m)
    })
}

#[test]
fn the_page_fits_412_and_1280_px_with_readable_axes_dates_marks_and_headline_for_0_1_12_and_120_runs()
 {
    if !crate::tools::require_tools(&["chromium"]) {
        return;
    }
    for n in [0, 1, 12, 120] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        journal(d, n);
        let html = d.join("rapport.html");
        report(d, &html, "html");
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"nl\">"));
        let outside_svg = page.replace("http://www.w3.org/2000/svg", "");
        for forbidden in ["<script", "http://", "https://", "src=", "@import", "url("] {
            assert!(!outside_svg.contains(forbidden), "{forbidden} in the page");
        }
        assert!(page.contains("@media print") && page.contains("size:A4"));
        let want = expected(n);
        for width in [412, 1280] {
            let m = measure(&html, width);
            let at = format!("{n} runs at {width} px: {m}");
            assert_eq!(m["vw"], width, "{at}");
            assert!(m["sw"].as_u64().unwrap() <= u64::from(width), "{at}");
            assert_eq!(m["over"].as_array().unwrap().len(), 0, "{at}");
            if width == 412 {
                assert!(m["svgMin"].as_f64().unwrap() >= 11.0, "{at}");
            }
            assert!(m["htmlMin"].as_f64().unwrap() >= 12.0, "{at}");
            assert_eq!(m["headline"].as_str().unwrap(), want.headline, "{at}");
            let facts = strings(&m["facts"]);
            assert!(facts.contains(&format!("Trainingen{n}")), "{at}");
            assert_eq!(m["runRows"], n, "{at}");
            // Unanswered questions: an empty cell in the wide table, left out of a card.
            let shown = if width == 412 {
                0
            } else {
                m["emptyCells"].as_u64().unwrap()
            };
            assert_eq!(m["emptyShown"], shown, "{at}");
            assert_eq!(m["emptyCells"].as_u64().unwrap() > 0, n > 0, "{at}");
            // The program chart: the plan's words and weeks, one bar per session run.
            let program = strings(&m["programTexts"]);
            for label in [
                "12 min",
                "36 min",
                "1",
                "14",
                "week van het programma",
                "gepland",
            ] {
                assert!(program.iter().any(|t| t == label), "{label}: {at}");
            }
            assert_eq!(m["bars"], want.sessions_run, "{at}");
            if n == 0 {
                assert!(m["stressTexts"].as_array().unwrap().is_empty(), "{at}");
                continue;
            }
            for (texts, marks, low, high) in [
                (
                    "stressTexts",
                    "stressMarks",
                    "ontspannen 1",
                    "erg gespannen 5",
                ),
                ("moodTexts", "moodMarks", "somber 1", "heel goed 5"),
            ] {
                let t = strings(&m[texts]);
                for label in [low, "2", "3", "4", high, "voor"] {
                    assert!(t.iter().any(|s| s == label), "{label} in {texts}: {at}");
                }
                let dates = t.iter().filter(|s| is_date(s)).count();
                assert!(dates >= if n == 1 { 1 } else { 3 }, "{dates} dates: {at}");
                assert_eq!(m[marks], want.marks, "{marks}: {at}");
            }
            assert_eq!(m["stressRows"], want.marks, "{at}");
            assert!(
                strings(&m["svgTitles"]).contains(&"Stress voor en na de training".to_owned()),
                "{at}"
            );
        }
        if n == 12 {
            assert_eq!(want.answered, 10);
            assert!(page.contains("Rustig &lt;tempo&gt; &amp; wind, training 2"));
            assert!(
                page.contains("6 min, <span class=\"partial\">gestopt na 15 van 38 min</span>"),
                "run 4 stopped at 40 % of week 2's first session"
            );
            assert!(
                page.contains(
                    "<td>week 1<br><span class=\"dates\">5–9 jan</span></td><td>3 van 3</td>\
                     <td class=\"n\">12 · 12 · 12</td><td class=\"n\">12</td>"
                ),
                "week 1: three runs of 12 minutes, all completed"
            );
        }
        if n == 120 {
            assert_eq!(want.answered, 100);
            assert!(
                page.contains("Met 100 trainingen staat hier per week het gemiddelde; de lijnen")
            );
        }
    }
}

#[test]
fn the_standalone_svg_and_png_carry_title_legend_axes_and_dates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    journal(d, 12);
    let svg_path = d.join("stress.svg");
    report(d, &svg_path, "svg");
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(svg.starts_with("<svg role=\"img\" aria-labelledby=\"stress-title stress-desc\" width=\"660\" height=\"600\""));
    assert!(svg.contains("<title id=\"stress-title\">Stress voor en na de training</title>"));
    let want = expected(12);
    assert!(svg.contains(&format!("<desc id=\"stress-desc\">{}", want.headline)));
    let texts: Vec<String> = svg
        .split("<text")
        .skip(1)
        .map(|t| {
            let body = &t[t.find('>').unwrap() + 1..];
            body[..body.find("</text>").unwrap()].trim().to_owned()
        })
        .collect();
    for label in [
        "Stress voor en na de training",
        "10 trainingen · 5–28 jan 2026",
        "voor",
        "na: rustiger",
        "na: gespannener",
        "na: gelijk",
        "voor: gemiddelde van 5",
        "na: gemiddelde van 5",
        "ontspannen 1",
        "erg gespannen 5",
        "5 jan",
    ] {
        assert!(texts.iter().any(|t| t == label), "{label} in {texts:?}");
    }
    assert_eq!(
        svg.matches("<polygon").count() + svg.matches("<circle").count(),
        want.marks
    );

    let png_path = d.join("stress.png");
    report(d, &png_path, "png");
    let (w, h, pixels) = rgb(&std::fs::read(&png_path).unwrap());
    assert_eq!((w, h), (880, 800));
    let dark = |x0: usize, x1: usize, y0: usize, y1: usize| {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let p = pixels[y * w + x];
                p.iter().map(|&c| u32::from(c)).sum::<u32>() < 3 * 110
            })
            .count()
    };
    // The title band and the y labels hold only text: without a font they would be
    // white, as the old images were.
    assert!(dark(0, w, 0, 60) > 1500, "title: {}", dark(0, w, 0, 60));
    assert!(
        dark(0, 150, 200, 780) > 500,
        "y labels: {}",
        dark(0, 150, 200, 780)
    );
    assert!(
        dark(0, w, 740, 800) > 300,
        "dates: {}",
        dark(0, w, 740, 800)
    );
}

/// Width, height and RGB pixels of a PNG.
fn rgb(bytes: &[u8]) -> (usize, usize, Vec<[u8; 3]>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    let pixels = buf[..info.buffer_size()]
        .chunks(step)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width as usize, info.height as usize, pixels)
}

/// The two screenshots of the Dutch guide (docs/dagboek.md): the 12-run journal's
/// page at 412 px (a phone, its first 1700 px) and at 1280 px (the whole page).
/// `RUSTIG_SCREENSHOTS=docs/img cargo test --test tests report::screenshots` writes
/// them there; otherwise they go to a temporary folder and are only checked.
/// `RUSTIG_SCREENSHOT_RUNS=120` takes another journal instead (`rapport-120-412.png`,
/// with its page as `rapport-120.html`, e.g. to print it).
#[test]
fn screenshots_of_the_12_run_journal_at_412_and_1280_px() {
    if !crate::tools::require_tools(&["chromium"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let runs: usize = std::env::var("RUSTIG_SCREENSHOT_RUNS").map_or(12, |n| {
        n.parse()
            .expect("RUSTIG_SCREENSHOT_RUNS is a number of runs")
    });
    journal(d, runs);
    let html = d.join("rapport.html");
    report(d, &html, "html");
    let into = std::env::var_os("RUSTIG_SCREENSHOTS")
        .map_or_else(|| d.to_path_buf(), std::path::PathBuf::from);
    let suffix = if runs == 12 {
        String::new()
    } else {
        format!("-{runs}")
    };
    if into != d && runs != 12 {
        std::fs::copy(&html, into.join(format!("rapport{suffix}.html"))).unwrap();
    }
    for (width, most) in [(412, 1700), (1280, 20_000)] {
        let full = measure(&html, width)["height"].as_u64().unwrap();
        let height = full.min(most);
        let png = into.join(format!("rapport{suffix}-{width}.png"));
        screenshot(&html, width, height, &png);
        let (w, h, pixels) = rgb(&std::fs::read(&png).unwrap());
        assert_eq!((w as u64, h as u64), (u64::from(width), height));
        // Text and charts in the picture, and nothing drawn in the rightmost 4 px
        // (the page keeps its margin: nothing sticks out).
        let ink = pixels.iter().filter(|p| p.iter().all(|&c| c < 100)).count();
        assert!(ink > 1_000, "{width} px: {ink} dark pixels");
        let edge = (0..h)
            .flat_map(|y| (w - 4..w).map(move |x| (x, y)))
            .filter(|&(x, y)| pixels[y * w + x] != [255, 255, 255])
            .count();
        assert_eq!(edge, 0, "{width} px: drawn at the right edge");
    }
}
