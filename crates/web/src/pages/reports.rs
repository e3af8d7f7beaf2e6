//! Reports in the browser: any unit (within one's own), period and structure date; the
//! narrative; downloads; drill-down from every figure to its records.

use crate::auth::Authed;
use crate::error::{AppError, Page, Reply};
use crate::sheet::{Cell, Sheet};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse};
use domain::indicators::Indicator;
use domain::review::ReviewState;
use domain::Date;
use maud::html;
use reports::render;
use serde::Deserialize;
use std::sync::Arc;

/// What a report page is asked: the unit, the period, the structure date, and how.
#[derive(Deserialize, Clone, Default)]
pub struct Asked {
    unit: Option<String>,
    from: Option<String>,
    to: Option<String>,
    s: Option<String>,
    pub(crate) format: Option<String>,
    pub(crate) indicator: Option<String>,
    #[serde(default)]
    by_children: Option<String>,
    /// Only the figures of units whose period is approved.
    #[serde(default)]
    approved: Option<String>,
    /// `1`: a CSV with the contract's codes as headers, for programs.
    #[serde(default)]
    codes: Option<String>,
    /// The page of a drill-down (from 0).
    #[serde(default)]
    page: Option<usize>,
}

impl Asked {
    /// A report's unit, period and structure date as a query gives them (as text, read
    /// by [`request`]).
    pub(crate) fn of(
        unit: Option<String>,
        from: Option<String>,
        to: Option<String>,
        s: Option<String>,
    ) -> Asked {
        Asked {
            unit,
            from,
            to,
            s,
            ..Asked::default()
        }
    }

    /// The report it asks for: by child units or not, approved figures only or all.
    fn compute(
        &self,
        st: &AppState,
        db: &mut store::Db,
        acc: &store::access::Access,
        req: &reports::Request,
    ) -> Result<reports::Report, AppError> {
        let by_children = self.by_children.is_some();
        Ok(if self.approved.is_some() {
            reports::run_approved(db, req, by_children)?
        } else {
            reports::run_keeping(db, req, by_children, &st.household_figures(acc))?
        })
    }
}

/// A date of the query: `None` when left empty; a date that cannot be read (2023-02-30)
/// is refused with the name of its field, never replaced by another.
pub(crate) fn parse(s: &Option<String>, field: &str) -> Result<Option<Date>, AppError> {
    match s.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Date::parse(v).map(Some).map_err(|_| {
            AppError::BadRequest(format!(
                "Ô “{field}”: ngày “{v}” không có thật hoặc không đọc được (ghi DD/MM/YYYY hoặc YYYY-MM-DD)."
            ))
        }),
    }
}

/// Reports computed while the data stood still (see `crate::cache`), keyed by the
/// request, whether it is by children and whether it holds approved figures only.
/// Access is checked before the cache is asked.
pub type Cache = crate::cache::GenerationCache<(reports::Request, bool, bool), Figures>;

/// Reports of a unit and period alone (every record, no child units), keyed by the
/// request: the page's report when asked so, and the reports the forecast of a year's
/// end compares (this year so far, the same days and the whole of the years before).
pub type PlainCache = crate::cache::GenerationCache<reports::Request, Arc<reports::Report>>;

/// The report of `req` alone, kept or computed: kept while the records of its period's
/// year stand, for a period that ended in one of the years before this one
/// (`crate::cache::generations_of_period`). Access is checked before: `req` is of a
/// unit `acc` may read.
pub(crate) fn plain(
    st: &AppState,
    db: &mut store::Db,
    acc: &store::access::Access,
    req: &reports::Request,
) -> Result<Arc<reports::Report>, AppError> {
    let structure = req.structure_date.unwrap_or(req.to);
    let generations = crate::cache::generations_of_period(db, acc, &req.unit, structure, req.to)?;
    st.plain_reports
        .get_or_compute(req, generations, || -> Result<_, AppError> {
            Ok(Arc::new(reports::run_keeping(
                db,
                req,
                false,
                &st.household_figures(acc),
            )?))
        })
}

