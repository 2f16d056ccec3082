//! A v12 collection tree checked as one collection: every file parsed once (in parallel),
//! read into the model v2 exports are read into, judged by the same rules, and each finding
//! reported in its own file. Fixes come back with their edits in each file's own offsets,
//! for the fix loop.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, ErrorKind, FileReport};
use crate::document::{Document, NodeId, Part, Span};
use crate::fix::{Fix, Target};
use crate::lint::{
    encoding_report, lint_text, unparsed_report, Outcome, RuleOptions, SNIPPET_LINES,
};
use crate::load;
use crate::postman;
use crate::rules::{self, Context, Input};
use crate::secrets::secret_spans;
use crate::settings::Settings;
use crate::source::{FileId, SourceFile};
use crate::text::Text;
use crate::tree::TreeDir;

/// The files of a v12 collection tree, read, and which of them to report on.
pub struct TreeFiles {
    pub dir: TreeDir,
    /// Each file's name (as reports show it) and bytes, in [`TreeDir::files`] order.
    pub files: Vec<(PathBuf, String, crate::load::FileBytes)>,
    /// `None`: every file.
    pub only: Option<Vec<PathBuf>>,
}

/// A tree's files decoded: what the fix loop edits, file by file.
#[derive(Clone)]
pub struct TreeTexts {
    pub dir: TreeDir,
    pub files: Vec<TreeText>,
    pub only: Option<Vec<PathBuf>>,
}

#[derive(Clone)]
pub struct TreeText {
    pub path: PathBuf,
    pub name: String,
    /// The text without its byte-order mark, or why the bytes are not text.
    pub text: Result<Text, load::DecodeError>,
    pub bom_len: usize,
}

impl TreeTexts {
    pub fn decode(tree: TreeFiles) -> TreeTexts {
        let files = tree
            .files
            .into_iter()
            .map(|(path, name, bytes)| match load::decode(bytes) {
                Ok(d) => TreeText {
                    path,
                    name,
                    text: Ok(d.text),
                    bom_len: d.bom_len,
                },
                Err(e) => TreeText {
                    path,
                    name,
                    text: Err(e),
                    bom_len: 0,
                },
            })
            .collect();
        TreeTexts {
            dir: tree.dir,
            files,
            only: tree.only,
        }
    }

    /// Whether findings in the file at `path` are reported.
    pub fn wanted(&self, path: &Path) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|o| same_file(o, path)))
    }

    /// The file at `rel` (relative to the tree's root), when the tree has one.
    pub fn find(&self, rel: &str) -> Option<usize> {
        let path = self.dir.path.join(rel);
        self.files.iter().position(|f| f.path == path)
    }

    /// Adds a file a fix created at `rel` (relative to the tree's root) to the tree, where
    /// Postman would find it. Its findings are reported.
    pub fn add(&mut self, rel: &str, text: Text) -> usize {
        let path = self.dir.path.join(rel);
        let name = path.display().to_string();
        if let Some(only) = &mut self.only {
            only.push(path.clone());
        }
        if let Some(dir) = path
            .parent()
            .and_then(|parent| dir_at(&mut self.dir, parent))
        {
            if crate::tree::is_request_file(&path) {
                dir.requests.push(path.clone());
                dir.requests.sort();
            }
        } else if let Some(dir) = path
            .parent()
            .filter(|p| p.file_name().is_some_and(|n| n == ".resources"))
            .and_then(Path::parent)
            .and_then(|owner| dir_at(&mut self.dir, owner))
        {
            dir.definition = Some(path.clone());
        }
        self.files.push(TreeText {
            path,
            name,
            text: Ok(text),
            bom_len: 0,
        });
        self.files.len() - 1
    }
}

/// The folder of `dir` at `path`.
fn dir_at<'d>(dir: &'d mut TreeDir, path: &Path) -> Option<&'d mut TreeDir> {
    if dir.path == path {
        return Some(dir);
    }
    dir.dirs
        .iter_mut()
        .find(|d| path.starts_with(&d.path))
        .and_then(|d| dir_at(d, path))
}

/// Checks a v12 collection tree as one collection: a report per file, with the findings in it.
pub fn lint_tree(tree: TreeFiles, settings: &Settings, options: RuleOptions) -> Vec<FileReport> {
    let texts = TreeTexts::decode(tree);
    lint_texts(&texts, settings, options)
        .into_iter()
        .map(|(_, r)| r)
        .collect()
}

