//! One file, start to finish: decode, parse, classify, model, rules.

use crate::text::Text;
use std::path::Path;
use std::sync::Arc;

use crate::config::{Config, Overrides};

pub use crate::diagnostic::{ErrorKind, FileError, FileReport};
use crate::document::Span;
use crate::load::{self, FileKind};
use crate::postman;
use crate::rules::har_context::HarContext;
use crate::rules::{self, Context, Input};
use crate::secrets::{secret_spans, unparsed_secret_spans, unparsed_yaml_secret_spans};
pub use crate::settings::Settings;
use crate::source::SourceFile;

/// Lines around a label that a snippet may show (miette shows one on each side; keep a
/// margin so a change there cannot reveal an unmasked line).
pub(crate) const SNIPPET_LINES: usize = 3;

pub enum Outcome {
    Report(FileReport),
    /// Not a file scopelint lints; the note is shown when the file was named explicitly.
    Skipped(String),
}

/// Which rules run on a file, and how they see ScopeStack.
#[derive(Clone, Copy)]
pub struct RuleOptions<'a> {
    pub config: &'a Config,
    pub overrides: &'a Overrides,
    /// The file's path, for `per-file-ignores` (`None` for stdin).
    pub path: Option<&'a Path>,
    /// Whether the report shows source snippets, whose secrets must then be masked (finding
    /// them walks the document around every finding; formats without snippets skip that).
    pub snippets: bool,
}

/// Lints the bytes of one file named `name` (used for diagnostics and to recognise
/// `*.postman_collection.json` and friends); `explicit` when it was named on the command line.
pub fn lint_bytes(
    name: &str,
    bytes: crate::load::FileBytes,
    explicit: bool,
    settings: &Settings,
    options: RuleOptions,
) -> Outcome {
    let decoded = match load::decode(bytes) {
        Ok(d) => d,
        Err(_) if explicit && !named_as_checked(name) => return Outcome::Skipped(NOT_OURS.into()),
        Err(e) => return Outcome::Report(encoding_report(name, e)),
    };
    lint_text(
        name,
        decoded.text,
        decoded.bom_len,
        explicit,
        settings,
        options,
        None,
    )
}

/// Why a file named on the command line is skipped when neither its name nor its content
/// shows a Postman file or a HAR capture (`notes.txt`).
const NOT_OURS: &str = "not JSON or YAML, and not named as a Postman file or a HAR capture";

/// Whether a file's name says scopelint reads it, so that content that does not parse is an
/// error, not a file to skip: JSON, HAR, YAML, or no extension (standard input).
fn named_as_checked(name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rsplit_once('.') {
        None => true,
        Some((_, ext)) => matches!(
            ext.to_ascii_lowercase().as_str(),
            "json" | "har" | "yaml" | "yml"
        ),
    }
}

/// The report of a file that is not UTF-8 text.
pub(crate) fn encoding_report(name: &str, e: load::DecodeError) -> FileReport {
    let source = Arc::new(SourceFile::new(name, e.shown, 0));
    unparsed_report(source, ErrorKind::Encoding, e.message, e.span)
}

/// Lints decoded text (without its byte-order mark, whose length is `bom_len`); `parsed` is
/// the document `text` parses to, when the caller has it already (the fix loop parsed the
/// fixed text to check it).
pub fn lint_text(
    name: &str,
    text: Text,
    bom_len: usize,
    explicit: bool,
    settings: &Settings,
    options: RuleOptions,
    parsed: Option<crate::document::Document>,
) -> Outcome {
    let source = Arc::new(SourceFile::new(name, text.clone(), bom_len));
    let enabled = |rule: &rules::RuleInfo| {
        options
            .config
            .enabled(rule, options.overrides, options.path)
    };
    if load::is_yaml_name(name) {
        // What keeps Postman from reading the file at all is all there is to say about it.
        let mut found = rules::run(&Input::YamlText(&text), enabled);
        if !found.is_empty() {
            for d in &mut found {
                d.severity = options.config.severity(d.rule);
                d.mask_quoted_secrets();
            }
            if options.snippets {
                let windows = found
                    .iter()
                    .map(|d| source.surrounding_lines(d.span, SNIPPET_LINES));
                let spans: Vec<Span> = windows
                    .flat_map(|w| unparsed_yaml_secret_spans(source.text(), w))
                    .collect();
                source.mask(&spans);
            }
            return Outcome::Report(FileReport {
                source,
                diagnostics: found,
                error: None,
            });
        }
    }
    let doc = match parsed.map_or_else(|| load::parse_named(name, &text), Ok) {
        Ok(doc) => doc,
        Err(_) if explicit && !named_as_checked(name) => return Outcome::Skipped(NOT_OURS.into()),
        Err(e) => {
            let kind = if load::is_yaml_name(name) {
                ErrorKind::Yaml
            } else {
                ErrorKind::Json
            };
            let report = unparsed_report(source, kind, e.message, Some(e.span));
            return Outcome::Report(report);
        }
    };
    let base_name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mut diagnostics = match load::classify(&doc, base_name, explicit) {
        FileKind::Collection { root, .. } => {
            let coll = postman::read_collection(&doc, root);
            let cx = Context::new(
                &coll,
                settings,
                &options.config.endpoints,
                &options.config.rule_options,
            );
            rules::run_unordered(&Input::Collection(&cx), enabled)
        }
        FileKind::Har => {
            let har = crate::har::read(&doc);
            let cx = HarContext::new(&har, &options.config.endpoints);
            rules::run_unordered(&Input::Har(&cx), enabled)
        }
        FileKind::Environment | FileKind::Globals => {
            rules::run_unordered(&Input::Variables(&doc), enabled)
        }
        FileKind::NotHar(why) => {
            let root = doc.span(doc.root());
            let span = Span::new(root.start, root.start + 1);
            if options.snippets {
                let window = source.surrounding_lines(span, SNIPPET_LINES);
                source.mask(&secret_spans(&doc, &[window]));
            }
            let report = FileReport::error_at(source, ErrorKind::Har, why.to_owned(), Some(span));
            return Outcome::Report(report);
        }
        FileKind::Other(reason) => return Outcome::Skipped(reason),
    };
    // The collection's model and context are gone by now.
    rules::finish(Some(&doc), &mut diagnostics);
    for d in &mut diagnostics {
        d.severity = options.config.severity(d.rule);
    }
    options.config.apply_path_ignores(&doc, &mut diagnostics);
    for d in &mut diagnostics {
        d.mask_quoted_secrets();
    }
    if options.snippets && !diagnostics.is_empty() {
        let windows: Vec<Span> = diagnostics
            .iter()
            .map(|d| source.surrounding_lines(d.span, SNIPPET_LINES))
            .collect();
        source.mask(&secret_spans(&doc, &windows));
    }
    Outcome::Report(FileReport {
        source,
        diagnostics,
        error: None,
    })
}

/// The report of a file that could not be decoded or parsed. Such a file has no structure to
/// find secrets by: every value the text around the error shows is masked unless its key
/// never holds a credential.
pub(crate) fn unparsed_report(
    source: Arc<SourceFile>,
    kind: ErrorKind,
    message: String,
    span: Option<Span>,
) -> FileReport {
    if let Some(span) = span {
        let window = source.surrounding_lines(span, SNIPPET_LINES);
        let spans = if load::is_yaml_name(source.name()) {
            unparsed_yaml_secret_spans(source.text(), window)
        } else {
            unparsed_secret_spans(source.text(), window)
        };
        source.mask(&spans);
    }
    FileReport::error_at(source, kind, message, span)
}
