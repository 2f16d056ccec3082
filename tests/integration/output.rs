//! What users read: rendered diagnostics (snapshots), the JSON document's shape, and that
//! every reported location points at the node it names.

use serde_json::Value;

use crate::common::{check_json, collection_files, repo, run};

#[test]
fn full_output_of_every_example() {
    for file in collection_files()
        .iter()
        .filter(|f| f.starts_with("examples/"))
    {
        let r = run(&["check", file]);
        let name = file
            .trim_start_matches("examples/")
            .trim_end_matches(".postman_collection.json");
        insta::assert_snapshot!(format!("full_{name}"), r.stdout);
        assert!(r.stderr.is_empty(), "{file}: {}", r.stderr);
    }
}

#[test]
fn full_output_of_an_invalid_file_points_at_the_byte() {
    let r = run(&["check", "tests/fixtures/invalid.postman_collection.json"]);
    assert_eq!(r.code, 2);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn full_output_has_no_colour_off_a_terminal() {
    let r = run(&["check", "examples"]);
    assert!(!r.stdout.contains('\u{1b}'), "ANSI escape in piped output");
    assert!(
        r.stdout.ends_with(
            "Found 31 problems (31 errors) in 22 of 89 files. 23 fixable with `--fix`.\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn json_document_has_the_documented_shape() {
    let (report, r) = check_json(&["examples/missing-accept-header.postman_collection.json"]);
    assert_eq!(r.code, 1);
    let keys: Vec<_> = report.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["version", "fixed", "files", "diagnostics"]);
    assert_eq!(report["version"], 1);
    assert_eq!(report["files"], 1);
    let d = &report["diagnostics"][0];
    let mut keys: Vec<_> = d.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "code", "column", "fix", "help", "item", "length", "line", "message", "name", "offset",
            "path", "pointer", "severity"
        ]
    );
    insta::assert_json_snapshot!(report);
}

