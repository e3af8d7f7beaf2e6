//! `donghanh standard`: the poverty standards as data.

use super::{cli_actor, parse_date, print_out, Env};
use crate::cli::StandardCommand;
use domain::poverty::{national, standard_for, vnd, Indicator, Standard};
use domain::units::Level;
use serde::Deserialize;
use std::process::ExitCode;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StandardFile {
    code: String,
    name: String,
    unit_code: Option<String>,
    valid_from: String,
    valid_to: String,
    poverty_line_rural: i64,
    poverty_line_urban: i64,
    average_line_rural: Option<i64>,
    average_line_urban: Option<i64>,
    poor_min_deprivations: Option<u32>,
    indicators: Option<Vec<IndicatorFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorFile {
    code: String,
    service: String,
    label_vi: String,
}

pub fn run(env: &Env, cmd: StandardCommand) -> anyhow::Result<ExitCode> {
    let mut db = env.open()?;
    match cmd {
        StandardCommand::List => {
            let mut out = String::new();
            for s in store::standards::load_all(&mut db)? {
                let avg = |a: Option<i64>| a.map_or("chưa công bố".to_owned(), vnd);
                out.push_str(&format!(
                    "{} — {}\n  hiệu lực {} – {}{}\n  chuẩn nghèo: nông thôn {} / thành thị {} đồng/người/tháng; mức sống trung bình đến: {} / {}\n  hộ nghèo khi thiếu hụt ≥ {} chỉ số; {} chỉ số: {}\n",
                    s.code,
                    s.name,
                    s.valid_from.dmy(),
                    s.valid_to.dmy(),
                    s.unit_code.as_deref().map(|u| format!(", riêng đơn vị {u}")).unwrap_or_default(),
                    vnd(s.poverty_line_rural),
                    vnd(s.poverty_line_urban),
                    avg(s.average_line_rural),
                    avg(s.average_line_urban),
                    s.poor_min_deprivations,
                    s.indicators.len(),
                    s.indicators.iter().map(|i| i.code.as_str()).collect::<Vec<_>>().join(", ")
                ));
            }
            print_out(&out);
            Ok(ExitCode::SUCCESS)
        }
        StandardCommand::Add { file } => {
            let text = std::fs::read_to_string(&file)?;
            let f: StandardFile = toml::from_str(&text)
                .map_err(|e| anyhow::anyhow!("tệp chuẩn nghèo sai / invalid standard file: {e}"))?;
            let s = to_standard(f)?;
            let existing = store::standards::load_all(&mut db)?;
            if let Some(unit) = &s.unit_code {
                let graph = store::units::load_graph(&mut db)?;
                let ok = graph
                    .version_on(unit, s.valid_from)
                    .is_some_and(|ix| graph.version(ix).level == Level::Province);
                anyhow::ensure!(
                    ok,
                    "không có tỉnh mã {unit} vào ngày {} / no province {unit} on that day",
                    s.valid_from.dmy()
                );
                let nationals: Vec<Standard> = existing
                    .iter()
                    .filter(|e| e.unit_code.is_none())
                    .cloned()
                    .collect();
                if let Some(n) = standard_for(&nationals, s.valid_from, None) {
                    anyhow::ensure!(
                        s.poverty_line_rural >= n.poverty_line_rural && s.poverty_line_urban >= n.poverty_line_urban,
                        "chuẩn của tỉnh không được thấp hơn chuẩn quốc gia {} ({} / {}) / a province standard may not be below the national one",
                        n.code,
                        vnd(n.poverty_line_rural),
                        vnd(n.poverty_line_urban)
                    );
                }
            }
            if existing
                .iter()
                .any(|e| e.code == s.code && e.unit_code.is_none() && s.unit_code.is_some())
            {
                anyhow::bail!(
                    "mã {} là chuẩn quốc gia / {} is a national standard's code",
                    s.code,
                    s.code
                );
            }
            db.transaction(|tx| store::standards::save(tx, &s, &cli_actor()))?;
            println!("Đã lưu chuẩn {} / standard saved", s.code);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn to_standard(f: StandardFile) -> anyhow::Result<Standard> {
    let from = parse_date(&f.valid_from)?;
    let to = parse_date(&f.valid_to)?;
    anyhow::ensure!(
        from <= to,
        "valid_to trước valid_from / valid_to is before valid_from"
    );
    anyhow::ensure!(
        f.poverty_line_rural > 0 && f.poverty_line_urban > 0,
        "chuẩn nghèo phải dương / lines must be positive"
    );
    let indicators = match f.indicators {
        Some(list) => list
            .into_iter()
            .map(|i| Indicator {
                code: i.code,
                service: i.service,
                label_vi: i.label_vi,
            })
            .collect(),
        // By default a province keeps the national indicator list of its period.
        None => standard_for(&national::all(), from, None)
            .map(|n| n.indicators.clone())
            .unwrap_or_default(),
    };
    anyhow::ensure!(
        !indicators.is_empty(),
        "chuẩn cần danh sách chỉ số thiếu hụt / the standard needs indicators"
    );
    Ok(Standard {
        code: f.code,
        name: f.name,
        unit_code: f.unit_code,
        valid_from: from,
        valid_to: to,
        poverty_line_rural: f.poverty_line_rural,
        poverty_line_urban: f.poverty_line_urban,
        average_line_rural: f.average_line_rural,
        average_line_urban: f.average_line_urban,
        poor_min_deprivations: f.poor_min_deprivations.unwrap_or(3),
        indicators,
    })
}
