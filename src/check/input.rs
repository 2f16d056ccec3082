//! Reading what was named: files (with size limits and a look at whether a file found in a
//! folder is a Postman export at all), standard input, and the `--environment` and
//! `--globals` files.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Options;
use crate::console::io_message;
use crate::discover::Input;
use crate::lint::{unparsed_report, ErrorKind, FileReport};
use crate::load::{self, has_postman_suffix, may_be_postman};
use crate::settings::{Settings, VariablesFile};
use crate::source::SourceFile;
use crate::write::Stamp;

/// A file's bytes, ready to lint.
pub(crate) struct LoadedFile {
    pub name: String,
    pub bytes: crate::load::FileBytes,
    /// Named on the command line (not found in a folder).
    pub explicit: bool,
    /// `None` for stdin.
    pub path: Option<PathBuf>,
    /// What the file looked like when read, so that a fix never overwrites a later change.
    pub stamp: Option<Stamp>,
}

pub(crate) enum Loaded {
    Bytes(LoadedFile),
    /// A v12 collection tree, every file read.
    Tree(crate::tree_lint::TreeFiles),
    /// Could not be read.
    Report(FileReport),
    /// Found in a directory and not a Postman export.
    Skip,
    /// A note for the user, about no file.
    Note(String),
}

/// The `--environment` and `--globals` files; a report of the first that cannot be used.
pub(crate) fn load_settings(options: &Options) -> Result<Settings, FileReport> {
    let read = |path: &Path, what: &'static str| {
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| FileReport::failed_as(ErrorKind::Variables, &name, io_message(&e)))?;
        VariablesFile::read(&name, bytes, what).map_err(|e| {
            let source = Arc::new(SourceFile::new(name.as_str(), e.text, e.bom_len));
            unparsed_report(source, ErrorKind::Variables, e.message, e.span)
        })
    };
    Ok(Settings {
        environment: options
            .environment
            .as_deref()
            .map(|p| read(p, "environment"))
            .transpose()?,
        globals: options
            .globals
            .as_deref()
            .map(|p| read(p, "globals"))
            .transpose()?,
    })
}

pub(crate) fn load_input(input: &Input, options: &Options) -> Loaded {
    let limit = options.max_file_size_mib.saturating_mul(1 << 20);
    match input {
        Input::Tree { root, only } => {
            let dir = match crate::tree::scan(root) {
                Ok(d) => d,
                Err(e) => {
                    return Loaded::Report(FileReport::failed(
                        &root.display().to_string(),
                        io_message(&e),
                    ))
                }
            };
            let mut files = Vec::new();
            for path in dir.files() {
                let name = path.display().to_string();
                match std::fs::metadata(path) {
                    Ok(m) if m.len() > limit => {
                        return Loaded::Report(FileReport::failed(
                            &name,
                            too_large(m.len(), options.max_file_size_mib),
                        ))
                    }
                    Err(e) => return Loaded::Report(FileReport::failed(&name, io_message(&e))),
                    Ok(_) => {}
                }
                match load::read_file(path) {
                    Ok(bytes) => files.push((path.to_owned(), name, bytes)),
                    Err(e) => return Loaded::Report(FileReport::failed(&name, io_message(&e))),
                }
            }
            Loaded::Tree(crate::tree_lint::TreeFiles {
                dir,
                files,
                only: only.clone(),
            })
        }
        Input::Note(text) => Loaded::Note(text.clone()),
        Input::Unreadable { path, message } => {
            Loaded::Report(FileReport::failed(path, message.clone()))
        }
        Input::Stdin => {
            let name = options.stdin_name.clone();
            let mut bytes = Vec::new();
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
                    options.max_file_size_mib
                );
                return Loaded::Report(FileReport::failed(&name, message));
            }
            Loaded::Bytes(LoadedFile {
                name,
                bytes: bytes.into(),
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
                Ok(m) if m.len() > limit => {
                    return failed(too_large(m.len(), options.max_file_size_mib))
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

fn too_large(len: u64, max_mib: u64) -> String {
    format!(
        "the file is {} MiB, larger than --max-file-size {max_mib} MiB; raise the limit to lint it",
        len.div_ceil(1 << 20)
    )
}
