//! The demo's activities, stocks (savings groups, entrusted balances, cooperatives,
//! clubs) and micro-insurance: each made to add up to the published 2023 figures.

use super::{published, split, Commune, Gen, PROVINCE};

pub(super) fn activities(g: &mut Gen<'_>) {
    use published as p;
    let trainees = split(
        &mut g.rng,
        p::VOCATIONAL_TRAINEES,
        p::VOCATIONAL_CLASSES as usize,
        25,
    );
    for t in trainees {
        let c = g.communes[g.rng.below(g.communes.len() as u64) as usize]
            .code
            .clone();
        let date = g.day_between(2023, 2, 10);
        g.activity(&date, &c, "vocational_class", 1, t);
    }
    // 549 credit classes: every chapter at least two, some three.
    let extra = p::CREDIT_CLASSES as usize - 2 * g.communes.len();
    for (i, c) in g.communes.to_vec().iter().enumerate() {
        let sessions = 2 + i64::from(i < extra);
        let date = g.day_between(2023, 1, 10);
        g.activity(
            &date,
            &c.code,
            "credit_communication",
            sessions,
            35 * sessions,
        );
    }
    let total = p::STARTUP_PARTICIPANTS;
    let training_people = total * 3 / 10;
    for (kind, sessions, people, rows) in [
        (
            "startup_training",
            p::STARTUP_TRAININGS,
            training_people,
            20usize,
        ),
        (
            "startup_communication",
            p::STARTUP_SESSIONS,
            total - training_people,
            60,
        ),
    ] {
        let ss = split(&mut g.rng, sessions, rows, 1);
        let ps = split(&mut g.rng, people, rows, 20);
        for (s, n) in ss.into_iter().zip(ps) {
            let c = g.communes[g.rng.below(g.communes.len() as u64) as usize]
                .code
                .clone();
            let date = g.day_between(2023, 1, 10);
            g.activity(&date, &c, kind, s, n);
        }
    }
    for c in g.communes.to_vec().iter().step_by(4) {
        let date = g.day_between(2023, 1, 10);
        g.activity(&date, &c.code, "other", 1, 30);
        g.activity("2024-05-12", &c.code, "vocational_class", 1, 28);
    }
}

pub(super) fn ledger_stocks(g: &mut Gen<'_>) {
    savings_groups(g);
    cooperatives(g);
    clubs(g);
}

fn savings_groups(g: &mut Gen<'_>) {
    use published as p;
    // Savings groups: 1,950 groups open on 31/10/2023 hold the published clients and
    // balance; 30 closed earlier in the year; every open group also has an older row.
    let open = 1_950usize;
    let clients = split(&mut g.rng, p::VBSP_CLIENTS, open, 8);
    let outstanding = split(&mut g.rng, p::VBSP_OUTSTANDING / 1_000_000, open, 200);
    for i in 0..open + 30 {
        let c = g.communes[i % g.communes.len()].clone();
        let code = format!("TK{}-{:04}", c.code, i);
        if i < open {
            let out = outstanding[i] * 1_000_000;
            let overdue = if g.rng.chance(0.15) { out / 200 } else { 0 };
            g.table("savings_groups").push(vec![
                "2022-12-31".into(),
                c.code.clone(),
                code.clone(),
                (clients[i] - 1).max(1).to_string(),
                (out * 9 / 10).to_string(),
                "0".into(),
            ]);
            g.table("savings_groups").push(vec![
                "2023-10-31".into(),
                c.code.clone(),
                code.clone(),
                clients[i].to_string(),
                out.to_string(),
                overdue.to_string(),
            ]);
            g.table("savings_groups").push(vec![
                "2024-12-31".into(),
                c.code.clone(),
                code,
                (clients[i] + 1).to_string(),
                (out * 11 / 10).to_string(),
                overdue.to_string(),
            ]);
        } else {
            g.table("savings_groups").push(vec![
                "2022-12-31".into(),
                c.code.clone(),
                code.clone(),
                "12".into(),
                "300000000".into(),
                "0".into(),
            ]);
            g.table("savings_groups").push(vec![
                "2023-06-30".into(),
                c.code.clone(),
                code,
                "0".into(),
                "0".into(),
                "0".into(),
            ]);
        }
    }
    for (as_of, v) in [
        ("2022-12-31", 6_480_000_000_000i64),
        ("2023-10-31", p::ENTRUSTED_TOTAL),
        ("2024-12-31", 7_310_000_000_000),
    ] {
        g.table("entrusted_totals")
            .push(vec![as_of.into(), PROVINCE.into(), v.to_string()]);
    }
}

