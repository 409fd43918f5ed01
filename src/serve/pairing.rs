//! Pairing: the secret in the QR code, and the phones that traded it for a device
//! credential of their own, and the private podcast feeds a paired phone asked for
//! (each with its own secret in its URL, for apps that cannot send a credential).
//!
//! Both live in one small JSON file beside the journal (`serve.json`, written
//! atomically, mode 0600: readable only by the user). The secret is 128 random bits;
//! a device credential too, and only its SHA-256 is stored, so the file alone does
//! not let anyone in. Every comparison is in constant time ([`subtle`]). A running server
//! notices when `rustig serve --revoke` changed the file and reloads it before the
//! next check, so a revoked phone is refused at once.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Bytes of randomness in the secret and in each device credential: 128 bits.
const TOKEN_BYTES: usize = 16;

/// What a credential opens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The page: every route, with the credential in a header.
    #[default]
    Page,
    /// A podcast feed: only the feed, its audio and artwork, with the secret in the
    /// URL (a podcast app sends no headers of ours).
    Feed,
}

/// A paired device as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Device {
    /// Its name, for `--devices` and `--revoke` (`android`, `iphone-2`,
    /// `android-podcast`).
    pub name: String,
    /// SHA-256 (hex) of its credential.
    pub token_sha256: String,
    /// Unix seconds when it was paired.
    pub paired_at: i64,
    /// What it opens (stores written before feeds existed hold pages only).
    #[serde(default)]
    pub kind: Kind,
}

/// The file's contents.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Store {
    /// The pairing secret, hex.
    secret: String,
    /// Paired devices, oldest first.
    devices: Vec<Device>,
}

/// Why the pairing file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PairingError {
    /// Reading or writing the file failed.
    #[error("cannot use the pairing file {}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not what rustig wrote.
    #[error(
        "the pairing file {} is damaged; move it away to start over (every phone then has to scan the QR code again)",
        .path.display()
    )]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What the JSON parser said.
        #[source]
        source: serde_json::Error,
    },
    /// The system gave no randomness.
    #[error("the system's random number source failed")]
    Random(#[source] getrandom::Error),
}

/// The pairing store of a running server.
#[derive(Debug)]
pub struct Pairing {
    path: PathBuf,
    state: Mutex<Loaded>,
}

#[derive(Debug)]
struct Loaded {
    store: Store,
    /// The file's modification time when it was read or written.
    modified: Option<SystemTime>,
}

/// `n` random bytes as lower-case hex.
fn random_hex(n: usize) -> Result<String, PairingError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(PairingError::Random)?;
    Ok(crate::hex::encode(&bytes))
}

fn sha256_hex(text: &str) -> String {
    crate::hex::encode(&Sha256::digest(text.as_bytes()))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn read(path: &Path) -> Result<Option<Store>, PairingError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|source| PairingError::Damaged {
                    path: path.to_path_buf(),
                    source,
                })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(PairingError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn write(path: &Path, store: &Store) -> Result<(), PairingError> {
    let io = |source| PairingError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut text = serde_json::to_string_pretty(store).unwrap_or_default();
    text.push('\n');
    // Written to a temporary file and renamed; the file holds the pairing secret, so
    // it is made readable by the user only before anything is written to it.
    let (file, mut handle) = crate::atomic::AtomicFile::create(path).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        handle
            .set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(io)?;
    }
    std::io::Write::write_all(&mut handle, text.as_bytes()).map_err(io)?;
    handle.sync_all().map_err(io)?;
    drop(handle);
    file.commit().map_err(io)
}

