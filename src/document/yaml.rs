//! YAML (Postman's v3 collections, environments and globals) read into a [`Document`], with
//! the byte range of every value and key.
//!
//! The events come from `saphyr-parser` (YAML 1.2, spans on every event; measured against
//! `marked-yaml` in BENCHMARKS.md). Plain scalars take their type from YAML 1.2's core schema
//! (`null`, `~` and nothing are null; `true`/`false` in three spellings; numbers), quoted and
//! block scalars are strings. A string whose text is not its source (a block scalar, a folded
//! line, an escape) keeps its decoded text and, per source line, where the line's text starts,
//! so that a label on one line of a `|-` script points at that line.

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::{Decoded, Document, Ends, Entry, Kind, ParseError, Span, Syntax, MAX_DEPTH, MAX_NODES};
use crate::source::FileId;
use crate::text::Text;

impl Document {
    /// Parses a YAML text (one document) as file `file` of a check.
    pub fn parse_yaml(text: Text, file: FileId) -> Result<Document, ParseError> {
        if text.len() >= u32::MAX as usize {
            return Err(ParseError {
                message: "file is larger than 4 GiB, which scopelint cannot read".into(),
                span: Span::new(0, 0),
            });
        }
        let (entries, decoded, ends) = Builder::new(&text).build()?;
        Ok(Document {
            text,
            entries,
            syntax: Syntax::Yaml,
            file,
            decoded,
            ends,
            parts: Vec::new(),
        })
    }

    /// Parses several YAML files into one document (a v3 collection tree), each file's text
    /// and tape after the previous one's; the files that do not parse are left out, and named
    /// (by their index in `files`) with their errors. Each file is parsed on its own, on every
    /// core. `Err` only when the files are too big together.
    pub fn parse_yaml_files_lenient(
        files: &[(FileId, Text)],
    ) -> Result<(Document, FileErrors), (usize, ParseError)> {
        use rayon::prelude::*;
        let built: Vec<Result<Tape, ParseError>> = files
            .par_iter()
            .map(|(_, text)| Builder::new(text).build())
            .collect();
        let mut errors = Vec::new();
        let mut good = Vec::new();
        for (i, result) in built.into_iter().enumerate() {
            match result {
                Ok(tape) => good.push((i, tape)),
                Err(e) => errors.push((i, e)),
            }
        }
        let doc = Self::join_parsed(files, good)?;
        Ok((doc, errors))
    }

    fn join_parsed(
        files: &[(FileId, Text)],
        parsed: Vec<(usize, Tape)>,
    ) -> Result<Document, (usize, ParseError)> {
        let total: usize = parsed.iter().map(|(i, _)| files[*i].1.len() + 1).sum();
        if total >= u32::MAX as usize {
            let e = ParseError {
                message: "the files are larger than 4 GiB together, which scopelint cannot read"
                    .into(),
                span: Span::new(0, 0),
            };
            return Err((0, e));
        }
        let mut text = String::with_capacity(total);
        let (mut entries, mut decoded, mut parts) = (Vec::new(), Vec::new(), Vec::new());
        let mut ends = Vec::new();
        for (i, (local, local_decoded, local_ends)) in parsed {
            let (file, part) = &files[i];
            let (base, first) = (text.len(), entries.len());
            if first + local.len() >= MAX_NODES {
                let e = ParseError {
                    message: "too many values for one collection".into(),
                    span: Span::new(0, 0),
                };
                return Err((i, e));
            }
            entries.extend(local.into_iter().map(|e| e.shifted(base, first)));
            ends.extend(
                local_ends
                    .into_iter()
                    .map(|(node, end)| (node + first as u32, end + base as u32)),
            );
            decoded.extend(local_decoded.into_iter().map(|mut d: Decoded| {
                d.node += first as u32;
                for a in &mut d.anchors {
                    a.1 += base as u32;
                }
                d
            }));
            parts.push(super::Part {
                file: *file,
                root: super::NodeId::at(first as u32),
                span: Span::new(base, base + part.len()),
            });
            text.push_str(part);
            text.push('\n');
        }
        Ok(Document {
            text: Text::from(text),
            entries,
            syntax: Syntax::Yaml,
            file: files.first().map_or(FileId::LINTED, |(f, _)| *f),
            decoded,
            ends,
            parts,
        })
    }
}

