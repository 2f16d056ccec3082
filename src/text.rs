//! A file's bytes and text, shared by the parsed document, the diagnostics' source and the
//! fixer.

use std::ops::Deref;
use std::sync::Arc;

/// Cheap to clone. The bytes read from disk (or mapped) become the shared text without a
/// copy: a `String` that was read, or the file's bytes after its byte-order mark, checked
/// as UTF-8 once.
#[derive(Clone, Default)]
pub struct Text(Arc<Backing>);

enum Backing {
    Owned(String),
    /// Valid UTF-8 from `start` on (checked when made).
    Bytes {
        bytes: FileBytes,
        start: usize,
    },
}

impl Default for Backing {
    fn default() -> Self {
        Backing::Owned(String::new())
    }
}

impl Text {
    /// The bytes from `start` on as text, or the UTF-8 error (relative to `start`).
    pub fn from_bytes(bytes: FileBytes, start: usize) -> Result<Text, std::str::Utf8Error> {
        std::str::from_utf8(&bytes[start.min(bytes.len())..])?;
        Ok(Text(Arc::new(Backing::Bytes { bytes, start })))
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        match &*self.0 {
            Backing::Owned(s) => s,
            Backing::Bytes { bytes, start } => {
                let slice = &bytes[(*start).min(bytes.len())..];
                // SAFETY: checked to be UTF-8 by `from_bytes`; the bytes never change
                // (`FileBytes` is immutable).
                unsafe { std::str::from_utf8_unchecked(slice) }
            }
        }
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        **self == **other
    }
}

impl Eq for Text {}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Arc::new(Backing::Owned(s)))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::from(s.to_owned())
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text::from(s.clone())
    }
}

/// A file's bytes, cheap to clone: read into memory, or for a big file mapped from the page
/// cache (no copy, and no fresh pages for the kernel to zero).
#[derive(Clone)]
pub struct FileBytes(Arc<Bytes>);

enum Bytes {
    Read(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl Default for FileBytes {
    fn default() -> Self {
        FileBytes::from(Vec::new())
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &*self.0 {
            Bytes::Read(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

impl From<memmap2::Mmap> for FileBytes {
    fn from(map: memmap2::Mmap) -> Self {
        FileBytes(Arc::new(Bytes::Mapped(map)))
    }
}

impl From<Vec<u8>> for FileBytes {
    fn from(v: Vec<u8>) -> Self {
        FileBytes(Arc::new(Bytes::Read(v)))
    }
}

impl std::fmt::Debug for FileBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileBytes({} bytes)", self.len())
    }
}
