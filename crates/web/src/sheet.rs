//! A list as both a page's table and an Excel download: one definition of its headings
//! and cells, so that what an officer downloads is what she saw. On a phone the table
//! collapses to one card per row, each cell under its heading (`table.cards` in the style
//! sheet reads the `data-label` of each cell).

use crate::error::{AppError, Reply};
use axum::http::header;
use axum::response::IntoResponse;
use maud::{html, Markup};

/// One cell: its text, and where it links to, if anywhere.
#[derive(Clone, Debug, Default)]
pub struct Cell {
    pub text: String,
    pub link: Option<String>,
    /// A number, right-aligned on the page and written as a number in Excel.
    pub number: bool,
    /// A day, written as a date in Excel (shown DD/MM/YYYY on both).
    pub date: Option<domain::Date>,
    /// With `date`: the time of day (hour, minute), shown DD/MM/YYYY HH:MM.
    pub clock: Option<(u8, u8)>,
}

impl Cell {
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            link: Some(href.into()),
            ..Cell::default()
        }
    }

    /// A day, as officers write it and as Excel holds dates.
    pub fn date(d: domain::Date) -> Cell {
        Cell {
            text: d.dmy(),
            date: Some(d),
            ..Cell::default()
        }
    }

    /// A moment (a day and a time of day), as officers read it and as Excel holds it.
    pub fn moment(d: domain::Date, hour: u8, minute: u8) -> Cell {
        Cell {
            text: format!("{} {hour:02}:{minute:02}", d.dmy()),
            date: Some(d),
            clock: Some((hour, minute)),
            ..Cell::default()
        }
    }

    /// A number, given whole or as the pages write it (`render::count`, `render::decimal`).
    pub fn number(n: impl std::fmt::Display) -> Cell {
        Cell {
            text: n.to_string(),
            number: true,
            ..Cell::default()
        }
    }
}

