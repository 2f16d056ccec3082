//! `--fix`, `--diff` and `--show-files`: one file after another, as a fix may change the
//! environment file the next one reads. A fix run's changes — the checked file, files the
//! fixes create, the `--environment` file — are each a [`Change`]: diffed, then written
//! atomically, never over a file that changed since it was read.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::input::{load_input, Loaded, LoadedFile};
use super::output::Output;
use super::plan::{FilePlan, Planner};
use super::{write_failed, Mode, Options};
use crate::console::Status;
use crate::discover::Input;
use crate::fixer::{fix_text, Fixed};
use crate::lint::{lint_bytes, ErrorKind, FileError, FileReport, Outcome, RuleOptions};
use crate::load::{self, FileKind};
use crate::report::diff;
use crate::settings::{Settings, VariablesFile};
use crate::write::{create_file, replace_file, Stamp};

pub(crate) fn fix_inputs(
    inputs: &[Input],
    options: &Options,
    planner: &Planner,
    mut settings: Settings,
    mut output: Output,
) -> io::Result<Status> {
    let fixing = matches!(options.mode, Mode::Fix { .. });
    // Fixes that changed the `--environment` file (undone if writing it fails).
    let mut environment_fixes = 0;
    for input in inputs {
        // The reader has gone: a check or a diff stops there and exits with the status of
        // what was found so far; `--fix` goes on fixing files, reporting nothing more.
        if output.closed() && !fixing {
            break;
        }
        let file = match load_input(input, options) {
            Loaded::Bytes(file) => file,
            Loaded::Tree(tree) => {
                if options.mode == Mode::ShowFiles {
                    for (_, name, _) in &tree.files {
                        output.write(&format!("{name}\n"))?;
                    }
                    continue;
                }
                match planner.plan_at(Some(&tree.dir.path)) {
                    FilePlan::Ready(plan) => {
                        let run = FixRun {
                            options,
                            rules: plan.rule_options(),
                        };
                        environment_fixes += run.fix_tree(tree, &mut settings, &mut output)?;
                    }
                    FilePlan::Report(Some(report)) => output.add(report)?,
                    FilePlan::Report(None) => {}
                }
                continue;
            }
            Loaded::Report(report) => {
                output.add(report)?;
                continue;
            }
            Loaded::Skip => continue,
            Loaded::Note(text) => {
                output.note(&text);
                continue;
            }
        };
        let plan = match planner.plan(&file) {
            FilePlan::Ready(plan) => plan,
            FilePlan::Report(report) => {
                if let Some(report) = report {
                    output.add(report)?;
                }
                continue;
            }
        };
        if options.mode == Mode::ShowFiles {
            show_file(&file, &mut output)?;
        } else {
            let run = FixRun {
                options,
                rules: plan.rule_options(),
            };
            environment_fixes += run.fix_file(file, &mut settings, &mut output)?;
        }
    }
    if let Some(env) = settings.environment.as_ref().filter(|e| e.changed()) {
        if let Err(message) = environment_change(env).commit(options.mode, &mut output)? {
            // Those fixes did not happen after all.
            output.uncount_fixes(environment_fixes);
            output.add(write_failed(&env.name, message))?;
        }
    }
    output.finish()
}

/// `--show-files`: the file is listed when scopelint would lint it.
fn show_file(file: &LoadedFile, output: &mut Output) -> io::Result<()> {
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
        output.write(&format!("{}\n", file.name))?;
    }
    Ok(())
}

struct FixRun<'a> {
    options: &'a Options,
    rules: RuleOptions<'a>,
}

