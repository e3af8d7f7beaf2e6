//! One module per command group.

mod backup;
mod db;
pub mod demo;
mod household;
mod import;
mod lineage_review;
mod project;
mod report;
mod standard;
mod units;
mod user;

use crate::cli::{Cli, Command, DbCommand};
use crate::config::{FileConfig, DEFAULT_ADDR, DEFAULT_DB};
use std::process::ExitCode;

/// What every command needs: where the database is.
pub struct Env {
    pub db: String,
    pub addr: String,
    /// The server's database connections: `DONGHANH_POOL_SIZE`, else `pool_size` in the
    /// configuration file, else `web::DB_SLOTS`.
    pub pool_size: usize,
}

impl Env {
    pub fn open(&self) -> anyhow::Result<store::Db> {
        store::open(&self.db).map_err(|e| anyhow::anyhow!(e.message_vi()))
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let file = FileConfig::load(cli.config.as_deref())?;
    let env = Env {
        db: cli.db.or(file.db).unwrap_or_else(|| DEFAULT_DB.to_owned()),
        addr: file.addr.unwrap_or_else(|| DEFAULT_ADDR.to_owned()),
        pool_size: match std::env::var("DONGHANH_POOL_SIZE") {
            Ok(v) => v.parse().map_err(|_| {
                anyhow::anyhow!("DONGHANH_POOL_SIZE phải là một số / must be a number: {v}")
            })?,
            Err(_) => file.pool_size.unwrap_or(web::DB_SLOTS),
        },
    };
    match cli.command {
        Command::Init => {
            let db = env.open()?;
            println!(
                "Cơ sở dữ liệu sẵn sàng / database ready: {} ({})",
                db.target(),
                db.backend().name()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            paths,
            errors,
            dry_run,
        } => import::run(&env, &paths, &errors, dry_run),
        Command::Units { command } => units::run(&env, command),
        Command::Report(args) => report::run(&env, args),
        Command::Household { command } => household::run(&env, command),
        Command::Standard { command } => standard::run(&env, command),
        Command::Demo { no_serve, addr } => demo::run(&env, no_serve, addr),
        Command::Project { command } => project::run(&env, command),
        Command::Serve { addr } => serve(&env, addr),
        Command::Backup { out } => backup::backup(&env, &out),
        Command::Db {
            command: DbCommand::Copy { from, to },
        } => db::copy(&from, &to),
        Command::Restore { from, replace } => backup::restore(&env, &from, replace),
        Command::Formats { format } => {
            print_out(&match format {
                crate::cli::FormatsFormat::Md => importer::formats::markdown(),
                crate::cli::FormatsFormat::Json => {
                    format!("{:#}\n", importer::formats::json())
                }
            });
            Ok(ExitCode::SUCCESS)
        }
        Command::User { command } => user::run(&env, command),
    }
}

/// Who the audit log names for a command-line change.
pub fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

/// Today in Vietnam (UTC+7).
pub fn today_vn() -> domain::Date {
    web::today()
}

pub fn parse_date(s: &str) -> anyhow::Result<domain::Date> {
    domain::Date::parse(s).map_err(|_| {
        anyhow::anyhow!("ngày không hợp lệ: {s} (dạng YYYY-MM-DD hoặc DD/MM/YYYY) / invalid date")
    })
}

/// Prints to stdout; a reader that goes away early (`| head`) is not an error.
pub fn print_out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Serves the web app on `addr` (default from configuration) until Ctrl-C.
pub fn serve(env: &Env, addr: Option<String>) -> anyhow::Result<ExitCode> {
    let mut db = env.open()?;
    if let Some(password) = web::ensure_admin(&mut db)? {
        println!("Chưa có người dùng: đã tạo tài khoản quản trị / first administrator created");
        println!(
            "  tên đăng nhập: admin   mật khẩu dùng một lần: {password}   (phải đổi khi đăng nhập)"
        );
    }
    drop(db);
    let addr = addr.unwrap_or(env.addr.clone());
    let state = web::AppState::with_connections(&env.db, env.pool_size);
    tokio::runtime::Runtime::new()?.block_on(web::serve(&addr, state))?;
    Ok(ExitCode::SUCCESS)
}
