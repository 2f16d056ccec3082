//! Render anything, in every format, at any column: linting and rendering any bytes (and the
//! same bytes pushed 70,000 columns along their first line, as in a minified export) never
//! panics, and the default format never shows a snippet line wider than the window.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopelint::{render, Checker, Format, Outcome};

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
    let Outcome::Report(report) = Checker::new().check(name, bytes) else {
        return;
    };
    let width = [40, 100, 400][usize::from(options >> 3) % 3];
    let full = render(&report, Format::Full, options & 0x20 != 0, width);
    for line in full.lines() {
        // `  12 │ text`: a snippet line of at most 160 characters (a tab shows as 4).
        if let Some((gutter, text)) = line.split_once(" │ ") {
            if gutter.trim().parse::<usize>().is_ok() {
                let shown = text.chars().count();
                assert!(shown <= 4 * 160, "a snippet line of {shown} characters");
            }
        }
    }
    for format in [Format::Concise, Format::Github, Format::Json, Format::Sarif] {
        let _ = render(&report, format, false, width);
    }
    let _ = scopelint::statistics(&report);
});
