use crate::diagnostic::{Diagnostic, Pointer, Rule, Severity};
use crate::document::{Kind, NodeId};
use crate::fix::edit::Editor;
use crate::fix::{Edit, Fix};
use crate::postman::Owner;
use crate::postman::Url;
use crate::rules::har_context::{HarContext, Place};
use crate::rules::{script_requests, Checks, Context, RuleInfo};
use crate::scopestack::{deployment_of, display_url, Endpoints, UrlParts};
use crate::source::FileId;
use crate::variables::Resolver;
use serde_json::Value;

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS002",
        name: "wrong-token-url",
        summary: "A ScopeStack token URL that is not https://app.scopestack.io/oauth/token",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        collection: Some(check),
        har: Some(check_har),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS002 wrong-token-url

## What it catches
A token URL on a ScopeStack host that, after `{{variables}}` are resolved, is not exactly
`https://app.scopestack.io/oauth/token`: `http://` instead of `https://`, the API host
`api.scopestack.io`, another path, a trailing slash, a non-default port.
A ScopeStack deployment is the pair `app.<d>.scopestack.io` / `api.<d>.scopestack.io`
(production without `<d>`): a collection whose API requests call `api.staging.scopestack.io`
gets its tokens from `https://app.staging.scopestack.io/oauth/token`, and the token endpoint of
every deployment its API requests call is right (production's when they call none). With
`app-url` / `api-url` set in scopelint.toml, those are the one deployment. The token URL is an
OAuth 2.0 helper's `accessTokenUrl`, or the URL of a token request (a request whose body sends
`grant_type`, or whose path ends in `/oauth/token`). One finding per helper or request. When
the URL comes from a variable, the message says where that variable is defined.
A token request a script sends with `pm.sendRequest(...)` counts too: the finding points at
its URL in the script, and the fix corrects a URL written as one string literal there (or the
variable a `pm.environment.get(...)` URL reads).

## Why it breaks
Tokens are issued by the application host, `app.scopestack.io`; the API host
`api.scopestack.io` only serves the API and answers token requests with "not found". Plain
`http://` is redirected, and the redirect turns the POST into a GET without its body. Other
paths (`/oauth/token/`, `/oauth/authorize`) are different endpoints.

## Example
```json
"url": "https://api.scopestack.io/oauth/token"
```

## Cure
Use `https://app.scopestack.io/oauth/token` for the token; keep `https://api.scopestack.io`
for API calls. If the URL comes from a variable, fix the variable where it is defined.

