//! The Postman collection model: requests, auth objects, headers, bodies and scripts, each
//! with the node and JSON pointer it came from. Reads v2.0 and v2.1 alike, including the
//! shapes real exporters write (string URLs and requests, header strings, single-string
//! scripts, `null` everywhere, legacy OAuth 2.0 key names).

pub mod environment;
pub mod v3;
pub mod v3_request;

use std::borrow::Cow;

use crate::document::{Document, Index, Kind, NodeId, Span};
use crate::variables::VarLayer;

use typed_index_collections::TiVec;

/// Typed positions in a collection's lists, so that a request's position can never be taken
/// for a scope's; an `Option` of one (a request's auth, ...) takes 4 bytes ([`Index`]).
macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Index);

        impl From<usize> for $name {
            fn from(i: usize) -> Self {
                $name(Index::new(i as u32))
            }
        }

        impl From<$name> for usize {
            fn from(id: $name) -> usize {
                id.0.get() as usize
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), usize::from(*self))
            }
        }
    )*};
}

ids!(
    /// A scope: the collection or a folder.
    ScopeId,
    /// A request.
    RequestId,
    /// An auth object (of the collection, a folder or a request).
    AuthId,
    /// A script (an `event`'s `exec`).
    ScriptId
);

impl ScopeId {
    /// The collection itself.
    pub const COLLECTION: ScopeId = ScopeId(Index::FIRST);
}

/// The scripts of one owner. They are read one after another, so they lie side by side in
/// [`Collection::scripts`]: two numbers, where a list cost 24 bytes and an allocation for
/// each of 100,000 requests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScriptIds {
    start: u32,
    end: u32,
}

impl ScriptIds {
    /// From the first script read to the next one to be (none when they are the same).
    pub fn between(first: ScriptId, next: ScriptId) -> ScriptIds {
        let (start, end) = (usize::from(first) as u32, usize::from(next) as u32);
        ScriptIds { start, end }
    }

    pub fn iter(&self) -> impl Iterator<Item = ScriptId> + use<> {
        (self.start as usize..self.end as usize).map(ScriptId::from)
    }
}

/// A place in a scope's `item` list: where a request is, or where a fix inserts one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub scope: ScopeId,
    /// The position in the scope's `item` array.
    pub index: usize,
}

/// Who owns an auth object or a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The collection ([`ScopeId::COLLECTION`]) or a folder.
    Scope(ScopeId),
    Request(RequestId),
}

// The model keeps node ids and borrows text from the document: JSON pointers, labels and
// unescaped copies are made only for what a finding is about (on the 100k-request benchmark
// this took the model from 244 MB and 0.6 s to a fraction of both).

/// The collection itself or a folder: something requests inherit auth and scripts from.
#[derive(Debug)]
pub struct Scope {
    /// The collection or folder object.
    pub node: NodeId,
    pub parent: Option<ScopeId>,
    /// Folder path, e.g. `Admin / Users`; empty for the collection.
    pub path: String,
    /// `None`: inherit from the parent.
    pub auth: Option<AuthId>,
    pub vars: VarLayer,
    pub scripts: ScriptIds,
}

#[derive(Debug)]
pub struct Request<'d> {
    /// The item object holding the request.
    pub item_node: NodeId,
    pub scope: ScopeId,
    /// The item's name (`item N` when it has none); [`Collection::label`] adds the folders.
    pub name: Cow<'d, str>,
    /// The `request` value (an object, or a URL string).
    pub node: NodeId,
    /// The key node of `"request"`, a short label target.
    pub key_node: NodeId,
    pub method: Cow<'d, str>,
    pub url: Option<Url<'d>>,
    pub headers: Headers<'d>,
    pub body: Option<Body<'d>>,
    /// `None`: inherit.
    pub auth: Option<AuthId>,
    /// Request variables, rare enough to be boxed: a `VarLayer` is 150 bytes.
    pub vars: Option<Box<VarLayer>>,
    pub scripts: ScriptIds,
}

#[derive(Debug)]
pub struct Url<'d> {
    /// The `url` value (a string or an object), or the request string itself.
    pub node: NodeId,
    /// The URL as written (`raw`, or rebuilt from its parts when `raw` is missing).
    pub raw: Cow<'d, str>,
    /// What a label should point at: the `raw` string, the URL string, or (for an object
    /// without `raw`) the `"url"` key.
    pub label_node: NodeId,
    /// What a finding's JSON pointer names: the `raw` string, or the URL value.
    pub pointer_node: NodeId,
    /// For an object without `raw`: the first `path` segment, where a missing account slug
    /// belongs.
    pub first_segment: Option<NodeId>,
}

#[derive(Debug, Default)]
pub struct Headers<'d> {
    /// The `header` value node, when present.
    pub node: Option<NodeId>,
    pub key_node: Option<NodeId>,
    pub list: Vec<Header<'d>>,
}

#[derive(Debug)]
pub struct Header<'d> {
    pub name: Cow<'d, str>,
    pub value: Cow<'d, str>,
    pub enabled: bool,
    /// The header element (or the header string for string headers).
    pub node: NodeId,
    pub value_node: Option<NodeId>,
    pub disabled_node: Option<NodeId>,
}

#[derive(Debug)]
pub struct Body<'d> {
    pub mode: Cow<'d, str>,
    /// `urlencoded` / `formdata` fields.
    pub fields: Vec<Field<'d>>,
    /// The `raw` text's node (read when needed: raw JSON bodies are escaped, so reading
    /// them means a copy).
    pub raw: Option<NodeId>,
}

