//! Text normalisation for matching what people type against words Gather
//! knows. Never used to change what is stored: only to compare.

use unicode_normalization::UnicodeNormalization;

/// Characters that carry no meaning but break matching (zero-width spaces,
/// joiners, direction marks and isolates, the Arabic letter mark, the
/// byte-order mark): right-to-left text copied from another app is full
/// of them.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{061C}'
            | '\u{FEFF}'
            | '\u{00AD}'
    )
}

/// Removes invisible characters and trims; keeps everything else as typed.
pub fn clean(text: &str) -> String {
    let no_invisible: String = text.chars().filter(|c| !is_invisible(*c)).collect();
    no_invisible.trim().to_string()
}

/// Latin look-alikes from other scripts, so `STОP` with a Cyrillic О is STOP.
fn fold_homoglyph(c: char) -> char {
    match c {
        'А' | 'а' | 'Α' | 'α' => 'A',
        'В' | 'в' | 'Β' | 'β' => 'B',
        'Е' | 'е' | 'Ε' | 'ε' => 'E',
        'К' | 'к' | 'Κ' | 'κ' => 'K',
        'М' | 'м' | 'Μ' => 'M',
        'Н' | 'н' | 'Η' => 'H',
        'О' | 'о' | 'Ο' | 'ο' => 'O',
        'Р' | 'р' | 'Ρ' | 'ρ' => 'P',
        'С' | 'с' | 'Ϲ' => 'C',
        'Т' | 'т' | 'Τ' | 'τ' => 'T',
        'Х' | 'х' | 'Χ' | 'χ' => 'X',
        'У' | 'у' | 'Υ' => 'Y',
        'І' | 'і' | 'Ι' | 'ι' => 'I',
        'Ѕ' | 'ѕ' => 'S',
        'Ј' | 'ј' => 'J',
        _ => c,
    }
}

/// The form a keyword is compared in: upper case, accents and stray
/// punctuation removed, look-alike letters folded, spaces collapsed.
/// `" Stop!! "` → `"STOP"`, `"Język"` → `"JEZYK"`, `"STОP"` → `"STOP"`.
pub fn keyword_form(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_keyword_form(text, &mut out);
    out
}

/// [`keyword_form`] of `text`, appended to `out`.
///
/// The text is [`clean`]ed and put in NFD, character by character, without
/// a copy of either: trimming whitespace and invisible characters together
/// off both ends is what `clean` does, and runs of ASCII skip NFD, which
/// leaves ASCII as it is. That does not change the result: ASCII characters
/// have no decomposition and combining class 0, so NFD never reorders a
/// mark across one, and the NFD of the text is that of its ASCII and
/// non-ASCII runs one after the other.
pub(crate) fn push_keyword_form(text: &str, out: &mut String) {
    let start = out.len();
    let mut form = Form {
        last_space: true,
        last_base: ' ',
    };
    let mut rest = text.trim_matches(|c: char| c.is_whitespace() || is_invisible(c));
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        for b in rest[..ascii].bytes() {
            form.push_ascii(b, out);
        }
        rest = &rest[ascii..];
        let other = rest
            .bytes()
            .position(|b| b.is_ascii())
            .unwrap_or(rest.len());
        for c in rest[..other].chars().filter(|c| !is_invisible(*c)).nfd() {
            form.push(c, out);
        }
        rest = &rest[other..];
    }
    // Only ever a space at the end: nothing else pushed is whitespace.
    while out.len() > start && out.ends_with(' ') {
        out.pop();
    }
}

/// The state of [`push_keyword_form`] between characters of NFD.
struct Form {
    /// Nothing pushed yet, or a space last: another space is not needed.
    last_space: bool,
    /// The last character that is not a combining mark.
    last_base: char,
}

impl Form {
    /// [`Form::push`] for an ASCII character, quicker.
    fn push_ascii(&mut self, b: u8, out: &mut String) {
        self.last_base = char::from(b);
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b.to_ascii_uppercase()));
            self.last_space = false;
        } else if (b.is_ascii_whitespace() || b == b',' || b == b';' || b == b'\x0B')
            && !self.last_space
        {
            out.push(' ');
            self.last_space = true;
        }
    }

    fn push(&mut self, c: char, out: &mut String) {
        if unicode_normalization::char::is_combining_mark(c) {
            // Accents on Latin letters go (`Język` = `JEZYK`); in Indic and
            // other scripts the marks are vowels and must stay.
            if !is_latin(self.last_base) {
                out.push(c);
            }
            return;
        }
        self.last_base = c;
        let c = match c {
            'ł' | 'Ł' => 'L',
            'ß' => 'S',
            // Arabic-keyboard letters for their Urdu forms, so ہاں typed
            // as هاں still matches.
            'ي' | 'ى' => 'ی',
            'ك' => 'ک',
            'ه' => 'ہ',
            _ => c,
        };
        if c.is_alphanumeric() {
            // Digits stay digits: only letters are folded.
            let folded = if c.is_ascii_digit() {
                c
            } else {
                fold_homoglyph(c)
            };
            for u in folded.to_uppercase() {
                out.push(u);
            }
            self.last_space = false;
        } else if (c.is_whitespace() || c == ',' || c == ';') && !self.last_space {
            out.push(' ');
            self.last_space = true;
        }
        // Other punctuation is dropped.
    }
}

