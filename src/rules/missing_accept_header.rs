use crate::diagnostic::{Diagnostic, Pointer, Rule, Severity};
use crate::source::FileId;

use crate::postman::Owner;
use crate::rules::har_context::{HarContext, Place};
use crate::rules::header_fix::{self, HeaderSpec, HeaderState};
use crate::rules::{script_requests, Checks, Context, RuleInfo};
use crate::scopestack::{accepts_json_api, json_api, JSON_API};

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS004",
        name: "missing-accept-header",
        summary: "An API request without `Accept: application/vnd.api+json`",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        collection: Some(check),
        har: Some(check_har),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS004 missing-accept-header

## What it catches
A request to the ScopeStack API (`api.scopestack.io`, token requests excluded) without an
enabled `Accept` header (name in any case) whose value is `application/vnd.api+json`. A
disabled header counts as missing; a header with another value is reported with the value it
has. A header added by a pre-request script of the request, one of its folders or the
collection counts: `pm.request.headers.add(...)`, `.upsert(...)`, `.append(...)`,
`.prepend(...)`, `.insert(...)`, `pm.request.addHeader(...)` or `pm.request.upsertHeader(...)`,
with `{key, value}` or `"Name: value"`. One finding per request.
An API call a script sends with `pm.sendRequest(...)` needs the header in its own `header`
(it gets none of the collection's); the finding points at the call, without a fix.

## Why it breaks
The ScopeStack API speaks JSON:API. Without `Accept: application/vnd.api+json` it answers
with an unexpected response format (or `406 Not Acceptable`), and scripts that read
`pm.response.json().data` fail.

## Example
```json
"header": [
    {"key": "Accept", "value": "application/json", "type": "text"}
]
```

## Cure
Send `Accept: application/vnd.api+json` on every API request — on each request, or once for
all of them from the collection's pre-request script:
```js
pm.request.headers.upsert({ key: "Accept", value: "application/vnd.api+json" });
```

## Fix
`--fix` adds `{"key": "Accept", "value": "application/vnd.api+json", "type": "text"}` to the
request's headers (creating the list, or spelling out a request written as a bare URL, when
needed), or enables a disabled one; in a Postman v12 request file, `Accept:
application/vnd.api+json` joins its `headers` map (or `{key, value}` list). Both are safe:
the API answers nothing useful without the header. Correcting a header that has another value
(`application/json`) is safe too, as the API answers 406 to any other; it is unsafe only when
the value is written with a `{{variable}}`, whose other uses the fix cannot see.
"#;

const ACCEPT: HeaderSpec = HeaderSpec {
    name: "Accept",
    value: JSON_API,
    add: concat!("Add `Accept: ", json_api!(), "`"),
    accepts: accepts_json_api,
};

