//! Languages: Fluent bundles loaded from `locales/<tag>/*.ftl`, the keyword
//! table from `locales/<tag>/keywords.toml`, the safeguarding phrases from
//! `locales/<tag>/safeguarding.toml`, the text normalisation used to
//! recognise keywords however they are typed, and the guess of the language
//! a message is written in.

pub mod detect;
mod keywords;
mod locales;
pub mod normalize;
pub mod plain;
pub mod safeguarding;
pub mod segments;
pub mod titles;

pub use detect::{Detected, Detector, Guess, LanguageDetector};
pub use keywords::{Command, KeywordTable, Word};
pub use locales::{ArgValue, Args, LocaleError, Locales};
pub use safeguarding::{Category, SafeguardingTable};
