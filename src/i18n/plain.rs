//! Plain SMS text: GSM-7 where a locale's letters allow it.
//!
//! One letter outside the GSM-7 alphabet (ą, ș, á, ã, ç) makes a whole SMS
//! UCS-2 and doubles what it costs: 67 characters a segment instead of 153.
//! Many people text Polish, Romanian, Spanish and Portuguese without
//! diacritics every day, so a locale may ask for *plain* SMS
//! (`locales/<tag>/sms.toml`): its letters outside GSM-7 are written as their
//! base letters (ą→a, ș→s, ã→a), by a table written per locale and checked
//! at load (every replacement is GSM-7) and by tests (no letter of the
//! locale's sentences is left out or mangled).
//!
//! Typographic punctuation (curly quotes, dashes, the ellipsis, non-breaking
//! spaces) is replaced in every locale: it never carries meaning a straight
//! quote or a hyphen does not, and it would turn English UCS-2 by accident.
//!
//! A message is changed only when the change makes it GSM-7. A text with an
//! emoji, or Arabic or Bengali letters, stays UCS-2 whatever we do, so it is
//! sent exactly as written. Chat and voice always get the full text: only
//! SMS is priced by encoding.

use crate::i18n::segments::gsm7_units;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// `locales/<tag>/sms.toml`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsFile {
    /// Send this locale's SMS in GSM-7, writing `letters` plainly.
    #[serde(default)]
    pub plain: bool,
    /// Letter → its plain spelling (`"ą" = "a"`).
    #[serde(default)]
    pub letters: BTreeMap<String, String>,
}

/// A locale's plain spellings, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlainLetters {
    letters: HashMap<char, String>,
}

impl PlainLetters {
    /// Checks the file: one letter per key, GSM-7 replacements. `None` when
    /// the locale keeps its full text.
    pub fn from_file(file: &SmsFile) -> Result<Option<PlainLetters>, Vec<String>> {
        let mut problems = Vec::new();
        let mut letters = HashMap::new();
        for (from, to) in &file.letters {
            let mut chars = from.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                problems.push(format!("`{from}` is not one letter"));
                continue;
            };
            if gsm7_units(c).is_some() {
                problems.push(format!(
                    "`{from}` is already GSM-7: it needs no plain spelling"
                ));
            }
            if to.is_empty() || to.chars().any(|t| gsm7_units(t).is_none()) {
                problems.push(format!(
                    "`{from}` = `{to}`: the plain spelling must be GSM-7"
                ));
            }
            letters.insert(c, to.clone());
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(file.plain.then_some(PlainLetters { letters }))
    }

    pub fn get(&self, c: char) -> Option<&str> {
        self.letters.get(&c).map(String::as_str)
    }
}

/// The GSM-7 spelling of typographic punctuation, in every locale.
pub fn typographic(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '`' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => "\"",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => "-",
        '\u{2026}' => "...",
        '\u{00A0}' | '\u{202F}' | '\u{2007}' | '\u{2009}' | '\u{200A}' | '\u{2002}'
        | '\u{2003}' => " ",
        '\u{2022}' | '\u{00B7}' => "-",
        // Zero-width and direction marks: invisible, and UCS-2 by themselves.
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{200E}' | '\u{200F}' | '\u{2060}'
        | '\u{FEFF}' => "",
        _ => return None,
    })
}

