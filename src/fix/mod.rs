//! Fixes as data (after ruff): a fix is a set of byte-range edits on the original text, with
//! an applicability. Edits are applied from the end of the file backwards, so bytes outside
//! them stay identical by construction; a fix that overlaps one already chosen waits for the
//! next pass.

pub mod edit;
pub mod yaml_edit;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use std::sync::Arc;

use crate::source::{FileId, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the collection's meaning apart from curing the finding; applied by `--fix`.
    Safe,
    /// May change behaviour the user chose; applied only with `--unsafe-fixes`.
    Unsafe,
}

/// Which file an edit applies to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A file the check read (the checked file, or the `--environment` file).
    File(FileId),
    /// A file the fix creates, named by its path relative to the checked file's folder; its
    /// edits insert at 0. Writing it fails, and changes nothing, when the path exists.
    New(Arc<str>),
}

/// Replace `span` of `target` with `content` (an insertion when the span is empty).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub target: Target,
    pub span: Span,
    pub content: String,
    /// For elements inserted into a JSON array: how they join the elements other fixes
    /// insert at the same place. Two such edits then go in one pass (a request missing both
    /// `Accept` and `Content-Type` took a second pass, and a second lint of the whole file,
    /// for the second header).
    pub joint: Option<Joint>,
}

/// `content` is a prefix, the elements (`content[elements]`), and a suffix. Edits of the
/// same span whose prefix, suffix and separator agree are applied as one: the prefix,
/// each edit's elements with the separator between them, the suffix. (Appending to `[1]`:
/// prefix `, `; filling `[]`: prefix `[`, suffix `]`.)
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Joint {
    pub elements: std::ops::Range<usize>,
    pub separator: String,
}

impl Edit {
    pub fn replace(span: Span, content: impl Into<String>) -> Edit {
        Edit {
            target: Target::File(FileId::LINTED),
            span,
            content: content.into(),
            joint: None,
        }
    }

    pub fn insert(at: usize, content: impl Into<String>) -> Edit {
        Edit::replace(Span::new(at, at), content)
    }

    /// A new file at `path` (relative to the checked file's folder) holding `content`.
    pub fn create(path: &str, content: impl Into<String>) -> Edit {
        Edit {
            target: Target::New(path.into()),
            span: Span::new(0, 0),
            content: content.into(),
            joint: None,
        }
    }

    /// The same edit in another file the check read.
    pub fn in_file(mut self, file: FileId) -> Edit {
        self.target = Target::File(file);
        self
    }

    /// `prefix`, then `elements`, then `suffix` in place of `span`, joining other fixes'
    /// elements there (see [`Joint`]).
    pub fn elements(
        span: Span,
        prefix: &str,
        elements: &str,
        suffix: &str,
        separator: &str,
    ) -> Edit {
        Edit {
            joint: Some(Joint {
                elements: prefix.len()..prefix.len() + elements.len(),
                separator: separator.to_owned(),
            }),
            ..Edit::replace(span, format!("{prefix}{elements}{suffix}"))
        }
    }

    /// Whether this edit and `other` apply as one (see [`Joint`]).
    fn joins(&self, other: &Edit) -> bool {
        let (Some(a), Some(b)) = (&self.joint, &other.joint) else {
            return false;
        };
        self.target == other.target
            && self.span == other.span
            && a.separator == b.separator
            && self.content[..a.elements.start] == other.content[..b.elements.start]
            && self.content[a.elements.end..] == other.content[b.elements.end..]
    }
}

/// The name of a file a fix creates at `path`, beside the checked file named `name` (as
/// reports and diffs show it).
pub fn beside(name: &str, path: &str) -> String {
    match name.rfind(['/', '\\']) {
        Some(i) => format!("{}/{path}", &name[..i]),
        None => path.to_owned(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, e.g. "Replace the OAuth 2.0 helper with a token request".
    pub message: Cow<'static, str>,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(message: impl Into<Cow<'static, str>>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            message: message.into(),
            edits,
        }
    }

    pub fn unsafe_(message: impl Into<Cow<'static, str>>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Unsafe,
            message: message.into(),
            edits,
        }
    }
}

