//! The terminal's raw mode, for the commands that read single key presses (`play`,
//! the questions after a run, `voice record`): one guard that always gives the
//! terminal back, on return, on error and on panic.

use std::io::IsTerminal;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::{cursor, terminal};

/// Whether a [`RawMode`] guard is alive (read by the panic hook).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// The panic hook is installed once, however often raw mode is entered.
static PANIC_HOOK: Once = Once::new();

/// Puts the terminal in raw mode with the cursor hidden, and restores both when
/// dropped, whatever happens. In raw mode Ctrl-C arrives as a key, not as a signal.
#[derive(Debug)]
pub struct RawMode(());

impl RawMode {
    /// Enables raw mode and hides the cursor. A panic while the guard lives restores
    /// the terminal before its message is printed.
    pub fn enter() -> std::io::Result<RawMode> {
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        PANIC_HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if ACTIVE.swap(false, Ordering::SeqCst) {
                    restore();
                }
                previous(info);
            }));
        });
        set_cursor(cursor::Hide);
        Ok(RawMode(()))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        ACTIVE.store(false, Ordering::SeqCst);
        restore();
    }
}

/// Leaves raw mode and shows the cursor again.
fn restore() {
    let _ = terminal::disable_raw_mode();
    set_cursor(cursor::Show);
}

/// Hides or shows the cursor on the terminal the output goes to (stdout, else
/// stderr), so no escape codes end up in a file the output is redirected to.
fn set_cursor(command: impl crossterm::Command) {
    // execute! flushes; a terminal that cannot take the code is no reason to stop.
    if std::io::stdout().is_terminal() {
        let _ = crossterm::execute!(std::io::stdout(), command);
    } else if std::io::stderr().is_terminal() {
        let _ = crossterm::execute!(std::io::stderr(), command);
    }
}
