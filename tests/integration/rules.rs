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
    /// The rules the case is about, besides the one its file name starts with (`ss004-…`).
    #[serde(default)]
    rules: Vec<String>,
}

impl Case {
    fn is_about(&self, code: &str) -> bool {
        let name = std::path::Path::new(&self.file)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        name.starts_with(&format!("{}-", code.to_lowercase()))
            || self.rules.iter().any(|r| r == code)
    }

    fn expects(&self, code: &str) -> bool {
        self.expected
            .iter()
            .any(|e| e.starts_with(&format!("{code} ")))
    }
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
fn every_rule_has_a_positive_and_a_negative_fixture() {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/expected.json")).unwrap();
    let cases: Vec<Case> = serde_json::from_str(&text).unwrap();
    let mut missing = Vec::new();
    // The rule list comes from the registry: a new rule fails here until it has both.
    for (code, _) in scopelint::rules() {
        if !cases.iter().any(|c| c.expects(code)) {
            missing.push(format!("{} has no positive fixture", code));
        }
        if !cases.iter().any(|c| c.is_about(code) && !c.expects(code)) {
            missing.push(format!(
                "{} has no negative fixture (a case named `{}-…` or listing it in `rules` that \
                 expects no {0})",
                code,
                code.to_lowercase()
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
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

/// A broken `--environment` or `--globals` file is reported in every format, as a broken
/// configuration is, and no collection is checked without its variables.
#[test]
fn a_bad_variables_file_is_reported_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.postman_environment.json");
    std::fs::write(
        &cut,
        r#"{"name": "e", "values": [{"key": "password", "value": "Env-Secret-77"}, {"key": "#,
    )
    .unwrap();
    let cut = cut.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (&["--environment", cut], "invalid JSON"),
        (&["--globals", cut], "invalid JSON"),
        (
            &["--environment", "examples/clean.postman_collection.json"],
            "not a Postman environment export",
        ),
        (
            &["--environment", "no/such/env.json"],
            "No such file or directory",
        ),
    ];
    for (flags, why) in cases {
        let mut args = vec!["check", "examples"];
        args.extend_from_slice(flags);
        let with = |format: &str| {
            let mut a = args.clone();
            a.extend(["--format", format]);
            let r = run(&a);
            assert_eq!(r.code, 2, "{flags:?} {format}: {}", r.stderr);
            assert!(!r.stdout.contains("Env-Secret-77") && !r.stderr.contains("Env-Secret-77"));
            // No collection was checked (SARIF lists the rules, not findings).
            assert!(
                format == "sarif" || !r.stdout.contains("SS0"),
                "{flags:?} {format}: {}",
                r.stdout
            );
            r
        };
        let (json, _) = {
            let r = with("json");
            (
                serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap(),
                r,
            )
        };
        let d = &json["diagnostics"][0];
        assert_eq!(json["diagnostics"].as_array().unwrap().len(), 1, "{json}");
        assert_eq!(d["code"], "scopelint::variables");
        assert_eq!(d["path"], flags[1]);
        assert!(d["message"].as_str().unwrap().contains(why), "{d}");
        assert!(d["help"]
            .as_str()
            .unwrap()
            .contains("No collection was checked"));
        if why == "invalid JSON" {
            assert_eq!(
                (d["line"].as_u64(), d["column"].as_u64()),
                (Some(1), Some(81))
            );
        }
        let sarif: serde_json::Value = serde_json::from_str(&with("sarif").stdout).unwrap();
        assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
        let note = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
        assert_eq!(note["descriptor"]["id"], "scopelint::variables", "{sarif}");
        let github = with("github").stdout;
        assert!(
            github.starts_with(&format!("::error file={},", flags[1])),
            "{github}"
        );
        let full = with("full").stdout;
        assert!(
            full.contains("error[scopelint::variables]") && full.contains(why),
            "{full}"
        );
        let concise = with("concise").stdout;
        assert!(concise.contains(&format!("{}:", flags[1])) && concise.contains(why));
    }
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

/// Postman v12 keeps environments as YAML (`*.environment.yaml`): read like the JSON export,
/// the same findings; `--fix` corrects the value where the YAML defines it, and nothing else.
#[test]
fn a_yaml_environment_reads_and_fixes_like_a_json_one() {
    let coll = "tests/fixtures/ss002-env-token-url.postman_collection.json";
    let findings = |env: &str| {
        let (report, r) = check_json(&[coll, "--environment", env]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["code"].clone(), d["message"].clone(), d["line"].clone()))
            .collect::<Vec<_>>()
    };
    let yaml = "tests/fixtures/env-staging.environment.yaml";
    assert_eq!(
        findings(yaml),
        findings("tests/fixtures/env-staging.postman_environment.json")
    );
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("staging.environment.yaml");
    let before = std::fs::read_to_string(repo().join(yaml)).unwrap();
    std::fs::write(&env, &before).unwrap();
    let copy = dir.path().join("c.postman_collection.json");
    std::fs::copy(repo().join(coll), &copy).unwrap();
    let r = run(&[
        "check",
        "--fix",
        "--unsafe-fixes",
        copy.to_str().unwrap(),
        "--environment",
        env.to_str().unwrap(),
    ]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    let after = std::fs::read_to_string(&env).unwrap();
    let changed = changed_lines(&before, &after);
    assert_eq!(
        changed,
        [(
            "    value: 'https://api.scopestack.io/oauth/token'",
            // The value keeps its single quotes.
            "    value: 'https://app.scopestack.io/oauth/token'"
        )]
    );
    assert_eq!(before.lines().count(), after.lines().count());
    // The fixed file reads back, and nothing is left to fix there.
    let (report, _) = check_json(&[
        copy.to_str().unwrap(),
        "--environment",
        env.to_str().unwrap(),
    ]);
    assert!(
        !report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "SS002"),
        "{report}"
    );
}

/// A YAML environment that does not parse: exit 2 with the place, and its secrets masked.
#[test]
fn a_broken_yaml_environment_is_an_error_that_shows_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("broken.environment.yaml");
    std::fs::write(
        &env,
        "name: prod\nvalues:\n  - key: client_secret\n    value: hunter2-s3cr3t\n  - key: url\n    value: {{base}}/x\n",
    )
    .unwrap();
    for format in ["full", "json", "concise", "sarif", "github"] {
        let r = run(&[
            "check",
            "--format",
            format,
            "examples",
            "--environment",
            env.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 2, "{format}");
        let all = format!("{}{}", r.stdout, r.stderr);
        // (GitHub's annotation title is URL-encoded.)
        assert!(
            all.contains("scopelint::variables") || all.contains("scopelint%3A%3Avariables"),
            "{format}: {all}"
        );
        assert!(all.contains("must be quoted"), "{format}: {all}");
        assert!(!all.contains("hunter2"), "{format} shows the secret: {all}");
    }
}

/// Postman v12's environments and globals in a repository (`postman/environments/*.yaml`,
/// `postman/globals/*.yaml`) are found in a directory walk and judged like JSON exports, at
/// the exact line and column of the YAML, with secrets masked in the snippets.
#[test]
fn yaml_environments_and_globals_in_a_tree_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let envs = dir.path().join("postman/environments");
    let globals = dir.path().join("postman/globals");
    std::fs::create_dir_all(&envs).unwrap();
    std::fs::create_dir_all(&globals).unwrap();
    std::fs::write(
        envs.join("prod.environment.yaml"),
        "name: prod\nvalues:\n  - key: base_url\n    value: https://api.scopestack.io\n  - key: client_secret\n    value: Zq8v2LwX4tN9pR3sK7mB1cY6\n",
    )
    .unwrap();
    std::fs::write(
        globals.join("workspace.globals.yml"),
        "name: Globals\nvalues:\n  - key: a\n    value: '1'\n    value: '2'\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.yaml"), "a: {{b}}\n").unwrap();
    let (report, r) = check_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found: Vec<(String, String, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["path"].as_str().unwrap();
            let base = file.rsplit('/').next().unwrap().to_owned();
            (
                base,
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        found.contains(&("prod.environment.yaml".into(), "SS011".into(), 6, 12)),
        "{found:?}"
    );
    assert!(
        found.contains(&("workspace.globals.yml".into(), "SS013".into(), 4, 5)),
        "{found:?}"
    );
    // Other YAML is not ours: `notes.yaml` is neither read nor reported.
    assert!(!found.iter().any(|f| f.0 == "notes.yaml"), "{found:?}");
    let full = run(&["check", dir.path().to_str().unwrap()]);
    assert!(
        full.stdout.contains("prod.environment.yaml:6:12"),
        "{}",
        full.stdout
    );
    // The whole plain scalar is masked (no quotes to leave out).
    assert!(!full.stdout.contains("Zq8v2LwX"), "{}", full.stdout);
    assert!(
        full.stdout.contains(&format!("value: {}", "*".repeat(24))),
        "{}",
        full.stdout
    );
    let listed = run(&["check", "--show-files", dir.path().to_str().unwrap()]);
    assert_eq!(listed.stdout.lines().count(), 2, "{}", listed.stdout);
}

/// A v12 environment that is not valid YAML: exit 2, `scopelint::yaml`, at the place.
#[test]
fn an_invalid_yaml_environment_is_an_error_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("x.environment.yaml");
    std::fs::write(&env, "name: x\nvalues:\n  - key: url\n    value: [a, b\n").unwrap();
    let (report, r) = check_json(&[env.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "scopelint::yaml", "{report}");
    assert_eq!(d["line"].as_u64(), Some(5), "{report}");
    assert!(
        d["message"].as_str().unwrap().starts_with("invalid YAML"),
        "{report}"
    );
}

/// SS014's fix quotes exactly the values at fault; the file then reads, and nothing is left.
#[test]
fn unquoted_variables_are_quoted_by_the_fix_and_nothing_else_changes() {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("staging.environment.yaml");
    let fixture = "tests/fixtures/ss014-unquoted-variable.environment.yaml";
    let before = std::fs::read_to_string(repo().join(fixture)).unwrap();
    std::fs::write(&env, &before).unwrap();
    let diff = run(&["check", "--diff", env.to_str().unwrap()]);
    assert_eq!(diff.code, 1);
    assert!(
        diff.stdout
            .contains("+    value: *{{app_url}}*************\n"),
        "{}",
        diff.stdout
    );
    let r = run(&["check", "--fix", env.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let after = std::fs::read_to_string(&env).unwrap();
    let changed = changed_lines(&before, &after);
    assert_eq!(
        changed,
        [
            (
                "    value: {{app_url}}/oauth/token",
                "    value: '{{app_url}}/oauth/token'"
            ),
            (
                "    value: {{api_url}} # the API host",
                "    value: '{{api_url}}' # the API host"
            ),
        ]
    );
    assert_eq!(run(&["check", env.to_str().unwrap()]).code, 0);
}

/// The lines that differ between two texts of the same length in lines, as (before, after).
fn changed_lines<'a>(before: &'a str, after: &'a str) -> Vec<(&'a str, &'a str)> {
    before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect()
}

/// SS012 under a folder that sets `noauth` names that folder, and the bearer auth of the
/// collection it keeps out, in both formats.
#[test]
fn ss012_names_the_folder_that_stops_inheritance() {
    for path in [
        "tests/fixtures/ss012-noauth-folder.postman_collection.json",
        "tests/fixtures/v3/ss012-noauth-folder",
    ] {
        let (report, _) = check_json(&[path]);
        let d = &report["diagnostics"][0];
        assert_eq!(d["code"], "SS012", "{report}");
        assert!(
            d["message"]
                .as_str()
                .unwrap()
                .ends_with("folder `Public` sets `noauth`, which stops inheritance"),
            "{d}"
        );
        assert!(
            d["help"].as_str().unwrap().starts_with(
                "Remove the `noauth` of folder `Public`, so that the request inherits the bearer auth of collection"
            ),
            "{d}"
        );
    }
}

/// SS003 on a header whose JSON comes from the environment names the variable and where it
/// is defined, as SS002 does.
#[test]
fn ss003_names_the_environment_that_holds_the_whole_response() {
    let dir = tempfile::tempdir().unwrap();
    let collection = dir.path().join("c.postman_collection.json");
    std::fs::write(
        &collection,
        r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "item": [{"name": "List clients", "request": {"auth": {"type": "noauth"}, "method": "GET",
              "header": [{"key": "Accept", "value": "application/vnd.api+json"}, {"key": "Authorization", "value": "Bearer {{token}}"}],
              "url": "https://api.scopestack.io/acme/v1/clients"}}]}"#,
    )
    .unwrap();
    let env = dir.path().join("dev.postman_environment.json");
    std::fs::write(
        &env,
        r#"{"name": "dev", "values": [{"key": "token", "value": "{\"access_token\": \"abc\", \"token_type\": \"Bearer\"}", "enabled": true}]}"#,
    )
    .unwrap();
    let (report, _) = check_json(&[
        collection.to_str().unwrap(),
        "--environment",
        env.to_str().unwrap(),
    ]);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "SS003", "{report}");
    let help = d["help"].as_str().unwrap();
    assert!(
        help.starts_with("`{{token}}` holds the whole response, in the environment `dev`"),
        "{help}"
    );
}

/// A collection that calls the staging deployment: its password helper's cure posts to the
/// staging token endpoint, and the slug help names the staging API.
#[test]
fn fixes_and_help_follow_the_deployment_the_collection_calls() {
    let dir = tempfile::tempdir().unwrap();
    let collection = dir.path().join("c.postman_collection.json");
    std::fs::write(
        &collection,
        r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "auth": {"type": "oauth2", "oauth2": [
              {"key": "grant_type", "value": "password_credentials"},
              {"key": "accessTokenUrl", "value": "https://app.staging.scopestack.io/oauth/token"}]},
            "item": [{"name": "List clients", "request": {"method": "GET",
              "header": [{"key": "Accept", "value": "application/vnd.api+json"}],
              "url": "https://api.staging.scopestack.io/v1/clients"}}]}"#,
    )
    .unwrap();
    let path = collection.to_str().unwrap();
    let (report, _) = check_json(&[path]);
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["SS001", "SS005"], "{report}");
    let help = report["diagnostics"][1]["help"].as_str().unwrap();
    assert!(
        help.contains("GET https://api.staging.scopestack.io/v1/me"),
        "{help}"
    );
    let run = run(&["check", "--fix", path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fixed: Value =
        serde_json::from_str(&std::fs::read_to_string(&collection).unwrap()).unwrap();
    let token_request = &fixed["item"][0];
    assert_eq!(token_request["name"], "Get ScopeStack access token");
    assert_eq!(
        token_request["request"]["url"]["raw"],
        "https://app.staging.scopestack.io/oauth/token"
    );
    let slug_request = &fixed["item"][1];
    assert_eq!(
        slug_request["request"]["url"]["raw"],
        "https://api.staging.scopestack.io/v1/me"
    );
}

/// A finding about a request a script sends points at its `pm.sendRequest`, exactly.
#[test]
fn script_request_findings_point_at_the_call() {
    let file = "tests/fixtures/ss004-send-request-api-calls.postman_collection.json";
    let text = std::fs::read(repo().join(file)).unwrap();
    let (report, _) = check_json(&[file]);
    let mut codes = Vec::new();
    for d in report["diagnostics"].as_array().unwrap() {
        if !["SS004", "SS010", "SS012"].contains(&d["code"].as_str().unwrap()) {
            continue;
        }
        let at = d["offset"].as_u64().unwrap() as usize;
        let len = d["length"].as_u64().unwrap() as usize;
        assert_eq!(&text[at..at + len], b"pm.sendRequest", "{d}");
        if d["code"] == "SS004" && d["item"] == "Broken" {
            assert_eq!(
                d["message"],
                "the `pm.sendRequest` in the pre-request script of folder `Broken` to \
                 `https://api.scopestack.io/v1/clients` sends no `Accept: \
                 application/vnd.api+json` header"
            );
        }
        codes.push(d["code"].as_str().unwrap().to_owned());
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes, ["SS004", "SS010", "SS012"]);
}

/// SS015 names the scheme sent (as written, else as resolved), offers to rewrite only a
/// scheme written in the header, puts `Bearer ` after leading blanks, and takes an API key
/// as a bearer token only when it is the `Authorization` header with the scheme.
#[test]
fn ss015_names_the_scheme_sent_and_fixes_only_what_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let header = |name: &str, value: &str| {
        serde_json::json!({"name": name, "request": {"method": "GET",
            "header": [{"key": "Accept", "value": "application/vnd.api+json"}, {"key": "Authorization", "value": value}],
            "url": "https://api.scopestack.io/acme/v1/clients"}})
    };
    let apikey = |name: &str, key: &str, value: &str, place: &str| {
        serde_json::json!({"name": name, "request": {"method": "GET",
            "auth": {"type": "apikey", "apikey": [{"key": "key", "value": key}, {"key": "value", "value": value}, {"key": "in", "value": place}]},
            "header": [{"key": "Accept", "value": "application/vnd.api+json"}],
            "url": "https://api.scopestack.io/acme/v1/clients"}})
    };
    let collection = serde_json::json!({
        "info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "scheme", "value": "Token"}, {"key": "auth_header", "value": "Token abc.def"}, {"key": "access_token", "value": "abc.def"}],
        "item": [
            header("variable scheme", "{{scheme}} {{access_token}}"),
            header("written scheme", "Token abc.def"),
            header("resolved scheme", "{{auth_header}}"),
            header("no scheme", "  abc.def"),
            apikey("key in the query", "access_token", "Bearer abc.def", "query"),
            apikey("key without scheme", "Authorization", "abc.def", "header"),
            apikey("bearer key", "Authorization", "Bearer abc.def", "header"),
        ]
    });
    let file = dir.path().join("schemes.postman_collection.json");
    crate::common::write_json(&file, &collection);
    let path = file.to_str().unwrap();
    let (report, _) = check_json(&["--select", "SS015", path]);
    let got: Vec<(String, String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let message = d["message"].as_str().unwrap();
            let what = message
                .split_once(" with ")
                .map_or("", |(_, w)| w.split(';').next().unwrap());
            (
                d["item"].as_str().unwrap().to_owned(),
                what.to_owned(),
                d["fix"]["applicability"]
                    .as_str()
                    .unwrap_or("none")
                    .to_owned(),
            )
        })
        .collect();
    let want = [
        ("variable scheme", "the `Token` scheme", "none"),
        ("written scheme", "the `Token` scheme", "unsafe"),
        ("resolved scheme", "the `Token` scheme", "none"),
        ("no scheme", "no scheme", "safe"),
        (
            "key in the query",
            "the `apikey` auth of request `key in the query`",
            "none",
        ),
        (
            "key without scheme",
            "the `apikey` auth of request `key without scheme`",
            "none",
        ),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want);
    let r = run(&["check", "--fix", "--select", "SS015", path]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = crate::common::read_json(&file);
    assert_eq!(
        v["item"][3]["request"]["header"][1]["value"],
        "  Bearer abc.def"
    );
}

/// A missing `Accept` is labelled at the header list when it is short and on one line
/// (`[]`), else at its `"header"` key: a label prints every line it covers.
#[test]
fn a_missing_accept_header_is_labelled_at_a_short_list_or_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("labels.postman_collection.json");
    let request = |name: &str, header: &str| {
        format!(
            r#"{{"name": "{name}", "request": {{"method": "GET", "header": {header}, "url": "https://api.scopestack.io/acme/v1/clients"}}}}"#
        )
    };
    let text = format!(
        "{{\"info\": {{\"name\": \"c\", \"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"}},\n\"item\": [\n{},\n{},\n{}\n]}}\n",
        request("empty", "[]"),
        request("long", r#"[{"key": "X-Trace", "value": "1"}, {"key": "X-Other", "value": "2"}]"#),
        request("lines", "[\n  {\"key\": \"X-Trace\", \"value\": \"1\"}\n]"),
    );
    std::fs::write(&file, &text).unwrap();
    let (report, _) = check_json(&["--select", "SS004", file.to_str().unwrap()]);
    let labelled: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let at = d["offset"].as_u64().unwrap() as usize;
            &text[at..at + d["length"].as_u64().unwrap() as usize]
        })
        .collect();
    assert_eq!(labelled, ["[]", "\"header\"", "\"header\""]);
}

