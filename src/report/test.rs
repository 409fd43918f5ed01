use chrono::{Datelike, NaiveDate};

use super::chart::date_ticks;
use super::dutch;
use super::model::{Headline, Measure, PER_RUN_MAX, PairSeries};
use crate::journal::{Answers, Run, Score};

/// A run on `day` of November 2026 at 07:30 UTC with stress `before` → `after`.
fn run(id: i64, day: u32, stress: Option<(u8, u8)>) -> Run {
    let date =
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Days::new(u64::from(day) - 1);
    let at = date.and_hms_opt(7, 30, 0).unwrap().and_utc().timestamp();
    Run {
        id,
        session_key: "opbouw/week01-1.toml".into(),
        program: Some("opbouw".into()),
        title: "Week 1 · training 1".into(),
        started_at: at,
        ended_at: Some(at + 2340),
        start_position: 0.0,
        position: 2340.0,
        duration: 2340.0,
        completed: true,
        mode: "log".into(),
        heard_seconds: Some(2340.0),
        run_seconds: Some(720.0),
        answers: Answers {
            stress_before: stress.and_then(|s| Score::new(s.0.into()).ok()),
            stress_after: stress.and_then(|s| Score::new(s.1.into()).ok()),
            ..Answers::default()
        },
    }
}

#[test]
fn dates_numbers_and_counts_are_dutch() {
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    assert_eq!(dutch::day_month(d(11, 2)), "2 nov");
    assert_eq!(dutch::day_month(d(3, 30)), "30 mrt");
    assert_eq!(dutch::date_span(d(11, 2), d(11, 2)), "2 nov");
    assert_eq!(dutch::date_span(d(11, 2), d(11, 6)), "2–6 nov");
    assert_eq!(dutch::date_span(d(11, 30), d(12, 4)), "30 nov – 4 dec");
    assert_eq!(
        dutch::date_span(d(12, 28), NaiveDate::from_ymd_opt(2027, 1, 3).unwrap()),
        "28 dec 2026 – 3 jan 2027"
    );
    assert_eq!(dutch::decimal(1.25, 1), "1,2");
    assert_eq!(dutch::points(1.0), "1 punt");
    assert_eq!(dutch::points(2.0), "2 punten");
    assert_eq!(dutch::points(1.26), "1,3 punt");
    assert_eq!(dutch::minutes(36.4), "36 min");
    assert_eq!(dutch::minutes(72.0), "1 u 12 min");
    assert_eq!(dutch::count(1, "training", "trainingen"), "1 training");
}

#[test]
fn the_headline_is_right_for_no_runs_unanswered_runs_one_run_and_many() {
    let line = |runs: &[Run]| Headline::new(runs).sentence();
    assert!(line(&[]).starts_with("Je dagboek is nog leeg. Begin met je eerste training"));
    assert!(line(&[run(1, 2, None)]).starts_with("Je hebt 1 training gedaan, maar nog nergens"));
    assert_eq!(
        line(&[run(1, 2, Some((4, 2)))]),
        "Na je training van 2 nov was je rustiger dan ervoor: 2 punten minder stress."
    );
    assert_eq!(
        line(&[run(1, 2, Some((2, 3)))]),
        "Na je training van 2 nov was je gespannener dan ervoor: 1 punt meer stress."
    );
    assert_eq!(
        line(&[run(1, 2, Some((3, 3)))]),
        "Na je training van 2 nov was je even gespannen als ervoor."
    );
    // 4→2, 4→3, 3→3, 2→3: 2 of 4 calmer, mean change (−2 −1 +0 +1)/4 = −0,5.
    let runs = [
        run(1, 2, Some((4, 2))),
        run(2, 4, Some((4, 3))),
        run(3, 6, Some((3, 3))),
        run(4, 9, Some((2, 3))),
        run(5, 11, None),
    ];
    assert_eq!(
        line(&runs),
        "Na 2 van de 4 trainingen was je rustiger dan ervoor; gemiddeld 0,5 punt minder stress."
    );
    let tenser = [run(1, 2, Some((2, 3))), run(2, 4, Some((2, 2)))];
    assert_eq!(
        line(&tenser),
        "Na 0 van de 2 trainingen was je rustiger dan ervoor; gemiddeld 0,5 punt meer stress."
    );
}

#[test]
fn more_than_30_answered_runs_become_weekly_means_placed_mid_week() {
    let few: Vec<Run> = (1..=PER_RUN_MAX as i64)
        .map(|i| run(i, 1 + i as u32, Some((4, 2))))
        .collect();
    let s = PairSeries::new(Measure::Stress, &few);
    assert!(!s.weekly);
    assert_eq!(s.points.len(), PER_RUN_MAX);
    assert_eq!(s.trend.len(), PER_RUN_MAX);
    // 31 runs, one a day from Monday 2 nov: weeks of 7, 7, 7, 7 and 3 runs.
    let many: Vec<Run> = (1..=31)
        .map(|i| run(i, 1 + i as u32, Some((4, (i % 3 + 1) as u8))))
        .collect();
    let s = PairSeries::new(Measure::Stress, &many);
    assert!(s.weekly);
    assert_eq!(
        s.points.iter().map(|p| p.runs).collect::<Vec<_>>(),
        [7, 7, 7, 7, 3]
    );
    assert_eq!(dutch::day_month(s.points[0].day), "2 nov");
    assert_eq!(s.points[1].x - s.points[0].x, 7.0);
    // Week 1: days 2..8 nov are i = 1..7, after = i % 3 + 1 = 2,3,1,2,3,1,2 → 14/7.
    assert_eq!(s.points[0].after, 2.0);
    assert_eq!(s.points[0].before, 4.0);
    // The trend smooths the weeks: one point per week, the mean of up to 5 weeks
    // around it. Weeks 1..3 have after-means 14/7, 15/7 and 13/7: together 2.
    assert_eq!(s.trend.len(), 5);
    assert_eq!(s.trend[1].0, s.points[1].x);
    assert!((s.trend[0].2 - 2.0).abs() < 1e-9, "{:?}", s.trend[0]);
    assert!((s.points[1].after - 15.0 / 7.0).abs() < 1e-9);
}

#[test]
fn date_ticks_fit_the_room_and_fall_on_mondays_when_weekly() {
    let monday = f64::from(
        NaiveDate::from_ymd_opt(2026, 11, 2)
            .unwrap()
            .num_days_from_ce(),
    );
    let days = date_ticks(monday, monday + 6.0, 7);
    assert_eq!(days.len(), 7);
    assert_eq!(days[0].1, "2 nov");
    let weeks = date_ticks(monday - 3.0, monday + 60.0, 5);
    assert!(weeks.len() <= 5 && weeks.len() >= 3, "{weeks:?}");
    assert!(
        weeks
            .iter()
            .all(|(d, _)| (*d as i32 - 1).rem_euclid(7) == 0)
    );
}

#[test]
fn the_page_names_the_session_play_starts_also_when_it_is_a_repeat() {
    let program = crate::journal::ProgramPlan::default_program().unwrap();
    let now = run(1, 3, None).started_at + 3600;
    let page = |runs: &[Run]| {
        super::Report::new(runs, Some(&program), now)
            .html()
            .unwrap()
    };
    let light = page(&[run(1, 2, Some((3, 2)))]);
    assert!(light.contains("Week 1 · training 2</dd>"), "{light}");
    let mut heavy = run(1, 2, Some((3, 2)));
    heavy.answers.effort = Score::new(5).ok();
    let heavy = page(&[heavy]);
    assert!(
        heavy.contains("Week 1 · training 1 (nog een keer)</dd>"),
        "{heavy}"
    );
}
