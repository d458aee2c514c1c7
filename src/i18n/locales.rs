//! Fluent bundles, one per locale folder.

use super::keywords::{KeywordFile, KeywordTable};
use super::plain::{PlainLetters, SmsFile, sms_text};
use super::safeguarding::{SafeguardingFile, SafeguardingTable};
use crate::assets::Files;
use crate::domain::LanguageTag;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A value passed into a message.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum ArgValue {
    Number(i64),
    Text(String),
}

impl From<&str> for ArgValue {
    fn from(s: &str) -> Self {
        ArgValue::Text(s.to_string())
    }
}
impl From<String> for ArgValue {
    fn from(s: String) -> Self {
        ArgValue::Text(s)
    }
}
impl From<i64> for ArgValue {
    fn from(n: i64) -> Self {
        ArgValue::Number(n)
    }
}

pub type Args = BTreeMap<String, ArgValue>;

/// A problem found while loading the locales; `file` names where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleError {
    pub file: PathBuf,
    pub message: String,
}

impl std::fmt::Display for LocaleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

struct Locale {
    bundle: FluentBundle<FluentResource>,
    /// Message id → its attribute names.
    messages: BTreeMap<String, BTreeSet<String>>,
    /// Message id → variables it uses (value and attributes together).
    variables: BTreeMap<String, BTreeSet<String>>,
    /// `.ftl` file name → the message ids it defines.
    files: BTreeMap<String, BTreeSet<String>>,
    folder: PathBuf,
    /// The folder has the README.md a translator starts from.
    has_readme: bool,
    /// Plain spellings for SMS, when the locale's SMS are plain.
    plain: Option<PlainLetters>,
}

/// Every locale Gather speaks. The default locale is complete by
/// construction (checked at load); any other falls back to it message by
/// message.
pub struct Locales {
    default: LanguageTag,
    locales: BTreeMap<LanguageTag, Locale>,
    keywords: KeywordTable,
    safeguarding: SafeguardingTable,
}

impl std::fmt::Debug for Locales {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locales")
            .field("default", &self.default)
            .field("languages", &self.locales.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Locales {
    /// Loads `dir/<tag>/*.ftl` and `dir/<tag>/keywords.toml` for every folder.
    /// Returns every problem found, not just the first.
    pub fn load(dir: &Path, default: &LanguageTag) -> Result<Locales, Vec<LocaleError>> {
        Self::load_from(Files::Disk, dir, default)
    }

    /// [`Locales::load`] from a disk folder or the built-in copy.
    pub fn load_from(
        files: Files,
        dir: &Path,
        default: &LanguageTag,
    ) -> Result<Locales, Vec<LocaleError>> {
        let mut errors = Vec::new();
        let mut locales = BTreeMap::new();
        let mut keywords = KeywordTable::new(default.clone());
        let mut safeguarding = SafeguardingTable::default();
        let entries = match files.entries(dir) {
            Ok(e) => e,
            Err(e) => {
                return Err(vec![LocaleError {
                    file: dir.to_path_buf(),
                    message: format!("cannot read the locales folder: {e}"),
                }]);
            }
        };
        let mut folders: Vec<PathBuf> = entries
            .into_iter()
            .filter(|e| e.is_dir)
            .map(|e| e.path)
            .collect();
        folders.sort();
        for folder in folders {
            let name = folder
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let tag = match LanguageTag::parse(&name) {
                Ok(t) if t.as_str() == name => t,
                _ => {
                    errors.push(LocaleError {
                        file: folder.clone(),
                        message: format!("folder name `{name}` is not a canonical language tag"),
                    });
                    continue;
                }
            };
            match load_locale(files, &folder, &tag) {
                Ok((locale, kw, phrases)) => {
                    for problem in safeguarding.add(&tag, &phrases) {
                        errors.push(LocaleError {
                            file: folder.join("safeguarding.toml"),
                            message: problem,
                        });
                    }
                    for clash in keywords.add(&tag, &kw) {
                        errors.push(LocaleError {
                            file: folder.join("keywords.toml"),
                            message: format!(
                                "keyword `{}` is used for both {} and {}",
                                clash.word, clash.first, clash.second
                            ),
                        });
                    }
                    locales.insert(tag, locale);
                }
                Err(mut e) => errors.append(&mut e),
            }
        }
        if !locales.contains_key(default) {
            errors.push(LocaleError {
                file: dir.join(default.as_str()),
                message: format!("the default locale `{default}` is missing"),
            });
        }
        if errors.is_empty() {
            Ok(Locales {
                default: default.clone(),
                locales,
                keywords,
                safeguarding,
            })
        } else {
            Err(errors)
        }
    }

    pub fn default_language(&self) -> &LanguageTag {
        &self.default
    }

    pub fn languages(&self) -> impl Iterator<Item = &LanguageTag> {
        self.locales.keys()
    }

    pub fn has_language(&self, tag: &LanguageTag) -> bool {
        self.locales.contains_key(tag)
    }

    pub fn keywords(&self) -> &KeywordTable {
        &self.keywords
    }

    /// The safeguarding phrases of every locale.
    pub fn safeguarding(&self) -> &SafeguardingTable {
        &self.safeguarding
    }

    /// A locale's `.ftl` files by name, each with the message ids it defines.
    pub fn ftl_files(&self, tag: &LanguageTag) -> BTreeMap<String, BTreeSet<String>> {
        self.locales
            .get(tag)
            .map(|l| l.files.clone())
            .unwrap_or_default()
    }

    /// `text` as an SMS to a person of `tag`: in GSM-7 where the locale's
    /// plain spellings and typographic replacements make it so.
    pub fn sms_text<'a>(&self, tag: &LanguageTag, text: &'a str) -> Cow<'a, str> {
        sms_text(text, self.locales.get(tag).and_then(|l| l.plain.as_ref()))
    }

