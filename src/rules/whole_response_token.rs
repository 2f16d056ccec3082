use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Pointer, Rule, Severity};
use crate::document::NodeId;
use crate::fix::Fix;
use crate::js::{normalize, split_args, string_literal, Code};
use crate::postman::ScriptLine;
use crate::postman::{Owner, ScriptId};
use crate::rules::har_context::{HarContext, Place};
use crate::rules::script_requests::Piece;
use crate::rules::{Checks, Context, RuleInfo};
use crate::source::FileId;
use crate::tokens::{is_json_object, strip_bearer};

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS003",
        name: "whole-response-token",
        summary: "A script stores the whole token response instead of its access_token",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        collection: Some(check),
        har: Some(check_har),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS003 whole-response-token

## What it catches
In a collection that calls ScopeStack, a script line that stores the *whole* token response in
a variable that holds a token: `pm.response.text()`, `pm.response.json()`, `responseBody` or
`JSON.parse(responseBody)` — directly, wrapped in `JSON.stringify(...)` or a template literal
(`` `${responseBody}` ``), or through a local `var`/`let`/`const` assigned from one of them
earlier in the same script — passed to `pm.environment.set`, `pm.collectionVariables.set`,
`pm.globals.set`, `pm.variables.set`, `postman.setEnvironmentVariable` or
`postman.setGlobalVariable`.

A variable holds a token when the collection sends it as one — in bearer auth, in an
`Authorization` header, or in an `Authorization` header a pre-request script adds (its
`{{name}}` or `pm.environment.get("name")`) — or when its name is one people give a bearer
token, which another collection may send: `access_token`, `accessToken`, `token`,
`bearer_token`, `bearer`, `auth_token`, `authorization_token`, `api_token`, `oauth_token`,
`oauth2_token`, `jwt`, `refresh_token`, `scopestack_token`, `ss_token` (compared without case,
`_` or `-`). A name that merely contains "token" (`token_response`, `last_token_debug`) is a
copy kept for debugging unless the collection sends it. Property access
(`pm.response.json().access_token`, `data.access_token`) is correct; commented-out code is
ignored. One finding per offending line.

It also flags a bearer token or `Authorization` header whose value (after variables are
resolved) is a JSON object: the symptom of the same mistake.

In a `pm.sendRequest(..., (err, res) => {...})` callback, the response parameter (`res`)
reads like `pm.response`: `res.text()` stored as the token is the same mistake, and the fix
stores `res.json().access_token`.

## Why it breaks
The token endpoint answers with a JSON document
(`{"access_token": "...", "token_type": "Bearer", "expires_in": 7200, ...}`). Stored whole, the
next request sends `Authorization: Bearer {"access_token": ...}` and ScopeStack answers
`401 Unauthorized`.

## Example
```js
pm.environment.set("access_token", pm.response.text());
```

## Cure
Store the `access_token` property:
```js
pm.environment.set("access_token", pm.response.json().access_token);
```

## Fix (safe)
`--fix` replaces the stored expression with `pm.response.json().access_token` (or
`.refresh_token` for a variable named for the refresh token), keeping the setter and the
variable's name. The variable is sent as a token or named as one, so it is only useful with the
token in it. A variable that scripts read back with `JSON.parse(...)` is not reported (unless
the collection sends it as a token). A bearer token or header that *is* a JSON object gets no
fix: the real token is not in the file.
"#;

use crate::postman::VARIABLE_SETTERS as SETTERS;

