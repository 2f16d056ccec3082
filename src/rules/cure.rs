//! Pieces of the cures that several fixes share: the requests the troubleshooting guide
//! prescribes, the JSON:API `Accept` header, and edits that declare collection variables or
//! insert items. Inserted JSON follows Postman's key order (`name`, `event`, `request`,
//! `response`; `key`, `value`, `type`).

use serde_json::{json, Value};

use crate::document::{Kind, NodeId};
use crate::fix::yaml_edit::Layout;
use crate::fix::Edit;
use crate::postman::{v3, v3_request};
use crate::postman::{RequestId, ScopeId, Slot};
use crate::rules::Context;
use crate::scopestack::JSON_API;

pub const TOKEN_REQUEST_NAME: &str = "Get ScopeStack access token";
pub const SLUG_REQUEST_NAME: &str = "Get ScopeStack account slug";

pub fn accept_header() -> Value {
    json!({"key": "Accept", "value": JSON_API, "type": "text"})
}

/// `POST https://app.scopestack.io/oauth/token`, "No Auth", an urlencoded password grant with
/// the given `(field, value)` pairs, and a test script that stores both tokens.
pub fn token_request(cx: &Context, fields: &[(&str, Value)]) -> Value {
    let mut body = vec![json!({"key": "grant_type", "value": "password", "type": "text"})];
    body.extend(
        fields
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v, "type": "text"})),
    );
    let store = |name: &str| {
        format!(
            "{}(\"{name}\", pm.response.json().{name});",
            setter_for(cx, name)
        )
    };
    json!({
        "name": TOKEN_REQUEST_NAME,
        "event": [{
            "listen": "test",
            "script": {
                "exec": [store("access_token"), store("refresh_token")],
                "type": "text/javascript"
            }
        }],
        "request": {
            "auth": {"type": "noauth"},
            "method": "POST",
            "header": [],
            "body": {"mode": "urlencoded", "urlencoded": body},
            "url": cx.endpoints.app.url_object("/oauth/token")
        },
        "response": []
    })
}

/// The test script line that stores the account slug from a `GET /v1/me` response.
pub fn slug_script_line(cx: &Context) -> String {
    format!(
        "{}(\"account_slug\", pm.response.json().data.attributes[\"account-slug\"]);",
        setter_for(cx, "account_slug")
    )
}

/// `GET https://api.scopestack.io/v1/me` (or `{{base}}/v1/me`), storing `account-slug` in
/// `account_slug`; `auth` and `headers` make it authenticate like the request it serves.
pub fn slug_request(
    cx: &Context,
    auth: Option<Value>,
    headers: Vec<Value>,
    base: Option<&str>,
) -> Value {
    let mut request = serde_json::Map::new();
    if let Some(auth) = auth {
        request.insert("auth".into(), auth);
    }
    request.insert("method".into(), json!("GET"));
    let mut all_headers = vec![accept_header()];
    all_headers.extend(headers);
    request.insert("header".into(), Value::Array(all_headers));
    let url = match base {
        // As Postman writes a URL on a variable.
        Some(name) => json!({
            "raw": format!("{{{{{name}}}}}/v1/me"),
            "host": [format!("{{{{{name}}}}}")],
            "path": ["v1", "me"]
        }),
        None => cx.endpoints.api.url_object("/v1/me"),
    };
    request.insert("url".into(), url);
    json!({
        "name": SLUG_REQUEST_NAME,
        "event": [{
            "listen": "test",
            "script": {
                "exec": [slug_script_line(cx)],
                "type": "text/javascript"
            }
        }],
        "request": request,
        "response": []
    })
}

/// Where a script should store `name`: the environment when the `--environment` file
/// defines it (it would shadow a collection variable), else the collection.
pub fn setter_for(cx: &Context, name: &str) -> &'static str {
    if cx
        .settings
        .environment_layer()
        .is_some_and(|l| l.get(name).is_some())
    {
        "pm.environment.set"
    } else {
        "pm.collectionVariables.set"
    }
}