#[derive(Debug)]
pub struct Field<'d> {
    pub key: Cow<'d, str>,
    pub value: Option<NodeId>,
    pub enabled: bool,
    /// The field object, the array holding it, and its position there.
    pub node: NodeId,
    pub list: NodeId,
    pub index: usize,
}

#[derive(Debug)]
pub struct Auth<'d> {
    pub owner: Owner,
    pub node: NodeId,
    /// `oauth2`, `bearer`, `noauth`, ...
    pub kind: Cow<'d, str>,
    pub kind_node: Option<NodeId>,
    pub params: Vec<AuthParam<'d>>,
}

#[derive(Debug)]
pub struct AuthParam<'d> {
    pub key: Cow<'d, str>,
    pub value: NodeId,
}

impl Auth<'_> {
    /// The parameter under any of `names` (the last one written wins, as in Postman).
    pub fn param(&self, names: &[&str]) -> Option<&AuthParam<'_>> {
        self.params
            .iter()
            .rev()
            .find(|p| names.contains(&p.key.as_ref()))
    }
}

#[derive(Debug)]
pub struct Script<'d> {
    pub owner: Owner,
    /// `prerequest` or `test`.
    pub listen: Cow<'d, str>,
    /// `exec`: an array of strings, or one string.
    pub exec: NodeId,
}

impl<'d> Script<'d> {
    /// The script's lines, made when asked for: most scripts are scanned once and never
    /// reported on, so keeping their lines would only hold memory.
    pub fn lines(&self, doc: &'d Document) -> Vec<ScriptLine<'d>> {
        let mut lines = Vec::new();
        match doc.kind(self.exec) {
            // One exec element may itself hold several lines.
            Kind::Array => doc
                .elements(self.exec)
                .for_each(|line| push_lines(doc, line, &mut lines)),
            _ => push_lines(doc, self.exec, &mut lines),
        }
        lines
    }
}

#[derive(Debug)]
pub struct ScriptLine<'d> {
    pub text: Cow<'d, str>,
    /// The string node holding the line, and where the line starts in its unescaped value.
    pub node: NodeId,
    pub start: usize,
}

impl ScriptLine<'_> {
    /// The line's bytes in the source.
    pub fn span(&self, doc: &Document) -> Span {
        doc.string_subspan(self.node, self.start, self.start + self.text.len())
    }
}

#[derive(Debug)]
pub struct Collection<'d> {
    pub doc: &'d Document,
    pub name: String,
    /// [`ScopeId::COLLECTION`] is the collection.
    pub scopes: TiVec<ScopeId, Scope>,
    pub requests: TiVec<RequestId, Request<'d>>,
    pub auths: TiVec<AuthId, Auth<'d>>,
    pub scripts: TiVec<ScriptId, Script<'d>>,
    /// For a v12 tree, where each scope lives on disk (empty for a v2 export).
    pub tree: TiVec<ScopeId, TreeScope>,
    /// Saved examples (responses saved with the request that got them).
    pub examples: Vec<Example<'d>>,
}

/// A saved example: a response and the request that got it (a v2.1 item's `response[]` with
/// its `originalRequest`, a v12 `*.example.yaml`). Only what it sent is read: its headers
/// and form fields, whose credentials are often real ones.
#[derive(Debug)]
pub struct Example<'d> {
    /// The request it was saved with (the folder, for a v12 example whose request is gone).
    pub owner: Owner,
    pub name: Cow<'d, str>,
    pub headers: Headers<'d>,
    pub fields: Vec<Field<'d>>,
}

/// A folder of a v12 tree (the collection's is the first).
#[derive(Debug)]
pub struct TreeScope {
    /// Relative to the collection's folder, with `/` (empty for the collection).
    pub dir: String,
    /// Whether it has a `.resources/definition.yaml` (else an empty one is read in its place).
    pub has_definition: bool,
}

impl<'d> Collection<'d> {
    /// Whether this collection was read from a v12 tree (else from a v2 export).
    pub fn is_tree(&self) -> bool {
        !self.tree.is_empty()
    }

    /// A collection named `name` with nothing in it yet, for a reader to fill.
    fn empty(doc: &'d Document, name: String) -> Collection<'d> {
        Collection {
            doc,
            name,
            scopes: TiVec::new(),
            requests: TiVec::new(),
            auths: TiVec::new(),
            scripts: TiVec::new(),
            tree: TiVec::new(),
            examples: Vec::new(),
        }
    }
}

/// A collection `root` (already unwrapped from `{"collection": ...}`).
///
/// Read in three steps, so that a big file's requests are read on every core: the folders,
/// one after another, with a placeholder for each request (its item, name and folder); then
/// each request's contents, its auth, scripts and saved examples (split between threads for
/// a big file); then the auths and scripts of both joined in document order, so that ids
/// are what one walk through the file would give.
pub fn read_collection(doc: &Document, root: NodeId) -> Collection<'_> {
    read(doc, root, crate::parallel::worth_splitting(doc))
}

