//! `donghanh`: the one product binary. Parses the command line and hands it to the
//! library's commands.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    donghanh::run(donghanh::cli::Cli::parse())
}
