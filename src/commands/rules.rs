//! `scopelint rules` and `scopelint explain`.

use std::io;

use crate::console::{write_stderr, write_stdout, Status};
use crate::rules::{find, RULES};

pub fn list() -> io::Result<Status> {
    let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut text = String::new();
    for r in RULES {
        text.push_str(&format!("{}  {:width$}  {}\n", r.code, r.name, r.summary));
    }
    write_stdout(&text)?;
    Ok(Status::Clean)
}

pub fn explain(rule: &str) -> io::Result<Status> {
    match find(rule) {
        Some(r) => {
            write_stdout(r.doc)?;
            Ok(Status::Clean)
        }
        None => {
            let known: Vec<_> = RULES.iter().map(|r| r.code).collect();
            write_stderr(&format!(
                "error: unknown rule `{rule}`; known rules: {} (see `scopelint rules`)\n",
                known.join(", ")
            ));
            Ok(Status::Error)
        }
    }
}

pub fn completions(shell: clap_complete::Shell) -> io::Result<Status> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(
        shell,
        &mut crate::cli::Cli::command(),
        "scopelint",
        &mut out,
    );
    write_stdout(&String::from_utf8_lossy(&out))?;
    Ok(Status::Clean)
}
