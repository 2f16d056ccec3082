//! The Postman collection model: requests, auth objects, headers, bodies and scripts, each
//! with the node and JSON pointer it came from. Reads v2.0 and v2.1 alike, including the
//! shapes real exporters write (string URLs and requests, header strings, single-string
//! scripts, `null` everywhere, legacy OAuth 2.0 key names).

pub mod environment;

use std::borrow::Cow;

use crate::json::{pointer_token, Document, Kind, NodeId, Span};
use crate::variables::VarLayer;

/// Who owns an auth object or a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The collection (scope 0) or a folder.
    Scope(usize),
    Request(usize),
}

/// The collection itself or a folder: something requests inherit auth and scripts from.
#[derive(Debug)]
pub struct Scope {
    /// The collection or folder object.
    pub node: NodeId,
    pub parent: Option<usize>,
    /// Folder path, e.g. `Admin / Users`; empty for the collection.
    pub path: String,
    pub pointer: String,
    /// `None`: inherit from the parent.
    pub auth: Option<usize>,
    pub vars: VarLayer,
    pub scripts: Vec<usize>,
}

#[derive(Debug)]
pub struct Request {
    /// The item object holding the request.
    pub item_node: NodeId,
    pub scope: usize,
    /// Folder path and name, e.g. `Clients / List clients`.
    pub label: String,
    pub item_pointer: String,
    /// The `request` value (an object, or a URL string).
    pub node: NodeId,
    /// The key node of `"request"`, a short label target.
    pub key_node: NodeId,
    pub pointer: String,
    pub method: String,
    pub url: Option<Url>,
    pub headers: Headers,
    pub body: Option<Body>,
    /// `None`: inherit.
    pub auth: Option<usize>,
    pub vars: VarLayer,
    pub scripts: Vec<usize>,
}

#[derive(Debug)]
pub struct Url {
    /// The `url` value (a string or an object), or the request string itself.
    pub node: NodeId,
    /// The URL as written (`raw`, or rebuilt from its parts when `raw` is missing).
    pub raw: String,
    /// What a label should point at: the `raw` string, the URL string, or (for an object
    /// without `raw`) the `"url"` key.
    pub label_node: NodeId,
    pub pointer: String,
    /// For an object without `raw`: the first `path` segment and its pointer, where a missing
    /// account slug belongs.
    pub first_segment: Option<(NodeId, String)>,
}

#[derive(Debug, Default)]
pub struct Headers {
    /// The `header` value node, when present.
    pub node: Option<NodeId>,
    pub key_node: Option<NodeId>,
    pub pointer: String,
    pub list: Vec<Header>,
}

#[derive(Debug)]
pub struct Header {
    pub name: String,
    pub value: String,
    pub enabled: bool,
    /// The header element (or the header string for string headers).
    pub node: NodeId,
    pub value_node: Option<NodeId>,
    pub disabled_node: Option<NodeId>,
    pub pointer: String,
}

#[derive(Debug)]
pub struct Body {
    pub mode: String,
    pub node: NodeId,
    pub pointer: String,
    /// `urlencoded` / `formdata` fields.
    pub fields: Vec<Field>,
    pub raw: Option<String>,
}

#[derive(Debug)]
pub struct Field {
    pub key: String,
    pub value: Option<NodeId>,
    pub enabled: bool,
    pub pointer: String,
    /// The field object, the array holding it, and its position there.
    pub node: NodeId,
    pub list: NodeId,
    pub index: usize,
}

#[derive(Debug)]
pub struct Auth {
    pub owner: Owner,
    pub node: NodeId,
    pub pointer: String,
    /// `oauth2`, `bearer`, `noauth`, ...
    pub kind: String,
    pub kind_node: Option<NodeId>,
    pub params: Vec<AuthParam>,
}

#[derive(Debug)]
pub struct AuthParam {
    pub key: String,
    pub value: NodeId,
    pub pointer: String,
}

