//! `rustig voice record PACK_DIR`: the terminal front end of recording a pack. It
//! shows each text, draws the level meter, reads keys (in raw mode on a terminal,
//! else lines of stdin) and prints; the clips to ask for, the microphone, when a
//! take is over, the processing, playback and saving are `crate::voice::record`.

use crate::cli::plural;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use super::emit;
use crate::cli::Outcome;
use crate::cli::terminal::RawMode;
use crate::session::diagnostic::display_path;
use crate::voice::capture::CaptureError;
use crate::voice::playback::play_mono;
use crate::voice::record::{Take, TakeAudio, clips_to_record, meter, save_clips};

/// What to record, and where to.
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// The pack folder to add the clips to (created when missing).
    #[arg(value_name = "PACK_DIR")]
    pub dir: PathBuf,
    /// Only these clip ids (comma-separated).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Only the clips the pack folder does not have yet.
    #[arg(long)]
    pub missing: bool,
    /// The longest take, in seconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub max_seconds: u32,
    /// Apply the gentle 80 Hz high-pass.
    #[arg(long)]
    pub high_pass: bool,
}

/// How often the level meter is redrawn and keys are looked at while recording.
const TICK: Duration = Duration::from_millis(50);

/// A key that answers the question after a take, or ends a take early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// A letter (k, r, s, q, or any other, which means redo).
    Letter(char),
    /// Enter: ends a take at once.
    Enter,
    /// Ctrl-C (a key in raw mode): stop, as `q` does.
    Stop,
}

/// `voice record`.
pub(super) fn record(args: &RecordArgs) -> anyhow::Result<Outcome> {
    let clips = match clips_to_record(&args.dir, &args.only, args.missing) {
        Ok(clips) => clips,
        Err(e) => {
            crate::errln!("error: {}", crate::errors::Chain(&e));
            return Ok(Outcome::Failure);
        }
    };
    let mut kept = Vec::new();
    'clips: for (i, clip) in clips.iter().enumerate() {
        loop {
            emit(&format!(
                "[{}/{}] {}\n  say: \"{}\"\n",
                i + 1,
                clips.len(),
                clip.id,
                clip.text
            ))?;
            let take = match record_take(args.max_seconds) {
                Ok(Some(take)) => take,
                Ok(None) => break 'clips,
                Err(e) => {
                    crate::errln!("error: {}", crate::errors::Chain(&e));
                    return Ok(Outcome::Failure);
                }
            };
            if take.dropped > 0 {
                crate::errln!(
                    "warning: {} samples of this take were lost (the computer was too busy); \
                     consider r = redo",
                    take.dropped
                );
            }
            let Some(processed) = take.to_clip(args.high_pass) else {
                emit("  no speech heard; again\n")?;
                continue;
            };
            if let Err(e) = play_mono(&take.samples, take.rate) {
                crate::errln!(
                    "warning: cannot play the take back: {}",
                    crate::errors::Chain(&e)
                );
            }
            emit(&format!(
                "  {:.2} s, {:.1} LUFS, true peak {:.1} dBTP: k = keep, r = redo, s = skip, q = stop\n",
                processed.duration(),
                processed.loudness,
                processed.true_peak()
            ))?;
            match read_answer() {
                Some(Answer::Letter('k')) => {
                    kept.push((clip.id.clone(), clip.text.clone(), processed));
                    break;
                }
                Some(Answer::Letter('s')) => break,
                Some(Answer::Letter('q') | Answer::Stop) | None => break 'clips,
                _ => {}
            }
        }
    }
    if kept.is_empty() {
        emit("nothing kept; the pack was not changed\n")?;
        return Ok(Outcome::Success);
    }
    let manifest = save_clips(&args.dir, &kept)
        .map_err(|e| anyhow::anyhow!("{}: {e}", display_path(&args.dir)))?;
    emit(&format!(
        "kept {}; updated {}\n",
        plural(kept.len(), "clip"),
        display_path(&manifest)
    ))?;
    Ok(Outcome::Success)
}

/// Records one take, drawing the level meter, until it is over or Enter is pressed;
/// `None` when Ctrl-C asks to stop.
fn record_take(max_seconds: u32) -> Result<Option<TakeAudio>, CaptureError> {
    let mut take = Take::start(max_seconds)?;
    let raw = if std::io::stdin().is_terminal() {
        RawMode::enter().ok()
    } else {
        None
    };
    let mut stop = false;
    loop {
        std::thread::sleep(TICK);
        match raw.as_ref().and_then(|_| pressed()) {
            Some(Answer::Enter) => break,
            Some(Answer::Stop) => {
                stop = true;
                break;
            }
            _ => {}
        }
        let over = take.poll();
        crate::err!("\r  {}", meter(take.level()));
        if over {
            break;
        }
    }
    let audio = take.finish();
    drop(raw);
    crate::errln!();
    Ok((!stop).then_some(audio))
}

/// The answer a key press stands for; `None` for keys that answer nothing.
fn answer_of(key: event::KeyEvent) -> Option<Answer> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    match key.code {
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Some(Answer::Stop),
        KeyCode::Char(c) => Some(Answer::Letter(c)),
        KeyCode::Enter => Some(Answer::Enter),
        _ => None,
    }
}

/// The first Enter or Ctrl-C among the key presses waiting (in raw mode), without
/// waiting for more; other keys are dropped.
fn pressed() -> Option<Answer> {
    while event::poll(Duration::ZERO).unwrap_or(false) {
        if let Ok(Event::Key(key)) = event::read()
            && let Some(answer @ (Answer::Enter | Answer::Stop)) = answer_of(key)
        {
            return Some(answer);
        }
    }
    None
}

/// Reads one answer: a key press on a terminal, else the first letter of a line of
/// stdin (Enter for an empty line; `None` at its end).
fn read_answer() -> Option<Answer> {
    if std::io::stdin().is_terminal() {
        let _raw = RawMode::enter().ok();
        loop {
            match event::read() {
                Ok(Event::Key(key)) => {
                    if let Some(answer) = answer_of(key) {
                        return Some(answer);
                    }
                }
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }
    let mut line = String::new();
    match std::io::stdin().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(
            line.trim()
                .chars()
                .next()
                .map_or(Answer::Enter, Answer::Letter),
        ),
    }
}
