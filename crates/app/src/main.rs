//! `donghanh`: the one product binary. Parses the command line and hands it to the
//! library's commands.

use clap::Parser;
use std::process::ExitCode;

/// mimalloc rather than glibc's allocator: bench/fair.sh's burst (50 parallel member-list
/// downloads, 20 sync batches) peaked at 236 MB instead of 251 MB on SQLite. Neither
/// gives the memory back within seconds of the burst (229 MB 5 s after): issue 23 keeps
/// that open.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    donghanh::run(donghanh::cli::Cli::parse())
}
