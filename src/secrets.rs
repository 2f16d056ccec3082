//! Where the secrets are in a document, so that no snippet ever shows one: values of keys
//! that name a credential (`client_secret`, `password`, `Authorization`, ...), the `value` of
//! `{key, value}` pairs whose key names one or that are marked `"type": "secret"`, credential
//! values inside form text and scripts, and anything shaped like a JWT.

use crate::document::{Document, Kind, NodeId, Span};
use crate::source::mask_spans;
use crate::text::Text;

/// How `scopelint redact` begins the placeholder it writes for a value (`[redacted:3]`).
pub const PLACEHOLDER: &str = "[redacted:";

/// A YAML file's text with every value masked that could hold a secret, line by line, without
/// parsing it (a file Postman cannot read, or both sides of a diff, masked alike): keys, list
/// markers, `{{variable}}` references and the values of keys that never hold credentials are
/// shown; every other value, the text of block scalars and comments are masked.
pub fn masked_yaml(text: &str) -> String {
    mask_spans(
        text,
        &unparsed_yaml_secret_spans(text, Span::new(0, text.len())),
    )
}

/// The spans [`masked_yaml`] masks, in the lines that overlap `window`.
pub fn unparsed_yaml_secret_spans(text: &str, window: Span) -> Vec<Span> {
    let mut out = Vec::new();
    for line in crate::document::yaml::raw_lines(text) {
        let Span { start, end } = line.value;
        if end < window.start || start > window.end || start == end {
            continue;
        }
        let value = &text[start..end];
        if line.block_text {
            out.push(line.value);
            continue;
        }
        if value.starts_with(['|', '>']) {
            // A block header (and a comment after it) shows nothing.
            continue;
        }
        let key = line
            .key
            .map(|k| text[k.start..k.end].trim_matches(['"', '\'']));
        if key.is_some_and(|k| SHOWN_KEYS.contains(&k) || URL_KEYS.contains(&k)) {
            // A comment after a shown value may still say anything.
            if let Some(c) = value.find(" #") {
                out.push(Span::new(start + c + 2, end));
            }
            continue;
        }
        // Everything but `{{variable}}` references.
        let mut i = 0;
        while i < value.len() {
            match value[i..].find("{{") {
                Some(0) => match value[i..].find("}}") {
                    Some(close) => i += close + 2,
                    None => {
                        out.push(Span::new(start + i, end));
                        break;
                    }
                },
                Some(open) => {
                    out.push(Span::new(start + i, start + i + open));
                    i += open;
                }
                None => {
                    out.push(Span::new(start + i, end));
                    break;
                }
            }
        }
    }
    out
}

/// `text` with every secret value replaced by `*` of the same length (for diffs of whole
/// files); text that does not parse is masked deny by default.
pub fn masked(text: &str) -> String {
    let spans: Vec<Span> = match Document::parse(Text::from(text)) {
        Ok(doc) => secret_spans(&doc, &[Span::new(0, text.len())]),
        Err(_) => unparsed_secret_spans(text, Span::new(0, text.len())),
    };
    mask_spans(text, &spans)
}

/// Spans of secret values (string contents, quotes excluded) in the parts of the document
/// that overlap `windows` (the text around labels, which is all a snippet can show).
pub fn secret_spans(doc: &Document, windows: &[Span]) -> Vec<Span> {
    // Sorted, disjoint windows, so that overlap is a binary search.
    let mut merged: Vec<Span> = windows.to_vec();
    merged.sort_by_key(|w| w.start);
    merged.dedup_by(|next, prev| {
        let touches = next.start <= prev.end;
        if touches {
            prev.end = prev.end.max(next.end);
        }
        touches
    });
    let mut out = Vec::new();
    // Every file of a document read from several (a v12 collection tree).
    for part in doc.parts() {
        walk(doc, part.root, &merged, &mut out);
    }
    out
}

fn overlaps(span: Span, windows: &[Span]) -> bool {
    let i = windows.partition_point(|w| w.end <= span.start);
    windows.get(i).is_some_and(|w| w.start < span.end)
}

fn walk(doc: &Document, node: NodeId, windows: &[Span], out: &mut Vec<Span>) {
    if !overlaps(doc.span(node), windows) {
        return;
    }
    match doc.kind(node) {
        Kind::Object => {
            // A `{key, value}` pair naming a credential, or marked secret.
            // `{key, value}` (Postman) and `{name, value}` (HAR headers, cookies, params).
            let pair_is_secret = ["key", "name"]
                .iter()
                .filter_map(|k| doc.get(node, k).and_then(|k| doc.as_str(k)))
                .any(|k| names_secret(&k) || is_code_key(&k))
                || doc
                    .get(node, "type")
                    .is_some_and(|t| doc.str_eq(t, "secret"));
            let pair_value = doc.get(node, "value");
            let base64 = doc
                .get(node, "encoding")
                .is_some_and(|e| doc.str_eq(e, "base64"));
            for (k, v) in doc.members(node) {
                let key = doc.as_str(k).unwrap_or_default();
                // A base64 body (HAR `content`): decoded, a credential inside hides the whole.
                if base64 && key == "text" && doc.kind(v) == Kind::String {
                    if base64_holds_secret(&doc.as_str(v).unwrap_or_default()) {
                        out.push(doc.text_span(v));
                    }
                    continue;
                }
                // v2 `"apikey": [...]`; v12 `type: apikey` with `credentials`.
                let v3_api_key = key == "credentials"
                    && doc
                        .get(node, "type")
                        .is_some_and(|t| doc.str_eq(t, "apikey"));
                if key.eq_ignore_ascii_case("apikey") || v3_api_key {
                    api_key_values(doc, v, out);
                    continue;
                }
                // Every cookie value is a credential, whatever its name.
                if key == "cookies" {
                    cookie_values(doc, v, out);
                    continue;
                }
                let whole = (pair_is_secret && Some(v) == pair_value) || names_secret(&key);
                if whole {
                    mask_value(doc, v, out);
                } else {
                    walk(doc, v, windows, out);
                }
            }
        }
        Kind::Array => {
            for e in doc.elements(node) {
                walk(doc, e, windows, out);
            }
        }
        Kind::String => {
            let text = doc.as_str(node).unwrap_or_default();
            for (start, end) in embedded_secrets(&text) {
                let s = doc.string_subspan(node, start, end);
                out.push(s);
            }
        }
        _ => {}
    }
}

