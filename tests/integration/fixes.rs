//! `--fix` and `--diff`: every example's diff, fixed forms that parse, re-lint clean and are
//! fixed points, edits confined to the lines they touch, the file's own layout kept, and safe
//! writes.

use std::path::Path;

use serde_json::Value;

use crate::common::{check_json, collection_files, files_in, repo, run, scopelint};

/// The broken examples (those with a committed fixed form in `examples/fixed/`).
fn broken_examples() -> Vec<String> {
    collection_files()
        .into_iter()
        .filter(|f| f.starts_with("examples/") && !f.contains("clean"))
        .collect()
}

fn copy_to(dir: &Path, file: &str) -> std::path::PathBuf {
    let to = dir.join(Path::new(file).file_name().unwrap());
    std::fs::copy(repo().join(file), &to).unwrap();
    to
}

#[test]
fn diff_of_every_example() {
    for file in collection_files()
        .iter()
        .filter(|f| f.starts_with("examples/"))
    {
        let before = std::fs::read(repo().join(file)).unwrap();
        let r = run(&["check", "--diff", file]);
        let name = file
            .trim_start_matches("examples/")
            .trim_end_matches(".postman_collection.json");
        insta::assert_snapshot!(format!("diff_{name}"), r.stdout);
        assert_eq!(
            std::fs::read(repo().join(file)).unwrap(),
            before,
            "--diff wrote {file}"
        );
        if file.contains("clean") {
            assert_eq!((r.code, r.stderr.as_str()), (0, "Nothing to fix.\n"));
        } else {
            assert_eq!(r.code, 1, "{file}");
            assert!(r.stderr.starts_with("Would fix "), "{}", r.stderr);
        }
    }
}

#[test]
fn fixed_examples_parse_relint_clean_and_are_fixed_points() {
    let dir = tempfile::tempdir().unwrap();
    for file in broken_examples() {
        let copy = copy_to(dir.path(), &file);
        let path = copy.to_str().unwrap();
        let r = run(&["check", "--fix", "--unsafe-fixes", path]);
        assert_eq!(r.code, 0, "{file}: {}", r.stdout);
        assert!(r.stdout.starts_with("Fixed "), "{}", r.stdout);
        let fixed = std::fs::read_to_string(&copy).unwrap();
        serde_json::from_str::<Value>(&fixed).unwrap_or_else(|e| panic!("{file}: {e}"));
        let (report, _) = check_json(&[path]);
        assert_eq!(
            report["diagnostics"].as_array().unwrap().len(),
            0,
            "{file}: {report}"
        );

        // A second run changes nothing, not even the modification time.
        let before = std::fs::metadata(&copy).unwrap().modified().unwrap();
        let again = run(&["check", "--fix", "--unsafe-fixes", path]);
        assert_eq!(
            again.stdout,
            "Nothing to fix. No problems found in 1 file.\n"
        );
        assert_eq!(std::fs::read_to_string(&copy).unwrap(), fixed);
        assert_eq!(
            std::fs::metadata(&copy).unwrap().modified().unwrap(),
            before
        );

        // examples/fixed holds exactly this result.
        let committed = repo()
            .join("examples/fixed")
            .join(copy.file_name().unwrap());
        assert_eq!(
            std::fs::read_to_string(committed).unwrap(),
            fixed,
            "examples/fixed is stale for {file}"
        );
    }
}

/// A wrong `Accept` value written with a variable: the fix would lose what the variable says
/// elsewhere, so it waits for `--unsafe-fixes` (a literal wrong value is fixed by `--fix`).
#[test]
fn safe_fixes_leave_unsafe_ones_for_review() {
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_to(
        dir.path(),
        "examples/missing-accept-header.postman_collection.json",
    );
    let text = std::fs::read_to_string(&copy).unwrap();
    std::fs::write(
        &copy,
        text.replace("\"application/json\"", "\"{{accept}}\""),
    )
    .unwrap();
    let path = copy.to_str().unwrap();
    let r = run(&["check", "--fix", path]);
    assert_eq!(r.code, 1);
    let (report, _) = check_json(&[path]);
    let left = &report["diagnostics"][0];
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(left["fix"]["applicability"], "unsafe");
    assert!(std::fs::read_to_string(&copy)
        .unwrap()
        .contains("\"{{accept}}\""));
    assert!(
        r.stdout.contains("(`--fix --unsafe-fixes`)"),
        "{}",
        r.stdout
    );
}