/// A report and the households whose chapter assessment its commune did not confirm,
/// kept together: both change only with the data.
#[derive(Clone)]
pub struct Figures {
    report: Arc<reports::Report>,
    differences: Arc<Vec<reports::reconcile::Difference>>,
}

/// The structure a report is shown in when the query names none.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum DefaultStructure {
    /// The period's end: the contract's deterministic default (the API, the CLI).
    PeriodEnd,
    /// Today's units, for a unit that exists today (the pages): last year's figures in
    /// this year's units. A unit that no longer exists is shown as it stood.
    Today,
}

/// The request a query stands for, checked against what the user may read, in the
/// contract's default structure (the period's end).
pub(crate) fn request(
    acc: &store::access::Access,
    q: &Asked,
) -> Result<reports::Request, AppError> {
    request_in(acc, q, DefaultStructure::PeriodEnd)
}

/// The same, with the structure `default` when the query names none.
pub(crate) fn request_in(
    acc: &store::access::Access,
    q: &Asked,
    default: DefaultStructure,
) -> Result<reports::Request, AppError> {
    let today = crate::today();
    let to = parse(&q.to, "Đến ngày")?.unwrap_or(today);
    let from =
        parse(&q.from, "Từ ngày")?.unwrap_or_else(|| Date::from_ymd(to.year(), 1, 1).unwrap_or(to));
    let asked = parse(&q.s, "Cơ cấu đơn vị theo ngày")?;
    // A unit picked from the suggestions reads "code — name".
    let unit = q
        .unit
        .as_deref()
        .map(importer::template::unit_code_of)
        .filter(|u| !u.is_empty())
        .map_or_else(|| acc.root_code(), str::to_owned);
    let exists_today = matches!(acc.graph.fate(&unit, today), domain::units::Fate::Exists(_));
    let structure = match asked {
        None if default == DefaultStructure::Today && exists_today => Some(today),
        other => other,
    };
    let s = structure.unwrap_or(to);
    // Reading a unit needs it inside one's subtree on the structure date; a unit that no
    // longer exists is judged by where it went.
    let readable = match acc.graph.fate(&unit, s) {
        domain::units::Fate::Exists(ix) => acc.can_read_unit(acc.graph.version(ix).id),
        _ => acc.is_admin() || acc.can_read_code(&unit, today),
    };
    if !readable {
        return Err(AppError::Forbidden);
    }
    Ok(reports::Request {
        unit,
        from,
        to,
        structure_date: structure,
    })
}

fn link(q: &reports::Request, extra: &str) -> String {
    format!(
        "unit={}&from={}&to={}{}{}",
        q.unit,
        q.from,
        q.to,
        q.structure_date
            .map(|s| format!("&s={s}"))
            .unwrap_or_default(),
        extra
    )
}

