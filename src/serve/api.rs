//! The routes. One [`router`], state in an `Arc`, checks as layers before any handler
//! runs: body size (413), the credential (401, revealing nothing), and for requests
//! that change something a header only the page sets plus the Origin (403, no CSRF).
//! Handlers are thin: parse, call the journal or the library, answer JSON. Error
//! bodies are `{"error": "…"}` in Dutch, for the page to show as they are.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, Query, Request, State as With};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tower::ServiceExt;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeFile;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use tokio::sync::watch;

use super::library::{Audio, Library, Progress, lock};
use super::pairing::Pairing;
use super::{Config, Event};
use crate::journal::{
    Answers, Choice, Heard, Journal, Mode, Moment, Note, QUESTIONS, Question, RunFacts, RunRecord,
    RunShape, Score, Status,
};
use crate::output::export::Format;

/// The largest request body: a run's report with thousands of played stretches fits.
pub const BODY_LIMIT: usize = 64 * 1024;
/// The most played stretches a run may report.
pub const MAX_STRETCHES: usize = 10_000;
/// The header the page sets on every request that changes something. Another site
/// cannot set it without a CORS preflight, which this server never allows.
pub const PAGE_HEADER: &str = "x-rustig";

/// What every handler shares.
pub struct State {
    /// The configuration.
    pub config: Config,
    /// The pairing store.
    pub pairing: Pairing,
    /// The program and its audio.
    pub library: Library,
    on: Arc<dyn Fn(Event) + Send + Sync>,
    /// Devices seen since the server started (for [`Event::Connected`]).
    seen: Mutex<HashSet<String>>,
    /// Sessions [`prepare`] rendered (or found cached) since the server started.
    prepared: Mutex<HashSet<usize>>,
    /// The journal, open for the server's life (one connection, taken in turn).
    journal: Mutex<Journal>,
    /// Set when the server stops: a render in the background ends.
    pub stopping: Arc<AtomicBool>,
    /// The program's cover for podcast apps, drawn once.
    cover: std::sync::OnceLock<Vec<u8>>,
}

impl State {
    /// The state of a server with its `journal` (opened from `config.journal`).
    pub fn new(
        config: Config,
        pairing: Pairing,
        journal: Journal,
        library: Library,
        on: Arc<dyn Fn(Event) + Send + Sync>,
    ) -> State {
        State {
            config,
            pairing,
            library,
            on,
            seen: Mutex::new(HashSet::new()),
            prepared: Mutex::new(HashSet::new()),
            journal: Mutex::new(journal),
            stopping: Arc::new(AtomicBool::new(false)),
            cover: std::sync::OnceLock::new(),
        }
    }

    /// The journal, for one request at a time. A request that panicked while holding
    /// it left nothing half-done (each write is one transaction).
    fn journal(&self) -> std::sync::MutexGuard<'_, Journal> {
        lock(&self.journal)
    }

    /// Every run in the journal, or the Dutch error response saying why not (one text
    /// for every route that reads the journal).
    fn runs(&self) -> Result<Vec<crate::journal::Run>, Response> {
        self.journal().runs().map_err(|e| {
            fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!(
                    "Het dagboek kan niet worden gelezen ({}).",
                    crate::errors::Chain(&e)
                ),
            )
        })
    }

    /// Every run and the status they give now against the program (what `rustig
    /// status` computes), or the error response of [`State::runs`].
    fn status(&self) -> Result<(Vec<crate::journal::Run>, Status), Response> {
        let runs = self.runs()?;
        let status = Status::compute(&self.library.program, &runs, crate::journal::now());
        Ok((runs, status))
    }
}

type Shared = Arc<State>;

/// The paired device a request comes from (set by [`authenticate`]).
#[derive(Debug, Clone)]
struct Device(String);

/// A JSON error response with a Dutch message.
fn fail(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

/// The whole application.
pub fn router(state: Shared) -> Router {
    let private = Router::new()
        .route("/api/status", get(status))
        .route("/api/runs", get(runs).post(post_run))
        .route("/api/audio/{file}", get(audio))
        .route("/api/report", get(report))
        .route("/api/feed", post(make_feed))
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            authenticate,
        ));
    // A podcast app sends no credential: the feed's own secret is in its URLs.
    let feeds = Router::new()
        .route("/feed/{token}/feed.xml", get(feed))
        .route("/feed/{token}/cover.png", get(feed_cover))
        .route("/feed/{token}/audio/{file}", get(feed_audio))
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            feed_secret,
        ));
    Router::new()
        .route("/api/pair", post(pair))
        .merge(feeds)
        .merge(private)
        .fallback(asset)
        .layer(middleware::from_fn(same_site))
        .layer(middleware::from_fn(headers))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(RequestBodyTimeoutLayer::new(Duration::from_secs(30)))
        // Rendering a long session on a busy machine may take a while.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(300),
        ))
        .layer(middleware::from_fn(in_dutch))
        .with_state(state)
}

