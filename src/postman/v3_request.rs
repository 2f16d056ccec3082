//! The v12 request files fixes create: a v2.1 item (what the cures build) written as
//! Postman's converter would write it.

use serde_json::{json, Map, Value};

/// A request file's stem for a request named `name`, as Postman's converter makes it: each
/// run of the characters a file name cannot hold becomes one `-`.
pub fn file_stem(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out
}

/// The v12 request file (as the value its YAML holds) for a v2.1 item a fix would insert:
/// its URL as a string, headers and urlencoded fields as maps, auth credentials as a map,
/// scripts as `beforeRequest` / `afterResponse` code; `name:` only where the file name
/// cannot say it.
pub fn request_file(item: &Value, stem: &str, order: f64) -> Value {
    let request = &item["request"];
    let mut file = Map::new();
    file.insert("$kind".into(), json!("http-request"));
    if let Some(name) = item["name"].as_str().filter(|n| *n != stem) {
        file.insert("name".into(), json!(name));
    }
    let url = match &request["url"] {
        Value::String(s) => s.clone(),
        other => other["raw"].as_str().unwrap_or_default().to_owned(),
    };
    file.insert("url".into(), json!(url));
    file.insert(
        "method".into(),
        request["method"]
            .as_str()
            .map_or(json!("GET"), |m| json!(m)),
    );
    let headers = key_values(&request["header"]);
    if !headers.is_empty() {
        file.insert("headers".into(), Value::Object(headers));
    }
    if request["body"]["mode"] == "urlencoded" {
        file.insert(
            "body".into(),
            json!({"type": "urlencoded", "content": key_values(&request["body"]["urlencoded"])}),
        );
    }
    if let Some(kind) = request["auth"]["type"].as_str() {
        let mut auth = Map::new();
        auth.insert("type".into(), json!(kind));
        let credentials = match &request["auth"][kind] {
            Value::Object(map) => map.clone(),
            list => key_values(list),
        };
        if !credentials.is_empty() {
            auth.insert("credentials".into(), Value::Object(credentials));
        }
        file.insert("auth".into(), Value::Object(auth));
    }
    let scripts: Vec<Value> = item["event"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|event| {
            let kind = match event["listen"].as_str()? {
                "prerequest" => "beforeRequest",
                "test" => "afterResponse",
                _ => return None,
            };
            let code = match &event["script"]["exec"] {
                Value::Array(lines) => lines
                    .iter()
                    .map(|l| l.as_str().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("\n"),
                other => other.as_str().unwrap_or_default().to_owned(),
            };
            Some(json!({"type": kind, "code": code, "language": "text/javascript"}))
        })
        .collect();
    if !scripts.is_empty() {
        file.insert("scripts".into(), Value::Array(scripts));
    }
    file.insert("order".into(), order_value(order));
    Value::Object(file)
}

/// An order as YAML writes it: a whole number without `.0`.
fn order_value(order: f64) -> Value {
    if order.fract() == 0.0 && order.abs() < 9e15 {
        json!(order as i64)
    } else {
        json!(order)
    }
}

/// `[{key, value}]` as a map (values as text, as v12 maps hold them).
fn key_values(list: &Value) -> Map<String, Value> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let key = entry["key"].as_str()?;
            let value = match &entry["value"] {
                Value::String(s) => json!(s),
                Value::Null => json!(""),
                other => json!(other.to_string()),
            };
            Some((key.to_owned(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_replace_each_run_of_forbidden_characters_as_postman_does() {
        assert_eq!(
            file_stem("Json body: with slash/colon?"),
            "Json body- with slash-colon-"
        );
        assert_eq!(file_stem("Weird <>|*\"\\ name"), "Weird - name");
        assert_eq!(
            file_stem("Get ScopeStack access token"),
            "Get ScopeStack access token"
        );
    }

    #[test]
    fn a_v2_item_becomes_a_request_file() {
        let item = json!({
            "name": "Token: get",
            "event": [{"listen": "test", "script": {"exec": ["a();", "b();"], "type": "text/javascript"}}],
            "request": {
                "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{t}}", "type": "string"}]},
                "method": "POST",
                "header": [{"key": "Accept", "value": "x", "type": "text"}],
                "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "password", "type": "text"}]},
                "url": {"raw": "https://app.scopestack.io/oauth/token", "host": ["app"]}
            }
        });
        let file = request_file(&item, &file_stem("Token: get"), 500.0);
        assert_eq!(
            file,
            json!({
                "$kind": "http-request",
                "name": "Token: get",
                "url": "https://app.scopestack.io/oauth/token",
                "method": "POST",
                "headers": {"Accept": "x"},
                "body": {"type": "urlencoded", "content": {"grant_type": "password"}},
                "auth": {"type": "bearer", "credentials": {"token": "{{t}}"}},
                "scripts": [{"type": "afterResponse", "code": "a();\nb();", "language": "text/javascript"}],
                "order": 500
            })
        );
        assert_eq!(request_file(&item, "x", 0.5)["order"], json!(0.5));
    }
}
