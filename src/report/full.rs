//! The default output: miette's graphical diagnostics, a label on the exact key or value.

use std::fmt;

use miette::{Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use crate::diagnostic::FileReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Span;
use crate::fix::Applicability;
use crate::source::{Excerpt, SourceFile};

/// Lines miette shows on each side of a label.
const CONTEXT_LINES: usize = 1;

pub struct FullRenderer {
    handler: GraphicalReportHandler,
}

impl FullRenderer {
    pub fn new(color: bool, width: usize) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        FullRenderer {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(width)
                .with_links(false)
                .with_context_lines(CONTEXT_LINES)
                .with_break_words(false)
                .with_word_separator(textwrap::WordSeparator::AsciiSpace),
        }
    }

    /// Every diagnostic of a file (or its error), each followed by a blank line.
    pub fn render(&self, report: &FileReport, out: &mut String) {
        let source = &*report.source;
        if let Some(err) = &report.error {
            let shown = ErrorView {
                shown: Shown::new(source, err.span.unwrap_or_default()),
                code: format!("error[{}]: {}", err.kind.code(), err.kind.name()),
                help: err.kind.help(),
                message: &err.message,
                span: err.span,
            };
            self.write(&shown, out);
        }
        for d in &report.diagnostics {
            let shown = Shown::new(source, d.span);
            self.write(&DiagnosticView { d, shown }, out);
        }
    }

    fn write(&self, d: &dyn MietteDiagnostic, out: &mut String) {
        // Writing into a String cannot fail.
        let _ = self.handler.render_report(out, d);
        out.push('\n');
    }
}

fn to_miette(span: Span) -> miette::SourceSpan {
    miette::SourceSpan::new(span.start.into(), span.len())
}

/// What a snippet is read from: the file itself, or an excerpt of its long lines.
struct Shown<'a> {
    source: &'a SourceFile,
    excerpt: Option<Excerpt>,
}

impl<'a> Shown<'a> {
    fn new(source: &'a SourceFile, span: Span) -> Self {
        Shown {
            source,
            excerpt: source.excerpt(span, CONTEXT_LINES),
        }
    }

    fn code(&self) -> &dyn miette::SourceCode {
        match &self.excerpt {
            Some(e) => e,
            None => self.source,
        }
    }

    /// `span` in the text `code` returns.
    fn span(&self, span: Span) -> miette::SourceSpan {
        to_miette(self.excerpt.as_ref().map_or(span, |e| e.span))
    }
}

struct DiagnosticView<'a> {
    d: &'a Diagnostic,
    shown: Shown<'a>,
}

impl fmt::Debug for DiagnosticView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for DiagnosticView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for DiagnosticView<'_> {}

impl MietteDiagnostic for DiagnosticView<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        // Reads like clippy: `error[SS001]: oauth-password-grant`.
        Some(Box::new(format!(
            "{}[{}]: {}",
            self.d.severity.as_str(),
            self.d.rule.code,
            self.d.rule.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let Some(fix) = &self.d.fix else {
            return Some(Box::new(&self.d.help));
        };
        let how = match fix.applicability {
            Applicability::Safe => "`--fix`",
            Applicability::Unsafe => "`--fix --unsafe-fixes`",
        };
        Some(Box::new(format!(
            "{}\nfix: {} ({how})",
            self.d.help, fix.message
        )))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.shown.code())
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = LabeledSpan::new_primary_with_span(
            Some(self.d.label.to_string()),
            self.shown.span(self.d.span),
        );
        Some(Box::new(std::iter::once(label)))
    }
}

/// A file that could not be read or parsed.
struct ErrorView<'a> {
    shown: Shown<'a>,
    code: String,
    help: &'static str,
    message: &'a str,
    span: Option<Span>,
}

impl fmt::Debug for ErrorView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl fmt::Display for ErrorView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.span {
            Some(_) => f.write_str(self.message),
            // No snippet to carry the file name: say it in the message.
            None => write!(f, "{}: {}", self.shown.source.name(), self.message),
        }
    }
}

impl std::error::Error for ErrorView<'_> {}

impl MietteDiagnostic for ErrorView<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Error)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.help))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.span.map(|_| self.shown.code())
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some("here".to_owned()), self.shown.span(span)),
        )))
    }
}
