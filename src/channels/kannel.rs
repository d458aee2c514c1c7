//! Kannel's HTTP interfaces: the `sms-service` `get-url` that brings an
//! inbound SMS (MO) to Gather, the `sendsms` interface Gather sends through,
//! and the delivery reports (DLR) Kannel calls back with. Pure parsing plus
//! [`KannelSender`]; the HTTP handlers live in `http::kannel`.
//!
//! Kannel's get-url carries the text in one of three ways:
//!
//! - `coding=0` (7-bit; also what `mo-recode = true` turns UCS-2 into):
//!   `charset=UTF-8` text, or `WINDOWS-1252`/`ISO-8859-1` when `mo-recode`
//!   could recode to those.
//! - `coding=2`, `charset=UTF-16BE`: the raw UTF-16BE bytes,
//!   percent-encoded, with `+` for the byte 0x20. They are decoded from the
//!   query as bytes, never through a UTF-8 string first.
//! - `coding=1` (8-bit data): read as Latin-1, which never fails; the
//!   conversation then answers as it would any text it does not understand.

use super::segments::{self, Encoding};
use crate::config::Config;
use crate::domain::PhoneNumber;
use crate::outbox::{Accepted, Outgoing, SendError, Sender};
use async_trait::async_trait;
use std::time::Duration;

/// The provider name stored with messages and delivery reports.
pub const PROVIDER: &str = "kannel";
/// The longest text read from Kannel, in characters (Twilio's limit); the
/// rest of a longer one is dropped.
pub const MAX_TEXT_CHARS: usize = 1600;
/// The longest message id accepted (Kannel's `%I` is a 36-character UUID).
pub const MAX_ID_CHARS: usize = 64;
/// The `dlr-mask` Gather asks for: delivered, undelivered, queued at the
/// SMSC, accepted by the SMSC, rejected by the SMSC.
pub const DLR_MASK: u8 = 31;
/// How long a `sendsms` request may take before it counts as a timeout.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a get-url or DLR query was refused (a 400 with this reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("missing parameter `{0}`")]
    Missing(&'static str),
    #[error("parameter `{0}` is given twice")]
    Repeated(String),
    #[error("malformed percent-encoding in `{0}`")]
    PercentEncoding(String),
    #[error("parameter `{0}` is not valid UTF-8")]
    NotUtf8(String),
    #[error("`from` is not a phone number")]
    NotAPhoneNumber,
    #[error("`text` in UCS-2 has an odd number of bytes ({0})")]
    OddUcs2(usize),
    #[error("`text` is not valid {0}")]
    BadText(&'static str),
    #[error("`text` is longer than {MAX_TEXT_CHARS} characters")]
    TooLong,
    #[error("`id` is longer than {MAX_ID_CHARS} characters")]
    IdTooLong,
    #[error("`id` is not a message id")]
    BadId,
    #[error("unknown `coding` {0:?} (expected 0, 1 or 2)")]
    Coding(String),
    #[error("unknown `charset` {0:?}")]
    Charset(String),
    #[error("`status` is not a DLR status: {0:?}")]
    Status(String),
}

/// A query string split into names and raw (percent-decoded) byte values,
/// in order. Values stay bytes: UCS-2 text is not UTF-8.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawQuery(Vec<(String, Vec<u8>)>);

impl RawQuery {
    /// Splits `a=1&b=%00+` strictly: a `%` not followed by two hex digits is
    /// an error, `+` is the byte 0x20. Names must be UTF-8.
    pub fn parse(query: &str) -> Result<RawQuery, QueryError> {
        let mut out = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name_bytes =
                percent_decode(name).map_err(|()| QueryError::PercentEncoding(clip(name)))?;
            let name = String::from_utf8(name_bytes).map_err(|_| {
                QueryError::NotUtf8(clip(&String::from_utf8_lossy(name.as_bytes())))
            })?;
            let value =
                percent_decode(value).map_err(|()| QueryError::PercentEncoding(clip(&name)))?;
            out.push((name, value));
        }
        Ok(RawQuery(out))
    }

    /// The single value of `name`; the same name twice with different
    /// values is an error rather than a guess.
    pub fn bytes(&self, name: &str) -> Result<Option<&[u8]>, QueryError> {
        let mut found: Option<&[u8]> = None;
        for (k, v) in &self.0 {
            if k == name {
                match found {
                    Some(prev) if prev != v.as_slice() => {
                        return Err(QueryError::Repeated(clip(name)));
                    }
                    _ => found = Some(v),
                }
            }
        }
        Ok(found)
    }

    /// The value of `name` as UTF-8 text.
    pub fn text(&self, name: &str) -> Result<Option<&str>, QueryError> {
        match self.bytes(name)? {
            Some(b) => std::str::from_utf8(b)
                .map(Some)
                .map_err(|_| QueryError::NotUtf8(clip(name))),
            None => Ok(None),
        }
    }

    /// A value that must be there and not be empty.
    pub fn required(&self, name: &'static str) -> Result<&str, QueryError> {
        match self.text(name)? {
            Some(v) if !v.trim().is_empty() => Ok(v.trim()),
            _ => Err(QueryError::Missing(name)),
        }
    }
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

fn percent_decode(s: &str) -> Result<Vec<u8>, ()> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = bytes.get(i + 1).and_then(|b| hex(*b)).ok_or(())?;
                let lo = bytes.get(i + 2).and_then(|b| hex(*b)).ok_or(())?;
                out.push(hi << 4 | lo);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(out)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Kannel's data coding (`%c`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    SevenBit,
    EightBit,
    Ucs2,
}