pub async fn show(State(st): State<AppState>, who: Authed, Query(q): Query<Asked>) -> Page {
    let by_children = q.by_children.is_some();
    let approved = q.approved.is_some();
    // The downloads give what the page shows.
    let keep = if approved { "&approved=1" } else { "" };
    let cache = st.reports.clone();
    let state = st.clone();
    let figures = st.figures().await?;
    let (req, report, states, units, lasting, successor, differences, signed) = figures
        .scoped(&who, move |db, acc| {
            let req = request_in(acc, &q, DefaultStructure::Today)?;
            // The narrative says how the escapes before the period's end held (where the
            // unit has a place in the tree then).
            let lasting = match super::lasting::report(
                &state,
                db,
                acc,
                &(req.unit.clone(), req.to, req.structure_date),
            ) {
                Ok(l) => Some(l),
                Err(AppError::BadRequest(_)) => None,
                Err(e) => return Err(e),
            };
            let units = super::form_fields::readable_choices(acc);
            // Many officers ask for the same report: computed once per change of data
            // (in today's units, of the data of its province).
            let structure = req.structure_date.unwrap_or(req.to);
            let generations = crate::cache::generations_in(db, acc, &req.unit, structure)?;
            let key = (req.clone(), by_children, approved);
            let Figures {
                report,
                differences,
            } = cache.get_or_compute(&key, generations, || -> Result<_, AppError> {
                Ok(Figures {
                    // The report alone is the one the forecast above read.
                    report: if by_children || approved {
                        Arc::new(q.compute(&state, db, acc, &req)?)
                    } else {
                        plain(&state, db, acc, &req)?
                    },
                    // The households whose chapter assessment the commune did not confirm.
                    differences: Arc::new(reports::reconcile::of(db, &req)?),
                })
            })?;
            // Where each child unit's figures stand in their sign-off, read afresh.
            let codes: Vec<&str> = report
                .children
                .iter()
                .flatten()
                .filter(|c| !c.own)
                .map(|c| c.unit.code.as_str())
                .collect();
            let period = domain::review::Period {
                from: req.from,
                to: req.to,
            };
            let mut states: std::collections::HashMap<String, domain::review::ReviewState> =
                std::collections::HashMap::new();
            for r in store::reviews::covering(db, &codes, period)? {
                states.entry(r.unit_code).or_insert(r.state);
            }
            // Where a unit that no longer exists went.
            let successor = match acc.graph.fate(&req.unit, acc.today) {
                domain::units::Fate::EndedInto { into, .. } => {
                    let v = acc.graph.version(into);
                    Some((v.code.clone(), v.name.clone()))
                }
                _ => None,
            };
            // What was signed for exactly this unit and period, and what changed since.
            let signed = match store::seals::of(db, &req.unit, period)?.into_iter().next() {
                Some(seal) => {
                    let (diff, _) = super::periods::since_signed(db, &seal)?;
                    Some((seal, diff.len()))
                }
                None => None,
            };
            Ok((
                req,
                report,
                states,
                units,
                lasting,
                successor,
                differences,
                signed,
            ))
        })
        .await?;
    let mut figures = Sheet::new("Bao cao", &["Chỉ tiêu", "Kết quả", "Kế hoạch", "Đạt %"]);
    for i in &report.indicators {
        let value = i
            .value
            .as_i64()
            .map(render::count)
            .or_else(|| i.value.as_f64().map(render::decimal))
            .unwrap_or_else(|| "—".into());
        let records = format!(
            "/reports/explain?{}",
            link(&req, &format!("&indicator={}", i.code))
        );
        figures.push(vec![
            i.label.into(),
            Cell {
                number: true,
                ..Cell::link(value, records)
            },
            Cell::number(i.target.map(render::count).unwrap_or_default()),
            Cell::number(i.achievement_pct.map(render::decimal).unwrap_or_default()),
        ]);
    }
    let mut by_unit = Sheet::new(
        "Theo don vi",
        &["Đơn vị", "Thoát nghèo", "Hỗ trợ sinh kế", "Quà", "Duyệt"],
    );
    for c in report.children.iter().flatten() {
        let v = |indicator: Indicator| {
            c.indicators
                .iter()
                .find(|i| i.code == indicator.code())
                .and_then(|i| i.value.as_i64())
                .unwrap_or(0)
        };
        let name = if c.own {
            Cell::from(format!("{} (trực tiếp)", c.unit.name))
        } else {
            let mut other = req.clone();
            other.unit.clone_from(&c.unit.code);
            Cell::link(
                &c.unit.name,
                format!("/reports?{}", link(&other, "&by_children=1")),
            )
        };
        let state = if c.own {
            String::new()
        } else {
            states
                .get(&c.unit.code)
                .map_or("chưa gửi", |s| s.label_vi())
                .to_owned()
        };
        by_unit.push(vec![
            name,
            Cell::number(v(Indicator::HhEscaped)),
            Cell::number(v(Indicator::LivelihoodRecipients)),
            Cell::number(render::count(v(Indicator::Gifts))),
            state.into(),
        ]);
    }
    let dmy = domain::date::dmy_text;
    let structure = structure_note(&req, successor.as_ref(), keep);
    let body = html! {
        h1 { "Báo cáo: " (report.unit.name) }
        p.muted { (structure) }
        @if approved { p.notice { "Chỉ gồm số liệu của các đơn vị đã được duyệt cho kỳ này (và các đơn vị cấp dưới của họ)." } }
        form.stack.card method="get" action="/reports" novalidate {
            label for="unit" { "Đơn vị (gõ tên hoặc mã)" } input id="unit" name="unit" value=(req.unit) list="unit-choices" autocomplete="off";
            (super::form_fields::unit_datalist("unit-choices", &units))
            label for="from" { "Từ ngày" } (crate::html::date_input("from", "from", Some(req.from)))
            label for="to" { "Đến ngày" } (crate::html::date_input("to", "to", Some(req.to)))
            label for="s" { "Cơ cấu đơn vị theo ngày (để trống: ngày cuối kỳ)" }
            (crate::html::date_input("s", "s", req.structure_date))
            label.check { input type="checkbox" name="by_children" value="1" checked[by_children]; " Theo đơn vị trực thuộc" }
            label.check { input type="checkbox" name="approved" value="1" checked[approved]; " Chỉ số liệu đã duyệt" }
            p { button type="submit" { "Xem báo cáo" } }
        }
        p.noprint { "Tải về: "
            a href={"/reports/download?" (link(&req, &format!("&format=xlsx&by_children=1{keep}")))} { "Excel" } " · "
            a href={"/reports/download?" (link(&req, &format!("&format=csv{keep}")))} { "CSV" } " · "
            a href={"/reports/download?" (link(&req, &format!("&format=json{keep}")))} { "JSON" } " · "
            a href={"/reports/download?" (link(&req, &format!("&format=html{keep}")))} { "Bản in" } " · "
            a href={"/reports/download?" (link(&req, &format!("&format=pdf{keep}")))} { "PDF" } }
        div.card { p { (render::narrative(&report))
            @if let Some(s) = lasting.as_deref().and_then(reports::lasting::sentence) { " " (s) " "
                a.noprint href={"/reports/lasting?" (serde_urlencoded::to_string([("unit", req.unit.as_str()), ("as_of", &req.to.to_string())]).unwrap_or_default())} { "Xem thêm" } } } }
        @if let Some(s) = reports::reconcile::sentence(&differences) {
            p.notice { (s) " " a href={"/reports/differences?" (link(&req, ""))} { "Xem danh sách hộ" } }
        }
        @if let Some((seal, changed)) = &signed {
            p class=(if *changed > 0 { "alert" } else { "notice" }) {
                "Kỳ này đã được " (store::reviews::person(&seal.approved_by)) " duyệt và ký lúc " (seal.approved_at) ". "
                @if *changed > 0 { strong { (render::count(*changed as i64)) " bản ghi đã thay đổi sau khi ký" } ". " }
                @else { "Không bản ghi nào thay đổi sau khi ký. " }
                a href={"/periods/signed?id=" (seal.id)} { "Xem bản đã ký" } }
        }
        p.noprint { "Chia theo nhóm hộ: "
            @for (n, d) in domain::breakdown::Dimension::ALL.iter().enumerate() {
                @if n > 0 { " · " }
                a href={"/reports/breakdown?" (link(&req, &format!("&by={}", d.as_str())))} { (d.label_vi()) }
            } }
        (figures.table())
        @if let Some(children) = &report.children {
            @let below = children.iter().filter(|c| !c.own).count();
            @let approved = states.values().filter(|s| **s == ReviewState::Approved).count();
            h2 { "Theo đơn vị trực thuộc" }
            p { "Duyệt số liệu của kỳ: đã duyệt " (approved) "/" (below) " đơn vị trực thuộc. "
                a href={"/periods?" (serde_urlencoded::to_string([("p", format!("{}..{}", req.from, req.to))]).unwrap_or_default())} { "Xem và duyệt" } }
            (by_unit.table())
        }
        @if !report.unmapped.is_empty() {
            h2 { "Bản ghi chưa xếp được vào đơn vị" }
            ul { @for u in &report.unmapped { li { (u.records) " bản ghi " (source_vi(u.source)) " của " (u.unit_code) " " (u.unit_name) " (có từ " (dmy(&u.valid_from)) ")" } } }
        }
    };
    Ok(who.page("Báo cáo", body))
}

