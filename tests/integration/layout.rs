//! The source layout README describes, checked: data flows one way between the top-level
//! modules (no import cycle), and no rule module is reached from outside its own file and the
//! registry.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::repo;

/// Each `.rs` file under `src/` with its text, test modules left out.
fn sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![repo().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let text = match text.find("#[cfg(test)]") {
                    Some(i) => text[..i].to_owned(),
                    None => text,
                };
                let rel = path.strip_prefix(repo().join("src")).unwrap();
                out.push((rel.to_string_lossy().replace('\\', "/"), text));
            }
        }
    }
    out
}

/// The top-level module a file belongs to (`rules` for `rules/cure.rs`).
fn top_module(rel: &str) -> String {
    let first = rel.split('/').next().unwrap();
    first.trim_end_matches(".rs").to_owned()
}

fn ident_at(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Top-level modules a file's code names: `crate::x` paths, and `use crate::{x, y::z}`.
fn named_modules(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for part in group.split(',') {
                let name = ident_at(part.trim());
                if !name.is_empty() {
                    out.insert(name.to_owned());
                }
            }
        } else {
            out.insert(ident_at(rest).to_owned());
        }
    }
    out
}

#[test]
fn modules_import_each_other_in_one_direction_only() {
    let files = sources();
    let modules: BTreeSet<String> = files.iter().map(|(rel, _)| top_module(rel)).collect();
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in &files {
        let me = top_module(rel);
        let named: Vec<String> = named_modules(text)
            .into_iter()
            .filter(|m| *m != me && modules.contains(m))
            .collect();
        deps.entry(me).or_default().extend(named);
    }
    assert!(deps.len() > 20, "{} modules found", deps.len());
    // Depth-first search for a path from each module back to itself.
    let mut cycles = Vec::new();
    for start in deps.keys() {
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in deps.get(&at).into_iter().flatten() {
                if next == start {
                    cycles.push(format!("{} -> {start}", path.join(" -> ")));
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn rule_modules_are_reached_only_through_the_registry() {
    let files = sources();
    let rules: Vec<String> = files
        .iter()
        .filter(|(rel, text)| {
            rel.starts_with("rules/") && rel != "rules/mod.rs" && text.contains("static RULE:")
        })
        .map(|(rel, _)| {
            Path::new(rel)
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(rules.len() >= 13, "{rules:?}");
    let mut reached = Vec::new();
    for (rel, text) in &files {
        for rule in &rules {
            let own = rel == &format!("rules/{rule}.rs") || rel == "rules/mod.rs";
            if !own && text.contains(&format!("{rule}::")) {
                reached.push(format!("src/{rel} reaches into rules/{rule}.rs"));
            }
        }
    }
    assert!(reached.is_empty(), "{}", reached.join("\n"));
}

/// Rules say what to change (a value, a member, an element) and the editor writes it in the
/// file's own syntax and layout: no rule writes an edit's text itself.
#[test]
fn rules_edit_through_the_editor() {
    let mut raw = Vec::new();
    for (rel, text) in sources() {
        if rel.starts_with("rules/")
            && (text.contains("Edit::replace(") || text.contains("Edit::insert("))
        {
            raw.push(format!("src/{rel}"));
        }
    }
    assert!(raw.is_empty(), "edits written by hand in {raw:?}");
}

/// README's rule table names every rule of the registry, by code and name, in code order.
#[test]
fn readme_lists_every_rule() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut last = 0;
    for (code, name) in scopelint::rules() {
        let row = format!("| {code} | `{name}` |");
        let at = readme
            .find(&row)
            .unwrap_or_else(|| panic!("README's rule table has no row `{row}`"));
        assert!(at > last, "{code} is out of order in README's rule table");
        last = at;
    }
}
