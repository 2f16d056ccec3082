//! Fixes and script checks for a required header (`Accept`, `Content-Type`): add it, enable
//! it, correct it, and see whether a pre-request script already sets it.

use serde_json::{json, Value};

use crate::document::Kind;
use crate::fix::Fix;
use crate::js::Code;
use crate::postman::{Header, Request, ScriptId};
use crate::rules::Context;
use typed_index_collections::{TiSlice, TiVec};

/// A header a request must send.
pub struct HeaderSpec {
    pub name: &'static str,
    pub value: &'static str,
    /// The fix's message where it adds the header: "Add `name: value`".
    pub add: &'static str,
    /// Whether a value found is good enough.
    pub accepts: fn(&str) -> bool,
}

/// Where a request stands with a required header, the same way for every such rule.
pub enum HeaderState<'r, 'd> {
    /// An enabled header with an accepted value: nothing to report.
    Sent,
    /// The first enabled header, whose value is not accepted.
    WrongValue(&'r Header<'d>),
    /// Only disabled headers of that name: the first.
    Disabled(&'r Header<'d>),
    Missing,
}

/// The header `spec` names on request `owner`, judged on its resolved value.
pub fn triage<'r, 'd>(
    cx: &Context,
    owner: crate::postman::Owner,
    req: &'r Request<'d>,
    spec: &HeaderSpec,
) -> HeaderState<'r, 'd> {
    let found: Vec<&Header> = req
        .headers
        .list
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case(spec.name))
        .collect();
    let enabled: Vec<&Header> = found.iter().copied().filter(|h| h.enabled).collect();
    if enabled
        .iter()
        .any(|h| (spec.accepts)(&cx.resolve(owner, &h.value)))
    {
        return HeaderState::Sent;
    }
    match (enabled.first(), found.first()) {
        (Some(h), _) => HeaderState::WrongValue(h),
        (None, Some(h)) => HeaderState::Disabled(h),
        (None, None) => HeaderState::Missing,
    }
}

/// The fix for a request's `state`.
pub fn fix(cx: &Context, req: &Request, state: &HeaderState, spec: &HeaderSpec) -> Option<Fix> {
    match state {
        HeaderState::Sent => None,
        HeaderState::WrongValue(h) => fix_value(cx, h, spec),
        HeaderState::Disabled(h) => fix_disabled(cx, req, h, spec),
        HeaderState::Missing => fix_missing(cx, req, spec),
    }
}

/// An enabled header with another value: set the value. Safe: the rules that ask for it judge
/// requests to the ScopeStack API, which answers no other value (406, 415); unsafe when the
/// value is written with a `{{variable}}`, whose other uses the fix cannot see.
pub fn fix_value(cx: &Context, h: &Header, spec: &HeaderSpec) -> Option<Fix> {
    let node = h.value_node?;
    let message = format!("Set the `{}` header to `{}`", spec.name, spec.value);
    let edits = vec![cx.editor.replace_value(node, &Value::from(spec.value))];
    Some(if h.value.contains("{{") {
        Fix::unsafe_(message, edits)
    } else {
        Fix::safe(message, edits)
    })
}

/// A disabled header: enable it (and correct its value).
pub fn fix_disabled(cx: &Context, req: &Request, h: &Header, spec: &HeaderSpec) -> Option<Fix> {
    let Some(disabled) = h.disabled_node else {
        // A `//Name: ...` line in a header string: add a working line instead.
        return fix_missing(cx, req, spec);
    };
    let mut edits = vec![cx.editor.replace_value(disabled, &Value::Bool(false))];
    if let Some(value) = h.value_node {
        if !cx.text(value).is_some_and(|v| (spec.accepts)(&v)) {
            edits.push(cx.editor.replace_value(value, &Value::from(spec.value)));
        }
    }
    Some(Fix::safe(
        format!("Enable the `{}` header", spec.name),
        edits,
    ))
}

