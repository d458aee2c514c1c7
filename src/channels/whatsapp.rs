//! WhatsApp through Twilio. Twilio delivers WhatsApp messages to the same
//! Messaging webhook as SMS, signed the same way, with `From=whatsapp:+44…`;
//! it sends them through the same Messages API with a `whatsapp:` address.
//! So this module is small and pure: what tells a WhatsApp message apart,
//! how a turn is written for WhatsApp, and what Twilio's WhatsApp error
//! codes mean. The HTTP side is `http::twilio`; the 24-hour window and the
//! templates are the outbox's (`outbox::whatsapp`).
//!
//! A WhatsApp number is a phone number: the identity is the same `phone`
//! identity SMS and calls use, so one number is one person (one vote)
//! whichever of the three they use.

use super::render;
use crate::domain::LanguageTag;
use crate::engine::{Event, Expect, Label, Prompt};
use crate::i18n::{Args, Locales};

/// The address prefix Twilio puts on WhatsApp numbers.
pub const PREFIX: &str = "whatsapp:";

/// WhatsApp's customer-service window: free-form messages may be sent for
/// 24 hours after the person's last message; after that only templates.
pub const WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// Twilio's error codes that mean this person cannot, or does not want to,
/// get our WhatsApp messages (Twilio's "WhatsApp error code mapping"):
/// 63003 the `To` address is inactive or invalid (WhatsApp 1006/1013/1021),
/// 63014 the recipient blocked us (a "blocked by user action"), 63024 an
/// invalid or incapable recipient (WhatsApp 1002/1026). Each stops sending
/// as STOP does.
pub const OPT_OUT_CODES: [i64; 3] = [63003, 63014, 63024];

/// 63016: a free-form message outside the 24-hour window (WhatsApp 470).
/// Not an opt-out: the window closed earlier than Gather thought.
pub const OUTSIDE_WINDOW: i64 = 63016;

/// The longest body Twilio's Messages API takes.
pub const MAX_CHARS: usize = 1600;

/// WhatsApp allows at most three quick-reply buttons in a session message,
/// each title at most 20 characters.
pub const MAX_BUTTONS: usize = 3;
pub const MAX_BUTTON_TITLE: usize = 20;

/// The number in a Twilio address, if it is a WhatsApp address
/// (`whatsapp:+447700900123` → `+447700900123`; any case).
pub fn strip(address: &str) -> Option<&str> {
    let a = address.trim();
    (a.len() > PREFIX.len() && a.is_char_boundary(PREFIX.len()))
        .then(|| a.split_at(PREFIX.len()))
        .filter(|(p, _)| p.eq_ignore_ascii_case(PREFIX))
        .map(|(_, rest)| rest)
}

/// A number as a WhatsApp address (`+44…` → `whatsapp:+44…`); an address
/// that already is one is kept.
pub fn address(number: &str) -> String {
    match strip(number) {
        Some(n) => format!("{PREFIX}{n}"),
        None => format!("{PREFIX}{}", number.trim()),
    }
}

/// Whether a Twilio error code means the person is unreachable or blocked
/// us on WhatsApp.
pub fn is_opt_out_code(code: i64) -> bool {
    OPT_OUT_CODES.contains(&code)
}

/// Whether a message sent at `now` to someone whose last message was at
/// `last_inbound` is inside the window. A little margin: a message that
/// takes a minute to reach WhatsApp must still be inside.
pub fn in_window(last_inbound: Option<i64>, now: i64) -> bool {
    const MARGIN_MS: i64 = 5 * 60 * 1000;
    last_inbound.is_some_and(|t| now < t.saturating_add(WINDOW_MS - MARGIN_MS))
}