/// [`read_collection`], the requests split between threads or not.
fn read(doc: &Document, root: NodeId, split: bool) -> Collection<'_> {
    let name = doc
        .get(root, "info")
        .and_then(|info| doc.get(info, "name"))
        .or_else(|| doc.get(root, "name"))
        .and_then(|n| doc.scalar_text(n))
        .map(Cow::into_owned)
        .unwrap_or_default();
    let mut walk = Walk {
        doc,
        scopes: TiVec::new(),
        requests: TiVec::new(),
        owned: Owned::default(),
        requests_before: Vec::new(),
    };
    // Postman exports spend 1-3 KB of JSON per request: reserving for one per 600 bytes
    // means the list is never copied to grow, and the pages it does not use are never
    // touched.
    walk.requests.reserve(doc.text().len() / 600);
    crate::memory::prefer_huge_pages(&walk.requests.raw);
    walk.scope(root, None, String::new());
    let Walk {
        scopes,
        mut requests,
        owned,
        requests_before,
        ..
    } = walk;
    let parts = read_requests(doc, &scopes, &mut requests, split);
    let mut coll = Collection::empty(doc, name);
    coll.scopes = scopes;
    coll.requests = requests;
    coll.join(owned, parts, &requests_before);
    coll
}

/// What reading owners (folders, or a run of requests) gives besides the owners: their auth
/// objects and scripts, in the order read, and the requests' saved examples. An owner's
/// `auth` and `scripts` count its own here until [`Collection::join`] numbers them.
#[derive(Default)]
struct Owned<'d> {
    auths: Vec<Auth<'d>>,
    scripts: Vec<Script<'d>>,
    examples: Vec<Example<'d>>,
}

impl<'d> Owned<'d> {
    /// Reads `parent.auth`: `Some` (a placeholder id, which [`Collection::join`] replaces)
    /// when there is one to keep.
    fn auth(&mut self, doc: &'d Document, parent: NodeId, owner: Owner) -> Option<AuthId> {
        self.auths.push(read_auth(doc, parent, owner)?);
        Some(AuthId::from(0))
    }

    /// Reads `parent.event`'s scripts: the range they take here.
    fn scripts(&mut self, doc: &'d Document, parent: NodeId, owner: Owner) -> ScriptIds {
        let first = ScriptId::from(self.scripts.len());
        read_scripts(doc, parent, owner, &mut self.scripts);
        ScriptIds::between(first, ScriptId::from(self.scripts.len()))
    }
}

impl<'d> Collection<'d> {
    /// Numbers the auths and scripts of the folders (`scopes`) and of the requests (`parts`,
    /// in request order) as one walk through the file meets them: a folder's when it is
    /// entered, after the requests before it (`requests_before`, by folder).
    fn join(&mut self, scopes: Owned<'d>, parts: Vec<Owned<'d>>, requests_before: &[usize]) {
        // Each list grows once, not by doubling (which copies it and touches fresh pages).
        let count = |f: fn(&Owned<'d>) -> usize| f(&scopes) + parts.iter().map(f).sum::<usize>();
        self.auths.reserve(count(|o| o.auths.len()));
        self.scripts.reserve(count(|o| o.scripts.len()));
        let (mut request_auths, mut request_scripts) = {
            let mut auths = Vec::with_capacity(parts.len());
            let mut scripts = Vec::with_capacity(parts.len());
            for part in parts {
                self.examples.extend(part.examples);
                auths.push(part.auths);
                scripts.push(part.scripts);
            }
            (auths.into_iter().flatten(), scripts.into_iter().flatten())
        };
        let (mut scope_auths, mut scope_scripts) =
            (scopes.auths.into_iter(), scopes.scripts.into_iter());
        let mut r = 0;
        let all = self.requests.len();
        for (s, &before) in requests_before.iter().chain([&all]).enumerate() {
            while r < before {
                let req = &mut self.requests[RequestId::from(r)];
                number(
                    (&mut req.auth, &mut req.scripts),
                    (&mut request_auths, &mut request_scripts),
                    (&mut self.auths, &mut self.scripts),
                );
                r += 1;
            }
            if let Some(scope) = self.scopes.get_mut(ScopeId::from(s)) {
                number(
                    (&mut scope.auth, &mut scope.scripts),
                    (&mut scope_auths, &mut scope_scripts),
                    (&mut self.auths, &mut self.scripts),
                );
            }
        }
    }
}

/// Moves one owner's auth and scripts from what was read (`from`) to the collection's lists
/// (`to`), and gives the owner their ids there.
fn number<'d>(
    (auth, scripts): (&mut Option<AuthId>, &mut ScriptIds),
    from: (
        &mut impl Iterator<Item = Auth<'d>>,
        &mut impl Iterator<Item = Script<'d>>,
    ),
    to: (
        &mut TiVec<AuthId, Auth<'d>>,
        &mut TiVec<ScriptId, Script<'d>>,
    ),
) {
    if auth.is_some() {
        *auth = from.0.next().map(|a| to.0.push_and_get_key(a));
    }
    let first = to.1.next_key();
    to.1.extend(from.1.take((scripts.end - scripts.start) as usize));
    *scripts = ScriptIds::between(first, to.1.next_key());
}

/// The first step: folders, and a placeholder for each request.
struct Walk<'d> {
    doc: &'d Document,
    scopes: TiVec<ScopeId, Scope>,
    requests: TiVec<RequestId, Request<'d>>,
    /// The folders' auths and scripts.
    owned: Owned<'d>,
    /// By folder: how many requests come before it in the file.
    requests_before: Vec<usize>,
}

