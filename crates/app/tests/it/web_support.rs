//! Helpers for the web tests: the real server on a free port, a tiny HTTP client that
//! keeps cookies, and a minimal WebDriver client for real Chromium.

use crate::support::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

pub struct Server {
    pub base: String,
    running: Running,
    /// What the server has logged so far (its stderr), when it is a process of its own.
    log: std::sync::Arc<std::sync::Mutex<String>>,
    /// Kept alive for the server's lifetime (a scratch database is dropped with it);
    /// `None` for a second server on another's database.
    _db: Option<TestDb>,
    db_url: String,
}

enum Running {
    /// The app in this process, on a runtime of its own; dropping the sender stops it.
    InProcess {
        stop: Option<tokio::sync::oneshot::Sender<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
    /// The real binary, for what only a process shows (its log on stderr).
    Binary(Child),
}

impl Server {
    /// The database the server serves.
    pub fn db_url(&self) -> &str {
        &self.db_url
    }

    /// The server process's id (a server started by [`demo_server_binary`]).
    pub fn pid(&self) -> Option<u32> {
        match &self.running {
            Running::Binary(child) => Some(child.id()),
            Running::InProcess { .. } => None,
        }
    }

    /// Waits for the server process to end; its exit code.
    pub fn wait(&mut self) -> Option<i32> {
        match &mut self.running {
            Running::Binary(child) => child.wait().ok().and_then(|s| s.code()),
            Running::InProcess { .. } => None,
        }
    }

    /// The server's log lines so far (a server started by [`demo_server_binary`]).
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        match &mut self.running {
            Running::InProcess { stop, thread } => {
                drop(stop.take());
                if let Some(t) = thread.take() {
                    let _ = t.join();
                }
            }
            Running::Binary(child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

/// The demo data (with its four users) served by the app in this process, on a free
/// port: the same router, state and pool as `donghanh serve`, without starting a process.
pub fn demo_server() -> Server {
    let db = demo_db();
    let url = db.url().to_owned();
    server_on(&url, Some(db))
}

/// Another app server on the database of `first` (as a province runs two behind one
/// load balancer): its own process state, pool and caches.
pub fn second_server(first: &Server) -> Server {
    server_on(first.db_url(), None)
}

fn server_on(url: &str, db: Option<TestDb>) -> Server {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = web::AppState::new(url);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            web::serve_on(listener, state, async move {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
    });
    Server {
        base,
        running: Running::InProcess {
            stop: Some(stop),
            thread: Some(thread),
        },
        log: std::sync::Arc::default(),
        _db: db,
        db_url: url.to_owned(),
    }
}

/// Reads what `donghanh serve` prints up to the line with its address: the address, and
/// all it printed (the first start prints the administrator's one-time password).
pub fn read_address(reader: &mut impl BufRead) -> (String, String) {
    let mut printed = String::new();
    let mut line = String::new();
    while !line.contains("http://") {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "server ended: {printed}"
        );
        printed.push_str(&line);
    }
    (word_after(&line, "http://"), printed)
}

/// The demo served in-process, and a client signed in as demo user `user`.
pub fn demo_as(user: &str) -> (Server, Http) {
    let server = demo_server();
    let c = Http::signed_in(&server.base, user);
    (server, c)
}

/// The demo served in-process, a client signed in as `user`, and her CSRF token.
pub fn demo_with_csrf(user: &str) -> (Server, Http, String) {
    let (server, mut c) = demo_as(user);
    let csrf = c.csrf(&server.base);
    (server, c, csrf)
}

/// What a page must say, each phrase checked (the failure names the missing one).
pub fn says_all(page: &str, phrases: &[&str], what: &str) {
    for p in phrases {
        assert!(page.contains(p), "{what}: no «{p}»");
    }
}

/// The demo data served by the real binary (`donghanh serve`), its stderr kept.
pub fn demo_server_binary() -> Server {
    let db = demo_db();
    let mut child = donghanh()
        .args(["--db", db.url(), "serve", "--addr", "127.0.0.1:0"])
        .env_remove("DONGHANH_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let (stderr, kept) = (child.stderr.take().unwrap(), log.clone());
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let mut l = kept.lock().unwrap();
            l.push_str(&line);
            l.push('\n');
        }
    });
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let (addr, _) = read_address(&mut reader);
    std::thread::spawn(move || for _ in reader.lines() {});
    let db_url = db.url().to_owned();
    Server {
        base: format!("http://{addr}"),
        running: Running::Binary(child),
        log,
        _db: Some(db),
        db_url,
    }
}

/// The text of every part of an XLSX file (its sheets, shared strings, styles), one
/// after another: what a download holds, for a test to look for words or numbers in.
pub fn xlsx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let _ = zip.by_index(i).unwrap().read_to_string(&mut all);
    }
    all
}

