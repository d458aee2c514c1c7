//! Flow validation: the real flows load cleanly, and each rule rejects a
//! broken copy with a message naming the file and step.

use gather::domain::{Channel, LanguageTag, Timestamp};
use gather::engine::{Content, Engine, Event, Input, PersonView, SequentialIds, World};
use gather::flow::{Severity, load, mermaid};
use gather::i18n::Locales;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn en() -> LanguageTag {
    LanguageTag::parse("en-GB").unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// A scratch copy of flows/ and locales/ to break.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&root().join("flows"), &dir.path().join("flows"));
        copy_dir(&root().join("locales"), &dir.path().join("locales"));
        Scratch { dir }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let p = self.path(rel);
        let s = std::fs::read_to_string(&p).unwrap();
        assert!(s.contains(from), "{rel} does not contain {from:?}");
        std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
        self
    }
    fn append(&self, rel: &str, text: &str) -> &Self {
        let p = self.path(rel);
        let mut s = std::fs::read_to_string(&p).unwrap_or_default();
        s.push_str(text);
        std::fs::write(&p, s).unwrap();
        self
    }
    /// Every error message, or the locale errors if locales fail first.
    fn errors(&self) -> Vec<String> {
        let locales = match Locales::load(&self.path("locales"), &en()) {
            Ok(l) => l,
            Err(errs) => return errs.iter().map(ToString::to_string).collect(),
        };
        let (flows, problems) = load(&self.path("flows"), &locales);
        let errors: Vec<String> = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .map(ToString::to_string)
            .collect();
        assert_eq!(flows.is_none(), !errors.is_empty());
        errors
    }
}

