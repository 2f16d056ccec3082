//! A strict JSON parser that reads a text into a [`Document`], keeping the byte range of
//! every value and key.
//!
//! Why not a crate: the span-aware parsers available, measured on a 60 MB collection
//! (`jsonc-parser`'s AST: ~158 MB/s and ~5× the file size in memory), cannot meet the
//! throughput and memory targets for 100 MB exports. This parser writes one flat "tape" of
//! 12-byte entries (no allocation per node, strings stay in the source text and are unescaped
//! only when read), is iterative (a 100,000-level nesting is an error, never a stack overflow),
//! and rejects everything RFC 8259 rejects (comments, trailing commas, NaN, control characters).
//! Tests compare it with `serde_json` on every corpus file.

use super::{Document, Ends, Entry, Kind, ParseError, Span, Syntax, MAX_DEPTH, MAX_NODES};
use crate::source::FileId;
use crate::text::Text;

impl Document {
    /// Parses a JSON text (as the checked file, [`FileId::LINTED`]).
    pub fn parse(text: Text) -> Result<Document, ParseError> {
        if text.len() >= u32::MAX as usize {
            return Err(ParseError {
                message: "file is larger than 4 GiB, which scopelint cannot read".into(),
                span: Span::new(0, 0),
            });
        }
        let (entries, ends) = Parser::new(text.as_bytes()).parse()?;
        Ok(Document {
            text,
            entries,
            syntax: Syntax::Json,
            file: FileId::LINTED,
            decoded: Vec::new(),
            ends,
            parts: Vec::new(),
        })
    }
}

/// Decodes the JSON escapes of a string's inner text (already validated by the parser).
/// A lone surrogate becomes U+FFFD, as a lenient JavaScript consumer would display it.
pub(super) fn unescape(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    let bytes = inner.as_bytes();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, esc)) = chars.next() else { break };
        match esc {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'u' => {
                let hi = hex4(&bytes[i + 2..]);
                for _ in 0..4 {
                    chars.next();
                }
                let mut code = hi;
                let pair_follows = bytes.get(i + 6) == Some(&b'\\')
                    && bytes.get(i + 7) == Some(&b'u')
                    && bytes.len() >= i + 12;
                if (0xD800..0xDC00).contains(&hi) && pair_follows {
                    let lo = hex4(&bytes[i + 8..]);
                    if (0xDC00..0xE000).contains(&lo) {
                        code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        for _ in 0..6 {
                            chars.next();
                        }
                    }
                }
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            other => out.push(other),
        }
    }
    out
}

/// Source bytes and decoded bytes of the character or escape at the start of `raw`,
/// mirroring [`unescape`].
fn escape_lengths(raw: &[u8]) -> (usize, usize) {
    if raw[0] != b'\\' {
        let n = utf8_len(raw[0]);
        return (n, n);
    }
    if raw.get(1) != Some(&b'u') {
        return (2, 1);
    }
    let hi = hex4(&raw[2..]);
    if (0xD800..0xDC00).contains(&hi) && raw.len() >= 12 && raw[6] == b'\\' && raw[7] == b'u' {
        let lo = hex4(&raw[8..]);
        if (0xDC00..0xE000).contains(&lo) {
            return (12, 4);
        }
    }
    (6, char::from_u32(hi).map_or(3, char::len_utf8))
}

fn hex4(b: &[u8]) -> u32 {
    b.iter().take(4).fold(0, |acc, &d| {
        acc * 16 + (d as char).to_digit(16).unwrap_or(0)
    })
}

/// The index of the first byte at or after `i` that a string needs to look at: `"`, `\` or
/// a control character (or `b.len()`). Strings are most of a Postman export's bytes: this
/// tests eight at a time (SWAR) instead of one.
fn skip_plain_string_bytes(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A byte of `v` is zero: (v - 1) & !v has its high bit set. The lowest flagged byte is
    // always a real match (a borrow only spills into higher bytes), which is all we use.
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v;
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let quote = has_zero(x ^ (ONES * u64::from(b'"')));
        let backslash = has_zero(x ^ (ONES * u64::from(b'\\')));
        let control = x.wrapping_sub(ONES * 0x20) & !x;
        let found = (quote | backslash | control) & HIGHS;
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

/// The index of the first byte at or after `i` that is not a JSON blank (space, tab, line
/// feed, carriage return), or `b.len()`. Indented exports are 40-60 % blanks, mostly runs of
/// indentation after each line break: this tests eight bytes at a time (SWAR) once a run is
/// longer than a byte or two.
fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    // Minified JSON and `": "` have at most one blank: no need to set up the wide test.
    match b.get(i) {
        Some(b' ' | b'\n' | b'\r' | b'\t') => i += 1,
        _ => return i,
    }
    const LOWS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The high bit of each byte of `x` equal to `c` (exact: no borrow crosses bytes).
    let equal = |x: u64, c: u8| {
        let y = x ^ (ONES * u64::from(c));
        !(((y & LOWS) + LOWS) | y) & HIGHS
    };
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let blank = equal(x, b' ') | equal(x, b'\t') | equal(x, b'\n') | equal(x, b'\r');
        let other = !blank & HIGHS;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
            i += 1;
        } else {
            break;
        }
    }
    i
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
    entries: Vec<Entry>,
    /// Ends of scalars too long for their entry.
    ends: Ends,
}

