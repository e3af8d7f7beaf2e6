//! `donghanh`: the one product binary. Parses the command line and hands it to the
//! library's commands.

use clap::Parser;
use std::process::ExitCode;

/// mimalloc returns the memory a burst of downloads or imports freed to the system
/// within milliseconds; glibc's allocator kept a server at its peak (bench/fair.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    donghanh::run(donghanh::cli::Cli::parse())
}
