//! `scopelint check`: discover, lint (or fix) each file, report.
//!
//! Modes: check (report), `--fix` (apply, then report what remains), `--diff` (print what
//! `--fix` would change, write nothing), `--fix --diff` (apply and print), `--show-files`.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use super::{write_stderr, write_stdout, Status};
use crate::cli::{CheckArgs, ColorChoice, Format};
use crate::config::{Config, ConfigStore, Lookup, Overrides, Selector};
use crate::discover::{discover, io_message, Input};
use crate::fix::fixer::fix_text;
use crate::lint::{
    lint_bytes, unparsed_report, ErrorKind, FileError, FileReport, Outcome, RuleOptions,
};
use crate::load::{self, has_postman_suffix, may_be_postman, FileKind};
use crate::report::full::FullRenderer;
use crate::report::json::JsonReport;
use crate::report::sarif::SarifReport;
use crate::report::{concise, diff, github, Totals};
use crate::settings::{Settings, VariablesFile};
use crate::source::SourceFile;
use crate::write::{replace_file, Stamp};

pub fn run(args: &CheckArgs) -> io::Result<Status> {
    let overrides = match overrides(args) {
        Ok(o) => o,
        Err(message) => return usage_error(&message),
    };
    let machine = matches!(args.format, Format::Json | Format::Sarif | Format::Github);
    if args.diff && machine && args.output_file.is_none() {
        return usage_error(
            "--diff prints diffs on stdout, where they would break the report; with \
             --format json, sarif or github, write the report with --output-file",
        );
    }
    let mut sink = Sink::new(args)?;
    let settings = match load_settings(args) {
        Ok(s) => s,
        // As with a broken configuration: reported in the chosen format, nothing checked.
        Err(report) => {
            sink.add(report)?;
            return sink.finish();
        }
    };
    let configs = match ConfigStore::new(args.config.as_deref(), args.isolated) {
        Ok(c) => c,
        Err(e) => {
            sink.add(config_report(e))?;
            return sink.finish();
        }
    };
    let inputs = discover(&args.paths);
    let threads = args
        .threads
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    // Every parallel step (files, and the parts of a big file) runs in this pool.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(io::Error::other)?;
    if !(args.fix || args.diff || args.show_files) {
        // Plain checks are independent: lint on every core, then report in input order.
        let results: Vec<Vec<Step>> = pool.install(|| {
            use rayon::prelude::*;
            inputs
                .par_iter()
                .map(|input| check_one(input, args, &configs, &overrides, &settings))
                .collect()
        });
        // Once the reader has gone, reports are still counted (the exit status says what
        // was found) but no longer written.
        for step in results.into_iter().flatten() {
            match step {
                Step::Report(report) => sink.add(report)?,
                Step::Note(file, reason) => sink.note_skipped(&file, &reason),
            }
        }
        return sink.finish();
    }
    pool.install(|| fix_inputs(&inputs, args, &configs, &overrides, settings, sink))
}

/// `--fix`, `--diff` and `--show-files`: one file after another, as a fix may change the
/// environment file the next one reads.
fn fix_inputs(
    inputs: &[Input],
    args: &CheckArgs,
    configs: &ConfigStore,
    overrides: &Overrides,
    mut settings: Settings,
    mut sink: Sink,
) -> io::Result<Status> {
    for input in inputs {
        // The reader has gone: a check or a diff stops there and exits with the status of
        // what was found so far; `--fix` goes on fixing files, reporting nothing more.
        if sink.closed && !args.fix {
            break;
        }
        let loaded = match load_input(input, args) {
            Loaded::Bytes(file) => file,
            Loaded::Report(report) => {
                sink.add(report)?;
                continue;
            }
            Loaded::Skip => continue,
        };
        let config = match configs.for_path(loaded.path.as_deref()) {
            Lookup::Found(c) => c,
            Lookup::Broken(error) => {
                if let Some(e) = error {
                    sink.add(config_report(e))?;
                }
                continue;
            }
        };
        let path = absolute(loaded.path.as_deref());
        let options = rule_options(&config, overrides, path.as_deref(), args);
        if args.show_files {
            show_file(&loaded, &mut sink)?;
        } else {
            fix_file(loaded, args, &mut settings, options, &mut sink)?;
        }
    }
    if let Some(env) = settings.environment.as_ref().filter(|e| e.changed()) {
        finish_environment(env, args, &mut sink)?;
    }
    sink.finish()
}

/// What checking one input produced.
enum Step {
    Report(FileReport),
    /// A file named on the command line that is not a Postman file.
    Note(LoadedFile, String),
}

