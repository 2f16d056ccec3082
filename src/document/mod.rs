//! The document tree every input format is read into: a flat "tape" of values and keys, each
//! with its kind and its byte range in the file, strings decoded only when read. Rules, the
//! model, pointers and `[[ignore]]` paths read this API and never a format's syntax; how a
//! string's decoded text maps back to its bytes is the format's ([`Syntax`]). JSON is read by
//! [`json`] (a strict parser, see there why not a crate).

pub mod json;
pub mod yaml;

use crate::source::FileId;
use crate::text::Text;
use std::borrow::Cow;
use std::fmt;

pub use crate::source::Span;

/// The syntax a document was written in: it decides how a string's text is decoded, and how
/// decoded offsets map back to the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
}

/// Deeper nesting than this is rejected; Postman exports stay far below it, and every walker
/// over the tree may then recurse without risking the stack.
pub const MAX_DEPTH: usize = 512;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        })
    }
}

/// A position in a list, held as position + 1 so that an `Option` of one takes 4 bytes,
/// not 8 ([`NodeId`], the collection's ids). Lists are bounded by a document's node count
/// (below [`MAX_NODES`]), so position + 1 never wraps.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Index(std::num::NonZeroU32);

impl Index {
    pub const FIRST: Index = Index(std::num::NonZeroU32::MIN);

    pub fn new(position: u32) -> Index {
        Index(std::num::NonZeroU32::MIN.saturating_add(position))
    }

    pub fn get(self) -> u32 {
        self.0.get() - 1
    }
}

/// A value (or object key) in a parsed [`Document`], by its tape index (an `Option<NodeId>`,
/// a header's value or a URL's first segment, takes 4 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(Index);

impl NodeId {
    /// The node at tape index `index`.
    fn at(index: u32) -> NodeId {
        NodeId(Index::new(index))
    }

    /// Its tape index.
    fn index(self) -> u32 {
        self.0.get()
    }
}

/// Byte equality for the short names looked up in objects: lengths, then the first byte
/// (most keys compared are not the one looked for, and this way their text is barely read),
/// then a plain loop (a `memcmp` call costs more than it saves on a few bytes).
#[inline]
fn same_bytes(have: &[u8], want: &[u8]) -> bool {
    have.len() == want.len()
        && have.first() == want.first()
        && have.iter().zip(want).all(|(a, b)| a == b)
}

impl std::fmt::Debug for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeId({})", self.index())
    }
}

/// One value or key: 8 bytes, the tape's whole cost per node (6.9 M nodes in the 126 MB
/// benchmark file, whose tape took 12 bytes a node before containers' ends were found
/// from the text instead of stored).
#[derive(Clone, Copy, Debug)]
struct Entry {
    start: u32,
    /// High 4 bits: the kind (3 bits) and a flag (strings: contains a backslash escape;
    /// booleans: the value). Low 28 bits: for an array or object, the index of the first
    /// entry after its subtree (a scalar's is always the one after it); for a scalar, its
    /// length in bytes, or [`LONG`] when that does not fit (its end is then in
    /// `Document::ends`).
    word: u32,
}

const PAYLOAD_BITS: u32 = 28;
const PAYLOAD_MASK: u32 = (1 << PAYLOAD_BITS) - 1;
/// More values than this do not fit the tape (a file of over 256 M values).
const MAX_NODES: usize = PAYLOAD_MASK as usize;
/// The length of a scalar too long for its entry (256 MiB or more).
const LONG: u32 = PAYLOAD_MASK;
/// `(node, end)` pairs, by node: see `Document::ends`.
type Ends = Vec<(u32, u32)>;

const KINDS: [Kind; 6] = [
    Kind::Null,
    Kind::Bool,
    Kind::Number,
    Kind::String,
    Kind::Array,
    Kind::Object,
];

impl Entry {
    /// A scalar (or key) at `start..end`; one of [`LONG`] bytes or more also needs its end
    /// in `Document::ends`.
    fn scalar(kind: Kind, start: usize, end: usize, flag: bool) -> Entry {
        let len = (end - start).min(LONG as usize) as u32;
        Entry::with(kind, start, len, flag)
    }

    /// An array or object whose subtree ends before entry `next`.
    fn container(kind: Kind, start: usize, next: u32) -> Entry {
        Entry::with(kind, start, next, false)
    }

