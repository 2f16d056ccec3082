//! Just enough JavaScript scanning for Postman scripts: blank out comments, find calls by
//! name and split their arguments. Not a parser; it only has to be right about the simple
//! statements people write in test scripts, and never flag commented-out code.

use std::collections::HashMap;

/// Per assigned name: (assignment offset, value start, value end), in order.
type Assigned = HashMap<String, Vec<(usize, usize, usize)>>;

/// A script's lines joined with `\n`, comments replaced by spaces so offsets still match.
#[derive(Clone)]
pub struct Code {
    pub text: String,
    line_starts: Vec<usize>,
    /// Byte ranges of string and template literals, in order.
    strings: Vec<(usize, usize)>,
    /// Per assigned name, each assignment's offset and value range, in order: made once, as
    /// a script with thousands of lines asks for one per line.
    assigned: std::sync::OnceLock<Assigned>,
}

/// `name = value` (with or without `var`/`let`/`const`).
#[derive(Debug, PartialEq, Eq)]
pub struct Assignment<'a> {
    pub at: usize,
    pub name: &'a str,
    pub value: &'a str,
}

impl Code {
    pub fn new<'a>(lines: impl IntoIterator<Item = &'a str>) -> Code {
        let mut text = String::new();
        let mut line_starts = Vec::new();
        for line in lines {
            line_starts.push(text.len());
            text.push_str(line);
            text.push('\n');
        }
        let (text, strings) = blank_comments(&text);
        Code {
            text,
            line_starts,
            strings,
            assigned: std::sync::OnceLock::new(),
        }
    }

    /// The byte where 0-based line `index` starts.
    pub fn line_start(&self, index: usize) -> usize {
        self.line_starts
            .get(index)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// Whether byte `pos` is inside a string or template literal.
    pub fn in_string(&self, pos: usize) -> bool {
        let i = self.strings.partition_point(|&(_, end)| end <= pos);
        self.strings.get(i).is_some_and(|&(start, _)| start <= pos)
    }

    /// Calls of any of `names` in code (not inside string literals).
    pub fn calls<'a>(&'a self, names: &[&'a str]) -> Vec<Call<'a>> {
        let mut found = calls(&self.text, names);
        found.retain(|c| !self.in_string(c.start));
        found
    }

    /// Every simple assignment `name = value`, declarations included, in order.
    pub fn assignments(&self) -> Vec<Assignment<'_>> {
        let text = self.text.as_str();
        let b = text.as_bytes();
        let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
        let mut out = Vec::new();
        for (i, _) in text.match_indices('=') {
            if self.in_string(i)
                || matches!(b.get(i + 1), Some(b'=' | b'>'))
                || (i > 0 && b"=!<>+-*/%&|^?".contains(&b[i - 1]))
            {
                continue;
            }
            let mut end = i;
            while end > 0 && matches!(b[end - 1], b' ' | b'\t') {
                end -= 1;
            }
            let mut start = end;
            while start > 0 && is_ident(b[start - 1]) {
                start -= 1;
            }
            if start == end || b[start].is_ascii_digit() {
                continue;
            }
            let mut k = start;
            while k > 0 && matches!(b[k - 1], b' ' | b'\t') {
                k -= 1;
            }
            let before = &text[..k];
            let keyword = ["var", "let", "const"].iter().any(|kw| {
                before.ends_with(kw)
                    && before[..before.len() - kw.len()]
                        .bytes()
                        .next_back()
                        .is_none_or(|c| !is_ident(c) && c != b'.')
            });
            let statement_start = k == 0 || matches!(b[k - 1], b'\n' | b';' | b'{' | b'}');
            if keyword || statement_start {
                out.push(Assignment {
                    at: start,
                    name: &text[start..end],
                    value: expr_until_end(&text[i + 1..]),
                });
            }
        }
        out
    }

    /// The value last assigned to `name` before byte `at`.
    pub fn value_before(&self, name: &str, at: usize) -> Option<(usize, &str)> {
        let assigned = self.assigned.get_or_init(|| {
            let mut by_name = Assigned::new();
            for a in self.assignments() {
                // `value` is a slice of `text`.
                let start = a.value.as_ptr() as usize - self.text.as_ptr() as usize;
                by_name.entry(a.name.to_owned()).or_default().push((
                    a.at,
                    start,
                    start + a.value.len(),
                ));
            }
            by_name
        });
        let list = assigned.get(name)?;
        let before = list.partition_point(|&(pos, _, _)| pos < at);
        let &(pos, start, end) = list.get(before.checked_sub(1)?)?;
        Some((pos, &self.text[start..end]))
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

/// Replaces `// ...` and `/* ... */` comments with spaces (newlines kept), leaving string
/// and template literals alone; also returns where those literals are.
fn blank_comments(src: &str) -> (String, Vec<(usize, usize)>) {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut strings = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' | b'`' => {
                let end = string_end(b, i);
                strings.push((i, end));
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = src[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
                for (j, byte) in out.iter_mut().enumerate().take(end).skip(i) {
                    if b[j] != b'\n' {
                        *byte = b' ';
                    }
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    // Only whole comments were replaced, byte by byte, so the text stays valid UTF-8; fall
    // back to a lossy copy rather than panic if that ever failed.
    let text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (text, strings)
}

/// The index just past the string or template literal that starts at `start`. A plain string
/// also ends at a newline (unterminated), so one bad line cannot swallow the script.
fn string_end(b: &[u8], start: usize) -> usize {
    let q = b[start];
    let mut i = start + 1;
    while i < b.len() && b[i] != q {
        if b[i] == b'\n' && q != b'`' {
            return i;
        }
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    (i + 1).min(b.len())
}

/// A call `name(arg, ...)` found in code.
#[derive(Debug)]
pub struct Call<'a> {
    pub name: &'a str,
    pub start: usize,
    pub args: Vec<&'a str>,
}

