//! `scopelint redact FILE.har [-o OUT]`.

use std::io;
use std::path::{Path, PathBuf};

use crate::console::io_message;
use crate::console::{write_stderr, write_stdout, Status};
use crate::load;
use crate::redact::Redactor;
use crate::write::write_file;

pub fn run(file: &Path, output: Option<&Path>) -> io::Result<Status> {
    let name = file.display().to_string();
    let fail = |message: String| {
        write_stderr(&format!("error: {name}: {message}\n"));
        Ok(Status::Error)
    };
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => return fail(io_message(&e)),
    };
    let decoded = match load::decode(bytes) {
        Ok(d) => d,
        Err(e) => return fail(e.message),
    };
    let doc = match load::parse(&decoded.text) {
        Ok(doc) => doc,
        Err(e) => return fail(format!("invalid JSON: {}", e.message)),
    };
    let mut redactor = Redactor::default();
    let Some(text) = redactor.redact(&doc) else {
        return fail(
            crate::har::not_har(&doc)
                .unwrap_or("not a HAR capture")
                .to_owned(),
        );
    };
    let out = output.map_or_else(|| default_output(file), Path::to_path_buf);
    let mut bytes = if decoded.bom_len > 0 {
        "\u{feff}".as_bytes().to_vec()
    } else {
        Vec::new()
    };
    bytes.extend_from_slice(text.as_bytes());
    if let Err(message) = write_file(&out, &bytes) {
        return fail(message);
    }
    let counts: Vec<String> = redactor
        .counts
        .iter()
        .map(|(kind, n)| format!("{n} in {kind}"))
        .collect();
    let what = if counts.is_empty() {
        "nothing to redact".to_owned()
    } else {
        format!("redacted {}", counts.join(", "))
    };
    write_stdout(&format!("{name}: {what}; wrote {}\n", out.display()))?;
    Ok(Status::Clean)
}

/// `capture.har` → `capture.redacted.har`.
fn default_output(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".har").unwrap_or(&name);
    file.with_file_name(format!("{stem}.redacted.har"))
}
