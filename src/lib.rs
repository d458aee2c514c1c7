//! Gather: citizen participation over SMS, phone calls and community chat.
//!
//! # Layout
//!
//! One message walks through the modules in this order:
//!
//! 1. [`channels`]: a provider's payload becomes an inbound message; at the
//!    end the engine's events are rendered for the medium (SMS text with
//!    segment counts, spoken prompts with accepted keys, chat).
//! 2. [`domain`]: values parsed at the edge (`PhoneNumber`, `IssueRef`,
//!    `LanguageTag`, `PostcodeDistrict`, `Channel`, `Timestamp`).
//! 3. [`service`]: the use cases shared by HTTP, CLI and bots. `handle_inbound`
//!    runs one message in one transaction: dedupe, load the person and their
//!    conversation, run the engine, apply its events, log, reply.
//! 4. [`engine`]: pure; state + input + world snapshot → events + next state.
//!    Global commands, re-asks, expiry, step limit.
//! 5. [`flow`]: the flow files in `flows/`, validated completely at load;
//!    Mermaid diagrams.
//! 6. [`i18n`]: Fluent locales in `locales/`, keywords, text normalisation.
//! 7. [`store`]: the `Store` trait with its SQLite and PostgreSQL
//!    implementations (migrations per database), the outbox, fan-out and reports.
//!
//! Around them: [`config`] (file + environment), [`assets`] (the shipped flows
//! and locales built into the binary), [`app`] (config → a running
//! [`service::Gather`]: locales, flows, migrated store, clock), [`clock`] (the
//! injected time source), [`outbox`] (messages that are not a direct reply:
//! a durable queue and the worker that sends it), [`http`] (`gather serve`),
//! [`transcript`] (the readable conversation tests), [`leader`] (which
//! instance runs the things that must run once) and [`cli`] (every `gather`
//! command). The load generator is its own binary, `gather-bench` (bench/),
//! which reaches `gather serve` from outside as providers do.

pub mod app;
pub mod assets;
pub mod channels;
pub mod cli;
pub mod clock;
pub mod config;
pub mod cost;
pub mod domain;
pub mod engine;
pub mod flow;
pub mod http;
pub mod i18n;
pub mod leader;
pub mod metrics;
pub mod outbox;
pub mod service;
pub mod store;
pub mod transcript;
