use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::har::Entry;
use crate::rules::har_context::{HarContext, Place};
use crate::rules::{Checks, RuleInfo};
use crate::tokens::{bearer_token, is_json_object};

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS008",
        name: "unauthorized-response",
        summary: "A 401 from the API, and the cause the capture shows",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        har: Some(check_har),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS008 unauthorized-response

## What it catches
In a HAR capture, a `401 Unauthorized` from the ScopeStack API, and which cause the capture
shows:
- no `Authorization` header because a redirect from another host (a 3xx from the application
  host to the API host, say) dropped it: clients do not send it on to another host;
- no `Authorization` header. A DevTools export (Chrome's default export removes
  `Authorization` and cookies) is called sanitised only when it shows that headers were
  removed: for HTTP/1.x, a `headersSize` larger than the request line and the listed headers
  take. When the sizes agree, the header was not sent; where the capture cannot tell (HTTP/2,
  `headersSize` −1), the message says so. A capture with redaction placeholders cannot tell
  either;
- a header that is not `Bearer <token>`;
- a JSON object as the token (the whole token response was stored, see SS003);
- a token older than the `expires_in` of the token response seen earlier in the capture;
- otherwise a well-formed token that was refused: a deactivated user or a revoked token.

## Why it breaks
The API accepts only `Authorization: Bearer <access_token>` with a live token; everything else
is a 401 that does not say which part was wrong.

## Example
```
GET https://api.scopestack.io/acme/v1/clients
Authorization: Bearer {"access_token":"...","token_type":"Bearer",...}
401
```

## Cure
Send `Authorization: Bearer <access_token>`. When the token is older than `expires_in` (7200
seconds), get a new one with `grant_type=refresh_token` and the `refresh_token` from the token
response.

## Fix
None: a capture records what happened; the fix belongs in the collection or code that sent it.
"#;

fn check_har(cx: &HarContext, out: &mut Vec<Diagnostic>) {
    let entries = &cx.har.entries;
    for (i, (entry, facts)) in cx.entries().enumerate() {
        if !facts.api_request || entry.response.as_ref().map(|r| r.status) != Some(401) {
            continue;
        }
        let (why, cure) = cause(cx, &entries[..i], entry);
        out.push(cx.diagnostic(
            &RULE,
            entry,
            Place::Status,
            format!("the API answered 401 Unauthorized: {why}"),
            cure,
            "401 Unauthorized",
        ));
    }
}

fn cause(cx: &HarContext, earlier: &[Entry], entry: &Entry) -> (String, String) {
    let Some(header) = entry.request.header("authorization") else {
        return without_header(cx, earlier, entry);
    };
    let value = header.value.trim();
    if value.contains("{{") {
        return (
            "the `Authorization` header holds an unresolved `{{variable}}`: the variable was not set when the request ran".into(),
            "Set the variable before the call (run the token request first, or select the environment that defines it).".into(),
        );
    }
    let Some(token) = bearer_token(value).map(str::trim).filter(|t| !t.is_empty()) else {
        if is_json_object(value) {
            return json_token();
        }
        // Name the scheme only when it is a known one: anything else may be the secret itself.
        const SCHEMES: &[&str] = &[
            "basic",
            "bearer",
            "digest",
            "token",
            "negotiate",
            "ntlm",
            "hoba",
            "mutual",
            "aws4-hmac-sha256",
            "apikey",
        ];
        let first = value.split_whitespace().next().unwrap_or("");
        let shown = if value.is_empty() {
            "an empty value".to_owned()
        } else if SCHEMES.contains(&first.to_ascii_lowercase().as_str()) {
            format!("the `{first}` scheme")
        } else {
            "no scheme".to_owned()
        };
        return (
            format!("the `Authorization` header is not `Bearer <token>` ({shown})"),
            "Send `Authorization: Bearer <access_token>`.".into(),
        );
    };
    if is_json_object(token) {
        return json_token();
    }
    // The token response this token came from: the one that issued it when the capture shows
    // it, else the latest before the call.
    let responses: Vec<(&Entry, serde_json::Map<String, serde_json::Value>)> = earlier
        .iter()
        .filter(|e| {
            let url = e.request.absolute_url();
            cx.endpoints
                .is_scopestack(&crate::scopestack::UrlParts::parse(&url))
                && e.response
                    .as_ref()
                    .is_some_and(|r| (200..300).contains(&r.status))
        })
        .filter_map(|e| Some((e, e.response.as_ref()?.json()?)))
        .filter(|(_, json)| json.contains_key("access_token"))
        .collect();
    let issued_this = responses
        .iter()
        .rev()
        .find(|(_, json)| json.get("access_token").and_then(|t| t.as_str()) == Some(token));
    // Without the issuing response in the capture, the latest one stands in only when no
    // response shows its token (a sanitised capture); a different visible token says nothing.
    let tokens_visible = responses.iter().any(|(_, json)| {
        json.get("access_token")
            .and_then(|t| t.as_str())
            .is_some_and(|t| !t.contains("redacted"))
    });
    let issued = match issued_this {
        Some(found) => Some(found.clone()),
        None if !tokens_visible => responses.last().cloned(),
        None => None,
    };
    if let Some((token_entry, json)) = issued {
        let expires_in = json
            .get("expires_in")
            .and_then(|v| v.as_f64().or_else(|| v.as_str()?.parse().ok()));
        if let (Some(expires_in), Some(then), Some(now)) =
            (expires_in, token_entry.started, entry.started)
        {
            let issued_at = then + token_entry.time.unwrap_or(0.0) as i64;
            let age_s = (now - issued_at) / 1000;
            if age_s as f64 > expires_in {
                return (
                    format!(
                        "the token from entry {} was {} minutes old, past its `expires_in` of {} seconds",
                        token_entry.index,
                        age_s / 60,
                        expires_in
                    ),
                    "Refresh the token before it expires: POST `grant_type=refresh_token` with \
                     the `refresh_token` from the token response to the token endpoint."
                        .into(),
                );
            }
        }
    }
    (
        "the token is well-formed and not known to be expired; the user may be deactivated or \
         the token revoked"
            .into(),
        "Check that the user is active in ScopeStack, then get a new token.".into(),
    )
}