    fn with(kind: Kind, start: usize, payload: u32, flag: bool) -> Entry {
        let tag = (kind as u32) << 1 | flag as u32;
        Entry {
            start: start as u32,
            word: tag << PAYLOAD_BITS | payload,
        }
    }

    /// The same entry in a tape that starts `first` entries later, over a text that starts
    /// `base` bytes later.
    fn shifted(self, base: usize, first: usize) -> Entry {
        let payload = if self.is_container() {
            self.payload() + first as u32
        } else {
            self.payload()
        };
        Entry {
            start: self.start + base as u32,
            word: self.word & !PAYLOAD_MASK | payload,
        }
    }

    fn kind(&self) -> Kind {
        KINDS[(self.word >> (PAYLOAD_BITS + 1)) as usize]
    }
    fn flag(&self) -> bool {
        self.word >> PAYLOAD_BITS & 1 == 1
    }
    fn payload(&self) -> u32 {
        self.word & PAYLOAD_MASK
    }
    fn is_container(&self) -> bool {
        matches!(self.kind(), Kind::Array | Kind::Object)
    }
    fn set_next(&mut self, next: u32) {
        self.word = self.word & !PAYLOAD_MASK | next;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

impl Syntax {
    /// Escape sequences that can spell any character in a string's source: a name searched
    /// for in the source may hide behind one.
    fn char_escapes(self) -> &'static [&'static str] {
        match self {
            Syntax::Json => &["\\u"],
            // Double-quoted scalars' escapes.
            Syntax::Yaml => &["\\u", "\\x", "\\U"],
        }
    }

    /// Whether `text` is written as it reads inside a string's source.
    fn spelled_as_is(self, text: &str) -> bool {
        match self {
            Syntax::Json => !text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20),
            // Quoting doubles `'`, escapes `"` and `\`; folding turns line breaks into spaces.
            Syntax::Yaml => !text
                .bytes()
                .any(|b| matches!(b, b'"' | b'\'' | b'\\') || b <= b' '),
        }
    }
}

/// Names to look for in the sources of many values, each with its searcher built once
/// (building one costs more than running it over a 200-byte script). The syntax's escapes
/// that could spell any name are always among them.
pub struct Needles(Vec<memchr::memmem::Finder<'static>>);

impl Needles {
    pub fn any_in(&self, haystack: &str) -> bool {
        self.0.iter().any(|f| f.find(haystack.as_bytes()).is_some())
    }
}

/// A parsed file. The root is [`Document::root`].
pub struct Document {
    text: Text,
    entries: Vec<Entry>,
    syntax: Syntax,
    /// Which of the check's files this is.
    file: FileId,
    /// YAML strings whose text is not their source (block scalars, folded lines, escapes),
    /// decoded once by the parser, by node.
    decoded: Vec<Decoded>,
    /// `(node, end)` for the values whose entry cannot say where they end, by node: every
    /// YAML mapping and sequence (a block one ends at its last value, not at a bracket) and
    /// any scalar of 256 MiB or more. A JSON array or object ends at the bracket after its
    /// last child, found in the text when asked.
    ends: Ends,
    /// The files of a document read from several (a v3 collection tree): their texts follow
    /// one another in `text`, their tapes in `entries`. Empty for a document of one file.
    parts: Vec<Part>,
}

/// One file of a document read from several.
#[derive(Clone, Copy, Debug)]
pub struct Part {
    pub file: FileId,
    /// The file's root value.
    pub root: NodeId,
    /// Where the file's text lies in the document's text.
    pub span: Span,
}

/// A string's decoded text, and where its lines lie in the source.
struct Decoded {
    node: u32,
    text: String,
    /// `(offset in text, offset in the source)` at the start of each source line of the
    /// string, in order: a decoded offset maps to its line's source start plus its distance
    /// from that line's start.
    anchors: Vec<(u32, u32)>,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("len", &self.text.len())
            .field("nodes", &self.entries.len())
            .finish()
    }
}

impl Document {
    /// The syntax the file is written in.
    pub fn syntax(&self) -> Syntax {
        self.syntax
    }

    /// Searchers for `names` in this document's sources.
    pub fn needles(&self, names: &[&str]) -> Needles {
        let all = names.iter().chain(self.syntax.char_escapes());
        Needles(
            all.map(|n| memchr::memmem::Finder::new(n.as_bytes()).into_owned())
                .collect(),
        )
    }

