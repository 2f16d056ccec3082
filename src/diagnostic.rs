//! What a rule reports. Renderers only read these.

use serde::Serialize;

use crate::document::{NodeId, Span};
use crate::fix::Fix;
use crate::source::{FileId, SourceFile};
use crate::text::Text;
use std::borrow::Cow;
use std::sync::Arc;

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

/// What reports say of a rule: its stable code and name, a summary, its default severity and
/// its documentation (Markdown: what it catches, why it breaks, an example, the cure). The
/// registry (`rules`) pairs it with the rule's checks.
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
    pub severity: Severity,
    pub doc: &'static str,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    /// Shared by every finding of a kind where it names nothing of the file: a literal,
    /// not a copy per finding (20,000 findings of a big collection: 4 MB).
    pub help: Cow<'static, str>,
    /// Text of the label on the span.
    pub label: Cow<'static, str>,
    /// Folder path and request name (`Clients / List clients`), or the folder for folder
    /// auth; `None` for the collection itself.
    pub item: Option<String>,
    /// RFC 6901 pointer of the node the finding is about.
    pub pointer: Pointer,
    /// The file the finding is in.
    pub file: FileId,
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
    /// a query string, a JWT): every output format shows these texts. The item's name too:
    /// Postman names a request after its URL until someone renames it.
    pub fn mask_quoted_secrets(&mut self) {
        fn mask(text: &str) -> Option<String> {
            let spans = crate::secrets::secrets_in_message(text);
            (!spans.is_empty()).then(|| crate::source::mask_spans(text, &spans))
        }
        for text in [Some(&mut self.message), self.item.as_mut()]
            .into_iter()
            .flatten()
        {
            if let Some(masked) = mask(text) {
                *text = masked;
            }
        }
        let fix = self.fix.as_mut().map(|f| &mut f.message);
        for text in [Some(&mut self.help), Some(&mut self.label), fix]
            .into_iter()
            .flatten()
        {
            if let Some(masked) = mask(text) {
                *text = Cow::Owned(masked);
            }
        }
    }
}

/// Turns every `Pointer::Node` into its text.
pub fn resolve_pointers(doc: &crate::document::Document, diagnostics: &mut [Diagnostic]) {
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

/// A file that could not be read, decoded or parsed.
#[derive(Debug, Clone)]
pub struct FileError {
    pub kind: ErrorKind,
    pub message: String,
    /// Where in the file, when there is a place to point at.
    pub span: Option<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Io,
    Encoding,
    Json,
    Yaml,
    /// A fixed file could not be written back.
    Write,
    /// A configuration file is wrong.
    Config,
    /// A `*.har` file that is not a HAR capture.
    Har,
    /// The `--environment` or `--globals` file cannot be used.
    Variables,
}

impl ErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Io => "scopelint::io",
            ErrorKind::Encoding => "scopelint::encoding",
            ErrorKind::Json => "scopelint::json",
            ErrorKind::Yaml => "scopelint::yaml",
            ErrorKind::Write => "scopelint::write",
            ErrorKind::Config => "scopelint::config",
            ErrorKind::Har => "scopelint::har",
            ErrorKind::Variables => "scopelint::variables",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Io => "unreadable-file",
            ErrorKind::Encoding => "invalid-encoding",
            ErrorKind::Json => "invalid-json",
            ErrorKind::Yaml => "invalid-yaml",
            ErrorKind::Write => "unwritable-file",
            ErrorKind::Config => "invalid-configuration",
            ErrorKind::Har => "not-a-har",
            ErrorKind::Variables => "invalid-variables-file",
        }
    }

    pub fn help(self) -> &'static str {
        match self {
            ErrorKind::Io => "Check that the path exists and is a readable file.",
            ErrorKind::Encoding => {
                "Postman exports are UTF-8 JSON; export the file again or convert it to UTF-8."
            }
            ErrorKind::Json => {
                "Postman exports are plain JSON; was the file cut short or edited by hand? \
                 Export it again from Postman."
            }
            ErrorKind::Yaml => {
                "Postman v12 keeps this file as YAML; fix the syntax at the place shown (a value \
                 that starts with `{{` needs quotes)."
            }
            ErrorKind::Write => {
                "The file is as it was. Make it writable, or run again once nothing else is \
                 changing it; `--diff` shows what the fix would do."
            }
            ErrorKind::Har => {
                "A HAR capture is `{\"log\": {\"entries\": [...]}}`; export it again from the \
                 browser (DevTools: Network, \"Export HAR\") or the proxy."
            }
            ErrorKind::Variables => {
                "No collection was checked: their {{variables}} come from this file, and \
                 linting them without it would report problems that are not there. Export the \
                 environment (or globals) again from Postman, or leave out --environment \
                 (--globals)."
            }
            ErrorKind::Config => {
                "Files governed by this configuration were not checked. Keys: select, \
                 extend-select, ignore, per-file-ignores, severity, app-url, api-url, rules \
                 (see the README)."
            }
        }
    }
}

pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    pub error: Option<FileError>,
}

impl FileReport {
    pub fn failed(name: &str, message: String) -> FileReport {
        Self::failed_as(ErrorKind::Io, name, message)
    }

    pub fn failed_as(kind: ErrorKind, name: &str, message: String) -> FileReport {
        let source = Arc::new(SourceFile::new(name, Text::from(""), 0));
        Self::error_at(source, kind, message, None)
    }

    /// A file that could not be checked, with the place to point at when there is one.
    pub fn error_at(
        source: Arc<SourceFile>,
        kind: ErrorKind,
        message: String,
        span: Option<Span>,
    ) -> FileReport {
        FileReport {
            source,
            diagnostics: Vec::new(),
            error: Some(FileError {
                kind,
                message,
                span,
            }),
        }
    }
}
