//! Domain types parsed at the edge. Once a value of one of these types exists it
//! is valid; the rest of the code never re-checks it.

mod channel;
mod issue_ref;
mod language;
pub mod phone;
mod postcode;
mod time;

pub use channel::{Channel, Identity, IdentityKind};
pub use issue_ref::IssueRef;
pub use language::LanguageTag;
pub use phone::PhoneNumber;
pub use postcode::PostcodeDistrict;
pub use time::Timestamp;

/// Why a value from outside could not be parsed into a domain type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not a phone number: {0}")]
    PhoneNumber(String),
    #[error("not an issue reference (expected G-1234): {0}")]
    IssueRef(String),
    #[error("not a language tag: {0}")]
    LanguageTag(String),
    #[error("not a UK postcode district (expected e.g. SE15): {0}")]
    PostcodeDistrict(String),
    #[error("unknown channel: {0}")]
    Channel(String),
}
