//! The language detection test set: every message in
//! `tests/language_detection/cases.tsv` through the real engine. No switch
//! at all on one- and two-word messages; 97% or more of the messages of
//! four words or more right. `gather languages report` prints the same
//! figures per language.

use gather::domain::LanguageTag;
use gather::engine::language_cases::{LONG_TARGET_PERCENT, evaluate, parse_cases};
use std::path::Path;

#[test]
fn language_detection_test_set() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let engine = gather::transcript::engine_from(root).expect("flows and locales load");
    let source = std::fs::read_to_string(root.join("tests/language_detection/cases.tsv"))
        .expect("the test set");
    let en = LanguageTag::parse("en-GB").expect("tag");
    let cases = parse_cases(&source, &en).expect("the test set parses");
    assert!(cases.len() >= 200, "only {} cases", cases.len());
    let report = evaluate(&engine, &cases);
    println!("{}", report.render());
    assert_eq!(
        report.short_switches,
        0,
        "switched on a short reply:\n{}",
        report.render()
    );
    assert!(
        report.long.percent() >= LONG_TARGET_PERCENT,
        "{:.1}% of the long messages right:\n{}",
        report.long.percent(),
        report.render()
    );
    // Every locale, short and long, romanized, mixed and unsupported
    // languages are all in the set.
    for lang in [
        "en", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "gu", "it", "ur-Latn", "pa-Latn",
        "mixed", "kw", "num", "emoji", "fr", "ru",
    ] {
        assert!(
            report.by_language.contains_key(lang),
            "no cases for `{lang}`"
        );
    }
    let short = cases.iter().filter(|c| c.words() <= 2).count();
    assert!(short >= 50, "only {short} one- and two-word cases");
}

mod policy {
    //! The engine's rules with a detector that always gives the same answer,
    //! so they are tested apart from how good the guess is.

    use gather::domain::{Channel, LanguageTag, Timestamp};
    use gather::engine::language_cases::{Outcome, outcome_of};
    use gather::engine::{Content, Engine, Input, PersonView, SequentialIds, World};
    use gather::i18n::{Detected, Guess, LanguageDetector};
    use std::path::Path;
    use std::sync::Arc;

    struct Always(Detected);

    impl LanguageDetector for Always {
        fn detect(&self, _text: &str) -> Option<Detected> {
            Some(self.0.clone())
        }
    }

    fn tag(t: &str) -> LanguageTag {
        LanguageTag::parse(t).expect("tag")
    }

    fn engine(guess: Guess, confident: bool) -> Engine {
        gather::transcript::engine_from(Path::new(env!("CARGO_MANIFEST_DIR")))
            .expect("flows and locales load")
            .with_detector(Arc::new(Always(Detected::new(guess, confident))))
    }

    fn run(engine: &Engine, language: &str, is_new: bool, text: &str) -> Outcome {
        let person = PersonView {
            language: tag(language),
            opted_out: false,
            is_new,
        };
        let input = Input {
            channel: Channel::Sms,
            content: Content::Text(text.into()),
            now: Timestamp(0),
        };
        let turn = engine.handle(
            &person,
            None,
            &input,
            &World::default(),
            &mut SequentialIds(1001),
        );
        outcome_of(&turn.events)
    }

    const SENTENCE: &str = "one two three four five";

    #[test]
    fn a_confident_guess_switches_only_a_new_persons_sentence() {
        let e = engine(Guess::Locale(tag("pl")), true);
        assert_eq!(run(&e, "en-GB", true, SENTENCE), Outcome::Switch(tag("pl")));
        // Known: offered, not switched.
        assert_eq!(run(&e, "en-GB", false, SENTENCE), Outcome::Offer(tag("pl")));
        // Short: never a switch; a new person is offered, a known one not.
        for short in ["one", "one two", "one two three", "2", "ok 2"] {
            assert_eq!(run(&e, "en-GB", true, short), Outcome::Offer(tag("pl")));
            assert_eq!(run(&e, "en-GB", false, short), Outcome::Keep);
        }
        // Already in that language: nothing.
        assert_eq!(run(&e, "pl", true, SENTENCE), Outcome::Keep);
        // Commands are never read as a language.
        for command in ["HELP", "STOP", "VOTE 1 2 3 4", "LANGUAGE"] {
            assert!(
                !matches!(run(&e, "en-GB", true, command), Outcome::Offer(_)),
                "{command}"
            );
        }
    }