impl<'d> Walk<'d> {
    fn scope(&mut self, node: NodeId, parent: Option<ScopeId>, path: String) {
        let doc = self.doc;
        let idx = self.scopes.next_key();
        self.requests_before.push(self.requests.len());
        let vars = read_vars(doc, node, || variables_origin(parent.is_none(), &path));
        let auth = self.owned.auth(doc, node, Owner::Scope(idx));
        let scripts = self.owned.scripts(doc, node, Owner::Scope(idx));
        self.scopes.push(Scope {
            node,
            parent,
            path,
            auth,
            vars,
            scripts,
        });

        let Some(items) = doc.get(node, "item") else {
            return;
        };
        for (i, item) in doc.elements(items).enumerate() {
            if doc.kind(item) != Kind::Object {
                continue;
            }
            let [name, sub, request] = doc.named_members(item, ["name", "item", "request"]);
            let name = name
                .and_then(|(_, n)| doc.scalar_text(n))
                .unwrap_or_else(|| Cow::Owned(format!("item {i}")));
            if sub.is_some_and(|(_, v)| doc.kind(v) == Kind::Array) {
                let path = &self.scopes[idx].path;
                let path = if path.is_empty() {
                    name.into_owned()
                } else {
                    format!("{path} / {name}")
                };
                self.scope(item, Some(idx), path);
            } else if let Some((key_node, node)) = request {
                self.requests.push(Request {
                    item_node: item,
                    scope: idx,
                    name,
                    node,
                    key_node,
                    method: Cow::Borrowed("GET"),
                    url: None,
                    headers: Headers::default(),
                    body: None,
                    auth: None,
                    vars: None,
                    scripts: ScriptIds::default(),
                });
            }
        }
    }
}

/// The second step: every request's contents, in runs of requests (on every core when
/// `split`); what each run owns besides, in request order.
fn read_requests<'d>(
    doc: &'d Document,
    scopes: &TiVec<ScopeId, Scope>,
    requests: &mut TiVec<RequestId, Request<'d>>,
    split: bool,
) -> Vec<Owned<'d>> {
    use rayon::prelude::*;
    let run = |first: usize, requests: &mut [Request<'d>]| {
        let mut owned = Owned::default();
        for (i, req) in requests.iter_mut().enumerate() {
            read_request(doc, scopes, RequestId::from(first + i), req, &mut owned);
        }
        owned
    };
    if !split {
        return vec![run(0, &mut requests.raw)];
    }
    // Runs small enough for the cores to share unevenly sized requests.
    let size = requests
        .len()
        .div_ceil(rayon::current_num_threads() * 16)
        .max(64);
    requests
        .raw
        .par_chunks_mut(size)
        .enumerate()
        .map(|(i, requests)| run(i * size, requests))
        .collect()
}

/// Fills in the request `idx` whose placeholder the walk made.
fn read_request<'d>(
    doc: &'d Document,
    scopes: &TiVec<ScopeId, Scope>,
    idx: RequestId,
    req: &mut Request<'d>,
    owned: &mut Owned<'d>,
) {
    let (item, node) = (req.item_node, req.node);
    req.vars = Some(read_vars(doc, item, || {
        format!(
            "the variables of request `{}`",
            label(&scopes[req.scope].path, &req.name)
        )
    }))
    .filter(|v| !v.is_empty())
    .map(Box::new);
    match doc.kind(node) {
        Kind::String => {
            req.url = Some(Url {
                node,
                raw: doc.as_str(node).unwrap_or_default(),
                label_node: node,
                pointer_node: node,
                first_segment: None,
            });
        }
        Kind::Object => {
            let [method, url, body] = doc.named_members(node, ["method", "url", "body"]);
            let method = method.and_then(|(_, m)| doc.scalar_text(m));
            if let Some(m) = method.filter(|m| !m.trim().is_empty()) {
                // Exports write methods upper-case: borrow them as they are.
                req.method =
                    if m.trim().len() == m.len() && !m.bytes().any(|b| b.is_ascii_lowercase()) {
                        m
                    } else {
                        Cow::Owned(m.trim().to_ascii_uppercase())
                    };
            }
            req.url = url.and_then(|(key, u)| read_url(doc, key, u));
            req.headers = read_headers(doc, node);
            req.body = body.and_then(|(_, b)| read_body(doc, b));
            req.auth = owned.auth(doc, node, Owner::Request(idx));
        }
        _ => {}
    }
    req.scripts = owned.scripts(doc, item, Owner::Request(idx));
    let responses = doc.get(item, "response").into_iter();
    for (i, response) in responses.flat_map(|r| doc.elements(r)).enumerate() {
        let Some(sent) = doc
            .get(response, "originalRequest")
            .filter(|r| doc.kind(*r) == Kind::Object)
        else {
            continue;
        };
        owned.examples.push(Example {
            owner: Owner::Request(idx),
            name: text_of(doc, response, "name")
                .unwrap_or_else(|| Cow::Owned(format!("response {i}"))),
            headers: read_headers(doc, sent),
            fields: doc
                .get(sent, "body")
                .and_then(|b| read_body(doc, b))
                .map(|b| b.fields)
                .unwrap_or_default(),
        });
    }
}

/// `parent.auth`; `None` when it is missing, `null`, not an object, or `inherit`.
fn read_auth(doc: &Document, parent: NodeId, owner: Owner) -> Option<Auth<'_>> {
    let node = doc.get(parent, "auth")?;
    if doc.kind(node) != Kind::Object {
        return None;
    }
    let kind_node = doc.get(node, "type");
    let kind = kind_node
        .and_then(|t| doc.scalar_text(t))
        .map(trimmed)
        .unwrap_or_default();
    if kind.is_empty() || kind == "inherit" {
        return None;
    }
    let mut params = Vec::new();
    if let Some(p) = doc.get(node, &kind) {
        match doc.kind(p) {
            // v2.1: [{"key": ..., "value": ..., "type": ...}]
            Kind::Array => {
                for el in doc.elements(p) {
                    let [key, value] = doc.fields(el, ["key", "value"]);
                    let key = key.and_then(|k| doc.scalar_text(k));
                    if let (Some(key), Some(value)) = (key, value) {
                        params.push(AuthParam { key, value });
                    }
                }
            }
            // v2.0: {"accessTokenUrl": ..., "grantType": ...}
            Kind::Object => {
                for (k, value) in doc.members(p) {
                    let key = doc.as_str(k).unwrap_or_default();
                    params.push(AuthParam { key, value });
                }
            }
            _ => {}
        }
    }
    Some(Auth {
        owner,
        node,
        kind,
        kind_node,
        params,
    })
}

