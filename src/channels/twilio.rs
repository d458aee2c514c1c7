//! Twilio's webhook protocol: request signatures and TwiML replies. Pure
//! functions; the HTTP extractor and handlers live in `http::twilio`.

use base64::Engine as _;
use hmac::{KeyInit, Mac};

type HmacSha1 = hmac::Hmac<sha1::Sha1>;

/// The `X-Twilio-Signature` for a request: base64(HMAC-SHA1(auth token,
/// URL + each parameter name and value, names sorted; repeated names with
/// their values sorted and duplicates dropped)) — exactly as Twilio's own
/// `RequestValidator` computes it.
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    signature_over(auth_token, url, &sorted_params(params))
}

/// The parameters as the signature covers them: sorted by name, then by
/// value, duplicates dropped, each name followed by its value.
fn sorted_params(params: &[(String, String)]) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut data = String::with_capacity(pairs.iter().map(|(k, v)| k.len() + v.len()).sum());
    for (k, v) in pairs {
        data.push_str(k);
        data.push_str(v);
    }
    data
}

fn signature_over(auth_token: &str, url: &str, sorted: &str) -> String {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = match HmacSha1::new_from_slice(auth_token.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(url.as_bytes());
    mac.update(sorted.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Checks a signature against the URL as given, with its default port
/// added and with any port removed (the forms Twilio itself accepts), in
/// constant time.
pub fn validate(auth_token: &str, url: &str, params: &[(String, String)], given: &str) -> bool {
    let given = given.trim();
    if given.is_empty() {
        return false;
    }
    let sorted = sorted_params(params);
    // Each comparison is constant-time; stopping at the first form that
    // matches tells a caller only which public form of the URL was signed.
    url_forms(url).iter().any(|candidate| {
        let expected = signature_over(auth_token, candidate, &sorted);
        constant_time_eq(expected.as_bytes(), given.as_bytes())
    })
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    // Both sides hashed first: the comparison then takes the same time
    // whatever the lengths, so it does not tell a secret's length either.
    use sha2::{Digest, Sha256};
    use subtle::ConstantTimeEq;
    let (a, b) = (Sha256::digest(a), Sha256::digest(b));
    bool::from(a.as_slice().ct_eq(b.as_slice()))
}

/// The URL as given, with the scheme's default port, and without a port.
fn url_forms(url: &str) -> Vec<String> {
    let mut forms = vec![url.to_string()];
    let Some((scheme, rest)) = url.split_once("://") else {
        return forms;
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (format!("{u}@"), h),
        None => (String::new(), authority),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
        _ => (hostport, None),
    };
    match port {
        Some(_) => forms.push(format!("{scheme}://{userinfo}{host}{path}")),
        None => {
            let default = if scheme.eq_ignore_ascii_case("https") {
                "443"
            } else {
                "80"
            };
            forms.push(format!("{scheme}://{userinfo}{host}:{default}{path}"));
        }
    }
    forms
}

/// Escapes text for XML element content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// A messaging TwiML reply: one `<Message>` per text, or an empty
/// `<Response/>` when there is nothing to say.
pub fn messaging_response(messages: &[String]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    if messages.is_empty() {
        out.push_str("<Response/>");
        return out;
    }
    out.push_str("<Response>");
    for m in messages {
        out.push_str("<Message>");
        out.push_str(&xml_escape(m));
        out.push_str("</Message>");
    }
    out.push_str("</Response>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Twilio's published test vector (twilio-python's tests).
    #[test]
    fn published_vector() {
        let params = p(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ]);
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert_eq!(
            signature("12345", url, &params),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        );
        assert!(validate(
            "12345",
            url,
            &params,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
        let mut altered = params.clone();
        altered[2].1 = "9999".into();
        assert!(!validate(
            "12345",
            url,
            &altered,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
        assert!(!validate(
            "wrong",
            url,
            &params,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
        assert!(!validate("12345", url, &params, ""));
    }

    #[test]
    fn default_port_forms_are_accepted() {
        let params = p(&[("Body", "hi")]);
        let with_port = "https://example.org:443/webhooks/twilio/sms";
        let without = "https://example.org/webhooks/twilio/sms";
        let sig = signature("tok", with_port, &params);
        assert!(validate("tok", without, &params, &sig));
        let sig = signature("tok", without, &params);
        assert!(validate("tok", with_port, &params, &sig));
        // Another path is another URL.
        assert!(!validate("tok", "https://example.org/other", &params, &sig));
    }

    #[test]
    fn repeated_names_sorted_by_value() {
        let a = p(&[("X", "b"), ("X", "a"), ("A", "1")]);
        let b = p(&[("A", "1"), ("X", "a"), ("X", "b")]);
        assert_eq!(signature("t", "u", &a), signature("t", "u", &b));
    }

    #[test]
    fn twiml_is_escaped() {
        assert_eq!(
            messaging_response(&[]),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"
        );
        let r = messaging_response(&["A&E <3 \"quotes\"".to_string()]);
        assert!(
            r.contains("<Message>A&amp;E &lt;3 &quot;quotes&quot;</Message>"),
            "{r}"
        );
    }
}
