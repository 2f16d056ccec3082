//! Bytes to a parsed document: encoding checks (BOM, UTF-16, invalid UTF-8), the parse, and
//! what kind of Postman file it is.

use crate::document::{Document, Kind, NodeId, ParseError, Span};
use crate::postman::environment;
pub use crate::text::FileBytes;
use crate::text::Text;

/// Text ready to parse: without a UTF-8 BOM, which is remembered so offsets and fixes can
/// account for it.
pub struct Decoded {
    pub text: Text,
    pub bom_len: usize,
}

/// Why a file could not be read as text. `shown` is what a snippet may display.
#[derive(Clone)]
pub struct DecodeError {
    pub message: String,
    /// `None` when there is nothing worth showing (UTF-16 text).
    pub span: Option<Span>,
    pub shown: Text,
}

/// Files from this size on are read in two halves at once (two threads in the current pool): reading
/// a big file is mostly the kernel filling fresh pages, which the two cores then share.
const PARALLEL_READ_FROM: usize = 16 << 20;

/// Files from this size on are mapped rather than read.
const MAP_FROM: usize = 16 << 20;

/// `std::fs::read`, without a copy for big files.
pub fn read_file(path: &std::path::Path) -> std::io::Result<FileBytes> {
    let file = std::fs::File::open(path)?;
    let len = usize::try_from(file.metadata()?.len()).unwrap_or(0);
    // Not on Windows, where a mapped file cannot be replaced (as `--fix` does).
    if cfg!(unix) && len >= MAP_FROM {
        // A private read-only map of a regular file (checked by the caller). Mapping trades
        // a copy into fresh memory for the page cache's own pages; a file truncated by
        // another process while it is checked could fault (as with ripgrep's maps). `--fix`
        // replaces a file by renaming a new one over it, which leaves the map intact.
        // SAFETY: the map is only read, and `FileBytes` never hands out a mutable view.
        if let Ok(map) = unsafe { memmap2::MmapOptions::new().populate().map(&file) } {
            if map.len() == len {
                return Ok(FileBytes::from(map));
            }
        }
    }
    read_bytes(file, len).map(FileBytes::from)
}

fn read_bytes(mut file: std::fs::File, len: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        if len >= PARALLEL_READ_FROM {
            let mut bytes = vec![0u8; len];
            let (first, second) = bytes.split_at_mut(len / 2);
            // In the current rayon pool, so that `--threads 1` reads on one thread.
            let (mine, other) = rayon::join(
                || file.read_exact_at(first, 0),
                || file.read_exact_at(second, (len / 2) as u64),
            );
            let halves = mine.and(other);
            // Exactly `len` bytes, and nothing after them: otherwise the file changed while
            // it was read, and the plain read below sees it as it is now (positioned reads
            // leave the file's offset at 0).
            if halves.is_ok() && file.read_at(&mut [0u8], len as u64)? == 0 {
                return Ok(bytes);
            }
        }
    }
    let mut bytes = Vec::with_capacity(len);
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

pub fn decode(bytes: impl Into<FileBytes>) -> Result<Decoded, DecodeError> {
    let bytes: FileBytes = bytes.into();
    // With a BOM, or ASCII text interleaved with zero bytes (`{\0"\0` or `\0{\0"`).
    let b = &bytes;
    let utf16 = b.starts_with(&[0xFF, 0xFE])
        || b.starts_with(&[0xFE, 0xFF])
        || (b.len() >= 4 && b[1] == 0 && b[3] == 0 && b[0] != 0 && b[2] != 0)
        || (b.len() >= 4 && b[0] == 0 && b[2] == 0 && b[1] != 0 && b[3] != 0);
    if utf16 {
        return Err(DecodeError {
            message: "the file is UTF-16 (or UTF-32) encoded; scopelint reads UTF-8 JSON, as \
                      Postman exports it. Convert it, e.g. `iconv -f UTF-16 -t UTF-8`"
                .into(),
            span: None,
            shown: Text::from(""),
        });
    }
    let bom_len = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    match Text::from_bytes(bytes.clone(), bom_len) {
        Ok(text) => Ok(Decoded { text, bom_len }),
        Err(e) => {
            let rest = &bytes[bom_len..];
            let at = e.valid_up_to();
            let bad = rest[at];
            // Only the valid prefix is shown, so snippet offsets stay exact.
            let shown = String::from_utf8_lossy(&rest[..at]).into_owned();
            Err(DecodeError {
                message: format!(
                    "the file is not valid UTF-8: byte 0x{bad:02X} at offset {} (is it a binary \
                     file?)",
                    at + bom_len
                ),
                span: Some(Span::new(at, at)),
                shown: Text::from(shown),
            })
        }
    }
}

pub fn parse(text: &Text) -> Result<Document, ParseError> {
    Document::parse(text.clone()).map_err(|mut e| {
        if let Some(why) = what_went_wrong(text) {
            e.message = why.into();
        }
        e
    })
}