impl FixRun<'_> {
    fn lint(&self, file: &LoadedFile, settings: &Settings) -> Outcome {
        lint_bytes(
            &file.name,
            file.bytes.clone(),
            file.explicit,
            settings,
            self.rules,
        )
    }

    /// Fixes one file in memory, then prints its diffs and/or writes its changes, and
    /// reports what remains. Returns how many of its fixes changed the environment file.
    fn fix_file(
        &self,
        file: LoadedFile,
        settings: &mut Settings,
        output: &mut Output,
    ) -> io::Result<usize> {
        // `--fix -` writes the text to stdout whatever happens, so `--fix - <in >out` never
        // loses it.
        let echo = matches!(self.options.mode, Mode::Fix { .. }) && file.path.is_none();
        let decoded = match load::decode(file.bytes.clone()) {
            Ok(d) => d,
            // Not text: the plain lint reports it.
            Err(_) => {
                if echo {
                    write_raw_stdout(&file.bytes)?;
                }
                match self.lint(&file, settings) {
                    Outcome::Report(report) => output.add(report)?,
                    Outcome::Skipped(reason) => output.note_skipped(&file, &reason),
                }
                return Ok(0);
            }
        };
        let original = decoded.text.clone();
        let fixed = fix_text(
            &file.name,
            decoded.text,
            decoded.bom_len,
            file.explicit,
            settings,
            self.rules,
            self.options.unsafe_fixes,
        );
        let Fixed {
            outcome,
            text,
            applied,
            applied_to_environment,
            created,
            ..
        } = fixed;
        let report = match outcome {
            Outcome::Report(report) => report,
            Outcome::Skipped(reason) => {
                if echo {
                    write_raw_stdout(&file.bytes)?;
                }
                output.note_skipped(&file, &reason);
                return Ok(0);
            }
        };
        let folder = file.path.as_deref().and_then(Path::parent);
        let mut changes: Vec<Change> = created
            .iter()
            .map(|(path, content)| Change {
                name: crate::fix::beside(&file.name, path),
                path: Some(folder.unwrap_or(Path::new(".")).join(&**path)),
                before: None,
                after: Cow::Borrowed(content.as_bytes()),
                after_text: content,
                stamp: None,
                restore: None,
            })
            .collect();
        // Files a fix creates come first: if one cannot be made, the file that would refer
        // to it is left as it was.
        if *text != *original {
            changes.push(Change {
                name: file.name.clone(),
                path: file.path.clone(),
                before: Some(&original),
                after: with_bom(decoded.bom_len, &text),
                after_text: &text,
                stamp: file.stamp,
                restore: None,
            });
        } else if echo {
            write_raw_stdout(&file.bytes)?;
        }
        let mut written = Vec::new();
        for change in &changes {
            match change.commit(self.options.mode, output)? {
                Ok(()) => written.push(change),
                Err(message) => {
                    // Nothing changed: undo what was written, and report what the file still
                    // has, and why.
                    for done in written.iter().filter(|c| c.before.is_none()) {
                        if let Some(path) = &done.path {
                            let _ = std::fs::remove_file(path);
                        }
                    }
                    let mut report = match self.lint(&file, settings) {
                        Outcome::Report(r) => r,
                        Outcome::Skipped(_) => FileReport::failed(&file.name, String::new()),
                    };
                    report.error = Some(FileError {
                        kind: ErrorKind::Write,
                        message,
                        span: None,
                    });
                    output.add(report)?;
                    return Ok(0);
                }
            }
        }
        output.count_fixes(applied);
        output.add(report)?;
        Ok(applied_to_environment)
    }

    /// Fixes a v12 tree in memory, then prints the diffs and/or writes the files changed
    /// and created, and reports what remains. Returns how many fixes changed the
    /// environment file.
    fn fix_tree(
        &self,
        tree: crate::tree_lint::TreeFiles,
        settings: &mut Settings,
        output: &mut Output,
    ) -> io::Result<usize> {
        let texts = crate::tree_lint::TreeTexts::decode(tree);
        // As read: what is reported when the fixes cannot be written.
        let original = texts.clone();
        let environment = settings.environment.as_ref().map(|e| e.text().to_owned());
        let fixed = crate::fixer::fix_tree(texts, settings, self.rules, self.options.unsafe_fixes);
        let read = fixed.originals.len();
        let mut changes: Vec<Change> = Vec::new();
        // Files a fix creates come first: if one cannot be made, the files that would refer
        // to it are left as they were.
        for file in &fixed.tree.files[read..] {
            let Ok(text) = &file.text else { continue };
            changes.push(Change {
                name: file.name.clone(),
                path: Some(file.path.clone()),
                before: None,
                after: Cow::Borrowed(text.as_bytes()),
                after_text: text,
                stamp: None,
                restore: None,
            });
        }
        for (file, original) in fixed.tree.files.iter().zip(&fixed.originals) {
            let (Ok(text), Some(original)) = (&file.text, original) else {
                continue;
            };
            if **text == **original {
                continue;
            }
            changes.push(Change {
                name: file.name.clone(),
                path: Some(file.path.clone()),
                before: Some(original),
                after: with_bom(file.bom_len, text),
                after_text: text,
                // The file must still be as it was read.
                stamp: stamp_if_unchanged(&file.path, original),
                restore: Some(with_bom(file.bom_len, original).into_owned()),
            });
        }
        let mut written: Vec<&Change> = Vec::new();
        for change in &changes {
            if let Err(message) = change.commit(self.options.mode, output)? {
                // The fixes of a tree stand together (a file refers to a request another
                // creates): undo what was written, and report what the tree still has.
                for done in &written {
                    let Some(path) = &done.path else { continue };
                    match (done.before, &done.restore) {
                        (None, _) => {
                            let _ = std::fs::remove_file(path);
                        }
                        (Some(_), Some(bytes)) => {
                            let _ = crate::write::write_file(path, bytes);
                        }
                        (Some(_), None) => {}
                    }
                }
                if let Some(text) = environment {
                    // The tree's fixes to the environment go with them.
                    if let Some(restored) = settings
                        .environment
                        .as_ref()
                        .and_then(|e| e.with_text(text).ok())
                    {
                        settings.environment = Some(restored);
                    }
                }
                output.add(write_failed(&change.name, message))?;
                for (_, report) in crate::tree_lint::lint_texts(&original, settings, self.rules) {
                    output.add(report)?;
                }
                return Ok(0);
            }
            written.push(change);
        }
        output.count_fixes(fixed.applied);
        for report in fixed.reports {
            output.add(report)?;
        }
        Ok(fixed.applied_to_environment)
    }
}

