//! `scopelint redact`: a copy of a HAR capture safe to share. Credentials in headers, cookies,
//! query strings, form fields, request bodies and JSON response bodies become `[redacted:N]`,
//! numbered by original value (so the same token or code stays recognisably the same, and
//! scopelint diagnoses the copy as it did the original). The shape stays: `Bearer
//! [redacted:1]`, JSON stays JSON. Idempotent; prints counts, never values.

use crate::text::Text;
use std::collections::{BTreeMap, HashMap};

use base64::Engine;

use crate::document::{Document, Kind, NodeId};
use crate::fix::{apply, Edit};
use crate::secrets::{is_code_key, names_secret};

pub use crate::secrets::PLACEHOLDER;

/// Whether `value` starts with a whole placeholder, `[redacted:N]`.
fn is_redacted(value: &str) -> bool {
    value
        .strip_prefix(PLACEHOLDER)
        .and_then(|rest| rest.split_once(']'))
        .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
}

/// Placeholders by original value, and counts by kind.
#[derive(Default)]
pub struct Redactor {
    numbers: HashMap<String, usize>,
    pub counts: BTreeMap<&'static str, usize>,
}

impl Redactor {
    fn placeholder(&mut self, kind: &'static str, value: &str) -> Option<String> {
        // Only `{{variable}}` references (an unresolved template) hide nothing; a value that
        // starts with a placeholder (`[redacted:3]`, or `[redacted:3] is wrong` in free text)
        // was redacted before: running again changes nothing.
        if is_redacted(value) || !crate::secrets::is_literal_secret(value) {
            return None;
        }
        let next = self.numbers.len() + 1;
        let n = *self.numbers.entry(value.to_owned()).or_insert(next);
        *self.counts.entry(kind).or_default() += 1;
        Some(format!("{PLACEHOLDER}{n}]"))
    }

    /// The redacted text of a HAR document; `None` when it is not one.
    pub fn redact(&mut self, doc: &Document) -> Option<String> {
        crate::har::not_har(doc).map_or(Some(()), |_| None)?;
        let log = doc.get(doc.root(), "log")?;
        let entries = doc.get(log, "entries")?;
        let mut edits = Vec::new();
        for entry in doc.elements(entries) {
            if let Some(req) = doc.get(entry, "request") {
                self.headers(doc, doc.get(req, "headers"), &mut edits);
                self.cookies(doc, doc.get(req, "cookies"), &mut edits);
                self.pairs(
                    doc,
                    doc.get(req, "queryString"),
                    "query parameters",
                    &mut edits,
                );
                if let Some(url) = doc.get(req, "url") {
                    self.string(doc, url, |r, s| r.url(s), &mut edits);
                }
                if let Some(post) = doc.get(req, "postData") {
                    self.pairs(doc, doc.get(post, "params"), "form fields", &mut edits);
                    if let Some(text) = doc.get(post, "text") {
                        self.string(doc, text, |r, s| r.body(s, "request bodies"), &mut edits);
                    }
                }
            }
            if let Some(resp) = doc.get(entry, "response") {
                self.headers(doc, doc.get(resp, "headers"), &mut edits);
                // Chrome repeats a redirect's `Location` here (codes and tokens included).
                if let Some(url) = doc.get(resp, "redirectURL") {
                    self.string(doc, url, |r, s| r.url(s), &mut edits);
                }
                self.cookies(doc, doc.get(resp, "cookies"), &mut edits);
                if let Some(content) = doc.get(resp, "content") {
                    let base64 = doc
                        .get(content, "encoding")
                        .is_some_and(|e| doc.str_eq(e, "base64"));
                    if let Some(text) = doc.get(content, "text") {
                        self.string(
                            doc,
                            text,
                            |r, s| {
                                if base64 {
                                    r.base64_body(s)
                                } else {
                                    r.body(s, "response bodies")
                                }
                            },
                            &mut edits,
                        );
                    }
                }
            }
        }
        // Anything else that is a URL (page titles, initiators, custom fields) may carry a
        // code or token in its query or fragment.
        let edited: std::collections::HashSet<usize> = edits.iter().map(|e| e.span.start).collect();
        let mut more = Vec::new();
        self.urls_anywhere(doc, doc.root(), &edited, &mut more);
        edits.extend(more);
        let refs: Vec<&Edit> = edits.iter().collect();
        Some(apply(doc.text(), &refs))
    }

