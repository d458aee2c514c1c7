//! `gather-bench`: Gather's load generator, outside the product binary.
//!
//! ```text
//! cargo build --release --workspace
//! target/release/gather-bench webhook [--quick] [--rate N] [--seconds N] [--people N] [--workers N] [--database-url postgres://…]
//! ```
//!
//! It starts `gather serve` (the binary beside it, or `GATHER_BIN`) and a
//! bare axum baseline, each in a process of its own, and reaches both over
//! loopback as providers reach Gather. See docs/performance.md.

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    gather_bench::serve_bare_if_asked();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("webhook") => gather_bench::cli(&args[1..], false),
        _ => {
            eprintln!(
                "usage: gather-bench webhook [--quick] [--rate N] [--seconds N] [--people N] [--workers N] [--database-url postgres://…]"
            );
            ExitCode::from(2)
        }
    }
}
