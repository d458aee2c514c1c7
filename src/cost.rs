//! What people pay: the SMS segments of whole journeys, per locale.
//!
//! `gather flows check` lints single prompts; people pay for composed
//! messages: the welcome joined with the menu, a read-back that quotes their
//! own words, a ballot with real titles, an UPDATES page, a Board update.
//! This module plays the same journeys for every locale through the real
//! service (a fresh in-memory store, a fixed clock, the configured flows and
//! locales) and counts the segments of every SMS Gather sends, with the
//! person's own words written in their language (`SAMPLES`).
//!
//! The budget (issue 19, `docs/sms-cost.md`): every reply at most 2
//! segments, a ballot or UPDATES page at most 3, first contact at most 2,
//! and each journey at most 1.3 times what it costs in English.

use crate::clock::ManualClock;
use crate::domain::{Channel, Identity, IssueRef, LanguageTag, PhoneNumber};
use crate::engine::{Content, Engine};
use crate::i18n::segments::{self, Encoding};
use crate::service::{Gather, InboundMessage, ResponseInput, RoundInput};
use crate::store::{IssueStatus, ResponseStatus};
use std::fmt::Write as _;
use std::sync::Arc;

/// Most segments any one reply may cost.
pub const MAX_REPLY_SEGMENTS: usize = 2;
/// Most segments a ballot or an UPDATES page may cost.
pub const MAX_PAGE_SEGMENTS: usize = 3;
/// Most a journey may cost, as a multiple of the same journey in English.
pub const MAX_JOURNEY_RATIO: f64 = 1.3;

/// What a person of each locale types: a typical ~160-character issue in
/// their language, and the Board's answer as an organiser would translate
/// it. Locales not listed use the English texts.
const SAMPLES: &[(&str, &str, &str)] = &[
    (
        "en-GB",
        "The GP surgery on our estate stopped evening appointments, so people who work all day cannot see a doctor and end up waiting for hours at A&E instead.",
        "The Board will fund evening GP appointments in every area from next April.",
    ),
    (
        "pl",
        "Przychodnia na naszym osiedlu zlikwidowała wieczorne wizyty, więc osoby pracujące cały dzień nie mogą iść do lekarza i godzinami czekają na SOR.",
        "Zarząd sfinansuje wieczorne wizyty u lekarza rodzinnego w każdym rejonie od kwietnia.",
    ),
    (
        "ro",
        "Cabinetul medical din cartierul nostru a renunțat la programările de seară, așa că cei care lucrează toată ziua nu pot merge la medic și așteaptă ore la urgențe.",
        "Consiliul va finanța programări de seară la medicul de familie în fiecare zonă din aprilie.",
    ),
    (
        "pa",
        "ਸਾਡੇ ਇਲਾਕੇ ਦੀ ਜੀਪੀ ਸਰਜਰੀ ਨੇ ਸ਼ਾਮ ਦੀਆਂ ਮੁਲਾਕਾਤਾਂ ਬੰਦ ਕਰ ਦਿੱਤੀਆਂ ਹਨ, ਇਸ ਲਈ ਸਾਰਾ ਦਿਨ ਕੰਮ ਕਰਨ ਵਾਲੇ ਲੋਕ ਡਾਕਟਰ ਨੂੰ ਨਹੀਂ ਮਿਲ ਸਕਦੇ ਅਤੇ ਘੰਟਿਆਂ ਤੱਕ ਐਮਰਜੈਂਸੀ ਵਿੱਚ ਉਡੀਕ ਕਰਦੇ ਹਨ।",
        "ਬੋਰਡ ਅਗਲੇ ਅਪ੍ਰੈਲ ਤੋਂ ਹਰ ਇਲਾਕੇ ਵਿੱਚ ਸ਼ਾਮ ਦੀਆਂ ਜੀਪੀ ਮੁਲਾਕਾਤਾਂ ਲਈ ਪੈਸੇ ਦੇਵੇਗਾ।",
    ),
    (
        "ur",
        "ہمارے علاقے کی جی پی سرجری نے شام کی اپائنٹمنٹس بند کر دی ہیں، اس لیے سارا دن کام کرنے والے لوگ ڈاکٹر سے نہیں مل سکتے اور گھنٹوں ایمرجنسی میں انتظار کرتے ہیں۔",
        "بورڈ اگلے اپریل سے ہر علاقے میں شام کی جی پی اپائنٹمنٹس کے لیے رقم دے گا۔",
    ),
    (
        "pt",
        "O centro de saúde do nosso bairro acabou com as consultas à noite, por isso quem trabalha o dia todo não consegue ver um médico e espera horas nas urgências.",
        "O Conselho vai financiar consultas de medicina geral à noite em todas as zonas a partir de abril.",
    ),
    (
        "es",
        "El centro de salud de nuestro barrio quitó las citas de tarde, así que quien trabaja todo el día no puede ver al médico y espera horas en urgencias.",
        "La Junta financiará citas de tarde con el médico de cabecera en todas las zonas desde abril.",
    ),
    (
        "ar",
        "أوقفت العيادة في حينا المواعيد المسائية، لذلك لا يستطيع من يعمل طوال اليوم رؤية الطبيب وينتظر ساعات طويلة في قسم الطوارئ بدلاً من ذلك.",
        "سيموّل المجلس مواعيد مسائية لدى طبيب العائلة في كل منطقة ابتداءً من أبريل المقبل.",
    ),
    (
        "bn",
        "আমাদের এলাকার জিপি সার্জারি সন্ধ্যার অ্যাপয়েন্টমেন্ট বন্ধ করে দিয়েছে, তাই যারা সারাদিন কাজ করেন তারা ডাক্তার দেখাতে পারেন না এবং জরুরি বিভাগে ঘণ্টার পর ঘণ্টা অপেক্ষা করেন।",
        "বোর্ড আগামী এপ্রিল থেকে প্রতিটি এলাকায় সন্ধ্যার জিপি অ্যাপয়েন্টমেন্টের জন্য অর্থ দেবে।",
    ),
    (
        "gu",
        "અમારા વિસ્તારની જીપી સર્જરીએ સાંજની એપોઇન્ટમેન્ટ બંધ કરી દીધી છે, તેથી આખો દિવસ કામ કરતા લોકો ડૉક્ટરને મળી શકતા નથી અને કલાકો સુધી ઇમરજન્સીમાં રાહ જુએ છે.",
        "બોર્ડ આવતા એપ્રિલથી દરેક વિસ્તારમાં સાંજની જીપી એપોઇન્ટમેન્ટ માટે ભંડોળ આપશે.",
    ),
    (
        "it",
        "L'ambulatorio del nostro quartiere ha tolto le visite serali, quindi chi lavora tutto il giorno non può vedere il medico e aspetta ore al pronto soccorso.",
        "Il Consiglio finanzierà visite serali dal medico di base in ogni zona da aprile.",
    ),
];

