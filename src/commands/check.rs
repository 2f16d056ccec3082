//! `scopelint check`: discover, lint (or fix) each file, report.
//!
//! Modes: check (report), `--fix` (apply, then report what remains), `--diff` (print what
//! `--fix` would change, write nothing), `--fix --diff` (apply and print).

use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};

use super::{write_stderr, write_stdout, Status};
use crate::cli::{CheckArgs, Format};
use crate::discover::{discover, io_message, Input};
use crate::fix::fixer::fix_text;
use crate::lint::{lint_bytes, ErrorKind, FileReport, Outcome};
use crate::load::{self, has_postman_suffix, may_be_postman};
use crate::report::full::FullRenderer;
use crate::report::json::JsonReport;
use crate::report::{diff, Totals};
use crate::settings::{Settings, VariablesFile};
use crate::write::{replace_file, Stamp};

pub fn run(args: &CheckArgs) -> io::Result<Status> {
    let mut settings = match load_settings(args) {
        Ok(s) => s,
        Err(message) => {
            write_stderr(&format!("error: {message}\n"));
            return Ok(Status::Error);
        }
    };
    let inputs = discover(&args.paths);
    // With `--fix -`, stdout carries the fixed text: the report goes to stderr.
    let stdin_fix = args.fix && inputs.contains(&Input::Stdin);
    let mut sink = Sink::new(args, stdin_fix);
    for input in &inputs {
        let mut loaded = match load_input(input, args) {
            Loaded::Bytes(file) => file,
            Loaded::Report(report) => {
                sink.add(report)?;
                continue;
            }
            Loaded::Skip => continue,
        };
        if args.fix || args.diff {
            fix_file(loaded, args, &mut settings, &mut sink)?;
        } else {
            let bytes = std::mem::take(&mut loaded.bytes);
            match lint_bytes(&loaded.name, bytes, loaded.explicit, &settings) {
                Outcome::Report(report) => sink.add(report)?,
                Outcome::Skipped(reason) => note_skipped(&loaded, &reason),
            }
        }
    }
    if let Some(env) = settings.environment.as_ref().filter(|e| e.changed()) {
        finish_environment(env, args, &mut sink)?;
    }
    sink.finish()
}

fn load_settings(args: &CheckArgs) -> Result<Settings, String> {
    let read = |path: &Path, what: &'static str| {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| format!("{name}: {}", io_message(&e)))?;
        VariablesFile::read(&name, bytes, what).map_err(|e| format!("{name}: {e}"))
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

/// A file's bytes, ready to lint.
struct LoadedFile {
    name: String,
    bytes: Vec<u8>,
    explicit: bool,
    /// `None` for stdin.
    path: Option<PathBuf>,
    stamp: Option<Stamp>,
}

enum Loaded {
    Bytes(LoadedFile),
    /// Could not be read.
    Report(FileReport),
    /// Found in a directory and not a Postman export.
    Skip,
}

fn load_input(input: &Input, args: &CheckArgs) -> Loaded {
    match input {
        Input::Unreadable { path, message } => {
            Loaded::Report(FileReport::failed(path, message.clone()))
        }
        Input::Stdin => {
            let name = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| "<stdin>".to_owned());
            let mut bytes = Vec::new();
            if let Err(e) = io::stdin().lock().read_to_end(&mut bytes) {
                return Loaded::Report(FileReport::failed(&name, io_message(&e)));
            }
            Loaded::Bytes(LoadedFile {
                name,
                bytes,
                explicit: true,
                path: None,
                stamp: None,
            })
        }
        Input::File { path, explicit } => {
            let name = path.display().to_string();
            let failed = |message: String| Loaded::Report(FileReport::failed(&name, message));
            match std::fs::metadata(path) {
                // A FIFO or device could block or never end.
                Ok(m) if !m.is_file() => return failed("not a regular file".to_owned()),
                Err(e) => return failed(io_message(&e)),
                Ok(_) => {}
            }
            let stamp = Stamp::of(path).ok();
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => return failed(io_message(&e)),
            };
            let by_name = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(has_postman_suffix);
            if !explicit && !by_name && !may_be_postman(&bytes) {
                return Loaded::Skip;
            }
            Loaded::Bytes(LoadedFile {
                name,
                bytes,
                explicit: *explicit,
                path: Some(path.clone()),
                stamp,
            })
        }
    }
}

fn note_skipped(file: &LoadedFile, reason: &str) {
    if file.explicit {
        write_stderr(&format!("note: skipping {}: {reason}\n", file.name));
    }
}

