use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/journal")
        .join(name)
}

/// A run of a 1500-second session whose running is 300–1200 s, heard up to `until`.
fn played(until: f64) -> RunRecord {
    let shape = RunShape {
        duration: 1500.0,
        running: vec![(300.0, 1200.0)],
    };
    let mut heard = Heard::new();
    heard.add(0.0, until);
    RunRecord {
        session_key: "opbouw/week01-1.toml".into(),
        program: Some("opbouw".into()),
        title: "Week 1 · training 1".into(),
        duration: 1500.0,
        mode: Mode::Audio,
        started_at: now(),
        ended_at: Some(now()),
        facts: RunFacts::of(&shape, &heard, None),
        answers: Answers::default(),
        request_key: None,
    }
}

#[test]
fn a_new_journal_gets_the_latest_schema_in_wal_mode_and_records_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/journal.db");
    let j = Journal::open(&path).unwrap();
    assert_eq!(j.version().unwrap(), MIGRATIONS.len() as i64);
    let mode: String = j
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let a = j.record(&played(600.0)).unwrap().id;
    assert!(
        j.completed("opbouw").unwrap().is_empty(),
        "a run stopped halfway does not complete"
    );
    let b = j.record(&played(1500.0)).unwrap().id;
    j.answer(
        b,
        &Answers {
            stress_before: Score::new(4).ok(),
            mood_before: Score::new(2).ok(),
            ..Answers::default()
        },
    )
    .unwrap();
    j.answer(
        b,
        &Answers {
            stress_after: Score::new(2).ok(),
            effort: Score::new(3).ok(),
            note: Note::new("lekker").unwrap(),
            ..Answers::default()
        },
    )
    .unwrap();
    assert_eq!(
        j.completed("opbouw").unwrap(),
        HashSet::from(["opbouw/week01-1.toml".to_owned()])
    );
    assert_eq!(j.runs().unwrap().len(), 2);
    assert_eq!(j.run(a).unwrap().unwrap().position, 600.0);
    assert_eq!(
        j.run(b).unwrap().unwrap().answers,
        Answers {
            stress_before: Score::new(4).ok(),
            mood_before: Score::new(2).ok(),
            stress_after: Score::new(2).ok(),
            mood_after: None,
            effort: Score::new(3).ok(),
            note: Note::new("lekker").unwrap(),
        }
    );
    drop(j);
    assert!(
        !path.with_file_name("journal.db.bak-v0").exists(),
        "a new file needs no backup"
    );
    let j = Journal::open(&path).unwrap();
    assert_eq!(j.runs().unwrap().len(), 2);
}

#[test]
fn a_version_1_file_is_backed_up_then_migrated_keeping_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db");
    std::fs::copy(fixture("v1/journal.db"), &path).unwrap();
    let j = Journal::open(&path).unwrap();
    assert_eq!(j.version().unwrap(), 3);
    let runs = j.runs().unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[2].session_key, "opbouw/week01-1.toml");
    assert_eq!(runs[2].mode, "no-audio");
    assert_eq!(runs[0].position, 686.056307);
    assert_eq!(runs[0].answers, Answers::default());
    drop(j);
    let backup = dir.path().join("journal.db.bak-v1");
    let old = rusqlite::Connection::open(&backup).unwrap();
    let (version, rows): (i64, i64) = (
        old.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap(),
        old.query_row("SELECT COUNT(*) FROM runs", [], |r| r.get(0))
            .unwrap(),
    );
    assert_eq!((version, rows), (1, 3));
}

#[test]
fn a_newer_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 9;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let e = Journal::open(&path).err().unwrap();
    assert_eq!(
        e.to_string(),
        format!(
            "journal {} has schema version 9, but this rustig knows versions up to 3: it was written by a newer rustig. Update rustig; the file is left untouched",
            path.display()
        )
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db");
    let junk = b"these are my running notes, not a database at all............".repeat(40);
    std::fs::write(&path, &junk).unwrap();
    let e = Journal::open(&path).err().unwrap();
    assert_eq!(
        e.to_string(),
        format!(
            "journal {} is damaged or not a rustig journal (file is not a database). It is left untouched: move it away (for example to journal.db.broken) to start a new journal, or put back a backup journal.db.bak-vN",
            path.display()
        )
    );
    assert_eq!(std::fs::read(&path).unwrap(), junk);
}

