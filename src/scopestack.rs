//! What the ScopeStack API looks like: its endpoints (the application host that issues
//! tokens and the API host; both configurable, for staging or mock servers), and a tolerant URL
//! splitter for the resolved URLs found in collections (which may still hold `{{vars}}`, lack a
//! scheme, or otherwise not be URLs a strict parser accepts).

use serde_json::{json, Value};

pub const DEFAULT_APP_URL: &str = "https://app.scopestack.io";
pub const DEFAULT_API_URL: &str = "https://api.scopestack.io";
/// The JSON:API media type as a literal, for `concat!` (texts every finding of a kind shares
/// are literals, not a copy per finding).
macro_rules! json_api {
    () => {
        "application/vnd.api+json"
    };
}
pub(crate) use json_api;
pub const JSON_API: &str = json_api!();

/// A service base URL: `https://app.scopestack.io`, `http://127.0.0.1:4010/mock`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// As configured, without a trailing slash.
    pub url: String,
    scheme: String,
    host: String,
    /// `None` when the URL names no port: then any port matches.
    port: Option<String>,
    /// Path prefix, without a trailing slash (usually empty).
    base: String,
}

impl Endpoint {
    pub fn parse(url: &str) -> Result<Endpoint, String> {
        let url = url.trim().trim_end_matches('/');
        let p = UrlParts::parse(url);
        let scheme = p
            .scheme
            .map(str::to_ascii_lowercase)
            .filter(|s| s == "https" || s == "http")
            .ok_or_else(|| format!("`{url}` is not an http(s) URL"))?;
        if p.host.is_empty() || url.contains(['?', '#', '@', '{']) {
            return Err(format!(
                "`{url}` must be a plain base URL such as `https://api.example.com`"
            ));
        }
        Ok(Endpoint {
            url: url.to_owned(),
            scheme,
            host: p.host.clone(),
            port: p.port.map(str::to_owned),
            base: p.path.trim_end_matches('/').to_owned(),
        })
    }

    /// `host` or `host:port`, for messages.
    pub fn authority(&self) -> String {
        match &self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    fn default_port(scheme: &str) -> Option<&'static str> {
        match scheme {
            "https" => Some("443"),
            "http" => Some("80"),
            _ => None,
        }
    }

    /// Whether a URL on this endpoint's host is this endpoint for sure: its port is the one
    /// configured, or, as configured without one, it names none (the scheme's own). A port
    /// written out on a host configured without one may be a proxy's or a tunnel's.
    pub fn surely_serves(&self, p: &UrlParts) -> bool {
        let own_port = p.port.is_some()
            && p.port
                == p.scheme
                    .and_then(|s| Self::default_port(&s.to_ascii_lowercase()));
        self.serves(p) && (self.port.is_some() || p.port.is_none() || own_port)
    }

    /// Same host, and the same port when this endpoint names one.
    fn serves(&self, p: &UrlParts) -> bool {
        if p.host != self.host {
            return false;
        }
        let Some(port) = &self.port else { return true };
        let theirs = p.port.or_else(|| {
            p.scheme
                .and_then(|s| Self::default_port(&s.to_ascii_lowercase()))
        });
        theirs == Some(port.as_str())
    }

    /// Exactly this endpoint's `base` + `path` (scheme, host and port included).
    fn is_exactly(&self, url: &str, path: &str) -> bool {
        let p = UrlParts::parse(url);
        let scheme_ok = p
            .scheme
            .is_some_and(|s| s.eq_ignore_ascii_case(&self.scheme));
        let wanted_port = self
            .port
            .as_deref()
            .or_else(|| Self::default_port(&self.scheme));
        let port = p.port.or_else(|| Self::default_port(&self.scheme));
        scheme_ok
            && p.host == self.host
            && port == wanted_port
            && p.path == format!("{}{path}", self.base)
            && !url.trim().contains('@')
    }

    /// A Postman URL object for `path` (which starts with `/`) whose parts agree with `raw`
    /// (newman sends the parts, not `raw`).
    pub fn url_object(&self, path: &str) -> Value {
        let strings = |text: &str, sep: char| -> Value {
            text.split(sep)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect()
        };
        let mut url = serde_json::Map::new();
        url.insert("raw".into(), json!(format!("{}{path}", self.url)));
        url.insert("protocol".into(), json!(self.scheme));
        url.insert("host".into(), strings(&self.host, '.'));
        if let Some(port) = &self.port {
            url.insert("port".into(), json!(port));
        }
        url.insert("path".into(), strings(&format!("{}{path}", self.base), '/'));
        Value::Object(url)
    }

    /// The parts of a URL object as `(key, value)`, for rewriting an existing object.
    pub fn url_parts(&self, path: &str) -> Vec<(&'static str, Option<Value>)> {
        let object = self.url_object(path);
        ["protocol", "host", "port", "path"]
            .into_iter()
            .map(|k| (k, object.get(k).cloned()))
            .collect()
    }
}

