//! Writing beside mixing: a thread that writes 16-bit samples to files while the
//! mixer fills the next blocks, so neither waits for the other.
//!
//! The two threads pass a few buffers back and forth over two bounded channels
//! (kira's habit: objects go out on one ring and come back on another), so nothing is
//! allocated per block and memory stays at those few buffers however long the file.
//! The files are handed back by [`Writer::finish`], to be synced and renamed into place
//! as before.

use std::fs::File;
use std::io::{self, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// A buffer of samples for file number `.0` of the writer's files.
type Full = (usize, Vec<i16>);

/// Why writing failed: the file (by its number in [`Writer::spawn`]'s list) and the
/// error.
pub type WriteFailed = (usize, io::Error);

/// A writer thread and the buffers it shares with the mixing thread.
#[derive(Debug)]
pub struct Writer {
    full: Option<SyncSender<Full>>,
    empty: Receiver<Vec<i16>>,
    thread: Option<JoinHandle<Result<Vec<File>, WriteFailed>>>,
}

impl Writer {
    /// Starts a thread that writes to `files` (positioned where the samples go), with
    /// `buffers` buffers of `capacity` samples each to fill with [`Writer::buffer`].
    pub fn spawn(files: Vec<File>, buffers: usize, capacity: usize) -> io::Result<Writer> {
        let buffers = buffers.max(1);
        let (full_tx, full_rx) = sync_channel::<Full>(buffers);
        let (empty_tx, empty_rx) = sync_channel::<Vec<i16>>(buffers);
        for _ in 0..buffers {
            // Cannot fail: the channel holds `buffers` and its receiver is alive.
            let _ = empty_tx.send(Vec::with_capacity(capacity));
        }
        let thread = std::thread::Builder::new()
            .name("rustig-writer".into())
            .spawn(move || write_all(files, &full_rx, &empty_tx))?;
        Ok(Writer {
            full: Some(full_tx),
            empty: empty_rx,
            thread: Some(thread),
        })
    }

    /// An empty buffer to fill, waiting until the writer hands one back. Fails with the
    /// writer's error if it stopped.
    pub fn buffer(&mut self) -> Result<Vec<i16>, WriteFailed> {
        match self.empty.recv() {
            Ok(mut buf) => {
                buf.clear();
                Ok(buf)
            }
            Err(_) => Err(self.stopped()),
        }
    }

    /// Queues `samples` (16-bit, already in little-endian byte order, see
    /// [`pcm16_into`](super::wav::pcm16_into)) to be written to file `file` after
    /// everything queued before. Fails with the writer's error if it stopped.
    pub fn send(&mut self, file: usize, samples: Vec<i16>) -> Result<(), WriteFailed> {
        let sent = self.full.as_ref().map(|tx| tx.send((file, samples)));
        match sent {
            Some(Ok(())) => Ok(()),
            _ => Err(self.stopped()),
        }
    }

    /// Waits until everything queued is written and returns the files.
    pub fn finish(mut self) -> Result<Vec<File>, WriteFailed> {
        self.full = None;
        self.join()
    }

    /// The error that stopped the writer thread.
    fn stopped(&mut self) -> WriteFailed {
        self.full = None;
        match self.join() {
            Err(e) => e,
            Ok(_) => (0, io::Error::other("the writer thread stopped")),
        }
    }

    fn join(&mut self) -> Result<Vec<File>, WriteFailed> {
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err((0, io::Error::other("the writer thread panicked"))),
            None => Err((0, io::Error::other("the writer thread stopped"))),
        }
    }
}

impl Drop for Writer {
    /// Stops the thread when a render ends early; what it had queued is still written
    /// (to a temporary file that is removed with it).
    fn drop(&mut self) {
        self.full = None;
        let _ = self.join();
    }
}

/// Bytes after which the writer asks the kernel to start writing a file's new part to
/// the disk.
const EARLY_WRITEBACK: u64 = 8 << 20;

