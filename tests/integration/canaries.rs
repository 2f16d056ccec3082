//! Planted secrets never come out. Every credential shape below (hex, base64, JWT, quotes,
//! backslashes, `\u` escapes, spaces, unicode, no alphanumerics, emoji, ...) is planted in
//! every place a credential lives in a collection, an environment (JSON, and Postman v12's YAML
//! in four scalar styles, readable or not) and a HAR, with a value of its own; the files are
//! linted whole, minified and cut short after each secret, in every format, with
//! `--statistics`, `--diff`, `--fix` (SARIF fixes included) and `redact`, and every output is
//! searched for each value, its JSON-escaped and URL-encoded forms, and any six characters of
//! its random core.

use std::path::Path;

use serde_json::{json, Value};

use crate::common::run;

/// A small deterministic generator, so a leak names the same value every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn word(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
        (0..len)
            .map(|_| ALPHABET[self.next() as usize % ALPHABET.len()] as char)
            .collect()
    }
}

struct Secret {
    value: String,
    /// The random part, searched for in pieces; `None` for shapes without one.
    core: Option<String>,
}

const SHAPES: usize = 32;

/// Shape `shape` of a secret, unique for `place`.
fn secret(shape: usize, place: usize) -> Secret {
    let mut rng = Lcg((shape * 1000 + place) as u64 + 17);
    let core = rng.word(12);
    let c = core.as_str();
    let value = match shape {
        0 => {
            (0..32)
                .map(|_| char::from_digit(rng.next() as u32 % 16, 16).unwrap())
                .collect::<String>()
                + c
        }
        1 => format!("{c}+/{}==", rng.word(6)),
        2 => format!("eyJhbGciOiJIUzI1NiJ9.eyJ{c}In0.{}", rng.word(10)),
        3 => format!("pa\"{c}\"x"),
        4 => format!("ab\\{c}"),
        5 => format!("caf\u{e9}{c}\u{1}"),
        6 => format!("{c} with spaces"),
        7 => format!("p\u{e4}ssw\u{f6}rd-{c}"),
        8 => {
            // No letter or digit at all: a rotation of punctuation, unique per place.
            let set: Vec<char> = "!@#$%^&*()-=+~|;".chars().collect();
            let k = place % set.len();
            let mut v: String = set[k..].iter().chain(&set[..k]).collect();
            v.push(set[(place / set.len()) % set.len()]);
            return Secret {
                value: v,
                core: None,
            };
        }
        9 => {
            let emoji = [
                '\u{1f511}',
                '\u{1f510}',
                '\u{1f5dd}',
                '\u{1f512}',
                '\u{1f6e1}',
            ];
            let v: String = (0..6)
                .map(|i| emoji[(place / 5usize.pow(i)) % 5])
                .chain(['\u{1f9e9}', '\u{1f47e}'])
                .collect();
            return Secret {
                value: v,
                core: None,
            };
        }
        10 => format!("it's'{c}"),
        11 => format!("p@ss/{c}@x"),
        12 => format!("a=b&{c}=d"),
        13 => format!("100%{c}%25"),
        14 => format!("line1\n{c}"),
        15 => format!("\t{c}\t"),
        16 => format!("`{c}`"),
        17 => format!("{c}{}", rng.word(200)),
        18 => format!("<script>{c}</script>"),
        19 => format!("{{\"access_token\":\"{c}\"}}"),
        20 => format!("a;b,{c}"),
        21 => format!("  {c}  "),
        22 => format!("{{{{v}}}}{c}"),
        23 => format!("#{c}#"),
        24 => format!("+{c}+"),
        25 => format!("user:{c}"),
        26 => format!("{c}\r\n"),
        27 => format!("\u{200b}{c}"),
        28 => c.to_uppercase(),
        29 => format!("{c}.{}", rng.word(9)),
        30 => format!("{c}}}]"),
        _ => format!("\\u0041{c}"),
    };
    Secret {
        value,
        core: Some(core),
    }
}

