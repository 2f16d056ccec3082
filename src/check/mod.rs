//! `scopelint check`, in parts: [`input`] reads what was named, [`plan`] finds each file's
//! configuration and rule options, `lint` checks it, [`fixing`] fixes it and writes the
//! changes, [`output`] renders reports and summaries, and [`exit`] turns what was found into
//! the exit status. The command line (`commands::check`) turns its flags into [`Options`];
//! nothing here reads a flag.
//!
//! Modes: check (report), fix (apply, then report what remains), diff (print what fixing
//! would change, write nothing), fix and diff (apply and print), show files.

mod exit;
pub(crate) mod fixing;
pub(crate) mod input;
mod output;
mod plan;

use std::io;
use std::path::PathBuf;

use crate::cli::Format;
use crate::config::{ConfigStore, Overrides};
use crate::console::Status;
use crate::discover::{discover, Input};
use crate::lint::{lint_bytes, ErrorKind, FileReport, Outcome};

use self::input::{load_input, Loaded};
use self::output::Output;
use self::plan::{FilePlan, Planner};

/// What to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Report problems.
    Check,
    /// Apply fixes, then report what remains; `diff` also prints what changed.
    Fix { diff: bool },
    /// Print what fixing would change, and write nothing.
    Diff,
    /// List the files that would be checked.
    ShowFiles,
}

/// Where configuration comes from.
#[derive(Clone, Debug)]
pub enum ConfigSource {
    /// The nearest `scopelint.toml` or `.scopelint.toml` above each file.
    Discovered,
    /// One file for everything.
    File(PathBuf),
    /// Defaults only.
    Isolated,
}

/// How reports are written.
#[derive(Clone, Debug)]
pub struct OutputOptions {
    pub format: Format,
    /// `None`: standard output (standard error when standard output carries fixed text).
    pub file: Option<PathBuf>,
    pub color: bool,
    /// Counts per rule instead of the problems.
    pub statistics: bool,
    /// No notes (and no summary).
    pub quiet: bool,
    pub summary: bool,
    /// Exit with 0 even when problems are found.
    pub exit_zero: bool,
}

/// A check, as the command line asked for it.
#[derive(Clone, Debug)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    /// The name standard input is reported under.
    pub stdin_name: String,
    pub environment: Option<PathBuf>,
    pub globals: Option<PathBuf>,
    pub mode: Mode,
    pub unsafe_fixes: bool,
    pub config: ConfigSource,
    pub overrides: Overrides,
    pub output: OutputOptions,
    pub threads: usize,
    /// Files larger than this are reported, not read.
    pub max_file_size_mib: u64,
}

impl Options {
    /// Standard output carries the fixed text of standard input (`--fix -`).
    fn fixes_stdin(&self) -> bool {
        matches!(self.mode, Mode::Fix { .. }) && self.paths.iter().any(|p| p.as_os_str() == "-")
    }
}

pub fn run(options: &Options) -> io::Result<Status> {
    let mut output = Output::new(options)?;
    let settings = match input::load_settings(options) {
        Ok(s) => s,
        // As with a broken configuration: reported in the chosen format, nothing checked.
        Err(report) => {
            output.add(report)?;
            return output.finish();
        }
    };
    if let Some(env) = &settings.environment {
        output.set_environment(env);
    }
    let configs = match &options.config {
        ConfigSource::Discovered => ConfigStore::new(None, false),
        ConfigSource::File(path) => ConfigStore::new(Some(path), false),
        ConfigSource::Isolated => ConfigStore::new(None, true),
    };
    let configs = match configs {
        Ok(c) => c,
        Err(e) => {
            output.add(plan::config_report(e))?;
            return output.finish();
        }
    };
    let planner = Planner::new(&configs, options);
    let inputs = discover(&options.paths);
    // Every parallel step (files, and the parts of a big file) runs in this pool.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(io::Error::other)?;
    if options.mode == Mode::Check {
        // Plain checks are independent: lint and render on every core, then write in input
        // order.
        let preparer = output.preparer();
        let results: Vec<Vec<Step>> = pool.install(|| {
            use rayon::prelude::*;
            inputs
                .par_iter()
                .map(|input| check_one(input, options, &planner, &settings, &preparer))
                .collect()
        });
        // Once the reader has gone, reports are still counted (the exit status says what
        // was found) but no longer written.
        for step in results.into_iter().flatten() {
            match step {
                Step::Report(prepared) => output.add_prepared(prepared)?,
                Step::Note(file, reason) => output.note_skipped(&file, &reason),
                Step::Message(text) => output.note(&text),
            }
        }
        return output.finish();
    }
    pool.install(|| fixing::fix_inputs(&inputs, options, &planner, settings, output))
}

/// What checking one input produced.
enum Step {
    /// A report, rendered where it was made.
    Report(output::Prepared),
    /// A file named on the command line that is not a Postman file.
    Note(input::LoadedFile, String),
    /// A note about no file.
    Message(String),
}

fn check_one(
    input: &Input,
    options: &Options,
    planner: &Planner,
    settings: &crate::settings::Settings,
    preparer: &output::Preparer,
) -> Vec<Step> {
    let ready = |report| Step::Report(preparer.prepare(report));
    let mut file = match load_input(input, options) {
        Loaded::Bytes(file) => file,
        Loaded::Tree(tree) => {
            return match planner.plan_at(Some(&tree.dir.path)) {
                FilePlan::Ready(plan) => {
                    crate::tree_lint::lint_tree(tree, settings, plan.rule_options())
                        .into_iter()
                        .map(ready)
                        .collect()
                }
                FilePlan::Report(report) => report.map(ready).into_iter().collect(),
            }
        }
        Loaded::Report(report) => return vec![ready(report)],
        Loaded::Skip => return Vec::new(),
        Loaded::Note(text) => return vec![Step::Message(text)],
    };
    let plan = match planner.plan(&file) {
        FilePlan::Ready(plan) => plan,
        FilePlan::Report(report) => return report.map(ready).into_iter().collect(),
    };
    let bytes = std::mem::take(&mut file.bytes);
    match lint_bytes(
        &file.name,
        bytes,
        file.explicit,
        settings,
        plan.rule_options(),
    ) {
        Outcome::Report(report) => vec![ready(report)],
        Outcome::Skipped(reason) => vec![Step::Note(file, reason)],
    }
}

/// A report of a file that could not be written back.
fn write_failed(name: &str, message: String) -> FileReport {
    FileReport::failed_as(ErrorKind::Write, name, message)
}
