use serde_json::json;

use crate::diagnostic::{Diagnostic, Pointer, Rule, Severity};
use crate::document::Kind;
use crate::fix::{Edit, Fix};
use crate::postman::{Owner, RequestId, ScopeId, Slot, Url};
use crate::rules::har_context::{HarContext, Place};
use crate::rules::{cure, password_helpers, script_requests};
use crate::rules::{Checks, Context, RuleInfo};
use crate::scopestack::display_url;
use crate::source::FileId;
use crate::variables::Resolver;

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS005",
        name: "missing-account-slug",
        summary: "An API path without the account slug before /v1/",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        collection: Some(check),
        har: Some(check_har),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS005 missing-account-slug

## What it catches
A request to the ScopeStack API (`api.scopestack.io`) whose path starts with `/v1/`: the
account slug segment is missing. `/v1/me` is the one endpoint that lives without a slug. Any
first segment before `/v1/` counts as a slug, `{{account_slug}}` included. One finding per
request, pointing at its URL. An API call a script sends with `pm.sendRequest(...)` counts
too (pointing at its URL in the script, without a fix).

## Why it breaks
Every ScopeStack API resource lives under an account:
`https://api.scopestack.io/{account-slug}/v1/clients`. Without the slug the API answers
"resource not found" (404), which looks like a missing record rather than a wrong URL.

## Example
```json
"url": "https://api.scopestack.io/v1/clients"
```

## Cure
Put the account slug before `/v1/`:
`https://api.scopestack.io/{{account_slug}}/v1/clients`. The slug is
`data.attributes["account-slug"]` in the answer to `GET https://api.scopestack.io/v1/me`.

## Fix (safe)
`--fix` inserts `{{account_slug}}` before `/v1/`, in `raw` and in `path` alike; when the
collection's other paths already use a slug variable (`/{{slug}}/v1/...`) that has a value or
that a script sets, that variable instead, and nothing more. When no
variable defines `account_slug`, it is declared in the collection's variables; when no request
sets it, one is made to: the collection's own `GET /v1/me` request, when it has one, gets a
test script line that stores `pm.response.json().data.attributes["account-slug"]` in
`account_slug`; else a request `Get ScopeStack account slug` is inserted, after the token
request when that runs before the first request that needs the slug, else just before that
request: `GET https://api.scopestack.io/v1/me` (`{{baseUrl}}/v1/me` when the requests write
the API's base URL as a variable) with the JSON:API `Accept` header and that test script.
In a Postman v12 tree the slug request is a new file, `Get ScopeStack account slug.request.yaml`,
ordered in the same place, a `/v1/me` request gets an `afterResponse` script, and
`account_slug` is declared in the collection definition's `variables`.
It is safe: a path without a slug only ever answers "not found".
"#;

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // Where a slug request would go: the same for every finding, so found once.
    let slug_at = std::cell::OnceCell::new();
    for (r, req, facts) in cx.request_facts() {
        if !needs_slug(facts) {
            continue;
        }
        let path = facts.path();
        let Some(url) = &req.url else { continue };
        let shown = display_url(facts.url.as_deref().unwrap_or(&url.raw));
        out.push(Diagnostic {
            rule: &RULE,
            severity: RULE.severity,
            file: FileId::LINTED,
            message: format!(
                "request `{}` calls `{shown}` without an account slug before `/v1/`",
                cx.coll.label(req)
            ),
            help: format!(
                "Use `{}/{{{{account_slug}}}}{path}`. Only `/v1/me` lives without a slug; the \
                 slug is `data.attributes[\"account-slug\"]` of `GET {}`.",
                cx.endpoints.api.url,
                cx.endpoints.me_url()
            )
            .into(),
            label: "no account slug before /v1/".to_owned().into(),
            item: Some(cx.coll.label(req)),
            pointer: Pointer::Node(url.first_segment.unwrap_or(url.pointer_node)),
            span: cx.span(url.first_segment.unwrap_or(url.label_node)),
            fix: fix(cx, r, url, &slug_at),
        });
    }
    for request in cx.script_requests().iter().filter(|r| r.api_request) {
        let path = request.path.as_str();
        if !slugless(path) {
            continue;
        }
        let Some((piece, _)) = request.url else {
            continue;
        };
        out.extend(script_requests::diagnostic(
            cx,
            &RULE,
            request,
            piece,
            format!("{} has no account slug before `/v1/`", request.describe(cx)),
            format!(
                "Put the account slug before `/v1/` (`{}/{{{{account_slug}}}}{path}`); the slug is \
                 `data.attributes[\"account-slug\"]` of `GET {}`.",
                cx.endpoints.api.url,
                cx.endpoints.me_url()
            ),
            "no account slug before /v1/",
        ));
    }
}

const SLUG: &str = "{{account_slug}}";

