//! Which files to lint: the paths given, and under directories every JSON file (walked in
//! name order for stable output), skipping `.git`, `target` and `node_modules`.

use crate::console::io_message;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    /// A path that could not be walked (kept in order with the files).
    Unreadable {
        path: String,
        message: String,
    },
    /// A Postman v12 collection (a folder of YAML files): checked as a whole; `only`, when
    /// files of it were named on the command line, says which to report on.
    Tree {
        root: PathBuf,
        only: Option<Vec<PathBuf>>,
    },
    File {
        path: PathBuf,
        /// Named on the command line (not found in a directory).
        explicit: bool,
    },
    /// Something to tell the user about the walk (a `localResources` entry that is not
    /// there): a note, not an error.
    Note(String),
}

/// The inputs in the order the paths were given (directories in name order).
pub fn discover(paths: &[PathBuf]) -> Vec<Input> {
    let mut inputs = Vec::new();
    let mut manifests = false;
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() && crate::tree::is_root(path) => inputs.push(Input::Tree {
                root: path.clone(),
                only: None,
            }),
            Ok(meta) if meta.is_dir() => manifests |= walk(path, &mut inputs),
            Ok(_) if crate::tree::is_tree_file(path) => match crate::tree::root_above(path) {
                Some(root) => add_to_tree(&mut inputs, root, path),
                None => inputs.push(Input::File {
                    path: path.clone(),
                    explicit: true,
                }),
            },
            Ok(_) => inputs.push(Input::File {
                path: path.clone(),
                explicit: true,
            }),
            Err(e) => inputs.push(Input::Unreadable {
                path: path.display().to_string(),
                message: io_message(&e),
            }),
        }
    }
    // One walk of one folder finds each file once; more paths, or a workspace's
    // localResources, may meet again.
    if paths.len() > 1 || manifests {
        dedupe(inputs)
    } else {
        inputs
    }
}

/// Each collection and file once (a `localResources` entry may name what the walk finds
/// too), in the order first found; a collection inside another is one of its folders (a
/// folder's definition says `$kind: collection` too), not a collection of its own.
fn dedupe(inputs: Vec<Input>) -> Vec<Input> {
    // Each input's canonical path (once: a system call each), for the trees and files.
    let keyed: Vec<(Input, Option<PathBuf>)> = inputs
        .into_iter()
        .map(|input| {
            let path = match &input {
                Input::Tree { root, only: None } => Some(root),
                Input::File { path, .. } => Some(path),
                _ => None,
            };
            let key = path.map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()));
            (input, key)
        })
        .collect();
    let roots: Vec<PathBuf> = keyed
        .iter()
        .filter(|(i, _)| matches!(i, Input::Tree { .. }))
        .filter_map(|(_, key)| key.clone())
        .collect();
    let mut seen = std::collections::HashSet::new();
    keyed
        .into_iter()
        .filter(|(input, key)| match key {
            None => true,
            Some(root) if matches!(input, Input::Tree { .. }) => {
                !roots.iter().any(|r| r != root && root.starts_with(r)) && seen.insert(root.clone())
            }
            Some(path) => seen.insert(path.clone()),
        })
        .map(|(input, _)| input)
        .collect()
}