    fn urls_anywhere(
        &mut self,
        doc: &Document,
        node: NodeId,
        edited: &std::collections::HashSet<usize>,
        edits: &mut Vec<Edit>,
    ) {
        match doc.kind(node) {
            Kind::Object => {
                for (_, v) in doc.members(node) {
                    self.urls_anywhere(doc, v, edited, edits);
                }
            }
            Kind::Array => {
                for e in doc.elements(node) {
                    self.urls_anywhere(doc, e, edited, edits);
                }
            }
            Kind::String if !edited.contains(&doc.span(node).start) => {
                let looks_like_url = doc.as_str(node).is_some_and(|t| {
                    t.len() < 8192
                        && (t.contains("://") || t.starts_with('/'))
                        && t.contains(['?', '#'])
                });
                if looks_like_url {
                    self.string(doc, node, |r, s| r.url(s), edits);
                }
            }
            _ => {}
        }
    }

    /// Rewrites a string node with `f`, when `f` changes it.
    fn string(
        &mut self,
        doc: &Document,
        node: NodeId,
        f: impl FnOnce(&mut Self, &str) -> Option<String>,
        edits: &mut Vec<Edit>,
    ) {
        let Some(value) = doc.as_str(node) else {
            return;
        };
        if let Some(new) = f(self, &value) {
            if new != value {
                let literal = serde_json::to_string(&new).unwrap_or_default();
                edits.push(Edit::replace(doc.span(node), literal));
            }
        }
    }

    fn headers(&mut self, doc: &Document, list: Option<NodeId>, edits: &mut Vec<Edit>) {
        for h in list.into_iter().flat_map(|l| doc.elements(l)) {
            let Some(name) = doc.get(h, "name").and_then(|n| doc.as_str(n)) else {
                continue;
            };
            let Some(value) = doc.get(h, "value") else {
                continue;
            };
            let lower = name.to_ascii_lowercase();
            self.string(
                doc,
                value,
                |r, v| match lower.as_str() {
                    "authorization" | "proxy-authorization" => r.authorization(v),
                    "cookie" => r.cookie_header(v, false),
                    // Some exporters join several Set-Cookie headers with newlines.
                    "set-cookie" => {
                        let lines: Vec<String> = v
                            .split('\n')
                            .map(|line| {
                                r.cookie_header(line, true)
                                    .unwrap_or_else(|| line.to_owned())
                            })
                            .collect();
                        let joined = lines.join("\n");
                        (joined != v).then_some(joined)
                    }
                    "location" | "referer" | ":path" | "content-location" => r.url(v),
                    _ if names_secret(&lower) => r.placeholder("headers", v),
                    _ => None,
                },
                edits,
            );
        }
    }

    fn cookies(&mut self, doc: &Document, list: Option<NodeId>, edits: &mut Vec<Edit>) {
        for c in list.into_iter().flat_map(|l| doc.elements(l)) {
            if let Some(value) = doc.get(c, "value") {
                self.string(doc, value, |r, v| r.placeholder("cookies", v), edits);
            }
        }
    }

    fn pairs(
        &mut self,
        doc: &Document,
        list: Option<NodeId>,
        kind: &'static str,
        edits: &mut Vec<Edit>,
    ) {
        for p in list.into_iter().flat_map(|l| doc.elements(l)) {
            let secret = doc
                .get(p, "name")
                .and_then(|n| doc.as_str(n))
                .is_some_and(|n| names_secret(&n) || is_code_key(&n));
            if let (true, Some(value)) = (secret, doc.get(p, "value")) {
                self.string(doc, value, |r, v| r.placeholder(kind, v), edits);
            }
        }
    }

    /// `Bearer abc` → `Bearer [redacted:1]`; a JSON object token keeps its shape.
    fn authorization(&mut self, value: &str) -> Option<String> {
        let trimmed = value.trim();
        let is_json = |t: &str| t.starts_with('{') && Document::parse(Text::from(t)).is_ok();
        if is_json(trimmed) {
            return self.json(trimmed, "authorization headers");
        }
        let (scheme, token) = match trimmed.split_once(char::is_whitespace) {
            Some((scheme, token)) => (scheme, token.trim()),
            None => ("", trimmed),
        };
        if is_json(token) {
            let redacted = self.json(token, "authorization headers")?;
            return Some(format!("{scheme} {redacted}"));
        }
        let placeholder = self.placeholder("authorization headers", token)?;
        Some(if scheme.is_empty() {
            placeholder
        } else {
            format!("{scheme} {placeholder}")
        })
    }

