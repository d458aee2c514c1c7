//! The webhook benchmark: Gather's full signed inbound SMS path (signature,
//! dedupe, engine step, database write, TwiML) in a `gather serve` process,
//! against a bare axum server returning static TwiML in a process of its
//! own, both driven from this process by the same load (`gather_bench`).
//! Prints a markdown table and the ratios Gather/bare; asserts nothing about
//! time. Needs the `gather` binary built beside it.
//!
//! ```text
//! cargo build --release --workspace
//! cargo bench -p gather-bench --bench webhook                 # 10 s phases at 200 req/s
//! cargo bench -p gather-bench --bench webhook -- --quick      # 2 s phases
//! cargo bench -p gather-bench --bench webhook -- --rate 400 --seconds 20 --people 2000 --workers 32
//! cargo bench -p gather-bench --bench webhook -- --database-url postgres://postgres@127.0.0.1:5432/test
//! ```
//!
//! Run as a test (`cargo test --benches`), it only checks the harness works:
//! a fraction of a second at a low rate, failing if any request fails.
//! `--list` (how nextest discovers tests) lists nothing.

use std::process::ExitCode;

/// The allocator the `gather` binary uses (the load generator and the bare
/// server run with it too).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    gather_bench::serve_bare_if_asked();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        return ExitCode::SUCCESS;
    }
    let bench_mode = args.iter().any(|a| a == "--bench");
    gather_bench::cli(&args, !bench_mode)
}
