//! A linted file's text, shared by every diagnostic about it, with a line index so that
//! locating a label costs a binary search instead of a scan from byte 0 (miette's own
//! `SourceCode` for strings scans from the start on every lookup: 10,000 labels on a 60 MB
//! file would take about half an hour).

use crate::text::Text;
use std::sync::OnceLock;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Replaces the bytes of `spans` with `*`; whole UTF-8 sequences inside a span become runs of
/// `*`, so the result stays valid text of the same length.
pub fn mask_spans(text: &str, spans: &[Span]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for s in spans {
        let end = s.end.min(bytes.len());
        bytes[s.start.min(end)..end].fill(b'*');
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A byte range `[start, end)` in a file's text (without its byte-order mark).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// Which of the files a check reads a span, finding or edit belongs to. A Postman v2 export
/// is one file; the `--environment` file is read beside it, and a fix may correct a value
/// there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(u16);

impl FileId {
    /// The file being checked.
    pub const LINTED: FileId = FileId(0);
    /// The `--environment` file (the last id: a check's own files count up from 0).
    pub const ENVIRONMENT: FileId = FileId(u16::MAX);

    /// Which file of a check this is (see [`FileId::nth`]).
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The `index`th file a check reads (a file of a collection tree); `None` past the ids
    /// there are.
    pub fn nth(index: usize) -> Option<FileId> {
        u16::try_from(index)
            .ok()
            .filter(|&i| i < u16::MAX)
            .map(FileId)
    }
}

pub struct SourceFile {
    /// The name shown in diagnostics (the path as given, or `--stdin-filename`).
    name: String,
    /// The text without a UTF-8 byte-order mark; all spans are relative to it.
    text: Text,
    /// Bytes removed from the front of the file (3 for a BOM), added back to reported offsets.
    bom_len: usize,
    /// `u32`: texts are under 4 GiB (the parser's limit), and this index has an entry per
    /// line of a file that may have millions.
    line_starts: OnceLock<Vec<u32>>,
    /// The last `line_col` answered without the index: reports ask in file order, so the
    /// next answer is counted on from this one.
    cursor: std::sync::Mutex<Cursor>,
    /// Characters before each [`CHAR_BLOCK`]-byte block, built the first time a column is
    /// counted across a long stretch of one line (minified files): a column then costs at
    /// most two blocks' count instead of a scan from the start of a 100 MB line.
    char_blocks: OnceLock<Vec<u32>>,
    /// The text shown in snippets: `text` with secret values masked, when there are any.
    display: OnceLock<Text>,
}

/// The bytes per entry of the character-count index.
const CHAR_BLOCK: usize = 4096;

#[derive(Clone, Copy, Default)]
struct Cursor {
    /// The offset last answered, its 0-based line and its 0-based column.
    at: usize,
    line: usize,
    column: usize,
}

fn is_char_start(b: u8) -> bool {
    // Not a UTF-8 continuation byte (0b10xx_xxxx).
    (b as i8) >= -0x40
}

/// Characters in UTF-8 bytes (a plain loop the compiler vectorises; the bytes need not start
/// or end on a character boundary).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| is_char_start(b)).count()
}

/// A 1-based line and column; the column counts Unicode characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("name", &self.name)
            .finish()
    }
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: Text, bom_len: usize) -> Self {
        SourceFile {
            name: name.into(),
            text,
            bom_len,
            line_starts: OnceLock::new(),
            cursor: std::sync::Mutex::new(Cursor::default()),
            char_blocks: OnceLock::new(),
            display: OnceLock::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &Text {
        &self.text
    }

    pub fn bom_len(&self) -> usize {
        self.bom_len
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let bytes = self.text.as_bytes();
            // Counting first sizes the index exactly: no copy to grow, no slack.
            let mut starts = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
            starts.push(0);
            starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i as u32 + 1));
            starts
        })
    }

    fn line_start(&self, line: usize) -> usize {
        self.line_starts()[line] as usize
    }

    /// The line and column of `offset`, counted on from the last answer: reports ask in
    /// file order, and for them this one pass replaces building the whole line index (20 MB
    /// and two passes on the largest benchmark file). `None` once the index exists or when
    /// asked for an earlier place.
    fn line_col_by_cursor(&self, offset: usize) -> Option<LineCol> {
        if self.line_starts.get().is_some() {
            return None;
        }
        let mut cursor = self.cursor.lock().ok()?;
        let Cursor { at, line, column } = *cursor;
        if offset < at {
            return None;
        }
        let bytes = &self.text.as_bytes()[at..offset];
        let (line, column) = match memchr::memrchr(b'\n', bytes) {
            Some(i) => (
                line + memchr::memchr_iter(b'\n', bytes).count(),
                self.chars_between(at + i + 1, offset),
            ),
            None => (line, column + self.chars_between(at, offset)),
        };
        *cursor = Cursor {
            at: offset,
            line,
            column,
        };
        Some(LineCol {
            line: line + 1,
            column: column + 1,
        })
    }

    /// 0-based index of the line holding byte `offset`.
    fn line_index(&self, offset: usize) -> usize {
        let starts = self.line_starts();
        match starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        self.line_col_by_cursor(offset).unwrap_or_else(|| {
            let line = self.line_index(offset);
            LineCol {
                line: line + 1,
                column: self.chars_between(self.line_start(line), offset) + 1,
            }
        })
    }

    /// The number of characters in bytes `start..end`. Short stretches are counted; long
    /// ones (a finding far along a minified line) are looked up in the block index.
    fn chars_between(&self, start: usize, end: usize) -> usize {
        if end - start <= 2 * CHAR_BLOCK {
            return count_chars(&self.text.as_bytes()[start..end]);
        }
        self.chars_before(end) - self.chars_before(start)
    }

    /// Characters before byte `offset`, from the block index.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / CHAR_BLOCK;
        let bytes = &self.text.as_bytes()[block * CHAR_BLOCK..offset];
        self.char_blocks()[block] as usize + count_chars(bytes)
    }

    /// The byte offset of the character `column` characters after `from` (or the end of
    /// the text), found through the block index.
    fn offset_after_chars(&self, from: usize, column: usize) -> usize {
        let bytes = self.text.as_bytes();
        let target = self.chars_before(from) + column;
        let blocks = self.char_blocks();
        // The last block that starts at or before the target character.
        let block = blocks
            .partition_point(|&c| c as usize <= target)
            .saturating_sub(1)
            .max(from / CHAR_BLOCK);
        let (mut at, mut count) = if block == from / CHAR_BLOCK {
            (from, target - column)
        } else {
            (block * CHAR_BLOCK, blocks[block] as usize)
        };
        while at < bytes.len() {
            if is_char_start(bytes[at]) {
                if count == target {
                    return at;
                }
                count += 1;
            }
            at += 1;
        }
        bytes.len()
    }

    fn char_blocks(&self) -> &[u32] {
        self.char_blocks.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let mut blocks = Vec::with_capacity(bytes.len() / CHAR_BLOCK + 1);
            let mut total = 0u32;
            blocks.push(0);
            for chunk in bytes.chunks(CHAR_BLOCK) {
                total += count_chars(chunk) as u32;
                blocks.push(total);
            }
            blocks
        })
    }

    /// `span` widened to whole lines, plus `lines` lines before and after.
    pub fn surrounding_lines(&self, span: Span, lines: usize) -> Span {
        let starts = self.line_starts();
        let first = self.line_index(span.start).saturating_sub(lines);
        let last = self.line_index(span.end) + lines + 1;
        Span::new(
            starts[first] as usize,
            starts.get(last).map_or(self.text.len(), |&s| s as usize),
        )
    }

    /// Masks the given spans (secret values) in every snippet shown from this file. Byte
    /// lengths are kept, so spans stay valid.
    pub fn mask(&self, spans: &[Span]) {
        if spans.is_empty() {
            return;
        }
        let masked = Text::from(mask_spans(&self.text, spans));
        let _ = self.display.set(masked);
    }

    fn display_text(&self) -> &str {
        self.display.get().unwrap_or(&self.text)
    }
}