/// The enabled scripts of `parent.event`, added to `out`.
fn read_scripts<'d>(doc: &'d Document, parent: NodeId, owner: Owner, out: &mut Vec<Script<'d>>) {
    let Some(events) = doc.get(parent, "event") else {
        return;
    };
    for ev in doc.elements(events) {
        let [disabled, listen, script] = doc.fields(ev, ["disabled", "listen", "script"]);
        if disabled.and_then(|d| doc.as_bool(d)) == Some(true) {
            continue;
        }
        let listen = listen.and_then(|l| doc.scalar_text(l)).unwrap_or_default();
        let Some(script) = script else {
            continue;
        };
        let exec = match doc.kind(script) {
            Kind::Object => match doc.get(script, "exec") {
                Some(e) => e,
                None => continue,
            },
            // Some exporters write the script text directly.
            Kind::String => script,
            _ => continue,
        };
        if !matches!(doc.kind(exec), Kind::Array | Kind::String) {
            continue;
        }
        out.push(Script {
            owner,
            listen,
            exec,
        });
    }
}

/// The script calls that store a variable (`pm.environment.set("name", value)`).
pub const VARIABLE_SETTERS: &[&str] = &[
    "pm.environment.set",
    "pm.collectionVariables.set",
    "pm.globals.set",
    "pm.variables.set",
    "postman.setEnvironmentVariable",
    "postman.setGlobalVariable",
];

/// The script calls that read a variable back (`pm.environment.get("name")`).
pub const VARIABLE_GETTERS: &[&str] = &[
    "pm.environment.get",
    "pm.collectionVariables.get",
    "pm.globals.get",
    "pm.variables.get",
    "postman.getEnvironmentVariable",
    "postman.getGlobalVariable",
];

/// `path / name`, or `name` at the top.
/// Where a scope's variables come from, in messages.
fn variables_origin(collection: bool, folder_path: &str) -> String {
    if collection {
        "the collection variables".to_owned()
    } else {
        format!("the variables of folder `{folder_path}`")
    }
}

fn label(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path} / {name}")
    }
}

/// The lines of the string `node`, each borrowed from the document when it needs no
/// unescaping (most script lines do need it: `\"` is common in JavaScript).
fn push_lines<'d>(doc: &'d Document, node: NodeId, out: &mut Vec<ScriptLine<'d>>) {
    let Some(text) = doc.as_str(node) else {
        return;
    };
    let borrowed = match text {
        Cow::Borrowed(b) => Some(b),
        Cow::Owned(_) => None,
    };
    let mut start = 0;
    for line in text.split('\n') {
        let end = start + line.strip_suffix('\r').unwrap_or(line).len();
        out.push(ScriptLine {
            text: match borrowed {
                Some(b) => Cow::Borrowed(&b[start..end]),
                None => Cow::Owned(text[start..end].to_owned()),
            },
            node,
            start,
        });
        start += line.len() + 1;
    }
}

/// `obj[key]` with its key node.
fn member(doc: &Document, obj: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
    doc.members(obj).filter(|&(k, _)| doc.str_eq(k, key)).last()
}

fn text_of<'d>(doc: &'d Document, obj: NodeId, key: &str) -> Option<Cow<'d, str>> {
    doc.get(obj, key).and_then(|v| doc.scalar_text(v))
}

/// `variable` (v2.1) or `variables` (older exports) arrays of `{key|id, value, disabled}`.
/// `origin` names the layer in messages; it is only built when there are variables.
fn read_vars(doc: &Document, node: NodeId, origin: impl FnOnce() -> String) -> VarLayer {
    let mut layer: Option<VarLayer> = None;
    let mut origin = Some(origin);
    for list_key in ["variables", "variable"] {
        let Some(list) = doc.get(node, list_key) else {
            continue;
        };
        for var in doc.elements(list) {
            let [key, id, value, disabled] = doc.fields(var, ["key", "id", "value", "disabled"]);
            if doc.kind(var) != Kind::Object || disabled.and_then(|d| doc.as_bool(d)) == Some(true)
            {
                continue;
            }
            let key = key
                .and_then(|k| doc.scalar_text(k))
                .or_else(|| id.and_then(|i| doc.scalar_text(i)));
            if let (Some(key), Some(value)) = (key, value) {
                if let Some(text) = doc.scalar_text(value) {
                    let layer = layer.get_or_insert_with(|| {
                        let origin = origin.take().map(|f| f()).unwrap_or_default();
                        VarLayer::new(origin).editable(doc.file())
                    });
                    layer.insert(key.clone().into_owned(), text.into_owned());
                    layer.set_node(&key, value);
                }
            }
        }
    }
    layer.unwrap_or_else(|| VarLayer::new(String::new()).editable(doc.file()))
}