/// Ballot titles as long as an organiser may make them (80 characters).
const TITLES: [&str; 3] = [
    "Evening and weekend GP appointments for people who work in the day, all areas",
    "Shorter waits for children's mental health support after a school referral",
    "Free parking for carers and patients with long-term conditions at hospitals",
];

/// [`TITLES`] as an organiser writes them in each other language (issue 19):
/// short, at most 60 characters in GSM-7 and 30 in UCS-2.
/// The round's title as an organiser would write it in each language.
const LOCAL_ROUND_TITLES: &[(&str, &str)] = &[
    ("ar", "ما الذي يبدأ به المجلس؟"),
    ("bn", "বোর্ড আগে কী দেখবে?"),
    ("es", "¿Qué debe tratar primero la Junta?"),
    ("gu", "બોર્ડ પહેલાં શું લે?"),
    ("it", "Di cosa si occupa prima il Consiglio?"),
    ("pa", "ਬੋਰਡ ਪਹਿਲਾਂ ਕੀ ਲਵੇ?"),
    ("pl", "Czym Zarząd ma się zająć najpierw?"),
    ("pt", "O que o Conselho deve tratar primeiro?"),
    ("ro", "Cu ce să înceapă Consiliul?"),
    ("ur", "بورڈ پہلے کیا لے؟"),
];

