//! Format-preserving edits on YAML (Postman v12 trees): the [`Editor`]'s operations when its
//! document is YAML. New entries are written in block style at the indentation of their
//! siblings (flow collections, `{...}` and `[...]`, get flow entries), in the quoting
//! Postman's converter writes (plain where YAML reads the same text, else double quotes);
//! entries are removed with their lines, so comments elsewhere stay.

use serde_json::Value;

use super::edit::{plain_yaml_reads_as, Editor};
use super::Edit;
use crate::document::{Kind, NodeId, Span};

impl Editor<'_> {
    /// Spaces per level of a YAML file (its smallest indentation; 2 when it has none).
    fn yaml_unit(&self) -> usize {
        match self.style.unit.as_str() {
            u if !u.is_empty() && u.bytes().all(|b| b == b' ') => u.len(),
            _ => 2,
        }
    }

    fn nl(&self) -> &'static str {
        self.style.newline
    }

    fn layout(&self) -> Layout {
        Layout {
            unit: self.yaml_unit(),
            nl: self.nl(),
        }
    }

    /// Bytes from the start of `pos`'s line to `pos` (its column, as indentation is ASCII).
    fn column(&self, pos: usize) -> usize {
        let text = self.doc.text().as_bytes();
        pos - memchr::memrchr(b'\n', &text[..pos]).map_or(0, |i| i + 1)
    }

    /// The end of the line that holds the last byte of `span` (before its newline).
    fn end_of_line(&self, span: Span) -> usize {
        let text = self.doc.text();
        let last = text[..span.end]
            .trim_end_matches([' ', '\t', '\r', '\n'])
            .len();
        let at = last.max(span.start);
        memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |i| {
            let end = at + i;
            if end > 0 && text.as_bytes()[end - 1] == b'\r' {
                end - 1
            } else {
                end
            }
        })
    }

    fn is_flow(&self, node: NodeId) -> bool {
        matches!(self.doc.raw(node).as_bytes().first(), Some(b'{' | b'['))
    }

    /// What a value written at `pos` needs before it: a blank right after `key:` (the place
    /// of an empty value), as YAML reads `key:x` as one plain scalar.
    pub(super) fn colon_gap(&self, pos: usize) -> &'static str {
        if self.doc.text()[..pos].ends_with(':') {
            " "
        } else {
            ""
        }
    }

    pub(super) fn yaml_replace_container(&self, node: NodeId, value: &Value) -> Edit {
        let span = self.doc.span(node);
        let gap = self.colon_gap(span.start);
        self.here(Edit::replace(span, format!("{gap}{}", flow(value))))
    }

    pub(super) fn yaml_insert_member(
        &self,
        object: NodeId,
        after: Option<&str>,
        key: &str,
        value: &Value,
    ) -> Edit {
        let doc = self.doc;
        let members: Vec<(NodeId, NodeId)> = doc.members(object).collect();
        if self.is_flow(object) || members.is_empty() {
            let entry = format!("{}: {}", scalar_key(key), flow(value));
            return self.flow_insert(
                object,
                members.len(),
                after_index(&members, after, doc),
                entry,
            );
        }
        let col = self.column(doc.span(members[0].0).start);
        let entry = format!("{}:{}", scalar_key(key), self.layout().block(value, col));
        match after_index(&members, after, doc) {
            Some(i) => {
                let (k, v) = members[i];
                let end = self.end_of_line(Span::new(doc.span(k).start, doc.span(v).end));
                self.here(Edit::insert(
                    end,
                    format!("{}{}{entry}", self.nl(), " ".repeat(col)),
                ))
            }
            None => self.here(Edit::insert(
                doc.span(members[0].0).start,
                format!("{entry}{}{}", self.nl(), " ".repeat(col)),
            )),
        }
    }

    pub(super) fn yaml_insert_elements(
        &self,
        array: NodeId,
        index: usize,
        values: &[Value],
    ) -> Edit {
        let doc = self.doc;
        let elements: Vec<NodeId> = doc.elements(array).collect();
        if self.is_flow(array) || elements.is_empty() {
            let entries: Vec<String> = values.iter().map(flow).collect();
            let at = (index < elements.len()).then_some(index);
            return self.flow_insert_elements(array, &elements, at, &entries.join(", "));
        }
        let dash = |el: NodeId| {
            let start = doc.span(el).start;
            let text = doc.text().as_bytes();
            text[..start]
                .iter()
                .rposition(|&b| b == b'-')
                .unwrap_or(start)
        };
        let col = self.column(dash(elements[0]));
        let item = |v: &Value| format!("-{}", self.layout().item(v, col + 2));
        let pad = " ".repeat(col);
        match elements.get(index) {
            Some(&el) => {
                let rendered: String = values
                    .iter()
                    .map(|v| format!("{}{}{pad}", item(v), self.nl()))
                    .collect();
                self.here(Edit::insert(dash(el), rendered))
            }
            None => {
                let last = elements[elements.len() - 1];
                let end = self.end_of_line(doc.span(last));
                let rendered: String = values
                    .iter()
                    .map(|v| format!("{}{pad}{}", self.nl(), item(v)))
                    .collect();
                self.here(Edit::insert(end, rendered))
            }
        }
    }

    /// Removes entry `index` of a mapping or sequence with its lines.
    pub(super) fn yaml_remove_entry(&self, container: NodeId, index: usize) -> Option<Edit> {
        let doc = self.doc;
        let text = doc.text();
        let entries: Vec<(usize, Span)> = if doc.kind(container) == Kind::Object {
            doc.members(container)
                .map(|(k, v)| {
                    let start = doc.span(k).start;
                    (start, Span::new(start, doc.span(v).end))
                })
                .collect()
        } else {
            doc.elements(container)
                .map(|el| {
                    let span = doc.span(el);
                    let dash = text.as_bytes()[..span.start]
                        .iter()
                        .rposition(|&b| b == b'-')
                        .unwrap_or(span.start);
                    (dash, Span::new(dash, span.end))
                })
                .collect()
        };
        let &(start, span) = entries.get(index)?;
        let empty = if doc.kind(container) == Kind::Object {
            "{}"
        } else {
            "[]"
        };
        if entries.len() == 1 {
            return Some(self.here(Edit::replace(doc.span(container), empty)));
        }
        if self.is_flow(container) {
            let span = match entries.get(index + 1) {
                Some(&(next, _)) => Span::new(start, next),
                None => Span::new(entries[index - 1].1.end, span.end),
            };
            return Some(self.here(Edit::replace(span, "")));
        }
        let line_start = memchr::memrchr(b'\n', &text.as_bytes()[..start]).map_or(0, |i| i + 1);
        let own_line = text[line_start..start].bytes().all(|b| b == b' ');
        if !own_line {
            // The first key of a sequence item (`- key: ...`): the next key takes its place.
            let &(next, _) = entries.get(index + 1)?;
            return Some(self.here(Edit::replace(Span::new(start, next), "")));
        }
        let end = self.end_of_line(span);
        let end = if text[end..].starts_with("\r\n") {
            end + 2
        } else if text[end..].starts_with('\n') {
            end + 1
        } else {
            end
        };
        Some(self.here(Edit::replace(Span::new(line_start, end), "")))
    }

    /// Replaces bytes `start..end` of a YAML string's decoded value: inside a literal block
    /// scalar (a script) in place, line breaks taking the block's indentation; any other
    /// scalar is written anew, in its own quoting.
    pub(super) fn yaml_edit_in_string(
        &self,
        node: NodeId,
        start: usize,
        end: usize,
        replacement: &str,
    ) -> Edit {
        let doc = self.doc;
        let raw = doc.raw(node);
        if raw.starts_with('|') && !replacement.contains('\r') {
            let span = doc.string_subspan(node, start, end);
            let indent = " ".repeat(self.column(span.start.max(doc.span(node).start)));
            let indent = if replacement.contains('\n') {
                // The block's own indentation: that of its first line of text.
                let first = raw.find('\n').map_or(0, |i| i + 1);
                let spaces = raw[first..].len() - raw[first..].trim_start_matches(' ').len();
                " ".repeat(spaces)
            } else {
                indent
            };
            let content = replacement.replace('\n', &format!("{}{indent}", self.nl()));
            return self.here(Edit::replace(span, content));
        }
        let old = doc.as_str(node).unwrap_or_default();
        let mut new = String::with_capacity(old.len() + replacement.len());
        new.push_str(old.get(..start).unwrap_or(&old));
        new.push_str(replacement);
        new.push_str(old.get(end..).unwrap_or(""));
        if let Some(edit) = self.folded_in_place(node, start, end, replacement, &new) {
            return edit;
        }
        self.replace_value(node, &Value::String(new))
    }

    /// An edit inside a folded block scalar (`>-`, as Postman's converter writes scripts
    /// with blank lines) that keeps the block: the bytes replaced where they are written, or
    /// for a removed line its whole source lines, kept only when the block then reads as
    /// `wanted` (folding joins lines by rules an offset map cannot follow alone).
    fn folded_in_place(
        &self,
        node: NodeId,
        start: usize,
        end: usize,
        replacement: &str,
        wanted: &str,
    ) -> Option<Edit> {
        let doc = self.doc;
        let raw = doc.raw(node);
        let header = raw.lines().next()?;
        if !raw.starts_with('>') || header.contains(|c: char| c.is_ascii_digit()) {
            return None;
        }
        if replacement.contains(['\n', '\r']) {
            return None;
        }
        let node_start = doc.span(node).start;
        // The decoded range's bytes: each line of a block is anchored where its text starts,
        // so a removed line takes the fold after it along. (Whole source lines were tried
        // too, once: no edit ever needed them.)
        let span = doc.string_subspan(node, start, end);
        if span.start < node_start || span.end > node_start + raw.len() || span.start > span.end {
            return None;
        }
        let mut block = String::with_capacity(raw.len());
        block.push_str(&raw[..span.start - node_start]);
        block.push_str(replacement);
        block.push_str(&raw[span.end - node_start..]);
        // The block alone, under a key at the start of a line: folding depends only on
        // the block's lines and their indentation, which stay as they are.
        let probe = crate::document::Document::parse_yaml(
            crate::text::Text::from(format!("k: {block}\n").as_str()),
            crate::source::FileId::LINTED,
        )
        .ok()?;
        let value = probe.get(probe.root(), "k").and_then(|v| probe.as_str(v))?;
        (value == wanted).then(|| self.here(Edit::replace(span, replacement.to_owned())))
    }

    /// An entry in a flow mapping (or a mapping with no entries yet).
    fn flow_insert(&self, object: NodeId, len: usize, after: Option<usize>, entry: String) -> Edit {
        let doc = self.doc;
        let members: Vec<(NodeId, NodeId)> = doc.members(object).collect();
        if len == 0 {
            let span = doc.span(object);
            let gap = self.colon_gap(span.start);
            return self.here(Edit::replace(span, format!("{gap}{{{entry}}}")));
        }
        match after {
            Some(i) => self.here(Edit::insert(
                doc.span(members[i].1).end,
                format!(", {entry}"),
            )),
            None => self.here(Edit::insert(
                doc.span(members[0].0).start,
                format!("{entry}, "),
            )),
        }
    }

    fn flow_insert_elements(
        &self,
        array: NodeId,
        elements: &[NodeId],
        at: Option<usize>,
        entries: &str,
    ) -> Edit {
        let doc = self.doc;
        if elements.is_empty() {
            let span = doc.span(array);
            let gap = self.colon_gap(span.start);
            return self.here(Edit::replace(span, format!("{gap}[{entries}]")));
        }
        match at {
            Some(i) => self.here(Edit::insert(
                doc.span(elements[i]).start,
                format!("{entries}, "),
            )),
            None => self.here(Edit::insert(
                doc.span(elements[elements.len() - 1]).end,
                format!(", {entries}"),
            )),
        }
    }
}

