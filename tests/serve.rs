//! `rustig serve`: the real server on 127.0.0.1 with a temporary journal and a short
//! test program. Its security (no credential, wrong or revoked credential, another
//! site, path traversal, huge and bad bodies), the rules a reported run goes through,
//! and the whole phone flow in headless Chromium over WebDriver at 412 px: pair,
//! answer, download, lose the server, run, answer, come home, and find one run.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustig::journal::{Journal, Run};

use crate::util::root;

/// A 20.5-second session (18 s of blocks and the closing cue): shorter than a minute,
/// so a run of it is stored only when it was heard whole.
const FIRST: &str = r#"
title = "Proef · training 1"
voice = "test"
cadence = 176

[[block]]
kind = "walk"
name = "Inlopen"
duration = "6s"

[[block]]
kind = "run"
name = "Hardlopen"
duration = "8s"

[[block]]
kind = "walk"
name = "Uitlopen"
duration = "4s"
"#;

const SECOND: &str = r#"
title = "Proef · training 2"
voice = "test"
cadence = 176

[[block]]
kind = "walk"
name = "Inlopen"
duration = "20s"

[[block]]
kind = "run"
name = "Hardlopen"
duration = "60s"
"#;

/// A 15-minute session: long enough that its first download is sent while it renders.
const THIRD: &str = r#"
title = "Proef · training 3"
voice = "test"
cadence = 176

[[block]]
kind = "run"
name = "Hardlopen"
duration = "15m"
"#;

/// The program's title: it must never show in a refused answer.
const PROGRAM_TITLE: &str = "Proefprogramma";

/// A home folder: data, cache and a program `opbouw/` in the working folder, which
/// rustig takes as the default program.
pub fn home() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let prog = dir.path().join("opbouw");
    std::fs::create_dir_all(&prog).unwrap();
    std::fs::write(
        prog.join("program.toml"),
        format!(
            "[program]\ntitle = \"{PROGRAM_TITLE}\"\nsessions = [\"week01-1.toml\", \"week01-2.toml\", \"week01-3.toml\"]\n"
        ),
    )
    .unwrap();
    std::fs::write(prog.join("week01-1.toml"), FIRST).unwrap();
    std::fs::write(prog.join("week01-2.toml"), SECOND).unwrap();
    std::fs::write(prog.join("week01-3.toml"), THIRD).unwrap();
    dir
}

/// `rustig` run in `home` with its own data and cache folders.
fn rustig(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rustig"));
    cmd.current_dir(home)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .arg("--voice-dir")
        .arg(root().join("tests/data/voice"));
    cmd
}

/// A running `rustig serve`.
pub struct Server {
    child: Child,
    /// The pairing URL (first line on stdout).
    pub url: String,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The port.
    pub port: u16,
    /// Every later line on stdout.
    pub lines: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts the server in `home` on `port` (0: any free port) and waits for its URL.
    pub fn start(home: &Path, port: u16) -> Server {
        let mut child = rustig(home)
            .args(["serve", "--bind", "127.0.0.1", "--port", &port.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("rustig serve starts");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut url = String::new();
        out.read_line(&mut url).unwrap();
        let url = url.trim().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "first line: {url:?}");
        let port: u16 = url["http://127.0.0.1:".len()..]
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            url,
            port,
            lines,
        }
    }

    /// The pairing secret in the URL.
    pub fn secret(&self) -> String {
        self.url.split("#k=").nth(1).unwrap().to_owned()
    }

