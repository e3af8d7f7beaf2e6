//! The demo's households and what the union did for them: members, assessments and
//! assignments year by year, supports (livelihood, charity, jobs, loans) and the project.

use super::*;

/// The households with their members, assessments 2022–2025 and assignments: 571 of
/// those assigned in 2023 escape by the chapter's own assessment before 31/10/2023.
/// Returns the households (with their commune's index) and the poor or near-poor ones.
pub(super) fn households_and_their_years(g: &mut Gen<'_>) -> (Vec<(Household, usize)>, Vec<usize>) {
    use published as p;
    let communes = g.communes;
    // Households: more and poorer in the mountain districts.
    let mut households: Vec<(Household, usize)> = Vec::new(); // (household, commune index)
    for (ci, c) in communes.iter().enumerate() {
        let mountain = g.mountain(c);
        let place = crate::households::Place {
            unit_code: c.code.clone(),
            poverty_rate: if mountain { 0.32 } else { 0.13 },
            upland: mountain,
            urban: c.name.starts_with("Phường") || c.name.starts_with("Thị trấn"),
        };
        let n = if mountain { 30 } else { 18 };
        let seq = households.len();
        for h in crate::households::make(&mut g.rng, &place, "QN", seq + 1, n) {
            households.push((h, ci));
        }
    }
    let mut seq_members = 0;
    for (h, _) in &households {
        seq_members += 1;
        let registered = format!("2022-0{}-{:02}", g.rng.range(1, 6), g.rng.range(1, 28));
        let row = crate::households::household_row(h, &registered);
        g.table("households").push(row);
        let extra = g.rng.range(0, 2) as usize;
        let rows = member_rows(&mut g.rng, h, 490_000 + seq_members, extra);
        for r in rows {
            g.table("members").push(r);
        }
    }

    // Assignments for 2023: every chapter takes on poor or near-poor households; 571 of
    // them escape by the chapter's own assessment before 31/10/2023.
    let poorish: Vec<usize> = (0..households.len())
        .filter(|&i| households[i].0.baseline.is_poor_or_near())
        .collect();
    let mut by_commune: Vec<Vec<usize>> = vec![Vec::new(); communes.len()];
    for &i in &poorish {
        by_commune[households[i].1].push(i);
    }
    let mut assigned_2023: Vec<usize> = Vec::new();
    for list in &by_commune {
        assigned_2023.extend(list.iter().take(4));
    }
    assert!(
        assigned_2023.len() >= p::ESCAPED as usize,
        "not enough assigned households for the escapes"
    );
    // Escapes: the first assigned households of each commune first, so that every chapter
    // helps at least two out where it can.
    let mut order: Vec<usize> = Vec::new();
    for round in 0..4 {
        for list in &by_commune {
            if let Some(&i) = list.get(round) {
                order.push(i);
            }
        }
    }
    let escaped: std::collections::HashSet<usize> =
        order.iter().take(p::ESCAPED as usize).copied().collect();

    for (i, (h, ci)) in households.iter().enumerate() {
        let c = &communes[*ci];
        // Baseline: the commune's official decision of December 2022.
        assess(g, h, (2022, "official", "2022-12-12"), h.baseline);
        let assigned = assigned_2023.contains(&i);
        if assigned {
            let on = format!("2023-0{}-{:02}", g.rng.range(1, 3), g.rng.range(1, 28));
            g.table("assignments")
                .push(vec![h.code.clone(), c.code.clone(), "2023".into(), on]);
        }
        // 2023: the chapter's provisional assessment (Aug–Oct) for the households it helps.
        let status_2023 = if escaped.contains(&i) {
            if h.baseline == Class::Poor && g.rng.chance(0.45) {
                Class::NearPoor
            } else {
                Class::Average
            }
        } else {
            h.baseline
        };
        if assigned {
            let on = g.day_between(2023, 8, 10);
            assess(g, h, (2023, "provisional", &on), status_2023);
        }
        // December: the commune's decision; it confirms most escapes and overrides a few.
        // Households no chapter took on escape too, less often.
        let official_2023 = if escaped.contains(&i) && g.rng.chance(0.06) {
            h.baseline
        } else if assigned {
            status_2023
        } else {
            next_year(g, h.baseline, false, None)
        };
        assess(g, h, (2023, "official", "2023-12-08"), official_2023);
        // Whether the household is out of poverty by an escape, and with whose help.
        let mut out_by = escape_of(h.baseline, official_2023, assigned, None);
        // 2024 and 2025: the chapters take on half of the year before's poor and near-poor
        // households, 2024 under the old communes, 2025 (from 01/07/2025) under Đà Nẵng's
        // new ones; the households they take on escape more often, and those they helped
        // out fall back less often, than the others.
        let mut status = official_2023;
        for (year, on, unit, taken_on) in [
            (2024, "2024-12-10", &c.code, "2024-02-15"),
            (2025, "2025-12-09", &c.successor, "2025-07-20"),
        ] {
            let assigned = status.is_poor_or_near() && g.rng.chance(0.5);
            if assigned {
                g.table("assignments").push(vec![
                    h.code.clone(),
                    unit.clone(),
                    year.to_string(),
                    taken_on.into(),
                ]);
            }
            let next = next_year(g, status, assigned, out_by);
            out_by = escape_of(status, next, assigned, out_by);
            assess(g, h, (year, "official", on), next);
            status = next;
        }
    }

    (households, poorish)
}

