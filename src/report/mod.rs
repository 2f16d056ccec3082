//! Renderers: they read file reports and write text; nothing else in the crate prints.

pub mod concise;
pub mod diff;
pub mod full;
pub mod github;
pub mod json;
pub mod sarif;

use crate::diagnostic::FileReport;

/// Counts for the closing summary and `--statistics`.
#[derive(Debug, Default, Clone)]
pub struct Totals {
    /// Per rule code: (name, findings, findings with a fix).
    pub by_rule: std::collections::BTreeMap<&'static str, (&'static str, usize, usize)>,
    pub files: usize,
    pub files_with_findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub failed_files: usize,
    /// Files whose fixes could not be written.
    pub unwritten_files: usize,
    /// Findings with a safe fix, and with an unsafe one.
    pub fixable: usize,
    pub unsafe_fixable: usize,
    /// Fixes applied (or, with `--diff`, that would be).
    pub fixed: usize,
}

impl Totals {
    pub fn add(&mut self, report: &FileReport) {
        match report.error.as_ref().map(|e| e.kind) {
            // Checked, but the fixed text could not be written back.
            Some(crate::diagnostic::ErrorKind::Write) => {
                self.unwritten_files += 1;
                self.files += 1;
            }
            Some(_) => {
                self.failed_files += 1;
                return;
            }
            None => self.files += 1,
        }
        if !report.diagnostics.is_empty() {
            self.files_with_findings += 1;
        }
        for d in &report.diagnostics {
            match d.severity {
                crate::diagnostic::Severity::Error => self.errors += 1,
                crate::diagnostic::Severity::Warning => self.warnings += 1,
            }
            let entry = self
                .by_rule
                .entry(d.rule.code)
                .or_insert((d.rule.name, 0, 0));
            entry.1 += 1;
            entry.2 += usize::from(d.fix.is_some());
            match d.fix.as_ref().map(|f| f.applicability) {
                Some(crate::fix::Applicability::Safe) => self.fixable += 1,
                Some(crate::fix::Applicability::Unsafe) => self.unsafe_fixable += 1,
                None => {}
            }
        }
    }

    /// `--statistics`: one line per rule, most frequent first (`[*]`: fixable).
    pub fn statistics(&self) -> String {
        let mut rows: Vec<_> = self.by_rule.iter().collect();
        rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(b.0)));
        let width = rows
            .iter()
            .map(|r| r.1 .1.to_string().len())
            .max()
            .unwrap_or(1);
        rows.iter()
            .map(|(code, (name, count, fixable))| {
                let mark = if *fixable > 0 { " [*]" } else { "" };
                format!("{count:>width$}  {code}  {name}{mark}\n")
            })
            .collect()
    }

    /// `--statistics --format json`.
    pub fn statistics_json(&self) -> serde_json::Value {
        let mut rows: Vec<_> = self.by_rule.iter().collect();
        rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(b.0)));
        rows.iter()
            .map(|(code, (name, count, fixable))| {
                serde_json::json!({"code": code, "name": name, "count": count, "fixable": fixable})
            })
            .collect()
    }

    /// The summary after `--fix`: what was fixed, then what remains.
    pub fn fix_summary(&self) -> String {
        let fixed = match self.fixed {
            0 => "Nothing to fix.".to_owned(),
            n => format!("Fixed {}.", plural(n, "problem")),
        };
        format!("{fixed} {}", self.summary())
    }

    /// The summary for `--diff` (on stderr).
    pub fn diff_summary(&self) -> String {
        let mut line = match self.fixed {
            0 => "Nothing to fix".to_owned(),
            n => format!("Would fix {}", plural(n, "problem")),
        };
        if self.findings() > 0 {
            line.push_str(&format!("; {} would remain", self.findings()));
        }
        line.push('.');
        if self.failed_files > 0 {
            line.push_str(&format!(
                " {} could not be checked.",
                plural(self.failed_files, "file")
            ));
        }
        line
    }

    pub fn findings(&self) -> usize {
        self.errors + self.warnings
    }

    /// One line, e.g. `Found 3 problems (3 errors) in 2 of 9 files.`
    pub fn summary(&self) -> String {
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
            let mut found = format!(
                "Found {} ({}) in {} of {}.",
                plural(self.findings(), "problem"),
                parts.join(", "),
                self.files_with_findings,
                plural(self.files, "file")
            );
            match (self.fixable, self.unsafe_fixable) {
                (0, 0) => {}
                (n, 0) => found.push_str(&format!(" {n} fixable with `--fix`.")),
                (0, u) => found.push_str(&format!(" {u} fixable with `--fix --unsafe-fixes`.")),
                (n, u) => found.push_str(&format!(
                    " {n} fixable with `--fix` ({u} more with `--unsafe-fixes`)."
                )),
            }
            found
        };
        if self.unwritten_files > 0 {
            line.push_str(&format!(
                " {} could not be written.",
                plural(self.unwritten_files, "fixed file")
            ));
        }
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

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
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
            ..Totals::default()
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