/// An inbound SMS as Kannel's get-url delivered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mo {
    pub from: PhoneNumber,
    /// Our number or short code (`%P`), if the get-url passes it.
    pub to: Option<String>,
    /// Kannel's message id (`%I`), the key that makes retries harmless.
    pub id: String,
    pub text: String,
    pub coding: Coding,
}

/// Reads an inbound SMS from Kannel's get-url query (`from`, `to`, `text`,
/// `id`, `coding`, `charset`; anything else is ignored).
pub fn parse_mo(query: &RawQuery) -> Result<Mo, QueryError> {
    let id = query.required("id")?.to_string();
    if id.chars().count() > MAX_ID_CHARS {
        return Err(QueryError::IdTooLong);
    }
    let from =
        PhoneNumber::parse(query.required("from")?).map_err(|_| QueryError::NotAPhoneNumber)?;
    let to = query
        .text("to")?
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    let coding = match query.text("coding")?.map(str::trim) {
        None | Some("") | Some("0") => Coding::SevenBit,
        Some("1") => Coding::EightBit,
        Some("2") => Coding::Ucs2,
        Some(other) => return Err(QueryError::Coding(clip(other))),
    };
    let charset = query
        .text("charset")?
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty());
    let raw = query.bytes("text")?.unwrap_or_default();
    let mut text = decode_text(raw, coding, charset.as_deref())?;
    // Over the limit: keep the first part, so the conversation answers it
    // as it answers an overlong Twilio message ("too long"), rather than
    // refusing the request and leaving the person without a reply.
    if let Some((cut, _)) = text.char_indices().nth(MAX_TEXT_CHARS) {
        text.truncate(cut);
    }
    Ok(Mo {
        from,
        to,
        id,
        text,
        coding,
    })
}

/// The text of a message from its raw bytes, its coding and its charset.
pub fn decode_text(
    raw: &[u8],
    coding: Coding,
    charset: Option<&str>,
) -> Result<String, QueryError> {
    let charset = charset.map(|c| c.replace('_', "-"));
    match (coding, charset.as_deref()) {
        (Coding::EightBit, _) => Ok(latin1(raw)),
        (Coding::Ucs2, None | Some("UTF-16BE" | "UCS-2" | "UCS-2BE" | "UTF-16")) => utf16be(raw),
        (Coding::SevenBit, Some("UTF-16BE" | "UCS-2" | "UCS-2BE")) => utf16be(raw),
        (_, None | Some("UTF-8" | "UTF8" | "GSM" | "US-ASCII" | "ASCII")) => {
            String::from_utf8(raw.to_vec()).map_err(|_| QueryError::BadText("UTF-8"))
        }
        (_, Some("ISO-8859-1" | "LATIN1" | "ISO8859-1")) => Ok(latin1(raw)),
        (_, Some("WINDOWS-1252" | "CP1252")) => Ok(windows1252(raw)),
        (_, Some(other)) => Err(QueryError::Charset(clip(other))),
    }
}

