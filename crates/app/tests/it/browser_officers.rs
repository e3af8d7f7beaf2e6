//! Issue 15 in real Chromium, on a phone (360 px) and a laptop (1366 px): a template
//! downloaded, filled with Vietnamese names and sent through the form, every error of a
//! bad file at once, the preview of changes, confirmed; search by code and by words in
//! any order; the leader's dashboard, the targets grid and the PDF; no page scrolling
//! sideways.

use crate::browser::Browser;
use crate::web_support::*;
use serde_json::json;

impl Browser {
    /// The content type of what a link of the page leads to, fetched as the page would.
    fn link_type(&self, css: &str) -> String {
        let script = "const done = arguments[arguments.length - 1]; \
            fetch(document.querySelector(arguments[0]).href) \
              .then(r => done(r.status + ' ' + r.headers.get('content-type'))) \
              .catch(e => done('error ' + e));";
        let v = self.call(
            "POST",
            &self.s("/execute/async"),
            Some(json!({"script": script, "args": [css]})),
        );
        v["value"].as_str().unwrap_or_default().to_owned()
    }

    /// Chooses a file in a file field, as a person does in the phone's file picker.
    fn attach(&self, css: &str, path: &std::path::Path) {
        let el = self.find(css);
        self.call(
            "POST",
            &self.s(&format!("/element/{el}/value")),
            Some(json!({"text": path.display().to_string()})),
        );
    }
}

