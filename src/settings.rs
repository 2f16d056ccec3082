//! What applies to every linted file: the variables of the `--environment` and `--globals`
//! files. The environment file is kept parsed, so that a fix can edit a wrong value where it
//! is defined.

use crate::document::Document;
use crate::load;
use crate::postman::environment;
use crate::source::{FileId, Span};
use crate::text::Text;
use crate::variables::VarLayer;

/// A Postman environment or globals export given on the command line.
pub struct VariablesFile {
    /// The path as given, for messages.
    pub name: String,
    pub doc: Document,
    pub bom_len: usize,
    pub layer: VarLayer,
    /// The text as it was read, before any fix.
    pub original: Text,
    what: &'static str,
    target: Option<FileId>,
}

/// Why an environment or globals file could not be used, with the text to show around the
/// place (`span`) when there is one.
#[derive(Debug)]
pub struct VariablesError {
    pub message: String,
    pub span: Option<Span>,
    pub text: Text,
    pub bom_len: usize,
}

impl std::fmt::Display for VariablesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl VariablesFile {
    /// Reads an environment (`what` = "environment") or globals export.
    pub fn read(
        name: &str,
        bytes: Vec<u8>,
        what: &'static str,
    ) -> Result<VariablesFile, VariablesError> {
        let decoded = load::decode(bytes).map_err(|e| VariablesError {
            message: e.message,
            span: e.span,
            text: e.shown,
            bom_len: 0,
        })?;
        let target = (what == "environment").then_some(FileId::ENVIRONMENT);
        let file = Self::from_text(name, decoded.text.clone(), decoded.bom_len, what, target)?;
        Ok(VariablesFile {
            original: decoded.text,
            ..file
        })
    }

    fn from_text(
        name: &str,
        text: Text,
        bom_len: usize,
        what: &'static str,
        target: Option<FileId>,
    ) -> Result<VariablesFile, VariablesError> {
        let doc = load::parse_named(name, &text).map_err(|e| VariablesError {
            message: e.message,
            span: Some(e.span),
            text: text.clone(),
            bom_len,
        })?;
        // The environment is a file a fix may edit; globals are not.
        let doc = match target {
            Some(file) => doc.in_file(file),
            None => doc,
        };
        if environment::values_node(&doc).is_none() {
            let root = doc.span(doc.root());
            return Err(VariablesError {
                message: format!("not a Postman {what} export (no `values` array of variables)"),
                span: Some(Span::new(root.start, root.start + 1)),
                text: text.clone(),
                bom_len,
            });
        }
        let origin = match environment::name(&doc) {
            Some(n) if !n.is_empty() => format!("the {what} `{n}`"),
            _ => format!("the {what} file `{name}`"),
        };
        let mut layer = environment::read_layer(&doc, origin);
        if target.is_some() {
            layer = layer.editable(doc.file());
        }
        Ok(VariablesFile {
            name: name.to_owned(),
            doc,
            bom_len,
            layer,
            original: text,
            what,
            target,
        })
    }

    /// The same file with new text (after fixes), re-read.
    pub fn with_text(&self, text: String) -> Result<VariablesFile, VariablesError> {
        let file = Self::from_text(
            &self.name,
            Text::from(text),
            self.bom_len,
            self.what,
            self.target,
        )?;
        Ok(VariablesFile {
            original: self.original.clone(),
            ..file
        })
    }

    pub fn text(&self) -> &str {
        self.doc.text()
    }

    pub fn changed(&self) -> bool {
        *self.original != *self.text()
    }
}

/// Variables from files named on the command line.
#[derive(Default)]
pub struct Settings {
    pub environment: Option<VariablesFile>,
    pub globals: Option<VariablesFile>,
}

impl Settings {
    pub fn environment_layer(&self) -> Option<&VarLayer> {
        self.environment.as_ref().map(|f| &f.layer)
    }

    pub fn globals_layer(&self) -> Option<&VarLayer> {
        self.globals.as_ref().map(|f| &f.layer)
    }
}