/// Postman v12's environments and globals: `*.environment.yaml` and `*.globals.yaml` (`.yml`
/// too).
pub fn is_yaml_variables_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".environment.", ".globals."].iter().any(|kind| {
        [".yaml", ".yml"]
            .iter()
            .any(|ext| lower.ends_with(&format!("{}{}", kind.trim_end_matches('.'), ext)))
    })
}

/// Whether a file is YAML by its name (`.yaml`, `.yml`): Postman's v3 files.
pub fn is_yaml_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// Parses a file's text in the syntax its name says (YAML for `.yaml` and `.yml`, else
/// JSON), with a message that names the syntax.
pub fn parse_named(name: &str, text: &Text) -> Result<Document, ParseError> {
    if is_yaml_name(name) {
        Document::parse_yaml(text.clone(), crate::source::FileId::LINTED)
    } else {
        parse(text).map_err(|mut e| {
            e.message = format!("invalid JSON: {}", e.message);
            e
        })
    }
}

/// A plainer cause for the two mistakes a parse error alone does not explain.
fn what_went_wrong(text: &str) -> Option<&'static str> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Some("the file is empty (or only whitespace)");
    }
    // `callback({...});`: JSON wrapped for a <script> tag.
    let name_len = trimmed
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.')))
        .unwrap_or(0);
    let jsonp = name_len > 0
        && trimmed[name_len..].trim_start().starts_with('(')
        && !trimmed.starts_with(|c: char| c.is_ascii_digit());
    jsonp.then_some("the JSON is wrapped in a JSONP call, `name(...)`; remove the wrapper")
}

/// What a parsed file is.
#[derive(Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A Postman collection at `root` (inside `{"collection": ...}` when wrapped).
    Collection {
        root: NodeId,
        pointer: &'static str,
    },
    Environment,
    Globals,
    /// A HAR capture.
    Har,
    /// Named `*.har` but not a HAR capture: an error, with the reason.
    NotHar(&'static str),
    /// Not something scopelint lints; the reason is shown for files named explicitly.
    Other(String),
}

const COLLECTION_SUFFIX: &str = ".postman_collection.json";
const ENVIRONMENT_SUFFIX: &str = ".postman_environment.json";
const GLOBALS_SUFFIX: &str = ".postman_globals.json";

/// Whether a file name promises a Postman export or a HAR capture.
pub fn has_postman_suffix(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        COLLECTION_SUFFIX,
        ENVIRONMENT_SUFFIX,
        GLOBALS_SUFFIX,
        ".har",
    ]
    .iter()
    .any(|s| lower.ends_with(s))
        || is_yaml_variables_name(&lower)
}

