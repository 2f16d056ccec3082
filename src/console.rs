//! How a command ended, and writing to standard output and error.

use std::io::{self, Write};

/// How a command ended; `main` maps it to the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing found.
    Clean = 0,
    /// Problems found.
    Findings = 1,
    /// Usage, I/O or parse errors.
    Error = 2,
}

/// Writes to stdout; a closed pipe (`scopelint ... | head`) is not an error.
pub fn write_stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

pub fn write_stderr(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// An I/O error without the "(os error 13)" noise.
pub fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}
