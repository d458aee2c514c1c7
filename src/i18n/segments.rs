//! SMS encoding and segment counting. One character outside the GSM 03.38
//! alphabet makes the whole message UCS-2: 70 characters for one segment,
//! 67 per segment when concatenated, instead of 160/153.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Encoding {
    #[serde(rename = "GSM-7")]
    Gsm7,
    #[serde(rename = "UCS-2")]
    Ucs2,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ucs2 => "UCS-2",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SegmentInfo {
    pub encoding: Encoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    pub segments: usize,
}

const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION: &str = "^{}\\[~]|€\u{000C}";

/// Septets a character takes in GSM-7, or `None` if it is not in the alphabet.
pub fn gsm7_units(c: char) -> Option<usize> {
    if GSM_BASIC.contains(c) {
        Some(1)
    } else if GSM_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

pub fn count(text: &str) -> SegmentInfo {
    let gsm: Option<usize> = text.chars().map(gsm7_units).sum();
    match gsm {
        Some(units) => SegmentInfo {
            encoding: Encoding::Gsm7,
            units,
            segments: segments_for(text, units, 160, 153, gsm7_width),
        },
        None => {
            let units = text.encode_utf16().count();
            SegmentInfo {
                encoding: Encoding::Ucs2,
                units,
                segments: segments_for(text, units, 70, 67, char::len_utf16),
            }
        }
    }
}

fn gsm7_width(c: char) -> usize {
    gsm7_units(c).unwrap_or(1)
}

/// One segment up to `single` units; else as many parts of at most `multi`
/// units as the splitter makes. That can be more than `units / multi`: an
/// escape pair (`€`, `[`) or a surrogate pair is never cut in two, so a part
/// may end a unit short (found by `tests/fuzz.rs`).
fn segments_for(
    text: &str,
    units: usize,
    single: usize,
    multi: usize,
    width: fn(char) -> usize,
) -> usize {
    if units <= single {
        return 1;
    }
    let mut parts = 1;
    let mut used = 0;
    for c in text.chars() {
        let w = width(c);
        if used + w > multi {
            parts += 1;
            used = 0;
        }
        used += w;
    }
    parts
}

/// Splits a message into the parts a phone would receive, never splitting a
/// GSM-7 escape pair or a UTF-16 surrogate pair. `split(t).len() == count(t).segments`.
pub fn split(text: &str) -> Vec<String> {
    let info = count(text);
    if info.segments <= 1 {
        return vec![text.to_string()];
    }
    let (limit, width): (usize, fn(char) -> usize) = match info.encoding {
        Encoding::Gsm7 => (153, gsm7_width),
        Encoding::Ucs2 => (67, char::len_utf16),
    };
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = width(c);
        if used + w > limit {
            parts.push(std::mem::take(&mut current));
            used = 0;
        }
        current.push(c);
        used += w;
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_limits() {
        assert_eq!(count(&"a".repeat(160)).segments, 1);
        assert_eq!(count(&"a".repeat(161)).segments, 2);
        assert_eq!(count(&"a".repeat(306)).segments, 2);
        assert_eq!(count(&"a".repeat(307)).segments, 3);
        assert_eq!(count("").segments, 1);
    }

    #[test]
    fn extension_characters_count_twice() {
        let s = "€".repeat(80);
        let info = count(&s);
        assert_eq!(info.encoding, Encoding::Gsm7);
        assert_eq!(info.units, 160);
        assert_eq!(info.segments, 1);
        assert_eq!(count(&"[".repeat(81)).segments, 2);
    }

    #[test]
    fn an_escape_pair_at_a_boundary_pushes_into_another_part() {
        // 152 septets, then `€` (2) does not fit the 153 of a part.
        let s = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(count(&s).units, 306);
        assert_eq!(count(&s).segments, 3);
        assert_eq!(split(&s).len(), 3);
        // The same with a surrogate pair in UCS-2.
        let s = format!("{}😀{}", "ł".repeat(66), "ł".repeat(66));
        assert_eq!(count(&s).units, 134);
        assert_eq!(count(&s).segments, 3);
        assert_eq!(split(&s).len(), 3);
    }

    #[test]
    fn one_non_gsm_character_makes_ucs2() {
        let mut s = "a".repeat(69);
        s.push('ł');
        assert_eq!(count(&s).encoding, Encoding::Ucs2);
        assert_eq!(count(&s).segments, 1);
        s.push('a');
        assert_eq!(count(&s).segments, 2);
        assert_eq!(count(&"ą".repeat(134)).segments, 2);
        assert_eq!(count(&"ą".repeat(135)).segments, 3);
    }

    #[test]
    fn emoji_are_two_units() {
        let info = count("👋");
        assert_eq!(info.encoding, Encoding::Ucs2);
        assert_eq!(info.units, 2);
    }

    #[test]
    fn split_matches_count() {
        for s in [
            "a".repeat(400),
            "€".repeat(100),
            "👋".repeat(50),
            "ż".repeat(200),
            "hello".to_string(),
        ] {
            let parts = split(&s);
            assert_eq!(parts.len(), count(&s).segments, "{s}");
            assert_eq!(parts.concat(), s);
        }
    }
}