/// Two edits conflict when their ranges overlap, or when an insertion falls inside the
/// other's range; two insertions at one place conflict only between fixes (whose order would
/// be arbitrary; within a fix, its own order holds).
fn conflicts(a: &Edit, b: &Edit, same_fix: bool) -> bool {
    if a.target != b.target || a.joins(b) {
        return false;
    }
    let (x, y) = (a.span, b.span);
    let inside = |p: usize, r: Span| p > r.start && p < r.end;
    match (x.is_empty(), y.is_empty()) {
        (true, true) => !same_fix && x.start == y.start,
        (true, false) => inside(x.start, y) || (!same_fix && x.start == y.start),
        (false, true) => inside(y.start, x) || (!same_fix && y.start == x.start),
        (false, false) => x.start < y.end && y.start < x.end,
    }
}

/// Chooses fixes in order, skipping any whose edits conflict with an edit already chosen
/// (it waits for the next pass). Identical edits from different fixes (two fixes declaring
/// the same variable) are shared, not conflicts.
pub fn select<'a>(fixes: impl IntoIterator<Item = &'a Fix>) -> Vec<&'a Fix> {
    let mut chosen: Vec<&Fix> = Vec::new();
    // Chosen edits by (target, start). They never overlap one another (only equal edits and
    // one fix's insertions share a place), so an edit can only clash with those starting
    // inside it and the last one starting before it: a lookup, not a scan of every edit
    // chosen so far (20k fixes made that quadratic).
    let mut edits: BTreeMap<(&Target, usize), Vec<&Edit>> = BTreeMap::new();
    let key = |e: &'a Edit, at: usize| (&e.target, at);
    let mut created: Vec<&Arc<str>> = Vec::new();
    let folder = |p: &str| p.rfind('/').map_or(String::new(), |i| p[..i].to_owned());
    for fix in fixes {
        let clash = fix.edits.iter().any(|e| {
            let before = edits.range(..key(e, e.span.start)).next_back();
            let within = edits.range(key(e, e.span.start)..=key(e, e.span.end));
            before
                .into_iter()
                .chain(within)
                .flat_map(|(_, list)| list)
                .any(|c| *c != e && conflicts(c, e, false))
        });
        // Requests created in one folder take their order from the requests there: a second
        // new file in a folder waits until the first is among them.
        let crowded = fix.edits.iter().any(|e| match &e.target {
            Target::New(path) => created
                .iter()
                .any(|p| p.as_ref() != path.as_ref() && folder(p) == folder(path)),
            Target::File(_) => false,
        });
        let self_clash = fix.edits.iter().enumerate().any(|(i, a)| {
            fix.edits[i + 1..]
                .iter()
                .any(|b| a != b && conflicts(a, b, true))
        });
        if clash || self_clash || crowded {
            continue;
        }
        for e in &fix.edits {
            edits.entry(key(e, e.span.start)).or_default().push(e);
            if let Target::New(path) = &e.target {
                created.push(path);
            }
        }
        chosen.push(fix);
    }
    chosen
}

