//! End to end against a real Kannel (Debian's `kannel` and `kannel-extras`):
//! bearerbox with a fake SMSC, smsbox whose `sms-service` get-url points at
//! Gather, and this test as the phone on the fake SMSC's port. Gather
//! answers through the outbox and Kannel's `sendsms`; Kannel reports
//! delivery back on the dlr-url.
//!
//! The test starts and stops Kannel itself, on free ports, with its
//! configuration in a temporary directory. `.ci/run` installs the packages.

use gather::channels::segments::{self, Encoding};
use gather::config::Config;
use gather::http::Webhooks;
use gather::service::Gather;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::mpsc;

const BEARERBOX: &str = "/usr/sbin/bearerbox";
const SMSBOX: &str = "/usr/sbin/smsbox";
const SECRET: &str = "kannel-test-secret-0123456789";
const SENDSMS_PASSWORD: &str = "sendsms-test-password";
const SHORT_CODE: &str = "4790";
const ENGLISH_PHONE: &str = "+447700900123";
const POLISH_PHONE: &str = "+48600111222";
const ARABIC_PHONE: &str = "+447700900777";
/// Bounds for every wait; the loops poll much more often than this.
const START_TIMEOUT: Duration = Duration::from_secs(20);
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(50);

fn require_kannel() {
    assert!(
        Path::new(BEARERBOX).exists() && Path::new(SMSBOX).exists(),
        "Kannel is not installed ({BEARERBOX} is missing). This test runs a real Kannel: \
         run `.ci/run`, or `apt-get install kannel kannel-extras` (Debian/Ubuntu)."
    );
}

/// A port nothing listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Polls `ready` every [`POLL`] until it is true or `timeout` passes.
async fn wait_until<F, Fut>(what: &str, timeout: Duration, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    while !ready().await {
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}

async fn listening(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).await.is_ok()
}

/// bearerbox and smsbox, killed (and their logs shown if the test failed)
/// when this goes out of scope, whatever happened.
struct Kannel {
    dir: PathBuf,
    children: Vec<(&'static str, Child)>,
    fake_port: u16,
    sendsms_port: u16,
}

impl Kannel {
    async fn start(dir: &Path, gather_port: u16) -> Kannel {
        let (admin, boxes, fake, sendsms) = (free_port(), free_port(), free_port(), free_port());
        let d = dir.display();
        // The get-url authenticates with basic auth; the dlr-url Gather
        // builds uses `secret=`: both ways are exercised.
        let conf = format!(
            r#"group = core
admin-port = {admin}
admin-interface = 127.0.0.1
admin-password = admin-test-password
smsbox-port = {boxes}
smsbox-interface = 127.0.0.1
log-file = "{d}/bearerbox.log"
log-level = 0
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {fake}
our-host = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {boxes}
sendsms-port = {sendsms}
sendsms-interface = 127.0.0.1
mo-recode = false
log-file = "{d}/smsbox.log"
log-level = 0

group = sendsms-user
username = gather
password = {SENDSMS_PASSWORD}
max-messages = 10
concatenation = true

group = sms-service
keyword = default
get-url = "http://kannel:{SECRET}@127.0.0.1:{gather_port}/webhooks/kannel/sms?from=%p&to=%P&text=%b&id=%I&coding=%c&charset=%C"
max-messages = 0
omit-empty = true
"#
        );
        let conf_path = dir.join("kannel.conf");
        std::fs::write(&conf_path, conf).expect("write kannel.conf");
        let mut kannel = Kannel {
            dir: dir.to_path_buf(),
            children: Vec::new(),
            fake_port: fake,
            sendsms_port: sendsms,
        };
        kannel.spawn("bearerbox", BEARERBOX, &conf_path);
        // smsbox gives up at once if bearerbox is not listening yet.
        wait_until("bearerbox's smsbox port", START_TIMEOUT, || {
            listening(boxes)
        })
        .await;
        kannel.spawn("smsbox", SMSBOX, &conf_path);
        wait_until("smsbox's sendsms port", START_TIMEOUT, || {
            listening(sendsms)
        })
        .await;
        wait_until("the fake SMSC's port", START_TIMEOUT, || listening(fake)).await;
        kannel
    }

