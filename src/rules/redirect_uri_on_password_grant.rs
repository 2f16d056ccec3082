use crate::diagnostic::{Diagnostic, Pointer, Rule, Severity};
use crate::fix::Fix;
use crate::postman::Owner;
use crate::rules::har_context::{HarContext, Place};
use crate::rules::{Checks, Context, RuleInfo};
use crate::source::FileId;

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS006",
        name: "redirect-uri-on-password-grant",
        summary: "A password-grant token request that also sends redirect_uri",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        collection: Some(check),
        har: Some(check_har),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS006 redirect-uri-on-password-grant

## What it catches
A token request with `grant_type=password` that also sends a `redirect_uri` parameter: in a
Postman collection's urlencoded or form-data body, or in a request recorded in a HAR capture.

## Why it breaks
The password grant has no redirect. ScopeStack's OAuth server treats a `redirect_uri` on it as
a malformed grant and answers `400 invalid_grant`, whatever the credentials. Postman's OAuth 2.0
helper adds it on its own (see SS001), and code copied from such a request keeps it.

## Example
```
POST https://app.scopestack.io/oauth/token
grant_type=password&client_id=...&client_secret=...&username=...&password=...&redirect_uri=https://oauth.pstmn.io/v1/callback
```

## Cure
Leave `redirect_uri` out of password-grant token requests.

## Fix (safe)
`--fix` removes the `redirect_uri` field from the request's urlencoded or form-data body. It is
safe: a password grant with it never succeeds.
"#;

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (i, req, facts) in cx.request_facts() {
        if !facts.token_request {
            continue;
        }
        let Some(body) = &req.body else { continue };
        let owner = Owner::Request(i);
        let value_of = |key: &str| {
            body.fields
                .iter()
                .filter(|f| f.enabled && f.key.trim() == key)
                .filter_map(|f| f.value.and_then(|v| cx.text(v)))
                .map(|v| cx.resolve(owner, &v).trim().to_owned())
                .next_back()
        };
        if value_of("grant_type").as_deref() != Some("password") {
            continue;
        }
        let Some(redirect) = body
            .fields
            .iter()
            .rfind(|f| f.enabled && f.key.trim() == "redirect_uri")
        else {
            continue;
        };
        let fix = cx
            .editor
            .remove_element(redirect.list, redirect.index)
            .map(|e| Fix::safe("Remove `redirect_uri`", vec![e]));
        let key = cx
            .coll
            .doc
            .get(redirect.node, "key")
            .unwrap_or(redirect.node);
        out.push(Diagnostic {
            rule: &RULE,
            severity: RULE.severity,
            file: FileId::LINTED,
            message: format!(
                "token request `{}` sends `redirect_uri` with a password grant; ScopeStack \
                 answers `invalid_grant`",
                cx.coll.label(req)
            ),
            help: "Remove `redirect_uri`: the password grant has no redirect.".to_owned(),
            label: "redirect_uri on a password grant".to_owned(),
            item: Some(cx.coll.label(req)),
            pointer: Pointer::Node(key),
            span: cx.span(key),
            fix,
        });
    }
}

fn check_har(cx: &HarContext, out: &mut Vec<Diagnostic>) {
    for (entry, facts) in cx.entries() {
        let r = &entry.request;
        if !facts.token_request
            || !facts.scopestack
            || r.param("grant_type") != Some("password")
            || r.param("redirect_uri").is_none()
        {
            continue;
        }
        out.push(
            cx.diagnostic(
                &RULE,
                entry,
                Place::Url,
                "the password-grant token request also sent `redirect_uri`: ScopeStack answers \
             `invalid_grant`"
                    .to_owned(),
                "Leave `redirect_uri` out of password-grant requests. Postman's OAuth 2.0 helper \
             adds it: get the token with a direct POST instead (see `scopelint explain SS001`)."
                    .to_owned(),
                "redirect_uri on a password grant",
            ),
        );
    }
}
