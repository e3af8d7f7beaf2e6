//! Real Chromium on a phone-sized window, driven through chromedriver (both installed by
//! .ci/run), doing what the officers do.

use crate::web_support::*;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

pub(crate) struct Browser {
    port: u16,
    session: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    pub(crate) fn start() -> Browser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is needed for browser tests: apt-get install chromium chromium-driver");
        let profile = tempfile::tempdir().unwrap();
        let mut b = Browser {
            port,
            session: String::new(),
            driver,
            _profile: profile,
        };
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=360,780",
                     // A phone set to English: the app's words and dates must still be
                     // Vietnamese (no browser message in the phone's language).
                     "--lang=en-US",
                     format!("--user-data-dir={}", b._profile.path().display())],
            "prefs": {"intl": {"accept_languages": "en-US,en"}}}}}});
        let v = b.call("POST", "/session", Some(caps));
        b.session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_owned();
        b
    }

    pub(crate) fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        // chromedriver may keep the connection open: read exactly Content-Length bytes.
        let mut raw = Vec::new();
        let mut byte = [0u8; 1];
        while !raw.ends_with(b"\r\n\r\n") {
            if s.read(&mut byte).unwrap() == 0 {
                break;
            }
            raw.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&raw).to_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; len];
        s.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    }

    pub(crate) fn s(&self, path: &str) -> String {
        format!("/session/{}{path}", self.session)
    }

    pub(crate) fn go(&self, url: &str) {
        self.call("POST", &self.s("/url"), Some(json!({"url": url})));
    }

    pub(crate) fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            &self.s("/element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        v["value"]
            .as_object()
            .filter(|o| !o.contains_key("error"))
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}: {v}\n{}", self.source()))
            .to_owned()
    }

    /// Sends the page's main form.
    pub(crate) fn submit(&self) {
        self.click("main form button[type=submit]:not(.secondary)");
    }

    pub(crate) fn fill(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.call(
            "POST",
            &self.s(&format!("/element/{el}/clear")),
            Some(json!({})),
        );
        self.call(
            "POST",
            &self.s(&format!("/element/{el}/value")),
            Some(json!({"text": text})),
        );
    }

    pub(crate) fn click(&self, css: &str) {
        let el = self.find(css);
        self.call(
            "POST",
            &self.s(&format!("/element/{el}/click")),
            Some(json!({})),
        );
    }

    pub(crate) fn choose(&self, css: &str, value: &str) {
        self.call("POST", &self.s("/execute/sync"), Some(json!({"script": "document.querySelector(arguments[0]).value = arguments[1];", "args": [css, value]})));
    }

    pub(crate) fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            &self.s("/window/rect"),
            Some(json!({"width": width, "height": height})),
        );
    }

    /// How far the page reaches past the window's width, in CSS pixels (0: it fits),
    /// and the widest box that does it.
    pub(crate) fn sideways(&self) -> (i64, String) {
        // The page itself, and any box of it that scrolls its content sideways (a table
        // in a scrolling frame hides its right-hand columns just the same).
        let script = "const w = document.documentElement.clientWidth; \
            let over = document.documentElement.scrollWidth - w, what = 'page'; \
            for (const e of document.querySelectorAll('body *')) { \
              const x = getComputedStyle(e).overflowX, r = e.getBoundingClientRect(); \
              const inner = (x === 'auto' || x === 'scroll') ? e.scrollWidth - e.clientWidth : 0; \
              const past = Math.max(inner, Math.ceil(r.right) - w); \
              if (past > over || (past > 0 && what === 'page')) { over = Math.max(over, past); \
                what = e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40); } } \
            return [over, what];";
        let v = self.call(
            "POST",
            &self.s("/execute/sync"),
            Some(json!({"script": script, "args": []})),
        );
        (
            v["value"][0].as_i64().unwrap_or(i64::MAX),
            v["value"][1].as_str().unwrap_or_default().to_owned(),
        )
    }

    pub(crate) fn source(&self) -> String {
        self.call("GET", &self.s("/source"), None)["value"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    pub(crate) fn url(&self) -> String {
        self.call("GET", &self.s("/url"), None)["value"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    pub(crate) fn screenshot(&self, name: &str) {
        use std::io::Write as _;
        let v = self.call("GET", &self.s("/screenshot"), None);
        if let (Some(b64), Ok(dir)) = (v["value"].as_str(), std::env::var("DONGHANH_SCREENSHOTS")) {
            let bytes = decode_base64(b64);
            let _ = std::fs::File::create(format!("{dir}/{name}.png"))
                .and_then(|mut f| f.write_all(&bytes));
        }
    }

    /// The demo served, and a browser signed in on it as `user`, on her dashboard.
    pub(crate) fn on_demo_as(user: &str) -> (Server, Browser) {
        let server = demo_server();
        let b = Browser::start();
        b.login(&server.base, user);
        b.wait_for("Tổng quan:");
        (server, b)
    }

    /// The demo's commune clerk on her dashboard, and her commune's code.
    pub(crate) fn clerk_on_demo() -> (Server, Browser, String) {
        let (server, b) = Browser::on_demo_as("xa");
        let unit = server_unit(&b, &server.base);
        (server, b, unit)
    }

    pub(crate) fn login(&self, base: &str, user: &str) {
        self.go(&format!("{base}/login"));
        self.fill("#username", user);
        self.fill("#password", DEMO_PASSWORD);
        self.click("main form button[type=submit]");
    }

    /// Opens the menu as a person does on a phone (one line that opens), then signs out.
    pub(crate) fn sign_out(&self) {
        self.click("label.menu-toggle");
        self.click("form[action='/logout'] button");
        self.wait_for("Đăng nhập");
    }

    /// Signs out whoever is signed in and signs in as `user`, on her dashboard.
    pub(crate) fn switch_to(&self, base: &str, user: &str) {
        self.go(&format!("{base}/"));
        self.sign_out();
        self.login(base, user);
        self.wait_for("Tổng quan");
    }

    pub(crate) fn wait_for(&self, text: &str) -> String {
        for _ in 0..50 {
            let src = self.source();
            if src.contains(text) {
                return src;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!(
            "{text:?} never appeared at {}:\n{}",
            self.url(),
            self.source()
        );
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    let table = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    clean
        .chunks(4)
        .flat_map(|ch| {
            let v: Vec<u32> = ch.iter().map(|c| u32::from(table(*c))).collect();
            let n = v
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, x)| acc | (x << (18 - 6 * i)));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            bytes.into_iter().take(ch.len() - 1).collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn a_commune_clerk_and_a_province_manager_on_a_phone() {
    // The clerk logs in and lands on her commune's dashboard.
    let (server, b) = Browser::on_demo_as("xa");
    let base = &server.base;
    b.screenshot("dashboard-clerk");

    // A household with its head as member 1, an assessment and a support.
    b.go(&format!("{base}/households/new"));
    b.fill("#household_code", "WEB-001");
    b.fill("#head_name", "Hồ Thị Mến");
    b.fill("#size", "4");
    b.fill("#m1-birth_year", "1988");
    b.fill("#m1-citizen_id", "049188009911");
    b.fill("#m1-phone", "+84 905 111 222");
    b.click("main form button:not(.secondary)[type=submit]");
    b.wait_for("Hộ WEB-001: Hồ Thị Mến");
    b.wait_for("049188009911");
    b.go(&format!("{base}/households/WEB-001/assessments"));
    b.fill("#income_per_capita_vnd", "1.200.000");
    for deprivation in ["employment", "water", "sanitation"] {
        b.click(&format!("input[name=deprivations][value={deprivation}]"));
    }
    b.submit();
    b.wait_for("thiếu hụt 3 chỉ số ≥ 3 → hộ nghèo");
    b.go(&format!("{base}/households/WEB-001/supports"));
    b.choose("#support_type", "livelihood");
    b.choose("#member_no", "1");
    b.fill("#value_vnd", "3.500.000");
    b.submit();
    b.wait_for("Phương tiện sinh kế × 1");

    // A form with a bad value keeps the input and says what is wrong, next to the field.
    b.go(&format!("{base}/households/WEB-001/members"));
    b.fill("#member_no", "2");
    b.fill("#full_name", "Hồ Văn Tư");
    b.choose("#gender", "M");
    b.fill("#citizen_id", "49188009912");
    b.submit();
    let src = b.wait_for("11 chữ số");
    assert!(src.contains("value=\"Hồ Văn Tư\""), "the input is kept");

    // An import with one bad row: every error shown, nothing written.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("households.csv");
    let unit = server_unit(&b, base);
    std::fs::write(
        &file,
        format!("household_code,unit_code,registered_on,head_name,head_gender,area,ethnic_minority,size\nWEB-002,{unit},2026-01-05,Lê Thị Hà,F,rural,0,3\nWEB-003,{unit},31/02/2026,Lê Thị Thu,F,rural,0,2\n"),
    )
    .unwrap();
    b.go(&format!("{base}/import"));
    let input = b.find("#file");
    b.call(
        "POST",
        &b.s(&format!("/element/{input}/value")),
        Some(json!({"text": file.display().to_string()})),
    );
    b.click("main form[enctype] button[type=submit]");
    b.wait_for("có 1 lỗi");
    b.wait_for("không có thật");
    b.go(&format!("{base}/households?q=le+thi+ha"));
    assert!(
        !b.source().contains("WEB-002"),
        "a rejected import writes nothing"
    );

    // Her commune's report, then the records behind a figure.
    b.go(&format!("{base}/reports"));
    b.wait_for("Báo cáo:");
    b.click("a[href*='indicator=livelihood_recipients']");
    b.wait_for("WEB-001#1");
    b.screenshot("drill-down");

    // Another commune's household by URL: answered as a code that does not exist.
    b.go(&format!("{base}/households/QN000001"));
    b.wait_for("Không tìm thấy");

    // The province manager sees the province (Đà Nẵng holds Quảng Nam since 2025).
    b.go(&format!("{base}/"));
    b.sign_out();
    b.login(base, "tinh");
    b.wait_for("Tổng quan: Đà Nẵng");
    b.wait_for("<svg");
    b.screenshot("dashboard-province");
}

/// The clerk's unit code, read from the page header.
pub(crate) fn server_unit(b: &Browser, base: &str) -> String {
    b.go(&format!("{base}/households/new"));
    let src = b.source();
    let at = &src[src.find("id=\"unit_code\"").expect("unit field")..];
    between(at, "value=\"", "\"")
}

/// Issue 14 on a phone (360 px): a clerk corrects a support with a reason and deletes
/// another, the report drops it; she submits her month, the province approves it, an
/// edit in the locked month is refused, the province reopens it; the administrator
/// confirms a guessed lineage link.
#[test]
fn corrections_sign_off_and_lineage_on_a_phone() {
    let (server, b, unit) = Browser::clerk_on_demo();
    let base = &server.base;
    b.go(&format!("{base}/households/new"));
    b.fill("#household_code", "WB-1");
    b.fill("#head_name", "Hồ Thị Mến");
    b.submit();
    b.wait_for("Hộ WB-1");
    for (quantity, date) in [("3", "2026-03-05"), ("2", "2026-03-06")] {
        b.go(&format!("{base}/households/WB-1/supports"));
        b.choose("#date", date);
        b.choose("#support_type", "gift");
        b.fill("#quantity", quantity);
        b.submit();
        b.wait_for("Hộ WB-1");
    }
    let march = format!("{base}/records/supports?from=2026-03-01&to=2026-03-31");
    let explain =
        format!("{base}/reports/explain?unit={unit}&from=2026-03-01&to=2026-03-31&indicator=gifts");

    // Correct the first with a reason.
    b.go(&march);
    b.wait_for("06/03/2026");
    b.click("a[href^='/records/supports/edit']");
    b.wait_for("Lý do sửa");
    b.fill("#quantity", "4");
    b.fill("#reason", "đếm lại phiếu");
    b.submit();
    b.wait_for("Đã lưu sửa đổi");
    b.screenshot("records-supports");
    // Delete the other with a reason: the figure's records lose it.
    b.go(&explain);
    let before = b.wait_for("W-");
    let kept = before.matches("W-").count();
    b.go(&march);
    b.wait_for("Từ ngày");
    let links: Vec<String> = b
        .source()
        .match_indices("/records/supports/delete?")
        .map(|(i, _)| i.to_string())
        .collect();
    assert_eq!(links.len(), 2, "two supports in March");
    b.click("a[href^='/records/supports/delete']");
    b.wait_for("Lý do xóa");
    b.fill("#reason", "ghi trùng");
    b.click("main form button.danger");
    b.wait_for("Đã xóa bản ghi");
    b.go(&explain);
    b.wait_for("Bản ghi");
    assert_eq!(
        b.source().matches("W-").count(),
        kept - 1,
        "the deleted support left the figure"
    );

    // She submits March.
    b.go(&format!("{base}/periods?p=2026-03"));
    b.click("input[name=to][value=submitted] ~ button");
    b.wait_for("Đã gửi, chờ duyệt");

    // The province approves it from her dashboard.
    b.switch_to(base, "tinh");
    b.wait_for("Chờ bạn duyệt: 1 kỳ");
    b.click("a[href^='/periods?p=2026-03-01']");
    b.wait_for("Duyệt số liệu theo kỳ");
    b.click("input[name=to][value=approved] ~ button");
    b.wait_for("đã duyệt 1/");
    b.screenshot("periods-approved");

    // The clerk's correction in the locked month is refused, naming the approval.
    // The clerk sets the first support of March to 5 with a reason.
    let correct = |reason: &str| {
        b.switch_to(base, "xa");
        b.go(&march);
        b.wait_for("Từ ngày");
        b.click("a[href^='/records/supports/edit']");
        b.wait_for("Lý do sửa");
        b.fill("#quantity", "5");
        b.fill("#reason", reason);
        b.submit();
    };
    correct("sửa sau khi duyệt");
    b.wait_for("(tinh) duyệt ngày");

    // The province reopens it; the correction then goes through.
    b.switch_to(base, "tinh");
    b.go(&format!("{base}/periods?p=2026-03"));
    b.fill(
        "input[name=comment][placeholder='Lý do mở lại']",
        "xã bổ sung số hỗ trợ",
    );
    b.click("input[name=to][value=reopened] ~ button");
    b.wait_for("Đã mở lại");
    correct("bổ sung sau khi mở lại");
    b.wait_for("Đã lưu sửa đổi");

    // The administrator confirms a link the loader guessed from a neighbour.
    b.switch_to(base, "quantri");
    b.go(&format!("{base}/lineage"));
    let open = |page: &str| -> usize {
        let at = page
            .find(" xã cũ được gắn theo xã lân cận")
            .expect("the count");
        between(&page[..at], "và <strong>", "</strong>")
            .parse()
            .unwrap()
    };
    let guesses = open(&b.wait_for("xã cũ được gắn theo xã lân cận"));
    b.screenshot("lineage-review");
    b.click("input[name=confirm] ~ button");
    let page = b.wait_for("Đã ghi:");
    assert_eq!(open(&page), guesses - 1, "one guess fewer to confirm");
}
