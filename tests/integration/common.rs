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

/// Writes `value` to `path` as pretty JSON.
pub fn write_json(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
}

/// The JSON file at `path`, parsed.
pub fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
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

/// The 6-character pieces of `secret` that `output` holds and `baseline` (the same run with
/// the secret replaced) does not: a secret that leaks in part (all but its last byte, its
/// second half) is caught, and a word it shares with the report's own text is not.
pub fn leaked_pieces(secret: &str, output: &str, baseline: &str) -> Vec<String> {
    let chars: Vec<char> = secret.chars().collect();
    let mut found: Vec<String> = chars
        .windows(6)
        .map(|w| w.iter().collect::<String>())
        .filter(|piece| output.contains(piece.as_str()) && !baseline.contains(piece.as_str()))
        .collect();
    found.dedup();
    found
}

/// `../shared/corpus`, or `None` after [`skipped`] said why (a failure under CI).
pub fn corpus_or_skip() -> Option<PathBuf> {
    let found = corpus();
    if found.is_none() {
        skipped(Missing::Corpus, "../shared/corpus is absent");
    }
    found
}

/// What a test that cannot do its work lacks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// A program `.ci/run` installs (newman, the Postman CLI, pre-commit) or that a Linux
    /// machine has (`script`): a failure under CI.
    Tool,
    /// `../shared/corpus`, always beside the clone under CI: a failure there.
    Corpus,
    /// What only some machines allow (root, mounting a tmpfs): skipped even under CI, and
    /// listed.
    Capability,
}

/// Says that the running test skips its work (or part of it) for `reason`. When `CI` is
/// set, a missing tool or corpus fails the test instead. Every skip of the run is listed
/// on one line of stderr when the test binary exits: libtest hides the stderr of a test
/// that passes, so a skip said there alone looks like a pass.
pub fn skipped(missing: Missing, reason: &str) {
    assert!(
        missing == Missing::Capability || std::env::var_os("CI").is_none(),
        "{reason}: required under CI (.ci/run installs every tool, and ../shared is beside the clone)"
    );
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    let mut list = SKIPPED.lock().unwrap_or_else(|e| e.into_inner());
    if list.is_empty() {
        // SAFETY: `atexit` is the C library's; the handler only reads the list and writes
        // to stderr.
        unsafe { atexit(list_skipped) };
    }
    list.push(format!("{test} ({reason})"));
}

static SKIPPED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

extern "C" {
    fn atexit(handler: extern "C" fn()) -> std::os::raw::c_int;
}

extern "C" fn list_skipped() {
    use std::io::Write;
    let mut list = SKIPPED.lock().unwrap_or_else(|e| e.into_inner());
    list.sort();
    let _ = writeln!(
        std::io::stderr(),
        "\nskipped {} integration test(s), which passed without doing their work: {}",
        list.len(),
        list.join("; ")
    );
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