fn check_one(
    input: &Input,
    args: &CheckArgs,
    configs: &ConfigStore,
    overrides: &Overrides,
    settings: &Settings,
) -> Vec<Step> {
    let mut loaded = match load_input(input, args) {
        Loaded::Bytes(file) => file,
        Loaded::Report(report) => return vec![Step::Report(report)],
        Loaded::Skip => return Vec::new(),
    };
    let config = match configs.for_path(loaded.path.as_deref()) {
        Lookup::Found(c) => c,
        Lookup::Broken(error) => {
            return error
                .map(config_report)
                .map(Step::Report)
                .into_iter()
                .collect()
        }
    };
    let path = absolute(loaded.path.as_deref());
    let options = rule_options(&config, overrides, path.as_deref(), args);
    let bytes = std::mem::take(&mut loaded.bytes);
    match lint_bytes(&loaded.name, bytes, loaded.explicit, settings, options) {
        Outcome::Report(report) => vec![Step::Report(report)],
        Outcome::Skipped(reason) => vec![Step::Note(loaded, reason)],
    }
}

fn usage_error(message: &str) -> io::Result<Status> {
    write_stderr(&format!("error: {message}\n"));
    Ok(Status::Error)
}

fn overrides(args: &CheckArgs) -> Result<Overrides, String> {
    let parse = |list: &[String]| -> Result<Vec<Selector>, String> {
        list.iter().map(|s| Selector::parse(s)).collect()
    };
    Ok(Overrides {
        select: args.select.as_deref().map(parse).transpose()?,
        extend_select: parse(&args.extend_select)?,
        ignore: parse(&args.ignore)?,
    })
}

fn config_report(e: crate::config::ConfigError) -> FileReport {
    FileReport::error_at(e.source, ErrorKind::Config, e.message, e.span)
}

/// The `--environment` and `--globals` files; a report of the first that cannot be used.
fn load_settings(args: &CheckArgs) -> Result<Settings, FileReport> {
    let read = |path: &Path, what: &'static str| {
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| FileReport::failed_as(ErrorKind::Variables, &name, io_message(&e)))?;
        VariablesFile::read(&name, bytes, what).map_err(|e| {
            let source = std::sync::Arc::new(SourceFile::new(name.as_str(), e.text, e.bom_len));
            unparsed_report(source, ErrorKind::Variables, e.message, e.span)
        })
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
            let limit = args.max_file_size.saturating_mul(1 << 20);
            if let Err(e) = io::stdin()
                .lock()
                .take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
            {
                return Loaded::Report(FileReport::failed(&name, io_message(&e)));
            }
            if bytes.len() as u64 > limit {
                let message = format!(
                    "standard input is larger than {} MiB; raise --max-file-size to lint it",
                    args.max_file_size
                );
                return Loaded::Report(FileReport::failed(&name, message));
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
                // Linting keeps the text, its tape and the model in memory (about 3 times the
                // size; 5 with --fix):
                // refusing early beats being killed for memory halfway through a run.
                Ok(m) if m.len() > args.max_file_size.saturating_mul(1 << 20) => {
                    return failed(too_large(m.len(), args.max_file_size))
                }
                Err(e) => return failed(io_message(&e)),
                Ok(_) => {}
            }
            let stamp = Stamp::of(path).ok();
            let bytes = match load::read_file(path) {
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

fn rule_options<'a>(
    config: &'a Config,
    overrides: &'a Overrides,
    path: Option<&'a Path>,
    args: &CheckArgs,
) -> RuleOptions<'a> {
    RuleOptions {
        config,
        overrides,
        path,
        snippets: args.format == Format::Full,
    }
}

/// Absolute, so `per-file-ignores` globs match relative to the configuration's folder.
fn absolute(path: Option<&Path>) -> Option<PathBuf> {
    path.map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned()))
}

fn too_large(len: u64, max_mib: u64) -> String {
    format!(
        "the file is {} MiB, larger than --max-file-size {max_mib} MiB; raise the limit to lint it",
        len.div_ceil(1 << 20)
    )
}

/// `--show-files`: the file is listed when scopelint would lint it.
fn show_file(file: &LoadedFile, sink: &mut Sink) -> io::Result<()> {
    let doc = load::decode(file.bytes.clone())
        .ok()
        .and_then(|d| load::parse(&d.text).ok());
    let base = file.name.rsplit(['/', '\\']).next().unwrap_or(&file.name);
    // A file that does not decode or parse would be linted, and reported.
    let listed = doc.is_none_or(|doc| {
        !matches!(
            load::classify(&doc, base, file.explicit),
            FileKind::Other(_)
        )
    });
    if listed {
        sink.write(&format!("{}\n", file.name))?;
    }
    Ok(())
}