/// Edits declaring those of `names` that nothing defines (in the collection's variables,
/// with empty values; a disabled declaration is enabled); empty when all are defined.
pub fn declare_variables(cx: &Context, names: &[&str]) -> Vec<Edit> {
    let doc = cx.coll.doc;
    let root = cx.coll.scopes[ScopeId::COLLECTION].node;
    let list = ["variable", "variables"]
        .iter()
        .find_map(|k| doc.get(root, k));
    let defined = |n: &str| {
        cx.coll.scopes[ScopeId::COLLECTION].vars.get(n).is_some()
            || cx
                .settings
                .environment_layer()
                .is_some_and(|l| l.get(n).is_some())
    };
    let mut edits = Vec::new();
    let mut missing = Vec::new();
    for &name in names.iter().filter(|n| !defined(n)) {
        let disabled = list.and_then(|l| {
            doc.elements(l).find(|v| {
                doc.get(*v, "key").is_some_and(|k| doc.str_eq(k, name))
                    && doc.get(*v, "disabled").and_then(|d| doc.as_bool(d)) == Some(true)
            })
        });
        match disabled.and_then(|v| doc.get(v, "disabled")) {
            Some(flag) => edits.push(cx.editor.replace_value(flag, &Value::Bool(false))),
            None => missing.push(json!({"key": name, "value": "", "type": "string"})),
        }
    }
    if missing.is_empty() {
        return edits;
    }
    if cx.coll.is_tree() {
        let names: Vec<&str> = missing.iter().filter_map(|m| m["key"].as_str()).collect();
        edits.push(declare_tree_variables(cx, list, &names));
        return edits;
    }
    edits.push(match list {
        Some(list) if doc.kind(list) == Kind::Array => {
            cx.editor.insert_elements(list, usize::MAX, &missing)
        }
        // `"variable": null` and the like: replace, never add a second key.
        Some(other) => cx.editor.replace_value(other, &Value::Array(missing)),
        None => {
            let last = doc.members(root).last().and_then(|(k, _)| doc.as_str(k));
            cx.editor
                .insert_member(root, last.as_deref(), "variable", &Value::Array(missing))
        }
    });
    edits
}

/// An edit adding `line` to request `r`'s test script (v12: its `afterResponse` script),
/// which is created when it has none.
pub fn add_test_line(cx: &Context, r: RequestId, line: &str) -> Edit {
    let doc = cx.coll.doc;
    let ed = &cx.editor;
    let req = &cx.coll.requests[r];
    let existing = req
        .scripts
        .iter()
        .map(|s| &cx.coll.scripts[s])
        .find(|s| s.listen == "test");
    if let Some(script) = existing {
        match doc.kind(script.exec) {
            Kind::Array => {
                return ed.insert_elements(script.exec, usize::MAX, &[json!(line)]);
            }
            Kind::String => {
                let end = doc.as_str(script.exec).map_or(0, |t| t.len());
                return ed.edit_in_string(script.exec, end, end, &format!("\n{line}"));
            }
            _ => {}
        }
    }
    if cx.coll.is_tree() {
        let script = json!({"type": "afterResponse", "code": line, "language": "text/javascript"});
        return match doc.get(req.node, "scripts") {
            Some(list) if doc.kind(list) == Kind::Array => {
                ed.insert_elements(list, usize::MAX, &[script])
            }
            Some(other) => ed.replace_value(other, &json!([script])),
            None => {
                // Before `order`, where Postman writes `scripts`.
                let keys: Vec<String> = doc
                    .members(req.node)
                    .filter_map(|(k, _)| doc.as_str(k).map(|k| k.into_owned()))
                    .collect();
                let after = keys.iter().rev().find(|k| k.as_str() != "order");
                ed.insert_member(
                    req.node,
                    after.map(String::as_str),
                    "scripts",
                    &json!([script]),
                )
            }
        };
    }
    let event = json!({"listen": "test", "script": {"exec": [line], "type": "text/javascript"}});
    match doc.get(req.item_node, "event") {
        Some(list) if doc.kind(list) == Kind::Array => {
            ed.insert_elements(list, usize::MAX, &[event])
        }
        Some(other) => ed.replace_value(other, &json!([event])),
        None => ed.insert_member(req.item_node, Some("name"), "event", &json!([event])),
    }
}

/// An edit inserting `item` at `slot` (before the item there). In a v12 tree, the item
/// becomes a request file in the folder, with an `order` that puts it there.
pub fn insert_item(cx: &Context, slot: Slot, item: &Value) -> Edit {
    if cx.coll.is_tree() {
        return create_request_file(cx, slot, item);
    }
    let doc = cx.coll.doc;
    let node = cx.coll.scopes[slot.scope].node;
    match doc
        .get(node, "item")
        .filter(|i| doc.kind(*i) == Kind::Array)
    {
        Some(items) => cx
            .editor
            .insert_elements(items, slot.index, std::slice::from_ref(item)),
        None => {
            let last = doc.members(node).last().and_then(|(k, _)| doc.as_str(k));
            cx.editor.insert_member(
                node,
                last.as_deref(),
                "item",
                &Value::Array(vec![item.clone()]),
            )
        }
    }
}

/// Where request `r` is.
pub fn slot_of(cx: &Context, r: RequestId) -> Slot {
    let doc = cx.coll.doc;
    let req = &cx.coll.requests[r];
    let scope = req.scope;
    if cx.coll.is_tree() {
        let index = tree_children(cx, scope)
            .iter()
            .position(|c| c.1 == req.node)
            .unwrap_or(0);
        return Slot { scope, index };
    }
    let index = doc
        .get(cx.coll.scopes[scope].node, "item")
        .and_then(|items| doc.elements(items).position(|i| i == req.item_node))
        .unwrap_or(0);
    Slot { scope, index }
}

