//! CLI contract cases (trycmd): each `tests/cmd/*.toml` runs the real binary with its
//! arguments (and `.stdin`) and pins stdout, stderr and the exit code; `*.in/` directories
//! are inputs, `*.out/` the files a case must leave. `TRYCMD=overwrite cargo test --test
//! cli_contract` rewrites the expectations: review the diff.

#[test]
fn cli_contract() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
