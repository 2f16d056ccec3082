use serde_json::{json, Value};

use crate::diagnostic::{Diagnostic, Pointer, Rule, Severity};
use crate::document::{Kind, NodeId};
use crate::fix::Fix;
use crate::postman::Auth;
use crate::rule_options::PasswordCure;
use crate::rules::password_helpers::{self, PasswordHelper};
use crate::rules::{cure, Checks, Context, RuleInfo};
use crate::source::FileId;

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS001",
        name: "oauth-password-grant",
        summary:
            "Postman's OAuth 2.0 helper with the Password Credentials grant against ScopeStack",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        collection: Some(check),
        ..Checks::NONE
    },
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

## Fix (safe)
`--fix` switches the auth object to bearer `{{access_token}}` (its `oauth2` settings stay in
the object, unused, so nothing is lost) and inserts a request `Get ScopeStack access token` as
the first item of the collection or folder that held the helper (for a request-level helper:
just before that request): `POST https://app.scopestack.io/oauth/token`, "No Auth", an
`x-www-form-urlencoded` body with `grant_type=password` and the helper's `client_id`,
`client_secret`, `username`, `password` (and `scope`) exactly as they were, and a test script
that stores `access_token` and `refresh_token` in collection variables, which are declared when
missing (in the environment instead, when the `--environment` file defines them).
When the collection already has a token request to ScopeStack whose test script stores the
response's `access_token` in a variable, it is reused: the bearer auth sends that variable, and
no second token request is inserted.
In a Postman v12 tree, the auth entry becomes `type: bearer` with `token: "{{access_token}}"` in
its `credentials` (beside the helper's settings), and the token request is a new file,
`Get ScopeStack access token.request.yaml`, in the helper's folder, with an `order` that puts
it first (or just before the request that held the helper); the variables are declared in the
collection definition's `variables`.
It is safe when the helper's token URL resolves to ScopeStack: the helper can never get a token
there, so no working request changes. When the token URL does not resolve, the helper may
belong to another service, and sending its credentials to ScopeStack needs review: the fix is
then unsafe.

## The other cure: the Authorization Code grant
The troubleshooting guide's second cure keeps the helper and switches its grant. Choose it in
scopelint.toml:
```toml
[rules.SS001]
cure = "authorization-code"   # default: "direct-request"
```
The fix (unsafe) then sets the grant type to Authorization Code (`authorization_code`), the
auth URL to `https://app.scopestack.io/oauth/authorize`, the token URL to
`https://app.scopestack.io/oauth/token` (one that already resolves there stays as written),
the callback (`redirect_uri`) to Postman's `https://oauth.pstmn.io/v1/callback` with
"Authorize using browser" on, and removes `username` and `password`; nothing is inserted. It
is unsafe because that callback must be registered as a redirect URI of the OAuth client in
ScopeStack (else the sign-in fails with a callback mismatch, SS007), and because a person
signs in from then on: a CI run cannot. The same settings are edited in a v2.0 export
(`grantType`, `callBackUrl`) and in a v12 auth entry's `credentials`.
"#;

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for PasswordHelper {
        auth,
        grant,
        on_scopestack,
    } in password_helpers::find(cx)
    {
        let whose = cx.coll.describe(auth.owner);
        out.push(Diagnostic {
            rule: &RULE,
            severity: RULE.severity,
            file: FileId::LINTED,
            message: format!(
                "{whose} uses Postman's OAuth 2.0 helper with the Password Credentials grant; \
                 ScopeStack answers it with `invalid_grant`"
            ),
            help: help(cx).into(),
            label: "Password Credentials grant".to_owned().into(),
            item: cx.coll.item_label(auth.owner),
            pointer: Pointer::Node(grant.value),
            span: cx.span(grant.value),
            fix: fix(cx, auth, on_scopestack),
        });
    }
}