/// The collections and environments a Postman workspace keeps outside `postman/`: the
/// `localResources` of its `.postman/resources.yaml` (paths relative to `.postman/`).
fn local_resources(manifest: &Path, inputs: &mut Vec<Input>) {
    let Some(base) = manifest.parent() else {
        return;
    };
    let Some(doc) = std::fs::read(manifest)
        .ok()
        .and_then(|b| crate::load::decode(b).ok())
        .and_then(|d| {
            crate::document::Document::parse_yaml(d.text, crate::source::FileId::LINTED).ok()
        })
    else {
        return;
    };
    let Some(local) = doc.get(doc.root(), "localResources") else {
        return;
    };
    let mut missing = Vec::new();
    for kind in ["collections", "environments"] {
        let Some(list) = doc.get(local, kind) else {
            continue;
        };
        for entry in doc.elements(list) {
            let Some(rel) = doc.as_str(entry) else {
                continue;
            };
            let path = base.join(&*rel);
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => inputs.push(Input::Tree {
                    root: path,
                    only: None,
                }),
                Ok(_) => inputs.push(Input::File {
                    path,
                    explicit: false,
                }),
                Err(_) => missing.push(rel.into_owned()),
            }
        }
    }
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(3).map(|m| format!("`{m}`")).collect();
        let more = match missing.len() {
            n if n > 3 => format!(" and {} more", n - 3),
            _ => String::new(),
        };
        inputs.push(Input::Note(format!(
            "{} lists {} in localResources that {} not there: {}{more}",
            manifest.display(),
            if missing.len() == 1 {
                "a resource".to_owned()
            } else {
                format!("{} resources", missing.len())
            },
            if missing.len() == 1 { "is" } else { "are" },
            shown.join(", "),
        )));
    }
}

/// A file of a collection tree named on the command line (as pre-commit passes changed
/// files): the tree is checked once, and reported on for the files named.
fn add_to_tree(inputs: &mut Vec<Input>, root: PathBuf, file: &Path) {
    let file = file.to_owned();
    for input in inputs.iter_mut() {
        if let Input::Tree {
            root: r,
            only: Some(files),
        } = input
        {
            if *r == root {
                files.push(file);
                return;
            }
        }
    }
    inputs.push(Input::Tree {
        root,
        only: Some(vec![file]),
    });
}

/// Walks `dir`; whether it met a workspace manifest (`.postman/resources.yaml`).
fn walk(dir: &Path, inputs: &mut Vec<Input>) -> bool {
    let mut manifests = false;
    let mut walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_dir()
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
        });
    while let Some(entry) = walker.next() {
        // A collection tree is one input, not a file each.
        if let Ok(e) = &entry {
            if e.file_type().is_dir() && crate::tree::is_root(e.path()) {
                inputs.push(Input::Tree {
                    root: e.path().to_owned(),
                    only: None,
                });
                walker.skip_current_dir();
                continue;
            }
        }
        match entry {
            Ok(e) if e.file_type().is_file() && is_workspace_manifest(e.path()) => {
                local_resources(e.path(), inputs);
                manifests = true;
            }
            Ok(e) if e.file_type().is_file() && is_candidate(e.path()) => {
                inputs.push(Input::File {
                    path: e.into_path(),
                    explicit: false,
                });
            }
            Ok(_) => {}
            Err(e) => inputs.push(Input::Unreadable {
                path: e
                    .path()
                    .map_or_else(|| dir.display().to_string(), |p| p.display().to_string()),
                message: e.io_error().map_or_else(|| e.to_string(), io_message),
            }),
        }
    }
    manifests
}

/// `.postman/resources.yaml`, where a Postman workspace lists its resources.
fn is_workspace_manifest(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str());
    matches!(name, Some("resources.yaml" | "resources.yml"))
        && path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|n| n == ".postman")
}

/// Files in a directory that may be Postman exports: JSON, HAR, and Postman v12's YAML
/// environments and globals.
fn is_candidate(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    name.ends_with(".json") || name.ends_with(".har") || crate::load::is_yaml_variables_name(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_json_in_name_order_and_skips_build_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "b.json",
            "a.postman_collection.json",
            "c.txt",
            "sub/d.JSON",
            "node_modules/x.json",
            "target/y.json",
            ".git/z.json",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "{}").unwrap();
        }
        let inputs = discover(&[root.to_path_buf()]);
        let names: Vec<_> = inputs
            .iter()
            .map(|i| match i {
                Input::File { path, explicit } => {
                    assert!(!explicit);
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(names, ["a.postman_collection.json", "b.json", "sub/d.JSON"]);
    }

    #[test]
    fn missing_paths_are_errors() {
        let inputs = discover(&[PathBuf::from("/definitely/not/here.json")]);
        assert!(
            matches!(&inputs[..], [Input::Unreadable { message, .. }] if message == "No such file or directory")
        );
    }
}