const LOCAL_TITLES: [(&str, [&str; 3]); 10] = [
    (
        "pl",
        [
            "Wieczorne i weekendowe wizyty u lekarza rodzinnego",
            "Krótsze czekanie na pomoc psychiatryczną dla dzieci",
            "Darmowy parking w szpitalach dla opiekunów i chorych",
        ],
    ),
    (
        "ro",
        [
            "Programări la medicul de familie seara și în weekend",
            "Așteptare mai scurtă la sănătatea mintală a copiilor",
            "Parcare gratuită la spital pentru îngrijitori și bolnavi",
        ],
    ),
    (
        "pt",
        [
            "Consultas de clínica geral à noite e ao fim de semana",
            "Menos espera na saúde mental das crianças",
            "Estacionamento grátis no hospital para cuidadores",
        ],
    ),
    (
        "es",
        [
            "Citas de médico de cabecera tardes y fines de semana",
            "Menos espera en salud mental infantil",
            "Aparcamiento gratis en hospitales para cuidadores",
        ],
    ),
    (
        "it",
        [
            "Visite dal medico di base la sera e nel weekend",
            "Attese più brevi per la salute mentale dei bambini",
            "Parcheggio gratuito in ospedale per chi assiste",
        ],
    ),
    (
        "ar",
        [
            "مواعيد طبيب مساءً وبالعطلة",
            "انتظار أقصر لصحة الطفل النفسية",
            "مواقف مجانية للمرافقين بالمشفى",
        ],
    ),
    (
        "ur",
        [
            "شام اور ہفتہ وار GP ملاقاتیں",
            "بچوں کی ذہنی صحت: کم انتظار",
            "ہسپتال میں مفت پارکنگ",
        ],
    ),
    (
        "bn",
        [
            "সন্ধ্যা ও ছুটির দিনে GP দেখানো",
            "শিশুর মানসিক সেবা: কম অপেক্ষা",
            "হাসপাতালে বিনামূল্যে পার্কিং",
        ],
    ),
    (
        "pa",
        [
            "ਸ਼ਾਮ ਤੇ ਛੁੱਟੀ ਦੇ ਦਿਨ GP ਮਿਲਣਾ",
            "ਬਾਲ ਮਾਨਸਿਕ ਸਿਹਤ: ਘੱਟ ਉਡੀਕ",
            "ਹਸਪਤਾਲ ਵਿੱਚ ਮੁਫ਼ਤ ਪਾਰਕਿੰਗ",
        ],
    ),
    (
        "gu",
        [
            "સાંજે અને રજામાં GP મુલાકાત",
            "બાળકોના માનસિક આરોગ્ય: ઓછી રાહ",
            "હોસ્પિટલમાં મફત પાર્કિંગ",
        ],
    ),
];

/// One SMS Gather sent.
#[derive(Debug, Clone)]
pub struct Message {
    /// What it answers (`first contact`, `read-back`, `ballot`…).
    pub label: String,
    /// The most a message of this kind may cost.
    pub budget: usize,
    pub segments: usize,
    pub encoding: Encoding,
    pub text: String,
}

/// Every message of the journeys for one locale.
#[derive(Debug, Clone)]
pub struct LocaleCost {
    pub language: LanguageTag,
    pub messages: Vec<Message>,
    /// First contact → a reference for the issue.
    pub raise: usize,
    /// First contact → raise → vote → one Board update (push and UPDATES).
    pub cycle: usize,
}

/// One step of a journey: what the person sends, and what the reply is.
struct Say<'a> {
    text: &'a str,
    label: &'static str,
    budget: usize,
}

const fn say<'a>(text: &'a str, label: &'static str) -> Say<'a> {
    Say {
        text,
        label,
        budget: MAX_REPLY_SEGMENTS,
    }
}

/// Plays the journeys in every locale.
pub async fn measure(engine: &Engine) -> Result<Vec<LocaleCost>, String> {
    let languages: Vec<LanguageTag> = engine.locales().languages().cloned().collect();
    let mut out = Vec::new();
    for language in languages {
        out.push(measure_locale(engine, &language).await?);
    }
    Ok(out)
}

fn sample(language: &LanguageTag) -> (&'static str, &'static str) {
    let pick = |tag: &str| SAMPLES.iter().find(|(t, _, _)| *t == tag);
    let found = pick(language.as_str())
        .or_else(|| pick(language.primary()))
        .or_else(|| pick("en-GB"))
        .expect("English samples");
    (found.1, found.2)
}

