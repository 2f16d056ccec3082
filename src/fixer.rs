//! The fix loop (after ruff): lint, apply the fixes that do not conflict, check that the
//! result still parses, re-lint, and repeat until nothing more applies.

use crate::text::Text;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crate::document::Document;
use crate::fix::{apply, select, Applicability, Edit, Fix, Target};
use crate::lint::{lint_text, FileReport, Outcome, RuleOptions};
use crate::settings::{Settings, VariablesFile};
use crate::source::FileId;
use crate::tree_lint::{lint_texts, TreeTexts};

/// Enough for fixes that wait on each other (a variable declared by one fix, a request
/// another inserts at the same place); more passes would mean fixes that never converge.
const MAX_PASSES: usize = 10;

pub struct Fixed {
    /// The last lint: what remains after fixing, with spans in `text`.
    pub outcome: Outcome,
    /// The fixed text (without a byte-order mark).
    pub text: Text,
    /// How many fixes were applied.
    pub applied: usize,
    /// How many of them changed the `--environment` file.
    pub applied_to_environment: usize,
    /// The edits to the linted file, pass by pass (each pass's edits apply to the text the
    /// previous pass produced).
    pub passes: Vec<Vec<Edit>>,
    /// Files the fixes create, by path relative to the linted file's folder.
    pub created: BTreeMap<Arc<str>, String>,
}

/// What one set of fixes makes of the files.
struct Applied {
    text: Text,
    /// `text` parsed (to check it), for the next pass's lint.
    parsed: Option<crate::document::Document>,
    environment: Option<VariablesFile>,
    created: Vec<(Arc<str>, String)>,
}

