//! Prometheus counters, served at `/metrics`. A handful of process-wide
//! atomics: no registry crate needed for this few.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Counter {
    name: &'static str,
    help: &'static str,
    value: AtomicU64,
}

impl Counter {
    const fn new(name: &'static str, help: &'static str) -> Self {
        Counter {
            name,
            help,
            value: AtomicU64::new(0),
        }
    }

    pub fn inc(&self) {
        self.add(1);
    }

    pub fn add(&self, n: u64) {
        self.value.fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}

pub static MESSAGES_IN: Counter = Counter::new(
    "gather_messages_in_total",
    "Messages received from people (duplicates excluded).",
);
pub static MESSAGES_OUT: Counter = Counter::new(
    "gather_messages_out_total",
    "Messages sent to people as direct replies.",
);
pub static ISSUES_RAISED: Counter = Counter::new("gather_issues_raised_total", "Issues raised.");
pub static VOTES_CAST: Counter =
    Counter::new("gather_votes_cast_total", "Ballots cast or replaced.");
pub static ENGINE_ERRORS: Counter = Counter::new(
    "gather_engine_errors_total",
    "Conversations ended by an engine error (e.g. the step limit).",
);
pub static HTTP_REQUESTS: Counter =
    Counter::new("gather_http_requests_total", "HTTP requests served.");
pub static OUTBOX_SENT: Counter = Counter::new(
    "gather_outbox_sent_total",
    "Outbox messages accepted by a provider.",
);
pub static OUTBOX_RETRIED: Counter = Counter::new(
    "gather_outbox_retries_total",
    "Outbox sends that failed temporarily and were queued again.",
);
pub static OUTBOX_FAILED: Counter = Counter::new(
    "gather_outbox_failed_total",
    "Outbox messages given up (a permanent error or too many attempts).",
);
pub static OUTBOX_CANCELLED: Counter = Counter::new(
    "gather_outbox_cancelled_total",
    "Outbox messages not sent because the person had opted out.",
);
pub static DELIVERY_REPORTS: Counter = Counter::new(
    "gather_delivery_reports_total",
    "Delivery status callbacks received from providers.",
);

pub static TURN_PANICS: Counter = Counter::new(
    "gather_turn_panics_total",
    "Conversation turns that panicked and were answered with an apology.",
);

pub static LINK_CODES_LIMITED: Counter = Counter::new(
    "gather_link_codes_limited_total",
    "LINK codes not texted: the limit per number or per requester was reached.",
);
pub static RECORDINGS_DELETED: Counter = Counter::new(
    "gather_recordings_deleted_total",
    "Call recordings deleted at the provider after a FORGET.",
);

static ALL: [&Counter; 14] = [
    &MESSAGES_IN,
    &MESSAGES_OUT,
    &ISSUES_RAISED,
    &VOTES_CAST,
    &ENGINE_ERRORS,
    &HTTP_REQUESTS,
    &OUTBOX_SENT,
    &OUTBOX_RETRIED,
    &OUTBOX_FAILED,
    &OUTBOX_CANCELLED,
    &DELIVERY_REPORTS,
    &TURN_PANICS,
    &LINK_CODES_LIMITED,
    &RECORDINGS_DELETED,
];

/// Restarts of supervised tasks, by task name (see [`crate::supervise`]).
static TASK_RESTARTS: std::sync::Mutex<std::collections::BTreeMap<&'static str, u64>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// Counts one restart of the supervised task `task`.
pub fn task_restarted(task: &'static str) {
    let mut m = TASK_RESTARTS.lock().unwrap_or_else(|e| e.into_inner());
    *m.entry(task).or_insert(0) += 1;
}

/// Restarts of the supervised task `task` so far.
pub fn task_restarts(task: &str) -> u64 {
    let m = TASK_RESTARTS.lock().unwrap_or_else(|e| e.into_inner());
    m.get(task).copied().unwrap_or(0)
}

/// The Prometheus text exposition format.
pub fn render() -> String {
    let mut out = String::new();
    for c in ALL {
        let _ = writeln!(out, "# HELP {} {}", c.name, c.help);
        let _ = writeln!(out, "# TYPE {} counter", c.name);
        let _ = writeln!(out, "{} {}", c.name, c.get());
    }
    let _ = writeln!(
        out,
        "# HELP gather_task_restarts_total Long-running tasks restarted after a panic or an error."
    );
    let _ = writeln!(out, "# TYPE gather_task_restarts_total counter");
    let restarts = TASK_RESTARTS.lock().unwrap_or_else(|e| e.into_inner());
    for (task, n) in restarts.iter() {
        let _ = writeln!(out, "gather_task_restarts_total{{task=\"{task}\"}} {n}");
    }
    out
}
