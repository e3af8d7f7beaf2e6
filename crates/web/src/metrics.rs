//! What the server counts for the person running it, in Prometheus' text format at
//! `/metrics`: requests by route pattern and status, a latency histogram per route,
//! imports, and the connection pool. Route patterns only, never paths (they hold codes).

use std::collections::BTreeMap;
use std::sync::Mutex;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Route {
    by_status: BTreeMap<u16, u64>,
    /// Requests at or under each bucket's bound (cumulative when written out).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    seconds: f64,
}

#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<String, Route>>,
}

impl Metrics {
    pub fn record(&self, route: &str, status: u16, seconds: f64) {
        let mut routes = self
            .routes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let r = routes.entry(route.to_owned()).or_default();
        *r.by_status.entry(status).or_default() += 1;
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            r.buckets[i] += 1;
        }
        r.count += 1;
        r.seconds += seconds;
    }

    /// The text format, with the pool's (open, lent) connections.
    pub fn render(&self, pool: (u32, u32)) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let routes = self
            .routes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        out.push_str("# HELP donghanh_http_requests_total Requests answered, by route pattern and status.\n# TYPE donghanh_http_requests_total counter\n");
        for (route, r) in routes.iter() {
            for (status, n) in &r.by_status {
                let _ = writeln!(
                    out,
                    "donghanh_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP donghanh_http_request_duration_seconds Time to answer, by route pattern.\n# TYPE donghanh_http_request_duration_seconds histogram\n");
        for (route, r) in routes.iter() {
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(r.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "donghanh_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "donghanh_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\ndonghanh_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\ndonghanh_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                r.count, r.seconds, r.count
            );
        }
        let imports = importer::metrics::snapshot();
        let _ = writeln!(
            out,
            "# HELP donghanh_imports_total Imports, by outcome.\n# TYPE donghanh_imports_total counter\n\
             donghanh_imports_total{{outcome=\"committed\"}} {}\n\
             donghanh_imports_total{{outcome=\"rejected\"}} {}\n\
             donghanh_imports_total{{outcome=\"failed\"}} {}\n\
             # HELP donghanh_import_rows_total Rows read by committed imports.\n# TYPE donghanh_import_rows_total counter\n\
             donghanh_import_rows_total {}",
            imports.committed, imports.rejected, imports.failed, imports.rows
        );
        let _ = writeln!(
            out,
            "# HELP donghanh_db_connections Database connections of the pool.\n# TYPE donghanh_db_connections gauge\n\
             donghanh_db_connections{{state=\"open\"}} {}\n\
             donghanh_db_connections{{state=\"in_use\"}} {}",
            pool.0, pool.1
        );
        out
    }
}

/// Counts every answer by its route pattern (`MatchedPath`; `(unrouted)` for a 404).
pub async fn layer(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "(unrouted)".to_owned(), |m| m.as_str().to_owned());
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    state.metrics.record(
        &route,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}
