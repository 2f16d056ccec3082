//! HAR captures (1.1 and 1.2) as exporters really write them: HTTP/2 pseudo-headers, header
//! names in any case, `postData` with `params`, `text` or both, base64 bodies (and a base64
//! flag on plain text), `null` where numbers or strings belong.

pub mod time;

use std::borrow::Cow;

use base64::Engine;

use crate::document::{Document, Kind, NodeId};

pub struct Har<'d> {
    pub doc: &'d Document,
    /// The exporter (`log.creator.name`), e.g. `WebInspector` for Chrome.
    pub creator: String,
    pub entries: Vec<Entry>,
}

pub struct Entry {
    pub index: usize,
    pub pointer: String,
    /// Milliseconds since the epoch, when `startedDateTime` parses.
    pub started: Option<i64>,
    pub started_text: String,
    /// Total time in milliseconds (`time`).
    pub time: Option<f64>,
    pub request: Request,
    pub response: Option<Response>,
}

pub struct Request {
    pub method: String,
    pub url: String,
    pub url_node: NodeId,
    pub headers: Vec<Header>,
    /// `queryString`, or parsed from the URL.
    pub query: Vec<(String, String)>,
    pub body: Option<Body>,
    /// `HTTP/1.1`, `h2`, `HTTP/2.0`, ... (empty when not recorded).
    pub http_version: String,
    /// The size of the request line and headers as sent; `None` when unknown (`-1`).
    pub headers_size: Option<u64>,
}

pub struct Header {
    /// Position in the `headers` array.
    pub index: usize,
    pub name: String,
    pub value: String,
    pub node: NodeId,
    pub value_node: Option<NodeId>,
}

pub struct Body {
    pub mime: String,
    /// Form fields: `params`, or urlencoded `text` parsed.
    pub params: Vec<(String, String)>,
    pub text: Option<String>,
}

pub struct Response {
    pub status: u16,
    pub status_node: NodeId,
    pub headers: Vec<Header>,
    /// The body as text (base64 decoded), when there is one.
    pub content: Option<String>,
    /// Where a 3xx redirected to: `redirectURL`, else the `Location` header.
    pub redirect_url: Option<String>,
}

impl Header {
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&Header> {
        self.headers.iter().find(|h| h.is(name))
    }

    /// A form field of the body, or a query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.body
            .iter()
            .flat_map(|b| b.params.iter())
            .chain(self.query.iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The URL with an absolute origin: HTTP/2 captures may give the host only as
    /// `:authority` (or `Host`).
    pub fn absolute_url(&self) -> Cow<'_, str> {
        if self.url.contains("://") {
            return Cow::Borrowed(&self.url);
        }
        let host = self
            .header(":authority")
            .or_else(|| self.header("host"))
            .map(|h| h.value.as_str());
        let scheme = self.header(":scheme").map_or("https", |h| h.value.as_str());
        match host {
            Some(h) => Cow::Owned(format!("{scheme}://{h}{}", self.url)),
            None => Cow::Borrowed(&self.url),
        }
    }
}

impl Request {
    /// What the listed headers and the request line of an HTTP/1.x request take as sent:
    /// `METHOD target VERSION\r\n`, `Name: value\r\n` each, and the blank line. `None` for
    /// other versions, whose headers are not sent as text.
    pub fn listed_headers_size(&self) -> Option<u64> {
        let version = self.http_version.trim();
        if !version.to_ascii_uppercase().starts_with("HTTP/1") {
            return None;
        }
        let url = self.url.as_str();
        let after_scheme = url.find("://").map_or(url, |i| &url[i + 3..]);
        let target = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
        let target = target.split('#').next().unwrap_or(target);
        let line = self.method.len() + 1 + target.len() + 1 + version.len() + 2;
        let headers: usize = self
            .headers
            .iter()
            .map(|h| h.name.len() + 2 + h.value.len() + 2)
            .sum();
        Some((line + headers + 2) as u64)
    }
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&Header> {
        self.headers.iter().find(|h| h.is(name))
    }

    /// The body as a JSON object, when it is one.
    pub fn json(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        serde_json::from_str(self.content.as_deref()?.trim()).ok()
    }
}

/// Why a JSON document is not a HAR.
pub fn not_har(doc: &Document) -> Option<&'static str> {
    let root = doc.root();
    let Some(log) = doc.get(root, "log") else {
        return Some("not a HAR capture: there is no `log` object");
    };
    if doc.kind(log) != Kind::Object {
        return Some("not a HAR capture: `log` is not an object");
    }
    match doc.get(log, "entries") {
        Some(e) if doc.kind(e) == Kind::Array => None,
        _ => Some("not a HAR capture: `log.entries` is not an array"),
    }
}

