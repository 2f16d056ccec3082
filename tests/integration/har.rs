//! HAR captures: the example captures' diagnoses, the causes SS007-SS009 read from a capture,
//! redaction that keeps diagnoses and drops every secret, and real captures without false
//! alarms.

use serde_json::{json, Value};

use crate::common::{check_json, files_in, repo, run};

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

const EXAMPLES: &[(&str, &[&str])] = &[
    ("invalid-grant-password-helper", &["SS006", "SS007"]),
    ("whole-json-token-401", &["SS003", "SS008"]),
    ("wrong-account-403", &["SS009"]),
    ("missing-accept-header", &["SS004"]),
    ("missing-account-slug", &["SS005"]),
    ("expired-token-401", &["SS008"]),
];

const SECRETS: &[&str] = &[
    "EXAMPLE-PASSWORD",
    "EXAMPLE-CLIENT-SECRET",
    "EXAMPLE-ACCESS-TOKEN",
    "EXAMPLE-REFRESH-TOKEN",
];

#[test]
fn example_captures_show_their_failures() {
    for (name, want) in EXAMPLES {
        let file = format!("examples/har/{name}.har");
        let (report, r) = check_json(&[&file]);
        assert_eq!(codes(&report), *want, "{file}: {report}");
        assert_eq!(r.code, 1);
        for d in report["diagnostics"].as_array().unwrap() {
            assert!(d["item"].as_str().unwrap().starts_with("entry "), "{d}");
        }
    }
    let (report, _) = check_json(&["examples/har/expired-token-401.har"]);
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("149 minutes old, past its `expires_in` of 7200 seconds"),
        "{message}"
    );
    assert!(report["diagnostics"][0]["help"]
        .as_str()
        .unwrap()
        .contains("grant_type=refresh_token"));
}

/// The example captures with each secret replaced by as many `Q`s, in `dir`: what scopelint
/// prints of them is the baseline that `leaked_pieces` sets aside (words the report itself
/// uses).
fn placeholder_captures(dir: &std::path::Path) {
    for (name, _) in EXAMPLES {
        let mut text =
            std::fs::read_to_string(repo().join(format!("examples/har/{name}.har"))).unwrap();
        for secret in SECRETS {
            text = text.replace(secret, &"Q".repeat(secret.len()));
        }
        std::fs::write(dir.join(format!("{name}.har")), text).unwrap();
    }
}

/// Every 6-character piece of each secret that `output` holds and `baseline` does not.
fn leaked(output: &str, baseline: &str) -> Vec<String> {
    SECRETS
        .iter()
        .flat_map(|s| crate::common::leaked_pieces(s, output, baseline))
        .collect()
}

#[test]
fn no_output_format_shows_a_secret_from_a_capture() {
    let placeholders = tempfile::tempdir().unwrap();
    placeholder_captures(placeholders.path());
    let dir = placeholders.path().to_str().unwrap();
    for format in ["full", "concise", "json", "sarif", "github"] {
        let r = run(&["check", "--format", format, "examples/har"]);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(all.contains("SS008"), "{format}");
        for secret in SECRETS {
            assert!(!all.contains(secret), "{format} shows {secret}:\n{all}");
        }
        // Nor a part of one.
        let base = run(&["check", "--format", format, dir]);
        let pieces = leaked(&all, &format!("{}{}", base.stdout, base.stderr));
        assert!(pieces.is_empty(), "{format} shows {pieces:?}:\n{all}");
    }
}

