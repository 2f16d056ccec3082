use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, RuleInfo};
use crate::scopestack::{display_url, API_HOST};

pub static RULE: RuleInfo = RuleInfo {
    code: "SS005",
    name: "missing-account-slug",
    summary: "An API path without the account slug before /v1/",
    severity: Severity::Error,
    doc: DOC,
    check,
};

const DOC: &str = r#"# SS005 missing-account-slug

## What it catches
A request to the ScopeStack API (`api.scopestack.io`) whose path starts with `/v1/`: the
account slug segment is missing. `/v1/me` is the one endpoint that lives without a slug. Any
first segment before `/v1/` counts as a slug, `{{account_slug}}` included. One finding per
request, pointing at its URL.

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
"#;

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (_, req, facts) in cx.request_facts() {
        if !facts.api_request {
            continue;
        }
        let path = facts.path.as_str();
        let missing = path == "/v1" || path.starts_with("/v1/");
        let is_me = matches!(path.trim_end_matches('/'), "/v1/me");
        if !missing || is_me {
            continue;
        }
        let Some(url) = &req.url else { continue };
        let shown = display_url(facts.url.as_deref().unwrap_or(&url.raw));
        out.push(Diagnostic {
            rule: &RULE,
            severity: RULE.severity,
            message: format!(
                "request `{}` calls `{shown}` without an account slug before `/v1/`",
                req.label
            ),
            help: format!(
                "Use `https://{API_HOST}/{{{{account_slug}}}}{path}`. Only `/v1/me` lives \
                 without a slug; the slug is `data.attributes[\"account-slug\"]` of \
                 `GET https://{API_HOST}/v1/me`."
            ),
            label: "no account slug before /v1/".to_owned(),
            item: Some(req.label.clone()),
            pointer: url
                .first_segment
                .as_ref()
                .map_or_else(|| url.pointer.clone(), |(_, p)| p.clone()),
            span: cx.span(
                url.first_segment
                    .as_ref()
                    .map_or(url.label_node, |(n, _)| *n),
            ),
        });
    }
}