/// A credential's value, whatever it is: a string (unless only `{{variables}}`), a number, or
/// every string and number inside a list or an object.
fn mask_value(doc: &Document, node: NodeId, out: &mut Vec<Span>) {
    match doc.kind(node) {
        Kind::String => mask_literal(doc, node, out),
        Kind::Number => out.push(doc.span(node)),
        Kind::Array => {
            for e in doc.elements(node) {
                mask_value(doc, e, out);
            }
        }
        Kind::Object => {
            for (_, v) in doc.members(node) {
                mask_value(doc, v, out);
            }
        }
        _ => {}
    }
}

/// API-key auth keeps the key in a parameter named `value` (v2.1 `{"key": "value", ...}`,
/// v2.0 `"value": ...`).
fn api_key_values(doc: &Document, params: NodeId, out: &mut Vec<Span>) {
    let is_value = |n: NodeId| doc.as_str(n).is_some_and(|k| k == "value");
    for el in doc.elements(params) {
        if doc.get(el, "key").is_some_and(is_value) {
            if let Some(v) = doc.get(el, "value") {
                mask_value(doc, v, out);
            }
        }
    }
    for (k, v) in doc.members(params) {
        if is_value(k) {
            mask_value(doc, v, out);
        }
    }
}

fn base64_holds_secret(text: &str) -> bool {
    use base64::Engine;
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
        Ok(bytes) => {
            let decoded = String::from_utf8_lossy(&bytes);
            !embedded_secrets(&decoded).is_empty()
        }
        // A base64 flag on plain text: judge the text itself.
        Err(_) => !embedded_secrets(text).is_empty(),
    }
}

fn cookie_values(doc: &Document, list: NodeId, out: &mut Vec<Span>) {
    for cookie in doc.elements(list) {
        if let Some(v) = doc.get(cookie, "value") {
            mask_value(doc, v, out);
        }
    }
}

/// OAuth's authorization `code` (only under exactly that name: `statusCode` is not one).
pub fn is_code_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("code")
}

/// Masks a string value unless it only references variables (`{{client_secret}}`,
/// `Bearer {{token}}`), which are safe to show.
fn mask_literal(doc: &Document, node: NodeId, out: &mut Vec<Span>) {
    let text = doc.as_str(node).unwrap_or_default();
    if is_literal_secret(&text) {
        out.push(doc.text_span(node));
    }
}

pub fn is_literal_secret(value: &str) -> bool {
    let mut rest = String::with_capacity(value.len());
    let mut s = value;
    while let Some(open) = s.find("{{") {
        rest.push_str(&s[..open]);
        match s[open..].find("}}") {
            Some(close) => s = &s[open + close + 2..],
            None => {
                s = &s[open..];
                break;
            }
        }
    }
    rest.push_str(s);
    let rest = rest.trim();
    let rest = ["bearer", "basic", "token"]
        .iter()
        .find_map(|w| {
            rest.get(..w.len())
                .filter(|p| p.eq_ignore_ascii_case(w))
                .map(|_| rest[w.len()..].trim())
        })
        .unwrap_or(rest);
    // What is left around the references must hold something, not just `:` or `-`; a
    // secret of punctuation or emoji is still a secret.
    rest.chars().any(|c| c.is_alphanumeric() || !c.is_ascii())
        || rest.chars().filter(|c| !c.is_whitespace()).count() >= 4
}

/// Whether a key names a credential.
pub fn names_secret(key: &str) -> bool {
    // Keys are short; longer text is not a key.
    if key.len() > 64 {
        return false;
    }
    // Called for every header, field and parameter: a stack buffer and a plain byte search
    // (needles and keys are a few bytes) instead of a String and `str::contains`.
    let mut buf = [0u8; 64];
    let mut len = 0;
    for b in key.bytes().filter(u8::is_ascii_alphanumeric) {
        buf[len] = b.to_ascii_lowercase();
        len += 1;
    }
    let k = &buf[..len];
    let contains = |w: &str| k.windows(w.len()).any(|win| win == w.as_bytes());
    if k.ends_with(b"url") || k.ends_with(b"uri") {
        return false;
    }
    if matches!(
        k,
        b"tokentype" | b"tokenname" | b"addtokento" | b"granttype" | b"clientauthentication"
    ) || contains("allowcredentials")
    {
        return false;
    }
    [
        "secret",
        "password",
        "passwd",
        "token",
        "apikey",
        "authorization",
        "cookie",
        "credential",
        "privatekey",
        "sessionid",
        "authkey",
        "accesskey",
        "verifier",
    ]
    .iter()
    .any(|w| contains(w))
}