/// Splits "1 3", "1,3", "1 and 3", "1+3" into numbers; `None` if anything
/// other than numbers and separators is present.
pub fn numbers(text: &str) -> Option<Vec<i64>> {
    let cleaned = clean(text);
    let mut out = Vec::new();
    for token in cleaned
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '+' | '&' | '.' | '/'))
        .filter(|t| !t.is_empty())
    {
        let lower = token.to_lowercase();
        if matches!(lower.as_str(), "and" | "i" | "y" | "e" | "si" | "și") {
            continue;
        }
        let digits: String = token.chars().map(ascii_digit).collect::<Option<String>>()?;
        if digits.len() > 6 {
            return None;
        }
        out.push(digits.parse().ok()?);
    }
    if out.is_empty() { None } else { Some(out) }
}

/// Digits from any script (Arabic-Indic, Bengali, Gurmukhi, Gujarati…) as ASCII.
fn ascii_digit(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return Some(c);
    }
    c.to_digit(10)
        .map(|d| (b'0' + d as u8) as char)
        .or_else(|| {
            let zeros = [
                '\u{0660}', '\u{06F0}', '\u{0966}', '\u{09E6}', '\u{0A66}', '\u{0AE6}', '\u{FF10}',
            ];
            zeros.iter().find_map(|&z| {
                let d = (c as u32).checked_sub(z as u32)?;
                (d < 10).then(|| (b'0' + d as u8) as char)
            })
        })
}

fn is_latin(c: char) -> bool {
    c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c) || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

/// The number of words, for "is this a sentence or a short reply".
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_forms() {
        assert_eq!(keyword_form(" Stop!! "), "STOP");
        assert_eq!(keyword_form("stop."), "STOP");
        assert_eq!(keyword_form("STОP"), "STOP"); // Cyrillic O
        assert_eq!(keyword_form("Język"), "JEZYK");
        assert_eq!(keyword_form("GŁOSUJ"), "GLOSUJ");
        assert_eq!(keyword_form("vote\u{200B} 3"), "VOTE 3");
        assert_eq!(keyword_form("\u{2067}VOTE ٢\u{2069}"), "VOTE ٢");
        assert_eq!(
            keyword_form("\u{200F}تصويت 2\u{200F}"),
            keyword_form("تصويت 2")
        );
        assert_eq!(keyword_form("  "), "");
        // Indic vowel signs are letters, not accents.
        assert_eq!(keyword_form("ਹਾਂ"), "ਹਾਂ");
        assert_ne!(keyword_form("ਸ਼ੁਰੂ"), keyword_form("ਸਰ"));
        assert_eq!(keyword_form("هاں"), keyword_form("ہاں"));
    }

    /// `keyword_form` as it was before [`push_keyword_form`] (one copy of
    /// the text cleaned, all of it through NFD). A deliberate change to the
    /// form makes these tests fail: change the copy too.
    fn reference_keyword_form(text: &str) -> String {
        let cleaned = clean(text);
        let mut out = String::with_capacity(cleaned.len());
        let mut last_space = true;
        let mut last_base = ' ';
        for c in cleaned.nfd() {
            if unicode_normalization::char::is_combining_mark(c) {
                if is_latin(last_base) {
                    continue;
                }
                out.push(c);
                continue;
            }
            last_base = c;
            let c = match c {
                'ł' | 'Ł' => 'L',
                'ß' => 'S',
                'ي' | 'ى' => 'ی',
                'ك' => 'ک',
                'ه' => 'ہ',
                _ => c,
            };
            if c.is_alphanumeric() {
                let folded = if c.is_ascii_digit() {
                    c
                } else {
                    fold_homoglyph(c)
                };
                for u in folded.to_uppercase() {
                    out.push(u);
                }
                last_space = false;
            } else if (c.is_whitespace() || c == ',' || c == ';') && !last_space {
                out.push(' ');
                last_space = true;
            }
        }
        out.trim_end().to_string()
    }

    use proptest::prelude::*;

    /// Characters where the ASCII path, trimming and NFD could go wrong:
    /// ASCII around accents and marks, marks that NFD reorders, invisible
    /// and non-ASCII whitespace, letters that decompose or fold.
    fn tricky() -> impl Strategy<Value = String> {
        let chars: Vec<char> = "aZ09 ,;.!'*\t\n\x0B\x0C\r\x1F\x7Féłß\u{0301}\u{0323}\u{0308}\u{0651}\u{064E}\
             \u{0A3C}\u{0A4D}\u{09BC}\u{200B}\u{200F}\u{2067}\u{FEFF}\u{00AD}\u{061C}\u{00A0}\u{3000}\
             \u{2028}\u{0085}\u{1680}ÅΩǅİıﬁǰ가ОоСЅيىكهہਹਾਂ٣\u{1E0B}\u{0344}\u{0F73}\u{1FEE}"
            .chars()
            .collect();
        proptest::collection::vec(proptest::sample::select(chars), 0..24)
            .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn keyword_form_as_before(text in tricky()) {
            prop_assert_eq!(keyword_form(&text), reference_keyword_form(&text));
        }

        #[test]
        fn keyword_form_as_before_for_any_text(text in "\\PC{0,32}") {
            prop_assert_eq!(keyword_form(&text), reference_keyword_form(&text));
        }

        #[test]
        fn keyword_form_as_before_for_ascii(text in "[\\x00-\\x7F]{0,32}") {
            prop_assert_eq!(keyword_form(&text), reference_keyword_form(&text));
        }
    }

    #[test]
    fn number_lists() {
        assert_eq!(numbers("1 3"), Some(vec![1, 3]));
        assert_eq!(numbers("1,3"), Some(vec![1, 3]));
        assert_eq!(numbers("1 and 3"), Some(vec![1, 3]));
        assert_eq!(numbers("٣"), Some(vec![3]));
        assert_eq!(numbers("3 please"), None);
        assert_eq!(numbers(""), None);
        assert_eq!(numbers("99999999999999999999"), None);
    }
}
