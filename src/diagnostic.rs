//! What a rule reports. Renderers only read these.

use serde::Serialize;

use crate::fix::Fix;
use crate::json::{NodeId, Span};
use crate::rules::RuleInfo;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static RuleInfo,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    /// Text of the label on the span.
    pub label: String,
    /// Folder path and request name (`Clients / List clients`), or the folder for folder
    /// auth; `None` for the collection itself.
    pub item: Option<String>,
    /// RFC 6901 pointer of the node the finding is about.
    pub pointer: Pointer,
    /// Bytes of the key or value at fault, relative to the text without a BOM.
    pub span: Span,
    pub fix: Option<Fix>,
}

/// Where a finding is, as an RFC 6901 JSON pointer. Rules name a node; `rules::run` turns
/// the nodes of all findings into pointers in one walk of the document, so that no pointer
/// is built for the many nodes nothing is reported about.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Pointer {
    Node(NodeId),
    Text(String),
}

impl Pointer {
    /// The pointer text (empty before `rules::run` resolved a `Node`).
    pub fn as_str(&self) -> &str {
        match self {
            Pointer::Text(s) => s,
            Pointer::Node(_) => {
                debug_assert!(false, "pointer used before it was resolved");
                ""
            }
        }
    }
}

impl Diagnostic {
    /// Masks credentials that a message quotes from the file (a URL's password, a token in
    /// a query string, a JWT): every output format shows these texts.
    pub fn mask_quoted_secrets(&mut self) {
        let mut texts = vec![&mut self.message, &mut self.help, &mut self.label];
        if let Some(fix) = &mut self.fix {
            texts.push(&mut fix.message);
        }
        for text in texts {
            let spans = crate::secrets::secrets_in_message(text);
            if !spans.is_empty() {
                *text = crate::secrets::mask_spans(text, &spans);
            }
        }
    }
}

/// Turns every `Pointer::Node` into its text.
pub fn resolve_pointers(doc: &crate::json::Document, diagnostics: &mut [Diagnostic]) {
    let nodes: Vec<NodeId> = diagnostics
        .iter()
        .filter_map(|d| match d.pointer {
            Pointer::Node(n) => Some(n),
            Pointer::Text(_) => None,
        })
        .collect();
    let mut texts = doc.pointers_of(&nodes).into_iter();
    for d in diagnostics {
        if matches!(d.pointer, Pointer::Node(_)) {
            d.pointer = Pointer::Text(texts.next().unwrap_or_default());
        }
    }
}