    /// Whether the locale's folder has its README.md.
    pub fn has_readme(&self, tag: &LanguageTag) -> bool {
        self.locales.get(tag).is_some_and(|l| l.has_readme)
    }

    pub fn folder(&self, tag: &LanguageTag) -> Option<&Path> {
        self.locales.get(tag).map(|l| l.folder.as_path())
    }

    /// Message ids defined in a locale.
    pub fn message_ids(&self, tag: &LanguageTag) -> BTreeSet<String> {
        self.locales
            .get(tag)
            .map(|l| l.messages.keys().cloned().collect())
            .unwrap_or_default()
    }

    pub fn has_message(&self, tag: &LanguageTag, id: &str) -> bool {
        self.locales
            .get(tag)
            .is_some_and(|l| l.messages.contains_key(id))
    }

    pub fn attributes(&self, tag: &LanguageTag, id: &str) -> BTreeSet<String> {
        self.locales
            .get(tag)
            .and_then(|l| l.messages.get(id).cloned())
            .unwrap_or_default()
    }

    pub fn variables(&self, tag: &LanguageTag, id: &str) -> BTreeSet<String> {
        self.locales
            .get(tag)
            .and_then(|l| l.variables.get(id).cloned())
            .unwrap_or_default()
    }

    /// Finds a language by its tag (`pl`), primary subtag or own name
    /// (`Polski`, `polski`), however typed.
    pub fn resolve_language(&self, text: &str) -> Option<LanguageTag> {
        let form = super::normalize::keyword_form(text);
        if form.is_empty() {
            return None;
        }
        self.locales.keys().find_map(|tag| {
            let name = self.format(tag, "language-name", &Args::new());
            let matches = super::normalize::keyword_form(tag.as_str()) == form
                || super::normalize::keyword_form(tag.primary()) == form
                || super::normalize::keyword_form(&name) == form;
            matches.then(|| tag.clone())
        })
    }

    /// The written text of a message in a language, falling back to the
    /// default locale.
    pub fn format(&self, tag: &LanguageTag, id: &str, args: &Args) -> String {
        self.format_attr(tag, id, None, args)
    }

    /// The spoken text: the `.voice` attribute where the locale has one.
    pub fn format_voice(&self, tag: &LanguageTag, id: &str, args: &Args) -> String {
        self.format_attr(tag, id, Some("voice"), args)
    }

    fn format_attr(&self, tag: &LanguageTag, id: &str, attr: Option<&str>, args: &Args) -> String {
        let fargs = to_fluent(args);
        for candidate in [tag, &self.default] {
            let Some(locale) = self.locales.get(candidate) else {
                continue;
            };
            let Some(msg) = locale.bundle.get_message(id) else {
                continue;
            };
            let pattern = attr
                .and_then(|a| msg.get_attribute(a).map(|at| at.value()))
                .or_else(|| msg.value());
            if let Some(pattern) = pattern {
                let mut errors = Vec::new();
                let text = locale
                    .bundle
                    .format_pattern(pattern, Some(&fargs), &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(message = id, language = %candidate, ?errors, "message formatted with errors");
                }
                return text.into_owned();
            }
        }
        // Unreachable for validated flows: every id is checked at load.
        tracing::error!(message = id, "message id missing from every locale");
        format!("[{id}]")
    }
}

fn to_fluent(args: &Args) -> FluentArgs<'_> {
    let mut f = FluentArgs::new();
    for (k, v) in args {
        match v {
            ArgValue::Number(n) => f.set(k.as_str(), FluentValue::from(*n)),
            ArgValue::Text(s) => f.set(k.as_str(), FluentValue::from(s.as_str())),
        }
    }
    f
}

