//! `--format json`: one document on stdout, stable field names (version 1).

use serde::Serialize;

use crate::diagnostic::FileReport;

#[derive(Serialize)]
pub struct JsonReport {
    pub version: u32,
    /// Fixes applied by `--fix` (0 without it).
    pub fixed: usize,
    /// Files examined, including those that could not be read or parsed.
    pub files: usize,
    /// Findings, and files that could not be read, decoded or parsed (codes
    /// `scopelint::io`, `scopelint::encoding`, `scopelint::json`).
    pub diagnostics: Vec<JsonDiagnostic>,
}

#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub path: String,
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub help: String,
    pub item: Option<String>,
    pub pointer: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in Unicode characters.
    pub column: usize,
    /// Bytes from the start of the file as stored (a UTF-8 BOM counts).
    pub offset: usize,
    pub length: usize,
    /// The fix `--fix` would apply, or `null`.
    pub fix: Option<JsonFix>,
}

#[derive(Serialize)]
pub struct JsonFix {
    pub applicability: crate::fix::Applicability,
    pub message: String,
}

impl JsonReport {
    pub fn new() -> Self {
        JsonReport {
            version: 1,
            fixed: 0,
            files: 0,
            diagnostics: Vec::new(),
        }
    }

    pub fn add(&mut self, report: &FileReport) {
        self.extend(Self::entries(report));
    }

    /// Adds a file's entries (made by [`JsonReport::entries`]).
    pub fn extend(&mut self, entries: Vec<JsonDiagnostic>) {
        self.files += 1;
        self.diagnostics.extend(entries);
    }

    /// The entries of one file's report: its error, then its findings.
    pub fn entries(report: &FileReport) -> Vec<JsonDiagnostic> {
        let source = &report.source;
        let path = source.name().to_owned();
        let mut out = Vec::with_capacity(report.diagnostics.len() + 1);
        if let Some(err) = &report.error {
            let span = err.span.unwrap_or_default();
            let lc = source.line_col(span.start);
            out.push(JsonDiagnostic {
                path: path.clone(),
                code: err.kind.code(),
                name: err.kind.name(),
                severity: "error",
                message: err.message.clone(),
                help: err.kind.help().to_owned(),
                item: None,
                pointer: String::new(),
                line: lc.line,
                column: lc.column,
                offset: span.start + source.bom_len(),
                length: span.len(),
                fix: None,
            });
        }
        for d in &report.diagnostics {
            let lc = source.line_col(d.span.start);
            out.push(JsonDiagnostic {
                path: path.clone(),
                code: d.rule.code,
                name: d.rule.name,
                severity: d.severity.as_str(),
                message: d.message.clone(),
                help: d.help.to_string(),
                item: d.item.clone(),
                pointer: d.pointer.as_str().to_owned(),
                line: lc.line,
                column: lc.column,
                offset: d.span.start + source.bom_len(),
                length: d.span.len(),
                fix: d.fix.as_ref().map(|f| JsonFix {
                    applicability: f.applicability,
                    message: f.message.to_string(),
                }),
            });
        }
        out
    }
}

impl Default for JsonReport {
    fn default() -> Self {
        Self::new()
    }
}