fn cooperatives(g: &mut Gen<'_>) {
    use published as p;
    // Cooperatives: 83 from before 2023, 18 new in 2023 with the union's help, 4 that
    // closed in 2022, 3 founded after 31/10/2023.
    let members = split(
        &mut g.rng,
        p::COOP_FEMALE_MEMBERS,
        p::COOPS_ACTIVE as usize,
        1,
    );
    let workers = split(
        &mut g.rng,
        p::COOP_FEMALE_WORKERS,
        p::COOPS_ACTIVE as usize,
        2,
    );
    let old = (p::COOPS_ACTIVE - p::COOPS_NEW) as usize;
    for i in 0..p::COOPS_ACTIVE as usize + 7 {
        let c = g.communes[(i * 7) % g.communes.len()].clone();
        let (est, dissolved, supported, m, w) = if i < old {
            (
                format!("{}-03-15", 2015 + (i % 8)),
                String::new(),
                if i % 3 == 0 { "1" } else { "0" },
                members[i],
                workers[i],
            )
        } else if i < p::COOPS_ACTIVE as usize {
            (
                g.day_between(2023, 1, 10),
                String::new(),
                "1",
                members[i],
                workers[i],
            )
        } else if i < p::COOPS_ACTIVE as usize + 4 {
            ("2018-05-01".into(), "2022-09-30".into(), "1", 3, 5)
        } else {
            ("2023-12-01".into(), String::new(), "1", 4, 6)
        };
        let name = format!(
            "HTX {} {}",
            [
                "Nông nghiệp",
                "Dệt thổ cẩm",
                "Dịch vụ",
                "Chăn nuôi",
                "Sâm Ngọc Linh"
            ][i % 5],
            c.name
                .trim_start_matches("Xã ")
                .trim_start_matches("Phường ")
        );
        g.table("cooperatives").push(vec![
            format!("HTX-{:03}", i + 1),
            c.code.clone(),
            name,
            est,
            dissolved,
            supported.into(),
            m.to_string(),
            w.to_string(),
        ]);
    }
}

fn clubs(g: &mut Gen<'_>) {
    use published as p;
    // Clubs "Phụ nữ khởi nghiệp": 9 kept running in the districts, 2 that stopped, and
    // other clubs that are not start-up clubs.
    let mut districts: Vec<&Commune> = Vec::new();
    for c in g.communes {
        if !districts.iter().any(|d| d.district_code == c.district_code) {
            districts.push(c);
        }
    }
    for (i, c) in districts
        .iter()
        .enumerate()
        .take(p::STARTUP_CLUBS as usize + 2)
    {
        let dissolved = if i >= p::STARTUP_CLUBS as usize {
            "2023-03-31"
        } else {
            ""
        };
        let row = vec![
            format!("CLB-KN-{:02}", i + 1),
            c.code.clone(),
            "startup".into(),
            format!("{}-04-01", 2019 + i % 4),
            dissolved.into(),
        ];
        g.table("clubs").push(row);
    }
    for (i, c) in districts.iter().enumerate().take(5) {
        let row = vec![
            format!("CLB-K-{:02}", i + 1),
            c.code.clone(),
            "other".into(),
            "2020-08-01".into(),
            String::new(),
        ];
        g.table("clubs").push(row);
    }
}

/// One micro-insurance row of 2023 (from month `first_month`) at a commune picked at
/// random.
fn micro_row(g: &mut Gen<'_>, first_month: u32, kind: &str, count: i64, vnd: i64) {
    let id = g.next_id("BH");
    let c = g.communes[g.rng.below(g.communes.len() as u64) as usize]
        .code
        .clone();
    let date = g.day_between(2023, first_month, 10);
    g.table("microinsurance").push(vec![
        id,
        date,
        c,
        kind.into(),
        count.to_string(),
        vnd.to_string(),
    ]);
}

pub(super) fn microinsurance(g: &mut Gen<'_>) {
    use published as p;
    let counts = split(&mut g.rng, p::MICRO_CONTRACTS, 120, 10);
    let premiums = split(&mut g.rng, p::MICRO_PREMIUM / 1_000, 120, 100);
    for (n, v) in counts.into_iter().zip(premiums) {
        micro_row(g, 1, "contract", n, v * 1_000);
    }
    let claims = split(
        &mut g.rng,
        p::MICRO_CLAIMS_VALUE / 10_000,
        p::MICRO_CLAIMS as usize,
        100,
    );
    for v in claims {
        micro_row(g, 3, "claim", 1, v * 10_000);
    }
    let id = g.next_id("BH");
    let c = g.communes[0].code.clone();
    g.table("microinsurance").push(vec![
        id,
        "2023-12-20".into(),
        c,
        "claim".into(),
        "1".into(),
        "5000000".into(),
    ]);
}