#[test]
fn an_officer_fills_a_template_searches_and_prints_on_a_phone_and_a_laptop() {
    let (server, b, unit) = Browser::clerk_on_demo();
    let base = &server.base;

    // The template comes as an Excel file.
    b.go(&format!("{base}/import"));
    b.wait_for("Tải mẫu Excel");
    assert_eq!(
        b.link_type("a[href='/import/template/households']"),
        "200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    // Filled as a person fills it in Excel: the unit from the drop-down, Vietnamese
    // names, dates as DD/MM/YYYY (written here by the template's own maker).
    let dir = tempfile::tempdir().unwrap();
    let choice = importer::template::UnitChoice {
        code: unit.clone(),
        name: "đơn vị của tôi".into(),
    };
    let picked = importer::template::unit_choice_text(&choice);
    let row = |cells: String| cells.split(';').map(str::to_owned).collect::<Vec<_>>();
    let rows = vec![
        row(format!(
            "WEB-B01;{picked};05/03/2026;Lò Thị Sáu;Nữ;Nông thôn;Có;3"
        )),
        row(format!(
            "WEB-B02;{picked};06/03/2026;Vi Thị Năm;Nữ;Thành thị;Không;2"
        )),
    ];
    let filled = dir.path().join("mau-ho.xlsx");
    std::fs::write(
        &filled,
        importer::template::workbook(
            &domain::contract::HOUSEHOLDS,
            &[choice],
            crate::support::date("2026-12-02"),
            &rows,
        )
        .unwrap(),
    )
    .unwrap();
    b.attach("#file", &filled);
    b.submit();
    b.wait_for("Những gì sẽ thay đổi");
    let preview = b.source();
    assert!(preview.contains("WEB-B01") && preview.contains("Giới tính chủ hộ: Nữ"));
    b.screenshot("import-preview");
    b.click("form[action='/import/confirm'] button");
    b.wait_for("Đã ghi: thêm mới 2");

    // A bad file: its three errors on one page, downloadable.
    let bad = dir.path().join("households.csv");
    std::fs::write(
        &bad,
        format!("Mã hộ;Mã đơn vị;Ngày đăng ký;Họ tên chủ hộ;Giới tính chủ hộ;Khu vực;Dân tộc thiểu số;Số nhân khẩu\n\
            WEB-B03;99999;05/01/2026;Lê Thị Hà;X;Nông thôn;Không;3\n\
            WEB-B04;{unit};31/02/2026;Lê Thị Thu;Nữ;Nông thôn;Không;2\n"),
    )
    .unwrap();
    b.go(&format!("{base}/import"));
    b.attach("#file", &bad);
    b.submit();
    b.wait_for("có 3 lỗi");
    assert!(b
        .link_type("a[href^='/import/errors/']")
        .starts_with("200 application/vnd.openxml"));
    b.screenshot("import-errors");

    // Search by the code, and by the name's words in any order without tone marks.
    b.go(&format!("{base}/households?q=WEB-B01"));
    b.wait_for("Lò Thị Sáu");
    b.go(&format!("{base}/households?q=sau+lo"));
    b.wait_for("WEB-B01");

    // A laptop: the province's dashboard, the targets grid, the report and its PDF.
    b.resize(1366, 768);
    b.switch_to(base, "tinh");
    b.wait_for("Cùng kỳ năm trước");
    b.screenshot("dashboard-laptop");
    b.go(&format!("{base}/targets?year=2026"));
    b.wait_for("Giao chỉ tiêu cho đơn vị trực thuộc");
    b.go(&format!(
        "{base}/reports?unit=49&from=2023-01-01&to=2023-10-31&s=2023-10-31"
    ));
    b.wait_for("Báo cáo: Quảng Nam");
    assert_eq!(b.link_type("a[href*='format=pdf']"), "200 application/pdf");
    b.resize(360, 780);
    b.go(&format!("{base}/"));
    b.wait_for("Cùng kỳ năm trước");
    b.screenshot("dashboard-phone");
}

/// No page scrolls sideways on a phone (360 px) or a laptop (1366 px): wide tables
/// become cards, the menu one line that opens (issue 15).
#[test]
fn no_page_scrolls_sideways_on_a_phone_or_a_laptop() {
    let (server, b) = Browser::on_demo_as("tinh");
    let base = &server.base;
    let mut wide = Vec::new();
    for (width, height) in [(360, 780), (1366, 768)] {
        b.resize(width, height);
        for &path in PROVINCE_PAGES {
            b.go(&format!("{base}{path}"));
            let (over, what) = b.sideways();
            if over > 0 {
                wide.push(format!("{path} at {width} px: {over} px too wide ({what})"));
                b.screenshot(&format!(
                    "too-wide-{width}{}",
                    path.replace(['/', '?', '&', '='], "_")
                ));
            }
        }
    }
    b.switch_to(base, "quantri");
    b.resize(360, 780);
    b.go(&format!("{base}/lineage"));
    let (over, what) = b.sideways();
    if over > 0 {
        wide.push(format!("/lineage at 360 px: {over} px too wide ({what})"));
    }
    assert!(wide.is_empty(), "{wide:#?}");
}

/// Issue 24, item 1: Đà Nẵng's manager opens the report of 01/01–31/10/2023 without
/// typing a structure date and sees Quảng Nam's published 571 households (118.5% of plan)
/// in today's Đà Nẵng; the page names the structure and offers the one of the period's
/// end, where Đà Nẵng had not yet absorbed Quảng Nam; Quảng Nam's own report is shown as
/// it stood, with the way to its successor.
#[test]
fn last_years_report_opens_in_todays_units() {
    let (server, b) = Browser::on_demo_as("tinh");
    let base = &server.base;
    b.resize(1366, 768);
    b.go(&format!(
        "{base}/reports?unit=48&from=2023-01-01&to=2023-10-31"
    ));
    b.wait_for("Báo cáo: Đà Nẵng");
    let today = web::today().dmy();
    let page = b.source();
    says_all(
        &page,
        &[
            &format!("Theo cơ cấu đơn vị hiện nay ({today})"),
            "xem theo cơ cấu ngày 31/10/2023",
            "571 hộ có phụ nữ thoát nghèo, cận nghèo (đạt 118,5% kế hoạch 482 hộ)",
        ],
        "today's units",
    );
    b.screenshot("report-todays-units");
    // The period's end: Đà Nẵng before the reform, without Quảng Nam's households.
    b.click("a[href*='s=2023-10-31']");
    b.wait_for("Theo cơ cấu đơn vị ngày 31/10/2023");
    let then = b.source();
    assert!(!then.contains("571 hộ có phụ nữ thoát nghèo"), "{then}");
    assert!(then.contains("xem theo cơ cấu hiện nay"));
    // Quảng Nam as it stood, and where it went.
    b.go(&format!(
        "{base}/reports?unit=49&from=2023-01-01&to=2023-10-31"
    ));
    b.wait_for("Báo cáo: Quảng Nam");
    says_all(
        &b.source(),
        &["Đơn vị này nay thuộc", "571 hộ có phụ nữ thoát nghèo"],
        "Quảng Nam",
    );
}
