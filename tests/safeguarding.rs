//! Safeguarding: every locale's phrases, in every category, found in
//! everyday sentences; the obvious false positives; the signpost comes first
//! in the person's language; the issue raised is flagged in the store.

use gather::clock::ManualClock;
use gather::domain::{Channel, Identity, LanguageTag, PhoneNumber, Timestamp};
use gather::engine::{Content, Engine, Event, Input, PersonView, SequentialIds, World};
use gather::i18n::Category;
use gather::service::{Gather, InboundMessage};
use std::path::Path;
use std::sync::Arc;

fn engine() -> Engine {
    gather::transcript::engine_from(Path::new(env!("CARGO_MANIFEST_DIR")))
        .expect("flows and locales load")
}

fn tag(t: &str) -> LanguageTag {
    LanguageTag::parse(t).expect("tag")
}

/// One sentence per category per locale, each written as someone might
/// text it (not the phrase alone), some without accents or in capitals.
const TRIGGERS: &[(&str, Category, &str)] = &[
    (
        "en-GB",
        Category::UrgentMedical,
        "My dad has CHEST PAIN and the ambulance is late",
    ),
    (
        "en-GB",
        Category::SelfHarm,
        "sometimes i want to kill myself because nobody helps",
    ),
    (
        "en-GB",
        Category::Abuse,
        "My partner hits me when I ask for money for the bus",
    ),
    (
        "pl",
        Category::UrgentMedical,
        "Mama ma silny ból w klatce piersiowej",
    ),
    (
        "pl",
        Category::SelfHarm,
        "Czasem myślę o samobójstwie, nikt nie pomaga",
    ),
    (
        "pl",
        Category::Abuse,
        "Maz mnie bije i boje sie wrocic do domu",
    ),
    (
        "ro",
        Category::UrgentMedical,
        "Tatăl meu are durere în piept de ieri",
    ),
    (
        "ro",
        Category::SelfHarm,
        "Ma gandesc la sinucidere si nu am cu cine vorbi",
    ),
    (
        "ro",
        Category::Abuse,
        "Soțul meu mă bate și nu am unde să merg",
    ),
    (
        "pt",
        Category::UrgentMedical,
        "O meu filho nao consegue respirar bem",
    ),
    (
        "pt",
        Category::SelfHarm,
        "Às vezes quero morrer, ninguém me ouve",
    ),
    ("pt", Category::Abuse, "O meu marido bate-me quando bebe"),
    (
        "es",
        Category::UrgentMedical,
        "Mi madre tiene DOLOR EN EL PECHO desde anoche",
    ),
    (
        "es",
        Category::SelfHarm,
        "He pensado en el suicidio muchas veces",
    ),
    ("es", Category::Abuse, "Mi pareja me pega y tengo miedo"),
    (
        "it",
        Category::UrgentMedical,
        "Mio padre ha un dolore al petto fortissimo",
    ),
    ("it", Category::SelfHarm, "A volte penso di farla finita"),
    (
        "it",
        Category::Abuse,
        "Mio marito mi picchia davanti ai bambini",
    ),
    (
        "pa",
        Category::UrgentMedical,
        "ਮੇਰੇ ਪਿਤਾ ਜੀ ਦੀ ਛਾਤੀ ਵਿੱਚ ਦਰਦ ਹੈ",
    ),
    ("pa", Category::SelfHarm, "ਮੈਂ ਖੁਦਕੁਸ਼ੀ ਬਾਰੇ ਸੋਚਦਾ ਹਾਂ"),
    ("pa", Category::Abuse, "ਮੇਰਾ ਪਤੀ ਮੈਨੂੰ ਕੁੱਟਦਾ ਹੈ"),
    (
        "ur",
        Category::UrgentMedical,
        "میرے سینے میں درد ہے اور ایمبولینس نہیں آئی",
    ),
    (
        "ur",
        Category::SelfHarm,
        "کبھی کبھی میں خودکشی کا سوچتا ہوں",
    ),
    ("ur", Category::Abuse, "میرا شوہر مجھے مارتا ہے"),
    (
        "ar",
        Category::UrgentMedical,
        "والدي يشعر بألم في الصدر منذ الصباح",
    ),
    ("ar", Category::SelfHarm, "أفكر في الانتحار ولا أحد يساعدني"),
    ("ar", Category::Abuse, "زوجي يضربني كل يوم"),
    ("bn", Category::UrgentMedical, "আমার বাবার বুকে ব্যথা হচ্ছে"),
    ("bn", Category::SelfHarm, "আমি আত্মহত্যার কথা ভাবি"),
    ("bn", Category::Abuse, "আমার স্বামী আমাকে মারে"),
    (
        "gu",
        Category::UrgentMedical,
        "મારા પિતાને છાતીમાં દુખાવો થાય છે",
    ),
    ("gu", Category::SelfHarm, "મને આત્મહત્યા કરવાના વિચારો આવે છે"),
    ("gu", Category::Abuse, "મારો પતિ મને મારે છે"),
];

#[test]
fn every_locale_has_a_phrase_in_every_category() {
    let engine = engine();
    let table = engine.locales().safeguarding();
    for lang in engine.locales().languages() {
        for category in Category::ALL {
            assert!(
                table.count(lang, category) > 0,
                "{lang} has no {} phrases",
                category.as_str()
            );
        }
    }
}