/// Every call of any of `names` (e.g. `pm.environment.set`) in `code`.
pub fn calls<'a>(code: &'a str, names: &[&'a str]) -> Vec<Call<'a>> {
    let mut out = Vec::new();
    for &name in names {
        let mut from = 0;
        // memmem: `str::find` builds a two-way searcher per call, which topped the profile
        // of SS003 over 100k short scripts.
        while let Some(pos) = memchr::memmem::find(&code.as_bytes()[from..], name.as_bytes()) {
            let start = from + pos;
            from = start + name.len();
            let before = code[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.') {
                continue;
            }
            let rest = code[from..].trim_start();
            if !rest.starts_with('(') {
                continue;
            }
            let open = code.len() - rest.len();
            if let Some(args) = split_args(code, open) {
                out.push(Call { name, start, args });
            }
        }
    }
    out.sort_by_key(|c| c.start);
    out
}

/// Splits the arguments of the call whose `(` is at `open`; `None` when unbalanced.
pub fn split_args(code: &str, open: usize) -> Option<Vec<&str>> {
    let b = code.as_bytes();
    let mut depth = 0usize;
    let mut args = Vec::new();
    let mut arg_start = open + 1;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' | b'`' => {
                // Land on the closing quote; the `i += 1` below steps past it.
                i = string_end(b, i) - 1;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    let last = code[arg_start..i].trim();
                    if !last.is_empty() || !args.is_empty() {
                        args.push(last);
                    }
                    return Some(args);
                }
            }
            b',' if depth == 1 => {
                args.push(code[arg_start..i].trim());
                arg_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The text of a string literal argument (`'x'`, `"x"`, or a template without `${}`).
pub fn string_literal(arg: &str) -> Option<&str> {
    let arg = arg.trim();
    let q = arg.chars().next()?;
    if !matches!(q, '"' | '\'' | '`') || arg.len() < 2 || !arg.ends_with(q) {
        return None;
    }
    let inner = &arg[1..arg.len() - 1];
    let interpolates = q == '`' && inner.contains("${");
    (!inner.contains(q) && !interpolates).then_some(inner)
}

/// An expression up to its statement's end (`;`, or a newline or `,` outside brackets).
fn expr_until_end(s: &str) -> &str {
    let b = s.as_bytes();
    let mut depth = 0i32;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' | b'`' => {
                // Land on the closing quote; the `i += 1` below steps past it.
                i = string_end(b, i) - 1;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b';' => break,
            b'\n' | b',' if depth <= 0 && !s[..i].trim().is_empty() => break,
            _ => {}
        }
        i += 1;
    }
    s[..i.min(s.len())].trim()
}

/// An expression with whitespace removed and redundant outer parentheses dropped.
pub fn normalize(expr: &str) -> String {
    let mut e: String = expr.chars().filter(|c| !c.is_whitespace()).collect();
    while e.ends_with(';') {
        e.pop();
    }
    while e.starts_with('(') && e.ends_with(')') && split_args(&e, 0).is_some_and(|a| a.len() == 1)
    {
        if split_args(&e, 0).map(|a| a[0].len()) != Some(e.len() - 2) {
            break;
        }
        e = e[1..e.len() - 1].to_owned();
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_blanked_but_strings_kept() {
        let code = Code::new([
            "a(); // pm.environment.set('t', x)",
            "/* pm.environment.set('t', x)",
            "   still comment */ b('// not a comment');",
        ]);
        assert!(!code.text.contains("pm.environment"));
        assert!(code.text.contains("b('// not a comment')"));
        assert_eq!(code.line_of(code.text.find("b(").unwrap()), 2);
    }

    #[test]
    fn finds_calls_and_splits_nested_args() {
        let code = "x.pm.environment.set('no', 1); pm.environment.set(\"token\", JSON.stringify(pm.response.json(), null, 2));";
        let calls = calls(code, &["pm.environment.set"]);
        assert_eq!(calls.len(), 1);
        assert_eq!(
            calls[0].args,
            ["\"token\"", "JSON.stringify(pm.response.json(), null, 2)"]
        );
        assert_eq!(string_literal(calls[0].args[0]), Some("token"));
        assert_eq!(string_literal("`a${b}`"), None);
    }

    #[test]
    fn finds_assignments_and_the_latest_value() {
        let code = Code::new([
            "const data = pm.response.json();",
            "let t = data.access_token",
            "var constant = 2; if (a == b) { data = data.access_token; }",
            "x.y = 3; f(a => a); z += 1; s = 'q = 1';",
        ]);
        let found: Vec<_> = code
            .assignments()
            .iter()
            .map(|a| (a.name, a.value))
            .collect();
        assert_eq!(
            found,
            [
                ("data", "pm.response.json()"),
                ("t", "data.access_token"),
                ("constant", "2"),
                ("data", "data.access_token"),
                ("s", "'q = 1'"),
            ]
        );
        let end = code.text.len();
        assert_eq!(
            code.value_before("data", end).unwrap().1,
            "data.access_token"
        );
        assert_eq!(
            code.value_before("data", 40).unwrap().1,
            "pm.response.json()"
        );
    }

    #[test]
    fn calls_inside_strings_do_not_count() {
        let code = Code::new(["console.log(\"pm.environment.set('token', responseBody)\");"]);
        assert!(code.calls(&["pm.environment.set"]).is_empty());
        assert!(code.in_string(14));
        assert!(!code.in_string(2));
    }

    #[test]
    fn normalizes_expressions() {
        assert_eq!(normalize(" ( pm.response.json() ) ;"), "pm.response.json()");
        assert_eq!(normalize("(a)+(b)"), "(a)+(b)");
    }
}
