//! Receives reports as files are checked and writes the chosen format, the summary and the
//! statistics; counts what was found for the exit status.

use std::io::{self, Write};

use super::input::LoadedFile;
use super::{exit, Mode, Options, OutputOptions};
use crate::cli::Format;
use crate::console::{write_stderr, write_stdout, Status};
use crate::lint::FileReport;
use crate::report::full::FullRenderer;
use crate::report::json::JsonReport;
use crate::report::sarif::{EnvironmentFile, SarifReport};
use crate::report::{concise, github, Totals};
use crate::settings::VariablesFile;

/// Renders a file's report where the file was checked: a check of many files then keeps
/// each file's text to write (or JSON entries), not its source, until the report's turn
/// comes, and the rendering shares the cores (on 2,000 small collections, what ran after
/// checking weighed a third of the run on two cores).
pub(crate) struct Preparer<'o> {
    renderer: &'o Renderer,
    /// Nothing is shown (`--diff` alone).
    silenced: bool,
    statistics: bool,
}

/// A report ready to add.
pub(crate) struct Prepared {
    /// What the totals count; its source is dropped once rendered.
    report: FileReport,
    rendered: Rendered,
}

enum Rendered {
    Text(String),
    Json(Vec<crate::report::json::JsonDiagnostic>),
    /// SARIF documents are built at the end, from the whole report.
    Sarif,
    Nothing,
}

impl Preparer<'_> {
    pub fn prepare(&self, report: FileReport) -> Prepared {
        // With `--statistics`, only files that could not be checked are shown.
        if self.silenced || (self.statistics && report.error.is_none()) {
            return Prepared::without_source(report, Rendered::Nothing);
        }
        let mut text = String::new();
        let rendered = match self.renderer {
            Renderer::Full(renderer) => {
                if report.error.is_some() || !report.diagnostics.is_empty() {
                    renderer.render(&report, &mut text);
                }
                Rendered::Text(text)
            }
            Renderer::Concise => {
                concise::render(&report, &mut text);
                Rendered::Text(text)
            }
            Renderer::Github => {
                github::render(&report, &mut text);
                Rendered::Text(text)
            }
            Renderer::Json(_) => Rendered::Json(JsonReport::entries(&report)),
            Renderer::Sarif(_) => {
                return Prepared {
                    report,
                    rendered: Rendered::Sarif,
                }
            }
        };
        Prepared::without_source(report, rendered)
    }
}

impl Prepared {
    fn without_source(mut report: FileReport, rendered: Rendered) -> Prepared {
        report.source = std::sync::Arc::new(crate::source::SourceFile::new(
            report.source.name(),
            crate::text::Text::default(),
            0,
        ));
        Prepared { report, rendered }
    }
}

pub(crate) struct Output {
    options: OutputOptions,
    mode: Mode,
    /// The `--environment` file, where SARIF points fixes to it.
    environment: Option<EnvironmentFile>,
    renderer: Renderer,
    stream: Stream,
    totals: Totals,
}

