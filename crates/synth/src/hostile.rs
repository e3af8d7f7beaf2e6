//! Hostile files, synthetic: what a careless or malicious user could send to the
//! import (a sparse sheet that declares a huge rectangle, a string bomb, a sheet past
//! Excel's last row, a line of megabytes, a thousand columns, NUL bytes, a name of
//! a megabyte, UTF-16), each with the words of the refusal it must get; and workbooks
//! written part by part, as no spreadsheet program would. The tests check the refusals,
//! `donghanh-bench hostile` measures the memory they cost.

use std::io::Write;
use std::path::{Path, PathBuf};

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// Writes an XLSX archive part by part: one sheet named `sheet`, whose XML between
/// `<sheetData>` and `</sheetData>` `rows` writes in pieces (so that a bomb never sits
/// in memory), a date style (s="1"), and the 1904 date system when `date1904`.
pub fn workbook(
    path: &Path,
    sheet: &str,
    date1904: bool,
    rows: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let file = std::fs::File::create(path)?;
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let pkg = "http://schemas.openxmlformats.org/package/2006/relationships";
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#
                .to_owned(),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{rel}"><workbookPr date1904="{}"/><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
                u8::from(date1904)
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/styles.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#
            ),
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, opts)?;
        zip.write_all(text.as_bytes())?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", opts)?;
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>"#
    )?;
    rows(&mut zip)?;
    write!(zip, "</sheetData></worksheet>")?;
    zip.finish()?;
    Ok(())
}

pub fn text_cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// The households file's header, as the contract defines it.
fn household_head() -> Vec<&'static str> {
    domain::contract::HOUSEHOLDS.header()
}

pub fn header_row() -> String {
    let cols = "ABCDEFGH";
    let cells: String = household_head()
        .iter()
        .zip(cols.chars())
        .map(|(h, c)| text_cell(&format!("{c}1"), h))
        .collect();
    format!(r#"<row r="1">{cells}</row>"#)
}

/// A households file with its header and one household whose head is `name`.
fn row(name: &str) -> String {
    format!(
        "{}\nH1,00100,2024-01-02,{name},F,rural,0,3\n",
        household_head().join(",")
    )
}

/// `text` as `households.csv` in the folder `sub` of `dir` (a CSV file's kind is its name).
fn households_csv(dir: &Path, sub: &str, text: &str) -> std::io::Result<PathBuf> {
    let folder = dir.join(sub);
    std::fs::create_dir_all(&folder)?;
    let path = folder.join("households.csv");
    std::fs::write(&path, text)?;
    Ok(path)
}

/// A households sheet with its header and one text cell far away (row, column letters).
fn one_far_cell(path: &Path, (row, col): (u32, &str), text: &str) -> std::io::Result<()> {
    workbook(path, "households", false, |w| {
        write!(w, "{}", header_row())?;
        let cell = text_cell(&format!("{col}{row}"), text);
        write!(w, r#"<row r="{row}">{cell}</row>"#)
    })
}

/// Every hostile file, written into `dir`, with the words its refusal must contain.
pub fn write_all(dir: &Path) -> std::io::Result<Vec<(PathBuf, &'static str)>> {
    let mut out = Vec::new();
    // One cell at A1 and one at XFD1048576: a sheet that declares 17 billion cells.
    let sparse = dir.join("sparse.xlsx");
    one_far_cell(&sparse, (1_048_576, "XFD"), "x")?;
    out.push((sparse, "quá cột thứ 256"));
    // A cell of 210 MB of text, about 200 KB compressed.
    let bomb = dir.join("bomb.xlsx");
    workbook(&bomb, "households", false, |w| {
        write!(w, "{}", header_row())?;
        write!(w, r#"<row r="2"><c r="A2" t="inlineStr"><is><t>"#)?;
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..210 {
            w.write_all(&chunk)?;
        }
        write!(w, "</t></is></c></row>")
    })?;
    out.push((bomb, "khi giải nén, lớn hơn 200 MB"));
    // A row past Excel's last.
    let rows = dir.join("rows.xlsx");
    one_far_cell(&rows, (2_000_000, "A"), "H1")?;
    out.push((rows, "hơn 1048576 dòng"));
    // A line of 2 MB.
    let long = households_csv(dir, "long", &row(&"a".repeat(2 << 20)))?;
    out.push((long, "có dòng dài hơn 1 MB"));
    // A thousand columns.
    let extra: String = (0..1000).map(|i| format!(",x_{i}")).collect();
    let header = format!("{}{extra}", household_head().join(","));
    let wide = row("Lê Thị Hoa").replacen(&household_head().join(","), &header, 1);
    let wide = households_csv(dir, "wide", &wide)?;
    out.push((wide, "tối đa 256 cột"));
    // A NUL inside a name.
    let nul = households_csv(dir, "nul", &row("Lê\0Thị Hoa"))?;
    out.push((nul, "ký tự điều khiển"));
    // A name of a megabyte within the line limit: refused as too long a name.
    let name = households_csv(dir, "name", &row(&"Lê Thị Hoa ".repeat(60_000)))?;
    out.push((name, "dài quá 300 ký tự"));
    // UTF-16, as some spreadsheet programs save "Unicode text".
    let mut bytes = vec![0xFF, 0xFE];
    for u in row("Lê Thị Hoa").encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let utf16 = households_csv(dir, "utf16", "")?;
    std::fs::write(&utf16, bytes)?;
    out.push((utf16, "không phải UTF-8"));
    Ok(out)
}
