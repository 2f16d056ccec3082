//! scopelint: lint (and explain) ScopeStack API authentication mistakes in Postman
//! collections.
//!
//! Data flows one way: [`discover`] → [`load`] (decode, [`json`] parse with spans, classify)
//! → [`postman`] model → [`variables`] → [`rules`] → [`diagnostic`]s → [`report`].

pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod fix;
pub mod har;
pub mod js;
pub mod json;
pub mod lint;
pub mod load;
pub mod postman;
pub mod redact;
pub mod report;
pub mod rules;
pub mod scopestack;
pub mod secrets;
pub mod settings;
pub mod source;
pub mod text;
pub mod tokens;
pub mod variables;
pub mod write;

use std::io;

use cli::{Cli, Command};
use commands::Status;

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
            commands::write_stderr(&format!("error: {e}\n"));
            Status::Error
        }
    }
}
