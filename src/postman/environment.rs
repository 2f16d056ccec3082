//! Postman environment and globals exports: `{"name", "values": [{key, value, enabled}],
//! "_postman_variable_scope"}`, or (older globals exports) a bare array of variables.

use std::borrow::Cow;

use crate::document::{Document, Kind, NodeId};
use crate::variables::VarLayer;

/// The `values` array of an environment/globals export, or the root of a bare array.
pub fn values_node(doc: &Document) -> Option<NodeId> {
    let root = doc.root();
    match doc.kind(root) {
        Kind::Object => doc
            .get(root, "values")
            .filter(|v| doc.kind(*v) == Kind::Array),
        Kind::Array => Some(root),
        _ => None,
    }
}

/// `_postman_variable_scope` (`environment` or `globals`), when present.
pub fn variable_scope(doc: &Document) -> Option<Cow<'_, str>> {
    let root = doc.root();
    doc.get(root, "_postman_variable_scope")
        .and_then(|s| doc.as_str(s))
}

/// Whether a bare array looks like a list of Postman variables.
pub fn is_variable_list(doc: &Document, list: NodeId) -> bool {
    doc.elements(list)
        .all(|v| doc.kind(v) == Kind::Object && doc.get(v, "key").is_some())
}

/// The enabled variables of an environment or globals export.
pub fn read_layer(doc: &Document, origin: String) -> VarLayer {
    let mut layer = VarLayer::new(origin);
    read_into(doc, &mut layer);
    layer
}

fn read_into(doc: &Document, layer: &mut VarLayer) {
    let Some(values) = values_node(doc) else {
        return;
    };
    for var in doc.elements(values) {
        if doc.kind(var) != Kind::Object {
            continue;
        }
        if doc.get(var, "enabled").and_then(|e| doc.as_bool(e)) == Some(false) {
            continue;
        }
        let key = doc.get(var, "key").and_then(|k| doc.scalar_text(k));
        let node = doc.get(var, "value");
        let value = node.and_then(|v| doc.scalar_text(v));
        if let (Some(key), Some(value), Some(node)) = (key, value, node) {
            layer.set_node(&key, node);
            layer.insert(key.into_owned(), value.into_owned());
        }
    }
}

/// The environment's `name`, for messages.
pub fn name(doc: &Document) -> Option<String> {
    doc.get(doc.root(), "name")
        .and_then(|n| doc.scalar_text(n))
        .map(Cow::into_owned)
}
