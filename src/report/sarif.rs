//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, Azure
//! DevOps, IDEs). Rules carry their documentation; regions are exact (lines, columns in
//! Unicode code points, and byte offsets in the file as stored); fixes become `fixes[]` with
//! byte-accurate replacements. A fix whose inserted text would show a secret is left out.

use serde_json::{json, Value};

use crate::diagnostic::FileReport;
use crate::diagnostic::Severity;
use crate::fix::Target;
use crate::rules::RULES;
use crate::secrets::{masked_fragment, masked_yaml};
use crate::source::{FileId, SourceFile};

/// The `--environment` file, where a fix may correct a variable: its name, and the bytes of
/// its byte-order mark (offsets count them, as they are in the file as stored).
pub struct EnvironmentFile {
    pub name: String,
    pub bom_len: usize,
}

#[derive(Default)]
pub struct SarifReport {
    results: Vec<Value>,
    notifications: Vec<Value>,
}

impl SarifReport {
    pub fn add(&mut self, report: &FileReport, environment: Option<&EnvironmentFile>) {
        let source = &report.source;
        let uri = uri(source.name());
        if let Some(err) = &report.error {
            let mut notification = json!({
                "level": "error",
                "message": {"text": format!("{}: {}", err.kind.code(), err.message)},
                "descriptor": {"id": err.kind.code()},
            });
            let mut location = json!({"physicalLocation": {"artifactLocation": {"uri": uri}}});
            if let Some(span) = err.span {
                location["physicalLocation"]["region"] = region(source, span.start, span.end);
            }
            notification["locations"] = json!([location]);
            self.notifications.push(notification);
        }
        for d in &report.diagnostics {
            let index = RULES
                .iter()
                .position(|r| r.code == d.rule.code)
                .unwrap_or(0);
            let mut result = json!({
                "ruleId": d.rule.code,
                "ruleIndex": index,
                "level": level(d.severity),
                "message": {"text": d.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": region(source, d.span.start, d.span.end),
                    },
                    "logicalLocations": [{"fullyQualifiedName": d.pointer.as_str(), "kind": "element"}],
                }],
            });
            if let Some(fix) = &d.fix {
                // Inserted text is judged as the file's own would be: a copied credential is still one.
                let shows_secret = fix.edits.iter().any(|e| {
                    // Text for a YAML file is judged as YAML (SS014 quotes a whole value).
                    let yaml = crate::load::is_yaml_name(source.name());
                    let shown = if yaml {
                        masked_yaml(&e.content)
                    } else {
                        masked_fragment(&e.content)
                    };
                    shown != e.content
                });
                if !shows_secret {
                    let mut targets: Vec<&Target> = fix.edits.iter().map(|e| &e.target).collect();
                    targets.sort();
                    targets.dedup();
                    let changes: Vec<Value> = targets
                        .into_iter()
                        .filter_map(|target| {
                            let shift = match target {
                                Target::File(FileId::LINTED) => source.bom_len(),
                                Target::File(FileId::ENVIRONMENT) => {
                                    environment.map_or(0, |e| e.bom_len)
                                }
                                _ => 0,
                            };
                            let replacements: Vec<Value> = fix
                                .edits
                                .iter()
                                .filter(|e| e.target == *target)
                                .map(|e| {
                                    json!({
                                        "deletedRegion": {
                                            "byteOffset": e.span.start + shift,
                                            "byteLength": e.span.len(),
                                        },
                                        "insertedContent": {"text": e.content},
                                    })
                                })
                                .collect();
                            let file = match target {
                                Target::File(FileId::LINTED) => uri.clone(),
                                Target::File(FileId::ENVIRONMENT) => self::uri(&environment?.name),
                                Target::File(_) => return None,
                                Target::New(path) => self::uri(&crate::fix::beside(source.name(), path)),
                            };
                            Some(json!({"artifactLocation": {"uri": file}, "replacements": replacements}))
                        })
                        .collect();
                    result["fixes"] = json!([{
                        "description": {"text": format!("{} ({})", fix.message, match fix.applicability {
                            crate::fix::Applicability::Safe => "safe",
                            crate::fix::Applicability::Unsafe => "unsafe",
                        })},
                        "artifactChanges": changes,
                    }]);
                }
            }
            self.results.push(result);
        }
    }

    pub fn finish(&self) -> Value {
        let rules: Vec<Value> = RULES
            .iter()
            .map(|r| {
                json!({
                    "id": r.code,
                    "name": r.name,
                    "shortDescription": {"text": r.summary},
                    "fullDescription": {"text": section(r.doc, "## What it catches")},
                    "help": {"text": r.doc, "markdown": r.doc},
                    "defaultConfiguration": {"level": level(r.severity)},
                    "properties": {"tags": ["scopestack", "authentication"]},
                })
            })
            .collect();
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "scopelint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "columnKind": "unicodeCodePoints",
                "invocations": [{
                    "executionSuccessful": self.notifications.is_empty(),
                    "toolExecutionNotifications": self.notifications,
                }],
                "results": self.results,
            }],
        })
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Lines and columns (1-based, columns in code points, end exclusive) and bytes.
fn region(source: &SourceFile, start: usize, end: usize) -> Value {
    let a = source.line_col(start);
    let b = source.line_col(end);
    json!({
        "startLine": a.line,
        "startColumn": a.column,
        "endLine": b.line,
        "endColumn": b.column,
        "byteOffset": start + source.bom_len(),
        "byteLength": end - start,
    })
}

/// The first paragraph under `heading` in a rule's documentation.
fn section(doc: &str, heading: &str) -> String {
    doc.split_once(heading)
        .map(|(_, rest)| rest.trim_start())
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or("")
        .replace('\n', " ")
}

/// A relative path as a URI reference (`/` separators, unsafe characters percent-encoded).
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_become_uri_references() {
        assert_eq!(super::uri("my dir/a b.json"), "my%20dir/a%20b.json");
        assert_eq!(super::uri("x\\y.json"), "x/y.json");
    }
}
