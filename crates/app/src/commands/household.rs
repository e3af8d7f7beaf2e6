//! `donghanh household`: one household in full, search, likely duplicates, edits.

use super::{cli_actor, parse_date, print_out, today_vn, Env};
use crate::cli::HouseholdCommand;
use domain::poverty::{classify, national::service_label_vi, standard_for};
use domain::status::{effective_history, events, newly_escaped_on, sustained, EventKind};
use std::fmt::Write as _;
use std::process::ExitCode;

pub fn run(env: &Env, cmd: HouseholdCommand) -> anyhow::Result<ExitCode> {
    let mut db = env.open()?;
    match cmd {
        HouseholdCommand::Show { code, full } => show(&mut db, &code, full),
        HouseholdCommand::Search { query, limit } => search(&mut db, &query, limit),
        HouseholdCommand::Duplicates { unit, date } => {
            let date = date
                .as_deref()
                .map(parse_date)
                .transpose()?
                .unwrap_or_else(today_vn);
            let graph = store::units::load_graph(&mut db)?;
            let root = match unit {
                Some(u) => u,
                None => graph
                    .structure_on(date)
                    .roots
                    .first()
                    .map(|&r| graph.version(r).code.clone())
                    .ok_or_else(|| anyhow::anyhow!("chưa có đơn vị nào / no units yet"))?,
            };
            let scope = reports::scope::Scope::new(std::sync::Arc::new(graph), &root, date)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let found = reports::duplicates::find(&mut db, &scope)?;
            let mut out = format!(
                "{} trường hợp nghi trùng / likely duplicates\n",
                found.len()
            );
            for f in found {
                let _ = writeln!(out, "  {}", f.describe_vi());
            }
            print_out(&out);
            Ok(ExitCode::SUCCESS)
        }
        HouseholdCommand::Set { code, changes } => set(&mut db, &code, &changes),
    }
}

fn show(db: &mut store::Db, code: &str, full: bool) -> anyhow::Result<ExitCode> {
    let Some(h) = store::households::get(db, code)? else {
        eprintln!("Không có hộ mã {code} / no household {code}");
        return Ok(ExitCode::from(3));
    };
    let graph = store::units::load_graph(db)?;
    let standards = store::standards::load_all(db)?;
    let today = today_vn();
    let mut out = String::new();
    let area = h.area;
    let _ = writeln!(
        out,
        "Hộ {} — chủ hộ {} ({}), {} nhân khẩu, {}{}",
        h.code,
        h.head_name,
        h.head_gender.label_vi(),
        h.size,
        area.label_vi(),
        if h.ethnic_minority {
            ", dân tộc thiểu số"
        } else {
            ""
        }
    );
    let unit_line = graph.find_id(h.unit_id).map(|ix| {
        let v = graph.version(ix);
        let now = graph.resolve(ix, today).filter(|&n| n != ix).map(|n| {
            let nv = graph.version(n);
            format!(" (nay thuộc {} {})", nv.code, nv.name)
        });
        format!("{} {}{}", v.code, v.name, now.unwrap_or_default())
    });
    let _ = writeln!(
        out,
        "Đơn vị: {}; đăng ký {}",
        unit_line.unwrap_or_else(|| h.unit_code.clone()),
        h.registered_on.dmy()
    );
    let members = store::households::members_of(db, code)?;
    let _ = writeln!(out, "Thành viên ({}):", members.len());
    // Whole with --full, masked otherwise.
    let shown = |v: &str| {
        if full {
            v.to_owned()
        } else {
            domain::ids::masked(v)
        }
    };
    for m in &members {
        let id = m
            .citizen_id
            .as_deref()
            .map(|c| format!(", CCCD {}", shown(c)));
        let phone = m.phone.as_deref().map(|p| format!(", ĐT {}", shown(p)));
        let _ = writeln!(
            out,
            "  {}. {} ({}{}){}{}{}",
            m.member_no,
            m.full_name,
            m.gender.label_vi(),
            m.birth_year
                .map(|y| format!(", sinh {y}"))
                .unwrap_or_default(),
            if m.union_member == Some(true) {
                ", hội viên"
            } else {
                ""
            },
            id.unwrap_or_default(),
            phone.unwrap_or_default()
        );
    }
    if full {
        store::audit::record_sensitive_view(
            db,
            &cli_actor(),
            code,
            store::disclosure::Surface::CommandLine,
        )?;
    }
    let assessments = store::households::assessments_of(db, code)?;
    write_assessments(&mut out, &h, &assessments, &graph, &standards);
    write_history(&mut out, &assessments, today);
    let assignments = store::households::assignments_of(db, code)?;
    let _ = writeln!(out, "Phân công giúp đỡ:");
    for (unit, year, on) in assignments {
        let _ = writeln!(out, "  năm {year}: {unit} (từ {})", on.dmy());
    }
    print_out(&out);
    Ok(ExitCode::SUCCESS)
}

