//! Fix anything: the fixed text must parse, and fixing it again must change nothing.
#![no_main]


use libfuzzer_sys::fuzz_target;
use scopelint::config::{Config, Overrides};
use scopelint::fix::fixer::fix_text;
use scopelint::lint::{RuleOptions, Settings};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if scopelint::json::Document::parse(scopelint::text::Text::from(text)).is_err() {
        return;
    }
    let mut settings = Settings::default();
    let (config, overrides) = (Config::default(), Overrides::default());
    let options = RuleOptions { config: &config, overrides: &overrides, path: None, snippets: true };
    let fixed = fix_text("f.postman_collection.json", scopelint::text::Text::from(text), 0, true, &mut settings, options, true);
    if fixed.applied == 0 {
        return;
    }
    assert!(
        scopelint::json::Document::parse(fixed.text.clone()).is_ok(),
        "the fixed text does not parse"
    );
    let again = fix_text("f.postman_collection.json", fixed.text.clone(), 0, true, &mut settings, options, true);
    assert_eq!(again.applied, 0, "a second fix changed something");
});