## Fix
`--fix` sets the token URL to `https://app.scopestack.io/oauth/token`. When the whole URL is a
`{{variable}}`, it sets that variable where it is defined instead (a `variable` array of the
collection, or the file given with `--environment`), so every use of it is cured. In a URL
object, `raw`, `protocol`, `host` and `path` are set together (added where missing) and a
`port` is removed, so the parts agree with `raw` (newman sends the parts). The fix is safe when the wrong URL already
points at the application or API host (a wrong scheme, the API host, a wrong path or a trailing
slash). It is unsafe when it would move the credentials to another server (a staging host, a
custom port), or when the URL mixes variables with text (`{{base_url}}/oauth/token`), whose
variable may be meant for other requests.
"#;

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (index, auth) in cx.coll.auths.iter_enumerated() {
        if auth.kind != "oauth2" {
            continue;
        }
        let Some(param) = auth.param(&["accessTokenUrl"]) else {
            continue;
        };
        let Some(written) = cx.text(param.value) else {
            continue;
        };
        // One finding per helper: the first place where it resolves to a wrong URL.
        let wrong = cx
            .resolve_auth_param(index, &["accessTokenUrl"])
            .into_iter()
            .find_map(|(owner, _)| judge(cx, owner, &written).map(|d| (owner, d)));
        if let Some((owner, d)) = wrong {
            let used_by = match owner {
                Owner::Request(r) if owner != auth.owner => {
                    format!(" for request `{}`", cx.coll.label(&cx.coll.requests[r]))
                }
                _ => String::new(),
            };
            out.push(Diagnostic {
                message: format!(
                    "the OAuth 2.0 helper of {} gets tokens{used_by} from {d}",
                    cx.coll.describe(auth.owner)
                ),
                pointer: Pointer::Node(param.value),
                span: cx.span(param.value),
                item: cx.coll.item_label(auth.owner),
                fix: fix_variable(cx, owner, &written)
                    .or_else(|| Some(replace_string(cx, owner, param.value, &written))),
                ..diagnostic(cx, owner, &written)
            });
        }
    }
    for (i, req, facts) in cx.request_facts() {
        if !facts.token_request {
            continue;
        }
        let Some(url) = &req.url else { continue };
        let owner = Owner::Request(i);
        if let Some(d) = judge(cx, owner, &url.raw) {
            out.push(Diagnostic {
                message: format!("token request `{}` posts to {d}", cx.coll.label(req)),
                pointer: Pointer::Node(url.pointer_node),
                span: cx.span(url.label_node),
                item: Some(cx.coll.label(req)),
                fix: fix_variable(cx, owner, &url.raw).or_else(|| fix_request_url(cx, owner, url)),
                ..diagnostic(cx, owner, &url.raw)
            });
        }
    }

    for request in cx.script_requests() {
        if !request.token_request {
            continue;
        }
        let Some((piece, Some(written))) = &request.url else {
            continue;
        };
        let owner = request.owner;
        let Some(d) = judge(cx, owner, written) else {
            continue;
        };
        let code = cx.code(request.script);
        let Some((node, start, end)) = script_requests::in_file(cx, request.script, &code, *piece)
        else {
            continue;
        };
        // A string literal is corrected inside its quotes; a whole `{{variable}}` (a getter)
        // where it is defined; a URL built from parts is left to a person.
        let literal = crate::js::string_literal(&code.text[piece.start..piece.end])
            .filter(|l| !l.contains('\\'));
        let fix = fix_variable(cx, owner, written).or_else(|| {
            literal.map(|_| {
                let edit =
                    cx.editor
                        .edit_in_string(node, start + 1, end - 1, &corrected(cx, written));
                fix_of(cx, owner, written, vec![edit])
            })
        });
        out.push(Diagnostic {
            message: format!(
                "the `pm.sendRequest` token request in {} posts to {d}",
                script_requests::describe_script(cx, request.script)
            ),
            pointer: Pointer::Node(node),
            span: cx.coll.doc.string_subspan(node, start, end),
            item: cx.coll.item_label(owner),
            fix,
            ..diagnostic(cx, owner, written)
        });
    }
}

/// Describes a wrong token URL (`None` when it is right or not ScopeStack's).
fn judge(cx: &Context, owner: Owner, written: &str) -> Option<String> {
    let ep = &cx.endpoints;
    let resolved = cx.resolve(owner, written);
    let parts = UrlParts::parse(&resolved);
    if !ep.is_scopestack(&parts) || ep.is_token_url(&resolved) {
        return None;
    }
    let mut what = format!("`{}`", display_url(&resolved));
    if let Some((name, origin)) = cx.variable_origin(owner, written) {
        what.push_str(&format!(" (via `{{{{{name}}}}}`, set in {origin})"));
    }
    let token_url = ep.token_url();
    let wanted = UrlParts::parse(&token_url);
    let same_scheme = parts
        .scheme
        .zip(wanted.scheme)
        .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
    let why = if ep.api_serves(&parts) && !ep.app_serves(&parts) {
        "the API host does not issue tokens".to_owned()
    } else if parts.host != wanted.host {
        format!(
            "tokens are issued by `{}`, not `{}`",
            ep.app.authority(),
            parts.host
        )
    } else if !same_scheme {
        format!(
            "tokens are only issued over {}",
            wanted.scheme.unwrap_or("https")
        )
    } else if port_or_default(&parts) != port_or_default(&wanted) {
        format!("the token endpoint is on `{}`", ep.app.authority())
    } else if parts.path.trim_end_matches('/') == wanted.path && parts.path.ends_with('/') {
        "the path has a trailing slash".to_owned()
    } else if parts.path != wanted.path {
        format!("the token endpoint's path is `{}`", wanted.path)
    } else {
        "a token URL must not carry credentials".to_owned()
    };
    Some(format!("{what}, but {why}"))
}