/// The widest line a snippet shows, in characters (the `…` marks included).
pub const SNIPPET_WIDTH: usize = 160;

/// The lines of a snippet cut to [`SNIPPET_WIDTH`] around its label, for lines too long to
/// show whole (minified files put everything on one): miette then draws a short line, and
/// its column arithmetic (which overflows past column 65,535) never sees a long one. Line
/// numbers and the label's column stay the file's own.
pub struct Excerpt {
    name: String,
    text: String,
    /// Where each shown piece of a line sits in `text`, and its line and first column in the
    /// file (0-based).
    pieces: Vec<Piece>,
    /// The label, in `text`.
    pub span: Span,
    /// The file's line and column (0-based) of the label's start, which may lie past the
    /// shown text (in a line break).
    label_at: (usize, usize),
}

#[derive(Clone, Copy)]
struct Piece {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
}

impl Excerpt {
    /// The file's line and column (0-based) of byte `at` of the excerpt.
    fn position(&self, at: usize) -> (usize, usize) {
        if at == self.span.start {
            return self.label_at;
        }
        let i = self.pieces.partition_point(|p| p.end < at);
        match self.pieces.get(i).or(self.pieces.last()) {
            Some(p) if at >= p.start => (
                p.line,
                p.column + count_chars(&self.text.as_bytes()[p.start..at.min(p.end)]),
            ),
            Some(p) => (p.line, p.column),
            None => (0, 0),
        }
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_bytes()
                .read_span(span, context_lines_before, context_lines_after)?;
        let data: &'a [u8] = inner.data();
        let (line, column) = self.position(inner.span().offset());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            *inner.span(),
            line,
            column,
            inner.line_count(),
        )))
    }
}