/// A `url` value (under the key node `key`): a string, or an object with `raw` or its parts.
pub fn read_url(doc: &Document, key: NodeId, node: NodeId) -> Option<Url<'_>> {
    match doc.kind(node) {
        Kind::String => Some(Url {
            node,
            raw: doc.as_str(node)?,
            label_node: node,
            pointer_node: node,
            first_segment: None,
        }),
        Kind::Object => {
            if let Some(raw) = doc
                .get(node, "raw")
                .filter(|r| doc.kind(*r) == Kind::String)
            {
                let text = doc.as_str(raw)?;
                if !text.trim().is_empty() {
                    return Some(Url {
                        node,
                        raw: text,
                        label_node: raw,
                        pointer_node: raw,
                        first_segment: None,
                    });
                }
            }
            let raw = rebuild_url(doc, node);
            let first_segment = doc.get(node, "path").and_then(|p| doc.elements(p).next());
            (!raw.is_empty()).then_some(Url {
                node,
                raw: Cow::Owned(raw),
                label_node: key,
                pointer_node: node,
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
                    _ => doc.scalar_text(p),
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

/// `text` trimmed, still borrowed when it was.
fn trimmed(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
        Cow::Owned(o) if o.trim().len() == o.len() => Cow::Owned(o),
        Cow::Owned(o) => Cow::Owned(o.trim().to_owned()),
    }
}

fn read_headers(doc: &Document, request: NodeId) -> Headers<'_> {
    let Some((key_node, node)) = member(doc, request, "header") else {
        return Headers::default();
    };
    let mut list = Vec::new();
    match doc.kind(node) {
        Kind::Array => {
            // Sized first: a list that grows by doubling keeps up to twice what it holds.
            list.reserve_exact(doc.elements(node).count());
            for h in doc.elements(node) {
                if doc.kind(h) != Kind::Object {
                    continue;
                }
                let [key, value_node, disabled_node] = doc.fields(h, ["key", "value", "disabled"]);
                let Some(name) = key.and_then(|k| doc.scalar_text(k)) else {
                    continue;
                };
                list.push(Header {
                    name: trimmed(name),
                    value: value_node
                        .and_then(|v| doc.scalar_text(v))
                        .unwrap_or_default(),
                    enabled: disabled_node.and_then(|d| doc.as_bool(d)) != Some(true),
                    node: h,
                    value_node,
                    disabled_node,
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
                        name: Cow::Owned(name.trim().to_owned()),
                        value: Cow::Owned(value.trim().to_owned()),
                        enabled,
                        node,
                        value_node: None,
                        disabled_node: None,
                    });
                }
            }
        }
        _ => {}
    }
    Headers {
        node: Some(node),
        key_node: Some(key_node),
        list,
    }
}

fn read_body(doc: &Document, node: NodeId) -> Option<Body<'_>> {
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
            let [key, value, disabled] = doc.fields(f, ["key", "value", "disabled"]);
            let Some(key) = key.and_then(|k| doc.scalar_text(k)) else {
                continue;
            };
            fields.push(Field {
                key,
                value,
                enabled: disabled.and_then(|d| doc.as_bool(d)) != Some(true),
                node: f,
                list,
                index: i,
            });
        }
    }
    let raw = doc.get(node, "raw");
    Some(Body { mode, fields, raw })
}

