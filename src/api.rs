//! The library API, for the tests, benchmarks and fuzz targets: a [`Checker`] that checks or
//! fixes one file in memory as `scopelint check` would (without the file system), renderers
//! for its reports, and the few helpers they assert with. Everything else is the binary's
//! and private to the crate.

use crate::config::{Config, Overrides};
use crate::fixer::fix_text;
use crate::lint::{lint_bytes, lint_text, RuleOptions};
use crate::report::full::FullRenderer;
use crate::report::json::JsonReport;
use crate::report::sarif::SarifReport;
use crate::report::{concise, github, Totals};
use crate::settings::{Settings, VariablesFile};
use crate::text::Text;

pub use crate::cli::Format;
pub use crate::diagnostic::{Diagnostic, ErrorKind, FileError, FileReport as Report, Severity};
pub use crate::fix::{Applicability, Edit, Fix, Target};
pub use crate::lint::Outcome;
pub use crate::source::{FileId, Span};

/// Checks and fixes files in memory with the default configuration.
pub struct Checker {
    config: Config,
    overrides: Overrides,
    settings: Settings,
    explicit: bool,
    snippets: bool,
    unsafe_fixes: bool,
}

impl Default for Checker {
    fn default() -> Self {
        Checker::new()
    }
}

/// What fixing a file in memory made of it.
pub struct Fixed {
    /// What remains after fixing, with spans in `text`.
    pub outcome: Outcome,
    /// The fixed text (without a byte-order mark).
    pub text: String,
    /// How many fixes were applied.
    pub applied: usize,
    /// The edits to the file, pass by pass (each pass's edits apply to the text the previous
    /// pass produced).
    pub passes: Vec<Vec<Edit>>,
    /// Files the fixes create, by path relative to the file's folder, with their text.
    pub created: Vec<(String, String)>,
}

impl Checker {
    /// Files named on the command line, reports with snippets, safe fixes only.
    pub fn new() -> Checker {
        Checker {
            config: Config::default(),
            overrides: Overrides::default(),
            settings: Settings::default(),
            explicit: true,
            snippets: true,
            unsafe_fixes: false,
        }
    }

    /// Variables from an environment export, as `--environment` gives them. Fixes may
    /// correct them; later checks see the corrected values.
    pub fn environment(mut self, name: &str, bytes: Vec<u8>) -> Result<Checker, String> {
        let file = VariablesFile::read(name, bytes, "environment").map_err(|e| e.message)?;
        self.settings.environment = Some(file);
        Ok(self)
    }

    /// Apply unsafe fixes too (`--unsafe-fixes`).
    pub fn unsafe_fixes(mut self, yes: bool) -> Checker {
        self.unsafe_fixes = yes;
        self
    }

    fn rule_options(&self) -> RuleOptions<'_> {
        RuleOptions {
            config: &self.config,
            overrides: &self.overrides,
            path: None,
            snippets: self.snippets,
        }
    }

    /// Checks the bytes of a file named `name` (the name tells collections, environments
    /// and HAR captures apart when their content does not).
    pub fn check(&self, name: &str, bytes: Vec<u8>) -> Outcome {
        lint_bytes(
            name,
            bytes.into(),
            self.explicit,
            &self.settings,
            self.rule_options(),
        )
    }

    /// Checks decoded text (without a byte-order mark).
    pub fn check_text(&self, name: &str, text: &str) -> Outcome {
        lint_text(
            name,
            Text::from(text),
            0,
            self.explicit,
            &self.settings,
            self.rule_options(),
            None,
        )
    }

    /// Fixes `text` (without a byte-order mark) as `--fix` would, in memory.
    pub fn fix(&mut self, name: &str, text: &str) -> Fixed {
        let options = RuleOptions {
            config: &self.config,
            overrides: &self.overrides,
            path: None,
            snippets: self.snippets,
        };
        let fixed = fix_text(
            name,
            Text::from(text),
            0,
            self.explicit,
            &mut self.settings,
            options,
            self.unsafe_fixes,
        );
        Fixed {
            outcome: fixed.outcome,
            text: fixed.text.to_string(),
            applied: fixed.applied,
            passes: fixed.passes,
            created: fixed
                .created
                .into_iter()
                .map(|(path, text)| (path.to_string(), text))
                .collect(),
        }
    }

    /// The text of the `--environment` file, as fixes left it.
    pub fn environment_text(&self) -> Option<&str> {
        self.settings.environment.as_ref().map(|e| e.text())
    }
}