/// How new YAML is laid out: spaces per level, and the newline.
#[derive(Clone, Copy)]
pub struct Layout {
    pub unit: usize,
    pub nl: &'static str,
}

impl Layout {
    /// What Postman's converter writes: two spaces, `\n`.
    pub const POSTMAN: Layout = Layout { unit: 2, nl: "\n" };

    /// A whole file holding `value` (a mapping).
    pub fn document(self, value: &Value) -> String {
        match value {
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| format!("{}:{}{}", scalar_key(k), self.block(v, 0), self.nl))
                .collect(),
            other => format!("{}{}", self.scalar(other, 0), self.nl),
        }
    }

    /// What follows `key:` for `value` in a mapping whose keys are at column `col`.
    fn block(self, value: &Value, col: usize) -> String {
        let inner = col + self.unit;
        let pad = " ".repeat(inner);
        let nl = self.nl;
        match value {
            Value::Object(map) if !map.is_empty() => map
                .iter()
                .map(|(k, v)| format!("{nl}{pad}{}:{}", scalar_key(k), self.block(v, inner)))
                .collect(),
            Value::Array(items) if !items.is_empty() => items
                .iter()
                .map(|v| format!("{nl}{pad}-{}", self.item(v, inner + 2)))
                .collect(),
            other => format!(" {}", self.scalar(other, inner)),
        }
    }

    /// What follows `-` for `value`, in a sequence item whose content is at column `col`.
    fn item(self, value: &Value, col: usize) -> String {
        match value {
            Value::Object(map) if !map.is_empty() => {
                let pad = " ".repeat(col);
                map.iter()
                    .enumerate()
                    .map(|(i, (k, v))| {
                        let lead = if i == 0 {
                            " ".to_owned()
                        } else {
                            format!("{}{pad}", self.nl)
                        };
                        format!("{lead}{}:{}", scalar_key(k), self.block(v, col))
                    })
                    .collect()
            }
            other => format!(" {}", self.scalar(other, col)),
        }
    }

    /// A scalar (or an empty or nested collection, in flow style); a string of several
    /// lines becomes a literal block whose lines are at column `col`.
    fn scalar(self, value: &Value, col: usize) -> String {
        let Value::String(s) = value else {
            return flow(value);
        };
        let lines = s.trim_end_matches('\n');
        let literal = s.contains('\n')
            && !s.contains('\r')
            && s.len() - lines.len() <= 1
            && !lines.starts_with([' ', '\t'])
            && !lines.contains("\n\t")
            && !lines
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t');
        if literal {
            let chomp = if s.ends_with('\n') { "" } else { "-" };
            let pad = " ".repeat(col);
            let body: Vec<String> = lines
                .split('\n')
                .map(|l| {
                    if l.is_empty() {
                        String::new()
                    } else {
                        format!("{pad}{l}")
                    }
                })
                .collect();
            return format!("|{chomp}{}{}", self.nl, body.join(self.nl));
        }
        scalar_text(s)
    }
}