/// `ContentVariables` for Twilio's Content API: a JSON object from "1",
/// "2", … to the values, in order.
pub fn content_variables(values: &[String]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = values
        .iter()
        .enumerate()
        .map(|(i, v)| ((i + 1).to_string(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// A reference like `G-1042` in bold (`*G-1042*`), the way WhatsApp writes
/// bold, wherever it stands on its own in the text.
pub fn bold_references(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '*');
        if starts_word && chars[i] == 'G' && chars.get(i + 1) == Some(&'-') {
            let digits = chars[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            let end = i + 2 + digits;
            let ends_word = chars
                .get(end)
                .is_none_or(|c| !(c.is_alphanumeric() || *c == '*'));
            if (1..=9).contains(&digits) && ends_word {
                out.push('*');
                out.extend(&chars[i..end]);
                out.push('*');
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// One quick-reply button: what the person sees, and what comes back as
/// the answer when they tap it (`ButtonPayload`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub payload: String,
    pub title: String,
}

/// One WhatsApp message of a reply. `buttons` is set on the last message
/// when its question can be answered by a tap (yes/no, or a choice of at
/// most three short options); `text` always carries the numbered form too,
/// so it stands on its own where buttons are not configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    /// The question alone (no numbered lines), for a message with buttons.
    pub question: String,
    pub buttons: Vec<Button>,
}

/// A turn written for WhatsApp: the same sentences as every text channel
/// (in the locale's own letters: WhatsApp has no per-segment cost, so no
/// plain GSM-7 forms), references in bold, joined into as few messages as
/// fit.
pub fn messages(locales: &Locales, lang: &LanguageTag, events: &[Event]) -> Vec<String> {
    rendered(locales, lang, events)
        .into_iter()
        .map(|r| r.text)
        .collect()
}

/// Like [`messages`], with the buttons a message's question could have.
pub fn rendered(locales: &Locales, lang: &LanguageTag, events: &[Event]) -> Vec<Rendered> {
    let mut out: Vec<Rendered> = Vec::new();
    let texts = render::text_messages(locales, lang, events);
    for m in texts {
        let m = bold_references(&m);
        match out.last_mut() {
            Some(last) if last.text.chars().count() + 1 + m.chars().count() <= MAX_CHARS => {
                last.text.push('\n');
                last.text.push_str(&m);
            }
            _ => out.push(Rendered {
                text: m,
                question: String::new(),
                buttons: Vec::new(),
            }),
        }
    }
    // Buttons answer the turn's question when the turn ends with it (the
    // numbered lines are then the last lines of the last message).
    let last_prompt = match events.iter().rev().find(|e| {
        matches!(
            e,
            Event::Say(_) | Event::SayIn { .. } | Event::Ask(_) | Event::Reask { .. }
        )
    }) {
        Some(Event::Ask(p)) => Some(p),
        _ => None,
    };
    if let (Some(prompt), Some(last)) = (last_prompt, out.last_mut()) {
        let buttons = buttons(locales, lang, prompt);
        if !buttons.is_empty() {
            let options = prompt.options.len();
            // The message without its numbered lines (they are the last
            // lines of the question).
            let lines: Vec<&str> = last.text.lines().collect();
            let keep = lines.len().saturating_sub(options);
            last.question = lines[..keep].join("\n");
            last.buttons = buttons;
        }
    }
    out
}

/// The quick-reply buttons for a question, or none.
fn buttons(locales: &Locales, lang: &LanguageTag, prompt: &Prompt) -> Vec<Button> {
    let short = |t: &str| t.chars().count() <= MAX_BUTTON_TITLE;
    match prompt.expect {
        Expect::YesNo => {
            let yes = locales.format(lang, "button-yes", &Args::new());
            let no = locales.format(lang, "button-no", &Args::new());
            if short(&yes) && short(&no) {
                vec![
                    Button {
                        payload: "YES".into(),
                        title: yes,
                    },
                    Button {
                        payload: "NO".into(),
                        title: no,
                    },
                ]
            } else {
                Vec::new()
            }
        }
        Expect::Choice { max_choices: 1, .. }
            if !prompt.options.is_empty() && prompt.options.len() <= MAX_BUTTONS =>
        {
            let buttons: Vec<Button> = prompt
                .options
                .iter()
                .map(|o| Button {
                    payload: o.number.to_string(),
                    title: match &o.label {
                        Label::Message(id) => locales.format(lang, id, &Args::new()),
                        Label::Text(t) => t.clone(),
                        Label::Language(tag) => locales.format(tag, "language-name", &Args::new()),
                    },
                })
                .collect();
            if buttons.iter().all(|b| short(&b.title)) {
                buttons
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// What an inbound WhatsApp message carries besides its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Media {
    None,
    /// A voice note or audio file: Twilio's media URL and content type.
    Audio {
        url: String,
        content_type: String,
    },
    /// A picture, video, document…: not something Gather keeps.
    Other,
}

/// Reads `NumMedia`, `MediaUrl0` and `MediaContentType0`. Only the first
/// item counts (a voice note is always alone); only an https URL is kept.
pub fn media(num_media: Option<&str>, url: Option<&str>, content_type: Option<&str>) -> Media {
    let n = num_media
        .and_then(|n| n.trim().parse::<u32>().ok())
        .unwrap_or(0);
    if n == 0 {
        return Media::None;
    }
    let ct = content_type.unwrap_or("").trim().to_ascii_lowercase();
    match url.map(str::trim) {
        Some(u)
            if ct.starts_with("audio/")
                && u.starts_with("https://")
                && u.len() <= 512
                && !u.chars().any(char::is_whitespace) =>
        {
            Media::Audio {
                url: u.to_string(),
                content_type: ct,
            }
        }
        _ => Media::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(strip("whatsapp:+447700900123"), Some("+447700900123"));
        assert_eq!(strip("WhatsApp:+447700900123"), Some("+447700900123"));
        assert_eq!(strip("+447700900123"), None);
        assert_eq!(strip("whatsapp:"), None);
        assert_eq!(strip("whatsapp"), None);
        assert_eq!(address("+447700900123"), "whatsapp:+447700900123");
        assert_eq!(address("whatsapp:+447700900123"), "whatsapp:+447700900123");
    }

    #[test]
    fn references_in_bold() {
        assert_eq!(
            bold_references("Your issue is G-1042. Send UPDATES."),
            "Your issue is *G-1042*. Send UPDATES."
        );
        assert_eq!(bold_references("G-7 and G-8"), "*G-7* and *G-8*");
        // Not a reference on its own, or already bold: unchanged.
        for s in ["XG-1042", "G-", "G-12ab", "*G-1042*", "G-1234567890"] {
            assert_eq!(bold_references(s), s);
        }
        assert_eq!(bold_references("(G-1)"), "(*G-1*)");
        assert_eq!(bold_references("قضيتك G-1001."), "قضيتك *G-1001*.");
    }

    #[test]
    fn window() {
        let h = 3_600_000;
        assert!(!in_window(None, 0));
        assert!(in_window(Some(0), 23 * h));
        assert!(!in_window(Some(0), 24 * h));
        assert!(!in_window(Some(0), 25 * h));
    }

    #[test]
    fn variables_are_json() {
        assert_eq!(
            content_variables(&["G-1001".into(), "a \"b\"".into()]),
            r#"{"1":"G-1001","2":"a \"b\""}"#
        );
        assert_eq!(content_variables(&[]), "{}");
    }

    #[test]
    fn media_kinds() {
        let url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1";
        assert_eq!(
            media(Some("1"), Some(url), Some("audio/ogg")),
            Media::Audio {
                url: url.into(),
                content_type: "audio/ogg".into()
            }
        );
        assert_eq!(media(Some("0"), Some(url), Some("audio/ogg")), Media::None);
        assert_eq!(media(None, None, None), Media::None);
        assert_eq!(
            media(Some("1"), Some(url), Some("image/jpeg")),
            Media::Other
        );
        assert_eq!(
            media(Some("1"), Some("http://x/y"), Some("audio/ogg")),
            Media::Other
        );
        assert_eq!(media(Some("x"), Some(url), Some("audio/ogg")), Media::None);
    }

    #[test]
    fn opt_out_codes() {
        assert!(is_opt_out_code(63024));
        assert!(is_opt_out_code(63003));
        assert!(is_opt_out_code(63014));
        assert!(!is_opt_out_code(OUTSIDE_WINDOW));
        assert!(!is_opt_out_code(21610));
    }
}
