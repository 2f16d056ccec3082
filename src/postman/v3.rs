//! Postman's v3 collections (a folder of YAML files, Postman v12's git-native format) read
//! into the same model as v2: `.resources/definition.yaml` gives the collection's and each
//! folder's auth, variables and scripts, each `*.request.yaml` a request. Both shapes real
//! files use are read: maps and lists of `{key, value, disabled}` for headers, variables,
//! credentials and urlencoded bodies; one auth object or a list of them.

use std::borrow::Cow;

use super::{
    variables_origin, Auth, AuthId, AuthParam, Body, Collection, Example, Field, Header, Headers,
    Owner, Request, Scope, ScopeId, Script, ScriptIds, TreeScope, Url,
};
use crate::document::{Document, Kind, NodeId};
use crate::variables::VarLayer;

/// A folder of a v3 tree (the collection is the top one), as found on disk.
pub struct Folder {
    /// The directory's name (the collection's or folder's name unless `name:` says another).
    pub name: String,
    /// Its path relative to the collection's folder, with `/` (empty for the collection).
    pub dir: String,
    /// The root of its `.resources/definition.yaml` (an empty mapping when it has none).
    pub definition: NodeId,
    pub has_definition: bool,
    pub folders: Vec<Folder>,
    /// Its requests: the file name's stem and the file's root.
    pub requests: Vec<(String, NodeId)>,
    /// Its saved examples: the stem of the request they belong to, their own stem, and the
    /// file's root.
    pub examples: Vec<(String, String, NodeId)>,
}

/// The collection a v3 tree describes.
pub fn read_tree<'d>(doc: &'d Document, top: &Folder) -> Collection<'d> {
    let name = text(doc, top.definition, "name")
        .map(Cow::into_owned)
        .unwrap_or_else(|| top.name.clone());
    let mut reader = Reader {
        doc,
        coll: Collection::empty(doc, name),
    };
    reader.folder(top, None, String::new());
    reader.coll
}

struct Reader<'d> {
    doc: &'d Document,
    coll: Collection<'d>,
}

/// A child of a folder, to put in Postman's order.
enum Child<'f> {
    Folder(&'f Folder),
    Request(NodeId),
}

impl<'d> Reader<'d> {
    fn folder(&mut self, folder: &Folder, parent: Option<ScopeId>, path: String) {
        let doc = self.doc;
        let node = folder.definition;
        let scope = self.coll.scopes.next_key();
        let vars = variables(doc, node, || variables_origin(parent.is_none(), &path));
        let auth = self.auth(node, Owner::Scope(scope));
        let scripts = self.scripts(node, Owner::Scope(scope), "http:");
        self.coll.scopes.push(Scope {
            node,
            parent,
            path: path.clone(),
            auth,
            vars,
            scripts,
        });
        self.coll.tree.push(TreeScope {
            dir: folder.dir.clone(),
            has_definition: folder.has_definition,
        });
        // Folders and requests together, by `order`, then by name (Postman's order).
        let mut children: Vec<(Option<f64>, String, Child)> = Vec::new();
        for f in &folder.folders {
            let name = text(doc, f.definition, "name")
                .map(Cow::into_owned)
                .unwrap_or_else(|| f.name.clone());
            children.push((order(doc, f.definition), name, Child::Folder(f)));
        }
        for (stem, root) in &folder.requests {
            let name = text(doc, *root, "name")
                .map(Cow::into_owned)
                .unwrap_or_else(|| stem.clone());
            children.push((order(doc, *root), name, Child::Request(*root)));
        }
        children.sort_by(|a, b| by_order(a.0, b.0).then_with(|| a.1.cmp(&b.1)));
        for (_, name, child) in children {
            match child {
                Child::Folder(f) => {
                    let path = if path.is_empty() {
                        name
                    } else {
                        format!("{path} / {name}")
                    };
                    self.folder(f, Some(scope), path);
                }
                Child::Request(root) => self.request(root, scope, name),
            }
        }
        for (request, stem, root) in &folder.examples {
            self.example(folder, scope, request, stem, *root);
        }
    }