/// The index of the last member named `after`.
fn after_index(
    members: &[(NodeId, NodeId)],
    after: Option<&str>,
    doc: &crate::document::Document,
) -> Option<usize> {
    let after = after?;
    members.iter().rposition(|(k, _)| doc.str_eq(*k, after))
}

/// A string as Postman's converter writes one: plain when YAML reads it back unchanged,
/// else double-quoted (JSON's escapes are YAML's).
pub fn scalar_text(s: &str) -> String {
    if plain_yaml_reads_as(s) && !s.contains(['\n', '{', '}', '[', ']', ',']) {
        s.to_owned()
    } else {
        Value::String(s.to_owned()).to_string()
    }
}

fn scalar_key(k: &str) -> String {
    scalar_text(k)
}

/// A value in flow style: JSON, which YAML reads as the same value.
fn flow(value: &Value) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::apply;
    use crate::document::{Document, NodeId};
    use crate::fix::edit::Editor;
    use crate::fix::Edit;
    use crate::source::FileId;
    use crate::text::Text;

    fn parse(text: &str) -> Document {
        Document::parse_yaml(Text::from(text), FileId::LINTED)
            .unwrap_or_else(|e| panic!("{}:\n{text}", e.message))
    }

    fn get(doc: &Document, path: &[&str]) -> NodeId {
        path.iter().fold(doc.root(), |n, k| {
            k.parse::<usize>()
                .ok()
                .and_then(|i| doc.elements(n).nth(i))
                .or_else(|| doc.get(n, k))
                .unwrap_or_else(|| panic!("no {k}"))
        })
    }

    /// Applies the edit, checks that the result parses, and returns it.
    fn run(text: &str, edit: impl Fn(&Editor) -> Edit) -> String {
        let doc = parse(text);
        let editor = Editor::new(&doc);
        let out = apply(text, &[&edit(&editor)]);
        parse(&out);
        out
    }

    fn value(text: &str) -> Value {
        let doc = parse(text);
        doc.to_value(doc.root())
    }

    const REQUEST: &str = "$kind: http-request\nurl: https://api.scopestack.io/v1/me\nmethod: GET\nheaders:\n  Authorization: Bearer {{t}} # mine\nbody:\n  type: urlencoded\n  content:\n    - key: grant_type\n      value: password\n    - key: redirect_uri\n      value: https://oauth.pstmn.io/v1/callback\n    - key: scope\n      value: all\norder: 1000\n";

    /// A new nested mapping is indented one level of the file: its smallest indentation in
    /// spaces, or two spaces in a file with none (or only tabs, which YAML forbids).
    #[test]
    fn new_nesting_is_indented_one_level_of_the_file() {
        let map = json!({"k": "v"});
        for (text, want) in [
            ("a:\n    b: 1\n", "c:\n    k: v\n"),
            ("a: 1\n", "c:\n  k: v\n"),
        ] {
            let out = run(text, |e| {
                e.insert_member(e.doc.root(), Some("a"), "c", &map)
            });
            assert!(out.ends_with(want), "{out}");
            assert_eq!(value(&out)["c"], map);
        }
    }

    /// A script in a folded block (`>-`, as Postman's converter writes scripts with blank
    /// lines) is edited where its bytes are: the block stays a block.
    #[test]
    fn folded_scripts_are_edited_in_place() {
        let text = "code: >-\n  pm.environment.set(\"t\", pm.response.json());\n\n  pm.test(\"ok\");\norder: 1\n";
        let doc = parse(text);
        let code = get(&doc, &["code"]);
        let old = doc.as_str(code).unwrap().into_owned();
        let at = old.find("json()").unwrap() + "json()".len();
        let out = run(text, |e| {
            e.edit_in_string(get(e.doc, &["code"]), at, at, ".access_token")
        });
        assert_eq!(
            out,
            text.replace("json());", "json().access_token);"),
            "{out}"
        );
        let mut want = old.clone();
        want.insert_str(at, ".access_token");
        assert_eq!(value(&out)["code"], want);
    }

    /// Empty mappings and sequences are written `{}` and `[]` (an empty block would read
    /// as null), at any depth.
    #[test]
    fn empty_containers_read_back_as_empty() {
        let doc = json!({"a": {}, "b": [], "c": [{}, []], "d": {"e": {}}});
        let text = super::Layout::POSTMAN.document(&doc);
        assert_eq!(value(&text), doc, "{text}");
    }

    /// Multi-line strings read back exactly, whether written as a literal block (`|`,
    /// `|-`) or, where a block cannot hold them, quoted with escapes.
    #[test]
    fn multi_line_strings_read_back_exactly() {
        for s in [
            "a\nb",
            "a\nb\n",
            "a\nb\n\n",
            "a\n\u{1}b",
            "a\n\tb",
            "a\tc\nb",
            " a\nb",
            "a\r\nb",
        ] {
            let doc = json!({"k": s, "l": [s]});
            let text = super::Layout::POSTMAN.document(&doc);
            assert_eq!(value(&text), doc, "{s:?}: {text}");
            // YAML allows no other control character in a file, even in a block.
            assert!(
                !text.contains(|c: char| c.is_control() && !"\t\n\r".contains(c)),
                "{s:?}: {text}"
            );
        }
    }

    /// A line removed from a folded script leaves the block a block, reading as wanted.
    #[test]
    fn a_line_leaves_a_folded_script_in_place() {
        let text = "code: >-\n  a();\n\n  b();\n\n  c();\norder: 1\n";
        let doc = parse(text);
        let old = doc.as_str(get(&doc, &["code"])).unwrap().into_owned();
        assert_eq!(old, "a();\nb();\nc();");
        let at = old.find("b();").unwrap();
        let out = run(text, |e| {
            e.edit_in_string(get(e.doc, &["code"]), at, at + 5, "")
        });
        assert_eq!(out, "code: >-\n  a();\n\n  c();\norder: 1\n");
        assert_eq!(value(&out)["code"], "a();\nc();");
        // The first line, the last, and a more-indented line (kept with its line break):
        // each leaves the block a block.
        let nested = "code: >-\n  if (x) {\n    a();\n    b();\n  }\norder: 1\n";
        for (text, removed) in [
            (text, "a();\n"),
            (text, "\nc();"),
            (nested, "  b();\n"),
            (nested, "  a();\n"),
        ] {
            let doc = parse(text);
            let old = doc.as_str(get(&doc, &["code"])).unwrap().into_owned();
            let at = old.find(removed).unwrap();
            let out = run(text, |e| {
                e.edit_in_string(get(e.doc, &["code"]), at, at + removed.len(), "")
            });
            assert!(out.starts_with("code: >-\n"), "{removed:?}: {out}");
            assert_eq!(
                value(&out)["code"],
                old.replacen(removed, "", 1),
                "{removed:?}: {out}"
            );
        }
    }

    /// In a flow sequence, an index at its length appends, as one past it does.
    #[test]
    fn flow_elements_append_at_the_sequences_length() {
        for index in [2, 3] {
            let out = run("a: [1, 2]\n", |e| {
                e.insert_elements(get(e.doc, &["a"]), index, &[json!(3)])
            });
            assert_eq!(value(&out)["a"], json!([1, 2, 3]), "{index}: {out}");
        }
    }

    /// From a flow sequence, an element leaves with the comma after it, the last one with the
    /// comma before it.
    #[test]
    fn flow_elements_leave_with_their_comma() {
        for (index, want) in [(0, "a: [2, 3]\n"), (1, "a: [1, 3]\n"), (2, "a: [1, 2]\n")] {
            let out = run("a: [1, 2, 3]\n", |e| {
                e.remove_element(get(e.doc, &["a"]), index).unwrap()
            });
            assert_eq!(out, want, "{index}");
        }
    }

    /// A block entry leaves with its whole line, CRLF included.
    #[test]
    fn entries_leave_with_their_crlf() {
        let text = "a:\r\n  b: 1\r\n  c: 2\r\nd: 3\r\n";
        let out = run(text, |e| e.remove_member(get(e.doc, &["a"]), "b").unwrap());
        assert_eq!(out, "a:\r\n  c: 2\r\nd: 3\r\n");
    }

    /// In a file with CRLF line ends, a new entry goes after the `\r` of the line before
    /// and ends with one itself.
    #[test]
    fn entries_keep_crlf_line_ends() {
        let text = "a:\r\n  b: 1\r\nc: 2\r\n";
        let out = run(text, |e| {
            e.insert_member(get(e.doc, &["a"]), Some("b"), "d", &json!(3))
        });
        assert_eq!(out, "a:\r\n  b: 1\r\n  d: 3\r\nc: 2\r\n");
        assert!(!out.contains("\r\r") && !out.replace("\r\n", "").contains(['\r', '\n']));
    }

    #[test]
    fn members_join_a_block_mapping_at_its_indentation() {
        let out = run(REQUEST, |e| {
            e.insert_member(
                get(e.doc, &["headers"]),
                Some("Authorization"),
                "Accept",
                &json!("application/vnd.api+json"),
            )
        });
        assert!(
            out.contains(
                "  Authorization: Bearer {{t}} # mine\n  Accept: application/vnd.api+json\nbody:"
            ),
            "{out}"
        );
        let out = run(REQUEST, |e| {
            e.insert_member(
                e.doc.root(),
                Some("method"),
                "headers2",
                &json!({"Accept": "a/b", "X": "{{x}}"}),
            )
        });
        assert!(
            out.contains("method: GET\nheaders2:\n  Accept: a/b\n  X: \"{{x}}\"\nheaders:"),
            "{out}"
        );
        let out = run(REQUEST, |e| {
            e.insert_member(e.doc.root(), None, "name", &json!("n"))
        });
        assert!(out.starts_with("name: n\n$kind"), "{out}");
        // After a nested block, the new key follows the block's last line.
        let out = run(REQUEST, |e| {
            e.insert_member(
                e.doc.root(),
                Some("body"),
                "auth",
                &json!({"type": "noauth"}),
            )
        });
        assert!(
            out.contains("      value: all\nauth:\n  type: noauth\norder: 1000"),
            "{out}"
        );
    }

    #[test]
    fn elements_join_a_block_sequence_and_entries_leave_with_their_lines() {
        let content = ["body", "content"];
        let out = run(REQUEST, |e| {
            e.insert_elements(
                get(e.doc, &content),
                99,
                &[json!({"key": "client_id", "value": "{{id}}"})],
            )
        });
        assert!(
            out.contains("      value: all\n    - key: client_id\n      value: \"{{id}}\"\norder"),
            "{out}"
        );
        let out = run(REQUEST, |e| {
            e.insert_elements(
                get(e.doc, &content),
                1,
                &[json!({"key": "a", "value": "b"})],
            )
        });
        let v = value(&out);
        assert_eq!(v["body"]["content"][1], json!({"key": "a", "value": "b"}));
        assert_eq!(v["body"]["content"][2]["key"], "redirect_uri");
        let out = run(REQUEST, |e| {
            e.remove_element(get(e.doc, &content), 1).unwrap()
        });
        assert_eq!(
            out,
            REQUEST.replace(
                "    - key: redirect_uri\n      value: https://oauth.pstmn.io/v1/callback\n",
                ""
            )
        );
        let out = run(REQUEST, |e| {
            e.remove_element(get(e.doc, &content), 2).unwrap()
        });
        assert_eq!(value(&out)["body"]["content"].as_array().unwrap().len(), 2);
        // The first key of an item goes; the next takes its place after the dash.
        let out = run(REQUEST, |e| {
            e.remove_member(get(e.doc, &["body", "content", "0"]), "key")
                .unwrap()
        });
        assert_eq!(
            value(&out)["body"]["content"][0],
            json!({"value": "password"})
        );
        let out = run(REQUEST, |e| {
            e.remove_member(get(e.doc, &["headers"]), "Authorization")
                .unwrap()
        });
        assert_eq!(value(&out)["headers"], json!({}));
    }

    #[test]
    fn flow_collections_get_flow_entries_and_null_values_become_values() {
        let text = "a: {}\nb: []\nc: {x: 1}\nd: [1]\ne:\nf: 1\n";
        let out = run(text, |e| {
            e.insert_member(get(e.doc, &["a"]), None, "k", &json!("{{v}}"))
        });
        assert_eq!(value(&out)["a"], json!({"k": "{{v}}"}));
        let out = run(text, |e| {
            e.insert_member(get(e.doc, &["c"]), Some("x"), "y", &json!([1]))
        });
        assert_eq!(value(&out)["c"], json!({"x": 1, "y": [1]}));
        let out = run(text, |e| {
            e.insert_elements(get(e.doc, &["b"]), 0, &[json!({"k": 1})])
        });
        assert_eq!(value(&out)["b"], json!([{"k": 1}]));
        let out = run(text, |e| {
            e.insert_elements(get(e.doc, &["d"]), 0, &[json!(0)])
        });
        assert_eq!(value(&out)["d"], json!([0, 1]));
        let out = run(text, |e| {
            e.replace_value(get(e.doc, &["e"]), &json!({"k": "v"}))
        });
        assert_eq!(value(&out)["e"], json!({"k": "v"}));
        assert_eq!(value(&out)["f"], json!(1));
        let out = run(text, |e| {
            e.replace_value(get(e.doc, &["e"]), &json!("{{v}}"))
        });
        assert_eq!(value(&out)["e"], "{{v}}");
        let out = run(text, |e| {
            e.insert_elements(get(e.doc, &["d"]), 0, &[json!(0)])
        });
        assert_eq!(value(&out)["d"], json!([0, 1]));
    }

    #[test]
    fn strings_are_edited_in_their_own_quoting_and_scripts_in_place() {
        let text = "url: https://api.scopestack.io/v1/x\nq: 'it''s /v1'\nscripts:\n  - type: afterResponse\n    code: |-\n      const a = 1;\n      pm.environment.set(\"t\", pm.response.text());\n    language: text/javascript\n";
        let out = run(text, |e| {
            let url = get(e.doc, &["url"]);
            let at = e.doc.as_str(url).unwrap().find("/v1").unwrap();
            e.edit_in_string(url, at, at, "/{{account_slug}}")
        });
        assert!(
            out.starts_with("url: https://api.scopestack.io/{{account_slug}}/v1/x\n"),
            "{out}"
        );
        let out = run(text, |e| e.edit_in_string(get(e.doc, &["q"]), 0, 0, "'"));
        assert_eq!(value(&out)["q"], "'it's /v1");
        let code = ["scripts", "0", "code"];
        let out = run(text, |e| {
            let node = get(e.doc, &code);
            let s = e.doc.as_str(node).unwrap();
            let at = s.find("pm.response.text()").unwrap();
            e.edit_in_string(
                node,
                at,
                at + "pm.response.text()".len(),
                "pm.response.json().access_token",
            )
        });
        assert_eq!(
            out,
            text.replace("pm.response.text()", "pm.response.json().access_token")
        );
        let out = run(text, |e| {
            e.edit_in_string(get(e.doc, &code), 0, 0, "// one\n// two\n")
        });
        assert_eq!(
            value(&out)["scripts"][0]["code"],
            "// one\n// two\nconst a = 1;\npm.environment.set(\"t\", pm.response.text());"
        );
    }

    #[test]
    fn new_strings_read_back_as_written() {
        for s in [
            "plain",
            "{{v}}",
            "a: b",
            "true",
            "12",
            "",
            "multi\nline",
            "x\n",
            " lead\nx",
            "tab\there",
            "q\"'",
        ] {
            let text = "m:\n  a: 1\n";
            let out = run(text, |e| {
                e.insert_member(get(e.doc, &["m"]), Some("a"), "k", &json!(s))
            });
            assert_eq!(value(&out)["m"]["k"], s, "{out}");
            let out = run("l:\n  - 1\n", |e| {
                e.insert_elements(get(e.doc, &["l"]), 9, &[json!({"k": s, "n": [s]})])
            });
            assert_eq!(value(&out)["l"][1], json!({"k": s, "n": [s]}), "{out}");
        }
    }
}
