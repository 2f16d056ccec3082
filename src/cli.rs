//! Command-line arguments. Raw flags stop here: commands receive validated values.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "scopelint",
    version,
    about = "Find (explain, and fix) the ScopeStack API authentication mistakes in Postman \
             collections and HAR captures",
    long_about = "Find (explain, and fix) the ScopeStack API authentication mistakes in Postman \
                  collections, environments and HAR captures: the OAuth 2.0 password helper \
                  that ScopeStack answers with invalid_grant, wrong token URLs, whole token \
                  responses stored as tokens, missing JSON:API headers and account slugs, \
                  redirect_uri on password grants, hard-coded secrets, and what a capture's \
                  400, 401 and 403 answers mean. `scopelint rules` lists every rule.\n\n\
                  Exit status: 0 no problems, 1 problems found, 2 usage, I/O or parse errors.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint Postman collections, environments, globals files and HAR captures
    Check(Box<CheckArgs>),
    /// List every rule: code, name and summary
    Rules,
    /// Print a rule's documentation: what it catches, why it breaks, an example, the cure
    Explain {
        /// A rule code (SS001) or name (oauth-password-grant)
        rule: String,
    },
    /// Write a copy of a HAR capture that is safe to share: credentials become `[redacted:N]`
    Redact {
        /// The HAR capture to redact
        file: PathBuf,
        /// Where to write the copy [default: FILE.redacted.har]
        #[arg(long, short = 'o', value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Print a shell completion script (e.g. `scopelint completions bash > /etc/bash_completion.d/scopelint`)
    Completions {
        /// The shell to complete in
        shell: clap_complete::Shell,
    },
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to lint; directories are searched recursively for Postman
    /// collections, environments, globals files and HAR captures (skipping .git, target and
    /// node_modules); `-` reads standard input
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// A Postman environment export whose variables resolve {{references}} (highest
    /// precedence, above collection variables)
    #[arg(long, short = 'e', value_name = "FILE")]
    pub environment: Option<PathBuf>,

    /// A Postman globals export whose variables resolve {{references}} (lowest precedence)
    #[arg(long, short = 'g', value_name = "FILE")]
    pub globals: Option<PathBuf>,

    /// The file name to show for standard input (`-`) in diagnostics
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Apply safe fixes in place, then report what remains (with `-`, write the fixed text
    /// to stdout and the report to stderr)
    #[arg(long, help_heading = "Fixing")]
    pub fix: bool,

    /// Print a unified diff of what --fix would change and write nothing (with --fix: apply
    /// and print the diff)
    #[arg(long, help_heading = "Fixing")]
    pub diff: bool,

    /// Apply unsafe fixes too: those that may change behaviour you chose (see `scopelint
    /// explain CODE`)
    #[arg(long, help_heading = "Fixing")]
    pub unsafe_fixes: bool,

    /// Run only these rules (codes, prefixes such as `SS`, or names; comma-separated);
    /// replaces `select` from the configuration
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "RULES",
        help_heading = "Rule selection"
    )]
    pub select: Option<Vec<String>>,

    /// Run these rules too, on top of the selection
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "RULES",
        help_heading = "Rule selection"
    )]
    pub extend_select: Vec<String>,

    /// Do not run these rules
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "RULES",
        help_heading = "Rule selection"
    )]
    pub ignore: Vec<String>,

    /// Use this configuration file for every linted file, instead of the nearest
    /// `scopelint.toml` or `.scopelint.toml`
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "isolated",
        help_heading = "Configuration"
    )]
    pub config: Option<PathBuf>,

    /// Ignore configuration files: defaults and command-line flags only
    #[arg(long, help_heading = "Configuration")]
    pub isolated: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Full, help_heading = "Output")]
    pub format: Format,

    /// Write the report to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output_file: Option<PathBuf>,

    /// When to use colour
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Output")]
    pub color: ColorChoice,

    /// Print how many problems each rule found instead of the problems
    #[arg(long, help_heading = "Output")]
    pub statistics: bool,

    /// Print only the problems: no summary and no notes
    #[arg(long, short = 'q', help_heading = "Output")]
    pub quiet: bool,

    /// Leave out the closing summary line
    #[arg(long, help_heading = "Output")]
    pub no_summary: bool,

    /// List the files that would be linted, and lint nothing
    #[arg(long, help_heading = "Output")]
    pub show_files: bool,

    /// How many threads to lint with: files at once, and the parts of a big file [default:
    /// one per core]
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Report files larger than this many MiB as errors instead of reading them
    #[arg(long, value_name = "MIB", default_value_t = 512, value_hint = clap::ValueHint::Other)]
    pub max_file_size: u64,

    /// Exit with 0 even when problems are found (errors still exit with 2)
    #[arg(long, help_heading = "Output")]
    pub exit_zero: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set
    Auto,
    Always,
    Never,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Graphical diagnostics with the offending lines, then a summary
    Full,
    /// One line per problem: `path:line:col: CODE message`
    Concise,
    /// One JSON document
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards
    Sarif,
    /// GitHub Actions workflow annotations
    Github,
}