/// Where ScopeStack lives for a linted file: the application (tokens) and the API.
///
/// Unless `app-url` / `api-url` are configured, ScopeStack is every deployment: the pair
/// `app.<d>.scopestack.io` / `api.<d>.scopestack.io` (production without `<d>`). `app` and
/// `api` are then the deployment a collection calls (see [`Endpoints::for_calls`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    pub app: Endpoint,
    pub api: Endpoint,
    /// `app-url` or `api-url` was set: they are the one deployment.
    pub configured: bool,
    /// Application hosts of the other deployments the collection's API requests call, whose
    /// token endpoints are right too.
    also: Vec<Endpoint>,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints::deployment("")
    }
}

/// The deployment a host belongs to as `role` (`app` or `api`): `""` for
/// `api.scopestack.io`, `staging` for `api.staging.scopestack.io`.
pub fn deployment_of<'h>(host: &'h str, role: &str) -> Option<&'h str> {
    let rest = host.strip_prefix(role)?.strip_suffix("scopestack.io")?;
    match rest {
        "." => Some(""),
        _ => rest
            .strip_prefix('.')?
            .strip_suffix('.')
            // DNS labels only: anything else is not a deployment's host.
            .filter(|d| {
                !d.is_empty()
                    && d.split('.').all(|label| {
                        !label.is_empty()
                            && label
                                .bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    })
            }),
    }
}

impl Endpoints {
    /// Configured endpoints: they alone are ScopeStack's application and API hosts.
    pub fn configured(app: Endpoint, api: Endpoint) -> Endpoints {
        Endpoints {
            app,
            api,
            configured: true,
            also: Vec::new(),
        }
    }

    /// The deployment `d` (`""`: production).
    pub fn deployment(d: &str) -> Endpoints {
        let url = |role: &str| {
            let host = if d.is_empty() {
                format!("https://{role}.scopestack.io")
            } else {
                format!("https://{role}.{d}.scopestack.io")
            };
            Endpoint::parse(&host).expect("a deployment's URL is valid")
        };
        Endpoints {
            app: url("app"),
            api: url("api"),
            configured: false,
            also: Vec::new(),
        }
    }

    /// The endpoints of a collection or capture whose API requests go to `api_hosts`: the
    /// deployment they call (production when they call none, or production among others),
    /// the token endpoints of all of them being right. Configured endpoints stay as they are.
    /// Hosts are only read when not configured.
    pub fn for_calls<S: AsRef<str>>(&self, api_hosts: impl IntoIterator<Item = S>) -> Endpoints {
        if self.configured {
            return self.clone();
        }
        let mut called: Vec<String> = Vec::new();
        for host in api_hosts {
            if let Some(d) = deployment_of(host.as_ref(), "api") {
                if !called.iter().any(|c| c == d) {
                    called.push(d.to_owned());
                }
            }
        }
        let primary = match called.first() {
            Some(first) if !called.iter().any(String::is_empty) => first.as_str(),
            _ => "",
        };
        let mut out = Endpoints::deployment(primary);
        out.also = called
            .iter()
            .filter(|d| *d != primary)
            .map(|d| Endpoints::deployment(d).app)
            .collect();
        out
    }

    /// Whether a host is a ScopeStack application or API host of another deployment than
    /// this one's (a staging host in a collection that calls production).
    pub fn other_deployment(&self, p: &UrlParts) -> bool {
        !self.configured
            && !self.app.serves(p)
            && !self.api.serves(p)
            && (deployment_of(&p.host, "app").is_some() || deployment_of(&p.host, "api").is_some())
    }

