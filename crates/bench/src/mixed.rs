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

/// Failed requests by status (0: no answer).
type Errors = std::collections::BTreeMap<u16, usize>;

/// How many failed, and with which status.
fn shown(errors: &Errors) -> String {
    let n: usize = errors.values().sum();
    if n == 0 {
        return "0".into();
    }
    let by: Vec<String> = errors.iter().map(|(s, k)| format!("{k}× {s}")).collect();
    format!("{n} ({})", by.join(", "))
}

/// Households each clerk records supports for, in turn.
const HOUSEHOLDS_EACH: usize = 100;

/// One signed-in person: her session's cookie and CSRF token.
#[derive(Clone)]
struct Person {
    cookie: String,
    csrf: String,
    unit: String,
    /// The households of her commune she records supports for, in turn.
    households: Vec<String>,
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

/// A user of `unit` with `role` (named after it, so that a user made by an earlier run
/// is of the same unit), signed in: made once, with a session made here (as a
/// sign-in makes it; signing 70 people in over HTTP would meet the sign-in throttle).
fn person(
    db: &mut store::Db,
    name: &str,
    role: domain::access::Role,
    unit: &str,
    households: Vec<String>,
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
    anyhow::ensure!(
        user.unit_code == unit && user.role == role,
        "{name} is a user of {} already: a benchmark's users are named after their unit",
        user.unit_code
    );
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
        households,
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
         one support at a time to her chapter's first 100 households in turn, the chapters taken across the provinces in turn (`POST /api/import/supports`), {managers} province managers read their dashboard \
         and their province's report of the year in turn, for {secs} s, every request on a connection of its own. \
         Command: `donghanh-bench --db SQLITE,POSTGRES mixed`.",
        crate::national::machine()
    )];
    let today = web::today();
    for url in urls.split(',').filter(|u| !u.is_empty()) {
        let mut db = store::open(url)?;
        let name = db.backend().name();
        let day = today.to_string();
        // The clerks: the chapters with the most households that exist today, taken
        // across the provinces in turn (each province's busiest, then each one's second…),
        // as month end comes everywhere at once. A clerk records supports for her
        // chapter's households in turn (one household given hundreds of gifts a minute is
        // nobody's month end).
        let graph = store::units::load_graph(&mut db)?;
        let province_of = |code: &str| {
            let ix = graph.version_on(code, today)?;
            let p = graph.ancestor_at_level(ix, today, domain::units::Level::Province)?;
            Some(graph.version(p).code.clone())
        };
        let busiest: Vec<String> = db
            .query(
                "SELECT h.unit_code FROM households h \
                 JOIN units u ON u.code = h.unit_code AND u.valid_from <= ? AND u.valid_to >= ? \
                 GROUP BY h.unit_code ORDER BY count(*) DESC, h.unit_code",
                &[day.as_str().into(), day.as_str().into()],
            )?
            .iter()
            .map(|r| r.get("unit_code"))
            .collect::<Result<_, store::StoreError>>()?;
        let mut by_province: Vec<(String, Vec<String>)> = Vec::new();
        for unit in busiest {
            let Some(p) = province_of(&unit) else {
                continue;
            };
            match by_province.iter_mut().find(|(q, _)| *q == p) {
                Some((_, list)) => list.push(unit),
                None => by_province.push((p, vec![unit])),
            }
        }
        let mut communes: Vec<String> = Vec::new();
        for rank in 0.. {
            let round: Vec<String> = by_province
                .iter()
                .filter_map(|(_, list)| list.get(rank).cloned())
                .collect();
            if round.is_empty() || communes.len() >= clerks {
                break;
            }
            communes.extend(round);
        }
        communes.truncate(clerks);
        anyhow::ensure!(communes.len() == clerks, "only {} communes", communes.len());
        // The managers: first the provinces the clerks save in (their figures are
        // computed again after each save), then others, by code.
        let mut provinces: Vec<String> = Vec::new();
        for commune in &communes {
            if let Some(p) = province_of(commune).filter(|p| !provinces.contains(p)) {
                provinces.push(p);
            }
        }
        let saved_in = provinces.len();
        let others: Vec<String> = db
            .query(
                "SELECT code FROM units WHERE level = 'province' AND valid_from <= ? AND valid_to >= ? ORDER BY code",
                &[day.as_str().into(), day.as_str().into()],
            )?
            .iter()
            .map(|r| r.get("code"))
            .collect::<Result<_, store::StoreError>>()?;
        let unsaved: Vec<String> = others
            .into_iter()
            .filter(|p| !provinces.contains(p))
            .collect();
        provinces.extend(unsaved);
        provinces.truncate(managers);
        let read_where_saved = saved_in.min(managers);
        let mut people = Vec::new();
        for unit in &communes {
            let households: Vec<String> = db
                .query(
                    "SELECT household_code FROM households WHERE unit_code = ? ORDER BY household_code LIMIT ?",
                    &[unit.as_str().into(), (HOUSEHOLDS_EACH as i64).into()],
                )?
                .iter()
                .map(|r| r.get("household_code"))
                .collect::<Result<_, store::StoreError>>()?;
            people.push((
                true,
                person(
                    &mut db,
                    &format!("bench-clerk-{unit}"),
                    domain::access::Role::Clerk,
                    unit,
                    households,
                )?,
            ));
        }
        for unit in &provinces {
            people.push((
                false,
                person(
                    &mut db,
                    &format!("bench-manager-{unit}"),
                    domain::access::Role::Manager,
                    unit,
                    Vec::new(),
                )?,
            ));
        }
        let server = Server::start(url)?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis();
        let prefix = format!("MIX-{stamp}-");
        let stop = Arc::new(AtomicBool::new(false));
        let saves = Arc::new(Mutex::new((Vec::<f64>::new(), Errors::new())));
        let reads = Arc::new(Mutex::new((Vec::<f64>::new(), Errors::new())));
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
                        let status = if clerk {
                            let body = serde_json::json!([{"record_id": format!("{prefix}{t}-{n}"), "date": today.to_string(),
                                "unit_code": p.unit, "support_type": "gift", "household_code": p.households[n % p.households.len()], "quantity": "1"}]);
                            request(&addr, &p, "POST", "/api/import/supports", &body.to_string())
                        } else {
                            let path = if n % 2 == 0 {
                                "/".to_owned()
                            } else {
                                format!("/reports?unit={}&from={year}-01-01&to={today}", p.unit)
                            };
                            request(&addr, &p, "GET", &path, "")
                        };
                        let ms = started.elapsed().as_secs_f64() * 1000.0;
                        let mut kept = if clerk { saves.lock() } else { reads.lock() }.expect("not poisoned");
                        if status == 200 {
                            kept.0.push(ms);
                        } else {
                            *kept.1.entry(status).or_default() += 1;
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
            "{name}: {read_where_saved} of the {managers} managers read a province where clerks save; \
             **{:.0} saves/s** (goal ≥ {goal}), save p50 {:.0} ms, p99 {:.0} ms; reads {:.1}/s, read p50 {:.0} ms, \
             **p99 {:.0} ms** (goal < 300); errors {} saves, {} reads; server peak **{peak:.0} MB** (goal ≤ 300); \
             supports stored {stored} = saves answered {}: {}",
            saved.len() as f64 / secs as f64,
            percentile(saved.clone(), 0.5),
            percentile(saved.clone(), 0.99),
            read.len() as f64 / secs as f64,
            percentile(read.clone(), 0.5),
            percentile(read.clone(), 0.99),
            shown(&save_errors),
            shown(&read_errors),
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