    /// `a=1; b=2` (Cookie), or `name=value; Path=/` (Set-Cookie: the first pair only).
    fn cookie_header(&mut self, value: &str, set_cookie: bool) -> Option<String> {
        let mut changed = false;
        let parts: Vec<String> = value
            .split(';')
            .enumerate()
            .map(|(i, part)| {
                if set_cookie && i > 0 {
                    return part.to_owned();
                }
                match part.split_once('=') {
                    Some((k, v)) => match self.placeholder("cookies", v.trim()) {
                        Some(p) => {
                            changed = true;
                            format!("{k}={p}")
                        }
                        None => part.to_owned(),
                    },
                    None => part.to_owned(),
                }
            })
            .collect();
        changed.then(|| parts.join(";"))
    }

    /// Credential query parameters (and the authorization `code`) in a URL, and in its
    /// fragment (`#access_token=...` from the implicit grant).
    fn url(&mut self, url: &str) -> Option<String> {
        let (rest, fragment) = match url.split_once('#') {
            Some((r, f)) => (r, Some(f)),
            None => (url, None),
        };
        let (base, query) = match rest.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (rest, None),
        };
        // `https://user:password@host`: the user information.
        let new_base = self.replace_ranges(
            base,
            crate::secrets::embedded_secrets(base),
            "URL passwords",
        );
        let new_query = query.and_then(|q| self.form(q, "query parameters"));
        let new_fragment = fragment.and_then(|f| self.form(f, "query parameters"));
        if new_base.is_none() && new_query.is_none() && new_fragment.is_none() {
            return None;
        }
        let mut out = new_base.unwrap_or_else(|| base.to_owned());
        if let Some(q) = new_query.as_deref().or(query) {
            out.push('?');
            out.push_str(q);
        }
        if let Some(f) = new_fragment.as_deref().or(fragment) {
            out.push('#');
            out.push_str(f);
        }
        Some(out)
    }

    /// `a=1&password=x` form text.
    fn form(&mut self, text: &str, kind: &'static str) -> Option<String> {
        let mut changed = false;
        let pairs: Vec<String> = text
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) if names_secret(&crate::har::percent_decode(k)) || is_code_key(k) => {
                    match self.placeholder(kind, v) {
                        Some(p) => {
                            changed = true;
                            format!("{k}={p}")
                        }
                        None => pair.to_owned(),
                    }
                }
                _ => pair.to_owned(),
            })
            .collect();
        changed.then(|| pairs.join("&"))
    }

    /// A body: JSON (credential values replaced, the document kept) or form text.
    fn body(&mut self, text: &str, kind: &'static str) -> Option<String> {
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            self.json(text, kind)
        } else if text.contains("Content-Disposition: form-data")
            || text.contains("content-disposition: form-data")
        {
            self.multipart(text, kind)
        } else {
            self.form(text, kind)
        }
    }

    /// `multipart/form-data` text: the values of parts named for a credential.
    fn multipart(&mut self, text: &str, kind: &'static str) -> Option<String> {
        let mut ranges = Vec::new();
        crate::secrets::multipart_values(text, &mut ranges);
        self.replace_ranges(text, ranges, kind)
    }

    /// `text` with each byte range replaced by its placeholder; `None` when none is.
    fn replace_ranges(
        &mut self,
        text: &str,
        ranges: Vec<(usize, usize)>,
        kind: &'static str,
    ) -> Option<String> {
        let mut edits = Vec::new();
        for (start, end) in ranges {
            if let Some(p) = self.placeholder(kind, &text[start..end]) {
                edits.push(Edit::replace(crate::document::Span::new(start, end), p));
            }
        }
        if edits.is_empty() {
            return None;
        }
        let refs: Vec<&Edit> = edits.iter().collect();
        Some(apply(text, &refs))
    }

    fn base64_body(&mut self, text: &str) -> Option<String> {
        let engine = base64::engine::general_purpose::STANDARD;
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let decoded = engine
            .decode(compact.as_bytes())
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        match decoded {
            Some(plain) => {
                let redacted = self.body(&plain, "response bodies")?;
                Some(engine.encode(redacted.as_bytes()))
            }
            // A base64 flag on plain text.
            None => self.body(text, "response bodies"),
        }
    }

    /// JSON text with the string values of credential keys replaced, byte-edited so the rest
    /// stays as it was.
    fn json(&mut self, text: &str, kind: &'static str) -> Option<String> {
        let doc = Document::parse(Text::from(text)).ok()?;
        let mut edits = Vec::new();
        self.json_node(&doc, doc.root(), kind, &mut edits);
        if edits.is_empty() {
            return None;
        }
        let refs: Vec<&Edit> = edits.iter().collect();
        Some(apply(text, &refs))
    }

    fn json_node(
        &mut self,
        doc: &Document,
        node: NodeId,
        kind: &'static str,
        edits: &mut Vec<Edit>,
    ) {
        match doc.kind(node) {
            Kind::Object => {
                for (k, v) in doc.members(node) {
                    let key = doc.as_str(k).unwrap_or_default();
                    if names_secret(&key) || is_code_key(&key) {
                        self.every_value(doc, v, kind, edits);
                    } else {
                        self.json_node(doc, v, kind, edits);
                    }
                }
            }
            Kind::Array => {
                for e in doc.elements(node) {
                    self.json_node(doc, e, kind, edits);
                }
            }
            // Free text (an `error_description`, a message) may quote a credential.
            Kind::String => {
                let text = doc.as_str(node).unwrap_or_default();
                if let Some(new) = self.free_text(&text, kind) {
                    let literal = serde_json::to_string(&new).unwrap_or_default();
                    edits.push(Edit::replace(doc.span(node), literal));
                }
            }
            _ => {}
        }
    }

    /// A credential's value, whatever it is: a string or number, or each one inside a list
    /// or an object (`"access_token": ["..."]`).
    fn every_value(
        &mut self,
        doc: &Document,
        v: NodeId,
        kind: &'static str,
        edits: &mut Vec<Edit>,
    ) {
        match doc.kind(v) {
            Kind::String | Kind::Number => {
                let value = doc.scalar_text(v).unwrap_or_default();
                if let Some(p) = self.placeholder(kind, &value) {
                    let literal = serde_json::to_string(&p).unwrap_or_default();
                    edits.push(Edit::replace(doc.span(v), literal));
                }
            }
            Kind::Array => {
                for e in doc.elements(v) {
                    self.every_value(doc, e, kind, edits);
                }
            }
            Kind::Object => {
                for (_, e) in doc.members(v) {
                    self.every_value(doc, e, kind, edits);
                }
            }
            _ => {}
        }
    }

    /// Text with the credentials it quotes (`client_secret=...`, `"password": "..."`,
    /// `token: ...`, URL passwords, JWTs) replaced.
    fn free_text(&mut self, text: &str, kind: &'static str) -> Option<String> {
        self.replace_ranges(text, crate::secrets::embedded_secrets(text), kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(text: &str) -> String {
        let doc = Document::parse(Text::from(text)).unwrap();
        Redactor::default().redact(&doc).unwrap()
    }

    #[test]
    fn only_a_whole_placeholder_counts_as_redacted() {
        assert!(is_redacted("[redacted:12]") && is_redacted("[redacted:3] is wrong"));
        assert!(!is_redacted("[redacted:]secret") && !is_redacted("[redacted:x]secret"));
        let har = r#"{"log": {"entries": [{"request": {"method": "GET", "url": "https://h/",
            "headers": [{"name": "Authorization", "value": "Bearer [redacted:]LOOKALIKE"}],
            "postData": {"params": [{"name": "password", "value": "[redacted:]Second"}]}},
            "response": {"status": 200, "headers": [], "content": {"text":
            "{\"error_description\": \"client_secret=abc-FREE is wrong\", \"access_token\": [\"in-a-LIST\"]}"}}}]}}"#;
        let once = redacted(har);
        for leak in ["LOOKALIKE", "Second", "abc-FREE", "in-a-LIST"] {
            assert!(!once.contains(leak), "{leak}: {once}");
        }
        assert_eq!(redacted(&once), once, "a second run changes nothing");
    }

    #[test]
    fn url_passwords_are_redacted() {
        let har = r#"{"log": {"entries": [{"request": {"method": "GET",
            "url": "https://pat:Url-PW-9@api.scopestack.io/v1/me?access_token=Q-TOKEN",
            "headers": []}, "response": {"status": 200, "headers": [], "content": {}}}]}}"#;
        let once = redacted(har);
        assert!(
            !once.contains("Url-PW-9") && !once.contains("Q-TOKEN"),
            "{once}"
        );
        assert!(
            once.contains("@api.scopestack.io/v1/me?access_token=[redacted:"),
            "{once}"
        );
    }
}