impl Body<'_> {
    /// Whether the body sends a `grant_type`: an enabled urlencoded or form-data field, form
    /// text in a raw body, or a top-level key of a raw JSON body.
    pub fn has_grant_type(&self, doc: &Document) -> bool {
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
        let Some(node) = self.raw else { return false };
        // Reading an escaped raw body means a copy, and a JSON one a parse: most bodies are
        // not token requests, and say so without `grant_type` in their source text (a body
        // spelling it with `\u` escapes goes the long way).
        if !doc.may_contain_str(node, "grant_type") {
            return false;
        }
        let Some(raw) = doc.scalar_text(node) else {
            return false;
        };
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
    pub fn effective_auth(&self, request: &Request<'_>) -> Option<AuthId> {
        request
            .auth
            .or_else(|| self.ancestors(request).find_map(|s| s.auth))
    }

    /// The auth object a request placed directly in `scope` would inherit.
    pub fn scope_auth(&self, scope: ScopeId) -> Option<AuthId> {
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
    pub fn ancestors(&self, request: &Request<'_>) -> impl Iterator<Item = &Scope> {
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
            Owner::Scope(ScopeId::COLLECTION) => {
                if self.name.is_empty() {
                    "the collection".to_owned()
                } else {
                    format!("collection `{}`", self.name)
                }
            }
            Owner::Scope(s) => format!("folder `{}`", self.scopes[s].path),
            Owner::Request(r) => format!("request `{}`", self.label(&self.requests[r])),
        }
    }

    /// The `item` field of a diagnostic: the folder path and name of what it is about.
    pub fn item_label(&self, owner: Owner) -> Option<String> {
        match owner {
            Owner::Scope(ScopeId::COLLECTION) => None,
            Owner::Scope(s) => Some(self.scopes[s].path.clone()),
            Owner::Request(r) => Some(self.label(&self.requests[r])),
        }
    }

    /// A request's folder path and name, e.g. `Clients / List clients`.
    pub fn label(&self, request: &Request<'_>) -> String {
        label(&self.scopes[request.scope].path, &request.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(text: &str) -> Document {
        Document::parse(text.into()).unwrap()
    }

    /// A collection of folders and requests, each with or without an auth, scripts and
    /// saved examples: read with its requests split between threads, every auth and script
    /// is numbered as one walk through the file meets it (the owners listed here in that
    /// order), each owner points at its own, and nothing differs from reading it whole.
    #[test]
    fn requests_read_on_several_threads_are_numbered_in_file_order() {
        use std::fmt::Write;
        let auth = |on: bool| {
            if on {
                r#""auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{t}}"}]},"#
            } else {
                ""
            }
        };
        let events = |n: usize| {
            let one = r#"{"listen": "test", "script": {"exec": ["pm.test('x')"]}}"#;
            let off = r#"{"listen": "test", "disabled": true, "script": {"exec": ["x"]}}"#;
            let list: Vec<&str> = (0..n).map(|_| one).chain([off]).collect();
            format!(r#""event": [{}],"#, list.join(","))
        };
        // (owner, has auth, scripts) in the order one walk meets them.
        let mut expected: Vec<(String, bool, usize)> = Vec::new();
        let mut request = |text: &mut String, name: String| {
            let i = expected.len();
            let (a, n) = (i % 3 == 0, i % 4);
            let examples = if i % 5 == 0 {
                r#""response": [{"name": "saved", "originalRequest": {"method": "GET"}}],"#
            } else {
                ""
            };
            write!(
                text,
                r#"{{"name": "{name}", {} {examples} "request": {{{} "method": "GET", "url": "https://api.scopestack.io/acme/v1/x"}}}}"#,
                events(n),
                auth(a),
            )
            .unwrap();
            expected.push((name, a, n));
        };
        let mut text = String::from(r#"{"info": {"name": "c"}, "#);
        text.push_str(auth(true));
        text.push_str(&events(1));
        text.push_str(r#""item": ["#);
        let mut scopes = vec![(String::new(), true, 1)];
        for f in 0..40 {
            let name = format!("folder {f}");
            // A folder's auth and scripts come after some of its requests in the text,
            // and are still met when the folder is entered.
            text.push_str(&format!(r#"{{"name": "{name}", "item": ["#));
            for r in 0..30 {
                if r > 0 {
                    text.push(',');
                }
                request(&mut text, format!("{name} request {r}"));
            }
            text.push_str(&format!(
                "], {} {} \"x\": 1}},",
                auth(f % 2 == 0),
                events(f % 3)
            ));
            scopes.push((name, f % 2 == 0, f % 3));
        }
        request(&mut text, "last".to_owned());
        text.push_str("]}");
        let doc = collection(&text);
        let (whole, split) = (read(&doc, doc.root(), false), read(&doc, doc.root(), true));
        assert_eq!(split.requests.len(), 1201);

        let owner_name = |c: &Collection, o: Owner| match o {
            Owner::Scope(s) => c.scopes[s].path.clone(),
            Owner::Request(r) => c.requests[r].name.to_string(),
        };
        // The walk: the collection, then each folder's requests after entering it.
        let mut walk: Vec<(String, bool, usize)> = vec![scopes[0].clone()];
        for (f, folder) in scopes.iter().skip(1).enumerate() {
            walk.push(folder.clone());
            walk.extend(expected[f * 30..(f + 1) * 30].iter().cloned());
        }
        walk.push(expected[1200].clone());
        for c in [&whole, &split] {
            let auths: Vec<String> = c.auths.iter().map(|a| owner_name(c, a.owner)).collect();
            let want: Vec<String> = walk.iter().filter(|w| w.1).map(|w| w.0.clone()).collect();
            assert_eq!(auths, want);
            let scripts: Vec<String> = c.scripts.iter().map(|s| owner_name(c, s.owner)).collect();
            let want: Vec<String> = walk
                .iter()
                .flat_map(|w| std::iter::repeat_n(w.0.clone(), w.2))
                .collect();
            assert_eq!(scripts, want);
            for (id, a) in c.auths.iter_enumerated() {
                let own = match a.owner {
                    Owner::Scope(s) => c.scopes[s].auth,
                    Owner::Request(r) => c.requests[r].auth,
                };
                assert_eq!(own, Some(id));
            }
            for (id, s) in c.scripts.iter_enumerated() {
                let own = match s.owner {
                    Owner::Scope(o) => c.scopes[o].scripts,
                    Owner::Request(r) => c.requests[r].scripts,
                };
                assert!(own.iter().any(|i| i == id), "{id:?}");
            }
            let examples: Vec<String> = c.examples.iter().map(|e| owner_name(c, e.owner)).collect();
            let want: Vec<String> = (0..1201)
                .filter(|i| i % 5 == 0)
                .map(|i| expected[i].0.clone())
                .collect();
            assert_eq!(examples, want);
        }
    }

    #[test]
    fn optional_ids_take_four_bytes() {
        assert_eq!(size_of::<Option<NodeId>>(), 4);
        assert_eq!(size_of::<Option<AuthId>>(), 4);
        assert_eq!(usize::from(AuthId::from(7)), 7);
        assert_eq!(ScopeId::COLLECTION, ScopeId::from(0));
        assert!(RequestId::from(1) < RequestId::from(2));
    }

    #[test]
    fn each_owner_has_its_own_scripts() {
        let script = |listen: &str, code: &str| {
            format!(r#"{{"listen": "{listen}", "script": {{"exec": ["{code}"]}}}}"#)
        };
        let text = format!(
            r#"{{"event": [{c}], "item": [
                {{"name": "F", "event": [{f1}, {{"listen": "test"}}, {f2}], "item": [
                    {{"name": "a", "request": {{"url": "x"}}}},
                    {{"name": "b", "event": [{b}], "request": {{"url": "y"}}}}]}}]}}"#,
            c = script("prerequest", "c"),
            f1 = script("prerequest", "f1"),
            f2 = script("test", "f2"),
            b = script("test", "b"),
        );
        let doc = collection(&text);
        let coll = read_collection(&doc, doc.root());
        let codes = |ids: ScriptIds, owner: Owner| -> Vec<String> {
            ids.iter()
                .map(|s| {
                    assert_eq!(coll.scripts[s].owner, owner);
                    coll.scripts[s].lines(&doc)[0].text.to_string()
                })
                .collect()
        };
        let folder = ScopeId::from(1);
        assert_eq!(
            codes(
                coll.scopes[ScopeId::COLLECTION].scripts,
                Owner::Scope(ScopeId::COLLECTION)
            ),
            ["c"]
        );
        assert_eq!(
            codes(coll.scopes[folder].scripts, Owner::Scope(folder)),
            ["f1", "f2"]
        );
        let (a, b) = (RequestId::from(0), RequestId::from(1));
        assert!(codes(coll.requests[a].scripts, Owner::Request(a)).is_empty());
        assert_eq!(codes(coll.requests[b].scripts, Owner::Request(b)), ["b"]);
    }

    fn first_body_grant(text: &str) -> bool {
        let doc = collection(text);
        let coll = read_collection(&doc, doc.root());
        coll.requests[RequestId::from(0)]
            .body
            .as_ref()
            .is_some_and(|b| b.has_grant_type(&doc))
    }

    #[test]
    fn raw_bodies_are_read_only_when_they_may_hold_a_grant_type() {
        let with = |raw: &str| {
            format!(r#"{{"item": [{{"request": {{"body": {{"mode": "raw", "raw": {raw}}}}}}}]}}"#)
        };
        assert!(first_body_grant(&with(
            r#""grant_type=password&username=u""#
        )));
        assert!(first_body_grant(&with(
            r#""{\"grant_type\": \"password\"}""#
        )));
        // Spelled with an escape, the source text does not show it: still found.
        assert!(first_body_grant(&with(r#""grant\u005ftype=password""#)));
        assert!(!first_body_grant(&with(
            r#""{\"data\": {\"type\": \"clients\"}}""#
        )));
        assert!(!first_body_grant(&with(r#""{\"note\": \"grant_type\"}""#)));
    }

    #[test]
    fn text_is_borrowed_where_it_needs_no_change() {
        let doc = collection(
            r#"{"item": [{"name": "A", "request": {"method": "POST", "url": "https://x/y",
                "header": [{"key": " Accept ", "value": "v"}]}},
                {"name": "B", "request": {"method": " get ", "url": "https://x/\u00e9"}},
                {"name": "C", "request": {"method": "patch", "url": "https://x"}},
                {"name": "D", "request": {"method": " PUT ", "url": "https://x"}}]}"#,
        );
        let coll = read_collection(&doc, doc.root());
        let (a, b) = (
            &coll.requests[RequestId::from(0)],
            &coll.requests[RequestId::from(1)],
        );
        assert!(matches!(a.method, Cow::Borrowed("POST")));
        assert!(matches!(
            a.url.as_ref().unwrap().raw,
            Cow::Borrowed("https://x/y")
        ));
        assert!(matches!(a.headers.list[0].name, Cow::Borrowed("Accept")));
        assert_eq!(b.method, "GET");
        assert_eq!(b.url.as_ref().unwrap().raw, "https://x/\u{e9}");
        assert_eq!(coll.label(b), "B");
        // Read upper-case and without blanks, however the file writes them.
        assert_eq!(coll.requests[RequestId::from(2)].method, "PATCH");
        assert_eq!(coll.requests[RequestId::from(3)].method, "PUT");
    }

    /// `inherit`, a blank type or no type is no auth of a request's own: it inherits.
    #[test]
    fn inherited_and_typeless_auth_is_no_auth_of_its_own() {
        let doc = collection(
            r#"{"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{t}}"}]},
                "item": [
                {"name": "A", "request": {"url": "https://x", "auth": {"type": "inherit"}}},
                {"name": "B", "request": {"url": "https://x", "auth": {"type": " "}}},
                {"name": "C", "request": {"url": "https://x", "auth": {"basic": []}}},
                {"name": "D", "request": {"url": "https://x", "auth": {"type": "noauth"}}}]}"#,
        );
        let coll = read_collection(&doc, doc.root());
        let own: Vec<bool> = coll.requests.iter().map(|r| r.auth.is_some()).collect();
        assert_eq!(own, [false, false, false, true]);
        let kinds: Vec<&str> = coll.auths.iter().map(|a| a.kind.as_ref()).collect();
        assert_eq!(kinds, ["bearer", "noauth"]);
    }

    #[test]
    fn script_lines_are_made_on_request() {
        let doc = collection(
            r#"{"item": [], "event": [{"listen": "test", "script": {"exec": ["a();", "b(\"x\");\r\nc();"]}},
                {"listen": "prerequest", "script": "one\ntwo"}]}"#,
        );
        let coll = read_collection(&doc, doc.root());
        let texts = |i: usize| -> Vec<String> {
            coll.scripts[ScriptId::from(i)]
                .lines(&doc)
                .iter()
                .map(|l| l.text.to_string())
                .collect()
        };
        assert_eq!(texts(0), ["a();", "b(\"x\");", "c();"]);
        assert_eq!(texts(1), ["one", "two"]);
        let lines = coll.scripts[ScriptId::from(0)].lines(&doc);
        assert_eq!(
            &doc.text()[lines[0].span(&doc).start..lines[0].span(&doc).end],
            "a();"
        );
        assert_eq!(
            &doc.text()[lines[2].span(&doc).start..lines[2].span(&doc).end],
            "c();"
        );
    }
}
