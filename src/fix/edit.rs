//! Format-preserving JSON edits: insert an array element or an object member, replace or
//! remove a value, edit inside a string. Inserted JSON copies the file's indentation unit
//! (tabs in Postman exports, 2 or 4 spaces elsewhere), its newline style and the indentation
//! of its neighbours; nothing else is re-serialised.

use serde_json::Value;

use super::Edit;
use crate::document::{Document, Kind, NodeId, Span, Syntax};

/// How a file is laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Style {
    /// One level of indentation: `\t`, two or four spaces.
    pub unit: String,
    pub newline: &'static str,
    /// Minified: everything on one line, no blanks.
    pub compact: bool,
    /// The file writes `/` in strings as `\/` (some serialisers do).
    pub escape_slash: bool,
}

impl Style {
    pub fn detect(text: &str) -> Style {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut unit = None;
        for line in text.lines().skip(1).take(200) {
            let ws: String = line
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            if ws.is_empty() {
                continue;
            }
            if ws.starts_with('\t') {
                unit = Some("\t".to_owned());
                break;
            }
            // The smallest indentation seen is one level.
            if unit.as_ref().is_none_or(|u: &String| ws.len() < u.len()) {
                unit = Some(ws);
            }
        }
        Style {
            unit: unit.unwrap_or_else(|| "\t".to_owned()),
            newline,
            compact: !text.trim_end().contains('\n'),
            escape_slash: text.contains("\\/"),
        }
    }
}

/// Builds edits against one parsed document.
pub struct Editor<'a> {
    pub doc: &'a Document,
    pub style: Style,
}

impl<'a> Editor<'a> {
    /// An edit to this editor's document (whichever of the check's files it is).
    pub(super) fn here(&self, edit: Edit) -> Edit {
        edit.in_file(self.doc.file())
    }

