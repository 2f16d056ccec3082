//! Requests that scripts send with `pm.sendRequest(...)`: the usual auto-token pattern of a
//! pre-request script. Each call becomes a request of the model (its URL, method, headers
//! and body, read from a URL string or an object literal, locals and variable getters
//! followed), with its place in the script, so that the rules judge it like the requests of
//! the collection; and the callback's response parameter, which a script reads as it reads
//! `pm.response`.

use crate::document::NodeId;
use crate::js::{split_args, string_literal, Code};
use crate::postman::{Owner, ScriptId, VARIABLE_GETTERS};
use crate::rules::Context;
use crate::scopestack::UrlParts;

/// A byte range of a script's [`Code`] text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    pub start: usize,
    pub end: usize,
}

/// One `pm.sendRequest(...)` call.
#[derive(Debug)]
pub struct ScriptRequest {
    pub script: ScriptId,
    /// Whose variables the script sees.
    pub owner: Owner,
    /// `pm.sendRequest`.
    pub call: Piece,
    /// The URL expression, and its value with variable getters written as `{{name}}` (`None`
    /// when it cannot be worked out).
    pub url: Option<(Piece, Option<String>)>,
    /// The URL resolved with the owner's variables.
    pub resolved: Option<String>,
    pub method: String,
    pub headers: Vec<ScriptField>,
    pub body: Option<ScriptBody>,
    /// The callback's response parameter and the callback's text.
    pub callback: Option<(String, Piece)>,
    pub scopestack: bool,
    pub token_request: bool,
    pub api_request: bool,
    /// The path on the API (after its base), empty when there is none.
    pub path: String,
}

#[derive(Debug)]
pub struct ScriptBody {
    /// Fields of an urlencoded or form-data body, or of a raw JSON or form body.
    pub fields: Vec<ScriptField>,
}

/// A header or body field: its name, its value (getters as `{{name}}`), and the entry's text.
#[derive(Debug)]
pub struct ScriptField {
    pub key: String,
    pub value: Option<String>,
    pub entry: Piece,
    /// How the entry joins the others when it is removed: inside a string of `&`-joined
    /// pairs (`grant_type=password&redirect_uri=...`), or as a JS list entry.
    pub in_string: bool,
}

impl ScriptRequest {
    /// A body field's value (the last of the name, as sent), resolved.
    pub fn field(&self, cx: &Context, key: &str) -> Option<String> {
        let body = self.body.as_ref()?;
        let f = body.fields.iter().rfind(|f| f.key == key)?;
        Some(
            cx.resolve(self.owner, f.value.as_deref()?)
                .trim()
                .to_owned(),
        )
    }

    pub fn header(&self, name: &str) -> Option<&ScriptField> {
        self.headers
            .iter()
            .rfind(|h| h.key.eq_ignore_ascii_case(name))
    }
}

/// Every `pm.sendRequest(...)` of the collection's scripts.
pub fn find(cx: &Context) -> Vec<ScriptRequest> {
    let needles = cx.needles(&["sendRequest"]);
    let mut out = Vec::new();
    for (index, script) in cx.coll.scripts.iter_enumerated() {
        if !cx.script_mentions(index, &needles) {
            continue;
        }
        let code = cx.code(index);
        for call in code.calls(&["pm.sendRequest"]) {
            if let Some(r) = read_call(cx, &code, index, script.owner, &call) {
                out.push(r);
            }
        }
    }
    out
}

/// Where `slice`, a slice of `code`'s text, lies in it (an empty piece at the end for any
/// other string, which never happens by construction).
fn piece_of(code: &Code, slice: &str) -> Piece {
    let start = (slice.as_ptr() as usize).wrapping_sub(code.text.as_ptr() as usize);
    if start > code.text.len() || slice.len() > code.text.len() - start {
        let end = code.text.len();
        return Piece { start: end, end };
    }
    Piece {
        start,
        end: start + slice.len(),
    }
}

