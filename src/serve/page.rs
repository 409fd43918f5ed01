//! The page's files, compiled into the binary: nothing is read from disk or fetched
//! from elsewhere at run time. Each is served with its content hash as ETag. The set
//! is fixed, so no request path can reach anything else (no path traversal).

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// The URL path (`/app.js`).
    pub path: &'static str,
    /// Its Content-Type.
    pub mime: &'static str,
    /// Its bytes.
    pub bytes: &'static [u8],
    /// `"…"`: the first 16 bytes of its SHA-256, in hex and quotes.
    pub etag: String,
}

fn asset(path: &'static str, mime: &'static str, bytes: &'static [u8]) -> Asset {
    let digest = Sha256::digest(bytes);
    let hex = crate::hex::encode(&digest[..16]);
    Asset {
        path,
        mime,
        bytes,
        etag: format!("\"{hex}\""),
    }
}

/// Every file of the page.
pub static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    vec![
        asset(
            "/",
            "text/html; charset=utf-8",
            include_bytes!("page/index.html"),
        ),
        asset(
            "/app.js",
            "text/javascript; charset=utf-8",
            include_bytes!("page/app.js"),
        ),
        asset(
            "/app.css",
            "text/css; charset=utf-8",
            include_bytes!("page/app.css"),
        ),
        asset(
            "/icon.svg",
            "image/svg+xml",
            include_bytes!("page/icon.svg"),
        ),
        asset(
            "/icon-512.png",
            "image/png",
            include_bytes!("page/icon-512.png"),
        ),
        asset(
            "/manifest.webmanifest",
            "application/manifest+json",
            include_bytes!("page/manifest.webmanifest"),
        ),
    ]
});

/// The file at URL path `path`, if it is one of the page's.
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}
