//! What a file from a user may hold, checked before anything is allocated for it: every
//! file is hostile until bounded. A file past a limit is refused with a message naming the
//! limit (`Refusal::OverLimit`); nothing of it is written.

/// An XLSX file as uploaded (compressed).
pub const XLSX_BYTES: u64 = 100 * 1024 * 1024;
/// One part of an XLSX archive once decompressed (a sheet, the shared strings), measured
/// by decompressing it, not by what the archive declares.
pub const XLSX_PART_BYTES: u64 = 200 * 1024 * 1024;
/// All parts of an XLSX archive once decompressed.
pub const XLSX_TOTAL_BYTES: u64 = 400 * 1024 * 1024;
/// Rows of one sheet: Excel's own maximum.
pub const ROWS: usize = 1_048_576;
/// Columns of a file or sheet: the widest file kind has 10, with room for `x_` columns.
pub const COLUMNS: usize = 256;
/// Characters of one cell: Excel's own maximum.
pub const CELL_CHARS: usize = 32_767;
/// Bytes of one physical line of a CSV file.
pub const LINE_BYTES: usize = 1024 * 1024;
/// Errors kept in a rejection: the rest are counted.
pub const ERRORS_KEPT: usize = 1_000;

/// Which limit a file went past, for the officer's message and the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Limit {
    XlsxBytes,
    XlsxPartBytes,
    XlsxTotalBytes,
    Rows,
    Columns,
    CellChars,
    LineBytes,
}

impl Limit {
    /// (Vietnamese, English) description of the limit with its figure.
    pub fn describe(self) -> (String, String) {
        let mb = |b: u64| b / (1024 * 1024);
        match self {
            Limit::XlsxBytes => (
                format!("tệp Excel lớn hơn {} MB", mb(XLSX_BYTES)),
                format!("the workbook is over {} MB", mb(XLSX_BYTES)),
            ),
            Limit::XlsxPartBytes => (
                format!(
                    "một trang của tệp Excel, khi giải nén, lớn hơn {} MB",
                    mb(XLSX_PART_BYTES)
                ),
                format!(
                    "a part of the workbook decompresses to over {} MB",
                    mb(XLSX_PART_BYTES)
                ),
            ),
            Limit::XlsxTotalBytes => (
                format!(
                    "tệp Excel, khi giải nén, lớn hơn {} MB",
                    mb(XLSX_TOTAL_BYTES)
                ),
                format!(
                    "the workbook decompresses to over {} MB",
                    mb(XLSX_TOTAL_BYTES)
                ),
            ),
            Limit::Rows => (
                format!("trang tính có hơn {ROWS} dòng"),
                format!("the sheet has over {ROWS} rows"),
            ),
            Limit::Columns => (
                format!("có ô ở quá cột thứ {COLUMNS} (tối đa {COLUMNS} cột)"),
                format!("a cell lies beyond column {COLUMNS}"),
            ),
            Limit::CellChars => (
                format!("có ô dài hơn {CELL_CHARS} ký tự"),
                format!("a cell is longer than {CELL_CHARS} characters"),
            ),
            Limit::LineBytes => (
                format!("có dòng dài hơn {} MB", LINE_BYTES / (1024 * 1024)),
                format!("a line is longer than {} MB", LINE_BYTES / (1024 * 1024)),
            ),
        }
    }
}

/// A reader that fails once a physical line (bytes between two newlines) passes
/// [`LINE_BYTES`], so that a CSV record never grows without bound.
pub struct LineLimited<R> {
    inner: R,
    since_newline: usize,
}

impl<R> LineLimited<R> {
    pub fn new(inner: R) -> LineLimited<R> {
        LineLimited {
            inner,
            since_newline: 0,
        }
    }
}

/// The error [`LineLimited`] reads with, recognised by [`is_line_too_long`].
const LINE_TOO_LONG: &str = "donghanh: line over the limit";

pub fn is_line_too_long(e: &std::io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.to_string() == LINE_TOO_LONG)
}

impl<R: std::io::Read> std::io::Read for LineLimited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.since_newline = 0;
            } else {
                self.since_newline += 1;
                if self.since_newline > LINE_BYTES {
                    return Err(std::io::Error::other(LINE_TOO_LONG));
                }
            }
        }
        Ok(n)
    }
}
