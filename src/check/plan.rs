//! Planning a file: its configuration (the nearest one above it, found once per folder) and
//! the rule options the lint and the fix loop share.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::input::LoadedFile;
use super::Options;
use crate::cli::Format;
use crate::config::{Config, ConfigError, ConfigStore, Lookup, Overrides};
use crate::lint::{ErrorKind, FileReport, RuleOptions};

pub(crate) struct Planner<'a> {
    configs: &'a ConfigStore,
    overrides: &'a Overrides,
    snippets: bool,
}

/// What applies to one file.
pub(crate) struct Plan<'a> {
    config: Arc<Config>,
    overrides: &'a Overrides,
    /// Absolute, so `per-file-ignores` globs match relative to the configuration's folder.
    path: Option<PathBuf>,
    snippets: bool,
}

pub(crate) enum FilePlan<'a> {
    Ready(Plan<'a>),
    /// The file's configuration is broken: not checked. The error is reported with the
    /// first file it governs (`None` for the others).
    Report(Option<FileReport>),
}

impl<'a> Planner<'a> {
    pub fn new(configs: &'a ConfigStore, options: &'a Options) -> Planner<'a> {
        Planner {
            configs,
            overrides: &options.overrides,
            // Snippets show source text, whose secrets must then be masked.
            snippets: options.output.format == Format::Full,
        }
    }

    pub fn plan(&self, file: &LoadedFile) -> FilePlan<'a> {
        self.plan_at(file.path.as_deref())
    }

    /// The plan for a file (or a collection tree) at `path` (`None`: standard input).
    pub fn plan_at(&self, path: Option<&Path>) -> FilePlan<'a> {
        match self.configs.for_path(path) {
            Lookup::Found(config) => FilePlan::Ready(Plan {
                config,
                overrides: self.overrides,
                path: path.map(absolute),
                snippets: self.snippets,
            }),
            Lookup::Broken(error) => FilePlan::Report(error.map(config_report)),
        }
    }
}

impl Plan<'_> {
    pub fn rule_options(&self) -> RuleOptions<'_> {
        RuleOptions {
            config: &self.config,
            overrides: self.overrides,
            path: self.path.as_deref(),
            snippets: self.snippets,
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

pub(crate) fn config_report(e: ConfigError) -> FileReport {
    FileReport::error_at(e.source, ErrorKind::Config, e.message, e.span)
}