/// How the help texts end (a literal, for `concat!`).
macro_rules! everywhere {
    () => {
        "or upsert it for every request from the collection's pre-request script."
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // Each script is read once, however many requests it covers.
    let adds = header_fix::scripts_adding(cx, &ACCEPT);
    for (i, req, facts) in cx.request_facts() {
        if !facts.api_request || header_fix::script_adds(cx, req, &adds) {
            continue;
        }
        let owner = Owner::Request(i);
        let state = header_fix::triage(cx, owner, req, &ACCEPT);
        let fix = header_fix::fix(cx, req, &state, &ACCEPT);
        let (help, message, label, node, pointer) = match state {
            HeaderState::Sent => continue,
            HeaderState::WrongValue(h) => {
                let value = cx.resolve(owner, &h.value).into_owned();
                (
                    concat!(
                        "Set the `Accept` header to `",
                        json_api!(),
                        "`, ",
                        everywhere!()
                    ),
                    format!(
                    "request `{}` sends `Accept: {value}`; the ScopeStack API needs `{JSON_API}`",
                    cx.coll.label(req)
                ),
                    concat!("not ", json_api!()),
                    h.value_node.unwrap_or(h.node),
                    Pointer::Node(h.value_node.unwrap_or(h.node)),
                )
            }
            HeaderState::Disabled(h) => (
                concat!(
                    "Enable the `Accept` header (and make its value `",
                    json_api!(),
                    "`), ",
                    everywhere!()
                ),
                format!(
                    "request `{}` has its `Accept` header disabled; the ScopeStack API needs \
                     `Accept: {JSON_API}`",
                    cx.coll.label(req)
                ),
                "disabled",
                h.disabled_node.unwrap_or(h.node),
                Pointer::Node(h.disabled_node.unwrap_or(h.node)),
            ),
            HeaderState::Missing => (
                concat!(
                    "Add the header `Accept: ",
                    json_api!(),
                    "` to this request, ",
                    everywhere!()
                ),
                format!(
                    "request `{}` sends no `Accept: {JSON_API}` header",
                    cx.coll.label(req)
                ),
                concat!("no Accept: ", json_api!()),
                // The header list itself when it is short (`[]`), else its key: a label
                // prints every line it covers.
                match (req.headers.node, req.headers.key_node) {
                    (Some(list), _) if is_short(cx, list) => list,
                    (_, Some(key)) => key,
                    _ => req.key_node,
                },
                Pointer::Node(req.headers.node.unwrap_or(req.node)),
            ),
        };
        out.push(Diagnostic {
            rule: &RULE,
            severity: RULE.severity,
            file: FileId::LINTED,
            message,
            help: help.into(),
            label: label.into(),
            item: Some(cx.coll.label(req)),
            pointer,
            span: cx.span(node),
            fix,
        });
    }
    // Requests sent from scripts do not inherit anything: their own headers count.
    for request in cx.script_requests().iter().filter(|r| r.api_request) {
        if request
            .header_value(cx, "accept")
            .is_some_and(|v| accepts_json_api(&v))
        {
            continue;
        }
        out.extend(script_requests::diagnostic(
            cx,
            &RULE,
            request,
            request.call,
            format!(
                "{} sends no `Accept: {JSON_API}` header",
                request.describe(cx)
            ),
            format!(
                "Add `\"Accept\": \"{JSON_API}\"` to the request's `header`: `pm.sendRequest` \
                 does not add the collection's headers."
            ),
            &format!("no Accept: {JSON_API}"),
        ));
    }
}

fn is_short(cx: &Context, node: crate::document::NodeId) -> bool {
    let text = cx.coll.doc.raw(node);
    text.len() <= 40 && !text.contains('\n')
}

/// API calls in a capture that did not ask for JSON:API.
fn check_har(cx: &HarContext, out: &mut Vec<Diagnostic>) {
    for (entry, facts) in cx.entries() {
        if !facts.api_request {
            continue;
        }
        let accept = entry.request.header("accept");
        if accept.is_some_and(|h| accepts_json_api(&h.value)) {
            continue;
        }
        let (message, place) = match accept {
            Some(h) => (
                format!("the API call sent `Accept: {}`, not `{JSON_API}`", h.value),
                Place::Header(
                    h.value_node.unwrap_or(h.node),
                    format!("{}/request/headers/{}/value", entry.pointer, h.index),
                ),
            ),
            None => (
                format!("the API call sent no `Accept: {JSON_API}` header"),
                Place::Url,
            ),
        };
        out.push(cx.diagnostic(
            &RULE,
            entry,
            place,
            message,
            format!("Send `Accept: {JSON_API}` with every ScopeStack API call."),
            "no JSON:API Accept",
        ));
    }
}

#[cfg(test)]
mod tests {
    fn adds_accept_test(arg: &str) -> bool {
        super::header_fix::adds(arg, &super::ACCEPT)
    }

    #[test]
    fn recognises_script_headers() {
        assert!(adds_accept_test(
            "{ key: 'Accept', value: 'application/vnd.api+json' }"
        ));
        assert!(adds_accept_test(
            "{\"key\": \"accept\", \"value\": \"application/vnd.api+json\"}"
        ));
        assert!(adds_accept_test("'Accept: application/vnd.api+json'"));
        assert!(!adds_accept_test(
            "{ key: 'Content-Type', value: 'application/vnd.api+json' }"
        ));
        assert!(!adds_accept_test(
            "{ key: 'Accept', value: 'application/json' }"
        ));
    }

    #[test]
    fn follows_a_header_built_in_a_variable() {
        use crate::js::Code;
        let via_var = Code::new([
            "const jsonApi = { key: 'Accept', value: 'application/vnd.api+json' };",
            "pm.request.headers.upsert(jsonApi);",
        ]);
        assert!(super::header_fix::adds_header(&via_var, &super::ACCEPT));
        let in_string = Code::new([
            "console.log(\"pm.request.headers.add('Accept: application/vnd.api+json')\");",
        ]);
        assert!(!super::header_fix::adds_header(&in_string, &super::ACCEPT));
    }

    /// Every way of the Postman SDK to add or replace a header of the request being sent.
    #[test]
    fn every_sdk_way_of_adding_a_header_counts() {
        use crate::js::Code;
        for call in [
            "pm.request.addHeader({key: 'Accept', value: 'application/vnd.api+json'});",
            "pm.request.upsertHeader({key: \"Accept\", value: \"application/vnd.api+json\"});",
            "pm.request.headers.append({ key: 'Accept', value: 'application/vnd.api+json' });",
            "pm.request.headers.prepend('Accept: application/vnd.api+json');",
            "pm.request.headers.insert({key: 'Accept', value: 'application/vnd.api+json'});",
        ] {
            assert!(
                super::header_fix::adds_header(&Code::new([call]), &super::ACCEPT),
                "{call}"
            );
        }
        let other = Code::new(["pm.request.addHeader({key: 'Accept', value: 'text/html'});"]);
        assert!(!super::header_fix::adds_header(&other, &super::ACCEPT));
    }

    /// Only a pre-request script adds a header to the request it precedes (a test script
    /// runs after it was sent), and a literal adds `Accept` only with that name and a value
    /// the API accepts.
    #[test]
    fn only_pre_request_scripts_adding_the_right_header_count() {
        let found = |listen: &str, line: &str| {
            let text = format!(
                r#"{{"item": [{{"name": "R", "event": [{{"listen": "{listen}", "script": {{"exec": ["{line}"]}}}}],
                "request": {{"method": "GET", "url": "https://api.scopestack.io/acme/v1/clients"}}}}]}}"#
            );
            !crate::rules::finding_pointers(&text, "SS004").is_empty()
        };
        let add = "pm.request.headers.add('Accept: application/vnd.api+json');";
        assert!(!found("prerequest", add));
        assert!(found("test", add));
        assert!(found(
            "prerequest",
            "pm.request.headers.add('Accept: application/json');"
        ));
        assert!(found(
            "prerequest",
            "pm.request.headers.add('X-Accept: application/vnd.api+json');"
        ));
        assert!(found(
            "prerequest",
            "console.log('Accept: application/vnd.api+json');"
        ));
    }
}