fn run(id: i64, file: &str, completed: bool, answers: Answers) -> Run {
    Run {
        id,
        session_key: format!("opbouw/{file}"),
        program: Some("opbouw".into()),
        title: file.into(),
        started_at: 1_700_000_000 + id * 86_400,
        ended_at: None,
        start_position: 0.0,
        position: 0.0,
        duration: 1500.0,
        completed,
        mode: "log".into(),
        heard_seconds: None,
        run_seconds: None,
        answers,
    }
}

fn stress(before: u8, after: u8) -> Answers {
    Answers {
        stress_before: Score::new(before.into()).ok(),
        stress_after: Score::new(after.into()).ok(),
        ..Answers::default()
    }
}

#[test]
fn next_is_the_first_uncompleted_session_and_heavy_or_stressful_runs_suggest_a_repeat() {
    let files: Vec<String> = ["a.toml", "b.toml", "c.toml"].map(String::from).to_vec();
    assert_eq!(
        next_session("opbouw", &files, &[]),
        Plan {
            next: Some(0),
            previous: None,
            repeat: None
        }
    );
    // Calmer after: move on.
    let calm = [
        run(1, "a.toml", true, stress(4, 2)),
        run(2, "b.toml", true, stress(3, 2)),
    ];
    let plan = next_session("opbouw", &files, &calm);
    assert_eq!(
        (plan.next, plan.previous, plan.repeat),
        (Some(2), Some(1), None)
    );
    assert_eq!(plan.choose(Choice::Suggested), Some(2));
    assert_eq!(plan.choose(Choice::Repeat), Some(1));
    // Effort 5 on the last run: repeat it.
    let heavy = [
        run(1, "a.toml", true, Answers::default()),
        run(
            2,
            "b.toml",
            true,
            Answers {
                effort: Score::new(5).ok(),
                ..Answers::default()
            },
        ),
    ];
    let plan = next_session("opbouw", &files, &heavy);
    assert_eq!(plan.repeat, Some(RepeatReason::TooHeavy));
    assert_eq!(plan.choose(Choice::Suggested), Some(1));
    assert_eq!(plan.choose(Choice::Next), Some(2));
    // Stress up once: no; twice in a row: repeat. Runs in any order.
    let once = [
        run(2, "b.toml", true, stress(2, 2)),
        run(1, "a.toml", true, stress(2, 4)),
    ];
    assert_eq!(next_session("opbouw", &files, &once).repeat, None);
    let twice = [
        run(2, "b.toml", true, stress(2, 3)),
        run(1, "a.toml", true, stress(2, 4)),
    ];
    assert_eq!(
        next_session("opbouw", &files, &twice).repeat,
        Some(RepeatReason::StressUp)
    );
    // An unanswered run breaks the row.
    let gap = [
        run(1, "a.toml", true, stress(2, 4)),
        run(2, "b.toml", true, Answers::default()),
        run(3, "c.toml", true, stress(2, 4)),
    ];
    assert_eq!(next_session("opbouw", &files, &gap).repeat, None);
    // A heavy partial run: next is that same session anyway, nothing to suggest.
    let partial = [
        run(1, "a.toml", true, Answers::default()),
        run(
            2,
            "b.toml",
            false,
            Answers {
                effort: Score::new(5).ok(),
                ..Answers::default()
            },
        ),
    ];
    let plan = next_session("opbouw", &files, &partial);
    assert_eq!((plan.next, plan.repeat), (Some(1), None));
    // After a heavy run, starting the next session and stopping early (a partial run)
    // leaves the suggestion as it was.
    let mut heavy_then_partial = heavy.to_vec();
    heavy_then_partial.push(run(3, "c.toml", false, stress(2, 2)));
    let plan = next_session("opbouw", &files, &heavy_then_partial);
    assert_eq!(
        (plan.next, plan.previous, plan.repeat),
        (Some(2), Some(1), Some(RepeatReason::TooHeavy))
    );
    // Everything done: no next; other programs' runs are ignored.
    let mut all: Vec<Run> = ["a.toml", "b.toml", "c.toml"]
        .iter()
        .enumerate()
        .map(|(i, f)| run(i as i64 + 1, f, true, Answers::default()))
        .collect();
    let mut other = run(9, "a.toml", false, Answers::default());
    other.program = None;
    all.push(other);
    let plan = next_session("opbouw", &files, &all);
    assert_eq!((plan.next, plan.previous), (None, Some(2)));
}

