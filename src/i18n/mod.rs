//! Languages: Fluent bundles loaded from `locales/<tag>/*.ftl`, the keyword
//! table from `locales/<tag>/keywords.toml`, and the text normalisation used to
//! recognise keywords however they are typed.

mod keywords;
mod locales;
pub mod normalize;

pub use keywords::{Command, KeywordTable, Word};
pub use locales::{ArgValue, Args, LocaleError, Locales};
