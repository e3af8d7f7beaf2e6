//! `donghanh`: the one binary. Parses the command line, settles configuration, and hands
//! each command to its module.

mod cli;
mod commands;
mod config;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Lỗi / Error: {e:#}");
            ExitCode::from(1)
        }
    }
}
