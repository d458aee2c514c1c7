//! Loading and complete validation of flows against the locales.

use super::model::{CommandsFile, FlowFile, Step};
use super::{Flow, Flows, StepRef, parse_duration, parse_link};
use crate::assets::Files;
use crate::engine::REQUIRED_MESSAGES;
use crate::i18n::segments;
use crate::i18n::{ArgValue, Args, Category, Command, Locales};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One thing wrong with the flows or locales, naming the file and step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub file: PathBuf,
    pub step: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.step {
            Some(s) => write!(
                f,
                "{sev}: {}: step `{s}`: {}",
                self.file.display(),
                self.message
            ),
            None => write!(f, "{sev}: {}: {}", self.file.display(), self.message),
        }
    }
}

struct Checker<'a> {
    problems: Vec<Problem>,
    locales: &'a Locales,
}

impl Checker<'_> {
    fn error(&mut self, file: &Path, step: Option<&str>, message: String) {
        self.problems.push(Problem {
            severity: Severity::Error,
            file: file.to_path_buf(),
            step: step.map(str::to_string),
            message,
        });
    }
    fn warn(&mut self, file: &Path, step: Option<&str>, message: String) {
        self.problems.push(Problem {
            severity: Severity::Warning,
            file: file.to_path_buf(),
            step: step.map(str::to_string),
            message,
        });
    }

    /// A message must exist in the default locale, and in every other one.
    fn message(&mut self, file: &Path, step: Option<&str>, id: &str) {
        let default = self.locales.default_language().clone();
        if !self.locales.has_message(&default, id) {
            self.error(
                file,
                step,
                format!("message `{id}` is missing from the default locale `{default}`"),
            );
            return;
        }
        let langs: Vec<_> = self.locales.languages().cloned().collect();
        for lang in langs {
            if !self.locales.has_message(&lang, id) {
                self.error(
                    file,
                    step,
                    format!("message `{id}` has no translation in `{lang}`"),
                );
            }
        }
    }
}

/// Loads `dir/commands.toml` and every other `dir/*.toml` as a flow, and
/// validates everything against `locales`. Returns the flows (if there are no
/// errors) and every problem found; warnings do not stop loading.
pub fn load(dir: &Path, locales: &Locales) -> (Option<Flows>, Vec<Problem>) {
    load_from(Files::Disk, dir, locales)
}

