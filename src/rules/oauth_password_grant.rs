use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, RuleInfo};
use crate::scopestack::{UrlParts, TOKEN_URL};
use crate::variables::has_unresolved;

pub static RULE: RuleInfo = RuleInfo {
    code: "SS001",
    name: "oauth-password-grant",
    summary: "Postman's OAuth 2.0 helper with the Password Credentials grant against ScopeStack",
    severity: Severity::Error,
    doc: DOC,
    check,
};

const DOC: &str = r#"# SS001 oauth-password-grant

## What it catches
An auth object (on the collection, a folder or a request) of type `oauth2` whose grant type
is Password Credentials (`password_credentials`) and whose token URL resolves to a ScopeStack
host — or cannot be resolved at all in a collection that calls ScopeStack. One finding per
auth object, pointing at its grant type. Both the v2.1 form (`"oauth2": [{"key": "grant_type",
"value": "password_credentials"}]`) and the v2.0 form (`"oauth2": {"grantType": ...}`) count.

## Why it breaks
Postman's OAuth 2.0 helper sends a `redirect_uri` parameter with every token request, even for
the password grant, which has no redirect. ScopeStack's OAuth server rejects such a request with
`invalid_grant`, so "Get New Access Token" fails although every credential is right.

## Example
```json
"auth": {
    "type": "oauth2",
    "oauth2": [
        {"key": "grant_type", "value": "password_credentials", "type": "string"},
        {"key": "accessTokenUrl", "value": "https://app.scopestack.io/oauth/token", "type": "string"}
    ]
}
```

## Cure
Fetch the token with a direct request instead of the helper:
`POST https://app.scopestack.io/oauth/token`, auth "No Auth", body `x-www-form-urlencoded` with
`grant_type=password`, `client_id`, `client_secret`, `username` and `password`; store
`pm.response.json().access_token` in a variable from its test script and send it as a bearer
token. For interactive use, the Authorization Code grant with the callback
`https://oauth.pstmn.io/v1/callback` also works.
"#;

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (index, auth) in cx.coll.auths.iter().enumerate() {
        if auth.kind != "oauth2" {
            continue;
        }
        let Some(grant) = auth.param(&["grant_type", "grantType"]) else {
            continue;
        };
        let is_password = cx
            .text(grant.value)
            .is_some_and(|g| matches!(g.trim(), "password_credentials" | "password"));
        if !is_password {
            continue;
        }
        // Where the helper is used, its URL may resolve differently (folder variables).
        let token_urls = cx.resolve_auth_param(index, &["accessTokenUrl"]);
        let on_scopestack = token_urls
            .iter()
            .any(|(_, u)| UrlParts::parse(u).is_scopestack());
        let unresolved = token_urls
            .iter()
            .all(|(_, u)| u.trim().is_empty() || has_unresolved(u));
        if !(on_scopestack || (unresolved && cx.calls_scopestack)) {
            continue;
        }
        let whose = cx.coll.describe(auth.owner);
        out.push(Diagnostic {
            rule: &RULE,
            severity: RULE.severity,
            message: format!(
                "{whose} uses Postman's OAuth 2.0 helper with the Password Credentials grant; \
                 ScopeStack answers it with `invalid_grant`"
            ),
            help: format!(
                "Postman's helper sends a `redirect_uri` even for password grants, and ScopeStack \
                 rejects it. Get the token with a direct `POST {TOKEN_URL}` request (auth \
                 \"No Auth\", x-www-form-urlencoded body: grant_type=password, client_id, \
                 client_secret, username, password) and send `{{{{access_token}}}}` as a bearer \
                 token, or use the Authorization Code grant. See `scopelint explain SS001`."
            ),
            label: "Password Credentials grant".to_owned(),
            item: cx.coll.item_label(auth.owner),
            pointer: grant.pointer.clone(),
            span: cx.span(grant.value),
        });
    }
}