fn read_call(
    cx: &Context,
    code: &Code,
    script: ScriptId,
    owner: Owner,
    call: &crate::js::Call,
) -> Option<ScriptRequest> {
    let first = *call.args.first()?;
    // A request built in a local first: `const req = {...}; pm.sendRequest(req, ...)`.
    let first = if is_identifier(first) {
        code.value_before(first, call.start)
            .map_or(first, |(_, v)| v)
    } else {
        first
    };
    let mut request = ScriptRequest {
        script,
        owner,
        call: Piece {
            start: call.start,
            end: call.start + call.name.len(),
        },
        url: None,
        resolved: None,
        method: "GET".to_owned(),
        headers: Vec::new(),
        body: None,
        callback: call.args.get(1).and_then(|cb| callback(code, cb)),
        scopestack: false,
        token_request: false,
        api_request: false,
        path: String::new(),
    };
    if first.starts_with('{') {
        for (key, value, _) in members(code, first) {
            match key.as_str() {
                "url" => {
                    request.url = Some((piece_of(code, value), eval(code, value, call.start, 0)))
                }
                "method" => {
                    if let Some(m) = eval(code, value, call.start, 0) {
                        request.method = m.trim().to_ascii_uppercase();
                    }
                }
                "header" | "headers" => request.headers = headers(code, value, call.start),
                "body" => request.body = body(code, value, call.start),
                _ => {}
            }
        }
    } else {
        request.url = Some((piece_of(code, first), eval(code, first, call.start, 0)));
    }
    let written = request.url.as_ref().and_then(|(_, v)| v.clone());
    if let Some(written) = written {
        let resolved = cx.resolve(owner, &written).into_owned();
        let parts = UrlParts::parse(&resolved);
        let grant = request
            .body
            .as_ref()
            .is_some_and(|b| b.fields.iter().any(|f| f.key == "grant_type"));
        request.token_request = grant || parts.path.trim_end_matches('/').ends_with("/oauth/token");
        request.scopestack = cx.endpoints.is_scopestack(&parts);
        request.api_request = cx.endpoints.is_api(&parts) && !request.token_request;
        request.path = cx.endpoints.api_path(parts.path).to_owned();
        request.resolved = Some(resolved);
    }
    Some(request)
}

fn is_identifier(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The members of an object literal `{key: value, ...}`: key, value, and the whole entry.
fn members<'c>(code: &'c Code, object: &'c str) -> Vec<(String, &'c str, &'c str)> {
    let start = piece_of(code, object).start;
    let Some(entries) = split_args(&code.text, start) else {
        return Vec::new();
    };
    entries
        .into_iter()
        .filter(|e| !e.is_empty())
        .filter_map(|entry| {
            let colon = top_level(entry, b':');
            let (key, value) = match colon {
                Some(i) => (&entry[..i], entry[i + 1..].trim()),
                // Shorthand `{url}`.
                None if is_identifier(entry) => (entry, entry),
                None => return None,
            };
            let key = key.trim();
            let key = string_literal(key).unwrap_or(key).to_owned();
            Some((key, value, entry))
        })
        .collect()
}

/// The bytes of `text` from `from` on that are outside string literals, each with the bracket
/// depth before it (relative to `from`).
fn outside_strings(text: &str, from: usize) -> impl Iterator<Item = (usize, u8, i32)> + '_ {
    let b = text.as_bytes();
    let mut i = from;
    let mut depth = 0i32;
    std::iter::from_fn(move || {
        while i < b.len() {
            let (at, c) = (i, b[i]);
            i += 1;
            if matches!(c, b'"' | b'\'' | b'`') {
                while i < b.len() && b[i] != c {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                continue;
            }
            let before = depth;
            match c {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                _ => {}
            }
            return Some((at, c, before));
        }
        None
    })
}

/// The first `byte` of `text` outside strings and brackets.
fn top_level(text: &str, byte: u8) -> Option<usize> {
    outside_strings(text, 0)
        .find(|&(_, c, depth)| c == byte && depth == 0)
        .map(|(i, _, _)| i)
}

/// Splits `text` at `+` outside strings and brackets.
fn concatenated(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(i) = top_level(rest, b'+') {
        parts.push(rest[..i].trim());
        rest = &rest[i + 1..];
    }
    parts.push(rest.trim());
    parts
}

