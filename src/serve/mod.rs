//! `rustig serve`: the phone page. A small web server on the home network that makes
//! the laptop the runner's private home base and the phone its window: the page shows
//! what [`Status`](crate::journal::Status) knows, asks the questions, hands out the
//! next session's audio to keep on the phone, and takes back what was played, which
//! the journal's own rules turn into a run.
//!
//! - [`pairing`]: the secret in the QR code and the paired devices;
//! - [`library`]: the program, compiled sessions, audio rendered through `export`;
//! - [`api`]: the routes, thin over the journal and the library;
//! - [`feed`]: the private podcast feed's XML;
//! - [`page`]: the page itself (HTML, CSS, JS and icons compiled into the binary).
//!
//! Nothing here decides a rule: a run's facts come from `journal::heard`, the next
//! session from `journal::Status`. Nothing prints: what happens is told through
//! [`Event`]s to whoever runs the server.

pub mod api;
pub mod feed;
pub mod library;
pub mod page;
pub mod pairing;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::sync::Arc;

use crate::journal::ProgramPlan;
use crate::voice::VoiceLookup;

/// The port `rustig serve` listens on unless told otherwise (36: the goal's minutes).
pub const DEFAULT_PORT: u16 = 3636;

/// What a server needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on (`0.0.0.0`: every network of this machine).
    pub bind: IpAddr,
    /// The port (0: any free one).
    pub port: u16,
    /// The pairing store (`serve.json` beside the journal).
    pub pairing: PathBuf,
    /// The journal.
    pub journal: PathBuf,
    /// Where rendered audio is cached.
    pub cache: PathBuf,
    /// Where voice packs are found.
    pub lookup: VoiceLookup,
}

/// Something the person at the laptop may want to know.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The server listens; `url` pairs a phone (it holds the secret).
    Listening {
        /// The address it listens on.
        addr: SocketAddr,
        /// The pairing URL.
        url: String,
    },
    /// A phone traded the secret for a credential.
    Paired {
        /// Its name.
        device: String,
        /// Where it connected from.
        from: IpAddr,
    },
    /// A paired phone made its first request since the server started.
    Connected {
        /// Its name.
        device: String,
        /// Where from.
        from: IpAddr,
    },
    /// A request without a valid credential was refused.
    Refused {
        /// Where from.
        from: IpAddr,
        /// The path asked for.
        path: String,
    },
    /// A paired phone made a podcast feed.
    Feed {
        /// The phone.
        device: String,
        /// The feed's name (for `--revoke`).
        feed: String,
    },
    /// A session's audio was sent (rendered first, or from the cache).
    Audio {
        /// The device.
        device: String,
        /// The session's title.
        title: String,
        /// Rendered for this request.
        rendered: bool,
    },
    /// A run was reported.
    Run {
        /// The device.
        device: String,
        /// The session's title.
        title: String,
        /// The journal's id, when it was stored (`None`: too short, or sped up).
        id: Option<i64>,
        /// `false` when the same run had been stored before (a retry).
        new: bool,
        /// Completed, by the journal's rules.
        completed: bool,
    },
    /// A session the page offers next was rendered in the background, ready for a
    /// phone to download at once.
    Prepared {
        /// The session's title.
        title: String,
    },
    /// The server stopped (Ctrl-C).
    Stopped,
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address is taken or not ours.
    #[error("cannot listen on {addr}: choose another --port, or a --bind address of this machine")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The pairing store is unusable.
    #[error(transparent)]
    Pairing(#[from] pairing::PairingError),
    /// The journal cannot be opened.
    #[error(transparent)]
    Journal(#[from] crate::journal::JournalError),
    /// The runtime could not start, or serving failed.
    #[error("the web server failed")]
    Io(#[source] std::io::Error),
}

/// The address a phone on the same network reaches this machine at, for the pairing
/// URL: the bind address itself unless it is "every address"; then the address of
/// the interface that routes to the local network (no packet is sent), or loopback.
pub fn reachable_ip(bind: IpAddr) -> IpAddr {
    if !bind.is_unspecified() {
        return bind;
    }
    let probe = || -> std::io::Result<IpAddr> {
        let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?;
        // A private address: connecting a UDP socket only picks the route.
        socket.connect((Ipv4Addr::new(192, 168, 255, 255), 9))?;
        Ok(socket.local_addr()?.ip())
    };
    match probe() {
        Ok(ip) if !ip.is_unspecified() => ip,
        _ => IpAddr::V4(Ipv4Addr::LOCALHOST),
    }
}

/// The pairing URL for a server at `addr` with `secret`. The secret is in the
/// fragment, which browsers never send to a server or put in a Referer.
pub fn pairing_url(addr: SocketAddr, secret: &str) -> String {
    let ip = reachable_ip(addr.ip());
    let host = match ip {
        IpAddr::V6(v6) => format!("[{v6}]"),
        IpAddr::V4(v4) => v4.to_string(),
    };
    format!("http://{host}:{}/#k={secret}", addr.port())
}

/// Runs the server until Ctrl-C (or SIGTERM), telling `on` what happens. Blocks.
pub fn run(
    config: Config,
    program: ProgramPlan,
    on: Arc<dyn Fn(Event) + Send + Sync>,
) -> Result<(), ServeError> {
    let pairing = pairing::Pairing::open(&config.pairing)?;
    // Create (or upgrade) the journal now, so a problem shows before a phone connects;
    // the server keeps it open.
    let journal = crate::journal::Journal::open(&config.journal)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .enable_all()
        .build()
        .map_err(ServeError::Io)?;
    runtime.block_on(async move {
        let addr = SocketAddr::new(config.bind, config.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        let local = listener.local_addr().map_err(ServeError::Io)?;
        let library = library::Library::new(program, config.lookup.clone(), config.cache.clone());
        let state = Arc::new(api::State::new(
            config,
            pairing,
            journal,
            library,
            Arc::clone(&on),
        ));
        on(Event::Listening {
            addr: local,
            url: pairing_url(local, &state.pairing.secret()),
        });
        api::prepare(&state);
        let app = api::router(Arc::clone(&state));
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stop_signal())
        .await;
        // A render still running in the background stops.
        state
            .stopping
            .store(true, std::sync::atomic::Ordering::Relaxed);
        served.map_err(ServeError::Io)?;
        on(Event::Stopped);
        Ok(())
    })
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
