//! Damaged input never panics: every fixture cut short at many points and with bytes
//! overwritten, run through the same pipeline the binary uses.

use scopelint::config::{Config, Overrides};
use scopelint::lint::{lint_bytes, Outcome, RuleOptions, Settings};

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
    let settings = Settings::default();
    let (config, overrides) = (Config::default(), Overrides::default());
    let options = RuleOptions {
        config: &config,
        overrides: &overrides,
        path: None,
        snippets: true,
    };
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
            let outcome = lint_bytes(&file, bytes[..cut].to_vec(), true, &settings, options);
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
            let _ = lint_bytes(&file, damaged, true, &settings, options);
            runs += 1;
        }
    }
    assert!(runs > 4000, "{runs}");
}

/// Inputs the fuzzers found (`tests/fixtures/crashes/`): linting them does not panic, and
/// fixing them gives text that parses and a second fix that changes nothing.
#[test]
fn fuzzer_findings_stay_fixed() {
    use scopelint::fix::fixer::fix_text;
    let (config, overrides) = (Config::default(), Overrides::default());
    let options = RuleOptions {
        config: &config,
        overrides: &overrides,
        path: None,
        snippets: true,
    };
    let dir = repo().join("tests/fixtures/crashes");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let mut settings = Settings::default();
        for name in [
            "f.postman_collection.json",
            "f.postman_environment.json",
            "f.har",
        ] {
            let _ = lint_bytes(name, bytes.clone(), true, &settings, options);
        }
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let fixed = fix_text(
            "f.postman_collection.json",
            scopelint::text::Text::from(text),
            0,
            true,
            &mut settings,
            options,
            true,
        );
        assert!(scopelint::json::Document::parse(fixed.text.clone()).is_ok());
        let again = fix_text(
            "f.postman_collection.json",
            fixed.text.clone(),
            0,
            true,
            &mut settings,
            options,
            true,
        );
        assert_eq!(again.applied, 0, "a second fix changed something");
        seen += 1;
    }
    assert!(seen >= 1);
}