    /// Stops it as Ctrl-C would, and waits until it has exited.
    pub fn stop(mut self) {
        crate::tools::run_tool("kill", &["-INT", &self.child.id().to_string()]);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "rustig serve exits cleanly: {status}");
    }

    /// Whether some line on stdout contains `text` within `secs` seconds.
    pub fn says(&self, text: &str, secs: u64) -> bool {
        let until = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < until {
            if self.said(text) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Whether some line on stdout contains `text`.
    pub fn said(&self, text: &str) -> bool {
        self.lines.lock().unwrap().iter().any(|l| l.contains(text))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One raw HTTP/1.1 request (no client normalizes the path or refuses a header);
/// returns the status and the body's bytes.
pub fn raw_bytes(port: u16, head: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(buf.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&buf[..end]);
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, buf[end..].to_vec())
}

/// [`raw_bytes`] with the body as text.
pub fn raw(port: u16, head: &str, body: &[u8]) -> (u16, String) {
    let (status, body) = raw_bytes(port, head, body);
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// A request with optional credential and JSON body, as the page makes it.
pub fn call(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
    extra: &str,
) -> (u16, String) {
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if let Some(b) = body {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    head.push_str(extra);
    head.push_str("\r\n");
    raw(port, &head, body.unwrap_or("").as_bytes())
}

/// The page's own header for requests that change something.
const PAGE: &str = "X-Rustig: 1\r\n";

/// Pairs a device and returns its credential.
pub fn pair(server: &Server, name: &str) -> String {
    let body = format!(r#"{{"secret":"{}","name":"{name}"}}"#, server.secret());
    let (status, text) = call(server.port, "POST", "/api/pair", None, Some(&body), PAGE);
    assert_eq!(status, 200, "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["token"].as_str().unwrap().to_owned()
}

/// The journal of `home`.
fn journal_runs(home: &Path) -> Vec<Run> {
    Journal::open(&home.join("data/rustig/journal.db"))
        .unwrap()
        .runs()
        .unwrap()
}

fn run_body(key: &str, played: &str, answers: &str) -> String {
    format!(
        r#"{{"request_key":"{key}","session":"week01-1.toml","started_at":{},"ended_at":{},"played":{played},"speed":1,"answers":{answers}}}"#,
        rustig::journal::now() - 70,
        rustig::journal::now()
    )
}

#[test]
fn without_a_credential_every_route_is_401_and_reveals_nothing() {
    let home = home();
    let server = Server::start(home.path(), 0);
    let port = server.port;
    let routes = [
        ("GET", "/api/status"),
        ("GET", "/api/runs"),
        ("GET", "/api/audio/week01-1.toml?format=ogg"),
        ("GET", "/api/report"),
        ("POST", "/api/runs"),
    ];
    let body = run_body("abcdefgh-1", "[[0,62]]", "{}");
    for (method, path) in routes {
        let b = (method == "POST").then_some(body.as_str());
        for token in [None, Some("0123456789abcdef0123456789abcdef"), Some("")] {
            let (status, text) = call(port, method, path, token, b, PAGE);
            assert_eq!(status, 401, "{method} {path} with {token:?}: {text}");
            for secret in [PROGRAM_TITLE, "Proef", "week01", "Inlopen"] {
                assert!(!text.contains(secret), "{path} reveals {secret}: {text}");
            }
            assert!(text.contains("niet (meer) gekoppeld"), "{text}");
        }
    }
    // The page itself is public, but holds no data.
    let (status, page) = call(port, "GET", "/", None, None, "");
    assert_eq!(status, 200);
    assert!(!page.contains(PROGRAM_TITLE) && page.contains("Download voor onderweg"));
    // A wrong pairing secret gets nothing either.
    let (status, text) = call(
        port,
        "POST",
        "/api/pair",
        None,
        Some(r#"{"secret":"00000000000000000000000000000000","name":"x"}"#),
        PAGE,
    );
    assert_eq!(status, 401, "{text}");
    assert!(journal_runs(home.path()).is_empty());
    assert!(server.says("refused /api/status (not paired)", 10));
    server.stop();
}

#[test]
fn a_revoked_phone_is_refused_at_once_and_devices_lists_the_others() {
    let home = home();
    let server = Server::start(home.path(), 0);
    let phone = pair(&server, "Android");
    let other = pair(&server, "Android");
    assert_eq!(
        call(server.port, "GET", "/api/status", Some(&phone), None, "").0,
        200
    );
    let out = rustig(home.path())
        .args(["serve", "--devices"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("android\t") && listed.contains("android-2\t"),
        "{listed}"
    );
    std::thread::sleep(Duration::from_millis(20));
    let out = rustig(home.path())
        .args(["serve", "--revoke", "android"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (status, text) = call(server.port, "GET", "/api/status", Some(&phone), None, "");
    assert_eq!(status, 401, "{text}");
    assert_eq!(
        call(server.port, "GET", "/api/status", Some(&other), None, "").0,
        200
    );
    let out = rustig(home.path())
        .args(["serve", "--revoke", "nokia"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("android-2"));
    assert!(server.says("paired a new phone, named android", 10));
    server.stop();
}

#[test]
fn other_sites_traversal_huge_and_bad_bodies_are_refused_with_dutch_messages() {
    let home = home();
    let server = Server::start(home.path(), 0);
    let port = server.port;
    let t = pair(&server, "pixel");
    let body = run_body("abcdefgh-2", "[[0,62]]", "{}");
    // Another site: a wrong Origin, or the page's header missing.
    let (status, text) = call(
        port,
        "POST",
        "/api/runs",
        Some(&t),
        Some(&body),
        "X-Rustig: 1\r\nOrigin: http://evil.example\r\n",
    );
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("niet van de rustig-pagina"), "{text}");
    assert_eq!(
        call(port, "POST", "/api/runs", Some(&t), Some(&body), "").0,
        403
    );
    let (status, _) = call(
        port,
        "POST",
        "/api/pair",
        None,
        Some(&format!(r#"{{"secret":"{}"}}"#, server.secret())),
        "X-Rustig: 1\r\nSec-Fetch-Site: cross-site\r\n",
    );
    assert_eq!(status, 403);
    // Path traversal in asset and audio paths.
    for path in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/app.js/../../Cargo.toml",
        "/api/audio/..%2f..%2f..%2fetc%2fpasswd",
        "/api/audio/..%2fopbouw%2fprogram.toml",
    ] {
        let (status, text) = call(port, "GET", path, Some(&t), None, "");
        assert!(status == 404 || status == 400, "{path}: {status} {text}");
        assert!(
            !text.contains("root:") && !text.contains("[program]"),
            "{path}: {text}"
        );
    }
    // A 10 MB body is refused before it is read.
    let head = format!(
        "POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {t}\r\n{PAGE}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        10 * 1024 * 1024
    );
    let (status, text) = raw(port, &head, &[b' '; 64 * 1024]);
    assert_eq!(status, 413);
    assert!(
        text.contains(
            r#"{"error":"Dit verzoek is te groot: de computer neemt hoogstens 64 kB aan."}"#
        ),
        "{text}"
    );
    // The same without a length given up front (chunked): refused once over the limit.
    let head = format!(
        "POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {t}\r\n{PAGE}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let mut chunked = Vec::new();
    for _ in 0..160 {
        chunked.extend_from_slice(format!("{:x}\r\n", 1024).as_bytes());
        chunked.extend_from_slice(&[b' '; 1024]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (status, text) = raw(port, &head, &chunked);
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("te groot"), "{text}");
    // A query that does not parse and a method a route does not have: Dutch too.
    let (status, text) = call(port, "PUT", "/api/status", Some(&t), Some("{}"), PAGE);
    assert_eq!(status, 405, "{text}");
    assert!(text.contains("Dat kan hier niet."), "{text}");
    // Bad JSON, a score of 7, a bad key.
    let (status, text) = call(
        port,
        "POST",
        "/api/runs",
        Some(&t),
        Some("{\"request_key\":"),
        PAGE,
    );
    assert_eq!(status, 400);
    assert!(text.contains("geen geldige JSON"), "{text}");
    let seven = run_body("abcdefgh-3", "[[0,62]]", r#"{"effort":7}"#);
    let (status, text) = call(port, "POST", "/api/runs", Some(&t), Some(&seven), PAGE);
    assert_eq!(status, 400);
    assert!(
        text.contains("Bij \\\"zwaar\\\" hoort een cijfer van 1 tot 5, niet 7."),
        "{text}"
    );
    let badkey = run_body("<script>", "[[0,62]]", "{}");
    assert_eq!(
        call(port, "POST", "/api/runs", Some(&t), Some(&badkey), PAGE).0,
        400
    );
    assert!(
        journal_runs(home.path()).is_empty(),
        "nothing bad was stored"
    );
    // A note with HTML and control characters: stored as text without the controls,
    // sent back JSON-escaped.
    let note = run_body(
        "abcdefgh-4",
        "[[0,62]]",
        r#"{"stress_before":3,"note":"<img src=x onerror=alert(1)>\u001b[2J\u0007 fijn"}"#,
    );
    let (status, text) = call(port, "POST", "/api/runs", Some(&t), Some(&note), PAGE);
    assert_eq!(status, 200, "{text}");
    let runs = journal_runs(home.path());
    assert_eq!(runs.len(), 1);
    assert_eq!(
        runs[0].answers.note.as_ref().map(|n| n.as_str()),
        Some("<img src=x onerror=alert(1)>[2J fijn")
    );
    let (_, listed) = call(port, "GET", "/api/runs", Some(&t), None, "");
    let v: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(v["runs"][0]["note"], "<img src=x onerror=alert(1)>[2J fijn");
    server.stop();
}

#[test]
fn the_journal_rules_decide_and_a_retried_run_is_stored_once() {
    let home = home();
    let server = Server::start(home.path(), 0);
    let port = server.port;
    let t = pair(&server, "pixel");
    // A session under a minute, not heard whole (stopped, or started late): not
    // stored.
    for (key, played) in [("short-run-1", "[[0,12]]"), ("late-run-1", "[[9,20.5]]")] {
        let short = run_body(key, played, "{}");
        let (status, text) = call(port, "POST", "/api/runs", Some(&t), Some(&short), PAGE);
        assert_eq!(status, 200);
        assert!(text.contains("Korter dan een minuut"), "{text}");
    }
    // Sped up: a preview, not stored.
    let fast = run_body("fast-run-1", "[[0,20.5]]", "{}").replace("\"speed\":1", "\"speed\":2");
    let (_, text) = call(port, "POST", "/api/runs", Some(&t), Some(&fast), PAGE);
    assert!(text.contains("Versneld"), "{text}");
    assert!(journal_runs(home.path()).is_empty());
    // Heard whole, in stretches sent out of order: stored (the session is shorter than
    // a minute) and completed; sent twice, stored once.
    let body = run_body(
        "whole-run-1",
        "[[0,4],[12,20.5],[0,0],[4,9],[9,12.5]]",
        r#"{"stress_before":2,"mood_before":4,"stress_after":1,"mood_after":5,"effort":2}"#,
    );
    let (status, first) = call(port, "POST", "/api/runs", Some(&t), Some(&body), PAGE);
    assert_eq!(status, 200, "{first}");
    let (status, again) = call(port, "POST", "/api/runs", Some(&t), Some(&body), PAGE);
    assert_eq!(status, 200, "{again}");
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    let again: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(
        (first["new"].as_bool(), again["new"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(first["id"], again["id"]);
    // The terminal's closing line: what was stored, what comes next.
    let said = first["message"].as_str().unwrap();
    assert!(
        said.starts_with("Opgeslagen: Proef · training 1, afgerond, 8 seconden hardlopen."),
        "{said}"
    );
    assert!(
        said.ends_with("Volgende keer: Proef · training 2, 1 min."),
        "{said}"
    );
    let runs = journal_runs(home.path());
    assert_eq!(runs.len(), 1);
    let r = &runs[0];
    assert_eq!(r.mode, "telefoon");
    assert!(r.completed, "the stretches join up to the whole session");
    // 18 s of blocks, and the closing cue "einde" that starts at 18 s.
    assert_eq!(r.heard_seconds, Some(20.5));
    assert_eq!(r.run_seconds, Some(8.0));
    assert_eq!(r.answers.effort.map(|s| s.get()), Some(2));
    assert!(server.says("stored run", 10));
    assert!(server.says("was already stored", 10));
    // The session the page offers now is rendered before a phone asks for it.
    assert!(server.says("ready to download: Proef · training 1", 60));
    assert!(
        server.says("ready to download: Proef · training 2", 60),
        "{:?}",
        server.lines.lock().unwrap()
    );
    // Status now names the next session, as `rustig status --json` does.
    let (_, status) = call(port, "GET", "/api/status", Some(&t), None, "");
    let v: serde_json::Value = serde_json::from_str(&status).unwrap();
    let cli = rustig(home.path())
        .args(["status", "--json"])
        .output()
        .unwrap();
    let cli: serde_json::Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(v["status"], cli, "the page gets the very same Status");
    assert_eq!(v["next"]["file"], "week01-2.toml");
    server.stop();
}

#[test]
fn audio_is_rendered_once_and_answers_range_requests() {
    let home = home();
    let server = Server::start(home.path(), 0);
    let port = server.port;
    let t = pair(&server, "pixel");
    // Not rendered yet: sent while it is rendered (chunked), or, had the render been
    // quicker than the request, from the file. Either way the bytes are the file's.
    let mut res = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
        .get(format!(
            "{}/api/audio/week01-1.toml?format=ogg",
            server.base
        ))
        .header("Authorization", format!("Bearer {t}"))
        .call()
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "audio/ogg");
    let whole = res.body_mut().read_to_vec().unwrap();
    assert!(whole.starts_with(b"OggS"), "an Ogg file");
    // Only the Ogg file: the server renders the MP3 of the next session by itself.
    let cached: Vec<PathBuf> = walk(&home.path().join("cache/rustig/serve/ogg"));
    assert_eq!(cached.len(), 1, "{cached:?}");
    assert!(
        std::fs::read(&cached[0]).unwrap() == whole,
        "what was sent is the cached file"
    );
    let mtime = std::fs::metadata(&cached[0]).unwrap().modified().unwrap();
    let (status, part) = raw_bytes(
        port,
        &format!(
            "GET /api/audio/week01-1.toml?format=ogg HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {t}\r\nRange: bytes=0-99\r\nConnection: close\r\n\r\n"
        ),
        b"",
    );
    assert_eq!(status, 206);
    assert_eq!(part.len(), 100);
    assert_eq!(
        std::fs::metadata(&cached[0]).unwrap().modified().unwrap(),
        mtime,
        "the second request is served from the cache"
    );
    assert!(server.says("downloading Proef · training 1 (rendered now)", 10));
    // A longer session not rendered yet is sent as it is written: no length, chunked,
    // an estimate for the page's progress; the bytes are the file's.
    let mut res = ureq::Agent::config_builder()
        .build()
        .new_agent()
        .get(format!(
            "{}/api/audio/week01-3.toml?format=ogg",
            server.base
        ))
        .header("Authorization", format!("Bearer {t}"))
        .call()
        .unwrap();
    assert_eq!(res.headers().get("content-length"), None);
    assert_eq!(res.headers()["transfer-encoding"], "chunked");
    let expected: u64 = res.headers()["x-expected-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let streamed = res
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
        .unwrap();
    let file = walk(&home.path().join("cache/rustig/serve/ogg"))
        .into_iter()
        .find(|p| p.to_string_lossy().ends_with("training 3.ogg"))
        .unwrap();
    assert!(
        std::fs::read(&file).unwrap() == streamed,
        "sent as the file is"
    );
    let ratio = streamed.len() as f64 / expected as f64;
    assert!(
        (0.5..1.5).contains(&ratio),
        "estimate {expected}, sent {}",
        streamed.len()
    );
    let (status, _) = call(
        port,
        "GET",
        "/api/audio/week01-1.toml?format=flac",
        Some(&t),
        None,
        "",
    );
    assert_eq!(status, 400);
    server.stop();
}

#[test]
fn a_private_podcast_feed_lists_the_next_sessions_until_it_is_revoked() {
    let home = home();
    let server = Server::start(home.path(), 0);
    let port = server.port;
    let t = pair(&server, "pixel");
    // Only the page, with its credential and its header, makes a feed.
    let (status, _) = call(port, "POST", "/api/feed", Some(&t), Some("{}"), "");
    assert_eq!(status, 403);
    let (status, made) = call(port, "POST", "/api/feed", Some(&t), Some("{}"), PAGE);
    assert_eq!(status, 200, "{made}");
    let made: serde_json::Value = serde_json::from_str(&made).unwrap();
    assert_eq!(made["name"], "pixel-podcast");
    let url = made["url"].as_str().unwrap().to_owned();
    let prefix = format!("http://127.0.0.1:{port}/feed/");
    assert!(
        url.starts_with(&prefix) && url.ends_with("/feed.xml"),
        "{url}"
    );
    let secret = url[prefix.len()..url.len() - "/feed.xml".len()].to_owned();
    assert_eq!(secret.len(), 32);
    assert!(server.says("made the podcast feed pixel-podcast", 10));
    let path = format!("/feed/{secret}/feed.xml");

    // Without the feed's own secret: 401, nothing revealed; a page credential is no
    // feed secret, and a feed secret is no page credential.
    for wrong in ["0".repeat(32), t.clone(), "..%2F..%2Fetc%2Fpasswd".into()] {
        let (status, body) = call(
            port,
            "GET",
            &format!("/feed/{wrong}/feed.xml"),
            None,
            None,
            "",
        );
        assert_eq!(status, 401, "{wrong}");
        assert!(
            !body.contains(PROGRAM_TITLE) && !body.contains("Proef"),
            "{body}"
        );
    }
    let (status, _) = call(port, "GET", "/api/status", Some(&secret), None, "");
    assert_eq!(status, 401);

    let (status, xml) = call(port, "GET", &path, None, None, "");
    assert_eq!(status, 200, "{xml}");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    let psc = "http://podlove.org/simple-chapters";
    let channel = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("channel"))
        .unwrap();
    // The text of `n`'s child `name` in namespace `ns` ("": none).
    let child = |n: roxmltree::Node, (ns, name): (&str, &str)| {
        n.children()
            .find(|c| c.tag_name().name() == name && c.tag_name().namespace().unwrap_or("") == ns)
            .and_then(|c| c.text())
            .map(str::to_owned)
    };
    assert_eq!(
        child(channel, ("", "title")).as_deref(),
        Some(&*format!("rustig · {PROGRAM_TITLE}"))
    );
    assert_eq!(child(channel, (itunes, "block")).as_deref(), Some("Yes"));
    let items: Vec<_> = channel
        .children()
        .filter(|n| n.has_tag_name("item"))
        .collect();
    let titles: Vec<_> = items
        .iter()
        .map(|i| child(*i, ("", "title")).unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Proef · training 1",
            "Proef · training 2",
            "Proef · training 3"
        ]
    );
    let first = items[0];
    assert_eq!(child(first, (itunes, "duration")).as_deref(), Some("21"));
    let chapters: Vec<(String, String)> = first
        .descendants()
        .filter(|n| n.has_tag_name((psc, "chapter")))
        .map(|n| {
            (
                n.attribute("start").unwrap().into(),
                n.attribute("title").unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        chapters,
        [
            ("00:00:00.000".into(), "Inlopen".into()),
            ("00:00:06.000".into(), "Hardlopen".into()),
            ("00:00:14.000".into(), "Uitlopen".into()),
        ]
    );
    let enclosure = first
        .children()
        .find(|n| n.has_tag_name("enclosure"))
        .unwrap();
    assert_eq!(enclosure.attribute("type"), Some("audio/mpeg"));
    let audio = enclosure.attribute("url").unwrap();
    assert_eq!(audio, format!("{prefix}{secret}/audio/week01-1.toml.mp3"));
    let image = channel
        .children()
        .find(|n| n.has_tag_name((itunes, "image")))
        .and_then(|n| n.attribute("href"))
        .unwrap();
    // The app downloads the episode and the artwork through the feed's secret.
    let get = |url: &str| {
        let mut res = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent()
            .get(url)
            .call()
            .unwrap();
        let status = res.status().as_u16();
        (
            status,
            res.body_mut()
                .with_config()
                .limit(u64::MAX)
                .read_to_vec()
                .unwrap(),
        )
    };
    let (status, mp3) = get(audio);
    assert_eq!(status, 200);
    assert!(mp3.starts_with(b"ID3"), "an MP3 with its tags");
    let (status, png) = get(image);
    assert_eq!(status, 200);
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(server.says("pixel-podcast connected", 10));
    let (status, _) = get(&format!("{prefix}{secret}/audio/week01-9.toml.mp3"));
    assert_eq!(status, 404);

    // Listed with the phones, revoked like one: its URL stops working at once.
    let devices = rustig(home.path())
        .args(["serve", "--devices"])
        .output()
        .unwrap();
    let devices = String::from_utf8_lossy(&devices.stdout).into_owned();
    assert!(devices.contains("pixel\tpaired "), "{devices}");
    assert!(
        devices.contains("pixel-podcast\tpodcast feed made "),
        "{devices}"
    );
    let revoked = rustig(home.path())
        .args(["serve", "--revoke", "pixel-podcast"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&revoked.stdout),
        "pixel-podcast is revoked; its feed URL no longer works.\n"
    );
    std::thread::sleep(Duration::from_millis(20));
    let (status, _) = call(port, "GET", &path, None, None, "");
    assert_eq!(status, 401);
    let (status, _) = get(audio);
    assert_eq!(status, 401);
    // The phone itself stays paired.
    let (status, _) = call(port, "GET", "/api/status", Some(&t), None, "");
    assert_eq!(status, 200);
    server.stop();
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

// ---- the phone, in a real browser -----------------------------------------------

mod browser {
    use super::*;
    use fantoccini::{Client, ClientBuilder, Locator};

    /// Where the screenshots for the guide go: `RUSTIG_SCREENSHOTS` if set.
    fn shots() -> Option<PathBuf> {
        std::env::var_os("RUSTIG_SCREENSHOTS").map(PathBuf::from)
    }

    struct Driver {
        child: Child,
        port: u16,
        _profile: tempfile::TempDir,
    }

    impl Driver {
        fn start() -> Driver {
            let port = free_port();
            let child = Command::new("chromedriver")
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver starts");
            let start = Instant::now();
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "chromedriver listens"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
            Driver {
                child,
                port,
                _profile: tempfile::tempdir().unwrap(),
            }
        }
    }

    impl Drop for Driver {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    async fn browser(driver: &Driver) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=600,1000",
                    "--autoplay-policy=no-user-gesture-required", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--hide-scrollbars", "--mute-audio",
                    format!("--user-data-dir={}", driver._profile.path().display()),
                ],
                // A phone held upright: 412 CSS pixels wide, touch.
                "mobileEmulation": {
                    "deviceMetrics": { "width": 412, "height": 915, "pixelRatio": 1.0, "touch": true },
                },
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .expect("a WebDriver session")
    }

    /// Waits (up to `secs`) for an element matching `css`, as a user waits to see it.
    async fn see(c: &Client, css: &str, secs: u64) -> fantoccini::elements::Element {
        c.wait()
            .at_most(Duration::from_secs(secs))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
    }

    async fn text(c: &Client, css: &str) -> String {
        c.find(Locator::Css(css))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Brings the element to the middle of the screen, as a thumb scrolls, and taps it.
    async fn tap(c: &Client, css: &str) {
        let e = see(c, css, 10).await;
        c.execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&e).unwrap()],
        )
        .await
        .unwrap();
        e.click().await.unwrap();
    }

    async fn shot(c: &Client, name: &str) {
        let png = c.screenshot().await.unwrap();
        let dir = shots().unwrap_or_else(|| std::env::temp_dir().join("rustig-serve-shots"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), png).unwrap();
    }

    /// Waits until `js` (an expression) is true in the page.
    async fn until(c: &Client, js: &str, secs: u64) {
        let start = Instant::now();
        loop {
            let v = c
                .execute(&format!("return !!({js});"), vec![])
                .await
                .unwrap();
            if v.as_bool() == Some(true) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "never true: {js}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    #[test]
    fn a_phone_pairs_answers_downloads_runs_offline_and_the_run_lands_once() {
        if !crate::tools::require_tools(&["chromium", "chromedriver"]) {
            return;
        }
        let home = home();
        let server = Server::start(home.path(), 0);
        let port = server.port;
        let url = server.url.clone();
        let driver = Driver::start();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let c = browser(&driver).await;
            // Scan the QR code: open the pairing URL.
            c.goto(&url).await.unwrap();
            see(&c, "#home:not([hidden])", 20).await;
            assert_eq!(text(&c, "#next-title").await, "Proef · training 1");
            assert!(text(&c, "#message").await.contains("Gekoppeld"));
            assert!(!c.current_url().await.unwrap().as_str().contains("#k="), "the secret leaves the address bar");
            assert_eq!(c.execute("return window.innerWidth", vec![]).await.unwrap(), 412);
            shot(&c, "telefoon-start.png").await;
            // Two questions before.
            tap(&c, "button[data-question=stress_before][data-score='3']").await;
            tap(&c, "button[data-question=mood_before][data-score='4']").await;
            // Download, and see it is on the phone.
            tap(&c, "#download").await;
            see(&c, "#start:not([disabled])", 60).await;
            assert!(text(&c, "#download-state").await.contains("Staat op je telefoon"));
            shot(&c, "telefoon-download.png").await;
            // The runner leaves home: the computer is out of reach.
            server.stop();
            tap(&c, "#start").await;
            see(&c, "#run:not([hidden])", 10).await;
            until(&c, "document.getElementById('audio').currentTime > 3", 20).await;
            assert_eq!(text(&c, "#run-block").await, "Inlopen");
            shot(&c, "telefoon-onderweg.png").await;
            // Lock screen: title, album, chapters.
            let meta = c
                .execute(
                    "const m = navigator.mediaSession.metadata; return [m.title, m.album, m.artist];",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(meta, serde_json::json!(["Proef · training 1", PROGRAM_TITLE, "rustig"]));
            // Play to the end at real speed; the questions after follow.
            see(&c, "#after:not([hidden])", 60).await;
            tap(&c, "button[data-question=stress_after][data-score='2']").await;
            tap(&c, "button[data-question=mood_after][data-score='5']").await;
            tap(&c, "button[data-question=effort][data-score='3']").await;
            let note = see(&c, "#note", 5).await;
            note.send_keys("<b>Fijn</b> gelopen").await.unwrap();
            shot(&c, "telefoon-na.png").await;
            tap(&c, "#save").await;
            see(&c, "#pending:not([hidden])", 20).await;
            assert!(text(&c, "#pending").await.contains("wacht op verbinding"));
            shot(&c, "telefoon-wacht.png").await;
            let queued = c
                .execute("return localStorage.getItem('rustig.pending')", vec![])
                .await
                .unwrap();
            // Home again: the server is back, the page is opened again.
            let server = Server::start(home.path(), port);
            c.refresh().await.unwrap();
            see(&c, "#home:not([hidden])", 20).await;
            until(&c, "document.getElementById('pending').hidden", 30).await;
            until(&c, "document.getElementById('next-title').textContent === 'Proef · training 2'", 20).await;
            assert!(text(&c, "#message").await.contains("Opgeslagen: Proef · training 1, afgerond"));
            let runs = journal_runs(home.path());
            assert_eq!(runs.len(), 1, "{runs:?}");
            let r = &runs[0];
            assert_eq!(r.mode, "telefoon");
            assert!(r.completed, "{r:?}");
            // The whole 20.5-second session (shorter than a minute, heard whole).
            assert!(r.heard_seconds.unwrap() >= 19.5, "{r:?}");
            assert!(r.start_position < 0.5, "heard from the start: {r:?}");
            assert!(r.position > 20.0, "{r:?}");
            let a = &r.answers;
            let scores = [a.stress_before, a.mood_before, a.stress_after, a.mood_after, a.effort]
                .map(|s| s.map(|s| s.get()));
            assert_eq!(scores, [Some(3), Some(4), Some(2), Some(5), Some(3)]);
            assert_eq!(a.note.as_ref().unwrap().as_str(), "<b>Fijn</b> gelopen");
            let status = rustig(home.path()).args(["status", "--json"]).output().unwrap();
            let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
            assert_eq!(status["next"]["session"], "opbouw/week01-2.toml");
            shot(&c, "telefoon-thuis.png").await;
            // The same run sent twice more (a retry after a lost answer): still one.
            let resend = format!(
                "const done = arguments[arguments.length - 1];
                 const run = JSON.parse({queued})[0];
                 const send = () => fetch('/api/runs', {{method: 'POST', headers: {{
                   'Authorization': 'Bearer ' + JSON.parse(localStorage.getItem('rustig.token')),
                   'Content-Type': 'application/json', 'X-Rustig': '1'}}, body: JSON.stringify(run)}})
                   .then(r => r.json());
                 Promise.all([send(), send()]).then(done);"
            );
            let answers = c.execute_async(&resend, vec![]).await.unwrap();
            assert_eq!(answers[0]["new"], false, "{answers}");
            assert_eq!(answers[1]["new"], false, "{answers}");
            assert_eq!(journal_runs(home.path()).len(), 1);
            // The log shows the note as text, not as HTML.
            tap(&c, "#nav-log").await;
            see(&c, "#log-list li .note", 10).await;
            assert_eq!(text(&c, "#log-list li .note").await, "<b>Fijn</b> gelopen");
            assert!(c.find(Locator::Css("#log-list b")).await.is_err());
            shot(&c, "telefoon-logboek.png").await;
            // A podcast feed for this phone: its URL shown once, on this host.
            tap(&c, "#make-feed").await;
            see(&c, "#feed-made:not([hidden])", 10).await;
            c.execute("document.getElementById('podcast').scrollIntoView()", vec![])
                .await
                .unwrap();
            let feed = c
                .execute("return document.getElementById('feed-url').value", vec![])
                .await
                .unwrap();
            let feed = feed.as_str().unwrap();
            assert!(feed.starts_with(&format!("http://127.0.0.1:{port}/feed/")) && feed.ends_with("/feed.xml"), "{feed}");
            assert!(text(&c, "#feed-note").await.contains("rustig serve --revoke"));
            shot(&c, "telefoon-podcast.png").await;
            tap(&c, "#nav-report").await;
            until(&c, "document.getElementById('report-frame').srcdoc.includes('Hardloopdagboek')", 10).await;
            shot(&c, "telefoon-verslag.png").await;
            c.close().await.unwrap();
            server.stop();
        });
    }

    #[test]
    fn a_run_cut_off_by_a_closed_tab_is_asked_about_on_reopening() {
        if !crate::tools::require_tools(&["chromium", "chromedriver"]) {
            return;
        }
        let home = home();
        let server = Server::start(home.path(), 0);
        let url = server.url.clone();
        let driver = Driver::start();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let c = browser(&driver).await;
            c.goto(&url).await.unwrap();
            see(&c, "#home:not([hidden])", 20).await;
            tap(&c, "#download").await;
            see(&c, "#start:not([disabled])", 60).await;
            tap(&c, "#start").await;
            until(&c, "document.getElementById('audio').currentTime > 6", 20).await;
            // The tab is closed mid-run, then the page is opened again.
            let base = format!("{}/", server.base);
            c.goto("about:blank").await.unwrap();
            c.goto(&base).await.unwrap();
            see(&c, "#after:not([hidden])", 20).await;
            assert!(text(&c, "#after-intro").await.contains("werd onderbroken"));
            tap(&c, "#save").await;
            see(&c, "#home:not([hidden])", 20).await;
            until(&c, "document.getElementById('pending').hidden", 20).await;
            // Only a few seconds were heard: the journal's rule keeps it out.
            assert!(text(&c, "#message").await.contains("Korter dan een minuut"));
            assert!(journal_runs(home.path()).is_empty());
            c.close().await.unwrap();
        });
        server.stop();
    }
}
