//! Every page valid HTML and usable with a screen reader (issue 25): the pages a clerk, a
//! manager and an administrator can open, found by following the app's own links from
//! the dashboard and from every route the router serves, checked by the Nu HTML checker
//! (`vnu.jar` from the npm package `vnu-jar`) and, in Chromium at 360 and 1366 px, by
//! axe-core, with every tap target measured.

use crate::browser::Browser;
use crate::web_support::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Where the checkers' npm packages are (`scripts/test` installs them there).
fn tool(package_file: &str) -> PathBuf {
    let root = std::env::var("DONGHANH_TOOLS").map_or_else(
        |_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/tools"),
        PathBuf::from,
    );
    let path = root.join("node_modules").join(package_file);
    assert!(
        path.exists(),
        "{} is missing: run scripts/test, or `npm install --prefix target/tools vnu-jar axe-core`",
        path.display()
    );
    path
}

/// The route a path of the site is served by: the router's template that matches it
/// with the fewest parameters.
fn route_of<'a>(templates: &'a [String], path: &str) -> Option<&'a str> {
    let parts: Vec<&str> = path.split('/').collect();
    templates
        .iter()
        .filter(|t| {
            let ts: Vec<&str> = t.split('/').collect();
            ts.len() == parts.len()
                && ts
                    .iter()
                    .zip(&parts)
                    .all(|(t, p)| t.starts_with('{') || t == p)
        })
        .min_by_key(|t| t.matches('{').count())
        .map(String::as_str)
}

/// Addresses a page links to on this site (`href="/…"`), as sent.
fn links(html: &str) -> Vec<String> {
    html.match_indices("href=\"/")
        .map(|(at, _)| {
            let rest = &html[at + 6..];
            rest[..rest.find('"').unwrap_or(0)].replace("&amp;", "&")
        })
        .filter(|l| !l.starts_with("//") && !l.is_empty())
        .collect()
}

/// What a page is not: a download, a file, the API, the machine's own routes.
fn is_page(address: &str) -> bool {
    let path = address.split(['?', '#']).next().unwrap_or("");
    !(path.starts_with("/api")
        || path.starts_with("/static")
        || ["/sw.js", "/metrics", "/health", "/ready", "/manifest.webmanifest", "/logout"]
            .contains(&path)
        || address.contains("format=")
        || path.ends_with("/data")
        || path.contains("/template/")
        // A part of a page that htmx swaps in, not a page.
        || path == "/households/results")
}

/// The pages `user` can open: from the dashboard and each served route's template (its
/// parameters filled from the demo), following links, at most `per_route` addresses per
/// route. Each page's address and its HTML.
pub(crate) fn pages_of(
    base: &str,
    templates: &[String],
    user: &str,
    per_route: usize,
) -> BTreeMap<String, String> {
    let mut c = Http::signed_in(base, user);
    let mut seen_per_route: BTreeMap<String, usize> = BTreeMap::new();
    let mut pages = BTreeMap::new();
    let mut queue: Vec<String> = vec!["/".into(), "/households?q=thi".into()];
    queue.extend(
        templates
            .iter()
            .filter(|t| !t.contains('{') && !t.contains('*'))
            .cloned(),
    );
    let mut done: BTreeSet<String> = BTreeSet::new();
    while let Some(address) = queue.pop() {
        if !is_page(&address) || !done.insert(address.clone()) {
            continue;
        }
        let path = address.split(['?', '#']).next().unwrap_or("");
        let Some(route) = route_of(templates, path) else {
            continue;
        };
        let n = seen_per_route.entry(route.to_owned()).or_default();
        if *n >= per_route {
            continue;
        }
        let r = c.get(&format!("{base}{address}"));
        let html = r
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"));
        if !html || r.status >= 500 {
            continue;
        }
        *n += 1;
        let mut found = links(&r.body);
        found.reverse();
        queue.extend(found);
        pages.insert(address, r.body);
    }
    pages
}