const WHOLE_RESPONSE: &[&str] = &[
    "pm.response.text()",
    "pm.response.json()",
    "responseBody",
    "JSON.parse(responseBody)",
    "JSON.parse(pm.response.text())",
];

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if !cx.calls_scopestack {
        return;
    }
    let credential_vars = cx.credential_variables();
    let parsed_later = parsed_variables(cx);
    // A finding needs a setter storing a name that holds a token: one of TOKEN_NAMES (each
    // holds `token`, `bearer` or `jwt`, searched in their usual cases) or a variable sent as
    // a credential. Names the file's syntax does not escape appear in the script's source as
    // written, so most scripts are passed over without scanning them.
    let plain_names = credential_vars.iter().all(|n| cx.coll.doc.spelled_as_is(n));
    let names: Vec<&str> = credential_vars.iter().map(String::as_str).collect();
    let credentials = cx.needles(&names);
    let token_names = cx.needles(&["oken", "OKEN", "earer", "EARER", "jwt", "Jwt", "JWT"]);
    let may_store_token = |index: ScriptId| {
        !plain_names
            || cx.script_mentions(index, &token_names)
            || cx.script_mentions(index, &credentials)
    };
    let setters = cx.needles(SETTERS);
    for (index, script) in cx.coll.scripts.iter_enumerated() {
        if !cx.script_mentions(index, &setters) || !may_store_token(index) {
            continue;
        }
        let code = cx.code(index);
        let code = &*code;
        // `pm.sendRequest` callbacks in this script, whose response parameter stands for
        // the response there.
        let callbacks: Vec<(Piece, &str)> = cx
            .script_requests()
            .iter()
            .filter(|r| r.script == index)
            .filter_map(|r| {
                r.callback
                    .as_ref()
                    .map(|(name, piece)| (*piece, name.as_str()))
            })
            .collect();
        let mut flagged_lines = HashSet::new();
        // Made once a finding needs them, then shared by every finding in the script.
        let mut lines = None;
        for call in code.calls(SETTERS) {
            let [name, value, ..] = call.args[..] else {
                continue;
            };
            let Some(name) = string_literal(name) else {
                continue;
            };
            let holds_token = names_a_token(name) || credential_vars.contains(name);
            // A variable that scripts read back with `JSON.parse(...)` is meant to hold the
            // document (`token_response`), unless it is also sent as a token.
            let kept_as_document = parsed_later.contains(name) && !credential_vars.contains(name);
            let response = callbacks
                .iter()
                .filter(|(p, _)| p.start <= call.start && call.start < p.end)
                .map(|(_, name)| *name)
                .next_back()
                .unwrap_or("pm.response");
            if !holds_token
                || kept_as_document
                || !is_whole_response(code, value, call.start, response, 0)
            {
                continue;
            }
            let line_index = code.line_of(call.start);
            if !flagged_lines.insert(line_index) {
                continue;
            }
            let lines = lines.get_or_insert_with(|| script.lines(cx.coll.doc));
            let Some(line) = lines.get(line_index) else {
                continue;
            };
            out.push(Diagnostic {
                rule: &RULE,
                severity: RULE.severity,
                file: FileId::LINTED,
                message: format!(
                    "{} stores the whole token response in `{name}`; only its `access_token` is the token",
                    script_owner(cx, script.owner, &script.listen)
                ),
                help: format!(
                    "Store only the token: `{}(\"{name}\", {response}.json().access_token);`. \
                     Sent whole, the JSON document becomes `Authorization: Bearer {{...}}` and \
                     ScopeStack answers 401.",
                    call.name
                ).into(),
                label: "stores the whole response".to_owned().into(),
                item: cx.coll.item_label(script.owner),
                pointer: Pointer::Node(line.node),
                span: line.span(cx.coll.doc),
                fix: fix(cx, lines, code, value, name, response),
            });
        }
    }
    json_object_tokens(cx, out);
}

/// Whether `expr` (an argument at `at`) is the whole response, directly or through the value
/// last assigned to a local before `at`.
fn is_whole_response(code: &Code, expr: &str, at: usize, response: &str, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    let e = as_pm_response(&normalize(expr), response);
    if WHOLE_RESPONSE.contains(&e.as_str()) {
        return true;
    }
    // A template literal that is one substitution: `${responseBody}`.
    if let Some(inner) = e
        .strip_prefix("`${")
        .and_then(|r| r.strip_suffix("}`"))
        .filter(|i| !i.contains(['`', '{', '}']))
    {
        return is_whole_response(code, inner, at, response, depth + 1);
    }
    if e.starts_with("JSON.stringify(") && e.ends_with(')') {
        return split_args(&e, "JSON.stringify".len())
            .and_then(|args| args.first().map(|a| a.to_string()))
            .is_some_and(|first| is_whole_response(code, &first, at, response, depth + 1));
    }
    code.value_before(&e, at)
        .is_some_and(|(pos, value)| is_whole_response(code, value, pos, response, depth + 1))
}

/// `expr` with a callback's response parameter (`res.json()`) written as `pm.response`.
fn as_pm_response(expr: &str, response: &str) -> String {
    if response == "pm.response" {
        return expr.to_owned();
    }
    let needle = format!("{response}.");
    let mut out = String::with_capacity(expr.len());
    let mut rest = expr;
    while let Some(i) = rest.find(&needle) {
        let before = rest[..i].chars().next_back();
        let own = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.'));
        out.push_str(&rest[..i]);
        out.push_str(if own { "pm.response." } else { &needle });
        rest = &rest[i + needle.len()..];
    }
    out.push_str(rest);
    out
}

