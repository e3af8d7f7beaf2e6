//! A report in the forms officers use: CSV, a print-ready XLSX sheet, HTML, and a
//! Vietnamese narrative written from the figures.

use crate::{IndicatorValue, Report};
use domain::indicators::{find, Indicator, Indicator as I, Measure};
use domain::poverty::vnd;

/// Vietnamese number style: 3.523.
pub fn count(n: i64) -> String {
    vnd(n)
}

/// 1 decimal with a comma, without a trailing ",0": 4,5 / 118,5 / 41.
pub fn decimal(x: f64) -> String {
    let s = format!("{x:.1}");
    let s = s.strip_suffix(".0").map(str::to_owned).unwrap_or(s);
    s.replace('.', ",")
}

/// Money as the union writes it: "trên 4,5 tỷ đồng", "621 triệu đồng", "2.851 tỷ đồng".
pub fn money(v: i64) -> String {
    const TY: i64 = 1_000_000_000;
    const TRIEU: i64 = 1_000_000;
    let (unit, name) = if v >= TY {
        (TY, "tỷ")
    } else if v >= TRIEU {
        (TRIEU, "triệu")
    } else {
        (1, "")
    };
    if unit == 1 {
        return format!("{} đồng", count(v));
    }
    let whole = v / unit;
    // Billions keep one decimal below 100 (4,5 tỷ); millions are whole (621 triệu).
    let tenths = if unit == TY && whole < 100 {
        (v % unit) * 10 / unit
    } else {
        0
    };
    let shown = if tenths == 0 {
        count(whole)
    } else {
        format!("{},{}", count(whole), tenths)
    };
    let shown_value = whole * unit + tenths * (unit / 10);
    let over = if v > shown_value { "trên " } else { "" };
    format!("{over}{shown} {name} đồng")
}

pub(crate) fn value_text(i: &IndicatorValue) -> String {
    match (
        i.value.as_i64(),
        i.value.as_f64(),
        find(i.code).map(|d| d.measure),
    ) {
        (Some(v), _, Some(Measure::Vnd)) => money(v),
        (Some(v), _, _) => count(v),
        (None, Some(f), _) => format!("{}%", decimal(f)),
        _ => "—".into(),
    }
}

/// A text cell of a CSV file as a spreadsheet may open it safely: a cell that begins
/// like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, so
/// that Excel shows it as text instead of running it (a unit named `=HYPERLINK(…)`).
/// The XLSX files are safe already: they store text as text.
pub fn neutralised(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// One line per indicator: code, label, value, target, achievement.
pub fn csv(report: &Report) -> String {
    csv_in(report, Csv::Codes)
}

/// How a CSV file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Csv {
    /// For programs: the contract's codes as headers, commas, a decimal point.
    Codes,
    /// For Excel in a Vietnamese locale: a BOM (so that the accents survive), Vietnamese
    /// headers, semicolons and a decimal comma.
    Vietnamese,
}

/// The report as CSV in `style`: one row per unit (each child, then the total) and
/// indicator.
pub fn csv_in(report: &Report, style: Csv) -> String {
    let vi = style == Csv::Vietnamese;
    let mut w = csv::WriterBuilder::new()
        .delimiter(if vi { b';' } else { b',' })
        .from_writer(Vec::new());
    let _ = w.write_record(if vi {
        [
            "Mã đơn vị",
            "Đơn vị",
            "Mã chỉ tiêu",
            "Chỉ tiêu",
            "Kết quả",
            "Kế hoạch",
            "Đạt %",
        ]
    } else {
        [
            "unit_code",
            "unit_name",
            "indicator",
            "label",
            "value",
            "target",
            "achievement_pct",
        ]
    });
    let number = |v: String| if vi { v.replace('.', ",") } else { v };
    let mut rows: Vec<(&crate::UnitRef, &Vec<IndicatorValue>, bool)> = Vec::new();
    if let Some(children) = &report.children {
        for c in children {
            rows.push((&c.unit, &c.indicators, c.own));
        }
    }
    rows.push((&report.unit, &report.indicators, false));
    for (unit, inds, own) in rows {
        let name = if own {
            format!("{} (trực tiếp)", unit.name)
        } else {
            unit.name.clone()
        };
        for i in inds {
            // Every text cell neutralised; numbers are written by the program itself.
            let _ = w.write_record([
                neutralised(&unit.code).as_ref(),
                neutralised(&name).as_ref(),
                neutralised(i.code).as_ref(),
                neutralised(i.label).as_ref(),
                &number(i.value.to_string().replace("null", "")),
                &i.target.map(|t| t.to_string()).unwrap_or_default(),
                &number(i.achievement_pct.map(|p| p.to_string()).unwrap_or_default()),
            ]);
        }
    }
    let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    if vi {
        format!("\u{feff}{body}")
    } else {
        body
    }
}

