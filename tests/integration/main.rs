//! One integration-test binary (as ripgrep does): every test drives the real `scopelint`
//! executable on real files.

mod canaries;
mod cli;
mod common;
mod corpus;
mod fix_cases;
mod fixes;
mod formats;
mod har;
mod layout;
mod long_lines;
mod mock_scopestack;
mod newman;
mod output;
mod postman_cli;
mod pre_commit;
mod robustness;
mod rules;
mod v3;
