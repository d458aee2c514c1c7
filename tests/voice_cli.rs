//! The phone-call commands of the `gather` binary: `gather voice render`
//! (placeholder recordings with espeak-ng) and `gather chat --channel
//! voice` (what a call says and which keys it takes).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The binary with a temporary database and the repository's flows and
/// locales, and no other Gather settings from the environment.
fn gather(dir: &Path) -> Command {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut c = Command::new(env!("CARGO_BIN_EXE_gather"));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("GATHER_") {
            c.env_remove(k);
        }
    }
    c.current_dir(dir)
        .env(
            "GATHER_DATABASE_URL",
            format!("sqlite://{}", dir.join("g.db").display()),
        )
        .env("GATHER_FLOWS_DIR", root.join("flows"))
        .env("GATHER_LOCALES_DIR", root.join("locales"))
        .env("GATHER_LOG", "warn")
        .env("NO_COLOR", "1");
    c
}

fn run_with_input(mut cmd: Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the gather binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input.as_bytes())
        .expect("input is written");
    child.wait_with_output().expect("gather finishes")
}

#[test]
fn voice_render_writes_wav_files_for_a_locale() {
    let espeak = Command::new("espeak-ng").arg("--version").output();
    assert!(
        espeak.as_ref().is_ok_and(|o| o.status.success()),
        "espeak-ng is not installed, and `gather voice render` needs it: \
         apt-get install espeak-ng (bash .ci/run installs it)"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("prompts");
    let mut cmd = gather(dir.path());
    cmd.args(["voice", "render", "--lang", "pl", "--out"])
        .arg(&out);
    let res = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert!(
        res.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert!(stdout.contains("pl: "), "{stdout}");
    // Only the locale asked for.
    let langs: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(langs, ["pl"]);
    let folder = out.join("pl");
    let mut count = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let id = name.strip_suffix(".wav").expect("only .wav files");
        assert!(
            gather::channels::twilio_voice::is_prompt_id(id),
            "{name} is not a name /audio/<lang>/<id>.wav serves"
        );
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() > 44, "{name}: too short for a WAV file");
        assert_eq!(&bytes[0..4], b"RIFF", "{name}");
        assert_eq!(&bytes[8..12], b"WAVE", "{name}");
        assert_eq!(&bytes[12..16], b"fmt ", "{name}");
        count += 1;
    }
    // What every call says is there: the menu question, the keys' help,
    // the goodbye and the language confirmation.
    for id in ["menu-prompt", "help", "voice-goodbye", "language-set"] {
        assert!(folder.join(format!("{id}.wav")).is_file(), "{id}.wav");
    }
    assert!(count > 20, "{count} recordings");

    // An unknown locale is a usage error.
    let mut cmd = gather(dir.path());
    cmd.args(["voice", "render", "--lang", "xx", "--out"])
        .arg(&out);
    let res = cmd.output().unwrap();
    assert_eq!(res.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&res.stderr).contains("no locale `xx`"));
}

/// The spoken lines (`🔊 …`) and notes (`[keys: …]`) of the simulator's
/// output, one reply per block.
fn blocks(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .split("\n\n")
        .map(|b| b.lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|b| !b.is_empty())
        .collect()
}

