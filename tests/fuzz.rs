//! Property tests ("fuzzing on stable") with proptest over everything that
//! reads outside input: Twilio form bodies through the real webhook, Kannel
//! query strings, Discord interactions and Matrix events as JSON, the
//! keyword parser and its normalisation, the SMS segment counter against the
//! splitter, and the flow loader on mutated flow files. No input may panic;
//! round trips hold where there is one.
//!
//! Each property runs proptest's default 256 cases; `PROPTEST_CASES=5000
//! cargo test --test fuzz` runs more. A failure is shrunk and its seed saved
//! under `tests/fuzz.proptest-regressions`, which is replayed first next time.

use axum::body::Body;
use axum::http::Request;
use gather::channels::kannel::{self, RawQuery};
use gather::channels::matrix::{self, RawEvent};
use gather::channels::segments;
use gather::config::Config;
use gather::domain::LanguageTag;
use gather::http::Webhooks;
use gather::http::twilio::TwilioWebhookConfig;
use gather::i18n::Locales;
use gather::i18n::normalize;
use gather::service::Gather;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn en() -> LanguageTag {
    LanguageTag::parse("en-GB").unwrap()
}

fn locales() -> &'static Locales {
    static L: OnceLock<Locales> = OnceLock::new();
    L.get_or_init(|| Locales::load(&root().join("locales"), &en()).unwrap())
}

/// One runtime and one Gather (SQLite in a temporary file) for the
/// properties that go through the service.
struct Shared {
    rt: tokio::runtime::Runtime,
    gather: Gather,
    router: axum::Router,
    _dir: tempfile::TempDir,
}

fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let env: BTreeMap<String, String> = [
            (
                "GATHER_DATABASE_URL",
                format!("sqlite://{}", dir.path().join("g.db").display()),
            ),
            (
                "GATHER_FLOWS_DIR",
                root().join("flows").display().to_string(),
            ),
            (
                "GATHER_LOCALES_DIR",
                root().join("locales").display().to_string(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let config = Config::from_sources(None, &env).unwrap();
        let gather = rt.block_on(gather::app::build(&config)).unwrap();
        let router = gather::http::router_with(
            gather.clone(),
            Webhooks {
                twilio: Some(TwilioWebhookConfig {
                    auth_token: "fuzz-token-0123456789abcdef".into(),
                    public_url: "https://gather.example.org".into(),
                    skip_signature: true,
                    numbers: vec![],
                }),
                ..Default::default()
            },
        );
        Shared {
            rt,
            gather,
            router,
            _dir: dir,
        }
    })
}

/// Text that looks like what people send: words, numbers, keywords in
/// several scripts, emoji, look-alikes, invisible characters, and any char.
fn messy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("STOP".to_string()),
        Just("stop!".to_string()),
        Just("STОP".to_string()),
        Just("VOTE 1 3".to_string()),
        Just("LANGUAGE polski".to_string()),
        Just("TAK".to_string()),
        Just("ہاں".to_string()),
        Just("ਸਤ ਸ੍ਰੀ ਅਕਾਲ".to_string()),
        Just("\u{200b}".to_string()),
        Just("\u{feff}".to_string()),
        Just("👍🏽".to_string()),
        Just("€[]{}".to_string()),
        Just("99999999999999999999999".to_string()),
        Just("-1".to_string()),
        "[0-9]{1,4}",
        "[a-zA-Z]{1,10}",
        any::<char>().prop_map(|c| c.to_string()),
        "\\PC{0,8}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.join(" "))
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just("answer:YES".to_string()),
            Just("answer:2".to_string()),
            Just("vote:1:1".to_string()),
            Just("vote:99999999999999999999:-1".to_string()),
            Just("raise".to_string()),
            Just("round".to_string()),
            Just("m.room.message".to_string()),
            Just("m.text".to_string()),
            Just("m.reaction".to_string()),
            Just("m.annotation".to_string()),
            "\\PC{0,12}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("type".to_string()),
                    Just("id".to_string()),
                    Just("data".to_string()),
                    Just("name".to_string()),
                    Just("options".to_string()),
                    Just("value".to_string()),
                    Just("custom_id".to_string()),
                    Just("member".to_string()),
                    Just("user".to_string()),
                    Just("roles".to_string()),
                    Just("body".to_string()),
                    Just("msgtype".to_string()),
                    Just("m.relates_to".to_string()),
                    Just("rel_type".to_string()),
                    Just("event_id".to_string()),
                    Just("key".to_string()),
                    Just("m.new_content".to_string()),
                    "[a-z_]{1,8}",
                ],
                inner,
                0..5,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Form fields Twilio sends, with arbitrary values, plus junk fields.