/// Fixes one file in memory, then prints its diff and/or writes it, and reports what remains.
fn fix_file(
    file: LoadedFile,
    args: &CheckArgs,
    settings: &mut Settings,
    sink: &mut Sink,
) -> io::Result<()> {
    let decoded = match load::decode(file.bytes.clone()) {
        Ok(d) => d,
        // Not text: the plain lint reports it.
        Err(_) => {
            return match lint_bytes(&file.name, file.bytes.clone(), file.explicit, settings) {
                Outcome::Report(report) => sink.add(report),
                Outcome::Skipped(reason) => {
                    note_skipped(&file, &reason);
                    Ok(())
                }
            }
        }
    };
    let original = decoded.text.clone();
    let fixed = fix_text(
        &file.name,
        decoded.text,
        decoded.bom_len,
        file.explicit,
        settings,
        args.unsafe_fixes,
    );
    let report = match fixed.outcome {
        Outcome::Report(report) => report,
        Outcome::Skipped(reason) => {
            note_skipped(&file, &reason);
            return Ok(());
        }
    };
    if *fixed.text != *original {
        if args.diff {
            sink.diff(&diff::unified(
                &file.name,
                &original,
                &fixed.text,
                use_color(),
            ))?;
        }
        if args.fix {
            let mut bytes = file.bytes[..decoded.bom_len].to_vec();
            bytes.extend_from_slice(fixed.text.as_bytes());
            match (&file.path, file.stamp) {
                (Some(path), Some(stamp)) => {
                    if let Err(message) = replace_file(path, &bytes, stamp) {
                        return sink.add(FileReport::failed_as(
                            ErrorKind::Write,
                            &file.name,
                            message,
                        ));
                    }
                }
                _ => write_stdout(&String::from_utf8_lossy(&bytes))?,
            }
        }
    } else if args.fix && file.path.is_none() {
        // `--fix -` always echoes the text, fixed or not.
        write_stdout(&String::from_utf8_lossy(&file.bytes))?;
    }
    sink.totals.fixed += fixed.applied;
    if let Output::Json(json) = &mut sink.output {
        json.fixed += fixed.applied;
    }
    sink.add(report)
}

/// Fixes that corrected a variable in the `--environment` file: diff and/or write it.
fn finish_environment(env: &VariablesFile, args: &CheckArgs, sink: &mut Sink) -> io::Result<()> {
    if args.diff {
        sink.diff(&diff::unified(
            &env.name,
            &env.original,
            env.text(),
            use_color(),
        ))?;
    }
    if args.fix {
        let path = Path::new(&env.name);
        let mut bytes = if env.bom_len > 0 {
            "\u{feff}".as_bytes().to_vec()
        } else {
            Vec::new()
        };
        bytes.extend_from_slice(env.text().as_bytes());
        // The environment was read before any collection; it must still be as read.
        let unchanged = std::fs::read(path)
            .ok()
            .and_then(|b| load::decode(b).ok())
            .is_some_and(|d| *d.text == *env.original);
        let result = match Stamp::of(path) {
            Ok(stamp) if unchanged => replace_file(path, &bytes, stamp),
            _ => Err("the file changed while it was being fixed; nothing was written".to_owned()),
        };
        if let Err(message) = result {
            sink.add(FileReport::failed_as(ErrorKind::Write, &env.name, message))?;
        }
    }
    Ok(())
}

/// Receives reports as files are linted and writes the chosen format.
struct Sink {
    totals: Totals,
    output: Output,
    /// `--diff` alone: only diffs go to stdout.
    diff_only: bool,
    /// Write the report to stderr (stdout carries fixed text).
    to_stderr: bool,
    fixing: bool,
}

enum Output {
    Full(Box<FullRenderer>),
    Json(JsonReport),
}

impl Sink {
    fn new(args: &CheckArgs, to_stderr: bool) -> Sink {
        let color = if to_stderr {
            io::stderr().is_terminal() && no_color_unset()
        } else {
            use_color()
        };
        let output = match args.format {
            Format::Full => Output::Full(Box::new(FullRenderer::new(color, width()))),
            Format::Json => Output::Json(JsonReport::new()),
        };
        Sink {
            totals: Totals::default(),
            output,
            diff_only: args.diff && !args.fix,
            to_stderr,
            fixing: args.fix,
        }
    }

    fn write(&self, text: &str) -> io::Result<()> {
        if self.to_stderr {
            write_stderr(text);
            Ok(())
        } else {
            write_stdout(text)
        }
    }

    fn diff(&mut self, text: &str) -> io::Result<()> {
        write_stdout(text)
    }

    fn add(&mut self, report: FileReport) -> io::Result<()> {
        self.totals.add(&report);
        if self.diff_only {
            return Ok(());
        }
        match &mut self.output {
            Output::Full(renderer) => {
                if report.error.is_some() || !report.diagnostics.is_empty() {
                    let mut text = String::new();
                    renderer.render(&report, &mut text);
                    self.write(&text)?;
                }
            }
            Output::Json(json) => json.add(&report),
        }
        Ok(())
    }

    fn finish(self) -> io::Result<Status> {
        let t = self.totals;
        if self.diff_only {
            write_stderr(&format!("{}\n", t.diff_summary()));
        } else {
            match &self.output {
                Output::Full(_) => {
                    let summary = if self.fixing {
                        t.fix_summary()
                    } else {
                        t.summary()
                    };
                    self.write(&format!("{summary}\n"))?;
                }
                Output::Json(json) => {
                    let mut text = serde_json::to_string_pretty(json).map_err(io::Error::other)?;
                    text.push('\n');
                    self.write(&text)?;
                }
            }
        }
        // `--diff`: anything to fix is worth a non-zero status, like findings.
        let pending = t.findings() > 0 || (self.diff_only && t.fixed > 0);
        Ok(if t.failed_files > 0 {
            Status::Error
        } else if pending {
            Status::Findings
        } else {
            Status::Clean
        })
    }
}

fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Colour only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
fn use_color() -> bool {
    io::stdout().is_terminal() && no_color_unset()
}

fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w| w >= 40)
        .unwrap_or(100)
}