/// Asks the kernel to start writing `len` bytes of `file` from `offset` to the disk now,
/// without waiting, and to drop them from the page cache once written
/// (`POSIX_FADV_DONTNEED`, as GNU dd's `oflag=nocache`). Otherwise Linux starts only
/// when dirty pages pile up, so all of a render would wait for the final fsync; now
/// the disk works while the mixer does, and the fsync (still made before the rename)
/// finds little left. Advice only: its failure changes nothing.
fn start_writeback(file: &File, offset: u64, len: u64) {
    #[cfg(target_os = "linux")]
    let _ = rustix::fs::fadvise(
        file,
        offset,
        std::num::NonZeroU64::new(len),
        rustix::fs::Advice::DontNeed,
    );
    #[cfg(not(target_os = "linux"))]
    let _ = (file, offset, len);
}

/// The writer thread: writes each full buffer to its file and hands it back, until the
/// mixing side hangs up or a write fails.
fn write_all(
    mut files: Vec<File>,
    full: &Receiver<Full>,
    empty: &SyncSender<Vec<i16>>,
) -> Result<Vec<File>, WriteFailed> {
    let mut flushed: Vec<(u64, u64)> = files
        .iter_mut()
        .map(|f| {
            let at = std::io::Seek::stream_position(f).unwrap_or(0);
            (at, at)
        })
        .collect();
    while let Ok((index, samples)) = full.recv() {
        let file = files
            .get_mut(index)
            .ok_or_else(|| (index, io::Error::other("no such file")))?;
        let bytes: &[u8] = bytemuck::cast_slice(&samples);
        file.write_all(bytes).map_err(|e| (index, e))?;
        let (from, to) = &mut flushed[index];
        *to += bytes.len() as u64;
        if *to - *from >= EARLY_WRITEBACK {
            start_writeback(file, *from, *to - *from);
            *from = *to;
        }
        // The mixing side may have stopped waiting for buffers; then this one is dropped.
        let _ = empty.try_send(samples);
    }
    Ok(files)
}

#[cfg(test)]
mod test {
    use super::*;
    use std::io::{Read, Seek};

    /// Samples sent to two files arrive in each in the order sent, with few buffers
    /// going round many times.
    #[test]
    fn blocks_arrive_in_order_in_their_files() {
        let files = vec![tempfile::tempfile().unwrap(), tempfile::tempfile().unwrap()];
        let mut w = Writer::spawn(files, 2, 4).unwrap();
        for i in 0..100i16 {
            let mut b = w.buffer().unwrap();
            b.extend([i.to_le(), (-i).to_le()]);
            w.send(usize::from(i % 3 == 0), b).unwrap();
        }
        let mut files = w.finish().unwrap();
        let read = |f: &mut File| {
            let mut bytes = Vec::new();
            f.rewind().unwrap();
            f.read_to_end(&mut bytes).unwrap();
            bytes
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]))
                .collect::<Vec<_>>()
        };
        let zero: Vec<i16> = (0..100)
            .filter(|i| i % 3 != 0)
            .flat_map(|i| [i, -i])
            .collect();
        let one: Vec<i16> = (0..100)
            .filter(|i| i % 3 == 0)
            .flat_map(|i| [i, -i])
            .collect();
        assert_eq!(read(&mut files[0]), zero);
        assert_eq!(read(&mut files[1]), one);
    }

    /// A write that fails is reported with its file's number at the next call.
    #[test]
    fn a_failed_write_is_reported_with_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r");
        std::fs::write(&path, b"x").unwrap();
        // Opened for reading only: every write fails.
        let read_only = File::open(&path).unwrap();
        let mut w = Writer::spawn(vec![tempfile::tempfile().unwrap(), read_only], 1, 4).unwrap();
        let mut failed = None;
        for _ in 0..4 {
            let sent = w.buffer().and_then(|mut b| {
                b.push(1);
                w.send(1, b)
            });
            if let Err(e) = sent {
                failed = Some(e);
                break;
            }
        }
        let (index, _) = failed.unwrap_or_else(|| w.finish().map(|_| ()).unwrap_err());
        assert_eq!(index, 1);
    }
}
