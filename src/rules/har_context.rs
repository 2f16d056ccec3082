//! What rules see of a HAR capture: each entry with its resolved facts, and diagnostics that
//! label the entry's request (its URL) or its response status and name the entry.

use crate::diagnostic::Rule;
use crate::diagnostic::{Diagnostic, Pointer};
use crate::document::NodeId;
use crate::har::{Entry, Har};
use crate::scopestack::{display_url, Endpoints, UrlParts};
use crate::source::FileId;

pub struct HarContext<'a> {
    pub har: &'a Har<'a>,
    /// The deployment the capture's API requests called.
    pub endpoints: Endpoints,
    pub facts: Vec<EntryFacts>,
}

pub struct EntryFacts {
    /// The absolute URL.
    pub url: String,
    pub scopestack: bool,
    /// Sends `grant_type`, or posts to `.../oauth/token`.
    pub token_request: bool,
    /// On the API host and not a token request.
    pub api_request: bool,
    /// The path on the API (without the API's base path).
    pub path: String,
}

/// Where a HAR diagnostic points.
pub enum Place {
    Url,
    Status,
    Header(NodeId, String),
}

impl<'a> HarContext<'a> {
    pub fn new(har: &'a Har<'a>, endpoints: &'a Endpoints) -> HarContext<'a> {
        let facts: Vec<EntryFacts> = har
            .entries
            .iter()
            .map(|e| {
                let url = e.request.absolute_url().into_owned();
                let parts = UrlParts::parse(&url);
                let token_request = e.request.param("grant_type").is_some()
                    && e.request.body.is_some()
                    || parts.path.trim_end_matches('/').ends_with("/oauth/token");
                // Preflights, tunnels and HEAD requests are not API calls to judge.
                let call = !matches!(e.request.method.as_str(), "OPTIONS" | "CONNECT" | "HEAD");
                EntryFacts {
                    scopestack: endpoints.is_scopestack(&parts),
                    api_request: endpoints.is_api(&parts) && !token_request && call,
                    token_request,
                    path: endpoints.api_path(parts.path).to_owned(),
                    url,
                }
            })
            .collect();
        let endpoints = endpoints.for_calls(
            facts
                .iter()
                .filter(|f| f.api_request)
                .map(|f| UrlParts::parse(&f.url).host),
        );
        HarContext {
            har,
            endpoints,
            facts,
        }
    }

    pub fn entries(&self) -> impl Iterator<Item = (&'a Entry, &EntryFacts)> {
        self.har.entries.iter().zip(&self.facts)
    }

    /// `entry 3: POST https://app.scopestack.io/oauth/token → 400 at 2024-05-01T10:00:00Z`.
    pub fn describe(&self, entry: &Entry) -> String {
        let status = entry
            .response
            .as_ref()
            .map(|r| format!(" → {}", r.status))
            .unwrap_or_default();
        let at = if entry.started_text.is_empty() {
            String::new()
        } else {
            format!(" at {}", entry.started_text)
        };
        format!(
            "entry {}: {} {}{status}{at}",
            entry.index,
            entry.request.method,
            display_url(&entry.request.absolute_url())
        )
    }

    pub fn diagnostic(
        &self,
        rule: &'static Rule,
        entry: &Entry,
        place: Place,
        message: String,
        help: String,
        label: &str,
    ) -> Diagnostic {
        let doc = self.har.doc;
        let (node, pointer) = match place {
            Place::Url => (
                entry.request.url_node,
                format!("{}/request/url", entry.pointer),
            ),
            Place::Status => match &entry.response {
                Some(r) => (r.status_node, format!("{}/response/status", entry.pointer)),
                None => (
                    entry.request.url_node,
                    format!("{}/request/url", entry.pointer),
                ),
            },
            Place::Header(node, pointer) => (node, pointer),
        };
        Diagnostic {
            rule,
            severity: rule.severity,
            file: FileId::LINTED,
            message,
            help: help.into(),
            label: label.to_owned().into(),
            item: Some(self.describe(entry)),
            pointer: Pointer::Text(pointer),
            span: doc.span(node),
            fix: None,
        }
    }
}