/// Error answers made by the layers and extractors rather than the handlers (the
/// body limit's 413, a query that does not parse, a method a route lacks, a time-out)
/// come as English text; they are replaced by the same Dutch JSON as every other
/// error, so the page can show them as they are.
async fn in_dutch(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || json {
        return res;
    }
    let limit = format!(
        "Dit verzoek is te groot: de computer neemt hoogstens {} kB aan.",
        BODY_LIMIT / 1024
    );
    let message = match status {
        StatusCode::BAD_REQUEST => "Dit verzoek kon niet worden gelezen.",
        StatusCode::NOT_FOUND => "Deze pagina bestaat niet.",
        StatusCode::METHOD_NOT_ALLOWED => "Dat kan hier niet.",
        StatusCode::REQUEST_TIMEOUT => "Het versturen duurde te lang; probeer het nog eens.",
        StatusCode::PAYLOAD_TOO_LARGE => &limit,
        StatusCode::RANGE_NOT_SATISFIABLE => "Dit stuk van het bestand bestaat niet.",
        StatusCode::SERVICE_UNAVAILABLE => {
            "De computer had het te druk of deed er te lang over; probeer het zo nog eens."
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "Dit verzoek heeft een vorm die de computer niet kent."
        }
        _ if status.is_server_error() => "Er ging iets mis op de computer.",
        _ => "Dit verzoek is geweigerd.",
    };
    let mut dutch = fail(status, message);
    // Keep what the client needs to know (how large the file is, for a bad Range).
    if let Some(range) = res.headers().get(header::CONTENT_RANGE) {
        dutch
            .headers_mut()
            .insert(header::CONTENT_RANGE, range.clone());
    }
    dutch
}

/// Headers on every response: no sniffing, no referrer, never framed by another
/// site; API answers are not cached.
async fn headers(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if api {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Requests that change something must come from the page itself: they carry
/// [`PAGE_HEADER`], and an Origin (when the browser sends one) of this very host.
async fn same_site(req: Request, next: Next) -> Response {
    if req.method() == Method::GET || req.method() == Method::HEAD {
        return next.run(req).await;
    }
    let h = req.headers();
    let from_page = h.get(PAGE_HEADER).is_some_and(|v| v == "1");
    let origin_ok = match (h.get(header::ORIGIN), h.get(header::HOST)) {
        (None, _) => true,
        (Some(o), Some(host)) => {
            o.to_str().ok().map(str::to_owned)
                == host.to_str().ok().map(|host| format!("http://{host}"))
        }
        (Some(_), None) => false,
    };
    let cross_site = h
        .get("sec-fetch-site")
        .is_some_and(|v| v == "cross-site" || v == "same-site");
    if !from_page || !origin_ok || cross_site {
        return fail(
            StatusCode::FORBIDDEN,
            "Dit verzoek komt niet van de rustig-pagina en is geweigerd.",
        );
    }
    next.run(req).await
}

/// The bearer credential of a request, if any.
fn bearer(h: &HeaderMap) -> Option<&str> {
    h.get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// Lets through only requests of a paired device; 401 otherwise, with a body that
/// says nothing about the program or the journal.
async fn authenticate(
    With(state): With<Shared>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    let device = bearer(req.headers()).and_then(|t| state.pairing.device(t));
    let Some(device) = device else {
        (state.on)(Event::Refused {
            from: from.ip(),
            path: req.uri().path().to_owned(),
        });
        return fail(
            StatusCode::UNAUTHORIZED,
            "Deze telefoon is niet (meer) gekoppeld. Scan de QR-code die rustig serve op je computer toont.",
        );
    };
    admit(&state, from, device, req, next).await
}

/// Lets a request of a known device (or feed) through: says on the terminal when it
/// is the first one since the server started, and hands the name to the route.
async fn admit(
    state: &State,
    from: SocketAddr,
    device: String,
    mut req: Request,
    next: Next,
) -> Response {
    let first = lock(&state.seen).insert(device.clone());
    if first {
        (state.on)(Event::Connected {
            device: device.clone(),
            from: from.ip(),
        });
    }
    req.extensions_mut().insert(Device(device));
    next.run(req).await
}

/// The page's files; everything else is 404.
async fn asset(req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return fail(StatusCode::METHOD_NOT_ALLOWED, "Dat kan hier niet.");
    }
    let Some(a) = super::page::find(req.uri().path()) else {
        return fail(StatusCode::NOT_FOUND, "Deze pagina bestaat niet.");
    };
    let etag = HeaderValue::from_str(&a.etag).unwrap_or(HeaderValue::from_static("\"\""));
    if req.headers().get(header::IF_NONE_MATCH) == Some(&etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let mut res = Response::new(Body::from(a.bytes));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(a.mime));
    h.insert(header::ETAG, etag);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if a.mime.starts_with("text/html") {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; connect-src 'self'; \
                 img-src 'self' data: blob:; media-src 'self' blob:; \
                 style-src 'self' 'unsafe-inline'; frame-src 'self'; \
                 frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            ),
        );
    }
    res
}

