//! `scopelint.toml` / `.scopelint.toml`: rule selection, per-file ignores, severities, the
//! service endpoints, and JSONPath ignores (JSON has no comments to carry a `noqa`). The
//! nearest file above a linted file wins; `--config` names one for all, `--isolated` ignores
//! them. Mistakes are errors labelled in the TOML file.
//!
//! ```toml
//! select = ["SS"]                  # codes, prefixes or names; all rules by default
//! extend-select = []
//! ignore = ["SS004"]               # or [[ignore]] tables with `rule` and a JSONPath `path`
//! app-url = "https://app.scopestack.io"
//! api-url = "https://api.scopestack.io"
//!
//! [per-file-ignores]
//! "legacy/*.postman_collection.json" = ["SS004"]
//!
//! [severity]
//! SS004 = "warning"
//!
//! [rules.SS001]
//! cure = "authorization-code"        # SS001's fix: the grant switched, not a token request
//!
//! [[ignore]]
//! rule = "SS005"
//! path = "$.item[?(@.name == 'Health check')].request"
//! ```

use crate::text::Text;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{pointer_token, Document, Span};
use crate::rule_options::{PasswordCure, RuleOptions};
use crate::rules::RULES;
use crate::scopestack::{Endpoint, Endpoints, DEFAULT_API_URL, DEFAULT_APP_URL};
use crate::source::SourceFile;

pub const FILE_NAMES: &[&str] = &["scopelint.toml", ".scopelint.toml"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    select: Option<Vec<Spanned<String>>>,
    extend_select: Option<Vec<Spanned<String>>>,
    /// Codes, or `{rule, path}` tables (an untagged enum would lose the spans).
    ignore: Option<Vec<Spanned<toml::Value>>>,
    per_file_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    app_url: Option<Spanned<String>>,
    api_url: Option<Spanned<String>>,
    /// `[rules.SS001]` tables: options of single rules.
    rules: Option<BTreeMap<Spanned<String>, Spanned<toml::Table>>>,
}

/// Rules named by code (`SS004`), prefix (`SS`, `SS00`), name (`missing-accept-header`) or
/// `ALL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector(String);

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, String> {
        let s = Selector(text.trim().to_owned());
        if RULES.iter().any(|r| s.matches(r)) {
            Ok(s)
        } else {
            let codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
            Err(format!(
                "`{text}` names no rule (known: {}; prefixes such as `SS` and names work too)",
                codes.join(", ")
            ))
        }
    }

    pub fn matches(&self, rule: &Rule) -> bool {
        let s = self.0.as_str();
        s.eq_ignore_ascii_case("ALL")
            || rule.name == s
            || (!s.is_empty()
                && rule
                    .code
                    .get(..s.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(s)))
    }
}

/// Silences `rule` for the nodes `path` (JSONPath) matches, and everything inside them.
#[derive(Clone, Debug)]
pub struct PathIgnore {
    pub rule: Selector,
    pub path: String,
}

/// A validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where `per-file-ignores` globs are rooted.
    dir: PathBuf,
    select: Option<Vec<Selector>>,
    extend_select: Vec<Selector>,
    ignore: Vec<Selector>,
    per_file_ignores: Vec<(GlobMatcher, Vec<Selector>)>,
    severity: HashMap<&'static str, Severity>,
    pub endpoints: Endpoints,
    pub path_ignores: Vec<PathIgnore>,
    pub rule_options: RuleOptions,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            dir: PathBuf::from("."),
            select: None,
            extend_select: Vec::new(),
            ignore: Vec::new(),
            per_file_ignores: Vec::new(),
            severity: HashMap::new(),
            endpoints: Endpoints::default(),
            path_ignores: Vec::new(),
            rule_options: RuleOptions::default(),
        }
    }
}

/// A configuration file that is wrong, with the place to point at.
#[derive(Debug)]
pub struct ConfigError {
    pub source: Arc<SourceFile>,
    pub message: String,
    pub span: Option<Span>,
}

/// Selection given on the command line; it wins over the files (`--select` replaces
/// `select`; `--extend-select` and `--ignore` add to theirs).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub select: Option<Vec<Selector>>,
    pub extend_select: Vec<Selector>,
    pub ignore: Vec<Selector>,
}

