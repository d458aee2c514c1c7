//! Rendering engine events for a medium. The engine says *what* to ask;
//! here each channel decides *how*: numbered lines by SMS, "press 1" on a
//! call, buttons in chat (later, in the chat channels), WhatsApp's own
//! form in `channels::whatsapp`.

use crate::domain::{Channel, LanguageTag};
use crate::engine::{Event, Label, Prompt, Utterance};
use crate::i18n::{ArgValue, Args, Locales};

/// The most characters one SMS reply carries (Twilio's limit for a
/// concatenated message). Longer replies are sent as several messages.
pub const MAX_SMS_CHARS: usize = 1600;

fn format(locales: &Locales, lang: &LanguageTag, u: &Utterance, voice: bool) -> String {
    if voice {
        locales.format_voice(lang, &u.message, &u.args)
    } else {
        locales.format(lang, &u.message, &u.args)
    }
}

fn label(locales: &Locales, lang: &LanguageTag, l: &Label) -> String {
    match l {
        Label::Message(id) => locales.format(lang, id, &Args::new()),
        Label::Text(t) => t.clone(),
        Label::Language(tag) => locales.format(tag, "language-name", &Args::new()),
    }
}

fn option_lines(
    locales: &Locales,
    lang: &LanguageTag,
    prompt: &Prompt,
    voice: bool,
) -> Vec<String> {
    prompt
        .options
        .iter()
        .map(|o| {
            let mut a = Args::new();
            a.insert("number".into(), ArgValue::Number(o.number as i64));
            a.insert(
                "label".into(),
                ArgValue::from(label(locales, lang, &o.label)),
            );
            // A language's name is read in its own language on a call, so
            // the option line is in that language too.
            let line_lang = match (&o.label, voice) {
                (Label::Language(tag), true) => tag,
                _ => lang,
            };
            if voice {
                locales.format_voice(line_lang, "option-line", &a)
            } else {
                locales.format(line_lang, "option-line", &a)
            }
        })
        .collect()
}

/// The written form of a turn: one string per message, in order.
pub fn text_messages(locales: &Locales, lang: &LanguageTag, events: &[Event]) -> Vec<String> {
    let mut out = Vec::new();
    for e in events {
        match e {
            Event::Say(u) => out.push(format(locales, lang, u, false)),
            Event::SayIn {
                language,
                utterance,
            } => out.push(format(locales, language, utterance, false)),
            Event::Ask(p) => {
                let mut lines = vec![format(locales, lang, &p.utterance, false)];
                lines.extend(option_lines(locales, lang, p, false));
                out.push(lines.join("\n"));
            }
            Event::Reask {
                offer_help,
                repeat: true,
                prompt,
                ..
            } => {
                // Not the same hint yet again: the whole question, once more.
                let mut lines = vec![format!(
                    "{} {}",
                    locales.format(lang, "reask-again", &Args::new()),
                    format(locales, lang, &prompt.utterance, false)
                )];
                lines.extend(option_lines(locales, lang, prompt, false));
                if *offer_help {
                    lines.push(locales.format(lang, "offer-help", &Args::new()));
                }
                out.push(lines.join("\n"));
            }
            Event::Reask {
                hint, offer_help, ..
            } => {
                // The question is still on their screen: only the hint.
                let mut text = format(locales, lang, hint, false);
                if *offer_help {
                    text.push(' ');
                    text.push_str(&locales.format(lang, "offer-help", &Args::new()));
                }
                out.push(text);
            }
            _ => {}
        }
    }
    out
}

/// An SMS reply: a turn's messages joined into as few texts as fit, since
/// people pay per segment and one 2-segment text beats three 1-segment ones.
///
/// Each message is written plainly where its locale asks for it and that
/// makes it GSM-7 (`i18n::plain`): half the segments of UCS-2.
pub fn sms_messages(locales: &Locales, lang: &LanguageTag, events: &[Event]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in text_messages(locales, lang, events) {
        let m = match locales.sms_text(lang, &m) {
            std::borrow::Cow::Borrowed(_) => m,
            std::borrow::Cow::Owned(plain) => plain,
        };
        match out.last_mut() {
            Some(last) if last.chars().count() + 1 + m.chars().count() <= MAX_SMS_CHARS => {
                last.push('\n');
                last.push_str(&m);
            }
            _ => out.push(m),
        }
    }
    out
}

/// What a call would say, and which keys it would accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spoken {
    pub lines: Vec<String>,
    /// A human description of accepted keys, if the turn waits for keys.
    pub keys: Option<String>,
}

/// What a call says, from the same segments the TwiML is made of
/// (`channels::twilio_voice`), so transcripts show what a caller hears.
pub fn voice(locales: &Locales, lang: &LanguageTag, events: &[Event]) -> Spoken {
    let (segments, expect) = super::twilio_voice::segments(locales, lang, events);
    Spoken {
        lines: segments.into_iter().map(|s| s.text).collect(),
        keys: expect.map(super::twilio_voice::keys_description),
    }
}

/// Renders for any channel as plain strings (voice lines included), for
/// logs and the simulator.
pub fn render(
    locales: &Locales,
    lang: &LanguageTag,
    channel: Channel,
    events: &[Event],
) -> Vec<String> {
    match channel {
        Channel::Sms => sms_messages(locales, lang, events),
        Channel::WhatsApp => super::whatsapp::messages(locales, lang, events),
        Channel::Voice => voice(locales, lang, events).lines,
        Channel::Discord | Channel::Matrix | Channel::Console => {
            text_messages(locales, lang, events)
        }
    }
}