#[test]
fn redacted_copies_hold_no_secret_and_diagnose_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let placeholders = tempfile::tempdir().unwrap();
    placeholder_captures(placeholders.path());
    for (name, _) in EXAMPLES {
        let file = repo().join(format!("examples/har/{name}.har"));
        let out = dir.path().join(format!("{name}.redacted.har"));
        let r = run(&[
            "redact",
            file.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let text = std::fs::read_to_string(&out).unwrap();
        serde_json::from_str::<Value>(&text).unwrap();
        for secret in SECRETS {
            assert!(!text.contains(secret), "{name}: {secret} left in the copy");
            assert!(!r.stdout.contains(secret));
        }
        // Nor a part of one, beyond what the copy of a capture without them holds.
        let base_out = placeholders.path().join(format!("{name}.redacted.har"));
        let base = run(&[
            "redact",
            placeholders
                .path()
                .join(format!("{name}.har"))
                .to_str()
                .unwrap(),
            "-o",
            base_out.to_str().unwrap(),
        ]);
        let baseline = std::fs::read_to_string(&base_out).unwrap() + &base.stdout;
        let pieces = leaked(&format!("{text}{}", r.stdout), &baseline);
        assert!(pieces.is_empty(), "{name}: {pieces:?} left in the copy");
        let (before, _) = check_json(&[file.to_str().unwrap()]);
        let (after, _) = check_json(&[out.to_str().unwrap()]);
        let view = |v: &Value| -> Vec<(String, String)> {
            v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| (d["code"].to_string(), d["message"].to_string()))
                .collect()
        };
        assert_eq!(
            view(&before),
            view(&after),
            "{name} diagnoses differently once redacted"
        );
        // Redacting again changes nothing.
        let again = dir.path().join("again.har");
        run(&[
            "redact",
            out.to_str().unwrap(),
            "-o",
            again.to_str().unwrap(),
        ]);
        assert_eq!(
            std::fs::read_to_string(&again).unwrap(),
            text,
            "{name}: not idempotent"
        );
    }
}

