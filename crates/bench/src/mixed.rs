//! Issue 27, item 1: month end at national scale, through the real server. 50 commune
//! clerks save supports (`POST /api/import/supports`, one row each time) while 20
//! managers read their dashboard and their province's report, for a minute, on the
//! database given (the national data set). Saves per second, each side's latency, the
//! errors, the server's peak memory, and whether the records stored are exactly the
//! saves it answered.

use crate::micro::{percentile, record};
use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `donghanh serve` on a free port of this machine.
struct Server {
    child: std::process::Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(db: &str) -> anyhow::Result<Server> {
        let (child, addr) = crate::hostile::serve(db)?;
        Ok(Server { child, addr })
    }

    fn peak_mb(&self) -> anyhow::Result<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("no VmHWM"))?;
        Ok(kb / 1024.0)
    }
}

/// One signed-in person: her session's cookie and CSRF token.
#[derive(Clone)]
struct Person {
    cookie: String,
    csrf: String,
    unit: String,
    household: String,
}

/// One HTTP/1.1 request on its own connection: the status (0: no answer).
fn request(addr: &str, p: &Person, method: &str, path: &str, body: &str) -> u16 {
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return 0;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(60)));
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {}\r\nX-CSRF-Token: {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        p.cookie,
        p.csrf,
        body.len()
    );
    if s.write_all(head.as_bytes()).is_err() {
        return 0;
    }
    let mut raw = Vec::new();
    if s.read_to_end(&mut raw).is_err() {
        return 0;
    }
    let text = String::from_utf8_lossy(&raw[..raw.len().min(64)]);
    text.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// A user of `unit` with `role`, signed in: made once, with a session made here (as a
/// sign-in makes it; signing 70 people in over HTTP would meet the sign-in throttle).
fn person(
    db: &mut store::Db,
    name: &str,
    role: domain::access::Role,
    unit: &str,
    household: &str,
) -> anyhow::Result<Person> {
    if store::accounts::by_username(db, name)?.is_none() {
        let u = store::accounts::NewUser {
            username: name,
            full_name: "Người dùng benchmark",
            password_hash: "!",
            role,
            unit_code: unit,
            must_change_password: false,
        };
        db.transaction(|tx| store::accounts::create(tx, &u, "system"))?;
    }
    let (user, _) = store::accounts::by_username(db, name)?.expect("just made");
    let (token, csrf) = (web::auth::random_token(), web::auth::random_token());
    store::accounts::session_create(
        db,
        &web::auth::token_hash(&token),
        user.id,
        &csrf,
        "9999-12-31T00:00:00Z",
    )?;
    Ok(Person {
        cookie: format!("{}={token}", web::auth::SESSION_COOKIE),
        csrf,
        unit: unit.to_owned(),
        household: household.to_owned(),
    })
}