/// `text` as an SMS: in GSM-7 when typographic replacements and, for a
/// plain locale, its letters' plain spellings make it so; else unchanged.
pub fn sms_text<'a>(text: &'a str, letters: Option<&PlainLetters>) -> Cow<'a, str> {
    if text.chars().all(|c| gsm7_units(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if gsm7_units(c).is_some() {
            out.push(c);
        } else if let Some(t) = typographic(c) {
            out.push_str(t);
        } else if let Some(t) = letters.and_then(|l| l.get(c)) {
            out.push_str(t);
        } else {
            return Cow::Borrowed(text);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::segments::{Encoding, count};
    use std::path::Path;
    use unicode_normalization::UnicodeNormalization;

    fn letters_of(tag: &str) -> Option<PlainLetters> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("locales/{tag}/sms.toml"));
        let text = std::fs::read_to_string(path).ok()?;
        let file: SmsFile = toml::from_str(&text).expect("valid sms.toml");
        PlainLetters::from_file(&file).expect("checked")
    }

    /// Every letter the locale's own sentences use, and its keywords.
    fn chars_of(tag: &str) -> Vec<char> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("locales/{tag}"));
        let mut all: Vec<char> = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "ftl" || e == "toml") {
                all.extend(std::fs::read_to_string(p).unwrap().chars());
            }
        }
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The Latin-script locales whose SMS are plain.
    const PLAIN: [&str; 5] = ["pl", "ro", "es", "pt", "it"];

    #[test]
    fn every_letter_of_every_plain_locale_has_a_gsm7_spelling() {
        for tag in PLAIN {
            let letters = letters_of(tag).unwrap_or_else(|| panic!("{tag} is plain"));
            for c in chars_of(tag) {
                if gsm7_units(c).is_some() || typographic(c).is_some() || c == '\u{feff}' {
                    continue;
                }
                // Emoji and symbols in comments are not letters.
                if !c.is_alphabetic() {
                    continue;
                }
                assert!(
                    letters.get(c).is_some(),
                    "{tag}: `{c}` (U+{:04X}) has no plain spelling",
                    c as u32
                );
            }
        }
    }

    #[test]
    fn a_plain_spelling_is_the_letter_without_its_marks() {
        for tag in PLAIN {
            let letters = letters_of(tag).unwrap();
            for (c, plain) in &letters.letters {
                let base: String = c.to_string().nfd().filter(|m| m.is_alphabetic()).collect();
                // Ł and ł have no decomposition: their base is L and l.
                let want = match c {
                    'ł' => "l".to_string(),
                    'Ł' => "L".to_string(),
                    _ => base,
                };
                assert_eq!(plain, &want, "{tag}: `{c}`");
            }
        }
    }

    #[test]
    fn sentences_become_gsm7_without_losing_a_letter() {
        for (tag, full, plain) in [
            (
                "pl",
                "Zażółć gęślą jaźń. ŁĄKA, ŚWIĘTO, ŹRÓDŁO, ŻÓŁW, ĆMA, ŃA",
                "Zazolc gesla jazn. LAKA, SWIETO, ZRODLO, ZOLW, CMA, NA",
            ),
            (
                "ro",
                "Știință și țară: Înainte, până în mâine. Şi ţ (cedilla)",
                "Stiinta si tara: Inainte, pana in maine. Si t (cedilla)",
            ),
            (
                "es",
                "¿Cuándo abrirá la clínica? Sí, mañana, ÁNIMO, ÍNDICE, ÓRGANO, ÚLTIMO",
                "¿Cuando abrira la clinica? Si, mañana, ANIMO, INDICE, ORGANO, ULTIMO",
            ),
            (
                "pt",
                "Não há médicos à noite; a situação é séria. Ç, ç, ã, õ, ê, ô, â, ú, í, ó, á",
                "Nao ha médicos à noite; a situacao é séria. Ç, c, a, o, e, o, a, u, i, o, a",
            ),
            (
                "it",
                "È già così: più visite, però CITTÀ, PERCHÉ",
                "E già così: più visite, però CITTA, PERCHÉ",
            ),
        ] {
            let letters = letters_of(tag).unwrap();
            let out = sms_text(full, Some(&letters));
            assert_eq!(out, plain, "{tag}");
            assert_eq!(count(&out).encoding, Encoding::Gsm7, "{tag}: {out}");
            assert_eq!(
                out.chars().filter(|c| c.is_alphabetic()).count(),
                full.chars().filter(|c| c.is_alphabetic()).count(),
                "{tag}: a letter was lost"
            );
        }
    }

    #[test]
    fn typographic_punctuation_is_plain_in_every_locale() {
        let text = "“Don’t wait” – the GP\u{a0}said… ‘soon’";
        let out = sms_text(text, None);
        assert_eq!(out, "\"Don't wait\" - the GP said... 'soon'");
        assert_eq!(count(&out).encoding, Encoding::Gsm7);
    }

    #[test]
    fn a_text_that_stays_ucs2_is_sent_as_written() {
        let pl = letters_of("pl").unwrap();
        for text in ["Dziękuję 👍", "مرحبا — ok", "ধন্যবাদ", "zażółć ✅"]
        {
            assert_eq!(sms_text(text, Some(&pl)), text);
        }
        // Without a plain table, Polish letters stay.
        assert_eq!(sms_text("Dziękuję", None), "Dziękuję");
        assert!(matches!(
            sms_text("plain text", Some(&pl)),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_bad_table_is_refused() {
        let file: SmsFile =
            toml::from_str("plain = true\n[letters]\n\"ab\" = \"x\"\n\"ą\" = \"ą\"\n\"a\" = \"a\"")
                .unwrap();
        let problems = PlainLetters::from_file(&file).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
    }
}