/// The narrative in the style of the union's own news reports, leaving out lines whose
/// figures are zero.
pub fn narrative(r: &Report) -> String {
    let year = &r.period.to[..4];
    let to = domain::Date::parse(&r.period.to)
        .map(domain::Date::dmy)
        .unwrap_or_default();
    let mut parts: Vec<String> = Vec::new();
    lead_sentence(r, year, &to, &mut parts);
    livelihood_sentence(r, &mut parts);
    credit_sentence(r, &to, &mut parts);
    startup_sentence(r, &mut parts);
    charity_sentence(r, &mut parts);
    insurance_sentence(r, &mut parts);
    unmapped_note(r, &mut parts);
    parts.join(" ")
}

/// Who, by when, and the households helped out against the plan.
fn lead_sentence(r: &Report, year: &str, to: &str, parts: &mut Vec<String>) {
    let v = |i: Indicator| r.int(i.code());
    let who = format!("Hội LHPN {}", r.unit.name);
    let mut lead = format!(
        "Năm {year}, tính đến {to}, {who} từ cấp {} đến cơ sở",
        level_word(r.unit.level)
    );
    let esc = r.get(I::HhEscaped.code());
    if v(I::HhEscaped) > 0 {
        lead.push_str(&format!(
            " đã giúp {} hộ có phụ nữ thoát nghèo, cận nghèo",
            count(v(I::HhEscaped))
        ));
        if let Some(e) = esc {
            if let (Some(t), Some(p)) = (e.target, e.achievement_pct) {
                lead.push_str(&format!(" (đạt {}% kế hoạch {} hộ)", decimal(p), count(t)));
            }
        }
    } else {
        lead.push_str(" chưa ghi nhận hộ thoát nghèo, cận nghèo trong kỳ");
    }
    parts.push(format!("{lead}."));
}

/// Livelihood means, vocational training, jobs and labour export.
fn livelihood_sentence(r: &Report, parts: &mut Vec<String>) {
    let v = |i: Indicator| r.int(i.code());
    let mut s1 = Vec::new();
    if v(I::LivelihoodRecipients) > 0 {
        s1.push(format!(
            "trao phương tiện sinh kế cho {} hội viên phụ nữ nghèo với tổng trị giá {}",
            count(v(I::LivelihoodRecipients)),
            money(v(I::LivelihoodValueVnd))
        ));
    }
    if v(I::VocationalClasses) > 0 {
        s1.push(format!(
            "phối hợp tổ chức {} lớp đào tạo nghề cho {} lao động nữ",
            count(v(I::VocationalClasses)),
            count(v(I::VocationalTrainees))
        ));
    }
    if v(I::JobsPlaced) > 0 {
        s1.push(format!(
            "giải quyết việc làm cho {} lao động nữ",
            count(v(I::JobsPlaced))
        ));
    }
    if v(I::LaborExportCounselled) > 0 {
        s1.push(format!(
            "tư vấn, xuất khẩu lao động cho {} lao động nữ",
            count(v(I::LaborExportCounselled))
        ));
    }
    if !s1.is_empty() {
        parts.push(sentence(&s1));
    }
}

