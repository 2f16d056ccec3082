//! `--format json`: one document on stdout, stable field names (version 1).

use serde::Serialize;

use crate::lint::FileReport;

#[derive(Serialize)]
pub struct JsonReport {
    pub version: u32,
    /// Files linted (not counting those that could not be read or parsed).
    pub files: usize,
    pub diagnostics: Vec<JsonDiagnostic>,
    /// Files that could not be read, decoded or parsed.
    pub errors: Vec<JsonError>,
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

#[derive(Serialize)]
pub struct JsonError {
    pub path: String,
    /// `io`, `encoding` or `json`.
    pub kind: &'static str,
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub offset: Option<usize>,
}

impl JsonReport {
    pub fn new() -> Self {
        JsonReport {
            version: 1,
            files: 0,
            diagnostics: Vec::new(),
            errors: Vec::new(),
        }
    }

    pub fn add(&mut self, report: &FileReport) {
        let source = &report.source;
        let path = source.name().to_owned();
        if let Some(err) = &report.error {
            let at = err
                .span
                .map(|s| (source.line_col(s.start), s.start + source.bom_len()));
            self.errors.push(JsonError {
                path,
                kind: err.kind.as_str(),
                message: err.message.clone(),
                line: at.map(|(lc, _)| lc.line),
                column: at.map(|(lc, _)| lc.column),
                offset: at.map(|(_, o)| o),
            });
            return;
        }
        self.files += 1;
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
