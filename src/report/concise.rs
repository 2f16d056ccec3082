//! `--format concise`: one line per problem, `path:line:col: CODE message`, as compilers and
//! editors' problem matchers expect.

use crate::diagnostic::FileReport;

pub fn render(report: &FileReport, out: &mut String) {
    let source = &report.source;
    if let Some(err) = &report.error {
        let lc = source.line_col(err.span.map_or(0, |s| s.start));
        out.push_str(&format!(
            "{}:{}:{}: {} {}\n",
            source.name(),
            lc.line,
            lc.column,
            err.kind.code(),
            err.message
        ));
    }
    for d in &report.diagnostics {
        let lc = source.line_col(d.span.start);
        out.push_str(&format!(
            "{}:{}:{}: {} {}\n",
            source.name(),
            lc.line,
            lc.column,
            d.rule.code,
            d.message
        ));
    }
}
