//! `donghanh db copy`: everything from one database to another of either backend, then
//! the proof that nothing was lost: every table's rows counted on both sides, and the
//! national report of every year, unit by unit, computed on both and compared.

use std::process::ExitCode;

pub fn copy(from: &str, to: &str) -> anyhow::Result<ExitCode> {
    let shown = |t: &str| store::tls::redacted(t);
    let mut source = store::open(from).map_err(|e| anyhow::anyhow!(e.message_vi()))?;
    let mut target = store::open(to).map_err(|e| anyhow::anyhow!(e.message_vi()))?;
    anyhow::ensure!(
        store::copy::is_blank(&mut target)?,
        "{} đã có dữ liệu (đơn vị, hộ hoặc người dùng): chỉ chép vào một cơ sở dữ liệu mới / the target already holds data",
        shown(to)
    );
    println!("Chép / copying {} → {}", shown(from), shown(to));
    let started = std::time::Instant::now();
    store::copy::copy_all(&mut source, &mut target, |table, n| {
        println!("  {table}: {n}");
    })?;
    let tables = store::copy::copied();
    for table in &tables {
        let (a, b) = (
            store::copy::count(&mut source, table)?,
            store::copy::count(&mut target, table)?,
        );
        anyhow::ensure!(
            a == b,
            "{table}: {a} dòng nguồn, {b} dòng đích / rows differ"
        );
    }
    let years = compare_reports(&mut source, &mut target)?;
    println!(
        "Xong trong {:.1} s: số dòng {} bảng khớp, báo cáo toàn quốc {years} năm khớp từng chỉ tiêu và từng đơn vị / done: counts and reports agree",
        started.elapsed().as_secs_f64(),
        tables.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// The national report of every year from 2020 to this one, by children, on both
/// databases: they must be equal. The number of years compared.
fn compare_reports(a: &mut store::Db, b: &mut store::Db) -> anyhow::Result<usize> {
    let Some(central) = store::units::central_code(a)? else {
        return Ok(0);
    };
    let this_year = super::today_vn().year();
    let mut compared = 0;
    for year in 2020..=this_year {
        let req = reports::Request {
            unit: central.clone(),
            from: domain::Date::from_ymd(year, 1, 1)
                .ok_or_else(|| anyhow::anyhow!("year {year}"))?,
            to: domain::Date::from_ymd(year, 12, 31)
                .ok_or_else(|| anyhow::anyhow!("year {year}"))?,
            structure_date: None,
        };
        let (ra, rb) = (reports::run(a, &req, true), reports::run(b, &req, true));
        match (ra, rb) {
            (Ok(ra), Ok(rb)) => {
                anyhow::ensure!(
                    serde_json::to_value(&ra)? == serde_json::to_value(&rb)?,
                    "báo cáo năm {year} khác nhau / the {year} report differs"
                );
                compared += 1;
            }
            // The central unit may not exist on that year's last day: nothing to compare.
            (Err(_), Err(_)) => {}
            (ra, rb) => anyhow::bail!(
                "báo cáo năm {year} chỉ lập được trên một bên / only one side: {:?} / {:?}",
                ra.err().map(|e| e.to_string()),
                rb.err().map(|e| e.to_string())
            ),
        }
    }
    Ok(compared)
}
