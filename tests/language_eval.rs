//! The language detection *evaluation*: `tests/language_detection/eval.tsv`,
//! a set written for measuring (issue 20), apart from the unit tests and from
//! `cases.tsv`, through the real engine. It prints accuracy per locale and per
//! length band (1-3 words, 4+ words) and fails when any of Gather's eleven
//! locales gets under 97% of its messages of four words or more right, or when
//! any message of one to three words switches a person's language.
//! The figures are recorded in `docs/languages.md`.

use gather::domain::LanguageTag;
use gather::engine::language_cases::{LONG_TARGET_PERCENT, evaluate, parse_cases};
use std::path::Path;

const LOCALES: [&str; 11] = [
    "en", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "gu", "it",
];

#[test]
fn language_evaluation_set() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let engine = gather::transcript::engine_from(root).expect("flows and locales load");
    let source = std::fs::read_to_string(root.join("tests/language_detection/eval.tsv"))
        .expect("the evaluation set");
    let en = LanguageTag::parse("en-GB").expect("tag");
    let cases = parse_cases(&source, &en).expect("the evaluation set parses");
    let report = evaluate(&engine, &cases);
    println!("{}", report.render());

    let mut failures = Vec::new();
    for lang in LOCALES {
        let count = cases.iter().filter(|c| c.lang == lang).count();
        if count < 60 {
            failures.push(format!("`{lang}`: only {count} messages (at least 60)"));
        }
        let (short, long) = report.by_band.get(lang).cloned().unwrap_or_default();
        if short.cases == 0 || long.cases == 0 {
            failures.push(format!("`{lang}`: a length band has no messages"));
        }
        if long.percent() < LONG_TARGET_PERCENT {
            failures.push(format!(
                "`{lang}`: {:.1}% of the messages of four words or more right ({} of {})",
                long.percent(),
                long.right,
                long.cases
            ));
        }
    }
    if report.switches_under_four_words > 0 {
        failures.push(format!(
            "{} switches on messages of one to three words",
            report.switches_under_four_words
        ));
    }
    assert!(
        failures.is_empty(),
        "{}\n\n{}",
        failures.join("\n"),
        report.render()
    );
}

/// The detector's time per message over the evaluation set, printed (no
/// timed assertion: the machine may be busy). `cargo nextest run --test
/// language_eval --no-capture` shows it; with `--release` for the figure
/// that matters in production (see `docs/languages.md`).
#[test]
fn detector_time_per_message() {
    use gather::i18n::{Detector, LanguageDetector};
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
    let rounds = 3;
    let start = std::time::Instant::now();
    let mut guesses = 0usize;
    for _ in 0..rounds {
        for case in &cases {
            guesses += usize::from(detector.detect(&case.text).is_some());
        }
    }
    let per = start.elapsed() / (rounds * cases.len()) as u32;
    println!(
        "detector: {per:?} a message on average over {} messages ({guesses} guesses)",
        rounds * cases.len()
    );
}
