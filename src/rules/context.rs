//! What every collection rule sees: the collection, its variables (with the
//! `--environment` and `--globals` files), and facts computed once per request and script.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::document::{Document, Needles, NodeId, Span};
use crate::fix::edit::Editor;
use crate::parallel::map_in_order;
use crate::postman::{AuthId, Collection, Owner, Request, RequestId, ScriptId};
use crate::rule_options::RuleOptions;
use crate::scopestack::{Endpoints, UrlParts};
use crate::settings::Settings;
use crate::source::FileId;
use crate::variables::{Resolver, VarLayer};
use typed_index_collections::TiVec;

/// What every rule sees: the collection, variables, and facts computed once per request.
pub struct Context<'a> {
    pub coll: &'a Collection<'a>,
    pub settings: &'a Settings,
    environment: Option<&'a VarLayer>,
    globals: Option<&'a VarLayer>,
    /// Builds fix edits in the collection file's own layout.
    pub editor: Editor<'a>,
    /// Where ScopeStack lives (configurable): the deployment the collection's API requests
    /// call.
    pub endpoints: Endpoints,
    /// `[rules.SSxxx]` options.
    pub options: &'a RuleOptions,
    /// What each request is (its resolved URL, whether it asks for a token, ...).
    pub facts: TiVec<RequestId, RequestFacts>,
    /// Any resolved URL in the collection is on a ScopeStack host.
    pub calls_scopestack: bool,
    /// Per auth object: the requests that use it, directly or by inheritance.
    auth_users: TiVec<AuthId, Vec<RequestId>>,
    /// Pre-request scripts' scanned code, made once and shared by the rules that look for
    /// headers they add.
    codes: TiVec<ScriptId, std::sync::OnceLock<Box<crate::js::Code>>>,
    /// Names of the variables scripts store, found on first use.
    set_by_scripts: std::sync::OnceLock<HashSet<String>>,
    /// The requests scripts send with `pm.sendRequest`, found on first use.
    script_requests: std::sync::OnceLock<Vec<crate::rules::script_requests::ScriptRequest>>,
}

/// A request's resolved URL and what it is.
pub struct RequestFacts {
    pub url: Option<String>,
    pub scopestack: bool,
    /// Sends a `grant_type` or posts to `.../oauth/token`.
    pub token_request: bool,
    /// On the API host and not a token request.
    pub api_request: bool,
    /// Where [`RequestFacts::path`] lies in `url` (one allocation per request, not two).
    path: (u32, u32),
}

impl RequestFacts {
    /// The URL's path after the API base (`/acme/v1/clients`); empty without a URL.
    pub fn path(&self) -> &str {
        self.url
            .as_deref()
            .and_then(|u| u.get(self.path.0 as usize..self.path.1 as usize))
            .unwrap_or("")
    }
}

/// The place of `inner`, a slice of `outer`, in it.
fn range_in(outer: &str, inner: &str) -> (u32, u32) {
    let start = (inner.as_ptr() as usize).wrapping_sub(outer.as_ptr() as usize);
    if start <= outer.len() && inner.len() <= outer.len() - start {
        (start as u32, (start + inner.len()) as u32)
    } else {
        (0, 0)
    }
}

impl<'a> Context<'a> {
    pub fn new(
        coll: &'a Collection<'a>,
        settings: &'a Settings,
        endpoints: &Endpoints,
        options: &'a RuleOptions,
    ) -> Context<'a> {
        let mut cx = Context {
            options,
            endpoints: endpoints.clone(),
            coll,
            settings,
            environment: settings.environment_layer(),
            globals: settings.globals_layer(),
            editor: Editor::new(coll.doc),
            facts: TiVec::new(),
            calls_scopestack: false,
            auth_users: vec![Vec::new(); coll.auths.len()].into(),
            codes: (0..coll.scripts.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            set_by_scripts: std::sync::OnceLock::new(),
            script_requests: std::sync::OnceLock::new(),
        };
        for (r, req) in coll.requests.iter_enumerated() {
            if let Some(a) = coll.effective_auth(req) {
                cx.auth_users[a].push(r);
            }
        }
        // Independent per request.
        cx.facts = map_in_order(coll.doc, coll.requests.as_ref(), |i, req| {
            cx.facts_of(RequestId::from(i), req)
        })
        .into();
        cx.endpoints = endpoints.for_calls(
            cx.facts
                .iter()
                .filter(|f| f.api_request)
                .filter_map(|f| f.url.as_deref())
                .map(|u| UrlParts::parse(u).host),
        );
        cx.calls_scopestack = cx.facts.iter().any(|r| r.scopestack)
            || coll.auths.keys().any(|a| {
                cx.resolve_auth_param(a, &["accessTokenUrl", "authUrl"])
                    .iter()
                    .any(|(_, u)| cx.endpoints.is_scopestack(&UrlParts::parse(u)))
            })
            || cx.script_requests().iter().any(|r| r.scopestack);
        cx
    }

