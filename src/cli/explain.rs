//! `rustig explain CODE` and `rustig explain --list`: what a diagnostic code means,
//! in Dutch and English, with a wrong and a right example.

use super::Outcome;
use crate::session::Code;
use crate::session::codes::ExampleFile;

/// Explain a problem code of `check` (e.g. R0003), with a wrong and a right example.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Every problem rustig reports has a code, shown as error[R0003] or warning[R0024]. \
This prints a longer explanation in Dutch and English, a file with the problem and the same file fixed.\n\
Examples:\n  rustig explain R0003\n  rustig explain --list"
)]
pub struct Args {
    /// The code, e.g. R0003 (also r3 or 3).
    #[arg(value_name = "CODE", required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with a few words.
    #[arg(long, conflicts_with = "code")]
    pub list: bool,
}

/// Runs `explain`.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    if args.list {
        crate::out!("{}", list())?;
        return Ok(Outcome::Success);
    }
    let text = args.code.as_deref().unwrap_or_default();
    match Code::parse(text) {
        Some(code) => {
            crate::out!("{}", explain(code))?;
            Ok(Outcome::Success)
        }
        None => {
            let (first, last) = (Code::ALL[0], Code::ALL[Code::ALL.len() - 1]);
            crate::errln!(
                "error: unknown code `{text}`: the codes run from {first} to {last}\n  = help: `rustig explain --list` shows them all"
            );
            Ok(Outcome::Failure)
        }
    }
}

/// One line per code: `R0003  a key that does not belong here`.
pub fn list() -> String {
    Code::ALL
        .iter()
        .map(|c| format!("{c}  {}\n", c.explanation().title))
        .collect()
}

/// The full explanation of `code`, as printed.
pub fn explain(code: Code) -> String {
    let e = code.explanation();
    let file = match e.file {
        ExampleFile::Session => "een sessiebestand / a session file",
        ExampleFile::Program => {
            "program.toml, naast week1.toml en week2.toml / beside week1.toml and week2.toml"
        }
        ExampleFile::Pack => "voice.toml, naast tempo.wav / beside tempo.wav",
    };
    let example = |text: &str| -> String {
        if text.is_empty() {
            "    (een leeg bestand / an empty file)\n".to_owned()
        } else {
            text.lines()
                .map(|l| {
                    if l.is_empty() {
                        "\n".to_owned()
                    } else {
                        format!("    {l}\n")
                    }
                })
                .collect()
        }
    };
    format!(
        "{code}: {}\n\nNederlands\n{}\nEnglish\n{}\nFout / Wrong ({file}):\n\n{}\nGoed / Right:\n\n{}",
        e.title,
        wrap(e.dutch),
        wrap(e.english),
        example(e.wrong),
        example(e.right),
    )
}

/// Wraps a paragraph at 78 columns, indented by two spaces. (Hand-written: a dozen
/// lines, where a wrapping crate would be a dependency for one paragraph style.)
fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(" ");
    for word in text.split_whitespace() {
        if line.chars().count() + 1 + word.chars().count() > 78 && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from(" ");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}