fn help(cx: &Context) -> String {
    let token_url = cx.endpoints.token_url();
    match cx.options.ss001_cure {
        PasswordCure::DirectRequest => format!(
            "Postman's helper sends a `redirect_uri` even for password grants, and ScopeStack \
             rejects it. Get the token with a direct `POST {token_url}` request (auth \
             \"No Auth\", x-www-form-urlencoded body: grant_type=password, client_id, \
             client_secret, username, password) and send `{{{{access_token}}}}` as a bearer \
             token, or use the Authorization Code grant. See `scopelint explain SS001`."
        ),
        PasswordCure::AuthorizationCode => format!(
            "Postman's helper sends a `redirect_uri` even for password grants, and ScopeStack \
             rejects it. Switch the helper to the Authorization Code grant (auth URL \
             `{}/oauth/authorize`, token URL `{token_url}`, \"Authorize using browser\"): \
             Postman's callback `{POSTMAN_CALLBACK}` must be registered as a redirect URI of \
             the OAuth client in ScopeStack, or the sign-in ends in a callback mismatch. See \
             `scopelint explain SS001`.",
            cx.endpoints.app.url
        ),
    }
}

/// Bearer `{{access_token}}` instead of the helper, and the token request the guide
/// prescribes, carrying the helper's credentials.
fn fix(cx: &Context, auth: &Auth, on_scopestack: bool) -> Option<Fix> {
    if cx.options.ss001_cure == PasswordCure::AuthorizationCode {
        return authorization_code(cx, auth);
    }
    let doc = cx.coll.doc;
    let ed = &cx.editor;
    let kind_node = auth.kind_node?;
    // A token request the collection has already is reused: the bearer auth sends what it
    // stores, and no second one is added.
    let existing = existing_token_variable(cx);
    let token = format!("{{{{{}}}}}", existing.as_deref().unwrap_or("access_token"));
    let mut edits = vec![cx.editor.replace_value(kind_node, &Value::from("bearer"))];
    if cx.coll.is_tree() {
        edits.push(v3_bearer_token(cx, auth, &token));
    }
    // The `oauth2` parameters stay in the auth object (Postman keeps the settings of other
    // auth types there too): nothing of the helper is lost.
    let v20 = doc
        .get(auth.node, "oauth2")
        .is_some_and(|p| doc.kind(p) == Kind::Object);
    let bearer = if v20 {
        json!({ "token": token })
    } else {
        json!([{"key": "token", "value": token, "type": "string"}])
    };
    if !cx.coll.is_tree() {
        edits.push(match doc.get(auth.node, "bearer") {
            Some(existing) => ed.replace_value(existing, &bearer),
            None => ed.insert_member(auth.node, Some("type"), "bearer", &bearer),
        });
    }
    if existing.is_some() {
        let message = format!(
            "Replace the helper with bearer `{token}`, which the collection's token request stores"
        );
        return Some(if on_scopestack {
            Fix::safe(message, edits)
        } else {
            Fix::unsafe_(message, edits)
        });
    }
    let fields: Vec<(&str, Value)> = CREDENTIALS
        .iter()
        .filter_map(|&(field, names, fallback)| {
            // An empty optional field (`scope`) is left out.
            let value = auth
                .param(names)
                .map(|p| cx.value_of(p.value))
                .filter(|v| fallback.is_some() || v.as_str() != Some(""));
            match (value, fallback) {
                (Some(v), _) => Some((field, v)),
                (None, Some(f)) => Some((field, Value::String(f.to_owned()))),
                (None, None) => None,
            }
        })
        .collect();
    let item = cure::token_request(cx, &fields);
    let slot = password_helpers::token_request_position_for(cx, auth);
    edits.push(cure::insert_item(cx, slot, &item));
    edits.extend(cure::declare_variables(
        cx,
        &["access_token", "refresh_token"],
    ));
    let message = format!(
        "Replace the helper with bearer `{{{{access_token}}}}` and add a `{}` request",
        cure::TOKEN_REQUEST_NAME
    );
    // With a token URL that does not resolve, the helper may be another service's: sending
    // its credentials to ScopeStack needs a person's review.
    Some(if on_scopestack {
        Fix::safe(message, edits)
    } else {
        Fix::unsafe_(message, edits)
    })
}

