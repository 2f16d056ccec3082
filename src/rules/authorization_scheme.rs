use crate::diagnostic::{Diagnostic, Pointer, Rule, Severity};
use crate::fix::Fix;
use crate::postman::{Auth, Header, Owner, Request};
use crate::rules::{script_requests, Checks, Context, RuleInfo};
use crate::source::FileId;

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS015",
        name: "authorization-scheme",
        summary: "An API request whose credentials are not a bearer token",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        collection: Some(check),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS015 authorization-scheme

## What it catches
A request to the ScopeStack API that sends credentials, but not as a bearer token: an
`Authorization` header of its own without the `Bearer ` scheme (`{{access_token}}` alone,
`Token ...`, `Basic ...`), or, without such a header, a Basic, Digest, API-key or other auth
helper in force after inheritance (an API key sent as `Authorization: Bearer ...` is a bearer
token). A request that sends nothing is SS012's; an OAuth 2.0 helper is SS001's. An API call
a script sends with `pm.sendRequest(...)` counts by its own `Authorization` header (no fix).

## Why it breaks
The API reads only `Authorization: Bearer <access_token>`. A token without its scheme, another
scheme, or a username and password answer `401 Unauthorized` although the token or the
credentials are right.

## Example
```json
"header": [{"key": "Authorization", "value": "{{access_token}}"}]
```

## Cure
Send `Authorization: Bearer {{access_token}}`: bearer auth with the token variable (on the
collection, inherited), or the header with its scheme.

## Fix
For a header whose value has no scheme (`{{access_token}}`, a bare token), `--fix` puts
`Bearer ` before it: safe, as the API reads nothing else. A header with another scheme
(`Token ...`) gets its scheme replaced by `Bearer`: unsafe, as the value after it may not be a
ScopeStack token. An auth helper gets no fix: which token to send is the collection's choice.
"#;

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (r, req, facts) in cx.request_facts() {
        if !facts.api_request {
            continue;
        }
        let owner = Owner::Request(r);
        // A header of the request's own wins over its auth, as Postman sends it.
        let header = req
            .headers
            .list
            .iter()
            .rfind(|h| h.enabled && h.name.eq_ignore_ascii_case("authorization"));
        match header {
            Some(h) => {
                if let Some(d) = judge_header(cx, owner, req, h) {
                    out.push(d);
                }
            }
            None => {
                let Some(auth) = cx.coll.effective_auth(req).map(|a| &cx.coll.auths[a]) else {
                    continue;
                };
                if let Some(d) = judge_auth(cx, req, auth) {
                    out.push(d);
                }
            }
        }
    }
    for request in cx.script_requests().iter().filter(|r| r.api_request) {
        let (Some(header), Some(value)) = (
            request.header("authorization"),
            request.header_value(cx, "authorization"),
        ) else {
            continue;
        };
        let written = header.value.as_deref().unwrap_or("").trim();
        if value.is_empty()
            || crate::tokens::bearer_token(&value).is_some()
            || crate::tokens::bearer_token(written).is_some()
        {
            continue;
        }
        out.extend(script_requests::diagnostic(
            cx,
            &RULE,
            request,
            header.entry,
            format!(
                "{} sends an `Authorization` header without the `Bearer ` scheme",
                request.describe(cx)
            ),
            "Send `Authorization: Bearer <access_token>`: the ScopeStack API takes bearer \
             tokens only."
                .to_owned(),
            "not Bearer <token>",
        ));
    }
}

/// Whether a value starts with the `Bearer` scheme (its token may be a variable still empty).
fn is_bearer(value: &str) -> bool {
    let v = value.trim_start();
    v.get(..6).is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
        && v[6..].chars().next().is_none_or(char::is_whitespace)
}

/// The scheme of an `Authorization` value (`Bearer` in `Bearer abc`), if it has one.
fn scheme(value: &str) -> Option<&str> {
    let value = value.trim();
    let (first, rest) = value.split_once(char::is_whitespace)?;
    (!rest.trim().is_empty()).then_some(first)
}

