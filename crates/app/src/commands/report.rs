//! `donghanh report`: the contract's report in every format, and the records behind a
//! figure.

use super::{parse_date, print_out, Env};
use crate::cli::{LastingFormat, ReportArgs, ReportCommand, ReportFormat, ReportQuery};
use reports::render;
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

/// The report as the union prints it, issued today.
fn printed_document(
    db: &mut store::Db,
    report: &reports::Report,
) -> anyhow::Result<reports::document::Document> {
    let graph = store::units::load_graph(db)?;
    let issued = reports::document::Issued::of(&graph, report, super::today_vn());
    Ok(reports::document::Document::with_lasting(
        db, report, &issued,
    )?)
}

/// The narrative, and how the escapes before the period's end held (when any cohort has
/// been followed up).
fn text_with_lasting(db: &mut store::Db, report: &reports::Report) -> anyhow::Result<String> {
    let mut out = render::narrative(report);
    let lasting = reports::lasting::of_report(db, report)?;
    if let Some(s) = lasting.as_ref().and_then(reports::lasting::sentence) {
        out.push(' ');
        out.push_str(&s);
    }
    // The structure the figures are in: the period's end unless asked (the contract's
    // default), said so that last year's figures are not read as today's units'.
    let structure = domain::date::dmy_text(&report.structure_date);
    Ok(format!("{out}\nTheo cơ cấu đơn vị ngày {structure}.\n"))
}

pub fn run(env: &Env, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let mut db = env.open()?;
    match args.command {
        None => {
            let req = request(&args.query)?;
            // The printed forms have their table by child unit.
            let printed = matches!(args.format, ReportFormat::Html | ReportFormat::Pdf);
            let report = match reports::run(&mut db, &req, args.by_children || printed) {
                Ok(r) => r,
                Err(e) => return refuse(e),
            };
            let bytes: Vec<u8> = match args.format {
                ReportFormat::Json => (serde_json::to_string_pretty(&report)? + "\n").into_bytes(),
                ReportFormat::Csv if args.codes => render::csv(&report).into_bytes(),
                ReportFormat::Csv => render::csv_in(&report, render::Csv::Vietnamese).into_bytes(),
                ReportFormat::Html => {
                    reports::document::print_html(&printed_document(&mut db, &report)?).into_bytes()
                }
                ReportFormat::Pdf => reports::pdf::render(&printed_document(&mut db, &report)?),
                ReportFormat::Text => text_with_lasting(&mut db, &report)?.into_bytes(),
                ReportFormat::Xlsx => render::xlsx(&report)?,
            };
            match (&args.out, args.format) {
                (Some(path), _) => {
                    std::fs::write(path, &bytes)?;
                    eprintln!("Đã ghi báo cáo / report written: {}", path.display());
                }
                (None, ReportFormat::Xlsx | ReportFormat::Pdf) => {
                    anyhow::bail!("XLSX, PDF cần --out TỆP / XLSX, PDF need --out FILE")
                }
                (None, _) => print_out(&String::from_utf8_lossy(&bytes)),
            }
        }
        Some(ReportCommand::Explain { indicator, query }) => {
            let req = request(&query)?;
            let computed = match reports::compute(&mut db, &req, Some(&indicator)) {
                Ok(c) => c,
                Err(e) => return refuse(e),
            };
            let report = computed.report(false);
            let shown = report
                .get(&indicator)
                .map(|i| i.value.to_string())
                .unwrap_or_default();
            let label = report.get(&indicator).map(|i| i.label).unwrap_or_default();
            let evidence = computed.evidence();
            let mut out = format!(
                "{label} ({indicator}) = {shown}; {} bản ghi / records:\n",
                evidence.len()
            );
            for e in evidence {
                out.push_str(&format!(
                    "  {}\t{}\t{}\t{}\n",
                    e.unit_code, e.source, e.record, e.amount
                ));
            }
            print_out(&out);
        }
        Some(ReportCommand::Lasting {
            unit,
            as_of,
            structure_date,
            format,
            figure,
            out,
        }) => {
            let as_of = parse_date(&as_of)?;
            let structure = structure_date.as_deref().map(parse_date).transpose()?;
            let lasting = match reports::lasting::compute(&mut db, &unit, as_of, structure) {
                Ok(l) => l,
                Err(e) => return refuse(e),
            };
            let bytes = if let Some(figure) = figure {
                let Some(households) = lasting.behind.get(&figure) else {
                    eprintln!(
                        "Không có con số “{figure}” / no such figure; có / there are: {}",
                        lasting
                            .behind
                            .keys()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    return Ok(ExitCode::from(3));
                };
                format!(
                    "{figure} = {}\n{}\n",
                    households.len(),
                    households.join("\n")
                )
                .into_bytes()
            } else {
                match format {
                    LastingFormat::Json => {
                        (serde_json::to_string_pretty(&lasting)? + "\n").into_bytes()
                    }
                    LastingFormat::Text => reports::lasting::text(&lasting).into_bytes(),
                    LastingFormat::Xlsx => reports::lasting::xlsx(&lasting)?,
                }
            };
            match out {
                Some(path) => {
                    std::fs::write(&path, &bytes)?;
                    eprintln!("Đã ghi báo cáo / report written: {}", path.display());
                }
                None if format == LastingFormat::Xlsx => {
                    anyhow::bail!("XLSX cần --out TỆP / XLSX needs --out FILE")
                }
                None => print_out(&String::from_utf8_lossy(&bytes)),
            }
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