/// The string an expression makes, variable getters written `{{name}}` (for the resolver);
/// `None` when it is not made of literals, getters and locals assigned from them.
pub fn eval(code: &Code, expr: &str, at: usize, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    let e = expr.trim().trim_end_matches(';').trim();
    let e = strip_parens(e);
    let parts = concatenated(e);
    if parts.len() > 1 {
        return parts
            .iter()
            .map(|p| eval(code, p, at, depth + 1))
            .collect::<Option<Vec<_>>>()
            .map(|v| v.concat());
    }
    if let Some(text) = quoted(e) {
        return Some(unescape(text));
    }
    if let Some(inner) = e.strip_prefix('`').and_then(|r| r.strip_suffix('`')) {
        // A template: `${...}` parts evaluated.
        let mut out = String::new();
        let mut rest = inner;
        while let Some(open) = rest.find("${") {
            out.push_str(&rest[..open]);
            let after = &rest[open + 2..];
            let close = after.find('}')?;
            out.push_str(&eval(code, &after[..close], at, depth + 1)?);
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        return Some(out);
    }
    for getter in VARIABLE_GETTERS {
        if let Some(args) = e
            .strip_prefix(getter)
            .map(str::trim_start)
            .filter(|r| r.starts_with('(') && r.ends_with(')'))
        {
            let name = string_literal(&args[1..args.len() - 1])?;
            return Some(format!("{{{{{name}}}}}"));
        }
    }
    if let Some(arg) = e
        .strip_prefix("pm.variables.replaceIn")
        .map(str::trim_start)
        .filter(|r| r.starts_with('(') && r.ends_with(')'))
    {
        return eval(code, &arg[1..arg.len() - 1], at, depth + 1);
    }
    if is_identifier(e) {
        let (pos, value) = code.value_before(e, at)?;
        return eval(code, value, pos, depth + 1);
    }
    None
}

fn strip_parens(mut e: &str) -> &str {
    while e.starts_with('(') && matching_close(e, 0) == Some(e.len() - 1) {
        e = e[1..e.len() - 1].trim();
    }
    e
}

/// The index of the bracket that closes the one at `open` (strings skipped).
fn matching_close(text: &str, open: usize) -> Option<usize> {
    outside_strings(text, open)
        .skip(1)
        .find(|&(_, c, depth)| matches!(c, b')' | b']' | b'}') && depth == 1)
        .map(|(i, _, _)| i)
}

/// The text inside a `'...'` or `"..."` literal (escaped quotes allowed).
fn quoted(e: &str) -> Option<&str> {
    let q = e.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    if e.len() < 2 || !e.ends_with(q) {
        return None;
    }
    let inner = &e[1..e.len() - 1];
    // The literal ends at the last byte: no unescaped quote inside.
    let mut escaped = false;
    for c in inner.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            c if c == q && !escaped => return None,
            _ => escaped = false,
        }
    }
    (!escaped).then_some(inner)
}