#[test]
fn redact_writes_next_to_the_input_by_default_and_reports_counts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cap.har");
    std::fs::copy(
        repo().join("examples/har/invalid-grant-password-helper.har"),
        &file,
    )
    .unwrap();
    let r = run(&["redact", file.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    assert!(dir.path().join("cap.redacted.har").exists());
    assert!(
        r.stdout.contains("redacted 2 in request bodies"),
        "{}",
        r.stdout
    );
    let r = run(&[
        "redact",
        repo()
            .join("examples/clean.postman_collection.json")
            .to_str()
            .unwrap(),
        "-o",
        dir.path().join("x.har").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a HAR capture"), "{}", r.stderr);
}

/// `check --format json --select RULE` on a capture of `entries`, written to `dir`.
fn check_capture(dir: &std::path::Path, entries: Vec<Value>, rule: &str) -> Value {
    let file = dir.join("capture.har");
    let capture =
        json!({"log": {"version": "1.2", "creator": {"name": "test"}, "entries": entries}});
    std::fs::write(&file, capture.to_string()).unwrap();
    check_json(&["--select", rule, file.to_str().unwrap()]).0
}

/// A capture of the authorization-code flow, built for each cause SS007 tells apart.
fn code_flow(exchanges: &[(&str, &str, &str, u16)], authorize_redirect: &str) -> String {
    let mut entries = vec![json!({
        "startedDateTime": "2026-11-30T09:00:00.000Z", "time": 50,
        "request": {"method": "GET", "url": format!("https://app.scopestack.io/oauth/authorize?client_id=c&response_type=code&redirect_uri={authorize_redirect}"), "headers": []},
        "response": {"status": 302, "headers": [{"name": "Location", "value": format!("{authorize_redirect}?code=THE-CODE")}], "content": {"text": ""}}
    })];
    for (when, code, redirect, status) in exchanges {
        entries.push(json!({
            "startedDateTime": when, "time": 80,
            "request": {"method": "POST", "url": "https://app.scopestack.io/oauth/token", "headers": [],
                "postData": {"mimeType": "application/x-www-form-urlencoded",
                    "text": format!("grant_type=authorization_code&code={code}&redirect_uri={redirect}&client_id=c")}},
            "response": {"status": status, "headers": [], "content": {"mimeType": "application/json",
                "text": if *status == 200 { "{\"access_token\":\"t\",\"expires_in\":7200}" } else { "{\"error\":\"invalid_grant\"}" }}}
        }));
    }
    json!({"log": {"version": "1.2", "creator": {"name": "test"}, "entries": entries}}).to_string()
}

#[test]
fn invalid_grant_causes_read_from_the_capture() {
    let dir = tempfile::tempdir().unwrap();
    let cb = "https://oauth.pstmn.io/v1/callback";
    let cases = [
        (
            code_flow(&[("2026-11-30T09:15:00.000Z", "THE-CODE", cb, 400)], cb),
            "minutes after the authorize redirect",
        ),
        (
            code_flow(
                &[
                    ("2026-11-30T09:00:10.000Z", "THE-CODE", cb, 200),
                    ("2026-11-30T09:00:20.000Z", "THE-CODE", cb, 400),
                ],
                cb,
            ),
            "already exchanged in entry 1",
        ),
        // A failed first attempt does not use the code up: here it expired.
        (
            code_flow(
                &[
                    ("2026-11-30T09:00:10.000Z", "THE-CODE", cb, 400),
                    ("2026-11-30T09:30:00.000Z", "THE-CODE", cb, 400),
                ],
                cb,
            ),
            "minutes after the authorize redirect",
        ),
        (
            code_flow(
                &[(
                    "2026-11-30T09:00:10.000Z",
                    "THE-CODE",
                    "https://other.example/cb",
                    400,
                )],
                cb,
            ),
            "callback URL mismatch",
        ),
        // Percent-encoded the same callback: no mismatch.
        (
            code_flow(
                &[(
                    "2026-11-30T09:00:10.000Z",
                    "THE-CODE",
                    "https%3A%2F%2Foauth.pstmn.io%2Fv1%2Fcallback",
                    400,
                )],
                cb,
            ),
            "no specific cause",
        ),
        (
            code_flow(&[("2026-11-30T09:00:10.000Z", "THE-CODE", cb, 400)], cb),
            "no specific cause",
        ),
        // Codes live 10 minutes from the authorize redirect's end (50 ms after it started):
        // 5 minutes, and exactly 10, are not too late.
        (
            code_flow(&[("2026-11-30T09:05:00.000Z", "THE-CODE", cb, 400)], cb),
            "no specific cause",
        ),
        (
            code_flow(&[("2026-11-30T09:10:00.050Z", "THE-CODE", cb, 400)], cb),
            "no specific cause",
        ),
        // Two authorize steps: the code came from the first, whose callback the exchange
        // sends; the later one's callback is not the one to compare.
        (
            {
                let mut flow: Value = serde_json::from_str(&code_flow(
                    &[("2026-11-30T09:01:00.000Z", "THE-CODE", cb, 400)],
                    cb,
                ))
                .unwrap();
                let other = "https://other.example/cb";
                flow["log"]["entries"].as_array_mut().unwrap().insert(1, json!({
                    "startedDateTime": "2026-11-30T09:00:30.000Z", "time": 50,
                    "request": {"method": "GET", "url": format!("https://app.scopestack.io/oauth/authorize?client_id=c&response_type=code&redirect_uri={other}"), "headers": []},
                    "response": {"status": 302, "headers": [{"name": "Location", "value": format!("{other}?code=LATER-CODE")}], "content": {"text": ""}}
                }));
                flow.to_string()
            },
            "no specific cause",
        ),
    ];

    for (i, (capture, want)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("c{i}.har"));
        std::fs::write(&file, capture).unwrap();
        let (report, _) = check_json(&[file.to_str().unwrap()]);
        let last = report["diagnostics"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["code"], "SS007");
        assert!(
            last["message"].as_str().unwrap().contains(want),
            "case {i}: {last}"
        );
        // The code never shows.
        assert!(!report.to_string().contains("THE-CODE"), "{report}");
    }
}

/// A 401 without `Authorization` in a DevTools export: sanitised only when the request's
/// `headersSize` shows removed headers; not sent when the sizes agree; cannot tell for HTTP/2
/// (`headersSize` -1). The request as sent, `GET /acme/v1/clients HTTP/1.1`, `Host` and
/// `Accept`, is 92 bytes; `Authorization: Bearer abcdef` adds 30.
#[test]
fn a_devtools_export_without_authorization_says_what_its_sizes_show() {
    let dir = tempfile::tempdir().unwrap();
    let capture = |creator: &str, version: &str, size: i64, extra: Option<(&str, &str)>| {
        let mut headers = vec![
            json!({"name": "Host", "value": "api.scopestack.io"}),
            json!({"name": "Accept", "value": "application/vnd.api+json"}),
        ];
        if let Some((name, value)) = extra {
            headers.push(json!({"name": name, "value": value}));
        }
        json!({"log": {"version": "1.2", "creator": {"name": creator}, "entries": [{
            "startedDateTime": "2026-11-30T09:00:00.000Z", "time": 10,
            "request": {"method": "GET", "url": "https://api.scopestack.io/acme/v1/clients",
              "httpVersion": version, "headers": headers, "headersSize": size},
            "response": {"status": 401, "headers": [], "content": {"text": ""}}}]}})
    };
    let cases = [
        (capture("WebInspector", "HTTP/1.1", 122, None), "the capture was sanitised: the request's headers took 122 bytes, 30 more than the headers listed"),
        (capture("WebInspector", "HTTP/1.1", 92, None), "the request sent no `Authorization` header"),
        (capture("WebInspector", "http/2.0", -1, None), "cannot tell whether the `Authorization` header was removed by the export or never sent"),
        (capture("WebInspector", "HTTP/1.1", -1, None), "cannot tell whether"),
        // Another exporter does not sanitise: the header was not sent.
        (capture("Firefox", "HTTP/1.1", 122, None), "the request sent no `Authorization` header"),
        (
            capture("WebInspector", "HTTP/1.1", 92, Some(("Cookie", "[REDACTED]"))),
            "it holds redaction placeholders",
        ),
        // 10 bytes more than listed is a removed header; 9 is not, nor 9 fewer; 10 fewer
        // cannot be told.
        (capture("WebInspector", "HTTP/1.1", 102, None), "the capture was sanitised"),
        (capture("WebInspector", "HTTP/1.1", 101, None), "the request sent no `Authorization` header"),
        (capture("WebInspector", "HTTP/1.1", 83, None), "the request sent no `Authorization` header"),
        (capture("WebInspector", "HTTP/1.1", 82, None), "cannot tell whether"),
    ];
    let mut cases = cases.to_vec();
    for placeholder in ["[Filtered]", "***", "<hidden>"] {
        cases.push((
            capture(
                "WebInspector",
                "HTTP/1.1",
                92,
                Some(("Cookie", placeholder)),
            ),
            "it holds redaction placeholders",
        ));
    }
    for (i, (har, want)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("c{i}.har"));
        std::fs::write(&file, har.to_string()).unwrap();
        let (report, _) = check_json(&[file.to_str().unwrap()]);
        let d = &report["diagnostics"][0];
        assert_eq!(d["code"], "SS008", "case {i}: {report}");
        assert!(
            d["message"].as_str().unwrap().contains(want),
            "case {i}: {d}"
        );
    }
}

/// A 3xx from the application host to the API host, sent with `Authorization`, then a 401
/// without it: the redirect dropped the header, and the cure is calling the API host.
#[test]
fn a_401_after_a_cross_origin_redirect_blames_the_redirect() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("redirect.har");
    let har = json!({"log": {"version": "1.2", "creator": {"name": "WebInspector"}, "entries": [
        {"startedDateTime": "2026-11-30T09:00:00.000Z", "time": 10,
         "request": {"method": "GET", "url": "https://app.scopestack.io/acme/v1/clients", "httpVersion": "HTTP/1.1",
           "headers": [{"name": "Authorization", "value": "Bearer abcdefabcdef123456"}], "headersSize": -1},
         "response": {"status": 302, "redirectURL": "https://api.scopestack.io/acme/v1/clients", "headers": [], "content": {"text": ""}}},
        {"startedDateTime": "2026-11-30T09:00:00.100Z", "time": 10,
         "request": {"method": "GET", "url": "https://api.scopestack.io/acme/v1/clients", "httpVersion": "HTTP/1.1",
           "headers": [{"name": "Accept", "value": "application/vnd.api+json"}], "headersSize": -1},
         "response": {"status": 401, "headers": [], "content": {"text": ""}}}]}});
    std::fs::write(&file, har.to_string()).unwrap();
    let (report, _) = check_json(&[file.to_str().unwrap()]);
    let d = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SS008")
        .unwrap_or_else(|| panic!("{report}"));
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains(
            "followed a 302 redirect from `https://app.scopestack.io/acme/v1/clients` (entry 0)"
        ) && message.contains("dropped the header"),
        "{d}"
    );
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .starts_with("Call the API host `https://api.scopestack.io` directly"),
        "{d}"
    );
    assert!(!report.to_string().contains("abcdefabcdef123456"));

    // A redirect on the same host keeps the header: it is not what dropped it.
    let same_host = har.to_string().replace(
        "https://app.scopestack.io/acme",
        "https://api.scopestack.io/old",
    );
    std::fs::write(&file, same_host).unwrap();
    let (report, _) = check_json(&["--select", "SS008", file.to_str().unwrap()]);
    assert!(!report.to_string().contains("redirect from"), "{report}");
}