/// Reads a JSON body, or answers 400 with a Dutch message.
fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|_| {
        fail(
            StatusCode::BAD_REQUEST,
            "Dit verzoek kon niet worden gelezen (geen geldige JSON).",
        )
    })
}

#[derive(serde::Deserialize)]
struct PairBody {
    secret: String,
    #[serde(default)]
    name: String,
}

/// `POST /api/pair {secret, name}`: the secret from the QR code for a credential.
async fn pair(
    With(state): With<Shared>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Response {
    let body: PairBody = match parse(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if !state.pairing.is_secret(&body.secret) {
        (state.on)(Event::Refused {
            from: from.ip(),
            path: "/api/pair".into(),
        });
        return fail(
            StatusCode::UNAUTHORIZED,
            "Deze koppelcode klopt niet. Scan de QR-code die rustig serve op je computer toont.",
        );
    }
    let st = Arc::clone(&state);
    let paired = tokio::task::spawn_blocking(move || st.pairing.pair(&body.name)).await;
    match paired {
        Ok(Ok((device, token))) => {
            (state.on)(Event::Paired {
                device: device.clone(),
                from: from.ip(),
            });
            lock(&state.seen).insert(device.clone());
            axum::Json(json!({ "device": device, "token": token })).into_response()
        }
        _ => fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Koppelen lukte niet: de computer kon het niet opslaan.",
        ),
    }
}

/// The format the page asks for in practice: MP3 plays in every phone browser.
fn preferred_format() -> Format {
    if Format::Mp3.available() {
        Format::Mp3
    } else {
        Format::Ogg
    }
}

/// Renders in the background the sessions the page offers next (the one `rustig
/// play` would start, and the next in the program), once per server life, so that a
/// phone's download is over at once (a session not rendered yet is sent while it is
/// rendered, which takes a few seconds for 40 minutes). Call from within the runtime
/// (an async task or a blocking one).
pub fn prepare(state: &Shared) {
    let st = Arc::clone(state);
    tokio::task::spawn_blocking(move || {
        let Ok((_, s)) = st.status() else {
            return;
        };
        let lib = &st.library;
        for i in [s.choose(Choice::Suggested), s.plan.next]
            .into_iter()
            .flatten()
        {
            if st.stopping.load(Ordering::Relaxed) {
                return;
            }
            let new = lock(&st.prepared).insert(i);
            if !new {
                continue;
            }
            match lib.audio_file(i, preferred_format(), &st.stopping) {
                Ok((_, true)) => (st.on)(Event::Prepared {
                    title: lib.program.summary(i).title,
                }),
                Ok((_, false)) => {}
                // Tried again later; a download says what went wrong.
                Err(_) => {
                    lock(&st.prepared).remove(&i);
                }
            }
        }
    });
}

/// Runs blocking work (the journal, rendering) off the async threads.
async fn blocking(f: impl FnOnce() -> Response + Send + 'static) -> Response {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|_| {
        fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Er ging iets mis op de computer.",
        )
    })
}