/// `log add` takes a session by short name or number, as `log` and the exported
/// files show them.
#[test]
fn a_program_session_is_found_by_short_name_or_number() {
    let program = super::ProgramPlan::default_program().unwrap();
    assert_eq!(program.find("week01-1"), Some(0));
    assert_eq!(program.find("week01-2.toml"), Some(1));
    assert_eq!(program.find("07"), Some(6));
    assert_eq!(program.find("7"), Some(6));
    assert_eq!(program.find("42"), Some(41));
    assert_eq!(program.find("0"), None);
    assert_eq!(program.find("43"), None);
    assert_eq!(program.find("week99-1"), None);
}

/// SQLite's codes reach the runner as plain words with what to do: a journal that
/// cannot be written (here opened read-only, as a read-only file is for a user).
#[test]
fn a_read_only_journal_is_explained_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db");
    Journal::open(&path).unwrap();
    let conn =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let e = conn.execute("DELETE FROM runs", []).expect_err("read-only");
    let e = super::schema::classify(&path, e);
    assert_eq!(
        crate::errors::Chain(&e).to_string(),
        format!(
            "journal {} cannot be written (read-only file or folder, or it was moved while open); check its permissions with ls -l",
            path.display()
        )
    );
}

/// `play` and `log add` close with the line for the run just stored, against the
/// program's status after it; a run that is not in the journal has none.
#[test]
fn the_closing_line_names_the_stored_run_and_what_comes_next() {
    let dir = tempfile::tempdir().unwrap();
    let j = Journal::open(&dir.path().join("journal.db")).unwrap();
    let program = ProgramPlan::default_program().unwrap();
    let id = j.record(&played(1500.0)).unwrap().id;
    assert_eq!(
        j.closing(id, &program, "Opgeslagen", None)
            .unwrap()
            .as_deref(),
        Some(
            "Opgeslagen: Week 1 · training 1, afgerond, 15 min hardlopen. Volgende keer: Week 1 · training 2, 39 min."
        )
    );
    let id = j.record(&played(900.0)).unwrap().id;
    assert_eq!(
        j.closing(
            id,
            &program,
            "Training 2 opgeslagen",
            Some("2026-05-11 07:30")
        )
        .unwrap()
        .as_deref(),
        Some(
            "Training 2 opgeslagen: Week 1 · training 1 op 2026-05-11 07:30, niet afgerond (tot 15:00), 10 min hardlopen. Volgende keer: Week 1 · training 2, 39 min."
        )
    );
    // Under a minute of running is said in words.
    let id = j.record(&played(355.0)).unwrap().id;
    assert_eq!(
        j.closing(id, &program, "Opgeslagen", None)
            .unwrap()
            .as_deref(),
        Some(
            "Opgeslagen: Week 1 · training 1, niet afgerond (tot 5:55), 55 seconden hardlopen. Volgende keer: Week 1 · training 2, 39 min."
        )
    );
    assert_eq!(
        j.closing(id + 1, &program, "Opgeslagen", None).unwrap(),
        None
    );
}
