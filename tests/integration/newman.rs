//! The proof that the fixes cure: newman (Postman's command-line runner, `.ci/run` installs it
//! from npm) runs each broken example against a mock ScopeStack and fails the way the guide
//! says; `scopelint check --fix` (same endpoints, same environment) rewrites it; newman runs it
//! again and every request succeeds. Skips, saying so, where newman is not installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::common::{repo, run};
use crate::mock_scopestack::{self as mock, Mock};

fn newman() -> Option<PathBuf> {
    let local = repo().join("target/newman/node_modules/.bin/newman");
    if local.exists() {
        return Some(local);
    }
    Command::new("newman")
        .arg("--version")
        .output()
        .ok()?
        .status
        .success()
        .then(|| PathBuf::from("newman"))
}

/// Points every ScopeStack URL of an example at the mock (a test-side rewrite: the URLs'
/// `raw` and parts both, as newman sends the parts).
pub(crate) fn aim_at(collection: &Value, mock: &Mock) -> Value {
    fn rewrite(text: &str, mock: &Mock) -> String {
        text.replace("https://app.scopestack.io", &mock.app)
            .replace("https://api.scopestack.io", &mock.api)
    }
    fn walk(v: &mut Value, mock: &Mock) {
        match v {
            Value::String(s) => *s = rewrite(s, mock),
            Value::Array(a) => a.iter_mut().for_each(|e| walk(e, mock)),
            Value::Object(map) => {
                if let Some(raw) = map
                    .get("raw")
                    .and_then(|r| r.as_str())
                    .map(|r| rewrite(r, mock))
                {
                    if map.contains_key("host") && raw.starts_with("http://127.0.0.1:") {
                        let rest = raw.trim_start_matches("http://");
                        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
                        let (host, port) = authority.split_once(':').unwrap();
                        map.insert("protocol".into(), json!("http"));
                        map.insert("host".into(), json!(host.split('.').collect::<Vec<_>>()));
                        map.insert("port".into(), json!(port));
                        let path = path.split('?').next().unwrap_or("");
                        map.insert("path".into(), json!(path.split('/').collect::<Vec<_>>()));
                    }
                }
                map.values_mut().for_each(|e| walk(e, mock));
            }
            _ => {}
        }
    }
    let mut c = collection.clone();
    walk(&mut c, mock);
    c
}

