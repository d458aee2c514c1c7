use super::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The outward part of a UK postcode (`SE15`, `W1A`, `M1`, `EC1A`). A full
/// postcode (`SE15 4QF`) is accepted and cut to its district: Gather never
/// needs, so never stores, a full address.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PostcodeDistrict(String);

impl PostcodeDistrict {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let upper: String = input.trim().to_uppercase();
        let compact: String = upper.chars().filter(|c| !c.is_whitespace()).collect();
        // A full postcode ends with a 3-character inward code (digit + 2 letters).
        // `get`: the last 3 bytes may be inside a character (non-ASCII text).
        let cut = compact.len().saturating_sub(3);
        let outward = match compact.get(cut..) {
            Some(inward) if compact.len() >= 5 && is_inward(inward) => &compact[..cut],
            _ => compact.as_str(),
        };
        if is_outward(outward) {
            Ok(PostcodeDistrict(outward.to_string()))
        } else {
            Err(ParseError::PostcodeDistrict(
                input.chars().take(20).collect(),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_inward(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3
        && b[0].is_ascii_digit()
        && b[1].is_ascii_alphabetic()
        && b[2].is_ascii_alphabetic()
}

/// Outward code shapes: A9, A99, AA9, AA99, A9A, AA9A.
fn is_outward(s: &str) -> bool {
    let b = s.as_bytes();
    if !(2..=4).contains(&b.len()) || !b.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if !(1..=2).contains(&letters) {
        return false;
    }
    let rest = &b[letters..];
    match rest {
        [d] => d.is_ascii_digit(),
        [d, x] => d.is_ascii_digit() && x.is_ascii_alphanumeric(),
        _ => false,
    }
}

impl fmt::Display for PostcodeDistrict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PostcodeDistrict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PostcodeDistrict {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PostcodeDistrict> for String {
    fn from(p: PostcodeDistrict) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn districts() {
        for (input, want) in [
            ("SE15", "SE15"),
            ("se15", "SE15"),
            ("SE15 4QF", "SE15"),
            ("w1a 1aa", "W1A"),
            ("M1", "M1"),
            ("EC1A", "EC1A"),
            ("B33 8TH", "B33"),
        ] {
            assert_eq!(
                PostcodeDistrict::parse(input).unwrap().as_str(),
                want,
                "{input}"
            );
        }
        for bad in ["", "15", "SEE15", "hello", "SE", "S", "SE15 4Q", "12345"] {
            assert!(PostcodeDistrict::parse(bad).is_err(), "{bad}");
        }
    }
}
