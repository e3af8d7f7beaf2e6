//! `donghanh import`.

use super::{cli_actor, Env};
use importer::{ImportError, Options};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(
    env: &Env,
    paths: &[PathBuf],
    errors_path: &Path,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let mut db = env.open()?;
    let opts = Options {
        actor: cli_actor(),
        dry_run,
        progress: true,
        ..Default::default()
    };
    match importer::import_paths(&mut db, paths, &opts) {
        Ok(s) => {
            let t = s.total();
            let verb = if s.dry_run {
                "Kiểm tra xong (chưa ghi) / checked, nothing written"
            } else {
                "Đã nhập / imported"
            };
            println!(
                "{verb}: {} dòng / rows; thêm mới {} / inserted, cập nhật {} / updated, không đổi {} / unchanged, xóa {} / deleted",
                s.rows_read, t.inserted, t.updated, t.unchanged, t.deleted
            );
            for (kind, c) in &s.per_kind {
                println!(
                    "  {kind}: +{} ~{} ={} -{}",
                    c.inserted, c.updated, c.unchanged, c.deleted
                );
            }
            if !s.warnings.is_empty() {
                println!("Lưu ý / warnings ({}):", s.warnings.len());
                for w in s.warnings.iter().take(50) {
                    println!(
                        "  {} dòng {} [{}]: {} / {}",
                        w.file,
                        w.row,
                        w.column,
                        w.reason_vi(),
                        w.reason_en()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Rejected(r)) => {
            eprint!("{}", r.render(50));
            r.write_csv(errors_path)?;
            eprintln!(
                "Báo cáo lỗi đầy đủ / full error report: {}",
                errors_path.display()
            );
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}
