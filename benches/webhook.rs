//! The webhook benchmark: Gather's full signed inbound SMS path (signature,
//! dedupe, engine step, SQLite write, TwiML) against a bare axum server
//! returning static TwiML, both in this process on 127.0.0.1, driven by the
//! same load (`gather::load`). Prints a markdown table and the ratios
//! Gather/bare; asserts nothing about time.
//!
//! ```text
//! cargo bench --bench webhook                 # 10 s phases at 200 req/s
//! cargo bench --bench webhook -- --quick      # 2 s phases
//! cargo bench --bench webhook -- --rate 400 --seconds 20 --people 2000 --workers 32
//! cargo bench --bench webhook -- --database-url postgres://postgres@127.0.0.1:5432/test
//! ```
//!
//! Run as a test (`cargo test --benches`), it only checks the harness works:
//! a fraction of a second at a low rate, failing if any request fails.
//! `--list` (how nextest discovers tests) lists nothing.

use gather::config::Config;
use gather::load::{WebhookBench, markdown, webhook_bench};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

fn usage() -> ExitCode {
    eprintln!(
        "usage: cargo bench --bench webhook -- [--quick] [--rate N] [--seconds N] [--people N] [--workers N] [--database-url postgres://…]"
    );
    ExitCode::from(2)
}

/// The allocator the `gather` binary uses, so the benchmark measures what
/// runs in production (both servers and the client share it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        return ExitCode::SUCCESS;
    }
    let bench_mode = args.iter().any(|a| a == "--bench");
    let mut settings = if args.iter().any(|a| a == "--quick") {
        WebhookBench::quick()
    } else {
        WebhookBench::default()
    };
    if !bench_mode {
        // `cargo test --benches`: a smoke run of the harness.
        settings = WebhookBench {
            rate: 50.0,
            duration: Duration::from_millis(400),
            people: 20,
            workers: 2,
            warm_up: Duration::from_millis(100),
            ..settings
        };
    }
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| -> Option<f64> {
            let v = it.next().and_then(|v| v.parse::<f64>().ok());
            if v.is_none() {
                eprintln!("{name} needs a number");
            }
            v.filter(|v| v.is_finite() && *v > 0.0)
        };
        match arg.as_str() {
            "--rate" => match value("--rate") {
                Some(v) => settings.rate = v,
                None => return usage(),
            },
            "--seconds" => match value("--seconds") {
                Some(v) => settings.duration = Duration::from_secs_f64(v),
                None => return usage(),
            },
            "--people" => match value("--people") {
                Some(v) if v.fract() == 0.0 => settings.people = v as usize,
                _ => return usage(),
            },
            "--workers" => match value("--workers") {
                Some(v) if v.fract() == 0.0 => settings.workers = v as usize,
                _ => return usage(),
            },
            "--database-url" => match it.next() {
                Some(url) => settings.database_url = Some(url.clone()),
                None => return usage(),
            },
            // cargo's and libtest's own flags.
            "--bench" | "--quick" | "--nocapture" | "--exact" | "--ignored" => {}
            other if other.starts_with("--") => {
                eprintln!("unknown option {other}");
                return usage();
            }
            // A test-name filter from cargo: nothing to filter.
            _ => {}
        }
    }

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let env: BTreeMap<String, String> = [
        ("GATHER_FLOWS_DIR", root.join("flows")),
        ("GATHER_LOCALES_DIR", root.join("locales")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.display().to_string()))
    .collect();
    let config = match Config::from_sources(None, &env) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let results = match runtime.block_on(webhook_bench(&config, &settings)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    print!("{}", markdown(&results));
    let failed: u64 = results
        .open
        .iter()
        .chain(results.closed.iter())
        .map(|r| r.errors + r.unsent)
        .sum();
    if !bench_mode && failed > 0 {
        eprintln!("error: {failed} requests failed");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
