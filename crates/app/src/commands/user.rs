//! `donghanh user`: accounts from the command line.

use super::{cli_actor, today_vn, Env};
use crate::cli::UserCommand;
use domain::access::Role;
use std::process::ExitCode;

pub fn run(env: &Env, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let mut db = env.open()?;
    match cmd {
        UserCommand::Add {
            username,
            role,
            unit,
            name,
            password,
        } => {
            let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("vai trò phải là admin, manager, clerk hoặc viewer / role must be admin, manager, clerk or viewer"))?;
            let graph = store::units::load_graph(&mut db)?;
            anyhow::ensure!(
                graph.version_on(&unit, today_vn()).is_some(),
                "không có đơn vị {unit} hôm nay / no unit {unit} today"
            );
            anyhow::ensure!(
                store::accounts::by_username(&mut db, &username)?.is_none(),
                "tên đăng nhập {username} đã có / username taken"
            );
            let generated = password.is_none();
            let password = password.unwrap_or_else(|| web::auth::random_token()[..16].to_owned());
            if let Err(e) = web::auth::check_new_password(&password) {
                anyhow::bail!("{e}");
            }
            let name = if name.is_empty() {
                username.clone()
            } else {
                name
            };
            let hash = web::auth::hash_password(&password);
            db.transaction(|tx| {
                store::accounts::create(
                    tx,
                    &store::accounts::NewUser {
                        username: &username,
                        full_name: &name,
                        password_hash: &hash,
                        role,
                        unit_code: &unit,
                        must_change_password: generated,
                    },
                    &cli_actor(),
                )
            })?;
            println!("Đã thêm {username} ({}, {unit})", role.label_vi());
            if generated {
                println!("  mật khẩu dùng một lần / one-time password: {password}");
            }
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::List => {
            for u in store::accounts::list(&mut db)? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.username,
                    u.role.as_str(),
                    u.unit_code,
                    u.full_name,
                    if u.active { "" } else { "(khóa)" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