/// For every finding in every fixture: `offset`/`length` cut out exactly the labelled key or
/// value, `line`/`column` agree with `offset`, and `pointer` names that node (or the object
/// whose key is labelled, or the string that holds the labelled line).
#[test]
fn every_location_points_at_the_node_it_names() {
    let mut checked = 0;
    for file in collection_files()
        .into_iter()
        .filter(|f| !f.contains("invalid"))
    {
        let (report, _) = check_json(&[
            &file,
            "--environment",
            "tests/fixtures/env-staging.postman_environment.json",
        ]);
        let bytes = std::fs::read(repo().join(&file)).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let value: Value = serde_json::from_str(&text[bom..]).unwrap();
        for d in report["diagnostics"].as_array().unwrap() {
            let offset = d["offset"].as_u64().unwrap() as usize;
            let length = d["length"].as_u64().unwrap() as usize;
            let slice = std::str::from_utf8(&bytes[offset..offset + length]).unwrap();

            let before = &text[bom..offset];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
            assert_eq!(
                (
                    d["line"].as_u64().unwrap() as usize,
                    d["column"].as_u64().unwrap() as usize
                ),
                (line, column),
                "{file}: {d}"
            );

            let pointer = d["pointer"].as_str().unwrap();
            let node = value
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{file}: pointer {pointer} resolves to nothing"));
            let as_value: Option<Value> = serde_json::from_str(slice).ok();
            let last_token = pointer.rsplit('/').next().unwrap();
            let ok = as_value.as_ref() == Some(node)
                || (as_value == Some(Value::String(last_token.to_owned())))
                || (node.is_string()
                    && serde_json::to_string(node).unwrap().contains(slice.trim()))
                || (as_value == Some(Value::String("request".into()))
                    && pointer.ends_with("/request"));
            assert!(
                ok,
                "{file}: span {slice:?} is not the node at {pointer} ({node})"
            );
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} findings checked");
}

#[test]
fn offsets_count_the_byte_order_mark() {
    let (report, _) = check_json(&["tests/fixtures/misc-utf8-bom.postman_collection.json"]);
    let d = &report["diagnostics"][0];
    let bytes =
        std::fs::read(repo().join("tests/fixtures/misc-utf8-bom.postman_collection.json")).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let offset = d["offset"].as_u64().unwrap() as usize;
    assert_eq!(&bytes[offset..offset + 1], b"\"");
    assert_eq!(d["code"], "SS005");
}

#[test]
fn secrets_never_appear_in_any_output() {
    let secrets = [
        "Sup3rS3cretValue",
        "hunter2-password",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig-part-xyz",
        "refresh-tok-123",
        "apikey-0123456789abcdef",
        "sessionid=cookie-value-987",
        "body-pass-456",
    ];
    let everything = every_output_of_leaky(&secrets);
    for s in secrets {
        assert!(!everything.contains(s), "secret {s} printed:\n{everything}");
    }
    // Nor any part of one: every 6-character piece of each is searched for, except those
    // the same run shows with the secrets replaced (words the report itself uses).
    let placeholders: Vec<String> = secrets.iter().map(|s| "Q".repeat(s.len())).collect();
    let placeholders: [&str; 7] = std::array::from_fn(|i| placeholders[i].as_str());
    let baseline = every_output_of_leaky(&placeholders);
    for s in secrets {
        let pieces = crate::common::leaked_pieces(s, &everything, &baseline);
        assert!(
            pieces.is_empty(),
            "parts of {s} printed: {pieces:?}\n{everything}"
        );
    }
}

/// Every output format, and `--diff`, of a collection holding `secrets` in its helper,
/// headers, script and body.
fn every_output_of_leaky(secrets: &[&str; 7]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leaky.postman_collection.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"info": {{"name": "leaky", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},
  "auth": {{"type": "oauth2", "oauth2": [
    {{"key": "clientSecret", "value": "{0}", "type": "string"}},
    {{"key": "password", "value": "{1}", "type": "string"}},
    {{"key": "grant_type", "value": "password_credentials", "type": "string"}},
    {{"key": "accessTokenUrl", "value": "https://app.scopestack.io/oauth/token", "type": "string"}}]}},
  "item": [{{"name": "Clients", "request": {{"method": "GET",
    "header": [{{"key": "Authorization", "value": "Bearer {2}"}}, {{"key": "X-API-Key", "value": "{4}"}}, {{"key": "Cookie", "value": "{5}"}}],
    "url": "https://api.scopestack.io/v1/clients"}},
    "event": [{{"listen": "test", "script": {{"exec": ["pm.environment.set('refresh_token', '{3}');", "pm.environment.set('access_token', pm.response.text());"]}}}}]}},
   {{"name": "Token", "request": {{"method": "POST", "url": "https://app.scopestack.io/oauth/token",
    "body": {{"mode": "urlencoded", "urlencoded": [{{"key": "grant_type", "value": "password"}}, {{"key": "password", "value": "{6}"}}]}}}}}}]}}"#,
            secrets[0], secrets[1], secrets[2], secrets[3], secrets[4], secrets[5], secrets[6]
        ),
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let full = run(&["check", file]);
    let (json, _) = check_json(&[file]);
    assert_eq!(full.code, 1);
    // SS001, SS003, SS004 and SS005 render snippets right next to the secrets.
    for code in ["SS001", "SS003", "SS004", "SS005"] {
        assert!(
            full.stdout.contains(code),
            "{code} missing:\n{}",
            full.stdout
        );
    }
    let mut everything = format!("{}{}{json}", full.stdout, full.stderr);
    for format in ["concise", "sarif", "github"] {
        let r = run(&["check", "--format", format, file]);
        assert_eq!(r.code, 1, "{format}");
        everything += &r.stdout;
        everything += &r.stderr;
    }
    let diff = run(&["check", "--diff", "--unsafe-fixes", file]);
    assert!(
        diff.stdout.contains("@@"),
        "no diff shown:\n{}",
        diff.stdout
    );
    everything += &diff.stdout;
    everything += &diff.stderr;
    everything
}

#[test]
fn secrets_from_the_environment_or_a_broken_file_stay_hidden() {
    let secrets = [
        "ENVSECRET99",
        "HDRSECRET456",
        "LEAKEDKEY42",
        "PW77",
        "BEARERLEAK",
    ];
    let everything = outputs_with_environment_and_broken_file(&secrets);
    assert!(
        everything.contains("SS002")
            && everything.contains("SS005")
            && everything.contains("scopelint::json")
    );
    assert!(everything.contains("client_secret=***"), "{everything}");
    for secret in secrets {
        assert!(
            !everything.contains(secret),
            "{secret} printed:\n{everything}"
        );
    }
    // Nor any 6-character part of one, beyond what the same run prints with placeholders.
    let placeholders: Vec<String> = secrets.iter().map(|s| "Q".repeat(s.len())).collect();
    let placeholders: [&str; 5] = std::array::from_fn(|i| placeholders[i].as_str());
    let baseline = outputs_with_environment_and_broken_file(&placeholders);
    for secret in secrets {
        let pieces = crate::common::leaked_pieces(secret, &everything, &baseline);
        assert!(
            pieces.is_empty(),
            "parts of {secret} printed: {pieces:?}\n{everything}"
        );
    }
}

