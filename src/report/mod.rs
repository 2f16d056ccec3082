//! Renderers: they read file reports and write text; nothing else in the crate prints.

pub mod full;
pub mod json;

use crate::lint::FileReport;

/// Counts for the closing summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    pub files: usize,
    pub files_with_findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub failed_files: usize,
}

impl Totals {
    pub fn add(&mut self, report: &FileReport) {
        if report.error.is_some() {
            self.failed_files += 1;
            return;
        }
        self.files += 1;
        if !report.diagnostics.is_empty() {
            self.files_with_findings += 1;
        }
        for d in &report.diagnostics {
            match d.severity {
                crate::diagnostic::Severity::Error => self.errors += 1,
                crate::diagnostic::Severity::Warning => self.warnings += 1,
            }
        }
    }

    pub fn findings(&self) -> usize {
        self.errors + self.warnings
    }

    /// One line, e.g. `Found 3 problems (3 errors) in 2 of 9 files.`
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut line = if self.findings() == 0 {
            if self.failed_files > 0 && self.files == 0 {
                String::new()
            } else {
                format!("No problems found in {}.", plural(self.files, "file"))
            }
        } else {
            let mut parts = Vec::new();
            if self.errors > 0 {
                parts.push(plural(self.errors, "error"));
            }
            if self.warnings > 0 {
                parts.push(plural(self.warnings, "warning"));
            }
            format!(
                "Found {} ({}) in {} of {}.",
                plural(self.findings(), "problem"),
                parts.join(", "),
                self.files_with_findings,
                plural(self.files, "file")
            )
        };
        if self.failed_files > 0 {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&format!(
                "{} could not be checked.",
                plural(self.failed_files, "file")
            ));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::Totals;

    #[test]
    fn summaries_read_well() {
        let t = Totals {
            files: 1,
            ..Totals::default()
        };
        assert_eq!(t.summary(), "No problems found in 1 file.");
        let t = Totals {
            files: 9,
            files_with_findings: 2,
            errors: 3,
            warnings: 1,
            failed_files: 1,
        };
        let t2 = Totals {
            failed_files: 2,
            ..Totals::default()
        };
        assert_eq!(t2.summary(), "2 files could not be checked.");
        assert_eq!(
            t.summary(),
            "Found 4 problems (3 errors, 1 warning) in 2 of 9 files. 1 file could not be checked."
        );
    }
}