/// [`load`] from a disk folder or the built-in copy.
pub fn load_from(source: Files, dir: &Path, locales: &Locales) -> (Option<Flows>, Vec<Problem>) {
    let mut ck = Checker {
        problems: Vec::new(),
        locales,
    };
    let commands_path = dir.join("commands.toml");
    let commands: Option<CommandsFile> = match source.read_to_string(&commands_path) {
        Ok(s) => match toml::from_str(&s) {
            Ok(c) => Some(c),
            Err(e) => {
                ck.error(&commands_path, None, format!("invalid: {e}"));
                None
            }
        },
        Err(e) => {
            ck.error(&commands_path, None, format!("cannot read: {e}"));
            None
        }
    };

    let mut files: Vec<PathBuf> = match source.entries(dir) {
        Ok(entries) => entries
            .into_iter()
            .filter(|e| !e.is_dir)
            .map(|e| e.path)
            .filter(|p| p.extension().is_some_and(|e| e == "toml") && *p != commands_path)
            .collect(),
        Err(e) => {
            ck.error(dir, None, format!("cannot read the flows folder: {e}"));
            Vec::new()
        }
    };
    files.sort();

    let mut flows = BTreeMap::new();
    for file in &files {
        let text = match source.read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                ck.error(file, None, format!("cannot read: {e}"));
                continue;
            }
        };
        let parsed: FlowFile = match toml::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                ck.error(file, None, format!("invalid flow file: {e}"));
                continue;
            }
        };
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        if parsed.name != stem {
            ck.error(
                file,
                None,
                format!(
                    "flow name `{}` must match the file name `{stem}`",
                    parsed.name
                ),
            );
        }
        let expires_after_secs = match &parsed.expires_after {
            None => super::DEFAULT_EXPIRY_SECS,
            Some(s) => parse_duration(s).unwrap_or_else(|| {
                ck.error(
                    file,
                    None,
                    format!("expires_after `{s}` is not a duration like 7d, 12h or 30m"),
                );
                super::DEFAULT_EXPIRY_SECS
            }),
        };
        if !parsed.steps.contains_key(&parsed.start) {
            ck.error(
                file,
                None,
                format!("start step `{}` does not exist", parsed.start),
            );
        }
        flows.insert(
            parsed.name.clone(),
            Flow {
                name: parsed.name,
                start: parsed.start,
                expires_after_secs,
                steps: parsed.steps,
                file: file.clone(),
            },
        );
    }

    // Links, messages and per-step rules.
    for flow in flows.values() {
        for (id, step) in &flow.steps {
            check_step(&mut ck, &flows, flow, id, step);
        }
    }

    // Commands and engine settings.
    let mut roots: Vec<StepRef> = Vec::new();
    if let Some(c) = &commands {
        let file = commands_path.as_path();
        match flows.get(&c.engine.default_flow) {
            Some(f) => roots.push(StepRef {
                flow: f.name.clone(),
                step: f.start.clone(),
            }),
            None => ck.error(
                file,
                None,
                format!("default_flow `{}` does not exist", c.engine.default_flow),
            ),
        }
        for id in [&c.engine.welcome, &c.engine.expired, &c.engine.error] {
            ck.message(file, None, id);
        }
        if let Some(name) = &c.engine.signposted {
            match flows.get(name) {
                Some(f) => roots.push(StepRef {
                    flow: f.name.clone(),
                    step: f.start.clone(),
                }),
                None => ck.error(
                    file,
                    None,
                    format!("signposted flow `{name}` does not exist"),
                ),
            }
        }
        for tag in &c.engine.languages {
            let known =
                crate::domain::LanguageTag::parse(tag).is_ok_and(|t| locales.has_language(&t));
            if !known {
                ck.error(file, None, format!("languages: `{tag}` is not a locale"));
            }
        }
        if c.engine.step_limit == 0 {
            ck.error(file, None, "step_limit must be at least 1".into());
        }
        for cmd in Command::ALL {
            if !c.commands.contains_key(cmd.name()) {
                ck.error(file, None, format!("command `{}` has no entry", cmd.name()));
            }
        }
        for (name, spec) in &c.commands {
            if Command::from_name(name).is_none() {
                ck.error(file, None, format!("unknown command `{name}`"));
            }
            match flows.get(&spec.flow) {
                None => ck.error(
                    file,
                    None,
                    format!("command `{name}` starts unknown flow `{}`", spec.flow),
                ),
                Some(f) => {
                    roots.push(StepRef {
                        flow: f.name.clone(),
                        step: f.start.clone(),
                    });
                    if let Some(arg_step) = &spec.with_argument {
                        if f.steps.contains_key(arg_step) {
                            roots.push(StepRef {
                                flow: f.name.clone(),
                                step: arg_step.clone(),
                            });
                        } else {
                            ck.error(
                                file,
                                None,
                                format!(
                                    "command `{name}`: with_argument step `{arg_step}` does not exist in flow `{}`",
                                    spec.flow
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
    for id in REQUIRED_MESSAGES {
        ck.message(&commands_path, None, id);
    }
    // Flows the engine starts by itself.
    if commands.is_some() {
        for name in crate::engine::ENGINE_FLOWS {
            match flows.get(*name) {
                Some(f) => roots.push(StepRef {
                    flow: f.name.clone(),
                    step: f.start.clone(),
                }),
                None => ck.error(&commands_path, None, format!("flow `{name}` is missing")),
            }
        }
    }

    // Reachability, across flows.
    let mut seen: BTreeSet<StepRef> = BTreeSet::new();
    let mut stack = roots;
    while let Some(at) = stack.pop() {
        if !seen.insert(at.clone()) {
            continue;
        }
        let Some(step) = flows.get(&at.flow).and_then(|f| f.steps.get(&at.step)) else {
            continue;
        };
        for (_, link) in step.links() {
            if let Some(t) = resolve_in(&flows, &at.flow, link) {
                stack.push(t);
            }
        }
    }
    for flow in flows.values() {
        for id in flow.steps.keys() {
            let at = StepRef {
                flow: flow.name.clone(),
                step: id.clone(),
            };
            if !seen.contains(&at) && commands.is_some() {
                ck.error(
                    &flow.file,
                    Some(id),
                    "is unreachable: no start, command or link leads here".into(),
                );
            }
        }
    }

    // Loops that never wait for the person would spin forever.
    check_loops(&mut ck, &flows);

    check_locales(&mut ck, &flows);

    let has_errors = ck.problems.iter().any(|p| p.severity == Severity::Error);
    let mut problems = ck.problems;
    problems.sort_by(|a, b| (a.severity, &a.file, &a.step).cmp(&(b.severity, &b.file, &b.step)));
    problems.dedup();
    match (has_errors, commands) {
        (false, Some(c)) => (
            Some(Flows {
                flows,
                engine: c.engine,
                commands: c.commands,
            }),
            problems,
        ),
        _ => (None, problems),
    }
}

fn resolve_in(flows: &BTreeMap<String, Flow>, from: &str, link: &str) -> Option<StepRef> {
    let (flow_name, step) = parse_link(from, link);
    let flow = flows.get(&flow_name)?;
    let step = step.unwrap_or_else(|| flow.start.clone());
    flow.steps.contains_key(&step).then_some(StepRef {
        flow: flow_name,
        step,
    })
}

fn check_step(
    ck: &mut Checker,
    flows: &BTreeMap<String, Flow>,
    flow: &Flow,
    id: &str,
    step: &Step,
) {
    let file = flow.file.as_path();
    for (label, link) in step.links() {
        let (target_flow, target_step) = parse_link(&flow.name, link);
        match flows.get(&target_flow) {
            None => ck.error(
                file,
                Some(id),
                format!("`{label}` leads to unknown flow `{target_flow}`"),
            ),
            Some(f) => {
                if let Some(s) = target_step
                    && !f.steps.contains_key(&s)
                {
                    let where_ = if target_flow == flow.name {
                        String::new()
                    } else {
                        format!(" in flow `{target_flow}`")
                    };
                    ck.error(
                        file,
                        Some(id),
                        format!("`{label}` leads to unknown step `{s}`{where_}"),
                    );
                }
            }
        }
    }
    for m in step.messages() {
        ck.message(file, Some(id), m);
    }
    match step {
        Step::Choice {
            options,
            options_from,
            next,
            free_text,
            ..
        } => {
            if options.is_empty() && options_from.is_none() {
                ck.error(
                    file,
                    Some(id),
                    "a choice needs `options` or `options_from`".into(),
                );
            }
            if !options.is_empty() && options_from.is_some() {
                ck.error(
                    file,
                    Some(id),
                    "a choice has either `options` or `options_from`, not both".into(),
                );
            }
            if options.len() > 9 {
                ck.error(
                    file,
                    Some(id),
                    "at most 9 options: a phone keypad has 9 number keys".into(),
                );
            }
            let mut values = BTreeSet::new();
            for o in options {
                if !values.insert(o.value.as_str()) {
                    ck.error(
                        file,
                        Some(id),
                        format!("option value `{}` is repeated", o.value),
                    );
                }
                if o.next.is_none() && next.is_none() {
                    ck.error(
                        file,
                        Some(id),
                        format!(
                            "option `{}` leads nowhere: give it or the step a `next`",
                            o.value
                        ),
                    );
                }
            }
            if options_from.is_some() && next.is_none() {
                ck.error(file, Some(id), "a choice from data needs a `next`".into());
            }
            if let Some(f) = free_text
                && f.min_words == 0
            {
                ck.error(
                    file,
                    Some(id),
                    "free_text.min_words must be at least 1".into(),
                );
            }
        }
        Step::Number { min, max, .. } if min > max => {
            ck.error(
                file,
                Some(id),
                format!("min {min} is greater than max {max}"),
            );
        }
        Step::Text {
            min_chars,
            max_chars,
            ..
        } => {
            if min_chars > max_chars {
                ck.error(
                    file,
                    Some(id),
                    format!("min_chars {min_chars} is greater than max_chars {max_chars}"),
                );
            }
            if *max_chars > 1600 {
                ck.error(
                    file,
                    Some(id),
                    "max_chars over 1600: no SMS can carry that much".into(),
                );
            }
        }
        _ => {}
    }
}

/// Finds cycles made only of steps that do not wait (say, action, branch).
fn check_loops(ck: &mut Checker, flows: &BTreeMap<String, Flow>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Active,
        Done,
    }
    let mut marks: BTreeMap<StepRef, Mark> = BTreeMap::new();
    let mut reported: BTreeSet<StepRef> = BTreeSet::new();

    fn visit(
        at: &StepRef,
        flows: &BTreeMap<String, Flow>,
        marks: &mut BTreeMap<StepRef, Mark>,
        path: &mut Vec<StepRef>,
        found: &mut Vec<Vec<StepRef>>,
    ) {
        marks.insert(at.clone(), Mark::Active);
        path.push(at.clone());
        if let Some(step) = flows.get(&at.flow).and_then(|f| f.steps.get(&at.step))
            && !step.waits()
        {
            for (_, link) in step.links() {
                let Some(next) = resolve_in(flows, &at.flow, link) else {
                    continue;
                };
                let next_waits = flows
                    .get(&next.flow)
                    .and_then(|f| f.steps.get(&next.step))
                    .is_none_or(Step::waits);
                if next_waits {
                    continue;
                }
                match marks.get(&next) {
                    Some(Mark::Active) => {
                        let start = path.iter().position(|p| *p == next).unwrap_or(0);
                        found.push(path[start..].to_vec());
                    }
                    Some(Mark::Done) => {}
                    None => visit(&next, flows, marks, path, found),
                }
            }
        }
        path.pop();
        marks.insert(at.clone(), Mark::Done);
    }

    let mut found = Vec::new();
    for flow in flows.values() {
        for id in flow.steps.keys() {
            let at = StepRef {
                flow: flow.name.clone(),
                step: id.clone(),
            };
            if !marks.contains_key(&at) {
                visit(&at, flows, &mut marks, &mut Vec::new(), &mut found);
            }
        }
    }
    for cycle in found {
        let Some(first) = cycle.first() else { continue };
        if !reported.insert(first.clone()) {
            continue;
        }
        let file = flows
            .get(&first.flow)
            .map(|f| f.file.clone())
            .unwrap_or_default();
        let names: Vec<String> = cycle
            .iter()
            .map(|s| format!("{}:{}", s.flow, s.step))
            .collect();
        ck.error(
            &file,
            Some(&first.step),
            format!(
                "loop without a wait: {} -> {} never asks the person anything",
                names.join(" -> "),
                names[0]
            ),
        );
    }
}

/// Values to fill a message's variables with when measuring its length:
/// typical, not worst case (a long description is cut for read-back).
pub fn sample_args() -> Args {
    let mut a = Args::new();
    for (k, v) in [
        ("ref", ArgValue::from("G-1042")),
        (
            "description_short",
            ArgValue::from("The wait for a GP appointment in our area is three weeks or more"),
        ),
        ("area", ArgValue::from("SE15")),
        ("involvement", ArgValue::from("patient")),
        ("involvement_label", ArgValue::from("Carer or family")),
        ("previous", ArgValue::from("2 Mental health support")),
        ("round_title", ArgValue::from("Spring vote")),
        ("choices", ArgValue::from("2 Mental health support")),
        ("title", ArgValue::from("GP waiting times")),
        ("status", ArgValue::from("committed")),
        ("progress", ArgValue::from("none")),
        ("text", ArgValue::from("")),
        ("pending", ArgValue::from("no")),
        ("label", ArgValue::from("Raise an issue")),
        ("code", ArgValue::from("042917")),
        // STATUS and the notices to raisers (locales/<tag>/status.ftl).
        ("state", ArgValue::from("found")),
        ("reason", ArgValue::from("personal")),
        ("into", ArgValue::from("G-1043")),
        ("response", ArgValue::from("committed")),
    ] {
        a.insert(k.to_string(), v);
    }
    for (k, n) in [
        ("max", 5),
        ("min", 1),
        ("count", 5),
        ("max_choices", 1),
        ("number", 1),
        ("rank", 1),
        ("votes", 42),
    ] {
        a.insert(k.to_string(), ArgValue::Number(n));
    }
    a
}

/// Every locale has exactly the default locale's messages, in the same
/// files, with the same variables; prompts fit in 2 SMS segments.
fn check_locales(ck: &mut Checker, flows: &BTreeMap<String, Flow>) {
    let locales = ck.locales;
    let default = locales.default_language().clone();
    let reference = locales.message_ids(&default);
    let langs: Vec<_> = locales.languages().cloned().collect();
    for lang in &langs {
        let file = locales
            .folder(lang)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let ids = locales.message_ids(lang);
        if *lang != default {
            for extra in ids.difference(&reference) {
                ck.error(
                    &file,
                    None,
                    format!("message `{extra}` is not in the default locale `{default}`"),
                );
            }
            for missing in reference.difference(&ids) {
                ck.error(&file, None, format!("message `{missing}` is missing"));
            }
            for id in ids.intersection(&reference) {
                let mine = locales.variables(lang, id);
                let theirs = locales.variables(&default, id);
                if mine != theirs {
                    ck.error(
                        &file,
                        None,
                        format!(
                            "message `{id}` uses variables {:?} but `{default}` uses {:?}",
                            mine, theirs
                        ),
                    );
                }
            }
        }
    }
    check_locale_files(ck);

    // Every message is measured, in every locale, with typical values: a
    // prompt over 2 SMS segments is an error (people pay per segment, and
    // in UCS-2 scripts a segment is only 67 characters). Other messages
    // over 2 are warnings: each is one sentence of a reply that may be
    // joined with others. A prompt's numbered options come on top and are
    // not counted (the LANGUAGE list alone has 11 lines in 11 scripts).
    let mut prompts: BTreeSet<&str> = BTreeSet::new();
    for flow in flows.values() {
        for step in flow.steps.values() {
            if step.waits()
                && let Some(p) = step.messages().first()
            {
                prompts.insert(p);
            }
        }
    }
    let args = sample_args();
    for lang in &langs {
        let file = locales
            .folder(lang)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for id in locales.message_ids(lang) {
            let text = locales.format(lang, &id, &args);
            let info = segments::count(&text);
            if info.segments <= 2 {
                continue;
            }
            let what = if prompts.contains(id.as_str()) {
                "prompt"
            } else {
                "message"
            };
            let message = format!(
                "{what} `{id}` takes {} SMS segments ({}, {} units with sample values); keep it to 2",
                info.segments,
                info.encoding.as_str(),
                info.units
            );
            if what == "prompt" {
                ck.error(&file, None, message);
            } else {
                ck.warn(&file, None, message);
            }
        }
    }
}

/// Each locale folder has a README.md (who checked the translation), the
/// same `.ftl` files as the default locale with the same message ids in
/// each, and safeguarding phrases in every category.
fn check_locale_files(ck: &mut Checker) {
    let locales = ck.locales;
    let default = locales.default_language().clone();
    let reference = locales.ftl_files(&default);
    let langs: Vec<_> = locales.languages().cloned().collect();
    for lang in &langs {
        let folder = locales
            .folder(lang)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        if !locales.has_readme(lang) {
            ck.error(
                &folder,
                None,
                "README.md is missing: say who checked this translation, or that it awaits review by a native speaker".into(),
            );
        }
        for category in Category::ALL {
            if locales.safeguarding().count(lang, category) == 0 {
                ck.error(
                    &folder.join("safeguarding.toml"),
                    None,
                    format!("no `{}` phrases", category.as_str()),
                );
            }
        }
        if *lang == default {
            continue;
        }
        let mine = locales.ftl_files(lang);
        for (name, ids) in &reference {
            match mine.get(name) {
                None => ck.error(
                    &folder.join(name),
                    None,
                    format!("missing: `{default}` has {name}"),
                ),
                Some(own) => {
                    for id in ids.difference(own) {
                        ck.error(
                            &folder.join(name),
                            None,
                            format!("message `{id}` is missing from this file (it is in `{default}`'s {name})"),
                        );
                    }
                    for id in own.difference(ids) {
                        ck.error(
                            &folder.join(name),
                            None,
                            format!("message `{id}` is not in `{default}`'s {name}"),
                        );
                    }
                }
            }
        }
        for name in mine.keys().filter(|n| !reference.contains_key(*n)) {
            ck.error(
                &folder.join(name),
                None,
                format!("`{default}` has no {name}"),
            );
        }
    }
}
