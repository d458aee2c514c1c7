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
        let e164 = if is_e164_shaped(trimmed) {
            cache::e164(trimmed)
        } else {
            e164(trimmed)
        };
        e164.map(PhoneNumber)
            .ok_or_else(|| ParseError::PhoneNumber(clip(trimmed)))
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

/// The number in E.164 form, if `phonenumber` reads the (trimmed) input as
/// a number with 8 to 15 digits.
fn e164(trimmed: &str) -> Option<String> {
    let parsed = phonenumber::parse(Some(phonenumber::country::Id::GB), trimmed).ok()?;
    let e164 = format_e164(&parsed);
    // Not `is_valid`: its ranges reject Ofcom's drama numbers
    // (07700 900000-900999), which tests and demos rightly use, and lag
    // behind new number ranges. A well-formed E.164 number is enough.
    let digits = e164.len().saturating_sub(1);
    (8..=15).contains(&digits).then_some(e164)
}

/// What `parsed.format().mode(Mode::E164).to_string()` gives (`+`, the
/// country code, the national number with its leading zeros), without the
/// formatter, which looks up the country's display formats (regular
/// expressions) that E.164 then does not use.
fn format_e164(parsed: &phonenumber::PhoneNumber) -> String {
    format!("+{}{}", parsed.code().value(), parsed.national())
}

/// `+` and digits only: how Twilio's webhooks and Gather itself write numbers.
fn is_e164_shaped(s: &str) -> bool {
    s.strip_prefix('+')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// Remembers what `e164` said for numbers already written in E.164 form,
/// which is what every webhook's `From` is. `phonenumber::parse` costs tens
/// of microseconds (it compiles regular expressions from its metadata each
/// time), and the same people write again and again.
///
/// Phone numbers are personal data: the cache only lives in this process's
/// memory, holds at most `CAPACITY` numbers (it is emptied when full, so a
/// number leaves it after at most that many other new numbers), and is
/// never logged or shown.
mod cache {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex, MutexGuard, PoisonError};

    pub(super) const CAPACITY: usize = 4096;

    /// Input → its E.164 form, or `None` when it is not a number.
    type Parsed = HashMap<Box<str>, Option<Box<str>>>;

    static PARSED: LazyLock<Mutex<Parsed>> = LazyLock::new(|| Mutex::new(HashMap::new()));

    pub(super) fn e164(input: &str) -> Option<String> {
        if let Some(known) = lock().get(input) {
            return known.as_deref().map(str::to_string);
        }
        // Parsed outside the lock: two threads may both parse a new number,
        // and both get the same answer.
        let parsed = super::e164(input);
        let mut map = lock();
        if map.len() >= CAPACITY {
            *map = HashMap::new();
        }
        map.insert(input.into(), parsed.as_deref().map(Into::into));
        parsed
    }

    fn lock() -> MutexGuard<'static, Parsed> {
        // Nothing panics while the lock is held; a poisoned map is still a
        // correct one.
        PARSED.lock().unwrap_or_else(PoisonError::into_inner)
    }

    #[cfg(test)]
    pub(super) fn len() -> usize {
        lock().len()
    }
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

    /// What `parse` did before the cache and [`format_e164`].
    fn reference(input: &str) -> Result<String, ParseError> {
        let trimmed = input.trim();
        if trimmed.is_empty() || trimmed.len() > 32 {
            return Err(ParseError::PhoneNumber(clip(trimmed)));
        }
        let parsed = phonenumber::parse(Some(phonenumber::country::Id::GB), trimmed)
            .map_err(|_| ParseError::PhoneNumber(clip(trimmed)))?;
        let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
        let digits = e164.len().saturating_sub(1);
        if !(8..=15).contains(&digits) {
            return Err(ParseError::PhoneNumber(clip(trimmed)));
        }
        Ok(e164)
    }

    fn check(input: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let expected = reference(input);
        // Twice: once parsed (and perhaps cached), once perhaps from the cache.
        for _ in 0..2 {
            let got = PhoneNumber::parse(input).map(String::from);
            proptest::prop_assert_eq!(&got, &expected, "{:?}", input);
        }
        Ok(())
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn e164_input_as_before(number in "\\+(44|1|48|39|353|92|880|7|0|999|44 ?0)?[0-9]{0,17}") {
            check(&number)?;
        }

        #[test]
        fn uk_national_input_as_before(number in " ?(0|00|0044|\\+44 ?\\(0\\))[0-9 ()-]{0,16} ?") {
            check(&number)?;
        }

        #[test]
        fn any_input_as_before(input in "[+0-9 ()a.:-]{0,24}") {
            check(&input)?;
        }
    }

    #[test]
    fn drama_numbers_as_before() {
        for n in 0..1000 {
            let number = format!("+447700{:06}", 900_000 + n);
            check(&number).expect("same answer");
        }
    }

    #[test]
    fn the_cache_stays_bounded() {
        for n in 0..(cache::CAPACITY + 10) {
            let number = format!("+4420{:08}", n);
            assert!(PhoneNumber::parse(&number).is_ok(), "{number}");
            assert!(cache::len() <= cache::CAPACITY);
        }
    }

    #[test]
    fn debug_is_masked() {
        let p = PhoneNumber::parse("+447700900123").unwrap();
        let shown = format!("{p:?}");
        assert!(!shown.contains("7700900"), "{shown}");
    }
}
