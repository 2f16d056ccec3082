use std::process::ExitCode;

use clap::Parser;

mod allocator;

fn main() -> ExitCode {
    let cli = match scopelint::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    ExitCode::from(scopelint::run(&cli) as u8)
}