/// A session as the page needs it: its summary, length and blocks (chapters).
fn session_json(library: &Library, i: usize) -> Value {
    let summary = library.program.summary(i);
    let (duration, blocks) = match library.loaded(i) {
        Ok(l) => {
            let t = &l.compiled.timeline;
            let blocks: Vec<Value> = t
                .blocks
                .iter()
                .map(|b| json!({ "name": b.name, "kind": b.kind, "start": b.start, "end": b.end }))
                .collect();
            (t.duration, blocks)
        }
        Err(_) => (summary.minutes * 60.0, Vec::new()),
    };
    json!({
        "file": library.program.files[i],
        "session": summary.session,
        "title": summary.title,
        "minutes": summary.minutes,
        "run_minutes": summary.run_minutes,
        "plan": summary.plan,
        "duration": duration,
        "program": library.program.name,
        "program_title": library.program.title,
        "blocks": blocks,
    })
}

/// The questions with their Dutch texts and scales.
fn questions_json() -> Value {
    let one = |q: Question| {
        json!({
            "key": q.key(),
            "text": q.text(),
            "low": q.low(),
            "high": q.high(),
            "moment": q.moment(),
        })
    };
    json!({
        "before": Question::at(Moment::Before).map(one).collect::<Vec<_>>(),
        "after": Question::at(Moment::After).map(one).collect::<Vec<_>>(),
        "note": crate::journal::answers::NOTE_QUESTION,
        "note_max": Note::MAX_CHARS,
    })
}

/// `GET /api/status`: what `rustig status --json` prints (the same [`Status`]), with
/// the sessions it names ready to play and the questions.
async fn status(With(state): With<Shared>) -> Response {
    blocking(move || {
        let (_, s) = match state.status() {
            Ok(r) => r,
            Err(r) => return r,
        };
        let lib = &state.library;
        let repeat = s
            .repeat
            .as_ref()
            .and(s.plan.previous)
            .map(|i| session_json(lib, i));
        axum::Json(json!({
            "status": s,
            // The terminal's sentence: "Week 1 · training 2 nog een keer, want …".
            "repeat_line": s.repeat_line(),
            "next": s.plan.next.map(|i| session_json(lib, i)),
            "repeat": repeat,
            "questions": questions_json(),
        }))
        .into_response()
    })
    .await
}

#[derive(serde::Deserialize)]
struct AudioQuery {
    format: Option<String>,
}

/// `GET /api/audio/{file}?format=mp3|ogg`: the session's audio, from the cache with
/// Range support, or, while it is rendered, as it is written (chunked, without a
/// length; a request for a part of it waits for the whole).
async fn audio(
    With(state): With<Shared>,
    axum::Extension(Device(device)): axum::Extension<Device>,
    Path(file): Path<String>,
    Query(q): Query<AudioQuery>,
    req: Request,
) -> Response {
    let Some(i) = state.library.index(&file) else {
        return fail(StatusCode::NOT_FOUND, "Deze training bestaat niet.");
    };
    let format = match q.format.as_deref() {
        None => preferred_format(),
        Some("mp3") if Format::Mp3.available() => Format::Mp3,
        Some("ogg") => Format::Ogg,
        _ => {
            return fail(
                StatusCode::BAD_REQUEST,
                "Dit geluidsformaat kan de computer niet maken; kies mp3 of ogg.",
            );
        }
    };
    send_audio(state, device, i, format, req).await
}

/// Session `i`'s audio in `format` for `device`: from the cache with Range support,
/// or, while it is rendered, as it is written.
async fn send_audio(
    state: Shared,
    device: String,
    i: usize,
    format: Format,
    req: Request,
) -> Response {
    let st = Arc::clone(&state);
    let found =
        tokio::task::spawn_blocking(move || st.library.audio(i, format, &st.stopping)).await;
    let found = match found {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return not_made(&crate::errors::Chain(&e).to_string()),
        Err(_) => {
            return fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Er ging iets mis op de computer.",
            );
        }
    };
    let range = req.headers().get(header::RANGE);
    // A player's first request (Safari asks for bytes 0-1 first) counts as a download.
    if range.is_none_or(|r| r.as_bytes().starts_with(b"bytes=0-")) {
        (state.on)(Event::Audio {
            device,
            title: state.library.program.summary(i).title,
            rendered: matches!(found, Audio::Rendering(_)),
        });
    }
    let whole = range.is_none_or(|r| r.as_bytes() == b"bytes=0-");
    let path = match found {
        Audio::Ready(path) => path,
        Audio::Rendering(progress) if whole => {
            let duration = state
                .library
                .loaded(i)
                .map_or(0.0, |l| l.compiled.timeline.duration);
            return follow(progress, format, duration, req).await;
        }
        Audio::Rendering(mut progress) => {
            let end = progress
                .wait_for(|p| matches!(p, Progress::Done(_) | Progress::Failed(_)))
                .await
                .map(|p| p.clone());
            match end {
                Ok(Progress::Done(path)) => (*path).clone(),
                Ok(Progress::Failed(why)) => return not_made(&why),
                _ => return not_made("the render stopped"),
            }
        }
    };
    send_file(path, req).await
}