#[test]
fn fragments_named_har_are_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fragment.har");
    std::fs::write(&file, r#"{"entries": []}"#).unwrap();
    let (report, r) = check_json(&[file.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert_eq!(report["diagnostics"][0]["code"], "scopelint::har");
}

#[test]
fn real_captures_raise_no_alarm_and_redact_cleanly() {
    let Some(corpus) = crate::common::corpus_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for file in files_in(&corpus.join("har")) {
        let path = file.to_str().unwrap();
        let (report, r) = check_json(&[path]);
        assert!(matches!(r.code, 0 | 2), "{path}: {}", r.stderr);
        let rule_codes: Vec<_> = codes(&report)
            .into_iter()
            .filter(|c| c.starts_with("SS"))
            .collect();
        assert!(rule_codes.is_empty(), "{path}: {rule_codes:?}");
        let out = dir.path().join("out.har");
        let r = run(&["redact", path, "-o", out.to_str().unwrap()]);
        assert!(matches!(r.code, 0 | 2), "{path}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"));
        if r.code == 0 {
            serde_json::from_str::<Value>(&std::fs::read_to_string(&out).unwrap())
                .unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }
}

/// Captures a review wrote to break things (`tests/fixtures/har/`); their secrets all start
/// with `SEC`.
#[test]
fn review_captures_neither_leak_nor_cry_wolf() {
    let dir = tempfile::tempdir().unwrap();
    for file in files_in(&repo().join("tests/fixtures/har")) {
        let path = file.to_str().unwrap();
        let mut everything = String::new();
        for format in ["full", "concise", "json", "sarif", "github"] {
            let r = run(&["check", "--format", format, path]);
            assert!(
                matches!(r.code, 0..=2) && !r.stderr.contains("panicked"),
                "{path}"
            );
            everything.push_str(&r.stdout);
            everything.push_str(&r.stderr);
        }
        let out = dir.path().join("copy.har");
        if run(&["redact", path, "-o", out.to_str().unwrap()]).code == 0 {
            everything.push_str(&std::fs::read_to_string(&out).unwrap());
        }
        assert!(
            !everything.contains("SEC"),
            "{path} shows a secret:\n{everything}"
        );
    }
    let expect = |name: &str, codes_wanted: &[&str], message: Option<&str>| {
        let (report, _) = check_json(&[repo()
            .join("tests/fixtures/har")
            .join(name)
            .to_str()
            .unwrap()]);
        assert_eq!(codes(&report), codes_wanted, "{name}: {report}");
        if let Some(m) = message {
            assert!(report.to_string().contains(m), "{name}: {report}");
        }
    };
    // Preflights, tunnels, bodiless POSTs and a type given only in postData are fine.
    expect("preflight.har", &[], None);
    expect("connect.har", &[], None);
    expect("nobody.har", &[], None);
    expect("mimeonly.har", &[], None);
    expect(
        "rawtoken.har",
        &["SS008"],
        Some("is not `Bearer <token>` (no scheme)"),
    );
    expect(
        "unresolved.har",
        &["SS008"],
        Some("unresolved `{{variable}}`"),
    );
    expect(
        "multipart.har",
        &["SS006", "SS007"],
        Some("carried `redirect_uri`"),
    );
    expect(
        "ffstars.har",
        &["SS008"],
        Some("sent no `Authorization` header"),
    );
    expect("arr.har", &["scopelint::har"], None);
    let (report, _) = check_json(&[repo()
        .join("tests/fixtures/har/foreigntoken.har")
        .to_str()
        .unwrap()]);
    assert!(
        !report.to_string().contains("minutes old"),
        "another service's token response: {report}"
    );
}

/// A 403 is blamed on the wrong account only when the path names an account other than
/// the one `GET /v1/me` answered; a path without one, or another call's answer, says
/// nothing of the account.
#[test]
fn a_403_blames_the_account_only_against_v1_me() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |path: &str, status: u16, slug: Option<&str>| {
        let text = slug.map_or(String::new(), |s| {
            json!({"data": {"attributes": {"account-slug": s}}}).to_string()
        });
        json!({
            "startedDateTime": "2026-11-30T09:00:00.000Z", "time": 50,
            "request": {"method": "GET", "url": format!("https://api.scopestack.io{path}"),
                "headers": [{"name": "Accept", "value": "application/vnd.api+json"}]},
            "response": {"status": status, "headers": [],
                "content": {"mimeType": "application/vnd.api+json", "text": text}}
        })
    };
    let why = |entries: Vec<Value>| {
        let report = check_capture(dir.path(), entries, "SS009");
        let d = report["diagnostics"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        d["message"].as_str().unwrap().to_owned()
    };
    let wrong = why(vec![
        entry("/v1/me", 200, Some("acme")),
        entry("/globex/v1/clients", 403, None),
    ]);
    assert!(wrong.contains("the wrong account"), "{wrong}");
    let no_slug = why(vec![
        entry("/v1/me", 200, Some("acme")),
        entry("/v1/clients", 403, None),
    ]);
    assert!(no_slug.contains("lacks permission"), "{no_slug}");
    // The account `/v1/me` answered, not the one in a later answer of another call.
    let other = why(vec![
        entry("/v1/me", 200, Some("acme")),
        entry("/acme/v1/accounts/1", 200, Some("globex")),
        entry("/acme/v1/clients", 403, None),
    ]);
    assert!(other.contains("lacks permission"), "{other}");
}

/// SS010 in a capture: a body sent to the API without the JSON:API type, in its header or
/// (with no header) in `postData.mimeType`; form parameters are a body too.
#[test]
fn a_captured_body_needs_the_json_api_content_type() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |method: &str, header: Option<&str>, mime: &str, text: &str, params: Value| {
        let headers: Vec<Value> = header
            .map(|h| json!({"name": "Content-Type", "value": h}))
            .into_iter()
            .collect();
        json!({
            "startedDateTime": "2026-11-30T09:00:00.000Z", "time": 50,
            "request": {"method": method, "url": "https://api.scopestack.io/acme/v1/projects",
                "headers": headers, "postData": {"mimeType": mime, "text": text, "params": params}},
            "response": {"status": 201, "headers": [], "content": {"text": ""}}
        })
    };
    let json_api = "application/vnd.api+json";
    let body = r#"{"data": {"type": "projects"}}"#;
    let cases = [
        (entry("POST", None, "application/json", body, json!([])), 1),
        (
            entry("POST", Some("application/json"), json_api, body, json!([])),
            1,
        ),
        (entry("PATCH", Some(json_api), json_api, body, json!([])), 0),
        (entry("POST", None, json_api, body, json!([])), 0),
        (entry("POST", None, "application/json", " ", json!([])), 0),
        (entry("GET", None, "application/json", body, json!([])), 0),
        (
            entry(
                "POST",
                None,
                "application/x-www-form-urlencoded",
                "",
                json!([{"name": "a", "value": "1"}]),
            ),
            1,
        ),
    ];
    for (i, (entry, want)) in cases.into_iter().enumerate() {
        let report = check_capture(dir.path(), vec![entry], "SS010");
        assert_eq!(
            report["diagnostics"].as_array().unwrap().len(),
            want,
            "case {i}: {report}"
        );
    }
}

/// A 401 is blamed on an expired token only when the capture shows the token response it
/// came from (or, sanitised, shows no token at all), from ScopeStack, and the token was
/// older than its `expires_in` (not exactly as old).
#[test]
fn a_401_blames_expiry_only_on_the_token_response_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let token_response = |host: &str, token: &str| {
        json!({
            "startedDateTime": "2026-11-30T09:00:00.000Z", "time": 50,
            "request": {"method": "POST", "url": format!("https://{host}/oauth/token"), "headers": [],
                "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "grant_type=password"}},
            "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json",
                "text": json!({"access_token": token, "expires_in": 7200}).to_string()}}
        })
    };
    let call = |when: &str, token: &str| {
        json!({
            "startedDateTime": when, "time": 50,
            "request": {"method": "GET", "url": "https://api.scopestack.io/acme/v1/clients",
                "headers": [{"name": "Accept", "value": "application/vnd.api+json"},
                            {"name": "Authorization", "value": format!("Bearer {token}")}]},
            "response": {"status": 401, "headers": [], "content": {"text": ""}}
        })
    };
    let expired = |entries: Vec<Value>| {
        let report = check_capture(dir.path(), entries, "SS008");
        let d = report["diagnostics"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        d["message"].as_str().unwrap().contains("minutes old")
    };
    let app = "app.scopestack.io";
    // 2 hours and 1 second after the token response ended: expired.
    assert!(expired(vec![
        token_response(app, "tok-one"),
        call("2026-11-30T11:00:01.050Z", "tok-one")
    ]));
    // Exactly 2 hours: not yet.
    assert!(!expired(vec![
        token_response(app, "tok-one"),
        call("2026-11-30T11:00:00.050Z", "tok-one")
    ]));
    // Another token is visible: the capture does not show where this one came from.
    assert!(!expired(vec![
        token_response(app, "tok-one"),
        call("2026-11-30T12:00:00.000Z", "tok-two")
    ]));
    // A sanitised capture shows no token: the latest response stands in.
    assert!(expired(vec![
        token_response(app, "[redacted]"),
        call("2026-11-30T12:00:00.000Z", "tok-two")
    ]));
    // Another provider's token response says nothing of ScopeStack's tokens.
    assert!(!expired(vec![
        token_response("login.salesforce.com", "tok-one"),
        call("2026-11-30T12:00:00.000Z", "tok-one")
    ]));
}