/// Byte ranges of credential values inside free text: `password=...` in form text,
/// `"client_secret": "..."`, `password: ...` or `("password", "...")` in JSON, headers and
/// scripts (after a comma only quoted values, so code such as `pm.response.json().access_token`
/// stays visible), passwords in URLs (`https://user:pass@host`), and JWTs.
pub fn embedded_secrets(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    url_credentials(text, &mut out);
    multipart_values(text, &mut out);
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() || (i > 0 && is_word(b[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_word(b[i]) {
            i += 1;
        }
        let word = &text[start..i];
        if word.starts_with("eyJ") {
            let end = jwt_end(b, start);
            if end > start {
                out.push((start, end));
                i = end;
            }
            continue;
        }
        if !names_secret(word) && !is_code_key(word) {
            continue;
        }
        // `key` then an optional closing quote, a separator, and a value.
        let mut j = i;
        if matches!(b.get(j), Some(b'"' | b'\'' | b'`')) {
            j += 1;
        }
        let blank_before = matches!(b.get(j), Some(c) if c.is_ascii_whitespace());
        while matches!(b.get(j), Some(c) if c.is_ascii_whitespace()) {
            j += 1;
        }
        let Some(&sep) = b.get(j) else { break };
        if !matches!(sep, b'=' | b':' | b',') {
            continue;
        }
        j += 1;
        let blank_after = matches!(b.get(j), Some(c) if c.is_ascii_whitespace());
        while matches!(b.get(j), Some(c) if c.is_ascii_whitespace()) {
            j += 1;
        }
        // A list (`"secret": ["..."]`): all of it.
        if sep == b':' && b.get(j) == Some(&b'[') {
            let end = b[j..]
                .iter()
                .position(|&c| c == b']')
                .map_or(b.len(), |e| j + e);
            if end > j + 1 {
                out.push((j + 1, end));
            }
            i = end.max(i);
            continue;
        }
        let quote = b
            .get(j)
            .copied()
            .filter(|q| matches!(q, b'"' | b'\'' | b'`'));
        if quote.is_none() && sep == b',' {
            continue;
        }
        // `token = pm.response.text()`: code, where a credential would be a quoted literal;
        // form text (`password=...`) has no blanks around its `=`.
        if quote.is_none() && sep == b'=' && (blank_before || blank_after) {
            continue;
        }
        let vstart = j + usize::from(quote.is_some());
        let mut vend = vstart;
        // Brackets opened inside an unquoted value (`[redacted:1]`) close inside it.
        let mut depth = 0usize;
        while vend < b.len() {
            let c = b[vend];
            // A `{{variable}}` reference is part of an unquoted value: its `}` ends nothing
            // (`password={{password}}` is a reference, not a secret ending at `{{password`).
            if quote.is_none() && b[vend..].starts_with(b"{{") {
                if let Some(close) = text[vend + 2..].find("}}") {
                    vend += 2 + close + 2;
                    continue;
                }
            }
            if quote.is_none() && (c == b'[' || (c == b']' && depth > 0)) {
                depth = if c == b'[' { depth + 1 } else { depth - 1 };
                vend += 1;
                continue;
            }
            // An escaped character (`\"`, `\\`) belongs to the quoted value.
            if quote.is_some() && c == b'\\' {
                vend = (vend + 2).min(b.len());
                continue;
            }
            let stop = match quote {
                Some(q) => c == q,
                // Spaces do not end a value (`Authorization: Bearer abc` is one secret, and
                // a hand-written form body may hold `password=correct horse`).
                None => matches!(
                    c,
                    b'&' | b'\n' | b'\r' | b'"' | b'\'' | b';' | b',' | b')' | b'}' | b']'
                ),
            };
            if stop {
                break;
            }
            vend += 1;
        }
        // `"password", "password": "..."` (a grant type, then the next key): what follows
        // the comma is a key, not the value; scanning goes on from that key.
        let after = b[(vend + 1).min(b.len())..]
            .iter()
            .find(|c| !c.is_ascii_whitespace());
        if sep == b',' && after == Some(&b':') {
            continue;
        }
        let value = text[vstart..vend].trim_end();
        if !value.is_empty() && is_literal_secret(value) {
            out.push((vstart, vstart + value.len()));
        }
        i = vend.max(i);
    }
    pair_values(text, &mut out);
    out
}

/// Whether `text` is (or, after a `Bearer ` prefix, holds) a JWT.
pub fn is_jwt(text: &str) -> bool {
    let t = crate::tokens::strip_bearer(text.trim()).trim();
    t.starts_with("eyJ") && jwt_end(t.as_bytes(), 0) == t.len()
}

/// `multipart/form-data` parts named for a credential: `name="password"`, a blank line, the value.
pub fn multipart_values(text: &str, out: &mut Vec<(usize, usize)>) {
    let mut from = 0;
    while let Some(pos) = text[from..].find("name=\"") {
        let key_start = from + pos + 6;
        let Some(key_len) = text[key_start..].find('"') else {
            break;
        };
        let key = &text[key_start..key_start + key_len];
        from = key_start + key_len;
        if !(names_secret(key) || is_code_key(key)) {
            continue;
        }
        let rest = &text[from..];
        let Some((blank, sep)) = ["\r\n\r\n", "\n\n"]
            .iter()
            .filter_map(|sep| rest.find(sep).map(|i| (i, sep.len())))
            .min()
        else {
            continue;
        };
        let value_start = from + blank + sep;
        let value_end = ["\r\n--", "\n--"]
            .iter()
            .filter_map(|b| text[value_start..].find(b))
            .min()
            .map_or(text.len(), |i| value_start + i);
        if value_end > value_start && is_literal_secret(&text[value_start..value_end]) {
            out.push((value_start, value_end));
        }
    }
}

/// `scheme://user:password@host`: the user-information part, unless it is only variables.
/// A password may hold an unencoded `@` or `/`: the user information runs to the last `@`
/// before the query, unless what precedes that `@` is a path (`host/users/a@b.com`).
fn url_credentials(text: &str, out: &mut Vec<(usize, usize)>) {
    for (at, _) in text.match_indices("://") {
        let start = at + 3;
        // A `'` may be part of a password (`it's`); the `@` still ends the user information.
        let end = text[start..]
            .find(|c: char| matches!(c, '?' | '#' | '"' | '`') || c.is_whitespace())
            .map_or(text.len(), |e| start + e);
        let Some(user_end) = text[start..end].rfind('@') else {
            continue;
        };
        let info = &text[start..start + user_end];
        // Past a `/` the `@` may be in the path (`host:443/users/a@b.com`): user information
        // only when what precedes the first `/` holds an `@` or a `user:password` (not a port).
        let first_segment = info.split('/').next().unwrap_or(info);
        let password_like = first_segment
            .split_once(':')
            .is_some_and(|(_, after)| !after.bytes().all(|c| c.is_ascii_digit()));
        if info.contains('/') && !password_like && !first_segment.contains('@') {
            continue;
        }
        if is_literal_secret(info) {
            out.push((start, start + user_end));
        }
    }
}

/// The `value` of a `{key: "<credential name>", value: "..."}` pair in free text (a JSON body,
/// a script's `pm.request.headers.add({key: 'Authorization', value: '...'})`; quoted or bare
/// keys, any quote), which a scan name by name cannot see: the name is in `key` (or `name`).
fn pair_values(text: &str, out: &mut Vec<(usize, usize)>) {
    let b = text.as_bytes();
    for field in ["key", "name"] {
        for (at, _) in text.match_indices(field) {
            let Some((name_start, name_end)) = member_value(b, at, field.len()) else {
                continue;
            };
            let name = &text[name_start..name_end];
            if !(names_secret(name) || is_code_key(name)) {
                continue;
            }
            let window_end = (name_end + 400).min(b.len());
            let Some(v) = text[name_end..window_end].find("value") else {
                continue;
            };
            if let Some((start, end)) = member_value(b, name_end + v, 5) {
                if is_literal_secret(&text[start..end]) {
                    out.push((start, end));
                }
            }
        }
    }
}

/// The quoted literal after the member name of `len` bytes at `at` (`key: "x"`, `"key": 'x'`):
/// its content range, escapes included; `None` when `at` is not such a member.
fn member_value(b: &[u8], at: usize, len: usize) -> Option<(usize, usize)> {
    if at > 0 && is_word(b[at - 1]) || b.get(at + len).is_some_and(|&c| is_word(c)) {
        return None;
    }
    let mut j = at + len;
    if matches!(b.get(j), Some(b'"' | b'\'' | b'`')) {
        j += 1;
    }
    while matches!(b.get(j), Some(c) if c.is_ascii_whitespace()) {
        j += 1;
    }
    if b.get(j) != Some(&b':') {
        return None;
    }
    j += 1;
    while matches!(b.get(j), Some(c) if c.is_ascii_whitespace()) {
        j += 1;
    }
    let quote = *b.get(j).filter(|q| matches!(q, b'"' | b'\'' | b'`'))?;
    let start = j + 1;
    let mut end = start;
    while end < b.len() && b[end] != quote && b[end] != b'\n' {
        end += if b[end] == b'\\' { 2 } else { 1 };
    }
    Some((start, end.min(b.len())))
}

/// Keys whose string values never hold a credential, shown in a snippet of a file that did not
/// parse (every other string there is masked). URL-valued keys are shown only when the value
/// is a plain URL, with its user information and credential parameters masked.
const SHOWN_KEYS: &[&str] = &[
    "name",
    "key",
    "type",
    "mode",
    "method",
    "listen",
    "language",
    "schema",
    "_postman_id",
    "id",
    "protocol",
    "host",
    "path",
    "port",
    "mimeType",
    "httpVersion",
    "statusText",
    "startedDateTime",
    "version",
    "grant_type",
    "grantType",
    "contentType",
];
const URL_KEYS: &[&str] = &["url", "raw", "src", "redirectURL", "href", "accessTokenUrl"];

/// Secrets in text that did not parse (a snippet under a parse error), deny by default: every
/// string literal and bare value inside `window` is masked unless its key is one of a short
/// list that never holds credentials ([`SHOWN_KEYS`]); keys themselves are shown. Knows
/// nothing of any one format, so it serves collections, environments and captures alike.
/// `window` should start where no string is open (a line start in JSON).
pub fn unparsed_secret_spans(text: &str, window: Span) -> Vec<Span> {
    let b = text.as_bytes();
    let end = window.end.min(b.len());
    let mut out = Vec::new();
    // The key governing each open container's values (an array inherits its member's key).
    let mut keys: Vec<Option<String>> = vec![None];
    let mut i = window.start.min(end);
    // Where the text stops being JSON as it stands (see below), if it does.
    let mut poisoned_at = None;
    while i < end {
        match b[i] {
            b'"' => {
                let close = literal_end(b, i, end);
                let closed = close > i + 1 && close <= end && b[close - 1] == b'"';
                let next = b[close.min(end)..end]
                    .iter()
                    .find(|c| !c.is_ascii_whitespace());
                // Not closed on its line, or followed by what no JSON string is followed by.
                if !closed || next.is_some_and(|c| !matches!(c, b':' | b',' | b'}' | b']')) {
                    poisoned_at = Some(i);
                    break;
                }
                let content = Span::new(i + 1, close - 1);
                let literal = &text[content.start..content.end];
                if next == Some(&b':') {
                    if let Some(k) = keys.last_mut() {
                        *k = Some(decode_literal(literal));
                    }
                } else {
                    let key = keys.last().and_then(|k| k.as_deref());
                    out.extend(masked_value(text, content, key));
                }
                i = close;
            }
            b'{' => {
                keys.push(None);
                i += 1;
            }
            b'[' => {
                let inherited = keys.last().cloned().flatten();
                keys.push(inherited);
                i += 1;
            }
            b'}' | b']' => {
                keys.pop();
                if keys.is_empty() {
                    keys.push(None);
                }
                i += 1;
            }
            c if c.is_ascii_whitespace() || c == b':' || c == b',' => i += 1,
            _ => {
                let start = i;
                while i < end
                    && !matches!(b[i], b'"' | b'{' | b'}' | b'[' | b']' | b':' | b',')
                    && !b[i].is_ascii_whitespace()
                {
                    i += 1;
                }
                let word = &b[start..i];
                let literal = matches!(word, b"true" | b"false" | b"null");
                let number = word
                    .iter()
                    .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'));
                // Junk: what is neither a number nor a literal.
                if !(literal || number) {
                    poisoned_at = Some(start);
                    break;
                }
                // A number is masked unless its key never holds a credential.
                let key = keys.last().and_then(|k| k.as_deref());
                if !literal && !key.is_some_and(|k| SHOWN_KEYS.contains(&k)) {
                    out.push(Span::new(start, i));
                }
            }
        }
    }
    // The quotes no longer pair up as JSON's would (a stray `"`, a raw line break in a string,
    // junk, a string cut short): what looks like a key or a shown value may be inside a
    // string. Everything from there on is masked but the punctuation.
    if let Some(at) = poisoned_at {
        mask_all(b, at, end, &mut out);
    }
    out
}

/// Masks every run of bytes from `i` to `end` but blanks and JSON punctuation.
fn mask_all(b: &[u8], mut i: usize, end: usize, out: &mut Vec<Span>) {
    let shown = |c: u8| c.is_ascii_whitespace() || b"{}[]:,\"".contains(&c);
    while i < end {
        if shown(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < end && !shown(b[i]) {
            i += 1;
        }
        out.push(Span::new(start, i));
    }
}

/// The end (exclusive) of the string literal opening at `open`: past its closing quote, or at
/// the line's end or `limit` when it is not closed.
fn literal_end(b: &[u8], open: usize, limit: usize) -> usize {
    let mut j = open + 1;
    while j < limit {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            b'\n' | b'\r' => return j,
            _ => j += 1,
        }
    }
    limit
}

/// A literal's text with JSON escapes decoded (lossily: only to compare keys).
fn decode_literal(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_owned();
    }
    serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_owned())
}