impl Config {
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let source = Arc::new(SourceFile::new(
            path.display().to_string(),
            Text::from(text),
            0,
        ));
        let fail = |message: String, span: Option<std::ops::Range<usize>>| ConfigError {
            source: source.clone(),
            message,
            span: span.map(|r| Span::new(r.start, r.end)),
        };
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| fail(e.message().trim().to_owned(), e.span()))?;
        let selectors = |list: Option<Vec<Spanned<String>>>| -> Result<Vec<Selector>, ConfigError> {
            list.unwrap_or_default()
                .into_iter()
                .map(|s| Selector::parse(s.get_ref()).map_err(|m| fail(m, Some(s.span()))))
                .collect()
        };
        let mut config = Config {
            dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            select: raw.select.map(|s| selectors(Some(s))).transpose()?,
            extend_select: selectors(raw.extend_select)?,
            ..Config::default()
        };
        for entry in raw.ignore.unwrap_or_default() {
            let span = entry.span();
            // The span of `key = value` inside this entry, for a precise label.
            // `[[ignore]]` tables are spanned by their header: look up to the next header.
            let end = text[span.end..]
                .find("\n[")
                .map_or(text.len(), |i| span.end + i)
                .max(span.end);
            let value_span = |key: &str, value: &str| {
                let within = &text[span.start..end];
                let quoted = [format!("\"{value}\""), format!("'{value}'")];
                within
                    .find(key)
                    .and_then(|k| {
                        quoted
                            .iter()
                            .find_map(|q| within[k..].find(q.as_str()).map(|i| (k + i, q.len())))
                    })
                    .map(|(i, len)| span.start + i..span.start + i + len)
                    .unwrap_or_else(|| span.clone())
            };
            match entry.into_inner() {
                toml::Value::String(code) => {
                    let selector = Selector::parse(&code).map_err(|m| fail(m, Some(span)))?;
                    config.ignore.push(selector);
                }
                toml::Value::Table(mut table) => {
                    let (rule, path) = match (table.remove("rule"), table.remove("path")) {
                        (Some(toml::Value::String(r)), Some(toml::Value::String(p))) => (r, p),
                        _ => {
                            return Err(fail(
                                "an `[[ignore]]` entry needs `rule` and `path` strings".into(),
                                Some(span),
                            ))
                        }
                    };
                    if let Some(extra) = table.keys().next() {
                        return Err(fail(
                            format!(
                                "unknown key `{extra}` in `[[ignore]]` (expected `rule`, `path`)"
                            ),
                            Some(value_span(extra, "")),
                        ));
                    }
                    let rule_selector = Selector::parse(&rule)
                        .map_err(|m| fail(m, Some(value_span("rule", &rule))))?;
                    jsonpath_rust::parser::parse_json_path(&path).map_err(|e| {
                        // The parser's message spans several lines; keep its verdict.
                        let text = e.to_string();
                        let verdict: Vec<&str> = text
                            .lines()
                            .filter_map(|l| l.trim_start().strip_prefix('='))
                            .map(str::trim)
                            .collect();
                        let why = if verdict.is_empty() {
                            text.trim().to_owned()
                        } else {
                            verdict.join("; ")
                        };
                        fail(
                            format!("invalid JSONPath: {why}"),
                            Some(value_span("path", &path)),
                        )
                    })?;
                    config.path_ignores.push(PathIgnore {
                        rule: rule_selector,
                        path,
                    });
                }
                _ => {
                    return Err(fail(
                        "each `ignore` entry is a rule code, or a table with `rule` and `path`"
                            .into(),
                        Some(span),
                    ))
                }
            }
        }
        for (glob, codes) in raw.per_file_ignores.unwrap_or_default() {
            let matcher = GlobBuilder::new(glob.get_ref())
                .literal_separator(true)
                .build()
                .map_err(|e| fail(format!("invalid glob: {e}"), Some(glob.span())))?
                .compile_matcher();
            config
                .per_file_ignores
                .push((matcher, selectors(Some(codes))?));
        }
        for (code, level) in raw.severity.unwrap_or_default() {
            let selector =
                Selector::parse(code.get_ref()).map_err(|m| fail(m, Some(code.span())))?;
            let severity = match level.get_ref().as_str() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                other => {
                    return Err(fail(
                        format!("severity `{other}` is not `error` or `warning`"),
                        Some(level.span()),
                    ))
                }
            };
            for rule in RULES.iter().filter(|r| selector.matches(r)) {
                config.severity.insert(rule.code, severity);
            }
        }
        let endpoint = |value: Option<Spanned<String>>, default: &str| match value {
            None => Ok(Endpoint::parse(default).expect("valid default")),
            Some(v) => Endpoint::parse(v.get_ref()).map_err(|m| fail(m, Some(v.span()))),
        };
        for (rule, table) in raw.rules.unwrap_or_default() {
            let known = RULES.iter().find(|r| r.code == rule.get_ref().as_str());
            let Some(known) = known else {
                let why = match Selector::parse(rule.get_ref()) {
                    Ok(_) => format!(
                        "`[rules.{}]` must name one rule by its code",
                        rule.get_ref()
                    ),
                    Err(m) => m,
                };
                return Err(fail(why, Some(rule.span())));
            };
            // Each option's value span: the text after `key =` within the table.
            let span_of = |key: &str| {
                // A table is spanned by its header: look up to the next one.
                let from = table.span().start;
                let end = text[table.span().end..]
                    .find("\n[")
                    .map_or(text.len(), |i| table.span().end + i);
                let within = &text[from..end];
                within
                    .find(&format!("\n{key}"))
                    .map(|i| {
                        let i = i + 1;
                        let start = from + i;
                        let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
                        start..end
                    })
                    .unwrap_or_else(|| table.span())
            };
            for (key, value) in table.get_ref() {
                match (known.code, key.as_str()) {
                    ("SS001", "cure") => {
                        config.rule_options.ss001_cure = match value.as_str() {
                            Some("direct-request") => PasswordCure::DirectRequest,
                            Some("authorization-code") => PasswordCure::AuthorizationCode,
                            _ => {
                                return Err(fail(
                                    "`cure` is `\"direct-request\"` (the default) or \
                                     `\"authorization-code\"`"
                                        .into(),
                                    Some(span_of(key)),
                                ))
                            }
                        }
                    }
                    ("SS001", _) => {
                        return Err(fail(
                            format!("unknown option `{key}` of SS001 (expected `cure`)"),
                            Some(span_of(key)),
                        ))
                    }
                    (code, _) => {
                        return Err(fail(
                            format!("{code} has no options (only SS001 has: `cure`)"),
                            Some(span_of(key)),
                        ))
                    }
                }
            }
        }
        if raw.app_url.is_some() || raw.api_url.is_some() {
            config.endpoints = Endpoints::configured(
                endpoint(raw.app_url, DEFAULT_APP_URL)?,
                endpoint(raw.api_url, DEFAULT_API_URL)?,
            );
        }
        Ok(config)
    }

    /// Whether `rule` runs on the file at `path`.
    pub fn enabled(&self, rule: &Rule, overrides: &Overrides, path: Option<&Path>) -> bool {
        let select = overrides.select.as_ref().or(self.select.as_ref());
        let mut on = select.is_none_or(|s| s.iter().any(|sel| sel.matches(rule)));
        if self
            .extend_select
            .iter()
            .chain(&overrides.extend_select)
            .any(|s| s.matches(rule))
        {
            on = true;
        }
        if self
            .ignore
            .iter()
            .chain(&overrides.ignore)
            .any(|s| s.matches(rule))
        {
            on = false;
        }
        if let Some(path) = path {
            let relative = path.strip_prefix(&self.dir).unwrap_or(path);
            let name = path.file_name().map(Path::new);
            for (glob, selectors) in &self.per_file_ignores {
                let hit = glob.is_match(relative) || name.is_some_and(|n| glob.is_match(n));
                if hit && selectors.iter().any(|s| s.matches(rule)) {
                    on = false;
                }
            }
        }
        on
    }

    pub fn severity(&self, rule: &Rule) -> Severity {
        self.severity
            .get(rule.code)
            .copied()
            .unwrap_or(rule.severity)
    }

    /// Drops the diagnostics that a `[[ignore]]` JSONPath silences.
    pub fn apply_path_ignores(&self, doc: &Document, diagnostics: &mut Vec<Diagnostic>) {
        self.apply_path_ignores_at(doc, doc.root(), diagnostics);
    }

    /// [`Config::apply_path_ignores`] for the file of a document read from several (a v12
    /// tree) whose root is `root`: JSONPath over that file's YAML.
    pub fn apply_path_ignores_at(
        &self,
        doc: &Document,
        root: crate::document::NodeId,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        if self.path_ignores.is_empty() || diagnostics.is_empty() {
            return;
        }
        use jsonpath_rust::JsonPath;
        let value = doc.to_value(root);
        let silenced: Vec<(&Selector, String)> = self
            .path_ignores
            .iter()
            .flat_map(|ignore| {
                let paths = value.query_only_path(&ignore.path).unwrap_or_default();
                paths
                    .into_iter()
                    .filter_map(|p| normalized_path_to_pointer(&p))
                    .map(move |pointer| (&ignore.rule, pointer))
            })
            .collect();
        diagnostics.retain(|d| {
            !silenced.iter().any(|(rule, pointer)| {
                rule.matches(d.rule)
                    && (d.pointer.as_str() == pointer
                        || d.pointer.as_str().starts_with(&format!("{pointer}/")))
            })
        });
    }
}

