use super::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A phone number in E.164 form (`+447700900123`). Numbers written the UK way
/// (`07700 900123`) are read as UK numbers.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let trimmed = input.trim();
        if trimmed.is_empty() || trimmed.len() > 32 {
            return Err(ParseError::PhoneNumber(clip(trimmed)));
        }
        let parsed = phonenumber::parse(Some(phonenumber::country::Id::GB), trimmed)
            .map_err(|_| ParseError::PhoneNumber(clip(trimmed)))?;
        let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
        // Not `is_valid`: its ranges reject Ofcom's drama numbers
        // (07700 900000-900999), which tests and demos rightly use, and lag
        // behind new number ranges. A well-formed E.164 number is enough.
        let digits = e164.len().saturating_sub(1);
        if !(8..=15).contains(&digits) {
            return Err(ParseError::PhoneNumber(clip(trimmed)));
        }
        Ok(PhoneNumber(e164))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with most digits hidden, for logs: `+44 77** ***123`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks anything that looks like a phone number or address for logging.
pub fn mask(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    if chars.len() <= 6 {
        return "***".to_string();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 3..].iter().collect();
    format!("{head}*****{tail}")
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Debug never shows the whole number: it is personal data.
impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_e164_and_uk_national() {
        assert_eq!(
            PhoneNumber::parse("+447700900123").unwrap().as_str(),
            "+447700900123"
        );
        assert_eq!(
            PhoneNumber::parse("07700 900123").unwrap().as_str(),
            "+447700900123"
        );
        assert_eq!(
            PhoneNumber::parse("+48 600 111 222").unwrap().as_str(),
            "+48600111222"
        );
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "hello", "+44", "123", "+4477009001239999999999"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_is_masked() {
        let p = PhoneNumber::parse("+447700900123").unwrap();
        let shown = format!("{p:?}");
        assert!(!shown.contains("7700900"), "{shown}");
    }
}
