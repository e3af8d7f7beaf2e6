//! `donghanh demo`: the national units and a synthetic Quảng Nam that reproduces the
//! province's published 2023 report, then the web app.

use super::{cli_actor, Env};
use domain::units::Level;
use domain::Date;
use std::process::ExitCode;
use synth::quang_nam::{self, Commune};

/// The seed of the demo data: the same records on every machine.
pub const SEED: u64 = 20231031;

pub fn run(env: &Env, no_serve: bool, addr: Option<String>) -> anyhow::Result<ExitCode> {
    let mut db = env.open()?;
    build(&mut db)?;
    let req = reports::Request {
        unit: quang_nam::PROVINCE.into(),
        from: Date::from_ymd(2023, 1, 1).expect("day"),
        to: Date::from_ymd(2023, 10, 31).expect("day"),
        structure_date: None,
    };
    let report = reports::run(&mut db, &req, false)?;
    println!(
        "Dữ liệu mẫu (tổng hợp, không phải người thật) đã sẵn sàng trong {} / demo data ready.",
        env.db
    );
    println!("{}", reports::render::narrative(&report));
    println!(
        "Thử / try: donghanh report --unit 49 --from 2023-01-01 --to 2023-10-31 --format text; \
         donghanh report --unit 48 --from 2023-01-01 --to 2023-10-31 --structure-date 2025-07-01"
    );
    let users = store::accounts::list(&mut db)?;
    println!("Tài khoản mẫu / demo accounts (mật khẩu / password: {DEMO_PASSWORD}):");
    for u in users
        .iter()
        .filter(|u| ["quantri", "tinh", "xa", "xem"].contains(&u.username.as_str()))
    {
        println!(
            "  {:8} {} — {}, đơn vị {}",
            u.username,
            u.full_name,
            u.role.label_vi(),
            u.unit_code
        );
    }
    if no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    super::serve(env, addr)
}

/// Loads the national units (if absent) and the demo records, in one import each.
pub fn build(db: &mut store::Db) -> anyhow::Result<()> {
    let opts = importer::Options {
        actor: cli_actor(),
        dry_run: false,
        progress: true,
        ..Default::default()
    };
    let loaded = store::units::count(db)?;
    if loaded == 0 {
        let plan = importer::vn::plan(&importer::vn::Sources::embedded())
            .map_err(|e| anyhow::anyhow!(e))?;
        importer::import_tables(db, plan.tables.clone(), Vec::new(), &opts).map_err(rejected)?;
        // The names the loader left, for the administrator's review page.
        importer::vn::review::keep_questions(db, &plan)?;
    }
    let communes = quang_nam_communes(db)?;
    anyhow::ensure!(
        communes.len() == 241,
        "Quảng Nam 2023 should have 241 communes, found {}",
        communes.len()
    );
    let demo = quang_nam::generate(&communes, SEED);
    let tables = demo
        .tables
        .into_iter()
        .map(|t| {
            importer::source::Table::of_texts(
                t.kind.to_owned(),
                format!("demo:{}", t.kind),
                t.header.iter().map(|h| (*h).to_owned()).collect(),
                t.rows,
            )
        })
        .collect();
    importer::import_tables(db, tables, Vec::new(), &opts).map_err(rejected)?;
    let clerk_unit = communes
        .iter()
        .find(|c| {
            quang_nam::MOUNTAIN_DISTRICTS.contains(&c.district_code.as_str()) && c.successor != "48"
        })
        .map(|c| c.successor.clone())
        .unwrap_or_else(|| "48".into());
    for (username, name, role, unit) in demo_users(&clerk_unit) {
        if store::accounts::by_username(db, username)?.is_none() {
            let hash = web::auth::hash_password(DEMO_PASSWORD);
            db.transaction(|tx| {
                store::accounts::create(
                    tx,
                    &store::accounts::NewUser {
                        username,
                        full_name: name,
                        password_hash: &hash,
                        role,
                        unit_code: &unit,
                        must_change_password: false,
                    },
                    "demo",
                )
            })?;
        }
    }
    Ok(())
}

/// The demo's accounts share one published password: demo data only.
pub const DEMO_PASSWORD: &str = "dong-hanh-demo";

/// One user per role: the administrator, Đà Nẵng's union (which holds Quảng Nam since
/// 2025) as manager and as viewer, and a clerk of one mountain commune chapter.
pub fn demo_users(
    clerk_unit: &str,
) -> Vec<(&'static str, &'static str, domain::access::Role, String)> {
    use domain::access::Role;
    vec![
        ("quantri", "Quản trị (demo)", Role::Admin, "VN".to_owned()),
        (
            "tinh",
            "Cán bộ Hội LHPN thành phố Đà Nẵng (demo)",
            Role::Manager,
            "48".to_owned(),
        ),
        (
            "xa",
            "Cán bộ cơ sở Hội (demo)",
            Role::Clerk,
            clerk_unit.to_owned(),
        ),
        (
            "xem",
            "Lãnh đạo xem báo cáo (demo)",
            Role::Viewer,
            "48".to_owned(),
        ),
    ]
}

fn rejected(e: importer::ImportError) -> anyhow::Error {
    match e {
        importer::ImportError::Rejected(r) => anyhow::anyhow!("{}", r.render(20)),
        other => other.into(),
    }
}

/// Quảng Nam's communes on 2023-10-31 with their districts and 2025 successors.
fn quang_nam_communes(db: &mut store::Db) -> anyhow::Result<Vec<Commune>> {
    let graph = store::units::load_graph(db)?;
    let day = Date::from_ymd(2023, 10, 31).expect("day");
    let reform = Date::from_ymd(2025, 7, 1).expect("day");
    let s = graph.structure_on(day);
    let qn = graph
        .version_on(quang_nam::PROVINCE, day)
        .ok_or_else(|| anyhow::anyhow!("no unit 49"))?;
    let mut out = Vec::new();
    for &district in s.children(qn) {
        let dv = graph.version(district);
        for &c in s
            .children(district)
            .iter()
            .filter(|&&c| graph.version(c).level == Level::Commune)
        {
            let v = graph.version(c);
            let successor = graph
                .resolve(c, reform)
                .map(|ix| graph.version(ix).code.clone())
                .unwrap_or_else(|| "48".into());
            out.push(Commune {
                code: v.code.clone(),
                name: v.name.clone(),
                district_code: dv.code.clone(),
                district_name: dv.name.clone(),
                successor,
            });
        }
    }
    Ok(out)
}
