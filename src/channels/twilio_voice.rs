//! A call, rendered as Twilio TwiML. Pure: the engine's events in, XML out.
//! The engine says *what* to ask; here a question becomes `<Gather>` (keys)
//! or `<Record>` (a spoken issue), and each sentence a `<Say>` in its own
//! language (or a recorded `<Play>` where the provider has no voice).
//!
//! The same [`segments`] and [`wait_for`] drive `render::voice` (the
//! simulator and transcripts), so what a transcript shows is what a call says.

use crate::domain::LanguageTag;
use crate::engine::{Event, Expect, Label, Prompt, Utterance};
use crate::i18n::{ArgValue, Args, Locales};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The verbs Gather may use, with the attributes it may set on each (the
/// subset of Twilio's documented ones it needs). Tests check every reply
/// against this list.
pub const TWIML_VERBS: &[(&str, &[&str])] = &[
    ("Response", &[]),
    ("Say", &["language", "voice", "loop"]),
    ("Play", &["loop", "digits"]),
    (
        "Gather",
        &[
            "input",
            "numDigits",
            "finishOnKey",
            "timeout",
            "action",
            "method",
            "actionOnEmptyResult",
            "language",
        ],
    ),
    (
        "Record",
        &[
            "action",
            "method",
            "maxLength",
            "finishOnKey",
            "timeout",
            "playBeep",
            "trim",
        ],
    ),
    ("Redirect", &["method"]),
    ("Hangup", &[]),
    ("Pause", &["length"]),
];

/// Settings for speaking: per-locale voices, which locales play recordings.
#[derive(Debug, Clone)]
pub struct VoiceSettings {
    /// `<Say voice=…>` per locale tag (`pl` → `Polly.Ewa`). A locale not
    /// listed gets no voice attribute (the provider's default for the
    /// language).
    pub voices: BTreeMap<String, String>,
    /// Locales the provider cannot speak: static sentences are played from
    /// recordings in `audio_dir` (`gather voice render`), where one exists.
    pub play_languages: Vec<String>,
    /// Where recorded prompts live: `<audio_dir>/<lang>/<message-id>.wav`.
    pub audio_dir: PathBuf,
    /// The number to text, said in the goodbye after a silent call.
    pub sms_number: Option<String>,
    /// Longest recording, seconds.
    pub max_record_secs: u32,
    /// Seconds of silence that end a `<Gather>` or `<Record>`.
    pub timeout_secs: u32,
}

impl Default for VoiceSettings {
    fn default() -> Self {
        VoiceSettings {
            voices: default_voices(),
            play_languages: DEFAULT_PLAY_LANGUAGES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            audio_dir: PathBuf::from(DEFAULT_AUDIO_DIR),
            sms_number: None,
            max_record_secs: 120,
            timeout_secs: 6,
        }
    }
}

/// Locales whose fixed sentences are played from recordings by default
/// (`GATHER_VOICE_PLAY_LANGUAGES`): Twilio has no `<Say>` voice for them.
pub const DEFAULT_PLAY_LANGUAGES: &[&str] = &["pa", "ur", "bn", "gu"];
/// Where recorded prompts live by default (`GATHER_AUDIO_DIR`).
pub const DEFAULT_AUDIO_DIR: &str = "audio";

/// Amazon Polly voices Twilio offers, only for locales where the name is
/// certain; others get the language alone.
pub fn default_voices() -> BTreeMap<String, String> {
    [
        ("en-GB", "Polly.Amy"),
        ("pl", "Polly.Ewa"),
        ("ro", "Polly.Carmen"),
        ("pt", "Polly.Ines"),
        ("es", "Polly.Lucia"),
        ("it", "Polly.Bianca"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// The `language` attribute Twilio expects for a locale tag.
pub fn say_language(tag: &LanguageTag) -> String {
    match tag.as_str() {
        "pl" => "pl-PL",
        "ro" => "ro-RO",
        "pt" => "pt-PT",
        "es" => "es-ES",
        "it" => "it-IT",
        "ar" => "arb",
        "pa" => "pa-IN",
        "ur" => "ur-IN",
        "bn" => "bn-IN",
        "gu" => "gu-IN",
        other => other,
    }
    .to_string()
}

/// One thing said: its language, its words, and the message it came from
/// when the sentence is the same for everyone (so a recording can stand in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub language: LanguageTag,
    pub text: String,
    pub message: Option<String>,
}

/// How the call waits after speaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// One key (numDigits=1).
    Key,
    /// Several digits, ending with `#` (a number, a long list).
    Digits { max_digits: u32 },
    /// Several choices at once (`1 3#`): each digit is one choice.
    Choices,
    /// Speak after the tone; `#` to finish.
    Record,
    /// Nothing to wait for: goodbye.
    Hangup,
}

impl Wait {
    /// The `mode` query value the next request carries, so it knows how to
    /// read its `Digits`.
    pub fn mode(self) -> &'static str {
        match self {
            Wait::Key => "key",
            Wait::Digits { .. } => "digits",
            Wait::Choices => "choices",
            Wait::Record => "record",
            Wait::Hangup => "none",
        }
    }
}

/// How a question is answered on a keypad.
pub fn wait_for(expect: Expect) -> Wait {
    match expect {
        Expect::Choice { max_choices, .. } if max_choices > 1 => Wait::Choices,
        Expect::Choice { count, .. } | Expect::Language { count } if count <= 8 => Wait::Key,
        Expect::Choice { count, .. } | Expect::Language { count } => Wait::Digits {
            max_digits: digits(count as i64),
        },
        Expect::YesNo => Wait::Key,
        Expect::Number { max, .. } => Wait::Digits {
            max_digits: digits(max),
        },
        Expect::Text { .. } => Wait::Record,
        // Only a non-skippable postcode question reaches a call: `0` menu.
        Expect::PostcodeDistrict => Wait::Key,
    }
}

fn digits(n: i64) -> u32 {
    n.max(1).to_string().len() as u32
}

/// The keys a question accepts, for people reading a transcript.
pub fn keys_description(expect: Expect) -> String {
    match (expect, wait_for(expect)) {
        (Expect::YesNo, _) => "1 yes, 2 no, * repeat, 0 menu, 9 help".to_string(),
        (Expect::Choice { count, .. } | Expect::Language { count }, Wait::Key) => {
            format!("1-{count}, * repeat, 0 menu, 9 help")
        }
        (Expect::Choice { count, .. } | Expect::Language { count }, Wait::Digits { .. })
        | (Expect::Language { count }, _) => format!("1-{count} then #, * repeat, 0 menu"),
        (Expect::Choice { count, max_choices }, _) => {
            format!("up to {max_choices} of 1-{count} then #, * repeat, 0 menu, 9 help")
        }
        (Expect::Number { min, max }, _) => format!("digits {min}-{max} then #"),
        (Expect::Text { .. }, _) => "speak after the tone, # to finish".to_string(),
        (Expect::PostcodeDistrict, _) => "0 menu".to_string(),
    }
}

/// Reads the `Digits` of a request for the engine. `None`: not keys at all.
/// `*`, `0` and `9` pass through (the engine knows what they mean at each
/// question); a trailing `#` is dropped; with [`Wait::Choices`], `13` is
/// choices 1 and 3.
pub fn keys_for_engine(digits: &str, mode: &str) -> Option<String> {
    let d = digits.trim().trim_end_matches('#');
    if d.len() > 12 || !d.chars().all(|c| c.is_ascii_digit() || c == '*') {
        return None;
    }
    if d.contains('*') {
        return Some("*".to_string());
    }
    if mode == "choices" && d.len() > 1 {
        let spaced: Vec<String> = d.chars().map(|c| c.to_string()).collect();
        return Some(spaced.join(" "));
    }
    Some(d.to_string())
}

/// The words of an utterance, and its message id when they are exactly
/// what `gather voice render` recorded for it (the same words with the
/// sample arguments), so a recording can stand in. Formatting with the
/// sample arguments rather than none also keeps Fluent from logging a
/// missing variable for every templated line of every call.
fn static_or_not(locales: &Locales, lang: &LanguageTag, u: &Utterance) -> (String, Option<String>) {
    let text = locales.format_voice(lang, &u.message, &u.args);
    let message = if u.args.is_empty() {
        Some(u.message.clone())
    } else {
        let sample = locales.format_voice(lang, &u.message, &sample_args(locales, lang));
        (text == sample).then(|| u.message.clone())
    };
    (text, message)
}

fn label(locales: &Locales, lang: &LanguageTag, l: &Label) -> String {
    match l {
        Label::Message(id) => locales.format(lang, id, &Args::new()),
        Label::Text(t) => t.clone(),
        Label::Language(tag) => locales.format(tag, "language-name", &Args::new()),
    }
}

fn ask(locales: &Locales, lang: &LanguageTag, p: &Prompt, out: &mut Vec<Segment>) {
    let (text, message) = static_or_not(locales, lang, &p.utterance);
    out.push(Segment {
        language: lang.clone(),
        text,
        message,
    });
    for o in &p.options {
        let mut a = Args::new();
        a.insert("number".into(), ArgValue::Number(o.number as i64));
        a.insert(
            "label".into(),
            ArgValue::from(label(locales, lang, &o.label)),
        );
        // A language's name is said in that language, and so is its line:
        // "For English press 1. Dla polskiego naciśnij 2."
        let line_lang = match &o.label {
            Label::Language(tag) => tag,
            _ => lang,
        };
        out.push(Segment {
            language: line_lang.clone(),
            text: locales.format_voice(line_lang, "option-line", &a),
            message: None,
        });
    }
    if matches!(wait_for(p.expect), Wait::Digits { .. } | Wait::Choices) {
        out.push(Segment {
            language: lang.clone(),
            text: locales.format_voice(lang, "voice-then-hash", &Args::new()),
            message: Some("voice-then-hash".into()),
        });
    }
}

/// What a turn says, in order, and the question it waits at (the last).
pub fn segments(
    locales: &Locales,
    lang: &LanguageTag,
    events: &[Event],
) -> (Vec<Segment>, Option<Expect>) {
    let mut out = Vec::new();
    let mut expect = None;
    for e in events {
        match e {
            Event::Say(u) => {
                let (text, message) = static_or_not(locales, lang, u);
                out.push(Segment {
                    language: lang.clone(),
                    text,
                    message,
                });
            }
            Event::SayIn {
                language,
                utterance,
            } => {
                let (text, message) = static_or_not(locales, language, utterance);
                out.push(Segment {
                    language: language.clone(),
                    text,
                    message,
                });
            }
            Event::Ask(p) => {
                ask(locales, lang, p, &mut out);
                expect = Some(p.expect);
            }
            Event::Reask {
                hint,
                prompt,
                offer_help,
                ..
            } => {
                let (text, message) = static_or_not(locales, lang, hint);
                out.push(Segment {
                    language: lang.clone(),
                    text,
                    message,
                });
                if *offer_help {
                    out.push(Segment {
                        language: lang.clone(),
                        text: locales.format_voice(lang, "offer-help", &Args::new()),
                        message: Some("offer-help".into()),
                    });
                }
                ask(locales, lang, prompt, &mut out);
                expect = Some(prompt.expect);
            }
            _ => {}
        }
    }
    (out, expect)
}

/// Escapes text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Where the next request goes: `<base>/webhooks/twilio/voice/<path>?seq=…`.
#[derive(Debug, Clone)]
pub struct NextUrls {
    /// The public base URL, no trailing slash.
    pub base: String,
    /// The next step's sequence number.
    pub seq: u32,
    /// Silent re-prompts in a row so far.
    pub silent: u32,
}

impl NextUrls {
    pub fn gather(&self, wait: Wait) -> String {
        format!(
            "{}/webhooks/twilio/voice/gather?seq={}&silent={}&mode={}",
            self.base,
            self.seq,
            self.silent,
            wait.mode()
        )
    }

    pub fn record(&self) -> String {
        format!(
            "{}/webhooks/twilio/voice/record?seq={}&silent={}&mode=record",
            self.base, self.seq, self.silent
        )
    }
}

fn say_xml(settings: &VoiceSettings, base: &str, s: &Segment) -> String {
    let tag = s.language.as_str();
    if let Some(id) = &s.message
        && settings.play_languages.iter().any(|l| l == tag)
        && settings
            .audio_dir
            .join(tag)
            .join(format!("{id}.wav"))
            .is_file()
    {
        return format!(
            "<Play>{}</Play>",
            escape(&format!("{base}/audio/{tag}/{id}.wav"))
        );
    }
    let voice = settings
        .voices
        .get(tag)
        .map(|v| format!(" voice=\"{}\"", escape(v)))
        .unwrap_or_default();
    format!(
        "<Say language=\"{}\"{voice}>{}</Say>",
        escape(&say_language(&s.language)),
        escape(&s.text)
    )
}

/// The TwiML for a turn: what to say, then how to wait.
pub fn twiml(
    settings: &VoiceSettings,
    segments: &[Segment],
    wait: Wait,
    next: &NextUrls,
) -> String {
    let says: String = segments
        .iter()
        .filter(|s| !s.text.trim().is_empty())
        .map(|s| say_xml(settings, &next.base, s))
        .collect();
    let timeout = settings.timeout_secs;
    let body = match wait {
        Wait::Key | Wait::Digits { .. } | Wait::Choices => {
            let action = escape(&next.gather(wait));
            let shape = match wait {
                Wait::Key => "numDigits=\"1\"".to_string(),
                Wait::Digits { max_digits } => {
                    format!("numDigits=\"{max_digits}\" finishOnKey=\"#\"")
                }
                _ => "finishOnKey=\"#\"".to_string(),
            };
            // No key at all: Twilio calls the action with empty Digits; the
            // redirect is the fallback if it does not.
            format!(
                "<Gather input=\"dtmf\" {shape} timeout=\"{timeout}\" action=\"{action}\" \
                 method=\"POST\" actionOnEmptyResult=\"true\">{says}</Gather>\
                 <Redirect method=\"POST\">{action}</Redirect>"
            )
        }
        Wait::Record => {
            let action = escape(&next.record());
            let silent = escape(&next.gather(Wait::Record));
            format!(
                "{says}<Record action=\"{action}\" method=\"POST\" maxLength=\"{}\" \
                 finishOnKey=\"#\" timeout=\"{timeout}\" playBeep=\"true\"/>\
                 <Redirect method=\"POST\">{silent}</Redirect>",
                settings.max_record_secs
            )
        }
        Wait::Hangup => format!("{says}<Hangup/>"),
    };
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>{body}</Response>")
}

/// A moment's pause, then the same request again: the answer to a retried
/// request whose first copy is still being handled.
pub fn retry_later(url: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Pause length=\"1\"/>\
         <Redirect method=\"POST\">{}</Redirect></Response>",
        escape(url)
    )
}

