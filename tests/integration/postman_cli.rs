//! The proof with Postman's own CLI (npm `postman-cli@1.34.0`, whose Linux binary runs
//! offline; `.ci/run` installs it): a v12 YAML environment with an unquoted `{{` is refused
//! by `postman collection run`, and after `scopelint check --fix` the same run against the
//! mock ScopeStack answers 2xx for every request. Skips, saying so, where the CLI is not
//! installed (a failure under CI).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{repo, run};
use crate::mock_scopestack as mock;
use crate::newman::aim_at;

pub(crate) fn postman() -> Option<PathBuf> {
    let local = repo().join("target/postman-cli/node_modules/.bin/postman");
    local.exists().then_some(local)
}

/// The Postman CLI, or `None` after saying that the test skips (a failure under CI).
pub(crate) fn postman_or_skip() -> Option<PathBuf> {
    let found = postman();
    if found.is_none() {
        crate::common::skipped(
            crate::common::Missing::Tool,
            "the Postman CLI is not installed (`npm install --prefix target/postman-cli postman-cli@1.34.0`; .ci/run does)",
        );
    }
    found
}

/// `postman collection run DIR -e ENV`: its exit status and output (the CLI reporter's
/// `GET url [200 OK, ...]` lines).
fn collection_run(postman: &Path, tree: &Path, env: &Path) -> (bool, String) {
    let out = Command::new(postman)
        .args(["collection", "run"])
        .arg(tree)
        .arg("-e")
        .arg(env)
        .output()
        .expect("the Postman CLI runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The status codes the CLI printed, one per request run.
fn statuses(output: &str) -> Vec<u16> {
    output
        .lines()
        .filter_map(|l| {
            let at = l.find(" [")?;
            let code = l[at + 2..].split(|c: char| !c.is_ascii_digit()).next()?;
            code.parse().ok()
        })
        .collect()
}

#[test]
fn postman_cli_refuses_an_unquoted_variable_and_runs_once_fixed() {
    let Some(postman) = postman_or_skip() else {
        return;
    };
    let server = mock::start();
    let dir = tempfile::tempdir().unwrap();
    let original: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/clean.postman_collection.json")).unwrap(),
    )
    .unwrap();
    let collection = dir.path().join("clean.postman_collection.json");
    std::fs::write(&collection, aim_at(&original, &server).to_string()).unwrap();
    let tree = dir.path().join("tree");
    let migrated = Command::new(&postman)
        .args(["collection", "migrate"])
        .arg(&collection)
        .arg("-o")
        .arg(&tree)
        .output()
        .unwrap();
    assert!(migrated.status.success(), "{migrated:?}");

    let env = dir.path().join("mock.environment.yaml");
    std::fs::write(
        &env,
        format!(
            "name: Mock ScopeStack\nvalues:\n  - key: client_id\n    value: {}\n  - key: client_secret\n    value: {}\n    type: secret\n  - key: username\n    value: {}\n  - key: password\n    value: {}\n    type: secret\n  - key: docs_url\n    value: {{{{base_url}}}}/docs\n",
            mock::CLIENT_ID,
            mock::CLIENT_SECRET,
            mock::USERNAME,
            mock::PASSWORD
        ),
    )
    .unwrap();

    // Postman cannot read the environment: nothing runs.
    let (ok, before) = collection_run(&postman, &tree, &env);
    assert!(!ok, "{before}");
    assert!(statuses(&before).is_empty(), "{before}");

    let r = run(&["check", "--fix", env.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    let (ok, after) = collection_run(&postman, &tree, &env);
    let codes = statuses(&after);
    assert!(codes.len() >= 4, "{codes:?} {after}");
    assert!(
        ok && codes.iter().all(|c| (200..300).contains(c)),
        "after the fix: {codes:?}\n{after}"
    );
}

/// Points every ScopeStack URL of a v12 tree at the mock (a test-side rewrite of its files).
fn aim_tree_at(tree: &Path, server: &mock::Mock) {
    for entry in walk(tree) {
        let text = std::fs::read_to_string(&entry).unwrap();
        let aimed = text
            .replace("https://app.scopestack.io", &server.app)
            .replace("https://api.scopestack.io", &server.api);
        std::fs::write(&entry, aimed).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The broken examples as Postman v12 trees (`examples/v3/`, made by `postman collection
/// migrate`): `postman collection run` fails on each against the mock ScopeStack as the
/// troubleshooting guide says, and after a plain `scopelint check --fix` every request
/// answers 2xx.
#[test]
fn fixed_v3_examples_run_green_under_the_postman_cli() {
    let Some(postman) = postman_or_skip() else {
        return;
    };
    let server = mock::start();
    let dir = tempfile::tempdir().unwrap();
    mock::configure(dir.path(), &server);
    let env = dir.path().join("mock.environment.yaml");
    let env_text = format!(
        "name: Mock ScopeStack\nvalues:\n  - key: client_id\n    value: {}\n  - key: client_secret\n    value: {}\n  - key: username\n    value: {}\n  - key: password\n    value: {}\n  - key: access_token\n    value: {}\n",
        mock::CLIENT_ID,
        mock::CLIENT_SECRET,
        mock::USERNAME,
        mock::PASSWORD,
        mock::STANDING_TOKEN
    );
    // What each broken example answers before the fix: the status codes that must be among
    // the run's.
    let cases: &[(&str, &[u16])] = &[
        // The CLI fetches no token for a helper without one: it sends none.
        ("examples/v3/password-helper", &[401, 401]),
        ("examples/v3/wrong-token-url", &[404]),
        ("examples/v3/whole-response-token", &[401]),
        ("examples/v3/missing-accept-header", &[406, 406, 406]),
        ("examples/v3/missing-account-slug", &[404, 404]),
        // The auto-token pattern: the collection's pre-request script fetches the token with
        // `pm.sendRequest` from the API host, with `redirect_uri`, and stores it whole.
        ("examples/v3/auto-token-script", &[401, 401]),
    ];
    for (source, failures) in cases {
        std::fs::write(&env, &env_text).unwrap();
        let name = source.rsplit('/').next().unwrap();
        let tree = dir.path().join(name);
        crate::v3::copy_dir(&repo().join(source), &tree);
        aim_tree_at(&tree, &server);

        let (_, before) = collection_run(&postman, &tree, &env);
        let mut codes = statuses(&before);
        for code in *failures {
            let at = codes.iter().position(|c| c == code);
            assert!(
                at.is_some(),
                "{name}: expected a {code} before the fix:\n{before}"
            );
            codes.remove(at.unwrap());
        }

        let r = run(&[
            "check",
            // Every fix the examples need is safe: a plain `--fix`, as a pre-commit hook runs.
            "--fix",
            "--environment",
            env.to_str().unwrap(),
            tree.to_str().unwrap(),
        ]);
        assert_eq!(
            r.code, 0,
            "{name}: scopelint left problems:\n{}{}",
            r.stdout, r.stderr
        );

        let (ok, after) = collection_run(&postman, &tree, &env);
        let codes = statuses(&after);
        assert!(
            codes.len() >= statuses(&before).len(),
            "{name}: fewer requests ran after the fix:\n{after}"
        );
        if name == "password-helper" {
            // The token request the fix created ran first, and got a token.
            let token = after.find("/oauth/token [200").expect(&after);
            assert!(
                after[..token].contains("Get ScopeStack access token"),
                "{after}"
            );
            assert!(!after[..token].contains("/v1/"), "{after}");
        }
        assert!(
            ok && codes.iter().all(|c| (200..300).contains(c)),
            "{name}: after the fix: {codes:?}\n{after}"
        );
    }
}