    /// Whether the text of `id` (a string, or the strings in an array or object) may hold
    /// one of the names `needles` was made for: a search of its source, before any decoding.
    /// Exact for names [spelled as is](Document::spelled_as_is).
    pub fn may_contain(&self, id: NodeId, needles: &Needles) -> bool {
        needles.any_in(self.searchable(id))
    }

    /// [`Document::may_contain`] for one name, without a searcher.
    pub fn may_contain_str(&self, id: NodeId, name: &str) -> bool {
        let source = self.searchable(id);
        source.contains(name)
            || self
                .syntax
                .char_escapes()
                .iter()
                .any(|e| source.contains(e))
    }

    /// Whether `text` is written as it reads inside a string of this document, so that a
    /// search of the source finds it.
    pub fn spelled_as_is(&self, text: &str) -> bool {
        self.syntax.spelled_as_is(text)
    }

    /// The file this document was read from.
    pub fn file(&self) -> FileId {
        self.file
    }

    /// The same document as file `file` of a check.
    pub fn in_file(mut self, file: FileId) -> Document {
        self.file = file;
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The files this document was read from, in order (one, unless it was read from several).
    pub fn parts(&self) -> Vec<Part> {
        if self.parts.is_empty() {
            vec![Part {
                file: self.file,
                root: self.root(),
                span: Span::new(0, self.text.len()),
            }]
        } else {
            self.parts.clone()
        }
    }

    /// The file that holds byte `offset` of the document's text.
    pub fn part_at(&self, offset: usize) -> Part {
        let parts = self.parts();
        let i = parts.partition_point(|p| p.span.start <= offset);
        parts[i.saturating_sub(1)]
    }

    /// The file that holds `node`.
    pub fn file_of(&self, node: NodeId) -> FileId {
        if self.parts.is_empty() {
            return self.file;
        }
        let i = self.parts.partition_point(|p| p.root <= node);
        self.parts[i.saturating_sub(1)].file
    }

    pub fn root(&self) -> NodeId {
        NodeId::at(0)
    }

    fn entry(&self, id: NodeId) -> &Entry {
        &self.entries[id.index() as usize]
    }

    pub fn kind(&self, id: NodeId) -> Kind {
        self.entry(id).kind()
    }

    /// The value's bytes in the source, quotes included for strings.
    pub fn span(&self, id: NodeId) -> Span {
        Span::new(self.entry(id).start as usize, self.end(id))
    }

    /// Where the value ends in the source.
    fn end(&self, id: NodeId) -> usize {
        let e = self.entry(id);
        let container = e.is_container();
        if !container && e.payload() != LONG {
            return e.start as usize + e.payload() as usize;
        }
        if container && self.syntax == Syntax::Json {
            return self.json_container_end(id);
        }
        match self
            .ends
            .binary_search_by_key(&id.index(), |&(node, _)| node)
        {
            Ok(i) => self.ends[i].1 as usize,
            Err(_) => {
                debug_assert!(false, "no end recorded for {id:?}");
                e.start as usize
            }
        }
    }

    /// A JSON array's or object's end: only blanks lie between its last child (or its
    /// opening bracket) and its closing bracket.
    fn json_container_end(&self, id: NodeId) -> usize {
        let e = self.entry(id);
        let last = match e.kind() {
            Kind::Object => self.members(id).last().map(|(_, v)| v),
            _ => self.elements(id).last(),
        };
        let from = last.map_or(e.start as usize + 1, |child| self.end(child));
        let bytes = self.text.as_bytes();
        let blanks = bytes[from.min(bytes.len())..]
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        (from + blanks + 1).min(bytes.len())
    }

    /// The index of the first entry after `id`'s subtree.
    fn next_of(&self, id: u32) -> u32 {
        let e = &self.entries[id as usize];
        if e.is_container() {
            e.payload()
        } else {
            id + 1
        }
    }

    /// The value's source, for a search of names: for a JSON array or object, up to the
    /// next value's start instead of its own end, which would take a walk over its children
    /// to find (scripts are searched many times). Between the two lie only blanks, closing
    /// brackets and commas: at most a name made of those is found where it is not, and a
    /// search that may find too much is all [`Document::may_contain`] promises.
    fn searchable(&self, id: NodeId) -> &str {
        let e = self.entry(id);
        if !(e.is_container() && self.syntax == Syntax::Json) {
            return self.raw(id);
        }
        let end = self
            .entries
            .get(e.payload() as usize)
            .map_or(self.text.len(), |next| next.start as usize);
        &self.text[e.start as usize..end]
    }

    /// The value's source text as written.
    pub fn raw(&self, id: NodeId) -> &str {
        let s = self.span(id);
        &self.text[s.start..s.end]
    }

    pub fn as_bool(&self, id: NodeId) -> Option<bool> {
        let e = self.entry(id);
        (e.kind() == Kind::Bool).then_some(e.flag())
    }

    pub fn as_str(&self, id: NodeId) -> Option<Cow<'_, str>> {
        let e = self.entry(id);
        if e.kind() != Kind::String {
            return None;
        }
        Some(if e.flag() {
            self.decode(id)
        } else {
            Cow::Borrowed(&self.text[self.inner(id)])
        })
    }