/// The simple escapes of a JS string literal.
fn unescape(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// An object literal's members as fields (`{Name: value}`, `{grant_type: "password"}`).
fn object_fields(code: &Code, object: &str, at: usize) -> Vec<ScriptField> {
    members(code, object)
        .into_iter()
        .map(|(key, v, entry)| ScriptField {
            key,
            value: eval(code, v, at, 0),
            entry: piece_of(code, entry),
            in_string: false,
        })
        .collect()
}

/// `{Name: value}`, `[{key, value}]` or `"Name: value"`.
fn headers(code: &Code, value: &str, at: usize) -> Vec<ScriptField> {
    let value = value.trim();
    if value.starts_with('{') {
        return object_fields(code, value, at);
    }
    if value.starts_with('[') {
        return key_value_list(code, value, at);
    }
    match eval(code, value, at, 0) {
        Some(text) => text
            .split_once(':')
            .map(|(k, v)| ScriptField {
                key: k.trim().to_owned(),
                value: Some(v.trim().to_owned()),
                entry: piece_of(code, value),
                in_string: false,
            })
            .into_iter()
            .collect(),
        None => Vec::new(),
    }
}

/// `[{key: ..., value: ...}, ...]` (entries with `disabled: true` left out).
fn key_value_list(code: &Code, list: &str, at: usize) -> Vec<ScriptField> {
    let start = piece_of(code, list).start;
    let Some(entries) = split_args(&code.text, start) else {
        return Vec::new();
    };
    entries
        .into_iter()
        .filter(|e| e.starts_with('{'))
        .filter_map(|entry| {
            let m = members(code, entry);
            let get = |k: &str| m.iter().find(|(key, _, _)| key == k).map(|(_, v, _)| *v);
            if get("disabled").is_some_and(|d| d.trim() == "true") {
                return None;
            }
            Some(ScriptField {
                key: eval(code, get("key")?, at, 0)?,
                value: get("value").and_then(|v| eval(code, v, at, 0)),
                entry: piece_of(code, entry),
                in_string: false,
            })
        })
        .collect()
}

fn body(code: &Code, value: &str, at: usize) -> Option<ScriptBody> {
    let value = value.trim();
    if !value.starts_with('{') {
        return None;
    }
    let m = members(code, value);
    let get = |k: &str| m.iter().find(|(key, _, _)| key == k).map(|(_, v, _)| *v);
    let mut fields = Vec::new();
    for list in ["urlencoded", "formdata"] {
        if let Some(v) = get(list).filter(|v| v.starts_with('[')) {
            fields.extend(key_value_list(code, v, at));
        }
    }
    if let Some(raw) = get("raw") {
        fields.extend(raw_fields(code, raw, at));
    }
    Some(ScriptBody { fields })
}

/// The fields of a raw body: `JSON.stringify({...})`, a JSON or `a=b&c=d` string literal.
fn raw_fields(code: &Code, raw: &str, at: usize) -> Vec<ScriptField> {
    let raw = raw.trim();
    if let Some(object) = raw
        .strip_prefix("JSON.stringify")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('('))
        .map(str::trim_start)
        .filter(|r| r.starts_with('{'))
    {
        // The object literal itself, up to its closing brace.
        let Some(close) = matching_close(object, 0) else {
            return Vec::new();
        };
        return object_fields(code, &object[..=close], at);
    }
    // A literal: `&`-joined pairs, each entry found where it is written.
    let Some(text) = string_literal(raw) else {
        return Vec::new();
    };
    if text.trim_start().starts_with('{') {
        return Vec::new();
    }
    let base = piece_of(code, text).start;
    let mut out = Vec::new();
    let mut at_byte = 0;
    for pair in text.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.push(ScriptField {
            key: k.trim().to_owned(),
            value: Some(v.to_owned()),
            entry: Piece {
                start: base + at_byte,
                end: base + at_byte + pair.len(),
            },
            in_string: true,
        });
        at_byte += pair.len() + 1;
    }
    out
}

/// `(err, res) => ...` or `function (err, res) {...}`: the response parameter's name, and
/// the callback's text.
fn callback(code: &Code, cb: &str) -> Option<(String, Piece)> {
    let name = response_param(cb)?;
    Some((name.to_owned(), piece_of(code, cb.trim())))
}

/// The second parameter of a callback.
fn response_param(cb: &str) -> Option<&str> {
    let cb = cb.trim();
    let params = if let Some(rest) = cb.strip_prefix("function") {
        let open = rest.find('(')?;
        let close = rest[open..].find(')')? + open;
        &rest[open + 1..close]
    } else {
        let arrow = cb.find("=>")?;
        cb[..arrow].trim().trim_start_matches("async").trim()
    };
    let params = params.trim().trim_start_matches('(').trim_end_matches(')');
    let name = params.split(',').nth(1)?.trim();
    is_identifier(name).then_some(name)
}

/// Where bytes `piece` of script `script`'s code are in the file: the string node of their
/// line and the range in its unescaped value. A piece that runs past its line's end is cut
/// there.
pub fn in_file(
    cx: &Context,
    script: ScriptId,
    code: &Code,
    piece: Piece,
) -> Option<(NodeId, usize, usize)> {
    let lines = cx.coll.scripts[script].lines(cx.coll.doc);
    let index = code.line_of(piece.start);
    let line = lines.get(index)?;
    let column = piece.start - code.line_start(index);
    let end = (piece.end - code.line_start(index)).min(line.text.len());
    Some((line.node, line.start + column, line.start + end.max(column)))
}