impl SourceFile {
    /// The snippet of `span` with `context` lines around it, cut to [`SNIPPET_WIDTH`]
    /// characters a line; `None` when every line fits and the file can be shown as it is.
    pub fn excerpt(&self, span: Span, context: usize) -> Option<Excerpt> {
        let text = self.display_text();
        let starts = self.line_starts();
        let bounds = |line: usize| {
            let start = starts[line] as usize;
            let end = starts.get(line + 1).map_or(text.len(), |&s| s as usize - 1);
            let end = if end > start && text.as_bytes()[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            (start, end)
        };
        let span = Span::new(
            span.start.min(text.len()),
            span.end.min(text.len()).max(span.start.min(text.len())),
        );
        let first = self.line_index(span.start);
        let last = self.line_index(span.end);
        let lo = first.saturating_sub(context);
        let hi = (last + context).min(starts.len() - 1);
        let fits = |line: usize| {
            let (a, b) = bounds(line);
            b - a <= SNIPPET_WIDTH || self.chars_between(a, b) <= SNIPPET_WIDTH
        };
        if (lo..=hi).all(fits) {
            return None;
        }
        // Room for the text between a leading and a trailing `…`.
        let inner = SNIPPET_WIDTH - 2;
        let true_start = self.line_col(span.start);
        let (label_start, label_line_end) = bounds(first);
        // A label may start or end in the line break (`\r` of `\r\n`, or at the end of the
        // file after it): it is drawn where the line's text ends.
        let span = Span::new(
            span.start.min(label_line_end),
            span.end.min(bounds(last).1).max(if last == first {
                span.start.min(label_line_end)
            } else {
                0
            }),
        );
        let line_chars = self.chars_between(label_start, label_line_end);
        let col_s = self.chars_between(label_start, span.start);
        let col_e = if last == first {
            self.chars_between(label_start, span.end)
        } else {
            line_chars
        };
        // Column windows (start, end) of the label's line: one around a short label, or
        // its start and its end around a long one.
        let windows: Vec<(usize, usize)> = if col_e - col_s <= inner {
            let ws = col_s
                .saturating_sub((inner - (col_e - col_s)) / 2)
                .min(line_chars.saturating_sub(inner));
            vec![(ws, (ws + inner).min(line_chars))]
        } else {
            const AROUND: usize = 8;
            const PART: usize = (SNIPPET_WIDTH - 2 - 1) / 2 - AROUND;
            vec![
                (col_s.saturating_sub(AROUND), col_s + PART),
                (col_e - PART, (col_e + AROUND).min(line_chars)),
            ]
        };
        let mut out = String::new();
        let mut pieces = Vec::new();
        let mut label = (0, 0);
        for line in lo..=hi {
            if line > lo {
                out.push('\n');
            }
            let (ls, le) = bounds(line);
            let chars = self.chars_between(ls, le);
            let line_windows = if line == first {
                windows.clone()
            } else if line == last {
                let ws = self
                    .chars_between(ls, span.end)
                    .saturating_sub(inner / 2)
                    .min(chars.saturating_sub(inner));
                vec![(ws, (ws + inner).min(chars))]
            } else {
                let ws = windows[0].0.min(chars);
                vec![(ws, (ws + inner).min(chars))]
            };
            if line_windows[0].0 > 0 {
                out.push('…');
            }
            for (k, &(ws, we)) in line_windows.iter().enumerate() {
                if k > 0 {
                    out.push('…');
                }
                let a = self.offset_after_chars(ls, ws);
                let b = self.offset_after_chars(ls, we).min(le);
                let start = out.len();
                if (a..=b).contains(&span.start) && line == first && k == 0 {
                    label.0 = start + (span.start - a);
                }
                if (a..=b).contains(&span.end) && line == last && k + 1 == line_windows.len() {
                    label.1 = start + (span.end - a);
                }
                out.push_str(&text[a..b]);
                pieces.push(Piece {
                    start,
                    end: out.len(),
                    line,
                    column: ws,
                });
            }
            if line_windows.last().is_some_and(|&(_, we)| we < chars) {
                out.push('…');
            }
        }
        Some(Excerpt {
            name: self.name.clone(),
            text: out,
            pieces,
            span: Span::new(label.0, label.1.max(label.0)),
            label_at: (true_start.line - 1, true_start.column - 1),
        })
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = self.display_text();
        let starts = self.line_starts();
        let first_line = self.line_index(span.offset());
        let window_first = first_line.saturating_sub(context_lines_before);
        let last_line = self.line_index(span.offset() + span.len());
        let window_start = starts[window_first] as usize;
        let window_end = starts
            .get(last_line + context_lines_after + 2)
            .map_or(text.len(), |&s| s as usize);
        // Let miette's own slicing work on the small window, then shift it back into place,
        // so the output is exactly what miette would print for the whole file.
        let window = &text.as_bytes()[window_start..window_end];
        let local = SourceSpan::new((span.offset() - window_start).into(), span.len());
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        let data: &'a [u8] = inner.data();
        let data_start = inner.span().offset() + window_start;
        // miette counts the column in bytes; count characters, as the JSON output does.
        let column = self.line_col(data_start).column - 1;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(data_start.into(), inner.span().len()),
            inner.line() + window_first,
            column,
            inner.line_count() + window_first,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let src = SourceFile::new("f", Text::from("ab\n\u{e9}x\n\nz"), 0);
        assert_eq!(src.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(src.line_col(3), LineCol { line: 2, column: 1 });
        assert_eq!(src.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(src.line_col(8), LineCol { line: 4, column: 1 });
        assert_eq!(src.line_col(99), LineCol { line: 4, column: 2 });
    }

    #[test]
    fn line_col_in_file_order_matches_the_line_index() {
        let text = "{\n\t\"a\u{e9}\": 1,\r\n\n\t\"b\": [\n\t\t\"x\"\n\t]\n}\n";
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let indexed = SourceFile::new("f", Text::from(text), 0);
        indexed.surrounding_lines(Span::new(0, 0), 0); // builds the index
        let expected: Vec<LineCol> = offsets.iter().map(|&o| indexed.line_col(o)).collect();
        // In order (each offset asked twice): counted on from the last answer.
        let counted = SourceFile::new("f", Text::from(text), 0);
        for (&o, want) in offsets.iter().zip(&expected) {
            assert_eq!(counted.line_col(o), *want, "offset {o}");
            assert_eq!(counted.line_col(o), *want, "offset {o} again");
        }
        // Out of order: falls back to the index.
        for (&o, want) in offsets.iter().zip(&expected).rev() {
            assert_eq!(counted.line_col(o), *want, "offset {o} backwards");
        }
    }

    #[test]
    fn windowed_read_span_matches_miette_on_whole_text() {
        let text: String = (0..40)
            .map(|i| format!("line {i} {{\"k\": \"v{i}\"}}\n"))
            .collect();
        let src = SourceFile::new("f.json", Text::from(text.as_str()), 0);
        for (offset, len) in [(0, 4), (200, 5), (text.len() - 8, 3), (150, 60)] {
            let span = SourceSpan::new(offset.into(), len);
            for ctx in [0, 1, 2] {
                let ours = src.read_span(&span, ctx, ctx).unwrap();
                let theirs = text.as_bytes().read_span(&span, ctx, ctx).unwrap();
                assert_eq!(ours.data(), theirs.data());
                assert_eq!(ours.span(), theirs.span());
                assert_eq!(ours.line(), theirs.line());
                assert_eq!(ours.column(), theirs.column());
                assert_eq!(ours.line_count(), theirs.line_count());
            }
        }
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let src = SourceFile::new("f", Text::from("{\"n\u{e9}\u{e9}\": \"x\"}"), 0);
        let at = src.text().find("\"x\"").unwrap();
        let shown = src.read_span(&SourceSpan::new(at.into(), 3), 0, 0).unwrap();
        assert_eq!(shown.column() + 1, src.line_col(at).column);
        assert_eq!(src.line_col(at).column, 9);
    }

    #[test]
    fn masked_spans_never_show() {
        let src = SourceFile::new("f", Text::from("{\"password\": \"hunter2\"}"), 0);
        src.mask(&[Span::new(14, 21)]);
        let shown = src.read_span(&SourceSpan::new(2.into(), 8), 1, 1).unwrap();
        let shown = std::str::from_utf8(shown.data()).unwrap();
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("*******"));
    }

    /// A long line with multi-byte characters straddling the index's block boundaries.
    fn long_line() -> String {
        let mut text = String::from("{\"a\": [\n");
        for i in 0..30_000 {
            text.push_str(if i % 7 == 0 {
                "\"\u{e9}\u{1f600}x\", "
            } else {
                "\"abc\", "
            });
        }
        text.push_str("1]\n}\n");
        text
    }

    #[test]
    fn columns_on_long_lines_match_a_plain_count() {
        let text = long_line();
        let naive = |offset: usize| {
            let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            text[start..offset].chars().count() + 1
        };
        let offsets: Vec<usize> = (0..=text.len())
            .step_by(997)
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let src = SourceFile::new("f", Text::from(text.as_str()), 0);
        for &o in &offsets {
            assert_eq!(src.line_col(o).column, naive(o), "in order, offset {o}");
        }
        for &o in offsets.iter().rev() {
            assert_eq!(src.line_col(o).column, naive(o), "backwards, offset {o}");
        }
        for &o in &offsets {
            let line_start = text[..o].rfind('\n').map_or(0, |i| i + 1);
            let column = naive(o) - 1;
            assert_eq!(src.offset_after_chars(line_start, column), o, "offset {o}");
        }
    }

    fn shown_lines(excerpt: &Excerpt) -> Vec<&str> {
        excerpt.text.split('\n').collect()
    }

    #[test]
    fn excerpts_cut_long_lines_around_the_label() {
        let text = long_line();
        let src = SourceFile::new("f", Text::from(text.as_str()), 0);
        // Short lines are shown as they are.
        assert!(src.excerpt(Span::new(0, 1), 0).is_none());
        let at = text.len() / 2;
        let at = (at..)
            .find(|&i| text.as_bytes()[i..].starts_with(b"\"abc\""))
            .unwrap();
        let e = src.excerpt(Span::new(at, at + 5), 1).unwrap();
        let lines = shown_lines(&e);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines.iter().all(|l| l.chars().count() <= SNIPPET_WIDTH));
        assert!(lines[1].starts_with('…') && lines[1].ends_with('…'));
        assert_eq!(&e.text[e.span.start..e.span.end], "\"abc\"");
        // The label's line and column are the file's.
        let (line, column) = e.position(e.span.start);
        assert_eq!((line + 1, column + 1), (2, src.line_col(at).column));
        // At the very start and end of the line: one `…` only.
        let e = src.excerpt(Span::new(9, 14), 0).unwrap();
        assert!(
            !e.text.starts_with('…') && e.text.ends_with('…'),
            "{}",
            e.text
        );
        let end = text.find("1]").unwrap();
        let e = src.excerpt(Span::new(end, end + 1), 0).unwrap();
        assert!(
            e.text.starts_with('…') && !e.text.ends_with('…'),
            "{}",
            e.text
        );
        assert_eq!(&e.text[e.span.start..e.span.end], "1");
    }

    #[test]
    fn a_label_longer_than_the_window_shows_its_start_and_end() {
        let text = long_line();
        let src = SourceFile::new("f", Text::from(text.as_str()), 0);
        let start = text.find("\"abc\"").unwrap() + 10_000;
        let start = (start..)
            .find(|&i| text.as_bytes()[i..].starts_with(b"\"abc\""))
            .unwrap();
        let end = start + 20_000;
        let end = (end..)
            .find(|&i| text.as_bytes()[i..].starts_with(b", "))
            .unwrap();
        let e = src.excerpt(Span::new(start, end), 0).unwrap();
        assert!(e.text.chars().count() <= SNIPPET_WIDTH, "{}", e.text);
        let label = &e.text[e.span.start..e.span.end];
        assert!(
            label.starts_with("\"abc\"") && label.contains('…'),
            "{label}"
        );
        assert!(text[..end].ends_with(label.rsplit('…').next().unwrap()));
    }

    #[test]
    fn excerpts_show_masked_text() {
        let mut text = String::from("{\"password\": \"hunter2-secret\", \"pad\": \"");
        text.push_str(&"x".repeat(70_000));
        text.push_str("\"}");
        let src = SourceFile::new("f", Text::from(text.as_str()), 0);
        let at = text.find("hunter2").unwrap();
        src.mask(&[Span::new(at, at + 14)]);
        let e = src.excerpt(Span::new(2, 10), 0).unwrap();
        assert!(!e.text.contains("hunter2"), "{}", e.text);
    }

    #[test]
    fn a_label_in_the_line_break_of_a_long_line_keeps_its_column() {
        let text = format!("[{}1,\r", "1,".repeat(300));
        let src = SourceFile::new("f", Text::from(text.as_str()), 0);
        let end = text.len();
        let e = src.excerpt(Span::new(end, end), 0).unwrap();
        assert!(e.span.start > 0, "{}", e.text);
        assert_eq!(e.position(e.span.start).1 + 1, src.line_col(end).column);
        // A label from the `\r` of a CRLF line into the next one.
        let text = format!("[{}\r\n1]", "1,".repeat(300));
        let src = SourceFile::new("f", Text::from(text.as_str()), 0);
        let cr = text.find('\r').unwrap();
        let e = src.excerpt(Span::new(cr, text.len()), 0).unwrap();
        assert_eq!(e.position(e.span.start).1 + 1, src.line_col(cr).column);
    }
}
