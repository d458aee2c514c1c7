//! The `gather` binary away from the source tree: a copied binary runs the
//! simulator from an empty folder with the flows and locales built into it,
//! and the simulator's screen is the conversation (no log lines, no limit).

use std::io::Write;
use std::process::{Command, Stdio};

/// Copies the built binary into an empty folder and runs `gather chat`
/// there with `input` on stdin; returns (stdout, stderr).
fn chat_in_empty_folder(input: &str) -> (String, String, tempfile::TempDir) {
    let folder = tempfile::tempdir().expect("temp dir");
    let binary = folder.path().join("gather");
    std::fs::copy(env!("CARGO_BIN_EXE_gather"), &binary).expect("copy the binary");
    let mut child = Command::new(&binary)
        .args(["chat", "--from", "+447700900123"])
        .current_dir(folder.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the copied binary");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "exit status {:?}", out.status);
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        folder,
    )
}

#[test]
fn a_copied_binary_runs_the_simulator_from_an_empty_folder() {
    let (stdout, stderr, folder) = chat_in_empty_folder("hello\n1\n");
    assert!(stdout.contains("Welcome to Gather"), "{stdout}");
    assert!(stdout.contains("What is the problem or idea?"), "{stdout}");
    // Nothing but the database was created: flows and locales are built in.
    assert!(!folder.path().join("flows").exists());
    assert!(!folder.path().join("locales").exists());
    assert!(folder.path().join("gather.db").exists());
    // Log lines (the migration's INFO line) stay out of the conversation.
    assert!(!stderr.contains("INFO"), "{stderr}");
    assert!(!stdout.contains("INFO"), "{stdout}");
}

#[test]
fn the_simulator_has_no_inbound_limit() {
    // More than the server's 20 a minute: every line still gets its answer.
    let input = "HELP\n".repeat(30);
    let (stdout, _, _) = chat_in_empty_folder(&input);
    let answers = stdout.matches("[sms:").count();
    assert!(answers >= 30, "{answers} answers to 30 messages:\n{stdout}");
}