/// `{{account_slug}}` before `/v1/` in the URL (`raw` and `path` alike), the collection
/// variable declared when nothing defines it, and a request that fills it when none does.
fn fix(
    cx: &Context,
    r: RequestId,
    url: &Url,
    slug_at: &std::cell::OnceCell<SlugStep>,
) -> Option<Fix> {
    let doc = cx.coll.doc;
    let ed = &cx.editor;
    let mut edits = Vec::new();
    // The slug variable the collection's other paths use, when it has a value or a script
    // sets it; else `account_slug`.
    let reused = slug_variable(cx, r);
    let slug = reused
        .as_deref()
        .map_or(SLUG.to_owned(), |n| format!("{{{{{n}}}}}"));
    let slug = slug.as_str();
    match doc.kind(url.node) {
        Kind::String => {
            let at = v1_position(&url.raw)?;
            edits.push(ed.edit_in_string(url.node, at, at, &format!("/{slug}")));
        }
        Kind::Object => {
            if let Some(raw) = doc
                .get(url.node, "raw")
                .filter(|n| doc.kind(*n) == Kind::String)
            {
                let text = doc.as_str(raw)?;
                if !text.trim().is_empty() {
                    let at = v1_position(&text)?;
                    edits.push(ed.edit_in_string(raw, at, at, &format!("/{slug}")));
                }
            }
            if let Some(path) = doc.get(url.node, "path") {
                match doc.kind(path) {
                    Kind::Array => {
                        let segment = |n| match doc.kind(n) {
                            Kind::Object => doc.get(n, "value").and_then(|v| doc.as_str(v)),
                            _ => doc.as_str(n),
                        };
                        let v1 = doc
                            .elements(path)
                            .position(|n| segment(n).is_some_and(|s| s == "v1"))?;
                        edits.push(ed.insert_elements(path, v1, &[json!(slug)]));
                    }
                    Kind::String => {
                        let text = doc.as_str(path)?;
                        let at = usize::from(text.starts_with('/'));
                        text[at..].starts_with("v1").then_some(())?;
                        edits.push(ed.edit_in_string(path, at, at, &format!("{slug}/")));
                    }
                    _ => {}
                }
            }
        }
        _ => return None,
    }
    if edits.is_empty() {
        return None;
    }
    if reused.is_some() {
        return Some(Fix::safe(format!("Insert `{slug}` before `/v1/`"), edits));
    }
    let layers = cx.layers(Owner::Request(r));
    let defined = Resolver::new(&layers).lookup("account_slug");
    if defined.is_none() {
        edits.extend(cure::declare_variables(cx, &["account_slug"]));
    }
    let has_value = defined.is_some_and(|(v, _)| !v.trim().is_empty());
    if !has_value && !cx.sets_variable("account_slug") {
        edits.push(match slug_at.get_or_init(|| slug_step(cx)) {
            SlugStep::Script(me) => cure::add_test_line(cx, *me, &cure::slug_script_line(cx)),
            SlugStep::Insert { slot, base } => slug_request(cx, r, *slot, base.as_deref()),
        });
    }
    Some(Fix::safe(format!("Insert `{SLUG}` before `/v1/`"), edits))
}

/// How the fix fills `account_slug`: the same for every finding of a collection.
enum SlugStep {
    /// The collection's own `GET /v1/me` request gets the script that stores the slug.
    Script(RequestId),
    /// A `GET /v1/me` request is inserted at `slot`, its URL on `{{base}}` when the requests
    /// write the API's base URL as that variable.
    Insert { slot: Slot, base: Option<String> },
}

fn slug_step(cx: &Context) -> SlugStep {
    let me = cx.request_facts().find(|(_, req, f)| {
        f.api_request
            && req.method.eq_ignore_ascii_case("GET")
            && f.path().trim_end_matches('/') == "/v1/me"
    });
    if let Some((me, _, _)) = me {
        return SlugStep::Script(me);
    }
    let first_needing = cx
        .request_facts()
        .find(|(_, _, f)| needs_slug(f))
        .map(|(r, _, _)| r);
    SlugStep::Insert {
        slot: slug_position(cx, first_needing),
        base: first_needing.and_then(|r| base_variable(cx, r)),
    }
}

/// An API request without an account slug before `/v1/` (other than `/v1/me`).
fn needs_slug(facts: &crate::rules::context::RequestFacts) -> bool {
    facts.api_request && slugless(facts.path())
}

/// A path on the API that starts with `/v1` (no slug before it), other than `/v1/me`.
fn slugless(path: &str) -> bool {
    let missing = path == "/v1" || path.starts_with("/v1/");
    missing && path.trim_end_matches('/') != "/v1/me"
}

/// `name` when request `r`'s URL is written `{{name}}/v1/...` and `name` holds the API's
/// base URL.
fn base_variable(cx: &Context, r: RequestId) -> Option<String> {
    let raw = cx.coll.requests[r].url.as_ref()?.raw.trim().to_owned();
    let at = v1_position(&raw)?;
    let name = raw[..at].strip_prefix("{{")?.strip_suffix("}}")?;
    if name.is_empty() || name.contains(['{', '}']) {
        return None;
    }
    let value = cx.resolve(Owner::Request(r), &raw[..at]);
    let parts = crate::scopestack::UrlParts::parse(&value);
    (cx.endpoints.is_api(&parts) && parts.path.trim_matches('/').is_empty())
        .then(|| name.to_owned())
}