/// An edit removing a list entry (with the comma after it, or for `&`-joined pairs the `&`
/// before or after it). The entry and what joins it must lie on one line.
pub fn remove_entry(
    cx: &Context,
    script: ScriptId,
    code: &Code,
    field: &ScriptField,
) -> Option<crate::fix::Edit> {
    let text = &code.text;
    let (mut start, mut end) = (field.entry.start, field.entry.end);
    if field.in_string {
        if text[..start].ends_with('&') {
            start -= 1;
        } else if text[end..].starts_with('&') {
            end += 1;
        } else {
            return None;
        }
    } else {
        let after = &text[end..];
        let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
        if after[gap..].starts_with(',') {
            end += gap + 1;
        }
        // The entry alone on its line: the whole line goes.
        let line = code.line_of(start);
        let line_start = code.line_start(line);
        let line_end = code.line_start(line + 1).saturating_sub(1).max(line_start);
        if text[line_start..start].trim().is_empty() && text[end..line_end].trim().is_empty() {
            let exec = cx.coll.scripts[script].exec;
            if cx.coll.doc.kind(exec) == crate::document::Kind::Array {
                return cx.editor.remove_element(exec, line);
            }
            start = line_start;
            end = (line_end + 1).min(text.len());
            let (node, s, _) = in_file(cx, script, code, Piece { start, end: start })?;
            return Some(cx.editor.edit_in_string(node, s, s + (end - start), ""));
        }
    }
    if code.line_of(start) != code.line_of(end.saturating_sub(1).max(start)) {
        return None;
    }
    let (node, s, e) = in_file(cx, script, code, Piece { start, end })?;
    Some(cx.editor.edit_in_string(node, s, e, ""))
}

/// `the pre-request script of collection `X``, for messages.
pub fn describe_script(cx: &Context, script: ScriptId) -> String {
    let s = &cx.coll.scripts[script];
    let kind = match s.listen.as_ref() {
        "prerequest" => "the pre-request script",
        "test" => "the test script",
        _ => "a script",
    };
    format!("{kind} of {}", cx.coll.describe(s.owner))
}

/// A finding on a script request, labelled at `piece` of its script (the call, its URL or an
/// entry); no fix.
pub fn diagnostic(
    cx: &Context,
    rule: &'static crate::rules::RuleInfo,
    request: &ScriptRequest,
    piece: Piece,
    message: String,
    help: String,
    label: &str,
) -> Option<crate::diagnostic::Diagnostic> {
    let code = cx.code(request.script);
    let (node, start, end) = in_file(cx, request.script, &code, piece)?;
    Some(crate::diagnostic::Diagnostic {
        rule,
        severity: rule.severity,
        file: crate::source::FileId::LINTED,
        message,
        help: help.into(),
        label: label.to_owned().into(),
        item: cx.coll.item_label(request.owner),
        pointer: crate::diagnostic::Pointer::Node(node),
        span: cx.coll.doc.string_subspan(node, start, end),
        fix: None,
    })
}

impl ScriptRequest {
    /// `the `pm.sendRequest` in the pre-request script of collection `X` (to `url`)`.
    pub fn describe(&self, cx: &Context) -> String {
        let url = self
            .resolved
            .as_deref()
            .map(|u| format!(" to `{}`", crate::scopestack::display_url(u)))
            .unwrap_or_default();
        format!(
            "the `pm.sendRequest` in {}{url}",
            describe_script(cx, self.script)
        )
    }