    fn facts_of(&self, r: RequestId, req: &Request<'_>) -> RequestFacts {
        let endpoints = &self.endpoints;
        let doc = self.coll.doc;
        match &req.url {
            Some(url) => {
                let resolved = self.resolve(Owner::Request(r), &url.raw).into_owned();
                let parts = UrlParts::parse(&resolved);
                let token_request = req.body.as_ref().is_some_and(|b| b.has_grant_type(doc))
                    || parts.path.trim_end_matches('/').ends_with("/oauth/token");
                let (scopestack, api) = (endpoints.is_scopestack(&parts), endpoints.is_api(&parts));
                let path = range_in(&resolved, endpoints.api_path(parts.path));
                RequestFacts {
                    scopestack,
                    api_request: api && !token_request,
                    token_request,
                    path,
                    url: Some(resolved),
                }
            }
            None => RequestFacts {
                url: None,
                scopestack: false,
                token_request: req.body.as_ref().is_some_and(|b| b.has_grant_type(doc)),
                api_request: false,
                path: (0, 0),
            },
        }
    }

    /// An auth parameter resolved everywhere it is used: with its owner's variables, and with
    /// those of each request that inherits it (folder variables may differ). Each distinct
    /// result once, the owner's first; empty when the parameter is missing.
    pub fn resolve_auth_param(&self, auth: AuthId, names: &[&str]) -> Vec<(Owner, String)> {
        let a = &self.coll.auths[auth];
        let Some(written) = a.param(names).and_then(|p| self.text(p.value)) else {
            return Vec::new();
        };
        let mut out = vec![(a.owner, self.resolve(a.owner, &written).into_owned())];
        if written.contains("{{") {
            for &r in &self.auth_users[auth] {
                let owner = Owner::Request(r);
                let value = self.resolve(owner, &written);
                if !out.iter().any(|(_, v)| *v == value) {
                    out.push((owner, value.into_owned()));
                }
            }
        }
        out
    }

