//! Times each phase of linting one file: `cargo bench --bench phases -- FILE`.
//! The phases are `scopelint::profile::collection`'s; the numbers in BENCHMARKS.md come from here.

// A measuring tool: its output is the point.
#![allow(clippy::print_stderr)]

use std::cell::Cell;
use std::time::Instant;

use scopelint::profile;

// The binary's allocator and its settings, so that memory is measured as users see it.
#[path = "../src/allocator.rs"]
mod allocator;

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with('-')) else {
        eprintln!("usage: cargo bench --bench phases -- FILE");
        std::process::exit(2);
    };
    // Shared by both callbacks: each measures from the last event.
    let t = Cell::new(Instant::now());
    let mut lap = |phase: &str| {
        eprintln!(
            "{phase:<12} {:>7.3} s  rss {:>5} MB  peak {:>5} MB",
            t.get().elapsed().as_secs_f64(),
            status_mb("VmRSS:"),
            status_mb("VmHWM:")
        );
        t.set(Instant::now());
    };
    let bytes = std::fs::read(&path).expect("readable file");
    lap("read");
    if std::env::args().any(|a| a == "--parse-only") {
        // The parser alone, best of five (the machine is shared and noisy).
        let text = String::from_utf8(bytes).expect("UTF-8");
        let best = (0..5)
            .map(|_| {
                let start = Instant::now();
                assert!(profile::parse(&text), "valid JSON");
                start.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
        let mb = text.len() as f64 / 1e6;
        eprintln!("parse, best of 5: {best:.3} s ({:.0} MB/s)", mb / best);
        return;
    }
    let mut each_rule = |code: &str, name: &str, found: usize| {
        let secs = t.get().elapsed().as_secs_f64();
        eprintln!(
            "  {code} {name:<32} {secs:>7.3} s  {found:>6} findings  rss {:>5} MB",
            status_mb("VmRSS:")
        );
        t.set(Instant::now());
    };
    let each = std::env::args().any(|a| a == "--each-rule");
    let (findings, requests) = profile::collection(
        &path,
        bytes,
        &mut lap,
        each.then_some(&mut each_rule as profile::EachRule),
    )
    .expect("a collection");
    eprintln!("{findings} findings, {requests} requests");
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
