//! The Matrix bot against a real Synapse homeserver on loopback.
//!
//! The harness keeps a virtualenv with `matrix-synapse` under
//! `target/peers/synapse-venv` (`.ci/run` creates it; made here if missing),
//! generates a config in a temporary directory on a free port, starts
//! Synapse, registers the bot, an organiser, alice and bob with the shared
//! registration secret, and runs Gather's sync loop in-process against it.
//! Without python3/venv/pip the test fails with a message; it never skips.

use gather::channels::matrix::{MatrixAuth, MatrixBot, MatrixConfig, encode, keycap};
use gather::config::Config;
use gather::domain::{Channel, Identity, IdentityKind, IssueRef, LanguageTag};
use gather::service::{Gather, RoundInput};
use gather::store::{IssueStatus, NewIssue};
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "gather-test-shared-secret";
const WAIT: Duration = Duration::from_secs(60);

fn venv() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let venv = root.join("target/peers/synapse-venv");
    let python = venv.join("bin/python");
    let ok = |p: &Path| {
        Command::new(p)
            .args(["-c", "import synapse, yaml"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if ok(&python) {
        return venv;
    }
    let run = |cmd: &mut Command, what: &str| {
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("Synapse harness: could not run {what}: {e}"));
        assert!(
            out.status.success(),
            "Synapse harness: {what} failed (needs python3 with venv and network access to PyPI):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        "python3 -m venv",
    );
    run(
        Command::new(venv.join("bin/pip")).args(["install", "-q", "matrix-synapse"]),
        "pip install matrix-synapse",
    );
    assert!(ok(&python), "Synapse harness: synapse still not importable");
    venv
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A running Synapse; stopped when dropped.
struct Synapse {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
}

impl Drop for Synapse {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const PATCH: &str = r#"
import sys, yaml
p, port, secret = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = yaml.safe_load(open(p))
c["listeners"] = [{"port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                   "resources": [{"names": ["client"]}]}]
c["registration_shared_secret"] = secret
c.update(trusted_key_servers=[], suppress_key_server_warning=True)
fast = lambda: {"per_second": 1000, "burst_count": 1000}
c.update(rc_message=fast(), rc_registration=fast(), rc_room_creation=fast(), rc_joins_per_room=fast(),
         rc_login={"address": fast(), "account": fast(), "failed_attempts": fast()},
         rc_joins={"local": fast(), "remote": fast()}, rc_presence={"per_user": fast()},
         rc_invites={"per_room": fast(), "per_user": fast(), "per_issuer": fast()})
yaml.safe_dump(c, open(p, "w"), sort_keys=False)
"#;

async fn start_synapse(http: &reqwest::Client) -> Synapse {
    let venv = venv();
    let python = venv.join("bin/python");
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("homeserver.yaml");
    let out = Command::new(&python)
        .current_dir(dir.path())
        .args([
            "-m",
            "synapse.app.homeserver",
            "--server-name",
            "localhost",
            "--report-stats=no",
            "--generate-config",
        ])
        .arg("--config-path")
        .arg(&cfg)
        .arg("--data-directory")
        .arg(dir.path().join("data"))
        .output()
        .expect("run synapse --generate-config");
    assert!(
        out.status.success(),
        "generate config: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let port = free_port();
    let out = Command::new(&python)
        .args(["-c", PATCH])
        .arg(&cfg)
        .arg(port.to_string())
        .arg(SECRET)
        .output()
        .expect("patch config");
    assert!(
        out.status.success(),
        "patch config: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = std::fs::File::create(dir.path().join("out.log")).expect("log file");
    let child = Command::new(&python)
        .current_dir(dir.path())
        .args(["-m", "synapse.app.homeserver", "-c"])
        .arg(&cfg)
        .stdout(Stdio::from(log.try_clone().expect("log")))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("start synapse");
    let syn = Synapse {
        child,
        base: format!("http://127.0.0.1:{port}"),
        dir,
    };
    let deadline = Instant::now() + WAIT;
    loop {
        let up = http
            .get(format!("{}/_matrix/client/versions", syn.base))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if up {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Synapse did not start; log:\n{}",
            std::fs::read_to_string(syn.dir.path().join("out.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    syn
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn req(&self, method: reqwest::Method, path: &str, token: &str, body: Value) -> Value {
        let mut r = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if !token.is_empty() {
            r = r.bearer_auth(token);
        }
        if method != reqwest::Method::GET {
            r = r.json(&body);
        }
        let resp = r.send().await.expect("request");
        let status = resp.status();
        let v: Value = resp.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{method} {path}: {status} {v}");
        v
    }

    async fn register(&self, user: &str) -> String {
        let nonce = self
            .req(
                reqwest::Method::GET,
                "/_synapse/admin/v1/register",
                "",
                Value::Null,
            )
            .await["nonce"]
            .as_str()
            .expect("nonce")
            .to_string();
        let password = format!("{user}-pw-123");
        let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(SECRET.as_bytes()).expect("hmac");
        mac.update(format!("{nonce}\0{user}\0{password}\0notadmin").as_bytes());
        let digest: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let v = self
            .req(
                reqwest::Method::POST,
                "/_synapse/admin/v1/register",
                "",
                json!({"nonce": nonce, "username": user, "password": password,
                       "admin": false, "mac": digest}),
            )
            .await;
        v["access_token"].as_str().expect("token").to_string()
    }

    async fn create_room(&self, token: &str, invite: &[&str], direct: bool) -> String {
        let v = self
            .req(
                reqwest::Method::POST,
                "/_matrix/client/v3/createRoom",
                token,
                json!({"preset": "private_chat", "invite": invite, "is_direct": direct}),
            )
            .await;
        v["room_id"].as_str().expect("room id").to_string()
    }

    async fn join(&self, token: &str, room: &str) {
        self.req(
            reqwest::Method::POST,
            &format!("/_matrix/client/v3/join/{}", encode(room)),
            token,
            json!({}),
        )
        .await;
    }

    async fn send(&self, token: &str, room: &str, kind: &str, content: Value) -> String {
        let txn = format!("t{}", rand_id());
        let v = self
            .req(
                reqwest::Method::PUT,
                &format!(
                    "/_matrix/client/v3/rooms/{}/send/{kind}/{txn}",
                    encode(room)
                ),
                token,
                content,
            )
            .await;
        v["event_id"].as_str().expect("event id").to_string()
    }

    async fn text(&self, token: &str, room: &str, body: &str) -> String {
        self.send(
            token,
            room,
            "m.room.message",
            json!({"msgtype": "m.text", "body": body}),
        )
        .await
    }

    async fn members(&self, token: &str, room: &str) -> usize {
        let v = self
            .req(
                reqwest::Method::GET,
                &format!("/_matrix/client/v3/rooms/{}/joined_members", encode(room)),
                token,
                Value::Null,
            )
            .await;
        v["joined"].as_object().map(|o| o.len()).unwrap_or(0)
    }

    /// The room's recent events, newest first.
    async fn events(&self, token: &str, room: &str) -> Vec<Value> {
        let v = self
            .req(
                reqwest::Method::GET,
                &format!(
                    "/_matrix/client/v3/rooms/{}/messages?dir=b&limit=100",
                    encode(room)
                ),
                token,
                Value::Null,
            )
            .await;
        v["chunk"].as_array().cloned().unwrap_or_default()
    }

    /// Waits for a new notice from `bot` in `room` containing `needle`
    /// (not one of `seen`); returns its body.
    async fn notice(
        &self,
        token: &str,
        room: &str,
        bot: &str,
        needle: &str,
        seen: &mut HashSet<String>,
    ) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            for e in self.events(token, room).await.iter().rev() {
                let id = e["event_id"].as_str().unwrap_or("").to_string();
                if e["sender"] == bot
                    && e["content"]["msgtype"] == "m.notice"
                    && !seen.contains(&id)
                {
                    let body = e["content"]["body"].as_str().unwrap_or("").to_string();
                    if body.contains(needle) {
                        seen.insert(id);
                        return body;
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "no notice containing {needle:?} from the bot"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn rand_id() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    t ^ u128::from(N.fetch_add(1, Ordering::Relaxed))
}

async fn gather_app(dir: &Path) -> Gather {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let env: BTreeMap<String, String> = [
        (
            "GATHER_DATABASE_URL",
            format!("sqlite://{}", dir.join("g.db").display()),
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
    let config = Config::from_sources(None, &env).expect("config");
    gather::app::build(&config).await.expect("gather")
}

async fn ballot(g: &Gather, user: &str, round: i64) -> Option<Vec<IssueRef>> {
    let mut tx = g.store.begin().await.expect("tx");
    let identity = Identity {
        kind: IdentityKind::Matrix,
        address: user.to_string(),
    };
    let person = tx.person_by_identity(&identity).await.expect("person")?;
    let b = tx.ballot(round, person.id).await.expect("ballot");
    tx.commit().await.expect("commit");
    b
}

async fn wait_ballot(g: &Gather, user: &str, round: i64, want: &[IssueRef]) {
    let deadline = Instant::now() + WAIT;
    loop {
        if ballot(g, user, round).await.as_deref() == Some(want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "ballot of {user} never became {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_members(c: &Client, token: &str, room: &str, n: usize) {
    let deadline = Instant::now() + WAIT;
    while c.members(token, room).await < n {
        assert!(Instant::now() < deadline, "room never reached {n} members");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_bot_against_synapse() {
    gather::channels::install_crypto_provider();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let synapse = start_synapse(&http).await;
    let c = Client {
        http,
        base: synapse.base.clone(),
    };
    c.register("gatherbot").await;
    let org = c.register("org").await;
    let alice = c.register("alice").await;
    let bob = c.register("bob").await;
    let bot_id = "@gatherbot:localhost";

    let dir = tempfile::tempdir().expect("tempdir");
    let g = gather_app(dir.path()).await;
    let bot = MatrixBot::connect(
        g.clone(),
        &MatrixConfig {
            homeserver: synapse.base.clone(),
            auth: MatrixAuth::Password {
                user: "gatherbot".into(),
                password: "gatherbot-pw-123".into(),
            },
            organisers: vec!["@org:localhost".into()],
            sync_timeout: Duration::from_millis(500),
        },
    )
    .await
    .expect("bot signs in");
    assert_eq!(bot.user_id(), bot_id);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(bot.run(stopped));

    // Alice raises an issue in a direct room.
    let dm = c.create_room(&alice, &[bot_id], true).await;
    wait_members(&c, &alice, &dm, 2).await;
    let mut seen = HashSet::new();
    c.text(
        &alice,
        &dm,
        "The walk-in clinic on the high street closes before people finish work",
    )
    .await;
    c.notice(&alice, &dm, bot_id, "postcode", &mut seen).await;
    c.text(&alice, &dm, "SE15").await;
    c.notice(&alice, &dm, bot_id, "How are you involved", &mut seen)
        .await;
    c.text(&alice, &dm, "1").await;
    c.notice(&alice, &dm, bot_id, "You said", &mut seen).await;
    c.text(&alice, &dm, "yes").await;
    let created = c.notice(&alice, &dm, bot_id, "G-1001", &mut seen).await;
    assert!(created.contains("G-1001"), "{created}");

    // A second issue (raised by SMS), both approved, and a round opened.
    let first: IssueRef = "G-1001".parse().expect("ref");
    let second: IssueRef = {
        let mut tx = g.store.begin().await.expect("tx");
        let number = tx.next_issue_number().await.expect("number");
        tx.create_issue(&NewIssue {
            number,
            description: "More evening GP appointments please".into(),
            title: "Evening GP appointments".into(),
            area: None,
            involvement: None,
            language: LanguageTag::parse("en-GB").expect("tag"),
            channel: Channel::Sms,
            raised_by: None,
            created_at: g.clock.now(),
            safeguarding: false,
        })
        .await
        .expect("issue");
        tx.commit().await.expect("commit");
        format!("G-{number}").parse().expect("ref")
    };
    for r in [first, second] {
        g.set_issue_status(r, IssueStatus::Approved, None)
            .await
            .expect("approve");
    }
    let round = g
        .open_round(RoundInput {
            title: "Spring priorities".into(),
            items: vec![first, second],
            max_choices: 1,
            closes_at: None,
        })
        .await
        .expect("round");

    // The organiser posts the round in a group room.
    let group = c
        .create_room(&org, &[bot_id, "@alice:localhost", "@bob:localhost"], false)
        .await;
    c.join(&alice, &group).await;
    c.join(&bob, &group).await;
    wait_members(&c, &org, &group, 4).await;
    let mut group_seen = HashSet::new();
    // A non-organiser cannot post it; chatter is left alone.
    c.text(&bob, &group, "!round post").await;
    c.text(&alice, &group, "hello everyone, shall we vote?")
        .await;
    c.text(&org, &group, "!round post").await;
    let shortlist = c
        .notice(&org, &group, bot_id, "Spring priorities", &mut group_seen)
        .await;
    assert!(shortlist.contains("Evening GP appointments"), "{shortlist}");
    let post = c
        .events(&org, &group)
        .await
        .into_iter()
        .find(|e| e["sender"] == bot_id && e["content"]["msgtype"] == "m.notice")
        .and_then(|e| e["event_id"].as_str().map(str::to_string))
        .expect("the post");

    // Alice votes by number, bob by keycap reaction.
    c.text(&alice, &group, "1").await;
    wait_ballot(&g, "@alice:localhost", round.id, &[first]).await;
    let react = |key: String| json!({"m.relates_to": {"rel_type": "m.annotation", "event_id": post, "key": key}});
    c.send(
        &bob,
        &group,
        "m.reaction",
        react(keycap(2).expect("keycap")),
    )
    .await;
    wait_ballot(&g, "@bob:localhost", round.id, &[second]).await;
    // An unknown emoji changes nothing.
    c.send(&alice, &group, "m.reaction", react("👍".into()))
        .await;
    // Alice changes her mind: the new vote replaces the old one.
    c.send(
        &alice,
        &group,
        "m.reaction",
        react(keycap(2).expect("keycap")),
    )
    .await;
    wait_ballot(&g, "@alice:localhost", round.id, &[second]).await;

    // The round closes; the results appear in the room.
    let results = g.close_round(round.id).await.expect("close");
    let votes: Vec<i64> = results.iter().map(|r| r.votes).collect();
    assert_eq!(votes.iter().sum::<i64>(), 2, "{results:?}");
    let winner = results.iter().find(|r| r.rank == 1).expect("a winner");
    assert_eq!(winner.issue_ref, second);
    assert_eq!(winner.votes, 2);
    let posted = c
        .notice(&org, &group, bot_id, "Results of", &mut group_seen)
        .await;
    assert!(posted.contains("Evening GP appointments (2)"), "{posted}");

    // The bot answered in the group only to the organiser's command and
    // the results (votes get a ✅ reaction, chatter nothing).
    let notices = c
        .events(&org, &group)
        .await
        .into_iter()
        .filter(|e| e["sender"] == bot_id && e["content"]["msgtype"] == "m.notice")
        .count();
    assert_eq!(notices, 2);

    let _ = stop.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
    drop(synapse);
}

/// Stands in for Discord's REST API: records each request, answers a DM
/// channel for `POST /users/@me/channels` and a message id for messages.
mod discord_recorder {
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::routing::post;
    use axum::{Json, Router};
    use serde_json::{Value, json};
    use std::sync::{Arc, Mutex};

    pub type Log = Arc<Mutex<Vec<(String, String, Value)>>>;

    fn auth(h: &HeaderMap) -> String {
        h.get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }

    pub async fn start() -> (String, Log) {
        let log: Log = Arc::default();
        let app = Router::new()
            .route(
                "/api/v10/users/@me/channels",
                post(
                    |State(log): State<Log>, h: HeaderMap, Json(b): Json<Value>| async move {
                        let user = b["recipient_id"].as_str().unwrap_or("").to_string();
                        log.lock().unwrap().push(("dm".into(), auth(&h), b));
                        Json(json!({"id": format!("dm-{user}"), "type": 1}))
                    },
                ),
            )
            .route(
                "/api/v10/channels/{id}/messages",
                post(
                    |State(log): State<Log>,
                     Path(id): Path<String>,
                     h: HeaderMap,
                     Json(b): Json<Value>| async move {
                        let mut l = log.lock().unwrap();
                        l.push((format!("message:{id}"), auth(&h), b));
                        Json(json!({"id": format!("m{}", l.len()), "channel_id": id}))
                    },
                ),
            )
            .with_state(log.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (format!("http://{addr}/api/v10"), log)
    }
}

/// Records SMS instead of sending them.
#[derive(Default)]
struct SmsRecorder(std::sync::Mutex<Vec<(String, String)>>);

#[async_trait::async_trait]
impl gather::outbox::Sender for SmsRecorder {
    fn name(&self) -> &'static str {
        "recorder"
    }
    fn rate_key(&self) -> String {
        "recorder".into()
    }
    async fn send(
        &self,
        msg: &gather::outbox::Outgoing,
    ) -> Result<gather::outbox::Accepted, gather::outbox::SendError> {
        self.0
            .lock()
            .unwrap()
            .push((msg.to.clone(), msg.text.clone()));
        Ok(gather::outbox::Accepted {
            provider_id: format!("rec-{}", msg.id),
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_reaches_sms_matrix_and_discord_followers_in_their_own_languages() {
    use gather::channels::chat_send::{DiscordSender, MatrixSender};
    use gather::outbox::{Worker, WorkerOptions};
    use gather::service::ResponseInput;
    use gather::store::ResponseStatus;
    use std::sync::Arc;

    gather::channels::install_crypto_provider();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let synapse = start_synapse(&http).await;
    let c = Client {
        http,
        base: synapse.base.clone(),
    };
    c.register("gatherbot").await;
    let alice = c.register("alice").await;
    let bob = c.register("bob").await;
    let bot_id = "@gatherbot:localhost";
    let dir = tempfile::tempdir().expect("tempdir");
    let g = gather_app(dir.path()).await;
    let matrix = MatrixConfig {
        homeserver: synapse.base.clone(),
        auth: MatrixAuth::Password {
            user: "gatherbot".into(),
            password: "gatherbot-pw-123".into(),
        },
        organisers: vec![],
        sync_timeout: Duration::from_millis(500),
    };
    let bot = MatrixBot::connect(g.clone(), &matrix)
        .await
        .expect("bot signs in");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(bot.run(stopped));

    // Alice talks to the bot in a DM and switches to Polish there.
    let dm = c.create_room(&alice, &[bot_id], true).await;
    wait_members(&c, &alice, &dm, 2).await;
    let mut seen = HashSet::new();
    c.text(&alice, &dm, "LANGUAGE polski").await;
    c.notice(&alice, &dm, bot_id, "", &mut seen).await;

    // An issue; bob (Matrix, Spanish, never talked to the bot), a Discord
    // user (Romanian) and a phone (Italian) follow it, and so does alice.
    let lang = |t: &str| LanguageTag::parse(t).expect("tag");
    let issue: IssueRef = {
        let mut tx = g.store.begin().await.expect("tx");
        let number = tx.next_issue_number().await.expect("number");
        tx.create_issue(&NewIssue {
            number,
            description: "The night bus to the hospital was cancelled".into(),
            title: "Night bus".into(),
            area: None,
            involvement: None,
            language: lang("en-GB"),
            channel: Channel::Sms,
            raised_by: None,
            created_at: g.clock.now(),
            safeguarding: false,
        })
        .await
        .expect("issue");
        let r: IssueRef = format!("G-{number}").parse().expect("ref");
        let now = g.clock.now();
        let alice_p = tx
            .person_by_identity(&Identity {
                kind: IdentityKind::Matrix,
                address: "@alice:localhost".into(),
            })
            .await
            .expect("person")
            .expect("alice is known");
        assert_eq!(alice_p.language, lang("pl"), "LANGUAGE in the DM");
        tx.follow(alice_p.id, r, now).await.expect("follow");
        for (kind, address, tag) in [
            (IdentityKind::Matrix, "@bob:localhost", "es"),
            (IdentityKind::Discord, "80351110224678912", "ro"),
            (IdentityKind::Phone, "+447700900123", "it"),
        ] {
            let p = tx
                .create_person(
                    &Identity {
                        kind,
                        address: address.into(),
                    },
                    &lang(tag),
                    now,
                )
                .await
                .expect("person");
            tx.follow(p.id, r, now).await.expect("follow");
        }
        tx.commit().await.expect("commit");
        r
    };
    let texts = [
        ("en-GB", "The night bus comes back in May."),
        ("pl", "Nocny autobus wraca w maju."),
        ("es", "El autobús nocturno vuelve en mayo."),
        ("ro", "Autobuzul de noapte revine în mai."),
        ("it", "L'autobus notturno torna a maggio."),
    ];
    let recorded = g
        .record_response(ResponseInput {
            issue,
            status: ResponseStatus::Committed,
            progress: None,
            texts: texts
                .iter()
                .map(|(t, s)| (lang(t), s.to_string()))
                .collect(),
        })
        .await
        .expect("response");
    assert_eq!(recorded.recipients, 4);

    // One worker per channel, as `gather serve` starts them.
    let (discord_base, discord_log) = discord_recorder::start().await;
    let sms = Arc::new(SmsRecorder::default());
    let options = WorkerOptions {
        rate_per_second: 50.0,
        quiet_hours: None,
        ..WorkerOptions::default()
    };
    let matrix_sender =
        Arc::new(MatrixSender::new(g.clone(), &matrix, Duration::from_secs(15)).expect("matrix"));
    let discord_sender = Arc::new(
        DiscordSender::new(
            g.clone(),
            &discord_base,
            "discord-bot-token",
            Duration::from_secs(15),
        )
        .expect("discord"),
    );
    let workers = [
        (
            matrix_sender.clone() as Arc<dyn gather::outbox::Sender>,
            Channel::Matrix,
        ),
        (discord_sender, Channel::Discord),
        (sms.clone(), Channel::Sms),
    ];
    for (sender, channel) in workers {
        let w = Worker::new(
            g.store.clone(),
            sender,
            channel,
            g.clock.clone(),
            options.clone(),
        );
        let d = w.drain_until_idle().await.expect("drain");
        let want = if channel == Channel::Matrix { 2 } else { 1 };
        assert_eq!(d.sent, want, "{channel:?}: {d:?}");
    }

    // Alice reads it in Polish in her DM with the bot.
    let polish = c
        .notice(
            &alice,
            &dm,
            bot_id,
            "Nocny autobus wraca w maju.",
            &mut seen,
        )
        .await;
    assert!(!polish.contains("The night bus"), "{polish}");

    // Bob is invited to a new direct room and reads it in Spanish.
    let deadline = Instant::now() + WAIT;
    let invited = loop {
        let v = c
            .req(
                reqwest::Method::GET,
                "/_matrix/client/v3/sync?timeout=0",
                &bob,
                Value::Null,
            )
            .await;
        if let Some(room) = v["rooms"]["invite"]
            .as_object()
            .and_then(|o| o.keys().next().cloned())
        {
            break room;
        }
        assert!(Instant::now() < deadline, "bob was never invited");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    c.join(&bob, &invited).await;
    let mut bob_seen = HashSet::new();
    c.notice(
        &bob,
        &invited,
        bot_id,
        "El autobús nocturno vuelve en mayo.",
        &mut bob_seen,
    )
    .await;

    // A retried send is the same event (the transaction id comes from the
    // outbox id), so nobody reads it twice.
    let again = gather::outbox::Outgoing {
        id: 424242,
        to: "@bob:localhost".into(),
        text: "retry check".into(),
        template: None,
    };
    use gather::outbox::Sender as _;
    let first_send = matrix_sender.send(&again).await.expect("send");
    let second_send = matrix_sender.send(&again).await.expect("send again");
    assert_eq!(first_send, second_send);
    // Also after a restart (the outbox's crash window): a new sender signs
    // in again, a new access token for the same device, and the homeserver
    // still knows the transaction.
    let restarted = MatrixSender::new(g.clone(), &matrix, Duration::from_secs(15)).expect("matrix");
    let after_restart = restarted.send(&again).await.expect("send after a restart");
    assert_eq!(after_restart, first_send);

    // Discord: a DM channel opened with the bot token, then the Romanian text.
    let log = discord_log.lock().unwrap().clone();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[0].0, "dm");
    assert_eq!(log[0].1, "Bot discord-bot-token");
    assert_eq!(log[0].2["recipient_id"], "80351110224678912");
    assert_eq!(log[1].0, "message:dm-80351110224678912");
    let content = log[1].2["content"].as_str().unwrap_or("");
    assert!(
        content.contains("Autobuzul de noapte revine în mai."),
        "{content}"
    );
    assert_eq!(log[1].2["enforce_nonce"], true);

    // SMS: one short Italian notice to the phone (the whole text is on
    // UPDATES); chat got the whole text above.
    let texts_sent = sms.0.lock().unwrap().clone();
    assert_eq!(texts_sent.len(), 1);
    assert_eq!(texts_sent[0].0, "+447700900123");
    assert_eq!(
        texts_sent[0].1,
        "Notizie su G-1001: il Consiglio si è impegnato ad agire. Invia NOTIZIE per leggerle.",
        "{texts_sent:?}"
    );

    let _ = stop.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
    drop(synapse);
}

/// Containment on Matrix (issue 16): a turn that panics gets the person an
/// apology and the menu and the bot goes on answering the next person; an
/// event that panics outside the turn ("poison") is tried a bounded number
/// of times, across restarts, then recorded as failed and never again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_turn_and_a_poison_event_do_not_stop_the_bot() {
    use gather::channels::matrix::{EVENT_TRIES, event_key};
    use gather::engine::Content;
    use gather::service::FaultPoint;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    gather::channels::install_crypto_provider();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let synapse = start_synapse(&http).await;
    let c = Client {
        http,
        base: synapse.base.clone(),
    };
    c.register("gatherbot").await;
    let alice = c.register("alice").await;
    let bob = c.register("bob").await;
    let bot_id = "@gatherbot:localhost";
    let dir = tempfile::tempdir().expect("tempdir");
    let mut g = gather_app(dir.path()).await;
    // The test-only fault hook: "PANIC" panics inside the turn, "POISON"
    // panics before it (like a bug in the bot's own code would).
    let turn_panics = Arc::new(AtomicU32::new(0));
    let poison_tries = Arc::new(AtomicU32::new(0));
    let (tp, pt) = (turn_panics.clone(), poison_tries.clone());
    g.fault = Some(Arc::new(move |point, content: &Content| {
        let Content::Text(t) = content else {
            return false;
        };
        let counter = match point {
            FaultPoint::Turn if t.contains("PANIC") => &tp,
            FaultPoint::Inbound if t.contains("POISON") => &pt,
            _ => return false,
        };
        counter.fetch_add(1, Ordering::SeqCst);
        true
    }));
    let config = MatrixConfig {
        homeserver: synapse.base.clone(),
        auth: MatrixAuth::Password {
            user: "gatherbot".into(),
            password: "gatherbot-pw-123".into(),
        },
        organisers: vec![],
        sync_timeout: Duration::from_millis(500),
    };
    let connect = || async {
        MatrixBot::connect(g.clone(), &config)
            .await
            .expect("bot signs in")
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(connect().await.run(stopped));

    let alice_dm = c.create_room(&alice, &[bot_id], true).await;
    let bob_dm = c.create_room(&bob, &[bot_id], true).await;
    wait_members(&c, &alice, &alice_dm, 2).await;
    wait_members(&c, &bob, &bob_dm, 2).await;
    let (mut alice_seen, mut bob_seen) = (HashSet::new(), HashSet::new());

    // Alice's turn panics: she gets the apology and the menu...
    c.text(&alice, &alice_dm, "hello").await;
    c.notice(&alice, &alice_dm, bot_id, "Welcome", &mut alice_seen)
        .await;
    c.text(&alice, &alice_dm, "PANIC now").await;
    let apology = c
        .notice(
            &alice,
            &alice_dm,
            bot_id,
            "Sorry, something went wrong",
            &mut alice_seen,
        )
        .await;
    c.notice(
        &alice,
        &alice_dm,
        bot_id,
        "What would you like to do?",
        &mut alice_seen,
    )
    .await;
    assert_eq!(turn_panics.load(Ordering::SeqCst), 1, "{apology}");
    // ...and the bot answers the next person, and her next message.
    c.text(&bob, &bob_dm, "hello").await;
    c.notice(&bob, &bob_dm, bot_id, "Welcome", &mut bob_seen)
        .await;
    c.text(&alice, &alice_dm, "1").await;
    c.notice(
        &alice,
        &alice_dm,
        bot_id,
        "What is the problem",
        &mut alice_seen,
    )
    .await;
    let _ = stop.send(true);
    task.await.expect("the sync loop ends cleanly");
    assert_eq!(turn_panics.load(Ordering::SeqCst), 1);

    // A poison event: the first bot tries it once, then "crashes" (is
    // dropped) before the batch's position is saved.
    let poison = c.text(&alice, &alice_dm, "POISON").await;
    let deadline = Instant::now() + WAIT;
    {
        let mut bot = connect().await;
        while poison_tries.load(Ordering::SeqCst) == 0 {
            assert!(Instant::now() < deadline, "the poison event never came");
            let _ = bot.sync_once().await;
        }
    }
    assert_eq!(poison_tries.load(Ordering::SeqCst), 1);
    // After the restart it comes again with its batch, is tried until the
    // limit, recorded as failed, and the position moves on.
    {
        let mut bot = connect().await;
        while poison_tries.load(Ordering::SeqCst) < EVENT_TRIES {
            assert!(
                Instant::now() < deadline,
                "the poison event was not retried"
            );
            let _ = bot.sync_once().await;
        }
    }
    assert_eq!(
        g.chat_state(&event_key(&poison))
            .await
            .expect("marker")
            .as_deref(),
        Some("failed")
    );
    // Another restart: the bot answers bob, and the poison never returns.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(connect().await.run(stopped));
    c.text(&bob, &bob_dm, "HELP").await;
    c.notice(&bob, &bob_dm, bot_id, "", &mut bob_seen).await;
    c.text(&alice, &alice_dm, "MENU").await;
    c.notice(
        &alice,
        &alice_dm,
        bot_id,
        "What would you like to do?",
        &mut alice_seen,
    )
    .await;
    let _ = stop.send(true);
    task.await.expect("the sync loop ends cleanly");
    assert_eq!(poison_tries.load(Ordering::SeqCst), EVENT_TRIES);
    assert_eq!(turn_panics.load(Ordering::SeqCst), 1);
}