/// A cheap test on raw bytes before parsing a `*.json` file found in a directory walk: only
/// files that could be Postman exports are parsed.
pub fn may_be_postman(bytes: &[u8]) -> bool {
    let window = &bytes[..bytes.len().min(1 << 20)];
    // Schema URLs are on schema.getpostman.com or schema.postman.com.
    contains(window, b"postman.com") || contains(window, b"_postman_variable_scope")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// `explicit`: the file was named on the command line (or read from stdin), so a collection
/// without a schema URL is accepted when it has `info` and `item`.
pub fn classify(doc: &Document, file_name: &str, explicit: bool) -> FileKind {
    let lower = file_name.to_ascii_lowercase();
    let root = doc.root();
    if lower.ends_with(".har") {
        return match crate::har::not_har(doc) {
            None => FileKind::Har,
            Some(why) => FileKind::NotHar(why),
        };
    }
    if doc.kind(root) == Kind::Array {
        return if lower.ends_with(GLOBALS_SUFFIX) && environment::is_variable_list(doc, root) {
            FileKind::Globals
        } else {
            FileKind::Other("a JSON array, not a Postman collection or environment".into())
        };
    }
    if doc.kind(root) != Kind::Object {
        return FileKind::Other(format!("{}, not a Postman collection", doc.kind(root)));
    }
    if doc.get(root, "log").is_some() && crate::har::not_har(doc).is_none() {
        return FileKind::Har;
    }
    if let Some(inner) = doc.get(root, "collection") {
        if looks_like_collection(doc, inner, true) {
            return FileKind::Collection {
                root: inner,
                pointer: "/collection",
            };
        }
    }
    let has_info = doc
        .get(root, "info")
        .is_some_and(|i| doc.kind(i) == Kind::Object);
    if looks_like_collection(
        doc,
        root,
        lower.ends_with(COLLECTION_SUFFIX) || (explicit && has_info),
    ) {
        return FileKind::Collection { root, pointer: "" };
    }
    if environment::values_node(doc).is_some() {
        match environment::variable_scope(doc).as_deref() {
            Some("environment") => return FileKind::Environment,
            Some("globals") => return FileKind::Globals,
            _ if lower.ends_with(ENVIRONMENT_SUFFIX) => return FileKind::Environment,
            _ if lower.ends_with(GLOBALS_SUFFIX) => return FileKind::Globals,
            _ if is_yaml_variables_name(&lower) && lower.contains(".environment.") => {
                return FileKind::Environment
            }
            _ if is_yaml_variables_name(&lower) => return FileKind::Globals,
            _ => {}
        }
    }
    if doc.get(root, "requests").is_some() && doc.get(root, "order").is_some() {
        return FileKind::Other(
            "a Postman collection in the v1 format, which scopelint does not read; export it \
             again from Postman as Collection v2.1"
                .into(),
        );
    }
    FileKind::Other("not a Postman collection, environment or globals file".into())
}

/// A collection names a Postman collection schema in `info.schema`; with `by_name` (the file
/// name or a wrapper says it is one), an `item` array is enough.
fn looks_like_collection(doc: &Document, node: NodeId, by_name: bool) -> bool {
    if doc.kind(node) != Kind::Object {
        return false;
    }
    let info = doc.get(node, "info");
    // `_postman_schema` is what early v2 drafts wrote.
    let schema = ["schema", "_postman_schema"]
        .iter()
        .find_map(|k| info.and_then(|i| doc.get(i, k)))
        .and_then(|s| doc.as_str(s));
    if let Some(schema) = schema {
        let s = schema.to_ascii_lowercase();
        if s.contains("postman.com")
            && (s.contains("/collection/") || s.contains("#2."))
            && !s.contains("/v1.")
        {
            return true;
        }
    }
    by_name
        && doc
            .get(node, "item")
            .is_some_and(|i| doc.kind(i) == Kind::Array)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_and_small_files_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        // Odd sizes, so the halves differ; every byte distinct from its neighbours.
        for len in [0, 1, 4097, PARALLEL_READ_FROM + 3, MAP_FROM + 5] {
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let path = dir.path().join(format!("f{len}"));
            std::fs::write(&path, &bytes).unwrap();
            assert!(*read_file(&path).unwrap() == bytes[..], "{len} bytes");
            // The read without a map (other systems, or a map refused), in halves from
            // PARALLEL_READ_FROM on.
            let file = std::fs::File::open(&path).unwrap();
            assert!(read_bytes(file, len).unwrap() == bytes, "{len} bytes read");
        }
        assert!(read_file(&dir.path().join("missing")).is_err());
        assert!(read_file(dir.path()).is_err());
    }

    fn kind(text: &str, name: &str) -> FileKind {
        let doc = Document::parse(Text::from(text)).unwrap();
        classify(&doc, name, false)
    }

    #[test]
    fn classifies_by_schema_wrapper_and_name() {
        let v21 = r#"{"info": {"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": []}"#;
        assert_eq!(
            kind(v21, "x.json"),
            FileKind::Collection {
                root: Document::parse(Text::from(v21)).unwrap().root(),
                pointer: ""
            }
        );
        let wrapped = format!(r#"{{"collection": {v21}}}"#);
        assert!(matches!(
            kind(&wrapped, "x.json"),
            FileKind::Collection {
                pointer: "/collection",
                ..
            }
        ));
        assert!(matches!(
            kind(r#"{"item": []}"#, "a.postman_collection.json"),
            FileKind::Collection { .. }
        ));
        assert!(matches!(
            kind(r#"{"item": []}"#, "a.json"),
            FileKind::Other(_)
        ));
        let env = r#"{"name": "e", "values": [], "_postman_variable_scope": "environment"}"#;
        assert_eq!(kind(env, "e.json"), FileKind::Environment);
        assert_eq!(
            kind(r#"[{"key": "a", "value": "b"}]"#, "g.postman_globals.json"),
            FileKind::Globals
        );
        assert!(
            matches!(kind(r#"{"requests": [], "order": []}"#, "v1.json"), FileKind::Other(m) if m.contains("v1"))
        );
        assert!(matches!(kind("[1]", "x.json"), FileKind::Other(_)));
        let draft =
            r#"{"info": {"_postman_schema": "https://schema.getpostman.com/#2.0.0"}, "item": []}"#;
        assert!(matches!(kind(draft, "x.json"), FileKind::Collection { .. }));
        let doc = Document::parse(Text::from(r#"{"info": {"name": "n"}, "item": []}"#)).unwrap();
        assert!(matches!(
            classify(&doc, "x.json", true),
            FileKind::Collection { .. }
        ));
        assert!(matches!(
            classify(&doc, "x.json", false),
            FileKind::Other(_)
        ));
    }

    #[test]
    fn decodes_bom_and_rejects_utf16_and_bad_utf8() {
        let d = decode(b"\xEF\xBB\xBF{}".to_vec()).ok().unwrap();
        assert_eq!((&*d.text, d.bom_len), ("{}", 3));
        let e = decode(b"\xFF\xFE{\0}\0".to_vec()).err().unwrap();
        assert!(e.message.contains("UTF-16"));
        let e = decode(b"{\0\"\0".to_vec()).err().unwrap();
        assert!(e.message.contains("UTF-16"));
        let e = decode(b"{\"a\": \"\xC3\x28\"}".to_vec()).err().unwrap();
        assert!(e.message.contains("0xC3 at offset 7"), "{}", e.message);
        assert_eq!(e.span.unwrap().start, 7);
    }
}
