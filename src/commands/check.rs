//! `scopelint check`: the flags become [`check::Options`](crate::check::Options) here, and go
//! no further.

use std::io::{self, IsTerminal};

use crate::check::{self, ConfigSource, Mode, Options, OutputOptions};
use crate::cli::{CheckArgs, ColorChoice, Format};
use crate::config::{Overrides, Selector};
use crate::console::{write_stderr, Status};

pub fn run(args: &CheckArgs) -> io::Result<Status> {
    match options(args) {
        Ok(options) => check::run(&options),
        Err(message) => {
            write_stderr(&format!("error: {message}\n"));
            Ok(Status::Error)
        }
    }
}

fn options(args: &CheckArgs) -> Result<Options, String> {
    let machine = matches!(args.format, Format::Json | Format::Sarif | Format::Github);
    if args.diff && machine && args.output_file.is_none() {
        return Err(
            "--diff prints diffs on stdout, where they would break the report; with \
             --format json, sarif or github, write the report with --output-file"
                .to_owned(),
        );
    }
    let mode = match (args.show_files, args.fix, args.diff) {
        (true, _, _) => Mode::ShowFiles,
        (false, true, diff) => Mode::Fix { diff },
        (false, false, true) => Mode::Diff,
        (false, false, false) => Mode::Check,
    };
    let config = match (&args.config, args.isolated) {
        (_, true) => ConfigSource::Isolated,
        (Some(path), false) => ConfigSource::File(path.clone()),
        (None, false) => ConfigSource::Discovered,
    };
    // With `--fix -`, stdout carries the fixed text: the report goes to stderr.
    let stdin_fix = args.fix && args.paths.iter().any(|p| p.as_os_str() == "-");
    let terminal = args.output_file.is_none()
        && if stdin_fix {
            io::stderr().is_terminal()
        } else {
            io::stdout().is_terminal()
        };
    let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && !no_color_env,
    };
    Ok(Options {
        paths: args.paths.clone(),
        stdin_name: args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| "<stdin>".to_owned()),
        environment: args.environment.clone(),
        globals: args.globals.clone(),
        mode,
        unsafe_fixes: args.unsafe_fixes,
        config,
        overrides: overrides(args)?,
        output: OutputOptions {
            format: args.format,
            file: args.output_file.clone(),
            color,
            statistics: args.statistics,
            quiet: args.quiet,
            summary: !args.quiet && !args.no_summary,
            exit_zero: args.exit_zero,
        },
        threads: args
            .threads
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        max_file_size_mib: args.max_file_size,
    })
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
