//! Pieces of the cures that several fixes share: the requests the troubleshooting guide
//! prescribes, the JSON:API `Accept` header, and edits that declare collection variables or
//! insert items. Inserted JSON follows Postman's key order (`name`, `event`, `request`,
//! `response`; `key`, `value`, `type`).

use serde_json::{json, Value};

use crate::fix::Edit;
use crate::json::{Kind, NodeId};
use crate::rules::Context;
use crate::scopestack::{Endpoints, JSON_API};

pub const TOKEN_REQUEST_NAME: &str = "Get ScopeStack access token";
pub const SLUG_REQUEST_NAME: &str = "Get ScopeStack account slug";

pub fn accept_header() -> Value {
    json!({"key": "Accept", "value": JSON_API, "type": "text"})
}

/// `POST https://app.scopestack.io/oauth/token`, "No Auth", an urlencoded password grant with
/// the given `(field, value)` pairs, and a test script that stores both tokens.
pub fn token_request(endpoints: &Endpoints, fields: &[(&str, Value)]) -> Value {
    let mut body = vec![json!({"key": "grant_type", "value": "password", "type": "text"})];
    body.extend(
        fields
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v, "type": "text"})),
    );
    json!({
        "name": TOKEN_REQUEST_NAME,
        "event": [{
            "listen": "test",
            "script": {
                "exec": [
                    "pm.collectionVariables.set(\"access_token\", pm.response.json().access_token);",
                    "pm.collectionVariables.set(\"refresh_token\", pm.response.json().refresh_token);"
                ],
                "type": "text/javascript"
            }
        }],
        "request": {
            "auth": {"type": "noauth"},
            "method": "POST",
            "header": [],
            "body": {"mode": "urlencoded", "urlencoded": body},
            "url": endpoints.app.url_object("/oauth/token")
        },
        "response": []
    })
}

/// `GET https://api.scopestack.io/v1/me`, storing `account-slug` in `account_slug`.
pub fn slug_request(endpoints: &Endpoints, auth: Option<Value>) -> Value {
    let mut request = json!({
        "method": "GET",
        "header": [accept_header()],
        "url": endpoints.api.url_object("/v1/me")
    });
    if let (Some(auth), Some(map)) = (auth, request.as_object_mut()) {
        // Postman writes `auth` first.
        let mut ordered = serde_json::Map::new();
        ordered.insert("auth".into(), auth);
        ordered.extend(std::mem::take(map));
        *map = ordered;
    }
    json!({
        "name": SLUG_REQUEST_NAME,
        "event": [{
            "listen": "test",
            "script": {
                "exec": [
                    "pm.collectionVariables.set(\"account_slug\", pm.response.json().data.attributes[\"account-slug\"]);"
                ],
                "type": "text/javascript"
            }
        }],
        "request": request,
        "response": []
    })
}

impl Context<'_> {
    /// An edit declaring those of `names` that the collection's variables lack, with empty
    /// values; `None` when all are declared.
    pub fn declare_variables(&self, names: &[&str]) -> Option<Edit> {
        let doc = self.coll.doc;
        let declared = &self.coll.scopes[0].vars;
        let missing: Vec<Value> = names
            .iter()
            .filter(|n| declared.get(n).is_none())
            .map(|n| json!({"key": n, "value": "", "type": "string"}))
            .collect();
        if missing.is_empty() {
            return None;
        }
        let root = self.coll.scopes[0].node;
        let list = ["variable", "variables"]
            .iter()
            .find_map(|k| doc.get(root, k).filter(|l| doc.kind(*l) == Kind::Array));
        Some(match list {
            Some(list) => self.editor.insert_elements(list, usize::MAX, &missing),
            None => {
                let last = doc.members(root).last().and_then(|(k, _)| doc.as_str(k));
                self.editor
                    .insert_member(root, last.as_deref(), "variable", &Value::Array(missing))
            }
        })
    }

    /// An edit inserting `item` into the `item` array of scope `scope` before position `index`.
    pub fn insert_item(&self, scope: usize, index: usize, item: &Value) -> Edit {
        let doc = self.coll.doc;
        let node = self.coll.scopes[scope].node;
        match doc
            .get(node, "item")
            .filter(|i| doc.kind(*i) == Kind::Array)
        {
            Some(items) => self
                .editor
                .insert_elements(items, index, std::slice::from_ref(item)),
            None => {
                let last = doc.members(node).last().and_then(|(k, _)| doc.as_str(k));
                self.editor.insert_member(
                    node,
                    last.as_deref(),
                    "item",
                    &Value::Array(vec![item.clone()]),
                )
            }
        }
    }

    /// The scope holding request `r` and the request's position in that scope's `item` array.
    pub fn item_position(&self, r: usize) -> (usize, usize) {
        let doc = self.coll.doc;
        let req = &self.coll.requests[r];
        let scope = req.scope;
        let index = doc
            .get(self.coll.scopes[scope].node, "item")
            .and_then(|items| doc.elements(items).position(|i| i == req.item_node))
            .unwrap_or(0);
        (scope, index)
    }

    /// The first request that sets `variable` from a script (`...set("variable", ...)`).
    pub fn sets_variable(&self, variable: &str) -> bool {
        let needles = [format!("set(\"{variable}\""), format!("set('{variable}'")];
        self.coll.scripts.iter().any(|s| {
            s.lines.iter().any(|l| {
                needles
                    .iter()
                    .any(|n| l.text.replace(' ', "").contains(n.as_str()))
            })
        })
    }

    /// The raw JSON of an auth object as a value, to copy it.
    pub fn value_of(&self, node: NodeId) -> Value {
        self.coll.doc.to_value(node)
    }
}