/// The parts of a value literal (`content`, quotes excluded) to mask, given its key.
fn masked_value(text: &str, content: Span, key: Option<&str>) -> Vec<Span> {
    let raw = &text[content.start..content.end];
    if raw.is_empty() {
        return Vec::new();
    }
    let whole = vec![content];
    let Some(key) = key else { return whole };
    if SHOWN_KEYS.contains(&key) {
        return Vec::new();
    }
    if URL_KEYS.contains(&key) && is_plain_url(raw) {
        return embedded_secrets(raw)
            .into_iter()
            .map(|(s, e)| Span::new(content.start + s, content.start + e))
            .collect();
    }
    whole
}

/// A URL with nothing to decode: a scheme or a `{{variable}}` first, no blanks or escapes.
fn is_plain_url(raw: &str) -> bool {
    let schemed = raw.find("://").is_some_and(|i| {
        i > 0
            && raw[..i]
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'-')
    });
    (schemed || raw.starts_with("{{"))
        && !raw
            .bytes()
            .any(|c| c.is_ascii_whitespace() || c == b'\\' || c == b'"')
}

/// `text` with its secrets masked, for a fragment of JSON that a fix inserts (`, {...}`, a
/// member, a value): parsed where it can be, so its secrets are found as in the file; where it
/// cannot, masked deny by default.
pub fn masked_fragment(text: &str) -> String {
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == ',');
    let offset = text.len()
        - text
            .trim_start_matches(|c: char| c.is_whitespace() || c == ',')
            .len();
    for (open, close) in [("", ""), ("{", "}"), ("[", "]")] {
        let wrapped = format!("{open}{trimmed}{close}");
        if let Ok(doc) = Document::parse(Text::from(wrapped.as_str())) {
            let spans: Vec<Span> = secret_spans(&doc, &[Span::new(0, wrapped.len())])
                .into_iter()
                .map(|s| Span::new(s.start - open.len() + offset, s.end - open.len() + offset))
                .collect();
            return mask_spans(text, &spans);
        }
    }
    // Text inside a string literal (a script's expression, a URL): free text, as in the file.
    masked_free_text(text)
}