/// Equal in constant time (for equal lengths; the lengths are not secret).
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl Pairing {
    /// Opens the store at `path`, creating it with a new secret when there is none.
    pub fn open(path: &Path) -> Result<Pairing, PairingError> {
        let store = match read(path)? {
            Some(s) if s.secret.len() == 2 * TOKEN_BYTES => s,
            Some(mut s) => {
                s.secret = random_hex(TOKEN_BYTES)?;
                write(path, &s)?;
                s
            }
            None => {
                let s = Store {
                    secret: random_hex(TOKEN_BYTES)?,
                    devices: Vec::new(),
                };
                write(path, &s)?;
                s
            }
        };
        Ok(Pairing {
            path: path.to_path_buf(),
            state: Mutex::new(Loaded {
                store,
                modified: modified(path),
            }),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Loaded> {
        let mut guard = super::library::lock(&self.state);
        // Another process (`--revoke`) may have changed the file.
        let now = modified(&self.path);
        if now != guard.modified
            && let Ok(Some(store)) = read(&self.path)
        {
            guard.store = store;
            guard.modified = now;
        }
        guard
    }

    /// The pairing secret, for the URL in the QR code.
    pub fn secret(&self) -> String {
        self.lock().store.secret.clone()
    }

    /// Whether `given` is the pairing secret.
    pub fn is_secret(&self, given: &str) -> bool {
        same(given, &self.lock().store.secret)
    }

    /// Pairs a new device named after `hint` (made unique: `android`, `android-2`) and
    /// returns its name and credential. The credential is shown once and never stored.
    pub fn pair(&self, hint: &str) -> Result<(String, String), PairingError> {
        self.add(&device_name(hint), Kind::Page)
    }

    /// Makes a podcast feed for the paired device `device` (named `device-podcast`,
    /// made unique) and returns its name and the secret for its URL, shown once.
    pub fn add_feed(&self, device: &str) -> Result<(String, String), PairingError> {
        let base: String = device_name(device).chars().take(16).collect();
        self.add(&format!("{base}-podcast"), Kind::Feed)
    }

    fn add(&self, base: &str, kind: Kind) -> Result<(String, String), PairingError> {
        let token = random_hex(TOKEN_BYTES)?;
        let mut guard = self.lock();
        let base = base.to_owned();
        let taken = |n: &str| guard.store.devices.iter().any(|d| d.name == n);
        let mut name = base.clone();
        let mut k = 2;
        while taken(&name) {
            name = format!("{base}-{k}");
            k += 1;
        }
        guard.store.devices.push(Device {
            name: name.clone(),
            token_sha256: sha256_hex(&token),
            paired_at: crate::journal::now(),
            kind,
        });
        write(&self.path, &guard.store)?;
        guard.modified = modified(&self.path);
        Ok((name, token))
    }

    /// The name of the device whose page credential is `token`, if it is paired.
    /// Every stored hash is compared, in constant time.
    pub fn device(&self, token: &str) -> Option<String> {
        self.find(token, Kind::Page)
    }

    /// The name of the podcast feed whose secret is `token`, if it is not revoked.
    pub fn feed(&self, token: &str) -> Option<String> {
        self.find(token, Kind::Feed)
    }

    fn find(&self, token: &str, kind: Kind) -> Option<String> {
        let hash = sha256_hex(token);
        let guard = self.lock();
        let mut found = None;
        for d in &guard.store.devices {
            if same(&hash, &d.token_sha256) && d.kind == kind {
                found = Some(d.name.clone());
            }
        }
        found
    }
}

/// The paired devices in the store at `path` (none when there is no store).
pub fn devices(path: &Path) -> Result<Vec<Device>, PairingError> {
    Ok(read(path)?.map(|s| s.devices).unwrap_or_default())
}

/// Removes the device or feed `name` and says which it was; `None` when there is
/// none of that name.
pub fn revoke(path: &Path, name: &str) -> Result<Option<Kind>, PairingError> {
    let Some(mut store) = read(path)? else {
        return Ok(None);
    };
    let Some(at) = store.devices.iter().position(|d| d.name == name) else {
        return Ok(None);
    };
    let removed = store.devices.remove(at);
    write(path, &store)?;
    Ok(Some(removed.kind))
}

/// A short lower-case name from what the page says it runs on: letters, digits and
/// dashes only, `telefoon` when nothing is left.
pub fn device_name(hint: &str) -> String {
    let name: String = hint
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let name: String = name.chars().take(24).collect();
    if name.is_empty() {
        "telefoon".to_owned()
    } else {
        name
    }
}

#[cfg(test)]
mod test {
    use super::*;

    /// A credential works until its device is revoked, also in a running server.
    #[test]
    fn a_paired_device_is_known_until_it_is_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("serve.json");
        let p = Pairing::open(&path).unwrap();
        assert_eq!(p.secret().len(), 32);
        assert!(p.is_secret(&p.secret()));
        assert!(!p.is_secret("0".repeat(32).as_str()));
        let (a, token_a) = p.pair("Android").unwrap();
        let (b, token_b) = p.pair("Android").unwrap();
        assert_eq!((a.as_str(), b.as_str()), ("android", "android-2"));
        assert_eq!(p.device(&token_a).as_deref(), Some("android"));
        assert_eq!(p.device("wrong"), None);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&token_a), "only the hash is stored");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "the secret is the user's alone");
        }
        // Another process revokes; the running store notices.
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(revoke(&path, "android").unwrap(), Some(Kind::Page));
        assert_eq!(revoke(&path, "android").unwrap(), None);
        assert_eq!(p.device(&token_a), None);
        assert_eq!(p.device(&token_b).as_deref(), Some("android-2"));
        let again = Pairing::open(&path).unwrap();
        assert_eq!(again.secret(), p.secret(), "the secret survives a restart");
    }

    /// A feed's secret opens the feed only, a page credential never opens a feed, and
    /// a feed is revoked like a phone.
    #[test]
    fn a_feed_secret_is_its_own_and_revocable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("serve.json");
        let p = Pairing::open(&path).unwrap();
        let (phone, page) = p.pair("Pixel").unwrap();
        let (name, feed) = p.add_feed(&phone).unwrap();
        assert_eq!(name, "pixel-podcast");
        assert_eq!(feed.len(), 32);
        assert_eq!(p.feed(&feed).as_deref(), Some("pixel-podcast"));
        assert_eq!(p.device(&feed), None, "a feed secret is no page credential");
        assert_eq!(p.feed(&page), None, "a page credential opens no feed");
        let (second, _) = p.add_feed(&phone).unwrap();
        assert_eq!(second, "pixel-podcast-2");
        let kinds: Vec<Kind> = devices(&path).unwrap().iter().map(|d| d.kind).collect();
        assert_eq!(kinds, [Kind::Page, Kind::Feed, Kind::Feed]);
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(revoke(&path, "pixel-podcast").unwrap(), Some(Kind::Feed));
        assert_eq!(p.feed(&feed), None);
        assert_eq!(p.device(&page).as_deref(), Some("pixel"));
    }

    #[test]
    fn device_names_are_plain() {
        assert_eq!(device_name(" iPhone (Safari) "), "iphone-safari");
        assert_eq!(device_name("<script>"), "script");
        assert_eq!(device_name("✓"), "telefoon");
    }
}
