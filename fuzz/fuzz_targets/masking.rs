//! A secret of any shape, planted in any place a credential lives, never comes out: the
//! fuzzer chooses the value (quotes, backslashes, escapes, unicode, nothing alphanumeric...),
//! the place and where a truncated copy is cut; the file, whole and cut, is rendered in every
//! format, diffed and redacted, and no output may hold the value (raw, JSON-escaped or
//! URL-encoded) or the marker planted inside it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopelint::{render, Checker, Format, Outcome};

/// Planted inside every value: a hit is a leak, not a coincidence.
const MARKER: &str = "Qz7mK9canaryXw";

/// Templates with `@@` where the value goes, and how it is spelled there.
const PLACES: &[(&str, &str, Spelling)] = &[
    ("c.postman_collection.json", r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [{"name": "t", "request": {"method": "POST", "url": "https://api.scopestack.io/oauth/token",
  "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "password"},
   {"key": "client_secret", "value": "@@"}]}}}]}"#, Spelling::Json),
    ("c.postman_collection.json", r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [{"name": "r", "request": {"method": "GET", "url": "https://api.scopestack.io/v1/clients",
  "header": [{"key": "Authorization", "value": "Bearer @@"}]}}]}"#, Spelling::Json),
    ("c.postman_collection.json", r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "auth": {"type": "apikey", "apikey": [{"key": "value", "value": "@@"}, {"key": "key", "value": "X-Api-Key"}]},
 "item": [{"name": "r", "request": {"method": "GET", "url": "https://api.scopestack.io/v1/clients"}}]}"#, Spelling::Json),
    ("c.postman_collection.json", r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [{"name": "t", "request": {"method": "POST", "url": "https://api.scopestack.io/oauth/token",
  "body": {"mode": "raw", "raw": "{\"grant_type\": \"password\", \"password\": @@}"}}}]}"#, Spelling::JsonInJson),
    ("c.postman_collection.json", r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "event": [{"listen": "prerequest", "script": {"exec": ["pm.environment.set(\"password\", @@);"]}}],
 "item": [{"name": "r", "request": {"method": "GET", "url": "https://api.scopestack.io/v1/clients"}}]}"#, Spelling::JsonInJson),
    ("c.postman_collection.json", r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [{"name": "r", "request": {"method": "GET", "url": "https://pat:@@@api.scopestack.io/v1/clients"}}]}"#, Spelling::Url),
    ("e.postman_environment.json", r#"{"name": "e", "values": [{"key": "password", "value": "@@", "type": "default"}]}"#, Spelling::Json),
    ("h.har", r#"{"log": {"version": "1.2", "entries": [{"request": {"method": "GET", "url": "https://api.scopestack.io/v1/clients",
 "headers": [{"name": "Authorization", "value": "Bearer @@"}], "queryString": [], "cookies": []},
 "response": {"status": 401, "headers": [], "content": {"text": "{}"}}}]}}"#, Spelling::Json),
    ("h.har", r#"{"log": {"version": "1.2", "entries": [{"request": {"method": "POST", "url": "https://app.scopestack.io/oauth/token",
 "headers": [], "postData": {"params": [{"name": "password", "value": "@@"}]}},
 "response": {"status": 200, "headers": [], "content": {"text": "{\"access_token\": @@}"}}}]}}"#, Spelling::JsonInJson),
];

#[derive(Clone, Copy)]
enum Spelling {
    /// Inside a JSON string.
    Json,
    /// A JSON string literal inside a JSON string (a raw body, a script).
    JsonInJson,
    /// Percent-encoded in a URL.
    Url,
}

fn json_inner(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap();
    quoted[1..quoted.len() - 1].to_owned()
}

fn url_encoded(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn outputs(name: &str, bytes: Vec<u8>) -> String {
    let mut out = String::new();
    if let Outcome::Report(report) = Checker::new().check(name, bytes) {
        for format in [Format::Full, Format::Concise, Format::Github, Format::Json, Format::Sarif] {
            out.push_str(&render(&report, format, false, 100));
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (place, cut, value) = (data[0], data[1], &data[2..]);
    let Ok(value) = std::str::from_utf8(value) else { return };
    let half = value.len() / 2;
    let half = (0..=half).rev().find(|&i| value.is_char_boundary(i)).unwrap_or(0);
    let secret = format!("{}{MARKER}{}", &value[..half], &value[half..]);
    // `{{name}}` is a variable reference, which Postman resolves and scopelint shows; a
    // value that begins with `redact`'s placeholder (`[redacted:1]...`) is taken as redacted.
    let redacted = secret
        .strip_prefix("[redacted:")
        .and_then(|rest| rest.split_once(']'))
        .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()));
    if secret.contains("{{") || secret.contains("}}") || redacted {
        return;
    }
    let (name, template, spelling) = PLACES[usize::from(place) % PLACES.len()];
    let planted = match spelling {
        Spelling::Json => json_inner(&secret),
        Spelling::JsonInJson => json_inner(&serde_json::to_string(&secret).unwrap()),
        Spelling::Url => url_encoded(&secret),
    };
    let text = template.replace("@@", &planted);
    let mut shown = outputs(name, text.clone().into_bytes());
    // Cut short somewhere in or after the value.
    let at = text.find(&planted).unwrap_or(0) + usize::from(cut) * planted.len().max(1) / 255;
    let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    shown.push_str(&outputs(name, text[..at].as_bytes().to_vec()));
    shown.push_str(&scopelint::mask_secrets(&text));
    shown.push_str(&scopelint::mask_secrets(&text[..at]));
    if name.ends_with(".har") {
        if let Some(redacted) = scopelint::redact(&text) {
            shown.push_str(&redacted);
        }
    }
    for form in [secret.clone(), json_inner(&secret), url_encoded(&secret), MARKER.to_owned()] {
        assert!(!shown.contains(&form), "leaked {form:?}");
    }
});
