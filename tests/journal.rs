//! The journal: `rustig log add|remove|edit`, `rustig log`, `rustig status`, and the
//! database under concurrent writers and a killed one (the report: tests/report.rs).

use std::path::Path;

use rustig::journal::{Answers, Journal, Mode, Note, RunFacts, RunRecord, RunShape, Score};

use crate::util::{Rustig, text};

fn rustig(data: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Rustig::new(args)
        .env("XDG_DATA_HOME", data)
        .env("TZ", "UTC")
        .run();
    let (o, e) = text(&out);
    (out.status.code().unwrap_or(-1), o, e)
}

#[test]
fn log_add_rejects_bad_scores_future_dates_and_unknown_sessions_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--stress-before", "0"],
            "error: --stress-before 0: a score is a whole number from 1 to 5\n",
        ),
        (
            &["--effort", "6"],
            "error: --effort 6: a score is a whole number from 1 to 5\n",
        ),
        (
            &["--date", "2999-01-01"],
            "error: --date 2999-01-01: that is in the future; record a run after you have done it\n",
        ),
        (
            &["--date", "14-05-2026"],
            "error: --date 14-05-2026: write a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM, e.g. 2026-05-14T07:30\n",
        ),
        (
            &["--partial", "90"],
            "error: --partial 90: the session lasts only 39 minutes; use --completed\n",
        ),
    ];
    for (flags, message) in cases {
        let mut args = vec!["log", "add", "sessions/opbouw/week01-1.toml"];
        args.extend_from_slice(flags);
        let (code, out, err) = rustig(dir.path(), &args);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (1, "", message),
            "{flags:?}"
        );
    }
    let (code, _, err) = rustig(dir.path(), &["log", "add", "sessions/opbouw/week99-1.toml"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "sessions/opbouw/week99-1.toml:1:1: error[R0001]: cannot read the session: No such file or directory (os error 2)\n  = help: check the path; the built-in sessions are sessions/opbouw/weekNN-N.toml and sessions/voorbeelden/*.toml\n"
    );
    assert!(
        !dir.path().join("rustig/journal.db").exists(),
        "nothing is written for a rejected run"
    );
}