/// The answer when a session's audio could not be made, with the reason.
fn not_made(why: &str) -> Response {
    fail(
        StatusCode::INTERNAL_SERVER_ERROR,
        &format!("De computer kon deze training niet klaarmaken ({why})."),
    )
}

/// A complete file from disk, with Range support, not held in memory.
async fn send_file(path: std::path::PathBuf, req: Request) -> Response {
    match ServeFile::new(path).oneshot(req).await {
        Ok(res) => res.map(Body::new),
        Err(_) => fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Het geluid kon niet worden gelezen.",
        ),
    }
}

/// The header that tells the page about how large a file sent while it is rendered
/// will be (there is no Content-Length yet), for its progress.
pub const EXPECTED_LENGTH: &str = "x-expected-length";

/// Sends a file as its render writes it: the bytes of the part file as they appear,
/// until the render is done (then the rest) or fails (then the connection is cut, so
/// the phone keeps nothing half). The bytes are the finished file's: the formats the
/// server makes only grow.
async fn follow(
    mut progress: watch::Receiver<Progress>,
    format: Format,
    duration: f64,
    req: Request,
) -> Response {
    let now = progress
        .wait_for(|p| !matches!(p, Progress::Starting))
        .await
        .map(|p| p.clone());
    let part = match now {
        Ok(Progress::Writing(part)) => part,
        Ok(Progress::Done(path)) => return send_file((*path).clone(), req).await,
        Ok(Progress::Failed(why)) => return not_made(&why),
        _ => return not_made("the render stopped"),
    };
    let file = match tokio::fs::File::open(&*part).await {
        Ok(f) => f,
        // Renamed (done) or removed (failed) in between.
        Err(_) => {
            let end = progress
                .wait_for(|p| matches!(p, Progress::Done(_) | Progress::Failed(_)))
                .await
                .map(|p| p.clone());
            return match end {
                Ok(Progress::Done(path)) => send_file((*path).clone(), req).await,
                Ok(Progress::Failed(why)) => not_made(&why),
                _ => not_made("the render stopped"),
            };
        }
    };
    let tail = Tail {
        file,
        progress,
        finishing: false,
        over: false,
    };
    let body = Body::from_stream(futures_util::stream::unfold(tail, Tail::next));
    let mut res = Response::new(body);
    let h = res.headers_mut();
    let mime = match format {
        Format::Mp3 => "audio/mpeg",
        Format::Ogg => "audio/ogg",
        Format::Wav => "audio/wav",
    };
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(
        EXPECTED_LENGTH,
        HeaderValue::from(super::library::estimated_bytes(format, duration)),
    );
    res
}

/// A part file followed while it is written.
struct Tail {
    file: tokio::fs::File,
    progress: watch::Receiver<Progress>,
    /// The render is done: what is left to read is the file's end.
    finishing: bool,
    /// The body has ended (with an error).
    over: bool,
}

impl Tail {
    /// Bytes read per chunk.
    const CHUNK: usize = 64 * 1024;

    /// The next chunk: bytes that are there, else waits for more or the render's end.
    async fn next(mut self) -> Option<(std::io::Result<Bytes>, Tail)> {
        use tokio::io::AsyncReadExt;
        if self.over {
            return None;
        }
        let mut buf = vec![0u8; Self::CHUNK];
        loop {
            match self.file.read(&mut buf).await {
                Ok(0) if self.finishing => return None,
                Ok(0) => {
                    let closed = self.progress.has_changed().is_err();
                    let now = self.progress.borrow_and_update().clone();
                    match now {
                        // Read on: the last bytes were written before it said so.
                        Progress::Done(_) => self.finishing = true,
                        Progress::Failed(why) => {
                            self.over = true;
                            return Some((Err(std::io::Error::other(why.to_string())), self));
                        }
                        _ if closed => {
                            self.over = true;
                            let e = std::io::Error::other("the render stopped");
                            return Some((Err(e), self));
                        }
                        _ => tokio::time::sleep(Duration::from_millis(15)).await,
                    }
                }
                Ok(n) => {
                    buf.truncate(n);
                    return Some((Ok(Bytes::from(buf)), self));
                }
                Err(e) => {
                    self.over = true;
                    return Some((Err(e), self));
                }
            }
        }
    }
}