/// `$['item'][0]['request']` → `/item/0/request`.
fn normalized_path_to_pointer(path: &str) -> Option<String> {
    let mut rest = path.strip_prefix('$')?;
    let mut pointer = String::new();
    while let Some(inner) = rest.strip_prefix('[') {
        if let Some(quoted) = inner.strip_prefix('\'') {
            // Keys are quoted with `'`; `\'` and `\\` are escapes.
            let mut key = String::new();
            let mut chars = quoted.char_indices();
            let end = loop {
                let (i, c) = chars.next()?;
                match c {
                    '\\' => key.push(chars.next()?.1),
                    '\'' => break i,
                    c => key.push(c),
                }
            };
            pointer.push('/');
            pointer.push_str(&pointer_token(&key));
            rest = quoted[end + 1..].strip_prefix(']')?;
        } else {
            let close = inner.find(']')?;
            pointer.push('/');
            pointer.push_str(&inner[..close]);
            rest = &inner[close + 1..];
        }
    }
    rest.is_empty().then_some(pointer)
}

/// Finds each file's configuration, reading every `scopelint.toml` once.
pub struct ConfigStore {
    fixed: Option<Arc<Config>>,
    isolated: bool,
    default: Arc<Config>,
    by_dir: Mutex<HashMap<PathBuf, Option<Arc<Config>>>>,
    /// Configuration files that failed, reported once each.
    failed: Mutex<HashMap<PathBuf, bool>>,
}