/// The default and JSON reports of a collection whose secrets come from an environment (in
/// a resolved URL), a header string and a query, beside a broken file holding one.
fn outputs_with_environment_and_broken_file(secrets: &[&str; 5]) -> String {
    let [env_secret, header, key, password, bearer] = *secrets;
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("e.postman_environment.json");
    std::fs::write(
        &env,
        format!(
            r#"{{"name": "E", "_postman_variable_scope": "environment", "values": [
            {{"key": "secret", "value": "{env_secret}", "enabled": true}},
            {{"key": "tok_url", "value": "https://api.scopestack.io/oauth/token?client_secret={{{{secret}}}}", "enabled": true}}]}}"#
        ),
    )
    .unwrap();
    let coll = dir.path().join("c.postman_collection.json");
    std::fs::write(
        &coll,
        format!(
            r#"{{"info": {{"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},
            "auth": {{"type": "oauth2", "oauth2": [{{"key": "accessTokenUrl", "value": "{{{{tok_url}}}}"}}]}},
            "item": [{{"name": "R", "request": {{"method": "GET",
              "header": "Authorization: Bearer {header}\nAccept: application/vnd.api+json",
              "url": "https://api.scopestack.io/v1/clients?api_key={key}&password={password}"}}}}]}}"#
        ),
    )
    .unwrap();
    let broken = dir.path().join("b.postman_collection.json");
    std::fs::write(
        &broken,
        format!(
            "{{\"auth\": {{\"bearer\": [{{\"key\": \"token\", \"value\": \"{bearer}\"}}]}},\n\"item\": [,]}}"
        ),
    )
    .unwrap();
    let files = [
        coll.to_str().unwrap(),
        broken.to_str().unwrap(),
        "--environment",
        env.to_str().unwrap(),
    ];
    let mut args = vec!["check"];
    args.extend(files);
    let full = run(&args);
    let (json, _) = check_json(&files);
    format!("{}{}{json}", full.stdout, full.stderr)
}

#[test]
fn columns_agree_between_formats_on_non_ascii_lines() {
    let dir = tempfile::tempdir().unwrap();
    let coll = dir.path().join("c.postman_collection.json");
    std::fs::write(
        &coll,
        r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
"item": [{"name": "Clients é", "request": {"method": "GET", "header": [{"key": "Accept", "value": "application/vnd.api+json"}], "description": "ééé", "url": "https://api.scopestack.io/v1/clients"}}]}"#,
    )
    .unwrap();
    let file = coll.to_str().unwrap();
    let (json, _) = check_json(&[file]);
    let d = &json["diagnostics"][0];
    let at = format!("{file}:{}:{}]", d["line"], d["column"]);
    let full = run(&["check", file]);
    assert!(full.stdout.contains(&at), "{at} not in\n{}", full.stdout);
}

#[test]
fn a_line_of_a_crlf_script_is_labelled_without_its_line_ending() {
    let dir = tempfile::tempdir().unwrap();
    let coll = dir.path().join("c.postman_collection.json");
    std::fs::write(
        &coll,
        r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
"item": [{"name": "Token", "event": [{"listen": "test", "script": {"exec": "var a = 1;\r\npm.environment.set('access_token', pm.response.text());\r\nvar b = 2;"}}],
  "request": {"method": "POST", "url": "https://app.scopestack.io/oauth/token"}}]}"#,
    )
    .unwrap();
    let (json, _) = check_json(&[coll.to_str().unwrap()]);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "SS003");
    let bytes = std::fs::read(&coll).unwrap();
    let offset = d["offset"].as_u64().unwrap() as usize;
    let label =
        std::str::from_utf8(&bytes[offset..offset + d["length"].as_u64().unwrap() as usize])
            .unwrap();
    assert_eq!(
        label,
        "pm.environment.set('access_token', pm.response.text());"
    );
}

/// Colour on a terminal (a pseudo-terminal from util-linux `script`), and never with
/// `NO_COLOR`. Skips where `script` is missing.
#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let bin = assert_cmd::cargo::cargo_bin("scopelint");
    let command = format!(
        "{} check examples/password-helper.postman_collection.json",
        bin.display()
    );
    let on_tty = |no_color: Option<&str>| {
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &command, "/dev/null"])
            .current_dir(repo())
            .env_remove("NO_COLOR");
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        cmd.output().ok().filter(|o| o.status.code().is_some())
    };
    let Some(plain) = on_tty(None) else {
        crate::common::skipped(
            crate::common::Missing::Tool,
            "no `script` (util-linux) to make a terminal",
        );
        return;
    };
    let escapes = |o: &std::process::Output| o.stdout.windows(2).filter(|w| w == b"\x1b[").count();
    assert!(
        escapes(&plain) > 0,
        "no colour on a terminal: {}",
        String::from_utf8_lossy(&plain.stdout)
    );
    assert_eq!(
        escapes(&on_tty(Some("1")).unwrap()),
        0,
        "colour despite NO_COLOR"
    );
}

