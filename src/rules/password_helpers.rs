//! What SS001 and the fixes that must wait for it (SS005's slug request) both need to know:
//! which OAuth 2.0 helpers use the password grant against ScopeStack, and where the token
//! request that replaces them goes.

use crate::postman::{Auth, AuthParam, Owner, Slot};
use crate::rules::{cure, Context};
use crate::scopestack::UrlParts;
use crate::variables::has_unresolved;

/// A password helper SS001 flags: the auth object, its grant type parameter, and whether its
/// token URL resolves to ScopeStack (rather than being unresolved).
pub struct PasswordHelper<'a> {
    pub auth: &'a Auth<'a>,
    pub grant: &'a AuthParam<'a>,
    pub on_scopestack: bool,
}

/// The OAuth 2.0 helpers set to the password grant against ScopeStack (or an unresolved
/// token URL in a collection that calls ScopeStack).
pub fn find<'a>(cx: &Context<'a>) -> Vec<PasswordHelper<'a>> {
    let mut out = Vec::new();
    for (index, auth) in cx.coll.auths.iter_enumerated() {
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
            .any(|(_, u)| cx.endpoints.is_scopestack(&UrlParts::parse(u)));
        let unresolved = token_urls
            .iter()
            .all(|(_, u)| u.trim().is_empty() || has_unresolved(u));
        if on_scopestack || (unresolved && cx.calls_scopestack) {
            out.push(PasswordHelper {
                auth,
                grant,
                on_scopestack,
            });
        }
    }
    out
}

/// Where the fix of the first password helper inserts its token request:
pub fn token_request_position(cx: &Context) -> Option<Slot> {
    find(cx)
        .first()
        .map(|f| token_request_position_for(cx, f.auth))
}

/// Where the token request that replaces helper `auth` goes: first in the collection or
/// folder that holds it, or just before the request that holds it.
pub fn token_request_position_for(cx: &Context, auth: &Auth) -> Slot {
    match auth.owner {
        Owner::Scope(scope) => Slot { scope, index: 0 },
        Owner::Request(r) => cure::slot_of(cx, r),
    }
}
