use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::har::Entry;
use crate::rules::har_context::{HarContext, Place};
use crate::rules::{Checks, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS007",
        name: "invalid-grant-response",
        summary: "A token response with `invalid_grant`, and the cause the capture shows",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        har: Some(check_har),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS007 invalid-grant-response

## What it catches
In a HAR capture, a response from the token endpoint with `"error": "invalid_grant"`, and which
cause the capture shows:
- a password grant that carried `redirect_uri` (Postman's OAuth 2.0 helper adds it);
- an authorization code exchanged twice (codes are single-use);
- an authorization code exchanged long after the authorize redirect that issued it (codes
  expire after 10 minutes);
- a `redirect_uri` in the exchange that differs from the one in the authorize request (a
  callback URL mismatch);
- otherwise the checklist: wrong client credentials, a revoked or expired grant, a password
  that changed.

## Why it breaks
`invalid_grant` says the grant itself was refused, not the client: the message never says why,
but the capture usually does.

## Example
```
POST https://app.scopestack.io/oauth/token   grant_type=password&...&redirect_uri=...
400 {"error": "invalid_grant", "error_description": "The provided authorization grant is invalid..."}
```

## Cure
Depends on the cause: drop `redirect_uri` from password grants (use a direct POST, not the
helper); get a fresh code and exchange it once, promptly; register and send the same callback
URL (`https://oauth.pstmn.io/v1/callback` for Postman) in both steps.

## Fix
None: a capture records what happened; the fix belongs in the collection or code that sent it.
"#;

/// Authorization codes live this long.
const CODE_LIFETIME_MS: i64 = 10 * 60 * 1000;

fn check_har(cx: &HarContext, out: &mut Vec<Diagnostic>) {
    let entries = &cx.har.entries;
    for (i, (entry, facts)) in cx.entries().enumerate() {
        if !facts.token_request || !facts.scopestack {
            continue;
        }
        let Some(error) = entry.response.as_ref().and_then(|r| r.json()) else {
            continue;
        };
        if error.get("error").and_then(|e| e.as_str()) != Some("invalid_grant") {
            continue;
        }
        let cause = cause(cx, &entries[..i], entry);
        out.push(cx.diagnostic(
            &RULE,
            entry,
            Place::Status,
            format!(
                "the token request was refused with `invalid_grant`: {}",
                cause.0
            ),
            cause.1,
            "invalid_grant",
        ));
    }
}

/// (what the capture shows, the cure).
fn cause(cx: &HarContext, earlier: &[Entry], entry: &Entry) -> (String, String) {
    let r = &entry.request;
    match r.param("grant_type") {
        Some("password") if r.param("redirect_uri").is_some() => (
            "the password grant carried `redirect_uri`".into(),
            "Send the password grant without `redirect_uri` (Postman's OAuth 2.0 helper adds it \
             even to password grants: there, get the token with a direct POST, see \
             `scopelint explain SS001`)."
                .into(),
        ),
        Some("authorization_code") => code_cause(cx, earlier, entry),
        _ => checklist(),
    }
}

fn code_cause(cx: &HarContext, earlier: &[Entry], entry: &Entry) -> (String, String) {
    let r = &entry.request;
    let Some(code) = r.param("code") else {
        return checklist();
    };
    // Only an exchange that succeeded uses a code up.
    if let Some(first) = earlier.iter().rev().find(|e| {
        e.request.param("grant_type") == Some("authorization_code")
            && e.request.param("code") == Some(code)
            && e.response
                .as_ref()
                .is_some_and(|r| (200..300).contains(&r.status))
    }) {
        return (
            format!(
                "the authorization code was already exchanged in entry {}",
                first.index
            ),
            "Authorization codes are single-use: exchange each code once, and keep the \
             refresh token to get new access tokens."
                .into(),
        );
    }
    // The authorize step that issued the code: its redirect carries `code=...`, or failing
    // that the latest authorize request.
    let issued = earlier.iter().rev().find(|e| {
        e.response
            .as_ref()
            .and_then(|resp| resp.header("location"))
            .is_some_and(|l| {
                crate::har::form_pairs(l.value.split_once('?').map_or("", |(_, q)| q))
                    .iter()
                    .any(|(k, v)| k == "code" && v == code)
            })
    });
    let authorize = issued.or_else(|| {
        earlier.iter().rev().find(|e| {
            e.request
                .url
                .split('?')
                .next()
                .unwrap_or("")
                .trim_end_matches('/')
                .ends_with("/oauth/authorize")
        })
    });
    if let Some(auth) = authorize {
        let sent = r.param("redirect_uri");
        // The authorize step's callback: in its query, or its form when it was a POST.
        let registered = auth
            .request
            .query
            .iter()
            .chain(auth.request.body.iter().flat_map(|b| b.params.iter()))
            .find(|(k, _)| k == "redirect_uri")
            .map(|(_, v)| v.as_str());
        if let Some(registered) = registered {
            if sent != Some(registered) {
                let what = match sent {
                    Some(sent) => format!("the exchange sent `redirect_uri` `{sent}`"),
                    None => "the exchange sent no `redirect_uri`".to_owned(),
                };
                return (
                    format!(
                        "{what}, but the authorize request in entry {} used `{registered}` (callback \
                         URL mismatch)",
                        auth.index
                    ),
                    "Send the same callback URL in both steps, and register it for the \
                     application in ScopeStack (`https://oauth.pstmn.io/v1/callback` for Postman)."
                        .into(),
                );
            }
        }
        if let (Some(then), Some(now)) = (auth.started, entry.started) {
            let issued_at = then + auth.time.unwrap_or(0.0) as i64;
            let age = now - issued_at;
            if age > CODE_LIFETIME_MS {
                return (
                    format!(
                        "the code was exchanged {} minutes after the authorize redirect in entry \
                         {} issued it; codes expire after 10 minutes",
                        age / 60_000,
                        auth.index
                    ),
                    "Exchange the code right after the redirect: authorize again to get a fresh one."
                        .into(),
                );
            }
        }
    }
    let _ = cx;
    checklist()
}

fn checklist() -> (String, String) {
    (
        "the capture shows no specific cause".into(),
        "Check the client ID and secret, that the user's password has not changed, and that the \
         grant was not revoked; then request a new token."
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use crate::document::Document;
    use crate::rules::har_context::HarContext;
    use crate::rules::{run, Input};
    use serde_json::{json, Value};

    /// An entry of a capture: `method url`, the form it posted, and the response.
    fn entry(method: &str, url: &str, form: &str, status: u16, body: &str) -> Value {
        json!({
            "startedDateTime": "2026-11-30T09:00:00.000Z", "time": 10,
            "request": {"method": method, "url": url, "httpVersion": "HTTP/1.1", "headers": [],
                "queryString": [], "cookies": [], "headersSize": -1, "bodySize": form.len(),
                "postData": {"mimeType": "application/x-www-form-urlencoded", "text": form}},
            "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1",
                "headers": [], "cookies": [], "redirectURL": "", "headersSize": -1, "bodySize": -1,
                "content": {"size": body.len(), "mimeType": "application/json", "text": body}},
            "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 0}
        })
    }

    /// SS007's messages for a capture of `entries`.
    fn messages(entries: Vec<Value>) -> Vec<String> {
        let text = json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
            "entries": entries}})
        .to_string();
        let doc = Document::parse(text.as_str().into()).unwrap();
        let har = crate::har::read(&doc);
        let endpoints = crate::scopestack::Endpoints::default();
        let cx = HarContext::new(&har, &endpoints);
        run(&Input::Har(&cx), |r| r.code == super::RULE.code)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    const TOKEN_URL: &str = "https://app.scopestack.io/oauth/token";
    const REFUSED: &str = r#"{"error": "invalid_grant"}"#;

    #[test]
    fn a_password_grant_is_blamed_on_redirect_uri_only_when_it_sent_one() {
        let with = "grant_type=password&username=u&password=p&redirect_uri=https%3A%2F%2Foauth.pstmn.io%2Fv1%2Fcallback";
        let found = messages(vec![entry("POST", TOKEN_URL, with, 400, REFUSED)]);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("carried `redirect_uri`"), "{found:?}");
        let without = "grant_type=password&username=u&password=p";
        let found = messages(vec![entry("POST", TOKEN_URL, without, 400, REFUSED)]);
        assert_eq!(found.len(), 1);
        assert!(!found[0].contains("redirect_uri"), "{found:?}");
        assert!(found[0].contains("no specific cause"), "{found:?}");
    }

    #[test]
    fn a_code_exchange_without_the_authorize_requests_callback_is_a_mismatch() {
        let authorize = "https://app.scopestack.io/oauth/authorize?client_id=c&response_type=code&redirect_uri=https%3A%2F%2Foauth.pstmn.io%2Fv1%2Fcallback";
        let mut first = entry("GET", authorize, "", 302, "");
        first["request"]["queryString"] = json!([
            {"name": "client_id", "value": "c"}, {"name": "response_type", "value": "code"},
            {"name": "redirect_uri", "value": "https://oauth.pstmn.io/v1/callback"}]);
        let exchange = |form: &str| {
            messages(vec![
                first.clone(),
                entry("POST", TOKEN_URL, form, 400, REFUSED),
            ])
        };
        let found = exchange("grant_type=authorization_code&code=abc&client_id=c");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].contains("sent no `redirect_uri`") && found[0].contains("mismatch"),
            "{found:?}"
        );
        let other = exchange("grant_type=authorization_code&code=abc&client_id=c&redirect_uri=https%3A%2F%2Fexample.com%2Fcb");
        assert!(other[0].contains("`https://example.com/cb`"), "{other:?}");
        // The same callback: not a mismatch.
        let same = exchange("grant_type=authorization_code&code=abc&client_id=c&redirect_uri=https%3A%2F%2Foauth.pstmn.io%2Fv1%2Fcallback");
        assert!(!same[0].contains("mismatch"), "{same:?}");
    }
}
