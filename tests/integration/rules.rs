//! Every rule on its positive and negative fixtures: `tests/fixtures/expected.json` lists, for
//! each file (and options), exactly which findings scopelint must report, and why.

use serde::Deserialize;
use serde_json::Value;

use crate::common::{check_json, repo, run};

#[derive(Deserialize)]
struct Case {
    file: String,
    args: Vec<String>,
    /// `CODE @ item` (`collection` when the finding has no item).
    expected: Vec<String>,
    about: String,
    exit: Option<i32>,
}

fn findings(report: &Value) -> Vec<String> {
    let mut got: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let item = d["item"].as_str().unwrap_or("collection");
            format!("{} @ {item}", d["code"].as_str().unwrap())
        })
        // File errors are pinned by each case's exit code.
        .filter(|f| f.starts_with("SS"))
        .collect();
    got.sort();
    got
}

#[test]
fn every_fixture_reports_exactly_its_expected_findings() {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/expected.json")).unwrap();
    let cases: Vec<Case> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 60, "the table lost rows");
    let mut failures = Vec::new();
    for case in &cases {
        let mut args: Vec<&str> = vec![&case.file];
        args.extend(case.args.iter().map(String::as_str));
        let (report, run) = check_json(&args);
        let mut want = case.expected.clone();
        want.sort();
        let got = findings(&report);
        let exit = case.exit.unwrap_or(if want.is_empty() { 0 } else { 1 });
        if got != want || run.code != exit {
            failures.push(format!(
                "{} {:?}\n  about: {}\n  want: {want:?} (exit {exit})\n  got:  {got:?} (exit {})",
                case.file, case.args, case.about, run.code
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn each_rule_fires_somewhere_and_stays_silent_somewhere() {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/expected.json")).unwrap();
    let cases: Vec<Case> = serde_json::from_str(&text).unwrap();
    for code in ["SS001", "SS002", "SS003", "SS004", "SS005"] {
        let prefix = code.to_lowercase();
        let fixtures: Vec<_> = cases
            .iter()
            .filter(|c| c.file.contains(&format!("/{prefix}-")))
            .collect();
        assert!(
            fixtures
                .iter()
                .any(|c| c.expected.iter().any(|e| e.starts_with(code))),
            "{code} has no positive fixture"
        );
        assert!(
            fixtures.iter().any(|c| c.expected.is_empty()),
            "{code} has no negative fixture"
        );
    }
}

#[test]
fn environment_values_win_and_messages_say_where_they_come_from() {
    let env = "tests/fixtures/env-staging.postman_environment.json";
    let (report, _) = check_json(&[
        "tests/fixtures/ss002-env-token-url.postman_collection.json",
        "--environment",
        env,
    ]);
    let d = &report["diagnostics"][0];
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("https://api.scopestack.io/oauth/token"),
        "{message}"
    );
    assert!(
        message.contains("(via `{{token_url}}`, set in the environment `ScopeStack (staging)`)"),
        "{message}"
    );
    assert!(d["help"]
        .as_str()
        .unwrap()
        .contains("Set `{{token_url}}` in the environment `ScopeStack (staging)`"));
}

#[test]
fn globals_fill_in_below_collection_variables() {
    let dir = tempfile::tempdir().unwrap();
    let globals = dir.path().join("g.postman_globals.json");
    std::fs::write(
        &globals,
        r#"{"name": "Globals", "_postman_variable_scope": "globals", "values": [
            {"key": "api", "value": "https://api.scopestack.io", "enabled": true},
            {"key": "token_url", "value": "https://app.scopestack.io/oauth/token", "enabled": true}]}"#,
    )
    .unwrap();
    let coll = dir.path().join("c.postman_collection.json");
    std::fs::write(
        &coll,
        r#"{"info": {"name": "g", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "variable": [{"key": "token_url", "value": "http://app.scopestack.io/oauth/token"}],
            "item": [
              {"name": "Token", "request": {"method": "POST", "url": "{{token_url}}",
                "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "password"}]}}},
              {"name": "Clients", "request": {"method": "GET", "url": "{{api}}/v1/clients",
                "header": [{"key": "Accept", "value": "application/vnd.api+json"}]}}]}"#,
    )
    .unwrap();
    let (without, _) = check_json(&[coll.to_str().unwrap()]);
    // `{{api}}` is unresolved without the globals, so the Clients request is not judged.
    assert_eq!(findings(&without), ["SS002 @ Token"]);
    let (with, run) = check_json(&[
        coll.to_str().unwrap(),
        "--globals",
        globals.to_str().unwrap(),
    ]);
    // The collection's own (wrong) token_url beats the globals' (right) one.
    // (The requests send no token either: SS012.)
    assert_eq!(
        findings(&with),
        ["SS002 @ Token", "SS005 @ Clients", "SS012 @ Clients"]
    );
    assert_eq!(run.code, 1);
}

#[test]
fn a_bad_environment_file_is_a_usage_error() {
    let r = run(&[
        "check",
        "examples",
        "--environment",
        "examples/clean.postman_collection.json",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not a Postman environment export"),
        "{}",
        r.stderr
    );
    let r = run(&["check", "examples", "--environment", "no/such/env.json"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("no/such/env.json: No such file or directory"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_variable_that_is_only_part_of_the_token_url_is_not_the_cure() {
    let dir = tempfile::tempdir().unwrap();
    let coll = dir.path().join("c.postman_collection.json");
    std::fs::write(
        &coll,
        r#"{"info": {"name": "p", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "variable": [{"key": "base", "value": "https://api.scopestack.io"}, {"key": "slug", "value": "acme"}],
            "item": [
              {"name": "Token", "request": {"method": "POST", "url": "{{base}}/oauth/token",
                "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "password"}]}}},
              {"name": "Token 2", "request": {"method": "POST", "url": "https://{{slug}}.scopestack.io/oauth/token",
                "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "password"}]}}}]}"#,
    )
    .unwrap();
    let (report, _) = check_json(&[coll.to_str().unwrap()]);
    let d = report["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 2);
    for finding in d {
        let help = finding["help"].as_str().unwrap();
        assert!(
            help.starts_with("Use `https://app.scopestack.io/oauth/token` as the token URL"),
            "{help}"
        );
    }
    let second = d[1]["message"].as_str().unwrap();
    assert!(
        second.contains("tokens are issued by `app.scopestack.io`, not `acme.scopestack.io`"),
        "{second}"
    );
}