async fn measure_locale(engine: &Engine, language: &LanguageTag) -> Result<LocaleCost, String> {
    let store = crate::store::connect("sqlite::memory:")
        .await
        .map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    let clock = Arc::new(ManualClock::new(crate::transcript::START));
    let gather = Gather::new(store, engine.clone(), clock).with_inbound_rate(0);
    let person = PhoneNumber::parse("+447700900001").map_err(|e| e.to_string())?;
    let other = PhoneNumber::parse("+447700900002").map_err(|e| e.to_string())?;
    let (description, response) = sample(language);
    let mut messages = Vec::new();

    // Raise: first contact to the reference.
    let raise = [
        say("hello", "first contact (welcome + menu)"),
        say("1", "describe"),
        say(description, "area"),
        say("SE15", "involvement"),
        say("1", "read-back"),
        say("YES", "reference + follow offer"),
    ];
    let raise_cost = play(&gather, &person, language, &raise, &mut messages).await?;

    // Someone else's issues fill the shortlist.
    for text in [
        "Waiting lists for child mental health services are far too long here",
        "Carers pay too much for hospital parking when they visit every day",
    ] {
        let steps = [
            say(text, "-"),
            say("0", "-"),
            say("0", "-"),
            say("YES", "-"),
            say("NO", "-"),
        ];
        play(&gather, &other, language, &steps, &mut Vec::new()).await?;
    }
    let mut items = Vec::new();
    for (n, title) in TITLES.iter().enumerate() {
        let issue = IssueRef::parse(&format!("G-{}", 1001 + n)).map_err(|e| e.to_string())?;
        gather
            .set_issue_status(issue, IssueStatus::Approved, None)
            .await
            .map_err(|e| e.to_string())?;
        gather
            .set_issue_title(issue, title)
            .await
            .map_err(|e| e.to_string())?;
        for (tag, titles) in LOCAL_TITLES {
            let lang = LanguageTag::parse(tag).map_err(|e| e.to_string())?;
            if engine.locales().has_language(&lang) {
                gather
                    .set_issue_title_in(issue, &lang, Some(titles[n]))
                    .await
                    .map_err(|e| format!("{tag} title {}: {e}", n + 1))?;
            }
        }
        items.push(issue);
    }
    let draft = gather
        .create_round(RoundInput {
            title: "What should the Board take on first?".into(),
            items,
            max_choices: 1,
            closes_at: None,
        })
        .await
        .map_err(|e| e.to_string())?;
    for (tag, title) in LOCAL_ROUND_TITLES {
        let lang = LanguageTag::parse(tag).map_err(|e| e.to_string())?;
        if engine.locales().has_language(&lang) {
            gather
                .set_round_title_in(draft.id, &lang, Some(title))
                .await
                .map_err(|e| format!("{tag} round title: {e}"))?;
        }
    }
    gather
        .open_round_id(draft.id)
        .await
        .map_err(|e| e.to_string())?;

    // Vote, then the Board's answer: the push and UPDATES.
    let vote = [
        say("YES", "follow confirmed"),
        Say {
            text: "VOTE",
            label: "ballot",
            budget: MAX_PAGE_SEGMENTS,
        },
        say("1", "vote confirm"),
        say("YES", "vote recorded"),
    ];
    let vote_cost = play(&gather, &person, language, &vote, &mut messages).await?;
    let issue = IssueRef::parse("G-1001").map_err(|e| e.to_string())?;
    let default = engine.locales().default_language().clone();
    let mut texts = vec![(default.clone(), sample(&default).1.to_string())];
    if *language != default {
        texts.push((language.clone(), response.to_string()));
    }
    gather
        .record_response(ResponseInput {
            issue,
            status: ResponseStatus::Committed,
            progress: None,
            texts: texts.clone(),
        })
        .await
        .map_err(|e| e.to_string())?;
    let push = board_update_push(&gather, &issue, language, &texts).await?;
    let push_cost = push.segments;
    messages.push(push);
    let updates = [Say {
        text: "UPDATES",
        label: "UPDATES page",
        budget: MAX_PAGE_SEGMENTS,
    }];
    let updates_cost = play(&gather, &person, language, &updates, &mut messages).await?;

    Ok(LocaleCost {
        language: language.clone(),
        messages,
        raise: raise_cost,
        cycle: raise_cost + vote_cost + push_cost + updates_cost,
    })
}

