//! scopelint: lint (and explain) ScopeStack API authentication mistakes in Postman
//! collections, environments and HAR captures.
//!
//! The binary parses its command line ([`Cli`]) and calls [`run`]; the tests, benchmarks and
//! fuzz targets use the small library API ([`Checker`], [`render`] and friends). Every other
//! module is private to the crate.
//!
//! Data flows one way: `commands` (flags become options) → `check` (input, plan, fixing,
//! output, exit) → `discover` → `load` (decode, `json` parse with spans, classify) →
//! `postman` model → `variables` → `rules` → `diagnostic`s → `fix` → `report`.

mod api;
mod check;
mod cli;
mod commands;
mod config;
mod console;
mod diagnostic;
mod discover;
mod document;
mod fix;
mod fixer;
mod har;
mod js;
mod lint;
mod load;
mod memory;
mod parallel;
mod postman;
mod redact;
mod report;
mod rule_options;
mod rules;
mod scopestack;
mod secrets;
mod settings;
mod source;
mod text;
mod tokens;
mod tree;
mod tree_lint;
mod variables;
mod write;

pub use api::{
    apply_edits, mask_secrets, parse_json, profile, redact, render, rules, statistics,
    Applicability, Checker, Diagnostic, Edit, ErrorKind, FileError, FileId, Fix, Fixed, Format,
    Outcome, Report, Severity, Span, Target,
};
pub use cli::Cli;
pub use console::Status;

use std::io;

use cli::Command;

/// Runs a parsed command line.
pub fn run(cli: &Cli) -> Status {
    let result = match &cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Rules => commands::rules::list(),
        Command::Explain { rule } => commands::rules::explain(rule),
        Command::Completions { shell } => commands::rules::completions(*shell),
        Command::Redact { file, output } => commands::redact::run(file, output.as_deref()),
    };
    match result {
        Ok(status) => status,
        // `scopelint check` handles a closed pipe itself and exits with the status of what
        // it found (unlike ripgrep, which exits 0 on a broken pipe: a linter that did would
        // turn a `set -o pipefail` job with problems green). Here the
        // reader of `rules`, `explain` or `completions` left: that is not a failure. A
        // closed pipe that reaches here from `check` lost output it had to deliver (the
        // fixed text of `--fix -`): an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => match &cli.command {
            Command::Check(_) => Status::Error,
            _ => Status::Clean,
        },
        Err(e) => {
            console::write_stderr(&format!("error: {e}\n"));
            Status::Error
        }
    }
}
