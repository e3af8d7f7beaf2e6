//! `donghanh units …`: load Vietnam's units, show the tree on a date, a unit's history.

use super::{cli_actor, parse_date, today_vn, Env};
use crate::cli::{Format, UnitsCommand};
use domain::units::{Fate, Level, Structure, UnitGraph, VersionIx, Via};
use domain::Date;
use std::process::ExitCode;
use std::time::Instant;

pub fn run(env: &Env, cmd: UnitsCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UnitsCommand::LoadVn { data, unmatched } => load_vn(env, data.as_deref(), &unmatched),
        UnitsCommand::Tree {
            root,
            date,
            format,
            depth,
        } => {
            let date = date
                .as_deref()
                .map(parse_date)
                .transpose()?
                .unwrap_or_else(today_vn);
            tree(env, root.as_deref(), date, format, depth)
        }
        UnitsCommand::History { code } => history(env, &code),
        UnitsCommand::Review {
            confirm,
            link,
            share,
            resolves,
            show,
        } => super::lineage_review::run(
            env,
            &super::lineage_review::Ask {
                confirm,
                link,
                share,
                resolves,
                show,
            },
        ),
    }
}

fn load_vn(
    env: &Env,
    data: Option<&std::path::Path>,
    unmatched_path: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let sources = match data {
        Some(dir) => importer::vn::Sources::from_dir(dir)?,
        None => importer::vn::Sources::embedded(),
    };
    let mut plan = importer::vn::plan(&sources)
        .map_err(|e| anyhow::anyhow!("dữ liệu tham chiếu sai / bad reference data: {e}"))?;
    let mut db = env.open()?;
    // A person's decisions on earlier runs' lineage stand.
    let decisions = store::lineage_review::decisions(&mut db)?;
    importer::vn::review::adjust(&mut plan, &decisions);
    let opts = importer::Options {
        actor: cli_actor(),
        dry_run: false,
        progress: true,
        ..Default::default()
    };
    let summary = match importer::import_tables(&mut db, plan.tables.clone(), Vec::new(), &opts) {
        Ok(s) => s,
        Err(importer::ImportError::Rejected(r)) => {
            eprint!("{}", r.render(30));
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    plan.write_unmatched(unmatched_path)?;
    // The names left for a person, kept for the review page; her decisions so far are
    // applied again over the lineage this run wrote.
    importer::vn::review::keep_questions(&mut db, &plan)?;
    let reapplied = importer::vn::review::reapply(&mut db)?;
    let (open_questions, open_guesses) = store::lineage_review::remaining(&mut db)?;
    let pct = |n: usize| 100.0 * n as f64 / plan.new_communes.max(1) as f64;
    let t = summary.total();
    println!(
        "Đã nạp đơn vị hành chính Việt Nam / Vietnam's units loaded ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    println!(
        "  phiên bản đơn vị / unit versions: +{} ~{} ={}",
        t.inserted, t.updated, t.unchanged
    );
    println!("  dòng kế thừa / lineage rows: {}", plan.lineage_rows);
    println!(
        "  {} xã/phường mới / new communes: khớp đủ tiền thân / all predecessors matched {} ({:.1}%), khớp một phần / some {} ({:.1}%), không khớp / none {} ({:.1}%)",
        plan.new_communes,
        plan.all_matched,
        pct(plan.all_matched),
        plan.some_matched,
        pct(plan.some_matched),
        plan.none_matched,
        pct(plan.none_matched)
    );
    println!(
        "  xã/phường cũ không ghi chú nào nêu tên / old communes no note names: {} gắn theo xã lân cận (cần xác nhận) / linked by neighbour (to confirm), {} không có đơn vị kế thừa (tính về tỉnh mới) / with no successor (counted at the new province)",
        plan.inferred, plan.old_without_successor
    );
    println!(
        "  {} tên chưa khớp, cần người xem xét / names left for a person to decide: {}",
        plan.unmatched.len(),
        unmatched_path.display()
    );
    println!(
        "  xem xét / review: {reapplied} quyết định đã có được áp dụng lại / decisions applied again; còn {open_questions} tên và {open_guesses} liên kết đoán / {open_questions} names and {open_guesses} guesses left (`donghanh units review`, trang /lineage)"
    );
    Ok(ExitCode::SUCCESS)
}

fn tree(
    env: &Env,
    root: Option<&str>,
    date: Date,
    format: Format,
    depth: Option<usize>,
) -> anyhow::Result<ExitCode> {
    let mut db = env.open()?;
    let graph = store::units::load_graph(&mut db)?;
    let s = graph.structure_on(date);
    let roots: Vec<VersionIx> = match root {
        None => s.roots.clone(),
        Some(code) => match graph.fate(code, date) {
            Fate::Exists(ix) => vec![ix],
            other => {
                eprintln!("{}", fate_message(&graph, code, date, other));
                return Ok(ExitCode::from(3));
            }
        },
    };
    match format {
        Format::Json => {
            let nodes: Vec<serde_json::Value> = roots.iter().map(|&r| json_node(&s, r)).collect();
            let out = if root.is_some() {
                nodes.into_iter().next().unwrap_or_default()
            } else {
                serde_json::Value::Array(nodes)
            };
            super::print_out(&(serde_json::to_string_pretty(&out)? + "\n"));
        }
        Format::Text => {
            let mut out = String::new();
            out.push_str(&format!(
                "Cơ cấu đơn vị ngày {} / unit tree on {date}\n",
                date.dmy()
            ));
            for &r in &roots {
                let counts = s.count_by_level(r);
                let mut parts = Vec::new();
                for l in [
                    Level::Province,
                    Level::District,
                    Level::Commune,
                    Level::Branch,
                ] {
                    if let Some(n) = counts.get(&l).filter(|_| l != graph.version(r).level) {
                        parts.push(format!("{n} {}", level_plural(l)));
                    }
                }
                out.push_str(&format!(
                    "{} {}: {}\n",
                    graph.version(r).code,
                    graph.version(r).name,
                    parts.join(", ")
                ));
                write_text(&mut out, &s, r, 0, depth.unwrap_or(usize::MAX));
            }
            super::print_out(&out);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn level_plural(l: Level) -> &'static str {
    match l {
        Level::Central => "trung ương",
        Level::Province => "tỉnh/thành phố",
        Level::District => "huyện/quận/thị xã",
        Level::Commune => "xã/phường/thị trấn",
        Level::Branch => "chi hội",
    }
}

fn write_text(out: &mut String, s: &Structure<'_>, ix: VersionIx, indent: usize, depth: usize) {
    let v = s.graph.version(ix);
    out.push_str(&format!(
        "{}{} {} ({})\n",
        "  ".repeat(indent),
        v.code,
        v.name,
        v.level.as_str()
    ));
    if indent < depth {
        for &c in s.children(ix) {
            write_text(out, s, c, indent + 1, depth);
        }
    }
}

fn json_node(s: &Structure<'_>, ix: VersionIx) -> serde_json::Value {
    let v = s.graph.version(ix);
    serde_json::json!({
        "code": v.code,
        "name": v.name,
        "level": v.level.as_str(),
        "children": s.children(ix).iter().map(|&c| json_node(s, c)).collect::<Vec<_>>(),
    })
}

/// Why a code is not in the tree on `date`, in words an officer understands.
pub fn fate_message(graph: &UnitGraph, code: &str, date: Date, fate: Fate) -> String {
    match fate {
        Fate::Exists(ix) => format!(
            "{} {} tồn tại ngày {}",
            code,
            graph.version(ix).name,
            date.dmy()
        ),
        Fate::Unknown => format!(
            "Không có đơn vị mã {code} vào ngày {} / no unit {code} on {date}",
            date.dmy()
        ),
        Fate::EndedInto { ended, on, into } => {
            let (e, i) = (graph.version(ended), graph.version(into));
            format!(
                "Đơn vị {code} ({}) không còn tồn tại ngày {}: từ {} đã sáp nhập vào {} ({}). / Unit {code} ({}) does not exist on {date}: on {on} it merged into {} ({}).",
                e.name, date.dmy(), on.dmy(), i.code, i.name, e.name, i.code, i.name
            )
        }
        Fate::Unmapped { ended } => {
            let e = graph.version(ended);
            format!(
                "Đơn vị {code} ({}) kết thúc ngày {} và không có đơn vị kế thừa / ended on {} with no successor",
                e.name,
                e.valid_to.dmy(),
                e.valid_to
            )
        }
    }
}

fn history(env: &Env, code: &str) -> anyhow::Result<ExitCode> {
    let mut db = env.open()?;
    let graph = store::units::load_graph(&mut db)?;
    let versions = graph.versions_of(code);
    if versions.is_empty() {
        eprintln!("Không có đơn vị mã {code} / no unit {code}");
        return Ok(ExitCode::from(3));
    }
    let span = |d: Date, open: &str| {
        if d.is_open_start() || d.is_open_end() {
            open.to_owned()
        } else {
            d.dmy()
        }
    };
    for &ix in versions {
        let v = graph.version(ix);
        println!(
            "{} {} ({}), {} – {}, thuộc / under {}",
            v.code,
            v.name,
            v.level.as_str(),
            span(v.valid_from, "…"),
            span(v.valid_to, "nay"),
            v.parent_code.as_deref().unwrap_or("-")
        );
        for p in graph.predecessors(ix) {
            let pv = graph.version(p.ix);
            if p.via == Via::Lineage {
                println!(
                    "  ← từ {} nhận {} {} (tỷ lệ {})",
                    p.effective.dmy(),
                    pv.code,
                    pv.name,
                    p.share
                );
            }
        }
        for s in graph.successors(ix) {
            let sv = graph.version(s.ix);
            let how = if s.via == Via::Continuation {
                "tiếp tục là"
            } else {
                "chuyển vào"
            };
            println!(
                "  → từ {} {how} {} {} (tỷ lệ {:.2})",
                v.valid_to.succ().dmy(),
                sv.code,
                sv.name,
                s.share
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
