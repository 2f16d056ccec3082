//! Machine formats: SARIF validated against the SARIF 2.1.0 schema with exact regions and
//! applicable fixes; GitHub annotations; configured endpoints in rules and fixes.

use serde_json::Value;

use crate::common::{check_json, repo, run};

fn sarif(args: &[&str]) -> (Value, crate::common::Run) {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend_from_slice(args);
    let r = run(&all);
    let v = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    (v, r)
}

#[test]
fn sarif_is_valid_against_the_2_1_0_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/schemas/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let (log, r) = sarif(&[
        "examples",
        "tests/fixtures/invalid.postman_collection.json",
        "tests/fixtures/ss002-env-token-url.postman_collection.json",
        "--environment",
        "tests/fixtures/env-staging.postman_environment.json",
    ]);
    assert_eq!(r.code, 2);
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let run = &log["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        scopelint::rules().count()
    );
    // Twelve in examples/ (one more there: the staging token_url also reaches
    // password-helper's {{token_url}}), and the fixture's.
    // And eight in examples/har, and twelve in examples/v3 (the same as the v2.1 exports).
    assert_eq!(run["results"].as_array().unwrap().len(), 34);
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    assert_eq!(
        run["invocations"][0]["toolExecutionNotifications"][0]["descriptor"]["id"],
        "scopelint::json"
    );
    // A wrong token URL held in the environment is fixed there.
    let env_fix = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["ruleId"] == "SS002"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "tests/fixtures/ss002-env-token-url.postman_collection.json"
        })
        .unwrap();
    assert_eq!(
        env_fix["fixes"][0]["artifactChanges"][0]["artifactLocation"]["uri"],
        "tests/fixtures/env-staging.postman_environment.json"
    );
}

#[test]
fn sarif_regions_and_fixes_are_byte_accurate() {
    let file = "examples/whole-response-token.postman_collection.json";
    let (log, _) = sarif(&[file]);
    let (json, _) = check_json(&[file]);
    let result = &log["runs"][0]["results"][0];
    let region = &result["locations"][0]["physicalLocation"]["region"];
    let d = &json["diagnostics"][0];
    assert_eq!(region["byteOffset"], d["offset"]);
    assert_eq!(region["byteLength"], d["length"]);
    assert_eq!(
        (region["startLine"].clone(), region["startColumn"].clone()),
        (d["line"].clone(), d["column"].clone())
    );
    // Applying the replacements reproduces the fixed example.
    let mut bytes = std::fs::read(repo().join(file)).unwrap();
    let mut replacements: Vec<&Value> = result["fixes"][0]["artifactChanges"][0]["replacements"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    replacements
        .sort_by_key(|r| std::cmp::Reverse(r["deletedRegion"]["byteOffset"].as_u64().unwrap()));
    for r in replacements {
        let at = r["deletedRegion"]["byteOffset"].as_u64().unwrap() as usize;
        let len = r["deletedRegion"]["byteLength"].as_u64().unwrap() as usize;
        bytes.splice(
            at..at + len,
            r["insertedContent"]["text"].as_str().unwrap().bytes(),
        );
    }
    let fixed =
        std::fs::read(repo().join("examples/fixed/whole-response-token.postman_collection.json"))
            .unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        String::from_utf8(fixed).unwrap()
    );
}

#[test]
fn sarif_leaves_out_fixes_that_would_show_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.postman_collection.json");
    std::fs::write(
        &path,
        r#"{"info": {"name": "s", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "auth": {"type": "oauth2", "oauth2": [
    {"key": "grant_type", "value": "password_credentials"},
    {"key": "clientSecret", "value": "LiteralSecret42"},
    {"key": "accessTokenUrl", "value": "https://app.scopestack.io/oauth/token"}]},
  "item": []}"#,
    )
    .unwrap();
    let (log, r) = sarif(&[path.to_str().unwrap()]);
    assert!(!r.stdout.contains("LiteralSecret42"));
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "SS001");
    assert!(result.get("fixes").is_none(), "{result}");
}

