//! One file, start to finish: decode, parse, classify, model, rules.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::json::Span;
use crate::load::{self, FileKind};
use crate::postman::{self, environment};
use crate::rules::{self, Context};
use crate::secrets::secret_spans;
use crate::source::SourceFile;
use crate::variables::VarLayer;

/// Lines around a label that a snippet may show (miette shows one on each side; keep a
/// margin so a change there cannot reveal an unmasked line).
const SNIPPET_LINES: usize = 3;

/// Variables from files named on the command line.
#[derive(Default)]
pub struct Settings {
    pub environment: Option<VarLayer>,
    pub globals: Option<VarLayer>,
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
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Io => "io",
            ErrorKind::Encoding => "encoding",
            ErrorKind::Json => "json",
        }
    }
}

pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    pub error: Option<FileError>,
}

pub enum Outcome {
    Report(FileReport),
    /// Not a file scopelint lints; the note is shown when the file was named explicitly.
    Skipped(String),
}

impl FileReport {
    pub fn failed(name: &str, message: String) -> FileReport {
        FileReport {
            source: Arc::new(SourceFile::new(name, Arc::from(""), 0)),
            diagnostics: Vec::new(),
            error: Some(FileError {
                kind: ErrorKind::Io,
                message,
                span: None,
            }),
        }
    }
}

/// Lints the bytes of one file named `name` (used for diagnostics and to recognise
/// `*.postman_collection.json` and friends); `explicit` when it was named on the command line.
pub fn lint_bytes(name: &str, bytes: Vec<u8>, explicit: bool, settings: &Settings) -> Outcome {
    let decoded = match load::decode(bytes) {
        Ok(d) => d,
        Err(e) => {
            return Outcome::Report(FileReport {
                source: Arc::new(SourceFile::new(name, e.shown, 0)),
                diagnostics: Vec::new(),
                error: Some(FileError {
                    kind: ErrorKind::Encoding,
                    message: e.message,
                    span: e.span,
                }),
            })
        }
    };
    let source = Arc::new(SourceFile::new(name, decoded.text.clone(), decoded.bom_len));
    let doc = match load::parse(&decoded.text) {
        Ok(doc) => doc,
        Err(e) => {
            return Outcome::Report(FileReport {
                source,
                diagnostics: Vec::new(),
                error: Some(FileError {
                    kind: ErrorKind::Json,
                    message: format!("invalid JSON: {}", e.message),
                    span: Some(e.span),
                }),
            })
        }
    };
    let base_name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let diagnostics = match load::classify(&doc, base_name, explicit) {
        FileKind::Collection { root, pointer } => {
            let coll = postman::read_collection(&doc, root, pointer);
            let cx = Context::new(
                &coll,
                settings.environment.as_ref(),
                settings.globals.as_ref(),
            );
            rules::check(&cx)
        }
        FileKind::Environment | FileKind::Globals => Vec::new(),
        FileKind::Other(reason) => return Outcome::Skipped(reason),
    };
    if !diagnostics.is_empty() {
        let windows: Vec<Span> = diagnostics
            .iter()
            .map(|d| source.surrounding_lines(d.span, SNIPPET_LINES))
            .collect();
        source.mask(&secret_spans(&doc, &windows));
    }
    Outcome::Report(FileReport {
        source,
        diagnostics,
        error: None,
    })
}

/// Reads an environment or globals file given with `--environment` / `--globals`.
pub fn read_variables_file(name: &str, bytes: Vec<u8>, what: &str) -> Result<VarLayer, String> {
    let decoded = load::decode(bytes).map_err(|e| e.message)?;
    let doc = load::parse(&decoded.text).map_err(|e| {
        let lc = SourceFile::new(name, decoded.text.clone(), 0).line_col(e.span.start);
        format!(
            "invalid JSON at line {}, column {}: {}",
            lc.line, lc.column, e.message
        )
    })?;
    if environment::values_node(&doc).is_none() {
        return Err(format!(
            "not a Postman {what} export (no `values` array of variables)"
        ));
    }
    let origin = match environment::name(&doc) {
        Some(n) if !n.is_empty() => format!("the {what} `{n}`"),
        _ => format!("the {what} file `{name}`"),
    };
    Ok(environment::read_layer(&doc, origin))
}
