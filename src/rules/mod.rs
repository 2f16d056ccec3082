//! The rule registry. A rule is one file: its documentation (what `scopelint explain` prints),
//! its metadata and its check. Codes and names are fixed: configs and tools key on them.

// Support for several rules (none of them a rule).
pub(crate) mod context;
pub(crate) mod cure;
pub mod har_context;
pub mod header_fix;
pub(crate) mod password_helpers;
pub(crate) mod script_requests;

use self::har_context::HarContext;
use crate::diagnostic::{Diagnostic, Rule};
use crate::document::Document;

pub use self::context::Context;
use crate::parallel::map_in_order;

/// A rule: what reports say of it (`Rule`, reached through `Deref`), and its checks.
pub struct RuleInfo {
    pub meta: Rule,
    /// What the rule reads, and its check for each.
    pub checks: Checks,
}

impl std::ops::Deref for RuleInfo {
    type Target = Rule;
    fn deref(&self) -> &Rule {
        &self.meta
    }
}

/// A rule's check for each kind of input it reads; `None` where it does not apply.
pub struct Checks {
    /// Postman collections.
    pub collection: Option<fn(&Context, &mut Vec<Diagnostic>)>,
    /// HAR captures.
    pub har: Option<fn(&HarContext, &mut Vec<Diagnostic>)>,
    /// Postman environment and globals exports, read as documents.
    pub variables: Option<fn(&Document, &mut Vec<Diagnostic>)>,
    /// The text of a YAML file, before it is parsed: what keeps Postman from reading the file
    /// at all (the other rules judge only files that parse).
    pub yaml_text: Option<fn(&str, &mut Vec<Diagnostic>)>,
}

impl Checks {
    /// No input: a rule names the inputs it reads and takes the rest from here
    /// (`..Checks::NONE`), so a new kind of input touches no rule that does not read it.
    pub const NONE: Checks = Checks {
        collection: None,
        har: None,
        variables: None,
        yaml_text: None,
    };
}

/// One linted file, as the rules read it.
pub enum Input<'a> {
    Collection(&'a Context<'a>),
    Har(&'a HarContext<'a>),
    Variables(&'a Document),
    /// A YAML file's text, unparsed.
    YamlText(&'a str),
}

impl Input<'_> {
    fn doc(&self) -> Option<&Document> {
        match self {
            Input::Collection(cx) => Some(cx.coll.doc),
            Input::Har(cx) => Some(cx.har.doc),
            Input::Variables(doc) => Some(doc),
            Input::YamlText(_) => None,
        }
    }
}

// The rules, one file each, reached only through `RULES`. Declared one by one, not by a
// macro: tools that follow `mod` lines (cargo-mutants, MUTANTS.md) must find them.
mod authorization_scheme;
mod duplicate_key;
mod forbidden_response;
mod hard_coded_secret;
mod invalid_grant_response;
mod missing_accept_header;
mod missing_account_slug;
mod missing_authorization;
mod missing_content_type;
mod oauth_password_grant;
mod redirect_uri_on_password_grant;
mod unauthorized_response;
mod unquoted_variable;
mod whole_response_token;
mod wrong_token_url;

/// Every rule, in code order.
pub static RULES: &[&RuleInfo] = &[
    &oauth_password_grant::RULE,           // SS001
    &wrong_token_url::RULE,                // SS002
    &whole_response_token::RULE,           // SS003
    &missing_accept_header::RULE,          // SS004
    &missing_account_slug::RULE,           // SS005
    &redirect_uri_on_password_grant::RULE, // SS006
    &invalid_grant_response::RULE,         // SS007
    &unauthorized_response::RULE,          // SS008
    &forbidden_response::RULE,             // SS009
    &missing_content_type::RULE,           // SS010
    &hard_coded_secret::RULE,              // SS011
    &missing_authorization::RULE,          // SS012
    &duplicate_key::RULE,                  // SS013
    &unquoted_variable::RULE,              // SS014
    &authorization_scheme::RULE,           // SS015
];

