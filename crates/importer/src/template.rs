//! The Excel templates an officer fills in: per file kind, one sheet headed by the
//! columns' Vietnamese names with the contract's codes in a second header row (so that a
//! filled template imports as it is), a drop-down for every vocabulary, yes/no column and
//! for the units she may write, cells formatted as officers write dates and money, an
//! instruction sheet with every column explained and an example row. All of it comes
//! from `domain::contract`: a column added there appears here.

use domain::contract::{column_label_vi, Col, Spec, Ty};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
    FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

/// The rows of the data sheet that carry drop-downs and formats.
const DATA_ROWS: u32 = 2000;
/// The sheet that holds the drop-downs' lists (hidden).
pub const LISTS: &str = "Danh mục";
/// The instruction sheet's name.
pub const GUIDE: &str = "Hướng dẫn";

/// A unit the officer may write records of, for the unit drop-down.
pub struct UnitChoice {
    pub code: String,
    pub name: String,
}

impl UnitChoice {
    pub fn of(u: &domain::units::UnitVersion) -> UnitChoice {
        UnitChoice {
            code: u.code.clone(),
            name: u.name.clone(),
        }
    }
}

/// How a unit is written in a cell from the drop-down: the importer reads the code before
/// the dash (see [`unit_code_of`]).
pub fn unit_choice_text(u: &UnitChoice) -> String {
    format!("{} — {}", u.code, u.name)
}

/// The unit code of a cell that may hold a drop-down's "code — name".
pub fn unit_code_of(cell: &str) -> &str {
    cell.split_once(" — ").map_or(cell, |(code, _)| code).trim()
}

/// The sheet a template's data goes in: the kind's Vietnamese name (the importer reads a
/// sheet by it), or its code where the name is too long for Excel.
pub fn sheet_name(spec: &Spec) -> &'static str {
    if spec.label_vi.chars().count() <= 31 {
        spec.label_vi
    } else {
        spec.kind
    }
}

/// The template of `spec` as an XLSX file; `rows` (cells in the contract's column
/// order, as an officer would type them) fill it in: stored records to correct, or a test's.
pub fn workbook(
    spec: &Spec,
    units: &[UnitChoice],
    today: domain::Date,
    rows: &[Vec<String>],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let lists = lists_sheet(spec, units)?;
    let mut data = Worksheet::new();
    data_sheet(&mut data, spec, units, &lists)?;
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate().take(spec.cols.len()) {
            if !cell.is_empty() {
                data.write_string(r as u32 + 2, c as u16, cell)?;
            }
        }
    }
    let mut guide = Worksheet::new();
    guide_sheet(&mut guide, spec, units, today)?;
    book.push_worksheet(data);
    book.push_worksheet(guide);
    book.push_worksheet(lists.sheet);
    book.save_to_buffer()
}

/// The drop-downs' lists, one column each, and where each column's list is.
struct Lists {
    sheet: Worksheet,
    /// Per column of the spec: the formula of its list, when it has one.
    ranges: Vec<Option<String>>,
}

fn choices(col: &Col, units: &[UnitChoice]) -> Option<Vec<String>> {
    match col.ty {
        Ty::Enum(vocab) => Some(
            vocab
                .iter()
                .map(|(_, label)| domain::vocab::capitalized(label))
                .collect(),
        ),
        Ty::Bool => Some(vec!["Có".into(), "Không".into()]),
        _ if col.name == "unit_code" && !units.is_empty() => {
            Some(units.iter().map(unit_choice_text).collect())
        }
        _ => None,
    }
}

fn lists_sheet(spec: &Spec, units: &[UnitChoice]) -> Result<Lists, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(LISTS)?;
    sheet.set_hidden(true);
    let mut ranges = Vec::with_capacity(spec.cols.len());
    let mut at = 0u16;
    for col in spec.cols {
        let Some(items) = choices(col, units) else {
            ranges.push(None);
            continue;
        };
        sheet.write_string(0, at, column_label_vi(col.name))?;
        for (i, item) in items.iter().enumerate() {
            sheet.write_string(i as u32 + 1, at, item)?;
        }
        let letter = column_letter(at);
        ranges.push(Some(format!(
            "='{LISTS}'!${letter}$2:${letter}${}",
            items.len() + 1
        )));
        at += 1;
    }
    Ok(Lists { sheet, ranges })
}