/// No header: add one to the list, the header string, or the request.
pub fn fix_missing(cx: &Context, req: &Request, spec: &HeaderSpec) -> Option<Fix> {
    debug_assert_eq!(spec.add, format!("Add `{}: {}`", spec.name, spec.value));
    let doc = cx.coll.doc;
    let ed = &cx.editor;
    if cx.coll.is_tree() {
        return Some(Fix::safe(
            spec.add,
            vec![add_v3_header(cx, req, spec.name, spec.value)],
        ));
    }
    let header = json!({"key": spec.name, "value": spec.value, "type": "text"});
    let edit = match (doc.kind(req.node), req.headers.node) {
        (Kind::Object, Some(list)) if doc.kind(list) == Kind::Array => {
            ed.insert_elements(list, usize::MAX, std::slice::from_ref(&header))
        }
        (Kind::Object, Some(list)) if doc.kind(list) == Kind::String => {
            let text = doc.as_str(list)?;
            let line = format!("{}: {}", spec.name, spec.value);
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
    Some(Fix::safe(spec.add, vec![edit]))
}

/// Adds a header to a v12 request, in the form its `headers` has: a map (`Name: value`, what
/// Postman writes when no header is disabled), or a list of `{key, value}`.
pub fn add_v3_header(cx: &Context, req: &Request, name: &str, value: &str) -> crate::fix::Edit {
    let doc = cx.coll.doc;
    let ed = &cx.editor;
    match req.headers.node {
        Some(map) if doc.kind(map) == Kind::Object => {
            let last = doc.members(map).last().and_then(|(k, _)| doc.as_str(k));
            ed.insert_member(map, last.as_deref(), name, &Value::from(value))
        }
        Some(list) if doc.kind(list) == Kind::Array => {
            ed.insert_elements(list, usize::MAX, &[json!({"key": name, "value": value})])
        }
        Some(other) => ed.replace_value(other, &json!({ name: value })),
        None => {
            let after = ["method", "url"]
                .into_iter()
                .find(|k| doc.get(req.node, k).is_some());
            ed.insert_member(req.node, after, "headers", &json!({ name: value }))
        }
    }
}

/// Whether a pre-request script of the request or of any scope above it adds the header
/// (`adds` holds, per script of the collection, whether it does).
pub fn script_adds(cx: &Context, req: &Request, adds: &TiSlice<ScriptId, bool>) -> bool {
    req.scripts
        .iter()
        .chain(cx.coll.ancestors(req).flat_map(|s| s.scripts.iter()))
        .any(|s| adds[s])
}

/// Per script of the collection: whether it is a pre-request script that adds the header.
pub fn scripts_adding(cx: &Context, spec: &HeaderSpec) -> TiVec<ScriptId, bool> {
    // Only a script that names one of the calls can add a header: scanning (and caching)
    // the code of every other pre-request script cost 28 MB on a 100k-request collection.
    let calls = cx.needles(ADDING_HEADERS);
    cx.coll
        .scripts
        .iter_enumerated()
        .map(|(i, s)| {
            s.listen == "prerequest"
                && cx.script_mentions(i, &calls)
                && adds_header(&cx.code(i), spec)
        })
        .collect()
}

/// Whether a pre-request script adds the header with `pm.request.headers.add/upsert`,
/// literally or through a variable.
pub fn adds_header(code: &Code, spec: &HeaderSpec) -> bool {
    code.calls(ADDING_HEADERS).iter().any(|call| {
        call.args.first().is_some_and(|arg| {
            // The header may be built in a variable first.
            let value = code
                .value_before(arg.trim(), call.start)
                .map_or(*arg, |(_, v)| v);
            adds(value, spec)
        })
    })
}

/// The Postman SDK's ways to add or replace a header of the request being sent.
pub const ADDING_HEADERS: &[&str] = &[
    "pm.request.headers.add",
    "pm.request.headers.upsert",
    "pm.request.headers.append",
    "pm.request.headers.prepend",
    "pm.request.headers.insert",
    "pm.request.addHeader",
    "pm.request.upsertHeader",
];

/// `{key: "Accept", value: "application/vnd.api+json"}` or `"Accept: application/vnd.api+json"`.
pub fn adds(arg: &str, spec: &HeaderSpec) -> bool {
    let name = spec.name.to_ascii_lowercase();
    let lower = arg.to_ascii_lowercase();
    if let Some(literal) = crate::js::string_literal(&lower) {
        return literal
            .split_once(':')
            .is_some_and(|(k, v)| k.trim() == name && (spec.accepts)(v));
    }
    let compact: String = arg.chars().filter(|c| !c.is_whitespace()).collect();
    let compact_lower = compact.to_ascii_lowercase();
    let has_key = [
        format!("key:'{name}'"),
        format!("key:\"{name}\""),
        format!("key:`{name}`"),
        format!("\"key\":\"{name}\""),
    ]
    .iter()
    .any(|k| compact_lower.contains(k.as_str()));
    // The value: the text after `value:` up to the next quote-delimited end.
    let value = compact
        .find("value:")
        .or_else(|| compact.find("\"value\":"))
        .map(|i| {
            let after = &compact[i..];
            let after = after.split_once(':').map_or("", |(_, v)| v);
            after
                .trim_start_matches(['\'', '"', '`'])
                .split(['\'', '"', '`'])
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .unwrap_or_default();
    has_key && (spec.accepts)(&value)
}
