//! Parse and lint anything: as a collection, an environment and a HAR capture.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopelint::config::{Config, Overrides};
use scopelint::lint::{lint_bytes, RuleOptions, Settings};

fuzz_target!(|data: &[u8]| {
    let settings = Settings::default();
    let (config, overrides) = (Config::default(), Overrides::default());
    let options = RuleOptions { config: &config, overrides: &overrides, path: None, snippets: true };
    for name in ["f.postman_collection.json", "f.postman_environment.json", "f.har"] {
        let _ = lint_bytes(name, data.to_vec(), true, &settings, options);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(doc) = scopelint::json::Document::parse(text.into()) {
            let _ = scopelint::redact::Redactor::default().redact(&doc);
        }
    }
});