#[test]
fn every_page_is_valid_html() {
    let server = demo_server();
    let base = &server.base;
    let templates = served_paths(server.db_url());
    let dir = tempfile::tempdir().unwrap();
    let mut names: BTreeMap<PathBuf, String> = BTreeMap::new();
    for user in ["xa", "tinh", "quantri"] {
        for (address, html) in pages_of(base, &templates, user, 2) {
            let file = dir.path().join(format!("{}.html", names.len()));
            std::fs::write(&file, html).unwrap();
            names.insert(file, format!("{user} {address}"));
        }
    }
    assert!(names.len() > 100, "only {} pages found", names.len());
    let out = std::process::Command::new("java")
        .args(["-jar"])
        .arg(tool("vnu-jar/build/dist/vnu.jar"))
        .args(["--format", "json", "--errors-only", "--exit-zero-always"])
        .args(names.keys())
        .output()
        .expect("java runs the Nu HTML checker");
    let report: Value = serde_json::from_slice(&out.stderr)
        .or_else(|_| serde_json::from_slice(&out.stdout))
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let errors: Vec<String> = report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "error")
        .map(|m| {
            let file = m["url"].as_str().unwrap_or("").trim_start_matches("file:");
            let page = names
                .iter()
                .find(|(f, _)| f.to_str() == Some(file))
                .map_or(file, |(_, n)| n.as_str());
            format!(
                "{page}: {} [{}]",
                m["message"],
                m["extract"].as_str().unwrap_or("").trim()
            )
        })
        .collect();
    eprintln!("{} pages checked by the Nu HTML checker", names.len());
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors[..errors.len().min(60)].join("\n")
    );
}

impl Browser {
    fn run_js(&self, script: &str, asynchronous: bool) -> Value {
        let how = if asynchronous { "async" } else { "sync" };
        self.call(
            "POST",
            &self.s(&format!("/execute/{how}")),
            Some(json!({"script": script, "args": []})),
        )["value"]
            .clone()
    }
}

/// Interactive elements smaller than 44×44 px on the page shown (a checkbox by its
/// label), each as "tag “text” w×h".
const SMALL_TARGETS: &str = r#"
const small = [];
for (const el of document.querySelectorAll('main a[href], header a[href], nav a[href], button, input:not([type=hidden]), select, textarea, summary')) {
  let target = el;
  if (el.matches('input[type=checkbox], input[type=radio]')) target = el.closest('label') || el;
  const r = target.getBoundingClientRect();
  const s = getComputedStyle(target);
  if ((r.width === 0 && r.height === 0) || s.visibility === 'hidden' || s.display === 'none') continue;
  if (r.width < 43.5 || r.height < 43.5) {
    small.push(`${el.tagName.toLowerCase()} “${(el.textContent || el.value || el.name || '').trim().slice(0, 30)}” ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
}
return small;
"#;

/// axe-core's critical and serious violations on the page shown, each as "rule: help
/// (n elements) e.g. selector".
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations
  .filter((v) => v.impact === 'critical' || v.impact === 'serious')
  .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length}× e.g. ${v.nodes[0].target.join(' ')}`)))
  .catch((e) => done([`axe failed: ${e}`]));
"#;

#[test]
fn every_page_passes_axe_and_fits_the_hand() {
    let server = demo_server();
    let base = &server.base;
    let templates = served_paths(server.db_url());
    let axe = std::fs::read_to_string(tool("axe-core/axe.min.js")).unwrap();
    let mut failures: Vec<String> = Vec::new();
    let mut checked = 0;
    for (user, widths) in [
        ("xa", &[360][..]),
        ("tinh", &[360, 1366][..]),
        ("quantri", &[360][..]),
    ] {
        let pages = pages_of(base, &templates, user, 1);
        let b = Browser::start();
        b.login(base, user);
        b.wait_for("Tổng quan:");
        for &width in widths {
            b.call(
                "POST",
                &b.s("/window/rect"),
                Some(json!({"width": width, "height": 900})),
            );
            for address in pages.keys() {
                b.go(&format!("{base}{address}"));
                b.run_js(&axe, false);
                checked += 1;
                for v in b
                    .run_js(AXE_RUN, true)
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                {
                    failures.push(format!(
                        "{user} {width}px {address}: {}",
                        v.as_str().unwrap_or("")
                    ));
                }
                if width == 360 {
                    let small = b.run_js(SMALL_TARGETS, false);
                    for s in small.as_array().cloned().unwrap_or_default().iter().take(3) {
                        failures.push(format!(
                            "{user} {address}: small target {}",
                            s.as_str().unwrap_or("")
                        ));
                    }
                }
            }
        }
    }
    eprintln!("{checked} page views checked by axe-core");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(80)].join("\n")
    );
}