pub fn read(doc: &Document) -> Har<'_> {
    let log = doc.get(doc.root(), "log").unwrap_or(doc.root());
    let creator = doc
        .get(log, "creator")
        .and_then(|c| doc.get(c, "name"))
        .and_then(|n| doc.scalar_text(n))
        .map(Cow::into_owned)
        .unwrap_or_default();
    let mut entries = Vec::new();
    if let Some(list) = doc.get(log, "entries") {
        for (index, node) in doc.elements(list).enumerate() {
            if let Some(entry) = read_entry(doc, node, index) {
                entries.push(entry);
            }
        }
    }
    Har {
        doc,
        creator,
        entries,
    }
}

fn text(doc: &Document, obj: NodeId, key: &str) -> Option<String> {
    doc.get(obj, key)
        .and_then(|v| doc.scalar_text(v))
        .map(Cow::into_owned)
}

fn read_entry(doc: &Document, node: NodeId, index: usize) -> Option<Entry> {
    if doc.kind(node) != Kind::Object {
        return None;
    }
    let req = doc
        .get(node, "request")
        .filter(|r| doc.kind(*r) == Kind::Object)?;
    let url_node = doc.get(req, "url")?;
    let url = doc.scalar_text(url_node)?.into_owned();
    let method = text(doc, req, "method")
        .map(|m| m.to_ascii_uppercase())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "GET".into());
    let mut query = pairs(doc, doc.get(req, "queryString"));
    if query.is_empty() {
        if let Some((_, q)) = url.split_once('?') {
            query = form_pairs(q.split('#').next().unwrap_or(q));
        }
    }
    let body = doc
        .get(req, "postData")
        .filter(|p| doc.kind(*p) == Kind::Object)
        .map(|p| {
            let mime = text(doc, p, "mimeType").unwrap_or_default();
            let text_value = text(doc, p, "text");
            let mut params = pairs(doc, doc.get(p, "params"));
            if params.is_empty() {
                if let Some(t) = &text_value {
                    let trimmed = t.trim();
                    if mime.contains("multipart/form-data")
                        || t.contains("Content-Disposition: form-data")
                    {
                        params = multipart_pairs(t);
                    } else if mime.contains("x-www-form-urlencoded")
                        || (!trimmed.starts_with('{')
                            && !trimmed.starts_with('[')
                            && trimmed.contains('='))
                    {
                        params = form_pairs(trimmed);
                    } else if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(trimmed)
                    {
                        params = map
                            .into_iter()
                            .filter_map(|(k, v)| match v {
                                serde_json::Value::String(s) => Some((k, s)),
                                serde_json::Value::Null => None,
                                other => Some((k, other.to_string())),
                            })
                            .collect();
                    }
                }
            }
            Body {
                mime,
                params,
                text: text_value,
            }
        });
    let request = Request {
        method,
        url,
        url_node,
        headers: headers(doc, doc.get(req, "headers")),
        query,
        body,
        http_version: text(doc, req, "httpVersion").unwrap_or_default(),
        headers_size: doc
            .get(req, "headersSize")
            .and_then(|n| doc.raw(n).trim().parse::<u64>().ok()),
    };
    let response = doc
        .get(node, "response")
        .filter(|r| doc.kind(*r) == Kind::Object)
        .and_then(|resp| {
            let status_node = doc.get(resp, "status")?;
            let status = doc.raw(status_node).trim_matches('"').parse::<u16>().ok()?;
            let content = doc.get(resp, "content").and_then(|c| {
                let t = text(doc, c, "text")?;
                let base64 =
                    text(doc, c, "encoding").is_some_and(|e| e.eq_ignore_ascii_case("base64"));
                Some(if base64 {
                    decode_base64(&t).unwrap_or(t)
                } else {
                    t
                })
            });
            let headers = headers(doc, doc.get(resp, "headers"));
            let redirect_url = text(doc, resp, "redirectURL")
                .filter(|u| !u.trim().is_empty())
                .or_else(|| {
                    headers
                        .iter()
                        .find(|h| h.is("location"))
                        .map(|h| h.value.clone())
                });
            Some(Response {
                status,
                status_node,
                headers,
                content,
                redirect_url,
            })
        });
    let started_text = text(doc, node, "startedDateTime").unwrap_or_default();
    Some(Entry {
        index,
        pointer: format!("/log/entries/{index}"),
        started: time::parse_iso8601(&started_text),
        started_text,
        time: doc
            .get(node, "time")
            .and_then(|t| doc.raw(t).parse::<f64>().ok())
            .filter(|t| t.is_finite() && *t >= 0.0),
        request,
        response,
    })
}

