//! `scopelint check`: discover, lint each file, report.

use std::io::{self, IsTerminal, Read};
use std::path::Path;

use super::{write_stderr, write_stdout, Status};
use crate::cli::{CheckArgs, Format};
use crate::discover::{discover, io_message, Input};
use crate::lint::{lint_bytes, read_variables_file, FileReport, Outcome, Settings};
use crate::load::{has_postman_suffix, may_be_postman};
use crate::report::full::FullRenderer;
use crate::report::json::JsonReport;
use crate::report::Totals;

pub fn run(args: &CheckArgs) -> io::Result<Status> {
    let settings = match load_settings(args) {
        Ok(s) => s,
        Err(message) => {
            write_stderr(&format!("error: {message}\n"));
            return Ok(Status::Error);
        }
    };
    let inputs = discover(&args.paths);
    let mut sink = Sink::new(args.format);
    for input in inputs {
        match lint_input(&input, args, &settings) {
            Some(Outcome::Report(report)) => sink.add(report)?,
            Some(Outcome::Skipped(reason)) => {
                let name = match &input {
                    Input::File { path, .. } => path.display().to_string(),
                    Input::Unreadable { path, .. } => path.clone(),
                    Input::Stdin => stdin_name(args),
                };
                write_stderr(&format!("note: skipping {name}: {reason}\n"));
            }
            None => {}
        }
    }
    sink.finish()
}

fn load_settings(args: &CheckArgs) -> Result<Settings, String> {
    let read = |path: &Path, what: &str| {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| format!("{name}: {}", io_message(&e)))?;
        read_variables_file(&name, bytes, what).map_err(|e| format!("{name}: {e}"))
    };
    Ok(Settings {
        environment: args
            .environment
            .as_deref()
            .map(|p| read(p, "environment"))
            .transpose()?,
        globals: args
            .globals
            .as_deref()
            .map(|p| read(p, "globals"))
            .transpose()?,
    })
}

fn stdin_name(args: &CheckArgs) -> String {
    args.stdin_filename
        .clone()
        .unwrap_or_else(|| "<stdin>".to_owned())
}

/// `None` for a file found in a directory that is not a Postman export (skipped silently).
fn lint_input(input: &Input, args: &CheckArgs, settings: &Settings) -> Option<Outcome> {
    match input {
        Input::Unreadable { path, message } => {
            Some(Outcome::Report(FileReport::failed(path, message.clone())))
        }
        Input::Stdin => {
            let name = stdin_name(args);
            let mut bytes = Vec::new();
            if let Err(e) = io::stdin().lock().read_to_end(&mut bytes) {
                return Some(Outcome::Report(FileReport::failed(&name, io_message(&e))));
            }
            Some(lint_bytes(&name, bytes, true, settings))
        }
        Input::File { path, explicit } => {
            let name = path.display().to_string();
            match std::fs::metadata(path) {
                // A FIFO or device could block or never end.
                Ok(m) if !m.is_file() => {
                    return Some(Outcome::Report(FileReport::failed(
                        &name,
                        "not a regular file".to_owned(),
                    )))
                }
                Err(e) => return Some(Outcome::Report(FileReport::failed(&name, io_message(&e)))),
                Ok(_) => {}
            }
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => return Some(Outcome::Report(FileReport::failed(&name, io_message(&e)))),
            };
            let by_name = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(has_postman_suffix);
            if !explicit && !by_name && !may_be_postman(&bytes) {
                return None;
            }
            match lint_bytes(&name, bytes, *explicit, settings) {
                Outcome::Skipped(_) if !explicit => None,
                outcome => Some(outcome),
            }
        }
    }
}

/// Receives reports as files are linted and writes the chosen format.
struct Sink {
    totals: Totals,
    output: Output,
}

enum Output {
    Full(Box<FullRenderer>),
    Json(JsonReport),
}

impl Sink {
    fn new(format: Format) -> Sink {
        let output = match format {
            Format::Full => Output::Full(Box::new(FullRenderer::new(use_color(), width()))),
            Format::Json => Output::Json(JsonReport::new()),
        };
        Sink {
            totals: Totals::default(),
            output,
        }
    }

    fn add(&mut self, report: FileReport) -> io::Result<()> {
        self.totals.add(&report);
        match &mut self.output {
            Output::Full(renderer) => {
                if report.error.is_some() || !report.diagnostics.is_empty() {
                    let mut text = String::new();
                    renderer.render(&report, &mut text);
                    write_stdout(&text)?;
                }
            }
            Output::Json(json) => json.add(&report),
        }
        Ok(())
    }

    fn finish(self) -> io::Result<Status> {
        match self.output {
            Output::Full(_) => write_stdout(&format!("{}\n", self.totals.summary()))?,
            Output::Json(json) => {
                let mut text = serde_json::to_string_pretty(&json).map_err(io::Error::other)?;
                text.push('\n');
                write_stdout(&text)?;
            }
        }
        Ok(if self.totals.failed_files > 0 {
            Status::Error
        } else if self.totals.findings() > 0 {
            Status::Findings
        } else {
            Status::Clean
        })
    }
}

/// Colour only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
fn use_color() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w| w >= 40)
        .unwrap_or(100)
}
