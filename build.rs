//! Rebuild when the built-in voice pack or the default program changes: both are
//! compiled into the binary with `include_dir!`.
fn main() {
    println!("cargo:rerun-if-changed=audio");
    println!("cargo:rerun-if-changed=sessions");
}
