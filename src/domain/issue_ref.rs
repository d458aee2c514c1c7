use super::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A public issue reference like `G-1042`. People type it in many ways
/// (`g1042`, `G 1042`, `#G-1042`); all of them parse to the same reference.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IssueRef(u32);

impl IssueRef {
    pub fn new(number: u32) -> Self {
        IssueRef(number)
    }

    pub fn number(self) -> u32 {
        self.0
    }

    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim().trim_start_matches('#');
        let rest = s
            .strip_prefix('G')
            .or_else(|| s.strip_prefix('g'))
            .ok_or_else(|| ParseError::IssueRef(clip(input)))?;
        let digits = rest.trim_start_matches(['-', ' ']);
        if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::IssueRef(clip(input)));
        }
        digits
            .parse::<u32>()
            .map(IssueRef)
            .map_err(|_| ParseError::IssueRef(clip(input)))
    }
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

impl fmt::Display for IssueRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "G-{}", self.0)
    }
}

impl fmt::Debug for IssueRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "G-{}", self.0)
    }
}

impl std::str::FromStr for IssueRef {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for IssueRef {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<IssueRef> for String {
    fn from(r: IssueRef) -> String {
        r.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_people_type() {
        for ok in ["G-1042", "g1042", "G 1042", "#G-1042", " g-1042 "] {
            assert_eq!(IssueRef::parse(ok).unwrap(), IssueRef::new(1042), "{ok}");
        }
        for bad in ["", "G-", "1042", "G-10a", "G-99999999999", "../etc"] {
            assert!(IssueRef::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(IssueRef::new(7).to_string(), "G-7");
    }
}