impl Auth {
    /// The parameter under any of `names` (the last one written wins, as in Postman).
    pub fn param(&self, names: &[&str]) -> Option<&AuthParam> {
        self.params
            .iter()
            .rev()
            .find(|p| names.contains(&p.key.as_str()))
    }
}

#[derive(Debug)]
pub struct Script {
    pub owner: Owner,
    /// `prerequest` or `test`.
    pub listen: String,
    pub lines: Vec<ScriptLine>,
}

#[derive(Debug)]
pub struct ScriptLine {
    pub text: String,
    pub span: Span,
    pub pointer: String,
    /// The string node holding the line, and where the line starts in its unescaped value.
    pub node: NodeId,
    pub start: usize,
}

#[derive(Debug)]
pub struct Collection<'d> {
    pub doc: &'d Document,
    pub name: String,
    /// Scope 0 is the collection.
    pub scopes: Vec<Scope>,
    pub requests: Vec<Request>,
    pub auths: Vec<Auth>,
    pub scripts: Vec<Script>,
}

/// A collection `root` (already unwrapped from `{"collection": ...}`, whose pointer is
/// `base_pointer`).
pub fn read_collection<'d>(doc: &'d Document, root: NodeId, base_pointer: &str) -> Collection<'d> {
    let name = doc
        .get(root, "info")
        .and_then(|info| doc.get(info, "name"))
        .or_else(|| doc.get(root, "name"))
        .and_then(|n| doc.scalar_text(n))
        .map(Cow::into_owned)
        .unwrap_or_default();
    let mut reader = Reader {
        doc,
        coll: Collection {
            doc,
            name,
            scopes: Vec::new(),
            requests: Vec::new(),
            auths: Vec::new(),
            scripts: Vec::new(),
        },
    };
    reader.scope(root, None, String::new(), base_pointer.to_owned());
    reader.coll
}

struct Reader<'d> {
    doc: &'d Document,
    coll: Collection<'d>,
}

impl<'d> Reader<'d> {
    fn scope(&mut self, node: NodeId, parent: Option<usize>, path: String, pointer: String) {
        let doc = self.doc;
        let idx = self.coll.scopes.len();
        let vars_origin = if parent.is_none() {
            "the collection variables".to_owned()
        } else {
            format!("the variables of folder `{path}`")
        };
        let vars = read_vars(doc, node, vars_origin);
        self.coll.scopes.push(Scope {
            node,
            parent,
            path: path.clone(),
            pointer: pointer.clone(),
            auth: None,
            vars,
            scripts: Vec::new(),
        });
        let auth = self.auth(node, Owner::Scope(idx), &pointer);
        let scripts = self.scripts(node, Owner::Scope(idx), &pointer);
        let scope = &mut self.coll.scopes[idx];
        scope.auth = auth;
        scope.scripts = scripts;

        let Some(items) = doc.get(node, "item") else {
            return;
        };
        for (i, item) in doc.elements(items).enumerate() {
            if doc.kind(item) != Kind::Object {
                continue;
            }
            let item_pointer = format!("{pointer}/item/{i}");
            let name = doc
                .get(item, "name")
                .and_then(|n| doc.scalar_text(n))
                .map(Cow::into_owned)
                .unwrap_or_else(|| format!("item {i}"));
            let label = if path.is_empty() {
                name
            } else {
                format!("{path} / {name}")
            };
            if doc
                .get(item, "item")
                .is_some_and(|v| doc.kind(v) == Kind::Array)
            {
                self.scope(item, Some(idx), label, item_pointer);
            } else if let Some((key_node, request)) = member(doc, item, "request") {
                self.request(item, key_node, request, idx, label, item_pointer);
            }
        }
    }

