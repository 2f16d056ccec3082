//! A linted file's text, shared by every diagnostic about it, with a line index so that
//! locating a label costs a binary search instead of a scan from byte 0 (miette's own
//! `SourceCode` for strings scans from the start on every lookup; see design.md).

use crate::text::Text;
use std::sync::OnceLock;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::json::Span;

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
    /// (offset, its 0-based line, that line's start) of the last `line_col` answered
    /// without the index.
    cursor: std::sync::Mutex<(usize, usize, usize)>,
    /// The text shown in snippets: `text` with secret values masked, when there are any.
    display: OnceLock<Text>,
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
            cursor: std::sync::Mutex::new((0, 0, 0)),
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

    /// The 0-based line holding `offset` and where it starts, counted on from the last
    /// answer: reports ask in file order, and for them this one pass replaces building the
    /// whole line index (20 MB and two passes on the largest benchmark file). `None` once
    /// the index exists or when asked for an earlier place.
    fn line_by_cursor(&self, offset: usize) -> Option<(usize, usize)> {
        if self.line_starts.get().is_some() {
            return None;
        }
        let mut cursor = self.cursor.lock().ok()?;
        let (at, line, line_start) = *cursor;
        if offset < at {
            return None;
        }
        let bytes = &self.text.as_bytes()[at..offset];
        let line = line + memchr::memchr_iter(b'\n', bytes).count();
        let line_start = memchr::memrchr(b'\n', bytes).map_or(line_start, |i| at + i + 1);
        *cursor = (offset, line, line_start);
        Some((line, line_start))
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
        let (line, start) = self.line_by_cursor(offset).unwrap_or_else(|| {
            let line = self.line_index(offset);
            (line, self.line_start(line))
        });
        let column = self.text[start..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
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
        let masked = Text::from(crate::secrets::mask_spans(&self.text, spans));
        let _ = self.display.set(masked);
    }

    fn display_text(&self) -> &str {
        self.display.get().unwrap_or(&self.text)
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
}
