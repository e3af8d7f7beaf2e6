//! Issue 27, item 1: a form's save at national scale, on the databases given with --db
//! (the national data set in SQLite and PostgreSQL). A commune clerk of the busiest
//! commune saves one support at a time to one of her households, exactly as the form
//! does: her rights computed for the request (`Access::new`), then one row through the
//! importer with them, in its own transaction, committed. The server's time per save
//! (the HTTP layer aside), median and 95th percentile, and each step's share of it.

use crate::micro::{percentile, record};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// The bench's clerk of `commune`, made once in the database.
fn clerk(db: &mut store::Db, commune: &str) -> anyhow::Result<store::accounts::User> {
    let name = format!("bench-clerk-{commune}");
    if store::accounts::by_username(db, &name)?.is_none() {
        let u = store::accounts::NewUser {
            username: &name,
            full_name: "Cán bộ xã (benchmark)",
            password_hash: "!",
            role: domain::access::Role::Clerk,
            unit_code: commune,
            must_change_password: false,
        };
        db.transaction(|tx| store::accounts::create(tx, &u, "system"))?;
    }
    Ok(store::accounts::by_username(db, &name)?
        .map(|(u, _)| u)
        .expect("just made"))
}

pub fn run(urls: &str, saves: usize, results: &Path) -> anyhow::Result<ExitCode> {
    let mut lines = vec![format!(
        "Machine: {}. Data: the national data set of `donghanh-bench gen --scale 0.1` (synthetic). A clerk of \
         the busiest commune saves {saves} supports one after another, each as the form saves it: her rights for \
         the request, one row through the importer, its own transaction committed (the HTTP layer aside). \
         Release build. Command: `donghanh-bench --db SQLITE,POSTGRES saves`.",
        crate::national::machine()
    )];
    let today = domain::Date::from_ymd(2027, 6, 15).expect("a day");
    for url in urls.split(',').filter(|u| !u.is_empty()) {
        let mut db = store::open(url)?;
        let name = db.backend().name();
        // The unit with the most households among those that exist on the day.
        let day = today.to_string();
        let commune: String = db
            .query_one(
                "SELECT h.unit_code FROM households h JOIN units u ON u.code = h.unit_code \
                 AND u.valid_from <= ? AND u.valid_to >= ? \
                 GROUP BY h.unit_code ORDER BY count(*) DESC, h.unit_code LIMIT 1",
                &[day.as_str().into(), day.as_str().into()],
            )?
            .get("unit_code")?;
        let user = clerk(&mut db, &commune)?;
        // Her households in turn: a household's recomputation reads its own records, so
        // saving every support to one would time a household that grows with each run.
        let households: Vec<String> = db
            .query(
                "SELECT household_code FROM households WHERE unit_code = ? ORDER BY household_code DESC LIMIT 500",
                &[commune.as_str().into()],
            )?
            .iter()
            .map(|r| r.get("household_code"))
            .collect::<Result<_, store::StoreError>>()?;
        anyhow::ensure!(!households.is_empty(), "no household in {commune}");
        let header: Vec<String> = [
            "record_id",
            "date",
            "unit_code",
            "support_type",
            "household_code",
            "quantity",
        ]
        .map(str::to_owned)
        .to_vec();
        let (mut total, mut rights, mut write) = (Vec::new(), Vec::new(), Vec::new());
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis();
        for i in 0..saves + 5 {
            let row = vec![
                format!("BENCH-{stamp}-{i}"),
                today.to_string(),
                commune.clone(),
                "gift".to_owned(),
                households[i % households.len()].clone(),
                "1".to_owned(),
            ];
            let t = Instant::now();
            let acc =
                std::sync::Arc::new(store::access::Access::new(&mut db, user.clone(), today)?);
            let after_rights = t.elapsed();
            let table = importer::source::Table::of_texts(
                "supports".into(),
                "biểu mẫu".into(),
                header.clone(),
                vec![row],
            );
            let opts = importer::Options {
                actor: user.actor(),
                access: Some(acc),
                create_only: true,
                ..importer::Options::default()
            };
            importer::import_tables(&mut db, vec![table], Vec::new(), &opts)
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let all = t.elapsed();
            // The first few warm the caches (the unit graph, prepared statements).
            if i >= 5 {
                total.push(all.as_secs_f64() * 1000.0);
                rights.push(after_rights.as_secs_f64() * 1000.0);
                write.push((all - after_rights).as_secs_f64() * 1000.0);
            }
        }
        let goal = if name == "sqlite" { 10 } else { 20 };
        let line = format!(
            "{name}: a single-row save (a support of commune {commune}): **{:.1} ms** median, {:.1} ms p95, {:.1} ms max \
             (goal ≤ {goal} ms); her rights {:.2} ms, the import {:.1} ms (medians of {saves})",
            percentile(total.clone(), 0.5),
            percentile(total.clone(), 0.95),
            percentile(total, 1.0),
            percentile(rights, 0.5),
            percentile(write, 0.5),
        );
        println!("{line}");
        lines.push(format!("- {line}"));
    }
    record(
        results,
        "Single saves at national scale (issue 27)",
        &lines.join("\n"),
    )?;
    Ok(ExitCode::SUCCESS)
}