/// The files of a tree that did not parse: their index, and why.
pub type FileErrors = Vec<(usize, ParseError)>;

/// One file's tape and decoded strings, in its own offsets.
type Tape = (Vec<Entry>, Vec<Decoded>, Ends);

/// An open mapping or sequence.
struct Frame {
    entry: usize,
    /// Its place in `Builder::ends`, where its end goes when it closes.
    end_slot: usize,
    mapping: bool,
    /// In a mapping: the next scalar is a key.
    expect_key: bool,
    /// Written with brackets (`{...}`, `[...]`): it ends at its closing bracket, else at
    /// its last value.
    flow: bool,
    end: usize,
}

struct Builder<'t> {
    text: &'t str,
    /// Byte offset of each character, when the text is not ASCII (the parser counts
    /// characters).
    char_bytes: Option<Vec<u32>>,
    entries: Vec<Entry>,
    decoded: Vec<Decoded>,
    /// `Document::ends`: every mapping's and sequence's, and long scalars'.
    ends: Ends,
    stack: Vec<Frame>,
    root_done: bool,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Builder<'t> {
        let char_bytes = (!text.is_ascii()).then(|| {
            let mut v: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
            v.push(text.len() as u32);
            v
        });
        Builder {
            text,
            char_bytes,
            entries: Vec::new(),
            decoded: Vec::new(),
            ends: Vec::new(),
            stack: Vec::new(),
            root_done: false,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.char_bytes {
            Some(v) => v.get(char_index).map_or(self.text.len(), |&b| b as usize),
            None => char_index.min(self.text.len()),
        }
    }

    fn error(&self, message: impl Into<String>, at: usize) -> ParseError {
        let at = at.min(self.text.len());
        let end = self.text[at..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8());
        ParseError {
            message: message.into(),
            span: Span::new(at, end),
        }
    }

    fn build(mut self) -> Result<Tape, ParseError> {
        let mut documents = 0;
        for item in Parser::new_from_str(self.text) {
            let (event, span) = item.map_err(|e| {
                let at = self.byte(e.marker().index());
                self.error(format!("invalid YAML: {}", e.info()), at)
            })?;
            let (start, end) = (self.byte(span.start.index()), self.byte(span.end.index()));
            match event {
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(self.error(
                            "more than one YAML document in the file (`---`); Postman reads one",
                            start,
                        ));
                    }
                }
                Event::Alias(_) => {
                    return Err(self.error(
                        "YAML aliases (`*name`) are not supported; write the value out",
                        start,
                    ))
                }
                Event::Scalar(value, style, _, tag) => {
                    let forced_string = tag.as_ref().is_some_and(|t| t.suffix == "str");
                    self.scalar(&value, style, forced_string, start, end)?;
                }
                Event::MappingStart(..) => self.open(true, start, end)?,
                Event::SequenceStart(..) => self.open(false, start, end)?,
                Event::MappingEnd | Event::SequenceEnd => self.close(end),
                _ => {}
            }
        }
        if self.entries.is_empty() {
            // An empty file is a null document.
            self.entries.push(Entry::scalar(Kind::Null, 0, 0, false));
        }
        Ok((self.entries, self.decoded, self.ends))
    }

    /// Before a value or key: checks where it may go, and whether it is a key.
    fn place(&mut self, start: usize) -> Result<bool, ParseError> {
        if self.entries.len() >= MAX_NODES {
            return Err(self.error("too many values for one file", start));
        }
        match self.stack.last_mut() {
            Some(frame) if frame.mapping => {
                let key = frame.expect_key;
                frame.expect_key = !key;
                Ok(key)
            }
            Some(_) => Ok(false),
            None if self.root_done => Err(self.error("more than one value at the top", start)),
            None => {
                self.root_done = true;
                Ok(false)
            }
        }
    }

    /// After a value: its parent ends no earlier than it does.
    fn ended(&mut self, end: usize) {
        if let Some(frame) = self.stack.last_mut() {
            frame.end = frame.end.max(end);
        }
    }

    fn open(&mut self, mapping: bool, start: usize, end: usize) -> Result<(), ParseError> {
        let key = self.place(start)?;
        if self.text[start..].starts_with("{{") {
            // `url: {{baseUrl}}/x`: YAML reads a mapping inside a mapping, and Postman skips
            // the file.
            return Err(self.error(
                "a value that starts with `{{` must be quoted: YAML reads `{{name}}` as a \
                 mapping, and Postman skips the file",
                start,
            ));
        }
        if key {
            return Err(self.error(
                "a mapping or sequence as a key is not supported (Postman writes none)",
                start,
            ));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(format!("nested deeper than {MAX_DEPTH} levels"), start));
        }
        let kind = if mapping { Kind::Object } else { Kind::Array };
        let index = self.entries.len();
        self.stack.push(Frame {
            entry: index,
            end_slot: self.ends.len(),
            mapping,
            expect_key: true,
            flow: end > start,
            end,
        });
        self.ends.push((index as u32, end as u32));
        self.entries.push(Entry::container(kind, start, 0));
        Ok(())
    }

    fn close(&mut self, bracket_end: usize) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let end = if frame.flow { bracket_end } else { frame.end };
        let next = self.entries.len() as u32;
        self.entries[frame.entry].set_next(next);
        self.ends[frame.end_slot].1 = end as u32;
        self.ended(end);
    }

    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        forced_string: bool,
        start: usize,
        end: usize,
    ) -> Result<(), ParseError> {
        let key = self.place(start)?;
        let (start, end) = match style {
            ScalarStyle::Literal | ScalarStyle::Folded => self.block_span(start, end),
            // The empty value of `key:` is placed on its colon: after it, where a value goes.
            _ if start == end && self.text[start..].starts_with(':') => (start + 1, start + 1),
            _ => (start, end),
        };
        let kind = if key || forced_string || style != ScalarStyle::Plain {
            Kind::String
        } else {
            core_schema_kind(value)
        };
        let index = self.entries.len() as u32;
        let flag = match kind {
            Kind::Bool => matches!(value, "true" | "True" | "TRUE"),
            Kind::String => {
                let source = &self.text[start..end];
                let inner = match style {
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                        source.get(1..source.len().saturating_sub(1)).unwrap_or("")
                    }
                    _ => source,
                };
                let differs = inner != value;
                if differs {
                    let quoted =
                        matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
                    let anchors = quoted
                        .then(|| quoted_anchors(self.text, start, end, value))
                        .flatten()
                        .unwrap_or_else(|| anchors(self.text, start, end, value));
                    self.decoded.push(Decoded {
                        node: index,
                        text: value.to_owned(),
                        anchors,
                    });
                }
                differs
            }
            _ => false,
        };
        if end - start >= super::LONG as usize {
            self.ends.push((index, end as u32));
        }
        self.entries.push(Entry::scalar(kind, start, end, flag));
        self.ended(end);
        Ok(())
    }

    /// A block scalar's bytes: from its `|` or `>` indicator to the end of its last line of
    /// text (the parser's span starts at the text and runs on over the blank lines after it).
    fn block_span(&self, start: usize, end: usize) -> (usize, usize) {
        let bytes = self.text.as_bytes();
        let header = bytes[..start]
            .iter()
            .rposition(|&b| b == b'|' || b == b'>')
            .unwrap_or(start);
        let end = end.max(start);
        let trimmed = self.text[start..end]
            .trim_end_matches([' ', '\t', '\r', '\n'])
            .len();
        (header, start + trimmed)
    }
}

