use std::borrow::Cow;
use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Pointer, Rule, Severity};
use crate::document::{Document, NodeId};
use crate::rules::har_context::HarContext;
use crate::rules::{Checks, Context, RuleInfo};
use crate::source::FileId;

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS013",
        name: "duplicate-key",
        summary: "A JSON object names the same key twice; Postman keeps only the last value",
        severity: Severity::Warning,
        doc: DOC,
    },
    checks: Checks {
        collection: Some(check),
        har: Some(check_har),
        variables: Some(check_document),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS013 duplicate-key

## What it catches
A JSON object in a collection, environment or HAR file that names the same key more than once.
Each earlier occurrence is reported, with the line of the one that counts.

## Why it breaks
JSON leaves duplicate keys undefined. Postman and newman read files with JavaScript's
`JSON.parse`, which keeps the **last** value and silently drops the others, so what you see
first in the file (an auth type, a URL, a token) may not be what Postman sends. Hand edits and
merge conflicts resolved by keeping both sides are the usual cause.

## Example
```json
{"auth": {"type": "oauth2", "type": "noauth"}}
```
Postman uses `"noauth"`.

## Cure
Delete the occurrences you do not mean, keeping one.

## Fix
None: which value was meant is yours to decide.
"#;

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    check_document(cx.coll.doc, out);
}

fn check_har(cx: &HarContext, out: &mut Vec<Diagnostic>) {
    check_document(cx.har.doc, out);
}

/// Every object in `doc`: collections, environments and HARs alike.
fn check_document(doc: &Document, out: &mut Vec<Diagnostic>) {
    // Every object of files with millions: the tape is split between the cores, and the
    // parts' findings joined in order.
    let parts = rayon::current_num_threads().clamp(1, 8);
    let step = doc.node_count().div_ceil(parts).max(1 << 16);
    let found: Vec<Vec<Diagnostic>> = {
        use rayon::prelude::*;
        (0..doc.node_count().div_ceil(step))
            .into_par_iter()
            .map(|part| {
                let mut out = Vec::new();
                let end = ((part + 1) * step).min(doc.node_count());
                check_objects(doc, doc.objects_in(part * step..end), &mut out);
                out
            })
            .collect()
    };
    out.extend(found.into_iter().flatten());
}