/// Every fixture, fixed in memory: each pass's edits touch only the lines they name; all other
/// lines stay byte for byte; the result converges.
#[test]
fn fixes_touch_only_the_lines_they_edit() {
    let env =
        std::fs::read(repo().join("tests/fixtures/env-staging.postman_environment.json")).unwrap();
    let mut checked = 0;
    for file in collection_files()
        .into_iter()
        .filter(|f| !f.contains("invalid"))
    {
        let text = std::fs::read_to_string(repo().join(&file)).unwrap();
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut checker = scopelint::Checker::new()
            .environment("env.json", env.clone())
            .unwrap()
            .unsafe_fixes(true);
        let fixed = checker.fix(&file, &text[bom..]);
        let mut current = text[bom..].to_owned();
        for edits in &fixed.passes {
            let next = scopelint::apply_edits(&current, edits);
            let touched: Vec<(usize, usize)> = edits
                .iter()
                .map(|e| {
                    (
                        line_of(&current, e.span.start),
                        line_of(&current, e.span.end),
                    )
                })
                .collect();
            // Each line no edit touches is in the result as it was, where the edits before
            // it moved it (a line diff would do, but it may align repeated lines, such as
            // the `"type": "text"` of neighbouring entries, on either side of a removal).
            let mut sorted: Vec<_> = edits.iter().collect();
            sorted.sort_by_key(|e| e.span.start);
            let mut at = 0;
            for (line, text) in current.split_inclusive('\n').enumerate() {
                let start = at;
                at += text.len();
                if touched.iter().any(|&(a, b)| a <= line && line <= b) {
                    continue;
                }
                let shift: isize = sorted
                    .iter()
                    .filter(|e| e.span.end <= start)
                    .map(|e| e.content.len() as isize - (e.span.end - e.span.start) as isize)
                    .sum();
                let moved = (start as isize + shift) as usize;
                assert_eq!(
                    next.get(moved..moved + text.len()),
                    Some(text),
                    "{file}: line {} changed outside every edit",
                    line + 1
                );
            }
            current = next;
            checked += 1;
        }
        assert_eq!(
            current, fixed.text,
            "{file}: the passes do not add up to the result"
        );
        let again = checker.fix(&file, &fixed.text);
        assert_eq!(again.applied, 0, "{file} is not a fixed point");
    }
    assert!(checked >= 40, "only {checked} passes checked");
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count()
}

#[test]
fn fixes_keep_crlf_spaces_escapes_and_the_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crlf.postman_collection.json");
    let text = "\u{feff}{\r\n  \"info\": {\r\n    \"name\": \"Caf\\u00e9 \u{e9}\",\r\n    \"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"\r\n  },\r\n  \"item\": [\r\n    {\r\n      \"name\": \"List clients\",\r\n      \"request\": {\r\n        \"method\": \"GET\",\r\n        \"header\": [],\r\n        \"url\": \"https://api.scopestack.io/{{account_slug}}/v1/clients?q=a\\/b\"\r\n      }\r\n    }\r\n  ]\r\n}\r\n";
    std::fs::write(&path, text).unwrap();
    let r = run(&[
        "check",
        "--fix",
        "--ignore",
        "SS012",
        path.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(fixed.starts_with('\u{feff}'), "BOM lost");
    assert!(
        !fixed.replace("\r\n", "").contains('\n'),
        "a bare newline was inserted:\n{fixed:?}"
    );
    assert!(
        fixed.contains("Caf\\u00e9 \u{e9}") && fixed.contains("q=a\\/b"),
        "escapes rewritten"
    );
    let expected_header = "\"header\": [\r\n          {\r\n            \"key\": \"Accept\",\r\n            \"value\": \"application\\/vnd.api+json\",\r\n            \"type\": \"text\"\r\n          }\r\n        ],\r\n";
    assert!(fixed.contains(expected_header), "{fixed}");
    // Outside the header list, nothing moved.
    let outside = |s: &str| {
        s.replace(expected_header, "")
            .replace("\"header\": [],\r\n", "")
    };
    assert_eq!(outside(&fixed), outside(text));
}

#[test]
fn files_without_findings_are_never_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_to(dir.path(), "examples/clean.postman_collection.json");
    let before = std::fs::metadata(&copy).unwrap();
    let r = run(&["check", "--fix", copy.to_str().unwrap()]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "Nothing to fix. No problems found in 1 file.\n")
    );
    let after = std::fs::metadata(&copy).unwrap();
    assert_eq!(after.modified().unwrap(), before.modified().unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        assert_eq!(after.ino(), before.ino(), "the file was replaced");
    }
}