/// How a household's escape came about: `Some(true)` out with a chapter's help,
/// `Some(false)` out on its own, `None` not escaped (or fallen back).
fn escape_of(before: Class, after: Class, assigned: bool, was: Option<bool>) -> Option<bool> {
    match (before.is_poor_or_near(), after) {
        (_, Class::Poor) => None,
        (true, Class::NearPoor) if before == Class::Poor => Some(assigned),
        (true, Class::Average | Class::NotPoor) => Some(assigned),
        (true, _) => None,
        (false, Class::NearPoor) => None,
        (false, _) => was,
    }
}

/// A year's change of a household's class (invented rates): a household a chapter took
/// on escapes about two and a half times as often as the others; one that escaped with
/// the union's help falls back about a third as often as one that escaped on its own.
fn next_year(g: &mut Gen<'_>, now: Class, assigned: bool, out_by: Option<bool>) -> Class {
    let r = g.rng.below(1000) as f64 / 1000.0;
    match now {
        Class::Poor if assigned && r < 0.05 => Class::Average,
        Class::Poor if assigned && r < 0.35 => Class::NearPoor,
        Class::Poor if !assigned && r < 0.12 => Class::NearPoor,
        Class::NearPoor if assigned && r < 0.38 => Class::Average,
        Class::NearPoor if !assigned && r < 0.15 => Class::Average,
        Class::Average | Class::NotPoor => {
            let fall = match out_by {
                Some(true) => 0.05,
                Some(false) => 0.15,
                None => 0.02,
            };
            if r < fall {
                Class::NearPoor
            } else {
                now
            }
        }
        other => other,
    }
}

/// Every support: livelihood means, charity works and gifts to the published totals,
/// jobs, start-ups, loans, and records after the report's end that it must not count.
/// An assessment of `h` (year, kind, date) that classifies as `class`.
fn assess(g: &mut Gen<'_>, h: &Household, (year, kind, on): (i32, &str, &str), class: Class) {
    let (inc, deps) = profile(&mut g.rng, class, h.urban);
    let row = assessment_row(h, year, kind, on, inc, &deps);
    g.table("assessments").push(row);
}

pub(super) fn supports(g: &mut Gen<'_>, households: &[(Household, usize)], poorish: &[usize]) {
    use published as p;
    let communes = g.communes;
    livelihood(g, households, poorish);
    let charity = [
        ("house_built", p::HOUSES_BUILT, 40usize, 60_000_000i64),
        ("house_repaired", p::HOUSES_REPAIRED, 30, 25_000_000),
        ("sanitation_work", p::SANITATION, 50, 8_000_000),
        ("clean_water_work", p::CLEAN_WATER, 120, 6_000_000),
        ("insurance_card", p::INSURANCE_CARDS, 150, 500_000),
        ("savings_book", p::SAVINGS_BOOKS, 40, 3_000_000),
        ("gift", p::GIFTS, 900, 175_000),
    ];
    let mut charity_value = 0;
    for (kind, total, rows, each) in charity {
        charity_value += g.spread_support(kind, total, rows, each);
    }
    assert!(
        (20_000_000_000..21_000_000_000).contains(&charity_value),
        "charity value {charity_value}"
    );
    g.spread_support("job_placement", p::JOBS, 200, 0);
    g.spread_support("labor_export_counselling", p::LABOR_EXPORT, 20, 0);
    g.spread_support("startup_idea", p::STARTUP_IDEAS, 120, 0);
    g.spread_support("capacity_building", p::ENTREPRENEURS, 60, 0);
    g.spread_support("union_loan", 420, 140, 15_000_000);
    // After the report's end, and in later years: records the 31/10 report must not count.
    for (date, kind, qty, value) in [
        ("2023-11-20", "gift", 1_200, 210_000_000),
        ("2023-12-15", "house_built", 6, 360_000_000),
        ("2024-03-08", "job_placement", 140, 0),
        ("2024-06-01", "gift", 3_000, 520_000_000),
    ] {
        let c = communes[g.rng.below(communes.len() as u64) as usize]
            .code
            .clone();
        g.support(date, &c, kind, None, (qty, value), "");
    }
    for c in communes.iter().step_by(3) {
        g.support(
            "2025-09-10",
            &c.successor,
            "gift",
            None,
            (40, 8_000_000),
            "",
        );
    }
}