/// `value` percent-encoded (everything but unreserved characters).
fn url_encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `value` inside a single-quoted JavaScript string literal (quotes not included).
fn js_single_quoted(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// `value` as a double-quoted JavaScript string literal.
fn js_string(value: &str) -> String {
    serde_json::to_string(value).unwrap()
}

struct Planted {
    secrets: Vec<Secret>,
}

impl Planted {
    /// A number of 15 digits, unique for this place (a PIN or numeric secret).
    fn take_number(&mut self, shape: usize) -> u64 {
        let mut rng = Lcg((shape * 1000 + self.secrets.len()) as u64 + 99);
        let n = 100_000_000_000_000 + rng.next() % 800_000_000_000_000;
        self.secrets.push(Secret {
            value: n.to_string(),
            core: None,
        });
        n
    }

    fn take(&mut self, shape: usize) -> String {
        let s = secret(shape, self.secrets.len());
        let v = s.value.clone();
        self.secrets.push(s);
        v
    }
}

fn accept() -> Value {
    json!({"key": "Accept", "value": "application/vnd.api+json"})
}

/// A collection with shape `shape` planted in every place a credential lives; each request
/// also has a finding, so that snippets are shown around it.
fn collection(shape: usize, p: &mut Planted) -> Value {
    let api = "https://api.scopestack.io/acme/v1/clients";
    json!({
        "info": {"name": format!("Canaries {shape}"),
                 "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
                 "description": format!("Log in with \"client_secret\": {} or client_secret={}",
                     js_string(&p.take(shape)), url_encoded(&p.take(shape)))},
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": p.take(shape), "type": "string"}]},
        "variable": [
            {"key": "client_secret", "value": p.take(shape)},
            {"key": "harmless", "value": p.take(shape), "type": "secret"},
        ],
        "event": [{"listen": "prerequest", "script": {"type": "text/javascript", "exec": [
            format!("pm.environment.set(\"password\", {});", js_string(&p.take(shape))),
            format!("const client_secret = {};", js_string(&p.take(shape))),
            format!("pm.request.headers.add({{key: 'Authorization', value: 'Bearer {}'}});",
                js_single_quoted(&p.take(shape))),
            format!("pm.request.headers.upsert({{key:\"X-Api-Key\",value:{}}});",
                js_string(&p.take(shape))),
        ]}}],
        "item": [
            {"name": "Password helper", "request": {"method": "GET", "url": api,
                "auth": {"type": "oauth2", "oauth2": [
                    {"key": "grant_type", "value": "password_credentials"},
                    {"key": "accessTokenUrl", "value": "https://app.scopestack.io/oauth/token"},
                    {"key": "clientSecret", "value": p.take(shape)},
                    {"key": "password", "value": p.take(shape)},
                    {"key": "accessToken", "value": p.take(shape)}]}}},
            {"name": "Basic", "request": {"method": "GET", "url": api,
                "auth": {"type": "basic", "basic": [
                    {"key": "username", "value": "pat"},
                    {"key": "password", "value": p.take(shape)}]}}},
            {"name": "API key", "request": {"method": "GET", "url": api,
                "auth": {"type": "apikey", "apikey": [
                    {"key": "value", "value": p.take(shape)},
                    {"key": "key", "value": "X-Api-Key"}]}}},
            {"name": "Headers", "request": {"method": "GET", "url": api, "header": [
                {"key": "Authorization", "value": format!("Bearer {}", p.take(shape))},
                {"key": "Cookie", "value": format!("session={}", url_encoded(&p.take(shape)))},
                {"key": "X-Api-Key", "value": p.take(shape)}]}},
            {"name": "Token (urlencoded)", "request": {"method": "POST",
                "url": "https://api.scopestack.io/oauth/token", "header": [],
                "body": {"mode": "urlencoded", "urlencoded": [
                    {"key": "grant_type", "value": "password"},
                    {"key": "client_secret", "value": p.take(shape)},
                    {"key": "password", "value": p.take(shape)}]}}},
            {"name": "Token (form)", "request": {"method": "POST",
                "url": "https://api.scopestack.io/oauth/token",
                "body": {"mode": "formdata", "formdata": [
                    {"key": "grant_type", "value": "password", "type": "text"},
                    {"key": "password", "value": p.take(shape), "type": "text"}]}}},
            {"name": "Token (raw JSON)", "request": {"method": "POST",
                "url": "https://api.scopestack.io/oauth/token",
                "body": {"mode": "raw", "raw": format!(
                    "{{\"grant_type\": \"password\", \"password\":\t{}, \"client_secret\":\n{}, \"secret\": [{}]}}",
                    js_string(&p.take(shape)), js_string(&p.take(shape)), js_string(&p.take(shape)))}}},
            {"name": "Token (raw form)", "request": {"method": "POST",
                "url": "https://api.scopestack.io/oauth/token",
                "body": {"mode": "raw", "raw": format!(
                    "grant_type=password&username=pat&password={}", url_encoded(&p.take(shape)))}}},
            {"name": "URL credentials", "request": {"method": "GET", "header": [accept()],
                "url": format!("https://pat:{}@api.scopestack.io/v1/clients?access_token={}",
                    url_userinfo(&p.take(shape)), url_encoded(&p.take(shape)))}},
        ]
    })
}

/// A password in a URL's user information: percent-encoded, except the `@` and `/` that
/// people leave in.
fn url_userinfo(value: &str) -> String {
    url_encoded(value).replace("%40", "@").replace("%2F", "/")
}

fn environment(shape: usize, p: &mut Planted) -> Value {
    let pin = p.take_number(shape);
    json!({"name": "Canaries", "_postman_variable_scope": "environment", "values": [
        {"key": "pin_password", "value": pin, "type": "default", "enabled": true},
        {"key": "client_secret", "value": p.take(shape), "type": "default", "enabled": true},
        {"key": "token", "value": p.take(shape), "type": "secret", "enabled": true},
        {"key": "harmless_name", "value": p.take(shape), "type": "secret", "enabled": true},
        {"key": "password", "value": p.take(shape), "type": "default", "enabled": true},
    ]})
}

/// The environment as Postman v12 keeps it in a repository (YAML), its values written in
/// `style`: 0 double-quoted, 1 single-quoted, 2 a literal block, 3 plain, where the value
/// allows it (else double-quoted); `unreadable` adds a value with an unquoted `{{` (SS014), so
/// that the file is shown unparsed.
fn environment_yaml(shape: usize, p: &mut Planted, style: usize, unreadable: bool) -> String {
    fn styled(value: &str, style: usize) -> String {
        let double = || serde_json::to_string(value).unwrap();
        let simple =
            !value.chars().any(|c| c.is_control()) && value.trim() == value && !value.is_empty();
        match style {
            1 if simple => format!("'{}'", value.replace('\'', "''")),
            2 if simple => format!("|-\n      {value}"),
            3 if value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+/=._-".contains(c))
                && value.starts_with(|c: char| c.is_ascii_alphanumeric()) =>
            {
                value.to_owned()
            }
            _ => double(),
        }
    }
    let pin = p.take_number(shape);
    let mut text = format!("name: Canaries\nvalues:\n  - key: pin_password\n    value: {pin}\n");
    for (key, secret_type) in [
        ("client_secret", false),
        ("token", true),
        ("harmless_name", true),
        ("password", false),
    ] {
        let value = styled(&p.take(shape), style);
        text.push_str(&format!("  - key: {key}\n    value: {value}\n"));
        if secret_type {
            text.push_str("    type: secret\n");
        }
    }
    if unreadable {
        text.push_str("  - key: docs\n    value: {{base_url}}/docs\n");
    }
    text
}

fn har(shape: usize, p: &mut Planted) -> Value {
    let code = p.take(shape);
    let query_token = p.take(shape);
    let token_response = json!({"access_token": p.take(shape), "refresh_token": p.take(shape),
        "token_type": "Bearer", "expires_in": 7200});
    let error_response = json!({"error": "invalid_client", "error_description":
        format!("Client authentication failed: client_secret={} is wrong", url_encoded(&p.take(shape)))});
    let entry = |request: Value, status: u16, text: String, headers: Value, cookies: Value| {
        json!({"startedDateTime": "2026-11-30T08:00:00.000Z", "time": 10,
               "request": request,
               "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1",
                   "headers": headers, "cookies": cookies,
                   "content": {"size": text.len(), "mimeType": "application/json", "text": text},
                   "redirectURL": "", "headersSize": -1, "bodySize": -1},
               "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 0}})
    };
    let entries = vec![
        entry(
            json!({"method": "POST", "url": "https://app.scopestack.io/oauth/token",
                "httpVersion": "HTTP/1.1", "headers": [
                    {"name": "Content-Type", "value": "application/x-www-form-urlencoded"},
                    {"name": "Cookie", "value": format!("sid={}", url_encoded(&p.take(shape)))}],
                "queryString": [], "cookies": [{"name": "sid", "value": p.take(shape)}],
                "headersSize": -1, "bodySize": 10,
                "postData": {"mimeType": "application/x-www-form-urlencoded",
                    "text": format!("grant_type=password&username=pat&password={}&redirect_uri=https%3A%2F%2Fx",
                        url_encoded(&p.take(shape))),
                    "params": [{"name": "grant_type", "value": "password"},
                               {"name": "client_secret", "value": p.take(shape)},
                               {"name": "redirect_uri", "value": "https://x"}]}}),
            400,
            error_response.to_string(),
            json!([{"name": "Set-Cookie", "value": format!("sid={}; Path=/", url_encoded(&p.take(shape)))}]),
            json!([{"name": "sid", "value": p.take(shape)}]),
        ),
        entry(
            json!({"method": "POST", "url": format!("https://app.scopestack.io/oauth/token?code={}", url_encoded(&code)),
                "httpVersion": "HTTP/1.1", "headers": [],
                "queryString": [{"name": "code", "value": code}],
                "cookies": [], "headersSize": -1, "bodySize": 0}),
            200,
            token_response.to_string(),
            json!([]),
            json!([]),
        ),
        entry(
            json!({"method": "GET",
                "url": format!("https://api.scopestack.io/v1/clients?access_token={}", url_encoded(&query_token)),
                "httpVersion": "HTTP/1.1", "headers": [
                    {"name": "Authorization", "value": format!("Bearer {}", p.take(shape))},
                    {"name": "Accept", "value": "application/json"}],
                "queryString": [{"name": "access_token", "value": query_token}],
                "cookies": [], "headersSize": -1, "bodySize": 0}),
            401,
            "{\"errors\": [{\"status\": \"401\"}]}".to_owned(),
            json!([]),
            json!([]),
        ),
    ];
    json!({"log": {"version": "1.2", "creator": {"name": "Canary", "version": "1"}, "entries": entries}})
}

/// Writes `value` pretty and minified; shape 5 spells its non-ASCII characters as `\u`
/// escapes, as some exporters do.
fn write_json(dir: &Path, name: &str, value: &Value, shape: usize) -> Vec<String> {
    let mut names = Vec::new();
    for (prefix, text) in [
        ("", serde_json::to_string_pretty(value).unwrap()),
        ("min-", serde_json::to_string(value).unwrap()),
    ] {
        let text = if shape == 5 {
            text.replace('\u{e9}', "\\u00e9")
        } else {
            text
        };
        let file = format!("{prefix}{name}");
        std::fs::write(dir.join(&file), &text).unwrap();
        names.push(file);
    }
    names
}

/// Every form of every planted secret, searched for in one pass over an output.
struct Needles {
    automaton: aho_corasick::AhoCorasick,
    /// What each pattern is: the secret (shown escaped) and the piece found.
    names: Vec<String>,
}

impl Needles {
    fn new(secrets: &[Secret]) -> Needles {
        let mut patterns = Vec::new();
        let mut names = Vec::new();
        for s in secrets {
            let escaped = serde_json::to_string(&s.value).unwrap();
            for form in [
                s.value.clone(),
                escaped[1..escaped.len() - 1].to_owned(),
                url_encoded(&s.value),
            ] {
                names.push(format!("{:?}", s.value));
                patterns.push(form);
            }
            if let Some(core) = &s.core {
                let chars: Vec<char> = core.chars().collect();
                for piece in chars.windows(6) {
                    let piece: String = piece.iter().collect();
                    names.push(format!("{piece:?} of {:?}", s.value));
                    patterns.push(piece);
                }
            }
        }
        Needles {
            automaton: aho_corasick::AhoCorasick::new(&patterns).unwrap(),
            names,
        }
    }

    /// Every leak of any planted secret in `output`.
    fn leaks(&self, output: &str) -> Vec<String> {
        let mut found: Vec<String> = self
            .automaton
            .find_overlapping_iter(output)
            .map(|m| self.names[m.pattern().as_usize()].clone())
            .collect();
        found.sort();
        found.dedup();
        found
    }

    fn assert_none(&self, what: &str, output: &str) {
        let found = self.leaks(output);
        if !found.is_empty() {
            // Show the first lines that leak, to find the place.
            let lines: Vec<&str> = output
                .lines()
                .filter(|l| !self.leaks(l).is_empty())
                .take(5)
                .collect();
            panic!(
                "{what}: {} leaks: {:?}\n{}",
                found.len(),
                &found[..found.len().min(8)],
                lines.join("\n")
            );
        }
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path().to_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

/// Copies of each file cut short inside or just after each secret it holds (in turns); a
/// minified file, whose one line every snippet shows whole, is cut twice.
fn truncated_copies(from: &Path, to: &Path, secrets: &[Secret]) {
    for path in files_in(from) {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = Path::new(&path).file_name().unwrap().to_str().unwrap();
        let mut cuts = Vec::new();
        for (i, s) in secrets.iter().enumerate() {
            let escaped = serde_json::to_string(&s.value).unwrap();
            let forms = [&escaped[1..escaped.len() - 1], &url_encoded(&s.value)[..]];
            if let Some((at, form)) = forms.iter().find_map(|f| text.find(f).map(|at| (at, f))) {
                cuts.push(if i % 2 == 0 {
                    at + form.len() / 2
                } else {
                    at + form.len() + 1
                });
            }
        }
        cuts.retain(|&c| c < text.len());
        if name.starts_with("min-") {
            let n = cuts.len();
            cuts = [n / 3, n.saturating_sub(1)]
                .iter()
                .filter_map(|&i| cuts.get(i).copied())
                .collect();
        }
        for (k, cut) in cuts.into_iter().enumerate() {
            let mut cut = cut;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            std::fs::write(to.join(format!("cut{k:03}-{name}")), &text[..cut]).unwrap();
        }
    }
}

fn all_outputs(files: &[String], needles: &Needles, what: &str) {
    let mut args: Vec<&str> = vec!["check", "--no-summary"];
    args.extend(files.iter().map(String::as_str));
    for format in ["full", "concise", "json", "sarif", "github"] {
        let mut a = args.clone();
        a.extend(["--format", format]);
        let r = run(&a);
        assert_ne!(r.code, 101, "{what} {format}: {}", r.stderr);
        assert!(r.code == 1 || r.code == 2, "{what} {format}: {}", r.stderr);
        needles.assert_none(&format!("{what} --format {format}"), &r.stdout);
        needles.assert_none(&format!("{what} --format {format} (stderr)"), &r.stderr);
    }
    let mut a = args.clone();
    a.push("--statistics");
    let r = run(&a);
    needles.assert_none(&format!("{what} --statistics"), &r.stdout);
    needles.assert_none(&format!("{what} --statistics (stderr)"), &r.stderr);
}

#[test]
fn planted_secrets_never_appear_in_any_output() {
    let dir = tempfile::tempdir().unwrap();
    // CANARY_DIR=path keeps the planted files there, to look into a leak.
    let kept = std::env::var_os("CANARY_DIR").map(std::path::PathBuf::from);
    let root = kept.as_deref().unwrap_or(dir.path());
    let whole = root.join("whole");
    let cut = root.join("cut");
    std::fs::create_dir_all(&whole).unwrap();
    std::fs::create_dir_all(&cut).unwrap();
    let mut planted = Planted {
        secrets: Vec::new(),
    };
    let mut hars = Vec::new();
    let mut envs = Vec::new();
    for shape in 0..SHAPES {
        let c = collection(shape, &mut planted);
        write_json(
            &whole,
            &format!("s{shape:02}.postman_collection.json"),
            &c,
            shape,
        );
        let e = environment(shape, &mut planted);
        envs.extend(write_json(
            &whole,
            &format!("s{shape:02}.postman_environment.json"),
            &e,
            shape,
        ));
        let h = har(shape, &mut planted);
        hars.extend(write_json(&whole, &format!("s{shape:02}.har"), &h, shape));
        // The v12 YAML environment: four styles, and one that Postman cannot read.
        let style = shape % 4;
        for unreadable in [false, true] {
            let text = environment_yaml(shape, &mut planted, style, unreadable);
            let name = format!("s{shape:02}-{style}-{unreadable}.environment.yaml");
            std::fs::write(whole.join(&name), text).unwrap();
        }
    }
    let secrets = planted.secrets;
    assert!(secrets.len() > 30 * SHAPES, "{}", secrets.len());
    let distinct: std::collections::HashSet<&str> =
        secrets.iter().map(|s| s.value.as_str()).collect();
    assert_eq!(
        distinct.len(),
        secrets.len(),
        "every planted value is unique"
    );
    assert!(secrets.iter().all(|s| s.value.chars().count() >= 8));

    let needles = Needles::new(&secrets);

    // Whole files: every format.
    let files = files_in(&whole);
    all_outputs(&files, &needles, "whole files");

    // The collections as Postman v12 trees (Postman's own converter), checked as trees.
    match crate::postman_cli::postman() {
        Some(postman) => {
            let trees = root.join("trees");
            let mut dirs = Vec::new();
            for shape in 0..SHAPES {
                // The converter refuses a variable typed `secret` (which Postman writes), and
                // its map of variables has no way to mark one: such variables stay out.
                let mut value: Value = serde_json::from_str(
                    &std::fs::read_to_string(
                        whole.join(format!("s{shape:02}.postman_collection.json")),
                    )
                    .unwrap(),
                )
                .unwrap();
                fn drop_secret_variables(v: &mut Value) {
                    match v {
                        Value::Object(map) => {
                            if let Some(Value::Array(vars)) = map.get_mut("variable") {
                                vars.retain(|var| var["type"] != "secret");
                            }
                            map.values_mut().for_each(drop_secret_variables);
                        }
                        Value::Array(a) => a.iter_mut().for_each(drop_secret_variables),
                        _ => {}
                    }
                }
                drop_secret_variables(&mut value);
                let text = serde_json::to_string_pretty(&value).unwrap();
                std::fs::create_dir_all(&trees).unwrap();
                let source = trees.join(format!("s{shape:02}.postman_collection.json"));
                std::fs::write(&source, text).unwrap();
                let tree = trees.join(format!("s{shape:02}"));
                let out = std::process::Command::new(&postman)
                    .args(["collection", "migrate"])
                    .arg(&source)
                    .arg("-o")
                    .arg(&tree)
                    .output()
                    .unwrap();
                if out.status.success() {
                    dirs.push(tree.to_str().unwrap().to_owned());
                }
            }
            assert!(dirs.len() >= SHAPES / 2, "{} trees migrated", dirs.len());
            all_outputs(&dirs, &needles, "v3 trees");
            // Their fixes: the diff (files created among them), then the fixed trees.
            let mut a: Vec<&str> = vec!["check", "--diff", "--unsafe-fixes"];
            a.extend(dirs.iter().map(String::as_str));
            let r = run(&a);
            assert!(
                r.stdout.contains("+++"),
                "no diff of the trees: {}",
                r.stderr
            );
            needles.assert_none("v3 trees --diff", &r.stdout);
            needles.assert_none("v3 trees --diff (stderr)", &r.stderr);
            let mut a: Vec<&str> = vec!["check", "--fix", "--unsafe-fixes"];
            a.extend(dirs.iter().map(String::as_str));
            let r = run(&a);
            assert_ne!(r.code, 101, "{}", r.stderr);
            needles.assert_none("v3 trees --fix", &r.stdout);
            needles.assert_none("v3 trees --fix (stderr)", &r.stderr);
            all_outputs(&dirs, &needles, "fixed v3 trees");
        }
        None => crate::common::skipped(
            crate::common::Missing::Tool,
            "its v3 trees: the Postman CLI is not installed",
        ),
    }

    // Cut short after and inside each secret: the snippet under the parse error.
    truncated_copies(&whole, &cut, &secrets);
    let cuts = files_in(&cut);
    assert!(cuts.len() > secrets.len() / 2, "{}", cuts.len());
    all_outputs(&cuts, &needles, "truncated files");

    // --diff, and --fix with its SARIF fixes, on a copy.
    let fixed = root.join("fixed");
    std::fs::create_dir_all(&fixed).unwrap();
    for f in &files {
        std::fs::copy(f, fixed.join(Path::new(f).file_name().unwrap())).unwrap();
    }
    let fixed_files = files_in(&fixed);
    let mut a: Vec<&str> = vec!["check", "--diff", "--unsafe-fixes"];
    a.extend(fixed_files.iter().map(String::as_str));
    let r = run(&a);
    assert!(r.stdout.contains("+++"), "no diff: {}", r.stderr);
    needles.assert_none("--diff", &r.stdout);
    needles.assert_none("--diff (stderr)", &r.stderr);
    let mut a: Vec<&str> = vec!["check", "--format", "sarif"];
    a.extend(fixed_files.iter().map(String::as_str));
    let r = run(&a);
    assert!(r.stdout.contains("\"fixes\""), "no SARIF fixes");
    needles.assert_none("SARIF fixes", &r.stdout);
    let mut a: Vec<&str> = vec!["check", "--fix", "--unsafe-fixes", "--diff"];
    a.extend(fixed_files.iter().map(String::as_str));
    let r = run(&a);
    needles.assert_none("--fix --diff", &r.stdout);
    needles.assert_none("--fix --diff (stderr)", &r.stderr);

    // A broken environment named with --environment.
    let broken_env = cut.join(
        files_in(&cut)
            .iter()
            .find(|f| f.ends_with(".postman_environment.json"))
            .unwrap(),
    );
    let r = run(&[
        "check",
        "--environment",
        broken_env.to_str().unwrap(),
        files[0].as_str(),
    ]);
    assert_eq!(r.code, 2);
    needles.assert_none("a broken --environment", &(r.stdout + &r.stderr));

    // redact: the copy and its report.
    for har in &hars {
        let out = dir.path().join("redacted.har");
        let r = run(&[
            "redact",
            whole.join(har).to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{har}: {}", r.stderr);
        needles.assert_none(&format!("redact {har} (report)"), &(r.stdout + &r.stderr));
        let copy = std::fs::read_to_string(&out).unwrap();
        needles.assert_none(&format!("redact {har}"), &copy);
    }
    assert!(!envs.is_empty());
}