/// Sends each step as `person` by SMS; records every SMS of the replies.
/// Returns the segments spent.
async fn play(
    gather: &Gather,
    person: &PhoneNumber,
    language: &LanguageTag,
    steps: &[Say<'_>],
    messages: &mut Vec<Message>,
) -> Result<usize, String> {
    let mut spent = 0;
    for step in steps {
        let reply = gather
            .handle_inbound(InboundMessage {
                identity: Identity::phone(person),
                channel: Channel::Sms,
                content: Content::Text(step.text.to_string()),
                provider_id: None,
                language_hint: Some(language.clone()),
            })
            .await
            .map_err(|e| format!("{language}: `{}`: {e}", step.text))?;
        for text in reply.messages {
            let info = segments::count(&text);
            spent += info.segments;
            messages.push(Message {
                label: step.label.to_string(),
                budget: step.budget,
                segments: info.segments,
                encoding: info.encoding,
                text,
            });
        }
    }
    Ok(spent)
}

/// The Board update as the outbox sends it to a person of `language`.
async fn board_update_push(
    gather: &Gather,
    issue: &IssueRef,
    language: &LanguageTag,
    texts: &[(LanguageTag, String)],
) -> Result<Message, String> {
    let mut tx = gather.store.begin().await.map_err(|e| e.to_string())?;
    let stored = tx
        .issue(*issue)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no issue {issue}"))?;
    drop(tx);
    // What the fan-out queues for a phone: its SMS copy.
    let titles = gather
        .issue_titles(&[*issue])
        .await
        .map_err(|e| e.to_string())?;
    let (all, _) = gather.update_texts(&stored, ResponseStatus::Committed, None, texts, &titles);
    let text = gather
        .update_sms_texts(&stored, ResponseStatus::Committed, &all)
        .into_iter()
        .find(|(l, _)| l == language.as_str())
        .map(|(_, t)| t)
        .ok_or_else(|| format!("no Board update for {language}"))?;
    let info = segments::count(&text);
    Ok(Message {
        label: "Board update (push)".into(),
        budget: MAX_REPLY_SEGMENTS,
        segments: info.segments,
        encoding: info.encoding,
        text,
    })
}

/// What breaks the budget, one line each; empty when everything fits.
pub fn over_budget(costs: &[LocaleCost]) -> Vec<String> {
    let mut out = Vec::new();
    let english = costs
        .iter()
        .find(|c| c.language.primary() == "en")
        .map(|c| (c.raise, c.cycle));
    for c in costs {
        for m in &c.messages {
            if m.segments > m.budget {
                out.push(format!(
                    "{}: {} costs {} segments ({}), budget {}",
                    c.language,
                    m.label,
                    m.segments,
                    m.encoding.as_str(),
                    m.budget
                ));
            }
        }
        if let Some((raise, cycle)) = english {
            for (name, cost, base) in [("raise", c.raise, raise), ("cycle", c.cycle, cycle)] {
                let limit = base as f64 * MAX_JOURNEY_RATIO;
                if cost as f64 > limit {
                    out.push(format!(
                        "{}: the {name} journey costs {cost} segments, {:.2}x English ({base}); budget {MAX_JOURNEY_RATIO}x",
                        c.language,
                        cost as f64 / base.max(1) as f64
                    ));
                }
            }
        }
    }
    out
}

/// The report as Markdown tables: journeys per locale, then every message.
pub fn markdown(costs: &[LocaleCost]) -> String {
    let mut out = String::new();
    let english = costs
        .iter()
        .find(|c| c.language.primary() == "en")
        .map(|c| (c.raise, c.cycle))
        .unwrap_or((1, 1));
    out.push_str(
        "| locale | raise (segments) | × en | cycle (segments) | × en | largest reply |\n",
    );
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for c in costs {
        let largest = c.messages.iter().map(|m| m.segments).max().unwrap_or(0);
        let _ = writeln!(
            out,
            "| {} | {} | {:.2} | {} | {:.2} | {} |",
            c.language,
            c.raise,
            c.raise as f64 / english.0.max(1) as f64,
            c.cycle,
            c.cycle as f64 / english.1.max(1) as f64,
            largest
        );
    }
    out.push('\n');
    let labels: Vec<String> = {
        let mut seen: Vec<String> = Vec::new();
        for c in costs {
            for m in &c.messages {
                if !seen.contains(&m.label) {
                    seen.push(m.label.clone());
                }
            }
        }
        seen
    };
    out.push_str("| message | budget |");
    for c in costs {
        let _ = write!(out, " {} |", c.language);
    }
    out.push_str("\n| --- | --- |");
    for _ in costs {
        out.push_str(" --- |");
    }
    out.push('\n');
    for label in &labels {
        let budget = costs
            .iter()
            .flat_map(|c| &c.messages)
            .find(|m| &m.label == label)
            .map_or(0, |m| m.budget);
        let _ = write!(out, "| {label} | {budget} |");
        for c in costs {
            let spent: Vec<String> = c
                .messages
                .iter()
                .filter(|m| &m.label == label)
                .map(|m| {
                    let mark = if m.segments > m.budget { "**" } else { "" };
                    let enc = match m.encoding {
                        Encoding::Gsm7 => "",
                        Encoding::Ucs2 => "u",
                    };
                    format!("{mark}{}{enc}{mark}", m.segments)
                })
                .collect();
            let _ = write!(out, " {} |", spent.join("+"));
        }
        out.push('\n');
    }
    out.push_str("\n`u`: UCS-2 (70 characters a segment, 67 when split); **bold**: over budget.\n");
    out
}
