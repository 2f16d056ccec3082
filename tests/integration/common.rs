use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real binary, run from the repository root with a fixed, colourless environment.
pub fn scopelint() -> Command {
    let mut cmd = Command::cargo_bin("scopelint").expect("binary built");
    cmd.current_dir(repo())
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR");
    cmd
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Run {
    let out = scopelint().args(args).output().expect("scopelint runs");
    Run {
        code: out.status.code().expect("exited normally, not by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// `scopelint check --format json ARGS`, parsed.
pub fn check_json(args: &[&str]) -> (Value, Run) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = run(&all);
    let value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    (value, run)
}

/// Every fixture and example collection, as paths relative to the repository root.
pub fn collection_files() -> Vec<String> {
    let mut files = Vec::new();
    for dir in ["examples", "tests/fixtures"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".postman_collection.json") {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();
    files
}

pub fn corpus() -> Option<PathBuf> {
    let dir = repo().join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}