    /// Variable layers for something owned by `owner`, highest precedence first:
    /// environment, the request's own, its folders (innermost first), the collection, globals.
    pub fn layers(&self, owner: Owner) -> Vec<&'a VarLayer> {
        let coll = self.coll;
        let mut layers = Vec::with_capacity(6);
        layers.extend(self.environment);
        let mut scope = match owner {
            Owner::Request(r) => {
                layers.extend(coll.requests[r].vars.as_deref());
                Some(coll.requests[r].scope)
            }
            Owner::Scope(s) => Some(s),
        };
        while let Some(s) = scope {
            layers.push(&coll.scopes[s].vars);
            scope = coll.scopes[s].parent;
        }
        layers.extend(self.globals);
        layers.retain(|l| !l.is_empty());
        layers
    }

    pub fn resolve<'s>(&self, owner: Owner, text: &'s str) -> Cow<'s, str> {
        if !text.contains("{{") {
            return Cow::Borrowed(text);
        }
        let layers = self.layers(owner);
        Resolver::new(&layers).resolve(text)
    }

    /// The first known variable in `text` and where it is set, e.g. (`token_url`,
    /// "the environment `Staging`"), for messages.
    pub fn variable_origin(&self, owner: Owner, text: &str) -> Option<(String, String)> {
        let layers = self.layers(owner);
        let resolver = Resolver::new(&layers);
        Resolver::references(text).find_map(|name| {
            resolver
                .lookup(name)
                .map(|(_, layer)| (name.to_owned(), layer.origin.clone()))
        })
    }

    /// Script `index` of the collection, scanned (comments blanked, literals located).
    pub fn code(&self, index: ScriptId) -> Cow<'_, crate::js::Code> {
        let script = &self.coll.scripts[index];
        let build = || {
            let lines = script.lines(self.coll.doc);
            crate::js::Code::new(lines.iter().map(|l| l.text.as_ref()))
        };
        // Several rules read pre-request scripts; other scripts are read about once each,
        // and keeping every test script's code (100k of them in the benchmark) costs memory.
        if script.listen == "prerequest" {
            Cow::Borrowed(self.codes[index].get_or_init(|| Box::new(build())))
        } else {
            Cow::Owned(build())
        }
    }

    /// The requests the collection's scripts send with `pm.sendRequest(...)`.
    pub fn script_requests(&self) -> &[crate::rules::script_requests::ScriptRequest] {
        self.script_requests
            .get_or_init(|| crate::rules::script_requests::find(self))
    }

    /// Whether script `index` may mention any of the `names`: a search of its source in the
    /// file, before any scanning.
    pub fn script_mentions(&self, index: ScriptId, names: &Needles) -> bool {
        self.coll
            .doc
            .may_contain(self.coll.scripts[index].exec, names)
    }

    /// Searchers for `names` in the collection's sources (see [`Context::script_mentions`]).
    pub fn needles(&self, names: &[&str]) -> Needles {
        self.coll.doc.needles(names)
    }

    /// Names of the variables any script stores (`pm.environment.set("name", ...)` and the
    /// other setters; commented-out code does not count).
    pub fn variables_set_by_scripts(&self) -> &HashSet<String> {
        self.set_by_scripts.get_or_init(|| {
            let setters = self.needles(crate::postman::VARIABLE_SETTERS);
            let mut names = HashSet::new();
            for i in self.coll.scripts.keys() {
                if !self.script_mentions(i, &setters) {
                    continue;
                }
                for call in self.code(i).calls(crate::postman::VARIABLE_SETTERS) {
                    if let Some(name) = call.args.first().and_then(|a| crate::js::string_literal(a))
                    {
                        names.insert(name.to_owned());
                    }
                }
            }
            names
        })
    }

    /// The document of one of the check's files: the collection's, or the `--environment`
    /// file's (where a fix may correct a variable).
    pub fn document(&self, file: FileId) -> Option<&'a Document> {
        let env = self.settings.environment.as_ref().map(|e| &e.doc);
        std::iter::once(self.coll.doc)
            .chain(env)
            .find(|d| d.file() == file)
    }

    /// Whether any script stores `variable` (`pm.environment.set("variable", ...)` and the
    /// other setters; commented-out code does not count).
    pub fn sets_variable(&self, variable: &str) -> bool {
        self.variables_set_by_scripts().contains(variable)
    }

    /// A value of the collection (an auth object, a parameter), to copy it into a fix.
    pub fn value_of(&self, node: NodeId) -> serde_json::Value {
        self.coll.doc.to_value(node)
    }

    pub fn text(&self, node: NodeId) -> Option<Cow<'a, str>> {
        self.coll.doc.scalar_text(node)
    }

    pub fn span(&self, node: NodeId) -> Span {
        self.coll.doc.span(node)
    }

    /// Requests with their facts.
    pub fn request_facts(
        &self,
    ) -> impl Iterator<Item = (RequestId, &'a Request<'a>, &RequestFacts)> {
        self.coll
            .requests
            .iter_enumerated()
            .zip(&self.facts)
            .map(|((i, r), f)| (i, r, f))
    }

    /// Variables sent as a token: read by bearer auth, an `Authorization` header, or a
    /// pre-request script that adds one.
    pub fn credential_variables(&self) -> HashSet<String> {
        let coll = self.coll;
        let mut names = HashSet::new();
        for auth in coll.auths.iter().filter(|a| a.kind == "bearer") {
            if let Some(token) = auth.param(&["token"]).and_then(|p| self.text(p.value)) {
                names.extend(Resolver::references(&token).map(str::to_owned));
            }
        }
        for req in &coll.requests {
            for h in req
                .headers
                .list
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case("authorization"))
            {
                names.extend(Resolver::references(&h.value).map(str::to_owned));
            }
        }
        // `Authorization` headers that pre-request scripts add. Most scripts are test scripts, and few pre-request scripts name the header: the
        // source is searched before it is scanned (`uthorization`: either case of its `A`).
        let named = self.needles(&["uthorization", "UTHORIZATION"]);
        for (index, script) in coll.scripts.iter_enumerated() {
            if script.listen != "prerequest" || !self.script_mentions(index, &named) {
                continue;
            }
            names.extend(authorization_reads(&self.code(index)));
        }
        names
    }
}