/// The polite goodbye after a silent call: the SMS number, then hang up.
pub fn goodbye(
    settings: &VoiceSettings,
    locales: &Locales,
    lang: &LanguageTag,
    next: &NextUrls,
) -> String {
    let seg = goodbye_line(settings, locales, lang);
    twiml(settings, &[seg], Wait::Hangup, next)
}

/// What the goodbye after a silent call says (the SMS number digit by
/// digit, if there is one).
pub fn goodbye_line(settings: &VoiceSettings, locales: &Locales, lang: &LanguageTag) -> Segment {
    let mut a = Args::new();
    let spoken_number = settings
        .sms_number
        .as_deref()
        .map(|n| {
            n.chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "none".to_string());
    a.insert("number".into(), ArgValue::from(spoken_number));
    Segment {
        language: lang.clone(),
        text: locales.format_voice(lang, "voice-goodbye", &a),
        message: None,
    }
}

/// A short spoken line by id (no arguments), for the voice layer's own
/// sentences (`voice-recording-failed`).
pub fn line(locales: &Locales, lang: &LanguageTag, id: &str) -> Segment {
    Segment {
        language: lang.clone(),
        text: locales.format_voice(lang, id, &Args::new()),
        message: Some(id.to_string()),
    }
}

// --- recorded prompts (`gather voice render`) --------------------------------

/// Locale files whose messages a call never says (the web pages).
const UNSPOKEN_FILES: &[&str] = &["web.ftl"];

/// Whether a message id can name a recording: `/audio/<lang>/<id>.wav`
/// accepts lower-case letters, digits and `-` only.
pub fn is_prompt_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Sample arguments for every variable the locales use, so a message with
/// arguments can still be recorded for review.
fn sample_args(locales: &Locales, lang: &LanguageTag) -> Args {
    let mut a = Args::new();
    for (k, n) in [
        ("number", 1),
        ("count", 3),
        ("max", 5),
        ("min", 1),
        ("max_choices", 2),
        ("pending", 1),
        ("rank", 1),
        ("votes", 12),
    ] {
        a.insert(k.into(), ArgValue::Number(n));
    }
    let name = locales.format(lang, "language-name", &Args::new());
    for (k, v) in [
        ("label", name.as_str()),
        ("choices", "1, 3"),
        ("area", "SE15"),
        ("code", "4 7 1 1"),
        ("ref", "G 1001"),
        ("title", "G 1001"),
        ("round_title", "G 1001"),
        ("description_short", "G 1001"),
        ("previous", "G 1001"),
        ("text", "G 1001"),
        ("status", "G 1001"),
        ("progress", "1 / 3"),
    ] {
        a.insert(k.into(), ArgValue::from(v.to_string()));
    }
    a
}

/// Every sentence a call can say in a locale, as `(message id, spoken
/// text)`: the `.voice` attribute where there is one, with sample
/// arguments. Only the locale's own messages (a missing one falls back to
/// the default locale's words, which its recording would not match).
pub fn prompts(locales: &Locales, lang: &LanguageTag) -> Vec<(String, String)> {
    let args = sample_args(locales, lang);
    let mut out = Vec::new();
    for (file, ids) in locales.ftl_files(lang) {
        if UNSPOKEN_FILES.contains(&file.as_str()) {
            continue;
        }
        for id in ids {
            if !is_prompt_id(&id) {
                continue;
            }
            let text = locales.format_voice(lang, &id, &args);
            if !text.trim().is_empty() {
                out.push((id, text));
            }
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// The espeak-ng voice for a locale: its tag in lower case (`en-gb`), else
/// its primary language (`pt`), if espeak-ng has it.
pub fn espeak_voice(available: &[String], lang: &LanguageTag) -> Option<String> {
    let full = lang.as_str().to_ascii_lowercase();
    let primary = lang.primary().to_ascii_lowercase();
    [full, primary]
        .into_iter()
        .find(|v| available.iter().any(|a| a == v))
}

/// The voices espeak-ng has (`espeak-ng --voices`), or why it cannot run.
pub fn espeak_voices() -> Result<Vec<String>, String> {
    let out = std::process::Command::new("espeak-ng")
        .arg("--voices")
        .output()
        .map_err(|e| {
            format!(
                "cannot run espeak-ng ({e}): install it first (Debian/Ubuntu: apt-get install espeak-ng)"
            )
        })?;
    if !out.status.success() {
        return Err(format!(
            "espeak-ng --voices failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
        .collect())
}

/// Speaks `text` with espeak-ng into a WAV file. The text goes in on stdin
/// (UTF-8), never as an argument.
pub fn espeak_to_wav(voice: &str, text: &str, path: &std::path::Path) -> Result<(), String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("espeak-ng")
        .args(["-v", voice, "-b", "1", "--stdin", "-w"])
        .arg(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run espeak-ng: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write to espeak-ng: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("espeak-ng did not finish: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "espeak-ng failed for {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(())
}
