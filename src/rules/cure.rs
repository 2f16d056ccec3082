//! Pieces of the cures that several fixes share: the requests the troubleshooting guide
//! prescribes, the JSON:API `Accept` header, and edits that declare collection variables or
//! insert items. Inserted JSON follows Postman's key order (`name`, `event`, `request`,
//! `response`; `key`, `value`, `type`).

use serde_json::{json, Value};

use crate::document::Kind;
use crate::fix::Edit;
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

/// `GET https://api.scopestack.io/v1/me`, storing `account-slug` in `account_slug`; `auth`
/// and `headers` make it authenticate like the request it serves.
pub fn slug_request(cx: &Context, auth: Option<Value>, headers: Vec<Value>) -> Value {
    let mut request = serde_json::Map::new();
    if let Some(auth) = auth {
        request.insert("auth".into(), auth);
    }
    request.insert("method".into(), json!("GET"));
    let mut all_headers = vec![accept_header()];
    all_headers.extend(headers);
    request.insert("header".into(), Value::Array(all_headers));
    request.insert("url".into(), cx.endpoints.api.url_object("/v1/me"));
    json!({
        "name": SLUG_REQUEST_NAME,
        "event": [{
            "listen": "test",
            "script": {
                "exec": [format!(
                    "{}(\"account_slug\", pm.response.json().data.attributes[\"account-slug\"]);",
                    setter_for(cx, "account_slug")
                )],
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

/// An edit inserting `item` at `slot` (before the item there).
pub fn insert_item(cx: &Context, slot: Slot, item: &Value) -> Edit {
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
    let index = doc
        .get(cx.coll.scopes[scope].node, "item")
        .and_then(|items| doc.elements(items).position(|i| i == req.item_node))
        .unwrap_or(0);
    Slot { scope, index }
}
