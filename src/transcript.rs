//! Conversation transcripts: readable test files in `tests/transcripts/`.
//!
//! ```text
//! # A comment
//! @ from +447700900123        who speaks next (default +447700900001)
//! @ channel sms               sms | whatsapp | voice | chat | matrix | discord (a
//!                             chat account made from the number: `@p4477…:matrix.test`)
//! @ lang pl                   language hint for a person seen the first time
//! @ advance 8d                move the clock (s, m, h, d)
//! @ approve G-1001            organiser: approve an issue
//! @ title G-1001 "Short title"  organiser: set an issue's ballot title
//! @ title G-1001 pl "Tytuł"  organiser: the issue's title in one language
//! @ round open "Title" max=1 G-1001 G-1002
//!                             (`fallback`: open although a voter language
//!                             has no title; they read the default, marked)
//! @ round close               organiser: close the open round; results follow as `= ` lines
//! @ round open "Title" closes=1h G-1001   a round whose voting ends in an hour
//! @ hide G-1001 "reason"      organiser: hide an issue; notices follow as `= notice` lines
//! @ merge G-1002 G-1001       organiser: merge an issue into another (notices as for hide)
//! @ respond G-1001 committed "English text" pl="Polish text" progress=40
//! @ call                      voice: a call comes in (new caller: languages; known: menu)
//! @ hangup                    voice: the call ends (`= draft G-…` if a recording was unconfirmed)
//! > what the person sends     on a call: keys (`> 1`, `> 12#`, `> *`) or `> [recording 14s]`;
//!                             on WhatsApp `> [voice note]` is an audio message
//! < what Gather replies
//!   (indented lines continue the same message)
//! ```
//!
//! The runner replays the `>` and `@` lines against a fresh in-memory store
//! with a fixed clock and compares what Gather says with the `<`/`=` lines.
//! With `GATHER_BLESS=1` it rewrites the file instead of failing.

use crate::clock::ManualClock;
use crate::domain::{
    Channel, Identity, IdentityKind, IssueRef, LanguageTag, PhoneNumber, Timestamp,
};
use crate::engine::{Content, Engine};
use crate::flow::parse_duration;
use crate::i18n::Locales;
use crate::service::voice::CallInput;
use crate::service::{Gather, InboundMessage, ResponseInput, RoundInput};
use crate::store::{IssueStatus, ResponseStatus};
use std::path::Path;
use std::sync::Arc;

/// Monday 5 January 2026, 10:00 UTC: every transcript starts here.
pub const START: Timestamp = Timestamp(1_767_607_200_000);