/// The variables a script reads into an `Authorization` header it adds with the Postman
/// SDK: `{{name}}` in the header, `pm.*.get("name")` in it, or in a local it sends whole
/// (`'Bearer ' + t`). A local whose property is sent (`t.access_token`), or a variable parsed
/// as JSON, holds a document that is read correctly.
fn authorization_reads(code: &crate::js::Code) -> HashSet<String> {
    let mut names = HashSet::new();
    for call in code.calls(crate::rules::header_fix::ADDING_HEADERS) {
        let args = call.args.join(",");
        let arg = code
            .value_before(args.trim(), call.start)
            .map_or(args.as_str(), |(_, v)| v);
        if !arg.to_ascii_lowercase().contains("authorization") {
            continue;
        }
        names.extend(Resolver::references(arg).map(str::to_owned));
        let mut read = |text: &str| {
            if text.contains("JSON.parse") {
                return;
            }
            let gets = crate::js::calls(text, crate::postman::VARIABLE_GETTERS);
            names.extend(
                gets.iter()
                    .filter_map(|g| g.args.first().and_then(|a| crate::js::string_literal(a)))
                    .map(str::to_owned),
            );
        };
        read(arg);
        let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
        let mut rest = arg;
        while let Some(start) = rest.find(is_word) {
            let len = rest[start..]
                .find(|c: char| !is_word(c))
                .unwrap_or(rest.len() - start);
            let word = &rest[start..start + len];
            rest = &rest[start + len..];
            if rest.trim_start().starts_with(['.', '[']) {
                continue;
            }
            if let Some((_, value)) = code.value_before(word, call.start) {
                read(value);
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_searched_in_the_file_before_they_are_scanned() {
        let text = r#"{"item": [], "event": [
            {"listen": "test", "script": {"exec": ["pm.environment.set(\"token\", pm.response.json());"]}},
            {"listen": "test", "script": {"exec": ["pm.environment\u002eset(\"token2\", 1);"]}},
            {"listen": "test", "script": {"exec": ["console.log(1);"]}}]}"#;
        let doc = crate::document::Document::parse(text.into()).unwrap();
        let coll = crate::postman::read_collection(&doc, doc.root());
        let (settings, endpoints) = (Settings::default(), Endpoints::default());
        let options = RuleOptions::default();
        let cx = Context::new(&coll, &settings, &endpoints, &options);
        let setters = cx.needles(crate::postman::VARIABLE_SETTERS);
        let [a, b, c] = [0, 1, 2].map(ScriptId::from);
        assert!(cx.script_mentions(a, &setters));
        // Escaped, the name is not in the source text as written: scanned anyway.
        assert!(cx.script_mentions(b, &setters));
        assert!(!cx.script_mentions(c, &setters));
        let set: HashSet<&str> = cx
            .variables_set_by_scripts()
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(set, HashSet::from(["token", "token2"]));
        assert!(cx.sets_variable("token2"));
        assert!(!cx.sets_variable("account_slug"));
    }

    #[test]
    fn credentials_are_what_pre_request_scripts_send_as_authorization() {
        // A header string ending in the local it sends (`'...' + auth_tok`), and a test script's
        // header, added after the request went out: only the first is a credential.
        let text = r#"{"item": [], "event": [
            {"listen": "prerequest", "script": {"exec": ["const auth_tok = pm.environment.get('sess');", "pm.request.headers.add('Authorization: Bearer ' + auth_tok);"]}},
            {"listen": "test", "script": {"exec": ["pm.request.headers.add({key: 'Authorization', value: pm.environment.get('later')});"]}},
            {"listen": "prerequest", "script": {"exec": ["console.log(pm.environment.get('other'));"]}}]}"#;
        let doc = crate::document::Document::parse(text.into()).unwrap();
        let coll = crate::postman::read_collection(&doc, doc.root());
        let (settings, endpoints) = (Settings::default(), Endpoints::default());
        let options = RuleOptions::default();
        let cx = Context::new(&coll, &settings, &endpoints, &options);
        assert_eq!(
            cx.credential_variables(),
            HashSet::from(["sess".to_owned()])
        );
    }
}