fn column_letter(mut n: u16) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// How a column's cells are formatted: codes and identifiers as text (Excel keeps their
/// leading zeros), dates as DD/MM/YYYY, money with thousands grouped.
fn cell_format(ty: Ty) -> Format {
    match ty {
        Ty::Date => Format::new().set_num_format("dd/mm/yyyy"),
        Ty::Money => Format::new().set_num_format("#,##0"),
        Ty::Count | Ty::Year => Format::new().set_num_format("0"),
        Ty::Share => Format::new().set_num_format("0.00"),
        _ => Format::new().set_num_format("@"),
    }
}

fn validation(col: &Col, list: Option<&String>) -> Result<Option<DataValidation>, XlsxError> {
    let dv = match (col.ty, list) {
        (_, Some(range)) => DataValidation::new().allow_list_formula(Formula::new(range)),
        (Ty::Date, None) => DataValidation::new().allow_date(DataValidationRule::Between(
            ExcelDateTime::from_ymd(1900, 1, 1)?,
            ExcelDateTime::from_ymd(2100, 12, 31)?,
        )),
        (Ty::Count | Ty::Money, None) => DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
        (Ty::Year, None) => {
            DataValidation::new().allow_whole_number(DataValidationRule::Between(1900, 2100))
        }
        (Ty::Share, None) => {
            DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, 1.0))
        }
        (Ty::CitizenId, None) => {
            DataValidation::new().allow_text_length(DataValidationRule::EqualTo(12))
        }
        _ => return Ok(None),
    };
    // A list warns rather than stops: a code typed by hand ("F", "20443") is read too.
    let style = if list.is_some() {
        DataValidationErrorStyle::Warning
    } else {
        DataValidationErrorStyle::Stop
    };
    let dv = dv
        .set_error_title("Giá trị không hợp lệ")?
        .set_error_message(format!(
            "{}: {}.",
            column_label_vi(col.name),
            col.ty.describe_vi()
        ))?
        .set_error_style(style)
        .set_input_message(col.ty.describe_vi())?;
    Ok(Some(dv))
}

fn data_sheet(
    sheet: &mut Worksheet,
    spec: &Spec,
    units: &[UnitChoice],
    lists: &Lists,
) -> Result<(), XlsxError> {
    sheet.set_name(sheet_name(spec))?;
    let title = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xFCE4EC))
        .set_border(FormatBorder::Thin);
    let code = Format::new()
        .set_italic()
        .set_font_size(8)
        .set_font_color(Color::Gray);
    for (i, col) in spec.cols.iter().enumerate() {
        let c = i as u16;
        let mut head = column_label_vi(col.name).to_owned();
        if col.required {
            head.push_str(" *");
        }
        sheet.write_string_with_format(0, c, &head, &title)?;
        sheet.write_string_with_format(1, c, col.name, &code)?;
        let width = if col.name == "unit_code" && !units.is_empty() {
            30
        } else {
            18
        };
        sheet.set_column_width(c, width)?;
        sheet.set_column_format(c, &cell_format(col.ty))?;
        if let Some(dv) = validation(col, lists.ranges[i].as_ref())? {
            sheet.add_data_validation(2, c, DATA_ROWS, c, &dv)?;
        }
    }
    sheet.set_row_height(0, 32)?;
    sheet.set_freeze_panes(2, 0)?;
    Ok(())
}

/// A value that shows how a column is filled.
fn example(col: &Col, units: &[UnitChoice], today: domain::Date) -> String {
    match (col.name, col.ty) {
        ("unit_code", _) => units
            .first()
            .map_or_else(|| "20443".to_owned(), unit_choice_text),
        ("household_code", _) => "HGD-001".into(),
        ("head_name" | "full_name", _) => "Nguyễn Thị Lan".into(),
        ("member_no", _) => "1".into(),
        ("deprivations", _) => "health_insurance;housing_area".into(),
        (_, Ty::Enum(vocab)) => vocab
            .first()
            .map(|(_, l)| domain::vocab::capitalized(l))
            .unwrap_or_default(),
        (_, Ty::Bool) => "Có".into(),
        (_, Ty::Date) => today.dmy(),
        (_, Ty::Money) => "5.000.000".into(),
        (_, Ty::Count) => "4".into(),
        (_, Ty::Share) => "1".into(),
        (_, Ty::Year) => today.year().to_string(),
        (_, Ty::CitizenId) => "049180001234".into(),
        (_, Ty::Phone) => "0905123456".into(),
        (_, Ty::Code) => "MA-01".into(),
        (_, Ty::Text) => String::new(),
    }
}