#[test]
fn triggers_in_every_locale_and_category() {
    let engine = engine();
    let table = engine.locales().safeguarding();
    for lang in engine.locales().languages() {
        for category in Category::ALL {
            assert!(
                TRIGGERS
                    .iter()
                    .any(|(l, c, _)| *l == lang.as_str() && *c == category),
                "no test sentence for {lang} {}",
                category.as_str()
            );
        }
    }
    for (lang, category, text) in TRIGGERS {
        let found = table.find_all(text);
        assert!(
            found
                .iter()
                .any(|f| f.category == *category && f.language.as_str() == *lang),
            "{lang} {}: nothing found in {text:?} (found {found:?})",
            category.as_str()
        );
    }
}

#[test]
fn obvious_false_positives() {
    let engine = engine();
    let table = engine.locales().safeguarding();
    for text in [
        "The 111 service is too slow to answer",
        "Call 999 response times in our area are too long",
        "We need more mental health nurses in schools",
        "Stop the closure of our clinic",
        "The pharmacy kills me with its opening hours, closed at five",
        "My mum waits hours in A&E with no food",
        "Nie mogę dostać się do lekarza od trzech tygodni",
        "No puedo conseguir una cita con mi médico",
        "mera masla hai ke doctor nahi milta",
        "ہسپتال جانے والی بس بند ہو گئی ہے",
    ] {
        assert_eq!(table.check(text), None, "{text:?}");
    }
    // A figure of speech may signpost: better a kind line too many.
    assert!(table.check("I am dying to see this fixed").is_some());
}

fn turn(engine: &Engine, language: &str, text: &str) -> Vec<Event> {
    let person = PersonView {
        language: tag(language),
        opted_out: false,
        is_new: false,
    };
    let input = Input {
        channel: Channel::Sms,
        content: Content::Text(text.into()),
        now: Timestamp(0),
    };
    engine
        .handle(
            &person,
            None,
            &input,
            &World::default(),
            &mut SequentialIds(1001),
        )
        .events
}

#[test]
fn the_signpost_comes_first_and_the_conversation_goes_on() {
    let engine = engine();
    for (lang, _, text) in TRIGGERS {
        let events = turn(&engine, lang, text);
        let first = events.first().expect("a reply");
        assert!(
            matches!(first, Event::Say(u) if u.message == "safeguarding-signpost"),
            "{lang}: {events:?}"
        );
        assert!(
            events.iter().any(|e| matches!(e, Event::Ask(_))),
            "{lang}: the conversation goes on: {events:?}"
        );
    }
    let plain = turn(&engine, "en-GB", "The 111 service is too slow to answer");
    assert!(
        !plain
            .iter()
            .any(|e| matches!(e, Event::Say(u) if u.message == "safeguarding-signpost")),
        "{plain:?}"
    );
}

#[test]
fn signposts_fit_in_two_segments_and_name_the_numbers() {
    let engine = engine();
    for lang in engine.locales().languages() {
        let text =
            engine
                .locales()
                .format(lang, "safeguarding-signpost", &gather::i18n::Args::new());
        let info = gather::channels::segments::count(&text);
        assert!(info.segments <= 2, "{lang}: {info:?} {text}");
        for number in ["111", "999", "116 123"] {
            assert!(text.contains(number), "{lang}: no {number} in {text}");
        }
    }
}

/// Raises an issue through the whole service; returns (signposted first,
/// stored flag).
async fn raise(gather: &Gather, from: &str, lang: &str, first: &str) -> (bool, bool) {
    let who = Identity::phone(&PhoneNumber::parse(from).expect("number"));
    let mut signposted = None;
    let mut texts = vec![first, "0", "0", "yes", "no"];
    let mut i = 0;
    while let Some(text) = texts.get(i).copied() {
        i += 1;
        let reply = gather
            .handle_inbound(InboundMessage {
                identity: who.clone(),
                channel: Channel::Sms,
                content: Content::Text(text.into()),
                provider_id: None,
                language_hint: Some(tag(lang)),
            })
            .await
            .expect("handled");
        if signposted.is_none() {
            signposted = Some(reply.events.first().is_some_and(
                |e| matches!(e, Event::Say(u) if u.message == "safeguarding-signpost"),
            ));
        }
        // After a signpost Gather asks whether to carry on: yes.
        if reply
            .events
            .iter()
            .any(|e| matches!(e, Event::Ask(p) if p.utterance.message == "signposted-continue"))
        {
            texts.insert(i, "yes");
        }
    }
    let issues = gather.list_issues(None).await.expect("issues");
    let last = issues.last().expect("an issue was raised");
    (signposted.unwrap_or(false), last.safeguarding)
}

#[tokio::test]
async fn the_issue_is_flagged_for_moderators() {
    let store = gather::store::connect("sqlite::memory:")
        .await
        .expect("store");
    store.migrate().await.expect("migrate");
    let clock = Arc::new(ManualClock::new(gather::transcript::START));
    let gather = Gather::new(store, engine(), clock);
    assert_eq!(
        raise(
            &gather,
            "+447700900801",
            "en-GB",
            "I feel suicidal and my GP has no appointments for weeks"
        )
        .await,
        (true, true)
    );
    assert_eq!(
        raise(
            &gather,
            "+447700900802",
            "en-GB",
            "The 111 service is too slow to answer at night"
        )
        .await,
        (false, false)
    );
    assert_eq!(
        raise(
            &gather,
            "+48600111555",
            "pl",
            "Maz mnie bije i boje sie wrocic do domu"
        )
        .await,
        (true, true)
    );
}
