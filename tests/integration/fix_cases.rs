//! `--fix` on the shapes a review found fragile (`tests/fixtures/fix/`): each case pins what
//! the fixed collection must do in a runner, not just that it parses.

use serde_json::Value;

use crate::common::{check_json, repo, run, scopelint};

/// Copies `tests/fixtures/fix/NAME.postman_collection.json` to a temporary directory, runs
/// `check --fix ARGS` on it, and returns the fixed text and the run.
fn fix(name: &str, args: &[&str]) -> (String, crate::common::Run, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = format!("{name}.postman_collection.json");
    let path = dir.path().join(&file);
    std::fs::copy(repo().join("tests/fixtures/fix").join(&file), &path).unwrap();
    let mut all = vec!["check", "--fix"];
    all.extend_from_slice(args);
    all.push(path.to_str().unwrap());
    let r = run(&all);
    let text = std::fs::read_to_string(&path).unwrap();
    (text, r, dir)
}

/// Writes `collection` to `DIR/NAME.postman_collection.json`, runs `check --fix ARGS` on it,
/// which must exit 0, and returns the fixed collection.
fn fixed(dir: &std::path::Path, name: &str, collection: &Value, args: &[&str]) -> Value {
    let file = dir.join(format!("{name}.postman_collection.json"));
    crate::common::write_json(&file, collection);
    fix_file(&file, args)
}

/// Runs `check --fix ARGS FILE`, which must exit 0, and returns the fixed collection.
fn fix_file(file: &std::path::Path, args: &[&str]) -> Value {
    let mut all = vec!["check", "--fix"];
    all.extend_from_slice(args);
    all.push(file.to_str().unwrap());
    let r = run(&all);
    assert_eq!(r.code, 0, "{}: {}{}", file.display(), r.stdout, r.stderr);
    crate::common::read_json(file)
}

/// A v2.1 collection whose auth is a ScopeStack password helper, holding `items`.
fn with_password_helper(items: Value) -> Value {
    serde_json::json!({
        "info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "auth": {"type": "oauth2", "oauth2": [
            {"key": "grant_type", "value": "password_credentials"},
            {"key": "accessTokenUrl", "value": "https://app.scopestack.io/oauth/token"}
        ]},
        "item": items
    })
}

fn items(v: &Value) -> Vec<String> {
    v["item"].as_array().map_or(Vec::new(), |a| {
        a.iter()
            .map(|i| i["name"].as_str().unwrap_or("").to_owned())
            .collect()
    })
}