    fn request(
        &mut self,
        item: NodeId,
        key_node: NodeId,
        node: NodeId,
        scope: usize,
        label: String,
        item_pointer: String,
    ) {
        let doc = self.doc;
        let idx = self.coll.requests.len();
        let pointer = format!("{item_pointer}/request");
        let mut req = Request {
            item_node: item,
            scope,
            vars: read_vars(doc, item, format!("the variables of request `{label}`")),
            label,
            item_pointer: item_pointer.clone(),
            node,
            key_node,
            pointer: pointer.clone(),
            method: "GET".into(),
            url: None,
            headers: Headers::default(),
            body: None,
            auth: None,
            scripts: Vec::new(),
        };
        match doc.kind(node) {
            Kind::String => {
                req.url = Some(Url {
                    node,
                    raw: doc.as_str(node).unwrap_or_default().into_owned(),
                    label_node: node,
                    pointer: pointer.clone(),
                    first_segment: None,
                });
            }
            Kind::Object => {
                if let Some(m) = doc.get(node, "method").and_then(|m| doc.scalar_text(m)) {
                    if !m.trim().is_empty() {
                        req.method = m.trim().to_ascii_uppercase();
                    }
                }
                req.url = member(doc, node, "url")
                    .and_then(|(key, u)| read_url(doc, key, u, format!("{pointer}/url")));
                req.headers = read_headers(doc, node, &pointer);
                req.body = doc
                    .get(node, "body")
                    .and_then(|b| read_body(doc, b, format!("{pointer}/body")));
            }
            _ => {}
        }
        self.coll.requests.push(req);
        let auth = if doc.kind(node) == Kind::Object {
            self.auth(node, Owner::Request(idx), &pointer)
        } else {
            None
        };
        let scripts = self.scripts(item, Owner::Request(idx), &item_pointer);
        let req = &mut self.coll.requests[idx];
        req.auth = auth;
        req.scripts = scripts;
    }

    /// Reads `parent.auth`; `None` when it is missing, `null`, not an object, or `inherit`.
    fn auth(&mut self, parent: NodeId, owner: Owner, parent_pointer: &str) -> Option<usize> {
        let doc = self.doc;
        let node = doc.get(parent, "auth")?;
        if doc.kind(node) != Kind::Object {
            return None;
        }
        let pointer = format!("{parent_pointer}/auth");
        let kind_node = doc.get(node, "type");
        let kind = kind_node
            .and_then(|t| doc.scalar_text(t))
            .map(|t| t.trim().to_owned())
            .unwrap_or_default();
        if kind.is_empty() || kind == "inherit" {
            return None;
        }
        let mut params = Vec::new();
        if let Some(p) = doc.get(node, &kind) {
            let base = format!("{pointer}/{}", pointer_token(&kind));
            match doc.kind(p) {
                // v2.1: [{"key": ..., "value": ..., "type": ...}]
                Kind::Array => {
                    for (i, el) in doc.elements(p).enumerate() {
                        let key = doc.get(el, "key").and_then(|k| doc.scalar_text(k));
                        if let (Some(key), Some(value)) = (key, doc.get(el, "value")) {
                            params.push(AuthParam {
                                key: key.into_owned(),
                                value,
                                pointer: format!("{base}/{i}/value"),
                            });
                        }
                    }
                }
                // v2.0: {"accessTokenUrl": ..., "grantType": ...}
                Kind::Object => {
                    for (k, value) in doc.members(p) {
                        let key = doc.as_str(k).unwrap_or_default().into_owned();
                        let pointer = format!("{base}/{}", pointer_token(&key));
                        params.push(AuthParam {
                            key,
                            value,
                            pointer,
                        });
                    }
                }
                _ => {}
            }
        }
        let idx = self.coll.auths.len();
        self.coll.auths.push(Auth {
            owner,
            node,
            pointer,
            kind,
            kind_node,
            params,
        });
        Some(idx)
    }

