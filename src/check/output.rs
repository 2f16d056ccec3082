//! Receives reports as files are checked and writes the chosen format, the summary and the
//! statistics; counts what was found for the exit status.

use std::io::{self, Write};

use super::input::LoadedFile;
use super::{exit, Mode, Options};
use crate::cli::Format;
use crate::console::{write_stderr, write_stdout, Status};
use crate::lint::FileReport;
use crate::report::full::FullRenderer;
use crate::report::json::JsonReport;
use crate::report::sarif::SarifReport;
use crate::report::{concise, github, Totals};

pub(crate) struct Output {
    totals: Totals,
    format: Renderer,
    writer: Box<dyn Write + Send>,
    /// Colour in diffs (reports carry their own).
    pub color: bool,
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
    /// Diffs go to stderr when stdout carries the fixed text (`--fix --diff -`).
    diff_to_stderr: bool,
    /// The reader closed the pipe (`scopelint check | head`): nothing more is written, and
    /// the exit status still tells what was found (a linter that exits 0 then would turn a
    /// `set -o pipefail` job with problems green).
    pub closed: bool,
}

enum Renderer {
    Full(Box<FullRenderer>),
    Concise,
    Json(JsonReport),
    Sarif(SarifReport),
    Github,
}

impl Output {
    pub fn new(options: &Options) -> io::Result<Output> {
        let out = &options.output;
        // With `--fix -`, stdout carries the fixed text: the report goes to stderr.
        let stdin_fix = options.fixes_stdin();
        let writer: Box<dyn Write + Send> = match &out.file {
            Some(path) => Box::new(io::BufWriter::new(std::fs::File::create(path)?)),
            None if stdin_fix => Box::new(io::stderr()),
            None => Box::new(io::stdout()),
        };
        let format = match out.format {
            Format::Full => Renderer::Full(Box::new(FullRenderer::new(out.color, width()))),
            Format::Concise => Renderer::Concise,
            Format::Json => Renderer::Json(JsonReport::new()),
            Format::Sarif => Renderer::Sarif(SarifReport::default()),
            Format::Github => Renderer::Github,
        };
        let diff_only = options.mode == Mode::Diff;
        Ok(Output {
            totals: Totals::default(),
            format,
            writer,
            color: out.color,
            diff_only,
            report_silenced: diff_only && out.file.is_none(),
            fixing: matches!(options.mode, Mode::Fix { .. }),
            statistics: out.statistics,
            quiet: out.quiet,
            summary: out.summary,
            show_files: options.mode == Mode::ShowFiles,
            exit_zero: out.exit_zero,
            environment: options
                .environment
                .as_ref()
                .map(|p| p.display().to_string()),
            diff_to_stderr: stdin_fix,
            closed: false,
        })
    }

    pub fn write(&mut self, text: &str) -> io::Result<()> {
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

    pub fn diff(&mut self, text: &str) -> io::Result<()> {
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

    pub fn note_skipped(&self, file: &LoadedFile, reason: &str) {
        if file.explicit && !self.quiet && !self.show_files {
            write_stderr(&format!("note: skipping {}: {reason}\n", file.name));
        }
    }

    /// Counts fixes applied (negative: fixes undone because their file could not be
    /// written).
    pub fn count_fixes(&mut self, applied: usize) {
        self.totals.fixed += applied;
    }

    pub fn uncount_fixes(&mut self, undone: usize) {
        self.totals.fixed -= undone.min(self.totals.fixed);
    }

    pub fn add(&mut self, report: FileReport) -> io::Result<()> {
        self.totals.add(&report);
        if self.report_silenced || (self.statistics && report.error.is_none()) {
            return Ok(());
        }
        let mut text = String::new();
        match &mut self.format {
            Renderer::Full(renderer) => {
                if report.error.is_some() || !report.diagnostics.is_empty() {
                    renderer.render(&report, &mut text);
                }
            }
            Renderer::Concise => concise::render(&report, &mut text),
            Renderer::Github => github::render(&report, &mut text),
            Renderer::Json(json) => json.add(&report),
            Renderer::Sarif(sarif) => sarif.add(&report, self.environment.as_deref()),
        }
        self.write(&text)
    }

    pub fn finish(mut self) -> io::Result<Status> {
        let t = std::mem::take(&mut self.totals);
        if self.report_silenced {
            if !self.quiet {
                write_stderr(&format!("{}\n", t.diff_summary()));
            }
        } else if !self.show_files {
            let mut text = String::new();
            if self.statistics && !matches!(self.format, Renderer::Json(_)) {
                text.push_str(&t.statistics());
            }
            match &mut self.format {
                Renderer::Full(_) | Renderer::Concise if self.summary => {
                    let summary = if self.fixing {
                        t.fix_summary()
                    } else {
                        t.summary()
                    };
                    text.push_str(&format!("{summary}\n"));
                }
                Renderer::Json(json) => {
                    json.fixed = t.fixed;
                    let value = if self.statistics {
                        t.statistics_json()
                    } else {
                        serde_json::to_value(&*json).map_err(io::Error::other)?
                    };
                    text = serde_json::to_string_pretty(&value).map_err(io::Error::other)? + "\n";
                }
                Renderer::Sarif(sarif) => {
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
        Ok(exit::status(&t, self.diff_only, self.exit_zero))
    }
}

fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w| w >= 40)
        .unwrap_or(100)
}