#[test]
fn a_helper_whose_token_url_does_not_resolve_is_only_fixed_on_request() {
    // The Salesforce folder's helper may be another service's: its credentials must not be
    // sent to ScopeStack by a plain --fix.
    let (text, r, _dir) = fix("sf", &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(!text.contains("Get ScopeStack access token"));
    let (text, r, _dir) = fix("sf", &["--unsafe-fixes"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(text.contains("Get ScopeStack access token"));
}

/// A token request the collection has (storing `access_token` in `my_jwt`) is reused: the
/// helper becomes bearer `{{my_jwt}}`, and no second token request is inserted.
#[test]
fn the_token_request_is_reused_when_another_exists() {
    let (text, r, _dir) = fix("existingtok", &[]);
    assert_eq!(r.code, 0);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(items(&v), ["R", "Old token"]);
    assert_eq!(v["auth"]["type"], "bearer");
    assert_eq!(v["auth"]["bearer"][0]["value"], "{{my_jwt}}");
}

#[test]
fn a_refresh_token_variable_gets_the_refresh_token() {
    let (text, _, _dir) = fix("ss3", &["--unsafe-fixes"]);
    assert!(
        text.contains(
            "pm.collectionVariables.set('refresh_token', pm.response.json().refresh_token)"
        ),
        "{text}"
    );
    assert!(
        text.contains("pm.environment.set(\\u0022token\\u0022, pm.response.json().access_token)"),
        "{text}"
    );
    // Escapes elsewhere on the line stay as they were.
    assert!(
        text.contains("var \\u00e9t\\u00e9 = \\\"\\u00e9\\\";"),
        "{text}"
    );
}

#[test]
fn a_variable_read_back_with_json_parse_is_not_a_token() {
    let (report, r) = check_json(&["tests/fixtures/fix/ss3b.postman_collection.json"]);
    assert_eq!(r.code, 0, "{report}");
}

#[test]
fn the_slug_request_runs_after_the_token_request_with_the_same_auth() {
    let (text, r, _dir) = fix("slugauth", &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v: Value = serde_json::from_str(&text).unwrap();
    let folder = &v["item"][0];
    assert_eq!(
        items(folder),
        [
            "Get ScopeStack access token",
            "Get ScopeStack account slug",
            "R"
        ]
    );
    // It inherits the folder's (now bearer) auth; no copy of the helper anywhere.
    assert!(folder["item"][1]["request"].get("auth").is_none());
    assert_eq!(
        text.matches("\"oauth2\"").count(),
        1,
        "the helper was copied:\n{text}"
    );
}

#[test]
fn the_slug_request_authenticates_like_the_request_it_serves() {
    let (text, _, _dir) = fix("hdrauth", &[]);
    let v: Value = serde_json::from_str(&text).unwrap();
    let slug = &v["item"][0];
    assert_eq!(slug["name"], "Get ScopeStack account slug");
    let headers: Vec<&str> = slug["request"]["header"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["key"].as_str().unwrap())
        .collect();
    assert_eq!(headers, ["Accept", "Authorization"]);
    assert_eq!(slug["request"]["auth"]["type"], "noauth");
}

#[test]
fn minified_files_stay_on_one_line() {
    // (Its helper holds literal secrets: SS011, which has no fix.)
    let (text, r, _dir) = fix("compact", &["--ignore", "SS011"]);
    assert_eq!(r.code, 0);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(!text.contains(": ") && !text.contains('\t'));
}

#[test]
fn a_collection_without_item_or_variable_gets_both() {
    let (text, r, _dir) = fix("noitem", &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(items(&v), ["Get ScopeStack access token"]);
    let declared: Vec<&str> = v["variable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["key"].as_str().unwrap())
        .collect();
    assert_eq!(declared, ["access_token", "refresh_token"]);
}

#[test]
fn declarations_add_only_what_is_missing_and_enable_only_what_is_named() {
    // `access_token` is declared already; `debug` is disabled and not the fix's to enable.
    let (text, r, _dir) = fix("declared", &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v: Value = serde_json::from_str(&text).unwrap();
    let vars: Vec<(&str, bool)> = v["variable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["key"].as_str().unwrap(), x["disabled"] == true))
        .collect();
    assert_eq!(
        vars,
        [
            ("access_token", false),
            ("debug", true),
            ("refresh_token", false)
        ]
    );
}

#[test]
fn commented_out_or_unset_is_not_setting_the_slug() {
    let (text, _, _dir) = fix("unset", &[]);
    assert!(text.contains("Get ScopeStack account slug"), "{text}");
}

#[test]
fn replacing_a_templated_variable_is_unsafe() {
    let (report, _) = check_json(&["tests/fixtures/fix/nestedvar.postman_collection.json"]);
    assert_eq!(report["diagnostics"][0]["fix"]["applicability"], "unsafe");
}

#[test]
fn declarations_never_add_a_second_key() {
    for name in ["nullvar", "disabledvar"] {
        // These collections send no token at all (SS012, no fix): not what this is about.
        let (text, r, _dir) = fix(name, &["--ignore", "SS012"]);
        assert_eq!(r.code, 0, "{name}: {}", r.stdout);
        // serde_json keeps the last of duplicate keys; count them in the text instead.
        assert_eq!(text.matches("\"variable\"").count(), 1, "{name}:\n{text}");
        assert_eq!(
            text.matches("\"account_slug\",").count() + text.matches("\"account_slug\"\n").count(),
            1,
            "{name}:\n{text}"
        );
    }
}

#[test]
fn a_staging_token_url_is_not_silently_moved_to_production() {
    let (report, _) = check_json(&[
        "tests/fixtures/ss002-helper-password-subdomain-port.postman_collection.json",
    ]);
    let ss002 = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SS002")
        .unwrap();
    assert_eq!(ss002["fix"]["applicability"], "unsafe");
}

#[test]
fn stdin_fix_never_loses_the_input() {
    for input in [&b"{\"a\": 1}"[..], b"\xff\xfe junk", b"{\"info\": {\"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"}, \"item\": []}"] {
        let out = scopelint().args(["check", "--fix", "-"]).write_stdin(input).output().unwrap();
        assert_eq!(out.stdout, input, "{}", String::from_utf8_lossy(&out.stderr));
    }
    // With --diff too, the diff goes to stderr and stdout is exactly the fixed text.
    let input = std::fs::read(repo().join("examples/whole-response-token.postman_collection.json"))
        .unwrap();
    let out = scopelint()
        .args(["check", "--fix", "--diff", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    let fixed =
        std::fs::read(repo().join("examples/fixed/whole-response-token.postman_collection.json"))
            .unwrap();
    assert_eq!(out.stdout, fixed);
    assert!(String::from_utf8_lossy(&out.stderr).contains("+++ b/<stdin>"));
}

#[test]
fn diff_with_a_machine_format_needs_an_output_file() {
    let r = run(&["check", "--diff", "--format", "json", "examples"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--output-file"), "{}", r.stderr);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let r = run(&[
        "check",
        "--diff",
        "--format",
        "json",
        "--output-file",
        out.to_str().unwrap(),
        "examples/wrong-token-url.postman_collection.json",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.starts_with("--- a/examples/wrong-token-url"));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(report["version"], 1);
}

#[test]
fn a_failed_write_still_reports_the_files_problems() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.postman_collection.json");
    std::fs::copy(
        repo().join("examples/missing-accept-header.postman_collection.json"),
        &path,
    )
    .unwrap();
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms).unwrap();
    let r = run(&[
        "check",
        "--fix",
        "--format",
        "concise",
        path.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout.matches(": SS004 ").count(), 3, "{}", r.stdout);
    assert!(r.stdout.contains("scopelint::write"), "{}", r.stdout);
    assert!(
        r.stdout.contains("Nothing to fix.") || r.stdout.contains("could not be written"),
        "{}",
        r.stdout
    );
}

/// As another user (when the tests run as root and `runuser` exists): a file that user cannot
/// write is an error, even in a directory it may write.
#[cfg(unix)]
#[test]
fn files_the_user_cannot_write_are_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n");
    let has_runuser = std::process::Command::new("runuser")
        .arg("--help")
        .output()
        .is_ok();
    if !is_root || !has_runuser {
        crate::common::skipped(crate::common::Missing::Capability, "needs root and runuser");
        return;
    }
    let dir = tempfile::Builder::new().tempdir_in("/tmp").unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let path = dir.path().join("rootowned.postman_collection.json");
    std::fs::copy(
        repo().join("examples/missing-accept-header.postman_collection.json"),
        &path,
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("scopelint");
    let out = std::process::Command::new("runuser")
        .args(["-u", "nobody", "--"])
        .arg(&bin)
        .args(["check", "--fix", "--format", "concise"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// `http://app.scopestack.io/oauth/token` is ScopeStack's token URL with the wrong scheme:
/// its fix is safe (the scheme's own port moves with it); a port written out is not.
#[test]
fn the_token_url_scheme_fix_is_safe_and_a_written_port_is_not() {
    let (report, _) = check_json(&["tests/fixtures/ss002-http-scheme.postman_collection.json"]);
    let ss002: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SS002")
        .collect();
    assert_eq!(ss002.len(), 1, "{report}");
    assert_eq!(ss002[0]["fix"]["applicability"], "safe", "{report}");

    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(
        repo().join("tests/fixtures/ss002-http-scheme.postman_collection.json"),
    )
    .unwrap()
    .replace(
        "http://app.scopestack.io/oauth/token",
        "http://app.scopestack.io:8080/oauth/token",
    );
    let path = dir.path().join("port.postman_collection.json");
    std::fs::write(&path, text).unwrap();
    let (report, _) = check_json(&[path.to_str().unwrap()]);
    let fix = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SS002")
        .map(|d| d["fix"]["applicability"].clone());
    assert_eq!(fix, Some(serde_json::json!("unsafe")), "{report}");
}

/// SS001's fix reuses a token request the collection has (bearer auth sends the variable it
/// stores) instead of adding a second one, in both formats.
#[test]
fn the_password_helper_fix_reuses_an_existing_token_request() {
    let dir = tempfile::tempdir().unwrap();
    let v2 = dir.path().join("c.postman_collection.json");
    std::fs::copy(
        repo().join("tests/fixtures/ss001-existing-token-request.postman_collection.json"),
        &v2,
    )
    .unwrap();
    let r = run(&["check", "--fix", v2.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let fixed: Value = serde_json::from_str(&std::fs::read_to_string(&v2).unwrap()).unwrap();
    assert_eq!(fixed["item"].as_array().unwrap().len(), 2, "{fixed}");
    assert_eq!(fixed["auth"]["bearer"][0]["value"], "{{token}}");

    let tree = dir.path().join("tree");
    crate::v3::copy_dir(
        &repo().join("tests/fixtures/v3/ss001-existing-token-request"),
        &tree,
    );
    let before = crate::common::files_in(&tree).len();
    let r = run(&["check", "--fix", tree.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(crate::common::files_in(&tree).len(), before);
    let definition = std::fs::read_to_string(tree.join(".resources/definition.yaml")).unwrap();
    assert!(definition.contains("token: \"{{token}}\""), "{definition}");
}

/// SS005's fix reuses the slug variable the collection's other paths use (`{{slug}}`, with a
/// value): nothing is declared and no slug request is added.
#[test]
fn the_slug_fix_reuses_the_collections_slug_variable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.postman_collection.json");
    std::fs::copy(
        repo().join("tests/fixtures/ss005-reuses-slug-variable.postman_collection.json"),
        &path,
    )
    .unwrap();
    let r = run(&["check", "--fix", path.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let fixed: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(items(&fixed), ["List projects", "List clients"]);
    assert_eq!(
        fixed["item"][1]["request"]["url"],
        "https://api.scopestack.io/{{slug}}/v1/clients"
    );
    let names: Vec<&str> = fixed["variable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["key"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["access_token", "slug"]);
}

/// `[rules.SS001] cure = "authorization-code"`: the guide's second cure. The helper keeps its
/// place and switches grant (auth and token URLs, Postman's callback, username and password
/// removed), in a v2.1 list, a v2.0 object and a v12 credentials map; unsafe, so a plain
/// `--fix` leaves it; a second run finds nothing; Postman's CLI accepts the fixed tree.
#[test]
fn ss001_authorization_code_cure_from_configuration() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("scopelint.toml"),
        "[rules.SS001]\ncure = \"authorization-code\"\n",
    )
    .unwrap();
    let v21 = dir.path().join("a.postman_collection.json");
    let v20 = dir.path().join("b.postman_collection.json");
    let tree = dir.path().join("tree");
    std::fs::copy(
        repo().join("tests/fixtures/ss001-request-level.postman_collection.json"),
        &v21,
    )
    .unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/ss001-v2.0-legacy-keys.postman_collection.json"),
        &v20,
    )
    .unwrap();
    crate::v3::copy_dir(&repo().join("tests/fixtures/v3/ss001-request-level"), &tree);
    let request = tree.join("Clients/List clients.request.yaml");
    for target in [&v21, &v20, &tree] {
        let t = target.to_str().unwrap();
        let before =
            std::fs::read_to_string(if target == &tree { &request } else { target }).unwrap();
        let (report, _) = check_json(&[t]);
        let ss001 = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "SS001")
            .unwrap_or_else(|| panic!("{t}: {report}"));
        assert_eq!(ss001["fix"]["applicability"], "unsafe", "{ss001}");
        assert!(
            ss001["help"].as_str().unwrap().contains(
                "`https://oauth.pstmn.io/v1/callback` must be registered as a redirect URI"
            ),
            "{ss001}"
        );
        // Unsafe: a plain --fix leaves the helper.
        run(&["check", "--fix", "--select", "SS001", t]);
        let after =
            std::fs::read_to_string(if target == &tree { &request } else { target }).unwrap();
        assert_eq!(before, after, "{t}");
        let r = run(&["check", "--fix", "--unsafe-fixes", t]);
        assert_eq!(r.code, 0, "{t}: {}{}", r.stdout, r.stderr);
        let again = run(&["check", "--diff", "--unsafe-fixes", t]);
        assert!(!again.stdout.contains("+++"), "{t}: {}", again.stdout);
    }
    let auth: Value = serde_json::from_str(&std::fs::read_to_string(&v21).unwrap()).unwrap();
    let params = &auth["item"][0]["item"][0]["request"]["auth"]["oauth2"];
    let param = |k: &str| {
        params
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["key"] == k)
            .map(|p| p["value"].clone())
    };
    assert_eq!(
        param("grant_type"),
        Some("authorization_code".into()),
        "{params}"
    );
    assert_eq!(
        param("authUrl"),
        Some("https://app.scopestack.io/oauth/authorize".into())
    );
    assert_eq!(
        param("accessTokenUrl"),
        Some("https://app.scopestack.io/oauth/token".into())
    );
    assert_eq!(
        param("redirect_uri"),
        Some("https://oauth.pstmn.io/v1/callback".into())
    );
    assert_eq!(param("useBrowser"), Some(true.into()));
    assert_eq!((param("username"), param("password")), (None, None));
    // Nothing inserted: the collection keeps its items.
    assert_eq!(auth["item"][0]["item"].as_array().unwrap().len(), 2);
    let legacy: Value = serde_json::from_str(&std::fs::read_to_string(&v20).unwrap()).unwrap();
    let o = &legacy["auth"]["oauth2"];
    assert_eq!(o["grantType"], "authorization_code", "{o}");
    assert_eq!(o["callBackUrl"], "https://oauth.pstmn.io/v1/callback");
    assert!(
        o.get("username").is_none() && o.get("password").is_none(),
        "{o}"
    );
    let yaml = std::fs::read_to_string(&request).unwrap();
    for line in [
        "    grant_type: authorization_code\n",
        "    authUrl: https://app.scopestack.io/oauth/authorize\n",
        "    redirect_uri: https://oauth.pstmn.io/v1/callback\n",
        "    useBrowser: true\n",
    ] {
        assert!(yaml.contains(line), "{line:?} in:\n{yaml}");
    }
    assert!(
        !yaml.contains("username") && !yaml.contains("password"),
        "{yaml}"
    );
    if let Some(postman) = crate::postman_cli::postman_or_skip() {
        let lint = std::process::Command::new(postman)
            .args(["collection", "lint"])
            .arg(&tree)
            .output()
            .unwrap();
        assert!(
            lint.status.success(),
            "{}",
            String::from_utf8_lossy(&lint.stdout)
        );
    }
    let explain = run(&["explain", "SS001"]);
    assert!(
        explain.stdout.contains("cure = \"authorization-code\""),
        "{}",
        explain.stdout
    );
}

/// Options of rules are checked like the rest of the configuration.
#[test]
fn rule_options_that_are_wrong_are_errors_in_the_toml_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.postman_collection.json");
    std::fs::copy(
        repo().join("tests/fixtures/ss002-negative.postman_collection.json"),
        &file,
    )
    .unwrap();
    for (toml, wanted) in [
        (
            "[rules.SS001]\ncure = \"browser\"\n",
            "`cure` is `\"direct-request\"` (the default) or `\"authorization-code\"`",
        ),
        (
            "[rules.SS001]\ncolour = 1\n",
            "unknown option `colour` of SS001 (expected `cure`)",
        ),
        ("[rules.SS004]\ncure = \"x\"\n", "SS004 has no options"),
        (
            "[rules.SS0]\ncure = \"x\"\n",
            "`[rules.SS0]` must name one rule by its code",
        ),
    ] {
        std::fs::write(dir.path().join("scopelint.toml"), toml).unwrap();
        let r = run(&["check", file.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{toml}: {}{}", r.stdout, r.stderr);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(
            all.contains(wanted) && all.contains("scopelint.toml:"),
            "{toml}: {all}"
        );
    }
}

/// SS005's slug step reuses what the collection has: the API base URL's variable, and its own
/// `GET /v1/me` request (which gets the slug-storing line, in either format); a slug request
/// goes after the token request when that runs first, else just before the first request that
/// needs the slug.
#[test]
fn the_slug_step_reuses_the_base_url_and_an_existing_me_request() {
    let dir = tempfile::tempdir().unwrap();
    let line = "pm.collectionVariables.set(\"account_slug\", pm.response.json().data.attributes[\"account-slug\"]);";
    // A slug request on `{{baseUrl}}`, after the token request.
    let file = dir.path().join("base.postman_collection.json");
    std::fs::copy(
        repo().join("tests/fixtures/ss005-base-url-slug-request.postman_collection.json"),
        &file,
    )
    .unwrap();
    let v = fix_file(&file, &[]);
    assert_eq!(
        items(&v),
        [
            "Get access token",
            "Get ScopeStack account slug",
            "List clients",
            "List projects"
        ]
    );
    assert_eq!(v["item"][1]["request"]["url"]["raw"], "{{baseUrl}}/v1/me");
    assert_eq!(v["item"][1]["request"]["url"]["host"][0], "{{baseUrl}}");
    let tree = dir.path().join("base-tree");
    crate::v3::copy_dir(
        &repo().join("tests/fixtures/v3/ss005-base-url-slug-request"),
        &tree,
    );
    let r = run(&["check", "--fix", tree.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let created =
        std::fs::read_to_string(tree.join("Get ScopeStack account slug.request.yaml")).unwrap();
    assert!(
        created.contains("url: \"{{baseUrl}}/v1/me\"\n"),
        "{created}"
    );

    // The collection's own `/v1/me` gets the line; nothing is inserted.
    let file = dir.path().join("me.postman_collection.json");
    std::fs::copy(
        repo().join("tests/fixtures/ss005-existing-me-request.postman_collection.json"),
        &file,
    )
    .unwrap();
    let v = fix_file(&file, &[]);
    assert_eq!(items(&v), ["Get access token", "Who am I", "List clients"]);
    assert_eq!(v["item"][1]["event"][0]["listen"], "test");
    assert_eq!(v["item"][1]["event"][0]["script"]["exec"][0], line);
    let tree = dir.path().join("me-tree");
    crate::v3::copy_dir(
        &repo().join("tests/fixtures/v3/ss005-existing-me-request"),
        &tree,
    );
    let r = run(&["check", "--fix", tree.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let me = std::fs::read_to_string(tree.join("Who am I.request.yaml")).unwrap();
    assert!(
        me.contains("  - type: afterResponse\n") && me.contains("account-slug"),
        "{me}"
    );
    assert!(!tree
        .join("Get ScopeStack account slug.request.yaml")
        .exists());
    // `scripts` goes before `order`, where Postman writes it.
    assert!(
        me.find("scripts:").unwrap() < me.find("order:").unwrap(),
        "{me}"
    );
    // A request file with scripts already (none after the response): the list grows.
    let tree = dir.path().join("me-scripts-tree");
    crate::v3::copy_dir(
        &repo().join("tests/fixtures/v3/ss005-existing-me-request"),
        &tree,
    );
    let me_file = tree.join("Who am I.request.yaml");
    let with_script = std::fs::read_to_string(&me_file).unwrap().replace(
        "order: 2000\n",
        "scripts:\n  - type: beforeRequest\n    code: console.log('me')\n    language: text/javascript\norder: 2000\n",
    );
    std::fs::write(&me_file, with_script).unwrap();
    let r = run(&["check", "--fix", tree.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let me = std::fs::read_to_string(&me_file).unwrap();
    assert!(
        me.contains("  - type: beforeRequest\n    code: console.log('me')\n")
            && me.contains("  - type: afterResponse\n")
            && me.matches("scripts:").count() == 1,
        "{me}"
    );
    // `scripts:` with no value: replaced by a list (a flow sequence, as a replaced value
    // is written).
    let tree = dir.path().join("me-null-scripts-tree");
    crate::v3::copy_dir(
        &repo().join("tests/fixtures/v3/ss005-existing-me-request"),
        &tree,
    );
    let me_file = tree.join("Who am I.request.yaml");
    let null_scripts = std::fs::read_to_string(&me_file)
        .unwrap()
        .replace("order: 2000\n", "scripts:\norder: 2000\n");
    std::fs::write(&me_file, null_scripts).unwrap();
    let r = run(&["check", "--fix", tree.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let me = std::fs::read_to_string(&me_file).unwrap();
    assert!(
        me.contains(r#"scripts: [{"type":"afterResponse","#) && me.matches("scripts:").count() == 1,
        "{me}"
    );

    // A test script the `/v1/me` request has already gets the line appended (exec as one
    // string); the token request runs after the request that needs the slug, so a slug
    // request would go before that one.
    let text = r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}"}]},
        "item": [
          {"name": "Who am I", "event": [{"listen": "test", "script": {"exec": "pm.test('ok', () => pm.response.to.have.status(200));"}}],
           "request": {"method": "GET", "header": [{"key": "Accept", "value": "application/vnd.api+json"}], "url": "https://api.scopestack.io/v1/me"}},
          {"name": "List clients", "request": {"method": "GET", "header": [{"key": "Accept", "value": "application/vnd.api+json"}], "url": "https://api.scopestack.io/v1/clients"}}]}"#;
    let file = dir.path().join("exec.postman_collection.json");
    std::fs::write(&file, text).unwrap();
    let v = fix_file(&file, &[]);
    assert_eq!(
        v["item"][0]["event"][0]["script"]["exec"],
        format!("pm.test('ok', () => pm.response.to.have.status(200));\n{line}")
    );
    // The same script as a list of lines gets one line more.
    let check_ok = "pm.test('ok', () => pm.response.to.have.status(200));";
    let file = dir.path().join("exec-array.postman_collection.json");
    std::fs::write(
        &file,
        text.replace(&format!("\"{check_ok}\""), &format!("[\"{check_ok}\"]")),
    )
    .unwrap();
    let v = fix_file(&file, &[]);
    assert_eq!(v["item"][0]["event"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["item"][0]["event"][0]["script"]["exec"],
        serde_json::json!([check_ok, line])
    );
    // A pre-request script only: a test event joins it.
    let file = dir.path().join("prerequest.postman_collection.json");
    std::fs::write(
        &file,
        text.replace(r#"[{"listen": "test""#, r#"[{"listen": "prerequest""#),
    )
    .unwrap();
    let v = fix_file(&file, &[]);
    let events = &v["item"][0]["event"];
    assert_eq!(events[0]["listen"], "prerequest");
    assert_eq!(events[1]["listen"], "test");
    assert_eq!(events[1]["script"]["exec"], serde_json::json!([line]));
    // `"event": null`: replaced by a list, not added to.
    let file = dir.path().join("null-event.postman_collection.json");
    let null_event = text.replace(
        &format!(r#""event": [{{"listen": "test", "script": {{"exec": "{check_ok}"}}}}],"#),
        r#""event": null,"#,
    );
    assert!(null_event.contains(r#""event": null"#));
    std::fs::write(&file, null_event).unwrap();
    let v = fix_file(&file, &[]);
    assert_eq!(
        v["item"][0]["event"][0]["script"]["exec"],
        serde_json::json!([line])
    );
    let text = r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}"}]},
        "item": [
          {"name": "Status", "request": {"method": "GET", "url": "https://example.com/status"}},
          {"name": "List clients", "request": {"method": "GET", "header": [{"key": "Accept", "value": "application/vnd.api+json"}], "url": "https://api.scopestack.io/v1/clients"}},
          {"name": "Token", "event": [{"listen": "test", "script": {"exec": ["pm.collectionVariables.set('access_token', pm.response.json().access_token);"]}}],
           "request": {"auth": {"type": "noauth"}, "method": "POST", "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "password"}]}, "url": "https://app.scopestack.io/oauth/token"}}]}"#;
    let file = dir.path().join("late.postman_collection.json");
    std::fs::write(&file, text).unwrap();
    run(&["check", "--fix", file.to_str().unwrap()]);
    let v = crate::common::read_json(&file);
    assert_eq!(
        items(&v),
        [
            "Status",
            "Get ScopeStack account slug",
            "List clients",
            "Token"
        ]
    );
}

#[test]
fn a_missing_or_disabled_accept_header_is_fixed_in_every_form_a_request_has() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}"}]},
        "item": [
          {"name": "Wrong", "request": {"method": "GET", "header": [{"key": "Accept", "value": "application/json", "disabled": true}], "url": "https://api.scopestack.io/acme/v1/clients"}},
          {"name": "Right", "request": {"method": "GET", "header": [{"key": "Accept", "value": "application/json, application/vnd.api+json", "disabled": true}], "url": "https://api.scopestack.io/acme/v1/projects"}},
          {"name": "Null", "request": {"method": "GET", "header": null, "url": "https://api.scopestack.io/acme/v1/services"}},
          {"name": "String", "request": "https://api.scopestack.io/acme/v1/rates"},
          {"name": "Lines", "request": {"method": "GET", "header": "X-Trace: 1", "url": "https://api.scopestack.io/acme/v1/phases"}}]}"#;
    let file = dir.path().join("accept.postman_collection.json");
    std::fs::write(&file, text).unwrap();
    let v = fix_file(&file, &[]);
    let header = |i: usize| v["item"][i]["request"]["header"][0].clone();
    assert_eq!(header(0)["value"], "application/vnd.api+json");
    assert_eq!(header(0)["disabled"], false);
    // A value that accepts JSON:API already is kept as written.
    assert_eq!(
        header(1)["value"],
        "application/json, application/vnd.api+json"
    );
    assert_eq!(header(1)["disabled"], false);
    assert_eq!(header(2)["key"], "Accept");
    assert_eq!(header(2)["value"], "application/vnd.api+json");
    // A request written as its URL is spelled out; a v2.0 header string gets a line.
    let spelled = &v["item"][3]["request"];
    assert_eq!(spelled["method"], "GET");
    assert_eq!(spelled["url"], "https://api.scopestack.io/acme/v1/rates");
    assert_eq!(header(3)["key"], "Accept");
    assert_eq!(
        v["item"][4]["request"]["header"],
        "X-Trace: 1\nAccept: application/vnd.api+json"
    );
}

/// `redirect_uri` leaves a script's token request with what joins it: the `&` before or
/// after it in form text, the comma after it (and the blanks before that) in a list, its
/// whole line when it is alone there (a line of the list, or of a script written as one
/// string).
#[test]
fn redirect_uri_leaves_a_script_request_with_its_separator() {
    let dir = tempfile::tempdir().unwrap();
    let open =
        "pm.sendRequest({url: 'https://app.scopestack.io/oauth/token', method: 'POST', body: ";
    let send = |body: &str| format!("{open}{body}}}, () => {{}});");
    let list = format!("{open}{{mode: 'urlencoded', urlencoded: [");
    let grant = "  {key: 'grant_type', value: 'password'},";
    let redirect = "  {key: 'redirect_uri', value: 'https://x'},";
    let close = "]}}, () => {});";
    let lines = [
        send("{mode: 'raw', raw: 'grant_type=password&redirect_uri=https://x&username=u'}"),
        send("{mode: 'raw', raw: 'redirect_uri=https://x&grant_type=password'}"),
        send("{mode: 'urlencoded', urlencoded: [{key: 'grant_type', value: 'password'}, {key: 'redirect_uri', value: 'https://x'} , {key: 'username', value: 'u'}]}"),
        list.clone(),
        grant.to_owned(),
        "  {key: 'redirect_uri', value: 'https://x'}, {key: 'username', value: 'u'}".to_owned(),
        close.to_owned(),
        list.clone(),
        grant.to_owned(),
        redirect.to_owned(),
        close.to_owned(),
    ];
    let test_script = [list.as_str(), grant, redirect, close].join("\n");
    let collection = serde_json::json!({
        "info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "event": [
            {"listen": "prerequest", "script": {"exec": lines}},
            {"listen": "test", "script": {"exec": test_script}}
        ],
        "item": []
    });
    let file = dir.path().join("redirect.postman_collection.json");
    crate::common::write_json(&file, &collection);
    let path = file.to_str().unwrap();
    let (report, _) = check_json(&["--select", "SS006", path]);
    let mut messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    messages.dedup();
    let message = |script: &str| {
        format!("the `pm.sendRequest` token request in the {script} script of collection `c` sends `redirect_uri` with a password grant; ScopeStack answers `invalid_grant`")
    };
    assert_eq!(messages, [message("pre-request"), message("test")]);
    let v = fix_file(&file, &["--unsafe-fixes", "--select", "SS006"]);
    assert_eq!(
        v["event"][0]["script"]["exec"],
        serde_json::json!([
            send("{mode: 'raw', raw: 'grant_type=password&username=u'}"),
            send("{mode: 'raw', raw: 'grant_type=password'}"),
            send("{mode: 'urlencoded', urlencoded: [{key: 'grant_type', value: 'password'},  {key: 'username', value: 'u'}]}"),
            list,
            grant,
            "   {key: 'username', value: 'u'}",
            close,
            list,
            grant,
            close,
        ])
    );
    assert_eq!(
        v["event"][1]["script"]["exec"],
        [list.as_str(), grant, close].join("\n")
    );
}

/// SS005's fix in the URL forms and collections it meets: a URL object's `path` as a list
/// of segment objects or as a string; a slug variable only when it has a value or a script
/// sets it; an `account_slug` with a value needs no slug request; the slug request right
/// after the token request even when other requests come between, and with no auth where
/// nothing is inherited.
#[test]
fn the_slug_fix_in_every_url_form_and_placement() {
    let dir = tempfile::tempdir().unwrap();
    let fix = |name: &str, variables: Value, items: Value| -> Value {
        let collection = serde_json::json!({
            "info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "item": items,
            "variable": variables
        });
        let file = dir.path().join(format!("{name}.postman_collection.json"));
        crate::common::write_json(&file, &collection);
        let r = run(&[
            "check",
            "--fix",
            "--select",
            "SS005",
            file.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{name}: {}{}", r.stdout, r.stderr);
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap()
    };
    let request = |name: &str, url: Value| {
        serde_json::json!({"name": name, "request": {"method": "GET",
            "header": [{"key": "Authorization", "value": "Bearer {{access_token}}"}], "url": url}})
    };
    let api = |path: Value| serde_json::json!({"protocol": "https", "host": ["api", "scopestack", "io"], "path": path});
    let token = serde_json::json!({"name": "Token", "request": {"method": "POST", "auth": {"type": "noauth"},
        "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "password"}]},
        "url": "https://app.scopestack.io/oauth/token"}});
    let status = request("Status", serde_json::json!("https://example.com/status"));
    let slug = "{{account_slug}}";

    // Path segments as objects, and as one string.
    let v = fix(
        "segments",
        serde_json::json!([{"key": "account_slug", "value": "acme"}]),
        serde_json::json!([
            request(
                "Objects",
                api(serde_json::json!([{"value": "v1"}, {"value": "clients"}]))
            ),
            request("String", api(serde_json::json!("v1/projects"))),
        ]),
    );
    assert_eq!(
        v["item"][0]["request"]["url"]["path"],
        serde_json::json!([slug, {"value": "v1"}, {"value": "clients"}])
    );
    assert_eq!(
        v["item"][1]["request"]["url"]["path"],
        format!("{slug}/v1/projects")
    );
    // `account_slug` has a value: no slug request.
    assert_eq!(items(&v), ["Objects", "String"]);

    // `{{tenant}}` has no value and no script sets it: not reused.
    let v = fix(
        "tenant",
        serde_json::json!([{"key": "tenant", "value": ""}]),
        serde_json::json!([
            token.clone(),
            status,
            request(
                "Tenant",
                serde_json::json!("https://api.scopestack.io/{{tenant}}/v1/projects")
            ),
            request(
                "Clients",
                serde_json::json!("https://api.scopestack.io/v1/clients")
            ),
        ]),
    );
    assert_eq!(
        v["item"][4]["request"]["url"],
        format!("https://api.scopestack.io/{slug}/v1/clients")
    );
    // Right after the token request, though `Status` comes between it and `Clients`; with
    // no auth of its own where nothing is inherited.
    assert_eq!(
        items(&v),
        [
            "Token",
            "Get ScopeStack account slug",
            "Status",
            "Tenant",
            "Clients"
        ]
    );
    let slug_request = &v["item"][1]["request"];
    assert!(slug_request.get("auth").is_none(), "{slug_request}");
    assert_eq!(
        slug_request["header"][1]["value"], "Bearer {{access_token}}",
        "{slug_request}"
    );

    // In a folder whose auth the request it serves does not have: `noauth`, spelled out.
    let v = fix(
        "folder",
        serde_json::json!([]),
        serde_json::json!([
            {"name": "Auth", "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}"}]},
             "item": [token]},
            request("Clients", serde_json::json!("https://api.scopestack.io/v1/clients")),
        ]),
    );
    let folder = &v["item"][0];
    assert_eq!(items(folder), ["Token", "Get ScopeStack account slug"]);
    assert_eq!(folder["item"][1]["request"]["auth"]["type"], "noauth");
}

/// The token request that replaces a password helper takes the helper's fields, its
/// variables where it has none, and its `scope` only when it has one.
#[test]
fn the_token_request_takes_the_helpers_fields_and_a_scope_it_has() {
    let dir = tempfile::tempdir().unwrap();
    for (scope, want) in [("read", Some("read")), ("", None)] {
        let collection = serde_json::json!({
            "info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "auth": {"type": "oauth2", "oauth2": [
                {"key": "grant_type", "value": "password_credentials"},
                {"key": "accessTokenUrl", "value": "https://app.scopestack.io/oauth/token"},
                {"key": "clientId", "value": "my-client"},
                {"key": "scope", "value": scope}
            ]},
            "item": []
        });
        let v = fixed(dir.path(), "scope", &collection, &["--select", "SS001"]);
        assert_eq!(items(&v), ["Get ScopeStack access token"]);
        let fields: std::collections::BTreeMap<&str, &str> = v["item"][0]["request"]["body"]
            ["urlencoded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["key"].as_str().unwrap(), f["value"].as_str().unwrap()))
            .collect();
        assert_eq!(fields.get("scope").copied(), want, "{fields:?}");
        assert_eq!(fields["client_id"], "my-client");
        assert_eq!(fields["client_secret"], "{{client_secret}}");
        assert_eq!(fields["grant_type"], "password");
    }
}

/// The helper's replacement sends the variable a ScopeStack token request stores, never
/// one another identity provider's token request stores.
#[test]
fn another_providers_token_variable_is_not_reused() {
    let dir = tempfile::tempdir().unwrap();
    let collection = with_password_helper(serde_json::json!([{"name": "Salesforce token",
            "event": [{"listen": "test", "script": {"exec": ["pm.environment.set('sf_token', pm.response.json().access_token);"]}}],
            "request": {"method": "POST", "auth": {"type": "noauth"},
                "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "password"}]},
                "url": "https://login.salesforce.com/services/oauth2/token"}}]
    ));
    let v = fixed(dir.path(), "sf", &collection, &["--select", "SS001"]);
    assert_eq!(v["auth"]["bearer"][0]["value"], "{{access_token}}", "{v}");
}

/// A ScopeStack token request storing the parsed response whole, or a text that only names
/// `access_token`, holds no token: its variable is not the one the helper's fix sends.
#[test]
fn a_variable_holding_no_access_token_is_not_reused() {
    let dir = tempfile::tempdir().unwrap();
    for (i, script) in [
        "pm.collectionVariables.set('whole', pm.response.json());",
        "pm.collectionVariables.set('whole', 'access_token');",
    ]
    .into_iter()
    .enumerate()
    {
        let collection = with_password_helper(serde_json::json!([{"name": "Token",
                "event": [{"listen": "test", "script": {"exec": [script]}}],
                "request": {"method": "POST", "auth": {"type": "noauth"},
                    "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "password"}]},
                    "url": "https://app.scopestack.io/oauth/token"}}]
        ));
        let v = fixed(
            dir.path(),
            &format!("c{i}"),
            &collection,
            &["--select", "SS001"],
        );
        assert_eq!(
            v["auth"]["bearer"][0]["value"], "{{access_token}}",
            "{script}: {v}"
        );
    }
}

/// `redirect_uri` leaves a raw token request body (JSON or form text) with what joins it,
/// wherever it stands.
#[test]
fn redirect_uri_leaves_a_raw_body_with_its_separator() {
    let dir = tempfile::tempdir().unwrap();
    let bodies = [
        (
            r#"{"grant_type": "password", "redirect_uri": "https://x", "username": "u"}"#,
            r#"{"grant_type": "password", "username": "u"}"#,
        ),
        (
            r#"{"redirect_uri": "https://x", "grant_type": "password"}"#,
            r#"{"grant_type": "password"}"#,
        ),
        (
            "grant_type=password&redirect_uri=https://x&username=u",
            "grant_type=password&username=u",
        ),
        (
            "redirect_uri=https://x&grant_type=password",
            "grant_type=password",
        ),
        (
            "grant_type=password&username=u&redirect_uri=https://x",
            "grant_type=password&username=u",
        ),
    ];
    let items: Vec<Value> = bodies
        .iter()
        .enumerate()
        .map(|(i, (raw, _))| {
            serde_json::json!({"name": format!("Token {i}"), "request": {"method": "POST", "auth": {"type": "noauth"},
                "body": {"mode": "raw", "raw": raw}, "url": "https://app.scopestack.io/oauth/token"}})
        })
        .collect();
    let collection = serde_json::json!({
        "info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": items
    });
    let file = dir.path().join("raw.postman_collection.json");
    let text = serde_json::to_string_pretty(&collection).unwrap();
    std::fs::write(&file, &text).unwrap();
    let path = file.to_str().unwrap();
    // Each finding labels the key.
    let (report, _) = check_json(&["--select", "SS006", path]);
    let labels: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let at = d["offset"].as_u64().unwrap() as usize;
            &text[at..at + d["length"].as_u64().unwrap() as usize]
        })
        .collect();
    assert_eq!(
        labels,
        [
            r#"\"redirect_uri\""#,
            r#"\"redirect_uri\""#,
            "redirect_uri",
            "redirect_uri",
            "redirect_uri"
        ]
    );
    let v = fix_file(&file, &["--unsafe-fixes", "--select", "SS006"]);
    for (i, (_, want)) in bodies.iter().enumerate() {
        assert_eq!(v["item"][i]["request"]["body"]["raw"], *want, "{i}");
    }
}

/// SS002 says what is wrong with a token URL, and its fix rewrites a URL object's parts
/// with its `raw`: a port written goes, a protocol missing is added.
#[test]
fn wrong_token_urls_are_explained_and_url_objects_fixed_part_by_part() {
    let dir = tempfile::tempdir().unwrap();
    let token = |name: &str, url: Value| {
        serde_json::json!({"name": name, "request": {"method": "POST", "auth": {"type": "noauth"},
            "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "password"}]},
            "url": url}})
    };
    let cases = [
        (
            "https://app.scopestack.io:8443/oauth/token",
            Some("the token endpoint is on `app.scopestack.io`"),
        ),
        ("https://app.scopestack.io:443/oauth/token", None),
        (
            "https://app.scopestack.io/oauth/token/",
            Some("the path has a trailing slash"),
        ),
        (
            "https://app.scopestack.io/oauth/tokens",
            Some("the token endpoint's path is `/oauth/token`"),
        ),
        // The scheme's own port written out is no other port.
        (
            "https://app.scopestack.io:443/oauth/tokens",
            Some("the token endpoint's path is `/oauth/token`"),
        ),
        // Named after its URL, as Postman names a request until it is renamed: the name's
        // password is masked too.
        (
            "https://user:s3cr3t-pw@app.scopestack.io/oauth/token",
            Some("a token URL must not carry credentials"),
        ),
    ];
    let mut items: Vec<Value> = cases
        .iter()
        .map(|(url, _)| token(url, serde_json::json!(url)))
        .collect();
    items.push(token(
        "port object",
        serde_json::json!({"raw": "https://app.scopestack.io:8443/oauth/token", "protocol": "https",
            "host": ["app", "scopestack", "io"], "port": "8443", "path": ["oauth", "token"]}),
    ));
    items.push(token(
        "no protocol",
        serde_json::json!({"host": ["api", "scopestack", "io"], "path": ["oauth", "token"]}),
    ));
    // Postman writes no `path` for a URL with none; newman sends the parts, not `raw`.
    items.push(token(
        "no path",
        serde_json::json!({"raw": "https://app.scopestack.io", "protocol": "https",
            "host": ["app", "scopestack", "io"]}),
    ));
    items.push(token(
        "raw only",
        serde_json::json!({"raw": "https://api.scopestack.io/oauth/token"}),
    ));
    let collection = serde_json::json!({
        "info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": items
    });
    let file = dir.path().join("urls.postman_collection.json");
    crate::common::write_json(&file, &collection);
    let path = file.to_str().unwrap();
    let (report, _) = check_json(&["--select", "SS002", path]);
    let found: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let why = d["message"]
                .as_str()
                .unwrap()
                .rsplit(", but ")
                .next()
                .unwrap();
            (d["item"].as_str().unwrap(), why)
        })
        .collect();
    let masked = format!(
        "https://{}@app.scopestack.io/oauth/token",
        "*".repeat("user:s3cr3t-pw".len())
    );
    let mut want: Vec<(&str, &str)> = cases
        .iter()
        .filter_map(|(url, why)| {
            let name = if url.contains('@') {
                masked.as_str()
            } else {
                url
            };
            why.map(|w| (name, w))
        })
        .collect();
    assert!(!report.to_string().contains("s3cr3t"), "{report}");
    want.push((
        "port object",
        "the token endpoint is on `app.scopestack.io`",
    ));
    want.push(("no protocol", "the API host does not issue tokens"));
    want.push(("no path", "the token endpoint's path is `/oauth/token`"));
    want.push(("raw only", "the API host does not issue tokens"));
    assert_eq!(found, want);
    let v = fix_file(&file, &["--unsafe-fixes", "--select", "SS002"]);
    let n = cases.len();
    assert_eq!(
        v["item"][n]["request"]["url"],
        serde_json::json!({"raw": "https://app.scopestack.io/oauth/token", "protocol": "https",
            "host": ["app", "scopestack", "io"], "path": ["oauth", "token"]})
    );
    let url = &v["item"][n + 1]["request"]["url"];
    assert_eq!(url["protocol"], "https", "{url}");
    assert_eq!(url["host"], serde_json::json!(["app", "scopestack", "io"]));
    // The missing parts are added, in Postman's order.
    for i in [n + 2, n + 3] {
        let url = &v["item"][i]["request"]["url"];
        assert_eq!(
            url,
            &serde_json::json!({"raw": "https://app.scopestack.io/oauth/token", "protocol": "https",
                "host": ["app", "scopestack", "io"], "path": ["oauth", "token"]})
        );
        let keys: Vec<&String> = url.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["raw", "protocol", "host", "path"], "{url}");
    }
}

/// SS002's message names the request a helper is wrong for only when the helper is
/// another's (a folder's, resolving a variable the request sets); its help names the
/// deployment a staging token URL belongs with.
#[test]
fn wrong_token_url_messages_name_the_request_once_and_the_deployment() {
    let dir = tempfile::tempdir().unwrap();
    let collection = serde_json::json!({
        "info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "Clients",
            "request": {"method": "GET",
                "auth": {"type": "oauth2", "oauth2": [
                    {"key": "grant_type", "value": "authorization_code"},
                    {"key": "accessTokenUrl", "value": "https://app.staging.scopestack.io/oauth/token"}
                ]},
                "header": [{"key": "Accept", "value": "application/vnd.api+json"}],
                "url": "https://api.scopestack.io/acme/v1/clients"}}]
    });
    let file = dir.path().join("request-helper.postman_collection.json");
    crate::common::write_json(&file, &collection);
    let (report, _) = check_json(&["--select", "SS002", file.to_str().unwrap()]);
    let d = &report["diagnostics"][0];
    assert_eq!(
        d["message"],
        "the OAuth 2.0 helper of request `Clients` gets tokens from \
         `https://app.staging.scopestack.io/oauth/token`, but tokens are issued by \
         `app.scopestack.io`, not `app.staging.scopestack.io`",
        "{report}"
    );
    let help = d["help"].as_str().unwrap();
    assert!(
        help.ends_with(
            " `https://app.staging.scopestack.io/oauth/token` is right for a collection whose \
             API requests call `api.staging.scopestack.io`: to use that deployment, point the \
             API requests there, or set `app-url` and `api-url` in scopelint.toml."
        ),
        "{help}"
    );
}

/// With a collection's password helper still to be replaced, the slug request waits for the
/// token request and goes right after it.
#[test]
fn the_slug_request_follows_the_token_request_that_replaces_a_collection_helper() {
    let dir = tempfile::tempdir().unwrap();
    let collection = with_password_helper(serde_json::json!([
            {"name": "Other", "request": {"method": "GET", "header": [{"key": "Accept", "value": "application/vnd.api+json"}], "url": "https://api.scopestack.io/acme/v1/x"}},
            {"name": "List clients", "request": {"method": "GET", "header": [{"key": "Accept", "value": "application/vnd.api+json"}], "url": "https://api.scopestack.io/v1/clients"}}
        ]
    ));
    let file = dir.path().join("order.postman_collection.json");
    crate::common::write_json(&file, &collection);
    let r = run(&["check", "--fix", file.to_str().unwrap()]);
    assert_ne!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let v = crate::common::read_json(&file);
    assert_eq!(
        items(&v),
        [
            "Get ScopeStack access token",
            "Get ScopeStack account slug",
            "Other",
            "List clients"
        ]
    );
}

/// The authorization-code cure keeps a token URL that resolves to the token endpoint as
/// written, corrects one that does not, and reads an object of settings with `grant_type`
/// as v2.1 keys (only `grantType` marks v2.0's).
#[test]
fn the_authorization_code_cure_keeps_a_right_token_url_as_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("scopelint.toml"),
        "[rules.SS001]\ncure = \"authorization-code\"\n",
    )
    .unwrap();
    let collection = |oauth2: Value| {
        serde_json::json!({
            "info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "variable": [{"key": "token_url", "value": "https://app.scopestack.io/oauth/token"}],
            "auth": {"type": "oauth2", "oauth2": oauth2},
            "item": [{"name": "R", "request": {"method": "GET", "header": [{"key": "Accept", "value": "application/vnd.api+json"}], "url": "https://api.scopestack.io/acme/v1/clients"}}]
        })
    };
    let list = |url: &str| {
        serde_json::json!([
            {"key": "grant_type", "value": "password_credentials"},
            {"key": "accessTokenUrl", "value": url}
        ])
    };
    let cases = [
        ("variable", list("{{token_url}}")),
        ("api host", list("https://api.scopestack.io/oauth/token")),
        (
            "object",
            serde_json::json!({"grant_type": "password_credentials", "accessTokenUrl": "https://app.scopestack.io/oauth/token"}),
        ),
    ];
    for (name, oauth2) in cases {
        let file = dir.path().join(format!("{name}.postman_collection.json"));
        std::fs::write(
            &file,
            serde_json::to_string_pretty(&collection(oauth2)).unwrap(),
        )
        .unwrap();
        let r = run(&[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "SS001",
            file.to_str().unwrap(),
        ]);
        assert_ne!(r.code, 2, "{name}: {}{}", r.stdout, r.stderr);
        let v = crate::common::read_json(&file);
        let settings = &v["auth"]["oauth2"];
        let get = |key: &str| -> Value {
            match settings {
                Value::Array(entries) => entries
                    .iter()
                    .find(|e| e["key"] == key)
                    .map_or(Value::Null, |e| e["value"].clone()),
                other => other[key].clone(),
            }
        };
        assert_eq!(
            get("grant_type"),
            "authorization_code",
            "{name}: {settings}"
        );
        assert_eq!(
            get("redirect_uri"),
            "https://oauth.pstmn.io/v1/callback",
            "{name}: {settings}"
        );
        let want = if name == "variable" {
            "{{token_url}}"
        } else {
            "https://app.scopestack.io/oauth/token"
        };
        assert_eq!(get("accessTokenUrl"), want, "{name}: {settings}");
    }
}

/// With a deployment served over plain HTTP (`app-url` in the configuration), port 80
/// written out is its port: a wrong path is what is wrong.
#[test]
fn an_http_deployments_own_port_is_no_other_port() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("scopelint.toml"),
        "app-url = \"http://scopestack.internal\"\napi-url = \"http://api.scopestack.internal\"\n",
    )
    .unwrap();
    let collection = serde_json::json!({
        "info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "Token", "request": {"method": "POST", "auth": {"type": "noauth"},
            "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "password"}]},
            "url": "http://scopestack.internal:80/oauth/tokens"}}]
    });
    let file = dir.path().join("http.postman_collection.json");
    crate::common::write_json(&file, &collection);
    let (report, _) = check_json(&["--select", "SS002", file.to_str().unwrap()]);
    let message = report["diagnostics"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.ends_with("but the token endpoint's path is `/oauth/token`"),
        "{report}"
    );
}
