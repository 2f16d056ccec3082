//! One integration-test binary (as ripgrep does): every test drives the real `scopelint`
//! executable on real files.

mod cli;
mod common;
mod corpus;
mod output;
mod rules;
