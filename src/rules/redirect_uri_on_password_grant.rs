use crate::diagnostic::{Diagnostic, Pointer, Rule, Severity};
use crate::document::{Document, NodeId, Span};
use crate::fix::{Edit, Fix};
use crate::postman::Body;
use crate::postman::Owner;
use crate::rules::har_context::{HarContext, Place};
use crate::rules::{script_requests, Checks, Context, RuleInfo};
use crate::source::FileId;
use crate::variables::has_unresolved;

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS006",
        name: "redirect-uri-on-password-grant",
        summary: "A password-grant token request that also sends redirect_uri",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        collection: Some(check),
        har: Some(check_har),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS006 redirect-uri-on-password-grant

## What it catches
A token request to ScopeStack with `grant_type=password` that also sends a `redirect_uri`
parameter: in a Postman collection's urlencoded, form-data or raw body (JSON or form text), or in a request recorded in
a HAR capture. A token request whose URL does not resolve counts in a collection that calls
ScopeStack; other identity providers' token requests (Okta, Auth0, Keycloak, ...) do not.
A token request a script sends with `pm.sendRequest(...)` counts too; the fix removes the
`redirect_uri` entry from its body in the script.

## Why it breaks
The password grant has no redirect. ScopeStack's OAuth server treats a `redirect_uri` on it as
a malformed grant and answers `400 invalid_grant`, whatever the credentials. Postman's OAuth 2.0
helper adds it on its own (see SS001), and code copied from such a request keeps it.

## Example
```
POST https://app.scopestack.io/oauth/token
grant_type=password&client_id=...&client_secret=...&username=...&password=...&redirect_uri=https://oauth.pstmn.io/v1/callback
```

## Cure
Leave `redirect_uri` out of password-grant token requests.

## Fix (safe)
`--fix` removes the `redirect_uri` field from the request's urlencoded or form-data body, or
the entry from a raw JSON or form-text body (with the comma or `&` that joins it). It is
safe on a request to ScopeStack: a password grant with it never succeeds there. On a request
whose URL does not resolve it is unsafe: the request may be another provider's.
"#;

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (i, req, facts) in cx.request_facts() {
        // ScopeStack's token requests, or one whose URL does not resolve in a collection that
        // calls ScopeStack (as SS001 judges helpers): another identity provider may take a
        // `redirect_uri` as it likes.
        let unresolved = facts
            .url
            .as_deref()
            .is_none_or(|u| u.trim().is_empty() || has_unresolved(u));
        if !facts.token_request || !(facts.scopestack || (unresolved && cx.calls_scopestack)) {
            continue;
        }
        let Some(body) = &req.body else { continue };
        let owner = Owner::Request(i);
        let Some(found) = in_fields(cx, owner, body).or_else(|| in_raw(cx, owner, body)) else {
            continue;
        };
        let fix = found.removal.map(|e| removal(e, facts.scopestack));
        out.push(Diagnostic {
            rule: &RULE,
            severity: RULE.severity,
            file: FileId::LINTED,
            message: format!(
                "token request `{}` sends `redirect_uri` with a password grant; ScopeStack \
                 answers `invalid_grant`",
                cx.coll.label(req)
            ),
            help: "Remove `redirect_uri`: the password grant has no redirect."
                .to_owned()
                .into(),
            label: "redirect_uri on a password grant".to_owned().into(),
            item: Some(cx.coll.label(req)),
            pointer: Pointer::Node(found.pointer),
            span: found.span,
            fix,
        });
    }

    for request in cx.script_requests() {
        let unresolved = request
            .resolved
            .as_deref()
            .is_none_or(|u| u.trim().is_empty() || has_unresolved(u));
        if !request.token_request || !(request.scopestack || (unresolved && cx.calls_scopestack)) {
            continue;
        }
        if request.field(cx, "grant_type").as_deref() != Some("password") {
            continue;
        }
        let Some(redirect) = request
            .body
            .as_ref()
            .and_then(|b| b.fields.iter().rfind(|f| f.key == "redirect_uri"))
        else {
            continue;
        };
        let code = cx.code(request.script);
        let Some((node, start, end)) =
            script_requests::in_file(cx, request.script, &code, redirect.entry)
        else {
            continue;
        };
        let fix = script_requests::remove_entry(cx, request.script, &code, redirect)
            .map(|e| removal(e, request.scopestack));
        out.push(Diagnostic {
            rule: &RULE,
            severity: RULE.severity,
            file: FileId::LINTED,
            message: format!(
                "the `pm.sendRequest` token request in {} sends `redirect_uri` with a password \
                 grant; ScopeStack answers `invalid_grant`",
                script_requests::describe_script(cx, request.script)
            ),
            help: "Remove `redirect_uri` from the request's body: the password grant has no \
                   redirect."
                .to_owned()
                .into(),
            label: "redirect_uri on a password grant".to_owned().into(),
            item: cx.coll.item_label(request.owner),
            pointer: Pointer::Node(node),
            span: cx.coll.doc.string_subspan(node, start, end),
            fix,
        });
    }
}