/// Postman's callback for "Authorize using browser".
pub const POSTMAN_CALLBACK: &str = "https://oauth.pstmn.io/v1/callback";

/// The guide's other cure (`[rules.SS001] cure = "authorization-code"`): the helper switched
/// to the Authorization Code grant with ScopeStack's authorize and token URLs and Postman's
/// callback; username and password removed. Unsafe: the callback must be registered for the
/// client, and a person signs in from then on.
fn authorization_code(cx: &Context, auth: &Auth) -> Option<Fix> {
    let doc = cx.coll.doc;
    let ed = &cx.editor;
    let container = ["oauth2", "credentials"]
        .iter()
        .find_map(|k| doc.get(auth.node, k))?;
    // `(key, value node, index in the container)` per setting, in the file's order.
    let entries: Vec<(String, NodeId, usize)> = match doc.kind(container) {
        Kind::Array => doc
            .elements(container)
            .enumerate()
            .filter_map(|(i, e)| {
                let key = doc.get(e, "key").and_then(|k| doc.as_str(k))?;
                Some((key.into_owned(), doc.get(e, "value")?, i))
            })
            .collect(),
        Kind::Object => doc
            .members(container)
            .enumerate()
            .filter_map(|(i, (k, v))| Some((doc.as_str(k)?.into_owned(), v, i)))
            .collect(),
        _ => return None,
    };
    let list = doc.kind(container) == Kind::Array;
    // Postman v2.0's object form names some settings differently.
    let legacy = !list && !cx.coll.is_tree() && doc.get(container, "grantType").is_some();
    let grant_key = if legacy { "grantType" } else { "grant_type" };
    let callback_key = if legacy {
        "callBackUrl"
    } else {
        "redirect_uri"
    };
    let token_url = cx.endpoints.token_url();
    let mut wanted: Vec<(&str, Value)> = vec![
        (grant_key, json!("authorization_code")),
        (
            "authUrl",
            json!(format!("{}/oauth/authorize", cx.endpoints.app.url)),
        ),
        ("accessTokenUrl", json!(token_url)),
        (callback_key, json!(POSTMAN_CALLBACK)),
    ];
    if !legacy {
        wanted.push(("useBrowser", json!(true)));
    }
    let position = |key: &str| entries.iter().rposition(|(k, _, _)| k == key);
    let grant_at = position(grant_key)?;
    let mut edits = Vec::new();
    let mut missing = Vec::new();
    for (key, value) in wanted {
        match position(key) {
            Some(i) => {
                let node = entries[i].1;
                let same = doc.to_value(node) == value
                    // A token URL that resolves to the token endpoint stays as written.
                    || key == "accessTokenUrl"
                        && cx
                            .text(node)
                            .is_some_and(|t| cx.endpoints.is_token_url(&cx.resolve(auth.owner, &t)));
                if !same {
                    edits.push(ed.replace_value(node, &value));
                }
            }
            None => missing.push((key, value)),
        }
    }
    let removed: Vec<usize> = entries
        .iter()
        .filter(|(k, _, _)| k == "username" || k == "password")
        .map(|(_, _, i)| *i)
        .collect();
    edits.extend(ed.remove_entries(container, &removed));
    if list {
        let grant_element = entries[grant_at].2;
        let values: Vec<Value> = missing
            .iter()
            .map(|(k, v)| {
                let kind = if v.is_boolean() { "boolean" } else { "string" };
                json!({"key": k, "value": v, "type": kind})
            })
            .collect();
        if !values.is_empty() {
            edits.push(ed.insert_elements(container, grant_element, &values));
        }
    } else {
        for (key, value) in &missing {
            edits.push(ed.insert_member(container, Some(grant_key), key, value));
        }
    }
    Some(Fix::unsafe_(
        format!(
            "Switch the helper to the Authorization Code grant with Postman's callback \
             `{POSTMAN_CALLBACK}` (register it for the client)"
        ),
        edits,
    ))
}