/// Fixes one file in memory, then prints its diff and/or writes it, and reports what remains.
fn fix_file(
    file: LoadedFile,
    args: &CheckArgs,
    settings: &mut Settings,
    options: RuleOptions,
    sink: &mut Sink,
) -> io::Result<()> {
    // `--fix -` writes the text to stdout whatever happens, so `--fix - <in >out` never
    // loses it.
    let echo = args.fix && file.path.is_none();
    let decoded = match load::decode(file.bytes.clone()) {
        Ok(d) => d,
        // Not text: the plain lint reports it.
        Err(_) => {
            if echo {
                write_raw_stdout(&file.bytes)?;
            }
            let outcome = lint_bytes(
                &file.name,
                file.bytes.clone(),
                file.explicit,
                settings,
                options,
            );
            return match outcome {
                Outcome::Report(report) => sink.add(report),
                Outcome::Skipped(reason) => {
                    sink.note_skipped(&file, &reason);
                    Ok(())
                }
            };
        }
    };
    let original = decoded.text.clone();
    let fixed = fix_text(
        &file.name,
        decoded.text,
        decoded.bom_len,
        file.explicit,
        settings,
        options,
        args.unsafe_fixes,
    );
    let report = match fixed.outcome {
        Outcome::Report(report) => report,
        Outcome::Skipped(reason) => {
            if echo {
                write_raw_stdout(&file.bytes)?;
            }
            sink.note_skipped(&file, &reason);
            return Ok(());
        }
    };
    if *fixed.text != *original {
        if args.diff {
            let text = diff::unified(&file.name, &original, &fixed.text, sink.color);
            sink.diff(&text)?;
        }
        if args.fix {
            let mut bytes = file.bytes[..decoded.bom_len].to_vec();
            bytes.extend_from_slice(fixed.text.as_bytes());
            match (&file.path, file.stamp) {
                (Some(path), Some(stamp)) => {
                    if let Err(message) = replace_file(path, &bytes, stamp) {
                        // Nothing changed: report what the file still has, and why.
                        let before = lint_bytes(
                            &file.name,
                            file.bytes.clone(),
                            file.explicit,
                            settings,
                            options,
                        );
                        let mut report = match before {
                            Outcome::Report(r) => r,
                            Outcome::Skipped(_) => FileReport::failed(&file.name, String::new()),
                        };
                        report.error = Some(FileError {
                            kind: ErrorKind::Write,
                            message,
                            span: None,
                        });
                        return sink.add(report);
                    }
                }
                _ => write_raw_stdout(&bytes)?,
            }
        }
    } else if echo {
        write_raw_stdout(&file.bytes)?;
    }
    sink.totals.fixed += fixed.applied;
    sink.environment_fixes += fixed.applied_to_environment;
    sink.add(report)
}

/// Fixes that corrected a variable in the `--environment` file: diff and/or write it.
fn finish_environment(env: &VariablesFile, args: &CheckArgs, sink: &mut Sink) -> io::Result<()> {
    if args.diff {
        let text = diff::unified(&env.name, &env.original, env.text(), sink.color);
        sink.diff(&text)?;
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
            // Those fixes did not happen after all.
            sink.totals.fixed -= sink.environment_fixes.min(sink.totals.fixed);
            sink.add(FileReport::failed_as(ErrorKind::Write, &env.name, message))?;
        }
    }
    Ok(())
}

/// Receives reports as files are linted and writes the chosen format.
struct Sink {
    totals: Totals,
    output: Output,
    writer: Box<dyn Write + Send>,
    color: bool,
    /// `--diff` alone: diffs go to stdout, the report only to an `--output-file`.
    diff_only: bool,
    report_silenced: bool,
    fixing: bool,
    statistics: bool,
    quiet: bool,
    summary: bool,
    show_files: bool,
    exit_zero: bool,
    environment: Option<String>,
    /// Fixes that changed the `--environment` file (undone if writing it fails).
    environment_fixes: usize,
    /// Diffs go to stderr when stdout carries the fixed text (`--fix --diff -`).
    diff_to_stderr: bool,
    /// The reader closed the pipe (`scopelint check | head`): nothing more is written, and
    /// the exit status still tells what was found (a linter that exits 0 then would turn a
    /// `set -o pipefail` job with problems green).
    closed: bool,
}

enum Output {
    Full(Box<FullRenderer>),
    Concise,
    Json(JsonReport),
    Sarif(SarifReport),
    Github,
}

