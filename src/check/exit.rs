//! The exit status: 2 when a file could not be read, checked or written back, 1 when
//! problems remain (or, with `--diff` alone, when there is anything to fix), else 0.

use crate::console::Status;
use crate::report::Totals;

pub(crate) fn status(totals: &Totals, diff_only: bool, exit_zero: bool) -> Status {
    // `--diff`: anything to fix is worth a non-zero status, like findings.
    let pending = totals.findings() > 0 || (diff_only && totals.fixed > 0);
    if totals.failed_files > 0 || totals.unwritten_files > 0 {
        Status::Error
    } else if pending && !exit_zero {
        Status::Findings
    } else {
        Status::Clean
    }
}
