//! The messages a test recorder standing in for Twilio's REST API has
//! accepted, and Twilio's list of them:
//! `GET /2010-04-01/Accounts/{AccountSid}/Messages.json`, filtered by `To`,
//! `From` and `DateSent` (`DateSent>=YYYY-MM-DD`, sent as the key
//! `DateSent>`, and `DateSent<=`, `DateSent=`; GMT days), newest first, in
//! pages of `PageSize` (default 50, at most 1,000) linked by
//! `next_page_uri`, each message in Twilio's JSON with RFC 2822 dates.
//! Used by tests/outbox.rs and tests/crash.rs.

use serde_json::{Value, json};
use std::collections::HashMap;

/// One message accepted by the recorder.
#[derive(Debug, Clone)]
pub struct Listed {
    pub sid: String,
    pub to: String,
    /// The number it went from (a Messaging Service's pool number).
    pub from: String,
    /// The Messaging Service it was sent through, if any.
    pub service: Option<String>,
    pub body: String,
    /// When it was accepted, milliseconds since the epoch (Twilio's clock;
    /// the recorder sends at once, so also `date_sent`).
    pub created_ms: i64,
}

/// Twilio's date format: `Mon, 23 Nov 2026 14:05:18 +0000`.
pub fn rfc2822(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap()
        .format("%a, %d %b %Y %H:%M:%S %z")
        .to_string()
}

fn day(ms: i64) -> chrono::NaiveDate {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap()
        .date_naive()
}

/// A `DateSent` value: `YYYY-MM-DD` (a full timestamp counts by its day).
fn parse_day(value: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(value.get(..10)?, "%Y-%m-%d").ok()
}

/// Twilio's answer to a list request on `messages` (what the recorder
/// accepted, in any order): the status and the JSON body.
pub fn list(account: &str, query: &str, messages: &[Listed]) -> (u16, Value) {
    let params: HashMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let bad = |message: &str| {
        (
            400,
            json!({"code": 20001, "message": message, "status": 400}),
        )
    };
    let mut dates: Vec<(&str, chrono::NaiveDate)> = Vec::new();
    for (key, op) in [("DateSent", "="), ("DateSent>", ">="), ("DateSent<", "<=")] {
        if let Some(v) = params.get(key) {
            let Some(d) = parse_day(v) else {
                return bad(&format!("Invalid {key}"));
            };
            dates.push((op, d));
        }
    }
    let page_size: usize = match params.get("PageSize").map(|s| s.parse::<usize>()) {
        None => 50,
        Some(Ok(n)) if (1..=1000).contains(&n) => n,
        Some(_) => return bad("Invalid PageSize"),
    };
    let page: usize = match params.get("Page").map(|s| s.parse::<usize>()) {
        None => 0,
        Some(Ok(n)) => n,
        Some(_) => return bad("Invalid Page"),
    };
    let mut chosen: Vec<&Listed> = messages
        .iter()
        .filter(|m| params.get("To").is_none_or(|to| *to == m.to))
        .filter(|m| params.get("From").is_none_or(|from| *from == m.from))
        .filter(|m| {
            let sent = day(m.created_ms);
            dates.iter().all(|(op, d)| match *op {
                "=" => sent == *d,
                ">=" => sent >= *d,
                _ => sent <= *d,
            })
        })
        .collect();
    // Newest first.
    chosen.sort_by(|a, b| b.created_ms.cmp(&a.created_ms).then(b.sid.cmp(&a.sid)));
    let start = page * page_size;
    let on_page: Vec<&Listed> = chosen.iter().skip(start).take(page_size).copied().collect();
    let path = format!("/2010-04-01/Accounts/{account}/Messages.json");
    let uri = |page: usize, token: Option<&str>| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for key in ["To", "From", "DateSent", "DateSent>", "DateSent<"] {
            if let Some(v) = params.get(key) {
                q.append_pair(key, v);
            }
        }
        q.append_pair("PageSize", &page_size.to_string());
        q.append_pair("Page", &page.to_string());
        if let Some(t) = token {
            q.append_pair("PageToken", t);
        }
        format!("{path}?{}", q.finish())
    };
    let more = chosen.len() > start + on_page.len();
    let next = more.then(|| {
        uri(
            page + 1,
            on_page.last().map(|m| format!("PA{}", m.sid)).as_deref(),
        )
    });
    let previous = (page > 0).then(|| uri(page - 1, None));
    let listed: Vec<Value> = on_page
        .iter()
        .map(|m| {
            let date = rfc2822(m.created_ms);
            json!({
                "account_sid": account,
                "api_version": "2010-04-01",
                "body": m.body,
                "date_created": date,
                "date_sent": date,
                "date_updated": date,
                "direction": "outbound-api",
                "error_code": null,
                "error_message": null,
                "from": m.from,
                "messaging_service_sid": m.service,
                "num_media": "0",
                "num_segments": "1",
                "price": null,
                "price_unit": "USD",
                "sid": m.sid,
                "status": "sent",
                "subresource_uris": {
                    "media": format!("/2010-04-01/Accounts/{account}/Messages/{}/Media.json", m.sid),
                },
                "to": m.to,
                "uri": format!("/2010-04-01/Accounts/{account}/Messages/{}.json", m.sid),
            })
        })
        .collect();
    (
        200,
        json!({
            "end": if on_page.is_empty() { 0 } else { start + on_page.len() - 1 },
            "first_page_uri": uri(0, None),
            "messages": listed,
            "next_page_uri": next,
            "page": page,
            "page_size": page_size,
            "previous_page_uri": previous,
            "start": start,
            "uri": uri(page, params.get("PageToken").map(String::as_str)),
        }),
    )
}
