//! `donghanh project show`: enrolment and the composition check of a project.

use super::{print_out, Env};
use crate::cli::{Format, ProjectCommand};
use std::process::ExitCode;

pub fn run(env: &Env, cmd: ProjectCommand) -> anyhow::Result<ExitCode> {
    let mut db = env.open()?;
    match cmd {
        ProjectCommand::Show { code, format } => {
            let Some(p) = reports::projects::check(&mut db, &code)? else {
                eprintln!("Không có dự án mã {code} / no project {code}");
                return Ok(ExitCode::from(3));
            };
            match format {
                Format::Json => print_out(&(serde_json::to_string_pretty(&p)? + "\n")),
                Format::Text => print_out(&p.describe_vi()),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
