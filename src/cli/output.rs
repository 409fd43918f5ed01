//! Printing that cannot panic. `print!` and `eprint!` panic when the write fails
//! (`rustig check … | head -1`, `> /dev/full`); every line the binary prints goes
//! through the writers here instead, and [`finish`] turns what went wrong into the
//! exit status, as ripgrep does:
//!
//! - standard output closed by the reader (a broken pipe): the command stops and
//!   exits 0 without a word; nobody is left to read more;
//! - standard output failing otherwise (a full disk, `/dev/full`): the command stops
//!   with `error: cannot write to standard output: …` and exits 1;
//! - standard error failing: the work goes on (an export's progress into a closed
//!   pipe must not stop the export half-way); on a full device the exit status is 1,
//!   as the messages were lost.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set when standard output was closed by its reader.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// Set when standard error could not be written for a reason other than a closed pipe.
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);
/// Set after the first failed write to standard error: later messages are not tried.
static STDERR_GONE: AtomicBool = AtomicBool::new(false);

/// Writing to standard output failed; the cause is the `source()`.
#[derive(Debug, thiserror::Error)]
#[error("cannot write to standard output")]
pub struct StdoutError(#[source] io::Error);

/// Standard output, locked; every failed write becomes an [`io::Error`] whose inner
/// error is a [`StdoutError`], so the message names the stream and [`finish`] knows a
/// closed pipe from a full disk.
pub struct Out(io::StdoutLock<'static>);

impl Out {
    fn fail(e: io::Error) -> io::Error {
        if e.kind() == io::ErrorKind::BrokenPipe {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        }
        io::Error::new(e.kind(), StdoutError(e))
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(Out::fail)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf).map_err(Out::fail)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(Out::fail)
    }
}

/// Standard output, for `write!`/`writeln!` with `?`.
pub fn stdout() -> Out {
    Out(io::stdout().lock())
}

/// Writes formatted text to standard output (what [`outln!`](crate::outln) expands to).
pub fn print(args: fmt::Arguments<'_>) -> io::Result<()> {
    stdout().write_fmt(args)
}

/// Writes formatted text to standard error; never fails. A failure is remembered for
/// the exit status (see the module doc) and later messages are skipped.
pub fn eprint(args: fmt::Arguments<'_>) {
    if STDERR_GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut err = io::stderr().lock();
    if let Err(e) = err.write_fmt(args).and_then(|_| err.flush()) {
        STDERR_GONE.store(true, Ordering::Relaxed);
        if e.kind() != io::ErrorKind::BrokenPipe {
            STDERR_FAILED.store(true, Ordering::Relaxed);
        }
    }
}

/// Whether standard error still takes messages (false after a failed write).
pub fn stderr_open() -> bool {
    !STDERR_GONE.load(Ordering::Relaxed)
}

/// Prints a line to standard output: `outln!("{x}")?` (an `io::Result<()>`).
#[macro_export]
#[doc(hidden)]
macro_rules! outln {
    () => { $crate::cli::output::print(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::cli::output::print(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Prints to standard output without a newline: `out!("{x}")?`.
#[macro_export]
#[doc(hidden)]
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::output::print(format_args!($($arg)*)) };
}

/// Prints a line to standard error; never fails, never panics.
#[macro_export]
#[doc(hidden)]
macro_rules! errln {
    () => { $crate::cli::output::eprint(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::cli::output::eprint(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Prints to standard error without a newline; never fails, never panics.
#[macro_export]
#[doc(hidden)]
macro_rules! err {
    ($($arg:tt)*) => { $crate::cli::output::eprint(format_args!($($arg)*)) };
}

/// Whether `error` (or one of its causes) is a failed write to standard output.
fn stdout_failure(error: &anyhow::Error) -> bool {
    error.chain().any(|c| {
        c.is::<StdoutError>()
            || c.downcast_ref::<io::Error>()
                .and_then(|e| e.get_ref())
                .is_some_and(|inner| inner.is::<StdoutError>())
    })
}

/// The exit status of a command that ended with `result` (0, 1 or 2), after flushing
/// standard output and printing the error, if any.
pub fn finish(result: anyhow::Result<u8>) -> u8 {
    let result = result.and_then(|code| {
        stdout().flush()?;
        Ok(code)
    });
    let code = match result {
        Ok(code) => code,
        // A reader that stopped reading (`| head`) is not an error.
        Err(e) if STDOUT_CLOSED.load(Ordering::Relaxed) && stdout_failure(&e) => 0,
        Err(e) => {
            // `{:#}`: the error and each of its causes once, joined by ": ". A cause
            // may quote a file name or a file's text: control characters escaped.
            errln!("error: {}", crate::text::visible_lines(&format!("{e:#}")));
            1
        }
    };
    if code == 0 && STDERR_FAILED.load(Ordering::Relaxed) {
        1
    } else {
        code
    }
}

#[cfg(test)]
mod test {
    use super::*;

    /// The error of a failed stdout write reads `cannot write to standard output: …`
    /// and is recognised through anyhow and io::Error wrapping.
    #[test]
    fn a_stdout_error_names_the_stream_and_is_found_in_the_chain() {
        let e = Out::fail(io::Error::from_raw_os_error(28));
        let e = anyhow::Error::new(e).context("printing the table");
        assert!(stdout_failure(&e));
        assert_eq!(
            format!("{e:#}"),
            "printing the table: cannot write to standard output: No space left on device (os error 28)"
        );
        assert!(!stdout_failure(&anyhow::anyhow!("other")));
    }
}