/// UTF-16BE bytes to text. An odd byte count cannot be UCS-2 at all and is
/// refused; a lone surrogate (a phone's bug) becomes U+FFFD.
fn utf16be(raw: &[u8]) -> Result<String, QueryError> {
    if !raw.len().is_multiple_of(2) {
        return Err(QueryError::OddUcs2(raw.len()));
    }
    let units: Vec<u16> = raw
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    Ok(String::from_utf16_lossy(&units))
}

fn latin1(raw: &[u8]) -> String {
    raw.iter().map(|&b| char::from(b)).collect()
}

/// Windows-1252: Latin-1 with printable characters in 0x80–0x9F.
fn windows1252(raw: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    raw.iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// What a delivery report says about a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DlrStatus {
    /// 1: delivered to the phone.
    Delivered,
    /// 2: not delivered to the phone.
    Undelivered,
    /// 4: queued at the SMSC.
    Queued,
    /// 8: accepted by the SMSC.
    Sent,
    /// 16: rejected by the SMSC.
    Rejected,
}

impl DlrStatus {
    /// Kannel's `%d`. A combination of bits (Kannel never sends one) is
    /// read as its most final bit.
    pub fn from_code(code: u8) -> Option<DlrStatus> {
        if code & 1 != 0 {
            Some(DlrStatus::Delivered)
        } else if code & 2 != 0 {
            Some(DlrStatus::Undelivered)
        } else if code & 16 != 0 {
            Some(DlrStatus::Rejected)
        } else if code & 8 != 0 {
            Some(DlrStatus::Sent)
        } else if code & 4 != 0 {
            Some(DlrStatus::Queued)
        } else {
            None
        }
    }

    /// The status name stored with the message, shared with Twilio's
    /// (`queued`, `sent`, `delivered`, `undelivered`, `failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            DlrStatus::Delivered => "delivered",
            DlrStatus::Undelivered => "undelivered",
            DlrStatus::Queued => "queued",
            DlrStatus::Sent => "sent",
            DlrStatus::Rejected => "failed",
        }
    }
}

/// A delivery report: our outbox id (from the dlr-url we built), the
/// status, and what the SMSC said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dlr {
    pub id: String,
    pub status: DlrStatus,
    pub code: u8,
    /// The SMSC's own message id (`%F`).
    pub smsc_id: Option<String>,
    /// The SMSC's answer (`%A`), e.g. `ACK/` or `NACK/0x00000045/…`.
    pub answer: Option<String>,
}

/// Reads a delivery report from the dlr-url query.
pub fn parse_dlr(query: &RawQuery) -> Result<Dlr, QueryError> {
    let id = query.required("id")?.to_string();
    if id.chars().count() > MAX_ID_CHARS {
        return Err(QueryError::IdTooLong);
    }
    // Gather's dlr-url carries its outbox id: a report for anything that
    // could not be one (`../../etc`, text) is refused, not stored.
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        || id.contains("..")
    {
        return Err(QueryError::BadId);
    }
    let raw_status = query.required("status")?;
    let code: u8 = raw_status
        .parse()
        .map_err(|_| QueryError::Status(clip(raw_status)))?;
    let status = DlrStatus::from_code(code).ok_or_else(|| QueryError::Status(clip(raw_status)))?;
    let opt = |name: &str| -> Result<Option<String>, QueryError> {
        Ok(query
            .bytes(name)?
            .map(|b| {
                String::from_utf8_lossy(b)
                    .trim()
                    .chars()
                    .take(200)
                    .collect::<String>()
            })
            .filter(|s| !s.is_empty()))
    };
    Ok(Dlr {
        id,
        status,
        code,
        smsc_id: opt("fid")?,
        answer: opt("answer")?,
    })
}

