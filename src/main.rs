//! The `gather` binary; everything lives in [`gather::cli`].

/// mimalloc instead of glibc's malloc: under load, glibc's arenas showed up
/// as lock contention between the tokio workers (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    gather::cli::main()
}