pub fn run(
    urls: &str,
    clerks: usize,
    managers: usize,
    secs: u64,
    results: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    let mut lines = vec![format!(
        "Machine: {}. Data: the national data set of `donghanh-bench gen --scale 0.1` (synthetic). The release \
         server (`donghanh serve`) on loopback; {clerks} clerks of the chapters with the most households each save \
         one support at a time (`POST /api/import/supports`), {managers} province managers read their dashboard \
         and their province's report of the year in turn, for {secs} s, every request on a connection of its own. \
         Command: `donghanh-bench --db SQLITE,POSTGRES mixed`.",
        crate::national::machine()
    )];
    let today = web::today();
    for url in urls.split(',').filter(|u| !u.is_empty()) {
        let mut db = store::open(url)?;
        let name = db.backend().name();
        let day = today.to_string();
        // The communes with the most households among those that exist today, one of
        // their households each, and the provinces above them.
        let communes: Vec<(String, String)> = db
            .query(
                "SELECT h.unit_code, MIN(h.household_code) AS household FROM households h \
                 JOIN units u ON u.code = h.unit_code AND u.valid_from <= ? AND u.valid_to >= ? \
                 GROUP BY h.unit_code ORDER BY count(*) DESC, h.unit_code LIMIT ?",
                &[
                    day.as_str().into(),
                    day.as_str().into(),
                    (clerks as i64).into(),
                ],
            )?
            .iter()
            .map(|r| Ok((r.get("unit_code")?, r.get("household")?)))
            .collect::<Result<_, store::StoreError>>()?;
        anyhow::ensure!(communes.len() == clerks, "only {} communes", communes.len());
        let provinces: Vec<String> = db
            .query(
                "SELECT code FROM units WHERE level = 'province' AND valid_from <= ? AND valid_to >= ? ORDER BY code LIMIT ?",
                &[day.as_str().into(), day.as_str().into(), (managers as i64).into()],
            )?
            .iter()
            .map(|r| r.get("code"))
            .collect::<Result<_, store::StoreError>>()?;
        let mut people = Vec::new();
        for (i, (unit, household)) in communes.iter().enumerate() {
            people.push((
                true,
                person(
                    &mut db,
                    &format!("bench-xa-{i}"),
                    domain::access::Role::Clerk,
                    unit,
                    household,
                )?,
            ));
        }
        for (i, unit) in provinces.iter().enumerate() {
            people.push((
                false,
                person(
                    &mut db,
                    &format!("bench-tinh-{i}"),
                    domain::access::Role::Manager,
                    unit,
                    "",
                )?,
            ));
        }
        let server = Server::start(url)?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis();
        let prefix = format!("MIX-{stamp}-");
        let stop = Arc::new(AtomicBool::new(false));
        let saves = Arc::new(Mutex::new((Vec::<f64>::new(), 0usize)));
        let reads = Arc::new(Mutex::new((Vec::<f64>::new(), 0usize)));
        let year = today.year();
        let threads: Vec<_> = people
            .into_iter()
            .enumerate()
            .map(|(t, (clerk, p))| {
                let (addr, stop, saves, reads, prefix) = (
                    server.addr.clone(),
                    stop.clone(),
                    saves.clone(),
                    reads.clone(),
                    prefix.clone(),
                );
                std::thread::spawn(move || {
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        n += 1;
                        let started = Instant::now();
                        let ok = if clerk {
                            let body = serde_json::json!([{"record_id": format!("{prefix}{t}-{n}"), "date": today.to_string(),
                                "unit_code": p.unit, "support_type": "gift", "household_code": p.household, "quantity": "1"}]);
                            request(&addr, &p, "POST", "/api/import/supports", &body.to_string()) == 200
                        } else {
                            let path = if n % 2 == 0 {
                                "/".to_owned()
                            } else {
                                format!("/reports?unit={}&from={year}-01-01&to={today}", p.unit)
                            };
                            request(&addr, &p, "GET", &path, "") == 200
                        };
                        let ms = started.elapsed().as_secs_f64() * 1000.0;
                        let mut kept = if clerk { saves.lock() } else { reads.lock() }.expect("not poisoned");
                        if ok {
                            kept.0.push(ms);
                        } else {
                            kept.1 += 1;
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_secs(secs));
        stop.store(true, Ordering::Relaxed);
        for t in threads {
            let _ = t.join();
        }
        let peak = server.peak_mb()?;
        drop(server);
        let (saved, save_errors) = std::mem::take(&mut *saves.lock().expect("not poisoned"));
        let (read, read_errors) = std::mem::take(&mut *reads.lock().expect("not poisoned"));
        let stored: i64 = db
            .query_one(
                "SELECT COUNT(*) AS n FROM supports WHERE record_id LIKE ?",
                &[format!("{prefix}%").as_str().into()],
            )?
            .get("n")?;
        let goal = if name == "sqlite" { 200 } else { 150 };
        let line = format!(
            "{name}: **{:.0} saves/s** (goal ≥ {goal}), save p50 {:.0} ms, p99 {:.0} ms; reads {:.1}/s, read p50 {:.0} ms, \
             **p99 {:.0} ms** (goal < 300); errors {} saves, {} reads; server peak **{peak:.0} MB** (goal ≤ 300); \
             supports stored {stored} = saves answered {}: {}",
            saved.len() as f64 / secs as f64,
            percentile(saved.clone(), 0.5),
            percentile(saved.clone(), 0.99),
            read.len() as f64 / secs as f64,
            percentile(read.clone(), 0.5),
            percentile(read.clone(), 0.99),
            save_errors,
            read_errors,
            saved.len(),
            if stored as usize == saved.len() { "equal" } else { "DIFFERENT" },
        );
        println!("{line}");
        lines.push(format!("- {line}"));
    }
    record(
        results,
        "Month end at national scale: saves and reads at once (issue 27)",
        &lines.join("\n"),
    )?;
    Ok(ExitCode::SUCCESS)
}
