//! Command-line arguments. Raw flags stop here: commands receive validated values.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "scopelint",
    version,
    about = "Find (and explain) the ScopeStack API authentication mistakes in Postman collections",
    long_about = "Find (and explain) the ScopeStack API authentication mistakes in Postman \
                  collections: the OAuth 2.0 password helper that ScopeStack answers with \
                  invalid_grant, wrong token URLs, whole token responses stored as tokens, \
                  missing JSON:API Accept headers and missing account slugs.\n\n\
                  Exit status: 0 no problems, 1 problems found, 2 usage, I/O or parse errors.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint Postman collections, environments and globals files
    Check(CheckArgs),
    /// List every rule: code, name and summary
    Rules,
    /// Print a rule's documentation: what it catches, why it breaks, an example, the cure
    Explain {
        /// A rule code (SS001) or name (oauth-password-grant)
        rule: String,
    },
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to lint; directories are searched recursively for Postman
    /// collections, environments and globals files (skipping .git, target and node_modules);
    /// `-` reads standard input
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// A Postman environment export whose variables resolve {{references}} (highest
    /// precedence, above collection variables)
    #[arg(long, short = 'e', value_name = "FILE")]
    pub environment: Option<PathBuf>,

    /// A Postman globals export whose variables resolve {{references}} (lowest precedence)
    #[arg(long, short = 'g', value_name = "FILE")]
    pub globals: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Full)]
    pub format: Format,

    /// The file name to show for standard input (`-`) in diagnostics
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Apply safe fixes in place, then report what remains (with `-`, write the fixed text
    /// to stdout and the report to stderr)
    #[arg(long)]
    pub fix: bool,

    /// Print a unified diff of what --fix would change and write nothing (with --fix: apply
    /// and print the diff)
    #[arg(long)]
    pub diff: bool,

    /// Apply unsafe fixes too: those that may change behaviour you chose (see `scopelint
    /// explain CODE`)
    #[arg(long)]
    pub unsafe_fixes: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Graphical diagnostics with the offending lines, then a summary
    Full,
    /// One JSON document on stdout
    Json,
}