fn check_objects<'d>(
    doc: &'d Document,
    objects: impl Iterator<Item = NodeId>,
    out: &mut Vec<Diagnostic>,
) {
    // One buffer for every object. (key node, value node, key)
    let mut keys: Vec<(NodeId, NodeId, Cow<'d, str>)> = Vec::new();
    // (key node, value node, where the winning key is, key) of each ignored duplicate.
    let mut found: Vec<(NodeId, NodeId, usize, String)> = Vec::new();
    for obj in objects {
        keys.clear();
        keys.extend(
            doc.members(obj)
                .map(|(k, v)| (k, v, doc.as_str(k).unwrap_or_default())),
        );
        if keys.len() < 2 {
            continue;
        }
        let has_duplicate = if keys.len() <= 16 {
            // Small objects (nearly all of them) are scanned pairwise, without hashing.
            (1..keys.len()).any(|j| keys[..j].iter().any(|(_, _, k)| *k == keys[j].2))
        } else {
            let mut seen = std::collections::HashSet::with_capacity(keys.len());
            !keys.iter().all(|(_, _, k)| seen.insert(&**k))
        };
        if !has_duplicate {
            continue;
        }
        // The index of the occurrence that wins, per key name.
        let last: HashMap<&str, usize> = keys
            .iter()
            .enumerate()
            .map(|(i, (_, _, k))| (&**k, i))
            .collect();
        for (i, (key_node, value, key)) in keys.iter().enumerate() {
            let winner = last[&**key];
            if winner != i {
                let winner_at = doc.span(keys[winner].0).start;
                found.push((*key_node, *value, winner_at, key.clone().into_owned()));
            }
        }
    }
    // Line numbers of the winners, counted in one pass over the text (one count from the
    // start per finding was quadratic in files with many duplicates).
    let mut offsets: Vec<usize> = found.iter().map(|f| f.2).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let (mut at, mut line, mut file_start) = (0, 1, 0);
    let lines: HashMap<usize, usize> = offsets
        .into_iter()
        .map(|offset| {
            // Lines count from the start of the file the offset is in (a collection tree's
            // files follow one another in its document).
            let start = doc.part_at(offset).span.start;
            if start != file_start {
                (at, line, file_start) = (start, 1, start);
            }
            line += memchr::memchr_iter(b'\n', &doc.text().as_bytes()[at..offset]).count();
            at = offset;
            (offset, line)
        })
        .collect();
    for (key_node, value, winner_at, key) in found {
        let winner_line = lines[&winner_at];
        out.push(Diagnostic {
            rule: &RULE,
            severity: RULE.severity,
            file: FileId::LINTED,
            message: format!(
                "duplicate key `{key}`: Postman ignores this value and uses the one on line \
                 {winner_line}"
            ),
            help: format!(
                "Keep one `{key}`: JSON.parse, which Postman and newman use, keeps only the last."
            )
            .into(),
            label: "ignored duplicate".to_owned().into(),
            item: None,
            pointer: Pointer::Node(value),
            span: doc.span(key_node),
            fix: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(text: &str) -> Vec<(String, String)> {
        let doc = Document::parse(text.into()).unwrap();
        let mut out = Vec::new();
        check_document(&doc, &mut out);
        crate::diagnostic::resolve_pointers(&doc, &mut out);
        out.into_iter()
            .map(|d| (d.message, d.pointer.as_str().to_owned()))
            .collect()
    }

    #[test]
    fn big_documents_are_split_without_losing_or_reordering_findings() {
        // 300k nodes: several parts on any machine with more than one thread.
        let items: Vec<String> = (0..60_000)
            .map(|i| format!("{{\"k\": {i}, \"k\": 0}}"))
            .collect();
        let text = format!("[{}]", items.join(","));
        let found = findings(&text);
        assert_eq!(found.len(), 60_000);
        let pointers: Vec<String> = (0..60_000).map(|i| format!("/{i}/k")).collect();
        assert!(found.iter().map(|(_, p)| p).eq(pointers.iter()));
    }

    #[test]
    fn reports_each_ignored_occurrence_with_the_winner_line() {
        let got = findings("{\"a\": [{\"k\": 1,\n \"k\": 2,\n \"k\": 3}]}");
        assert_eq!(
            got,
            [
                (
                    "duplicate key `k`: Postman ignores this value and uses the one on line 3"
                        .to_owned(),
                    "/a/0/k".to_owned()
                ),
                (
                    "duplicate key `k`: Postman ignores this value and uses the one on line 3"
                        .to_owned(),
                    "/a/0/k".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn keys_compare_by_value_not_spelling() {
        assert_eq!(findings(r#"{"a": 1, "\u0061": 2}"#).len(), 1);
        assert!(findings(r#"{"a": 1, "A": 2, "a ": 3}"#).is_empty());
        // The same key in different objects is no duplicate.
        assert!(findings(r#"{"x": {"a": 1}, "y": {"a": 2}}"#).is_empty());
    }

    #[test]
    fn large_objects_are_checked_too() {
        let mut members: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        assert!(findings(&format!("{{{}}}", members.join(","))).is_empty());
        members.push("\"k7\": 0".to_owned());
        let got = findings(&format!("{{{}}}", members.join(",")));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1, "/k7");
    }

    #[test]
    fn pointers_escape_tilde_and_slash() {
        let got = findings(r#"{"a/b~": {"x": 1, "x": 2}}"#);
        assert_eq!(got[0].1, "/a~1b~0/x");
    }
}