impl<'a> Parser<'a> {
    fn new(b: &'a [u8]) -> Self {
        // Postman exports hold one value or key per 15-20 bytes, minified JSON a little
        // more. Reserving for one per 10 bytes means the tape is never copied to grow, and
        // the pages it does not use are never touched, so they cost no memory.
        let guess = (b.len() / 10 + 16).min(MAX_NODES);
        let entries = Vec::with_capacity(guess);
        crate::memory::prefer_huge_pages(&entries);
        Parser {
            b,
            i: 0,
            entries,
            ends: Vec::new(),
        }
    }

    fn err<T>(
        &self,
        message: impl Into<String>,
        start: usize,
        len: usize,
    ) -> Result<T, ParseError> {
        let start = start.min(self.b.len());
        let end = (start + len).min(self.b.len());
        Err(ParseError {
            message: message.into(),
            span: Span::new(start, end),
        })
    }

    fn skip_ws(&mut self) {
        self.i = skip_blanks(self.b, self.i);
    }

    fn push(
        &mut self,
        kind: Kind,
        start: usize,
        end: usize,
        flag: bool,
    ) -> Result<u32, ParseError> {
        let idx = self.entries.len();
        if idx >= MAX_NODES {
            return self.err(
                "the file holds more than 268 million values, which scopelint cannot read",
                start,
                1,
            );
        }
        let idx = idx as u32;
        self.entries
            .push(if matches!(kind, Kind::Array | Kind::Object) {
                // Empty until its close says otherwise.
                Entry::container(kind, start, idx + 1)
            } else {
                Entry::scalar(kind, start, end, flag)
            });
        if end - start >= super::LONG as usize {
            self.ends.push((idx, end as u32));
        }
        Ok(idx)
    }

    fn unexpected<T>(&self, expected: &str) -> Result<T, ParseError> {
        match self.b.get(self.i) {
            None => self.err(
                format!("unexpected end of file: expected {expected}"),
                self.i,
                0,
            ),
            Some(b'/') => self.err("comments are not allowed in JSON", self.i, 1),
            Some(&c) => {
                let len = utf8_len(c);
                let shown =
                    String::from_utf8_lossy(&self.b[self.i..(self.i + len).min(self.b.len())])
                        .into_owned();
                self.err(
                    format!(
                        "unexpected character `{}`: expected {expected}",
                        shown.escape_debug()
                    ),
                    self.i,
                    len,
                )
            }
        }
    }

