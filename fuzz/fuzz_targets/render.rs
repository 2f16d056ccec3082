//! Render anything, in every format, at any column: linting and rendering any bytes (and the
//! same bytes pushed 70,000 columns along their first line, as in a minified export) never
//! panics, and the default format never shows a snippet line wider than the window.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopelint::config::{Config, Overrides};
use scopelint::lint::{lint_bytes, Outcome, RuleOptions, Settings};
use scopelint::report::full::FullRenderer;
use scopelint::report::json::JsonReport;
use scopelint::report::sarif::SarifReport;
use scopelint::report::{concise, github, Totals};

fuzz_target!(|data: &[u8]| {
    let Some((&options, rest)) = data.split_first() else { return };
    let mut bytes = rest.to_vec();
    if options & 1 == 1 {
        let mut shifted = vec![b' '; 70_000];
        shifted.extend_from_slice(rest);
        bytes = shifted;
    }
    let name = ["f.postman_collection.json", "f.postman_environment.json", "f.har"]
        [usize::from(options >> 1) % 3];
    let settings = Settings::default();
    let (config, overrides) = (Config::default(), Overrides::default());
    let rule_options =
        RuleOptions { config: &config, overrides: &overrides, path: None, snippets: true };
    let Outcome::Report(report) = lint_bytes(name, bytes, true, &settings, rule_options) else {
        return;
    };
    let width = [40, 100, 400][usize::from(options >> 3) % 3];
    let mut full = String::new();
    FullRenderer::new(options & 0x20 != 0, width).render(&report, &mut full);
    for line in full.lines() {
        // `  12 │ text`: a snippet line of at most 160 characters (a tab shows as 4).
        if let Some((gutter, text)) = line.split_once(" │ ") {
            if gutter.trim().parse::<usize>().is_ok() {
                let shown = text.chars().count();
                assert!(shown <= 4 * 160, "a snippet line of {shown} characters");
            }
        }
    }
    let mut out = String::new();
    concise::render(&report, &mut out);
    github::render(&report, &mut out);
    let mut json = JsonReport::new();
    json.add(&report);
    let _ = serde_json::to_string(&json);
    let mut sarif = SarifReport::default();
    sarif.add(&report, None);
    let _ = sarif.finish();
    let mut totals = Totals::default();
    totals.add(&report);
    let _ = totals.statistics();
});