fn script_owner(cx: &Context, owner: Owner, listen: &str) -> String {
    let kind = match listen {
        "prerequest" => "the pre-request script",
        "test" => "the test script",
        _ => "a script",
    };
    format!("{kind} of {}", cx.coll.describe(owner))
}

/// Bearer tokens and `Authorization` headers whose resolved value is a JSON object.
fn json_object_tokens(cx: &Context, out: &mut Vec<Diagnostic>) {
    for auth in cx.coll.auths.iter().filter(|a| a.kind == "bearer") {
        let Some(token) = auth.param(&["token"]) else {
            continue;
        };
        let Some(text) = cx.text(token.value) else {
            continue;
        };
        if is_json_object(&cx.resolve(auth.owner, &text)) {
            out.push(json_token_diagnostic(
                cx,
                auth.owner,
                format!("the bearer token of {}", cx.coll.describe(auth.owner)),
                token.value,
                &text,
            ));
        }
    }
    for (i, req) in cx.coll.requests.iter_enumerated() {
        let owner = Owner::Request(i);
        for h in &req.headers.list {
            if !h.enabled || !h.name.eq_ignore_ascii_case("authorization") {
                continue;
            }
            let value = cx.resolve(owner, &h.value);
            let value = value.trim();
            if is_json_object(strip_bearer(value)) {
                let node = h.value_node.unwrap_or(h.node);
                out.push(json_token_diagnostic(
                    cx,
                    owner,
                    format!(
                        "the `Authorization` header of request `{}`",
                        cx.coll.label(req)
                    ),
                    node,
                    &h.value,
                ));
            }
        }
    }
}

/// A token that is a JSON object; `written` is the value as written, whose variable (when the
/// object comes through one) the help names with where it is defined.
fn json_token_diagnostic(
    cx: &Context,
    owner: Owner,
    what: String,
    node: NodeId,
    written: &str,
) -> Diagnostic {
    let help = match cx.variable_origin(owner, written) {
        Some((name, origin)) => format!(
            "`{{{{{name}}}}}` holds the whole response, in {origin}: set it to the \
             `access_token` value there, and if a script fills it, store \
             `pm.response.json().access_token` instead of the whole response."
        ),
        None => "Send only the `access_token` value. If a script fills this variable, store \
                 `pm.response.json().access_token` instead of the whole response."
            .to_owned(),
    };
    Diagnostic {
        rule: &RULE,
        severity: RULE.severity,
        file: FileId::LINTED,
        message: format!("{what} is a whole JSON token response, not a token"),
        help: help.into(),
        label: "a JSON object, not a token".to_owned().into(),
        item: cx.coll.item_label(owner),
        pointer: Pointer::Node(node),
        span: cx.span(node),
        // The real token is not in the file: nothing to rewrite it with.
        fix: None,
    }
}

/// Replaces the stored expression (an argument inside one script line) with the token it
/// should have stored: `pm.response.json().refresh_token` for a refresh token, else
/// `.access_token`. Safe: the variable is sent as a token or named as one, so it is only
/// useful with the token in it.
fn fix(
    cx: &Context,
    lines: &[ScriptLine],
    code: &Code,
    value: &str,
    name: &str,
    response: &str,
) -> Option<Fix> {
    if value.contains('\n') {
        return None;
    }
    let property = if name.to_ascii_lowercase().contains("refresh") {
        "refresh_token"
    } else {
        "access_token"
    };
    let replacement = format!("{response}.json().{property}");
    // `value` is a slice of `code.text`.
    let offset = value.as_ptr() as usize - code.text.as_ptr() as usize;
    let line_index = code.line_of(offset);
    let line = lines.get(line_index)?;
    let column = offset - code.line_start(line_index);
    let start = line.start + column;
    let edit = cx
        .editor
        .edit_in_string(line.node, start, start + value.len(), &replacement);
    Some(Fix::safe(format!("Store `{replacement}`"), vec![edit]))
}

/// Names people give a variable that holds a bearer token (compared in lower case without
/// `_` and `-`): another collection or a script may send it, so storing the whole response
/// there is the mistake even where this file never sends it. Listed in the rule's doc.
const TOKEN_NAMES: &[&str] = &[
    "accesstoken",
    "token",
    "bearertoken",
    "bearer",
    "authtoken",
    "authorizationtoken",
    "apitoken",
    "oauthtoken",
    "oauth2token",
    "jwt",
    "refreshtoken",
    "scopestacktoken",
    "sstoken",
];