/// Which units the page shows, and how to see the other structure: today's units with a
/// link to the period's end, another date with a link to today's, or a unit that no
/// longer exists with a link to its successor.
fn structure_note(
    req: &reports::Request,
    successor: Option<&(String, String)>,
    keep: &str,
) -> maud::Markup {
    let today = crate::today();
    let at_end = reports::Request {
        structure_date: Some(req.to),
        ..req.clone()
    };
    let now = reports::Request {
        structure_date: None,
        ..req.clone()
    };
    html! {
        @match (req.structure_date, successor) {
            (Some(s), _) if s == today => {
                "Theo cơ cấu đơn vị hiện nay (" (today.dmy()) ")"
                @if req.to < today { " — " a href={"/reports?" (link(&at_end, keep))} { "xem theo cơ cấu ngày " (req.to.dmy()) } }
            }
            (Some(s), None) => {
                "Theo cơ cấu đơn vị ngày " (s.dmy()) " — " a href={"/reports?" (link(&now, keep))} { "xem theo cơ cấu hiện nay" }
            }
            (s, Some((code, name))) => {
                "Theo cơ cấu đơn vị ngày " (s.unwrap_or(req.to).dmy()) ". Đơn vị này nay thuộc "
                a href={"/reports?" (link(&reports::Request { unit: code.clone(), structure_date: None, ..req.clone() }, keep))} { (name) }
                " (xem số liệu theo cơ cấu hiện nay)."
            }
            (None, None) => { "Theo cơ cấu đơn vị ngày " (req.to.dmy()) }
        }
    }
}