#[test]
fn read_only_files_are_an_error_and_stay_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_to(
        dir.path(),
        "examples/password-helper.postman_collection.json",
    );
    let original = std::fs::read(&copy).unwrap();
    let mut perms = std::fs::metadata(&copy).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&copy, perms).unwrap();
    let other = copy_to(
        dir.path(),
        "examples/whole-response-token.postman_collection.json",
    );
    let r = run(&[
        "check",
        "--fix",
        copy.to_str().unwrap(),
        other.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    let (report, _) = check_json(&["--fix", copy.to_str().unwrap()]);
    assert_eq!(report["diagnostics"][0]["code"], "scopelint::write");
    assert_eq!(
        report["diagnostics"][0]["message"],
        "the file is read-only; nothing was written"
    );
    assert!(
        r.stdout
            .contains("error[scopelint::write]: unwritable-file"),
        "{}",
        r.stdout
    );
    assert_eq!(std::fs::read(&copy).unwrap(), original);
    // The other file was still fixed.
    assert!(std::fs::read_to_string(&other)
        .unwrap()
        .contains("pm.response.json().access_token"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "temporary files left: {leftovers:?}");
}

/// A small tmpfs, unmounted when the test ends however it ends.
#[cfg(target_os = "linux")]
struct Tmpfs(tempfile::TempDir);

#[cfg(target_os = "linux")]
impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(Tmpfs(dir))
    }
}

#[cfg(target_os = "linux")]
impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_the_original_intact() {
    use std::io::Write;
    let Some(disk) = Tmpfs::mount("256k") else {
        crate::common::skipped(
            crate::common::Missing::Capability,
            "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)",
        );
        return;
    };
    let copy = copy_to(
        disk.0.path(),
        "examples/password-helper.postman_collection.json",
    );
    let original = std::fs::read(&copy).unwrap();
    // Fill the disk to the last byte.
    let mut filler = std::fs::File::create(disk.0.path().join("filler")).unwrap();
    let block = vec![0u8; 4096];
    while filler.write_all(&block).is_ok() {}
    while filler.write_all(&block[..1]).is_ok() {}
    drop(filler);

    let (report, r) = check_json(&["--fix", copy.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{report}");
    let write_error = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "scopelint::write")
        .unwrap_or_else(|| panic!("no write error: {report}"));
    let message = write_error["message"].as_str().unwrap();
    assert!(message.contains("No space left on device"), "{message}");
    assert!(message.ends_with("nothing was changed"), "{message}");
    assert_eq!(std::fs::read(&copy).unwrap(), original);
    let mut names: Vec<_> = std::fs::read_dir(disk.0.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["filler", "password-helper.postman_collection.json"],
        "temporary files left behind"
    );
}

#[test]
fn stdin_fix_writes_the_fixed_text_to_stdout_and_the_report_to_stderr() {
    let input =
        std::fs::read(repo().join("examples/wrong-token-url.postman_collection.json")).unwrap();
    let out = scopelint()
        .args(["check", "--fix", "-"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let fixed = String::from_utf8(out.stdout).unwrap();
    let expected = std::fs::read_to_string(
        repo().join("examples/fixed/wrong-token-url.postman_collection.json"),
    )
    .unwrap();
    assert_eq!(fixed, expected);
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .starts_with("Fixed 1 problem."));

    // Nothing to fix: the text comes back as it was.
    let clean = std::fs::read(repo().join("examples/clean.postman_collection.json")).unwrap();
    let out = scopelint()
        .args(["check", "--fix", "-"])
        .write_stdin(clean.clone())
        .output()
        .unwrap();
    assert_eq!(out.stdout, clean);
}

#[test]
fn fix_and_diff_together_apply_and_show() {
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_to(
        dir.path(),
        "examples/whole-response-token.postman_collection.json",
    );
    let r = run(&["check", "--fix", "--diff", copy.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("+\t\t\t\t\t\t\t\t\t\"pm.environment.set(\\\"access_token\\\", pm.response.json().access_token);\""), "{}", r.stdout);
    assert!(
        r.stdout
            .ends_with("Fixed 1 problem. No problems found in 1 file.\n"),
        "{}",
        r.stdout
    );
    assert!(std::fs::read_to_string(&copy)
        .unwrap()
        .contains("pm.response.json().access_token"));
}

#[test]
fn a_wrong_variable_is_fixed_where_it_is_defined() {
    let dir = tempfile::tempdir().unwrap();
    let env = copy_to(
        dir.path(),
        "tests/fixtures/env-staging.postman_environment.json",
    );
    let coll = copy_to(
        dir.path(),
        "tests/fixtures/ss002-env-token-url.postman_collection.json",
    );
    let coll_before = std::fs::read(&coll).unwrap();
    let env_before = std::fs::read_to_string(&env).unwrap();
    let args = [
        "check",
        "--fix",
        coll.to_str().unwrap(),
        "--environment",
        env.to_str().unwrap(),
    ];
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(
        std::fs::read(&coll).unwrap(),
        coll_before,
        "the reference must stay"
    );
    let env_after = std::fs::read_to_string(&env).unwrap();
    assert_eq!(
        env_after,
        env_before.replace(
            "https://api.scopestack.io/oauth/token",
            "https://app.scopestack.io/oauth/token"
        )
    );
    // The collection variable of the same name (right all along) is untouched, and the
    // environment's diff is shown too.
    let env2 = copy_to(
        &dir.path().join(".."),
        "tests/fixtures/env-staging.postman_environment.json",
    );
    let r = run(&[
        "check",
        "--diff",
        coll.to_str().unwrap(),
        "--environment",
        env2.to_str().unwrap(),
    ]);
    assert!(
        r.stdout
            .contains("+\t\t\t\"value\": \"https://app.scopestack.io/oauth/token\","),
        "{}",
        r.stdout
    );
    std::fs::remove_file(env2).unwrap();
}

#[test]
fn diff_never_shows_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.postman_collection.json");
    std::fs::write(
        &path,
        r#"{"info": {"name": "s", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "auth": {"type": "oauth2", "oauth2": [
    {"key": "grant_type", "value": "password_credentials", "type": "string"},
    {"key": "clientSecret", "value": "LiteralSecret42", "type": "string"},
    {"key": "password", "value": "LiteralPassword42", "type": "string"},
    {"key": "accessTokenUrl", "value": "https://app.scopestack.io/oauth/token", "type": "string"}]},
  "item": [{"name": "R", "request": {"method": "GET", "header": [{"key": "Accept", "value": "application/vnd.api+json"}],
    "url": "https://api.scopestack.io/acme/v1/clients"}}]}"#,
    )
    .unwrap();
    let r = run(&["check", "--diff", path.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("Get ScopeStack access token"),
        "{}",
        r.stdout
    );
    for secret in ["LiteralSecret42", "LiteralPassword42"] {
        assert!(
            !r.stdout.contains(secret),
            "{secret} in diff:\n{}",
            r.stdout
        );
    }
    // The fix itself carries the helper's values exactly.
    run(&["check", "--fix", path.to_str().unwrap()]);
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(fixed.matches("LiteralSecret42").count(), 2, "{fixed}");
}

