//! `--format json`: one document on stdout, stable field names (version 1).

use serde::Serialize;

use crate::lint::FileReport;

#[derive(Serialize)]
pub struct JsonReport {
    pub version: u32,
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
}

impl JsonReport {
    pub fn new() -> Self {
        JsonReport {
            version: 1,
            files: 0,
            diagnostics: Vec::new(),
        }
    }

    pub fn add(&mut self, report: &FileReport) {
        let source = &report.source;
        let path = source.name().to_owned();
        self.files += 1;
        if let Some(err) = &report.error {
            let span = err.span.unwrap_or_default();
            let lc = source.line_col(span.start);
            self.diagnostics.push(JsonDiagnostic {
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
            });
        }
        for d in &report.diagnostics {
            let lc = source.line_col(d.span.start);
            self.diagnostics.push(JsonDiagnostic {
                path: path.clone(),
                code: d.rule.code,
                name: d.rule.name,
                severity: d.severity.as_str(),
                message: d.message.clone(),
                help: d.help.clone(),
                item: d.item.clone(),
                pointer: d.pointer.clone(),
                line: lc.line,
                column: lc.column,
                offset: d.span.start + source.bom_len(),
                length: d.span.len(),
            });
        }
    }
}

impl Default for JsonReport {
    fn default() -> Self {
        Self::new()
    }
}
