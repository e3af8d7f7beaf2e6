//! The `lasting` report as a leader reads it (Vietnamese text) and as a workbook.

use super::{Cohort, Followup, Lasting};
use domain::indicators::ALL;

/// A percentage as Vietnamese writes it ("90,4%"), or a dash.
pub fn pct_vi(p: Option<f64>) -> String {
    p.map_or_else(
        || "—".to_owned(),
        |p| format!("{}%", crate::render::decimal(p)),
    )
}

/// The cohort a headline speaks of: the latest with a share held after two years, else
/// the latest with one after one year; with that follow-up.
pub fn headline(l: &Lasting) -> Option<(&Cohort, &Followup)> {
    [2, 1].into_iter().find_map(|k| {
        l.cohorts.iter().rev().find_map(|c| {
            c.followup
                .iter()
                .find(|f| f.years == k && f.held_pct.is_some())
                .map(|f| (c, f))
        })
    })
}

/// The narrative's sentence: "Trong 540 hộ thoát nghèo, cận nghèo năm 2023, 97,2% vẫn
/// giữ được sau 2 năm (…)", or nothing while no cohort has been followed up.
pub fn sentence(l: &Lasting) -> Option<String> {
    use crate::render::count;
    let (c, f) = headline(l)?;
    let mut out = format!(
        "Trong {} hộ thoát nghèo, cận nghèo năm {} có Hội nhận giúp đỡ, {} vẫn giữ được sau {} năm ({} hộ giữ được, {} hộ tái nghèo{})",
        count(c.escaped as i64),
        c.year,
        pct_vi(f.held_pct),
        f.years,
        count(f.held as i64),
        count(f.lost as i64),
        if f.pending > 0 {
            format!(", {} hộ chưa rà soát", count(f.pending as i64))
        } else {
            String::new()
        }
    );
    if let Some(v) = c.value.cost_per_lasting_escape_vnd.filter(|_| f.years == 2) {
        out.push_str(&format!(
            "; chi hỗ trợ bình quân {} đồng cho mỗi hộ thoát nghèo bền vững",
            count(v)
        ));
    }
    out.push('.');
    Some(out)
}

/// The comparison of one cohort in words, with the caution that it compares households
/// and does not prove the support was the cause.
pub fn comparison_sentence(c: &Cohort) -> Option<String> {
    let (a, o) = (&c.comparison.assigned, &c.comparison.others);
    let d = c.comparison.difference_pp?;
    let (lo, hi) = (c.comparison.ci_low_pp?, c.comparison.ci_high_pp?);
    Some(format!(
        "Năm {}, {} hộ nghèo, cận nghèo được Hội nhận giúp đỡ thoát nghèo, cận nghèo (trong {} hộ), hộ khác cùng diện {} (trong {} hộ); \
         so trong cùng xã và cùng mức nghèo năm trước, chênh lệch {} điểm phần trăm (khoảng tin cậy 95%: {} đến {}). \
         Đây là so sánh giữa các hộ, không phải bằng chứng hỗ trợ là nguyên nhân.",
        c.year,
        pct_vi(a.rate_pct),
        crate::render::count(a.households as i64),
        pct_vi(o.rate_pct),
        crate::render::count(o.households as i64),
        crate::render::decimal(d),
        crate::render::decimal(lo),
        crate::render::decimal(hi)
    ))
}

