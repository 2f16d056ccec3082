//! What a rule reports. Renderers only read these.

use serde::Serialize;

use crate::fix::Fix;
use crate::json::Span;
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
    pub pointer: String,
    /// Bytes of the key or value at fault, relative to the text without a BOM.
    pub span: Span,
    pub fix: Option<Fix>,
}
