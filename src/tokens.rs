//! What an `Authorization` value or a stored token holds: the token after an optional
//! `Bearer ` scheme, and whether it is a whole JSON document (a token response sent as the
//! token, which ScopeStack answers with 401).

/// The token after a `Bearer ` scheme (any case); `None` without one.
pub fn bearer_token(value: &str) -> Option<&str> {
    value
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("bearer "))
        .map(|_| &value[7..])
}

/// `value` without a leading `Bearer ` scheme, when it has one.
pub fn strip_bearer(value: &str) -> &str {
    bearer_token(value).unwrap_or(value)
}

/// Whether `text` (trimmed) is a JSON object.
pub fn is_json_object(text: &str) -> bool {
    let t = text.trim();
    t.starts_with('{')
        && serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_schemes_and_json_tokens() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bEaReR  abc"), Some(" abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(strip_bearer("abc"), "abc");
        assert!(is_json_object(" {\"access_token\": \"x\"} "));
        assert!(!is_json_object("{not json"));
        assert!(!is_json_object("[1]"));
    }
}