fn assert_error(errors: &[String], parts: &[&str]) {
    assert!(
        errors.iter().any(|e| parts.iter().all(|p| e.contains(p))),
        "no error containing {parts:?} in:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_real_flows_are_valid_without_warnings() {
    let locales = Locales::load(&root().join("locales"), &en()).expect("locales load");
    let (flows, problems) = load(&root().join("flows"), &locales);
    assert!(flows.is_some(), "{problems:?}");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn dangling_link_names_file_and_step() {
    let s = Scratch::new();
    s.edit(
        "flows/raise.toml",
        "next = \"involvement\"",
        "next = \"involvment\"",
    );
    assert_error(
        &s.errors(),
        &["raise.toml", "step `area`", "unknown step `involvment`"],
    );
}

#[test]
fn link_to_unknown_flow() {
    let s = Scratch::new();
    s.edit("flows/menu.toml", "next = \"@vote\"", "next = \"@voting\"");
    assert_error(
        &s.errors(),
        &["menu.toml", "step `choose`", "unknown flow `voting`"],
    );
}

#[test]
fn unknown_message_id() {
    let s = Scratch::new();
    s.edit(
        "flows/vote.toml",
        "prompt = \"vote-confirm\"",
        "prompt = \"vote-confrim\"",
    );
    assert_error(
        &s.errors(),
        &[
            "vote.toml",
            "step `confirm`",
            "`vote-confrim` is missing from the default locale",
        ],
    );
}

#[test]
fn unreachable_step() {
    let s = Scratch::new();
    s.append(
        "flows/updates.toml",
        "\n[steps.orphan]\ntype = \"say\"\nmessage = \"updates-none\"\n",
    );
    assert_error(
        &s.errors(),
        &["updates.toml", "step `orphan`", "unreachable"],
    );
}

#[test]
fn loop_without_a_wait() {
    let s = Scratch::new();
    s.edit(
        "flows/help.toml",
        "message = \"help\"\n",
        "message = \"help\"\nnext = \"again\"\n\n[steps.again]\ntype = \"say\"\nmessage = \"help\"\nnext = \"help\"\n",
    );
    assert_error(
        &s.errors(),
        &["help.toml", "loop without a wait", "help:again"],
    );
}

#[test]
fn missing_translation_in_default_locale() {
    let s = Scratch::new();
    // The flows use raise-noted; take it out of en-GB but leave Polish.
    let p = s.path("locales/en-GB/gather.ftl");
    let text = std::fs::read_to_string(&p).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("raise-noted"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&p, kept).unwrap();
    let errors = s.errors();
    assert_error(
        &errors,
        &[
            "raise.toml",
            "step `noted`",
            "missing from the default locale `en-GB`",
        ],
    );
    assert_error(
        &errors,
        &["pl", "`raise-noted` is not in the default locale"],
    );
}

#[test]
fn missing_translation_in_another_locale() {
    let s = Scratch::new();
    let p = s.path("locales/pl/gather.ftl");
    let text = std::fs::read_to_string(&p).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("menu-vote"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&p, kept).unwrap();
    assert_error(
        &s.errors(),
        &["menu.toml", "`menu-vote` has no translation in `pl`"],
    );
}

#[test]
fn variable_used_in_one_locale_only() {
    let s = Scratch::new();
    s.append("locales/pl/gather.ftl", "\n");
    let p = s.path("locales/pl/gather.ftl");
    let text = std::fs::read_to_string(&p).unwrap();
    let changed: String = text
        .lines()
        .map(|l| {
            if l.starts_with("vote-counted =") {
                "vote-counted = Dziękujemy { $name }.".to_string()
            } else {
                l.to_string()
            }
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&p, changed).unwrap();
    assert_error(&s.errors(), &["pl", "`vote-counted` uses variables"]);
}

#[test]
fn fluent_syntax_error() {
    let s = Scratch::new();
    s.append("locales/pl/gather.ftl", "\nbroken-message = { $unclosed\n");
    assert_error(&s.errors(), &["pl", "gather.ftl", "Fluent syntax error"]);
}

#[test]
fn unknown_step_type_or_action() {
    let s = Scratch::new();
    s.edit(
        "flows/stop.toml",
        "action = \"opt_out\"",
        "action = \"opt_outt\"",
    );
    assert_error(&s.errors(), &["stop.toml", "invalid flow file", "opt_outt"]);
}

#[test]
fn flow_name_must_match_file() {
    let s = Scratch::new();
    s.edit("flows/forget.toml", "name = \"forget\"", "name = \"erase\"");
    assert_error(&s.errors(), &["forget.toml", "must match the file name"]);
}

#[test]
fn bad_expiry_duration() {
    let s = Scratch::new();
    s.edit(
        "flows/raise.toml",
        "expires_after = \"7d\"",
        "expires_after = \"a week\"",
    );
    assert_error(&s.errors(), &["raise.toml", "not a duration"]);
}

#[test]
fn every_command_needs_an_entry() {
    let s = Scratch::new();
    s.edit(
        "flows/commands.toml",
        "[commands.forget]\nflow = \"forget\"\n",
        "",
    );
    let errors = s.errors();
    assert_error(&errors, &["commands.toml", "command `forget` has no entry"]);
}

#[test]
fn choice_option_leading_nowhere() {
    let s = Scratch::new();
    s.edit(
        "flows/raise.toml",
        "{ value = \"cancel\", label = \"raise-fix-cancel\", next = \"cancelled\" }",
        "{ value = \"cancel\", label = \"raise-fix-cancel\" }",
    );
    let errors = s.errors();
    assert_error(
        &errors,
        &["raise.toml", "step `fix`", "option `cancel` leads nowhere"],
    );
}

#[test]
fn keyword_clash_between_commands() {
    let s = Scratch::new();
    s.edit("locales/pl/keywords.toml", "help = [", "help = [\"STOP\", ");
    assert_error(&s.errors(), &["keywords.toml", "`STOP` is used for both"]);
}

#[test]
fn all_problems_are_reported_at_once() {
    let s = Scratch::new();
    s.edit(
        "flows/raise.toml",
        "next = \"involvement\"",
        "next = \"nowhere\"",
    )
    .edit(
        "flows/vote.toml",
        "message = \"vote-counted\"",
        "message = \"nope\"",
    );
    let errors = s.errors();
    assert_error(&errors, &["raise.toml", "nowhere"]);
    assert_error(&errors, &["vote.toml", "nope"]);
}

#[test]
fn mermaid_graph_of_raise() {
    let locales = Locales::load(&root().join("locales"), &en()).unwrap();
    let (flows, _) = load(&root().join("flows"), &locales);
    let flows = flows.unwrap();
    let g = mermaid(&flows, "raise").unwrap();
    assert!(g.starts_with("flowchart TD"));
    assert!(g.contains("raise_confirm -->|yes| raise_create"));
    assert!(g.contains("raise_confirm -->|no| raise_fix"));
    assert!(mermaid(&flows, "nope").is_none());
}

#[test]
fn step_limit_ends_a_runaway_turn_with_an_error_event() {
    let s = Scratch::new();
    s.edit("flows/commands.toml", "step_limit = 50", "step_limit = 2");
    let locales = Locales::load(&s.path("locales"), &en()).unwrap();
    let (flows, problems) = load(&s.path("flows"), &locales);
    let engine = Engine::new(
        Arc::new(flows.unwrap_or_else(|| panic!("{problems:?}"))),
        Arc::new(locales),
    );
    let person = PersonView {
        language: en(),
        opted_out: false,
        is_new: false,
    };
    // START runs opt_in -> confirm -> @menu:choose: more than 2 steps.
    let input = Input {
        channel: Channel::Sms,
        content: Content::Text("START".into()),
        now: Timestamp(0),
    };
    let turn = engine.handle(
        &person,
        None,
        &input,
        &World::default(),
        &mut SequentialIds(1001),
    );
    assert!(
        turn.events
            .iter()
            .any(|e| matches!(e, Event::Error { reason } if reason.contains("step limit"))),
        "{:?}",
        turn.events
    );
    assert!(turn.conversation.is_none());
}

#[test]
fn prompt_over_two_segments_is_an_error() {
    let s = Scratch::new();
    let p = s.path("locales/pl/gather.ftl");
    let text = std::fs::read_to_string(&p).unwrap();
    let long: String = text
        .lines()
        .map(|l| {
            if l.starts_with("raise-describe =") {
                format!(
                    "raise-describe = {}",
                    "Opisz problem własnymi słowami, proszę. ".repeat(5)
                )
            } else {
                l.to_string()
            }
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&p, long).unwrap();
    assert_error(
        &s.errors(),
        &[
            "pl",
            "prompt `raise-describe` takes",
            "UCS-2",
            "keep it to 2",
        ],
    );
}

#[test]
fn every_locale_has_the_same_ftl_files() {
    let s = Scratch::new();
    std::fs::remove_file(s.path("locales/pl/languages.ftl")).unwrap();
    assert_error(
        &s.errors(),
        &["pl", "languages.ftl", "missing: `en-GB` has languages.ftl"],
    );
}

#[test]
fn a_message_in_another_file_than_the_default_locale() {
    let s = Scratch::new();
    let p = s.path("locales/pl/languages.ftl");
    let text = std::fs::read_to_string(&p).unwrap();
    let (moved, kept): (Vec<&str>, Vec<&str>) = text
        .lines()
        .partition(|l| l.starts_with("language-offer ="));
    std::fs::write(&p, kept.join("\n") + "\n").unwrap();
    s.append(
        "locales/pl/gather.ftl",
        &format!("\n{}\n", moved.join("\n")),
    );
    let errors = s.errors();
    assert_error(
        &errors,
        &[
            "pl",
            "languages.ftl",
            "`language-offer` is missing from this file",
        ],
    );
    assert_error(
        &errors,
        &[
            "pl",
            "gather.ftl",
            "`language-offer` is not in `en-GB`'s gather.ftl",
        ],
    );
}

#[test]
fn a_locale_needs_a_readme() {
    let s = Scratch::new();
    std::fs::remove_file(s.path("locales/ro/README.md")).unwrap();
    assert_error(&s.errors(), &["ro", "README.md is missing"]);
}

#[test]
fn a_locale_needs_safeguarding_phrases_in_every_category() {
    let s = Scratch::new();
    let p = s.path("locales/it/safeguarding.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let start = text.find("abuse = [").unwrap();
    std::fs::write(&p, format!("{}abuse = []\n", &text[..start])).unwrap();
    assert_error(
        &s.errors(),
        &["it", "safeguarding.toml", "no `abuse` phrases"],
    );
}

#[test]
fn a_number_is_not_a_safeguarding_phrase() {
    let s = Scratch::new();
    s.edit(
        "locales/en-GB/safeguarding.toml",
        "urgent_medical = [",
        "urgent_medical = [\"111\", ",
    );
    assert_error(
        &s.errors(),
        &["en-GB", "safeguarding.toml", "phrase `111` has no words"],
    );
}
