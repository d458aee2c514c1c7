//! Helpers shared by integration tests (each test file that needs them says
//! `mod common;`).

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