/// An error code from an SMSC's answer, when it carries one: SMPP's
/// `NACK/0x00000045/…` gives 69.
pub fn answer_error_code(answer: &str) -> Option<i64> {
    let rest = answer.strip_prefix("NACK/")?;
    let code = rest.split('/').next()?.trim();
    match code.strip_prefix("0x").or_else(|| code.strip_prefix("0X")) {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => code.parse().ok(),
    }
}

/// Sends through Kannel's `sendsms` HTTP interface.
#[derive(Clone)]
pub struct KannelSender {
    client: reqwest::Client,
    sendsms_url: String,
    username: String,
    password: String,
    from: String,
    /// `{public_url}/webhooks/kannel/dlr?secret=…`, or none for no reports.
    dlr_base: Option<String>,
}

impl std::fmt::Debug for KannelSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KannelSender")
            .field("sendsms_url", &self.sendsms_url)
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .field("from", &self.from)
            .field("dlr", &self.dlr_base.is_some())
            .finish()
    }
}

impl KannelSender {
    /// `dlr_base` is where Kannel reaches Gather, without a trailing slash
    /// (`http://gather.internal:8080`); `secret` guards the DLR webhook and
    /// must be URL-safe (the configuration checks that).
    pub fn new(
        sendsms_url: &str,
        username: &str,
        password: &str,
        from: &str,
        dlr: Option<(&str, &str)>,
        timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        super::install_crypto_provider();
        Ok(KannelSender {
            client: reqwest::Client::builder().timeout(timeout).build()?,
            sendsms_url: sendsms_url.to_string(),
            username: username.to_string(),
            password: password.to_string(),
            from: from.to_string(),
            dlr_base: dlr.map(|(base, secret)| {
                format!(
                    "{}/webhooks/kannel/dlr?secret={secret}",
                    base.trim_end_matches('/')
                )
            }),
        })
    }

    /// The sender `config` describes, if Kannel's sendsms is configured.
    /// Delivery reports need `GATHER_PUBLIC_URL` (where Kannel reaches
    /// Gather); without it messages go out without a dlr-url.
    pub fn from_config(config: &Config) -> Option<Result<KannelSender, reqwest::Error>> {
        let kannel = config.kannel.as_ref()?;
        let sendsms = kannel.sendsms.as_ref()?;
        if config.public_url.is_none() {
            tracing::warn!("GATHER_PUBLIC_URL is not set: Kannel will send no delivery reports");
        }
        Some(KannelSender::new(
            &sendsms.url,
            &sendsms.username,
            sendsms.password.expose(),
            &sendsms.from,
            config
                .public_url
                .as_deref()
                .map(|base| (base, kannel.secret.expose())),
            SEND_TIMEOUT,
        ))
    }

    /// The `sendsms` query for a message, in order. Kannel substitutes the
    /// `%d`, `%F` and `%A` in the dlr-url when it calls back.
    pub fn query(&self, msg: &Outgoing) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("username", self.username.clone()),
            ("password", self.password.clone()),
            ("from", self.from.clone()),
            ("to", msg.to.clone()),
            ("text", msg.text.clone()),
        ];
        if segments::count(&msg.text).encoding == Encoding::Ucs2 {
            q.push(("coding", "2".into()));
            q.push(("charset", "UTF-8".into()));
        }
        if let Some(base) = &self.dlr_base {
            q.push(("dlr-mask", DLR_MASK.to_string()));
            q.push((
                "dlr-url",
                format!("{base}&id={}&status=%d&fid=%F&answer=%A", msg.id),
            ));
        }
        q
    }
}

#[async_trait]
impl Sender for KannelSender {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    fn rate_key(&self) -> String {
        format!("kannel:{}", self.from)
    }

