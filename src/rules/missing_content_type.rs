use crate::diagnostic::{Diagnostic, Pointer, Rule, Severity};
use crate::postman::Owner;
use crate::rules::har_context::{HarContext, Place};
use crate::rules::header_fix::{self, HeaderSpec, HeaderState};
use crate::rules::{script_requests, Checks, Context, RuleInfo};
use crate::scopestack::{json_api, JSON_API};
use crate::source::FileId;

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS010",
        name: "missing-content-type",
        summary: "A POST or PATCH to the API without `Content-Type: application/vnd.api+json`",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        collection: Some(check),
        har: Some(check_har),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS010 missing-content-type

## What it catches
A `POST` or `PATCH` to the ScopeStack API (in a collection or a HAR capture) without an
enabled `Content-Type` header whose media type is `application/vnd.api+json`. A header added by
a pre-request script counts. A `POST` or `PATCH` with a body that a script sends with
`pm.sendRequest(...)` needs it in its own `header` (no fix).

## Why it breaks
The API reads JSON:API documents only; a body sent as `application/json` (or without a type) is
refused with `415 Unsupported Media Type`.

## Example
```json
"method": "POST",
"header": [{"key": "Content-Type", "value": "application/json"}]
```

## Cure
Send `Content-Type: application/vnd.api+json` with every `POST` and `PATCH`, and a JSON:API
body (`{"data": {"type": ..., "attributes": {...}}}`).

## Fix
`--fix` adds the header to the request (in a Postman v12 request file, to its `headers` map or
list), or enables a disabled one: safe, since the API refuses the request without it.
Correcting a header that has another value (`application/json`) is safe too: the API answers
415 to any other. It is unsafe only when the value is written with a `{{variable}}`, whose
other uses the fix cannot see.
"#;

fn is_json_api(value: &str) -> bool {
    value
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case(JSON_API))
}

const CONTENT_TYPE: HeaderSpec = HeaderSpec {
    name: "Content-Type",
    value: JSON_API,
    add: concat!("Add `Content-Type: ", json_api!(), "`"),
    accepts: is_json_api,
};

fn sends_body(method: &str) -> bool {
    matches!(method, "POST" | "PATCH")
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let adds = header_fix::scripts_adding(cx, &CONTENT_TYPE);
    for (i, req, facts) in cx.request_facts() {
        if !facts.api_request || !sends_body(&req.method) || header_fix::script_adds(cx, req, &adds)
        {
            continue;
        }
        let owner = Owner::Request(i);
        let state = header_fix::triage(cx, owner, req, &CONTENT_TYPE);
        let fix = header_fix::fix(cx, req, &state, &CONTENT_TYPE);
        let (message, node, pointer) = match state {
            HeaderState::Sent => continue,
            HeaderState::WrongValue(h) => (
                format!(
                    "{} `{}` sends `Content-Type: {}`; the ScopeStack API reads `{JSON_API}`",
                    req.method,
                    cx.coll.label(req),
                    cx.resolve(owner, &h.value)
                ),
                h.value_node.unwrap_or(h.node),
                Pointer::Node(h.value_node.unwrap_or(h.node)),
            ),
            HeaderState::Disabled(h) => (
                format!(
                    "{} `{}` has its `Content-Type` header disabled",
                    req.method,
                    cx.coll.label(req)
                ),
                h.disabled_node.unwrap_or(h.node),
                Pointer::Node(h.disabled_node.unwrap_or(h.node)),
            ),
            HeaderState::Missing => (
                format!(
                    "{} `{}` sends no `Content-Type: {JSON_API}` header",
                    req.method,
                    cx.coll.label(req)
                ),
                req.headers.key_node.unwrap_or(req.key_node),
                Pointer::Node(req.headers.node.unwrap_or(req.node)),
            ),
        };
        out.push(Diagnostic {
            rule: &RULE,
            severity: RULE.severity,
            file: FileId::LINTED,
            message,
            help: concat!(
                "Send `Content-Type: ",
                json_api!(),
                "` with JSON:API bodies; the API answers 415 otherwise."
            )
            .into(),
            label: concat!("no Content-Type: ", json_api!()).into(),
            item: Some(cx.coll.label(req)),
            pointer,
            span: cx.span(node),
            fix,
        });
    }
    for request in cx.script_requests().iter().filter(|r| r.api_request) {
        let json_api = |v: &str| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case(crate::scopestack::JSON_API))
        };
        if !sends_body(&request.method)
            || request.body.is_none()
            || request
                .header_value(cx, "content-type")
                .is_some_and(|v| json_api(&v))
        {
            continue;
        }
        out.extend(script_requests::diagnostic(
            cx,
            &RULE,
            request,
            request.call,
            format!(
                "{} ({}) sends no `Content-Type: {}` header",
                request.describe(cx),
                request.method,
                crate::scopestack::JSON_API
            ),
            format!(
                "Add `\"Content-Type\": \"{}\"` to the request's `header`; the API answers \
                 415 otherwise.",
                crate::scopestack::JSON_API
            ),
            &format!("no Content-Type: {}", crate::scopestack::JSON_API),
        ));
    }
}

fn check_har(cx: &HarContext, out: &mut Vec<Diagnostic>) {
    for (entry, facts) in cx.entries() {
        let body = entry.request.body.as_ref();
        let has_body = body.is_some_and(|b| {
            b.text.as_deref().is_some_and(|t| !t.trim().is_empty()) || !b.params.is_empty()
        });
        if !facts.api_request || !sends_body(&entry.request.method) || !has_body {
            continue;
        }
        let header = entry.request.header("content-type");
        // Some exporters leave the header out and keep the type in `postData.mimeType`.
        let mime = body.is_some_and(|b| is_json_api(&b.mime));
        if header.is_some_and(|h| is_json_api(&h.value)) || (header.is_none() && mime) {
            continue;
        }
        let what = match header {
            Some(h) => format!("`Content-Type: {}`", h.value),
            None => "no `Content-Type`".to_owned(),
        };
        out.push(cx.diagnostic(
            &RULE,
            entry,
            Place::Url,
            format!("the {} to the API sent {what}, not `{JSON_API}`", entry.request.method),
            format!("Send `Content-Type: {JSON_API}` with JSON:API bodies; the API answers 415 otherwise."),
            "no JSON:API Content-Type",
        ));
    }
}

#[cfg(test)]
mod tests {
    /// A script request wants `Content-Type` when it sends a body with a method that has
    /// one, and has it when the header says JSON:API.
    #[test]
    fn script_requests_with_a_body_need_the_header() {
        let found = |method: &str, header: &str| {
            let text = format!(
                r#"{{"item": [], "event": [{{"listen": "prerequest", "script": {{"exec": [
                "pm.sendRequest({{url: 'https://api.scopestack.io/acme/v1/clients', method: '{method}', header: [{header}], body: {{mode: 'raw', raw: '{{}}'}}}}, () => {{}});"]}}}}]}}"#
            );
            crate::rules::finding_pointers(&text, "SS010").len()
        };
        let json_api = "{key: 'Content-Type', value: 'application/vnd.api+json'}";
        assert_eq!(found("POST", ""), 1);
        assert_eq!(found("POST", json_api), 0);
        assert_eq!(found("GET", ""), 0);
    }
}