    /// A header's value, resolved; `None` when the request does not set it.
    pub fn header_value(&self, cx: &Context, name: &str) -> Option<String> {
        let h = self.header(name)?;
        Some(
            cx.resolve(self.owner, h.value.as_deref().unwrap_or(""))
                .trim()
                .to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(lines: &[&str]) -> Code {
        Code::new(lines.iter().copied())
    }

    #[test]
    fn expressions_evaluate_to_strings_with_getters_as_variables() {
        let c = code(&[
            "const base = pm.environment.get(\"base_url\");",
            "let path = '/oauth/' + \"token\";",
            "x(base + path, `${base}/v1/${pm.variables.get('p')}`, pm.variables.replaceIn('{{u}}'), (base), unknown(1), 'a\\'b');",
        ]);
        let call = &c.calls(&["x"])[0];
        let at = call.start;
        let eval_arg = |i: usize| eval(&c, call.args[i], at, 0);
        assert_eq!(eval_arg(0).as_deref(), Some("{{base_url}}/oauth/token"));
        assert_eq!(eval_arg(1).as_deref(), Some("{{base_url}}/v1/{{p}}"));
        assert_eq!(eval_arg(2).as_deref(), Some("{{u}}"));
        assert_eq!(eval_arg(3).as_deref(), Some("{{base_url}}"));
        assert_eq!(eval_arg(4), None);
        assert_eq!(eval_arg(5).as_deref(), Some("a'b"));
    }

    /// A request built in a local first is followed to its object, and its `grant_type`
    /// makes it a token request whatever its path: a wrong token URL (SS002), not an API
    /// call without `Accept` (SS004).
    #[test]
    fn a_token_request_built_in_a_local_is_judged_by_its_grant() {
        let text = r#"{"item": [], "event": [{"listen": "prerequest", "script": {"exec": [
            "const token_req = {url: 'https://api.scopestack.io/token', method: 'POST', body: {mode: 'urlencoded', urlencoded: [{key: 'grant_type', value: 'password'}]}};",
            "pm.sendRequest(token_req, (err, res) => {});"]}}]}"#;
        assert_eq!(crate::rules::finding_pointers(text, "SS002").len(), 1);
        assert!(crate::rules::finding_pointers(text, "SS004").is_empty());
    }

    /// Evaluation follows at most 8 steps, whatever each step is: a local, a `+`, a
    /// template's `${}`, a `replaceIn`.
    #[test]
    fn evaluation_stops_eight_steps_deep() {
        let chain = |first: &str, step: &dyn Fn(usize) -> String, n: usize| {
            let mut lines = vec![format!("const a0 = {first};")];
            lines.extend((1..=n).map(|k| format!("const a{k} = {};", step(k - 1))));
            lines.push(format!("x(a{n});"));
            let c = Code::new(lines.iter().map(String::as_str));
            let call = &c.calls(&["x"])[0];
            eval(&c, call.args[0], call.start, 0)
        };
        let local = |k: usize| format!("a{k}");
        assert_eq!(chain("'x'", &local, 7).as_deref(), Some("x"));
        assert_eq!(chain("'x'", &local, 8), None);
        // A local and its template: two steps each.
        let template = |k: usize| format!("`${{a{k}}}`");
        assert_eq!(chain("'x'", &template, 3).as_deref(), Some("x"));
        assert_eq!(chain("'x'", &template, 4), None);
        let replace_in = |k: usize| format!("pm.variables.replaceIn(a{k})");
        assert_eq!(chain("'x'", &replace_in, 3).as_deref(), Some("x"));
        assert_eq!(chain("'x'", &replace_in, 4), None);
        // Nested sums: one step per level.
        let nested = |n: usize| format!("{}'x'{}", "'x' + (".repeat(n), ")".repeat(n));
        let c = Code::new([""]);
        assert_eq!(eval(&c, &nested(8), 0, 0), Some("x".repeat(9)));
        assert_eq!(eval(&c, &nested(9), 0, 0), None);
    }

    #[test]
    fn string_literals_are_whole_and_escapes_counted() {
        assert_eq!(quoted("''"), Some(""));
        assert_eq!(quoted("'"), None);
        assert_eq!(quoted("'a', 'b'"), None);
        assert_eq!(quoted(r"'a\\'"), Some(r"a\\"));
        assert_eq!(quoted(r"'a\'b'"), Some(r"a\'b"));
        assert_eq!(quoted(r"'a\'"), None);
    }

    /// A script's token request to a URL that does not resolve is judged as ScopeStack's
    /// when the collection calls ScopeStack (as SS001 judges helpers).
    #[test]
    fn an_unresolved_script_token_url_counts_where_the_collection_calls_scopestack() {
        let text = r#"{"item": [{"name": "R", "request": {"method": "GET", "url": "https://api.scopestack.io/acme/v1/clients"}}],
            "event": [{"listen": "prerequest", "script": {"exec": [
            "pm.sendRequest({url: pm.environment.get('token_url'), method: 'POST', body: {mode: 'urlencoded', urlencoded: [{key: 'grant_type', value: 'password'}, {key: 'redirect_uri', value: 'https://x'}]}}, () => {});"]}}]}"#;
        assert_eq!(crate::rules::finding_pointers(text, "SS006").len(), 1);
    }

    #[test]
    fn brackets_and_strings_are_skipped() {
        assert_eq!(top_level("a: {b: 1}", b':'), Some(1));
        assert_eq!(top_level("'x:y' : 1", b':'), Some(6));
        assert_eq!(top_level("f(a + b) + c", b'+'), Some(9));
        assert_eq!(top_level("[1, 2]", b','), None);
        // An unclosed string ends at the end of the text.
        assert_eq!(top_level("a: 'unclosed", b','), None);
        assert_eq!(matching_close("{a: '}', b: [1]} tail", 0), Some(15));
        assert_eq!(matching_close("(unclosed", 0), None);
        assert_eq!(strip_parens("((a) + (b))"), "(a) + (b)");
        assert_eq!(strip_parens("(a) + (b)"), "(a) + (b)");
    }

    #[test]
    fn a_request_object_its_fields_and_its_callback_are_read() {
        let c = code(&[
            "const url = 'https://app.example.com/oauth/token';",
            "pm.sendRequest({url, method: 'post', header: 'Content-Type: text/plain',",
            "  body: {mode: 'raw', raw: 'grant_type=password&redirect_uri=x'}",
            "}, function (error, response) { done(); });",
        ]);
        let call = &c.calls(&["pm.sendRequest"])[0];
        let m = members(&c, call.args[0]);
        let keys: Vec<&str> = m.iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(keys, ["url", "method", "header", "body"]);
        assert_eq!(
            eval(&c, m[0].1, call.start, 0).as_deref(),
            Some("https://app.example.com/oauth/token")
        );
        let h = headers(&c, m[2].1, call.start);
        assert_eq!(
            (h[0].key.as_str(), h[0].value.as_deref()),
            ("Content-Type", Some("text/plain"))
        );
        let b = body(&c, m[3].1, call.start).unwrap();
        let fields: Vec<(&str, Option<&str>, bool)> = b
            .fields
            .iter()
            .map(|f| (f.key.as_str(), f.value.as_deref(), f.in_string))
            .collect();
        assert_eq!(
            fields,
            [
                ("grant_type", Some("password"), true),
                ("redirect_uri", Some("x"), true)
            ]
        );
        // Each pair is found where it is written.
        assert_eq!(
            &c.text[b.fields[1].entry.start..b.fields[1].entry.end],
            "redirect_uri=x"
        );
        let (name, piece) = callback(&c, call.args[1]).unwrap();
        assert_eq!(name, "response");
        assert!(c.text[piece.start..piece.end].starts_with("function"));
        assert_eq!(response_param("(err) => 1"), None);
        assert_eq!(response_param("async (e, res) => 1"), Some("res"));
        assert_eq!(response_param("(e, {json}) => 1"), None);
        assert_eq!(
            response_param("function (error, response) { done(); }"),
            Some("response")
        );
        assert_eq!(response_param("function(e, res) {}"), Some("res"));
    }

    #[test]
    fn json_stringify_bodies_and_key_value_lists_are_fields() {
        let c = code(&[
            "pm.sendRequest({body: {mode: 'raw', raw: JSON.stringify({grant_type: 'password', \"redirect_uri\": cb})},",
            " header: [{key: 'Accept', value: 'a'}, {key: 'X', value: 'y', disabled: true}]}, () => {});",
        ]);
        let call = &c.calls(&["pm.sendRequest"])[0];
        let m = members(&c, call.args[0]);
        let b = body(&c, m[0].1, call.start).unwrap();
        let keys: Vec<&str> = b.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["grant_type", "redirect_uri"]);
        assert!(!b.fields[0].in_string);
        let h = headers(&c, m[1].1, call.start);
        assert_eq!(h.len(), 1, "a disabled header is not sent");
        assert_eq!(h[0].key, "Accept");
    }
}