fn judge_header(cx: &Context, owner: Owner, req: &Request, h: &Header) -> Option<Diagnostic> {
    let written = h.value.trim();
    if written.is_empty() {
        // Sends nothing: SS012's to say.
        return None;
    }
    // What is sent: the resolved value, or as written where its variables are empty until a
    // script fills them (`{{access_token}}`).
    let resolved = cx.resolve(owner, &h.value);
    let sent = if resolved.trim().is_empty() {
        written
    } else {
        resolved.trim()
    };
    // A JSON object is a whole token response: SS003's.
    let json = sent.starts_with('{') && !sent.starts_with("{{");
    if is_bearer(written) || is_bearer(sent) || json {
        return None;
    }
    // The scheme as written (`Token {{access_token}}`), else as resolved (`{{auth_header}}`).
    let used = scheme(written)
        .filter(|s| !s.contains("{{"))
        .or_else(|| scheme(sent));
    let (what, fix) = match used {
        Some(s) => {
            let fix = h
                .value_node
                .filter(|_| scheme(written) == Some(s))
                .map(|node| {
                    let at = h.value.find(s).unwrap_or(0);
                    Fix::unsafe_(
                        format!("Use the `Bearer` scheme instead of `{s}`"),
                        vec![cx.editor.edit_in_string(node, at, at + s.len(), "Bearer")],
                    )
                });
            (format!("the `{s}` scheme"), fix)
        }
        None => {
            let fix = h.value_node.map(|node| {
                let at = h.value.len() - h.value.trim_start().len();
                Fix::safe(
                    "Put `Bearer ` before the token",
                    vec![cx.editor.edit_in_string(node, at, at, "Bearer ")],
                )
            });
            ("no scheme".to_owned(), fix)
        }
    };
    let node = h.value_node.unwrap_or(h.node);
    Some(Diagnostic {
        rule: &RULE,
        severity: RULE.severity,
        file: FileId::LINTED,
        message: format!(
            "request `{}` sends its `Authorization` header with {what}; the API reads only \
             `Bearer <token>`",
            cx.coll.label(req)
        ),
        help: "Send `Authorization: Bearer {{access_token}}`."
            .to_owned()
            .into(),
        label: "not a bearer token".to_owned().into(),
        item: Some(cx.coll.label(req)),
        pointer: Pointer::Node(node),
        span: cx.span(node),
        fix,
    })
}

fn judge_auth(cx: &Context, req: &Request, auth: &Auth) -> Option<Diagnostic> {
    let kind = auth.kind.as_ref();
    if matches!(kind, "bearer" | "oauth2" | "noauth" | "inherit" | "") {
        return None;
    }
    if kind == "apikey" {
        // An API key sent as the `Authorization` header, scheme and all, is a bearer token.
        let text = |names: &[&str]| {
            auth.param(names)
                .and_then(|p| cx.text(p.value))
                .map(|t| cx.resolve(auth.owner, &t).trim().to_owned())
        };
        let key = text(&["key"]).unwrap_or_default();
        let value = text(&["value"]).unwrap_or_default();
        let in_header = text(&["in"]).is_none_or(|i| i == "header");
        let bearer = is_bearer(&value);
        if in_header && key.eq_ignore_ascii_case("authorization") && bearer {
            return None;
        }
    }
    let node = auth.kind_node.unwrap_or(auth.node);
    Some(Diagnostic {
        rule: &RULE,
        severity: RULE.severity,
        file: FileId::LINTED,
        message: format!(
            "request `{}` authenticates with the `{kind}` auth of {}; the API reads only \
             `Authorization: Bearer <token>`",
            cx.coll.label(req),
            cx.coll.describe(auth.owner)
        ),
        help: "Use bearer auth with `{{access_token}}`, filled by the token request's test \
               script."
            .to_owned()
            .into(),
        label: format!("`{kind}` auth, not a bearer token").into(),
        item: Some(cx.coll.label(req)),
        pointer: Pointer::Node(node),
        span: cx.span(node),
        fix: None,
    })
}

#[cfg(test)]
mod tests {
    use super::scheme;

    #[test]
    fn knows_a_bearer_value_whose_token_is_empty_yet() {
        use super::is_bearer;
        assert!(is_bearer("Bearer {{access_token}}"));
        assert!(is_bearer("bearer "));
        assert!(is_bearer("Bearer"));
        assert!(!is_bearer("Bearerx"));
        assert!(!is_bearer("{{access_token}}"));
        assert!(!is_bearer("Bé"));
    }

    #[test]
    fn reads_the_scheme_of_an_authorization_value() {
        assert_eq!(scheme("Bearer abc"), Some("Bearer"));
        assert_eq!(scheme("  Token   abc "), Some("Token"));
        assert_eq!(scheme("{{access_token}}"), None);
        assert_eq!(scheme("Bearer"), None);
        assert_eq!(scheme("Bearer  "), None);
    }

    /// A script request's header is judged as written and as resolved: a bearer value in
    /// either is not a wrong scheme (a variable holding `Bearer ...`, a token still empty).
    #[test]
    fn a_script_requests_header_is_bearer_as_written_or_as_resolved() {
        let found = |value: &str| {
            let text = format!(
                r#"{{"item": [], "variable": [{{"key": "auth", "value": "Bearer abc.def"}}, {{"key": "tok", "value": ""}}],
                "event": [{{"listen": "prerequest", "script": {{"exec": [
                "pm.sendRequest({{url: 'https://api.scopestack.io/acme/v1/clients', header: [{{key: 'Authorization', value: {value}}}]}}, () => {{}});"]}}}}]}}"#
            );
            crate::rules::finding_pointers(&text, "SS015").len()
        };
        assert_eq!(found("pm.collectionVariables.get('auth')"), 0);
        assert_eq!(found("'Bearer ' + pm.collectionVariables.get('tok')"), 0);
        assert_eq!(found("'Token abc.def'"), 1);
    }
}
