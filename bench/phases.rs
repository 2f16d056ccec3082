//! Times each phase of linting one file: `cargo bench --bench phases -- FILE`.
//! Mirrors `lint::lint_text` step by step; the numbers in BENCHMARKS.md come from here.

// A measuring tool: its output is the point.
#![allow(clippy::print_stderr)]

use std::time::Instant;

use scopelint::config::Config;
use scopelint::lint::Settings;
use scopelint::load::{self, FileKind};
use scopelint::rules::{self, Context};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with('-')) else {
        eprintln!("usage: cargo bench --bench phases -- FILE");
        std::process::exit(2);
    };
    let mut t = Instant::now();
    let mut lap = |phase: &str| {
        eprintln!(
            "{phase:<12} {:>7.3} s  rss {:>5} MB  peak {:>5} MB",
            t.elapsed().as_secs_f64(),
            status_mb("VmRSS:"),
            status_mb("VmHWM:")
        );
        t = Instant::now();
    };
    let bytes = std::fs::read(&path).expect("readable file");
    lap("read");
    let decoded = load::decode(bytes).ok().expect("UTF-8");
    lap("decode");
    let doc = load::parse(&decoded.text).expect("valid JSON");
    lap("parse");
    if std::env::args().any(|a| a == "--parse-only") {
        // The parser alone, best of five (the machine is shared and noisy).
        let best = (0..5)
            .map(|_| {
                let start = Instant::now();
                drop(load::parse(&decoded.text));
                start.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
        let mb = decoded.text.len() as f64 / 1e6;
        eprintln!("parse, best of 5: {best:.3} s ({:.0} MB/s)", mb / best);
        return;
    }
    let FileKind::Collection { root, .. } = load::classify(&doc, &path, true) else {
        panic!("not a collection");
    };
    let coll = scopelint::postman::read_collection(&doc, root);
    lap("model");
    let (settings, config) = (Settings::default(), Config::default());
    let cx = Context::new(&coll, &settings, &config.endpoints);
    lap("context");
    let diagnostics = rules::run(&rules::Input::Collection(&cx), |_| true);
    lap("rules");
    if std::env::args().any(|a| a == "--each-rule") {
        for rule in rules::RULES {
            let start = Instant::now();
            let found = rules::run(&rules::Input::Collection(&cx), |r| r.code == rule.code).len();
            let secs = start.elapsed().as_secs_f64();
            eprintln!(
                "  {} {:<32} {secs:>7.3} s  {found:>6} findings",
                rule.code, rule.name
            );
        }
        lap("(each rule)");
    }
    eprintln!(
        "{} findings, {} requests",
        diagnostics.len(),
        coll.requests.len()
    );
    drop(cx);
    drop(coll);
    drop(doc);
    lap("free");
}

/// A memory figure from /proc/self/status, in MB (0 where there is no /proc).
fn status_mb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}
