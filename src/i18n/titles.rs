//! Issue titles per language (issue 19): a reader sees the title written in
//! their language, or else the default language's, marked as a fallback.

use super::{ArgValue, Args, Locales};
use crate::domain::LanguageTag;

/// The title `lang` readers see: their language's from `titles`
/// (language, title), else `default`, marked (`title-fallback`) unless they
/// read the default language.
pub fn pick<'a>(
    locales: &Locales,
    lang: &LanguageTag,
    default: &str,
    titles: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    if lang == locales.default_language() {
        return default.to_string();
    }
    if let Some((_, t)) = titles.into_iter().find(|(l, _)| *l == lang.as_str()) {
        return t.to_string();
    }
    let mut args = Args::new();
    args.insert("title".into(), ArgValue::from(default.to_string()));
    locales.format(lang, "title-fallback", &args)
}

/// `pick` over stored (language, title) rows, as a round's titles are.
pub fn pick_stored(
    locales: &Locales,
    lang: &LanguageTag,
    default: &str,
    titles: &[(String, String)],
) -> String {
    pick(
        locales,
        lang,
        default,
        titles.iter().map(|(l, t)| (l.as_str(), t.as_str())),
    )
}

/// `pick` over the (issue, language, title) rows of many issues.
pub fn pick_for<T: PartialEq>(
    locales: &Locales,
    lang: &LanguageTag,
    issue: &T,
    default: &str,
    titles: &[(T, String, String)],
) -> String {
    pick(
        locales,
        lang,
        default,
        titles
            .iter()
            .filter(|(i, _, _)| i == issue)
            .map(|(_, l, t)| (l.as_str(), t.as_str())),
    )
}