/// The cohorts as the printed report's table.
pub fn print_table(l: &Lasting) -> crate::document::Table {
    use crate::render::count;
    let held = |c: &Cohort, k: i32| {
        c.followup
            .iter()
            .find(|f| f.years == k)
            .map(|f| match f.held_pct {
                Some(p) => format!("{} ({})", count(f.held as i64), pct_vi(Some(p))),
                None => "—".to_owned(),
            })
            .unwrap_or_default()
    };
    crate::document::Table {
        headings: [
            "Năm",
            "Hộ thoát nghèo, cận nghèo",
            "Giữ được sau 1 năm",
            "Sau 2 năm",
            "Sau 3 năm",
            "Chi mỗi hộ thoát bền vững (đồng)",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: l
            .cohorts
            .iter()
            .map(|c| {
                vec![
                    c.year.to_string(),
                    count(c.escaped as i64),
                    held(c, 1),
                    held(c, 2),
                    held(c, 3),
                    c.value
                        .cost_per_lasting_escape_vnd
                        .map(count)
                        .unwrap_or_else(|| "—".to_owned()),
                ]
            })
            .collect(),
        numeric: vec![false, true, true, true, true, true],
        widths: vec![0.1, 0.18, 0.18, 0.18, 0.16, 0.2],
    }
}

/// The report in Vietnamese, as a leader reads it.
pub fn text(l: &Lasting) -> String {
    use crate::render::count;
    let mut out = format!(
        "Thoát nghèo bền vững — {} ({}), số liệu đến ngày {}, theo cơ cấu đơn vị ngày {}\n",
        l.unit.name,
        l.unit.code,
        domain::date::dmy_text(&l.as_of),
        domain::date::dmy_text(&l.structure_date)
    );
    for c in &l.cohorts {
        out.push_str(&format!(
            "\nNăm {}: {} hộ thoát nghèo, cận nghèo.\n",
            c.year,
            count(c.escaped as i64)
        ));
        for f in &c.followup {
            out.push_str(&format!(
                "  Sau {} năm: {} hộ giữ được, {} hộ tái nghèo, {} hộ chưa rà soát — giữ được {}\n",
                f.years,
                count(f.held as i64),
                count(f.lost as i64),
                count(f.pending as i64),
                pct_vi(f.held_pct)
            ));
        }
        let (a, o) = (&c.comparison.assigned, &c.comparison.others);
        out.push_str(&format!(
            "  Hộ được Hội nhận giúp: {}/{} thoát ({}); hộ khác cùng diện: {}/{} thoát ({}).\n",
            count(a.escaped as i64),
            count(a.households as i64),
            pct_vi(a.rate_pct),
            count(o.escaped as i64),
            count(o.households as i64),
            pct_vi(o.rate_pct)
        ));
        if let (Some(d), Some(lo), Some(hi)) = (
            c.comparison.difference_pp,
            c.comparison.ci_low_pp,
            c.comparison.ci_high_pp,
        ) {
            out.push_str(&format!(
                "  Chênh lệch (so cùng xã, cùng mức nghèo năm trước): {} điểm % (khoảng tin cậy 95%: {} đến {}). \
                 Đây là so sánh giữa các hộ, không phải bằng chứng hỗ trợ là nguyên nhân.\n",
                crate::render::decimal(d),
                crate::render::decimal(lo),
                crate::render::decimal(hi)
            ));
        }
        out.push_str(&format!(
            "  Chi hỗ trợ hộ được nhận giúp: {} đồng; mỗi hộ thoát: {}; mỗi hộ thoát bền vững (sau 2 năm): {}.\n",
            count(c.value.spend_vnd),
            c.value.cost_per_escape_vnd.map_or("—".to_owned(), |v| format!("{} đồng", count(v))),
            c.value.cost_per_lasting_escape_vnd.map_or("—".to_owned(), |v| format!("{} đồng", count(v)))
        ));
    }
    out.push_str(&format!(
        "\nHộ cần theo dõi: {} hộ mới thoát nghèo có dấu hiệu tái nghèo.\n",
        count(l.at_risk.len() as i64)
    ));
    for r in l.at_risk.iter().take(20) {
        let signs: Vec<&str> = r.signs.iter().map(|s| s.label_vi()).collect();
        out.push_str(&format!("  {}: {}\n", r.household_code, signs.join("; ")));
    }
    out.push_str("\nDự báo cả năm:\n");
    for f in l
        .forecast
        .iter()
        .filter(|f| f.so_far != 0 || f.target.is_some())
    {
        let label = ALL
            .iter()
            .find(|d| d.code == f.indicator)
            .map_or(f.indicator, |d| d.label_vi);
        out.push_str(&format!(
            "  {label}: đến nay {}, dự báo {}{}\n",
            count(f.so_far),
            f.forecast.map_or("—".to_owned(), count),
            f.target.map_or(String::new(), |t| format!(
                ", chỉ tiêu {} ({})",
                count(t),
                pct_vi(f.forecast_achievement_pct)
            ))
        ));
    }
    out
}

/// The report as a workbook: the cohorts, the households at risk, the forecast.
pub fn xlsx(l: &Lasting) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let head = Format::new().set_bold().set_text_wrap();
    let num = Format::new().set_num_format("#,##0");
    let pct = Format::new().set_num_format("0.0");
    let opt = |v: Option<f64>| v.unwrap_or(f64::NAN);
    let sheet = book.add_worksheet();
    sheet.set_name("Thoat ngheo ben vung")?;
    let headings = [
        "Năm",
        "Hộ thoát",
        "Giữ được sau 1 năm",
        "Tái nghèo sau 1 năm",
        "Chưa rà soát sau 1 năm",
        "% giữ được sau 1 năm",
        "Giữ được sau 2 năm",
        "Tái nghèo sau 2 năm",
        "Chưa rà soát sau 2 năm",
        "% giữ được sau 2 năm",
        "Giữ được sau 3 năm",
        "Tái nghèo sau 3 năm",
        "Chưa rà soát sau 3 năm",
        "% giữ được sau 3 năm",
        "Hộ được nhận giúp (cùng diện)",
        "Trong đó thoát",
        "Tỷ lệ thoát (%)",
        "Hộ khác cùng diện",
        "Trong đó thoát",
        "Tỷ lệ thoát (%)",
        "Chênh lệch (điểm %)",
        "Cận dưới",
        "Cận trên",
        "Hộ nhận giúp không có hộ so sánh",
        "Chi hỗ trợ (đồng)",
        "Chi mỗi hộ thoát",
        "Chi mỗi hộ thoát bền vững",
    ];
    for (c, h) in headings.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &head)?;
    }
    for (r, c) in l.cohorts.iter().enumerate() {
        let row = r as u32 + 1;
        let mut col = 0u16;
        let mut n = |sheet: &mut rust_xlsxwriter::Worksheet,
                     v: f64,
                     f: &Format|
         -> Result<(), rust_xlsxwriter::XlsxError> {
            if !v.is_nan() {
                sheet.write_number_with_format(row, col, v, f)?;
            }
            col += 1;
            Ok(())
        };
        n(sheet, f64::from(c.year), &Format::new())?;
        n(sheet, c.escaped as f64, &num)?;
        for f in &c.followup {
            n(sheet, f.held as f64, &num)?;
            n(sheet, f.lost as f64, &num)?;
            n(sheet, f.pending as f64, &num)?;
            n(sheet, opt(f.held_pct), &pct)?;
        }
        let cmp = &c.comparison;
        for g in [&cmp.assigned, &cmp.others] {
            n(sheet, g.households as f64, &num)?;
            n(sheet, g.escaped as f64, &num)?;
            n(sheet, opt(g.rate_pct), &pct)?;
        }
        n(sheet, opt(cmp.difference_pp), &pct)?;
        n(sheet, opt(cmp.ci_low_pp), &pct)?;
        n(sheet, opt(cmp.ci_high_pp), &pct)?;
        n(sheet, cmp.assigned_left_out as f64, &num)?;
        n(sheet, c.value.spend_vnd as f64, &num)?;
        n(
            sheet,
            c.value.cost_per_escape_vnd.map_or(f64::NAN, |v| v as f64),
            &num,
        )?;
        n(
            sheet,
            c.value
                .cost_per_lasting_escape_vnd
                .map_or(f64::NAN, |v| v as f64),
            &num,
        )?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("Ho can theo doi")?;
    sheet.write_string_with_format(0, 0, "Mã hộ", &head)?;
    sheet.write_string_with_format(0, 1, "Dấu hiệu", &head)?;
    for (r, a) in l.at_risk.iter().enumerate() {
        sheet.write_string(r as u32 + 1, 0, &a.household_code)?;
        let signs: Vec<&str> = a.signs.iter().map(|s| s.label_vi()).collect();
        sheet.write_string(r as u32 + 1, 1, signs.join("; "))?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("Du bao")?;
    for (c, h) in [
        "Chỉ tiêu",
        "Đến nay",
        "Dự báo cả năm",
        "Kế hoạch",
        "% kế hoạch (dự báo)",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(0, c as u16, *h, &head)?;
    }
    for (r, f) in l.forecast.iter().enumerate() {
        let row = r as u32 + 1;
        let label = ALL
            .iter()
            .find(|d| d.code == f.indicator)
            .map_or(f.indicator, |d| d.label_vi);
        sheet.write_string(row, 0, label)?;
        sheet.write_number_with_format(row, 1, f.so_far as f64, &num)?;
        if let Some(v) = f.forecast {
            sheet.write_number_with_format(row, 2, v as f64, &num)?;
        }
        if let Some(v) = f.target {
            sheet.write_number_with_format(row, 3, v as f64, &num)?;
        }
        if let Some(v) = f.forecast_achievement_pct {
            sheet.write_number_with_format(row, 4, v, &pct)?;
        }
    }
    book.save_to_buffer()
}