/// The `--environment` file's change, once every collection has been fixed.
fn environment_change(env: &VariablesFile) -> Change<'_> {
    let path = PathBuf::from(&env.name);
    Change {
        name: env.name.clone(),
        // The environment was read before any collection; it must still be as read.
        stamp: stamp_if_unchanged(&path, &env.original),
        path: Some(path),
        before: Some(&env.original),
        after: with_bom(env.bom_len, env.text()),
        after_text: env.text(),
        restore: None,
    }
}

/// The stamp of the file at `path` when it still holds `original` (`None` when it changed
/// since it was read, or cannot be read).
fn stamp_if_unchanged(path: &Path, original: &str) -> Option<Stamp> {
    let unchanged = std::fs::read(path)
        .ok()
        .and_then(|b| load::decode(b).ok())
        .is_some_and(|d| *d.text == *original);
    unchanged.then(|| Stamp::of(path).ok()).flatten()
}

/// A file's bytes: `text` after the byte-order mark it was read with. Without one, the text
/// itself: a copy of a 359 MB collection was a fifth of `--fix`'s peak memory.
fn with_bom(bom_len: usize, text: &str) -> Cow<'_, [u8]> {
    if bom_len > 0 {
        Cow::Owned(["\u{feff}".as_bytes(), text.as_bytes()].concat())
    } else {
        Cow::Borrowed(text.as_bytes())
    }
}

/// One file a fix run changes or creates.
struct Change<'a> {
    /// As shown in diffs and reports.
    name: String,
    /// `None`: standard input, whose fixed text goes to standard output.
    path: Option<PathBuf>,
    /// The text before (`None`: the file is created).
    before: Option<&'a str>,
    /// The bytes to write (with the original's byte-order mark), and their text.
    after: Cow<'a, [u8]>,
    after_text: &'a str,
    /// What the file looked like when read (`None` for an existing file: it changed since).
    stamp: Option<Stamp>,
    /// The bytes to write back should a later change of the same run fail (a tree's files).
    restore: Option<Vec<u8>>,
}

impl Change<'_> {
    /// Prints the diff (`--diff`) and writes the change (`--fix`). `Err` says why the file
    /// could not be written; nothing was.
    fn commit(&self, mode: Mode, output: &mut Output) -> io::Result<Result<(), String>> {
        if matches!(mode, Mode::Diff | Mode::Fix { diff: true }) {
            let text = match self.before {
                Some(before) => diff::unified(&self.name, before, self.after_text, output.color()),
                None => diff::created(&self.name, self.after_text, output.color()),
            };
            output.diff(&text)?;
        }
        if !matches!(mode, Mode::Fix { .. }) {
            return Ok(Ok(()));
        }
        Ok(match (&self.path, self.before, self.stamp) {
            (None, _, _) => {
                write_raw_stdout(&self.after)?;
                Ok(())
            }
            (Some(path), None, _) => create_file(path, &self.after),
            (Some(path), Some(_), Some(stamp)) => replace_file(path, &self.after, stamp),
            (Some(_), Some(_), None) => {
                Err("the file changed while it was being fixed; nothing was written".to_owned())
            }
        })
    }
}

/// Bytes to stdout as they are (a fixed file need not be valid UTF-8 to be echoed).
fn write_raw_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{ConfigSource, OutputOptions};
    use crate::cli::Format;
    use crate::config::Overrides;

    fn options(report: &Path) -> Options {
        Options {
            paths: Vec::new(),
            stdin_name: "<stdin>".to_owned(),
            environment: None,
            globals: None,
            mode: Mode::Fix { diff: false },
            unsafe_fixes: false,
            config: ConfigSource::Isolated,
            overrides: Overrides::default(),
            output: OutputOptions {
                format: Format::Concise,
                file: Some(report.to_owned()),
                color: false,
                statistics: false,
                quiet: true,
                summary: false,
                exit_zero: false,
            },
            threads: 1,
            max_file_size_mib: 1,
        }
    }

    #[test]
    fn a_created_file_is_written_only_where_none_is() {
        let dir = tempfile::tempdir().unwrap();
        let options = options(&dir.path().join("report.txt"));
        let mut output = Output::new(&options).unwrap();
        let path = dir.path().join("new.json");
        let change = Change {
            name: "new.json".to_owned(),
            path: Some(path.clone()),
            before: None,
            after: Cow::Borrowed(b"{}\n"),
            after_text: "{}\n",
            stamp: None,
            restore: None,
        };
        assert_eq!(change.commit(options.mode, &mut output).unwrap(), Ok(()));
        assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
        // A second run finds the file there: nothing is overwritten.
        std::fs::write(&path, "mine").unwrap();
        let err = change
            .commit(options.mode, &mut output)
            .unwrap()
            .unwrap_err();
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"mine");
        // An existing file that changed since it was read (no stamp) is left alone.
        let changed = Change {
            before: Some("{}\n"),
            ..change
        };
        let err = changed
            .commit(options.mode, &mut output)
            .unwrap()
            .unwrap_err();
        assert!(err.contains("changed while it was being fixed"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"mine");
    }
}