/// `edits` applied to `text` (edits to one file, none overlapping).
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let refs: Vec<&Edit> = edits.iter().collect();
    crate::fix::apply(text, &refs)
}

/// A report as `format` writes it: the full format at `width` columns (with colour when
/// `color`), and the JSON and SARIF documents for this one report.
pub fn render(report: &Report, format: Format, color: bool, width: usize) -> String {
    let mut out = String::new();
    match format {
        Format::Full => FullRenderer::new(color, width).render(report, &mut out),
        Format::Concise => concise::render(report, &mut out),
        Format::Github => github::render(report, &mut out),
        Format::Json => {
            let mut json = JsonReport::new();
            json.add(report);
            out = serde_json::to_string_pretty(&json).unwrap_or_default();
        }
        Format::Sarif => {
            let mut sarif = SarifReport::default();
            sarif.add(report, None);
            out = serde_json::to_string_pretty(&sarif.finish()).unwrap_or_default();
        }
    }
    out
}

/// What `--statistics` prints for this report.
pub fn statistics(report: &Report) -> String {
    let mut totals = Totals::default();
    totals.add(report);
    totals.statistics()
}

/// Every rule's code and name, in code order.
pub fn rules() -> impl Iterator<Item = (&'static str, &'static str)> {
    crate::rules::RULES.iter().map(|r| (r.code, r.name))
}

/// The JSON text as scopelint's parser reads it, as a `serde_json` value; `None` when the
/// parser rejects it.
pub fn parse_json(text: &str) -> Option<serde_json::Value> {
    let doc = crate::document::Document::parse(Text::from(text)).ok()?;
    Some(doc.to_value(doc.root()))
}

/// `text` with every secret scopelint can recognise masked, as snippets and diffs show it.
pub fn mask_secrets(text: &str) -> String {
    crate::secrets::masked(text)
}

/// What `scopelint redact` writes for a JSON document: `None` when it is not JSON or
/// holds nothing to redact.
pub fn redact(text: &str) -> Option<String> {
    let doc = crate::document::Document::parse(Text::from(text)).ok()?;
    crate::redact::Redactor::default().redact(&doc)
}

/// Times each phase of checking a collection (`bench/phases.rs`): `lap` is called after each.
#[doc(hidden)]
pub mod profile {
    use crate::config::Config;
    use crate::load::{self, FileKind};
    use crate::rules::{self, Context, Input};
    use crate::settings::Settings;

    /// Called after each rule alone: its code, name and findings.
    pub type EachRule<'a> = &'a mut dyn FnMut(&str, &str, usize);

    /// Reads, decodes, parses, models, builds the context and runs the rules on the
    /// collection `bytes`, calling `lap` after each phase; then, with `each_rule`, each rule
    /// alone (`lap_rule(code, name, findings)` after each); then frees the model and orders
    /// the findings. Returns the findings and requests.
    pub fn collection(
        name: &str,
        bytes: Vec<u8>,
        lap: &mut dyn FnMut(&str),
        each_rule: Option<EachRule>,
    ) -> Result<(usize, usize), String> {
        let decoded = load::decode(bytes).map_err(|e| e.message)?;
        lap("decode");
        let doc = load::parse(&decoded.text).map_err(|e| e.message)?;
        lap("parse");
        let FileKind::Collection { root, .. } = load::classify(&doc, name, true) else {
            return Err("not a collection".to_owned());
        };
        let coll = crate::postman::read_collection(&doc, root);
        lap("model");
        let (settings, config) = (Settings::default(), Config::default());
        let cx = Context::new(&coll, &settings, &config.endpoints, &config.rule_options);
        lap("context");
        // As `lint_text` does: ordered after the model and the context are freed.
        let mut found = rules::run_unordered(&Input::Collection(&cx), |_| true);
        lap("rules");
        if let Some(report) = each_rule {
            for rule in rules::RULES {
                let n = rules::run(&Input::Collection(&cx), |r| r.code == rule.code).len();
                report(rule.code, rule.name, n);
            }
            lap("(each rule)");
        }
        let requests = coll.requests.len();
        drop(cx);
        drop(coll);
        rules::finish(Some(&doc), &mut found);
        lap("order");
        drop(doc);
        lap("free");
        Ok((found.len(), requests))
    }

    /// Parses `text` once (the parser alone).
    pub fn parse(text: &str) -> bool {
        load::parse(&crate::text::Text::from(text)).is_ok()
    }
}
