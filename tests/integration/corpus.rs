//! Real exports from public projects (`../shared/corpus`, outside the repository): none talks
//! to ScopeStack, so no ScopeStack rule may fire; none may crash scopelint; and the JSON
//! parser must agree with serde_json on every file. Skips when the corpus is absent.

use std::path::Path;

use crate::common::{check_json, corpus_or_skip, files_in};

/// Findings of ScopeStack rules (not file errors).
fn rule_findings(report: &serde_json::Value) -> Vec<&serde_json::Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            // Only the hard-coded-secret rule may fire: the corpus carries sample credentials.
            let code = d["code"].as_str().unwrap();
            code.starts_with("SS") && code != "SS011"
        })
        .collect()
}

fn serde_accepts(bytes: &[u8]) -> Option<serde_json::Value> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    serde_json::from_slice(bytes).ok()
}

#[test]
fn postman_corpus_lints_cleanly() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let mut linted = 0;
    for dir in ["postman", "postman-env"] {
        for file in files_in(&corpus.join(dir)) {
            let path = file.to_str().unwrap();
            let (report, run) = check_json(&[path]);
            assert!(!run.stderr.contains("panicked"), "{path}: {}", run.stderr);
            assert_eq!(
                rule_findings(&report).len(),
                0,
                "{path}: false alarm {report}"
            );
            let valid = serde_accepts(&std::fs::read(&file).unwrap()).is_some();
            if valid {
                // 1 only for sample credentials (SS011).
                assert!(
                    matches!(run.code, 0 | 1),
                    "{path}: exit {} {report} {}",
                    run.code,
                    run.stderr
                );
                linted += report["files"].as_u64().unwrap();
            } else {
                assert_eq!(run.code, 2, "{path}");
                let code = report["diagnostics"][0]["code"].as_str().unwrap();
                assert!(
                    code == "scopelint::json" || code == "scopelint::encoding",
                    "{path}: {code}"
                );
            }
        }
    }
    assert!(
        linted > 150,
        "only {linted} corpus files were recognised and linted"
    );
}

#[test]
fn broken_and_har_files_never_crash() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    for dir in ["broken", "har"] {
        for file in files_in(&corpus.join(dir)) {
            let path = file.to_str().unwrap();
            let (report, run) = check_json(&[path]);
            assert!(matches!(run.code, 0 | 2), "{path}: exit {}", run.code);
            assert!(!run.stderr.contains("panicked"), "{path}");
            assert_eq!(rule_findings(&report).len(), 0, "{path}");
            let name = file.file_name().unwrap().to_str().unwrap();
            if name.contains("bom-in-collection") {
                assert_eq!(
                    (run.code, report["files"].as_u64()),
                    (0, Some(1)),
                    "a BOM is linted normally"
                );
            }
        }
    }
}

#[test]
fn directory_walk_of_the_whole_corpus() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let (report, run) = check_json(&[corpus.to_str().unwrap()]);
    assert!(!run.stderr.contains("panicked"));
    assert_eq!(rule_findings(&report).len(), 0);
    assert!(report["files"].as_u64().unwrap() > 150);
}

/// The parser accepts exactly what serde_json accepts, and reads the same values.
#[test]
fn parser_agrees_with_serde_json_on_every_corpus_file() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let mut compared = 0;
    for dir in ["postman", "postman-env", "har", "broken", "schema"] {
        for file in files_in(&corpus.join(dir)) {
            compare(&file);
            compared += 1;
        }
    }
    assert!(compared > 250);
}

fn compare(file: &Path) {
    let bytes = std::fs::read(file).unwrap();
    let theirs = serde_accepts(&bytes);
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let ours = std::str::from_utf8(body)
        .ok()
        .and_then(scopelint::parse_json);
    match (ours, theirs) {
        (Some(ours), Some(value)) => assert!(ours == value, "{}: values differ", file.display()),
        (None, None) => {}
        (ours, _) => panic!(
            "{}: scopelint {} it, serde_json does not",
            file.display(),
            if ours.is_some() { "accepts" } else { "rejects" }
        ),
    }
}

/// `--fix` (into a copy) on every corpus file and example, and `redact` on every HAR: no panic,
/// no unexpected exit, and a file that was not fixed stays byte-identical.
#[test]
fn fix_and_redact_never_crash_on_the_corpus_or_the_examples() {
    let mut files: Vec<std::path::PathBuf> = files_in(&crate::common::repo().join("examples"));
    files.extend(files_in(&crate::common::repo().join("examples/har")));
    // The examples are checked either way; the corpus's files too when it is there.
    if let Some(corpus) = corpus_or_skip() {
        for dir in ["broken", "har", "postman", "postman-env"] {
            files.extend(files_in(&corpus.join(dir)));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    for (i, file) in files.iter().enumerate() {
        let name = file.file_name().unwrap().to_str().unwrap();
        let copy = dir.path().join(format!("{i}-{name}"));
        std::fs::copy(file, &copy).unwrap();
        let r = crate::common::run(&["check", "--fix", copy.to_str().unwrap()]);
        assert!(matches!(r.code, 0..=2), "{name}: exit {}", r.code);
        assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
        if r.code == 2 {
            // An error (not a collection, invalid JSON, ...) leaves the file as it was.
            assert_eq!(
                std::fs::read(&copy).unwrap(),
                std::fs::read(file).unwrap(),
                "{name}"
            );
        }
        if name.ends_with(".har") {
            let out = dir.path().join(format!("{i}.redacted.har"));
            let r = crate::common::run(&[
                "redact",
                file.to_str().unwrap(),
                "--output",
                out.to_str().unwrap(),
            ]);
            assert!(matches!(r.code, 0 | 2), "{name}: redact exit {}", r.code);
            assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
            if r.code == 0 {
                let text = std::fs::read(&out).unwrap();
                // The copy keeps the original's byte-order mark, which serde_json rejects.
                let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
                assert!(
                    serde_json::from_slice::<serde_json::Value>(text).is_ok(),
                    "{name}: the redacted copy is not JSON"
                );
            } else {
                assert!(!out.exists(), "{name}: a failed redact left a file");
            }
        }
    }
    assert!(files.len() > 10);
}
