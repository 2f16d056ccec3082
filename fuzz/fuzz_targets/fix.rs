//! Fix anything: the fixed text must parse, and fixing it again must change nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopelint::Checker;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if scopelint::parse_json(text).is_none() {
        return;
    }
    let mut checker = Checker::new().unsafe_fixes(true);
    let fixed = checker.fix("f.postman_collection.json", text);
    if fixed.applied == 0 {
        return;
    }
    assert!(scopelint::parse_json(&fixed.text).is_some(), "the fixed text does not parse");
    let again = checker.fix("f.postman_collection.json", &fixed.text);
    assert_eq!(again.applied, 0, "a second fix changed something");
});
