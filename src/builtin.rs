//! The files compiled into the binary: the default Dutch voice pack (`audio/`) and the
//! default program and examples (`sessions/`), so an installed `rustig` works from any
//! folder with nothing beside it.

use std::borrow::Cow;

use include_dir::{Dir, include_dir};

/// `audio/` of the source tree: voice packs by name (`nl/voice.toml`, clips).
pub static AUDIO: Files = include!(concat!(env!("OUT_DIR"), "/audio_files.rs"));

/// Files compiled into the binary (written by `build.rs`): all paths in one string,
/// apart from the bytes, so that looking a file up reads no other file's pages.
pub struct Files {
    /// Every path below the folder, `/`-separated, each ended by a newline, sorted.
    names: &'static str,
    /// The files' bytes, in the order of `names`.
    contents: &'static [&'static [u8]],
}

impl Files {
    /// The bytes of the file at `path` (e.g. `nl/voice.toml`).
    pub fn get(&self, path: &str) -> Option<&'static [u8]> {
        let i = self
            .names
            .split_terminator('\n')
            .position(|name| name == path)?;
        self.contents.get(i).copied()
    }

    /// Every file: its path and its bytes, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'static [u8])> + use<> {
        self.names
            .split_terminator('\n')
            .zip(self.contents.iter().copied())
    }
}

/// `sessions/` of the source tree: `opbouw/` (the default program) and `voorbeelden/`.
pub static SESSIONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/sessions");

/// The folder name of the default program inside `sessions/`.
pub const DEFAULT_PROGRAM: &str = "opbouw";

/// A built-in file's bytes by its path below `sessions/`, e.g. `opbouw/program.toml`.
pub fn session_file(path: &str) -> Option<&'static [u8]> {
    SESSIONS.get_file(path).map(|f| f.contents())
}

/// A built-in voice pack file's bytes, e.g. (`nl`, `voice.toml`).
pub fn voice_file(voice: &str, file: &str) -> Option<&'static [u8]> {
    AUDIO.get(&format!("{voice}/{file}"))
}

/// A built-in voice pack file's bytes, read so that they do not stay in the process's
/// memory: on Linux through the executable file (`/proc/self/exe`) into a buffer the
/// caller drops, elsewhere (or if that fails) the compiled-in bytes themselves.
///
/// Why: the pack is 14 MB of the binary's image. Every page of it a render reads stays
/// mapped, and counted in its resident memory, until the process ends (and each page
/// read maps up to 64 KiB around it), so a session that uses more clips would need
/// more memory. Read through the file, the bytes pass through the page cache instead.
pub fn voice_clip(voice: &str, file: &str) -> Option<Cow<'static, [u8]>> {
    let bytes = voice_file(voice, file)?;
    Some(unmapped::read(bytes).map_or(Cow::Borrowed(bytes), Cow::Owned))
}

/// The first `head` bytes of a built-in voice pack file, read as [`voice_clip`] reads,
/// and the file's size.
pub fn voice_clip_head(voice: &str, file: &str, head: usize) -> Option<(Cow<'static, [u8]>, u64)> {
    let bytes = voice_file(voice, file)?;
    let part = &bytes[..head.min(bytes.len())];
    let read = unmapped::read(part).map_or(Cow::Borrowed(part), Cow::Owned);
    Some((read, bytes.len() as u64))
}

/// Reading part of the binary's image through the executable file. By hand: no crate
/// reads a static's bytes without touching its mapping.
#[cfg(target_os = "linux")]
mod unmapped {
    use std::fs::File;
    use std::os::unix::fs::{FileExt, MetadataExt};
    use std::sync::OnceLock;

    /// The executable, open, and where its parts are mapped.
    struct Exe {
        file: File,
        maps: Vec<Mapping>,
    }

    /// One mapping of the executable file: addresses `start..end` hold the file's
    /// bytes from `offset` on.
    struct Mapping {
        start: usize,
        end: usize,
        offset: u64,
    }

    /// `bytes` (part of the executable's image) read from the executable file; `None`
    /// when they are not in a mapping of it or the file cannot be read.
    pub fn read(bytes: &'static [u8]) -> Option<Vec<u8>> {
        static EXE: OnceLock<Option<Exe>> = OnceLock::new();
        let exe = EXE.get_or_init(Exe::open).as_ref()?;
        let start = bytes.as_ptr() as usize;
        let end = start.checked_add(bytes.len())?;
        let m = exe.maps.iter().find(|m| m.start <= start && end <= m.end)?;
        let mut buf = vec![0; bytes.len()];
        let at = m.offset.checked_add(u64::try_from(start - m.start).ok()?)?;
        exe.file.read_exact_at(&mut buf, at).ok()?;
        Some(buf)
    }

    impl Exe {
        /// Opens `/proc/self/exe` and finds its mappings in `/proc/self/maps` (by
        /// device and inode, so a replaced or renamed binary is still found).
        fn open() -> Option<Exe> {
            let file = File::open("/proc/self/exe").ok()?;
            let meta = file.metadata().ok()?;
            // glibc's gnu_dev_major/gnu_dev_minor.
            let dev = meta.dev();
            let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
            let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
            let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
            let maps = maps
                .lines()
                .filter_map(|line| {
                    let mut f = line.split_ascii_whitespace();
                    let (range, _perms, offset, device, inode) =
                        (f.next()?, f.next()?, f.next()?, f.next()?, f.next()?);
                    let (ma, mi) = device.split_once(':')?;
                    let same = u64::from_str_radix(ma, 16).ok()? == major
                        && u64::from_str_radix(mi, 16).ok()? == minor
                        && inode.parse::<u64>().ok()? == meta.ino();
                    let (start, end) = range.split_once('-')?;
                    same.then_some(Mapping {
                        start: usize::from_str_radix(start, 16).ok()?,
                        end: usize::from_str_radix(end, 16).ok()?,
                        offset: u64::from_str_radix(offset, 16).ok()?,
                    })
                })
                .collect::<Vec<_>>();
            (!maps.is_empty()).then_some(Exe { file, maps })
        }
    }
}

/// Elsewhere the compiled-in bytes are used as they are.
#[cfg(not(target_os = "linux"))]
mod unmapped {
    /// Always `None`: read the mapped bytes.
    pub fn read(_bytes: &'static [u8]) -> Option<Vec<u8>> {
        None
    }
}

#[cfg(test)]
mod test {
    /// Every file of the built-in packs reads back identical through the executable
    /// file (on Linux; elsewhere as the compiled-in bytes).
    #[test]
    fn voice_clips_read_through_the_executable_are_the_compiled_in_bytes() {
        let mut read = 0;
        for (path, bytes) in super::AUDIO.iter() {
            let Some((voice, name)) = path.split_once('/') else {
                continue;
            };
            let got = super::voice_clip(voice, name).unwrap();
            assert_eq!(&*got, bytes, "{path}");
            read += usize::from(matches!(got, std::borrow::Cow::Owned(_)));
        }
        #[cfg(target_os = "linux")]
        assert!(
            read > 80,
            "only {read} files were read through the executable"
        );
        #[cfg(not(target_os = "linux"))]
        assert_eq!(read, 0);
    }
}
