//! `gather flows graph NAME`: a Mermaid diagram of one flow.

use super::{Flows, Step, parse_link};
use std::fmt::Write;

fn node_id(flow: &str, step: &str) -> String {
    format!("{flow}_{step}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn describe(step: &Step) -> String {
    let first = step.messages().first().map(|m| m.to_string());
    match step {
        Step::Action { action, .. } => format!("action: {}", action.as_str()),
        Step::Branch { .. } => "branch".to_string(),
        _ => format!("{}: {}", step.kind(), first.unwrap_or_default()),
    }
}

/// Renders the flow as a Mermaid `flowchart`. Waiting steps are rounded,
/// actions are subroutines, branches are diamonds, other flows are circles.
pub fn mermaid(flows: &Flows, name: &str) -> Option<String> {
    let flow = flows.get(name)?;
    let mut out = String::new();
    let _ = writeln!(out, "flowchart TD");
    let start = node_id(name, "__start");
    let _ = writeln!(out, "    {start}((start))");
    let _ = writeln!(out, "    {start} --> {}", node_id(name, &flow.start));
    let mut external = std::collections::BTreeSet::new();
    for (id, step) in &flow.steps {
        let n = node_id(name, id);
        let label = format!("{id}<br/>{}", describe(step)).replace('"', "'");
        let shape = match step {
            _ if step.waits() => format!("{n}(\"{label}\")"),
            Step::Action { .. } => format!("{n}[[\"{label}\"]]"),
            Step::Branch { .. } => format!("{n}{{\"{label}\"}}"),
            _ => format!("{n}[\"{label}\"]"),
        };
        let _ = writeln!(out, "    {shape}");
    }
    for (id, step) in &flow.steps {
        let from = node_id(name, id);
        for (label, link) in step.links() {
            let (f, s) = parse_link(name, link);
            let to = if f == name {
                node_id(name, s.as_deref().unwrap_or(&flow.start))
            } else {
                let ext = node_id(&format!("ext_{f}"), s.as_deref().unwrap_or("start"));
                external.insert((ext.clone(), link.to_string()));
                ext
            };
            let label = label.replace('"', "'");
            let _ = writeln!(out, "    {from} -->|{label}| {to}");
        }
    }
    for (ext, link) in external {
        let _ = writeln!(out, "    {ext}(((\"{link}\")))");
    }
    Some(out)
}
