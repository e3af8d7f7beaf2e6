//! The donghanh command line as a library: `main.rs` parses the arguments and calls
//! [`run`]; the benchmark binary (`crates/bench`) runs the same commands in its child
//! processes, so that what it times is exactly what an officer runs.

pub mod cli;
pub mod commands;
mod config;

use std::process::ExitCode;

/// Runs one parsed command line and turns an error into the message and exit code that
/// an officer sees.
pub fn run(cli: cli::Cli) -> ExitCode {
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Lỗi / Error: {e:#}");
            ExitCode::from(1)
        }
    }
}