fn twilio_form() -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        Just("MessageSid"),
        Just("SmsSid"),
        Just("From"),
        Just("To"),
        Just("Body"),
        Just("MessageStatus"),
        Just("ErrorCode"),
        Just("NumMedia"),
        Just("junk"),
    ];
    let value = prop_oneof![
        Just("+447700900123".to_string()),
        Just("SM0123456789abcdef0123456789abcdef".to_string()),
        Just("delivered".to_string()),
        Just("21610".to_string()),
        messy_text(),
    ];
    let pairs = prop::collection::vec((field, value), 0..8).prop_map(|pairs| {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
            .into_bytes()
    });
    prop_oneof![pairs, prop::collection::vec(any::<u8>(), 0..256)]
}

/// Percent-encodes every byte.
fn pct(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02X}")).collect()
}

proptest! {
    /// Any form body through the real Twilio handlers (signature check off,
    /// so the parsing is what is tested): never a 5xx, never a panic.
    #[test]
    fn twilio_form_bodies_never_fail_the_server(body in twilio_form(), status in any::<bool>()) {
        let s = shared();
        let path = if status { "/webhooks/twilio/status" } else { "/webhooks/twilio/sms" };
        let req = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let resp = s.rt.block_on(s.router.clone().oneshot(req)).unwrap();
        prop_assert!(!resp.status().is_server_error(), "{}", resp.status());
    }

    /// Twilio's signature over any parameters never panics, and checks out.
    #[test]
    fn twilio_signature_round_trips(body in twilio_form(), url in "\\PC{0,40}") {
        let params: Vec<(String, String)> = form_urlencoded::parse(&body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let sig = gather::channels::twilio::signature("token-0123456789abcdef", &url, &params);
        prop_assert!(gather::channels::twilio::validate("token-0123456789abcdef", &url, &params, &sig));
        prop_assert!(!gather::channels::twilio::validate("token-0123456789abcdeX", &url, &params, &sig));
    }

    /// Any query string: the strict parser and both readers never panic.
    #[test]
    fn kannel_queries_never_panic(query in "[a-z%=&+0-9A-F\\PC]{0,120}") {
        if let Ok(q) = RawQuery::parse(&query) {
            let _ = kannel::parse_mo(&q);
            let _ = kannel::parse_dlr(&q);
        }
    }

    /// Kannel fields with arbitrary raw bytes in every coding.
    #[test]
    fn kannel_mo_with_any_bytes_never_panics(
        text in prop::collection::vec(any::<u8>(), 0..200),
        coding in prop_oneof![Just("0"), Just("1"), Just("2"), Just(""), Just("9")],
        charset in prop_oneof![Just(""), Just("UTF-8"), Just("windows-1252"), Just("UTF-16BE"), Just("ISO-8859-1"), Just("junk")],
        from in prop_oneof![Just("%2B447700900123".to_string()), "\\PC{0,16}"],
    ) {
        let query = format!("id=1&from={from}&text={}&coding={coding}&charset={charset}", pct(&text));
        if let Ok(q) = RawQuery::parse(&query) {
            let _ = kannel::parse_mo(&q);
        }
    }

    /// UCS-2 text (UTF-16BE, as Kannel sends it with `coding=2`) decodes
    /// back to exactly what the phone sent.
    #[test]
    fn kannel_ucs2_round_trips(text in "\\PC{1,300}") {
        let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let query = format!("id=1&from=%2B447700900123&text={}&coding=2", pct(&bytes));
        let mo = kannel::parse_mo(&RawQuery::parse(&query).unwrap());
        match mo {
            Ok(mo) => prop_assert_eq!(mo.text, text),
            // Over the length limit is refused, not mangled.
            Err(e) => prop_assert!(matches!(e, kannel::QueryError::TooLong), "{e}"),
        }
    }

    /// Any JSON as a Discord interaction (after the signature check) gets an
    /// answer, never a panic.
    #[test]
    fn discord_interactions_never_panic(v in json_value()) {
        let s = shared();
        let _ = s.rt.block_on(gather::http::discord::handle_interaction(&s.gather, &["1".to_string()], &v));
        let _ = gather::http::discord::is_organiser(&v, &["1".to_string()]);
    }

    /// Any JSON as a Matrix timeline event: read or ignored, never a panic.
    #[test]
    fn matrix_events_never_panic(v in json_value(), key in "\\PC{0,8}") {
        if let Ok(ev) = serde_json::from_value::<RawEvent>(v) {
            let _ = matrix::classify("!room:example.org", &ev, "@gather:example.org");
        }
        let _ = matrix::keycap_number(&key);
        let _ = matrix::bare_number(&key);
        let _ = matrix::mask_user(&key);
        let _ = matrix::encode(&key);
    }

    /// The keyword parser and its normalisation never panic, and a command
    /// is found the same way in its cleaned form.
    #[test]
    fn keywords_never_panic(text in messy_text()) {
        let k = locales().keywords();
        let command = k.command(&text);
        prop_assert_eq!(command, k.command(&normalize::clean(&text)));
        for tag in locales().languages() {
            let _ = k.answer(&text, tag);
        }
        let _ = normalize::keyword_form(&text);
        let _ = normalize::numbers(&text);
        let _ = normalize::word_count(&text);
        let _ = locales().resolve_language(&text);
    }

    /// The segment counter and the splitter agree: the parts join back to
    /// the text, there are as many as counted, and each fits one segment.
    #[test]
    fn segments_split_round_trips(text in prop_oneof![
        "[a-zA-Z0-9 .,!?]{0,500}",
        "[a-z €\\[\\]{}^~|\\\\]{0,500}",
        "\\PC{0,300}",
        messy_text(),
    ]) {
        let info = segments::count(&text);
        let parts = segments::split(&text);
        prop_assert_eq!(parts.concat(), text.clone());
        prop_assert_eq!(parts.len(), info.segments);
        if parts.len() > 1 {
            for p in &parts {
                // Measured in the whole message's encoding.
                let (units, limit) = match info.encoding {
                    segments::Encoding::Gsm7 => (
                        p.chars().map(|c| segments::gsm7_units(c).unwrap_or(1)).sum::<usize>(),
                        153,
                    ),
                    segments::Encoding::Ucs2 => (p.encode_utf16().count(), 67),
                };
                prop_assert!(units <= limit, "part of {units} units: {p:?}");
            }
        }
    }
}

/// A mutation of a flow file's text.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ReplaceByte(usize, u8),
    Truncate(usize),
    Insert(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (
            any::<usize>(),
            prop_oneof![
                Just(b'"'),
                Just(b'['),
                Just(b']'),
                Just(b'='),
                Just(b'\n'),
                Just(b'@'),
                Just(b':'),
                any::<u8>()
            ]
        )
            .prop_map(|(a, b)| Mutation::ReplaceByte(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (
            any::<usize>(),
            prop_oneof![
                Just("next = \"nowhere\"\n".to_string()),
                Just("[steps.x]\ntype = \"say\"\n".to_string()),
                Just("type = \"choice\"\n".to_string()),
                Just("next = \"@vote:start\"\n".to_string()),
                Just("message = \"no-such-id\"\n".to_string()),
                Just("expires = \"99999999999d\"\n".to_string()),
                Just("max = 99999999999999999999\n".to_string()),
                "\\PC{0,20}",
            ]
        )
            .prop_map(|(a, s)| Mutation::Insert(a, s)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len().max(1);
    match m {
        Mutation::DeleteLine(i) => {
            if !lines.is_empty() {
                lines.remove(i % n);
            }
        }
        Mutation::DuplicateLine(i) => {
            if let Some(l) = lines.get(i % n).cloned() {
                lines.insert(i % n, l);
            }
        }
        Mutation::SwapLines(a, b) => {
            if !lines.is_empty() {
                lines.swap(a % n, b % n);
            }
        }
        Mutation::ReplaceByte(i, b) => {
            let mut bytes = text.as_bytes().to_vec();
            if !bytes.is_empty() {
                let at = i % bytes.len();
                bytes[at] = *b;
            }
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        Mutation::Truncate(i) => {
            let cut = text
                .char_indices()
                .map(|(i, _)| i)
                .nth(i % text.len().max(1))
                .unwrap_or(0);
            return text[..cut].to_string();
        }
        Mutation::Insert(i, s) => lines.insert(i % (lines.len() + 1), s.clone()),
    }
    lines.join("\n")
}

fn flow_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("flows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

proptest! {
    /// The flow loader on a flow directory with one or two files mutated:
    /// a list of problems or flows, never a panic.
    #[test]
    fn flow_loader_never_panics_on_mutated_flows(
        picks in prop::collection::vec((any::<usize>(), prop::collection::vec(mutation(), 1..4)), 1..3),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let files = flow_files();
        for f in &files {
            std::fs::copy(f, dir.path().join(f.file_name().unwrap())).unwrap();
        }
        for (pick, mutations) in &picks {
            let target = dir.path().join(files[pick % files.len()].file_name().unwrap());
            let mut text = std::fs::read_to_string(&target).unwrap();
            for m in mutations {
                text = apply(&text, m);
            }
            std::fs::write(&target, text).unwrap();
        }
        let (flows, problems) = gather::flow::load(dir.path(), locales());
        // Either it loaded, or it says why not.
        prop_assert!(flows.is_some() || !problems.is_empty());
    }
}

#[test]
fn unmutated_flows_load() {
    let (flows, problems) = gather::flow::load(&root().join("flows"), locales());
    assert!(flows.is_some(), "{problems:?}");
    let _ = Arc::new(());
}