/// The port a URL connects to.
fn port_or_default<'a>(p: &UrlParts<'a>) -> Option<&'a str> {
    p.port
        .or(match p.scheme.map(str::to_ascii_lowercase).as_deref() {
            Some("https") => Some("443"),
            Some("http") => Some("80"),
            _ => None,
        })
}

/// `{{name}}` when the whole URL is one variable. Only then is the cure to change that
/// variable; a variable that is part of the URL (`{{base_url}}/oauth/token`) may be right for
/// other requests.
fn whole_variable(written: &str) -> Option<&str> {
    written
        .trim()
        .strip_prefix("{{")
        .and_then(|r| r.strip_suffix("}}"))
        .filter(|name| !name.contains(['{', '}']))
}

/// Sets the variable that holds the whole URL where it is defined: a `variable` array of the
/// collection, or the `--environment` file.
fn fix_variable(cx: &Context, owner: Owner, written: &str) -> Option<Fix> {
    let name = whole_variable(written)?;
    let layers = cx.layers(owner);
    let (_, layer) = Resolver::new(&layers).lookup(name)?;
    let (file, node) = layer.definition(name)?;
    let token_url = cx.endpoints.token_url();
    let edit = Editor::new(cx.document(file)?).replace_value(node, &Value::from(token_url.clone()));
    let message = format!("Set `{{{{{name}}}}}` in {} to `{token_url}`", layer.origin);
    // A value built from other variables loses them; a URL on another ScopeStack host
    // (staging, a custom port) moves the credentials to another server: both need review.
    let value = layer.get(name).unwrap_or_default();
    Some(
        if value.contains("{{") || !moves_within_scopestack(cx, owner, written) {
            Fix::unsafe_(message, vec![edit])
        } else {
            Fix::safe(message, vec![edit])
        },
    )
}

/// The token URL with the query string of `written`, if it had one.
fn corrected(cx: &Context, written: &str) -> String {
    let token_url = cx.endpoints.token_url();
    match written.split_once('?') {
        Some((_, query)) => format!("{token_url}?{query}"),
        None => token_url,
    }
}

/// Replaces a URL string. Unsafe when it held variables, whose indirection is lost.
fn replace_string(cx: &Context, owner: Owner, node: NodeId, written: &str) -> Fix {
    let edit = cx
        .editor
        .replace_value(node, &Value::from(corrected(cx, written)));
    fix_of(cx, owner, written, vec![edit])
}

/// Whether the wrong URL already points at the application or API host (a wrong scheme,
/// host swap, path or slash): then correcting it sends the credentials where they belong.
fn moves_within_scopestack(cx: &Context, owner: Owner, written: &str) -> bool {
    let resolved = cx.resolve(owner, written);
    let parts = UrlParts::parse(&resolved);
    let ep = &cx.endpoints;
    // A scheme's own port (`http://app.scopestack.io`) moves with the scheme.
    ep.app.surely_serves(&parts) || ep.api.surely_serves(&parts)
}

fn fix_of(cx: &Context, owner: Owner, written: &str, edits: Vec<Edit>) -> Fix {
    let message = format!("Use `{}`", cx.endpoints.token_url());
    if written.contains("{{") || !moves_within_scopestack(cx, owner, written) {
        Fix::unsafe_(message, edits)
    } else {
        Fix::safe(message, edits)
    }
}