/// Whether `name` is one people use for a bearer token (`access_token`, `accessToken`, ...);
/// a name that merely contains "token" (`token_response`, `last_token_debug`) is not.
pub fn names_a_token(name: &str) -> bool {
    let plain: String = name
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    TOKEN_NAMES.contains(&plain.as_str())
}

/// Variables that some script reads back as JSON: `JSON.parse(pm.environment.get("x"))`.
fn parsed_variables(cx: &Context) -> HashSet<String> {
    let getters = crate::postman::VARIABLE_GETTERS;
    let mut names = HashSet::new();
    let json_parse = cx.needles(&["JSON.parse"]);
    for index in cx.coll.scripts.keys() {
        if !cx.script_mentions(index, &json_parse) {
            continue;
        }
        let code = cx.code(index);
        for parse in code.calls(&["JSON.parse"]) {
            let Some(arg) = parse.args.first() else {
                continue;
            };
            for get in crate::js::calls(arg, getters) {
                if let Some(name) = get.args.first().and_then(|a| string_literal(a)) {
                    names.insert(name.to_owned());
                }
            }
        }
    }
    names
}

/// `Authorization: Bearer {...}` in a capture.
fn check_har(cx: &HarContext, out: &mut Vec<Diagnostic>) {
    for (entry, facts) in cx.entries() {
        if !facts.scopestack {
            continue;
        }
        let Some(h) = entry.request.header("authorization") else {
            continue;
        };
        let value = h.value.trim();
        if !is_json_object(strip_bearer(value)) {
            continue;
        }
        let node = h.value_node.unwrap_or(h.node);
        let pointer = format!("{}/request/headers/{}/value", entry.pointer, h.index);
        out.push(
            cx.diagnostic(
                &RULE,
                entry,
                Place::Header(node, pointer),
                "the request sent a whole JSON token response as its bearer token".to_owned(),
                "Whatever stored the token kept the whole response: send only its \
                 `access_token` field (in Postman, `pm.response.json().access_token`)."
                    .to_owned(),
                "a JSON object, not a token",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SS003 findings (their pointers) for a collection whose one test script is `exec`, with
    /// bearer auth sending `{{bearer}}`.
    fn findings(exec: &str, bearer: &str) -> Vec<String> {
        let text = format!(
            r#"{{"item": [{{"name": "t", "event": [{{"listen": "test", "script": {{"exec": [{exec}]}}}}],
                "request": {{"method": "POST", "url": "https://app.scopestack.io/oauth/token"}}}}],
              "auth": {{"type": "bearer", "bearer": [{{"key": "token", "value": "{{{{{bearer}}}}}"}}]}}}}"#
        );
        crate::rules::finding_pointers(&text, RULE.code)
    }

    #[test]
    fn scripts_passed_over_by_their_source_are_those_without_a_token_name() {
        let at = "/item/0/event/0/script/exec/0";
        // Any case of "token" in the name.
        assert_eq!(
            findings(
                r#""pm.environment.set(\"AccessTOKEN\", pm.response.json());""#,
                "x"
            ),
            [at]
        );
        // A name without "token" that the collection sends as its bearer token.
        assert_eq!(
            findings(
                r#""pm.environment.set(\"jwt\", pm.response.text());""#,
                "jwt"
            ),
            [at]
        );
        // The same name spelled with JSON escapes: not visible in the source as written.
        assert_eq!(
            findings(
                r#""pm.environment.set(\"\u006Awt\", pm.response.text());""#,
                "jwt"
            ),
            [at]
        );
        // Nothing that holds a token: no finding.
        assert!(findings(
            r#""pm.environment.set(\"last\", pm.response.json());""#,
            "jwt"
        )
        .is_empty());
        // Names people give a bearer token without the word "token", not sent here.
        for name in ["jwt", "Bearer", "BEARER_TOKEN"] {
            let line = format!(r#""pm.environment.set(\"{name}\", pm.response.text());""#);
            assert_eq!(findings(&line, "x"), [at], "{name}");
        }
        // A name that merely contains "token": a copy kept for debugging.
        assert!(findings(
            r#""pm.environment.set(\"token_response\", pm.response.text());""#,
            "x"
        )
        .is_empty());
    }

    /// A variable read back with `JSON.parse` holds the document on purpose, unless the
    /// collection also sends it as its token.
    #[test]
    fn a_variable_parsed_later_is_a_document_unless_it_is_sent() {
        let exec = r#""pm.environment.set(\"tok\", pm.response.json());", "const t = JSON.parse(pm.environment.get(\"tok\"));""#;
        assert_eq!(findings(exec, "tok").len(), 1);
        // Not sent, and no token name: nothing to say either way.
        assert!(findings(exec, "other").is_empty());
        let exec = r#""pm.environment.set(\"token\", pm.response.json());", "const t = JSON.parse(pm.environment.get(\"token\"));""#;
        assert!(findings(exec, "other").is_empty());
    }

    /// Inside a `pm.sendRequest` callback, its own response parameter is the response: the
    /// callback the call is in, not the last one before it; and only that name, not one
    /// that ends with it or a property of that name.
    #[test]
    fn a_callbacks_response_is_its_own_parameter() {
        let two = r#""pm.sendRequest('https://app.scopestack.io/oauth/token', (e, r1) => { pm.environment.set(\"token\", r1.json()); });", "pm.sendRequest('https://example.com', (e, r2) => { console.log(r2); });""#;
        assert_eq!(findings(two, "x").len(), 1);
        for (prefix, found) in [("", 1), ("(", 1), ("my", 0), ("_", 0), ("$", 0), ("x.", 0)] {
            let close = if prefix == "(" { ")" } else { "" };
            let exec = format!(
                r#""pm.sendRequest('https://app.scopestack.io/oauth/token', (e, res) => {{ pm.environment.set(\"token\", {prefix}res.json(){close}); }});""#
            );
            assert_eq!(findings(&exec, "x").len(), found, "{prefix}");
        }
        // After a bracket, inside a call: the parameter, read as `pm.response`.
        let parsed = r#""pm.sendRequest('https://app.scopestack.io/oauth/token', (e, res) => { pm.environment.set(\"token\", JSON.parse(res.text())); });""#;
        assert_eq!(findings(parsed, "x").len(), 1);
    }

    /// The whole response is followed through at most 8 steps (locals, templates,
    /// `JSON.stringify`), and a stringified response's property is not the response.
    #[test]
    fn the_whole_response_is_followed_eight_steps_deep() {
        let chain = |step: &dyn Fn(usize) -> String, n: usize| {
            let mut lines = vec![r#""const a0 = pm.response.json();""#.to_owned()];
            lines.extend((1..=n).map(|k| format!(r#""const a{k} = {};""#, step(k - 1))));
            lines.push(format!(r#""pm.environment.set(\"token\", a{n});""#));
            findings(&lines.join(", "), "x").len()
        };
        let local = |k: usize| format!("a{k}");
        assert_eq!(chain(&local, 7), 1);
        assert_eq!(chain(&local, 8), 0);
        let template = |k: usize| format!("`${{a{k}}}`");
        assert_eq!(chain(&template, 3), 1);
        assert_eq!(chain(&template, 4), 0);
        let stringify = |k: usize| format!("JSON.stringify(a{k})");
        assert_eq!(chain(&stringify, 3), 1);
        assert_eq!(chain(&stringify, 4), 0);
        let length =
            r#""pm.environment.set(\"token\", JSON.stringify(pm.response.json()).length);""#;
        assert!(findings(length, "x").is_empty());
    }

    /// A JSON object sent as the `Authorization` header is a whole token response; a
    /// disabled header sends nothing, and another header is no token.
    #[test]
    fn only_an_enabled_authorization_header_sends_a_json_token() {
        let found = |header: &str| {
            let text = format!(
                r#"{{"item": [{{"name": "t", "request": {{"method": "GET", "header": [{header}], "url": "https://api.scopestack.io/acme/v1/clients"}}}}]}}"#
            );
            crate::rules::finding_pointers(&text, RULE.code).len()
        };
        let json = r#"Bearer {\"access_token\": \"x\"}"#;
        assert_eq!(
            found(&format!(r#"{{"key": "Authorization", "value": "{json}"}}"#)),
            1
        );
        assert_eq!(
            found(&format!(
                r#"{{"key": "Authorization", "value": "{json}", "disabled": true}}"#
            )),
            0
        );
        assert_eq!(
            found(&format!(r#"{{"key": "X-Debug", "value": "{json}"}}"#)),
            0
        );
    }
}