/// Policy-bank credit through savings groups, its communication, the union's own loans.
fn credit_sentence(r: &Report, to: &str, parts: &mut Vec<String>) {
    let v = |i: Indicator| r.int(i.code());
    let mut s2 = Vec::new();
    if v(I::VbspClients) > 0 {
        let mut t = format!(
            "kết nối vốn vay ủy thác Ngân hàng Chính sách xã hội cho {} khách hàng (đến {to}) với dư nợ {}",
            count(v(I::VbspClients)),
            money(v(I::VbspOutstandingVnd)).replace("trên ", "")
        );
        if let Some(p) = r
            .value("vbsp_share_pct")
            .and_then(serde_json::Value::as_f64)
        {
            t.push_str(&format!(" (chiếm {}% dư nợ ủy thác)", decimal(p)));
        }
        s2.push(t);
    }
    if v(I::CreditCommunicationClasses) > 0 {
        s2.push(format!(
            "tổ chức {} lớp tuyên truyền về tín dụng chính sách xã hội",
            count(v(I::CreditCommunicationClasses))
        ));
    }
    if v(I::UnionLoans) > 0 {
        s2.push(format!(
            "cho {} lượt hội viên vay vốn từ Quỹ Hội với {}",
            count(v(I::UnionLoans)),
            money(v(I::UnionLoansValueVnd))
        ));
    }
    if !s2.is_empty() {
        parts.push(sentence(&s2));
    }
}

/// Start-ups, their clubs, cooperatives and women entrepreneurs.
fn startup_sentence(r: &Report, parts: &mut Vec<String>) {
    let v = |i: Indicator| r.int(i.code());
    let mut s3 = Vec::new();
    if v(I::StartupIdeasSupported) > 0 {
        s3.push(format!(
            "hỗ trợ hiện thực hóa {} ý tưởng khởi nghiệp",
            count(v(I::StartupIdeasSupported))
        ));
    }
    if v(I::StartupTrainingClasses) + v(I::StartupCommunicationSessions) > 0 {
        s3.push(format!(
            "mở {} lớp tập huấn, {} cuộc truyền thông về khởi nghiệp cho {} hội viên",
            count(v(I::StartupTrainingClasses)),
            count(v(I::StartupCommunicationSessions)),
            count(v(I::StartupParticipants))
        ));
    }
    if v(I::StartupClubsActive) > 0 {
        s3.push(format!(
            "duy trì {} câu lạc bộ \"Phụ nữ khởi nghiệp\"",
            count(v(I::StartupClubsActive))
        ));
    }
    if v(I::CoopsNew) > 0 {
        s3.push(format!(
            "hỗ trợ thành lập mới {} hợp tác xã có phụ nữ tham gia quản lý",
            count(v(I::CoopsNew))
        ));
    }
    if v(I::CoopsActive) > 0 {
        s3.push(format!(
            "đến nay có {} hợp tác xã với {} thành viên nữ và {} lao động nữ",
            count(v(I::CoopsActive)),
            count(v(I::CoopsFemaleMembers)),
            count(v(I::CoopsFemaleWorkers))
        ));
    }
    if v(I::WomenEntrepreneursTrained) > 0 {
        let trained = r.get(I::WomenEntrepreneursTrained.code());
        let plan = trained
            .and_then(|t| t.target)
            .map(|t| format!("/{}", count(t)))
            .unwrap_or_default();
        s3.push(format!(
            "nâng cao năng lực cho {}{plan} phụ nữ là chủ doanh nghiệp, quản lý hợp tác xã, chủ hộ kinh doanh",
            count(v(I::WomenEntrepreneursTrained))
        ));
    }
    if !s3.is_empty() {
        parts.push(sentence(&s3));
    }
}

