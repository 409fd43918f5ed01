//! The `rustig` binary: parses arguments and maps the outcome to an exit status.

// With `--features debug-alloc`, an allocation inside `assert_no_alloc(|| …)` (the
// audio callbacks of play and voice record) aborts the program; without this
// allocator the check would do nothing.
#[cfg(feature = "debug-alloc")]
#[global_allocator]
static ALLOCATOR: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

fn main() -> std::process::ExitCode {
    rustig::cli::main()
}
