//! Runs every conversation transcript in `tests/transcripts/`.
//! `GATHER_BLESS=1 cargo nextest run --test transcripts` rewrites them after
//! an intended change; review the diff before committing.

use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transcripts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let engine = gather::transcript::engine_from(root).expect("flows and locales load");
    let bless = std::env::var("GATHER_BLESS").is_ok_and(|v| v == "1");
    let mut files: Vec<_> = std::fs::read_dir(root.join("tests/transcripts"))
        .expect("transcripts folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "expected the transcript set, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for file in &files {
        match gather::transcript::run_file(file, engine.clone(), bless).await {
            Ok(None) => {}
            Ok(Some(diff)) => failures.push(format!("{}:\n{diff}", file.display())),
            Err(e) => failures.push(format!("{}: {e}", file.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} transcripts differ (GATHER_BLESS=1 rewrites them):\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
