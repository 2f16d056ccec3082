use crate::diagnostic::{Diagnostic, Severity};
use crate::js::Code;
use serde_json::json;

use crate::fix::{Edit, Fix};
use crate::json::Kind;
use crate::postman::{Header, Owner, Request, Script};
use crate::rules::cure;
use crate::rules::{Context, RuleInfo};
use crate::scopestack::{accepts_json_api, JSON_API};

pub static RULE: RuleInfo = RuleInfo {
    code: "SS004",
    name: "missing-accept-header",
    summary: "An API request without `Accept: application/vnd.api+json`",
    severity: Severity::Error,
    doc: DOC,
    check,
};

const DOC: &str = r#"# SS004 missing-accept-header

## What it catches
A request to the ScopeStack API (`api.scopestack.io`, token requests excluded) without an
enabled `Accept` header (name in any case) whose value is `application/vnd.api+json`. A
disabled header counts as missing; a header with another value is reported with the value it
has. A header added by a pre-request script of the request, one of its folders or the
collection (`pm.request.headers.add(...)` or `.upsert(...)`) counts. One finding per request.

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
needed), or enables a disabled one. Both are safe: the API answers nothing useful without the
header. Correcting a header that has another value is unsafe (`--unsafe-fixes`): that value
may have been chosen on purpose.
"#;

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // Each script is read once, however many requests it covers.
    let adds: Vec<bool> = cx.coll.scripts.iter().map(adds_accept_header).collect();
    for (i, req, facts) in cx.request_facts() {
        if !facts.api_request || script_adds_accept(cx, req, &adds) {
            continue;
        }
        let owner = Owner::Request(i);
        let accept: Vec<_> = req
            .headers
            .list
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("accept"))
            .collect();
        let enabled: Vec<_> = accept.iter().filter(|h| h.enabled).collect();
        if enabled
            .iter()
            .any(|h| accepts_json_api(&cx.resolve(owner, &h.value)))
        {
            continue;
        }
        let everywhere = "or upsert it for every request from the collection's pre-request script";
        let fix = match (enabled.first(), accept.first()) {
            (Some(h), _) => fix_value(cx, h),
            (None, Some(h)) => fix_disabled(cx, req, h),
            (None, None) => fix_missing(cx, req),
        };
        let (help, message, label, node, pointer) = if let Some(h) = enabled.first() {
            let value = cx.resolve(owner, &h.value).into_owned();
            (
                format!("Set the `Accept` header to `{JSON_API}`, {everywhere}."),
                format!(
                    "request `{}` sends `Accept: {value}`; the ScopeStack API needs `{JSON_API}`",
                    req.label
                ),
                format!("not {JSON_API}"),
                h.value_node.unwrap_or(h.node),
                if h.value_node.is_some() {
                    format!("{}/value", h.pointer)
                } else {
                    h.pointer.clone()
                },
            )
        } else if let Some(h) = accept.first() {
            (
                format!(
                    "Enable the `Accept` header (and make its value `{JSON_API}`), {everywhere}."
                ),
                format!(
                    "request `{}` has its `Accept` header disabled; the ScopeStack API needs \
                     `Accept: {JSON_API}`",
                    req.label
                ),
                "disabled".to_owned(),
                h.disabled_node.unwrap_or(h.node),
                if h.disabled_node.is_some() {
                    format!("{}/disabled", h.pointer)
                } else {
                    h.pointer.clone()
                },
            )
        } else {
            (
                format!("Add the header `Accept: {JSON_API}` to this request, {everywhere}."),
                format!(
                    "request `{}` sends no `Accept: {JSON_API}` header",
                    req.label
                ),
                format!("no Accept: {JSON_API}"),
                // The header list itself when it is short (`[]`), else its key: a label
                // prints every line it covers.
                match (req.headers.node, req.headers.key_node) {
                    (Some(list), _) if is_short(cx, list) => list,
                    (_, Some(key)) => key,
                    _ => req.key_node,
                },
                if req.headers.node.is_some() {
                    req.headers.pointer.clone()
                } else {
                    req.pointer.clone()
                },
            )
        };
        out.push(Diagnostic {
            rule: &RULE,
            severity: RULE.severity,
            message,
            help,
            label,
            item: Some(req.label.clone()),
            pointer,
            span: cx.span(node),
            fix,
        });
    }
}

/// An enabled header with another value: set the value. Unsafe: the value may have been
/// chosen on purpose (to test content negotiation, say).
fn fix_value(cx: &Context, h: &Header) -> Option<Fix> {
    let node = h.value_node?;
    Some(Fix::unsafe_(
        format!("Set the `Accept` header to `{JSON_API}`"),
        vec![Edit::replace(
            cx.span(node),
            cx.editor.string_literal(JSON_API),
        )],
    ))
}

/// A disabled header: enable it (and correct its value).
fn fix_disabled(cx: &Context, req: &Request, h: &Header) -> Option<Fix> {
    let Some(disabled) = h.disabled_node else {
        // A `//Accept: ...` line in a header string: add a working line instead.
        return fix_missing(cx, req);
    };
    let mut edits = vec![Edit::replace(cx.span(disabled), "false")];
    if let Some(value) = h.value_node {
        if !cx.text(value).is_some_and(|v| accepts_json_api(&v)) {
            edits.push(Edit::replace(
                cx.span(value),
                cx.editor.string_literal(JSON_API),
            ));
        }
    }
    Some(Fix::safe("Enable the `Accept` header", edits))
}