    fn parse(mut self) -> Result<(Vec<Entry>, Ends), ParseError> {
        // Open containers: (entry index, is_object).
        let mut stack: Vec<(u32, bool)> = Vec::new();
        'value: loop {
            self.skip_ws();
            let start = self.i;
            match self.b.get(self.i) {
                Some(b'{') | Some(b'[') => {
                    let is_object = self.b[self.i] == b'{';
                    if stack.len() >= MAX_DEPTH {
                        return self.err(
                            format!("nesting deeper than {MAX_DEPTH} levels is not supported"),
                            start,
                            1,
                        );
                    }
                    let kind = if is_object { Kind::Object } else { Kind::Array };
                    let idx = self.push(kind, start, start + 1, false)?;
                    self.i += 1;
                    self.skip_ws();
                    let close = if is_object { b'}' } else { b']' };
                    if self.b.get(self.i) == Some(&close) {
                        self.i += 1;
                    } else {
                        stack.push((idx, is_object));
                        if is_object {
                            self.key()?;
                        }
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b't') => self.literal(b"true", Kind::Bool, true)?,
                Some(b'f') => self.literal(b"false", Kind::Bool, false)?,
                Some(b'n') => self.literal(b"null", Kind::Null, false)?,
                Some(b'-') | Some(b'0'..=b'9') => self.number()?,
                _ => return self.unexpected("a value"),
            }
            // After a complete value: close containers or move to the next element.
            loop {
                let Some(&(top, is_object)) = stack.last() else {
                    break 'value;
                };
                self.skip_ws();
                let close = if is_object { b'}' } else { b']' };
                match self.b.get(self.i) {
                    Some(b',') => {
                        let comma = self.i;
                        self.i += 1;
                        self.skip_ws();
                        if matches!(self.b.get(self.i), Some(b'}') | Some(b']')) {
                            return self.err("trailing comma is not allowed in JSON", comma, 1);
                        }
                        if is_object {
                            self.key()?;
                        }
                        continue 'value;
                    }
                    Some(&c) if c == close => {
                        self.i += 1;
                        let next = self.entries.len() as u32;
                        self.entries[top as usize].set_next(next);
                        stack.pop();
                    }
                    _ => {
                        return self.unexpected(if is_object {
                            "`,` or `}` after an object member"
                        } else {
                            "`,` or `]` after an array element"
                        })
                    }
                }
            }
        }
        self.skip_ws();
        if self.i < self.b.len() {
            return self.unexpected("the end of the file after the top-level value");
        }
        Ok((self.entries, self.ends))
    }

    fn key(&mut self) -> Result<(), ParseError> {
        self.skip_ws();
        if self.b.get(self.i) != Some(&b'"') {
            return self.unexpected("a string key in double quotes");
        }
        self.string()?;
        self.skip_ws();
        if self.b.get(self.i) != Some(&b':') {
            return self.unexpected("`:` after an object key");
        }
        self.i += 1;
        Ok(())
    }

