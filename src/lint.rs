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
const SNIPPET_LINES: usize = 3;

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
    bytes: Vec<u8>,
    explicit: bool,
    settings: &Settings,
    options: RuleOptions,
) -> Outcome {
    let decoded = match load::decode(bytes) {
        Ok(d) => d,
        Err(e) => return Outcome::Report(encoding_report(name, e)),
    };
    lint_text(
        name,
        decoded.text,
        decoded.bom_len,
        explicit,
        settings,
        options,
    )
}

/// The report of a file that is not UTF-8 text.
fn encoding_report(name: &str, e: load::DecodeError) -> FileReport {
    let source = Arc::new(SourceFile::new(name, e.shown, 0));
    unparsed_report(source, ErrorKind::Encoding, e.message, e.span)
}

/// Lints decoded text (without its byte-order mark, whose length is `bom_len`).
pub fn lint_text(
    name: &str,
    text: Text,
    bom_len: usize,
    explicit: bool,
    settings: &Settings,
    options: RuleOptions,
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
    let doc = match load::parse_named(name, &text) {
        Ok(doc) => doc,
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
            let cx = Context::new(&coll, settings, &options.config.endpoints);
            rules::run(&Input::Collection(&cx), enabled)
        }
        FileKind::Har => {
            let har = crate::har::read(&doc);
            let cx = HarContext::new(&har, &options.config.endpoints);
            rules::run(&Input::Har(&cx), enabled)
        }
        FileKind::Environment | FileKind::Globals => rules::run(&Input::Variables(&doc), enabled),
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

/// The files of a v12 collection tree, read, and which of them to report on.
pub struct TreeFiles {
    pub dir: crate::tree::TreeDir,
    /// Each file's name (as reports show it) and bytes, in [`TreeDir::files`] order.
    ///
    /// [`TreeDir::files`]: crate::tree::TreeDir::files
    pub files: Vec<(std::path::PathBuf, String, Vec<u8>)>,
    /// `None`: every file.
    pub only: Option<Vec<std::path::PathBuf>>,
}

/// Checks a v12 collection tree as one collection: a report per file, with the findings in it.
/// A file Postman cannot read (not UTF-8, not YAML, an unquoted `{{`) is reported on its own
/// and left out, as Postman leaves it out. Fixes are not offered on trees yet.
pub fn lint_tree(
    mut tree: TreeFiles,
    settings: &Settings,
    options: RuleOptions,
) -> Vec<FileReport> {
    use crate::document::{Document, NodeId};
    use std::collections::HashMap;
    let mut reports: Vec<FileReport> = Vec::new();
    // The files that read, with their decoded text and byte-order mark.
    let mut good: Vec<(usize, Text, usize)> = Vec::new();
    let wanted = |path: &std::path::Path| {
        tree.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|o| same_file(o, path)))
    };
    let enabled = |rule: &rules::RuleInfo| {
        options
            .config
            .enabled(rule, options.overrides, options.path)
    };
    for (i, (path, name, bytes)) in tree.files.iter_mut().enumerate() {
        // What keeps Postman from reading a file leaves it out of the collection. (The bytes
        // are needed no more once decoded.)
        let decoded = match load::decode(std::mem::take(bytes)) {
            Ok(d) => d,
            Err(e) => {
                if wanted(path) {
                    reports.push(encoding_report(name, e));
                }
                continue;
            }
        };
        if !rules::run(&Input::YamlText(&decoded.text), enabled).is_empty() {
            let outcome = lint_text(name, decoded.text, decoded.bom_len, true, settings, options);
            if let (true, Outcome::Report(r)) = (wanted(path), outcome) {
                reports.push(r);
            }
            continue;
        }
        good.push((i, decoded.text, decoded.bom_len));
    }
    // One document of every file, plus an empty definition for folders without; a file that
    // is not YAML is reported and left out.
    let mut parts: Vec<(crate::source::FileId, Text)> = Vec::new();
    for (_, text, _) in &good {
        let Some(file) = crate::source::FileId::nth(parts.len()) else {
            break;
        };
        parts.push((file, text.clone()));
    }
    good.truncate(parts.len());
    fn count_dirs(d: &crate::tree::TreeDir) -> usize {
        1 + d.dirs.iter().map(count_dirs).sum::<usize>()
    }
    for _ in 0..count_dirs(&tree.dir) {
        if let Some(file) = crate::source::FileId::nth(parts.len()) {
            parts.push((file, Text::from("{}")));
        }
    }
    let Ok((doc, errors)) = Document::parse_yaml_files_lenient(&parts) else {
        return reports;
    };
    let failed: std::collections::HashSet<usize> = errors.iter().map(|(i, _)| *i).collect();
    for (k, e) in errors {
        if let Some((i, text, bom)) = good.get(k) {
            let (path, name, _) = &tree.files[*i];
            if wanted(path) {
                let source = Arc::new(SourceFile::new(name.as_str(), text.clone(), *bom));
                reports.push(unparsed_report(
                    source,
                    ErrorKind::Yaml,
                    e.message,
                    Some(e.span),
                ));
            }
        }
    }
    let good: Vec<(usize, Text, usize)> = good
        .into_iter()
        .enumerate()
        .filter(|(k, _)| !failed.contains(k))
        .map(|(_, g)| g)
        .collect();
    let mut part_of: HashMap<&std::path::Path, usize> = HashMap::new();
    for (k, (i, _, _)) in good.iter().enumerate() {
        part_of.insert(tree.files[*i].0.as_path(), k);
    }
    let first_empty = good.len();
    let roots: Vec<NodeId> = doc.parts().iter().map(|p| p.root).collect();
    let mut empty = first_empty;
    fn folder(
        d: &crate::tree::TreeDir,
        part_of: &HashMap<&std::path::Path, usize>,
        roots: &[NodeId],
        empty: &mut usize,
    ) -> postman::v3::Folder {
        let definition = match d.definition.as_deref().and_then(|p| part_of.get(p)) {
            Some(&i) => roots[i],
            None => {
                *empty += 1;
                roots[(*empty - 1).min(roots.len() - 1)]
            }
        };
        let stem = |p: &std::path::Path| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let lower = name.to_ascii_lowercase();
            let cut = [".request.yaml", ".request.yml"]
                .iter()
                .find(|s| lower.ends_with(*s))
                .map_or(name.len(), |s| name.len() - s.len());
            name[..cut].to_owned()
        };
        postman::v3::Folder {
            name: d
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_owned(),
            definition,
            folders: d
                .dirs
                .iter()
                .map(|c| folder(c, part_of, roots, empty))
                .collect(),
            requests: d
                .requests
                .iter()
                .filter_map(|p| Some((stem(p), roots[*part_of.get(p.as_path())?])))
                .collect(),
        }
    }
    let top = folder(&tree.dir, &part_of, &roots, &mut empty);
    let coll = postman::v3::read_tree(&doc, &top);
    let cx = Context::new(&coll, settings, &options.config.endpoints);
    let mut found = rules::run(&Input::Collection(&cx), enabled);
    // Each finding to its file, in that file's own offsets.
    let doc_parts = doc.parts();
    let mut by_part: Vec<Vec<crate::diagnostic::Diagnostic>> = vec![Vec::new(); good.len()];
    for mut d in found.drain(..) {
        let part = doc.part_at(d.span.start);
        let Some(i) = doc_parts
            .iter()
            .position(|p| p.span.start == part.span.start)
        else {
            continue;
        };
        if i >= good.len() {
            continue;
        }
        d.span = Span::new(d.span.start - part.span.start, d.span.end - part.span.start);
        d.file = part.file;
        d.severity = options.config.severity(d.rule);
        // Fixes are written for v2 files; on trees they are not offered yet.
        d.fix = None;
        d.mask_quoted_secrets();
        by_part[i].push(d);
    }
    for (k, (i, text, bom)) in good.iter().enumerate() {
        let (path, name, _) = &tree.files[*i];
        if !wanted(path) {
            continue;
        }
        let diagnostics = std::mem::take(&mut by_part[k]);
        let source = Arc::new(SourceFile::new(name.as_str(), text.clone(), *bom));
        if options.snippets && !diagnostics.is_empty() {
            let base = doc_parts[k].span.start;
            let windows: Vec<Span> = diagnostics
                .iter()
                .map(|d| {
                    let w = source.surrounding_lines(d.span, SNIPPET_LINES);
                    Span::new(w.start + base, w.end + base)
                })
                .collect();
            let local: Vec<Span> = secret_spans(&doc, &windows)
                .into_iter()
                .filter(|s| s.start >= base && s.end <= base + text.len())
                .map(|s| Span::new(s.start - base, s.end - base))
                .collect();
            source.mask(&local);
        }
        reports.push(FileReport {
            source,
            diagnostics,
            error: None,
        });
    }
    reports
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b
        || std::fs::canonicalize(a)
            .ok()
            .zip(std::fs::canonicalize(b).ok())
            .is_some_and(|(x, y)| x == y)
}