fn load_locale(
    source: Files,
    folder: &Path,
    tag: &LanguageTag,
) -> Result<(Locale, KeywordFile, SafeguardingFile), Vec<LocaleError>> {
    let mut errors = Vec::new();
    let langid: unic_langid::LanguageIdentifier = match tag.as_str().parse() {
        Ok(l) => l,
        Err(_) => {
            return Err(vec![LocaleError {
                file: folder.to_path_buf(),
                message: "bad language tag".into(),
            }]);
        }
    };
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Bidi isolation marks would turn every SMS into UCS-2 and cost double.
    bundle.set_use_isolating(false);
    let mut messages = BTreeMap::new();
    let mut variables = BTreeMap::new();
    let mut ids_by_file: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files: Vec<PathBuf> = source
        .entries(folder)
        .map(|entries| {
            entries
                .into_iter()
                .filter(|e| !e.is_dir)
                .map(|e| e.path)
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut any_ftl = false;
    for file in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
    {
        any_ftl = true;
        let text = match source.read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                errors.push(LocaleError {
                    file: file.clone(),
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        let resource = match FluentResource::try_new(text) {
            Ok(r) => r,
            Err((_, errs)) => {
                for e in errs {
                    errors.push(LocaleError {
                        file: file.clone(),
                        message: format!("Fluent syntax error: {e}"),
                    });
                }
                continue;
            }
        };
        let file_name = file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let in_file = ids_by_file.entry(file_name).or_default();
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                in_file.insert(m.id.name.to_string());
                let attrs: BTreeSet<String> =
                    m.attributes.iter().map(|a| a.id.name.to_string()).collect();
                let mut vars = BTreeSet::new();
                if let Some(v) = &m.value {
                    collect_vars(v, &mut vars);
                }
                for a in &m.attributes {
                    collect_vars(&a.value, &mut vars);
                }
                messages.insert(m.id.name.to_string(), attrs);
                variables.insert(m.id.name.to_string(), vars);
            }
        }
        if let Err(errs) = bundle.add_resource(resource) {
            for e in errs {
                errors.push(LocaleError {
                    file: file.clone(),
                    message: format!("{e:?}"),
                });
            }
        }
    }
    if !any_ftl {
        errors.push(LocaleError {
            file: folder.to_path_buf(),
            message: "no .ftl files".into(),
        });
    }
    let kw_path = folder.join("keywords.toml");
    let keywords = match source.read_to_string(&kw_path) {
        Ok(s) => match toml::from_str::<KeywordFile>(&s) {
            Ok(k) => k,
            Err(e) => {
                errors.push(LocaleError {
                    file: kw_path,
                    message: format!("invalid keywords file: {e}"),
                });
                KeywordFile::default()
            }
        },
        Err(_) => KeywordFile::default(),
    };
    let phrases_path = folder.join("safeguarding.toml");
    let phrases = match source.read_to_string(&phrases_path) {
        Ok(s) => match toml::from_str::<SafeguardingFile>(&s) {
            Ok(p) => p,
            Err(e) => {
                errors.push(LocaleError {
                    file: phrases_path,
                    message: format!("invalid safeguarding file: {e}"),
                });
                SafeguardingFile::default()
            }
        },
        // `gather flows check` reports a locale without phrases.
        Err(_) => SafeguardingFile::default(),
    };
    let sms_path = folder.join("sms.toml");
    let plain = match source.read_to_string(&sms_path) {
        Ok(s) => match toml::from_str::<SmsFile>(&s) {
            Ok(file) => match PlainLetters::from_file(&file) {
                Ok(p) => p,
                Err(problems) => {
                    for message in problems {
                        errors.push(LocaleError {
                            file: sms_path.clone(),
                            message,
                        });
                    }
                    None
                }
            },
            Err(e) => {
                errors.push(LocaleError {
                    file: sms_path,
                    message: format!("invalid SMS file: {e}"),
                });
                None
            }
        },
        // No file: the full text.
        Err(_) => None,
    };
    if errors.is_empty() {
        Ok((
            Locale {
                bundle,
                messages,
                variables,
                files: ids_by_file,
                folder: folder.to_path_buf(),
                has_readme: source.is_file(&folder.join("README.md")),
                plain,
            },
            keywords,
            phrases,
        ))
    } else {
        Err(errors)
    }
}

fn collect_vars(pattern: &fluent_syntax::ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
    fn inline(e: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
        match e {
            InlineExpression::VariableReference { id } => {
                out.insert(id.name.to_string());
            }
            InlineExpression::Placeable { expression } => expr(expression, out),
            InlineExpression::FunctionReference { arguments, .. } => {
                for p in &arguments.positional {
                    inline(p, out);
                }
            }
            _ => {}
        }
    }
    fn expr(e: &Expression<&str>, out: &mut BTreeSet<String>) {
        match e {
            Expression::Inline(i) => inline(i, out),
            Expression::Select { selector, variants } => {
                inline(selector, out);
                for v in variants {
                    collect_vars(&v.value, out);
                }
            }
        }
    }
    for el in &pattern.elements {
        if let PatternElement::Placeable { expression } = el {
            expr(expression, out);
        }
    }
}