fn guide_sheet(
    sheet: &mut Worksheet,
    spec: &Spec,
    units: &[UnitChoice],
    today: domain::Date,
) -> Result<(), XlsxError> {
    sheet.set_name(GUIDE)?;
    let bold = Format::new().set_bold();
    let big = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap();
    sheet.write_string_with_format(0, 0, format!("Mẫu nhập: {}", spec.label_vi), &big)?;
    let steps = [
        format!(
            "1. Điền mỗi dòng một bản ghi vào trang \"{}\", từ dòng 3 (dòng 1 là tên cột, dòng 2 là mã cột: giữ nguyên hai dòng này).",
            sheet_name(spec)
        ),
        "2. Cột có dấu * là bắt buộc. Cột có danh sách: chọn trong danh sách (bấm vào ô để thấy mũi tên).".into(),
        "3. Ngày viết DD/MM/YYYY; số tiền là số đồng nguyên; mã hộ, số CCCD, số điện thoại giữ nguyên số 0 ở đầu.".into(),
        "4. Lưu tệp (.xlsx) rồi gửi ở trang Nhập tệp: hệ thống kiểm tra và liệt kê mọi lỗi một lượt, cho xem trước những gì sẽ thêm và sửa; chỉ khi bạn xác nhận mới ghi.".into(),
        "5. Một dòng có mã đã có sẽ thay bản ghi cũ (được ghi vào nhật ký). Để xóa một bản ghi: thêm cột Xóa = Có và cột Lý do.".into(),
    ];
    for (i, s) in steps.iter().enumerate() {
        sheet.write_string(i as u32 + 2, 0, s)?;
    }
    let top = steps.len() as u32 + 3;
    let heads = [
        "Cột",
        "Mã cột",
        "Bắt buộc",
        "Cách điền",
        "Giá trị được chọn",
        "Ví dụ",
    ];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(top, c as u16, *h, &bold)?;
    }
    for (i, col) in spec.cols.iter().enumerate() {
        let r = top + 1 + i as u32;
        sheet.write_string(r, 0, column_label_vi(col.name))?;
        sheet.write_string(r, 1, col.name)?;
        sheet.write_string(r, 2, if col.required { "Có" } else { "" })?;
        sheet.write_string_with_format(r, 3, col.ty.describe_vi(), &wrap)?;
        if let Ty::Enum(vocab) = col.ty {
            let allowed: Vec<String> = vocab
                .iter()
                .map(|(code, label)| format!("{} ({code})", domain::vocab::capitalized(label)))
                .collect();
            sheet.write_string_with_format(r, 4, allowed.join("; "), &wrap)?;
        } else if col.name == "unit_code" && !units.is_empty() {
            sheet.write_string_with_format(
                r,
                4,
                format!("{} đơn vị bạn được nhập (danh sách trong ô)", units.len()),
                &wrap,
            )?;
        }
        sheet.write_string(r, 5, example(col, units, today))?;
    }
    let ex = top + spec.cols.len() as u32 + 2;
    sheet.write_string_with_format(
        ex,
        0,
        "Ví dụ một dòng (chép vào trang dữ liệu, từ dòng 3):",
        &bold,
    )?;
    for (c, col) in spec.cols.iter().enumerate() {
        sheet.write_string_with_format(ex + 1, c as u16, column_label_vi(col.name), &bold)?;
        sheet.write_string(ex + 2, c as u16, example(col, units, today))?;
    }
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 20)?;
    sheet.set_column_width(3, 40)?;
    sheet.set_column_width(4, 40)?;
    sheet.set_column_width(5, 22)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists' columns are named as Excel names them; a unit is read back from the
    /// drop-down's text.
    #[test]
    fn list_columns_and_unit_choices() {
        let letters: Vec<String> = [0, 25, 26, 27].map(column_letter).to_vec();
        assert_eq!(letters, ["A", "Z", "AA", "AB"]);
        let u = UnitChoice {
            code: "20443".into(),
            name: "Xã Tây Giang".into(),
        };
        assert_eq!(unit_code_of(&unit_choice_text(&u)), "20443");
        assert_eq!(unit_code_of(" 20443 "), "20443");
    }
}