/// Free text with the credentials it quotes masked (see [`embedded_secrets`]).
pub fn masked_free_text(text: &str) -> String {
    let spans: Vec<Span> = embedded_secrets(text)
        .into_iter()
        .map(|(s, e)| Span::new(s, e))
        .collect();
    mask_spans(text, &spans)
}

/// Credentials that a message quotes from the file: a URL's user information and
/// credential parameters, and JWTs. (Prose such as `sends no token: no auth is set` is not
/// read as `name: value`.)
pub fn secrets_in_message(text: &str) -> Vec<Span> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices("://") {
        let start = text[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.'))
            .map_or(0, |i| i + 1);
        let end = text[at..]
            .find(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | '<' | '>'))
            .map_or(text.len(), |e| at + e);
        out.extend(
            embedded_secrets(&text[start..end])
                .into_iter()
                .map(|(s, e)| Span::new(start + s, start + e)),
        );
    }
    let mut i = 0;
    while let Some(pos) = text[i..].find("eyJ") {
        let start = i + pos;
        let end = jwt_end(b, start);
        if end > start && (start == 0 || !is_word(b[start - 1])) {
            out.push(Span::new(start, end));
        }
        i = end.max(start + 3);
    }
    out
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// The end of a JWT (`eyJ...` header, payload and optional signature) starting at `start`;
/// `start` when it is not one.
fn jwt_end(b: &[u8], start: usize) -> usize {
    let segment = |mut i: usize| {
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
            i += 1;
        }
        i
    };
    let h = segment(start);
    if h - start < 10 || b.get(h) != Some(&b'.') {
        return start;
    }
    let p = segment(h + 1);
    if p == h + 1 {
        return start;
    }
    if b.get(p) == Some(&b'.') {
        segment(p + 1)
    } else {
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unparsed_yaml_shows_keys_names_and_variables_only() {
        let text = "name: Prod # owner: hunter2\nvalues:\n  - key: client_secret\n    value: s3cr3tvalue\n  - key: url\n    value: {{base}}/x?token=abc123\n  - key: body\n    value: |-\n      {\"password\": \"pw123\"}\n    type: secret\n";
        let shown = masked_yaml(text);
        assert_eq!(shown.len(), text.len());
        for secret in ["hunter2", "s3cr3tvalue", "abc123", "pw123", "password"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        for visible in [
            "name: Prod",
            "- key: client_secret",
            "{{base}}",
            "value: |-",
            "type: secret",
        ] {
            assert!(shown.contains(visible), "{visible} not in {shown}");
        }
        // A comment after a shown value is masked from its `#` on, the value kept whole.
        let first = shown.lines().next().unwrap();
        assert_eq!(
            first,
            format!("name: Prod #{}", "*".repeat(" owner: hunter2".len()))
        );
    }

    /// Around `{{variable}}` references, every other byte of a value is masked, whatever
    /// comes before, between or after them.
    #[test]
    fn unparsed_yaml_masks_all_but_variable_references() {
        for (text, want) in [
            ("value: {{a}}hunter2\n", "value: {{a}}*******\n"),
            ("value: pre{{a}}post\n", "value: ***{{a}}****\n"),
            ("value: x{{a}}yy{{b}}zzz\n", "value: *{{a}}**{{b}}***\n"),
            ("value: {{a}}{{b\n", "value: {{a}}***\n"),
        ] {
            assert_eq!(masked_yaml(text), want, "{text:?}");
        }
    }

    /// A HAR body flagged base64 is masked whole when its decoded text holds a credential
    /// (or, when it does not decode, its own text does); the object's other members are
    /// judged as usual.
    #[test]
    fn base64_bodies_are_judged_decoded() {
        use base64::Engine;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let spans_of = |text: &str| -> Vec<String> {
            let doc = Document::parse(Text::from(text)).unwrap();
            secret_spans(&doc, &[Span::new(0, text.len())])
                .iter()
                .map(|s| text[s.start..s.end].to_owned())
                .collect()
        };
        let body = |text: &str| {
            format!(
                r#"{{"content": {{"mimeType": "text/plain", "encoding": "base64", "text": "{text}", "password": "pw-literal-123"}}}}"#
            )
        };
        let hidden = b64("grant_type=password&password=hunter2xyz");
        assert_eq!(
            spans_of(&body(&hidden)),
            [hidden.as_str(), "pw-literal-123"]
        );
        assert_eq!(spans_of(&body(&b64("hello world"))), ["pw-literal-123"]);
        // Not base64 after all: the text itself is judged.
        assert_eq!(
            spans_of(&body("password=hunter2xyz!")),
            ["password=hunter2xyz!", "pw-literal-123"]
        );
        assert_eq!(spans_of(&body("hello, world!")), ["pw-literal-123"]);
    }

    /// A v12 API key's `value` is masked whatever its header is called; nothing else of the
    /// auth object is.
    #[test]
    fn v12_api_key_values_are_masked() {
        let text = r#"{"type": "apikey", "credentials": {"key": "X-Custom", "value": "k3y-s3cr3t", "in": "header"}, "extra": {"value": "shown-text"}}"#;
        let doc = Document::parse(Text::from(text)).unwrap();
        let spans: Vec<&str> = secret_spans(&doc, &[Span::new(0, text.len())])
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(spans, ["k3y-s3cr3t"]);
    }

    /// Keys are read up to 64 bytes; longer text is not a key.
    #[test]
    fn a_key_of_64_bytes_can_name_a_secret() {
        let key = format!("{}password", "x".repeat(56));
        assert_eq!(key.len(), 64);
        assert!(names_secret(&key));
        assert!(!names_secret(&format!("x{key}")));
    }

    /// Free text: a list of secrets is masked inside its brackets; a word that merely
    /// starts like a JWT is not one; code that assigns a call to a credential-named variable
    /// (a blank on either side of `=`) shows, form text does not.
    #[test]
    fn embedded_secrets_in_lists_jwt_lookalikes_and_code() {
        assert_eq!(
            found(r#"{"client_secret": ["s1", "s2"]}"#),
            [r#""s1", "s2""#]
        );
        assert_eq!(found(r#"{"client_secret": []}"#), Vec::<&str>::new());
        assert_eq!(found("eyJust a word"), Vec::<&str>::new());
        for code in ["token= pm.response.text()", "token =pm.response.text()"] {
            assert_eq!(found(code), Vec::<&str>::new(), "{code}");
        }
        assert_eq!(found("a=1&password=hunter2xyz"), ["hunter2xyz"]);
        // Brackets opened in an unquoted value close in it; a `]` beyond them ends it.
        assert_eq!(found("password=a[b[c]]d&x=1"), ["a[b[c]]d"]);
        assert_eq!(found("password=a[b]c]d&x=1"), ["a[b]c"]);
        assert_eq!(found("password=abc]def&x=1"), ["abc"]);
        // A variable reference is no secret.
        assert_eq!(found("password={{pw}}&x=1"), Vec::<&str>::new());
    }

    /// In a multipart body, a credential part's value is masked from after its blank line
    /// to the next boundary; a variable reference there is not.
    #[test]
    fn multipart_credential_parts_are_masked() {
        let part = |nl: &str, value: &str| {
            format!(
                "--b{nl}Content-Disposition: form-data; name=\"password\"{nl}{nl}{value}{nl}--b--{nl}"
            )
        };
        for nl in ["\r\n", "\n"] {
            assert_eq!(found(&part(nl, "hunter2xyz")), ["hunter2xyz"], "{nl:?}");
            assert_eq!(found(&part(nl, "{{pw}}")), Vec::<&str>::new(), "{nl:?}");
        }
    }

    /// Overlapping and nested windows mask as their union: a secret inside one window is
    /// masked whatever other windows lie within it.
    #[test]
    fn overlapping_windows_mask_as_their_union() {
        let text = r#"{"name": "a", "note": "b", "other": "c", "auth": {"client_secret": "s3cr3t-value"}}"#;
        let doc = Document::parse(Text::from(text)).unwrap();
        let secret = text.find("s3cr3t").unwrap();
        let whole = Span::new(0, text.len());
        let (a, b) = (Span::new(10, 20), Span::new(30, 40));
        assert!(b.end < secret);
        for windows in [vec![whole, a, b], vec![b, whole, a], vec![a, b, whole]] {
            let spans = secret_spans(&doc, &windows);
            assert!(
                spans.iter().any(|s| s.start == secret),
                "{windows:?}: {spans:?}"
            );
        }
    }

    /// The texts `embedded_secrets` finds in `text`.
    fn found(text: &str) -> Vec<&str> {
        embedded_secrets(text)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect()
    }

    fn masked(text: &str) -> String {
        let doc = Document::parse(Text::from(text)).unwrap();
        let mut bytes = text.as_bytes().to_vec();
        for s in secret_spans(&doc, &[Span::new(0, text.len())]) {
            bytes[s.start..s.end].fill(b'*');
        }
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn masks_credential_values_but_not_variables_or_urls() {
        let text = r#"{"oauth2": [
            {"key": "clientSecret", "value": "s3cr3t-value"},
            {"key": "password", "value": "{{password}}"},
            {"key": "accessTokenUrl", "value": "https://app.scopestack.io/oauth/token"},
            {"key": "grant_type", "value": "password_credentials"}],
          "header": [{"key": "Authorization", "value": "Bearer abc.def-123"},
                     {"key": "X", "value": "Bearer {{token}}"}],
          "values": [{"key": "harmless", "value": "hidden-too", "type": "secret"}],
          "client_secret": "literal-secret"}"#;
        let out = masked(text);
        for secret in [
            "s3cr3t-value",
            "abc.def-123",
            "hidden-too",
            "literal-secret",
        ] {
            assert!(!out.contains(secret), "{secret} leaked:\n{out}");
        }
        for shown in [
            "{{password}}",
            "https://app.scopestack.io/oauth/token",
            "password_credentials",
            "Bearer {{token}}",
        ] {
            assert!(out.contains(shown), "{shown} hidden:\n{out}");
        }
    }

    #[test]
    fn overlap_against_merged_windows() {
        let w = [Span::new(0, 5), Span::new(10, 20)];
        assert!(overlaps(Span::new(4, 6), &w));
        assert!(!overlaps(Span::new(5, 10), &w));
        assert!(overlaps(Span::new(19, 30), &w));
        assert!(!overlaps(Span::new(20, 30), &w));
        assert!(overlaps(Span::new(0, 100), &w));
    }

    #[test]
    fn only_walks_what_overlaps_the_windows() {
        let text = r#"{"a": {"password": "first-secret"}, "b": {"password": "second-secret"}}"#;
        let doc = Document::parse(Text::from(text)).unwrap();
        let b = text.find("\"b\"").unwrap();
        let spans = secret_spans(&doc, &[Span::new(b, text.len())]);
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].start..spans[0].end], "second-secret");
    }

    #[test]
    fn recognises_jwts() {
        assert!(is_jwt("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"));
        assert!(is_jwt("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"));
        assert!(!is_jwt("eyJ-not-a-jwt"));
        assert!(!is_jwt("{{jwt}}"));
    }

    #[test]
    fn masks_inside_form_text_scripts_and_jwts() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        let text = format!(
            r#"["grant_type=password&password=hunter2&client_id=x",
                "pm.environment.set('access_token', 'tok-literal');",
                "pm.environment.set('access_token', pm.response.json().access_token);",
                "{jwt}"]"#
        );
        let out = masked(&text);
        for secret in ["hunter2", "tok-literal", "c2lnbmF0dXJl", "eyJzdWIiOiIxIn0"] {
            assert!(!out.contains(secret), "{secret} leaked:\n{out}");
        }
        assert!(out.contains("pm.response.json().access_token"));
        assert!(out.contains("grant_type=password"));
    }

    #[test]
    fn masks_headers_api_keys_url_passwords_and_raw_bodies() {
        let text = r#"{"header": "Authorization: Bearer HDRSECRET456\nX-Foo: 1",
          "apikey": [{"key": "value", "value": "APIKEYSECRET123"}, {"key": "key", "value": "X-Api-Key"}],
          "v20": {"apikey": {"key": "X-Api-Key", "value": "MAPKEY99"}},
          "url": "https://admin:URLPASS99@api.scopestack.io/oauth/token",
          "raw": "client_secret: RAWSECRET\nAuthorization=Basic QUJD",
          "vars": "https://{{user}}:{{pass}}@host/"}"#;
        let out = masked(text);
        for secret in [
            "HDRSECRET456",
            "APIKEYSECRET123",
            "MAPKEY99",
            "URLPASS99",
            "RAWSECRET",
            "QUJD",
        ] {
            assert!(!out.contains(secret), "{secret} leaked:\n{out}");
        }
        for shown in [
            "X-Api-Key",
            "X-Foo: 1",
            "api.scopestack.io/oauth/token",
            "{{user}}:{{pass}}@host",
        ] {
            assert!(out.contains(shown), "{shown} hidden:\n{out}");
        }
    }

    #[test]
    fn raw_text_of_a_broken_file_is_masked_too() {
        let text = r#"{"auth": {"bearer": [{"key": "token", "value": "BEARERLEAK", "type": "string"}]},
          "x": {"password": "PWLEAK"}, "item": [,]}"#;
        let mut bytes = text.as_bytes().to_vec();
        for (s, e) in embedded_secrets(text) {
            bytes[s..e].fill(b'*');
        }
        let out = String::from_utf8(bytes).unwrap();
        assert!(
            !out.contains("BEARERLEAK") && !out.contains("PWLEAK"),
            "{out}"
        );
        assert!(out.contains(r#""key": "token""#));
    }

    fn mask_unparsed(text: &str) -> String {
        mask_spans(text, &unparsed_secret_spans(text, Span::new(0, text.len())))
    }

    #[test]
    fn unparsed_text_is_masked_deny_by_default() {
        let text = r#"{"name": "Get token", "method": "POST", "header": [
            {"key": "Authorization", "value": "Bearer HDR-LEAK-1"},
            {"name": "X-Custom", "value": "ODD-LEAK-2"}],
          "url": "https://pat:URL-LEAK-3@api.scopestack.io/v1/x?access_token=QRY-LEAK-4&page=2",
          "raw": "{\"password\": \"RAW-LEAK-5\"}",
          "text": "{\"access_token\":\"TXT-LEAK-6\"}", "pin": 12345678,
          "host": ["api", "scopestack", "io"], "disabled": true,
          "exec": ["pm.environment.set(\"x\", \"JS-LEAK-7\")"],
          "description": "CUT-LEAK-8"#;
        let out = mask_unparsed(text);
        for leak in [
            "HDR-LEAK", "ODD-LEAK", "URL-LEAK", "QRY-LEAK", "RAW-LEAK", "TXT-LEAK", "12345678",
            "JS-LEAK", "CUT-LEAK",
        ] {
            assert!(!out.contains(leak), "{leak} leaked:\n{out}");
        }
        for shown in [
            "\"Get token\"",
            "\"POST\"",
            "\"Authorization\"",
            "\"X-Custom\"",
            "@api.scopestack.io/v1/x?access_token=",
            "&page=2",
            "\"scopestack\"",
            "true",
            "\"description\"",
        ] {
            assert!(out.contains(shown), "{shown} hidden:\n{out}");
        }
    }

    /// A literal the line ends inside is no string JSON has: even when a quote on the next
    /// line would close it, everything from it on is masked. A URL value with a blank in it
    /// is masked whole (its user information cannot be told apart).
    #[test]
    fn open_literals_and_urls_with_blanks_are_masked() {
        let text = "{\"description\": \"broken\n\", \"name\": \"Hidden-Name\"}";
        let out = mask_unparsed(text);
        assert!(
            !out.contains("Hidden-Name") && out.contains("\"description\""),
            "{out}"
        );
        let text =
            "{\"name\": \"Shown-Name\", \"url\": \"https://pat:LEAK B@api.scopestack.io/v1\"}";
        let out = mask_unparsed(text);
        assert!(out.contains("\"Shown-Name\""), "{out}");
        for leak in ["LEAK", "pat:", "scopestack"] {
            assert!(!out.contains(leak), "{leak} leaked:\n{out}");
        }
    }

    #[test]
    fn a_window_that_starts_mid_document_masks_values_it_cannot_place() {
        let text = "\t\"value\": \"LEAK-ONE\"},\n\t{\"key\": \"k\", \"value\": \"LEAK-TWO\"}]}";
        let out = mask_unparsed(text);
        assert!(!out.contains("LEAK"), "{out}");
        assert!(out.contains("\"k\""), "{out}");
    }

    #[test]
    fn fragments_a_fix_inserts_are_masked_like_the_file() {
        let member = ",\n\t{\"type\": \"apikey\", \"apikey\": [{\"key\": \"value\", \"value\": \"APIKEY-FRAG\"}]}";
        assert!(!masked_fragment(member).contains("APIKEY-FRAG"));
        let header = r#"{"key": "Authorization", "value": "Bearer {\"access_token\": \"x\"}"}"#;
        assert!(!masked_fragment(header).contains("access_token"));
        let pair = r#""password": "PAIR-FRAG","#;
        assert!(!masked_fragment(pair).contains("PAIR-FRAG"));
        // Code inserted into a script is shown as it is.
        let code = "pm.response.json().access_token";
        assert_eq!(masked_fragment(code), code);
        let plain = r#"{"key": "Accept", "value": "application/vnd.api+json"}"#;
        assert_eq!(masked_fragment(plain), plain);
        // Exactly the secret's bytes, whatever the fragment is parsed wrapped in (a member in
        // `{}`, elements in `[]`) and whatever blanks and commas lead it.
        let stars = |text: &str, secret: &str| text.replace(secret, &"*".repeat(secret.len()));
        for fragment in [
            ",\n\t\"password\": \"PAIR-FRAG\",",
            ", {\"key\": \"password\", \"value\": \"ELEMENT-FRAG\"}, {\"key\": \"k\", \"value\": \"v\"}",
            " \"client_secret\": \"MEMBER-FRAG\", \"grant_type\": \"password\"",
        ] {
            let secret = fragment.split('"').find(|w| w.ends_with("-FRAG")).unwrap();
            assert_eq!(masked_fragment(fragment), stars(fragment, secret));
        }
    }

    #[test]
    fn free_text_values_are_masked_whole() {
        // A backslash or an escaped quote does not end a quoted value.
        let out =
            masked_free_text(r#"{"password": "ab\\Secret2\"x", "client_secret": "ok-SECRET"}"#);
        assert!(!out.contains("Secret2") && !out.contains("SECRET"), "{out}");
        // A grant type followed by the `password` key: the value after the key is masked,
        // the key is not.
        let out = masked_free_text(r#"{"grant_type": "password", "password": "PW-AFTER"}"#);
        assert!(
            out.contains(r#""password": "#) && !out.contains("PW-AFTER"),
            "{out}"
        );
        // `=`: spaces do not end a value (a hand-written form body); `name = expr` is code.
        let out = masked_free_text(
            "password=correct horse EQ-SECRET staple&x=1; Authorization=Basic QUJDRA",
        );
        assert!(
            !out.contains("EQ-SECRET") && !out.contains("QUJDRA") && out.contains("&x=1"),
            "{out}"
        );
        let code = "const token = pm.response.text(); var password =\t'TAB-SECRET';";
        let out = masked_free_text(code);
        assert!(
            out.contains("const token = pm.response.text();") && !out.contains("TAB-SECRET"),
            "{out}"
        );
        // A password with an unencoded `@` and `/`; a path with an `@` is not one.
        let out = masked_free_text(
            "https://pat:p@ss/w0rdX@api.scopestack.io/v1 https://h.io/users/a@b.com",
        );
        assert!(
            !out.contains("w0rdX") && out.contains("@api.scopestack.io/v1"),
            "{out}"
        );
        assert!(out.contains("h.io/users/a@b.com"), "{out}");
    }

    #[test]
    fn secrets_without_letters_or_digits_are_secrets() {
        assert!(is_literal_secret("!@#$%^&*()-=+[]~"));
        assert!(is_literal_secret("\u{1f511}\u{1f510}"));
        assert!(!is_literal_secret("{{password}}"));
        assert!(!is_literal_secret(":"));
        assert!(!is_literal_secret("Bearer {{token}}"));
    }

    #[test]
    fn messages_mask_quoted_urls_and_jwts_but_not_prose() {
        let m = "request `x` sends no token: no auth is set at any level";
        assert!(secrets_in_message(m).is_empty());
        let m = "calls `https://pat:MSG-PW@api.scopestack.io/v1/x?access_token=MSG-TOK` and eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
        let out = mask_spans(m, &secrets_in_message(m));
        assert!(
            !out.contains("MSG-PW") && !out.contains("MSG-TOK") && !out.contains("eyJzdWIi"),
            "{out}"
        );
        // Only the URL is read for credentials, not the prose around it.
        let m = "no token: no auth is set, so `https://api.scopestack.io/v1/x?page=2` sends token: none";
        assert_eq!(secrets_in_message(m), []);
        let m = "`https://pat:MSG-PW2@api.scopestack.io/v1`";
        let out = mask_spans(m, &secrets_in_message(m));
        assert_eq!(
            out,
            format!("`https://{}@api.scopestack.io/v1`", "*".repeat(11))
        );
    }

    /// A JWT in a message is masked whole (its signature too) where it begins a word and its
    /// header is ten characters or more and followed by a dot; `eyJ` elsewhere is text.
    #[test]
    fn message_jwts_are_found_whole_and_only_where_they_begin() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        let m = format!("{jwt} was sent");
        assert_eq!(secrets_in_message(&m), [Span::new(0, jwt.len())]);
        let m = format!("token `{jwt}`");
        assert_eq!(secrets_in_message(&m), [Span::new(7, 7 + jwt.len())]);
        // Header exactly ten characters, no signature.
        let m = "sent eyJhbGciOi.cGF5bG9hZA here";
        assert_eq!(secrets_in_message(m), [Span::new(5, 26)]);
        for text in [
            "eyJ alone",
            "the header eyJ is short",
            "a message about eyJhbGciO.cGF5bG9hZA (header of nine)",
            "a header without a payload: eyJhbGciOiJIUzI1NiJ9 and more",
            "a header and a dot: eyJhbGciOiJIUzI1NiJ9. and more",
            "set {{turkeyJerkyRecipes.name}} first",
        ] {
            assert_eq!(secrets_in_message(text), [], "{text}");
        }
    }

    #[test]
    fn stray_quotes_and_line_breaks_mask_the_rest() {
        for text in [
            r#"{"values": [{"key": "client "secret", "value": "LEAK-A"}]}"#,
            r#"{"name": "say "hi there", "password": "LEAK-B", "method": "GET"}"#,
            "{\"name\": \"Get\n token\", \"value\": \"LEAK-C\"}",
            r#"{"name": "x" "LEAK-D": 1}"#,
        ] {
            let out = mask_unparsed(text);
            assert!(!out.contains("LEAK"), "{out}");
        }
    }

    #[test]
    fn credentials_that_are_not_strings_are_masked() {
        let text = r#"{"values": [{"key": "password", "value": 31415926535},
            {"key": "token", "value": ["LEAK-ARR"]}, {"key": "secret", "value": {"v": "LEAK-OBJ"}}],
            "password": 27182818, "apikey": [{"key": "value", "value": 16180339}]}"#;
        let out = masked(text);
        for leak in [
            "31415926535",
            "LEAK-ARR",
            "LEAK-OBJ",
            "27182818",
            "16180339",
        ] {
            assert!(!out.contains(leak), "{leak}: {out}");
        }
    }

    #[test]
    fn free_text_gaps_the_review_found() {
        for text in [
            "{\"password\":\t\"LEAK-1\", \"client_secret\":\n\"LEAK-2\"}",
            r#"{"secret": ["LEAK-3", "LEAK-4"]}"#,
            r#"pm.request.headers.upsert({key:"X-Api-Key",value:"LEAK-5"});"#,
            "pm.request.headers.add({key: 'Authorization', value: 'Bearer LEAK-6'});",
            r#"[{"name": "client_secret", "value": "LEAK-7"}]"#,
            "https://pat:it's'LEAK-8@api.scopestack.io/v1/clients",
            // Quoted names with another member between name and value; a value the text
            // ends inside.
            r#"[{"key": "X-Api-Key", "type": "text", "value": "LEAK-9"}]"#,
            "pm.request.headers.add({key: 'X-Api-Key', type: 'text', value: 'LEAK-10",
            "pm.request.headers.add({key : 'X-Api-Key', type: 'text', value : 'LEAK-11'});",
        ] {
            let out = masked_free_text(text);
            assert!(!out.contains("LEAK"), "{out}");
        }
        // A port is not a password: nothing of this URL is a credential.
        let url = "https://api.scopestack.io:443/v1/users/pat@example.com/projects";
        assert_eq!(masked_free_text(url), url);
    }
}