    fn scripts(&mut self, parent: NodeId, owner: Owner, parent_pointer: &str) -> Vec<usize> {
        let doc = self.doc;
        let mut out = Vec::new();
        let Some(events) = doc.get(parent, "event") else {
            return out;
        };
        for (i, ev) in doc.elements(events).enumerate() {
            if doc.get(ev, "disabled").and_then(|d| doc.as_bool(d)) == Some(true) {
                continue;
            }
            let listen = doc
                .get(ev, "listen")
                .and_then(|l| doc.scalar_text(l))
                .map(Cow::into_owned)
                .unwrap_or_default();
            let Some(script) = doc.get(ev, "script") else {
                continue;
            };
            let (exec, exec_pointer) = match doc.kind(script) {
                Kind::Object => match doc.get(script, "exec") {
                    Some(e) => (e, format!("{parent_pointer}/event/{i}/script/exec")),
                    None => continue,
                },
                // Some exporters write the script text directly.
                Kind::String => (script, format!("{parent_pointer}/event/{i}/script")),
                _ => continue,
            };
            let mut lines = Vec::new();
            match doc.kind(exec) {
                Kind::Array => {
                    for (j, line) in doc.elements(exec).enumerate() {
                        let Some(text) = doc.as_str(line) else {
                            continue;
                        };
                        // One exec element may itself hold several lines.
                        push_lines(doc, line, &text, &format!("{exec_pointer}/{j}"), &mut lines);
                    }
                }
                Kind::String => {
                    let text = doc.as_str(exec).unwrap_or_default();
                    push_lines(doc, exec, &text, &exec_pointer, &mut lines);
                }
                _ => continue,
            }
            out.push(self.coll.scripts.len());
            self.coll.scripts.push(Script {
                owner,
                listen,
                lines,
            });
        }
        out
    }
}

fn push_lines(doc: &Document, node: NodeId, text: &str, pointer: &str, out: &mut Vec<ScriptLine>) {
    let mut start = 0;
    for line in text.split('\n') {
        let next = start + line.len() + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        out.push(ScriptLine {
            text: line.to_owned(),
            span: doc.string_subspan(node, start, start + line.len()),
            pointer: pointer.to_owned(),
            node,
            start,
        });
        start = next;
    }
}

/// `obj[key]` with its key node.
fn member(doc: &Document, obj: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
    doc.members(obj).filter(|&(k, _)| doc.str_eq(k, key)).last()
}

fn text_of(doc: &Document, obj: NodeId, key: &str) -> Option<String> {
    doc.get(obj, key)
        .and_then(|v| doc.scalar_text(v))
        .map(Cow::into_owned)
}

fn is_disabled(doc: &Document, obj: NodeId) -> bool {
    doc.get(obj, "disabled").and_then(|d| doc.as_bool(d)) == Some(true)
}

/// `variable` (v2.1) or `variables` (older exports) arrays of `{key|id, value, disabled}`.
fn read_vars(doc: &Document, node: NodeId, origin: String) -> VarLayer {
    let mut layer = VarLayer::new(origin).editable(crate::fix::Target::Linted);
    for list_key in ["variables", "variable"] {
        let Some(list) = doc.get(node, list_key) else {
            continue;
        };
        for var in doc.elements(list) {
            if doc.kind(var) != Kind::Object || is_disabled(doc, var) {
                continue;
            }
            let key = text_of(doc, var, "key").or_else(|| text_of(doc, var, "id"));
            let value = doc.get(var, "value");
            if let (Some(key), Some(value)) = (key, value) {
                if let Some(text) = doc.scalar_text(value) {
                    layer.insert(key.clone(), text.into_owned());
                    layer.set_node(&key, value);
                }
            }
        }
    }
    layer
}