/// Gifts, houses, sanitation, water, insurance cards and savings books.
fn charity_sentence(r: &Report, parts: &mut Vec<String>) {
    let v = |i: Indicator| r.int(i.code());
    let mut s4 = Vec::new();
    if v(I::Gifts) > 0 {
        s4.push(format!("tặng {} suất quà", count(v(I::Gifts))));
    }
    for (code, words) in [
        (I::HousesBuilt, "xây mới {} mái ấm tình thương"),
        (I::HousesRepaired, "sửa chữa {} nhà"),
        (I::SanitationWorks, "tặng {} công trình vệ sinh"),
        (I::CleanWaterWorks, "{} công trình nước sạch"),
        (I::InsuranceCards, "tặng {} thẻ bảo hiểm"),
        (I::SavingsBooks, "{} sổ tiết kiệm"),
    ] {
        if v(code) > 0 {
            s4.push(words.replace("{}", &count(v(code))));
        }
    }
    if !s4.is_empty() {
        let total = if v(I::CharityValueVnd) > 0 {
            format!(
                " với tổng tiền, quà trị giá {}",
                money(v(I::CharityValueVnd))
            )
        } else {
            String::new()
        };
        parts.push(format!(
            "Các chương trình an sinh{total}: {}.",
            s4.join(", ")
        ));
    }
}

/// Micro-insurance contracts and claims.
fn insurance_sentence(r: &Report, parts: &mut Vec<String>) {
    let v = |i: Indicator| r.int(i.code());
    if v(I::MicroinsuranceContracts) > 0 {
        let mut t = format!(
            "Triển khai bảo hiểm vi mô cho hội viên với {} hợp đồng/{}",
            count(v(I::MicroinsuranceContracts)),
            money(v(I::MicroinsurancePremiumVnd))
        );
        if v(I::MicroinsuranceClaims) > 0 {
            t.push_str(&format!(
                "; đã chi trả cho {} trường hợp rủi ro với số tiền {}",
                count(v(I::MicroinsuranceClaims)),
                money(v(I::MicroinsuranceClaimsVnd))
            ));
        }
        parts.push(format!("{t}."));
    }
}

/// Records the structure date places on no unit: said, not silently dropped.
fn unmapped_note(r: &Report, parts: &mut Vec<String>) {
    let unmapped: i64 = r.unmapped.iter().map(|u| u.records).sum();
    if unmapped > 0 {
        parts.push(format!(
            "Lưu ý: {} bản ghi trong kỳ thuộc đơn vị chưa có trong cơ cấu ngày {} nên chưa được tính (xem danh sách kèm theo).",
            count(unmapped),
            domain::Date::parse(&r.structure_date).map(domain::Date::dmy).unwrap_or_default()
        ));
    }
}

fn sentence(items: &[String]) -> String {
    let mut s = items.join("; ");
    if let Some(first) = s.chars().next() {
        s = first.to_uppercase().collect::<String>() + &s[first.len_utf8()..];
    }
    format!("{s}.")
}

fn level_word(level: &str) -> &'static str {
    match level {
        "central" => "Trung ương",
        "province" => "tỉnh",
        "district" => "huyện",
        "commune" => "xã",
        _ => "cơ sở",
    }
}