impl<T: Into<String>> From<T> for Cell {
    fn from(text: T) -> Cell {
        Cell {
            text: text.into(),
            ..Cell::default()
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Sheet {
    /// The sheet's name in Excel (31 characters at most).
    pub name: String,
    pub headings: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// What a person may do with each row (links to correct, to delete), shown on the
    /// page after its cells, never downloaded; one per row, `None` where there is none.
    pub actions: Vec<Option<Markup>>,
}

impl Sheet {
    pub fn new(name: &str, headings: &[&str]) -> Sheet {
        Sheet {
            name: name.chars().take(31).collect(),
            headings: headings.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            actions: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
        self.actions.push(None);
    }

    /// A row with what may be done with it.
    pub fn push_with(&mut self, row: Vec<Cell>, actions: Markup) {
        self.rows.push(row);
        self.actions.push(Some(actions));
    }

    /// The table on a page: a table on a wide screen, cards on a phone.
    pub fn table(&self) -> Markup {
        let acts = self.actions.iter().any(Option::is_some);
        html! {
            table.cards {
                thead { tr { @for h in &self.headings { th { (h) } } @if acts { th {} } } }
                tbody {
                    @for (r, row) in self.rows.iter().enumerate() {
                        tr {
                            @for (c, cell) in row.iter().enumerate() {
                                @let label = self.headings.get(c).map_or("", String::as_str);
                                td class=[cell.number.then_some("n")] data-label=(label) {
                                    @match &cell.link {
                                        Some(href) => a href=(href) { (cell.text) },
                                        None => (cell.text),
                                    }
                                }
                            }
                            @if acts { td { @if let Some(Some(a)) = self.actions.get(r) { (a) } } }
                        }
                    }
                }
            }
        }
    }

    /// The list as an XLSX file: headings in bold, frozen; numbers as numbers (thousands
    /// grouped), dates as dates (DD/MM/YYYY), the rest as text (codes keep their leading
    /// zeros).
    pub fn xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(self.name.replace(['/', '\\', '?', '*', '[', ']', ':'], " "))?;
        let bold = rust_xlsxwriter::Format::new().set_bold().set_text_wrap();
        let whole = rust_xlsxwriter::Format::new().set_num_format("#,##0");
        let fraction = rust_xlsxwriter::Format::new().set_num_format("#,##0.0");
        let day = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        let moment = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy hh:mm");
        for (c, h) in self.headings.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h, &bold)?;
            sheet.set_column_width(c as u16, 18)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let at = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                match (cell.date, vietnamese_number(&cell.text)) {
                    (Some(d), _) => {
                        let (y, m, dd) = d.ymd();
                        let when = rust_xlsxwriter::ExcelDateTime::from_ymd(
                            u16::try_from(y).unwrap_or(1900),
                            u8::try_from(m).unwrap_or(1),
                            u8::try_from(dd).unwrap_or(1),
                        )?;
                        match cell.clock {
                            Some((h, min)) => {
                                let when = when.and_hms(u16::from(h), min, 0)?;
                                sheet.write_datetime_with_format(at, col, &when, &moment)?
                            }
                            None => sheet.write_datetime_with_format(at, col, &when, &day)?,
                        }
                    }
                    (None, Some(n)) if cell.number => {
                        let format = if n.fract() == 0.0 { &whole } else { &fraction };
                        sheet.write_number_with_format(at, col, n, format)?
                    }
                    _ => sheet.write_string(at, col, &cell.text)?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        book.save_to_buffer()
    }

    /// The list as a download named `file` (`.xlsx` added).
    pub fn download(&self, file: &str) -> Reply {
        let bytes = self.xlsx().map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(xlsx_download(&format!("{file}.xlsx"), bytes))
    }
}

/// Rows per page of a long list (a province's cohort has hundreds of households); its download has them all.
pub const PER_PAGE: usize = 100;

/// The rows of page `page`, and the list's footing: how many, which are shown, and the
/// links to the pages before and after (`href` makes a page's address).
pub fn paged<T>(rows: &[T], page: usize, href: impl Fn(usize) -> String) -> (&[T], Markup) {
    let pages = rows.len().div_ceil(PER_PAGE).max(1);
    let page = page.min(pages - 1);
    let first = page * PER_PAGE;
    let shown = &rows[first.min(rows.len())..(first + PER_PAGE).min(rows.len())];
    let footing = html! {
        @if pages > 1 {
            p.noprint { "Hiển thị " (first + 1) "–" (first + shown.len()) " trong " (reports::render::count(rows.len() as i64)) ". "
                @if page > 0 { a href=(href(page - 1)) { "← Trang trước" } " " }
                @if page + 1 < pages { a href=(href(page + 1)) { "Trang sau →" } } }
        }
    };
    (shown, footing)
}

/// A number as the pages write it ("1.234", "118,5": dots group thousands, the comma is
/// the decimal point), for Excel to hold as a number.
fn vietnamese_number(text: &str) -> Option<f64> {
    text.trim().replace('.', "").replace(',', ".").parse().ok()
}

/// An XLSX file as a download. The name is made of safe characters by the caller; it is
/// also given percent-encoded for names with Vietnamese letters.
pub fn xlsx_download(file: &str, bytes: Vec<u8>) -> axum::response::Response {
    let ascii: String = file
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &ascii,
        bytes,
    )
}

/// A file as a download: its type, its name (safe characters, chosen by the caller), its
/// bytes.
pub fn attachment(content_type: &str, file: &str, bytes: Vec<u8>) -> axum::response::Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_as_the_pages_write_them() {
        assert_eq!(super::vietnamese_number("1.234"), Some(1234.0));
        assert_eq!(super::vietnamese_number("118,5"), Some(118.5));
        assert_eq!(super::vietnamese_number("42"), Some(42.0));
        assert_eq!(super::vietnamese_number("trên 4,6 tỷ"), None);
    }
}