/// A `url` value (under the key node `key`): a string, or an object with `raw` or its parts.
pub fn read_url(doc: &Document, key: NodeId, node: NodeId, pointer: String) -> Option<Url> {
    match doc.kind(node) {
        Kind::String => Some(Url {
            node,
            raw: doc.as_str(node)?.into_owned(),
            label_node: node,
            pointer,
            first_segment: None,
        }),
        Kind::Object => {
            if let Some(raw) = doc
                .get(node, "raw")
                .filter(|r| doc.kind(*r) == Kind::String)
            {
                let text = doc.as_str(raw)?.into_owned();
                if !text.trim().is_empty() {
                    return Some(Url {
                        node,
                        raw: text,
                        label_node: raw,
                        pointer: format!("{pointer}/raw"),
                        first_segment: None,
                    });
                }
            }
            let raw = rebuild_url(doc, node);
            let first_segment = doc
                .get(node, "path")
                .and_then(|p| doc.elements(p).next())
                .map(|seg| (seg, format!("{pointer}/path/0")));
            (!raw.is_empty()).then_some(Url {
                node,
                raw,
                label_node: key,
                pointer,
                first_segment,
            })
        }
        _ => None,
    }
}

/// Rebuilds a URL from `protocol`, `host`, `port` and `path`, as Postman's runtime does.
fn rebuild_url(doc: &Document, node: NodeId) -> String {
    let join = |key: &str, sep: &str| -> String {
        match doc.get(node, key) {
            Some(v) if doc.kind(v) == Kind::Array => doc
                .elements(v)
                .filter_map(|p| match doc.kind(p) {
                    Kind::Object => text_of(doc, p, "value"),
                    _ => doc.scalar_text(p).map(Cow::into_owned),
                })
                .collect::<Vec<_>>()
                .join(sep),
            Some(v) => doc.scalar_text(v).map(Cow::into_owned).unwrap_or_default(),
            None => String::new(),
        }
    };
    let host = join("host", ".");
    if host.is_empty() {
        return String::new();
    }
    let mut url = String::new();
    if let Some(protocol) = text_of(doc, node, "protocol") {
        url.push_str(protocol.trim_end_matches("://").trim_end_matches(':'));
        url.push_str("://");
    }
    url.push_str(&host);
    if let Some(port) = text_of(doc, node, "port") {
        url.push(':');
        url.push_str(&port);
    }
    let path = join("path", "/");
    if !path.is_empty() {
        if !path.starts_with('/') {
            url.push('/');
        }
        url.push_str(&path);
    }
    url
}

fn read_headers(doc: &Document, request: NodeId, request_pointer: &str) -> Headers {
    let pointer = format!("{request_pointer}/header");
    let Some((key_node, node)) = member(doc, request, "header") else {
        return Headers {
            pointer,
            ..Headers::default()
        };
    };
    let mut list = Vec::new();
    match doc.kind(node) {
        Kind::Array => {
            for (i, h) in doc.elements(node).enumerate() {
                if doc.kind(h) != Kind::Object {
                    continue;
                }
                let Some(name) = text_of(doc, h, "key") else {
                    continue;
                };
                list.push(Header {
                    name: name.trim().to_owned(),
                    value: text_of(doc, h, "value").unwrap_or_default(),
                    enabled: !is_disabled(doc, h),
                    node: h,
                    value_node: doc.get(h, "value"),
                    disabled_node: doc.get(h, "disabled"),
                    pointer: format!("{pointer}/{i}"),
                });
            }
        }
        // "Name: value" lines; Postman marks disabled lines with a leading `//`.
        Kind::String => {
            let text = doc.as_str(node).unwrap_or_default();
            for line in text.lines() {
                let (enabled, line) = match line.trim().strip_prefix("//") {
                    Some(rest) => (false, rest),
                    None => (true, line),
                };
                if let Some((name, value)) = line.split_once(':') {
                    list.push(Header {
                        name: name.trim().to_owned(),
                        value: value.trim().to_owned(),
                        enabled,
                        node,
                        value_node: None,
                        disabled_node: None,
                        pointer: pointer.clone(),
                    });
                }
            }
        }
        _ => {}
    }
    Headers {
        node: Some(node),
        key_node: Some(key_node),
        pointer,
        list,
    }
}

