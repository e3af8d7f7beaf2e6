//! `donghanh report`: the contract's report, and the records behind a figure.

use super::{parse_date, print_out, Env};
use crate::cli::{ReportArgs, ReportCommand, ReportFormat, ReportQuery};
use std::process::ExitCode;

fn request(q: &ReportQuery) -> anyhow::Result<reports::Request> {
    let need = |v: &Option<String>, name: &str| {
        v.clone()
            .ok_or_else(|| anyhow::anyhow!("thiếu --{name} / missing --{name}"))
    };
    Ok(reports::Request {
        unit: need(&q.unit, "unit")?,
        from: parse_date(&need(&q.from, "from")?)?,
        to: parse_date(&need(&q.to, "to")?)?,
        structure_date: q.structure_date.as_deref().map(parse_date).transpose()?,
    })
}

pub fn run(env: &Env, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let mut db = env.open()?;
    match args.command {
        None => {
            let req = request(&args.query)?;
            let report = match reports::run(&mut db, &req) {
                Ok(r) => r,
                Err(e) => return refuse(e),
            };
            match args.format {
                ReportFormat::Json => print_out(&(serde_json::to_string_pretty(&report)? + "\n")),
                ReportFormat::Text => {
                    let mut out = format!(
                        "Báo cáo {} {} — từ {} đến {} (cơ cấu ngày {})\n",
                        report.unit.code,
                        report.unit.name,
                        req.from.dmy(),
                        req.to.dmy(),
                        report.structure_date
                    );
                    for i in &report.indicators {
                        out.push_str(&format!("  {}: {}\n", i.label, i.value));
                    }
                    print_out(&out);
                }
            }
        }
        Some(ReportCommand::Explain { indicator, query }) => {
            let req = request(&query)?;
            if domain::indicators::find(&indicator).is_none() {
                return refuse(reports::ReportError::UnknownIndicator(indicator));
            }
            let computed = match reports::compute(&mut db, &req) {
                Ok(c) => c,
                Err(e) => return refuse(e),
            };
            let records = computed.records(&indicator).cloned().unwrap_or_default();
            let def = domain::indicators::find(&indicator).expect("checked above");
            let mut out = format!(
                "{} ({}): {} hộ / households\n",
                def.label_vi,
                def.code,
                records.len()
            );
            for code in records {
                let name = store::households::get(&mut db, &code)?
                    .map(|h| h.head_name)
                    .unwrap_or_default();
                out.push_str(&format!("  {code}  {name}\n"));
            }
            print_out(&out);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn refuse(e: reports::ReportError) -> anyhow::Result<ExitCode> {
    match e {
        reports::ReportError::Store(e) => Err(e.into()),
        other => {
            eprintln!("{other}");
            Ok(ExitCode::from(3))
        }
    }
}