/// A line of YAML read without parsing it (for a file that may not parse): its key and value,
/// or that it is text of a block scalar.
pub struct RawLine {
    /// The key's bytes (quotes included), when the line has one.
    pub key: Option<Span>,
    /// The rest of the line after the key (or the list markers), to its end; for a line of a
    /// block scalar's text, the text.
    pub value: Span,
    /// A line of a block scalar's text (`|`, `>`), or a further line of a quoted or plain
    /// scalar that goes on over several lines: text, not YAML.
    pub block_text: bool,
}

/// The lines of a YAML text, read without parsing it: `key: value` and `- value` lines, a
/// block scalar's header and its text lines (deeper indented, or blank), and the further
/// lines of scalars written over several lines (a quoted one until its closing quote, a
/// plain one while the lines are deeper indented than its key).
pub fn raw_lines(text: &str) -> Vec<RawLine> {
    let mut out = Vec::new();
    // The indentation of the line that opened a block scalar, or a plain scalar that may
    // go on over the next lines.
    let mut block: Option<usize> = None;
    let mut plain: Option<usize> = None;
    // The quote of a quoted scalar not closed on its line.
    let mut quote: Option<u8> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches([' ', '\t']).len();
        let text_line = |out: &mut Vec<RawLine>| {
            out.push(RawLine {
                key: None,
                value: Span::new(start + indent, start + body.len()),
                block_text: true,
            })
        };
        if let Some(q) = quote {
            if closing_quote(body.as_bytes(), 0, q).is_some() {
                quote = None;
            }
            text_line(&mut out);
            continue;
        }
        if let Some(open) = block {
            if body.trim().is_empty() || indent > open {
                text_line(&mut out);
                continue;
            }
            block = None;
        }
        if let Some(open) = plain {
            let comment = body[indent..].starts_with('#');
            if !body.trim().is_empty() && indent > open && !comment {
                text_line(&mut out);
                continue;
            }
            plain = None;
        }
        let mut pos = indent;
        // The column the node on this line starts at: its further lines go deeper.
        let mut column = indent;
        // `- ` list markers, possibly several on one line.
        while body[pos..].starts_with("- ") || body[pos..] == *"-" {
            column = pos;
            pos += 1;
            pos += body[pos..].len() - body[pos..].trim_start_matches(' ').len();
        }
        let mut key = None;
        if let Some((k, after)) = key_at(&body[pos..]) {
            column = pos;
            key = Some(Span::new(start + pos + k.start, start + pos + k.end));
            pos += after;
            pos += body[pos..].len() - body[pos..].trim_start_matches([' ', '\t']).len();
        }
        let value = &body[pos..];
        match value.as_bytes().first() {
            Some(b'|' | b'>') => block = Some(indent),
            Some(&q @ (b'"' | b'\'')) if closing_quote(value.as_bytes(), 1, q).is_none() => {
                quote = Some(q);
            }
            Some(b'#' | b'{' | b'[' | b'&' | b'*' | b'!' | b'"' | b'\'') | None => {}
            Some(_) => plain = Some(column),
        }
        out.push(RawLine {
            key,
            value: Span::new(start + pos, start + body.len()),
            block_text: false,
        });
    }
    out
}