/// In a v12 auth entry, the bearer token joins the `credentials` (a map or a list), where the
/// helper's settings stay, unused.
fn v3_bearer_token(cx: &Context, auth: &Auth, token: &str) -> crate::fix::Edit {
    let doc = cx.coll.doc;
    let ed = &cx.editor;
    let token = Value::from(token);
    match doc.get(auth.node, "credentials") {
        Some(map) if doc.kind(map) == Kind::Object => match doc.get(map, "token") {
            Some(existing) => ed.replace_value(existing, &token),
            None => ed.insert_member(map, None, "token", &token),
        },
        Some(list) if doc.kind(list) == Kind::Array => {
            let existing = doc
                .elements(list)
                .find(|e| doc.get(*e, "key").is_some_and(|k| doc.str_eq(k, "token")));
            match existing.and_then(|e| doc.get(e, "value")) {
                Some(value) => ed.replace_value(value, &token),
                None => ed.insert_elements(list, 0, &[json!({"key": "token", "value": token})]),
            }
        }
        Some(other) => ed.replace_value(other, &json!({ "token": token })),
        None => ed.insert_member(
            auth.node,
            Some("type"),
            "credentials",
            &json!({ "token": token }),
        ),
    }
}

/// The variable a token request of the collection stores the response's `access_token` in
/// (a ScopeStack token request whose test script sets a variable from the parsed response's
/// `access_token`), when there is one.
fn existing_token_variable(cx: &Context) -> Option<String> {
    for (_, req, facts) in cx.request_facts() {
        if !facts.token_request || !facts.scopestack {
            continue;
        }
        for s in req.scripts.iter() {
            if cx.coll.scripts[s].listen != "test" {
                continue;
            }
            for call in cx.code(s).calls(crate::postman::VARIABLE_SETTERS) {
                let (Some(name), Some(value)) = (
                    call.args.first().and_then(|a| crate::js::string_literal(a)),
                    call.args.get(1),
                ) else {
                    continue;
                };
                let parsed = value.contains(".json()") || value.contains("JSON.parse");
                if parsed && value.contains("access_token") {
                    return Some(name.to_owned());
                }
            }
        }
    }
    None
}

/// Body field, the helper's parameter names (v2.1 and v2.0), and the value to use when the
/// helper has none (`None`: leave the field out).
const CREDENTIALS: &[(&str, &[&str], Option<&str>)] = &[
    (
        "client_id",
        &["clientId", "client_id"],
        Some("{{client_id}}"),
    ),
    (
        "client_secret",
        &["clientSecret", "client_secret"],
        Some("{{client_secret}}"),
    ),
    ("username", &["username"], Some("{{username}}")),
    ("password", &["password"], Some("{{password}}")),
    ("scope", &["scope"], None),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// SS001's findings (their pointers) for a collection whose auth is `auth`.
    fn findings(auth: &str) -> Vec<String> {
        let text = format!(
            r#"{{"item": [{{"name": "t", "request": {{"method": "GET", "url": "https://api.scopestack.io/acme/v1/clients"}}}}],
              "auth": {auth}}}"#
        );
        crate::rules::finding_pointers(&text, RULE.code)
    }

    #[test]
    fn both_names_of_the_password_grant_are_flagged_in_both_layouts() {
        let url = "https://app.scopestack.io/oauth/token";
        for grant in ["password_credentials", "password", " password "] {
            let v21 = format!(
                r#"{{"type": "oauth2", "oauth2": [{{"key": "grant_type", "value": "{grant}"}},
                    {{"key": "accessTokenUrl", "value": "{url}"}}]}}"#
            );
            let v20 = format!(
                r#"{{"type": "oauth2", "oauth2": {{"grantType": "{grant}", "accessTokenUrl": "{url}"}}}}"#
            );
            for auth in [v21, v20] {
                assert_eq!(findings(&auth).len(), 1, "{auth}");
            }
        }
        // Other grants are not this rule's.
        let code = format!(
            r#"{{"type": "oauth2", "oauth2": [{{"key": "grant_type", "value": "authorization_code"}},
                {{"key": "accessTokenUrl", "value": "{url}"}}]}}"#
        );
        assert_eq!(findings(&code), Vec::<String>::new());
    }
}