    pub fn new(doc: &'a Document) -> Editor<'a> {
        Editor {
            doc,
            style: Style::detect(doc.text()),
        }
    }

    fn text(&self) -> &str {
        self.doc.text()
    }

    pub(super) fn yaml(&self) -> bool {
        self.doc.syntax() == Syntax::Yaml
    }

    /// The whitespace that starts the line holding byte `pos`.
    pub fn line_indent(&self, pos: usize) -> &str {
        let text = self.text();
        let start = if self.style.compact {
            // One line: searching back from far along it for each edit would be quadratic.
            0
        } else {
            memchr::memrchr(b'\n', &text.as_bytes()[..pos]).map_or(0, |i| i + 1)
        };
        let rest = &text[start..];
        let len = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        &rest[..len]
    }

    /// Whether `pos` is the first non-blank byte of its line (looks back only over blanks).
    fn starts_line(&self, pos: usize) -> bool {
        let before = &self.text().as_bytes()[..pos];
        let blanks = before
            .iter()
            .rev()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        pos == blanks || before[pos - blanks - 1] == b'\n'
    }

    /// `value` as JSON, pretty-printed with the file's indentation, continuing at `indent`.
    pub fn render(&self, value: &Value, indent: &str) -> String {
        let text = if self.style.compact {
            value.to_string()
        } else {
            self.render_pretty(value, indent)
        };
        // Serialised JSON holds `/` only inside strings.
        if self.style.escape_slash {
            text.replace('/', "\\/")
        } else {
            text
        }
    }

    fn render_pretty(&self, value: &Value, indent: &str) -> String {
        use serde::Serialize;
        let mut buf = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(self.style.unit.as_bytes());
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
        // Serialising a Value into memory cannot fail.
        let _ = value.serialize(&mut ser);
        let pretty = String::from_utf8(buf).unwrap_or_default();
        let continuation = format!("{}{indent}", self.style.newline);
        pretty.replace('\n', &continuation)
    }

    /// In a YAML file, a string written in the style of the scalar it replaces (quoted as
    /// it was, or plain where YAML would read the same text); `None` elsewhere.
    fn yaml_scalar(&self, node: NodeId, value: &Value) -> Option<String> {
        if self.doc.syntax() != Syntax::Yaml {
            return None;
        }
        let Value::String(s) = value else {
            // Numbers, booleans and null read the same in YAML as in JSON; containers are
            // written as JSON, which YAML reads as flow style.
            return Some(value.to_string());
        };
        let old = self.doc.raw(node);
        let printable = !s.chars().any(char::is_control);
        Some(match old.as_bytes().first() {
            Some(b'\'') if printable => format!("'{}'", s.replace('\'', "''")),
            Some(b'"') => Value::String(s.clone()).to_string(),
            _ if self.doc.kind(node) != Kind::Null && plain_yaml_reads_as(s) => s.clone(),
            _ if printable => format!("'{}'", s.replace('\'', "''")),
            _ => Value::String(s.clone()).to_string(),
        })
    }

    /// A JSON string literal in the file's own escaping.
    fn string_literal(&self, s: &str) -> String {
        self.render(&Value::String(s.to_owned()), "")
    }

    /// The whitespace between the token before `node` (`[`, `{` or `,`) and `node`.
    fn gap_before(&self, pos: usize) -> &str {
        let text = self.text();
        let before = &text[..pos];
        let ws_start = before.trim_end_matches([' ', '\t', '\n', '\r']).len();
        &text[ws_start..pos]
    }

    /// Indentation for a new child of `container`, copied from `sibling` when it starts its
    /// own line.
    fn child_indent(&self, container: NodeId, sibling: Option<usize>) -> String {
        match sibling {
            Some(pos) if self.starts_line(pos) => self.line_indent(pos).to_owned(),
            _ => format!(
                "{}{}",
                self.line_indent(self.doc.span(container).start),
                self.style.unit
            ),
        }
    }

    /// Replaces a value with another.
    pub fn replace_value(&self, node: NodeId, value: &Value) -> Edit {
        let span = self.doc.span(node);
        if self.yaml() && (value.is_object() || value.is_array()) {
            return self.yaml_replace_container(node, value);
        }
        if let Some(scalar) = self.yaml_scalar(node, value) {
            let gap = if span.is_empty() {
                self.colon_gap(span.start)
            } else {
                ""
            };
            return self.here(Edit::replace(span, format!("{gap}{scalar}")));
        }
        let indent = self.line_indent(span.start).to_owned();
        self.here(Edit::replace(span, self.render(value, &indent)))
    }

    /// Inserts `values` into `array` before element `index` (at the end when `index` is past
    /// the last element).
    pub fn insert_elements(&self, array: NodeId, index: usize, values: &[Value]) -> Edit {
        if self.yaml() {
            return self.yaml_insert_elements(array, index, values);
        }
        let doc = self.doc;
        // Only up to `index`: walking (let alone collecting) a 100k-element array for each
        // of thousands of fixes was quadratic.
        let (mut last, mut at, mut after) = (None, None, None);
        let mut elements = doc.elements(array);
        for (i, el) in elements.by_ref().enumerate() {
            if i == index {
                at = Some(el);
                break;
            }
            last = Some(el);
        }
        if at.is_some() {
            after = elements.next();
        }
        let join = |indent: &str, gap: &str| {
            values
                .iter()
                .map(|v| self.render(v, indent))
                .collect::<Vec<_>>()
                .join(&format!(",{gap}"))
        };
        let (anchor, before) = match (at, last) {
            (Some(next), _) => (next, true),
            (None, Some(last)) => (last, false),
            (None, None) => return self.fill_empty(array, &join),
        };
        let pos = doc.span(anchor).start;
        let indent = self.child_indent(array, Some(pos));
        // Before the first element of `[1, 2]` there is no gap: take the one between
        // elements, as a new first element needs one after its comma.
        let gap = match after {
            Some(next) if before && self.gap_before(pos).is_empty() => {
                self.gap_before(doc.span(next).start)
            }
            _ => self.gap_before(pos),
        }
        .to_owned();
        let rendered = join(&indent, &gap);
        let separator = format!(",{gap}");
        self.here(if before {
            Edit::elements(Span::new(pos, pos), "", &rendered, &separator, &separator)
        } else {
            let end = doc.span(anchor).end;
            Edit::elements(Span::new(end, end), &separator, &rendered, "", &separator)
        })
    }

    /// Inserts `"key": value` into `object`, after the member whose key is `after` (at the
    /// start when `after` is `None` or missing).
    pub fn insert_member(
        &self,
        object: NodeId,
        after: Option<&str>,
        key: &str,
        value: &Value,
    ) -> Edit {
        if self.yaml() {
            return self.yaml_insert_member(object, after, key, value);
        }
        let doc = self.doc;
        let members: Vec<(NodeId, NodeId)> = doc.members(object).collect();
        let colon = if self.style.compact { ":" } else { ": " };
        let member = |indent: &str| {
            format!(
                "{}{colon}{}",
                self.string_literal(key),
                self.render(value, indent)
            )
        };
        if members.is_empty() {
            return self.fill_empty(object, &|indent, _| member(indent));
        }
        let anchor = after.and_then(|a| members.iter().rev().find(|(k, _)| doc.str_eq(*k, a)));
        match anchor {
            Some(&(k, v)) => {
                let key_pos = doc.span(k).start;
                let indent = self.child_indent(object, Some(key_pos));
                let gap = self.gap_before(key_pos).to_owned();
                self.here(Edit::insert(
                    doc.span(v).end,
                    format!(",{gap}{}", member(&indent)),
                ))
            }
            None => {
                let first = doc.span(members[0].0).start;
                let indent = self.child_indent(object, Some(first));
                let gap = self.gap_before(first).to_owned();
                self.here(Edit::insert(first, format!("{},{gap}", member(&indent))))
            }
        }
    }

    /// `[]` or `{}` (possibly with blanks inside) filled with `children(indent, gap)`: the
    /// children at `indent`, `,{gap}` between them. Elements filling one array join those
    /// other fixes add there (see [`super::Joint`]); members of one object do not, as two
    /// could have the same key.
    fn fill_empty(&self, container: NodeId, children: &dyn Fn(&str, &str) -> String) -> Edit {
        let span = self.doc.span(container);
        let array = self.doc.kind(container) == Kind::Array;
        let (open, close) = if array { ('[', ']') } else { ('{', '}') };
        let outer = self.line_indent(span.start);
        let inner = format!("{outer}{}", self.style.unit);
        let nl = self.style.newline;
        let (indent, gap, prefix, suffix) = if self.style.compact {
            ("", String::new(), open.to_string(), close.to_string())
        } else {
            let gap = format!("{nl}{inner}");
            (
                inner.as_str(),
                gap.clone(),
                format!("{open}{gap}"),
                format!("{nl}{outer}{close}"),
            )
        };
        let elements = children(indent, &gap);
        let edit = Edit::elements(span, &prefix, &elements, &suffix, &format!(",{gap}"));
        self.here(if array {
            edit
        } else {
            Edit {
                joint: None,
                ..edit
            }
        })
    }

    /// Removes member `key` from `object` with its comma.
    pub fn remove_member(&self, object: NodeId, key: &str) -> Option<Edit> {
        let doc = self.doc;
        let members: Vec<(NodeId, NodeId)> = doc.members(object).collect();
        let i = members.iter().rposition(|(k, _)| doc.str_eq(*k, key))?;
        if self.yaml() {
            return self.yaml_remove_entry(object, i);
        }
        let (k, v) = members[i];
        let span = if let Some(&(next, _)) = members.get(i + 1) {
            Span::new(doc.span(k).start, doc.span(next).start)
        } else if i > 0 {
            Span::new(doc.span(members[i - 1].1).end, doc.span(v).end)
        } else {
            return Some(self.here(Edit::replace(doc.span(object), "{}")));
        };
        Some(self.here(Edit::replace(span, "")))
    }

    /// Removes element `index` of `array` with its comma.
    pub fn remove_element(&self, array: NodeId, index: usize) -> Option<Edit> {
        if self.yaml() {
            return self.yaml_remove_entry(array, index);
        }
        let doc = self.doc;
        // The element before, the element, the element after: no further.
        let mut near = doc.elements(array).skip(index.saturating_sub(1));
        let before = if index > 0 { near.next() } else { None };
        let el = near.next()?;
        let span = if let Some(next) = near.next() {
            Span::new(doc.span(el).start, doc.span(next).start)
        } else if let Some(before) = before {
            Span::new(doc.span(before).end, doc.span(el).end)
        } else {
            return Some(self.here(Edit::replace(doc.span(array), "[]")));
        };
        Some(self.here(Edit::replace(span, "")))
    }

    /// Removes several entries (members or elements, by index) of one object or array as
    /// edits that do not overlap: a run at the end is removed with the separator before it,
    /// in one edit; every other entry with the separator after it.
    pub fn remove_entries(&self, container: NodeId, indices: &[usize]) -> Vec<Edit> {
        let doc = self.doc;
        if self.yaml() {
            // Whole lines each, or in flow style spans up to the next entry.
            return indices
                .iter()
                .filter_map(|&i| self.yaml_remove_entry(container, i))
                .collect();
        }
        let spans: Vec<Span> = if doc.kind(container) == Kind::Object {
            doc.members(container)
                .map(|(k, v)| Span::new(doc.span(k).start, doc.span(v).end))
                .collect()
        } else {
            doc.elements(container).map(|el| doc.span(el)).collect()
        };
        let removed = |i: usize| indices.contains(&i);
        let n = spans.len();
        // The trailing run of removed entries starts at `tail`.
        let tail = (0..n).rev().take_while(|&i| removed(i)).last().unwrap_or(n);
        if tail == 0 && n > 0 {
            let empty = if doc.kind(container) == Kind::Object {
                "{}"
            } else {
                "[]"
            };
            return vec![self.here(Edit::replace(doc.span(container), empty))];
        }
        let mut edits: Vec<Edit> = (0..tail)
            .filter(|&i| removed(i))
            .map(|i| {
                self.here(Edit::replace(
                    Span::new(spans[i].start, spans[i + 1].start),
                    "",
                ))
            })
            .collect();
        if tail < n {
            let span = Span::new(spans[tail - 1].end, spans[n - 1].end);
            edits.push(self.here(Edit::replace(span, "")));
        }
        edits
    }

    /// Replaces bytes `start..end` of a string's *unescaped* value with `replacement`.
    pub fn edit_in_string(
        &self,
        node: NodeId,
        start: usize,
        end: usize,
        replacement: &str,
    ) -> Edit {
        if self.yaml() {
            return self.yaml_edit_in_string(node, start, end, replacement);
        }
        let span = self.doc.string_subspan(node, start, end);
        let escaped = self.string_literal(replacement);
        self.here(Edit::replace(
            span,
            escaped[1..escaped.len() - 1].to_owned(),
        ))
    }
}

/// Whether `s` written plain in YAML reads back as the same string (not a number, boolean
/// or null, no indicator at its start, no `: ` or ` #` inside, nothing to trim).
pub(super) fn plain_yaml_reads_as(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let indicator = "-?:,[]{}#&*!|>'\"%@`".contains(first);
    let typed = matches!(
        s,
        "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    ) || s.parse::<f64>().is_ok()
        || s.starts_with("0x")
        || s.starts_with("0o")
        || s.starts_with('.');
    !indicator
        && !typed
        && s.trim() == s
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.chars().any(char::is_control)
}

/// An edit that quotes the plain YAML scalar `written` at `span`: single quotes, or double
/// quotes with escapes when it holds a `'`; YAML then reads the same text.
pub fn quote_yaml_scalar(span: Span, written: &str) -> Edit {
    let quoted = if written.contains('\'') {
        let escaped = written.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    } else {
        format!("'{written}'")
    };
    Edit::replace(span, quoted)
}

#[cfg(test)]
mod tests {
    #[test]
    fn edits_name_the_file_of_the_editors_document() {
        use crate::fix::Target;
        use crate::source::FileId;
        let doc = Document::parse("{\"a\": 1}".into()).unwrap();
        let a = doc.get(doc.root(), "a").unwrap();
        let edit = Editor::new(&doc).replace_value(a, &Value::from("x"));
        assert_eq!(edit.target, Target::File(FileId::LINTED));
        let env = doc.in_file(FileId::ENVIRONMENT);
        let edit = Editor::new(&env).replace_value(a, &Value::from("x"));
        assert_eq!(edit.target, Target::File(FileId::ENVIRONMENT));
        assert_eq!(edit.content, "\"x\"");
    }

    use super::*;
    use crate::fix::apply;
    use serde_json::json;

    fn run(text: &str, edit: impl Fn(&Editor) -> Edit) -> String {
        let doc = Document::parse(crate::text::Text::from(text)).unwrap();
        let editor = Editor::new(&doc);
        let e = edit(&editor);
        let out = apply(text, &[&e]);
        serde_json::from_str::<Value>(&out).unwrap_or_else(|err| panic!("{err}:\n{out}"));
        out
    }

    fn get(doc: &Document, path: &[&str]) -> NodeId {
        path.iter().fold(doc.root(), |n, k| doc.get(n, k).unwrap())
    }

    #[test]
    fn detects_tabs_spaces_and_crlf() {
        assert_eq!(Style::detect("{\n\t\"a\": 1\n}").unit, "\t");
        assert_eq!(
            Style::detect("{\n    \"a\": {\n        \"b\": 1\n    }\n}").unit,
            "    "
        );
        assert_eq!(Style::detect("{\r\n  \"a\": 1\r\n}").newline, "\r\n");
        // The smallest indentation is one level, wherever it first appears.
        assert_eq!(
            Style::detect("{\"a\": {\n      \"b\": 1,\n    \"c\": 2\n  }\n}").unit,
            "  "
        );
    }

    #[test]
    fn appends_and_prepends_array_elements_in_the_files_style() {
        let text = "{\n\t\"item\": [\n\t\t{\n\t\t\t\"name\": \"a\"\n\t\t}\n\t]\n}";
        let out = run(text, |e| {
            e.insert_elements(get(e.doc, &["item"]), 9, &[json!({"name": "b"})])
        });
        assert_eq!(out, "{\n\t\"item\": [\n\t\t{\n\t\t\t\"name\": \"a\"\n\t\t},\n\t\t{\n\t\t\t\"name\": \"b\"\n\t\t}\n\t]\n}");
        let out = run(text, |e| {
            e.insert_elements(get(e.doc, &["item"]), 0, &[json!({"name": "b"})])
        });
        assert_eq!(out, "{\n\t\"item\": [\n\t\t{\n\t\t\t\"name\": \"b\"\n\t\t},\n\t\t{\n\t\t\t\"name\": \"a\"\n\t\t}\n\t]\n}");
    }

    /// A new element is indented as its neighbour is, when the neighbour starts its line,
    /// even where that is not one level below the array's line; else one level below.
    #[test]
    fn a_new_element_takes_its_neighbours_indentation() {
        let object = json!({"x": 1});
        let deep = "{\n  \"h\": [\n      1,\n      2\n  ]\n}";
        let out = run(deep, |e| {
            e.insert_elements(get(e.doc, &["h"]), 9, std::slice::from_ref(&object))
        });
        assert_eq!(
            out,
            "{\n  \"h\": [\n      1,\n      2,\n      {\n        \"x\": 1\n      }\n  ]\n}"
        );
        // A neighbour after other text on its line: one level below the array's line.
        let inline = "{\n  \"h\": [1,\n  2]\n}";
        let out = run(inline, |e| {
            e.insert_elements(get(e.doc, &["h"]), 0, std::slice::from_ref(&object))
        });
        assert_eq!(out, "{\n  \"h\": [{\n      \"x\": 1\n    },\n  1,\n  2]\n}");
    }

    /// Elements that two fixes put into one empty array go in together; members for one
    /// empty object wait for the next pass, as both could have the same key.
    #[test]
    fn fills_of_an_empty_array_join_and_of_an_empty_object_do_not() {
        use crate::fix::{select, Fix};
        let text = r#"{"a": [], "o": {}}"#;
        let doc = Document::parse(crate::text::Text::from(text)).unwrap();
        let ed = Editor::new(&doc);
        let (a, o) = (get(&doc, &["a"]), get(&doc, &["o"]));
        let fills = [1, 2].map(|n| Fix::safe("a", vec![ed.insert_elements(a, 0, &[json!(n)])]));
        assert_eq!(select(&fills), [&fills[0], &fills[1]]);
        let members =
            [1, 2].map(|n| Fix::safe("o", vec![ed.insert_member(o, None, "k", &json!(n))]));
        assert_eq!(select(&members), [&members[0]]);
    }

    #[test]
    fn plain_yaml_is_used_only_for_text_yaml_reads_as_text() {
        let needs_quotes = [
            "", "~", "null", "TRUE", "12", "1e3", "0x1F", "0o17", ".inf", ".NaN", "-x", "a: b",
            "x #c", "k:", " x", "tab\tx", "{{a}}/x",
        ];
        for s in needs_quotes {
            assert!(!plain_yaml_reads_as(s), "{s:?}");
        }
        for s in [
            "https://app.scopestack.io/oauth/token",
            "acme",
            "a:b",
            "x#c",
        ] {
            assert!(plain_yaml_reads_as(s), "{s:?}");
        }
    }

    /// A new element before another takes the gap its neighbour has, a line break included.
    #[test]
    fn an_inserted_element_keeps_the_gap_before_its_neighbour() {
        let text = "[1,\n 2, 3]";
        let out = run(text, |e| e.insert_elements(e.doc.root(), 1, &[json!(0)]));
        assert_eq!(out, "[1,\n 0,\n 2, 3]");
    }

    /// In YAML, an object or array replacing an empty value (`a:`, null) is written in flow
    /// style after a blank, so that it reads as a mapping or sequence, not as text.
    #[test]
    fn yaml_containers_replace_empty_values_as_flow_collections() {
        let text = "a:\nb:\n";
        let doc =
            Document::parse_yaml(crate::text::Text::from(text), crate::source::FileId::LINTED)
                .unwrap();
        for (key, value) in [("a", json!({"k": "v"})), ("b", json!(["p", "q"]))] {
            let node = doc.get(doc.root(), key).unwrap();
            let edit = Editor::new(&doc).replace_value(node, &value);
            let new = apply(text, &[&edit]);
            let back = Document::parse_yaml(
                crate::text::Text::from(new.as_str()),
                crate::source::FileId::LINTED,
            )
            .unwrap_or_else(|e| panic!("{key}: {}: {new}", e.message));
            assert_eq!(back.to_value(back.root())[key], value, "{new}");
        }
    }

    #[test]
    fn inserts_and_removes_elements_at_any_position() {
        let text = "[1, 2, 3]";
        let insert = |i| run(text, |e| e.insert_elements(e.doc.root(), i, &[json!(9)]));
        assert_eq!(insert(0), "[9, 1, 2, 3]");
        assert_eq!(insert(1), "[1, 9, 2, 3]");
        assert_eq!(insert(2), "[1, 2, 9, 3]");
        assert_eq!(insert(3), "[1, 2, 3, 9]");
        assert_eq!(insert(99), "[1, 2, 3, 9]");
        let remove = |text: &str, i| {
            let doc = Document::parse(crate::text::Text::from(text)).unwrap();
            let edit = Editor::new(&doc).remove_element(doc.root(), i);
            edit.map(|e| apply(text, &[&e]))
        };
        assert_eq!(remove(text, 0).as_deref(), Some("[2, 3]"));
        assert_eq!(remove(text, 1).as_deref(), Some("[1, 3]"));
        assert_eq!(remove(text, 2).as_deref(), Some("[1, 2]"));
        assert_eq!(remove(text, 3), None);
        assert_eq!(remove("[1]", 0).as_deref(), Some("[]"));
        assert_eq!(remove("[]", 0), None);
    }

    #[test]
    fn inserts_several_elements_at_once() {
        let text = "{\n  \"v\": [\n    1\n  ],\n  \"e\": []\n}";
        let out = run(text, |e| {
            e.insert_elements(get(e.doc, &["v"]), 9, &[json!(2), json!(3)])
        });
        assert_eq!(
            out,
            "{\n  \"v\": [\n    1,\n    2,\n    3\n  ],\n  \"e\": []\n}"
        );
        let out = run(text, |e| {
            e.insert_elements(get(e.doc, &["e"]), 0, &[json!(2), json!(3)])
        });
        assert_eq!(
            out,
            "{\n  \"v\": [\n    1\n  ],\n  \"e\": [\n    2,\n    3\n  ]\n}"
        );
    }

    #[test]
    fn fills_empty_containers_with_crlf_and_spaces() {
        let text = "{\r\n  \"header\": [],\r\n  \"x\": {}\r\n}";
        let out = run(text, |e| {
            e.insert_elements(get(e.doc, &["header"]), 0, &[json!({"key": "Accept"})])
        });
        assert_eq!(out, "{\r\n  \"header\": [\r\n    {\r\n      \"key\": \"Accept\"\r\n    }\r\n  ],\r\n  \"x\": {}\r\n}");
        let out = run(text, |e| {
            e.insert_member(get(e.doc, &["x"]), None, "k", &json!(1))
        });
        assert!(
            out.ends_with("\"x\": {\r\n    \"k\": 1\r\n  }\r\n}"),
            "{out}"
        );
    }

    #[test]
    fn inserts_members_after_a_key_or_first() {
        let text = "{\n    \"type\": \"oauth2\",\n    \"oauth2\": []\n}";
        let out = run(text, |e| {
            e.insert_member(e.doc.root(), Some("type"), "bearer", &json!([]))
        });
        assert_eq!(
            out,
            "{\n    \"type\": \"oauth2\",\n    \"bearer\": [],\n    \"oauth2\": []\n}"
        );
        let out = run(text, |e| {
            e.insert_member(e.doc.root(), None, "first", &json!(true))
        });
        assert_eq!(
            out,
            "{\n    \"first\": true,\n    \"type\": \"oauth2\",\n    \"oauth2\": []\n}"
        );
    }

    #[test]
    fn minified_json_stays_minified_and_escapes_stay_escaped() {
        let text = r#"{"a":[1,2],"b":{"c":1},"e":[],"u":"http:\/\/x"}"#;
        assert_eq!(
            run(text, |e| e.insert_elements(
                get(e.doc, &["a"]),
                1,
                &[json!(9), json!(10)]
            )),
            r#"{"a":[1,9,10,2],"b":{"c":1},"e":[],"u":"http:\/\/x"}"#
        );
        assert_eq!(
            run(text, |e| e.insert_member(
                get(e.doc, &["b"]),
                Some("c"),
                "d",
                &json!(["p/q"])
            )),
            r#"{"a":[1,2],"b":{"c":1,"d":["p\/q"]},"e":[],"u":"http:\/\/x"}"#
        );
        assert_eq!(
            run(text, |e| e.insert_elements(
                get(e.doc, &["e"]),
                0,
                &[json!({"k": "v"})]
            )),
            r#"{"a":[1,2],"b":{"c":1},"e":[{"k":"v"}],"u":"http:\/\/x"}"#
        );
    }

    #[test]
    fn removes_several_entries_in_runs() {
        let remove = |text: &str, indices: &[usize]| {
            let doc = Document::parse(crate::text::Text::from(text)).unwrap();
            let edits = Editor::new(&doc).remove_entries(doc.root(), indices);
            let out = apply(text, &edits.iter().collect::<Vec<_>>());
            serde_json::from_str::<Value>(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
            out
        };
        let object = r#"{"a": 1, "b": 2, "c": 3}"#;
        assert_eq!(remove(object, &[0]), r#"{"b": 2, "c": 3}"#);
        assert_eq!(remove(object, &[1, 2]), r#"{"a": 1}"#);
        assert_eq!(remove(object, &[0, 2]), r#"{"b": 2}"#);
        assert_eq!(remove(object, &[0, 1, 2]), "{}");
        let array = "[1, 2, 3]";
        assert_eq!(remove(array, &[2]), "[1, 2]");
        assert_eq!(remove(array, &[0, 1, 2]), "[]");
        assert_eq!(remove(array, &[]), array);
    }

    #[test]
    fn removes_members_with_their_comma() {
        let text = "{\n\t\"a\": 1,\n\t\"port\": \"8080\",\n\t\"b\": 2\n}";
        assert_eq!(
            run(text, |e| e.remove_member(e.doc.root(), "port").unwrap()),
            "{\n\t\"a\": 1,\n\t\"b\": 2\n}"
        );
        assert_eq!(
            run(text, |e| e.remove_member(e.doc.root(), "b").unwrap()),
            "{\n\t\"a\": 1,\n\t\"port\": \"8080\"\n}"
        );
        assert_eq!(
            run(r#"{"only": 1}"#, |e| e
                .remove_member(e.doc.root(), "only")
                .unwrap()),
            "{}"
        );
    }

    #[test]
    fn edits_inside_strings_keep_escapes() {
        let text = r#"["a\tb https://api.scopestack.io/v1/x \"q\""]"#;
        let out = run(text, |e| {
            let node = e.doc.elements(e.doc.root()).next().unwrap();
            let value = e.doc.as_str(node).unwrap();
            let at = value.find("/v1").unwrap();
            e.edit_in_string(node, at, at, "/{{account_slug}}")
        });
        assert_eq!(
            out,
            r#"["a\tb https://api.scopestack.io/{{account_slug}}/v1/x \"q\""]"#
        );
    }

    #[test]
    fn quotes_so_that_yaml_reads_the_same_text() {
        for value in ["{{a}}/x", "{{a}} it's", "{{a}} \"q\" \\"] {
            let quoted = quote_yaml_scalar(Span::new(0, 0), value).content;
            let yaml = format!("v: {quoted}\n");
            let doc = crate::document::Document::parse_yaml(
                crate::text::Text::from(yaml.as_str()),
                crate::source::FileId::LINTED,
            )
            .unwrap();
            let v = doc.get(doc.root(), "v").unwrap();
            assert_eq!(doc.as_str(v).unwrap(), value);
        }
    }

    #[test]
    fn yaml_values_keep_their_quoting_and_read_back_as_written() {
        let text = "a: 'x'\nb: \"x\"\nc: x\nd: ~\n";
        let doc =
            Document::parse_yaml(crate::text::Text::from(text), crate::source::FileId::LINTED)
                .unwrap();
        let values = [
            "https://app.scopestack.io/oauth/token",
            "it's",
            "a: b",
            "true",
            "123",
            "-x",
            " padded ",
            "tab\tnew\nline",
            "",
        ];
        for key in ["a", "b", "c", "d"] {
            let node = doc.get(doc.root(), key).unwrap();
            for v in values {
                let edit = Editor::new(&doc).replace_value(node, &Value::from(v));
                let new = apply(text, &[&edit]);
                let back = Document::parse_yaml(
                    crate::text::Text::from(new.as_str()),
                    crate::source::FileId::LINTED,
                )
                .unwrap_or_else(|e| panic!("{key} = {v:?}: {new}: {}", e.message));
                let got = back.get(back.root(), key).unwrap();
                assert_eq!(back.as_str(got).as_deref(), Some(v), "{key} = {v:?}: {new}");
                let first = edit.content.chars().next();
                match key {
                    "a" if !v.contains(['\t', '\n']) => assert_eq!(first, Some('\''), "{new}"),
                    "b" => assert_eq!(first, Some('"'), "{new}"),
                    _ => {}
                }
            }
        }
        // A plain URL stays plain.
        let c = doc.get(doc.root(), "c").unwrap();
        let edit = Editor::new(&doc).replace_value(c, &Value::from(values[0]));
        assert_eq!(edit.content, values[0]);
        // Where plain YAML would misread the text, a plain or null scalar becomes a single-
        // quoted one; only text with control characters needs double quotes (escapes).
        for key in ["c", "d"] {
            let node = doc.get(doc.root(), key).unwrap();
            let content = |v: &str| {
                Editor::new(&doc)
                    .replace_value(node, &Value::from(v))
                    .content
            };
            assert_eq!(content("a: b"), "'a: b'", "{key}");
            assert_eq!(content("tab\tx"), "\"tab\\tx\"", "{key}");
        }
    }
}