/// Finds a rule by code (`SS001`, any case) or name (`oauth-password-grant`).
pub fn find(code_or_name: &str) -> Option<&'static RuleInfo> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// Runs the enabled rules that read this kind of input; diagnostics come back in file order
/// (then code order), their pointers resolved.
pub fn run(input: &Input, enabled: impl Fn(&RuleInfo) -> bool) -> Vec<Diagnostic> {
    let mut out = run_unordered(input, enabled);
    finish(input.doc(), &mut out);
    out
}

/// What the enabled rules find, in no set order and with pointers unresolved, for a caller
/// that frees the rules' input before [`finish`]: on a big collection the model and the
/// context outweigh the sort's buffer and the pointers (100,000 requests: 60 MB against
/// 3 MB), so the peak of memory falls by what `finish` needs.
pub fn run_unordered(input: &Input, enabled: impl Fn(&RuleInfo) -> bool) -> Vec<Diagnostic> {
    let rules: Vec<&RuleInfo> = RULES.iter().copied().filter(|r| enabled(r)).collect();
    match input {
        // Rules only read the context: on a big collection they share the cores (the slowest
        // take about a fifth of the time each). Each rule's findings stay in the order it
        // made them, so the result after `finish` is the same as one rule after another.
        Input::Collection(cx) => {
            let found = map_in_order(cx.coll.doc, &rules, |_, rule| {
                let mut out = Vec::new();
                if let Some(check) = rule.checks.collection {
                    check(cx, &mut out);
                }
                out
            });
            // Joined into a list of the right size: collecting a flattened iterator grows it
            // by doubling (20,000 findings: 8 MB, and 4 MB more while it grows, for 4 MB).
            let mut out = Vec::with_capacity(found.iter().map(Vec::len).sum());
            for mut rule in found {
                out.append(&mut rule);
            }
            out
        }
        Input::Har(cx) => {
            let mut out = Vec::new();
            for check in rules.iter().filter_map(|r| r.checks.har) {
                check(cx, &mut out);
            }
            out
        }
        Input::Variables(doc) => {
            let mut out = Vec::new();
            for check in rules.iter().filter_map(|r| r.checks.variables) {
                check(doc, &mut out);
            }
            out
        }
        Input::YamlText(text) => {
            let mut out = Vec::new();
            for check in rules.iter().filter_map(|r| r.checks.yaml_text) {
                check(text, &mut out);
            }
            out
        }
    }
}

/// Puts what [`run_unordered`] found in file order (then code order; a rule's own order is
/// kept) and resolves its pointers in `doc`, the file the rules read.
pub fn finish(doc: Option<&Document>, out: &mut [Diagnostic]) {
    out.sort_by_key(|d| (d.span.start, d.rule.code));
    if let Some(doc) = doc {
        crate::diagnostic::resolve_pointers(doc, out);
    }
}

/// The pointers of rule `code`'s findings in the collection `text` (default settings).
#[cfg(test)]
pub(crate) fn finding_pointers(text: &str, code: &str) -> Vec<String> {
    let doc = crate::document::Document::parse(text.into()).unwrap();
    let coll = crate::postman::read_collection(&doc, doc.root());
    let settings = crate::settings::Settings::default();
    let endpoints = crate::scopestack::Endpoints::default();
    let options = Default::default();
    let cx = Context::new(&coll, &settings, &endpoints, &options);
    run(&Input::Collection(&cx), |r| r.code == code)
        .into_iter()
        .map(|d| d.pointer.as_str().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_documented() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(
                r.code,
                format!("SS{:03}", i + 1),
                "registry is in code order"
            );
            assert!(codes.insert(r.code), "duplicate code {}", r.code);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
            assert!(
                r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                r.name
            );
            for heading in [
                "## What it catches",
                "## Why it breaks",
                "## Example",
                "## Cure",
            ] {
                assert!(r.doc.contains(heading), "{} doc lacks {heading}", r.code);
            }
            assert!(
                !r.summary.is_empty() && !r.summary.ends_with('.'),
                "{}",
                r.code
            );
        }
    }

    #[test]
    fn finds_by_code_or_name() {
        assert_eq!(find("ss004").unwrap().name, "missing-accept-header");
        assert_eq!(find("wrong-token-url").unwrap().code, "SS002");
        assert!(find("SS999").is_none());
    }
}