fn read_body(doc: &Document, node: NodeId, pointer: String) -> Option<Body> {
    if doc.kind(node) != Kind::Object {
        return None;
    }
    let mode = text_of(doc, node, "mode").unwrap_or_default();
    let mut fields = Vec::new();
    for list_key in ["urlencoded", "formdata"] {
        let Some(list) = doc.get(node, list_key) else {
            continue;
        };
        for (i, f) in doc.elements(list).enumerate() {
            if doc.kind(f) != Kind::Object {
                continue;
            }
            let Some(key) = text_of(doc, f, "key") else {
                continue;
            };
            fields.push(Field {
                key,
                value: doc.get(f, "value"),
                enabled: !is_disabled(doc, f),
                pointer: format!("{pointer}/{list_key}/{i}"),
                node: f,
                list,
                index: i,
            });
        }
    }
    let raw = text_of(doc, node, "raw");
    Some(Body {
        mode,
        node,
        pointer,
        fields,
        raw,
    })
}

impl Body {
    /// Whether the body sends a `grant_type`: an enabled urlencoded or form-data field, form
    /// text in a raw body, or a top-level key of a raw JSON body.
    pub fn has_grant_type(&self) -> bool {
        let field = |mode: &str| mode == "urlencoded" || mode == "formdata" || mode.is_empty();
        if field(&self.mode)
            && self
                .fields
                .iter()
                .any(|f| f.enabled && f.key.trim() == "grant_type")
        {
            return true;
        }
        if self.mode != "raw" && !self.mode.is_empty() {
            return false;
        }
        let Some(raw) = &self.raw else { return false };
        let raw = raw.trim();
        if raw.starts_with('{') {
            return serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(raw)
                .is_ok_and(|m| m.contains_key("grant_type"));
        }
        raw.split('&').any(|pair| {
            pair.split('=')
                .next()
                .is_some_and(|k| k.trim() == "grant_type")
        })
    }
}

impl Collection<'_> {
    /// The auth object (index into `auths`) in force for a request after inheritance:
    /// its own, else its nearest folder's, else the collection's; `noauth` included.
    pub fn effective_auth(&self, request: &Request) -> Option<usize> {
        request
            .auth
            .or_else(|| self.ancestors(request).find_map(|s| s.auth))
    }

    /// The auth object a request placed directly in `scope` would inherit.
    pub fn scope_auth(&self, scope: usize) -> Option<usize> {
        let mut s = Some(scope);
        while let Some(i) = s {
            if let Some(a) = self.scopes[i].auth {
                return Some(a);
            }
            s = self.scopes[i].parent;
        }
        None
    }

    /// The scopes a request sits in, innermost first (its folder, ..., the collection).
    pub fn ancestors(&self, request: &Request) -> impl Iterator<Item = &Scope> {
        let mut next = Some(request.scope);
        std::iter::from_fn(move || {
            let s = &self.scopes[next?];
            next = s.parent;
            Some(s)
        })
    }

    /// Words naming an owner in messages.
    pub fn describe(&self, owner: Owner) -> String {
        match owner {
            Owner::Scope(0) => {
                if self.name.is_empty() {
                    "the collection".to_owned()
                } else {
                    format!("collection `{}`", self.name)
                }
            }
            Owner::Scope(s) => format!("folder `{}`", self.scopes[s].path),
            Owner::Request(r) => format!("request `{}`", self.requests[r].label),
        }
    }

    /// The `item` field of a diagnostic: the folder path and name of what it is about.
    pub fn item_label(&self, owner: Owner) -> Option<String> {
        match owner {
            Owner::Scope(0) => None,
            Owner::Scope(s) => Some(self.scopes[s].path.clone()),
            Owner::Request(r) => Some(self.requests[r].label.clone()),
        }
    }
}