    /// A scalar as text the way JavaScript would stringify it into a URL or header: strings
    /// unescaped, numbers and booleans as written. `None` for null, arrays and objects.
    pub fn scalar_text(&self, id: NodeId) -> Option<Cow<'_, str>> {
        match self.kind(id) {
            Kind::String => self.as_str(id),
            Kind::Number | Kind::Bool => Some(Cow::Borrowed(self.raw(id))),
            _ => None,
        }
    }

    /// Compares a string node with `want` without allocating when it has no escapes.
    pub fn str_eq(&self, id: NodeId, want: &str) -> bool {
        let e = self.entry(id);
        if e.kind() != Kind::String {
            return false;
        }
        if e.flag() {
            return self.decode(id) == want;
        }
        // Lengths, then the first byte: most keys compared are not the one looked for, and
        // this way their text is barely read (and memcmp is not called for them).
        let inner = self.inner(id);
        same_bytes(&self.text.as_bytes()[inner], want.as_bytes())
    }

    /// The members `keys` of an object (distinct names), found in one walk of its members:
    /// each as [`Document::get`] finds it (the last of duplicate keys). The reader looks up
    /// several members of every header, event and request; each key is read once this way,
    /// not once per name looked for.
    pub fn fields<const N: usize>(&self, obj: NodeId, keys: [&str; N]) -> [Option<NodeId>; N] {
        self.named_members(obj, keys).map(|m| m.map(|(_, v)| v))
    }

    /// [`Document::fields`] with each member's key node.
    pub fn named_members<const N: usize>(
        &self,
        obj: NodeId,
        keys: [&str; N],
    ) -> [Option<(NodeId, NodeId)>; N] {
        let mut found = [None; N];
        for (k, v) in self.members(obj) {
            let e = self.entry(k);
            if e.kind() != Kind::String {
                continue;
            }
            let decoded;
            let have = if e.flag() {
                decoded = self.decode(k);
                decoded.as_bytes()
            } else {
                &self.text.as_bytes()[self.inner(k)]
            };
            if let Some(i) = keys
                .iter()
                .position(|want| same_bytes(have, want.as_bytes()))
            {
                found[i] = Some((k, v));
            }
        }
        found
    }

    /// The member `key` of an object. With duplicate keys the last one wins, as in
    /// JavaScript's `JSON.parse`, which is what Postman and newman use.
    pub fn get(&self, obj: NodeId, key: &str) -> Option<NodeId> {
        self.members(obj)
            .filter(|&(k, _)| self.str_eq(k, key))
            .last()
            .map(|(_, v)| v)
    }

    /// `(key, value)` pairs of an object; empty for anything else.
    pub fn members(&self, obj: NodeId) -> Members<'_> {
        let (cur, end) = self.children(obj, Kind::Object);
        Members {
            doc: self,
            cur,
            end,
        }
    }

    /// Elements of an array; empty for anything else.
    pub fn elements(&self, arr: NodeId) -> Elements<'_> {
        let (cur, end) = self.children(arr, Kind::Array);
        Elements {
            doc: self,
            cur,
            end,
        }
    }

    /// The tape range of a container's children when it is of `kind`; empty otherwise.
    fn children(&self, id: NodeId, kind: Kind) -> (u32, u32) {
        let e = self.entry(id);
        if e.kind() == kind {
            (id.index() + 1, e.payload())
        } else {
            (0, 0)
        }
    }

    /// Converts a subtree to a `serde_json::Value` (duplicate keys: last wins).
    pub fn to_value(&self, id: NodeId) -> serde_json::Value {
        use serde_json::Value;
        match self.kind(id) {
            Kind::Null => Value::Null,
            Kind::Bool => Value::Bool(self.entry(id).flag()),
            Kind::Number => serde_json::from_str(self.raw(id)).unwrap_or(Value::Null),
            Kind::String => Value::String(self.as_str(id).unwrap_or_default().into_owned()),
            Kind::Array => Value::Array(self.elements(id).map(|c| self.to_value(c)).collect()),
            Kind::Object => {
                let mut map = serde_json::Map::new();
                for (k, v) in self.members(id) {
                    map.insert(
                        self.as_str(k).unwrap_or_default().into_owned(),
                        self.to_value(v),
                    );
                }
                Value::Object(map)
            }
        }
    }

    /// The bytes of a string's text: inside its quotes, or the whole of a plain or block
    /// scalar (what to mask when the value is a secret).
    pub fn text_span(&self, id: NodeId) -> Span {
        if self.kind(id) != Kind::String {
            return self.span(id);
        }
        let inner = self.inner(id);
        Span::new(inner.start, inner.end)
    }

    /// Maps a byte range of a string's *decoded* value back to its bytes in the source, so a
    /// label can point at one line inside a string such as a single-string script.
    pub fn string_subspan(&self, id: NodeId, start: usize, end: usize) -> Span {
        let e = self.entry(id);
        if e.kind() != Kind::String {
            return self.span(id);
        }
        let inner = self.inner(id);
        let base = inner.start;
        if !e.flag() {
            return Span::new(base + start, base + end);
        }
        match self.syntax {
            Syntax::Json => {
                let raw = &self.text.as_bytes()[inner];
                let (raw_start, raw_end) = json::decoded_range_in_source(raw, start, end);
                Span::new(base + raw_start, base + raw_end)
            }
            Syntax::Yaml => match self.decoded_entry(id) {
                Some(d) => {
                    let at = |offset: usize| {
                        let i = d.anchors.partition_point(|&(t, _)| t as usize <= offset);
                        let (t, s) = d.anchors.get(i.wrapping_sub(1)).copied().unwrap_or((0, 0));
                        (s as usize + (offset - t as usize)).clamp(inner.start, inner.end)
                    };
                    let from = at(start);
                    Span::new(from, at(end).max(from))
                }
                None => self.span(id),
            },
        }
    }

    fn decoded_entry(&self, id: NodeId) -> Option<&Decoded> {
        let i = self
            .decoded
            .binary_search_by_key(&id.index(), |d| d.node)
            .ok()?;
        Some(&self.decoded[i])
    }

    /// The bytes of a string's text inside its delimiters (quotes).
    fn inner(&self, id: NodeId) -> std::ops::Range<usize> {
        let (start, end) = (self.entry(id).start as usize, self.end(id));
        match self.syntax {
            Syntax::Json => start + 1..end - 1,
            // A plain or block scalar never starts with a quote.
            Syntax::Yaml if matches!(self.text.as_bytes().get(start), Some(b'"' | b'\'')) => {
                start + 1..end.saturating_sub(1).max(start + 1)
            }
            Syntax::Yaml => start..end,
        }
    }

    /// A string's text decoded, for one that has something to decode.
    fn decode(&self, id: NodeId) -> Cow<'_, str> {
        match self.syntax {
            Syntax::Json => Cow::Owned(json::unescape(&self.text[self.inner(id)])),
            Syntax::Yaml => Cow::Borrowed(self.decoded_entry(id).map_or("", |d| &d.text)),
        }
    }

    /// The objects among nodes `range` (of `0..node_count()`), in source order.
    pub fn objects_in(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = NodeId> + '_ {
        let start = range.start;
        self.entries[range]
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind() == Kind::Object)
            .map(move |(i, _)| NodeId::at((start + i) as u32))
    }

    /// The RFC 6901 pointer of a value, found by descending from the root (a value's subtree
    /// is the tape range up to its `next`, so each step picks one child): one at a time, the
    /// oracle `pointers_of` is tested against.
    #[cfg(test)]
    pub fn pointer_of(&self, target: NodeId) -> String {
        let mut pointer = String::new();
        let mut cur = self.root();
        let within =
            |v: NodeId| v.index() <= target.index() && target.index() < self.next_of(v.index());
        while cur != target {
            let next = match self.kind(cur) {
                Kind::Object => self.members(cur).find(|&(_, v)| within(v)).map(|(k, v)| {
                    let key = self.as_str(k).unwrap_or_default();
                    pointer.push('/');
                    pointer.push_str(&pointer_token(&key));
                    v
                }),
                Kind::Array => self
                    .elements(cur)
                    .enumerate()
                    .find(|&(_, v)| within(v))
                    .map(|(i, v)| {
                        pointer.push_str(&format!("/{i}"));
                        v
                    }),
                _ => None,
            };
            // None: `target` is a key, and its object's pointer is as near as a pointer gets.
            let Some(next) = next else { break };
            cur = next;
        }
        pointer
    }

    /// The RFC 6901 pointers of `targets` (same order; a key gets its object's pointer), in one
    /// walk down the tree that visits each container on the way to a target once: a flat
    /// array of 100,000 items costs one pass, not one pass per finding.
    pub fn pointers_of(&self, targets: &[NodeId]) -> Vec<String> {
        if self.parts.len() <= 1 {
            return self.pointers_under(self.root(), targets);
        }
        // Each file's pointers start at its own root.
        let mut out = vec![String::new(); targets.len()];
        for part in &self.parts {
            let end = self.next_of(part.root.index());
            let inside: Vec<usize> = (0..targets.len())
                .filter(|&i| targets[i] >= part.root && targets[i].index() < end)
                .collect();
            let found = self.pointers_under(
                part.root,
                &inside.iter().map(|&i| targets[i]).collect::<Vec<_>>(),
            );
            for (i, p) in inside.into_iter().zip(found) {
                out[i] = p;
            }
        }
        out
    }

    fn pointers_under(&self, root: NodeId, targets: &[NodeId]) -> Vec<String> {
        let mut order: Vec<usize> = (0..targets.len()).collect();
        order.sort_by_key(|&i| targets[i]);
        let mut out = vec![String::new(); targets.len()];
        // (container, its pointer, the slice of `order` inside it)
        let mut stack = vec![(root, String::new(), 0, order.len())];
        while let Some((node, pointer, lo, hi)) = stack.pop() {
            let mut i = lo;
            // Targets that are the container itself (or one of its keys) get its pointer.
            let mut assign_until = |until: NodeId, i: &mut usize| {
                while *i < hi && targets[order[*i]] < until {
                    out[order[*i]] = pointer.clone();
                    *i += 1;
                }
            };
            let children: Box<dyn Iterator<Item = (NodeId, Option<NodeId>, usize)>> = match self
                .kind(node)
            {
                Kind::Object => Box::new(self.members(node).map(|(k, v)| (v, Some(k), 0))),
                Kind::Array => Box::new(self.elements(node).enumerate().map(|(j, v)| (v, None, j))),
                _ => Box::new(std::iter::empty()),
            };
            for (child, key, index) in children {
                if i >= hi {
                    break;
                }
                assign_until(child, &mut i);
                let end = NodeId::at(self.next_of(child.index()));
                let start = i;
                while i < hi && targets[order[i]] < end {
                    i += 1;
                }
                if start == i {
                    continue;
                }
                let mut child_pointer = pointer.clone();
                child_pointer.push('/');
                match key {
                    Some(k) => {
                        child_pointer.push_str(&pointer_token(&self.as_str(k).unwrap_or_default()))
                    }
                    None => child_pointer.push_str(&index.to_string()),
                }
                stack.push((child, child_pointer, start, i));
            }
            // After every node.
            assign_until(NodeId::at(MAX_NODES as u32), &mut i);
        }
        out
    }

    /// Number of tape entries (values plus keys); a measure of document size.
    pub fn node_count(&self) -> usize {
        self.entries.len()
    }
}

pub struct Members<'a> {
    doc: &'a Document,
    cur: u32,
    end: u32,
}

impl Iterator for Members<'_> {
    type Item = (NodeId, NodeId);
    fn next(&mut self) -> Option<Self::Item> {
        if self.cur >= self.end {
            return None;
        }
        let key = NodeId::at(self.cur);
        let value = NodeId::at(self.cur + 1);
        self.cur = self.doc.next_of(value.index());
        Some((key, value))
    }
}

pub struct Elements<'a> {
    doc: &'a Document,
    cur: u32,
    end: u32,
}

impl Iterator for Elements<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<Self::Item> {
        if self.cur >= self.end {
            return None;
        }
        let id = NodeId::at(self.cur);
        self.cur = self.doc.next_of(id.index());
        Some(id)
    }
}

/// Escapes one RFC 6901 reference token.
pub fn pointer_token(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}
