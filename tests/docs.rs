//! The command examples of README.md and the guide in docs/ run against the real binary
//! with trycmd, so a guide never shows output that rustig does not print.
//!
//! In the Markdown files, a ```` ```console ```` block is a test: each `$ rustig …` line
//! runs, and the lines below it are what it must print (stdout and stderr together;
//! `? 1` gives the exit status, `...` on a line of its own skips lines, `[..]` skips
//! the rest of a line). Blocks in any other language (`sh`, `toml`, `text`) are not
//! run. A ```` ```toml NAME ```` block is a file the examples use: it is written as
//! NAME into the folder the guide's commands run in, together with the files of
//! `tests/data/docs/<guide>/` (inputs a guide mentions but does not print; `<guide>` is
//! the path without `.md`, `/` written `-`: `docs-handleiding`).
//!
//! Each guide runs in its own temporary copy of that folder (trycmd's sandbox), its
//! commands one after another, with a fresh `XDG_DATA_HOME` for the journal and
//! packs, so nothing reaches the repository or the user's data.

use std::path::{Path, PathBuf};

use crate::util::root;

/// The Markdown files whose examples are checked, relative to the repository.
const GUIDES: &[&str] = &[
    "README.md",
    "docs/README.md",
    "docs/handleiding.md",
    "docs/dagboek.md",
    "docs/sessies-schrijven.md",
    "docs/spec-extensions.md",
    "docs/telefoon.md",
];

/// The files a guide defines in ```` ```toml NAME ```` blocks: (NAME, contents).
fn named_files(markdown: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```toml ") else {
            continue;
        };
        let name = info.trim().to_owned();
        let mut body = String::new();
        for line in lines.by_ref() {
            if line.starts_with("```") {
                break;
            }
            body.push_str(line);
            body.push('\n');
        }
        files.push((name, body));
    }
    files
}

/// trycmd takes the last line break of an expected output as layout, so an output
/// that ends with one (as all of rustig's do) needs an empty line after it. The
/// guides stay readable without: this adds that line at the end of each output in a
/// ```` ```console ```` block (before the next `$` and before the closing fence).
fn with_final_newlines(markdown: &str) -> String {
    let mut out = String::new();
    let mut console = false;
    let mut after_command = false;
    for line in markdown.lines() {
        if console && after_command && (line.starts_with("$ ") || line.starts_with("```")) {
            out.push('\n');
        }
        if line.starts_with("```") {
            console = !console && line.starts_with("```console");
            after_command = false;
        } else if console && line.starts_with("$ ") {
            after_command = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The inverse of [`with_final_newlines`], for `TRYCMD=overwrite`.
fn without_final_newlines(markdown: &str) -> String {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = String::new();
    let mut console = false;
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).copied().unwrap_or_default();
        if console && line.is_empty() && (next.starts_with("$ ") || next.starts_with("```")) {
            continue;
        }
        if line.starts_with("```") {
            console = !console && line.starts_with("```console");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Copies the folder `from` into `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Lays out one guide as a trycmd case in `cases`: `NAME.md`, its input folder
/// `NAME.in/` and an empty `NAME.out/` (which makes trycmd run the commands in a
/// temporary copy of `NAME.in/`).
fn prepare(cases: &Path, guide: &str) -> PathBuf {
    let source = root().join(guide);
    let markdown = std::fs::read_to_string(&source).unwrap();
    let name = guide.replace(['/', '.'], "_");
    let case = cases.join(format!("{name}.md"));
    std::fs::write(&case, with_final_newlines(&markdown)).unwrap();
    let input = cases.join(format!("{name}.in"));
    std::fs::create_dir_all(&input).unwrap();
    // trycmd copies the folder only when it holds something.
    std::fs::write(input.join(".keep"), "").unwrap();
    let fixtures = root()
        .join("tests/data/docs")
        .join(guide.trim_end_matches(".md").replace('/', "-"));
    if fixtures.is_dir() {
        copy_tree(&fixtures, &input);
    }
    for (file, body) in named_files(&markdown) {
        let path = input.join(&file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        assert!(
            !path.exists(),
            "{guide}: {file} is given twice (a ```toml block and tests/data/docs)"
        );
        std::fs::write(path, body).unwrap();
    }
    std::fs::create_dir_all(cases.join(format!("{name}.out"))).unwrap();
    case
}

#[test]
fn the_guides_show_what_rustig_prints() {
    let cases = tempfile::tempdir().unwrap();
    // `TRYCMD=overwrite` writes what rustig printed into the guides; review the diff.
    let overwrite = std::env::var_os("TRYCMD").is_some_and(|v| v == "overwrite");
    let mut failed = Vec::new();
    for guide in GUIDES {
        // A journal and pack folder of its own for each guide.
        let data = tempfile::tempdir().unwrap();
        let case = prepare(cases.path(), guide);
        let run = std::panic::catch_unwind(|| {
            trycmd::TestCases::new()
                .register_bin("rustig", Path::new(env!("CARGO_BIN_EXE_rustig")))
                .env("XDG_DATA_HOME", data.path().to_str().unwrap())
                .env("NO_COLOR", "1")
                .case(&case)
                .run();
        });
        if overwrite {
            let updated = std::fs::read_to_string(&case).unwrap();
            std::fs::write(root().join(guide), without_final_newlines(&updated)).unwrap();
        }
        if run.is_err() {
            failed.push(*guide);
        }
    }
    assert!(
        failed.is_empty(),
        "these guides show output that rustig does not print (details above): {failed:?}"
    );
}

/// Each output in a console block gets its final line break, and loses it again.
#[test]
fn console_outputs_end_with_a_line_break_for_trycmd() {
    let md = "x\n```console\n$ rustig a\none\n$ rustig b\ntwo\n```\n```sh\nrustig c\n```\n";
    let with = with_final_newlines(md);
    assert_eq!(
        with,
        "x\n```console\n$ rustig a\none\n\n$ rustig b\ntwo\n\n```\n```sh\nrustig c\n```\n"
    );
    assert_eq!(without_final_newlines(&with), md);
}

/// The parser of named files: the name follows the language, other blocks are left.
#[test]
fn a_toml_block_with_a_name_is_a_file_of_the_examples() {
    let md = "text\n```toml kort.toml\ntitle = \"k\"\n```\n```toml\nx = 1\n```\n";
    assert_eq!(
        named_files(md),
        [("kort.toml".to_owned(), "title = \"k\"\n".to_owned())]
    );
}