/// No header: add one to the list, the header string, or the request.
fn fix_missing(cx: &Context, req: &Request) -> Option<Fix> {
    let doc = cx.coll.doc;
    let ed = &cx.editor;
    let header = cure::accept_header();
    let edit = match (doc.kind(req.node), req.headers.node) {
        (Kind::Object, Some(list)) if doc.kind(list) == Kind::Array => {
            ed.insert_elements(list, usize::MAX, std::slice::from_ref(&header))
        }
        (Kind::Object, Some(list)) if doc.kind(list) == Kind::String => {
            let text = doc.as_str(list)?;
            let line = format!("Accept: {JSON_API}");
            let addition = if text.trim().is_empty() {
                line
            } else {
                format!("\n{line}")
            };
            let end = text.trim_end_matches(['\n', '\r']).len();
            ed.edit_in_string(list, end, end, &addition)
        }
        (Kind::Object, Some(other)) => ed.replace_value(other, &json!([header])),
        (Kind::Object, None) => {
            let after = doc.get(req.node, "method").map(|_| "method");
            ed.insert_member(req.node, after, "header", &json!([header]))
        }
        // `"request": "https://..."`: spell the request out.
        (Kind::String, _) => ed.replace_value(
            req.node,
            &json!({"method": "GET", "header": [header], "url": doc.as_str(req.node)?}),
        ),
        _ => return None,
    };
    Some(Fix::safe(format!("Add `Accept: {JSON_API}`"), vec![edit]))
}

fn is_short(cx: &Context, node: crate::json::NodeId) -> bool {
    let text = cx.coll.doc.raw(node);
    text.len() <= 40 && !text.contains('\n')
}

/// Whether a pre-request script of the request or of any scope above it adds the header
/// (`adds` holds, per script of the collection, whether it does).
fn script_adds_accept(cx: &Context, req: &Request, adds: &[bool]) -> bool {
    req.scripts
        .iter()
        .chain(cx.coll.ancestors(req).flat_map(|s| s.scripts.iter()))
        .any(|&s| adds[s])
}

/// Whether a pre-request script adds `Accept: application/vnd.api+json` with
/// `pm.request.headers.add/upsert`, literally or through a variable.
fn adds_accept_header(script: &Script) -> bool {
    if script.listen != "prerequest" {
        return false;
    }
    let code = Code::new(script.lines.iter().map(|l| l.text.as_str()));
    code.calls(&["pm.request.headers.add", "pm.request.headers.upsert"])
        .iter()
        .any(|call| {
            call.args.first().is_some_and(|arg| {
                // The header may be built in a variable first.
                let value = code
                    .value_before(arg.trim(), call.start)
                    .map_or(*arg, |(_, v)| v);
                adds_accept(value)
            })
        })
}

/// `{key: "Accept", value: "application/vnd.api+json"}` or `"Accept: application/vnd.api+json"`.
fn adds_accept(arg: &str) -> bool {
    let lower = arg.to_ascii_lowercase();
    if let Some(literal) = crate::js::string_literal(&lower) {
        return literal
            .split_once(':')
            .is_some_and(|(k, v)| k.trim() == "accept" && accepts_json_api(v));
    }
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    let has_key = [
        "key:'accept'",
        "key:\"accept\"",
        "key:`accept`",
        "\"key\":\"accept\"",
    ]
    .iter()
    .any(|k| compact.contains(k));
    has_key && compact.contains(JSON_API)
}

#[cfg(test)]
mod tests {
    use super::adds_accept;

    #[test]
    fn recognises_script_headers() {
        assert!(adds_accept(
            "{ key: 'Accept', value: 'application/vnd.api+json' }"
        ));
        assert!(adds_accept(
            "{\"key\": \"accept\", \"value\": \"application/vnd.api+json\"}"
        ));
        assert!(adds_accept("'Accept: application/vnd.api+json'"));
        assert!(!adds_accept(
            "{ key: 'Content-Type', value: 'application/vnd.api+json' }"
        ));
        assert!(!adds_accept("{ key: 'Accept', value: 'application/json' }"));
    }

    #[test]
    fn follows_a_header_built_in_a_variable() {
        use crate::json::Span;
        use crate::postman::{Owner, Script, ScriptLine};
        let script = |lines: &[&str]| Script {
            owner: Owner::Scope(0),
            listen: "prerequest".into(),
            lines: lines
                .iter()
                .map(|l| ScriptLine {
                    text: l.to_string(),
                    span: Span::default(),
                    pointer: String::new(),
                    node: crate::json::Document::parse("\"\"".into()).unwrap().root(),
                    start: 0,
                })
                .collect(),
        };
        let via_var = script(&[
            "const jsonApi = { key: 'Accept', value: 'application/vnd.api+json' };",
            "pm.request.headers.upsert(jsonApi);",
        ]);
        assert!(super::adds_accept_header(&via_var));
        let in_string = script(&[
            "console.log(\"pm.request.headers.add('Accept: application/vnd.api+json')\");",
        ]);
        assert!(!super::adds_accept_header(&in_string));
    }
}