    fn spawn(&mut self, name: &'static str, program: &str, conf: &Path) {
        let out = std::fs::File::create(self.dir.join(format!("{name}.out"))).expect("log file");
        let err = out.try_clone().expect("log file");
        let child = Command::new(program)
            .arg("-v")
            .arg("1")
            .arg(conf)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        self.children.push((name, child));
    }

    fn sendsms_url(&self) -> String {
        format!("http://127.0.0.1:{}/cgi-bin/sendsms", self.sendsms_port)
    }

    fn log_tails(&self) -> String {
        let mut out = String::new();
        for name in ["bearerbox.log", "smsbox.log", "bearerbox.out", "smsbox.out"] {
            let text = std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = &lines[lines.len().saturating_sub(40)..];
            let _ = writeln!(out, "--- {name} (last {} lines)", tail.len());
            for line in tail {
                let _ = writeln!(out, "{line}");
            }
        }
        out
    }
}

impl Drop for Kannel {
    fn drop(&mut self) {
        // smsbox first, then bearerbox; wait for each so no process outlives
        // the test or its temporary directory.
        for (name, child) in self.children.iter_mut().rev() {
            if let Err(e) = child.kill() {
                eprintln!("cannot stop {name}: {e}");
            }
            let _ = child.wait();
        }
        if std::thread::panicking() {
            eprintln!("Kannel's logs:\n{}", self.log_tails());
        }
    }
}

/// A message the phone received (MT), reassembled if it came in parts.
#[derive(Debug, Clone)]
struct Mt {
    to: String,
    text: String,
    ucs2: bool,
}

/// This test as the handset: one connection to the fake SMSC. It writes
/// `SENDER RECEIVER TYPE DATA` lines (MO) and reads lines of the same shape
/// (MT).
struct Phone {
    writer: OwnedWriteHalf,
    received: mpsc::UnboundedReceiver<Mt>,
    seen: Vec<Mt>,
}

impl Phone {
    async fn connect(port: u16) -> Phone {
        let deadline = Instant::now() + START_TIMEOUT;
        let stream = loop {
            match TcpStream::connect(("127.0.0.1", port)).await {
                Ok(s) => break s,
                Err(e) => {
                    assert!(
                        Instant::now() < deadline,
                        "cannot connect to the fake SMSC: {e}"
                    );
                    tokio::time::sleep(POLL).await;
                }
            }
        };
        let (read, writer) = stream.into_split();
        let (tx, received) = mpsc::unbounded_channel();
        tokio::spawn(read_mt(BufReader::new(read), tx));
        Phone {
            writer,
            received,
            seen: Vec::new(),
        }
    }

    /// Sends a GSM text message (one line, as `fakesmsc` does).
    async fn text(&mut self, from: &str, text: &str) {
        assert!(!text.contains('\n'));
        self.line(format!("{from} {SHORT_CODE} text {text}\n"))
            .await;
    }

    /// Sends a UCS-2 message: UTF-16BE bytes, percent-encoded.
    async fn ucs2(&mut self, from: &str, text: &str) {
        let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let data: String = bytes.iter().map(|b| format!("%{b:02X}")).collect();
        self.line(format!("{from} {SHORT_CODE} ucs2 {data}\n"))
            .await;
    }

    async fn line(&mut self, line: String) {
        self.writer
            .write_all(line.as_bytes())
            .await
            .expect("write to the fake SMSC");
    }