/// A request's URL: the string, or `raw` and the parts of a URL object, kept consistent.
fn fix_request_url(cx: &Context, owner: Owner, url: &Url) -> Option<Fix> {
    let doc = cx.coll.doc;
    if doc.kind(url.node) != Kind::Object {
        return Some(replace_string(cx, owner, url.node, &url.raw));
    }
    let ed = &cx.editor;
    let mut edits = Vec::new();
    if let Some(raw) = doc
        .get(url.node, "raw")
        .filter(|r| doc.kind(*r) == Kind::String)
    {
        edits.push(
            cx.editor
                .replace_value(raw, &Value::from(corrected(cx, &url.raw))),
        );
    }
    let mut previous = "raw";
    for (key, value) in cx.endpoints.app.url_parts("/oauth/token") {
        match (doc.get(url.node, key), value) {
            (Some(node), Some(value)) => edits.push(ed.replace_value(node, &value)),
            // A missing part is added: newman sends the parts, not `raw`, and Postman leaves
            // `path` out of a URL with none (`https://app.scopestack.io`).
            (None, Some(value)) => {
                edits.push(ed.insert_member(url.node, Some(previous), key, &value))
            }
            (Some(_), None) => edits.extend(ed.remove_member(url.node, key)),
            _ => {}
        }
        if doc.get(url.node, key).is_some() {
            previous = key;
        }
    }
    Some(fix_of(cx, owner, &url.raw, edits))
}

fn diagnostic(cx: &Context, owner: Owner, written: &str) -> Diagnostic {
    let token_url = cx.endpoints.token_url();
    let fix_where = match (whole_variable(written), cx.variable_origin(owner, written)) {
        (Some(_), Some((name, origin))) => {
            format!("Set `{{{{{name}}}}}` in {origin} to `{token_url}`")
        }
        _ => format!("Use `{token_url}` as the token URL"),
    };
    Diagnostic {
        rule: &RULE,
        severity: RULE.severity,
        file: FileId::LINTED,
        message: String::new(),
        help: format!(
            "{fix_where}. ScopeStack issues tokens only at `{token_url}`; the API host \
             `{}` serves API calls only.{}",
            cx.endpoints.api.url,
            deployment_hint(&cx.endpoints, &cx.resolve(owner, written))
        )
        .into(),
        label: format!("not {token_url}").into(),
        item: None,
        pointer: Pointer::Text(String::new()),
        span: Default::default(),
        fix: None,
    }
}

/// For a token URL on another deployment's host (staging beside production), how to say
/// which deployment is meant.
fn deployment_hint(ep: &Endpoints, resolved: &str) -> String {
    let parts = UrlParts::parse(resolved);
    let deployment =
        deployment_of(&parts.host, "app").or_else(|| deployment_of(&parts.host, "api"));
    let Some(d) = deployment.filter(|_| ep.other_deployment(&parts)) else {
        return String::new();
    };
    let other = Endpoints::deployment(d);
    format!(
        " `{}` is right for a collection whose API requests call `{}`: to use that deployment, \
         point the API requests there, or set `app-url` and `api-url` in scopelint.toml.",
        other.token_url(),
        other.api.authority()
    )
}

/// Token requests in a capture sent to a wrong ScopeStack URL.
fn check_har(cx: &HarContext, out: &mut Vec<Diagnostic>) {
    let ep = &cx.endpoints;
    for (entry, facts) in cx.entries() {
        if !facts.token_request || !facts.scopestack || ep.is_token_url(&facts.url) {
            continue;
        }
        let token_url = ep.token_url();
        out.push(cx.diagnostic(
            &RULE,
            entry,
            Place::Url,
            format!(
                "the token request went to `{}`, not `{token_url}`",
                display_url(&facts.url)
            ),
            format!(
                "Send token requests to `{token_url}`; the API host `{}` serves API calls only.{}",
                ep.api.url,
                deployment_hint(ep, &facts.url)
            ),
            "wrong token URL",
        ));
    }
}