/// Where the quote `q` that closes a quoted scalar is in `s`, from `from` on (a `\\` escape
/// in double quotes, `''` in single quotes, is not one).
fn closing_quote(s: &[u8], from: usize, q: u8) -> Option<usize> {
    let mut i = from;
    while i < s.len() {
        match s[i] {
            b'\\' if q == b'"' => i += 2,
            c if c == q && q == b'\'' && s.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == q => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// A `key:` at the start of `s` (plain, or quoted): the key's bytes in `s` and where its
/// value may start (after the colon).
fn key_at(s: &str) -> Option<(std::ops::Range<usize>, usize)> {
    let (key, rest_at) = match s.as_bytes().first()? {
        q @ (b'"' | b'\'') => {
            let close = s[1..].find(*q as char)? + 1;
            (0..close + 1, close + 1)
        }
        b'{' | b'[' | b'#' => return None,
        _ => {
            let colon = s.find(": ").or_else(|| s.strip_suffix(':').map(str::len))?;
            (0..colon, colon)
        }
    };
    s[rest_at..].starts_with(':').then_some((key, rest_at + 1))
}

/// The kind of a plain scalar under YAML 1.2's core schema.
fn core_schema_kind(value: &str) -> Kind {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => Kind::Bool,
        _ if is_core_number(value) => Kind::Number,
        _ => Kind::String,
    }
}

fn is_core_number(v: &str) -> bool {
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(hex) = v.strip_prefix("0x") {
        return digits(hex, 16);
    }
    if let Some(oct) = v.strip_prefix("0o") {
        return digits(oct, 8);
    }
    let unsigned = v.strip_prefix(['-', '+']).unwrap_or(v);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(v, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    // [0-9]+, or a float: digits with an optional `.fraction` and exponent, at least one digit.
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let mantissa_ok = (whole.is_empty() || digits(whole, 10))
        && fraction.is_none_or(|f| f.is_empty() || digits(f, 10))
        && (!whole.is_empty() || fraction.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    mantissa_ok && exponent_ok
}

/// Where each source line of a string's text starts in its decoded `value`: the line's text,
/// without its indentation, is found in the value at or after the previous line's place (a
/// line whose text was rewritten by escapes is left out, and maps by its predecessor).
fn anchors(text: &str, start: usize, end: usize, value: &str) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut decoded_at = 0;
    let mut line_start = start;
    let source = &text[start..end];
    let mut first = true;
    for line in source.split_inclusive('\n') {
        let this = line_start;
        line_start += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches([' ', '\t']).len();
        let mut content = &body[indent..];
        let mut source_at = this + indent;
        if first {
            first = false;
            // The first line holds the opening quote or the block header.
            match content.as_bytes().first() {
                Some(b'"' | b'\'') => {
                    content = &content[1..];
                    source_at += 1;
                }
                Some(b'|' | b'>') => continue,
                _ => {}
            }
        }
        let probe = content.trim_end_matches(['"', '\'']);
        let probe = floor_char_boundary(probe, probe.len().min(24));
        if probe.is_empty() {
            continue;
        }
        if let Some(found) = value[decoded_at..].find(probe) {
            decoded_at += found;
            // Indentation beyond the block's own is text: anchor at the decoded line's start
            // when what precedes the probe there is that indentation.
            let line_start = value[..decoded_at].rfind('\n').map_or(0, |i| i + 1);
            let lead = decoded_at - line_start;
            if lead > 0
                && lead <= indent
                && value[line_start..decoded_at]
                    .bytes()
                    .all(|b| b == b' ' || b == b'\t')
            {
                out.push((line_start as u32, (source_at - lead) as u32));
            } else {
                out.push((decoded_at as u32, source_at as u32));
            }
            // The next line's text comes after this one's (the whole line, when it reads as
            // written: a probe alone could leave the search inside this line).
            let full = content.trim_end().trim_end_matches(['"', '\'']);
            decoded_at += if value[decoded_at..].starts_with(full) {
                full.len()
            } else {
                probe.len()
            };
        }
    }
    out
}

/// Exact anchors of a quoted scalar (`text[start..end]`, quotes included): decoded again
/// here, escape by escape and fold by fold, with an anchor after each, so that a decoded
/// offset maps to its byte even after `\"` or `\u0001` on the same line. `None` when this
/// decoding does not give the parser's `value` (then the line anchors serve).
fn quoted_anchors(text: &str, start: usize, end: usize, value: &str) -> Option<Vec<(u32, u32)>> {
    let source = text.get(start..end)?;
    let double = source.starts_with('"');
    let inner = source.get(1..source.len().checked_sub(1)?)?;
    let base = start + 1;
    let bytes = inner.as_bytes();
    let mut out = String::with_capacity(value.len());
    let mut anchors = vec![(0u32, base as u32)];
    let mut i = 0;
    let anchor = |out: &String, i: usize, anchors: &mut Vec<(u32, u32)>| {
        anchors.push((out.len() as u32, (base + i) as u32));
    };
    while i < bytes.len() {
        let c = bytes[i];
        if double && c == b'\\' {
            let next = *bytes.get(i + 1)?;
            let simple = match next {
                b'0' => Some('\0'),
                b'a' => Some('\x07'),
                b'b' => Some('\x08'),
                b't' | b'\t' => Some('\t'),
                b'n' => Some('\n'),
                b'v' => Some('\x0b'),
                b'f' => Some('\x0c'),
                b'r' => Some('\r'),
                b'e' => Some('\x1b'),
                b' ' => Some(' '),
                b'"' => Some('"'),
                b'/' => Some('/'),
                b'\\' => Some('\\'),
                b'N' => Some('\u{85}'),
                b'_' => Some('\u{a0}'),
                b'L' => Some('\u{2028}'),
                b'P' => Some('\u{2029}'),
                _ => None,
            };
            if let Some(ch) = simple {
                out.push(ch);
                i += 2;
            } else if let Some(digits) = match next {
                b'x' => Some(2),
                b'u' => Some(4),
                b'U' => Some(8),
                _ => None,
            } {
                let hex = inner.get(i + 2..i + 2 + digits)?;
                out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                i += 2 + digits;
            } else if next == b'\n' || next == b'\r' {
                // An escaped line break: nothing, and the next line's indentation neither.
                i += 1;
                if bytes.get(i) == Some(&b'\r') {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
                while matches!(bytes.get(i), Some(b' ' | b'\t')) {
                    i += 1;
                }
            } else {
                return None;
            }
            anchor(&out, i, &mut anchors);
        } else if !double && c == b'\'' {
            // `''` is one quote.
            out.push('\'');
            i += 2;
            anchor(&out, i, &mut anchors);
        } else if c == b'\n' || c == b'\r' {
            // A line break folds: trailing blanks go, each empty line is a newline, and with
            // none the break is a space; the next line's indentation goes.
            let trimmed = out.trim_end_matches([' ', '\t']).len();
            out.truncate(trimmed);
            let mut breaks = 0;
            loop {
                if bytes.get(i) == Some(&b'\r') {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                    breaks += 1;
                } else {
                    break;
                }
                while matches!(bytes.get(i), Some(b' ' | b'\t')) {
                    i += 1;
                }
                if !matches!(bytes.get(i), Some(b'\n' | b'\r')) {
                    break;
                }
            }
            if breaks > 1 {
                out.extend(std::iter::repeat_n('\n', breaks - 1));
            } else {
                out.push(' ');
            }
            anchor(&out, i, &mut anchors);
        } else {
            let ch = inner[i..].chars().next()?;
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    (out == value).then_some(anchors)
}

fn floor_char_boundary(s: &str, mut at: usize) -> &str {
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    &s[..at]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::NodeId;

    fn parse(text: &str) -> Document {
        Document::parse_yaml(Text::from(text), FileId::LINTED).unwrap()
    }

    /// `fields` reads plain, quoted and escaped keys as `get` does.
    #[test]
    fn fields_find_what_get_finds() {
        let doc = parse("key: 1\n'value': two\n\"dis\\x61bled\": true\nother: {key: 3}\n");
        let root = doc.root();
        let keys = ["key", "value", "disabled", "other", "missing"];
        let found = doc.fields(root, keys);
        for (want, got) in keys.iter().zip(found) {
            assert_eq!(got, doc.get(root, want), "{want}");
        }
        assert_eq!(doc.raw(found[1].unwrap()), "two");
        assert!(found[2].is_some() && found[4].is_none());
    }

    /// Decoded offsets inside quoted scalars map to their bytes after escapes, doubled
    /// quotes and folded lines alike: what a masked secret's span needs.
    #[test]
    fn quoted_scalars_map_decoded_offsets_past_escapes() {
        let cases = [
            (
                "code: \"pm.environment.set(\\\"password\\\", \\\"caf\u{e9}vzLhdQ4a9wY4\\u0001\\\");\"\n",
                "caf\u{e9}vzLhdQ4a9wY4\u{1}",
                "caf\u{e9}vzLhdQ4a9wY4\\u0001",
            ),
            ("code: 'it''s ''s3cr3t-value'' now'\n", "s3cr3t-value", "s3cr3t-value"),
            (
                "code: \"first line\n  \\t second \\\"SECRET-1\\\"\n\n  third SECRET-2\"\n",
                "SECRET-2",
                "SECRET-2",
            ),
            ("code: \"a\\\n  b SECRET-3\"\n", "SECRET-3", "SECRET-3"),
        ];
        for (yaml, secret, written) in cases {
            let doc = parse(yaml);
            let node = value(&doc, &["code"]);
            let decoded = doc.as_str(node).unwrap();
            let at = decoded
                .find(secret)
                .unwrap_or_else(|| panic!("{decoded:?}"));
            let span = doc.string_subspan(node, at, at + secret.len());
            assert_eq!(&yaml[span.start..span.end], written, "{yaml:?}");
        }
    }

    fn value(doc: &Document, path: &[&str]) -> NodeId {
        path.iter()
            .fold(doc.root(), |node, key| match key.parse::<usize>() {
                Ok(i) => doc.elements(node).nth(i).unwrap(),
                Err(_) => doc.get(node, key).unwrap(),
            })
    }

    #[test]
    fn reads_kinds_and_spans_of_every_style() {
        let text = "$kind: http-request\nurl: \"{{baseUrl}}/x\"\nname: 'it''s'\nplain: hello\nmulti: first\n  second\nnum: 12\nflag: True\nnul: ~\nempty:\nlist:\n  - a\n  - key: v\nflow: {a: 1, b: [x, \"y\"]}\nuni: é😀x\n";
        let doc = parse(text);
        let span_text = |path: &[&str]| {
            let s = doc.span(value(&doc, path));
            &text[s.start..s.end]
        };
        assert_eq!(doc.kind(doc.root()), Kind::Object);
        assert_eq!(doc.as_str(value(&doc, &["url"])).unwrap(), "{{baseUrl}}/x");
        assert_eq!(span_text(&["url"]), "\"{{baseUrl}}/x\"");
        assert_eq!(doc.as_str(value(&doc, &["name"])).unwrap(), "it's");
        assert_eq!(span_text(&["name"]), "'it''s'");
        assert_eq!(doc.as_str(value(&doc, &["multi"])).unwrap(), "first second");
        assert_eq!(span_text(&["multi"]), "first\n  second");
        assert_eq!(doc.kind(value(&doc, &["num"])), Kind::Number);
        assert_eq!(doc.as_bool(value(&doc, &["flag"])), Some(true));
        assert_eq!(doc.kind(value(&doc, &["nul"])), Kind::Null);
        assert_eq!(doc.kind(value(&doc, &["empty"])), Kind::Null);
        assert_eq!(doc.as_str(value(&doc, &["list", "1", "key"])).unwrap(), "v");
        assert_eq!(span_text(&["list"]), "- a\n  - key: v");
        assert_eq!(span_text(&["flow"]), "{a: 1, b: [x, \"y\"]}");
        assert_eq!(span_text(&["flow", "b"]), "[x, \"y\"]");
        assert_eq!(doc.as_str(value(&doc, &["flow", "b", "1"])).unwrap(), "y");
        assert_eq!(span_text(&["uni"]), "é😀x");
        assert_eq!(
            doc.to_value(doc.root())["flow"],
            serde_json::json!({"a": 1, "b": ["x", "y"]})
        );
        // Keys are strings and point at their text.
        let (k, _) = doc.members(doc.root()).next().unwrap();
        assert_eq!(doc.as_str(k).unwrap(), "$kind");
    }

    #[test]
    fn a_line_of_a_block_scalar_maps_back_to_its_source_line() {
        let text = "scripts:\n  - type: afterResponse\n    code: |-\n      const a = 1;\n        pm.environment.set(\"t\", pm.response.json());\n      done();\n    language: text/javascript\n";
        let doc = parse(text);
        let code = value(&doc, &["scripts", "0", "code"]);
        let decoded = doc.as_str(code).unwrap().into_owned();
        assert_eq!(
            decoded,
            "const a = 1;\n  pm.environment.set(\"t\", pm.response.json());\ndone();"
        );
        let s = doc.span(code);
        assert!(text[s.start..s.end].starts_with("|-\n"));
        assert!(text[s.start..s.end].ends_with("done();"));
        for line in decoded.lines() {
            let at = decoded.find(line).unwrap();
            let sub = doc.string_subspan(code, at, at + line.len());
            assert_eq!(&text[sub.start..sub.end], line, "{line}");
        }
    }

    #[test]
    fn a_long_line_of_wide_characters_maps_back() {
        // The canaries' emoji secret: the first 24 bytes of the line end inside a character.
        let text = "code: |-\n  const s = \"🔒🔐🛡🔒🔑🔑🧩👾\";\n  next();\n";
        let doc = parse(text);
        let code = value(&doc, &["code"]);
        let decoded = doc.as_str(code).unwrap().into_owned();
        for line in decoded.lines() {
            let at = decoded.find(line).unwrap();
            let sub = doc.string_subspan(code, at, at + line.len());
            assert_eq!(&text[sub.start..sub.end], line);
        }
    }

    #[test]
    fn folded_and_quoted_lines_map_back_too() {
        let text = "a: >-\n  one two\n  three\nb: \"x\n  y\"\n";
        let doc = parse(text);
        let a = value(&doc, &["a"]);
        assert_eq!(doc.as_str(a).unwrap(), "one two three");
        let at = "one two ".len();
        let sub = doc.string_subspan(a, at, at + 5);
        assert_eq!(&text[sub.start..sub.end], "three");
        let b = value(&doc, &["b"]);
        assert_eq!(doc.as_str(b).unwrap(), "x y");
        let sub = doc.string_subspan(b, 2, 3);
        assert_eq!(&text[sub.start..sub.end], "y");
    }

    #[test]
    fn errors_point_at_the_place_and_never_panic() {
        for (bad, why) in [
            ("a: [1, 2\n", "invalid YAML"),
            ("url: {{baseUrl}}/x\n", "must be quoted"),
            ("- {{a}}\n", "must be quoted"),
            ("a: &x 1\nb: *x\n", "aliases"),
            ("a: 1\n---\nb: 2\n", "more than one YAML document"),
            ("? [a]\n: 1\n", "as a key"),
            ("a:\tb: c\n", ""),
        ] {
            match Document::parse_yaml(Text::from(bad), FileId::LINTED) {
                Err(e) => {
                    assert!(e.message.contains(why), "{bad:?}: {}", e.message);
                    assert!(e.span.end <= bad.len());
                }
                Ok(_) => assert!(why.is_empty(), "{bad:?} parsed"),
            }
        }
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert!(Document::parse_yaml(Text::from(deep.as_str()), FileId::LINTED).is_err());
        assert_eq!(parse("").kind(parse("").root()), Kind::Null);
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        for (v, kind) in [
            ("12", Kind::Number),
            ("-1.5e3", Kind::Number),
            ("0x1F", Kind::Number),
            (".inf", Kind::Number),
            ("1.2.3", Kind::String),
            ("yes", Kind::String),
            ("FALSE", Kind::Bool),
            ("Null", Kind::Null),
            ("e5", Kind::String),
            (".", Kind::String),
        ] {
            assert_eq!(core_schema_kind(v), kind, "{v}");
        }
    }

    /// Every YAML file of the real v3 trees in `../shared/corpus/postman-v3` (written by the
    /// Postman app): it parses, every span lies on character boundaries inside the text, a
    /// key's source is its text, and every line of a literal block (scripts, bodies) maps back
    /// to exactly that line.
    #[test]
    #[allow(clippy::print_stderr)] // says that it skipped
    fn real_v3_files_parse_with_exact_spans() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/postman-v3");
        if !root.is_dir() {
            assert!(
                std::env::var_os("CI").is_none(),
                "../shared/corpus is missing under CI"
            );
            eprintln!("skipped: no {}", root.display());
            return;
        }
        let mut files = Vec::new();
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() >= 15, "{} files", files.len());
        let (mut blocks, mut lines) = (0, 0);
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = Document::parse_yaml(Text::from(text.as_str()), FileId::LINTED)
                .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
            let _ = doc.to_value(doc.root());
            for i in 0..doc.node_count() {
                let id = NodeId::at(i as u32);
                let s = doc.span(id);
                assert!(
                    s.start <= s.end && s.end <= text.len(),
                    "{}",
                    path.display()
                );
                assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                if doc.kind(id) == Kind::Object {
                    for (k, _) in doc.members(id) {
                        let key = doc.as_str(k).unwrap();
                        let ks = doc.span(k);
                        assert!(text[ks.start..ks.end].contains(key.as_ref()), "{key}");
                    }
                }
                if doc.kind(id) == Kind::String && text[s.start..].starts_with('|') {
                    blocks += 1;
                    let value = doc.as_str(id).unwrap().into_owned();
                    let mut at = 0;
                    for line in value.split('\n') {
                        if !line.trim().is_empty() {
                            let sub = doc.string_subspan(id, at, at + line.len());
                            assert_eq!(&text[sub.start..sub.end], line, "{}", path.display());
                            lines += 1;
                        }
                        at += line.len() + 1;
                    }
                }
            }
        }
        assert!(blocks > 5 && lines > 50, "{blocks} blocks, {lines} lines");
    }
}