    #[test]
    fn an_unsure_guess_changes_nothing() {
        let e = engine(Guess::Locale(tag("pl")), false);
        assert_eq!(run(&e, "en-GB", true, SENTENCE), Outcome::Keep);
        assert_eq!(run(&e, "en-GB", false, SENTENCE), Outcome::Keep);
    }

    fn unsure(guess: &str, candidates: &[&str]) -> Engine {
        let mut d = Detected::new(Guess::Locale(tag(guess)), false);
        d.candidates = candidates.iter().map(|t| tag(t)).collect();
        gather::transcript::engine_from(Path::new(env!("CARGO_MANIFEST_DIR")))
            .expect("flows and locales load")
            .with_detector(Arc::new(Always(d)))
    }

    fn offers(engine: &Engine, language: &str, is_new: bool, text: &str) -> Vec<String> {
        let person = PersonView {
            language: tag(language),
            opted_out: false,
            is_new,
        };
        let input = Input {
            channel: Channel::Sms,
            content: Content::Text(text.into()),
            now: Timestamp(0),
        };
        let turn = engine.handle(
            &person,
            None,
            &input,
            &World::default(),
            &mut SequentialIds(1001),
        );
        turn.events
            .iter()
            .filter_map(|e| match e {
                gather::engine::Event::SayIn {
                    language,
                    utterance,
                } if utterance.message == "language-offer" => Some(language.to_string()),
                _ => None,
            })
            .collect()
    }

    /// Issue 20: unsure between some of Gather's languages, not English: a
    /// new person is answered in the most likely one, and the others are
    /// offered, each in its own language.
    #[test]
    fn unsure_between_our_languages_answers_in_the_likeliest_and_offers_the_others() {
        let e = unsure("pt", &["pt", "es", "it"]);
        assert_eq!(run(&e, "en-GB", true, SENTENCE), Outcome::Switch(tag("pt")));
        assert_eq!(offers(&e, "en-GB", true, SENTENCE), vec!["es", "it"]);
        // One candidate: answered in it, nothing to offer.
        let one = unsure("ro", &["ro"]);
        assert_eq!(
            run(&one, "en-GB", true, SENTENCE),
            Outcome::Switch(tag("ro"))
        );
        assert!(offers(&one, "en-GB", true, SENTENCE).is_empty());
        // Never on a short reply, never for someone who has a language.
        for short in ["2", "ok", "si", "da", "tak", "one two three"] {
            assert_eq!(run(&e, "en-GB", true, short), Outcome::Keep, "{short}");
            assert_eq!(run(&e, "bn", false, short), Outcome::Keep, "{short}");
        }
        assert_eq!(run(&e, "en-GB", false, SENTENCE), Outcome::Keep);
        assert_eq!(run(&e, "pl", false, SENTENCE), Outcome::Keep);
        // English among the candidates, or the language the number
        // suggested: that language stays.
        let with_english = unsure("es", &["es", "en-GB"]);
        assert_eq!(run(&with_english, "en-GB", true, SENTENCE), Outcome::Keep);
        assert_eq!(run(&e, "es", true, SENTENCE), Outcome::Keep);
        // Nothing known: English.
        let none = unsure("pt", &[]);
        assert_eq!(run(&none, "en-GB", true, SENTENCE), Outcome::Keep);
    }

    #[test]
    fn romanized_offers_language_unless_already_urdu_or_panjabi() {
        let e = engine(Guess::Romanized, false);
        assert_eq!(run(&e, "en-GB", true, SENTENCE), Outcome::OfferLanguage);
        assert_eq!(run(&e, "pl", false, SENTENCE), Outcome::OfferLanguage);
        assert_eq!(run(&e, "ur", false, SENTENCE), Outcome::Keep);
        assert_eq!(run(&e, "pa", false, SENTENCE), Outcome::Keep);
        assert_eq!(run(&e, "en-GB", true, "mera masla"), Outcome::Keep);
    }

    #[test]
    fn another_language_lists_ours_for_a_new_person_only() {
        let e = engine(Guess::Other("fr".into()), true);
        assert_eq!(run(&e, "en-GB", true, SENTENCE), Outcome::Unsupported);
        assert_eq!(run(&e, "en-GB", false, SENTENCE), Outcome::Keep);
        let unsure = engine(Guess::Other("fr".into()), false);
        assert_eq!(run(&unsure, "en-GB", true, SENTENCE), Outcome::Keep);
    }
}