/// Where the report goes.
struct Stream {
    writer: Box<dyn Write + Send>,
    /// Diffs go to stderr when stdout carries the fixed text (`--fix --diff -`).
    diffs_to_stderr: bool,
    /// The reader closed the pipe (`scopelint check | head`): nothing more is written, and
    /// the exit status still tells what was found (a linter that exits 0 then would turn a
    /// `set -o pipefail` job with problems green).
    closed: bool,
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
        let renderer = match out.format {
            Format::Full => Renderer::Full(Box::new(FullRenderer::new(out.color, width()))),
            Format::Concise => Renderer::Concise,
            Format::Json => Renderer::Json(JsonReport::new()),
            Format::Sarif => Renderer::Sarif(SarifReport::default()),
            Format::Github => Renderer::Github,
        };
        Ok(Output {
            options: out.clone(),
            mode: options.mode,
            environment: None,
            renderer,
            stream: Stream {
                writer,
                diffs_to_stderr: stdin_fix,
                closed: false,
            },
            totals: Totals::default(),
        })
    }

    /// The `--environment` file, once read: fixes may edit it.
    pub fn set_environment(&mut self, file: &VariablesFile) {
        self.environment = Some(EnvironmentFile {
            name: file.name.clone(),
            bom_len: file.bom_len,
        });
    }

    /// Colour in diffs (reports carry their own).
    pub fn color(&self) -> bool {
        self.options.color
    }

    /// The reader has gone: nothing more is written.
    pub fn closed(&self) -> bool {
        self.stream.closed
    }

    /// `--diff` alone: diffs go to stdout, and the report only to an `--output-file`.
    fn report_silenced(&self) -> bool {
        self.mode == Mode::Diff && self.options.file.is_none()
    }

    pub fn write(&mut self, text: &str) -> io::Result<()> {
        if self.stream.closed {
            return Ok(());
        }
        let written = self.stream.writer.write_all(text.as_bytes());
        self.note_closed(written)
    }

    /// A closed pipe is not an error to report: it ends the output.
    fn note_closed(&mut self, result: io::Result<()>) -> io::Result<()> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.stream.closed = true;
                Ok(())
            }
            other => other,
        }
    }

    pub fn diff(&mut self, text: &str) -> io::Result<()> {
        if self.stream.diffs_to_stderr {
            write_stderr(text);
            Ok(())
        } else if self.stream.closed {
            Ok(())
        } else {
            let written = write_stdout(text);
            self.note_closed(written)
        }
    }

    pub fn note_skipped(&self, file: &LoadedFile, reason: &str) {
        if file.explicit && !self.options.quiet && self.mode != Mode::ShowFiles {
            write_stderr(&format!("note: skipping {}: {reason}\n", file.name));
        }
    }

    /// A note on standard error (not with `--quiet` or `--show-files`).
    pub fn note(&self, text: &str) {
        if !self.options.quiet && self.mode != Mode::ShowFiles {
            write_stderr(&format!("note: {text}\n"));
        }
    }

    /// Counts fixes applied.
    pub fn count_fixes(&mut self, applied: usize) {
        self.totals.fixed += applied;
    }

    /// Takes back fixes whose file could not be written after all.
    pub fn uncount_fixes(&mut self, undone: usize) {
        self.totals.fixed -= undone.min(self.totals.fixed);
    }

    pub fn add(&mut self, report: FileReport) -> io::Result<()> {
        let prepared = self.preparer().prepare(report);
        self.add_prepared(prepared)
    }

    /// What prepares reports for this output; it may run on every core while files are
    /// checked.
    pub fn preparer(&self) -> Preparer<'_> {
        Preparer {
            renderer: &self.renderer,
            silenced: self.report_silenced(),
            statistics: self.options.statistics,
        }
    }

    /// Adds a report, in its turn.
    pub fn add_prepared(&mut self, prepared: Prepared) -> io::Result<()> {
        let Prepared { report, rendered } = prepared;
        self.totals.add(&report);
        match rendered {
            Rendered::Text(text) => self.write(&text),
            Rendered::Json(entries) => {
                if let Renderer::Json(json) = &mut self.renderer {
                    json.extend(entries);
                }
                Ok(())
            }
            Rendered::Sarif => {
                if let Renderer::Sarif(sarif) = &mut self.renderer {
                    sarif.add(&report, self.environment.as_ref());
                }
                Ok(())
            }
            Rendered::Nothing => Ok(()),
        }
    }

    pub fn finish(mut self) -> io::Result<Status> {
        let t = std::mem::take(&mut self.totals);
        // Nothing was linted: say so, as a check that checks nothing is rarely what was meant.
        if t.files == 0
            && t.failed_files == 0
            && !self.options.quiet
            && self.mode != Mode::ShowFiles
        {
            write_stderr(
                "warning: nothing to check: no Postman collection, environment, globals file, \
                 v12 collection or HAR capture was found\n",
            );
        }
        if self.report_silenced() {
            if !self.options.quiet {
                write_stderr(&format!("{}\n", t.diff_summary()));
            }
        } else if self.mode != Mode::ShowFiles {
            let text = self.closing_text(&t)?;
            self.write(&text)?;
        }
        if !self.stream.closed {
            let flushed = self.stream.writer.flush();
            self.note_closed(flushed)?;
        }
        Ok(exit::status(
            &t,
            self.mode == Mode::Diff,
            self.options.exit_zero,
        ))
    }

    /// What ends the report: statistics, the summary line, or the whole JSON or SARIF
    /// document.
    fn closing_text(&mut self, t: &Totals) -> io::Result<String> {
        let mut text = String::new();
        let statistics = self.options.statistics;
        if statistics && !matches!(self.renderer, Renderer::Json(_)) {
            text.push_str(&t.statistics());
        }
        match &mut self.renderer {
            // Nothing was checked: the warning on stderr has said so.
            Renderer::Full(_) | Renderer::Concise if t.files == 0 && t.failed_files == 0 => {}
            Renderer::Full(_) | Renderer::Concise if self.options.summary => {
                let summary = if matches!(self.mode, Mode::Fix { .. }) {
                    t.fix_summary()
                } else {
                    t.summary()
                };
                text.push_str(&format!("{summary}\n"));
            }
            Renderer::Json(json) => {
                json.fixed = t.fixed;
                // Straight to text: a `Value` of 19,455 findings first was a second copy of
                // every string, serialised on one thread after all files were checked.
                text = if statistics {
                    serde_json::to_string_pretty(&t.statistics_json())
                } else {
                    serde_json::to_string_pretty(&*json)
                }
                .map_err(io::Error::other)?
                    + "\n";
            }
            Renderer::Sarif(sarif) => {
                text =
                    serde_json::to_string_pretty(&sarif.finish()).map_err(io::Error::other)? + "\n";
            }
            _ => {}
        }
        Ok(text)
    }
}

fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w| w >= 40)
        .unwrap_or(100)
}
