pub mod check;
pub mod redact;
pub mod rules;

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
