//! Helpers shared by integration tests (each test file that needs them says
//! `mod common;`). Not every test file uses every helper.
#![allow(dead_code)]

pub mod twilio_list;
pub mod twilio_recordings;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A Python with the `twilio` package: `GATHER_TEST_TWILIO_PYTHON`, or a
/// virtualenv made under target/peers.
pub fn twilio_python() -> PathBuf {
    if let Ok(p) = std::env::var("GATHER_TEST_TWILIO_PYTHON") {
        return PathBuf::from(p);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let venv = root.join("target/peers/twilio-venv");
    let python = venv.join("bin/python");
    let ready = Command::new(&python)
        .args(["-c", "import twilio"])
        .status()
        .is_ok_and(|s| s.success());
    if !ready {
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "python3 -m venv failed");
        let ok = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "twilio>=9,<10"])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "pip install twilio failed");
    }
    python
}

/// Drops a PostgreSQL test schema and waits for it, from a `Drop` (which
/// cannot be async): a thread of its own with a small runtime.
pub fn drop_schema_blocking(url: String, name: String) {
    let _ = std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async move {
            use sqlx::Connection;
            if let Ok(mut conn) = sqlx::PgConnection::connect(&url).await {
                let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "SET lock_timeout = '30s'; DROP SCHEMA IF EXISTS {name} CASCADE"
                )))
                .execute(&mut conn)
                .await;
                let _ = conn.close().await;
            }
        });
    })
    .join();
}
