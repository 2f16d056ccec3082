use crate::diagnostic::{Diagnostic, Pointer, Rule, Severity};
use crate::document::{Document, Kind, NodeId};
use crate::postman::environment;
use crate::postman::{Field, Header, Owner};
use crate::rules::{script_requests, Checks, Context, RuleInfo};
use crate::secrets::{is_jwt, is_literal_secret, names_secret};
use crate::source::FileId;

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS011",
        name: "hard-coded-secret",
        summary: "A literal secret in a collection or environment instead of a {{variable}}",
        severity: Severity::Warning,
        doc: DOC,
    },
    checks: Checks {
        collection: Some(check),
        variables: Some(check_variables_file),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS011 hard-coded-secret

## What it catches
A literal (not a `{{variable}}`) client secret, password, access or refresh token, JWT or API key
in an auth helper, an urlencoded or form-data body, a header, the body or headers of a request
a script sends with `pm.sendRequest(...)` (written in the script), a saved example's request (its
headers and form fields: an `Authorization` header saved with a response often holds a real
token), or a collection, folder, request or environment variable that is not marked `secret`. It applies to every collection, not only
ScopeStack's. The message says where the value is; the value itself is never shown.

## Why it breaks
Collections and environments are exported, committed, shared and pasted into tickets; a
credential in them is a credential leaked. Postman's `secret` variable type keeps values out of
view and out of exports.

## Example
```json
{"key": "clientSecret", "value": "9f2c1e...", "type": "string"}
```

## Cure
Move the value to an environment variable (type `secret`) and reference it as `{{client_secret}}`.

## Fix
None: the value must not be lost, and where it should live is the team's choice.
"#;

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let coll = cx.coll;
    let doc = coll.doc;
    let mut report = |owner: Owner, what: String, node: NodeId| {
        out.push(diagnostic(
            &what,
            &cx.coll.describe(owner),
            node,
            doc,
            coll.item_label(owner),
        ));
    };
    for auth in &coll.auths {
        for p in &auth.params {
            let api_key = auth.kind == "apikey" && p.key == "value";
            if (api_key || names_secret(&p.key)) && literal(doc, p.value) {
                report(
                    auth.owner,
                    format!("`{}` of the {} auth", p.key, auth.kind),
                    p.value,
                );
            }
        }
    }
    // What a request sends, and what a saved example was sent with (real tokens included).
    let mut sent = |owner: Owner, headers: &[Header], fields: &[Field], of: &str| {
        // A header's text is at hand (read with the request); a field's is read only when
        // its name is no secret's.
        let secret = |name: &str, text: Option<&str>, value: NodeId| {
            let jwt = || match text {
                Some(t) => doc.kind(value) == Kind::String && is_jwt(t),
                None => doc.as_str(value).is_some_and(|v| is_jwt(&v)),
            };
            (names_secret(name) || jwt()) && literal(doc, value)
        };
        for h in headers {
            if let Some(value) = h.value_node.filter(|v| secret(&h.name, Some(&h.value), *v)) {
                report(owner, format!("the `{}` header{of}", h.name), value);
            }
        }
        for f in fields {
            if let Some(value) = f.value.filter(|v| secret(&f.key, None, *v)) {
                report(owner, format!("the body field `{}`{of}", f.key), value);
            }
        }
    };
    for (i, req) in coll.requests.iter_enumerated() {
        let fields = req.body.as_ref().map_or(&[][..], |b| &b.fields[..]);
        sent(Owner::Request(i), &req.headers.list, fields, "");
    }
    for ex in &coll.examples {
        let of = format!(" of saved example `{}`", ex.name);
        sent(ex.owner, &ex.headers.list, &ex.fields, &of);
    }
    // What scripts send with `pm.sendRequest`: a secret written in the script's text.
    for request in cx.script_requests() {
        let fields = request.body.iter().flat_map(|b| b.fields.iter());
        for (f, what) in request
            .headers
            .iter()
            .map(|h| (h, "header"))
            .chain(fields.map(|f| (f, "body field")))
        {
            let Some(value) = f.value.as_deref() else {
                continue;
            };
            let flag = matches!(value.trim(), "true" | "false" | "null");
            if !(names_secret(&f.key) || is_jwt(value)) || !is_literal_secret(value) || flag {
                continue;
            }
            out.extend(script_requests::diagnostic(
                cx,
                &RULE,
                request,
                f.entry,
                format!(
                    "the {what} `{}` of {} holds a hard-coded secret ({} characters, not shown)",
                    f.key,
                    request.describe(cx),
                    value.chars().count()
                ),
                "Move it to an environment variable marked `secret`, and read it in the script \
                 with `pm.environment.get(\"name\")`."
                    .to_owned(),
                "hard-coded secret",
            ));
        }
    }
    // Variables of the collection, its folders and its requests.
    let scopes = coll.scopes.iter().map(|s| s.node);
    let items = coll.requests.iter().map(|r| r.item_node);
    for node in scopes.chain(items) {
        for key in ["variable", "variables"] {
            let Some(list) = doc.get(node, key) else {
                continue;
            };
            let found = doc
                .elements(list)
                .filter_map(|var| secret_variable(doc, var))
                .chain(mapped_secret_variables(doc, list));
            for (name, value) in found {
                out.push(diagnostic(
                    &format!("the variable `{name}`"),
                    "the collection",
                    value,
                    doc,
                    None,
                ));
            }
        }
    }
}