fn json_token() -> (String, String) {
    (
        "the bearer token is a JSON object: the whole token response was stored as the token"
            .into(),
        "Send only the `access_token` field of the token response, not the whole response (in \
         Postman, `pm.response.json().access_token`; see `scopelint explain SS003`)."
            .into(),
    )
}

/// Why a 401 came without an `Authorization` header, as far as the capture shows.
fn without_header(cx: &HarContext, earlier: &[Entry], entry: &Entry) -> (String, String) {
    if let Some(redirect) = redirected_from(earlier, entry) {
        let status = redirect.response.as_ref().map_or(0, |r| r.status);
        return (
            format!(
                "the request followed a {status} redirect from `{}` (entry {}), which carried \
                 `Authorization`; the redirect to another host dropped the header",
                crate::scopestack::display_url(&redirect.request.absolute_url()),
                redirect.index
            ),
            format!(
                "Call the API host `{}` directly: clients do not send `Authorization` on to \
                 another host when they follow a redirect.",
                cx.endpoints.api.url
            ),
        );
    }
    let export = "Export the capture with sensitive data included (Chrome DevTools: \"Export \
                  HAR (with sensitive data)\"), then run `scopelint redact` before sharing it.";
    if placeholders(cx) {
        return (
            "the capture does not show whether a token was sent: it holds redaction \
             placeholders where credentials were"
                .into(),
            export.into(),
        );
    }
    // DevTools' default export drops `Authorization` and cookies; what the request's
    // `headersSize` counts beyond the listed headers shows whether it did here.
    if !cx.har.creator.eq_ignore_ascii_case("WebInspector") {
        return not_sent();
    }
    match (
        entry.request.headers_size,
        entry.request.listed_headers_size(),
    ) {
        (Some(size), Some(listed)) if size >= listed + REMOVED_MIN => (
            format!(
                "the capture was sanitised: the request's headers took {size} bytes, {} more \
                 than the headers listed, so the export removed some (DevTools removes \
                 `Authorization` and cookies) and it does not show whether a token was sent",
                size - listed
            ),
            export.into(),
        ),
        (Some(size), Some(listed)) if size.abs_diff(listed) < REMOVED_MIN => not_sent(),
        (size, listed) => (
            format!(
                "the capture cannot tell whether the `Authorization` header was removed by the \
                 export or never sent ({})",
                match (size, listed) {
                    (_, None) =>
                        "its HTTP version sends headers compressed, so there is no size \
                                  to compare",
                    (None, _) => "it records no `headersSize` for the request",
                    _ => "its `headersSize` is smaller than the headers listed",
                }
            ),
            format!(
                "Every API call needs `Authorization: Bearer <access_token>`. To see what was \
                 sent, {}",
                export.replacen("Export", "export", 1)
            ),
        ),
    }
}

/// Fewer bytes than the shortest header line a sanitising export removes
/// (`Cookie: a=b\r\n`): a smaller difference is a miscount, not a removed header.
const REMOVED_MIN: u64 = 10;

fn not_sent() -> (String, String) {
    (
        "the request sent no `Authorization` header".into(),
        "Send `Authorization: Bearer <access_token>` with every API call.".into(),
    )
}

/// The entry, shortly before, whose redirect led to `entry` on another host after carrying
/// `Authorization` itself.
fn redirected_from<'e>(earlier: &'e [Entry], entry: &Entry) -> Option<&'e Entry> {
    let url = entry.request.absolute_url();
    let here = crate::scopestack::UrlParts::parse(&url);
    earlier.iter().rev().take(20).find(|e| {
        let Some(target) = e
            .response
            .as_ref()
            .filter(|r| (300..400).contains(&r.status))
            .and_then(|r| r.redirect_url.as_deref())
        else {
            return false;
        };
        let from = e.request.absolute_url();
        let there = crate::scopestack::UrlParts::parse(&from);
        e.request.header("authorization").is_some()
            && there.host != here.host
            && target.trim() == url.as_ref()
    })
}

/// Redaction tools leave placeholders where credentials were.
fn placeholders(cx: &HarContext) -> bool {
    // `scopelint redact` replaces values but never removes a header: its own placeholders
    // do not hide whether a header was sent.
    let placeholder = |v: &str| {
        let v = v
            .replace(crate::secrets::PLACEHOLDER, "")
            .to_ascii_lowercase();
        v.contains("redacted")
            || v.contains("[filtered]")
            || v.contains("***")
            || v.contains("<hidden>")
    };
    cx.har.entries.iter().any(|e| {
        ["authorization", "cookie"]
            .iter()
            .filter_map(|n| e.request.header(n))
            .any(|h| placeholder(&h.value))
    })
}