impl Sink {
    fn new(args: &CheckArgs) -> io::Result<Sink> {
        // With `--fix -`, stdout carries the fixed text: the report goes to stderr.
        let stdin_fix = args.fix && args.paths.iter().any(|p| p.as_os_str() == "-");
        let (writer, terminal): (Box<dyn Write + Send>, bool) = match &args.output_file {
            Some(path) => (
                Box::new(io::BufWriter::new(std::fs::File::create(path)?)),
                false,
            ),
            None if stdin_fix => (Box::new(io::stderr()), io::stderr().is_terminal()),
            None => (Box::new(io::stdout()), io::stdout().is_terminal()),
        };
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !no_color_env,
        };
        let output = match args.format {
            Format::Full => Output::Full(Box::new(FullRenderer::new(color, width()))),
            Format::Concise => Output::Concise,
            Format::Json => Output::Json(JsonReport::new()),
            Format::Sarif => Output::Sarif(SarifReport::default()),
            Format::Github => Output::Github,
        };
        Ok(Sink {
            totals: Totals::default(),
            output,
            writer,
            color,
            diff_only: args.diff && !args.fix,
            report_silenced: args.diff && !args.fix && args.output_file.is_none(),
            fixing: args.fix,
            statistics: args.statistics,
            quiet: args.quiet,
            summary: !args.quiet && !args.no_summary,
            show_files: args.show_files,
            exit_zero: args.exit_zero,
            environment: args.environment.as_ref().map(|p| p.display().to_string()),
            environment_fixes: 0,
            diff_to_stderr: stdin_fix,
            closed: false,
        })
    }

    fn write(&mut self, text: &str) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let written = self.writer.write_all(text.as_bytes());
        self.note_closed(written)
    }

    /// A closed pipe is not an error to report: it ends the output.
    fn note_closed(&mut self, result: io::Result<()>) -> io::Result<()> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }

    fn diff(&mut self, text: &str) -> io::Result<()> {
        if self.diff_to_stderr {
            write_stderr(text);
            Ok(())
        } else if self.closed {
            Ok(())
        } else {
            let written = write_stdout(text);
            self.note_closed(written)
        }
    }

    fn note_skipped(&self, file: &LoadedFile, reason: &str) {
        if file.explicit && !self.quiet && !self.show_files {
            write_stderr(&format!("note: skipping {}: {reason}\n", file.name));
        }
    }

    fn add(&mut self, report: FileReport) -> io::Result<()> {
        self.totals.add(&report);
        if self.report_silenced || (self.statistics && report.error.is_none()) {
            return Ok(());
        }
        let mut text = String::new();
        match &mut self.output {
            Output::Full(renderer) => {
                if report.error.is_some() || !report.diagnostics.is_empty() {
                    renderer.render(&report, &mut text);
                }
            }
            Output::Concise => concise::render(&report, &mut text),
            Output::Github => github::render(&report, &mut text),
            Output::Json(json) => json.add(&report),
            Output::Sarif(sarif) => sarif.add(&report, self.environment.as_deref()),
        }
        self.write(&text)
    }

    fn finish(mut self) -> io::Result<Status> {
        let t = std::mem::take(&mut self.totals);
        if self.report_silenced {
            if !self.quiet {
                write_stderr(&format!("{}\n", t.diff_summary()));
            }
        } else if !self.show_files {
            let mut text = String::new();
            if self.statistics && !matches!(self.output, Output::Json(_)) {
                text.push_str(&t.statistics());
            }
            match &mut self.output {
                Output::Full(_) | Output::Concise if self.summary => {
                    let summary = if self.fixing {
                        t.fix_summary()
                    } else {
                        t.summary()
                    };
                    text.push_str(&format!("{summary}\n"));
                }
                Output::Json(json) => {
                    json.fixed = t.fixed;
                    let value = if self.statistics {
                        t.statistics_json()
                    } else {
                        serde_json::to_value(&*json).map_err(io::Error::other)?
                    };
                    text = serde_json::to_string_pretty(&value).map_err(io::Error::other)? + "\n";
                }
                Output::Sarif(sarif) => {
                    text = serde_json::to_string_pretty(&sarif.finish())
                        .map_err(io::Error::other)?
                        + "\n";
                }
                _ => {}
            }
            self.write(&text)?;
        }
        if !self.closed {
            let flushed = self.writer.flush();
            self.note_closed(flushed)?;
        }
        // `--diff`: anything to fix is worth a non-zero status, like findings.
        let pending = t.findings() > 0 || (self.diff_only && t.fixed > 0);
        Ok(if t.failed_files > 0 || t.unwritten_files > 0 {
            Status::Error
        } else if pending && !self.exit_zero {
            Status::Findings
        } else {
            Status::Clean
        })
    }
}

/// Bytes to stdout as they are (a fixed file need not be valid UTF-8 to be echoed).
fn write_raw_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w| w >= 40)
        .unwrap_or(100)
}