/// Postman v12's `variables: {name: value}` map (a definition's): names that hold a
/// credential with literal values.
fn mapped_secret_variables(doc: &Document, map: NodeId) -> Vec<(String, NodeId)> {
    doc.members(map)
        .filter_map(|(k, value)| {
            let name = doc.as_str(k)?;
            let jwt = doc.as_str(value).is_some_and(|v| is_jwt(&v));
            ((names_secret(&name) || jwt) && literal(doc, value))
                .then(|| (name.into_owned(), value))
        })
        .collect()
}

/// The variables of an environment or globals export holding literal secrets, not marked
/// `secret`.
fn check_variables_file(doc: &Document, out: &mut Vec<Diagnostic>) {
    let Some(values) = environment::values_node(doc) else {
        return;
    };
    for var in doc.elements(values) {
        if let Some((name, value)) = secret_variable(doc, var) {
            out.push(diagnostic(
                &format!("the variable `{name}`"),
                "this file",
                value,
                doc,
                None,
            ));
        }
    }
}

fn secret_variable(doc: &Document, var: NodeId) -> Option<(String, NodeId)> {
    // Marked secret: v2's `"type": "secret"`, v12's `secret: true`.
    if doc.kind(var) != Kind::Object
        || doc
            .get(var, "type")
            .is_some_and(|t| doc.str_eq(t, "secret"))
        || doc.get(var, "secret").and_then(|s| doc.as_bool(s)) == Some(true)
    {
        return None;
    }
    let name = doc
        .get(var, "key")
        .or_else(|| doc.get(var, "id"))
        .and_then(|k| doc.as_str(k))?;
    let value = doc.get(var, "value")?;
    let jwt = doc.as_str(value).is_some_and(|v| is_jwt(&v));
    ((names_secret(&name) || jwt) && literal(doc, value)).then(|| (name.into_owned(), value))
}

/// A string that is not only `{{variable}}` references, nor a flag (`true`).
fn literal(doc: &Document, node: NodeId) -> bool {
    doc.as_str(node).is_some_and(|v| {
        let flag = matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "none"
        );
        is_literal_secret(&v) && !flag
    })
}

fn diagnostic(
    what: &str,
    whose: &str,
    node: NodeId,
    doc: &Document,
    item: Option<String>,
) -> Diagnostic {
    let length = doc.as_str(node).map_or(0, |v| v.chars().count());
    Diagnostic {
        rule: &RULE,
        severity: RULE.severity,
        file: FileId::LINTED,
        message: format!(
            "{what} in {whose} holds a hard-coded secret ({length} characters, not shown)"
        ),
        help: "Move it to an environment variable marked `secret`, and reference it as \
               `{{name}}`."
            .to_owned()
            .into(),
        label: "hard-coded secret".to_owned().into(),
        item,
        pointer: Pointer::Node(node),
        span: doc.span(node),
        fix: None,
    }
}

#[cfg(test)]
mod tests {
    /// An API key's value is a secret whatever the key is called; another auth's parameter
    /// named `value` is not one by its name.
    #[test]
    fn an_api_keys_literal_value_is_a_secret() {
        let found = |auth: &str| {
            let text = format!(
                r#"{{"item": [{{"name": "t", "request": {{"method": "GET", "url": "https://api.scopestack.io/acme/v1/clients"}}}}], "auth": {auth}}}"#
            );
            crate::rules::finding_pointers(&text, "SS011").len()
        };
        assert_eq!(
            found(
                r#"{"type": "apikey", "apikey": [{"key": "key", "value": "X-Api-Key"}, {"key": "value", "value": "sk_live_4f9a8b7c6d5e"}]}"#
            ),
            1
        );
        assert_eq!(
            found(
                r#"{"type": "digest", "digest": [{"key": "value", "value": "sk_live_4f9a8b7c6d5e"}]}"#
            ),
            0
        );
    }
}