/// What the page reports about a run: which session, when, what it played (session
/// seconds, start–end), and the answers.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RunBody {
    /// Made on the phone, once per run: a retry stores nothing new.
    request_key: String,
    /// The session file (`week01-1.toml`).
    session: String,
    started_at: i64,
    ended_at: Option<i64>,
    played: Vec<[f64; 2]>,
    /// The playback rate; only runs at 1 are trainings.
    #[serde(default = "one")]
    speed: f64,
    #[serde(default)]
    answers: RawAnswers,
}

fn one() -> f64 {
    1.0
}

/// Answers as sent, before the journal's checks.
#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswers {
    stress_before: Option<i64>,
    mood_before: Option<i64>,
    stress_after: Option<i64>,
    mood_after: Option<i64>,
    effort: Option<i64>,
    note: Option<String>,
}

impl RawAnswers {
    /// The answers by the journal's rules ([`Score`], [`Note::typed`]: control
    /// characters typed by accident are dropped, as in the terminal), or a Dutch
    /// message naming the question.
    fn check(&self) -> Result<Answers, String> {
        let mut a = Answers::default();
        for q in QUESTIONS {
            let raw = match q {
                Question::StressBefore => self.stress_before,
                Question::MoodBefore => self.mood_before,
                Question::StressAfter => self.stress_after,
                Question::MoodAfter => self.mood_after,
                Question::Effort => self.effort,
            };
            if let Some(v) = raw {
                let score = Score::new(v).map_err(|_| {
                    format!(
                        "Bij \"{}\" hoort een cijfer van 1 tot 5, niet {v}.",
                        q.label()
                    )
                })?;
                a.set(q, Some(score));
            }
        }
        if let Some(text) = &self.note {
            a.note = Note::typed(text).map_err(|_| {
                format!(
                    "Je notitie is te lang: hoogstens {} tekens.",
                    Note::MAX_CHARS
                )
            })?;
        }
        Ok(a)
    }
}