pub async fn download(State(st): State<AppState>, who: Authed, Query(q): Query<Asked>) -> Reply {
    let format = q.format.clone().unwrap_or_else(|| "json".into());
    let csv_style = match q.codes.as_deref() {
        Some("1") => render::Csv::Codes,
        _ => render::Csv::Vietnamese,
    };
    let printed = matches!(format.as_str(), "pdf" | "html");
    // A report's file is made one at a time per user, a few at a time in all.
    let _heavy = st.heavy(&who).await?;
    let state = st.clone();
    let (report, document) = st
        .scoped(&who, move |db, acc| {
            let req = request_in(acc, &q, DefaultStructure::Today)?;
            if !printed {
                return Ok((q.compute(&state, db, acc, &req)?, None));
            }
            // The printed report has its table by child unit.
            let mut q = q;
            q.by_children = Some("1".into());
            let report = q.compute(&state, db, acc, &req)?;
            let document = printed_document(db, acc, &report)?;
            Ok((report, Some(document)))
        })
        .await?;
    let name = format!(
        "bao-cao-{}-{}-{}",
        report.unit.code, report.period.from, report.period.to
    );
    let (kind, ext, body): (&str, &str, Vec<u8>) = match format.as_str() {
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            render::xlsx(&report).map_err(|e| AppError::Internal(e.to_string()))?,
        ),
        "csv" => (
            "text/csv; charset=utf-8",
            "csv",
            // For Excel in Vietnam by default; `codes=1` for programs.
            render::csv_in(&report, csv_style).into_bytes(),
        ),
        "html" => {
            let doc = document.ok_or_else(|| AppError::Internal("no document".into()))?;
            return Ok(Html(reports::document::print_html(&doc)).into_response());
        }
        "pdf" => (
            "application/pdf",
            "pdf",
            reports::pdf::render(
                &document.ok_or_else(|| AppError::Internal("no document".into()))?,
            ),
        ),
        _ => (
            "application/json",
            "json",
            serde_json::to_vec_pretty(&report).map_err(|e| AppError::Internal(e.to_string()))?,
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// The report as the union prints it, issued today (see `reports::document`).
fn printed_document(
    db: &mut store::Db,
    acc: &store::access::Access,
    report: &reports::Report,
) -> Result<reports::document::Document, AppError> {
    let issued = reports::document::Issued::of(&acc.graph, report, acc.today);
    Ok(reports::document::Document::with_lasting(
        db, report, &issued,
    )?)
}

/// A record kind's Vietnamese name (the evidence names its source table, which is the
/// kind's code).
fn source_vi(source: &str) -> &str {
    domain::contract::ALL
        .iter()
        .find(|s| s.kind == source)
        .map_or(source, |s| s.label_vi)
}

/// The records behind one figure; `format=xlsx` downloads them.
pub async fn explain(State(st): State<AppState>, who: Authed, Query(q): Query<Asked>) -> Reply {
    let indicator = q.indicator.clone().unwrap_or_default();
    let exporting = q.format.as_deref() == Some("xlsx");
    let page = q.page.unwrap_or(0);
    let _heavy = if exporting {
        Some(st.heavy(&who).await?)
    } else {
        None
    };
    let ind = indicator.clone();
    let (report, evidence) = st
        .scoped(&who, move |db, acc| {
            let req = request_in(acc, &q, DefaultStructure::Today)?;
            let c = reports::compute(db, &req, Some(&ind))?;
            Ok((c.report(false), c.evidence()))
        })
        .await?;
    let label = report.get(&indicator).map(|i| i.label).unwrap_or("");
    let here = format!("/reports/explain?{}", link_query(&report, &indicator));
    let (shown, footing) = if exporting {
        (evidence.as_slice(), html! {})
    } else {
        crate::sheet::paged(&evidence, page, |p| format!("{here}&page={p}"))
    };
    let mut sheet = Sheet::new("Ban ghi", &["Bản ghi", "Loại", "Đơn vị", "Tính vào"]);
    for e in shown {
        let record = if e.source == "households" {
            Cell::link(&e.record, crate::html::household_path(&e.record))
        } else {
            Cell::from(e.record.as_str())
        };
        sheet.push(vec![
            record,
            source_vi(e.source).into(),
            e.unit_code.as_str().into(),
            Cell::number(e.amount),
        ]);
    }
    if exporting {
        return sheet.download(&format!("ban-ghi-{indicator}"));
    }
    let dmy = domain::date::dmy_text;
    let download = format!("{here}&format=xlsx");
    let body = html! {
        h1 { (label) }
        p { (report.unit.name) ", " (dmy(&report.period.from)) " – " (dmy(&report.period.to)) ": "
            strong { (report.get(&indicator).map(|i| i.value.to_string()).unwrap_or_default()) } " — " (evidence.len()) " bản ghi. "
            a href=(download) { "Tải Excel" } }
        (sheet.table())
        (footing)
    };
    Ok(who.page("Các bản ghi của chỉ tiêu", body).into_response())
}

/// The query of a figure's records: unit, period, structure date and indicator.
fn link_query(report: &reports::Report, indicator: &str) -> String {
    serde_urlencoded::to_string([
        ("unit", report.unit.code.as_str()),
        ("from", &report.period.from),
        ("to", &report.period.to),
        ("s", &report.structure_date),
        ("indicator", indicator),
    ])
    .unwrap_or_default()
}
