use crate::diagnostic::{Diagnostic, Severity};
use crate::postman::Owner;
use crate::rules::{Context, RuleInfo};
use crate::scopestack::{
    display_url, is_correct_token_url, UrlParts, API_HOST, APP_HOST, TOKEN_URL,
};

pub static RULE: RuleInfo = RuleInfo {
    code: "SS002",
    name: "wrong-token-url",
    summary: "A ScopeStack token URL that is not https://app.scopestack.io/oauth/token",
    severity: Severity::Error,
    doc: DOC,
    check,
};

const DOC: &str = r#"# SS002 wrong-token-url

## What it catches
A token URL on a ScopeStack host that, after `{{variables}}` are resolved, is not exactly
`https://app.scopestack.io/oauth/token`: `http://` instead of `https://`, the API host
`api.scopestack.io`, another path, a trailing slash, a non-default port. The token URL is an
OAuth 2.0 helper's `accessTokenUrl`, or the URL of a token request (a request whose body sends
`grant_type`, or whose path ends in `/oauth/token`). One finding per helper or request. When
the URL comes from a variable, the message says where that variable is defined.

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
"#;

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (index, auth) in cx.coll.auths.iter().enumerate() {
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
                    format!(" for request `{}`", cx.coll.requests[r].label)
                }
                _ => String::new(),
            };
            out.push(Diagnostic {
                message: format!(
                    "the OAuth 2.0 helper of {} gets tokens{used_by} from {d}",
                    cx.coll.describe(auth.owner)
                ),
                pointer: param.pointer.clone(),
                span: cx.span(param.value),
                item: cx.coll.item_label(auth.owner),
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
                message: format!("token request `{}` posts to {d}", req.label),
                pointer: url.pointer.clone(),
                span: cx.span(url.label_node),
                item: Some(req.label.clone()),
                ..diagnostic(cx, owner, &url.raw)
            });
        }
    }
}

/// Describes a wrong token URL (`None` when it is right or not ScopeStack's).
fn judge(cx: &Context, owner: Owner, written: &str) -> Option<String> {
    let resolved = cx.resolve(owner, written);
    let parts = UrlParts::parse(&resolved);
    if !parts.is_scopestack() || is_correct_token_url(&resolved) {
        return None;
    }
    let mut what = format!("`{}`", display_url(&resolved));
    if let Some((name, origin)) = cx.variable_origin(owner, written) {
        what.push_str(&format!(" (via `{{{{{name}}}}}`, set in {origin})"));
    }
    let https = parts
        .scheme
        .is_some_and(|s| s.eq_ignore_ascii_case("https"));
    let why = if parts.host == API_HOST {
        "the API host does not issue tokens".to_owned()
    } else if parts.host != APP_HOST {
        format!("tokens are issued by `{APP_HOST}`, not `{}`", parts.host)
    } else if !https {
        "tokens are only issued over https".to_owned()
    } else if !matches!(parts.port, None | Some("443")) {
        "the token endpoint is on the default https port".to_owned()
    } else if parts.path.trim_end_matches('/') == "/oauth/token" && parts.path.ends_with('/') {
        "the path has a trailing slash".to_owned()
    } else if parts.path != "/oauth/token" {
        "the token endpoint's path is `/oauth/token`".to_owned()
    } else {
        "a token URL must not carry credentials".to_owned()
    };
    Some(format!("{what}, but {why}"))
}

fn diagnostic(cx: &Context, owner: Owner, written: &str) -> Diagnostic {
    // Only when the whole URL is one variable is the cure to change that variable; a variable
    // that is part of the URL (`{{base_url}}/oauth/token`) may be right for other requests.
    let whole_variable = written
        .trim()
        .strip_prefix("{{")
        .and_then(|r| r.strip_suffix("}}"))
        .filter(|name| !name.contains(['{', '}']));
    let fix_where = match (whole_variable, cx.variable_origin(owner, written)) {
        (Some(_), Some((name, origin))) => {
            format!("Set `{{{{{name}}}}}` in {origin} to `{TOKEN_URL}`")
        }
        _ => format!("Use `{TOKEN_URL}` as the token URL"),
    };
    Diagnostic {
        rule: &RULE,
        severity: RULE.severity,
        message: String::new(),
        help: format!(
            "{fix_where}. ScopeStack issues tokens only at `{TOKEN_URL}`; the API host \
             `https://{API_HOST}` serves API calls only."
        ),
        label: format!("not {TOKEN_URL}"),
        item: None,
        pointer: String::new(),
        span: Default::default(),
    }
}