    /// Waits until `count` messages in all have arrived for `to`.
    async fn wait_for_count(&mut self, to: &str, count: usize) -> Vec<Mt> {
        let deadline = tokio::time::Instant::now() + REPLY_TIMEOUT;
        loop {
            let mine: Vec<Mt> = self.seen.iter().filter(|m| m.to == to).cloned().collect();
            if mine.len() >= count {
                return mine;
            }
            match tokio::time::timeout_at(deadline, self.received.recv()).await {
                Ok(Some(mt)) => self.seen.push(mt),
                Ok(None) => panic!("the fake SMSC closed the connection; got {:#?}", self.seen),
                Err(_) => panic!(
                    "timed out waiting for message {count} to {to}; got {:#?}",
                    self.seen
                ),
            }
        }
    }
}

/// Reads MT lines. A `text` line ends at a newline even when the message
/// has more lines, so lines that do not start a message continue the one
/// before; a message is complete when the next starts or the line goes
/// quiet. Parts of a concatenated message (`udh … data …`) are joined by
/// their reference.
async fn read_mt(
    mut reader: BufReader<tokio::net::tcp::OwnedReadHalf>,
    tx: mpsc::UnboundedSender<Mt>,
) {
    let mut current: Option<Mt> = None;
    let mut parts: BTreeMap<(String, u16), Vec<Option<Vec<u8>>>> = BTreeMap::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let read = tokio::time::timeout(
            Duration::from_millis(200),
            reader.read_until(b'\n', &mut buf),
        )
        .await;
        let line = match read {
            Err(_) => {
                // Quiet: the message being read is complete.
                if let Some(m) = current.take() {
                    let _ = tx.send(m);
                }
                continue;
            }
            Ok(Ok(0)) | Ok(Err(_)) => {
                if let Some(m) = current.take() {
                    let _ = tx.send(m);
                }
                return;
            }
            Ok(Ok(_)) => String::from_utf8_lossy(&buf)
                .trim_end_matches(['\n', '\r'])
                .to_string(),
        };
        let fields: Vec<&str> = line.splitn(4, ' ').collect();
        let starts_message = fields.len() >= 3
            && fields[0] == SHORT_CODE
            && fields[1].starts_with('+')
            && matches!(fields[2], "text" | "data" | "ucs-2" | "udh");
        if !starts_message {
            match current.as_mut() {
                Some(m) => {
                    m.text.push('\n');
                    m.text.push_str(&line);
                }
                None => eprintln!("phone: unexpected line {line:?}"),
            }
            continue;
        }
        if let Some(m) = current.take() {
            let _ = tx.send(m);
        }
        let to = fields[1].to_string();
        let rest = fields.get(3).copied().unwrap_or("");
        match fields[2] {
            "text" => {
                current = Some(Mt {
                    to,
                    text: rest.to_string(),
                    ucs2: false,
                })
            }
            "data" => {
                let _ = tx.send(Mt {
                    to,
                    text: String::from_utf8_lossy(&url_decode(rest)).into_owned(),
                    ucs2: false,
                });
            }
            "ucs-2" => {
                let _ = tx.send(Mt {
                    to,
                    text: utf16be(&url_decode(rest)),
                    ucs2: true,
                });
            }
            _ => {
                // `udh <udh> data <bytes>`: the coding is not shown, so
                // UCS-2 is told apart by its NUL bytes (every ASCII
                // character has one in UTF-16BE; GSM text has none).
                let mut it = rest.splitn(3, ' ');
                let (udh, data) = match (it.next(), it.next(), it.next()) {
                    (Some(udh), Some(_), Some(data)) => (url_decode(udh), url_decode(data)),
                    _ => {
                        eprintln!("phone: unreadable udh line {line:?}");
                        continue;
                    }
                };
                let Some((reference, total, seq)) = concat_info(&udh) else {
                    eprintln!("phone: udh without concatenation {line:?}");
                    continue;
                };
                let slots = parts
                    .entry((to.clone(), reference))
                    .or_insert_with(|| vec![None; usize::from(total)]);
                if let Some(slot) = slots.get_mut(usize::from(seq).saturating_sub(1)) {
                    *slot = Some(data);
                }
                if slots.iter().all(Option::is_some) {
                    let Some(slots) = parts.remove(&(to.clone(), reference)) else {
                        continue;
                    };
                    let bytes: Vec<u8> = slots.into_iter().flatten().flatten().collect();
                    let ucs2 = bytes.contains(&0);
                    let text = if ucs2 {
                        utf16be(&bytes)
                    } else {
                        String::from_utf8_lossy(&bytes).into_owned()
                    };
                    let _ = tx.send(Mt { to, text, ucs2 });
                }
            }
        }
    }
}