/// A helper's wrong token URL is labelled at its `accessTokenUrl` value, and names the
/// request it is wrong for when a folder's variable makes it wrong there only.
#[test]
fn a_helpers_wrong_token_url_is_labelled_at_its_value_and_names_the_request() {
    for (file, value, for_request) in [
        (
            "tests/fixtures/ss002-folder-variable-inherited-helper.postman_collection.json",
            "\"{{tok}}\"",
            true,
        ),
        (
            "tests/fixtures/ss002-helper-api-host.postman_collection.json",
            "\"https://api.scopestack.io/oauth/token\"",
            false,
        ),
    ] {
        let text = std::fs::read_to_string(repo().join(file)).unwrap();
        let (report, _) = check_json(&["--select", "SS002", file]);
        let d = &report["diagnostics"][0];
        let at = d["offset"].as_u64().unwrap() as usize;
        assert_eq!(
            &text[at..at + d["length"].as_u64().unwrap() as usize],
            value
        );
        let message = d["message"].as_str().unwrap();
        assert_eq!(
            message.contains(" gets tokens for request `Staging / List clients` from "),
            for_request,
            "{message}"
        );
        assert_eq!(
            message.contains(" gets tokens from "),
            !for_request,
            "{message}"
        );
    }
}

/// A script's token request to a wrong URL is reported under the folder whose script
/// sends it.
#[test]
fn a_script_token_request_to_a_wrong_url_names_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let collection = serde_json::json!({
        "info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "Clients", "item": [],
            "event": [{"listen": "prerequest", "script": {"exec": [
                "pm.sendRequest({url: 'https://api.scopestack.io/oauth/token', method: 'POST', body: {mode: 'urlencoded', urlencoded: [{key: 'grant_type', value: 'password'}]}}, () => {});"
            ]}}]}]
    });
    let file = dir.path().join("folder.postman_collection.json");
    crate::common::write_json(&file, &collection);
    let (report, _) = check_json(&["--select", "SS002", file.to_str().unwrap()]);
    let d = &report["diagnostics"][0];
    assert_eq!(d["item"], "Clients", "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("the `pm.sendRequest` token request in the pre-request script of folder `Clients` posts to "),
        "{d}"
    );
}
