use crate::diagnostic::{Diagnostic, Pointer, Rule, Severity};
use crate::postman::Owner;
use crate::rules::header_fix::{self, HeaderSpec};
use crate::rules::{script_requests, Checks, Context, RuleInfo};
use crate::source::FileId;

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS012",
        name: "missing-authorization",
        summary: "An API request that sends no token",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        collection: Some(check),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS012 missing-authorization

## What it catches
A request to the ScopeStack API whose auth, after inheritance, sends no token (`noauth`, a
bearer auth without a token, or no auth at any level) and that has no `Authorization` header of its own (one set by a pre-request
script of the request, a folder or the collection counts). An API call a script sends with
`pm.sendRequest(...)` uses no auth of the collection: without its own `Authorization`
header it sends no token (no fix).

## Why it breaks
Every API call needs `Authorization: Bearer <access_token>`; without it the API answers
`401 Unauthorized`, the most common first failure.

## Example
```json
"request": {"auth": {"type": "noauth"}, "method": "GET", "url": "https://api.scopestack.io/acme/v1/clients"}
```

## Cure
Give the collection bearer auth with `{{access_token}}` (filled by the token request's test
script), and let requests inherit it.

## Fix
None: which token to send is the collection's choice.
"#;

fn any_value(value: &str) -> bool {
    !value.trim().is_empty()
}

const AUTHORIZATION: HeaderSpec = HeaderSpec {
    name: "Authorization",
    value: "",
    add: "Add `Authorization: `",
    accepts: any_value,
};

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let adds = header_fix::scripts_adding(cx, &AUTHORIZATION);
    for (_, req, facts) in cx.request_facts() {
        if !facts.api_request {
            continue;
        }
        let auth = cx.coll.effective_auth(req).map(|a| &cx.coll.auths[a]);
        // A bearer helper without a token (none written: a `{{variable}}` empty until a
        // script fills it is a token) sends nothing either.
        let empty_bearer = |a: &crate::postman::Auth| {
            a.kind == "bearer"
                && a.param(&["token"])
                    .and_then(|p| cx.text(p.value))
                    .is_none_or(|t| t.trim().is_empty())
        };
        let sends_token = auth.is_some_and(|a| a.kind != "noauth" && !empty_bearer(a));
        let header = req.headers.list.iter().any(|h| {
            h.enabled && h.name.eq_ignore_ascii_case("authorization") && any_value(&h.value)
        });
        if sends_token || header || header_fix::script_adds(cx, req, &adds) {
            continue;
        }
        let general = "Send `Authorization: Bearer {{access_token}}`: give the collection \
                       bearer auth with the token variable, and let requests inherit it."
            .to_owned();
        let (node, pointer, why, help) = match auth {
            Some(a) => {
                let node = a.kind_node.unwrap_or(a.node);
                if empty_bearer(a) {
                    let why = format!(
                        "the bearer auth of {} has no token",
                        cx.coll.describe(a.owner)
                    );
                    let help = "Give the bearer auth the token variable, `{{access_token}}`, \
                                filled by the token request's test script."
                        .to_owned();
                    (node, node, why, help)
                } else {
                    // Where `noauth` is set, and the auth it keeps the request from inheriting.
                    let (why, above) = match a.owner {
                        Owner::Scope(s) => (
                            format!(
                                "{} sets `noauth`, which stops inheritance",
                                cx.coll.describe(a.owner)
                            ),
                            cx.coll.scopes[s].parent,
                        ),
                        Owner::Request(_) => ("its auth is `noauth`".to_owned(), Some(req.scope)),
                    };
                    // Only a bearer token is worth inheriting (a helper may be SS001's).
                    let inherited = above
                        .and_then(|s| cx.coll.scope_auth(s))
                        .filter(|&i| cx.coll.auths[i].kind == "bearer");
                    let help = match inherited {
                        Some(i) => format!(
                            "Remove the `noauth` of {}, so that the request inherits the {} auth \
                         of {}.",
                            cx.coll.describe(a.owner),
                            cx.coll.auths[i].kind,
                            cx.coll.describe(cx.coll.auths[i].owner)
                        ),
                        None => general,
                    };
                    (node, node, why, help)
                }
            }
            None => (
                req.key_node,
                req.node,
                "no auth is set at any level".to_owned(),
                general,
            ),
        };
        out.push(Diagnostic {
            rule: &RULE,
            severity: RULE.severity,
            file: FileId::LINTED,
            message: format!("request `{}` sends no token: {why}", cx.coll.label(req)),
            help: help.into(),
            label: "no token sent".to_owned().into(),
            item: Some(cx.coll.label(req)),
            pointer: Pointer::Node(pointer),
            span: cx.span(node),
            fix: None,
        });
    }
    // `pm.sendRequest` does not use the collection's auth: a request without its own
    // `Authorization` header sends no token.
    for request in cx.script_requests().iter().filter(|r| r.api_request) {
        if request.header("authorization").is_some() {
            continue;
        }
        out.extend(script_requests::diagnostic(
            cx,
            &RULE,
            request,
            request.call,
            format!("{} sends no token", request.describe(cx)),
            "`pm.sendRequest` does not use the collection's or folder's auth: add \
             `\"Authorization\": \"Bearer \" + pm.environment.get(\"access_token\")` (or \
             wherever the token is kept) to the request's `header`."
                .to_owned(),
            "no token sent",
        ));
    }
}

#[cfg(test)]
mod tests {
    /// An `Authorization` header with a blank value sends no token.
    #[test]
    fn a_blank_authorization_header_sends_nothing() {
        let found = |value: &str| {
            let text = format!(
                r#"{{"item": [{{"name": "R", "request": {{"method": "GET", "header": [{{"key": "Authorization", "value": "{value}"}}], "url": "https://api.scopestack.io/acme/v1/clients"}}}}]}}"#
            );
            crate::rules::finding_pointers(&text, "SS012").len()
        };
        assert_eq!(found(" "), 1);
        assert_eq!(found("Bearer {{access_token}}"), 0);
    }
}