/// The requests and folders of a v12 folder in Postman's order: their `order` and the node
/// that holds it (a request file's root, a folder's definition).
fn tree_children(cx: &Context, scope: ScopeId) -> Vec<(Option<f64>, NodeId)> {
    let coll = cx.coll;
    let folders = coll
        .scopes
        .iter()
        .filter(|s| s.parent == Some(scope))
        .map(|s| s.node);
    let requests = coll
        .requests
        .iter()
        .filter(|r| r.scope == scope)
        .map(|r| r.node);
    // The model lists them in Postman's order already; only the orders are read here.
    let mut out: Vec<(Option<f64>, NodeId)> = folders
        .chain(requests)
        .map(|n| (v3::order_of(coll.doc, n), n))
        .collect();
    out.sort_by(|a, b| v3::by_order(a.0, b.0));
    out
}

/// An `order` that puts a new request at `slot`: between its neighbours' orders (whole
/// numbers where there is room, as Postman writes them).
fn order_at(cx: &Context, slot: Slot) -> f64 {
    let children = tree_children(cx, slot.scope);
    let before = slot
        .index
        .checked_sub(1)
        .and_then(|i| children.get(i))
        .and_then(|c| c.0);
    let after = children.get(slot.index).and_then(|c| c.0);
    match (before, after) {
        (Some(p), Some(n)) => {
            let mid = ((p + n) / 2.0).floor();
            if mid > p && mid < n {
                mid
            } else {
                (p + n) / 2.0
            }
        }
        (None, Some(n)) if n >= 1000.0 => n - 1000.0,
        (None, Some(n)) => n - 1.0,
        (Some(p), None) => p + 1000.0,
        (None, None) => 0.0,
    }
}

/// `item` (a v2.1 item) written as a request file in `slot`'s folder, named after it (with
/// ` 1`, ` 2`… when a request there has that name already).
fn create_request_file(cx: &Context, slot: Slot, item: &Value) -> Edit {
    let coll = cx.coll;
    let name = item["name"].as_str().unwrap_or("New request");
    let taken = |stem: &str| {
        coll.requests
            .iter()
            .filter(|r| r.scope == slot.scope)
            .any(|r| v3_request::file_stem(&r.name).eq_ignore_ascii_case(stem))
    };
    let base = v3_request::file_stem(name);
    let stem = (0..)
        .map(|n| {
            if n == 0 {
                base.clone()
            } else {
                format!("{base} {n}")
            }
        })
        .find(|s| !taken(s))
        .unwrap_or(base);
    let file = v3_request::request_file(item, &stem, order_at(cx, slot));
    let dir = &coll.tree[slot.scope].dir;
    let path = if dir.is_empty() {
        format!("{stem}.request.yaml")
    } else {
        format!("{dir}/{stem}.request.yaml")
    };
    Edit::create(&path, Layout::POSTMAN.document(&file))
}

/// Edits declaring `missing` variables in a v12 collection's definition (`variables` as a
/// map or a list, as the file has it), or a definition holding them.
fn declare_tree_variables(cx: &Context, list: Option<NodeId>, missing: &[&str]) -> Edit {
    let doc = cx.coll.doc;
    let root = cx.coll.scopes[ScopeId::COLLECTION].node;
    let map: serde_json::Map<String, Value> = missing
        .iter()
        .map(|n| ((*n).to_owned(), json!("")))
        .collect();
    if !cx.coll.tree[ScopeId::COLLECTION].has_definition {
        let file = json!({"$kind": "collection", "variables": map});
        return Edit::create(
            ".resources/definition.yaml",
            Layout::POSTMAN.document(&file),
        );
    }
    match list {
        Some(vars) if doc.kind(vars) == Kind::Object && doc.members(vars).next().is_some() => {
            let last = doc.members(vars).last().and_then(|(k, _)| doc.as_str(k));
            let mut edits = missing.iter().map(|n| {
                cx.editor
                    .insert_member(vars, last.as_deref(), n, &json!(""))
            });
            // One edit: the members follow one another at one place.
            let first = edits.next().expect("missing is not empty");
            edits.fold(first, |mut acc, e| {
                acc.content.push_str(&e.content);
                acc
            })
        }
        Some(vars) if doc.kind(vars) == Kind::Array => {
            let entries: Vec<Value> = missing
                .iter()
                .map(|n| json!({"key": n, "value": ""}))
                .collect();
            cx.editor.insert_elements(vars, usize::MAX, &entries)
        }
        Some(other) => cx.editor.replace_value(other, &Value::Object(map)),
        None => {
            let last = doc.members(root).last().and_then(|(k, _)| doc.as_str(k));
            cx.editor
                .insert_member(root, last.as_deref(), "variables", &Value::Object(map))
        }
    }
}
