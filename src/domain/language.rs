use super::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A BCP 47 language tag in canonical form (`en-GB`, `pl`, `pa`). Whether
/// Gather *has* that language is a question for the locales, not this type.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageTag(String);

impl LanguageTag {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let trimmed = input.trim();
        if trimmed.is_empty() || trimmed.len() > 35 {
            return Err(ParseError::LanguageTag(trimmed.chars().take(40).collect()));
        }
        let id: unic_langid::LanguageIdentifier = trimmed
            .parse()
            .map_err(|_| ParseError::LanguageTag(trimmed.chars().take(40).collect()))?;
        if id.language.is_empty() {
            return Err(ParseError::LanguageTag(trimmed.to_string()));
        }
        Ok(LanguageTag(id.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag (`en` for `en-GB`).
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for LanguageTag {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<LanguageTag> for String {
    fn from(t: LanguageTag) -> String {
        t.0
    }
}

impl std::str::FromStr for LanguageTag {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical() {
        assert_eq!(LanguageTag::parse("en-gb").unwrap().as_str(), "en-GB");
        assert_eq!(LanguageTag::parse("pl").unwrap().primary(), "pl");
        assert!(LanguageTag::parse("").is_err());
        assert!(LanguageTag::parse("not a tag!").is_err());
    }
}
