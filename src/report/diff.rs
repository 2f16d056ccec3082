//! `--diff`: unified diffs (`a/` and `b/` headers with the file's path) of what `--fix`
//! changes. Secrets are masked on both sides, so a diff never prints one either.

use similar::TextDiff;

use crate::secrets::{masked, masked_yaml};

/// A unified diff of `old` → `new` for `path` with three lines of context; empty when equal.
pub fn unified(path: &str, old: &str, new: &str, color: bool) -> String {
    if old == new {
        return String::new();
    }
    let (old, new) = if crate::load::is_yaml_name(path) {
        yaml_sides(old, new)
    } else {
        (masked(old), masked(new))
    };
    // `a/` and `b/` prefix a relative path, as git writes it.
    let path = relative(path);
    let diff = TextDiff::from_lines(&old, &new);
    let mut text = format!("--- a/{path}\n+++ b/{path}\n");
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        text.push_str(&format!("{}\n", hunk.header()));
        for change in hunk.iter_changes() {
            push_line(
                &mut text,
                &change.tag().to_string(),
                &change.to_string_lossy(),
            );
        }
    }
    painted(text, color)
}

/// Both sides of a YAML file masked alike: by their structure when both parse, else line by
/// line (one side may not parse: SS014's fix).
fn yaml_sides(old: &str, new: &str) -> (String, String) {
    let parsed = |t: &str| {
        crate::document::Document::parse_yaml(
            crate::text::Text::from(t),
            crate::source::FileId::LINTED,
        )
        .ok()
    };
    match (parsed(old), parsed(new)) {
        (Some(a), Some(b)) => (masked_doc(&a), masked_doc(&b)),
        _ => (masked_yaml(old), masked_yaml(new)),
    }
}

fn masked_doc(doc: &crate::document::Document) -> String {
    let text = doc.text();
    let spans = crate::secrets::secret_spans(doc, &[crate::source::Span::new(0, text.len())]);
    crate::source::mask_spans(text, &spans)
}

/// A unified diff creating `path` with `text`, as git writes one (`--- /dev/null`).
pub fn created(path: &str, text: &str, color: bool) -> String {
    let text = if crate::load::is_yaml_name(path) {
        yaml_sides(text, text).1
    } else {
        masked(text)
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = format!(
        "--- /dev/null\n+++ b/{}\n@@ -0,0 +1,{} @@\n",
        relative(path),
        lines.len()
    );
    for line in lines {
        push_line(&mut out, "+", line);
    }
    painted(out, color)
}

fn relative(path: &str) -> &str {
    path.trim_start_matches("./").trim_start_matches('/')
}

fn push_line(text: &mut String, tag: &str, line: &str) {
    text.push_str(tag);
    text.push_str(line);
    // As git prints it: the marker on its own line, so nothing runs into the text that
    // follows (`}Would fix 1 problem.`).
    if !line.ends_with('\n') {
        text.push_str("\n\\ No newline at end of file\n");
    }
}

fn painted(diff: String, color: bool) -> String {
    if color {
        colorize(&diff)
    } else {
        diff
    }
}

fn colorize(diff: &str) -> String {
    diff.split_inclusive('\n')
        .map(|line| {
            let code = if line.starts_with("+++") || line.starts_with("---") {
                "1"
            } else if line.starts_with('+') {
                "32"
            } else if line.starts_with('-') {
                "31"
            } else if line.starts_with("@@") {
                "36"
            } else {
                return line.to_owned();
            };
            let body = line.trim_end_matches('\n');
            let end = &line[body.len()..];
            format!("\u{1b}[{code}m{body}\u{1b}[0m{end}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_with_a_and_b_headers_and_masks_secrets() {
        let old = "{\n\t\"a\": 1,\n\t\"password\": \"hunter2\"\n}\n";
        let new = "{\n\t\"a\": 2,\n\t\"password\": \"hunter2\"\n}\n";
        let d = unified("./x/c.json", old, new, false);
        assert!(d.starts_with("--- a/x/c.json\n+++ b/x/c.json\n@@"), "{d}");
        assert!(d.contains("-\t\"a\": 1,\n+\t\"a\": 2,\n"), "{d}");
        assert!(!d.contains("hunter2"), "{d}");
        assert_eq!(unified("c", old, old, false), "");
        assert!(unified("c", old, new, true).contains("\u{1b}[32m+\t\"a\": 2,\u{1b}[0m\n"));
    }

    #[test]
    fn a_last_line_without_newline_is_marked_as_git_does() {
        for (old, new) in [
            ("{\n\t\"a\": 1\n}", "{\n\t\"a\": 2\n}"),
            ("{\"a\": 1}", "{\"a\": 2}"),
            ("{\n\t\"a\": 1\n}", "{\n\t\"a\": 2\n}\n"),
        ] {
            let d = unified("c", old, new, false);
            assert!(d.ends_with('\n'), "{d:?}");
            for line in d.lines() {
                assert!(
                    line.starts_with(['-', '+', ' ', '@', '\\']),
                    "a line runs on: {line:?} in {d:?}"
                );
            }
            let marks = d.matches("\\ No newline at end of file\n").count();
            let expected = usize::from(!old.ends_with('\n')) + usize::from(!new.ends_with('\n'));
            // A context line shared by both sides is marked once.
            assert!(marks >= 1 && marks <= expected, "{d:?}");
        }
    }

    #[test]
    fn a_created_file_diffs_from_dev_null_and_git_applies_it() {
        let text = "{\n\t\"password\": \"hunter2\",\n\t\"a\": 1\n}";
        let d = created("./x/new.json", text, false);
        assert!(
            d.starts_with("--- /dev/null\n+++ b/x/new.json\n@@ -0,0 +1,4 @@\n+{\n"),
            "{d}"
        );
        assert!(d.ends_with("+}\n\\ No newline at end of file\n"), "{d}");
        assert!(!d.contains("hunter2"), "{d}");
        // The real `git apply` makes the file from it (masked, as the diff shows it).
        let dir = tempfile::tempdir().unwrap();
        let patch = dir.path().join("p.diff");
        std::fs::write(&patch, &d).unwrap();
        let status = std::process::Command::new("git")
            .args(["apply", "--unsafe-paths", "p.diff"])
            .current_dir(dir.path())
            .status();
        match status {
            Ok(s) => {
                assert!(s.success());
                let made = std::fs::read_to_string(dir.path().join("x/new.json")).unwrap();
                assert_eq!(made, crate::secrets::masked(text));
            }
            Err(e) => assert!(std::env::var_os("CI").is_none(), "git is missing: {e}"),
        }
    }
}
