//! `rustig serve [--port N] [--bind ADDR]`, `--devices`, `--revoke NAME`: the phone
//! page. The first line on stdout is the pairing URL; on a terminal a QR code of it
//! follows. Then one line per thing that happens (a phone pairs or connects, takes a
//! training along, reports a run), until Ctrl-C.

use std::io::{IsTerminal, Write};
use std::net::IpAddr;
use std::sync::Arc;

use super::Outcome;
use super::diagnostics::print_diagnostics;
use super::log::local;
use crate::errors::Chain;
use crate::journal::{Journal, ProgramPlan};
use crate::serve::{self, Config, Event, pairing};
use crate::text::visible;
use crate::voice::VoiceLookup;

/// Serve the phone page on the local network.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Open the URL (or scan the QR code) on your phone, on the same network. \
The page shows your next training, asks how you feel, keeps the audio on the phone so it plays offline, \
and sends the run back to your journal. Nothing leaves your network.\n\n\
Every request needs the pairing secret of the URL or a paired device's credential. \
By default the server listens on every network of this machine; --bind 192.168.1.10 listens on one address \
only, --bind 127.0.0.1 on this machine only.\n\n\
A paired phone can make a private podcast feed on the page's log screen; its URL holds a secret of its own, \
--devices lists it beside the phones and --revoke NAME ends it. See docs/telefoon.md."
)]
pub struct Args {
    /// The port to listen on.
    #[arg(long, value_name = "N", default_value_t = serve::DEFAULT_PORT)]
    pub port: u16,
    /// The address to listen on (default: every address of this machine).
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0")]
    pub bind: IpAddr,
    /// List the paired phones and podcast feeds and exit.
    #[arg(long, conflicts_with_all = ["revoke"])]
    pub devices: bool,
    /// Unpair the phone or podcast feed NAME (see --devices) and exit; a phone must scan
    /// the QR code again, a feed's URL stops working.
    #[arg(long, value_name = "NAME")]
    pub revoke: Option<String>,
}

/// The pairing store beside the journal.
fn pairing_path() -> anyhow::Result<std::path::PathBuf> {
    let journal = Journal::default_path()?;
    Ok(journal.with_file_name("serve.json"))
}

/// Runs `serve`.
pub fn run(args: &Args, lookup: &VoiceLookup) -> anyhow::Result<Outcome> {
    let store = pairing_path()?;
    if args.devices {
        let devices = pairing::devices(&store)?;
        if devices.is_empty() {
            crate::outln!("No paired phones or podcast feeds.")?;
        }
        for d in devices {
            let what = match d.kind {
                pairing::Kind::Page => "paired",
                pairing::Kind::Feed => "podcast feed made",
            };
            crate::outln!("{}\t{what} {}", visible(&d.name), local(d.paired_at))?;
        }
        return Ok(Outcome::Success);
    }
    if let Some(name) = &args.revoke {
        match pairing::revoke(&store, name)? {
            Some(pairing::Kind::Page) => {
                crate::outln!("{name} is no longer paired; it has to scan the QR code again.")?;
                return Ok(Outcome::Success);
            }
            Some(pairing::Kind::Feed) => {
                crate::outln!("{name} is revoked; its feed URL no longer works.")?;
                return Ok(Outcome::Success);
            }
            None => {}
        }
        let known: Vec<String> = pairing::devices(&store)?
            .into_iter()
            .map(|d| d.name)
            .collect();
        crate::errln!(
            "error: no paired phone is called {name:?}; paired: {}",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        );
        return Ok(Outcome::Failure);
    }
    let program = match ProgramPlan::default_program() {
        Ok(p) => p,
        Err(diags) => {
            print_diagnostics(&diags);
            return Ok(Outcome::Failure);
        }
    };
    let cache = dirs::cache_dir()
        .ok_or_else(|| anyhow::anyhow!("no cache folder: set XDG_CACHE_HOME or HOME"))?
        .join("rustig")
        .join("serve");
    let config = Config {
        bind: args.bind,
        port: args.port,
        pairing: store,
        journal: Journal::default_path()?,
        cache,
        lookup: lookup.clone(),
    };
    let terminal = std::io::stdout().is_terminal();
    let on = Arc::new(move |e: Event| print_event(&e, terminal));
    match serve::run(config, program, on) {
        Ok(()) => Ok(Outcome::Success),
        Err(e) => {
            crate::errln!("error: {}", Chain(&e));
            Ok(Outcome::Failure)
        }
    }
}

/// The URL as a QR code of Unicode half blocks, dark on light, with a quiet zone.
fn qr(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

fn print_event(e: &Event, terminal: bool) {
    let mut out = crate::cli::output::stdout();
    // Titles and paths come from files and requests: shown with control characters
    // escaped.
    let _ = match e {
        Event::Listening { addr, url } => {
            let _ = writeln!(out, "{url}");
            if terminal && let Some(code) = qr(url) {
                let _ = writeln!(out, "{code}");
            }
            let scope = if addr.ip().is_unspecified() {
                "every network of this machine"
            } else if addr.ip().is_loopback() {
                "this machine only"
            } else {
                "this address only"
            };
            writeln!(
                out,
                "Listening on {addr} ({scope}). Open the URL on your phone, or scan the code. Ctrl-C stops."
            )
        }
        Event::Paired { device, from } => {
            writeln!(out, "{from}: paired a new phone, named {device}")
        }
        Event::Connected { device, from } => writeln!(out, "{from}: {device} connected"),
        Event::Feed { device, feed } => writeln!(
            out,
            "{device}: made the podcast feed {feed} (rustig serve --revoke {feed} ends it)"
        ),
        Event::Refused { from, path } => {
            writeln!(out, "{from}: refused {} (not paired)", visible(path))
        }
        Event::Audio {
            device,
            title,
            rendered,
        } => writeln!(
            out,
            "{device}: downloading {}{}",
            visible(title),
            if *rendered { " (rendered now)" } else { "" }
        ),
        Event::Run {
            device,
            title,
            id,
            new,
            completed,
        } => match (id, new) {
            (Some(id), true) => writeln!(
                out,
                "{device}: stored run {id}, {}{}",
                visible(title),
                if *completed { ", completed" } else { "" }
            ),
            (Some(id), false) => writeln!(
                out,
                "{device}: run {id} ({}) was already stored",
                visible(title)
            ),
            (None, _) => writeln!(
                out,
                "{device}: {} not stored (under a minute heard, or sped up)",
                visible(title)
            ),
        },
        Event::Prepared { title } => writeln!(out, "ready to download: {}", visible(title)),
        Event::Stopped => writeln!(out, "Stopped."),
    };
    let _ = out.flush();
}
