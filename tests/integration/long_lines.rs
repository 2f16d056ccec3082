//! Minified (one-line) files, as the Postman API, `JSON.stringify` and export scripts write
//! them: findings and parse errors far along a line work in every format, under `--fix` and
//! `--diff`, and the default format shows a short window of the line with the true column.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::common::{repo, run, Run};

const FORMATS: &[&str] = &["full", "concise", "json", "sarif", "github"];
/// Planted in every file: no output may show it.
const SECRET: &str = "Zq8-long-line-client-secret";

/// A one-line v2.1 collection of about `megabytes` MB whose findings all sit far past
/// column 65,535: two requests without `Accept` and one without a slug near the end.
fn one_line_collection(megabytes: usize) -> String {
    let ok = |i: usize| {
        json!({
            "name": format!("Request {i}"),
            "request": {
                "method": "GET",
                "header": [{"key": "Accept", "value": "application/vnd.api+json"}],
                "url": format!("https://api.scopestack.io/{{{{account_slug}}}}/v1/clients/{i}"),
                "description": "padding ".repeat(60),
            }
        })
    };
    let one = serde_json::to_string(&ok(0)).unwrap().len();
    let count = megabytes * 1_000_000 / one;
    let mut items: Vec<Value> = (0..count).map(ok).collect();
    items.push(json!({"name": "No accept", "request": {"method": "GET",
        "url": "https://api.scopestack.io/{{account_slug}}/v1/projects"}}));
    items.push(json!({"name": "No slug", "request": {"method": "GET",
        "header": [{"key": "Accept", "value": "application/vnd.api+json"}],
        "url": "https://api.scopestack.io/v1/clients"}}));
    items.push(json!({"name": "Token", "request": {"method": "POST",
        "auth": {"type": "noauth"},
        "body": {"mode": "urlencoded", "urlencoded": [
            {"key": "grant_type", "value": "password"},
            {"key": "client_secret", "value": SECRET}]},
        "url": "https://api.scopestack.io/oauth/token"}}));
    items.push(json!({"name": "No accept 2", "request": {"method": "GET",
        "url": "https://api.scopestack.io/{{account_slug}}/v1/contacts"}}));
    let collection = json!({
        "info": {"name": "Minified", "schema":
            "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "auth": {"type": "bearer", "bearer": [
            {"key": "token", "value": "{{access_token}}", "type": "string"}]},
        "item": items,
    });
    serde_json::to_string(&collection).unwrap()
}

/// A one-line HAR of about `megabytes` MB, made of the example captures' entries.
fn one_line_har(megabytes: usize) -> String {
    let entries: Vec<Value> = ["expired-token-401.har", "missing-accept-header.har"]
        .iter()
        .flat_map(|name| {
            let text = std::fs::read_to_string(repo().join("examples/har").join(name)).unwrap();
            let har: Value = serde_json::from_str(&text).unwrap();
            har["log"]["entries"].as_array().unwrap().clone()
        })
        .collect();
    let one: usize = entries.iter().map(|e| e.to_string().len()).sum();
    let copies = megabytes * 1_000_000 / one + 1;
    let all: Vec<Value> = (0..copies).flat_map(|_| entries.clone()).collect();
    let har = json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"},
        "entries": all}});
    serde_json::to_string(&har).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn check(path: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["check", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

fn no_panic(r: &Run, what: &str) {
    assert_ne!(r.code, 101, "{what}: panicked\n{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
    assert!(
        !r.stdout.contains(SECRET) && !r.stderr.contains(SECRET),
        "{what}: leaked"
    );
}

/// The snippet lines of the default format (`  1 │ text`), without their gutter.
fn snippet_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter_map(|l| {
            let (gutter, text) = l.split_once(" │ ")?;
            gutter.trim().parse::<usize>().ok().map(|_| text)
        })
        .collect()
}

/// `[file:LINE:COLUMN]` headers of the default format.
fn header_positions(out: &str) -> Vec<(usize, usize)> {
    out.lines()
        .filter_map(|l| {
            let inner = l.split_once("─[")?.1.strip_suffix(']')?;
            let mut parts = inner.rsplitn(3, ':');
            let column = parts.next()?.parse().ok()?;
            let line = parts.next()?.parse().ok()?;
            Some((line, column))
        })
        .collect()
}

fn json_positions(path: &Path) -> Vec<(usize, usize)> {
    let r = check(path, &["--format", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap() as usize,
                d["column"].as_u64().unwrap() as usize,
            )
        })
        .collect()
}

/// Every format on `path`, expecting `code`; the default format's snippets are short and
/// its positions are the JSON format's.
fn every_format(path: &Path, code: i32, what: &str) {
    for format in FORMATS {
        let r = check(path, &["--format", format]);
        no_panic(&r, &format!("{what} --format {format}"));
        assert_eq!(r.code, code, "{what} --format {format}: {}", r.stderr);
    }
    let r = check(path, &["--statistics"]);
    no_panic(&r, &format!("{what} --statistics"));
    assert_eq!(r.code, code);
    let r = check(path, &[]);
    let lines = snippet_lines(&r.stdout);
    assert!(!lines.is_empty(), "{what}: no snippet\n{}", r.stdout);
    for l in &lines {
        assert!(
            l.chars().count() <= 160,
            "{what}: a snippet line of {} chars",
            l.len()
        );
        assert!(l.contains('…'), "{what}: the long line is not cut: {l}");
    }
    let positions = json_positions(path);
    assert!(
        (1..10).contains(&positions.len()) && positions.iter().all(|&(_, c)| c > 65_535),
        "{what}: {:?}",
        &positions[..positions.len().min(10)]
    );
    assert_eq!(header_positions(&r.stdout), positions, "{what}");
}

#[test]
fn a_ten_megabyte_one_line_collection_works_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let text = one_line_collection(10);
    assert!(!text.contains('\n') && text.len() > 10_000_000);
    let path = write(dir.path(), "big.postman_collection.json", &text);
    every_format(&path, 1, "collection");
    let (v, _) = crate::common::check_json(&[path.to_str().unwrap()]);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"SS004") && codes.contains(&"SS005"),
        "{codes:?}"
    );

    // A parse error far along the line.
    let cut = write(
        dir.path(),
        "cut.postman_collection.json",
        &text[..text.len() - 200],
    );
    every_format(&cut, 2, "truncated collection");
}