#[test]
fn chat_voice_says_what_a_call_says_and_takes_its_keys() {
    let dir = tempfile::tempdir().unwrap();
    // Answer → language menu; 11# Italian (two digits ending with #); 9
    // help; * repeat; 0 menu; 7 an invalid key; 1 raise by recording; 0
    // skip the involvement question; then the end of input hangs up before
    // confirming, which leaves a draft.
    let input = "11#\n9\n*\n0\n7\n1\n[recording 14s]\n0\n";
    let mut cmd = gather(dir.path());
    cmd.args(["chat", "--channel", "voice", "--from", "+447700900777"]);
    let res = run_with_input(cmd, input);
    let stdout = String::from_utf8_lossy(&res.stdout).into_owned();
    assert!(
        res.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let b = blocks(&stdout);
    assert_eq!(b.len(), 10, "{stdout}");
    // The call is answered: every language in its own words, two digits.
    assert_eq!(
        b[0][0],
        "🔊 Welcome to Gather. Tell the NHS what matters to you, vote on what should change, and hear what the Board does."
    );
    assert!(
        b[0].contains(&"🔊 Polski: naciśnij 2.".to_string()),
        "{stdout}"
    );
    assert!(
        b[0].contains(&"🔊 Per Italiano, premi 11.".to_string()),
        "{stdout}"
    );
    assert_eq!(b[0][b[0].len() - 2], "🔊 Then press hash.");
    assert_eq!(
        b[0].last().unwrap(),
        "[keys: 1-11 then #, * repeat, 0 menu]"
    );
    // 11#: Italian, said as a call says it, then the menu.
    assert_eq!(
        b[1][0],
        "🔊 Parleremo con te in italiano. Per cambiare lingua, premi 0 per il menu."
    );
    assert_eq!(b[1][1], "🔊 Cosa vuoi fare?");
    assert_eq!(
        b[1].last().unwrap(),
        "[keys: 1-5, * repeat, 0 menu, 9 help]"
    );
    let menu: Vec<String> = b[1][1..].to_vec();
    // 9: help, then the question again.
    assert_eq!(
        b[2][0],
        "🔊 Premi 0 per il menu. Premi asterisco per riascoltare."
    );
    assert_eq!(b[2][1..].to_vec(), menu);
    // *: the same question again; 0: the menu.
    assert_eq!(b[3], menu);
    assert_eq!(b[4], menu);
    // 7: a short re-ask.
    assert!(
        b[5][0].starts_with("🔊 ") && b[5][0].contains('5'),
        "{stdout}"
    );
    assert_eq!(b[5][1..].to_vec(), menu);
    // 1: speak after the tone.
    assert_eq!(
        b[6].last().unwrap(),
        "[keys: speak after the tone, # to finish]"
    );
    // The recording, then the involvement question (0 skips it).
    assert!(
        b[7][0].contains("premi 0 per saltare") || b[7][0].contains("Premi 0 per saltare"),
        "{stdout}"
    );
    assert_eq!(
        b[8].last().unwrap(),
        "[keys: 1 yes, 2 no, * repeat, 0 menu, 9 help]"
    );
    // Hanging up before confirming keeps the recording as a draft.
    assert_eq!(
        b[9],
        ["[call ended: the unconfirmed recording is kept as draft G-1001]"]
    );
}

#[test]
fn chat_voice_silence_ends_the_call_politely() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = gather(dir.path());
    cmd.env("GATHER_PUBLIC_SMS_NUMBER", "60060").args([
        "chat",
        "--channel",
        "voice",
        "--from",
        "+447700900778",
    ]);
    // English, then nothing pressed three times; the last line is never read.
    let res = run_with_input(cmd, "1\n\n\n\n1\n");
    let stdout = String::from_utf8_lossy(&res.stdout).into_owned();
    assert!(res.status.success(), "{stdout}");
    let b = blocks(&stdout);
    assert_eq!(b.len(), 5, "{stdout}");
    assert_eq!(b[2], b[3], "silence asks the same question again");
    assert_eq!(
        b[4],
        [
            "🔊 We did not hear a key, so we will end the call. You can also text us on 6 0 0 6 0. Goodbye.",
            "[hang up]"
        ]
    );
    // Keys that are not keypad keys are refused as a real call refuses them.
    let mut cmd = gather(dir.path());
    cmd.args(["chat", "--channel", "voice", "--from", "+447700900779"]);
    let res = run_with_input(cmd, "hello\n");
    let stdout = String::from_utf8_lossy(&res.stdout).into_owned();
    assert!(
        stdout.contains("[not keypad keys: a real call answers 400]"),
        "{stdout}"
    );
}
