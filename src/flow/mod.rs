//! Flows: the scripted conversations in `flows/*.toml`, loaded and validated
//! completely before anything runs, so the engine never meets a broken flow.

mod graph;
mod load;
pub mod model;

pub use graph::mermaid;
pub use load::{Problem, Severity, load, load_from, sample_args};
pub use model::{Action, Condition, ListSource, OptionSource, Step};

use model::{CommandSpec, EngineSettings};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Default wait for an answer: a week, because people answer late.
pub const DEFAULT_EXPIRY_SECS: i64 = 7 * 24 * 3600;

/// A validated flow.
#[derive(Debug, Clone)]
pub struct Flow {
    pub name: String,
    pub start: String,
    pub expires_after_secs: i64,
    pub steps: BTreeMap<String, Step>,
    pub file: PathBuf,
}

/// A place in the flows: a flow and one of its steps.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepRef {
    pub flow: String,
    pub step: String,
}

/// All flows plus the command table; only ever built by [`load`], so every
/// link resolves and every message exists.
#[derive(Debug, Clone)]
pub struct Flows {
    flows: BTreeMap<String, Flow>,
    pub engine: EngineSettings,
    pub commands: BTreeMap<String, CommandSpec>,
}

impl Flows {
    pub fn get(&self, name: &str) -> Option<&Flow> {
        self.flows.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.flows.keys().map(String::as_str)
    }

    pub fn step(&self, at: &StepRef) -> Option<&Step> {
        self.flows.get(&at.flow)?.steps.get(&at.step)
    }

    pub fn start_of(&self, flow: &str) -> Option<StepRef> {
        self.flows.get(flow).map(|f| StepRef {
            flow: f.name.clone(),
            step: f.start.clone(),
        })
    }

    /// Resolves a link written in flow `from`: `step`, `@flow` or `@flow:step`.
    pub fn resolve(&self, from: &str, link: &str) -> Option<StepRef> {
        let target = parse_link(from, link);
        let flow = self.flows.get(&target.0)?;
        let step = target.1.unwrap_or_else(|| flow.start.clone());
        flow.steps.contains_key(&step).then_some(StepRef {
            flow: target.0,
            step,
        })
    }

    pub fn command(&self, name: &str) -> Option<&CommandSpec> {
        self.commands.get(name)
    }

    pub fn flows(&self) -> impl Iterator<Item = &Flow> {
        self.flows.values()
    }
}

/// `(flow, Some(step))` or `(flow, None)` for a flow's start.
pub(crate) fn parse_link(from: &str, link: &str) -> (String, Option<String>) {
    match link.strip_prefix('@') {
        Some(rest) => match rest.split_once(':') {
            Some((f, s)) => (f.to_string(), Some(s.to_string())),
            None => (rest.to_string(), None),
        },
        None => (from.to_string(), Some(link.to_string())),
    }
}

/// `7d`, `12h`, `30m`, `45s` → seconds.
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = num.parse().ok()?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return None,
    };
    (n > 0).then_some(n * mult)
}