/// The sheet a province officer hands in: Vietnamese headers, one row per child unit
/// (with --by-children) and a total row, targets and % columns, đồng with thousands
/// separators, frozen header, landscape A4 fitted to one page wide.
pub fn xlsx(r: &Report) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Bao cao")?;
    let title = Format::new().set_bold().set_font_size(13);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_background_color("#DDEBF7");
    let num = Format::new()
        .set_num_format("#,##0")
        .set_border(FormatBorder::Thin);
    let pct = Format::new()
        .set_num_format("0.0")
        .set_border(FormatBorder::Thin);
    let text = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let bold_num = num.clone().set_bold();
    let bold_text = text.clone().set_bold();
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "Báo cáo kết quả hỗ trợ phụ nữ phát triển kinh tế, giảm nghèo — {}",
            r.unit.name
        ),
        &title,
    )?;
    sheet.write_string(
        1,
        0,
        format!(
            "Từ {} đến {}; cơ cấu đơn vị ngày {}",
            r.period.from, r.period.to, r.structure_date
        ),
    )?;
    // Columns: unit, then per indicator value (+ target and % where a target exists).
    let with_target: Vec<bool> = r.indicators.iter().map(|i| i.target.is_some()).collect();
    let header_row = 3;
    sheet.write_string_with_format(header_row, 0, "Mã đơn vị", &head)?;
    sheet.write_string_with_format(header_row, 1, "Đơn vị", &head)?;
    let mut col: u16 = 2;
    let mut cols = Vec::new();
    for (i, ind) in r.indicators.iter().enumerate() {
        cols.push(col);
        sheet.write_string_with_format(header_row, col, ind.label, &head)?;
        sheet.set_column_width(col, 14)?;
        col += 1;
        if with_target[i] {
            sheet.write_string_with_format(
                header_row,
                col,
                format!("{} — kế hoạch", ind.label),
                &head,
            )?;
            sheet.write_string_with_format(
                header_row,
                col + 1,
                format!("{} — % đạt", ind.label),
                &head,
            )?;
            sheet.set_column_width(col, 12)?;
            sheet.set_column_width(col + 1, 9)?;
            col += 2;
        }
    }
    sheet.set_row_height(header_row, 90)?;
    sheet.set_column_width(0, 10)?;
    sheet.set_column_width(1, 30)?;
    let mut rows: Vec<(String, String, &Vec<IndicatorValue>, bool)> = Vec::new();
    if let Some(children) = &r.children {
        for c in children {
            let name = if c.own {
                format!("{} (trực tiếp)", c.unit.name)
            } else {
                c.unit.name.clone()
            };
            rows.push((c.unit.code.clone(), name, &c.indicators, false));
        }
    }
    rows.push((
        r.unit.code.clone(),
        format!("Tổng cộng {}", r.unit.name),
        &r.indicators,
        true,
    ));
    for (row, (code, name, inds, total)) in (header_row + 1..).zip(rows) {
        let (tf, nf) = if total {
            (&bold_text, &bold_num)
        } else {
            (&text, &num)
        };
        sheet.write_string_with_format(row, 0, &code, tf)?;
        sheet.write_string_with_format(row, 1, &name, tf)?;
        for (i, ind) in inds.iter().enumerate() {
            let c = cols[i];
            match (ind.value.as_i64(), ind.value.as_f64()) {
                (Some(v), _) => sheet.write_number_with_format(row, c, v as f64, nf)?,
                (None, Some(f)) => sheet.write_number_with_format(row, c, f, &pct)?,
                _ => sheet.write_blank(row, c, tf)?,
            };
            if with_target[i] {
                match ind.target {
                    Some(t) => sheet.write_number_with_format(row, c + 1, t as f64, nf)?,
                    None => sheet.write_blank(row, c + 1, tf)?,
                };
                match ind.achievement_pct {
                    Some(p) => sheet.write_number_with_format(row, c + 2, p, &pct)?,
                    None => sheet.write_blank(row, c + 2, tf)?,
                };
            }
        }
    }
    sheet.set_freeze_panes(header_row + 1, 2)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(header_row, header_row)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_in_text_cells_are_neutralised() {
        for bad in ["=1+1", "+84", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(super::neutralised(bad), format!("'{bad}"));
        }
        assert_eq!(super::neutralised("Xã Hùng Sơn"), "Xã Hùng Sơn");
    }

    #[test]
    fn vietnamese_number_style() {
        assert_eq!(count(3523), "3.523");
        assert_eq!(money(4_512_000_000), "trên 4,5 tỷ đồng");
        assert_eq!(money(4_500_000_000), "4,5 tỷ đồng");
        assert_eq!(money(621_000_000), "621 triệu đồng");
        assert_eq!(money(60_400_000), "trên 60 triệu đồng");
        assert_eq!(money(2_851_000_000_000), "2.851 tỷ đồng");
        assert_eq!(money(20_312_000_000), "trên 20,3 tỷ đồng");
        assert_eq!(money(20_300_000_000), "20,3 tỷ đồng");
        assert_eq!(decimal(118.5), "118,5");
        assert_eq!(decimal(41.0), "41");
    }
}