/// The paths the app's router serves, read from the router itself (its `Debug` form
/// lists every path it matches, the API's with their prefix): what the tests that must
/// cover every route enumerate, so that a route added later is covered too.
pub fn served_paths(db_url: &str) -> Vec<String> {
    let router = web::router(web::AppState::new(db_url));
    let dump = format!("{router:?}");
    let mut paths = std::collections::BTreeSet::new();
    let mut rest = dump.as_str();
    while let Some(at) = rest.find(": \"/") {
        let tail = &rest[at + 3..];
        let end = tail.find('"').unwrap();
        paths.insert(tail[..end].to_owned());
        rest = &tail[end..];
    }
    assert!(
        paths.len() > 40,
        "the router's paths could not be read: {paths:?}"
    );
    paths.into_iter().collect()
}

pub const DEMO_PASSWORD: &str = "dong-hanh-demo";

/// Indicator `code` of `unit` over `from`..`to`, as the API's report gives it.
pub fn reported(c: &mut Http, base: &str, unit: &str, (from, to): (&str, &str), code: &str) -> i64 {
    let r = c.get(&format!(
        "{base}/api/reports?unit={unit}&from={from}&to={to}"
    ));
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    v["indicators"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .iter()
        .find(|i| i["code"] == code)
        .and_then(|i| i["value"].as_i64())
        .unwrap()
}

/// The demo's commune clerk signed in: her client, her commune's code and her session's
/// CSRF token.
pub fn demo_clerk(base: &str) -> (Http, String, String) {
    let mut c = Http::signed_in(base, "xa");
    let me: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/api/me")).body).unwrap();
    let unit = me["unit_code"].as_str().unwrap().to_owned();
    let csrf = c.csrf(base);
    (c, unit, csrf)
}

/// Every page a province manager of the demo opens (the lineage review is the
/// administrator's): what the weight and the phone-layout tests visit.
pub const PROVINCE_PAGES: &[&str] = &[
    "/",
    "/households",
    "/households?q=thi",
    "/households/QN000001",
    "/households/QN000001/edit",
    "/households/QN000001/members",
    "/households/QN000001/assessments",
    "/households/QN000001/supports",
    "/households/new",
    "/activities/new",
    "/records",
    "/records/supports",
    "/records/activities",
    "/reports?unit=48&from=2023-01-01&to=2023-10-31",
    "/reports/explain?unit=48&from=2023-01-01&to=2023-10-31&indicator=hh_escaped",
    "/reports/differences?unit=48&from=2023-01-01&to=2023-10-31",
    "/reports/lasting?unit=48&as_of=2025-12-31",
    "/reports/lasting/households?unit=48&as_of=2025-12-31&figure=cohort%3A2023",
    "/follow-up",
    "/import",
    "/offline",
    "/periods",
    "/targets",
    "/units",
    "/units/48",
    "/users",
    "/audit",
    "/password",
    "/no-such-page",
];

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body as sent (a download is not text).
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP/1.1 client with a cookie jar, enough for these tests (a clone shares the
/// session: the threads of a race test).
#[derive(Default, Clone)]
pub struct Http {
    cookies: Vec<(String, String)>,
}

impl Http {
    pub fn request(
        &mut self,
        method: &str,
        url: &str,
        content_type: &str,
        body: &str,
        extra: &[(&str, &str)],
    ) -> Response {
        self.request_bytes(method, url, content_type, body.as_bytes(), extra)
    }

    /// A request whose body is any bytes (a file upload).
    pub fn request_bytes(
        &mut self,
        method: &str,
        url: &str,
        content_type: &str,
        body: &[u8],
        extra: &[(&str, &str)],
    ) -> Response {
        let rest = url.strip_prefix("http://").unwrap();
        let (host, path) = rest
            .split_once('/')
            .map(|(h, p)| (h, format!("/{p}")))
            .unwrap_or((rest, "/".into()));
        let mut s = TcpStream::connect(host).unwrap();
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
        if !content_type.is_empty() {
            req.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        if !cookie.is_empty() {
            req.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        for (k, v) in extra {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        // A server may answer (and close) before reading a large body whole.
        let _ = s.write_all(&bytes);
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        // Head and body split as bytes: a compressed body is not text.
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(raw.len());
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let body = raw.get(split + 4..).unwrap_or_default();
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split_whitespace()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        for (k, v) in &headers {
            if k.eq_ignore_ascii_case("set-cookie") {
                let (name, value) = v.split(';').next().unwrap().split_once('=').unwrap();
                self.cookies.retain(|(n, _)| n != name);
                if !value.is_empty() {
                    self.cookies.push((name.to_owned(), value.to_owned()));
                }
            }
        }
        let body = if headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
        {
            dechunk(body)
        } else {
            body.to_vec()
        };
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            bytes: body,
        }
    }

    /// Sends a file through the import page's form, as a browser does.
    pub fn upload(&mut self, base: &str, csrf: &str, name: &str, bytes: &[u8]) -> Response {
        let boundary = "----donghanh-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.request_bytes(
            "POST",
            &format!("{base}/import?_csrf={csrf}"),
            &format!("multipart/form-data; boundary={boundary}"),
            &body,
            &[],
        )
    }

    /// A JSON post of the API, with the session's CSRF token.
    pub fn post_json(&mut self, url: &str, body: &str, csrf: &str) -> Response {
        self.request(
            "POST",
            url,
            "application/json",
            body,
            &[("X-CSRF-Token", csrf)],
        )
    }

    pub fn get(&mut self, url: &str) -> Response {
        self.request("GET", url, "", "", &[])
    }

    /// A GET with headers of its own.
    pub fn get_with(&mut self, url: &str, headers: &[(&str, &str)]) -> Response {
        self.request("GET", url, "", "", headers)
    }

    /// A client signed in as a demo user.
    pub fn signed_in(base: &str, user: &str) -> Http {
        let mut c = Http::default();
        c.login(base, user, DEMO_PASSWORD);
        c
    }

    pub fn post_form(&mut self, url: &str, fields: &[(&str, &str)]) -> Response {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.request("POST", url, "application/x-www-form-urlencoded", &body, &[])
    }

    pub fn login(&mut self, base: &str, user: &str, password: &str) -> Response {
        let page = self.get(&format!("{base}/login"));
        let token = between(&page.body, "name=\"_login\" value=\"", "\"");
        self.post_form(
            &format!("{base}/login"),
            &[
                ("_login", &token),
                ("username", user),
                ("password", password),
            ],
        )
    }

    /// The session's CSRF token, as the API tells it.
    pub fn csrf(&mut self, base: &str) -> String {
        let me: serde_json::Value =
            serde_json::from_str(&self.get(&format!("{base}/api/me")).body).unwrap();
        me["csrf"].as_str().unwrap().to_owned()
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&rest[..eol]);
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        let after = &rest[eol + 2..];
        if n == 0 {
            break;
        }
        out.extend_from_slice(&after[..n.min(after.len())]);
        rest = after.get(n + 2..).unwrap_or_default();
    }
    out
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn between(s: &str, start: &str, end: &str) -> String {
    let from = s
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in page"))
        + start.len();
    s[from..].split(end).next().unwrap().to_owned()
}

/// The word that follows `marker` in a line the binary printed (an address, a password).
pub fn word_after(line: &str, marker: &str) -> String {
    line.split(marker)
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no {marker:?} in {line:?}"))
        .to_owned()
}
