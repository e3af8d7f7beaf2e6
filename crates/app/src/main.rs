//! `donghanh`: the one binary. Parses the command line, settles configuration, and hands
//! each command to its module.

mod cli;
mod commands;
mod config;

use clap::Parser;
use std::process::ExitCode;

/// Imports and reports allocate many small rows and strings; glibc's allocator spent about
/// a quarter of an import's time on them (perf, bench national scale 0.1).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