/// SS006 in a capture: only a password grant sent to ScopeStack's token endpoint with a
/// `redirect_uri`.
#[test]
fn a_captured_redirect_uri_matters_only_on_scopestacks_password_grant() {
    let dir = tempfile::tempdir().unwrap();
    let exchange = |host: &str, body: &str| {
        json!({
            "startedDateTime": "2026-11-30T09:00:00.000Z", "time": 50,
            "request": {"method": "POST", "url": format!("https://{host}/oauth/token"), "headers": [],
                "postData": {"mimeType": "application/x-www-form-urlencoded", "text": body}},
            "response": {"status": 400, "headers": [], "content": {"mimeType": "application/json",
                "text": "{\"error\":\"invalid_grant\"}"}}
        })
    };
    let cases = [
        (
            "app.scopestack.io",
            "grant_type=password&redirect_uri=https%3A%2F%2Fx&username=u",
            1,
        ),
        ("app.scopestack.io", "grant_type=password&username=u", 0),
        (
            "app.scopestack.io",
            "grant_type=client_credentials&redirect_uri=https%3A%2F%2Fx",
            0,
        ),
        (
            "login.salesforce.com",
            "grant_type=password&redirect_uri=https%3A%2F%2Fx&username=u",
            0,
        ),
    ];
    for (i, (host, body, want)) in cases.into_iter().enumerate() {
        let report = check_capture(dir.path(), vec![exchange(host, body)], "SS006");
        assert_eq!(
            report["diagnostics"].as_array().unwrap().len(),
            want,
            "case {i}: {report}"
        );
    }
}

/// SS002 in a capture: a token request sent to the API host.
#[test]
fn a_captured_token_request_to_the_api_host_is_a_wrong_token_url() {
    let dir = tempfile::tempdir().unwrap();
    let entry = json!({
        "startedDateTime": "2026-11-30T09:00:00.000Z", "time": 50,
        "request": {"method": "POST", "url": "https://api.scopestack.io/oauth/token", "headers": [],
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "grant_type=password&username=u"}},
        "response": {"status": 404, "headers": [], "content": {"text": ""}}});
    let report = check_capture(dir.path(), vec![entry], "SS002");
    assert_eq!(
        report["diagnostics"].as_array().unwrap().len(),
        1,
        "{report}"
    );
}