    fn request(&mut self, root: NodeId, scope: ScopeId, name: String) {
        let doc = self.doc;
        let id = self.coll.requests.next_key();
        let url_key = doc.members(root).find(|(k, _)| doc.str_eq(*k, "url"));
        let key_node = url_key
            .map(|(k, _)| k)
            .or_else(|| doc.members(root).next().map(|(k, _)| k))
            .unwrap_or(root);
        let method = text(doc, root, "method")
            .filter(|m| !m.trim().is_empty())
            .map_or(Cow::Borrowed("GET"), |m| {
                Cow::Owned(m.trim().to_ascii_uppercase())
            });
        let url = url_key.and_then(|(_, node)| {
            let raw = doc.scalar_text(node)?;
            Some(Url {
                node,
                raw,
                label_node: node,
                pointer_node: node,
                first_segment: None,
            })
        });
        let req = Request {
            item_node: root,
            scope,
            name: Cow::Owned(name),
            node: root,
            key_node,
            method,
            url,
            headers: headers(doc, root),
            body: doc.get(root, "body").and_then(|b| body(doc, b)),
            auth: self
                .auth(root, Owner::Request(id))
                .or_else(|| self.selected_entry(root, scope)),
            vars: None,
            scripts: self.scripts(root, Owner::Request(id), ""),
        };
        self.coll.requests.push(req);
    }

    /// `auth`: one object, or a list whose last entry is in force (as Postman CLI 1.34.0
    /// reads it); every entry is an auth object the rules judge. `None` when missing or
    /// `inherit`.
    fn auth(&mut self, parent: NodeId, owner: Owner) -> Option<AuthId> {
        let doc = self.doc;
        let node = doc.get(parent, "auth")?;
        let entries: Vec<NodeId> = match doc.kind(node) {
            Kind::Object => vec![node],
            Kind::Array => doc.elements(node).collect(),
            _ => return None,
        };
        let mut in_force = None;
        for entry in entries {
            if doc.kind(entry) != Kind::Object {
                continue;
            }
            let kind_node = doc.get(entry, "type");
            let kind = kind_node
                .and_then(|t| doc.scalar_text(t))
                .map(|t| Cow::<str>::Owned(t.trim().to_owned()))
                .unwrap_or_default();
            if kind.is_empty() || kind == "inherit" {
                in_force = None;
                continue;
            }
            let params = doc
                .get(entry, "credentials")
                .map(|c| pairs(doc, c))
                .unwrap_or_default()
                .into_iter()
                .map(|p| AuthParam {
                    key: p.key,
                    value: p.value,
                })
                .collect();
            in_force = Some(self.coll.auths.push_and_get_key(Auth {
                owner,
                node: entry,
                kind,
                kind_node,
                params,
            }));
        }
        in_force
    }

    /// A saved example (`$kind: http-example`): what its `request` sent.
    fn example(
        &mut self,
        folder: &Folder,
        scope: ScopeId,
        request: &str,
        stem: &str,
        root: NodeId,
    ) {
        let doc = self.doc;
        let owner = folder
            .requests
            .iter()
            .find(|(s, _)| s == request)
            .and_then(|(_, node)| {
                self.coll
                    .requests
                    .iter_enumerated()
                    .find(|(_, r)| r.node == *node)
                    .map(|(id, _)| Owner::Request(id))
            })
            .unwrap_or(Owner::Scope(scope));
        let Some(sent) = doc
            .get(root, "request")
            .filter(|r| doc.kind(*r) == Kind::Object)
        else {
            return;
        };
        self.coll.examples.push(Example {
            owner,
            name: text(doc, root, "name").unwrap_or_else(|| Cow::Owned(stem.to_owned())),
            headers: headers(doc, sent),
            fields: doc
                .get(sent, "body")
                .and_then(|b| body(doc, b))
                .map(|b| b.fields)
                .unwrap_or_default(),
        });
    }

    /// `auth: {type: inherit, credentials: {id: ID}}` (the id as a map entry or a `{key,
    /// value}` pair): the entry with that id of the nearest folder, or of the collection,
    /// whose auth list has one (how a request picks an entry other than the last).
    fn selected_entry(&self, request: NodeId, scope: ScopeId) -> Option<AuthId> {
        let doc = self.doc;
        let auth = doc.get(request, "auth")?;
        if text(doc, auth, "type").as_deref().map(str::trim) != Some("inherit") {
            return None;
        }
        let wanted = doc
            .get(auth, "credentials")
            .map(|c| pairs(doc, c))
            .unwrap_or_default()
            .into_iter()
            .find(|p| p.enabled && p.key == "id")
            .and_then(|p| doc.scalar_text(p.value))?;
        let mut at = Some(scope);
        while let Some(s) = at {
            let found = self.coll.auths.iter_enumerated().find(|(_, a)| {
                a.owner == Owner::Scope(s)
                    && text(doc, a.node, "id").is_some_and(|id| id.trim() == wanted.trim())
            });
            if let Some((id, _)) = found {
                return Some(id);
            }
            at = self.coll.scopes[s].parent;
        }
        None
    }