/// Each assessment with the standard it was classified by and why.
fn write_assessments(
    out: &mut String,
    h: &store::households::Household,
    assessments: &[store::households::StoredAssessment],
    graph: &domain::units::UnitGraph,
    standards: &[domain::poverty::Standard],
) {
    let _ = writeln!(out, "Rà soát, đánh giá:");
    for a in assessments {
        let province = graph
            .find_id(h.unit_id)
            .and_then(|ix| {
                graph.ancestor_at_level(ix, a.assessed.assessed_on, domain::units::Level::Province)
            })
            .map(|p| graph.version(p).code.clone());
        let std = a
            .standard_code
            .as_deref()
            .and_then(|c| standards.iter().find(|s| s.code == c))
            .or_else(|| standard_for(standards, a.assessed.assessed_on, province.as_deref()));
        let why = match (a.income, std) {
            (Some(income), Some(s)) => match classify(s, income, &a.deprivations, h.area) {
                Ok(c) => {
                    let deprived: Vec<String> = c
                        .deprived
                        .iter()
                        .map(|(svc, codes)| {
                            format!("{}: {}", service_label_vi(svc), codes.join(", "))
                        })
                        .collect();
                    let mut w = format!("theo {}: {}", s.code, c.reason_vi);
                    if !deprived.is_empty() {
                        w.push_str(&format!("; thiếu hụt — {}", deprived.join("; ")));
                    }
                    if a.status_given && c.class != a.assessed.status {
                        w.push_str(&format!(
                            "; kết quả ghi nhận là {} (giữ theo quyết định)",
                            a.assessed.status.label_vi()
                        ));
                    }
                    w
                }
                Err(_) => "không tính lại được theo chuẩn hiện có".into(),
            },
            _ => "kết quả do người đánh giá ghi, không có thu nhập để tính".into(),
        };
        let _ = writeln!(
            out,
            "  {} ({}, {}): {} — {}",
            a.assessed.year,
            a.assessed.kind.label_vi(),
            a.assessed.assessed_on.dmy(),
            a.assessed.status.label_vi(),
            why
        );
    }
}

/// The household's status history: its baseline, each event and whether an escape held.
fn write_history(
    out: &mut String,
    assessments: &[store::households::StoredAssessment],
    today: domain::Date,
) {
    let records: Vec<_> = assessments.iter().map(|a| a.assessed.clone()).collect();
    let history = effective_history(&records, domain::Date::MAX);
    let evs = events(&history);
    let _ = writeln!(out, "Diễn biến (theo kết quả có hiệu lực mỗi năm):");
    if let Some(first) = history.first() {
        let _ = writeln!(
            out,
            "  {} năm {}: mốc ban đầu — {}",
            first.assessed_on.dmy(),
            first.year,
            first.status.label_vi()
        );
    }
    for e in &evs {
        let mut line = format!(
            "  {} năm {}: {} ({} → {})",
            e.date.dmy(),
            e.year,
            e.kind.label_vi(),
            e.from.label_vi(),
            e.to.label_vi()
        );
        if e.kind == EventKind::Escaped {
            let s = sustained(&history, e);
            let said = |v: Option<bool>| match v {
                Some(true) => "vẫn thoát",
                Some(false) => "không giữ được",
                None => "chưa có đánh giá",
            };
            line.push_str(&format!(
                "; sau 1 năm: {}; sau 2 năm: {}",
                said(s.one_year),
                said(s.two_years)
            ));
        }
        let _ = writeln!(out, "{line}");
    }
    if newly_escaped_on(&evs, today) {
        let _ = writeln!(
            out,
            "  Hiện là hộ mới thoát nghèo (trong 36 tháng sau khi thoát)."
        );
    }
}

fn search(db: &mut store::Db, query: &str, limit: i64) -> anyhow::Result<ExitCode> {
    let wanted = store::households::Wanted::from_query(query);
    let hits = store::households::search(db, &wanted, limit)?;
    let mut out = format!("{} kết quả / hits\n", hits.len());
    for h in hits {
        let who = h
            .member
            .map(|(no, name)| format!(" — thành viên {no}: {name}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {} ({}){who}",
            h.household.code, h.household.head_name, h.household.unit_code
        );
    }
    print_out(&out);
    Ok(ExitCode::SUCCESS)
}

/// Edits go through the importer: the same checks as a file, and the same audit.
fn set(db: &mut store::Db, code: &str, changes: &[String]) -> anyhow::Result<ExitCode> {
    let Some(h) = store::households::get(db, code)? else {
        eprintln!("Không có hộ mã {code} / no household {code}");
        return Ok(ExitCode::from(3));
    };
    let mut fields: Vec<(String, String)> = vec![
        ("household_code".into(), h.code.clone()),
        ("unit_code".into(), h.unit_code.clone()),
        ("registered_on".into(), h.registered_on.to_string()),
        ("head_name".into(), h.head_name.clone()),
        ("head_gender".into(), h.head_gender.as_str().to_owned()),
        ("area".into(), h.area.as_str().to_owned()),
        (
            "ethnic_minority".into(),
            if h.ethnic_minority { "1" } else { "0" }.into(),
        ),
        ("size".into(), h.size.to_string()),
    ];
    for c in changes {
        let (k, v) = c
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("viết dạng cột=giá trị / write column=value: {c}"))?;
        anyhow::ensure!(
            k != "household_code",
            "không đổi được mã hộ / the household code cannot change"
        );
        match fields.iter_mut().find(|(name, _)| name == k) {
            Some(f) => f.1 = v.to_owned(),
            None => anyhow::bail!("không có cột {k} / no column {k}"),
        }
    }
    let table = importer::source::Table {
        kind: "households".into(),
        source: "household set".into(),
        header: fields.iter().map(|(k, _)| k.clone()).collect(),
        rows: vec![importer::source::RawRow {
            line: 2,
            cells: fields
                .iter()
                .map(|(_, v)| importer::source::Cell::text(v.clone()))
                .collect(),
        }],
    };
    let opts = importer::Options {
        actor: cli_actor(),
        ..importer::Options::default()
    };
    match importer::import_tables(db, vec![table], Vec::new(), &opts) {
        Ok(s) => {
            println!(
                "Đã cập nhật hộ {code}: {} thay đổi / changes",
                s.total().updated
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(importer::ImportError::Rejected(r)) => {
            eprint!("{}", r.render(20));
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}
