//! A file's text, shared by the parsed document, the diagnostics' source and the fixer.

use std::ops::Deref;
use std::sync::Arc;

/// Cheap to clone. Holds a `String` rather than a `str` so that the bytes read from disk
/// become the shared text without a copy (`Arc<str>` from a `String` copies all of it,
/// 126 MB for the largest benchmark file).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Text(Arc<String>);

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.0.as_str(), f)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Arc::new(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(Arc::new(s.to_owned()))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text(Arc::new(s.clone()))
    }
}