pub enum Lookup {
    Found(Arc<Config>),
    /// The governing configuration file is wrong: report it (the first time), skip the file.
    Broken(Option<ConfigError>),
}

impl ConfigStore {
    /// `--config FILE` (read now; an error is returned to report) or `--isolated`.
    pub fn new(config: Option<&Path>, isolated: bool) -> Result<ConfigStore, ConfigError> {
        let fixed = match config {
            Some(path) => Some(Arc::new(read(path)?)),
            None => None,
        };
        Ok(ConfigStore {
            fixed,
            isolated,
            default: Arc::new(Config::default()),
            by_dir: Mutex::new(HashMap::new()),
            failed: Mutex::new(HashMap::new()),
        })
    }

    /// The configuration for a file at `path` (or for stdin, from the current directory).
    pub fn for_path(&self, path: Option<&Path>) -> Lookup {
        if let Some(c) = &self.fixed {
            return Lookup::Found(c.clone());
        }
        if self.isolated {
            return Lookup::Found(self.default.clone());
        }
        let start = match path.and_then(Path::parent) {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let start = std::fs::canonicalize(&start).unwrap_or(start);
        for dir in start.ancestors() {
            let cached = self.by_dir.lock().ok().and_then(|m| m.get(dir).cloned());
            let found = match cached {
                Some(found) => found,
                None => {
                    let found = FILE_NAMES
                        .iter()
                        .map(|n| dir.join(n))
                        .find(|p| p.is_file())
                        .map(|file| match read(&file) {
                            Ok(c) => Ok(Arc::new(c)),
                            Err(e) => Err((file, e)),
                        });
                    match found {
                        None => None,
                        Some(Ok(c)) => Some(c),
                        Some(Err((file, e))) => {
                            let first = self
                                .failed
                                .lock()
                                .map(|mut f| f.insert(file, true).is_none())
                                .unwrap_or(true);
                            return Lookup::Broken(first.then_some(e));
                        }
                    }
                }
            };
            if let Ok(mut m) = self.by_dir.lock() {
                m.insert(dir.to_path_buf(), found.clone());
            }
            if let Some(c) = found {
                return Lookup::Found(c);
            }
        }
        Lookup::Found(self.default.clone())
    }
}

fn read(path: &Path) -> Result<Config, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Config::parse(path, &text).map_err(|mut e| {
            // Name the file as the user would, relative to the current directory.
            let shown = std::env::current_dir()
                .ok()
                .and_then(|cwd| std::fs::canonicalize(cwd).ok())
                .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
                .unwrap_or_else(|| path.to_path_buf());
            e.source = Arc::new(SourceFile::new(
                shown.display().to_string(),
                Text::from(text.as_str()),
                0,
            ));
            e
        }),
        Err(e) => Err(ConfigError {
            source: Arc::new(SourceFile::new(
                path.display().to_string(),
                Text::from(""),
                0,
            )),
            message: crate::console::io_message(&e),
            span: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/p/scopelint.toml"), text)
    }

    fn rule(code: &str) -> &'static crate::rules::RuleInfo {
        RULES.iter().find(|r| r.code == code).unwrap()
    }

