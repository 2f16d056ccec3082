//! Parse and lint anything: as a collection, an environment and a HAR capture.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopelint::Checker;

fuzz_target!(|data: &[u8]| {
    let checker = Checker::new();
    for name in ["f.postman_collection.json", "f.postman_environment.json", "f.har"] {
        let _ = checker.check(name, data.to_vec());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = scopelint::redact(text);
    }
});