/// Fixes `text` in memory. Fixes to the `--environment` file are applied to `settings` as
/// they go, so that later passes and later files see the corrected values.
pub fn fix_text(
    name: &str,
    text: Text,
    bom_len: usize,
    explicit: bool,
    settings: &mut Settings,
    options: RuleOptions,
    unsafe_fixes: bool,
) -> Fixed {
    let mut text = text;
    let mut applied = 0;
    let mut applied_to_environment = 0;
    let mut passes = Vec::new();
    let mut created = BTreeMap::new();
    // Fixes whose result would not parse are not tried again (keyed by rule and place).
    let mut rejected: HashSet<(&'static str, String)> = HashSet::new();
    // The fixed text's document, parsed to check it, is the next pass's.
    let mut parsed = None;
    for pass in 0..=MAX_PASSES {
        let outcome = lint_text(
            name,
            text.clone(),
            bom_len,
            explicit,
            settings,
            options,
            parsed.take(),
        );
        // Nothing to try on the last pass or in a file that no longer lints.
        let diagnostics = match &outcome {
            Outcome::Report(report) if pass < MAX_PASSES && report.error.is_none() => {
                &report.diagnostics[..]
            }
            _ => &[],
        };
        let mut candidates: Vec<(&Fix, (&'static str, String))> = diagnostics
            .iter()
            .filter_map(|d| {
                let fix = d.fix.as_ref()?;
                let key = (d.rule.code, d.pointer.as_str().to_owned());
                let allowed = unsafe_fixes || fix.applicability == Applicability::Safe;
                (allowed && !rejected.contains(&key)).then_some((fix, key))
            })
            .collect();
        // The root cause first: SS001's token request is in place before SS005's slug
        // request, which must run after it, finds where it goes.
        candidates.sort_by_key(|(_, (code, _))| *code);
        if candidates.is_empty() {
            return Fixed {
                outcome,
                text,
                applied,
                applied_to_environment,
                passes,
                created,
            };
        }
        let chosen = select(candidates.iter().map(|(f, _)| *f));
        let progress = try_apply(name, &text, settings, &created, &chosen);
        if progress
            .as_ref()
            .is_some_and(|a| *a.text == *text && a.environment.is_none() && a.created.is_empty())
        {
            // Edits that change nothing would repeat forever: those fixes cannot work here.
            for (_, key) in &candidates {
                rejected.insert(key.clone());
            }
            continue;
        }
        let (done, kept) = match progress {
            Some(done) => (Some(done), chosen),
            None => {
                // Together they broke a file: keep those that apply with the ones before
                // them, drop those that break it alone; the rest wait for the next pass.
                let (done, kept, broken) =
                    apply_compatible(name, &text, settings, &created, &chosen);
                for fix in broken {
                    if let Some((_, key)) = candidates.iter().find(|(f, _)| std::ptr::eq(*f, fix)) {
                        rejected.insert(key.clone());
                    }
                }
                (done, kept)
            }
        };
        if let Some(done) = done {
            text = done.text;
            parsed = done.parsed;
            settings.environment = done.environment.or(settings.environment.take());
            created.extend(done.created);
            applied += kept.len();
            applied_to_environment += kept.iter().filter(|f| touches_environment(f)).count();
            passes.push(linted_edits(&kept));
        }
    }
    unreachable!("the loop returns on its last pass")
}

/// For fixes that break a file together: the result of those that apply together (each
/// taken in turn, kept when the files still read with it and the ones kept before it), the
/// fixes kept, and the fixes that break a file even alone. Every fix is applied to `text`,
/// whose positions its edits name (not to a text another fix already changed); the first
/// is always kept or broken, so a pass always makes progress.
fn apply_compatible<'f>(
    name: &str,
    text: &Text,
    settings: &Settings,
    created: &BTreeMap<Arc<str>, String>,
    chosen: &[&'f Fix],
) -> (Option<Applied>, Vec<&'f Fix>, Vec<&'f Fix>) {
    let (mut done, mut kept, mut broken) = (None, Vec::new(), Vec::new());
    for &fix in chosen {
        kept.push(fix);
        if let Some(together) = try_apply(name, text, settings, created, &kept) {
            done = Some(together);
            continue;
        }
        kept.pop();
        if try_apply(name, text, settings, created, &[fix]).is_none() {
            broken.push(fix);
        }
    }
    (done, kept, broken)
}

fn touches_environment(fix: &Fix) -> bool {
    const ENVIRONMENT: Target = Target::File(FileId::ENVIRONMENT);
    fix.edits.iter().any(|e| e.target == ENVIRONMENT)
}

fn linted_edits(fixes: &[&Fix]) -> Vec<Edit> {
    const LINTED: Target = Target::File(FileId::LINTED);
    let mut seen = HashSet::new();
    fixes
        .iter()
        .flat_map(|f| f.edits.iter())
        .filter(|e| e.target == LINTED && seen.insert(*e))
        .cloned()
        .collect()
}

/// The files with `fixes` applied, or `None` when a result would not parse (or a fix would
/// create a file already created).
fn try_apply(
    name: &str,
    text: &Text,
    settings: &Settings,
    created: &BTreeMap<Arc<str>, String>,
    fixes: &[&Fix],
) -> Option<Applied> {
    let mut done = Applied {
        // Shared, not copied: it stays the text when no edit is for the linted file.
        text: text.clone(),
        parsed: None,
        environment: None,
        created: Vec::new(),
    };
    for (target, edits) in by_target(fixes) {
        match target {
            Target::File(FileId::LINTED) => {
                // Shared with the parse, not copied for it (126 MB on the largest benchmark
                // file).
                done.text = Text::from(apply(text, &edits));
                done.parsed = Some(crate::load::parse_named(name, &done.text).ok()?);
            }
            Target::File(FileId::ENVIRONMENT) => {
                done.environment = Some(fixed_environment(settings, &edits)?);
            }
            Target::File(_) => return None,
            Target::New(path) => {
                if created.contains_key(path) {
                    return None;
                }
                done.created.push(new_file(path, &edits)?);
            }
        }
    }
    Some(done)
}

/// The edits of `fixes` by the file they change.
fn by_target<'f>(fixes: &[&'f Fix]) -> BTreeMap<&'f Target, Vec<&'f Edit>> {
    let mut by_target: BTreeMap<&Target, Vec<&Edit>> = BTreeMap::new();
    for e in fixes.iter().flat_map(|f| f.edits.iter()) {
        by_target.entry(&e.target).or_default().push(e);
    }
    by_target
}

/// The `--environment` file with `edits` applied, or `None` when there is none or the result
/// does not read as one.
fn fixed_environment(settings: &Settings, edits: &[&Edit]) -> Option<VariablesFile> {
    let file = settings.environment.as_ref()?;
    file.with_text(apply(file.text(), edits)).ok()
}

/// A file to create at `path` with its content, when the content parses as what the name
/// says it is (JSON or YAML; nothing else is created).
fn new_file(path: &Arc<str>, edits: &[&Edit]) -> Option<(Arc<str>, String)> {
    let content = apply("", edits);
    let known = path.ends_with(".json") || crate::load::is_yaml_name(path);
    let parses = known && crate::load::parse_named(path, &Text::from(content.as_str())).is_ok();
    parses.then(|| (path.clone(), content))
}

/// What fixing a v12 tree made of it.
pub struct FixedTree {
    /// The last check: what remains, per file, with spans in the fixed texts.
    pub reports: Vec<FileReport>,
    /// The tree with every fix applied; files created by fixes follow the files read.
    pub tree: TreeTexts,
    /// The texts as read, of the files read (`None`: not text).
    pub originals: Vec<Option<Text>>,
    pub applied: usize,
    pub applied_to_environment: usize,
}

/// What one set of fixes makes of a tree's files.
struct TreeApplied {
    texts: Vec<(usize, Text)>,
    environment: Option<VariablesFile>,
    created: Vec<(Arc<str>, String)>,
}

/// Fixes a v12 tree in memory, as [`fix_text`] fixes a file: every pass checks the whole
/// tree (files created by earlier passes included), applies the fixes that do not conflict,
/// and keeps each file's result only when it still parses.
pub fn fix_tree(
    mut tree: TreeTexts,
    settings: &mut Settings,
    options: RuleOptions,
    unsafe_fixes: bool,
) -> FixedTree {
    let originals: Vec<Option<Text>> = tree
        .files
        .iter()
        .map(|f| f.text.as_ref().ok().cloned())
        .collect();
    let mut applied = 0;
    let mut applied_to_environment = 0;
    let mut rejected: HashSet<(&'static str, String)> = HashSet::new();
    for pass in 0..=MAX_PASSES {
        let reports = lint_texts(&tree, settings, options);
        let key = |d: &crate::diagnostic::Diagnostic, r: &FileReport| {
            (
                d.rule.code,
                format!("{}#{}", r.source.name(), d.pointer.as_str()),
            )
        };
        let mut candidates: Vec<(&Fix, (&'static str, String))> = reports
            .iter()
            .filter(|_| pass < MAX_PASSES)
            .filter(|(_, r)| r.error.is_none())
            .flat_map(|(_, r)| r.diagnostics.iter().map(move |d| (d, r)))
            .filter_map(|(d, r)| {
                let fix = d.fix.as_ref()?;
                let key = key(d, r);
                let allowed = unsafe_fixes || fix.applicability == Applicability::Safe;
                (allowed && !rejected.contains(&key)).then_some((fix, key))
            })
            .collect();
        candidates.sort_by_key(|(_, (code, _))| *code);
        if candidates.is_empty() {
            return FixedTree {
                reports: reports.into_iter().map(|(_, r)| r).collect(),
                tree,
                originals,
                applied,
                applied_to_environment,
            };
        }
        let chosen = select(candidates.iter().map(|(f, _)| *f));
        let changes_nothing = |a: &TreeApplied| {
            a.environment.is_none()
                && a.created.is_empty()
                && a.texts
                    .iter()
                    .all(|(i, t)| tree.files[*i].text.as_ref().is_ok_and(|old| **old == **t))
        };
        match try_apply_tree(&tree, settings, &chosen) {
            Some(done) if changes_nothing(&done) => {
                for (_, key) in &candidates {
                    rejected.insert(key.clone());
                }
            }
            Some(done) => {
                applied += chosen.len();
                applied_to_environment += chosen.iter().filter(|f| touches_environment(f)).count();
                commit_tree(&mut tree, settings, done);
            }
            None => {
                let mut keep = Vec::new();
                for fix in chosen {
                    match try_apply_tree(&tree, settings, &[fix]) {
                        Some(done) => keep.push((fix, done)),
                        None => {
                            if let Some((_, key)) =
                                candidates.iter().find(|(f, _)| std::ptr::eq(*f, fix))
                            {
                                rejected.insert(key.clone());
                            }
                        }
                    }
                }
                // Each was tried on the same texts: apply the first that works, and let the
                // others be tried again on the next pass.
                if let Some((fix, done)) = keep.into_iter().next() {
                    applied += 1;
                    applied_to_environment += usize::from(touches_environment(fix));
                    commit_tree(&mut tree, settings, done);
                }
            }
        }
    }
    unreachable!("the loop returns on its last pass")
}

fn commit_tree(tree: &mut TreeTexts, settings: &mut Settings, done: TreeApplied) {
    for (i, text) in done.texts {
        tree.files[i].text = Ok(text);
    }
    settings.environment = done.environment.or(settings.environment.take());
    for (path, content) in done.created {
        tree.add(&path, Text::from(content));
    }
}

/// The tree's files with `fixes` applied, or `None` when a result would not parse, or a fix
/// would create a file that exists.
fn try_apply_tree(tree: &TreeTexts, settings: &Settings, fixes: &[&Fix]) -> Option<TreeApplied> {
    let mut done = TreeApplied {
        texts: Vec::new(),
        environment: None,
        created: Vec::new(),
    };
    for (target, edits) in by_target(fixes) {
        match target {
            Target::File(FileId::ENVIRONMENT) => {
                done.environment = Some(fixed_environment(settings, &edits)?);
            }
            Target::File(id) => {
                let file = tree.files.get(id.index())?;
                let old = file.text.as_ref().ok()?;
                let text = Text::from(apply(old, &edits));
                Document::parse_yaml(text.clone(), FileId::LINTED).ok()?;
                done.texts.push((id.index(), text));
            }
            Target::New(path) => {
                let on_disk = tree.dir.path.join(&**path);
                if tree.find(path).is_some() || on_disk.exists() {
                    return None;
                }
                done.created.push(new_file(path, &edits)?);
            }
        }
    }
    Some(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Span;

    fn environment() -> Settings {
        let text = br#"{"name": "E", "values": [{"key": "u", "value": "x"}]}"#;
        Settings {
            environment: Some(VariablesFile::read("e.json", text.to_vec(), "environment").unwrap()),
            globals: None,
        }
    }

    #[test]
    fn two_headers_added_to_one_list_go_in_one_pass() {
        // SS004 and SS010 both add to the same header list: one with a header already,
        // an empty one, and each in a pretty and a one-line file.
        let request = |header: &str| {
            format!(
                r#"{{"name": "Create", "request": {{"method": "POST", "header": {header},
                "body": {{"mode": "raw", "raw": "{{\"data\": {{}}}}"}},
                "url": "https://api.scopestack.io/acme/v1/clients"}}}}"#
            )
        };
        let pretty = format!(
            "{{\n  \"info\": {{\"name\": \"C\", \"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"}},\n  \"item\": [\n    {},\n    {}\n  ]\n}}\n",
            request(r#"[{"key": "X-Trace", "value": "1"}]"#),
            request("[]"),
        );
        let one_line: String = pretty.lines().map(str::trim).collect();
        for text in [pretty, one_line] {
            let fixed = fix_text(
                "c.json",
                Text::from(text.as_str()),
                0,
                true,
                &mut Settings::default(),
                RuleOptions {
                    config: &crate::config::Config::default(),
                    overrides: &crate::config::Overrides::default(),
                    path: None,
                    snippets: false,
                },
                false,
            );
            assert_eq!(fixed.passes.len(), 1, "{text}\n{}", &*fixed.text);
            assert_eq!(fixed.applied, 4);
            let doc = crate::load::parse(&fixed.text).unwrap();
            let value = doc.to_value(doc.root());
            let keys = |i: usize| -> Vec<String> {
                value["item"][i]["request"]["header"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h["key"].as_str().unwrap().to_owned())
                    .collect()
            };
            assert_eq!(keys(0), ["X-Trace", "Accept", "Content-Type"]);
            assert_eq!(keys(1), ["Accept", "Content-Type"]);
        }
    }

    #[test]
    fn fixes_that_break_a_file_together_are_applied_as_far_as_they_go() {
        // Each alone is valid; `a` and `b` together make `["\xb"]`; `c` breaks it alone.
        let text = Text::from(r#"["nb"]"#);
        let a = Fix::safe("a", vec![Edit::insert(2, "\\")]);
        let b = Fix::safe("b", vec![Edit::replace(Span::new(2, 3), "x")]);
        let c = Fix::safe("c", vec![Edit::replace(Span::new(0, 1), "{")]);
        let settings = Settings::default();
        let none = BTreeMap::new();
        assert!(try_apply("f.json", &text, &settings, &none, &[&a, &b]).is_none());
        let (done, kept, broken) =
            apply_compatible("f.json", &text, &settings, &none, &[&a, &b, &c]);
        assert_eq!(&*done.unwrap().text, r#"["\nb"]"#);
        assert_eq!(kept, [&a]);
        // `b` waits for the next pass, where its place is found again.
        assert_eq!(broken, [&c]);
        // The first that works alone is kept whatever comes before it.
        let (done, kept, broken) =
            apply_compatible("f.json", &text, &settings, &none, &[&c, &b, &a]);
        assert_eq!(&*done.unwrap().text, r#"["xb"]"#);
        assert_eq!((kept, broken), (vec![&b], vec![&c]));
    }

    #[test]
    fn one_set_of_fixes_edits_every_file_it_names_and_creates_files() {
        let settings = environment();
        let env_value = settings
            .environment
            .as_ref()
            .unwrap()
            .text()
            .find("\"x\"")
            .unwrap();
        let fix = Fix::safe(
            "t",
            vec![
                Edit::replace(Span::new(1, 2), "2"),
                Edit::replace(Span::new(env_value, env_value + 3), "\"y\"")
                    .in_file(FileId::ENVIRONMENT),
                Edit::create("token.json", "{\"a\": "),
                Edit::create("token.json", "1}\n"),
            ],
        );
        let done = try_apply(
            "f.json",
            &Text::from("[1]"),
            &settings,
            &BTreeMap::new(),
            &[&fix],
        )
        .unwrap();
        assert_eq!(&*done.text, "[2]");
        assert!(done.environment.unwrap().text().contains("\"y\""));
        assert_eq!(
            done.created,
            [("token.json".into(), "{\"a\": 1}\n".to_owned())]
        );
    }

    #[test]
    fn a_file_is_created_only_once_and_only_when_it_parses() {
        let settings = Settings::default();
        let applies = |made: &BTreeMap<Arc<str>, String>, fix: &Fix| {
            try_apply("f.json", &Text::from("[]"), &settings, made, &[fix]).is_some()
        };
        let create = |path: &str, text: &str| Fix::safe("t", vec![Edit::create(path, text)]);
        let none = BTreeMap::new();
        let ok = create("a.json", "{}");
        assert!(applies(&none, &ok));
        let made = BTreeMap::from([(Arc::from("a.json"), "{}".to_owned())]);
        assert!(!applies(&made, &ok));
        assert!(!applies(&none, &create("b.json", "{")));
        // YAML is checked with the YAML parser; a kind without a parser is never created.
        assert!(applies(&none, &create("c.yaml", "a: 1")));
        assert!(!applies(&none, &create("c.yaml", "a: {{b}}")));
        assert!(!applies(&none, &create("c.txt", "a")));
        // A fix whose result does not parse is not applied (`[]` would become `{]`).
        let breaks = Fix::safe("t", vec![Edit::replace(Span::new(0, 1), "{")]);
        assert!(!applies(&none, &breaks));
        let keeps = Fix::safe("t", vec![Edit::replace(Span::new(0, 2), "[1]")]);
        assert!(applies(&none, &keeps));
        // An edit to the environment without an environment file cannot apply.
        let env = Fix::safe("t", vec![Edit::insert(0, " ").in_file(FileId::ENVIRONMENT)]);
        assert!(!applies(&none, &env));
    }
}