/// Runs newman; the status code of each executed request, by request name.
fn run_newman(newman: &Path, collection: &Path, env: &Path, dir: &Path) -> Vec<(String, u64)> {
    let report = dir.join("newman.json");
    let _ = std::fs::remove_file(&report);
    let out = Command::new(newman)
        .arg("run")
        .arg(collection)
        .arg("-e")
        .arg(env)
        .args(["--reporters", "json", "--reporter-json-export"])
        .arg(&report)
        .output()
        .expect("newman runs");
    let text = std::fs::read_to_string(&report)
        .unwrap_or_else(|_| panic!("no newman report: {}", String::from_utf8_lossy(&out.stderr)));
    let report: Value = serde_json::from_str(&text).unwrap();
    let failures = report["run"]["failures"].as_array().map_or(0, Vec::len);
    let mut codes: Vec<(String, u64)> = report["run"]["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["item"]["name"].as_str().unwrap_or("").to_owned(),
                e["response"]["code"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    if failures > 0 {
        codes.push(("(newman failures)".into(), failures as u64));
    }
    codes
}

/// Writes `scopelint.toml` aiming at the mock and an environment with its credentials and
/// a standing token; returns the environment's path.
fn mock_environment(dir: &Path, server: &Mock) -> PathBuf {
    mock::configure(dir, server);
    let env = dir.join("mock.postman_environment.json");
    let value =
        |k: &str, v: &str| json!({"key": k, "value": v, "type": "default", "enabled": true});
    std::fs::write(
        &env,
        json!({"id": "mock", "name": "Mock ScopeStack", "_postman_variable_scope": "environment", "values": [
            value("client_id", mock::CLIENT_ID), value("client_secret", mock::CLIENT_SECRET),
            value("username", mock::USERNAME), value("password", mock::PASSWORD),
            value("access_token", mock::STANDING_TOKEN)]})
        .to_string(),
    )
    .unwrap();
    env
}

/// newman, or `None` after saying that the test skips (a failure under CI).
fn newman_or_skip() -> Option<PathBuf> {
    let found = newman();
    if found.is_none() {
        crate::common::skipped(
            crate::common::Missing::Tool,
            "newman is not installed (`npm install --prefix target/newman newman@6.2.2`; .ci/run does)",
        );
    }
    found
}

#[test]
fn fixed_examples_run_green_under_newman() {
    let Some(newman) = newman_or_skip() else {
        return;
    };
    let server = mock::start();
    let dir = tempfile::tempdir().unwrap();
    let env = mock_environment(dir.path(), &server);

    // What each broken example does against ScopeStack before the fix.
    let cases: &[(&str, &[(&str, u64)])] = &[
        // newman never fetches helper tokens: the helper sends nothing.
        (
            "password-helper",
            &[("List clients", 401), ("Get client", 401)],
        ),
        (
            "legacy-v2.0",
            &[("List projects", 401), ("List project services", 401)],
        ),
        ("wrong-token-url", &[("Get access token", 404)]),
        ("whole-response-token", &[("List clients", 401)]),
        (
            "missing-accept-header",
            &[
                ("List clients", 406),
                ("List projects", 406),
                ("List contacts", 406),
            ],
        ),
        (
            "missing-account-slug",
            &[("List clients", 404), ("List projects", 404)],
        ),
        // The collection's script fetches the token with `pm.sendRequest` (from the API
        // host, with `redirect_uri`, stored whole); newman lists that call under the item.
        (
            "auto-token-script",
            &[("List clients", 401), ("List projects", 401)],
        ),
    ];
    for (name, failures) in cases {
        let original: Value = serde_json::from_str(
            &std::fs::read_to_string(
                repo().join(format!("examples/{name}.postman_collection.json")),
            )
            .unwrap(),
        )
        .unwrap();
        let path = dir.path().join(format!("{name}.postman_collection.json"));
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&aim_at(&original, &server)).unwrap(),
        )
        .unwrap();

        let before = run_newman(&newman, &path, &env, dir.path());
        for (request, code) in *failures {
            assert!(
                before.contains(&(request.to_string(), *code)),
                "{name}: expected {request} → {code}, got {before:?}"
            );
        }

        let r = run(&[
            "check",
            // Every fix the examples need is safe: a plain `--fix`, as a pre-commit hook runs.
            "--fix",
            "--environment",
            env.to_str().unwrap(),
            path.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{name}: scopelint left problems:\n{}", r.stdout);

        let after = run_newman(&newman, &path, &env, dir.path());
        assert!(!after.is_empty());
        for (request, code) in &after {
            assert!(
                (200..300).contains(code),
                "{name}: after the fix, {request} → {code} ({after:?})"
            );
        }
    }
}

/// A token request's URL object with parts missing (Postman writes no `path` for a URL
/// with none; a hand-written one may hold only `raw`): newman sends the parts, so the fix
/// must write them all, not only `raw`.
#[test]
fn url_objects_missing_parts_are_fixed_for_newman() {
    let Some(newman) = newman_or_skip() else {
        return;
    };
    let server = mock::start();
    let dir = tempfile::tempdir().unwrap();
    let env = mock_environment(dir.path(), &server);
    let (host, port) = server
        .app
        .trim_start_matches("http://")
        .split_once(':')
        .unwrap();
    let token = |name: &str, url: Value| {
        let field = |k: &str, v: &str| json!({"key": k, "value": v});
        json!({"name": name, "request": {"method": "POST", "auth": {"type": "noauth"},
            "body": {"mode": "urlencoded", "urlencoded": [
                field("grant_type", "password"), field("client_id", "{{client_id}}"),
                field("client_secret", "{{client_secret}}"), field("username", "{{username}}"),
                field("password", "{{password}}")]},
            "url": url}})
    };
    let collection = json!({
        "info": {"name": "parts", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [
            token("No path", json!({"raw": server.app, "protocol": "http",
                "host": host.split('.').collect::<Vec<_>>(), "port": port})),
            token("Raw only", json!({"raw": format!("{}/oauth/tokens", server.app)})),
        ]
    });
    let path = dir.path().join("parts.postman_collection.json");
    crate::common::write_json(&path, &collection);
    let before = run_newman(&newman, &path, &env, dir.path());
    assert!(
        !before.iter().any(|(_, code)| (200..300).contains(code)),
        "{before:?}"
    );
    let r = run(&[
        "check",
        "--fix",
        "--select",
        "SS002",
        path.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let after = run_newman(&newman, &path, &env, dir.path());
    assert_eq!(
        after,
        [("No path".to_owned(), 200), ("Raw only".to_owned(), 200)],
        "{}",
        std::fs::read_to_string(&path).unwrap()
    );
}