/// Checks the tree's texts: `(file index, report)` for each file reported on. A file Postman
/// cannot read (not UTF-8, not YAML, an unquoted `{{`) is reported on its own and left out,
/// as Postman leaves it out. A fix's edits name the file they change
/// (`FileId::nth(file index)`) in that file's offsets; files it creates are named relative to
/// the tree's root.
pub fn lint_texts(
    tree: &TreeTexts,
    settings: &Settings,
    options: RuleOptions,
) -> Vec<(usize, FileReport)> {
    let mut reports: Vec<(usize, FileReport)> = Vec::new();
    // The files that read, with their decoded text and byte-order mark.
    let mut good: Vec<(usize, Text, usize)> = Vec::new();
    // Rules run on the whole tree as the configuration selects them; `per-file-ignores`
    // then apply to each file's findings.
    let enabled = |rule: &rules::RuleInfo| options.config.enabled(rule, options.overrides, None);
    for (i, file) in tree.files.iter().enumerate() {
        let text = match &file.text {
            Ok(t) => t.clone(),
            Err(e) => {
                if tree.wanted(&file.path) {
                    reports.push((i, encoding_report(&file.name, e.clone())));
                }
                continue;
            }
        };
        // What keeps Postman from reading a file leaves it out of the collection.
        if !rules::run(&Input::YamlText(&text), enabled).is_empty() {
            let in_file = RuleOptions {
                path: Some(file.path.as_path()),
                ..options
            };
            let outcome = lint_text(
                &file.name,
                text,
                file.bom_len,
                true,
                settings,
                in_file,
                None,
            );
            if let (true, Outcome::Report(r)) = (tree.wanted(&file.path), outcome) {
                reports.push((i, r));
            }
            continue;
        }
        good.push((i, text, file.bom_len));
    }
    // One document of every file, plus an empty definition for folders without; a file that
    // is not YAML is reported and left out.
    let mut parts: Vec<(FileId, Text)> = Vec::new();
    for (_, text, _) in &good {
        let Some(file) = FileId::nth(parts.len()) else {
            break;
        };
        parts.push((file, text.clone()));
    }
    good.truncate(parts.len());
    fn count_dirs(d: &TreeDir) -> usize {
        1 + d.dirs.iter().map(count_dirs).sum::<usize>()
    }
    for _ in 0..count_dirs(&tree.dir) {
        if let Some(file) = FileId::nth(parts.len()) {
            parts.push((file, Text::from("{}")));
        }
    }
    let Ok((doc, errors)) = Document::parse_yaml_files_lenient(&parts) else {
        return reports;
    };
    let failed: std::collections::HashSet<usize> = errors.iter().map(|(i, _)| *i).collect();
    for (k, e) in errors {
        if let Some((i, text, bom)) = good.get(k) {
            let file = &tree.files[*i];
            if tree.wanted(&file.path) {
                let source = Arc::new(SourceFile::new(file.name.as_str(), text.clone(), *bom));
                reports.push((
                    *i,
                    unparsed_report(source, ErrorKind::Yaml, e.message, Some(e.span)),
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
    let mut part_of: HashMap<&Path, usize> = HashMap::new();
    for (k, (i, _, _)) in good.iter().enumerate() {
        part_of.insert(tree.files[*i].path.as_path(), k);
    }
    let roots: Vec<NodeId> = doc.parts().iter().map(|p| p.root).collect();
    let mut empty = good.len();
    let top = folder(&tree.dir, &tree.dir.path, &part_of, &roots, &mut empty);
    let coll = postman::v3::read_tree(&doc, &top);
    let cx = Context::new(
        &coll,
        settings,
        &options.config.endpoints,
        &options.config.rule_options,
    );
    let mut found = rules::run(&Input::Collection(&cx), enabled);
    // Each finding to its file, in that file's own offsets.
    let doc_parts = doc.parts();
    let mut by_part: Vec<Vec<Diagnostic>> = vec![Vec::new(); good.len()];
    for mut d in found.drain(..) {
        let part = doc.part_at(d.span.start);
        let Some(k) = part_index(&doc_parts, &part).filter(|&k| k < good.len()) else {
            continue;
        };
        let file = &tree.files[good[k].0];
        if !options
            .config
            .enabled(d.rule, options.overrides, Some(&file.path))
        {
            continue;
        }
        d.span = Span::new(d.span.start - part.span.start, d.span.end - part.span.start);
        d.file = part.file;
        d.severity = options.config.severity(d.rule);
        d.fix = d
            .fix
            .take()
            .and_then(|fix| localize(fix, &doc, &doc_parts, &good));
        d.mask_quoted_secrets();
        by_part[k].push(d);
    }
    for (k, (i, text, bom)) in good.iter().enumerate() {
        let file = &tree.files[*i];
        if !tree.wanted(&file.path) {
            continue;
        }
        let mut diagnostics = std::mem::take(&mut by_part[k]);
        options
            .config
            .apply_path_ignores_at(&doc, doc_parts[k].root, &mut diagnostics);
        let source = Arc::new(SourceFile::new(file.name.as_str(), text.clone(), *bom));
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
        reports.push((
            *i,
            FileReport {
                source,
                diagnostics,
                error: None,
            },
        ));
    }
    reports
}

fn part_index(parts: &[Part], part: &Part) -> Option<usize> {
    parts.iter().position(|p| p.span.start == part.span.start)
}

/// A fix with each edit of a tree file in that file's offsets, named by its index among the
/// tree's files; `None` when an edit falls in a definition the folder does not have (the
/// empty one read in its place).
fn localize(
    mut fix: Fix,
    doc: &Document,
    parts: &[Part],
    good: &[(usize, Text, usize)],
) -> Option<Fix> {
    for edit in &mut fix.edits {
        match edit.target {
            Target::File(FileId::ENVIRONMENT) | Target::New(_) => {}
            Target::File(_) => {
                let part = doc.part_at(edit.span.start);
                let k = part_index(parts, &part).filter(|&k| k < good.len())?;
                edit.span = Span::new(
                    edit.span.start - part.span.start,
                    edit.span.end - part.span.start,
                );
                edit.target = Target::File(FileId::nth(good[k].0)?);
            }
        }
    }
    Some(fix)
}

/// The model of folder `d` (and the folders in it), `root` being the collection's folder.
fn folder(
    d: &TreeDir,
    root: &Path,
    part_of: &HashMap<&Path, usize>,
    roots: &[NodeId],
    empty: &mut usize,
) -> postman::v3::Folder {
    let definition = d.definition.as_deref().and_then(|p| part_of.get(p));
    let node = match definition {
        Some(&i) => roots[i],
        None => {
            *empty += 1;
            roots[(*empty - 1).min(roots.len() - 1)]
        }
    };
    let stem = |p: &Path| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let lower = name.to_ascii_lowercase();
        let cut = [".request.yaml", ".request.yml"]
            .iter()
            .find(|s| lower.ends_with(*s))
            .map_or(name.len(), |s| name.len() - s.len());
        name[..cut].to_owned()
    };
    let rel = d
        .path
        .strip_prefix(root)
        .ok()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    postman::v3::Folder {
        name: d
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned(),
        dir: rel,
        has_definition: definition.is_some(),
        definition: node,
        folders: d
            .dirs
            .iter()
            .map(|c| folder(c, root, part_of, roots, empty))
            .collect(),
        requests: d
            .requests
            .iter()
            .filter_map(|p| Some((stem(p), roots[*part_of.get(p.as_path())?])))
            .collect(),
        examples: d
            .examples
            .iter()
            .filter_map(|p| {
                // `.resources/<Request>.resources/examples/<Example>.example.yaml`
                let owner = p.parent()?.parent()?.file_name()?.to_str()?;
                let request = owner.strip_suffix(".resources").unwrap_or(owner);
                let name = p.file_name()?.to_str()?;
                let example = name.rsplit_once(".example.").map_or(name, |(stem, _)| stem);
                let root = roots[*part_of.get(p.as_path())?];
                Some((request.to_owned(), example.to_owned(), root))
            })
            .collect(),
    }
}

pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || std::fs::canonicalize(a)
            .ok()
            .zip(std::fs::canonicalize(b).ok())
            .is_some_and(|(x, y)| x == y)
}