/// Real exports have no ScopeStack findings, so fixing them changes nothing.
#[test]
fn fixing_the_corpus_changes_nothing() {
    let Some(corpus) = crate::common::corpus_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for file in files_in(&corpus.join("postman")) {
        let copy = dir.path().join(file.file_name().unwrap());
        std::fs::copy(&file, &copy).unwrap();
        let r = run(&["check", "--fix", copy.to_str().unwrap()]);
        assert!(matches!(r.code, 0..=2), "{}: {}", file.display(), r.stdout);
        if r.code == 1 {
            // Only sample credentials remain (SS011, which has no fix).
            let codes: Vec<&str> = r
                .stdout
                .match_indices("[SS0")
                .map(|(i, _)| &r.stdout[i + 1..i + 6])
                .collect();
            assert!(
                codes.iter().all(|c| *c == "SS011"),
                "{}: {codes:?}",
                file.display()
            );
        }
        assert_eq!(
            std::fs::read(&copy).unwrap(),
            std::fs::read(&file).unwrap(),
            "{} changed",
            file.display()
        );
    }
}

/// Every file under `dir`, relative to it, with its bytes.
fn tree_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    files_in(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// The broken examples as v12 trees: each one's `--diff` (files created shown from
/// `/dev/null`), and `--fix --unsafe-fixes` makes exactly the tree in `examples/fixed/v3/`,
/// which re-lints clean; a second `--fix` writes nothing.
#[test]
fn v3_examples_diff_and_fix_into_their_committed_fixed_trees() {
    let dir = tempfile::tempdir().unwrap();
    let mut names: Vec<String> = std::fs::read_dir(repo().join("examples/v3"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "clean")
        .collect();
    names.sort();
    assert_eq!(names.len(), 6, "{names:?}");
    for name in &names {
        let tree = format!("examples/v3/{name}");
        let before = tree_files(&repo().join(&tree));
        let r = run(&["check", "--diff", "--unsafe-fixes", &tree]);
        assert_eq!(r.code, 1, "{tree}: {}", r.stderr);
        insta::assert_snapshot!(format!("diff_v3_{name}"), r.stdout);
        assert_eq!(
            tree_files(&repo().join(&tree)),
            before,
            "--diff wrote {tree}"
        );

        let copy = dir.path().join(name);
        crate::v3::copy_dir(&repo().join(&tree), &copy);
        let path = copy.to_str().unwrap();
        let r = run(&["check", "--fix", "--unsafe-fixes", path]);
        assert_eq!(r.code, 0, "{tree}: {}", r.stdout);
        let fixed = tree_files(&copy);
        assert_eq!(
            fixed,
            tree_files(&repo().join("examples/fixed/v3").join(name)),
            "examples/fixed/v3 is stale for {tree}"
        );
        let again = run(&["check", "--fix", "--unsafe-fixes", path]);
        assert!(
            again.stdout.starts_with("Nothing to fix."),
            "{}",
            again.stdout
        );
        assert_eq!(tree_files(&copy), fixed);
    }
}