/// Base64 text, decoded to UTF-8; `None` when it is not base64 (a wrong flag on plain text)
/// or not text.
fn decode_base64(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .ok()?;
    String::from_utf8(bytes).ok()
}

fn headers(doc: &Document, list: Option<NodeId>) -> Vec<Header> {
    let Some(list) = list else { return Vec::new() };
    doc.elements(list)
        .enumerate()
        .filter(|(_, h)| doc.kind(*h) == Kind::Object)
        .filter_map(|(index, h)| {
            Some(Header {
                index,
                name: text(doc, h, "name")?.trim().to_owned(),
                value: text(doc, h, "value").unwrap_or_default(),
                node: h,
                value_node: doc.get(h, "value"),
            })
        })
        .collect()
}

/// `[{name, value}]` arrays (query strings, form params).
fn pairs(doc: &Document, list: Option<NodeId>) -> Vec<(String, String)> {
    let Some(list) = list else { return Vec::new() };
    doc.elements(list)
        .filter(|p| doc.kind(*p) == Kind::Object)
        // Chrome leaves query values (and some params) percent-encoded; others decode them.
        .filter_map(|p| {
            let name = text(doc, p, "name")?;
            let value = text(doc, p, "value").unwrap_or_default();
            Some((percent_decode(&name), percent_decode(&value)))
        })
        .collect()
}

/// The fields of `multipart/form-data` text: `name="k"`, a blank line, the value.
pub fn multipart_pairs(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = text[from..].find("name=\"") {
        let key_start = from + pos + 6;
        let Some(key_len) = text[key_start..].find('"') else {
            break;
        };
        let key = text[key_start..key_start + key_len].to_owned();
        from = key_start + key_len;
        let rest = &text[from..];
        let Some((blank, sep)) = ["\r\n\r\n", "\n\n"]
            .iter()
            .filter_map(|s| rest.find(s).map(|i| (i, s.len())))
            .min()
        else {
            continue;
        };
        let start = from + blank + sep;
        let end = ["\r\n--", "\n--"]
            .iter()
            .filter_map(|b| text[start..].find(b))
            .min()
            .map_or(text.len(), |i| start + i);
        out.push((key, text[start..end].to_owned()));
        from = end;
    }
    out
}

/// `a=1&b=2`, percent-decoded (`+` is a space).
pub fn form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

pub fn percent_decode(text: &str) -> String {
    let b = text.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lenient_shapes() {
        let text = r#"{"log": {"version": 1.2, "creator": {"name": "WebInspector"}, "entries": [
          {"startedDateTime": "2024-05-01T10:00:00.000Z", "time": null,
           "request": {"method": "post", "url": "/oauth/token", "headers": [{"name": ":authority", "value": "app.scopestack.io"}],
             "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "grant_type=password&redirect_uri=https%3A%2F%2Fx"}},
           "response": {"status": 400, "headers": [], "content": {"text": "eyJlcnJvciI6ImludmFsaWRfZ3JhbnQifQ==", "encoding": "base64"}}},
          {"request": {"method": null, "url": "https://api.scopestack.io/v1/me", "headers": null},
           "response": {"status": "200", "content": {"text": "{\"a\": 1}", "encoding": "base64"}}}
        ]}}"#;
        let doc = Document::parse(crate::text::Text::from(text)).unwrap();
        assert!(not_har(&doc).is_none());
        let har = read(&doc);
        assert_eq!(har.creator, "WebInspector");
        let e = &har.entries[0];
        assert_eq!(e.request.method, "POST");
        assert_eq!(
            e.request.absolute_url(),
            "https://app.scopestack.io/oauth/token"
        );
        assert_eq!(e.request.param("redirect_uri"), Some("https://x"));
        assert_eq!(e.started, Some(1_714_557_600_000));
        let r = e.response.as_ref().unwrap();
        assert_eq!(r.json().unwrap()["error"], "invalid_grant");
        let e = &har.entries[1];
        assert_eq!(e.request.method, "GET");
        // A base64 flag on plain text: the text as it is.
        assert_eq!(
            e.response.as_ref().unwrap().content.as_deref(),
            Some("{\"a\": 1}")
        );
        assert_eq!(e.response.as_ref().unwrap().status, 200);
    }

    #[test]
    fn fragments_are_not_har() {
        for text in [
            r#"{"entries": []}"#,
            r#"{"log": []}"#,
            r#"{"log": {"entries": {}}}"#,
        ] {
            let doc = Document::parse(crate::text::Text::from(text)).unwrap();
            assert!(not_har(&doc).is_some(), "{text}");
        }
    }
}