    /// `scripts`: `[{type, code}]`, `type` `beforeRequest` or `afterResponse` (with `prefix`,
    /// `http:`, in definitions).
    fn scripts(&mut self, parent: NodeId, owner: Owner, prefix: &str) -> ScriptIds {
        let doc = self.doc;
        let first = self.coll.scripts.next_key();
        let Some(list) = doc.get(parent, "scripts") else {
            return ScriptIds::default();
        };
        for entry in doc.elements(list) {
            let kind = text(doc, entry, "type").unwrap_or_default();
            let listen = match kind.trim().strip_prefix(prefix) {
                Some("beforeRequest") => "prerequest",
                Some("afterResponse") => "test",
                _ => continue,
            };
            let Some(code) = doc
                .get(entry, "code")
                .filter(|c| doc.kind(*c) == Kind::String)
            else {
                continue;
            };
            self.coll.scripts.push(Script {
                owner,
                listen: Cow::Borrowed(listen),
                exec: code,
            });
        }
        ScriptIds::between(first, self.coll.scripts.next_key())
    }
}

fn text<'d>(doc: &'d Document, obj: NodeId, key: &str) -> Option<Cow<'d, str>> {
    doc.get(obj, key).and_then(|v| doc.scalar_text(v))
}

fn order(doc: &Document, obj: NodeId) -> Option<f64> {
    doc.get(obj, "order")
        .filter(|o| doc.kind(*o) == Kind::Number)
        .and_then(|o| doc.raw(o).parse().ok())
}

