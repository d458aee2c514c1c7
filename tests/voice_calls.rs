//! Phone calls (Twilio Voice): transcripts of calls and the TwiML they make.

use std::path::Path;

/// The call transcripts (`tests/transcripts/voice_*.txt`) on their own, so
/// `GATHER_BLESS=1 cargo test --test voice_calls` rewrites only them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_transcripts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let engine = gather::transcript::engine_from(root).expect("flows and locales load");
    let bless = std::env::var("GATHER_BLESS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for name in ["voice_call.txt", "voice_keys.txt"] {
        let file = root.join("tests/transcripts").join(name);
        match gather::transcript::run_file(&file, engine.clone(), bless).await {
            Ok(None) => {}
            Ok(Some(diff)) => failures.push(format!("{name}:\n{diff}")),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gather::channels::twilio::signature;
use gather::channels::twilio_voice::TWIML_VERBS;
use gather::config::Config;
use gather::http::Webhooks;
use gather::http::twilio::TwilioWebhookConfig;
use gather::service::Gather;
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use tower::ServiceExt;

const TOKEN: &str = "voice-test-token-0123456789";
const PUBLIC: &str = "https://gather.example.org";
const CALLER: &str = "+447700900401";

struct App {
    gather: Gather,
    router: axum::Router,
    _dir: tempfile::TempDir,
}

async fn spawn() -> App {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let env: BTreeMap<String, String> = [
        (
            "GATHER_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("g.db").display()),
        ),
        ("GATHER_FLOWS_DIR", root.join("flows").display().to_string()),
        (
            "GATHER_LOCALES_DIR",
            root.join("locales").display().to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = Config::from_sources(None, &env).unwrap();
    let gather = gather::app::build(&config).await.unwrap();
    let webhooks = Webhooks {
        twilio: Some(TwilioWebhookConfig {
            auth_token: TOKEN.into(),
            public_url: PUBLIC.into(),
            skip_signature: false,
            numbers: vec![],
        }),
        ..Default::default()
    };
    let router = gather::http::router_with(gather.clone(), webhooks);
    App {
        gather,
        router,
        _dir: dir,
    }
}

/// Posts a signed form to `url` (absolute, under PUBLIC).
async fn post(app: &App, url: &str, params: &[(&str, &str)]) -> (StatusCode, String) {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let sig = signature(TOKEN, url, &params);
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish();
    let path = url.strip_prefix(PUBLIC).unwrap();
    let req = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", sig)
        .body(Body::from(body))
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[derive(Debug, Clone)]
struct El {
    name: String,
    attrs: BTreeMap<String, String>,
    text: String,
}

/// Parses TwiML and checks that only known verbs and attributes appear,
/// under a single `<Response>`.
fn twiml(xml: &str) -> Vec<El> {
    use quick_xml::events::Event as X;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out: Vec<El> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut depth = 0;
    loop {
        match reader.read_event().expect("well-formed XML") {
            X::Start(e) | X::Empty(e) if true => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                let allowed = TWIML_VERBS
                    .iter()
                    .find(|(v, _)| *v == name)
                    .unwrap_or_else(|| panic!("unknown TwiML verb {name} in {xml}"))
                    .1;
                if depth == 0 {
                    assert_eq!(name, "Response", "root must be Response");
                }
                let mut attrs = BTreeMap::new();
                for a in e.attributes() {
                    let a = a.unwrap();
                    let k = String::from_utf8(a.key.as_ref().to_vec()).unwrap();
                    assert!(allowed.contains(&k.as_str()), "{name} has no attribute {k}");
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned();
                    attrs.insert(k, v);
                }
                out.push(El {
                    name,
                    attrs,
                    text: String::new(),
                });
                // Empty elements close at once.
                if xml.as_bytes()[..reader.buffer_position() as usize].ends_with(b"/>") {
                    continue;
                }
                open.push(out.len() - 1);
                depth += 1;
            }
            X::End(_) => {
                open.pop();
                depth -= 1;
            }
            X::Text(t) => {
                if let Some(&i) = open.last() {
                    out[i].text.push_str(&t.decode().unwrap());
                }
            }
            X::GeneralRef(r) => {
                if let Some(&i) = open.last() {
                    let name = String::from_utf8(r.to_vec()).unwrap();
                    let c = match name.as_str() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "?",
                    };
                    out[i].text.push_str(c);
                }
            }
            X::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    out
}

fn action(els: &[El]) -> String {
    els.iter()
        .find_map(|e| e.attrs.get("action").cloned())
        .expect("an action")
}

fn said(els: &[El]) -> String {
    els.iter()
        .filter(|e| e.name == "Say")
        .map(|e| e.text.clone())
        .collect::<Vec<_>>()
        .join(" | ")
}

fn call(sid: &str) -> Vec<(&'static str, String)> {
    vec![
        ("CallSid", sid.to_string()),
        ("From", CALLER.to_string()),
        ("To", "+447700900000".to_string()),
        (
            "AccountSid",
            "AC00000000000000000000000000000000".to_string(),
        ),
    ]
}

async fn step(app: &App, url: &str, sid: &str, extra: &[(&str, &str)]) -> (StatusCode, String) {
    let base = call(sid);
    let mut p: Vec<(&str, &str)> = base.iter().map(|(k, v)| (*k, v.as_str())).collect();
    p.extend_from_slice(extra);
    post(app, url, &p).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_by_keypad_and_recording() {
    let app = spawn().await;
    let sid = "CA11111111111111111111111111111111";
    let (s, body) = step(&app, &format!("{PUBLIC}/webhooks/twilio/voice"), sid, &[]).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let els = twiml(&body);
    let gather = els.iter().find(|e| e.name == "Gather").unwrap();
    assert_eq!(gather.attrs["numDigits"], "2");
    assert_eq!(gather.attrs["finishOnKey"], "#");
    assert!(
        els.iter()
            .any(|e| e.name == "Say" && e.attrs["language"] == "pl-PL" && e.text.contains("2")),
        "{body}"
    );
    // Choose Polish.
    let (s, body) = step(&app, &action(&els), sid, &[("Digits", "2#")]).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let els = twiml(&body);
    assert!(said(&els).contains("Co chcesz zrobić?"), "{body}");
    // A retry of the same request: the same answer, nothing done twice.
    let (_, again) = step(
        &app,
        &format!("{PUBLIC}/webhooks/twilio/voice/gather?seq=1&silent=0&mode=digits"),
        sid,
        &[("Digits", "2#")],
    )
    .await;
    assert_eq!(again, body);
    // Raise: a <Record>.
    let (_, body) = step(&app, &action(&els), sid, &[("Digits", "1")]).await;
    let els = twiml(&body);
    let record = els.iter().find(|e| e.name == "Record").expect("Record");
    assert_eq!(record.attrs["finishOnKey"], "#");
    let record_url = record.attrs["action"].clone();
    // A recording that is not https: asked again, nothing kept.
    let (s, body) = step(
        &app,
        &record_url,
        sid,
        &[
            ("RecordingUrl", "http://evil.example/r.wav"),
            ("RecordingDuration", "14"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let els = twiml(&body);
    assert!(els.iter().any(|e| e.name == "Record"), "{body}");
    let record_url = action(&els);
    let (s, body) = step(
        &app,
        &record_url,
        sid,
        &[
            (
                "RecordingUrl",
                "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1",
            ),
            ("RecordingDuration", "14"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let els = twiml(&body);
    // Involvement (the postcode question is skipped on a call): skip it.
    let (_, body) = step(&app, &action(&els), sid, &[("Digits", "0")]).await;
    let els = twiml(&body);
    // Confirm.
    let (_, body) = step(&app, &action(&els), sid, &[("Digits", "1")]).await;
    assert!(body.contains("G-1001"), "{body}");
    // Unknown keys are refused without effect.
    let (s, _) = step(&app, &action(&twiml(&body)), sid, &[("Digits", "12ab")]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Missing CallSid.
    let (s, _) = post(
        &app,
        &format!("{PUBLIC}/webhooks/twilio/voice"),
        &[("From", CALLER)],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // The call ends: recorded, and twice is the same as once.
    for _ in 0..2 {
        let (s, _) = step(
            &app,
            &format!("{PUBLIC}/webhooks/twilio/voice/status"),
            sid,
            &[("CallStatus", "completed")],
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
    }
    let mut tx = app.gather.store.begin().await.unwrap();
    let issues = tx.list_issues(None).await.unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].description, "[voice recording 14s]");
    assert_eq!(issues[0].recording_secs, Some(14));
    assert!(
        issues[0]
            .recording_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    );
    let c = tx.voice_call(sid).await.unwrap().unwrap();
    assert_eq!(c.status, "completed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silence_hang_up_and_bad_paths() {
    let app = spawn().await;
    let sid = "CA22222222222222222222222222222222";
    let (_, body) = step(&app, &format!("{PUBLIC}/webhooks/twilio/voice"), sid, &[]).await;
    let (_, body) = step(&app, &action(&twiml(&body)), sid, &[("Digits", "1")]).await;
    // English menu; now nothing pressed three times.
    let mut url = action(&twiml(&body));
    for i in 0..3 {
        let (s, body) = step(&app, &url, sid, &[("Digits", "")]).await;
        assert_eq!(s, StatusCode::OK);
        let els = twiml(&body);
        if i < 2 {
            assert!(said(&els).contains("What would you like to do?"), "{body}");
            url = action(&els);
        } else {
            assert_eq!(els.last().unwrap().name, "Hangup", "{body}");
            assert!(said(&els).contains("Goodbye"), "{body}");
        }
    }
    // A new call: raise, record, hang up before confirming → a draft.
    let sid = "CA33333333333333333333333333333333";
    let (_, body) = step(&app, &format!("{PUBLIC}/webhooks/twilio/voice"), sid, &[]).await;
    let (_, body) = step(&app, &action(&twiml(&body)), sid, &[("Digits", "1")]).await;
    let els = twiml(&body);
    let (_, _) = step(
        &app,
        &action(&els),
        sid,
        &[
            ("RecordingUrl", "https://api.twilio.com/r/RE2"),
            ("RecordingDuration", "7"),
        ],
    )
    .await;
    let (s, _) = step(
        &app,
        &format!("{PUBLIC}/webhooks/twilio/voice/status"),
        sid,
        &[("CallStatus", "completed")],
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let mut tx = app.gather.store.begin().await.unwrap();
    let issues = tx.list_issues(None).await.unwrap();
    assert_eq!(issues.len(), 1);
    assert!(issues[0].description.contains("draft"), "{issues:?}");
    assert_eq!(issues[0].recording_secs, Some(7));
    drop(tx);
    // Unknown status, traversal in audio paths.
    let (s, _) = step(
        &app,
        &format!("{PUBLIC}/webhooks/twilio/voice/status"),
        sid,
        &[("CallStatus", "exploded")],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    for path in [
        "/audio/pl/..%2F..%2Fetc%2Fpasswd.wav",
        "/audio/../Cargo.toml",
        "/audio/xx/welcome.wav",
        "/audio/pl/Welcome.wav",
        "/audio/pl/welcome.mp3",
    ] {
        let res = app
            .router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert!(
            res.status() == StatusCode::NOT_FOUND || res.status() == StatusCode::BAD_REQUEST,
            "{path}: {}",
            res.status()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spoken_issue_needs_a_written_title_before_approval() {
    use gather::domain::PhoneNumber;
    use gather::service::ServiceError;
    use gather::service::voice::CallInput;
    use gather::store::IssueStatus;
    let app = spawn().await;
    let g = &app.gather;
    let sid = "CA44444444444444444444444444444444";
    let from = PhoneNumber::parse(CALLER).unwrap();
    let inputs = [
        CallInput::Start,
        CallInput::Keys("1".into()), // English
        CallInput::Keys("1".into()), // raise an issue
        CallInput::Recording {
            url: "https://api.twilio.com/r/RE4".into(),
            secs: 14,
        },
        CallInput::Keys("0".into()), // skip how involved
        CallInput::Keys("1".into()), // send it
    ];
    for (n, input) in inputs.into_iter().enumerate() {
        g.voice_turn(sid, &from, &format!("{sid}:{n}"), input)
            .await
            .unwrap();
    }
    let issues = g.list_issues(None).await.unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");
    let issue = &issues[0];
    assert_eq!(issue.recording_secs, Some(14));
    assert!(issue.title.starts_with("[voice recording"), "{issue:?}");
    // Not on a ballot with the placeholder: approving is refused (422 over
    // the admin API and the organiser pages), with what to do instead.
    let err = g
        .set_issue_status(issue.issue_ref, IssueStatus::Approved, None)
        .await
        .unwrap_err();
    match &err {
        ServiceError::Invalid(m) => {
            assert!(m.contains("no written title"), "{m}");
            assert!(m.contains("gather issues title G-1001"), "{m}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    // Still not approved.
    assert_eq!(
        g.list_issues(Some(IssueStatus::Approved))
            .await
            .unwrap()
            .len(),
        0
    );
    g.set_issue_title(issue.issue_ref, "Long waits at the walk-in centre")
        .await
        .unwrap();
    let approved = g
        .set_issue_status(issue.issue_ref, IssueStatus::Approved, None)
        .await
        .unwrap();
    assert_eq!(approved.status, IssueStatus::Approved);
    assert_eq!(approved.title, "Long waits at the walk-in centre");
    // The recording stays with it for the moderators.
    assert_eq!(approved.recording_secs, Some(14));
}

#[test]
fn voice_settings_come_from_the_configuration() {
    let env: BTreeMap<String, String> = [
        ("GATHER_TWILIO_AUTH_TOKEN", TOKEN),
        ("GATHER_PUBLIC_URL", PUBLIC),
        ("GATHER_VOICE_VOICES", "pl=Polly.Maja"),
        ("GATHER_VOICE_PLAY_LANGUAGES", "pa"),
        ("GATHER_AUDIO_DIR", "/srv/prompts"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let config = Config::from_sources(None, &env).unwrap();
    let voice = Webhooks::from_config(&config).voice;
    assert_eq!(
        voice.voices.get("pl").map(String::as_str),
        Some("Polly.Maja")
    );
    assert_eq!(
        voice.voices.get("en-GB").map(String::as_str),
        Some("Polly.Amy")
    );
    assert_eq!(voice.play_languages, ["pa"]);
    assert_eq!(voice.audio_dir, Path::new("/srv/prompts"));
    // Without settings: the built-in ones.
    let config = Config::from_sources(None, &BTreeMap::new()).unwrap();
    let voice = Webhooks::from_config(&config).voice;
    let builtin = gather::channels::twilio_voice::VoiceSettings::default();
    assert_eq!(voice.voices, builtin.voices);
    assert_eq!(voice.play_languages, builtin.play_languages);
    assert_eq!(voice.audio_dir, builtin.audio_dir);
}

/// A call after STOP is not a bare hang-up: it says, in the caller's
/// language, that they opted out and offers 1 to opt back in (what START
/// does); 2 ends the call politely (issue 16).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_after_stop_offers_to_opt_back_in() {
    use gather::domain::{Channel, Identity, PhoneNumber};
    use gather::engine::Content;
    use gather::service::InboundMessage;
    let app = spawn().await;
    let phone = PhoneNumber::parse(CALLER).unwrap();
    for text in ["LANGUAGE pl", "STOP"] {
        app.gather
            .handle_inbound(InboundMessage {
                identity: Identity::phone(&phone),
                channel: Channel::Sms,
                content: Content::Text(text.into()),
                provider_id: None,
                language_hint: None,
            })
            .await
            .unwrap();
    }
    // 2: stay out, goodbye, hang up.
    let sid = "CA55555555555555555555555555555555";
    let (s, body) = step(&app, &format!("{PUBLIC}/webhooks/twilio/voice"), sid, &[]).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let els = twiml(&body);
    assert!(els.iter().any(|e| e.name == "Gather"), "{body}");
    assert!(said(&els).contains("naciśnij 1"), "in Polish: {body}");
    let (_, body) = step(&app, &action(&els), sid, &[("Digits", "2")]).await;
    let els = twiml(&body);
    assert_eq!(els.last().unwrap().name, "Hangup", "{body}");
    assert!(said(&els).contains("Do widzenia"), "{body}");
    // Another call: 1 opts back in and goes on to the menu.
    let sid = "CA66666666666666666666666666666666";
    let (_, body) = step(&app, &format!("{PUBLIC}/webhooks/twilio/voice"), sid, &[]).await;
    let (_, body) = step(&app, &action(&twiml(&body)), sid, &[("Digits", "1")]).await;
    let els = twiml(&body);
    assert!(said(&els).contains("Witaj ponownie"), "{body}");
    assert!(said(&els).contains("Co chcesz zrobić?"), "{body}");
    let mut tx = app.gather.store.begin().await.unwrap();
    let person = tx
        .person_by_identity(&Identity::phone(&phone))
        .await
        .unwrap()
        .unwrap();
    assert!(!person.opted_out, "1 opted back in");
}