/// The fix removing `redirect_uri`: safe on a ScopeStack token request; to a URL that does not
/// resolve, the request may be another provider's.
fn removal(edit: Edit, scopestack: bool) -> Fix {
    if scopestack {
        Fix::safe("Remove `redirect_uri`", vec![edit])
    } else {
        Fix::unsafe_("Remove `redirect_uri`", vec![edit])
    }
}

/// A `redirect_uri` sent with a password grant: where to point, and the edit that removes it.
struct Found {
    span: Span,
    pointer: NodeId,
    removal: Option<Edit>,
}

/// In urlencoded or form-data fields (enabled ones; the last of a name wins, as sent).
fn in_fields(cx: &Context, owner: Owner, body: &Body) -> Option<Found> {
    let value_of = |key: &str| {
        body.fields
            .iter()
            .filter(|f| f.enabled && f.key.trim() == key)
            .filter_map(|f| f.value.and_then(|v| cx.text(v)))
            .map(|v| cx.resolve(owner, &v).trim().to_owned())
            .next_back()
    };
    if value_of("grant_type").as_deref() != Some("password") {
        return None;
    }
    let redirect = body
        .fields
        .iter()
        .rfind(|f| f.enabled && f.key.trim() == "redirect_uri")?;
    let key = cx
        .coll
        .doc
        .get(redirect.node, "key")
        .unwrap_or(redirect.node);
    Some(Found {
        span: cx.span(key),
        pointer: key,
        removal: cx.editor.remove_element(redirect.list, redirect.index),
    })
}

/// In a raw body: JSON (`{"grant_type": "password", ..., "redirect_uri": ...}`) or form text
/// (`grant_type=password&...&redirect_uri=...`). The span and the removal are inside the
/// string (with the comma or `&` that joins the entry to the others).
fn in_raw(cx: &Context, owner: Owner, body: &Body) -> Option<Found> {
    let node = body.raw?;
    let doc = cx.coll.doc;
    if !doc.may_contain_str(node, "redirect_uri") {
        return None;
    }
    let raw = doc.scalar_text(node)?;
    let password = |v: &str| cx.resolve(owner, v).trim() == "password";
    // `(key, removal)` as byte ranges of the decoded text.
    let (key, removal) = if raw.trim_start().starts_with('{') {
        let json = Document::parse(crate::text::Text::from(&*raw)).ok()?;
        let members: Vec<(NodeId, NodeId)> = json.members(json.root()).collect();
        let grant = members
            .iter()
            .rfind(|(k, _)| json.str_eq(*k, "grant_type"))
            .and_then(|(_, v)| json.as_str(*v))?;
        if !password(&grant) {
            return None;
        }
        let i = members
            .iter()
            .rposition(|(k, _)| json.str_eq(*k, "redirect_uri"))?;
        let (k, v) = members[i];
        let removal = match (i.checked_sub(1), members.get(i + 1)) {
            (Some(before), _) => (json.span(members[before].1).end, json.span(v).end),
            (None, Some(&(next, _))) => (json.span(k).start, json.span(next).start),
            (None, None) => return None,
        };
        ((json.span(k).start, json.span(k).end), removal)
    } else {
        let mut pairs = Vec::new();
        let mut at = 0;
        for pair in raw.split('&') {
            pairs.push((at, pair));
            at += pair.len() + 1;
        }
        let value = |want: &str| {
            pairs.iter().rev().find_map(|(_, p)| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.trim() == want).then_some(v)
            })
        };
        if !password(value("grant_type")?) {
            return None;
        }
        let i = pairs.iter().rposition(|(_, p)| {
            p.split_once('=').map_or(*p, |(k, _)| k).trim() == "redirect_uri"
        })?;
        let (start, pair) = pairs[i];
        let end = start + pair.len();
        let removal = if i > 0 {
            (start - 1, end)
        } else if pairs.len() > 1 {
            (start, end + 1)
        } else {
            return None;
        };
        let key_len = pair.find('=').unwrap_or(pair.len());
        ((start, start + key_len), removal)
    };
    Some(Found {
        span: doc.string_subspan(node, key.0, key.1),
        pointer: node,
        removal: Some(cx.editor.edit_in_string(node, removal.0, removal.1, "")),
    })
}

fn check_har(cx: &HarContext, out: &mut Vec<Diagnostic>) {
    for (entry, facts) in cx.entries() {
        let r = &entry.request;
        if !facts.token_request
            || !facts.scopestack
            || r.param("grant_type") != Some("password")
            || r.param("redirect_uri").is_none()
        {
            continue;
        }
        out.push(
            cx.diagnostic(
                &RULE,
                entry,
                Place::Url,
                "the password-grant token request also sent `redirect_uri`: ScopeStack answers \
             `invalid_grant`"
                    .to_owned(),
                "Leave `redirect_uri` out of password-grant requests (Postman's OAuth 2.0 helper \
                 adds it: there, get the token with a direct POST, see `scopelint explain \
                 SS001`)."
                    .to_owned(),
                "redirect_uri on a password grant",
            ),
        );
    }
}