/// `(key, value node, enabled)` of a map `{key: value}` or a list `[{key, value, disabled}]`.
fn pairs(doc: &Document, node: NodeId) -> Vec<Pair<'_>> {
    match doc.kind(node) {
        Kind::Object => doc
            .members(node)
            .enumerate()
            .filter_map(|(index, (k, v))| {
                Some(Pair {
                    key: doc.as_str(k)?,
                    value: v,
                    enabled: true,
                    index,
                    disabled: None,
                })
            })
            .collect(),
        Kind::Array => doc
            .elements(node)
            .enumerate()
            .filter_map(|(index, e)| {
                let key = text(doc, e, "key")?;
                let value = doc.get(e, "value")?;
                let disabled = doc.get(e, "disabled");
                let off = disabled.and_then(|d| doc.as_bool(d)) == Some(true);
                Some(Pair {
                    key,
                    value,
                    enabled: !off,
                    index,
                    disabled,
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// An entry of a map (`key: value`) or of a list of `{key, value, disabled}`.
struct Pair<'d> {
    key: Cow<'d, str>,
    value: NodeId,
    enabled: bool,
    /// Its place in the map or list.
    index: usize,
    /// A list entry's `disabled` flag.
    disabled: Option<NodeId>,
}

/// `variables` of a definition: enabled ones, with where each value is defined.
fn variables(doc: &Document, node: NodeId, origin: impl FnOnce() -> String) -> VarLayer {
    let mut layer = VarLayer::new(origin()).editable(doc.file_of(node));
    if let Some(vars) = doc.get(node, "variables") {
        for Pair {
            key,
            value,
            enabled,
            ..
        } in pairs(doc, vars)
        {
            if !enabled {
                continue;
            }
            if let Some(text) = doc.scalar_text(value) {
                layer.insert(key.clone().into_owned(), text.into_owned());
                layer.set_node(&key, value);
            }
        }
    }
    layer
}

fn headers(doc: &Document, request: NodeId) -> Headers<'_> {
    let Some((key, node)) = doc
        .members(request)
        .find(|(k, _)| doc.str_eq(*k, "headers"))
    else {
        return Headers::default();
    };
    let list = pairs(doc, node)
        .into_iter()
        .map(|p| Header {
            name: p.key,
            value: doc.scalar_text(p.value).unwrap_or_default(),
            enabled: p.enabled,
            node: p.value,
            value_node: Some(p.value),
            disabled_node: p.disabled,
        })
        .collect();
    Headers {
        node: Some(node),
        key_node: Some(key),
        list,
    }
}

/// `body: {type, content}`: urlencoded and form fields, or the text of the raw types.
fn body(doc: &Document, node: NodeId) -> Option<Body<'_>> {
    let kind = text(doc, node, "type")?;
    let content = doc.get(node, "content");
    let mode = match kind.trim() {
        "urlencoded" => "urlencoded",
        "formdata" => "formdata",
        "json" | "text" | "xml" | "html" | "javascript" => "raw",
        other => {
            return Some(Body {
                mode: Cow::Owned(other.to_owned()),
                fields: Vec::new(),
                raw: None,
            })
        }
    };
    let fields = match (mode, content) {
        ("urlencoded" | "formdata", Some(list)) => pairs(doc, list)
            .into_iter()
            .map(|p| Field {
                key: p.key,
                value: Some(p.value),
                enabled: p.enabled,
                node: p.value,
                list,
                index: p.index,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some(Body {
        mode: Cow::Borrowed(mode),
        fields,
        raw: content.filter(|c| mode == "raw" && doc.kind(*c) == Kind::String),
    })
}

/// Postman's order of siblings by their `order`: ascending, those without one last.
pub fn by_order(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    let key = |o: Option<f64>| o.unwrap_or(f64::INFINITY);
    key(a).total_cmp(&key(b))
}

/// The order of a request file or folder definition (`order:`), when it has a number.
pub fn order_of(doc: &Document, obj: NodeId) -> Option<f64> {
    order(doc, obj)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postman::RequestId;
    use crate::source::FileId;
    use crate::text::Text;

    #[test]
    fn reads_a_migrated_tree_like_its_v2_export() {
        let definition = "$kind: collection\nname: Probe\nvariables:\n  token_url: https://app.scopestack.io/oauth/token\nauth:\n  - id: a\n    type: oauth2\n    name: oauth2 auth\n    credentials:\n      accessTokenUrl: \"{{token_url}}\"\n      grant_type: password_credentials\nscripts:\n  - type: http:beforeRequest\n    code: console.log(1)\n";
        let folder = "$kind: collection\norder: 2000\n";
        let first = "$kind: http-request\nurl: https://api.scopestack.io/acme/v1/clients\nmethod: get\nheaders:\n  - key: Accept\n    value: application/vnd.api+json\n    disabled: true\norder: 1000\n";
        let second = "$kind: http-request\nname: Token please\nurl: \"{{token_url}}\"\nmethod: POST\nbody:\n  type: urlencoded\n  content:\n    grant_type: password\nauth:\n  type: noauth\nscripts:\n  - type: afterResponse\n    code: |-\n      pm.environment.set(\"t\", pm.response.json());\n";
        let (doc, errors) = Document::parse_yaml_files_lenient(&[
            (FileId::LINTED, Text::from(definition)),
            (FileId::LINTED, Text::from(folder)),
            (FileId::LINTED, Text::from(first)),
            (FileId::LINTED, Text::from(second)),
        ])
        .unwrap();
        assert!(errors.is_empty());
        let roots: Vec<NodeId> = doc.parts().iter().map(|p| p.root).collect();
        let top = Folder {
            name: "dir".into(),
            dir: String::new(),
            definition: roots[0],
            has_definition: true,
            folders: vec![Folder {
                name: "Clients".into(),
                dir: "Clients".into(),
                definition: roots[1],
                has_definition: true,
                folders: Vec::new(),
                requests: vec![("List clients".into(), roots[2])],
                examples: Vec::new(),
            }],
            requests: vec![("token".into(), roots[3])],
            examples: Vec::new(),
        };
        let coll = read_tree(&doc, &top);
        assert_eq!(coll.name, "Probe");
        // The request (no order) after the folder (order 2000).
        let names: Vec<&str> = coll.requests.iter().map(|r| r.name.as_ref()).collect();
        assert_eq!(names, ["List clients", "Token please"]);
        let list = &coll.requests[RequestId::from(0)];
        assert_eq!(list.method, "GET");
        assert_eq!(
            list.url.as_ref().unwrap().raw,
            "https://api.scopestack.io/acme/v1/clients"
        );
        assert!(!list.headers.list[0].enabled);
        assert_eq!(coll.scopes[list.scope].path, "Clients");
        let auth = &coll.auths[coll.effective_auth(list).unwrap()];
        assert_eq!(auth.kind, "oauth2");
        assert_eq!(
            doc.as_str(auth.param(&["grant_type"]).unwrap().value)
                .unwrap(),
            "password_credentials"
        );
        let token = &coll.requests[RequestId::from(1)];
        assert_eq!(coll.auths[token.auth.unwrap()].kind, "noauth");
        assert!(token.body.as_ref().unwrap().has_grant_type(&doc));
        assert_eq!(
            coll.scopes[ScopeId::COLLECTION].vars.get("token_url"),
            Some("https://app.scopestack.io/oauth/token")
        );
        let listens: Vec<&str> = coll.scripts.iter().map(|s| s.listen.as_ref()).collect();
        assert_eq!(listens, ["prerequest", "test"]);
    }
}