#[test]
fn logged_runs_are_listed_corrected_exported_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let add1 = [
        "log",
        "add",
        "sessions/opbouw/week01-1.toml",
        "--date",
        "2026-05-11T07:30",
        "--stress-before",
        "4",
        "--stress-after",
        "2",
        "--mood-before",
        "2",
        "--mood-after",
        "4",
        "--effort",
        "3",
        "--note",
        "lekker, rustig",
    ];
    assert_eq!(
        rustig(d, &add1),
        (
            0,
            "Training 1 opgeslagen: Week 1 · training 1 op 2026-05-11 07:30, afgerond, 12 min hardlopen. Volgende keer: Week 1 · training 2, 39 min.\n".into(),
            String::new()
        )
    );
    let add2 = [
        "log",
        "add",
        "sessions/opbouw/week01-2.toml",
        "--date",
        "2026-05-13",
        "--partial",
        "12",
        "--stress-before",
        "3",
        "--stress-after",
        "4",
    ];
    assert_eq!(rustig(d, &add2).0, 0);
    assert_eq!(
        rustig(
            d,
            &["log", "edit", "2", "--effort", "5", "--note", "te snel"]
        )
        .1,
        "Training 2 aangepast.\n"
    );
    let (_, table, _) = rustig(d, &["log"]);
    assert_eq!(
        table,
        "id  datum             training  klaar  gelopen  stress  stemming  zwaar  notitie\n\
         1   2026-05-11 07:30  week01-1  ja     12 min   4→2     2→4       3      lekker, rustig\n\
         2   2026-05-13 00:00  week01-2  nee    3 min    3→4     -→-       5      te snel\n"
    );
    let (_, csv, _) = rustig(d, &["log", "--csv", "--since", "2026-05-12"]);
    assert_eq!(
        csv,
        "id,date,session,title,completed,minutes,run_minutes,start_minutes,heard_minutes,mode,stress_before,stress_after,mood_before,mood_after,effort,note\n\
         2,2026-05-13 00:00,opbouw/week01-2.toml,Week 1 · training 2,0,12.0,3.0,0.0,12.0,log,3,4,,,5,te snel\n"
    );
    let (_, json, _) = rustig(d, &["log", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[0]["note"], "lekker, rustig");
    assert_eq!(rows[0]["minutes"], 39.0);
    assert_eq!(
        rows[0]["run_minutes"], 12.0,
        "minutes of running, not of the session"
    );
    assert_eq!(
        rows[1]["run_minutes"], 3.0,
        "12 minutes in: three 1-minute runs"
    );
    assert_eq!(
        (rows[1]["heard_minutes"].as_f64(), &rows[1]["mode"]),
        (Some(12.0), &serde_json::json!("log"))
    );
    assert_eq!(rows[1]["stress_after"], 4);
    assert_eq!(
        rustig(d, &["log", "remove", "1"]).1,
        "Training 1 verwijderd (Week 1 · training 1 op 2026-05-11 07:30).\n"
    );
    let (code, _, err) = rustig(d, &["log", "remove", "1"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!(
            "error: journal {}: there is no run 1; `rustig log` lists the runs with their ids\n",
            d.join("rustig/journal.db").display()
        )
    );
}

/// Set for a child process re-executing this test binary: `path,count,tag`.
const CHILD: &str = "RUSTIG_JOURNAL_WRITER";

fn logged(tag: &str, i: u64) -> RunRecord {
    let shape = RunShape {
        duration: 1500.0,
        running: vec![(300.0, 1200.0)],
    };
    RunRecord {
        session_key: "opbouw/week01-1.toml".into(),
        program: Some("opbouw".into()),
        title: "Week 1 · training 1".into(),
        duration: 1500.0,
        mode: Mode::Log,
        started_at: 1_778_000_000 + i as i64,
        ended_at: Some(1_778_001_500 + i as i64),
        facts: RunFacts::told(&shape, None),
        request_key: None,
        answers: Answers {
            stress_before: Score::new(4).ok(),
            stress_after: Score::new(2).ok(),
            note: Note::new(&format!("{tag}-{i}")).unwrap(),
            ..Answers::default()
        },
    }
}

/// The child's side: opens the journal and writes `count` runs (0 = until killed),
/// each in its own transaction, printing each id once committed.
#[test]
#[ignore = "run as a child process by the concurrency and kill tests"]
#[allow(clippy::print_stdout)]
fn writer_child() {
    use std::io::Write;
    let spec = std::env::var(CHILD).expect("only run as a child, with RUSTIG_JOURNAL_WRITER");
    let mut parts = spec.split(',');
    let (path, count, tag) = (
        parts.next().unwrap(),
        parts.next().unwrap().parse::<u64>().unwrap(),
        parts.next().unwrap(),
    );
    let journal = Journal::open(Path::new(path)).unwrap();
    let mut out = std::io::stdout().lock();
    let mut i = 0;
    while count == 0 || i < count {
        let id = journal.record(&logged(tag, i)).unwrap().id;
        writeln!(out, "{id}").unwrap();
        out.flush().unwrap();
        i += 1;
    }
}

fn writer(path: &Path, count: u64, tag: &str) -> std::process::Child {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "journal::writer_child",
            "--nocapture",
            "--quiet",
        ])
        .env(CHILD, format!("{},{count},{tag}", path.display()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// The numeric lines of a child's output (libtest adds its own lines).
fn ids(text: &str) -> Vec<i64> {
    text.lines().filter_map(|l| l.trim().parse().ok()).collect()
}

#[test]
#[allow(clippy::print_stderr)]
fn two_processes_writing_1000_runs_each_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db");
    let started = std::time::Instant::now();
    let children = [writer(&path, 1000, "a"), writer(&path, 1000, "b")];
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let elapsed = started.elapsed();
    for o in &outputs {
        assert!(o.status.success());
        assert_eq!(ids(&String::from_utf8_lossy(&o.stdout)).len(), 1000);
    }
    let journal = Journal::open(&path).unwrap();
    assert_eq!(journal.count().unwrap(), 2000);
    let notes: std::collections::HashSet<String> = journal
        .runs()
        .unwrap()
        .into_iter()
        .filter_map(|r| r.answers.note.map(|n| n.to_string()))
        .collect();
    for tag in ["a", "b"] {
        for i in 0..1000 {
            assert!(notes.contains(&format!("{tag}-{i}")), "{tag}-{i} lost");
        }
    }
    eprintln!("journal figures: 2 processes x 1000 runs: 2000 rows in {elapsed:.2?}");
}

#[test]
#[allow(clippy::print_stderr)]
fn a_writer_killed_with_sigkill_leaves_a_sound_database_with_every_committed_run() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db");
    let mut committed = Vec::new();
    for round in 0..5 {
        let mut child = writer(&path, 0, &format!("k{round}"));
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        while seen < 200 + round * 50 {
            let line = lines.next().unwrap().unwrap();
            if let Ok(id) = line.trim().parse::<i64>() {
                committed.push(id);
                seen += 1;
            }
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        // Ids the child printed before it died were committed too.
        committed.extend(
            lines
                .map_while(Result::ok)
                .filter_map(|l| l.trim().parse::<i64>().ok()),
        );
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    let journal = Journal::open(&path).unwrap();
    let stored: std::collections::HashSet<i64> =
        journal.runs().unwrap().iter().map(|r| r.id).collect();
    let missing: Vec<_> = committed.iter().filter(|id| !stored.contains(id)).collect();
    assert!(missing.is_empty(), "committed runs lost: {missing:?}");
    assert!(
        stored.len() <= committed.len() + 5,
        "at most one run per kill is committed without being reported"
    );
    eprintln!(
        "journal figures: 5 writers killed with SIGKILL: {} committed runs, all present, {} rows, integrity_check ok",
        committed.len(),
        stored.len()
    );
}

#[test]
fn status_shows_the_next_session_and_suggests_a_repeat_after_stress_went_up_twice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_, fresh, _) = rustig(d, &["status"]);
    assert_eq!(
        fresh,
        "Programma: Van 12 naar 36 minuten\n\
         Nog geen training afgerond.\n\
         Hardlopen per training: 0 van 36 minuten\n\
         Trainingen deze week: 0\n\
         Volgende: Week 1 · training 1 (39 min): 6 min wandelen, 12× (1 min hardlopen, 1 min wandelen), 5 min wandelen, rekken, 2 min ademhaling\n"
    );
    for (file, date, after) in [
        ("week01-1.toml", "2026-01-05T07:30", "3"),
        ("week01-2.toml", "2026-01-07T07:30", "4"),
    ] {
        let session = format!("sessions/opbouw/{file}");
        let args = [
            "log",
            "add",
            &session,
            "--date",
            date,
            "--stress-before",
            "2",
            "--stress-after",
            after,
        ];
        assert_eq!(rustig(d, &args).0, 0);
    }
    let (code, text, _) = rustig(d, &["status"]);
    assert_eq!(code, 0);
    assert_eq!(
        text,
        "Programma: Van 12 naar 36 minuten\n\
         Laatst afgerond: week 1, training 2\n\
         Hardlopen per training: 12 van 36 minuten\n\
         Trainingen deze week: 0\n\
         Volgende: Week 1 · training 2 nog een keer, want je stress was na de laatste twee trainingen hoger dan ervoor: neem de tijd voor de opbouw.\n\
         Liever verder met Week 1 · training 3? rustig play --next\n\
         Stress voor: ▂▂\n\
         Stress na:   ▄▆\n"
    );
    let (_, json, _) = rustig(d, &["status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["next"]["session"], "opbouw/week01-3.toml");
    assert_eq!(v["repeat"]["session"], "opbouw/week01-2.toml");
    assert_eq!(v["repeat"]["reason"], "stress_up");
    assert_eq!(
        v["plays"]["session"], "opbouw/week01-2.toml",
        "what play starts"
    );
    assert_eq!(v["run_minutes"], 12.0);
}

#[test]
fn a_journal_from_a_newer_rustig_is_refused_with_exit_1_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rustig/journal.db");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE runs (x); PRAGMA user_version = 4;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    for args in [
        &["log"][..],
        &["status"],
        &["log", "add", "sessions/opbouw/week01-1.toml"],
    ] {
        let (code, out, err) = rustig(dir.path(), args);
        assert_eq!((code, out.as_str()), (1, ""), "{args:?}");
        assert_eq!(
            err,
            format!(
                "error: journal {} has schema version 4, but this rustig knows versions up to 3: it was written by a newer rustig. Update rustig; the file is left untouched\n",
                path.display()
            )
        );
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_version_1_journal_from_the_released_rustig_is_backed_up_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rustig/journal.db");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::copy(crate::util::data("journal/v1/journal.db"), &path).unwrap();
    let (code, out, _) = rustig(dir.path(), &["log", "--csv"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 4, "a header and the 3 runs: {out}");
    assert!(out.lines().nth(3).unwrap().starts_with("3,"));
    assert!(path.with_file_name("journal.db.bak-v1").is_file());
}