    /// The one correct token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}/oauth/token", self.app.url)
    }

    /// `GET /v1/me`, which answers the account slug.
    pub fn me_url(&self) -> String {
        format!("{}/v1/me", self.api.url)
    }

    /// `scopestack.io` or any subdomain of it (any port), or a configured endpoint's host.
    pub fn is_scopestack(&self, p: &UrlParts) -> bool {
        p.is_scopestack_domain() || self.app.serves(p) || self.api.serves(p)
    }

    /// On the API host (and under its base path); unless configured, on any deployment's.
    pub fn is_api(&self, p: &UrlParts) -> bool {
        self.api.serves(p) && p.path.starts_with(&self.api.base)
            || !self.configured && deployment_of(&p.host, "api").is_some()
    }

    /// A path on the API without the API's base path.
    pub fn api_path<'p>(&self, path: &'p str) -> &'p str {
        path.strip_prefix(self.api.base.as_str()).unwrap_or(path)
    }

    /// Whether `url` (resolved) is the token endpoint: scheme, host, port and path exactly;
    /// a query string does not change the endpoint.
    pub fn is_token_url(&self, url: &str) -> bool {
        self.app.is_exactly(url, "/oauth/token")
            || self.also.iter().any(|a| a.is_exactly(url, "/oauth/token"))
    }

    pub fn app_serves(&self, p: &UrlParts) -> bool {
        self.app.serves(p)
    }

    pub fn api_serves(&self, p: &UrlParts) -> bool {
        self.api.serves(p)
    }
}

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
    pub fn is_scopestack_domain(&self) -> bool {
        self.host == "scopestack.io" || self.host.ends_with(".scopestack.io")
    }
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
                    if (crate::secrets::names_secret(k) || crate::secrets::is_code_key(k))
                        && crate::secrets::is_literal_secret(v) =>
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
        let ss = Endpoints::default();
        assert!(ss.is_api(&p) && ss.is_scopestack(&p));

        let p = UrlParts::parse("api.scopestack.io/v1/me");
        assert_eq!(p.scheme, None);
        assert_eq!(p.host, "api.scopestack.io");
        assert_eq!(p.path, "/v1/me");

        let p = UrlParts::parse("{{base_url}}/v1/clients");
        assert_eq!(p.host, "{{base_url}}");
        assert!(!Endpoints::default().is_scopestack(&p));

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
                UrlParts::parse(&format!("https://{h}/")).is_scopestack_domain(),
                "{h}"
            );
        }
        for h in ["notscopestack.io", "scopestack.io.evil.com", "example.com"] {
            assert!(
                !UrlParts::parse(&format!("https://{h}/")).is_scopestack_domain(),
                "{h}"
            );
        }
    }

    #[test]
    fn token_url_must_be_exact() {
        let ss = Endpoints::default();
        let is_correct_token_url = |u: &str| ss.is_token_url(u);
        assert_eq!(ss.token_url(), "https://app.scopestack.io/oauth/token");
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
    fn deployments_are_app_and_api_host_pairs() {
        assert_eq!(deployment_of("api.scopestack.io", "api"), Some(""));
        assert_eq!(
            deployment_of("api.staging.scopestack.io", "api"),
            Some("staging")
        );
        assert_eq!(
            deployment_of("app.eu.staging.scopestack.io", "app"),
            Some("eu.staging")
        );
        for no in [
            "apix.scopestack.io",
            "api..scopestack.io",
            "app.scopestack.io",
            "api.scopestack.io.evil.com",
            "staging.scopestack.io",
        ] {
            assert_eq!(deployment_of(no, "api"), None, "{no}");
        }
        let ss = Endpoints::default();
        let staging_api = UrlParts::parse("https://api.staging.scopestack.io/acme/v1/clients");
        assert!(ss.is_api(&staging_api));
        // Production unless the API requests call another deployment alone.
        assert_eq!(ss.for_calls::<&str>([]).token_url(), ss.token_url());
        let staging = ss.for_calls(["api.staging.scopestack.io", "example.com"]);
        assert_eq!(
            staging.token_url(),
            "https://app.staging.scopestack.io/oauth/token"
        );
        assert_eq!(staging.api.url, "https://api.staging.scopestack.io");
        let both = ss.for_calls(["api.staging.scopestack.io", "api.scopestack.io"]);
        assert_eq!(both.token_url(), ss.token_url());
        assert!(both.is_token_url("https://app.staging.scopestack.io/oauth/token"));
        assert!(!ss.is_token_url("https://app.staging.scopestack.io/oauth/token"));
        assert!(ss.other_deployment(&UrlParts::parse(
            "https://app.staging.scopestack.io/oauth/token"
        )));
        // Configured endpoints are the one deployment.
        let mock = Endpoints::configured(
            Endpoint::parse("http://127.0.0.1:4010").unwrap(),
            Endpoint::parse("http://127.0.0.1:4010/api").unwrap(),
        );
        assert!(!mock.is_api(&staging_api));
        assert_eq!(mock.for_calls(["api.staging.scopestack.io"]), mock);
    }

    #[test]
    fn configured_endpoints_for_a_mock_server() {
        let mock = Endpoints::configured(
            Endpoint::parse("http://127.0.0.1:4010/").unwrap(),
            Endpoint::parse("http://127.0.0.1:4010/api").unwrap(),
        );
        assert_eq!(mock.token_url(), "http://127.0.0.1:4010/oauth/token");
        assert!(mock.is_token_url("http://127.0.0.1:4010/oauth/token"));
        assert!(!mock.is_token_url("http://127.0.0.1:4011/oauth/token"));
        let api = UrlParts::parse("http://127.0.0.1:4010/api/v1/clients");
        assert!(mock.is_api(&api) && mock.is_scopestack(&api));
        assert_eq!(mock.api_path(api.path), "/v1/clients");
        assert!(!mock.is_api(&UrlParts::parse("http://127.0.0.1:9999/api/v1/clients")));
        // The real service still counts as ScopeStack.
        assert!(mock.is_scopestack(&UrlParts::parse("https://api.scopestack.io/v1/me")));
        assert_eq!(
            mock.api.url_object("/v1/me"),
            serde_json::json!({"raw": "http://127.0.0.1:4010/api/v1/me", "protocol": "http",
                "host": ["127", "0", "0", "1"], "port": "4010", "path": ["api", "v1", "me"]})
        );
        assert!(Endpoint::parse("ftp://x").is_err());
        assert!(Endpoint::parse("https://x/?q").is_err());
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
