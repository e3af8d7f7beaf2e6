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
    // The server tells its operator about every request; a command at the terminal
    // speaks only of what went wrong, its own output being on stdout.
    let serving = matches!(
        cli.command,
        cli::Command::Serve { .. }
            | cli::Command::Demo {
                no_serve: false,
                ..
            }
    );
    init_logging(if serving { "info" } else { "warn" });
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Lỗi / Error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Logs go to stderr as text lines. `DONGHANH_LOG` overrides the level, as `info`, `debug`
/// or per crate (`warn,web=info,importer=debug`).
fn init_logging(default: &str) {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;
    let parse = |s: &str| s.parse::<Targets>().ok();
    let Some(filter) = std::env::var("DONGHANH_LOG")
        .ok()
        .and_then(|s| parse(&s))
        .or_else(|| parse(default))
    else {
        return;
    };
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    // A second initialisation (a test calling `run` twice) keeps the first.
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(ansi),
        )
        .with(filter)
        .try_init();
}
