//! Language detection benchmark (not a test): the detector's time a message
//! over the evaluation set (`tests/language_detection/eval.tsv`), and the
//! process's peak RSS after building the detector and running it. The budget
//! from issue 20: ≤ 1 ms a message, ≤ 64 MB RSS for the whole server (see
//! `docs/languages.md`).
//!
//! cargo bench --bench language
//!
//! Under `cargo test --benches` it does one quick round; nextest, which
//! lists tests with `--list`, finds none.

use gather::domain::LanguageTag;
use gather::engine::language_cases::parse_cases;
use gather::i18n::{Detector, LanguageDetector};
use std::path::Path;
use std::time::Instant;

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let bench = std::env::args().any(|a| a == "--bench");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(root.join("tests/language_detection/eval.tsv"))
        .expect("the evaluation set");
    let en = LanguageTag::parse("en-GB").expect("tag");
    let cases = parse_cases(&source, &en).expect("the evaluation set parses");
    let tags: Vec<LanguageTag> = [
        "en-GB", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "gu", "it",
    ]
    .iter()
    .map(|t| LanguageTag::parse(t).expect("tag"))
    .collect();
    let detector = Detector::new(&tags);
    let rounds = if bench { 100 } else { 1 };
    let start = Instant::now();
    let mut unsure = 0usize;
    for _ in 0..rounds {
        for case in &cases {
            if let Some(d) = detector.detect(&case.text) {
                unsure += usize::from(!d.confident);
            }
        }
    }
    let n = rounds * cases.len();
    let per = start.elapsed() / n as u32;
    println!(
        "language detection: {per:?} a message over {n} messages ({unsure} unsure guesses); peak RSS {} kB",
        peak_rss_kb().map_or("?".to_string(), |k| k.to_string())
    );
}
