use std::borrow::Cow;
use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Pointer, Severity};
use crate::json::{Document, NodeId};
use crate::rules::har_context::HarContext;
use crate::rules::{Context, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    code: "SS013",
    name: "duplicate-key",
    summary: "A JSON object names the same key twice; Postman keeps only the last value",
    severity: Severity::Warning,
    doc: DOC,
    check,
    check_har: Some(check_har),
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
pub fn check_document(doc: &Document, out: &mut Vec<Diagnostic>) {
    // One buffer for every object: this pass visits each object of files with millions.
    // (key node, value node, key)
    let mut keys: Vec<(NodeId, NodeId, Cow<str>)> = Vec::new();
    for obj in doc.objects() {
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
            if winner == i {
                continue;
            }
            let winner_line = line_of(doc.text(), doc.span(keys[winner].0).start);
            out.push(Diagnostic {
                rule: &RULE,
                severity: RULE.severity,
                message: format!(
                    "duplicate key `{key}`: Postman ignores this value and uses the one on line \
                     {winner_line}"
                ),
                help: format!(
                    "Keep one `{key}`: JSON.parse, which Postman and newman use, keeps only the \
                     last."
                ),
                label: "ignored duplicate".to_owned(),
                item: None,
                pointer: Pointer::Node(*value),
                span: doc.span(*key_node),
                fix: None,
            });
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    1 + memchr::memchr_iter(b'\n', &text.as_bytes()[..offset]).count()
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
