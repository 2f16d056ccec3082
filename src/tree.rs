//! Postman v12's collections on disk (collections schema 3.0.0): a collection is a folder of
//! YAML files. Finding a collection's root folder, and the files it is made of.

use std::path::{Path, PathBuf};

/// A folder of a collection tree: its definition, its requests and its sub-folders.
#[derive(Clone, Debug)]
pub struct TreeDir {
    pub path: PathBuf,
    /// `.resources/definition.yaml` (or `.yml`), when there is one.
    pub definition: Option<PathBuf>,
    /// `*.request.yaml` and `*.request.yml`, in name order.
    pub requests: Vec<PathBuf>,
    /// Saved examples (`.resources/<Request>.resources/examples/*.example.yaml`), in name
    /// order.
    pub examples: Vec<PathBuf>,
    pub dirs: Vec<TreeDir>,
}

impl TreeDir {
    /// Every file of the tree, definitions first, in a stable order.
    pub fn files(&self) -> Vec<&Path> {
        let mut out: Vec<&Path> = self.definition.iter().map(PathBuf::as_path).collect();
        out.extend(self.requests.iter().map(PathBuf::as_path));
        out.extend(self.examples.iter().map(PathBuf::as_path));
        for d in &self.dirs {
            out.extend(d.files());
        }
        out
    }
}

/// The definition file of a folder, when it has one.
fn definition_of(dir: &Path) -> Option<PathBuf> {
    ["definition.yaml", "definition.yml"]
        .iter()
        .map(|n| dir.join(".resources").join(n))
        .find(|p| p.is_file())
}

/// Whether `dir` is the root of a v3 collection: a direct child of `postman/collections/`, or
/// a folder whose definition says `$kind: collection` (the walk that asks does not descend
/// into a root, so a folder inside one is never taken for another).
pub fn is_root(dir: &Path) -> bool {
    let parent = dir.parent();
    let in_collections = parent
        .and_then(Path::file_name)
        .is_some_and(|n| n == "collections")
        && parent
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .is_some_and(|n| n == "postman");
    in_collections
        || definition_of(dir)
            .and_then(|d| std::fs::read_to_string(d).ok())
            .is_some_and(|t| t.lines().any(|l| l.trim() == "$kind: collection"))
}

/// Whether a file belongs to a v3 collection by its name: a request or a definition.
pub fn is_tree_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let in_resources = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n == ".resources");
    let in_examples = path
        .parent()
        .filter(|p| p.file_name().is_some_and(|n| n == "examples"))
        .and_then(Path::parent)
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .is_some_and(|n| n == ".resources");
    is_request_file(path)
        || (in_resources && matches!(name.as_str(), "definition.yaml" | "definition.yml"))
        || (in_examples && (name.ends_with(".example.yaml") || name.ends_with(".example.yml")))
}

/// Whether a file is a request of a v3 collection by its name.
pub fn is_request_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    name.ends_with(".request.yaml") || name.ends_with(".request.yml")
}

/// A folder's saved examples: `.resources/*.resources/examples/*.example.yaml`.
fn examples_of(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir.join(".resources")) else {
        return out;
    };
    for e in entries.filter_map(Result::ok) {
        let examples = e.path().join("examples");
        let Ok(files) = std::fs::read_dir(&examples) else {
            continue;
        };
        out.extend(
            files
                .filter_map(|f| f.ok().map(|f| f.path()))
                .filter(|p| p.is_file() && is_tree_file(p)),
        );
    }
    out.sort();
    out
}

/// The root of the collection a request or definition file belongs to: the outermost folder
/// above it that is a root, written as the file's path was (relative stays relative), so that
/// reports name files as the user did.
pub fn root_above(file: &Path) -> Option<PathBuf> {
    let canonical = std::fs::canonicalize(file).ok()?;
    let mut found = None;
    let mut levels = 0;
    let mut dir = canonical.parent();
    while let Some(d) = dir {
        levels += 1;
        if d.file_name().is_some_and(|n| n != ".resources") && is_root(d) {
            found = Some((d.to_owned(), levels));
        }
        dir = d.parent();
    }
    let (root, levels) = found?;
    // The same folder, reached from the path as given when it reaches that far up.
    let mut lexical = Some(file);
    for _ in 0..levels {
        lexical = lexical.and_then(Path::parent);
    }
    match lexical {
        Some(p) if !p.as_os_str().is_empty() => Some(p.to_owned()),
        _ => Some(root),
    }
}

/// The files of the collection rooted at `root`.
pub fn scan(root: &Path) -> std::io::Result<TreeDir> {
    let mut requests = Vec::new();
    let mut dirs = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(root)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            // `.resources` holds definitions and saved examples, never requests.
            if !name.starts_with('.') {
                dirs.push(scan(&path)?);
            }
        } else if is_request_file(&path) {
            requests.push(path);
        }
    }
    Ok(TreeDir {
        path: root.to_owned(),
        definition: definition_of(root),
        examples: examples_of(root),
        requests,
        dirs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_roots_and_their_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("postman/collections/API");
        std::fs::create_dir_all(root.join(".resources")).unwrap();
        std::fs::create_dir_all(root.join("Clients/.resources")).unwrap();
        std::fs::write(
            root.join(".resources/definition.yaml"),
            "$kind: collection\n",
        )
        .unwrap();
        std::fs::write(
            root.join("Clients/.resources/definition.yaml"),
            "$kind: collection\norder: 1\n",
        )
        .unwrap();
        std::fs::write(
            root.join("Clients/List.request.yaml"),
            "$kind: http-request\n",
        )
        .unwrap();
        std::fs::write(root.join("Me.request.yml"), "$kind: http-request\n").unwrap();
        std::fs::write(root.join("notes.yaml"), "a: 1\n").unwrap();
        assert!(is_root(&root));
        assert!(
            !is_root(&root.join("Clients"))
                || root_above(&root.join("Clients/List.request.yaml"))
                    .unwrap()
                    .ends_with("API")
        );
        let found = root_above(&root.join("Clients/List.request.yaml")).unwrap();
        assert!(found.ends_with("postman/collections/API"), "{found:?}");
        let tree = scan(&root).unwrap();
        let files: Vec<String> = tree
            .files()
            .iter()
            .map(|p| p.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        assert_eq!(
            files,
            [
                ".resources/definition.yaml",
                "Me.request.yml",
                "Clients/.resources/definition.yaml",
                "Clients/List.request.yaml"
            ]
        );
    }
}