    #[test]
    fn selects_ignores_and_prefixes() {
        let c =
            parse("select = [\"SS00\"]\nignore = [\"SS004\", \"missing-account-slug\"]").unwrap();
        let none = Overrides::default();
        assert!(c.enabled(rule("SS001"), &none, None));
        assert!(!c.enabled(rule("SS004"), &none, None));
        assert!(!c.enabled(rule("SS005"), &none, None));
        let cli = Overrides {
            select: Some(vec![Selector::parse("SS002").unwrap()]),
            ..Overrides::default()
        };
        assert!(!c.enabled(rule("SS001"), &cli, None));
        assert!(c.enabled(rule("SS002"), &cli, None));
        let c = parse("select = [\"SS001\"]\nextend-select = [\"SS003\"]").unwrap();
        assert!(c.enabled(rule("SS003"), &none, None) && !c.enabled(rule("SS002"), &none, None));
    }

    #[test]
    fn per_file_ignores_match_relative_paths_and_names() {
        let c = parse(
            "[per-file-ignores]\n\"legacy/*.json\" = [\"SS004\"]\n\"old.json\" = [\"SS005\"]",
        )
        .unwrap();
        let none = Overrides::default();
        assert!(!c.enabled(rule("SS004"), &none, Some(Path::new("/p/legacy/a.json"))));
        assert!(c.enabled(
            rule("SS004"),
            &none,
            Some(Path::new("/p/legacy/deeper/a.json"))
        ));
        assert!(!c.enabled(rule("SS005"), &none, Some(Path::new("/p/x/old.json"))));
    }

    #[test]
    fn severities_and_endpoints() {
        let c = parse("app-url = \"http://127.0.0.1:4010\"\napi-url = \"http://127.0.0.1:4010/\"\n[severity]\nSS004 = \"warning\"").unwrap();
        assert_eq!(c.severity(rule("SS004")), Severity::Warning);
        assert_eq!(c.severity(rule("SS001")), Severity::Error);
        assert_eq!(c.endpoints.token_url(), "http://127.0.0.1:4010/oauth/token");
    }

    #[test]
    fn mistakes_are_labelled_in_the_file() {
        let cases: &[(&str, &str, &str)] = &[
            ("selct = []", "unknown field", "selct"),
            ("select = [\"SS999\"]", "names no rule", "\"SS999\""),
            (
                "[[ignore]]\nrule = \"SS005\"\npath = \"$[\"",
                "invalid JSONPath",
                "\"$[\"",
            ),
            (
                "[severity]\nSS004 = \"loud\"",
                "not `error` or `warning`",
                "\"loud\"",
            ),
            ("api-url = \"ftp://x\"", "not an http(s) URL", "\"ftp://x\""),
            (
                "[per-file-ignores]\n\"a[\" = [\"SS004\"]",
                "invalid glob",
                "\"a[\"",
            ),
        ];
        for (text, message, at) in cases {
            let err = parse(text).expect_err(text);
            assert!(err.message.contains(message), "{text}: {}", err.message);
            let span = err.span.expect("a span");
            assert_eq!(&text[span.start..span.end], *at, "{text}: {}", err.message);
        }
    }

    #[test]
    fn jsonpath_results_become_pointers() {
        assert_eq!(
            normalized_path_to_pointer("$['item'][0]['request']").as_deref(),
            Some("/item/0/request")
        );
        assert_eq!(
            normalized_path_to_pointer("$['a/b']['it\\'s']").as_deref(),
            Some("/a~1b/it's")
        );
        assert_eq!(normalized_path_to_pointer("$").as_deref(), Some(""));
    }
}
