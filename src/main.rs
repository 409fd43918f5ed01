//! The `rustig` binary: parses arguments and maps the outcome to an exit status.

fn main() -> std::process::ExitCode {
    rustig::cli::main()
}
