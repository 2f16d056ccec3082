//! `--format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the pull request (`::error file=…,line=…,col=…,title=…::message`).

use crate::diagnostic::FileReport;
use crate::diagnostic::Severity;

pub fn render(report: &FileReport, out: &mut String) {
    let source = &report.source;
    let name = source.name();
    if let Some(err) = &report.error {
        let lc = source.line_col(err.span.map_or(0, |s| s.start));
        out.push_str(&format!(
            "::error file={},line={},col={},title={}::{}\n",
            property(name),
            lc.line,
            lc.column,
            property(&format!("{} {}", err.kind.code(), err.kind.name())),
            data(&err.message)
        ));
    }
    for d in &report.diagnostics {
        let start = source.line_col(d.span.start);
        let end = source.line_col(d.span.end);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            property(name),
            start.line,
            start.column,
            end.line,
            end.column,
            property(&format!("{} {}", d.rule.code, d.rule.name)),
            data(&d.message)
        ));
    }
}

/// Escapes a message (the part after `::`).
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_as_the_runner_expects() {
        assert_eq!(super::data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(super::property("a:b,c"), "a%3Ab%2Cc");
    }
}
