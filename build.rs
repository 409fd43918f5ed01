//! Rebuild when the built-in voice pack or the default program changes: both are
//! compiled into the binary. The program with `include_dir!`; the voice pack through
//! a table written here (`$OUT_DIR/audio_files.rs`): every path in one string, apart
//! from the files' bytes, so that finding a clip reads no other clip's pages (with
//! `include_dir!` each path lies just before its file's bytes and a lookup compares
//! them all, which mapped most of the 14 MB pack into every process).
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=audio");
    println!("cargo:rerun-if-changed=sessions");
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap()).join("audio");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut names = String::new();
    let mut contents = String::new();
    for path in &files {
        let rel = path.strip_prefix(&root).unwrap();
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_str().expect("audio/ paths are UTF-8"))
            .collect::<Vec<_>>()
            .join("/");
        assert!(!name.contains('\n'), "a newline in the name of {name:?}");
        names.push_str(&name);
        names.push('\n');
        let abs = path.to_str().expect("audio/ paths are UTF-8");
        writeln!(contents, "        include_bytes!({abs:?}),").unwrap();
    }
    let code = format!(
        "crate::builtin::Files {{\n    names: {names:?},\n    contents: &[\n{contents}    ],\n}}\n"
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("audio_files.rs");
    std::fs::write(out, code).unwrap();
}

/// Every file below `dir`.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}