/// Loads flows and locales from a checkout's folders; panics are for tests.
pub fn engine_from(root: &Path) -> Result<Engine, String> {
    let default = LanguageTag::parse("en-GB").map_err(|e| e.to_string())?;
    let locales = Locales::load(&root.join("locales"), &default).map_err(|errs| {
        errs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let (flows, problems) = crate::flow::load(&root.join("flows"), &locales);
    let flows = flows.ok_or_else(|| {
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    Ok(Engine::new(Arc::new(flows), Arc::new(locales)))
}

/// Runs one transcript file. `Ok(None)` when it matched (or was blessed),
/// `Ok(Some(diff))` when Gather said something else.
pub async fn run_file(path: &Path, engine: Engine, bless: bool) -> Result<Option<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let store = crate::store::connect("sqlite::memory:")
        .await
        .map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    let clock = Arc::new(ManualClock::new(START));
    let gather = Gather::new(store, engine, clock.clone());
    let actual = replay(&text, &gather, &clock).await?;
    if actual == text {
        return Ok(None);
    }
    if bless {
        std::fs::write(path, &actual).map_err(|e| e.to_string())?;
        return Ok(None);
    }
    Ok(Some(diff(&text, &actual)))
}

async fn replay(text: &str, gather: &Gather, clock: &ManualClock) -> Result<String, String> {
    let mut out = String::new();
    let mut from = PhoneNumber::parse("+447700900001").map_err(|e| e.to_string())?;
    let mut channel = Channel::Sms;
    let mut lang: Option<LanguageTag> = None;
    let mut last_round: Option<i64> = None;
    // The call in progress (`@ call`) and its step number.
    let mut call: Option<(String, u32)> = None;
    let mut calls = 0u32;
    for (n, line) in text.lines().enumerate() {
        let lineno = n + 1;
        // Replies are regenerated, never copied.
        if line.starts_with('<') || line.starts_with('=') || line.starts_with("  ") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if let Some(sent) = line
            .strip_prefix("> ")
            .or_else(|| (line == ">").then_some(""))
        {
            if channel == Channel::Voice
                && let Some((sid, seq)) = call.as_mut()
            {
                *seq += 1;
                let input = voice_input(sent);
                let reply = gather
                    .voice_turn(sid, &from, &format!("{sid}:{seq}"), input)
                    .await
                    .map_err(|e| format!("line {lineno}: {e}"))?;
                push_voice(&mut out, gather, &reply);
                continue;
            }
            let content = match channel {
                Channel::Voice => Content::Keys(sent.to_string()),
                _ => Content::Text(sent.to_string()),
            };
            let msg = InboundMessage {
                identity: identity_for(channel, &from),
                channel,
                content,
                provider_id: None,
                language_hint: lang.clone(),
            };
            let reply = if channel == Channel::WhatsApp {
                let media = if sent == "[voice note]" {
                    crate::channels::whatsapp::Media::Audio {
                        url: format!(
                            "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM{lineno:032}/Media/ME{lineno:032}"
                        ),
                        content_type: "audio/ogg".into(),
                    }
                } else {
                    crate::channels::whatsapp::Media::None
                };
                gather.handle_whatsapp(msg, media).await
            } else {
                gather.handle_inbound(msg).await
            }
            .map_err(|e| format!("line {lineno}: {e}"))?;
            for m in reply.messages {
                let mut first = true;
                for l in m.split('\n') {
                    out.push_str(if first { "< " } else { "  " });
                    out.push_str(l);
                    out.push('\n');
                    first = false;
                }
            }
        } else if let Some(d) = line.strip_prefix("@ ") {
            let words = split_words(d);
            let w: Vec<&str> = words.iter().map(String::as_str).collect();
            let err = |m: &str| format!("line {lineno}: {m}: {line}");
            match w.as_slice() {
                ["from", number] => {
                    from = PhoneNumber::parse(number).map_err(|e| err(&e.to_string()))?
                }
                ["call"] => {
                    calls += 1;
                    let sid = format!("CA{calls:032}");
                    channel = Channel::Voice;
                    let reply = gather
                        .voice_turn(&sid, &from, &format!("{sid}:0"), CallInput::Start)
                        .await
                        .map_err(|e| err(&e.to_string()))?;
                    push_voice(&mut out, gather, &reply);
                    call = Some((sid, 0));
                }
                ["hangup"] => {
                    let (sid, _) = call.take().ok_or_else(|| err("no call in progress"))?;
                    let draft = gather
                        .voice_status(&sid, "completed", Some(&from))
                        .await
                        .map_err(|e| err(&e.to_string()))?;
                    if let Some(d) = draft {
                        out.push_str(&format!("= draft {d}\n"));
                    }
                }
                ["channel", c] => channel = Channel::parse(c).map_err(|e| err(&e.to_string()))?,
                ["lang", l] => lang = Some(LanguageTag::parse(l).map_err(|e| err(&e.to_string()))?),
                ["advance", d] => {
                    clock.advance_secs(parse_duration(d).ok_or_else(|| err("bad duration"))?)
                }
                ["approve", r] => {
                    let r = IssueRef::parse(r).map_err(|e| err(&e.to_string()))?;
                    gather
                        .set_issue_status(r, IssueStatus::Approved, None)
                        .await
                        .map_err(|e| err(&e.to_string()))?;
                }
                ["title", r, title] => {
                    let r = IssueRef::parse(r).map_err(|e| err(&e.to_string()))?;
                    gather
                        .set_issue_title(r, title)
                        .await
                        .map_err(|e| err(&e.to_string()))?;
                }
                ["title", r, l, title] => {
                    let r = IssueRef::parse(r).map_err(|e| err(&e.to_string()))?;
                    let l = LanguageTag::parse(l).map_err(|e| err(&e.to_string()))?;
                    gather
                        .set_issue_title_in(r, &l, Some(title))
                        .await
                        .map_err(|e| err(&e.to_string()))?;
                }
                ["round", "open", title, rest @ ..] => {
                    let mut items = Vec::new();
                    let mut max_choices = 1;
                    let mut closes_at = None;
                    let mut fallback = false;
                    let mut titles = Vec::new();
                    for a in rest {
                        if *a == "fallback" {
                            fallback = true;
                        } else if let Some((l, t)) = a.split_once('=')
                            && let Ok(l) = LanguageTag::parse(l)
                            && !matches!(l.as_str(), "max" | "closes")
                        {
                            // `pl="Wiosna"`: the round's title in Polish.
                            titles.push((l, t.to_string()));
                        } else if let Some(m) = a.strip_prefix("max=") {
                            max_choices = m.parse().map_err(|_| err("bad max"))?;
                        } else if let Some(d) = a.strip_prefix("closes=") {
                            let secs = parse_duration(d).ok_or_else(|| err("bad closes"))?;
                            closes_at = Some(gather.clock.now().plus_secs(secs));
                        } else {
                            items.push(IssueRef::parse(a).map_err(|e| err(&e.to_string()))?);
                        }
                    }
                    let draft = gather
                        .create_round(RoundInput {
                            title: title.to_string(),
                            items,
                            max_choices,
                            closes_at,
                        })
                        .await
                        .map_err(|e| err(&e.to_string()))?;
                    for (l, t) in &titles {
                        gather
                            .set_round_title_in(draft.id, l, Some(t))
                            .await
                            .map_err(|e| err(&e.to_string()))?;
                    }
                    let round = gather
                        .open_round_id_with(draft.id, fallback)
                        .await
                        .map_err(|e| err(&e.to_string()))?;
                    last_round = Some(round.id);
                }
                ["round", "close"] => {
                    let id = last_round.ok_or_else(|| err("no round opened"))?;
                    for r in gather
                        .close_round(id)
                        .await
                        .map_err(|e| err(&e.to_string()))?
                    {
                        out.push_str(&format!(
                            "= {}. {} {} (votes: {})\n",
                            r.rank, r.issue_ref, r.title, r.votes
                        ));
                    }
                }
                ["respond", r, status, text, rest @ ..] => {
                    let issue = IssueRef::parse(r).map_err(|e| err(&e.to_string()))?;
                    let status = ResponseStatus::parse(status).ok_or_else(|| err("bad status"))?;
                    let mut texts = vec![(
                        gather.engine.locales().default_language().clone(),
                        text.to_string(),
                    )];
                    let mut progress = None;
                    for a in rest {
                        let (k, v) = a.split_once('=').ok_or_else(|| err("expected key=value"))?;
                        if k == "progress" {
                            progress = Some(v.parse().map_err(|_| err("bad progress"))?);
                        } else {
                            texts.push((
                                LanguageTag::parse(k).map_err(|e| err(&e.to_string()))?,
                                v.to_string(),
                            ));
                        }
                    }
                    gather
                        .record_response(ResponseInput {
                            issue,
                            status,
                            progress,
                            texts,
                        })
                        .await
                        .map_err(|e| err(&e.to_string()))?;
                }
                ["hide", r, reason] => {
                    let r = IssueRef::parse(r).map_err(|e| err(&e.to_string()))?;
                    gather
                        .set_issue_status(r, IssueStatus::Hidden, Some(reason))
                        .await
                        .map_err(|e| err(&e.to_string()))?;
                    push_notices(&mut out, gather).await.map_err(|e| err(&e))?;
                }
                ["merge", from, into] => {
                    let from = IssueRef::parse(from).map_err(|e| err(&e.to_string()))?;
                    let into = IssueRef::parse(into).map_err(|e| err(&e.to_string()))?;
                    gather
                        .merge_issue(from, into)
                        .await
                        .map_err(|e| err(&e.to_string()))?;
                    push_notices(&mut out, gather).await.map_err(|e| err(&e))?;
                }
                _ => return Err(err("unknown directive")),
            }
        }
    }
    Ok(out)
}

/// Who speaks on `channel`: the phone number, or on Matrix and Discord a
/// chat account made from its digits (rendered as that channel renders).
fn identity_for(channel: Channel, from: &PhoneNumber) -> Identity {
    let digits: String = from.as_str().chars().filter(char::is_ascii_digit).collect();
    match channel {
        Channel::Matrix => Identity {
            kind: IdentityKind::Matrix,
            address: format!("@p{digits}:matrix.test"),
        },
        Channel::Discord => Identity {
            kind: IdentityKind::Discord,
            address: digits,
        },
        _ => Identity::phone(from),
    }
}

/// Messages the organiser's action queued for people, as `= notice +44…
/// text` lines (SMS) and `= whatsapp +44… text` lines (WhatsApp, before its
/// window is judged); they are taken from the outbox.
async fn push_notices(out: &mut String, gather: &Gather) -> Result<(), String> {
    for (channel, label) in [(Channel::Sms, "notice"), (Channel::WhatsApp, "whatsapp")] {
        let mut tx = gather.store.begin().await.map_err(|e| e.to_string())?;
        let items = tx
            .claim_outbox(channel, gather.clock.now(), 10, 60_000, "transcript")
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
        for item in items {
            let text = item.text.replace('\n', "\n  ");
            out.push_str(&format!("= {label} {} {text}\n", item.address));
        }
    }
    Ok(())
}

/// What a line typed on a call means: `[recording 14s]`, or keys.
fn voice_input(sent: &str) -> CallInput {
    if let Some(secs) = sent
        .strip_prefix("[recording ")
        .and_then(|r| r.strip_suffix("s]"))
        .and_then(|n| n.parse::<i64>().ok())
    {
        return CallInput::Recording {
            url: format!("https://api.twilio.com/recordings/RE{secs:032}"),
            secs,
        };
    }
    if sent.trim().is_empty() {
        // Silence: the call asks again.
        return CallInput::Keys("*".into());
    }
    CallInput::Keys(
        crate::channels::twilio_voice::keys_for_engine(sent, "key")
            .unwrap_or_else(|| sent.to_string()),
    )
}

/// A call's reply: what is said, then the keys it accepts.
fn push_voice(out: &mut String, gather: &Gather, reply: &crate::service::Reply) {
    let spoken =
        crate::channels::render::voice(gather.engine.locales(), &reply.language, &reply.events);
    for l in &spoken.lines {
        out.push_str("< ");
        out.push_str(l);
        out.push('\n');
    }
    if let Some(k) = spoken.keys {
        out.push_str(&format!("< [keys: {k}]\n"));
    } else {
        out.push_str("< [hang up]\n");
    }
}

/// Splits on spaces, keeping "quoted strings" (and key="quoted values") whole.
fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            _ => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A line-by-line diff, enough to see what changed.
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    let n = e.len().max(a.len());
    let mut shown = 0;
    for i in 0..n {
        let (x, y) = (e.get(i), a.get(i));
        if x != y {
            out.push_str(&format!(
                "line {}:\n  - {}\n  + {}\n",
                i + 1,
                x.unwrap_or(&"<none>"),
                y.unwrap_or(&"<none>")
            ));
            shown += 1;
            if shown >= 8 {
                out.push_str("  …\n");
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::split_words;

    #[test]
    fn words() {
        assert_eq!(
            split_words(r#"round open "Spring vote" max=2 G-1001"#),
            vec!["round", "open", "Spring vote", "max=2", "G-1001"]
        );
        assert_eq!(
            split_words(r#"respond G-1 done "" pl="Zrobione teraz""#),
            vec!["respond", "G-1", "done", "", "pl=Zrobione teraz"]
        );
    }
}
