use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::har::Entry;
use crate::rules::har_context::{EntryFacts, HarContext, Place};
use crate::rules::{Checks, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS009",
        name: "forbidden-response",
        summary: "A 403 from the API, and the cause the capture shows",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        har: Some(check_har),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS009 forbidden-response

## What it catches
In a HAR capture, a `403 Forbidden` from the ScopeStack API, and which cause the capture shows:
the account slug in the path differs from the `account-slug` that `GET /v1/me` returned earlier
in the capture (the wrong account); otherwise the user's role lacks the permission (an expired
token can also answer 403).

## Why it breaks
A token belongs to one user in one account. Calls under another account's slug, or to
resources the user's role may not touch, are forbidden.

## Example
```
GET https://api.scopestack.io/v1/me            → "account-slug": "acme"
GET https://api.scopestack.io/globex/v1/clients → 403
```

## Cure
Use the slug that `GET /v1/me` returns (`data.attributes["account-slug"]`); for a permission,
ask an account administrator for the role; for an expired token, refresh it.

## Fix
None: a capture records what happened; the fix belongs in the collection or code that sent it.
"#;

fn check_har(cx: &HarContext, out: &mut Vec<Diagnostic>) {
    let entries = &cx.har.entries;
    for (i, (entry, facts)) in cx.entries().enumerate() {
        if !facts.api_request || entry.response.as_ref().map(|r| r.status) != Some(403) {
            continue;
        }
        let (why, cure) = match wrong_account(cx, &entries[..i], facts) {
            Some((slug, theirs, me)) => (
                format!(
                    "the path uses account `{slug}`, but `GET /v1/me` in entry {me} answered \
                     `{theirs}`: the wrong account"
                ),
                format!("Use `{theirs}` as the account slug (`data.attributes[\"account-slug\"]` of `GET /v1/me`)."),
            ),
            None => (
                "the user's role lacks permission for this call (an expired token can also answer 403)".to_owned(),
                "Ask an account administrator for a role that allows it, or refresh the token and retry.".to_owned(),
            ),
        };
        out.push(cx.diagnostic(
            &RULE,
            entry,
            Place::Status,
            format!("the API answered 403 Forbidden: {why}"),
            cure,
            "403 Forbidden",
        ));
    }
}

/// (slug in the path, slug `/v1/me` answered, entry index of that answer).
fn wrong_account(
    cx: &HarContext,
    earlier: &[Entry],
    facts: &EntryFacts,
) -> Option<(String, String, usize)> {
    let slug = facts
        .path
        .trim_start_matches('/')
        .split('/')
        .next()?
        .to_owned();
    if slug.is_empty() || slug == "v1" {
        return None;
    }
    // `earlier` is the start of the capture's entries, which `cx.facts` follows.
    let (me, theirs) = earlier.iter().enumerate().rev().find_map(|(pos, e)| {
        let f = &cx.facts[pos];
        let is_me = f.api_request && f.path.trim_end_matches('/') == "/v1/me";
        let json = e
            .response
            .as_ref()
            .filter(|r| (200..300).contains(&r.status))?
            .json()?;
        let slug = json
            .get("data")?
            .get("attributes")?
            .get("account-slug")?
            .as_str()?
            .to_owned();
        is_me.then_some((e.index, slug))
    })?;
    (theirs != slug).then_some((slug, theirs, me))
}
