//! `gather flows cost`: the journeys are played in every locale and every
//! SMS is counted against the budget (docs/sms-cost.md), which every locale
//! meets.

use gather::cost;
use std::path::Path;

#[tokio::test]
async fn every_locale_is_measured_and_fits_the_budget() {
    let engine = gather::transcript::engine_from(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let costs = cost::measure(&engine).await.unwrap();
    assert_eq!(costs.len(), engine.locales().languages().count());
    for c in &costs {
        // Every journey got its answers: the reference, the ballot, the
        // Board's answer (pushed and on UPDATES).
        for label in [
            "first contact (welcome + menu)",
            "read-back",
            "reference + follow offer",
            "ballot",
            "Board update (push)",
            "UPDATES page",
        ] {
            assert!(
                c.messages.iter().any(|m| m.label == label),
                "{}: no `{label}` message",
                c.language
            );
        }
        assert!(c.raise > 0 && c.cycle > c.raise, "{}", c.language);
    }
    // Every locale within budget: each reply, each page, and each journey
    // at most 1.3 times English (the same gate as `flows cost --check`).
    let over = cost::over_budget(&costs);
    assert!(over.is_empty(), "{over:#?}");
}

#[tokio::test]
async fn the_report_marks_what_is_over_budget() {
    let engine = gather::transcript::engine_from(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut costs = cost::measure(&engine).await.unwrap();
    let english = costs
        .iter_mut()
        .find(|c| c.language.as_str() == "en-GB")
        .unwrap();
    english.messages[0].segments = 9;
    let over = cost::over_budget(&costs);
    assert!(
        over.iter()
            .any(|l| l.starts_with("en-GB: first contact") && l.contains("9 segments")),
        "{over:#?}"
    );
    assert!(cost::markdown(&costs).contains("**9**"));
}

/// Issue 19: with a short title per language, the messages that quote
/// titles (the ballot, the vote confirmation, UPDATES) fit their budget in
/// every locale, and each reader sees their own title, never the fallback.
#[tokio::test]
async fn titles_per_language_keep_every_ballot_and_updates_page_within_budget() {
    let engine = gather::transcript::engine_from(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let costs = cost::measure(&engine).await.unwrap();
    for c in &costs {
        for m in c
            .messages
            .iter()
            .filter(|m| ["ballot", "vote confirm", "UPDATES page"].contains(&m.label.as_str()))
        {
            assert!(
                m.segments <= m.budget,
                "{}: `{}` costs {} segments (budget {}):\n{}",
                c.language,
                m.label,
                m.segments,
                m.budget,
                m.text
            );
            assert!(!m.text.contains("(EN)"), "{}: {}", c.language, m.text);
        }
    }
}