/// Applies non-conflicting edits (for one target) to `text`. Insertions at one place keep
/// the order they are given in.
pub fn apply(text: &str, edits: &[&Edit]) -> String {
    let mut seen = HashSet::with_capacity(edits.len());
    let mut sorted: Vec<&Edit> = edits.iter().copied().filter(|e| seen.insert(*e)).collect();
    // Stable: equal positions stay in the given order.
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out =
        String::with_capacity(text.len() + sorted.iter().map(|e| e.content.len()).sum::<usize>());
    let mut at = 0;
    let mut rest = &sorted[..];
    while let Some((&e, _)) = rest.split_first() {
        out.push_str(&text[at..e.span.start]);
        // Edits joining this one are next to it: they have its span.
        let together = 1 + rest[1..].iter().take_while(|o| e.joins(o)).count();
        match &e.joint {
            Some(joint) if together > 1 => {
                out.push_str(&e.content[..joint.elements.start]);
                for (i, o) in rest[..together].iter().enumerate() {
                    if i > 0 {
                        out.push_str(&joint.separator);
                    }
                    let elements = o.joint.as_ref().map_or(0..0, |j| j.elements.clone());
                    out.push_str(&o.content[elements]);
                }
                out.push_str(&e.content[joint.elements.end..]);
            }
            _ => out.push_str(&e.content),
        }
        at = e.span.end;
        rest = &rest[together..];
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(edits: &[(usize, usize, &str)]) -> Fix {
        Fix::safe(
            "t",
            edits
                .iter()
                .map(|&(s, e, c)| Edit::replace(Span::new(s, e), c))
                .collect(),
        )
    }

    #[test]
    fn applies_edits_and_keeps_everything_else() {
        let text = "0123456789";
        let f = fix(&[(2, 4, "ab"), (6, 6, "X"), (9, 10, "")]);
        let edits: Vec<&Edit> = f.edits.iter().collect();
        assert_eq!(apply(text, &edits), "01ab45X678");
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        let a = fix(&[(2, 5, "a")]);
        let b = fix(&[(4, 6, "b")]);
        let c = fix(&[(6, 6, "c")]);
        let d = fix(&[(6, 6, "d")]);
        let shared = fix(&[(8, 8, "s")]);
        let shared_again = fix(&[(8, 8, "s"), (9, 9, "t")]);
        let two_here = fix(&[(1, 1, "x"), (1, 1, "y")]);
        let chosen = select([&a, &b, &c, &d, &shared, &shared_again, &two_here]);
        assert_eq!(chosen, [&a, &c, &shared, &shared_again, &two_here]);
        let edits: Vec<&Edit> = two_here.edits.iter().collect();
        assert_eq!(apply("ab", &edits), "axyb");
    }

    #[test]
    fn elements_for_one_array_join_in_one_pass() {
        // `[]` filled by two fixes, and `[1]` appended to by two others.
        let text = "[[], [1]]";
        let fill = |e: &str| {
            Fix::safe(
                "t",
                vec![Edit::elements(Span::new(1, 3), "[", e, "]", ", ")],
            )
        };
        let append = |e: &str| {
            Fix::safe(
                "t",
                vec![Edit::elements(Span::new(7, 7), ", ", e, "", ", ")],
            )
        };
        let other_fill = Fix::safe(
            "t",
            vec![Edit::elements(Span::new(1, 3), "[ ", "9", " ]", ", ")],
        );
        let (a, b, c, d) = (fill("\"a\""), fill("\"b\""), append("2"), append("3"));
        let chosen = select([&a, &b, &c, &d, &other_fill]);
        // A fill written differently cannot join: it waits.
        assert_eq!(chosen, [&a, &b, &c, &d]);
        let edits: Vec<&Edit> = chosen.iter().flat_map(|f| f.edits.iter()).collect();
        assert_eq!(apply(text, &edits), r#"[["a", "b"], [1, 2, 3]]"#);
        // Alone, each is its content.
        assert_eq!(apply(text, &[&a.edits[0]]), r#"[["a"], [1]]"#);
    }

    #[test]
    fn a_clash_is_found_whatever_was_chosen_in_between() {
        // A long range chosen first, then many small edits before, inside and after it.
        let long = fix(&[(100, 200, "x")]);
        let mut others: Vec<Fix> = Vec::new();
        for at in (0..300).step_by(10) {
            others.push(fix(&[(at, at, "i")]));
            others.push(fix(&[(at + 1, at + 3, "r")]));
        }
        let chosen = select(std::iter::once(&long).chain(others.iter()));
        for f in &chosen[1..] {
            let e = &f.edits[0];
            let clashes = conflicts(e, &long.edits[0], false);
            assert!(!clashes, "{:?} was chosen over the long range", e.span);
        }
        // Everything that does not clash with it, or with an earlier pick, is chosen: an
        // insertion at 0, 10, ... and a replacement after each, except inside 100..200
        // (the insertion at 100 shares the long range's start: a clash between fixes).
        let expected = others
            .iter()
            .filter(|f| !conflicts(&f.edits[0], &long.edits[0], false))
            .count();
        assert_eq!(chosen.len(), 1 + expected);
        assert_eq!(expected, 2 * 30 - 2 * 10);
    }

    #[test]
    fn targets_do_not_conflict_with_each_other() {
        let a = fix(&[(2, 5, "a")]);
        let mut b = fix(&[(2, 5, "b")]);
        b.edits[0].target = Target::File(FileId::ENVIRONMENT);
        let c = Fix::safe("c", vec![Edit::create("new.yaml", "x")]);
        let d = Fix::safe("d", vec![Edit::create("new.yaml", "y")]);
        let e = Fix::safe("e", vec![Edit::create("dir/other.yaml", "z")]);
        // Two fixes creating one file clash like two insertions at one place.
        assert_eq!(select([&a, &b, &c, &d, &e]), [&a, &b, &c, &e]);
        // A second new file in a folder waits for the first (its order depends on it); one
        // fix may create several.
        let f = Fix::safe("f", vec![Edit::create("dir/more.yaml", "w")]);
        let g = Fix::safe(
            "g",
            vec![Edit::create("x/1.yaml", "1"), Edit::create("x/2.yaml", "2")],
        );
        assert_eq!(select([&e, &f, &g]), [&e, &g]);
    }
}