/// A request key: 8–64 letters, digits and dashes.
fn valid_key(k: &str) -> bool {
    (8..=64).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// `POST /api/runs`: a run played on the phone. The journal's rules decide whether
/// it is stored and whether it was completed; a retry with the same request key
/// stores nothing new.
async fn post_run(
    With(state): With<Shared>,
    axum::Extension(Device(device)): axum::Extension<Device>,
    body: Bytes,
) -> Response {
    let body: RunBody = match parse(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let bad = |m: &str| fail(StatusCode::BAD_REQUEST, m);
    let answers = match body.answers.check() {
        Ok(a) => a,
        Err(m) => return bad(&m),
    };
    if !valid_key(&body.request_key) {
        return bad("De sleutel van deze training klopt niet.");
    }
    let Some(i) = state.library.index(&body.session) else {
        return bad("Deze training hoort niet bij het programma op de computer.");
    };
    if body.played.len() > MAX_STRETCHES {
        return bad("Te veel stukjes afgespeeld om op te slaan.");
    }
    let now = crate::journal::now();
    if body.started_at <= 0 || body.started_at > now + 86_400 {
        return bad("De begintijd van deze training klopt niet.");
    }
    blocking(move || {
        let lib = &state.library;
        let loaded = match lib.loaded(i) {
            Ok(l) => l,
            Err(e) => {
                return fail(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &format!(
                        "Deze training kan niet worden gelezen ({}).",
                        crate::errors::Chain(&e)
                    ),
                );
            }
        };
        let timeline = &loaded.compiled.timeline;
        let shape = RunShape::from_timeline(timeline);
        let mut heard = Heard::new();
        for [from, to] in &body.played {
            heard.add(from.max(0.0), to.min(shape.duration));
        }
        let journal = state.journal();
        let key = lib.program.key(i);
        let start = heard.start().unwrap_or(0.0);
        let continues = journal
            .continued_run(&key, start, body.started_at)
            .ok()
            .flatten();
        let facts = RunFacts::of(&shape, &heard, continues.as_ref());
        let training = (body.speed - 1.0).abs() < f64::EPSILON;
        let minutes_run = facts.run_seconds / 60.0;
        if !training || !facts.worth_storing(shape.duration) {
            (state.on)(Event::Run {
                device,
                title: timeline.title.clone(),
                id: None,
                new: false,
                completed: false,
            });
            let message = RunFacts::not_stored_line(training);
            return axum::Json(json!({
                "stored": false, "completed": false, "minutes_run": minutes_run, "message": message,
            }))
            .into_response();
        }
        let record = RunRecord {
            session_key: key,
            program: Some(lib.program.name.clone()),
            title: timeline.title.clone(),
            duration: shape.duration,
            mode: Mode::Telefoon,
            started_at: body.started_at,
            ended_at: body.ended_at,
            facts,
            answers,
            request_key: Some(body.request_key),
        };
        let recorded = journal.record(&record);
        // Reading the whole journal back for the closing line happens without holding
        // it, so status reads go on meanwhile.
        drop(journal);
        match recorded {
            Ok(r) => {
                if r.new {
                    prepare(&state);
                }
                (state.on)(Event::Run {
                    device,
                    title: record.title.clone(),
                    id: Some(r.id),
                    new: r.new,
                    completed: facts.completed,
                });
                let message = closing(&state, r.id);
                axum::Json(json!({
                    "stored": true, "id": r.id, "new": r.new, "completed": facts.completed,
                    "minutes_run": minutes_run, "message": message,
                }))
                .into_response()
            }
            Err(e) => fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!(
                    "Opslaan in het dagboek lukte niet ({}).",
                    crate::errors::Chain(&e)
                ),
            ),
        }
    })
    .await
}

/// The line `rustig play` closes with (what was stored, what comes next), for the
/// run just stored; a plainer one if the journal cannot be read back.
fn closing(state: &State, id: i64) -> String {
    let runs = state.runs().unwrap_or_default();
    crate::journal::closing_of(&runs, id, &state.library.program, "Opgeslagen", None)
        .unwrap_or_else(|| "Opgeslagen in je dagboek.".to_owned())
}

/// `GET /api/runs`: the journal, newest first, as the page's log shows it.
async fn runs(With(state): With<Shared>) -> Response {
    blocking(move || {
        let runs = match state.runs() {
            Ok(r) => r,
            Err(r) => return r,
        };
        let rows: Vec<Value> = runs
            .iter()
            .map(|r| {
                let mut scores = serde_json::Map::new();
                for q in QUESTIONS {
                    scores.insert(q.key().into(), json!(r.answers.get(q)));
                }
                json!({
                    "id": r.id,
                    "title": r.title,
                    "started_at": r.started_at,
                    "completed": r.completed,
                    "minutes": r.minutes(),
                    "minutes_run": r.minutes_run(None),
                    "mode": r.mode,
                    "answers": scores,
                    "note": r.answers.note,
                })
            })
            .collect();
        axum::Json(json!({ "runs": rows })).into_response()
    })
    .await
}

/// Lets through only requests with the secret of a podcast feed that is not revoked
/// in their path; 401 otherwise, revealing nothing (as [`authenticate`]).
async fn feed_secret(
    With(state): With<Shared>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path(params): Path<std::collections::HashMap<String, String>>,
    req: Request,
    next: Next,
) -> Response {
    let token = params.get("token").map(String::as_str).unwrap_or("");
    let Some(feed) = state.pairing.feed(token) else {
        // The path without the secret that was tried.
        let path = req.uri().path().replacen(token, "…", 1);
        (state.on)(Event::Refused {
            from: from.ip(),
            path,
        });
        return fail(
            StatusCode::UNAUTHORIZED,
            "Deze feed bestaat niet (meer). Maak een nieuwe op de rustig-pagina.",
        );
    };
    admit(&state, from, feed, req, next).await
}

/// `http://HOST` as the client reached this server (for URLs it will follow).
fn origin(headers: &HeaderMap, state: &State) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{}:{}", state.config.bind, state.config.port));
    format!("http://{host}")
}

/// `POST /api/feed`: a new podcast feed for the phone asking, with its URL (shown
/// once: only the secret's hash is kept). Revoked with `--revoke NAME`.
async fn make_feed(
    With(state): With<Shared>,
    axum::Extension(Device(device)): axum::Extension<Device>,
    headers: HeaderMap,
) -> Response {
    let base = origin(&headers, &state);
    blocking(move || match state.pairing.add_feed(&device) {
        Ok((name, token)) => {
            (state.on)(Event::Feed {
                device,
                feed: name.clone(),
            });
            axum::Json(json!({
                "name": name,
                "url": format!("{base}/feed/{token}/feed.xml"),
            }))
            .into_response()
        }
        Err(_) => fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "De feed kon niet worden gemaakt: de computer kon hem niet opslaan.",
        ),
    })
    .await
}