#[test]
fn fix_and_diff_on_a_ten_megabyte_one_line_collection() {
    let dir = tempfile::tempdir().unwrap();
    let text = one_line_collection(10);
    let path = write(dir.path(), "big.postman_collection.json", &text);
    let r = check(&path, &["--diff"]);
    no_panic(&r, "--diff");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "--diff wrote"
    );
    assert!(r.stdout.contains("+++"), "{}", &r.stderr);
    for format in FORMATS {
        std::fs::write(&path, &text).unwrap();
        let r = check(&path, &["--fix", "--format", format]);
        no_panic(&r, &format!("--fix --format {format}"));
        let fixed = std::fs::read_to_string(&path).unwrap();
        assert_ne!(fixed, text, "--fix --format {format} changed nothing");
        let v: Value = serde_json::from_str(&fixed).expect("the fixed file parses");
        assert!(!fixed.contains('\n'), "the fix kept the file on one line");
        assert!(v["item"].as_array().unwrap().len() > 1000);
    }
    // Fixing again changes nothing.
    let fixed = std::fs::read_to_string(&path).unwrap();
    let r = check(&path, &["--fix"]);
    no_panic(&r, "second --fix");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed);
    // A file that does not parse is left alone.
    let cut = write(
        dir.path(),
        "cut.postman_collection.json",
        &text[..9_000_000],
    );
    for extra in [&["--fix"][..], &["--diff"][..]] {
        let r = check(&cut, extra);
        no_panic(&r, "truncated --fix");
        assert_eq!(r.code, 2);
        assert_eq!(std::fs::read(&cut).unwrap(), text.as_bytes()[..9_000_000]);
    }
}

#[test]
fn a_one_megabyte_one_line_har_works_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let text = one_line_har(1);
    assert!(!text.contains('\n') && text.len() > 1_000_000);
    let path = write(dir.path(), "capture.har", &text);
    for format in FORMATS {
        let r = check(&path, &["--format", format]);
        no_panic(&r, &format!("HAR --format {format}"));
        assert_eq!(r.code, 1, "HAR --format {format}: {}", r.stderr);
    }
    let r = check(&path, &[]);
    let lines = snippet_lines(&r.stdout);
    assert!(lines.iter().all(|l| l.chars().count() <= 160));
    let far: Vec<_> = json_positions(&path)
        .into_iter()
        .filter(|&(_, c)| c > 65_535)
        .collect();
    assert!(!far.is_empty());
    let headers = header_positions(&r.stdout);
    assert!(far.iter().all(|p| headers.contains(p)));
    for extra in [&["--fix"][..], &["--diff"][..]] {
        let r = check(&path, extra);
        no_panic(&r, &format!("HAR {extra:?}"));
    }
    let cut = write(dir.path(), "cut.har", &text[..text.len() - 100]);
    every_format(&cut, 2, "truncated HAR");
}