#[test]
fn github_annotations_escape_what_the_runner_parses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a,b:c.postman_collection.json");
    std::fs::copy(
        repo().join("examples/wrong-token-url.postman_collection.json"),
        &path,
    )
    .unwrap();
    let r = run(&["check", "--format", "github", path.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    let line = r.stdout.lines().next().unwrap();
    assert!(line.starts_with("::error file="), "{line}");
    assert!(line.contains("a%2Cb%3Ac.postman_collection.json,line=66,col=15,endLine=66,endColumn=54,title=SS002 wrong-token-url::"), "{line}");
    assert_eq!(r.stdout.lines().count(), 1, "no summary in annotations");
}

#[test]
fn configured_endpoints_drive_rules_and_fixes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("scopelint.toml"),
        "app-url = \"http://127.0.0.1:4010\"\napi-url = \"http://127.0.0.1:4010\"\n",
    )
    .unwrap();
    let path = dir.path().join("mock.postman_collection.json");
    std::fs::write(
        &path,
        r#"{"info": {"name": "m", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "item": [
    {"name": "Token", "request": {"method": "POST", "url": "http://127.0.0.1:4010/oauth/token/",
      "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "password"}]}}},
    {"name": "Clients", "request": {"method": "GET", "url": "http://127.0.0.1:4010/v1/clients"}}]}"#,
    )
    .unwrap();
    let (report, _) = check_json(&["--ignore", "SS012", path.to_str().unwrap()]);
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["SS002", "SS004", "SS005"], "{report}");
    let r = run(&[
        "check",
        "--fix",
        "--ignore",
        "SS012",
        path.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let fixed: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        fixed["item"][0]["request"]["url"],
        "http://127.0.0.1:4010/oauth/token"
    );
    let slug = &fixed["item"][1];
    assert_eq!(slug["name"], "Get ScopeStack account slug");
    assert_eq!(slug["request"]["url"]["raw"], "http://127.0.0.1:4010/v1/me");
    assert_eq!(slug["request"]["url"]["port"], "4010");
    assert_eq!(
        fixed["item"][2]["request"]["url"],
        "http://127.0.0.1:4010/{{account_slug}}/v1/clients"
    );
    // The same file with the default endpoints is not ScopeStack's at all.
    let (report, _) = check_json(&["--isolated", path.to_str().unwrap()]);
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 0);
}

#[test]
fn output_file_takes_the_report_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.sarif");
    let r = run(&[
        "check",
        "--format",
        "sarif",
        "--output-file",
        out.to_str().unwrap(),
        "examples",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    let log: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(log["version"], "2.1.0");
}

#[test]
fn ignore_tables_silence_a_rule_for_the_nodes_a_jsonpath_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".scopelint.toml"),
        "[[ignore]]\nrule = \"SS005\"\npath = \"$..item[?(@.name == 'List clients')]\"\n",
    )
    .unwrap();
    let path = dir.path().join("c.postman_collection.json");
    std::fs::copy(
        repo().join("examples/missing-account-slug.postman_collection.json"),
        &path,
    )
    .unwrap();
    let (report, _) = check_json(&[path.to_str().unwrap()]);
    let items: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["item"].as_str().unwrap())
        .collect();
    assert_eq!(items, ["API / List projects"], "{report}");
    let (report, _) = check_json(&["--isolated", path.to_str().unwrap()]);
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 2);
}

/// A fix in an `--environment` file that starts with a byte-order mark: its SARIF
/// replacement counts the mark, as it does for the checked file (offsets are in the file as
/// stored).
#[test]
fn sarif_fixes_in_an_environment_with_a_bom_are_byte_accurate() {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("env.postman_environment.json");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(
        std::fs::read(repo().join("tests/fixtures/env-staging.postman_environment.json")).unwrap(),
    );
    std::fs::write(&env, &bytes).unwrap();
    let (log, _) = sarif(&[
        "tests/fixtures/ss002-env-token-url.postman_collection.json",
        "--environment",
        env.to_str().unwrap(),
    ]);
    let changes: Vec<&Value> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["fixes"].as_array().into_iter().flatten())
        .flat_map(|f| f["artifactChanges"].as_array().unwrap())
        .filter(|c| {
            c["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| u.ends_with("env.postman_environment.json"))
        })
        .collect();
    assert!(!changes.is_empty(), "no fix in the environment: {log}");
    for change in changes {
        for r in change["replacements"].as_array().unwrap() {
            let at = r["deletedRegion"]["byteOffset"].as_u64().unwrap() as usize;
            let len = r["deletedRegion"]["byteLength"].as_u64().unwrap() as usize;
            assert_eq!(
                &bytes[at..at + len],
                b"\"https://api.scopestack.io/oauth/token\"",
                "the replacement does not cover the value"
            );
        }
    }
}
