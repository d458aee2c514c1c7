//! The `gather` binary; everything lives in [`gather::cli`].

fn main() -> std::process::ExitCode {
    gather::cli::main()
}