/// How many sessions the feed offers: the one to run, and the ones after it.
pub const FEED_EPISODES: usize = 3;

/// `GET /feed/{token}/feed.xml`: the next sessions as podcast episodes.
async fn feed(
    With(state): With<Shared>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let base = format!("{}/feed/{token}", origin(&headers, &state));
    blocking(move || {
        let (runs, s) = match state.status() {
            Ok(r) => r,
            Err(r) => return r,
        };
        let lib = &state.library;
        let mut order: Vec<usize> = Vec::new();
        let after_next = s
            .plan
            .next
            .into_iter()
            .flat_map(|n| n..lib.program.files.len());
        for i in [s.choose(Choice::Suggested)]
            .into_iter()
            .flatten()
            .chain(after_next)
        {
            if order.len() == FEED_EPISODES {
                break;
            }
            if !order.contains(&i) {
                order.push(i);
            }
        }
        // Dates that stay put between fetches until a run is stored: the next session
        // newest, so apps show it on top.
        let latest = runs
            .iter()
            .map(|r| r.started_at)
            .max()
            .unwrap_or(1_767_225_600);
        let episodes = order
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let summary = lib.program.summary(i);
                let key = lib.program.key(i);
                let (duration, chapters) = match lib.loaded(i) {
                    Ok(l) => {
                        let t = &l.compiled.timeline;
                        let chapters = t.blocks.iter().map(|b| (b.start, b.name.clone()));
                        (t.duration, chapters.collect())
                    }
                    Err(_) => (summary.minutes * 60.0, Vec::new()),
                };
                // A repeat (after a completed run) is a new episode; after a partial
                // run it stays the same one, so the app keeps its position.
                let done = runs
                    .iter()
                    .filter(|r| r.session_key == key && r.completed)
                    .count();
                let file = &lib.program.files[i];
                super::feed::Episode {
                    title: summary.title.clone(),
                    description: format!("{} · {} min", summary.plan, summary.minutes),
                    url: format!("{base}/audio/{}.mp3", file),
                    length: lib
                        .size(i, Format::Mp3)
                        .unwrap_or_else(|| super::library::estimated_bytes(Format::Mp3, duration)),
                    duration,
                    guid: format!("rustig:{}:{file}:{}", lib.program.name, done + 1),
                    published: latest + 60 - 60 * k as i64,
                    chapters,
                }
            })
            .collect();
        let channel = super::feed::Channel {
            title: format!("rustig · {}", lib.program.title),
            description: "Je volgende trainingen van rustig, van je eigen computer.".into(),
            image: format!("{base}/cover.png"),
            base,
            episodes,
        };
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/rss+xml; charset=utf-8"),
            )],
            super::feed::rss(&channel),
        )
            .into_response()
    })
    .await
}

/// `GET /feed/{token}/cover.png`: the program's cover, as its exported files have.
async fn feed_cover(With(state): With<Shared>) -> Response {
    blocking(move || {
        let png = state.cover.get_or_init(|| {
            crate::output::export::cover_png(&crate::output::export::CoverText::album(
                &state.library.program.title,
            ))
        });
        (
            [(header::CONTENT_TYPE, HeaderValue::from_static("image/png"))],
            png.clone(),
        )
            .into_response()
    })
    .await
}

/// `GET /feed/{token}/audio/{file}.mp3`: an episode's audio, as the page's download.
async fn feed_audio(
    With(state): With<Shared>,
    axum::Extension(Device(feed)): axum::Extension<Device>,
    Path((_, file)): Path<(String, String)>,
    req: Request,
) -> Response {
    let i = file
        .strip_suffix(".mp3")
        .and_then(|f| state.library.index(f));
    match i {
        Some(i) if Format::Mp3.available() => send_audio(state, feed, i, Format::Mp3, req).await,
        _ => fail(StatusCode::NOT_FOUND, "Deze training bestaat niet."),
    }
}

/// `GET /api/report`: the page `rustig report` writes, for the phone.
async fn report(With(state): With<Shared>) -> Response {
    blocking(move || {
        let runs = match state.runs() {
            Ok(r) => r,
            Err(r) => return r,
        };
        let program = &state.library.program;
        let report = crate::report::Report::new(&runs, Some(program), crate::journal::now());
        match report.html() {
            Ok(html) => {
                ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
            }
            Err(_) => fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Het verslag kon niet worden gemaakt.",
            ),
        }
    })
    .await
}
