//! A small ScopeStack stand-in for the newman proof, on 127.0.0.1 (random free ports): the
//! application server issues tokens, the API server answers JSON:API, both as the
//! troubleshooting guide describes them. A test fixture, not a product.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde_json::{json, Value};
use tiny_http::{Header, Request, Response, Server};

pub const CLIENT_ID: &str = "mock-client";
pub const CLIENT_SECRET: &str = "mock-client-secret";
pub const USERNAME: &str = "pat@example.com";
pub const PASSWORD: &str = "mock-password";
pub const SLUG: &str = "acme";
/// A token the API accepts from the start, as if obtained earlier (the environment file holds
/// it for collections whose failure is not about getting a token).
pub const STANDING_TOKEN: &str = "mock-standing-token";
const JSON_API: &str = "application/vnd.api+json";

pub struct Mock {
    pub app: String,
    pub api: String,
    servers: Vec<Arc<Server>>,
    threads: Vec<JoinHandle<()>>,
}

impl Drop for Mock {
    fn drop(&mut self) {
        for s in &self.servers {
            s.unblock();
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// A `scopelint.toml` in `dir` that points scopelint at the mock (`app-url`, `api-url`).
pub fn configure(dir: &std::path::Path, mock: &Mock) {
    std::fs::write(
        dir.join("scopelint.toml"),
        format!("app-url = \"{}\"\napi-url = \"{}\"\n", mock.app, mock.api),
    )
    .unwrap();
}

pub fn start() -> Mock {
    let tokens = Arc::new(Mutex::new(State::default()));
    let app = Arc::new(Server::http("127.0.0.1:0").expect("bind app"));
    let api = Arc::new(Server::http("127.0.0.1:0").expect("bind api"));
    let url = |s: &Server| {
        format!(
            "http://127.0.0.1:{}",
            s.server_addr().to_ip().unwrap().port()
        )
    };
    let (app_url, api_url) = (url(&app), url(&api));
    let serve = |server: Arc<Server>, handler: fn(&mut Request, &Mutex<State>) -> (u16, Value)| {
        let tokens = tokens.clone();
        std::thread::spawn(move || {
            for mut request in server.incoming_requests() {
                let (status, body) = handler(&mut request, &tokens);
                let content_type = if status < 300 && request.url().contains("/v1/") {
                    JSON_API
                } else {
                    "application/json"
                };
                let response = Response::from_string(body.to_string())
                    .with_status_code(status)
                    .with_header(Header::from_bytes("Content-Type", content_type).unwrap());
                let _ = request.respond(response);
            }
        })
    };
    let threads = vec![
        serve(app.clone(), token_endpoint),
        serve(api.clone(), api_endpoint),
    ];
    Mock {
        app: app_url,
        api: api_url,
        servers: vec![app, api],
        threads,
    }
}

#[derive(Default)]
struct State {
    access: HashSet<String>,
    refresh: HashSet<String>,
    issued: usize,
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

fn form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.replace('+', " ");
    let bytes = b.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn issue(state: &Mutex<State>) -> (u16, Value) {
    let mut s = state.lock().unwrap();
    s.issued += 1;
    let (access, refresh) = (
        format!("mock-access-{}", s.issued),
        format!("mock-refresh-{}", s.issued),
    );
    s.access.insert(access.clone());
    s.refresh.insert(refresh.clone());
    (
        200,
        json!({"access_token": access, "refresh_token": refresh, "token_type": "Bearer", "expires_in": 7200, "created_at": 1_795_989_600}),
    )
}

/// `POST /oauth/token`, `application/x-www-form-urlencoded`.
fn token_endpoint(request: &mut Request, state: &Mutex<State>) -> (u16, Value) {
    let path = request.url().split('?').next().unwrap_or("").to_owned();
    if request.method().as_str() != "POST" || path != "/oauth/token" {
        return (404, json!({"error": "not_found"}));
    }
    if !header(request, "content-type")
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
    {
        return (
            400,
            json!({"error": "invalid_request", "error_description": "expected x-www-form-urlencoded"}),
        );
    }
    let mut body = String::new();
    let _ = request.as_reader().read_to_string(&mut body);
    let fields = form(&body);
    let get = |k: &str| {
        fields
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    if get("client_id") != Some(CLIENT_ID) || get("client_secret") != Some(CLIENT_SECRET) {
        return (401, json!({"error": "invalid_client"}));
    }
    match get("grant_type") {
        Some("password") => {
            if get("redirect_uri").is_some()
                || get("username") != Some(USERNAME)
                || get("password") != Some(PASSWORD)
            {
                return (
                    400,
                    json!({"error": "invalid_grant", "error_description": "The provided authorization grant is invalid."}),
                );
            }
            issue(state)
        }
        Some("refresh_token") => {
            let known =
                get("refresh_token").is_some_and(|r| state.lock().unwrap().refresh.contains(r));
            if known {
                issue(state)
            } else {
                (400, json!({"error": "invalid_grant"}))
            }
        }
        _ => (400, json!({"error": "unsupported_grant_type"})),
    }
}

/// `GET /v1/me` and `/{slug}/v1/...`, JSON:API.
fn api_endpoint(request: &mut Request, state: &Mutex<State>) -> (u16, Value) {
    let path = request.url().split('?').next().unwrap_or("").to_owned();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let not_found = (
        404,
        json!({"errors": [{"status": "404", "title": "Resource not found"}]}),
    );
    // The API has `/v1/me` and `/{slug}/v1/...`; anything else (`/oauth/token` too) is not found.
    let known = segments.first() == Some(&"v1") || segments.get(1) == Some(&"v1");
    if !known {
        return not_found;
    }
    if !header(request, "accept").is_some_and(|a| {
        a.split(',')
            .any(|t| t.split(';').next().unwrap_or("").trim() == JSON_API)
    }) {
        return (
            406,
            json!({"errors": [{"status": "406", "title": "Not Acceptable"}]}),
        );
    }
    let token = header(request, "authorization")
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::trim);
    let valid =
        token.is_some_and(|t| t == STANDING_TOKEN || state.lock().unwrap().access.contains(t));
    if !valid {
        return (
            401,
            json!({"errors": [{"status": "401", "title": "Unauthorized"}]}),
        );
    }
    if segments.first() == Some(&"v1") {
        return if segments.get(1) == Some(&"me") && segments.len() == 2 {
            (
                200,
                json!({"data": {"id": "1", "type": "users", "attributes": {"name": "Pat", "account-slug": SLUG}}}),
            )
        } else {
            not_found
        };
    }
    if segments[0] != SLUG {
        return (
            403,
            json!({"errors": [{"status": "403", "title": "Forbidden"}]}),
        );
    }
    let method = request.method().as_str().to_owned();
    if method == "POST" || method == "PATCH" {
        let json_api = header(request, "content-type")
            .is_some_and(|c| c.split(';').next().unwrap_or("").trim() == JSON_API);
        if !json_api {
            return (
                415,
                json!({"errors": [{"status": "415", "title": "Unsupported Media Type"}]}),
            );
        }
        return (
            if method == "POST" { 201 } else { 200 },
            json!({"data": {"id": "9", "type": segments.last().unwrap_or(&"items")}}),
        );
    }
    (200, json!({"data": []}))
}