/// (reference, total, sequence) from a concatenation UDH (8- or 16-bit
/// reference).
fn concat_info(udh: &[u8]) -> Option<(u16, u8, u8)> {
    match udh {
        [_, 0x00, 0x03, r, total, seq, ..] => Some((u16::from(*r), *total, *seq)),
        [_, 0x08, 0x04, r1, r2, total, seq, ..] => {
            Some((u16::from_be_bytes([*r1, *r2]), *total, *seq))
        }
        _ => None,
    }
}

fn url_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn utf16be(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

async fn queued_total(gather: &Gather) -> i64 {
    let s = gather.outbox_summary().await.expect("outbox summary");
    s.queued + s.sending + s.sent + s.failed + s.cancelled
}

/// Sends one message and waits for all its replies: Gather has queued them
/// (the outbox grew) and the phone has every message queued for it.
async fn step(gather: &Gather, phone: &mut Phone, from: &str, text: &str, ucs2: bool) -> Vec<Mt> {
    let before_total = queued_total(gather).await;
    let before_mine = phone.seen.iter().filter(|m| m.to == from).count();
    if ucs2 {
        phone.ucs2(from, text).await;
    } else {
        phone.text(from, text).await;
    }
    wait_until(
        &format!("Gather to answer {text:?}"),
        REPLY_TIMEOUT,
        || async { queued_total(gather).await > before_total },
    )
    .await;
    // Everything queued for this phone so far, this step's replies included.
    let queued_now = usize::try_from(queued_total(gather).await).unwrap_or(0);
    let others = phone.seen.iter().filter(|m| m.to != from).count();
    let want = queued_now.saturating_sub(others);
    let mine = phone.wait_for_count(from, want).await;
    assert!(mine.len() > before_mine, "no reply to {text:?}");
    mine[before_mine..].to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_raises_an_issue_through_kannel() {
    require_kannel();
    let dir = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    // Gather first: Kannel's get-url needs its port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let gather_port = listener.local_addr().expect("addr").port();
    let kannel = Kannel::start(dir.path(), gather_port).await;

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
        (
            "GATHER_PUBLIC_URL",
            format!("http://127.0.0.1:{gather_port}"),
        ),
        ("GATHER_KANNEL_SECRET", SECRET.to_string()),
        ("GATHER_KANNEL_SENDSMS_URL", kannel.sendsms_url()),
        ("GATHER_KANNEL_USERNAME", "gather".to_string()),
        ("GATHER_KANNEL_PASSWORD", SENDSMS_PASSWORD.to_string()),
        ("GATHER_KANNEL_FROM", SHORT_CODE.to_string()),
        // Replies are never held by quiet hours; the rate is the only wait.
        ("GATHER_SMS_RATE", "50".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = Config::from_sources(None, &env).expect("config");
    let gather = gather::app::build(&config).await.expect("build gather");

    let (stop_server, server_stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gather::http::serve_on(
        listener,
        gather.clone(),
        Webhooks::from_config(&config),
        async move {
            let _ = server_stopped.await;
        },
    ));
    // The outbox workers `gather serve` runs: Kannel's is the SMS one.
    let mut workers = gather::app::outbox_workers(&config, &gather).expect("outbox workers");
    assert_eq!(workers.len(), 1, "{workers:?}");
    let worker = workers.remove(0);
    assert_eq!(worker.provider(), "kannel");
    let (stop_worker, worker_stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(worker.run(worker_stopped));

    let mut phone = Phone::connect(kannel.fake_port).await;

    // An English speaker raises an issue, GSM-7 all the way.
    let mut last = Vec::new();
    for text in [
        "Hello",
        "1",
        "The lifts at the station near the hospital are always broken",
        "E17",
        "1",
        "yes",
    ] {
        last = step(&gather, &mut phone, ENGLISH_PHONE, text, false).await;
    }
    let thanks: String = last.iter().map(|m| m.text.as_str()).collect();
    assert!(thanks.contains("G-1001"), "no reference in {last:#?}");
    let issues = gather.list_issues(None).await.expect("issues");
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].issue_ref.to_string(), "G-1001");
    assert_eq!(
        issues[0].description,
        "The lifts at the station near the hospital are always broken"
    );

    // A Polish speaker writes in UCS-2. Polish SMS are plain (GSM-7,
    // locales/pl/sms.toml): the replies arrive as GSM-7, exactly as Gather
    // wrote them, half the price of UCS-2.
    let polish_mo = "Autobus do szpitala już nie jeździ, a ja nie mogę dojechać";
    let mut polish = step(&gather, &mut phone, POLISH_PHONE, "LANGUAGE polski", true).await;
    polish.extend(step(&gather, &mut phone, POLISH_PHONE, polish_mo, true).await);
    let stored = gather.store.dump_all_text().await.expect("dump");
    assert!(
        stored.iter().any(|(_, v)| v.contains(polish_mo)),
        "the UCS-2 message did not reach Gather intact"
    );
    for mt in &polish {
        assert!(!mt.ucs2, "plain Polish sent as UCS-2: {mt:?}");
        assert_eq!(segments::count(&mt.text).encoding, Encoding::Gsm7, "{mt:?}");
        assert!(
            stored.iter().any(|(_, v)| v == &mt.text),
            "the phone got a text Gather never wrote: {:?}",
            mt.text
        );
    }

    // An Arabic speaker: the replies need UCS-2 (coding=2) and arrive
    // exactly as Gather wrote them.
    let arabic_mo = "الحافلة إلى المستشفى لم تعد تعمل ولا أستطيع الوصول إلى موعدي";
    let arabic = step(&gather, &mut phone, ARABIC_PHONE, arabic_mo, true).await;
    let stored = gather.store.dump_all_text().await.expect("dump");
    assert!(
        stored.iter().any(|(_, v)| v.contains(arabic_mo)),
        "the UCS-2 message did not reach Gather intact"
    );
    assert!(!arabic.is_empty());
    for mt in &arabic {
        assert!(mt.ucs2, "sent as GSM-7: {mt:?}");
        assert_eq!(segments::count(&mt.text).encoding, Encoding::Ucs2, "{mt:?}");
        assert!(
            stored.iter().any(|(_, v)| v == &mt.text),
            "the phone got a text Gather never wrote: {:?}",
            mt.text
        );
    }

    // Kannel reports delivery of each message back on the dlr-url.
    let sent = usize::try_from(queued_total(&gather).await).unwrap_or(0);
    wait_until(
        "delivery reports for every message",
        REPLY_TIMEOUT,
        || async {
            let s = gather.outbox_summary().await.expect("summary");
            let delivered = s
                .delivery
                .iter()
                .find(|(status, _)| status == "delivered")
                .map_or(0, |(_, n)| *n);
            usize::try_from(delivered).unwrap_or(0) >= sent
        },
    )
    .await;
    let summary = gather.outbox_summary().await.expect("summary");
    assert_eq!(
        usize::try_from(summary.sent).unwrap_or(0),
        sent,
        "{summary:?}"
    );

    let _ = stop_worker.send(true);
    let _ = stop_server.send(());
    worker.await.expect("worker");
    server.await.expect("server").expect("serve");
    drop(phone);
    drop(kannel);
}