    async fn send(&self, msg: &Outgoing) -> Result<Accepted, SendError> {
        let resp = self
            .client
            .get(&self.sendsms_url)
            .query(&self.query(msg))
            .send()
            .await
            .map_err(|e| SendError::Retry {
                reason: format!("request failed: {}", describe(&e)),
                after: None,
            })?;
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        let said: String = body.trim().chars().take(120).collect();
        classify(status.as_u16(), &said, msg.id)
    }
}

/// What a `sendsms` answer means. Kannel's own id arrives only in the DLR,
/// so the provider id is our outbox id, which the dlr-url carries back.
pub fn classify(status: u16, body: &str, outbox_id: i64) -> Result<Accepted, SendError> {
    let accepted = Accepted {
        provider_id: outbox_id.to_string(),
    };
    match status {
        200..=299 => {
            // `0: Accepted for delivery` or `3: Queued for later delivery`.
            // Anything else with a 2xx is still Kannel's: it has the message,
            // and sending it again could deliver it twice.
            if !(body.starts_with("0:") || body.starts_with("3:")) {
                tracing::warn!(
                    status,
                    answer = body,
                    "unexpected sendsms answer; taken as accepted"
                );
            }
            Ok(accepted)
        }
        408 | 429 | 500..=599 => Err(SendError::Retry {
            reason: format!("HTTP {status}: {body}"),
            after: None,
        }),
        _ => Err(SendError::Permanent {
            reason: format!("HTTP {status}: {body}"),
            opted_out: false,
        }),
    }
}