    fn string(&mut self) -> Result<(), ParseError> {
        let start = self.i;
        self.i += 1;
        let mut escaped = false;
        loop {
            self.i = skip_plain_string_bytes(self.b, self.i);
            match self.b.get(self.i) {
                None => return self.err("unterminated string", start, 1),
                Some(b'"') => {
                    self.i += 1;
                    self.push(Kind::String, start, self.i, escaped)?;
                    return Ok(());
                }
                Some(b'\\') => {
                    escaped = true;
                    match self.b.get(self.i + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 2,
                        Some(b'u') => {
                            let hex = self.b.get(self.i + 2..self.i + 6);
                            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                                return self.err(
                                    "invalid unicode escape: `\\u` needs four hex digits",
                                    self.i,
                                    2,
                                );
                            }
                            self.i += 6;
                        }
                        None => return self.err("unterminated string", start, 1),
                        Some(_) => return self.err("invalid escape sequence in string", self.i, 2),
                    }
                }
                Some(_) => {
                    return self.err(
                        "control character in string: it must be escaped (e.g. `\\n`, `\\t`)",
                        self.i,
                        1,
                    )
                }
            }
        }
    }

    fn literal(&mut self, word: &[u8], kind: Kind, value: bool) -> Result<(), ParseError> {
        if self.b[self.i..].starts_with(word) {
            let start = self.i;
            self.i += word.len();
            self.push(kind, start, self.i, value)?;
            Ok(())
        } else {
            self.unexpected("a value")
        }
    }

    fn number(&mut self) -> Result<(), ParseError> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.b.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i - s
        };
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => {
                self.i += 1;
                if self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                    return self.err(
                        "numbers cannot have leading zeros",
                        start,
                        self.i - start + 1,
                    );
                }
            }
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return self.err("invalid number", start, (self.i - start).max(1)),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return self.err(
                    "invalid number: expected digits after `.`",
                    start,
                    self.i - start,
                );
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return self.err(
                    "invalid number: expected exponent digits",
                    start,
                    self.i - start,
                );
            }
        }
        self.push(Kind::Number, start, self.i, false)?;
        Ok(())
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}
/// Where bytes `start..end` of an escaped string's decoded text lie in its raw text.
pub(super) fn decoded_range_in_source(raw: &[u8], start: usize, end: usize) -> (usize, usize) {
    let (mut i, mut decoded) = (0, 0);
    let mut raw_start = None;
    while i < raw.len() {
        if raw_start.is_none() && decoded >= start {
            raw_start = Some(i);
        }
        if decoded >= end {
            break;
        }
        let (raw_len, decoded_len) = escape_lengths(&raw[i..]);
        i += raw_len;
        decoded += decoded_len;
    }
    (raw_start.unwrap_or(i), i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{pointer_token, NodeId};
    use std::borrow::Cow;

    fn parse(s: &str) -> Result<Document, ParseError> {
        Document::parse(s.into())
    }

    #[test]
    fn string_scan_stops_at_the_first_byte_that_matters() {
        let naive = |b: &[u8], i: usize| {
            (i..b.len())
                .find(|&j| b[j] == b'"' || b[j] == b'\\' || b[j] < 0x20)
                .unwrap_or(b.len())
        };
        let specials: [u8; 8] = [b'"', b'\\', 0, 0x1f, b'\n', b'\t', 0x7f, 0x20];
        let fillers: [u8; 6] = [b'a', 0xc3, 0xa9, 0xff, 0x80, b'!'];
        for len in 0..24 {
            for at in 0..=len {
                for &sp in &specials {
                    let mut bytes: Vec<u8> = (0..len).map(|k| fillers[k % fillers.len()]).collect();
                    if at < len {
                        bytes[at] = sp;
                        // Matches after the first must not move the answer.
                        if at + 1 < len {
                            bytes[at + 1] = 0x01;
                        }
                    }
                    for start in 0..=len.min(3) {
                        assert_eq!(
                            skip_plain_string_bytes(&bytes, start),
                            naive(&bytes, start),
                            "{bytes:?} from {start}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn blank_skip_stops_at_the_first_byte_that_is_not_blank() {
        let naive = |b: &[u8], i: usize| {
            (i..b.len())
                .find(|&j| !matches!(b[j], b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(b.len())
        };
        let blanks: [u8; 4] = [b' ', b'\t', b'\n', b'\r'];
        // Bytes next to the blanks' values, and ones whose high bit or low bits could carry.
        let others: [u8; 10] = [b'"', 0x08, 0x0b, 0x0c, 0x1f, 0x21, 0x00, 0x80, 0xa0, 0x89];
        for len in 0..26 {
            for at in 0..=len {
                for &other in &others {
                    let mut bytes: Vec<u8> = (0..len).map(|k| blanks[(k * 7 + len) % 4]).collect();
                    if at < len {
                        bytes[at] = other;
                        if at + 1 < len {
                            bytes[at + 1] = b' ';
                        }
                    }
                    for start in 0..=len.min(3) {
                        assert_eq!(
                            skip_blanks(&bytes, start),
                            naive(&bytes, start),
                            "{bytes:?} from {start}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn pointers_of_matches_pointer_of_for_every_node() {
        let text = r#"{"a": [1, {"b/c": [true, false], "~d": null}, []], "e": {}, "a": "last",
            "f": [[0, [1, [2]]], "x\"y"], "": {"": 3}}"#;
        let doc = parse(text).unwrap();
        let all: Vec<NodeId> = (0..doc.node_count() as u32).map(NodeId::at).collect();
        let one_by_one: Vec<String> = all.iter().map(|&n| doc.pointer_of(n)).collect();
        assert_eq!(doc.pointers_of(&all), one_by_one);
        // Any order and repeats: answers come back in the order asked.
        let mut shuffled: Vec<NodeId> = all.iter().rev().copied().collect();
        shuffled.extend(all.iter().step_by(3));
        let expected: Vec<String> = shuffled.iter().map(|&n| doc.pointer_of(n)).collect();
        assert_eq!(doc.pointers_of(&shuffled), expected);
        assert!(one_by_one.contains(&"/a/1/b~1c/1".to_owned()));
        assert!(one_by_one.contains(&"/a/1/~0d".to_owned()));
        assert!(one_by_one.contains(&"//".to_owned()));
    }

    #[test]
    fn every_value_spans_exactly_its_source() {
        // Containers' ends are found from the text: blanks, nesting, empty ones, last
        // children that are containers themselves.
        let texts = [
            r#"{ "a" : [ 1 , [ ] , { } ] , "b" : { "c" : { "d" : [ [ "x" ] ] } } }"#,
            "[\n\t{\"k\":\r\n[]\n}\n\n]\n",
            r#"[[[[]]],{"":{"":{}}},"s\"]",-1.5e3,true,null]"#,
            "{}",
            " [ ] ",
        ];
        for text in texts {
            let doc = parse(text).unwrap();
            for n in 0..doc.node_count() {
                let id = NodeId::at(n as u32);
                let raw = doc.raw(id);
                let reparsed: serde_json::Value = serde_json::from_str(raw)
                    .unwrap_or_else(|e| panic!("{raw:?} in {text:?}: {e}"));
                let is_key = doc
                    .objects_in(0..doc.node_count())
                    .any(|o| doc.members(o).any(|(k, _)| k == id));
                if !is_key {
                    assert_eq!(reparsed, doc.to_value(id), "{raw:?} in {text:?}");
                }
            }
        }
    }

    #[test]
    fn a_string_of_256_mib_or_more_keeps_its_end() {
        // Too long for its entry's length field: its end is kept aside.
        let long = "x".repeat(super::super::LONG as usize + 3);
        let text = format!(r#"{{"a": "{long}", "b": [1]}}"#);
        let doc = parse(&text).unwrap();
        let a = doc.get(doc.root(), "a").unwrap();
        assert_eq!(doc.span(a), Span::new(6, 6 + long.len() + 2));
        assert_eq!(doc.as_str(a).unwrap().len(), long.len());
        assert_eq!(doc.raw(doc.get(doc.root(), "b").unwrap()), "[1]");
        assert_eq!(doc.span(doc.root()), Span::new(0, text.len()));
    }

    #[test]
    fn pointers_of_a_long_flat_array() {
        let text = format!("[{}]", vec!["{\"k\": 1}"; 5000].join(","));
        let doc = parse(&text).unwrap();
        let items: Vec<NodeId> = doc.elements(doc.root()).collect();
        let values: Vec<NodeId> = items.iter().map(|&i| doc.get(i, "k").unwrap()).collect();
        let pointers = doc.pointers_of(&values);
        assert_eq!(pointers[0], "/0/k");
        assert_eq!(pointers[4999], "/4999/k");
        assert_eq!(pointers.len(), 5000);
    }

    #[test]
    fn tape_entries_keep_kind_flag_and_extent() {
        assert_eq!(std::mem::size_of::<Entry>(), 8);
        let doc = parse(r#"[true, false, "a\nb", "plain", null, 1, {}, [[]]]"#).unwrap();
        let els: Vec<NodeId> = doc.elements(doc.root()).collect();
        let kinds: Vec<Kind> = els.iter().map(|&e| doc.kind(e)).collect();
        use Kind::*;
        assert_eq!(
            kinds,
            [Bool, Bool, String, String, Null, Number, Object, Array]
        );
        assert_eq!(doc.as_bool(els[0]), Some(true));
        assert_eq!(doc.as_bool(els[1]), Some(false));
        assert!(matches!(doc.as_str(els[2]), Some(Cow::Owned(s)) if s == "a\nb"));
        assert!(matches!(doc.as_str(els[3]), Some(Cow::Borrowed("plain"))));
        assert_eq!(doc.elements(els[7]).count(), 1);
        assert_eq!(doc.elements(doc.root()).count(), 8);
    }

    #[test]
    fn parses_nested_values_with_spans() {
        let text = r#" {"a": [1, true, null, "x\"y"], "b": {"c": -1.5e3}} "#;
        let doc = parse(text).unwrap();
        let root = doc.root();
        assert_eq!(doc.kind(root), Kind::Object);
        assert_eq!(doc.span(root), Span::new(1, text.len() - 1));
        let a = doc.get(root, "a").unwrap();
        let elems: Vec<_> = doc.elements(a).collect();
        assert_eq!(elems.len(), 4);
        assert_eq!(doc.raw(elems[0]), "1");
        assert_eq!(doc.as_bool(elems[1]), Some(true));
        assert_eq!(doc.kind(elems[2]), Kind::Null);
        assert_eq!(doc.as_str(elems[3]).unwrap(), "x\"y");
        assert_eq!(doc.raw(elems[3]), r#""x\"y""#);
        let c = doc.get(doc.get(root, "b").unwrap(), "c").unwrap();
        assert_eq!(doc.raw(c), "-1.5e3");
        assert_eq!(
            doc.to_value(root),
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
    }

    #[test]
    fn duplicate_keys_last_wins_like_javascript() {
        let doc = parse(r#"{"k": 1, "k": 2}"#).unwrap();
        assert_eq!(doc.raw(doc.get(doc.root(), "k").unwrap()), "2");
    }

    #[test]
    fn fields_find_what_get_finds_in_one_walk() {
        let doc =
            parse(r#"{"k": 1, "v": [2], "k": 3, "\u006b2": 4, "key": 5, "k3": {"k": 6}, "": 7}"#)
                .unwrap();
        let root = doc.root();
        let keys = ["k", "k2", "key", "k3", "", "missing", "v"];
        let found = doc.named_members(root, keys);
        for (want, got) in keys.iter().zip(found) {
            assert_eq!(got.map(|(_, v)| v), doc.get(root, want), "{want}");
            if let Some((k, _)) = got {
                assert_eq!(doc.as_str(k).as_deref(), Some(*want));
            }
        }
        assert_eq!(doc.raw(doc.fields(root, ["k"])[0].unwrap()), "3");
        // Not an object: nothing.
        let v = doc.get(root, "v").unwrap();
        assert_eq!(doc.fields(v, ["k", "0"]), [None, None]);
    }

    #[test]
    fn unescapes_unicode_and_surrogates() {
        let doc = parse(r#"["\u00e9\ud83d\ude00\n", "\ud800x", "a\/b"]"#).unwrap();
        let v: Vec<_> = doc
            .elements(doc.root())
            .map(|e| doc.as_str(e).unwrap().into_owned())
            .collect();
        assert_eq!(v, vec!["é😀\n", "\u{FFFD}x", "a/b"]);
    }

    #[test]
    fn rejects_what_json_rejects_with_positions() {
        let cases: &[(&str, &str, usize)] = &[
            ("", "unexpected end of file", 0),
            ("   ", "unexpected end of file", 3),
            ("{\"a\": 1,}", "trailing comma", 7),
            ("[1, 2", "unexpected end of file", 5),
            ("// c\n{}", "comments are not allowed", 0),
            ("{\"a\" 1}", "`:` after an object key", 5),
            ("{a: 1}", "string key", 1),
            ("[01]", "leading zeros", 1),
            ("[NaN]", "unexpected character `N`", 1),
            ("\"a\tb\"", "control character", 2),
            ("\"ab", "unterminated string", 0),
            ("\"\\x\"", "invalid escape", 1),
            ("\"\\u12\"", "four hex digits", 1),
            ("{} {}", "end of the file", 3),
            ("[1.]", "digits after", 1),
            ("[-]", "invalid number", 1),
            ("[1e]", "exponent", 1),
            ("tru", "unexpected character `t`", 0),
        ];
        for (text, msg, at) in cases {
            let err = parse(text).expect_err(text);
            assert!(err.message.contains(msg), "{text:?}: {err:?}");
            assert_eq!(err.span.start, *at, "{text:?}: {err:?}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("nesting deeper than 512"));
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn agrees_with_serde_json_on_scalars_and_empties() {
        for text in [
            "{}",
            "[]",
            "0",
            "-0.0e+1",
            "\"\"",
            "[[],{}]",
            "{\"\":{\"\":[]}}",
            "1E5",
        ] {
            let doc = parse(text).unwrap();
            let want: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(doc.to_value(doc.root()), want, "{text}");
        }
    }

    #[test]
    fn members_and_elements_skip_subtrees() {
        let doc = parse(r#"{"a": {"x": [1, {"y": 2}]}, "b": 3}"#).unwrap();
        let keys: Vec<_> = doc
            .members(doc.root())
            .map(|(k, _)| doc.as_str(k).unwrap().into_owned())
            .collect();
        assert_eq!(keys, ["a", "b"]);
        assert_eq!(doc.members(doc.get(doc.root(), "b").unwrap()).count(), 0);
        assert_eq!(doc.elements(doc.root()).count(), 0);
    }

    #[test]
    fn subspans_map_unescaped_ranges_to_source() {
        let text = r#"["line one\nsecond \u00e9 line\nthird", "plain text"]"#;
        let doc = parse(text).unwrap();
        let ids: Vec<_> = doc.elements(doc.root()).collect();
        let value = doc.as_str(ids[0]).unwrap().into_owned();
        for line in value.split('\n') {
            let start = value.find(line).unwrap();
            let span = doc.string_subspan(ids[0], start, start + line.len());
            let shown = unescape(&text[span.start..span.end]);
            assert_eq!(shown, line);
        }
        let span = doc.string_subspan(ids[1], 6, 10);
        assert_eq!(&text[span.start..span.end], "text");
    }

    #[test]
    fn pointer_tokens_escape() {
        assert_eq!(pointer_token("a/b~c"), "a~1b~0c");
        assert_eq!(pointer_token("plain"), "plain");
    }
}