/// The variable other API requests of the collection put before `/v1/` (`/{{slug}}/v1/`),
/// when it has a value where request `r` is, or a script sets it.
fn slug_variable(cx: &Context, r: RequestId) -> Option<String> {
    let layers = cx.layers(Owner::Request(r));
    let resolver = Resolver::new(&layers);
    cx.request_facts()
        .filter(|(_, _, f)| f.api_request)
        .filter_map(|(_, req, _)| req.url.as_ref())
        .find_map(|url| {
            let at = url.raw.find("}}/v1")?;
            let open = url.raw[..at].rfind("/{{")?;
            let name = url.raw[open + 3..at].trim();
            let valid = !name.is_empty() && !name.contains(['{', '}', '/']);
            let has_value = resolver
                .lookup(name)
                .is_some_and(|(v, _)| !v.trim().is_empty());
            (valid && (has_value || cx.sets_variable(name))).then(|| name.to_owned())
        })
}

/// Where the slug request goes: after the first token request when that runs before the
/// first request that needs the slug, else just before that request (first in the
/// collection without either).
fn slug_position(cx: &Context, first_needing: Option<RequestId>) -> Slot {
    // While a password helper still waits for its fix (SS001), aim at the place its token
    // request will go: the two fixes conflict, so this one waits a pass and then lands after
    // the new token request.
    if let Some(slot) = password_helpers::token_request_position(cx) {
        return slot;
    }
    let token = cx
        .facts
        .iter_enumerated()
        .find(|(_, f)| f.token_request)
        .map(|(t, _)| t);
    match (token, first_needing) {
        // Requests are in the order they run.
        (Some(t), Some(n)) if n < t => cure::slot_of(cx, n),
        (Some(t), _) => {
            let slot = cure::slot_of(cx, t);
            Slot {
                index: slot.index + 1,
                ..slot
            }
        }
        (None, Some(n)) => cure::slot_of(cx, n),
        (None, None) => Slot {
            scope: ScopeId::COLLECTION,
            index: 0,
        },
    }
}

/// Inserts `Get ScopeStack account slug` right after the first token request (so it runs with
/// a fresh token), or first in the collection, authenticating like the request it serves.
fn slug_request(cx: &Context, r: RequestId, slot: Slot, base: Option<&str>) -> Edit {
    let coll = cx.coll;
    let request = &coll.requests[r];
    let wanted = coll.effective_auth(request);
    let inherited = coll.scope_auth(slot.scope);
    let auth = match wanted {
        Some(a) if Some(a) != inherited => Some(if coll.auths[a].kind == "oauth2" {
            // What SS001's fix turns the helper into; a copy of the helper would be flagged
            // again and carry its credentials.
            json!({"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}", "type": "string"}]})
        } else {
            cx.value_of(coll.auths[a].node)
        }),
        None if inherited.is_some() => Some(json!({"type": "noauth"})),
        _ => None,
    };
    let headers = request
        .headers
        .list
        .iter()
        .filter(|h| h.enabled && h.name.eq_ignore_ascii_case("authorization"))
        .map(|h| json!({"key": h.name, "value": h.value, "type": "text"}))
        .collect();
    cure::insert_item(cx, slot, &cure::slug_request(cx, auth, headers, base))
}

/// Where `/v1` starts the path of a URL as written, outside `{{variables}}`.
fn v1_position(url: &str) -> Option<usize> {
    url.match_indices("/v1").map(|(i, _)| i).find(|&i| {
        let after = url[i + 3..].chars().next();
        let ends_segment = after.is_none_or(|c| matches!(c, '/' | '?' | '#'));
        let inside_variable = url[..i].matches("{{").count() > url[..i].matches("}}").count();
        ends_segment && !inside_variable
    })
}

/// API calls in a capture without an account slug.
fn check_har(cx: &HarContext, out: &mut Vec<Diagnostic>) {
    for (entry, facts) in cx.entries() {
        let path = facts.path.as_str();
        if !facts.api_request || !slugless(path) {
            continue;
        }
        out.push(cx.diagnostic(
            &RULE,
            entry,
            Place::Url,
            format!(
                "the API call `{}` has no account slug before `/v1/`",
                display_url(&facts.url)
            ),
            format!(
                "Call `{}/{{account-slug}}{path}`; the slug is `data.attributes[\"account-slug\"]` \
                 of `GET {}`.",
                cx.endpoints.api.url,
                cx.endpoints.me_url()
            ),
            "no account slug before /v1/",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::v1_position;

    #[test]
    fn finds_the_v1_segment() {
        assert_eq!(
            v1_position("https://api.scopestack.io/v1/clients"),
            Some(25)
        );
        assert_eq!(v1_position("{{base}}/v1"), Some(8));
        assert_eq!(
            v1_position("https://api.scopestack.io/v10/x/v1/y"),
            Some(31)
        );
        assert_eq!(v1_position("{{a/v1}}/x"), None);
        assert_eq!(v1_position("{{a/v1/b}}/v1/clients"), Some(10));
    }
}