/// SS011 finds literal credentials of every kind, and no output format shows one.
#[test]
fn hard_coded_secrets_are_found_and_never_shown() {
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnLXBsYW50ZWQtc2VjcmV0";
    let planted = [
        "PlantedClientSecret1",
        "PlantedPassword2",
        "PlantedAccess3",
        "PlantedRefresh4",
        "PlantedBearer5",
        "PlantedApiKey6",
        "PlantedBodySecret7",
        "PlantedBodyPass8",
        "PlantedVariable9",
        "PlantedEnvToken10",
        jwt,
    ];
    let everything = every_output_of_planted(&planted, true);
    for secret in planted {
        assert!(!everything.contains(secret), "{secret} was printed");
    }
    // Nor any part of one (see `secrets_never_appear_in_any_output`).
    let placeholders: Vec<String> = planted.iter().map(|s| "Q".repeat(s.len())).collect();
    let placeholders: [&str; 11] = std::array::from_fn(|i| placeholders[i].as_str());
    let baseline = every_output_of_planted(&placeholders, false);
    for secret in planted {
        let pieces = crate::common::leaked_pieces(secret, &everything, &baseline);
        assert!(pieces.is_empty(), "parts of {secret} printed: {pieces:?}");
    }
}

/// Every output format, and `--diff`, of a collection and environment holding `planted`
/// (`found`: SS011 must find all eleven).
fn every_output_of_planted(planted: &[&str; 11], found: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let coll = dir.path().join("planted.postman_collection.json");
    std::fs::write(
        &coll,
        format!(
            r#"{{"info": {{"name": "planted", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},
  "auth": {{"type": "oauth2", "oauth2": [
    {{"key": "grant_type", "value": "password_credentials"}},
    {{"key": "clientSecret", "value": "{0}"}}, {{"key": "password", "value": "{1}"}},
    {{"key": "accessToken", "value": "{2}"}}, {{"key": "refreshToken", "value": "{3}"}},
    {{"key": "accessTokenUrl", "value": "https://app.scopestack.io/oauth/token"}}]}},
  "variable": [{{"key": "api_token", "value": "{8}"}}, {{"key": "vault_password", "value": "kept", "type": "secret"}}],
  "item": [
    {{"name": "Me", "request": {{"method": "GET", "auth": {{"type": "bearer", "bearer": [{{"key": "token", "value": "{4}"}}]}},
      "header": [{{"key": "X-Api-Key", "value": "{5}"}}, {{"key": "X-Debug", "value": "{9}"}}, {{"key": "Accept", "value": "application/vnd.api+json"}}],
      "url": "https://api.scopestack.io/v1/me"}}}},
    {{"name": "Token", "request": {{"method": "POST", "url": "https://app.scopestack.io/oauth/token",
      "body": {{"mode": "urlencoded", "urlencoded": [{{"key": "grant_type", "value": "password"}},
        {{"key": "client_secret", "value": "{6}"}}, {{"key": "password", "value": "{7}"}}]}}}}}}]}}"#,
            planted[0], planted[1], planted[2], planted[3], planted[4], planted[5], planted[6], planted[7], planted[8], planted[10]
        ),
    )
    .unwrap();
    let env = dir.path().join("planted.postman_environment.json");
    std::fs::write(
        &env,
        format!(r#"{{"name": "e", "_postman_variable_scope": "environment", "values": [{{"key": "refresh_token", "value": "{}", "enabled": true}}]}}"#, planted[9]),
    )
    .unwrap();
    let (c, e) = (coll.to_str().unwrap(), env.to_str().unwrap());
    let (report, _) = check_json(&["--select", "SS011", c, e]);
    let pointers: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["pointer"].as_str().unwrap())
        .collect();
    // Four helper values, the bearer token, the API key header, a JWT in another header, two
    // body fields, the collection variable and the environment variable; the `secret`-typed
    // variable is fine.
    if found {
        assert_eq!(pointers.len(), 11, "{pointers:?}");
    }
    let mut everything = String::new();
    for format in ["full", "concise", "json", "sarif", "github"] {
        let r = run(&["check", "--format", format, c, e]);
        everything.push_str(&r.stdout);
        everything.push_str(&r.stderr);
    }
    let r = run(&["check", "--diff", c]);
    everything.push_str(&r.stdout);
    assert!(everything.contains("+++ b/"), "the diff ran");
    everything
}