/// A reqwest error without its URL: the sendsms URL carries the password.
fn describe(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_request() {
        "request error"
    } else if e.is_body() || e.is_decode() {
        "unreadable answer"
    } else {
        "HTTP error"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> RawQuery {
        RawQuery::parse(s).unwrap()
    }

    fn utf16_query(text: &str) -> String {
        let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        // As Kannel writes it: unreserved bytes as they are, 0x20 as `+`.
        bytes
            .iter()
            .map(|&b| match b {
                b' ' => "+".to_string(),
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    #[test]
    fn utf8_from_mo_recode() {
        let mo = parse_mo(&q(
            "from=%2B48600111222&to=4790&text=Za%C5%BC%C3%B3%C5%82%C4%87+g%C4%99%C5%9Bl%C4%85&id=ab-1&coding=0&charset=UTF-8",
        ))
        .unwrap();
        assert_eq!(mo.from.as_str(), "+48600111222");
        assert_eq!(mo.to.as_deref(), Some("4790"));
        assert_eq!(mo.text, "Zażółć gęślą");
        assert_eq!(mo.id, "ab-1");
        assert_eq!(mo.coding, Coding::SevenBit);
    }

    #[test]
    fn ucs2_raw_bytes_with_plus_for_0x20() {
        let text = "Zażółć gęślą jaźń مرحبا 👋";
        let query = format!(
            "from=%2B966501234567&text={}&id=x&coding=2&charset=UTF-16BE",
            utf16_query(text)
        );
        // `+` stands for the byte 0x20, which is also half of U+0120 etc.:
        // a space in UTF-16BE is `%00+`.
        assert!(query.contains("%00+"), "{query}");
        let mo = parse_mo(&q(&query)).unwrap();
        assert_eq!(mo.text, text);
        assert_eq!(mo.coding, Coding::Ucs2);
    }

    #[test]
    fn ucs2_byte_0x20_inside_a_character() {
        // U+0120 (Ġ) is 0x01 0x20: its second byte arrives as `+`.
        let mo = parse_mo(&q("from=%2B447700900123&text=%01+%00a&id=1&coding=2")).unwrap();
        assert_eq!(mo.text, "Ġa");
    }

    #[test]
    fn ucs2_lone_surrogate_is_replaced() {
        let mo = parse_mo(&q("from=%2B447700900123&text=%D8%3D%00a&id=1&coding=2")).unwrap();
        assert_eq!(mo.text, "\u{FFFD}a");
    }

    #[test]
    fn ucs2_odd_byte_count_is_refused() {
        let err = parse_mo(&q("from=%2B447700900123&text=%00a%00&id=1&coding=2")).unwrap_err();
        assert_eq!(err, QueryError::OddUcs2(3));
        assert!(err.to_string().contains("odd number of bytes"));
    }

    #[test]
    fn malformed_percent_encoding_is_refused() {
        for bad in ["text=%zz", "text=abc%4", "text=%", "te%xt=1"] {
            let err = RawQuery::parse(bad).unwrap_err();
            assert!(
                matches!(err, QueryError::PercentEncoding(_)),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn eight_bit_is_latin1() {
        let mo = parse_mo(&q("from=%2B447700900123&text=caf%E9+%FF&id=1&coding=1")).unwrap();
        assert_eq!(mo.text, "café ÿ");
        assert_eq!(mo.coding, Coding::EightBit);
    }

    #[test]
    fn windows_1252_and_latin1_charsets() {
        let mo = parse_mo(&q(
            "from=%2B447700900123&text=%80+caf%E9+%93hi%94&id=1&coding=0&charset=WINDOWS-1252",
        ))
        .unwrap();
        assert_eq!(mo.text, "€ café “hi”");
        let mo = parse_mo(&q(
            "from=%2B447700900123&text=caf%E9&id=1&coding=0&charset=ISO-8859-1",
        ))
        .unwrap();
        assert_eq!(mo.text, "café");
    }

    #[test]
    fn invalid_utf8_text_is_refused() {
        let err = parse_mo(&q("from=%2B447700900123&text=%C3%28&id=1&charset=UTF-8")).unwrap_err();
        assert_eq!(err, QueryError::BadText("UTF-8"));
    }

    #[test]
    fn missing_and_bad_fields() {
        let cases = [
            ("text=hi&id=1", QueryError::Missing("from")),
            ("from=%2B447700900123&text=hi", QueryError::Missing("id")),
            ("from=&text=hi&id=1", QueryError::Missing("from")),
            ("from=VODAFONE&text=hi&id=1", QueryError::NotAPhoneNumber),
            (
                "from=%2B447700900123&text=hi&id=1&coding=7",
                QueryError::Coding("7".into()),
            ),
            (
                "from=%2B447700900123&text=hi&id=1&charset=KOI8-R",
                QueryError::Charset("KOI8-R".into()),
            ),
            (
                "from=%2B447700900123&from=%2B447700900999&text=hi&id=1",
                QueryError::Repeated("from".into()),
            ),
        ];
        for (query, want) in cases {
            assert_eq!(parse_mo(&q(query)).unwrap_err(), want, "{query}");
        }
        // Over the limit: the first part is kept, so the person still
        // gets an answer (the same as an overlong Twilio message).
        let long = format!("from=%2B447700900123&id=1&text={}", "%C4%85".repeat(1601));
        assert_eq!(
            parse_mo(&q(&long)).unwrap().text,
            "ą".repeat(MAX_TEXT_CHARS)
        );
        let long_id = format!("from=%2B447700900123&text=hi&id={}", "a".repeat(65));
        assert_eq!(parse_mo(&q(&long_id)).unwrap_err(), QueryError::IdTooLong);
    }

    #[test]
    fn empty_text_is_an_empty_message() {
        let mo = parse_mo(&q("from=%2B447700900123&id=1")).unwrap();
        assert_eq!(mo.text, "");
    }

    #[test]
    fn dlr_statuses() {
        for (code, want) in [
            (1, DlrStatus::Delivered),
            (2, DlrStatus::Undelivered),
            (4, DlrStatus::Queued),
            (8, DlrStatus::Sent),
            (16, DlrStatus::Rejected),
        ] {
            let d = parse_dlr(&q(&format!("id=42&status={code}&fid=abc&answer=ACK%2F"))).unwrap();
            assert_eq!(d.status, want);
            assert_eq!(d.id, "42");
            assert_eq!(d.smsc_id.as_deref(), Some("abc"));
            assert_eq!(d.answer.as_deref(), Some("ACK/"));
        }
        // Kannel leaves `%F`/`%A` empty when it has nothing.
        let d = parse_dlr(&q("id=42&status=8&fid=&answer=")).unwrap();
        assert_eq!((d.smsc_id, d.answer), (None, None));
        assert!(matches!(
            parse_dlr(&q("id=42&status=0")),
            Err(QueryError::Status(_))
        ));
        assert!(matches!(
            parse_dlr(&q("id=42&status=x")),
            Err(QueryError::Status(_))
        ));
        assert_eq!(
            parse_dlr(&q("status=1")).unwrap_err(),
            QueryError::Missing("id")
        );
    }

    #[test]
    fn smpp_error_codes_from_answers() {
        assert_eq!(answer_error_code("NACK/0x00000045/Submit failed"), Some(69));
        assert_eq!(answer_error_code("NACK/11/x"), Some(11));
        assert_eq!(answer_error_code("ACK/"), None);
    }

    fn sender(dlr: bool) -> KannelSender {
        KannelSender::new(
            "http://127.0.0.1:13013/cgi-bin/sendsms",
            "gather",
            "pw",
            "4790",
            dlr.then_some(("https://gather.example.org/", "s3cret")),
            Duration::from_secs(5),
        )
        .unwrap()
    }

    fn msg(text: &str) -> Outgoing {
        Outgoing {
            id: 42,
            to: "+48600111222".into(),
            text: text.into(),
            template: None,
        }
    }

    #[test]
    fn sendsms_query_gsm_and_ucs2() {
        let s = sender(true);
        let q = s.query(&msg("Hello £5"));
        assert!(!q.iter().any(|(k, _)| *k == "coding"), "{q:?}");
        let dlr = q
            .iter()
            .find(|(k, _)| *k == "dlr-url")
            .map(|(_, v)| v.as_str());
        assert_eq!(
            dlr,
            Some(
                "https://gather.example.org/webhooks/kannel/dlr?secret=s3cret&id=42&status=%d&fid=%F&answer=%A"
            )
        );
        assert!(q.contains(&("dlr-mask", "31".into())));
        let q = s.query(&msg("Dzień dobry"));
        assert!(q.contains(&("coding", "2".into())), "{q:?}");
        assert!(q.contains(&("charset", "UTF-8".into())), "{q:?}");
        let q = sender(false).query(&msg("hi"));
        assert!(!q.iter().any(|(k, _)| k.starts_with("dlr")), "{q:?}");
        assert!(!format!("{s:?}").contains("pw\""), "{s:?}");
    }

    #[test]
    fn sendsms_answers() {
        assert_eq!(
            classify(202, "0: Accepted for delivery", 7),
            Ok(Accepted {
                provider_id: "7".into()
            })
        );
        assert!(classify(202, "3: Queued for later delivery", 7).is_ok());
        assert!(matches!(
            classify(403, "Authorization failed for sendsms", 7),
            Err(SendError::Permanent { .. })
        ));
        assert!(matches!(
            classify(400, "Missing receiver", 7),
            Err(SendError::Permanent { .. })
        ));
        assert!(matches!(
            classify(503, "Sending failed.", 7),
            Err(SendError::Retry { .. })
        ));
        assert!(matches!(classify(500, "", 7), Err(SendError::Retry { .. })));
    }

    #[tokio::test]
    async fn connection_refused_is_retried() {
        // A port that was free a moment ago: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let s = KannelSender::new(
            &format!("http://127.0.0.1:{port}/cgi-bin/sendsms"),
            "gather",
            "secret-password",
            "4790",
            None,
            Duration::from_secs(2),
        )
        .unwrap();
        match s.send(&msg("hi")).await {
            Err(SendError::Retry { reason, .. }) => {
                assert!(!reason.contains("secret-password"), "{reason}");
            }
            other => panic!("expected a retry, got {other:?}"),
        }
    }
}
