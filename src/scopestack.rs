//! What the ScopeStack API looks like: its hosts, its token endpoint, and a tolerant URL
//! splitter for the resolved URLs found in collections (which may still hold `{{vars}}`, lack
//! a scheme, or otherwise not be URLs a strict parser accepts).

/// The one correct token endpoint.
pub const TOKEN_URL: &str = "https://app.scopestack.io/oauth/token";
pub const APP_HOST: &str = "app.scopestack.io";
pub const API_HOST: &str = "api.scopestack.io";
pub const JSON_API: &str = "application/vnd.api+json";

/// The parts of a URL the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts<'a> {
    /// Lower-cased by the caller's comparisons; `None` when the URL has no `scheme://`.
    pub scheme: Option<&'a str>,
    pub host: String,
    pub port: Option<&'a str>,
    /// Starts with `/` unless empty.
    pub path: &'a str,
}

impl<'a> UrlParts<'a> {
    pub fn parse(url: &'a str) -> UrlParts<'a> {
        let url = url.trim();
        let (scheme, rest) = match url.find("://") {
            Some(i)
                if i > 0
                    && url[..i]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
            {
                (Some(&url[..i]), &url[i + 3..])
            }
            _ => (None, url),
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let after = &rest[authority_end..];
        let path_end = after.find(['?', '#']).unwrap_or(after.len());
        let path = &after[..path_end];
        // Drop `user:password@`.
        let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            match v6.split_once(']') {
                Some((h, p)) => (h, p.strip_prefix(':')),
                None => (v6, None),
            }
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => (h, Some(p)),
                _ => (hostport, None),
            }
        };
        UrlParts {
            scheme,
            host: host.trim_end_matches('.').to_ascii_lowercase(),
            port,
            path,
        }
    }

    /// `scopestack.io` or any subdomain of it, any port.
    pub fn is_scopestack(&self) -> bool {
        self.host == "scopestack.io" || self.host.ends_with(".scopestack.io")
    }

    pub fn is_api(&self) -> bool {
        self.host == API_HOST
    }
}

/// Whether `url` (resolved) is the token endpoint: `https`, host `app.scopestack.io`, default
/// port, path exactly `/oauth/token`. A query string does not change the endpoint.
pub fn is_correct_token_url(url: &str) -> bool {
    let p = UrlParts::parse(url);
    p.scheme.is_some_and(|s| s.eq_ignore_ascii_case("https"))
        && p.host == APP_HOST
        && matches!(p.port, None | Some("443"))
        && p.path == "/oauth/token"
        && !url.trim().contains('@')
}

/// A URL for messages: `user:password@` and the values of query parameters that name a
/// credential (`?client_secret=...`, `api_key=...`) are masked.
pub fn display_url(url: &str) -> String {
    let url = url.trim();
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    let mut out = match url[start..authority_end].rfind('@') {
        Some(at) => format!(
            "{}***@{}",
            &url[..start],
            &url[start + at + 1..authority_end]
        ),
        None => url[..authority_end].to_owned(),
    };
    let rest = &url[authority_end..];
    let (before_query, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    out.push_str(before_query);
    if let Some(query) = query {
        let (query, fragment) = match query.split_once('#') {
            Some((q, f)) => (q, Some(f)),
            None => (query, None),
        };
        out.push('?');
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, v))
                    if crate::secrets::names_secret(k) && crate::secrets::is_literal_secret(v) =>
                {
                    format!("{k}=***")
                }
                _ => pair.to_owned(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(f);
        }
    }
    out
}

/// Whether a media-type list (an `Accept` value) includes JSON:API.
pub fn accepts_json_api(value: &str) -> bool {
    value.split(',').any(|part| {
        part.split(';')
            .next()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case(JSON_API))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls_tolerantly() {
        let p = UrlParts::parse("https://API.ScopeStack.io:8443/acme/v1/clients?x=1#f");
        assert_eq!(p.scheme, Some("https"));
        assert_eq!(p.host, "api.scopestack.io");
        assert_eq!(p.port, Some("8443"));
        assert_eq!(p.path, "/acme/v1/clients");
        assert!(p.is_api() && p.is_scopestack());

        let p = UrlParts::parse("api.scopestack.io/v1/me");
        assert_eq!(p.scheme, None);
        assert_eq!(p.host, "api.scopestack.io");
        assert_eq!(p.path, "/v1/me");

        let p = UrlParts::parse("{{base_url}}/v1/clients");
        assert_eq!(p.host, "{{base_url}}");
        assert!(!p.is_scopestack());

        let p = UrlParts::parse("http://u:p@[::1]:80/x");
        assert_eq!((p.host.as_str(), p.port, p.path), ("::1", Some("80"), "/x"));
    }

    #[test]
    fn scopestack_hosts() {
        for h in [
            "scopestack.io",
            "app.scopestack.io",
            "x.y.scopestack.io:99",
            "SCOPESTACK.IO.",
        ] {
            assert!(
                UrlParts::parse(&format!("https://{h}/")).is_scopestack(),
                "{h}"
            );
        }
        for h in ["notscopestack.io", "scopestack.io.evil.com", "example.com"] {
            assert!(
                !UrlParts::parse(&format!("https://{h}/")).is_scopestack(),
                "{h}"
            );
        }
    }

    #[test]
    fn token_url_must_be_exact() {
        assert!(is_correct_token_url(
            "https://app.scopestack.io/oauth/token"
        ));
        assert!(is_correct_token_url(
            "HTTPS://APP.scopestack.io:443/oauth/token"
        ));
        for bad in [
            "http://app.scopestack.io/oauth/token",
            "https://api.scopestack.io/oauth/token",
            "https://app.scopestack.io/oauth/token/",
            "https://app.scopestack.io/oauth/authorize",
            "https://app.scopestack.io:8080/oauth/token",
            "https://user:pw@app.scopestack.io/oauth/token",
        ] {
            assert!(!is_correct_token_url(bad), "{bad}");
        }
    }

    #[test]
    fn masks_credentials_in_urls() {
        assert_eq!(display_url("https://u:secret@h/x@y"), "https://***@h/x@y");
        assert_eq!(display_url("https://h/p"), "https://h/p");
        assert_eq!(
            display_url("https://h/t?client_secret=S3&x=1&api_key={{k}}#f"),
            "https://h/t?client_secret=***&x=1&api_key={{k}}#f"
        );
    }

    #[test]
    fn accept_lists() {
        assert!(accepts_json_api("application/vnd.api+json"));
        assert!(accepts_json_api(
            "Application/VND.API+JSON; charset=utf-8, */*"
        ));
        assert!(!accepts_json_api("application/json"));
    }
}
