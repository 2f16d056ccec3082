//! Damaged input never panics: every fixture cut short at many points and with bytes
//! overwritten, run through the same pipeline the binary uses.

use scopelint::{Checker, Outcome};

use crate::common::{collection_files, repo};

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

#[test]
fn truncated_and_corrupted_fixtures_never_panic() {
    let checker = Checker::new();
    let junk: &[&[u8]] = &[
        b"\0",
        b"\xff",
        b"{",
        b"}",
        b"\"",
        b"\\",
        b"[",
        b",",
        b"\xe2\x82",
        b"{{",
        b"\n",
    ];
    let mut rng = Lcg(7);
    let mut runs = 0;
    for file in collection_files() {
        let bytes = std::fs::read(repo().join(&file)).unwrap();
        let step = (bytes.len() / 40).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let outcome = checker.check(&file, bytes[..cut].to_vec());
            if let Outcome::Report(r) = outcome {
                assert!(
                    cut == bytes.len()
                        || r.error.is_some()
                        || bytes[cut..].iter().all(u8::is_ascii_whitespace),
                    "{file} cut at {cut} parsed"
                );
            }
            runs += 1;
        }
        for _ in 0..40 {
            let mut damaged = bytes.clone();
            for _ in 0..3 {
                let at = rng.next() % damaged.len();
                let patch = junk[rng.next() % junk.len()];
                damaged.splice(at..(at + 1).min(damaged.len()), patch.iter().copied());
            }
            let _ = checker.check(&file, damaged);
            runs += 1;
        }
    }
    assert!(runs > 4000, "{runs}");
}

/// Inputs the fuzzers found (`tests/fixtures/crashes/`): linting them does not panic, and
/// fixing them gives text that parses and a second fix that changes nothing.
#[test]
fn fuzzer_findings_stay_fixed() {
    let dir = repo().join("tests/fixtures/crashes");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let mut checker = Checker::new().unsafe_fixes(true);
        for name in [
            "f.postman_collection.json",
            "f.postman_environment.json",
            "f.har",
        ] {
            let _ = checker.check(name, bytes.clone());
        }
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let fixed = checker.fix("f.postman_collection.json", text);
        assert!(scopelint::parse_json(&fixed.text).is_some());
        let again = checker.fix("f.postman_collection.json", &fixed.text);
        assert_eq!(again.applied, 0, "a second fix changed something");
        seen += 1;
    }
    assert!(seen >= 1);
}