fn livelihood(g: &mut Gen<'_>, households: &[(Household, usize)], poorish: &[usize]) {
    use published as p;
    assert!(
        poorish.len() >= p::LIVELIHOOD_RECIPIENTS as usize,
        "{} poor households",
        poorish.len()
    );
    let values = split(
        &mut g.rng,
        p::LIVELIHOOD_VALUE,
        p::LIVELIHOOD_RECIPIENTS as usize,
        2_000_000,
    );
    for (k, &i) in poorish
        .iter()
        .take(p::LIVELIHOOD_RECIPIENTS as usize)
        .enumerate()
    {
        let (h, ci) = &households[i];
        let date = g.day_between(2023, 2, 10);
        let unit = g.communes[*ci].code.clone();
        let v = values[k] / 10_000 * 10_000
            + if k == 0 {
                values.iter().map(|v| v % 10_000).sum()
            } else {
                0
            };
        let code = h.code.clone();
        g.support(&date, &unit, "livelihood", Some((&code, 1)), (1, v), "");
    }
    // A second gift of livelihood means to some of the same women: still one recipient each.
    for &i in poorish.iter().take(40) {
        let (h, ci) = &households[i];
        let unit = g.communes[*ci].code.clone();
        let code = h.code.clone();
        g.support(
            "2023-11-05",
            &unit,
            "livelihood",
            Some((&code, 1)),
            (1, 1_500_000),
            "",
        );
    }
}

/// "Mô hình giảm nghèo hỗ trợ phát triển sản xuất cộng đồng": 40 households in 4
/// mountain communes, at least 70% poor, near-poor, newly escaped or in difficulty;
/// budget 1 billion đồng.
pub(super) fn project(g: &mut Gen<'_>, households: &[(Household, usize)], poorish: &[usize]) {
    let mountain: Vec<usize> = (0..g.communes.len())
        .filter(|&i| g.mountain(&g.communes[i]))
        .collect();
    let chosen: Vec<usize> = mountain
        .iter()
        .step_by(mountain.len() / 4)
        .take(4)
        .copied()
        .collect();
    g.table("projects").push(vec![
        PROJECT_CODE.into(),
        "Mô hình giảm nghèo hỗ trợ phát triển sản xuất cộng đồng".into(),
        PROVINCE.into(),
        "2024-01-15".into(),
        "2025-06-30".into(),
        "1000000000".into(),
        "40".into(),
        "70".into(),
    ]);
    let mut picked = Vec::new();
    for &ci in &chosen {
        let poor_here: Vec<usize> = poorish
            .iter()
            .copied()
            .filter(|&i| households[i].1 == ci)
            .take(8)
            .collect();
        let others: Vec<usize> = (0..households.len())
            .filter(|&i| households[i].1 == ci && !poorish.contains(&i))
            .take(10 - poor_here.len())
            .collect();
        picked.extend(poor_here);
        picked.extend(others);
    }
    for (k, &i) in picked.iter().enumerate() {
        let difficult = if k % 10 == 9 { "1" } else { "0" };
        let row = vec![
            PROJECT_CODE.into(),
            households[i].0.code.clone(),
            "2024-01-20".into(),
            difficult.into(),
        ];
        g.table("project_members").push(row);
    }
    for &i in picked.iter().take(30) {
        let (h, ci) = &households[i];
        let unit = g.communes[*ci].code.clone();
        let code = h.code.clone();
        g.support(
            "2024-03-10",
            &unit,
            "livelihood",
            Some((&code, 1)),
            (1, 18_500_000),
            PROJECT_CODE,
        );
    }
}
