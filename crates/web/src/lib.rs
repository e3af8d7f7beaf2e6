//! The web app: server-rendered Vietnamese pages for phones and laptops, sessions in the
//! database, access limited to one's own part of the tree, and a JSON API under /api.
//! Every handler does its database work on a blocking thread through the pool.

pub mod api;
pub mod auth;
pub mod cache;
pub mod error;
mod figure_threads;
pub mod html;
pub mod metrics;
pub mod pages;
pub mod pool;
pub mod sheet;
pub mod view;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use error::AppError;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub pool: Arc<pool::Pool>,
    /// Dashboards computed while the data stood still (see `pages::dashboard`).
    pub dashboards: Arc<pages::dashboard::Cache>,
    /// Reports computed while the data stood still (`crate::cache`).
    pub reports: Arc<pages::reports::Cache>,
    /// Reports of a unit and period alone, likewise (`pages::reports::plain`).
    pub plain_reports: Arc<pages::reports::PlainCache>,
    /// The `lasting` reports and their child units' cohorts, likewise.
    pub lasting: Arc<pages::lasting::Caches>,
    /// The households' own figures of reports, kept while their records stand
    /// (`cache::HouseholdFigures`).
    pub household_figures:
        Arc<cache::GenerationCache<reports::Request, Arc<reports::tally::Tally>>>,
    /// The key that signs login forms, shared by the servers of one database.
    login_key: Arc<std::sync::OnceLock<String>>,
    /// Database work in progress at once: each holds a blocking thread and a connection,
    /// so a flood of requests waits here instead of opening hundreds of both.
    db_slots: Arc<tokio::sync::Semaphore>,
    /// What `/metrics` reports.
    pub metrics: Arc<metrics::Metrics>,
    /// Each user's share of the database slots (a [`PER_USER_SHARE`]th): one user's flood
    /// of requests waits on her own share and leaves the rest to the others.
    user_slots: Arc<std::sync::Mutex<std::collections::HashMap<i64, Arc<tokio::sync::Semaphore>>>>,
    per_user: usize,
    /// Heavy downloads (spreadsheets, PDFs) made at once, in all ([`HEAVY_AT_ONCE`]); each
    /// user makes one at a time.
    heavy: Arc<tokio::sync::Semaphore>,
    /// Figures computed at once (a report, a dashboard, the follow-up of escapes): one
    /// per core. They are work of the processor: more at once only makes each slower,
    /// and while they wait they hold no database slot, so that a form's save always
    /// finds one.
    figures: Arc<tokio::sync::Semaphore>,
    /// The threads figures are computed on, as many as are computed at once.
    figure_threads: Arc<figure_threads::FigureThreads>,
    /// Writes of records at once: one on SQLite, which has one writer anyway (its
    /// waiting writers would otherwise hold every database slot while the pages wait
    /// for one), half the slots on PostgreSQL. Taken after her own share and before a
    /// slot.
    writes: Arc<tokio::sync::Semaphore>,
    user_heavy: Arc<std::sync::Mutex<std::collections::HashMap<i64, Arc<tokio::sync::Semaphore>>>>,
}

/// A turn to compute figures ([`AppState::figures`]): its database work runs on the
/// threads that compute figures, within the slots as any other.
pub struct FiguresTurn {
    st: AppState,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl FiguresTurn {
    /// [`AppState::run`] on the threads that compute figures.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut store::Db) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.st.run_on(On::FigureThreads, f).await
    }

    /// [`AppState::scoped`] on the threads that compute figures.
    pub async fn scoped<T: Send + 'static>(
        &self,
        who: &auth::Authed,
        f: impl FnOnce(&mut store::Db, &store::access::Access) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.st.scoped_on(On::FigureThreads, who, f).await
    }
}

/// The threads database work runs on.
#[derive(Clone, Copy)]
enum On {
    /// The runtime's blocking threads.
    Blocking,
    /// The threads that compute figures ([`FiguresTurn`]).
    FigureThreads,
}

/// The share of the database slots one user holds at most at once: a quarter of them
/// (4 of the default 16), at least one.
pub const PER_USER_SHARE: usize = 4;

/// Heavy downloads made at once on the whole server: as many as there are cores to make
/// them, so that pages keep theirs.
pub const HEAVY_AT_ONCE: usize = 2;

/// The permits a heavy download holds while it is made (its user's one, and one of the
/// server's).
pub struct HeavyPermit {
    _user: tokio::sync::OwnedSemaphorePermit,
    _all: tokio::sync::OwnedSemaphorePermit,
}

/// Database work running at once by default (threads and connections); more waits its
/// turn. `pool_size` in the configuration changes it.
pub const DB_SLOTS: usize = 16;

impl AppState {
    /// Where reports of `acc`'s units keep their households' figures.
    pub fn household_figures<'a>(
        &'a self,
        acc: &'a store::access::Access,
    ) -> cache::HouseholdFigures<'a> {
        cache::HouseholdFigures {
            cache: &self.household_figures,
            acc,
        }
    }

    /// The state of a server of `db_target` with the default number of connections.
    pub fn new(db_target: &str) -> AppState {
        AppState::with_connections(db_target, DB_SLOTS)
    }

    /// At most `connections` database connections (and as many requests doing database
    /// work at once).
    pub fn with_connections(db_target: &str, connections: usize) -> AppState {
        let connections = connections.max(1);
        let at_once = std::thread::available_parallelism().map_or(2, usize::from);
        AppState {
            pool: Arc::new(pool::Pool::new(
                db_target,
                u32::try_from(connections).unwrap_or(u32::MAX),
            )),
            dashboards: Arc::default(),
            reports: Arc::default(),
            plain_reports: Arc::default(),
            lasting: Arc::default(),
            household_figures: Arc::default(),
            login_key: Arc::default(),
            db_slots: Arc::new(tokio::sync::Semaphore::new(connections)),
            metrics: Arc::default(),
            user_slots: Arc::default(),
            per_user: (connections / PER_USER_SHARE).max(1),
            heavy: Arc::new(tokio::sync::Semaphore::new(HEAVY_AT_ONCE)),
            figures: Arc::new(tokio::sync::Semaphore::new(at_once)),
            figure_threads: Arc::new(figure_threads::FigureThreads::new(at_once)),
            writes: Arc::new(tokio::sync::Semaphore::new(
                match store::Backend::of(db_target) {
                    store::Backend::Sqlite => 1,
                    store::Backend::Postgres => (connections / 2).max(1),
                },
            )),
            user_heavy: Arc::default(),
        }
    }

    /// The semaphore of user `id` in `map`, made with `permits` on first use.
    fn share_of(
        map: &std::sync::Mutex<std::collections::HashMap<i64, Arc<tokio::sync::Semaphore>>>,
        id: i64,
        permits: usize,
    ) -> Arc<tokio::sync::Semaphore> {
        let mut m = map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        m.entry(id)
            .or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(permits)))
            .clone()
    }

    /// Waits for a turn to compute figures (see `figures`), held until they are made;
    /// taken before the database slot. The turn's work runs on the threads that compute
    /// figures (`figure_threads`).
    pub async fn figures(&self) -> Result<FiguresTurn, AppError> {
        let permit = self
            .figures
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(FiguresTurn {
            st: self.clone(),
            _permit: permit,
        })
    }

    /// Waits for a heavy download's turn: her one at a time, and the server's
    /// [`HEAVY_AT_ONCE`]. Held until the download is made.
    pub async fn heavy(&self, who: &auth::Authed) -> Result<HeavyPermit, AppError> {
        let mine = Self::share_of(&self.user_heavy, who.user.id, 1);
        let closed = |e: tokio::sync::AcquireError| AppError::Internal(e.to_string());
        let user = mine.acquire_owned().await.map_err(closed)?;
        let all = self.heavy.clone().acquire_owned().await.map_err(closed)?;
        Ok(HeavyPermit {
            _user: user,
            _all: all,
        })
    }

    /// Database work for a signed-in user, within her share of the slots (a
    /// [`PER_USER_SHARE`]th of them), then the server's.
    pub async fn run_as<T: Send + 'static>(
        &self,
        who: &auth::Authed,
        f: impl FnOnce(&mut store::Db) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.run_as_on(On::Blocking, who, f).await
    }

    async fn run_as_on<T: Send + 'static>(
        &self,
        on: On,
        who: &auth::Authed,
        f: impl FnOnce(&mut store::Db) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let share = Self::share_of(&self.user_slots, who.user.id, self.per_user);
        let _mine = share
            .acquire_owned()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        self.run_on(on, f).await
    }

    /// A write of records (an import, a form's save, a sync) for a signed-in user: her
    /// share of the slots, then a turn among the writers (see `writes`), then a slot.
    pub async fn write_as<T: Send + 'static>(
        &self,
        who: &auth::Authed,
        f: impl FnOnce(&mut store::Db) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let closed = |e: tokio::sync::AcquireError| AppError::Internal(e.to_string());
        let share = Self::share_of(&self.user_slots, who.user.id, self.per_user);
        let _mine = share.acquire_owned().await.map_err(closed)?;
        let _turn = self.writes.acquire().await.map_err(closed)?;
        self.run(f).await
    }

    /// The key that signs login forms: read from the database (made there by the first
    /// server that asked), then kept.
    pub async fn login_key(&self) -> Result<String, AppError> {
        if let Some(k) = self.login_key.get() {
            return Ok(k.clone());
        }
        let key = self
            .run(|db| {
                Ok(store::accounts::shared_secret(
                    db,
                    "login_form_key",
                    &auth::random_token(),
                )?)
            })
            .await?;
        Ok(self.login_key.get_or_init(|| key).clone())
    }

    /// Database work with the signed-in user's rights as the tree stands today.
    pub async fn scoped<T: Send + 'static>(
        &self,
        who: &auth::Authed,
        f: impl FnOnce(&mut store::Db, &store::access::Access) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.scoped_on(On::Blocking, who, f).await
    }

    async fn scoped_on<T: Send + 'static>(
        &self,
        on: On,
        who: &auth::Authed,
        f: impl FnOnce(&mut store::Db, &store::access::Access) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let w = who.clone();
        self.run_as_on(on, who, move |db| {
            let acc = w.access(db)?;
            f(db, &acc)
        })
        .await
    }

    /// Runs database work off the async threads, at most `DB_SLOTS` at once.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut store::Db) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.run_on(On::Blocking, f).await
    }

    async fn run_on<T: Send + 'static>(
        &self,
        on: On,
        f: impl FnOnce(&mut store::Db) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let _slot = self
            .db_slots
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let pool = self.pool.clone();
        match on {
            On::Blocking => tokio::task::spawn_blocking(move || pool.with(f))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?,
            On::FigureThreads => self.figure_threads.run(move || pool.with(f)).await,
        }
    }
}

/// A stored time (UTC, `2026-12-02T16:37:46Z`) as an officer reads it: Vietnam's time
/// (UTC+7), `02/12/2026 23:37`. Anything else is shown as it is.
pub fn vietnam_time(utc: &str) -> String {
    vietnam_moment(utc).map_or_else(
        || utc.to_owned(),
        |(day, hour, minute)| format!("{} {hour:02}:{minute:02}", day.dmy()),
    )
}

/// A stored time (UTC) in Vietnam (UTC+7): the day, the hour and the minute.
pub fn vietnam_moment(utc: &str) -> Option<(domain::Date, u8, u8)> {
    let day = domain::Date::parse(utc.get(..10)?).ok()?;
    let hour: i32 = utc.get(11..13)?.parse().ok()?;
    let minute: u8 = utc.get(14..16)?.parse().ok()?;
    let local = hour + 7;
    let day = domain::Date::from_days(day.days() + local.div_euclid(24));
    Some((day, u8::try_from(local.rem_euclid(24)).ok()?, minute))
}

/// Today in Vietnam (UTC+7): the structure date of everyday pages.
pub fn today() -> domain::Date {
    store::generations::vietnam_today()
}

pub fn router(state: AppState) -> Router {
    let app = Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics_text))
        .route(
            "/static/app.css",
            get(|| async {
                static_file("text/css; charset=utf-8", include_str!("../static/app.css"))
            }),
        )
        .route(
            "/static/htmx.min.js",
            get(|| async {
                static_file(
                    "text/javascript; charset=utf-8",
                    include_str!("../static/htmx.min.js"),
                )
            }),
        )
        .route(
            "/static/keep.js",
            get(|| async {
                static_file(
                    "text/javascript; charset=utf-8",
                    include_str!("../static/keep.js"),
                )
            }),
        )
        .route(
            "/static/offline.js",
            get(|| async {
                static_file(
                    "text/javascript; charset=utf-8",
                    include_str!("../static/offline.js"),
                )
            }),
        )
        .route(
            "/static/icon.svg",
            get(|| async { static_file("image/svg+xml", include_str!("../static/icon.svg")) }),
        )
        // The service worker is served from the root: its scope is the whole app.
        .route(
            "/sw.js",
            get(|| async {
                static_file(
                    "text/javascript; charset=utf-8",
                    include_str!("../static/sw.js"),
                )
            }),
        )
        .merge(pages::routes())
        .merge(api::routes())
        // An address no page has: the Vietnamese "not found" page, not the browser's.
        .fallback(|| async { error::AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::session_layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::layer,
        ))
        .with_state(state);
    with_production_layers(app).layer(
        // One line per request for the person running the server: method, route (the
        // pattern, never the path, which may hold a household code), status, latency,
        // and the signed-in user's id once `auth` knows it. No query strings, bodies,
        // names, citizen IDs or phones.
        tower_http::trace::TraceLayer::new_for_http()
            .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                let route = req
                    .extensions()
                    .get::<axum::extract::MatchedPath>()
                    .map_or("(unrouted)", axum::extract::MatchedPath::as_str);
                tracing::info_span!(
                    "request",
                    method = %req.method(),
                    route,
                    user_id = tracing::field::Empty,
                )
            })
            .on_request(())
            .on_response(
                |res: &axum::http::Response<axum::body::Body>,
                 latency: std::time::Duration,
                 _: &tracing::Span| {
                    tracing::info!(
                        status = res.status().as_u16(),
                        latency_ms = latency.as_secs_f64() * 1000.0,
                        "served"
                    );
                },
            )
            .on_body_chunk(())
            .on_eos(())
            .on_failure(()),
    )
}

/// A request may take this long, from its first byte to its answer (a large import
/// included); past it the client gets 408 and the work is dropped.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// What every answer of a production server needs, from tower-http: a panic caught and
/// answered as a 500 page (the server goes on), a timeout, gzip, and headers that keep
/// browsers from caching personal data, framing the app, guessing types or running any
/// script but the app's own.
fn with_production_layers(app: Router) -> Router {
    use axum::http::{header, HeaderValue};
    use tower_http::set_header::SetResponseHeaderLayer;
    let header = |name, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    app.layer(
        tower::ServiceBuilder::new()
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        // Inline style attributes are the pages' own (no inline script anywhere).
        .layer(header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "same-origin"))
        // Pages show citizen IDs and phones: no copy stays in a browser's or proxy's
        // cache. The static files set their own, public caching.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        )),
    )
}

/// A handler that panicked: logged with its cause, answered as the error page. (The
/// signature is the one `CatchPanicLayer` calls.)
#[allow(clippy::needless_pass_by_value)]
fn panicked(cause: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let cause = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    AppError::Internal(format!("panic: {cause}")).into_response()
}

fn static_file(kind: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
}

/// Alive: the process answers (a load balancer's liveness probe). No database work.
async fn health(axum::extract::State(st): axum::extract::State<AppState>) -> impl IntoResponse {
    let backend = store::Backend::of(st.pool.target()).name();
    axum::Json(serde_json::json!({"status": "ok", "backend": backend}))
}

/// Ready: the database answers (a load balancer sends users only to a ready server).
async fn ready(axum::extract::State(st): axum::extract::State<AppState>) -> impl IntoResponse {
    let checked = st
        .run(|db| {
            let n = store::units::count(db)?;
            Ok((db.backend().name().to_owned(), n))
        })
        .await;
    match checked {
        Ok((backend, units)) => {
            axum::Json(serde_json::json!({"status": "ready", "backend": backend, "units": units}))
                .into_response()
        }
        Err(e) => {
            tracing::warn!(cause = %e, "not ready: the database does not answer");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

/// The counters for Prometheus, to a scraper on this machine only (behind the reverse
/// proxy everyone else is refused).
async fn metrics_text(
    axum::extract::State(st): axum::extract::State<AppState>,
    req: axum::extract::Request,
) -> axum::response::Response {
    let local = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .is_some_and(|c| c.0.ip().is_loopback());
    let forwarded = req.headers().contains_key("x-forwarded-for");
    if !local || forwarded {
        return AppError::Forbidden.into_response();
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        st.metrics.render(st.pool.usage()),
    )
        .into_response()
}

/// Creates the first administrator when there is no user at all, and returns the
/// one-time password to print (it must be changed at first login).
pub fn ensure_admin(db: &mut store::Db) -> Result<Option<String>, store::StoreError> {
    if store::accounts::count(db)? > 0 {
        return Ok(None);
    }
    let password = auth::random_token()[..16].to_owned();
    let root = store::units::central_code(db)?.unwrap_or_else(|| "VN".into());
    db.transaction(|tx| {
        store::accounts::create(
            tx,
            &store::accounts::NewUser {
                username: "admin",
                full_name: "Quản trị hệ thống",
                password_hash: &auth::hash_password(&password),
                role: domain::access::Role::Admin,
                unit_code: &root,
                must_change_password: true,
            },
            "system",
        )
    })?;
    Ok(Some(password))
}

/// Serves until Ctrl-C or SIGTERM. Prints the address actually bound (port 0 picks a
/// free one).
pub async fn serve(addr: &str, state: AppState) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    println!("donghanh đang chạy tại http://{bound} (Ctrl-C để dừng)");
    serve_on(listener, state, stop_signal()).await
}

/// Ctrl-C, or SIGTERM (what systemd and container runtimes send).
async fn stop_signal() {
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(e) => {
                    tracing::warn!(cause = %e, "cannot listen for SIGTERM");
                    std::future::pending::<()>().await;
                }
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = term => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// A client has this long to send a request's headers (a half-sent request otherwise
/// holds its connection for ever).
const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// Between the last connection taken and telling the connections to close.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(500);
/// Requests in flight at shutdown get this long to finish.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(30);

/// One connection: hyper's HTTP/1 with the header read timeout, the client's address
/// handed to the handlers, watched by `graceful` so that shutdown waits for it.
fn serve_connection(
    app: &Router,
    graceful: &hyper_util::server::graceful::GracefulShutdown,
    stream: tokio::net::TcpStream,
    peer: std::net::SocketAddr,
    keep_alive: bool,
) {
    use tower::ServiceExt;
    let app = app.clone();
    let service =
        hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
            app.clone().oneshot(req)
        });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(keep_alive)
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    let conn = graceful.watch(conn);
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(cause = %e, "connection ended early");
        }
    });
}

/// Serves on a bound listener until `shutdown` completes, then stops accepting and lets
/// the requests in flight finish (the tests run the app this way, in their own process,
/// on port 0). Each connection is hyper's HTTP/1 with a header read timeout; the
/// client's address reaches the handlers as `ConnectInfo`.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(bound = %listener.local_addr()?, "serving");
    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::warn!(cause = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        serve_connection(&app, &graceful, stream, peer, true);
    }
    // Connections the kernel completed but the loop had not taken yet are served too:
    // their clients already sent their requests. Taken by plain accept calls until there
    // is none (the runtime's readiness may not have seen them yet).
    let listener = listener.into_std()?;
    listener.set_nonblocking(true)?;
    while let Ok((stream, peer)) = listener.accept() {
        if let Ok(stream) = stream
            .set_nonblocking(true)
            .and_then(|()| tokio::net::TcpStream::from_std(stream))
        {
            serve_connection(&app, &graceful, stream, peer, false);
        }
    }
    drop(listener);
    tracing::info!("stopping: finishing the requests in flight");
    // A connection taken just before the signal may not have sent its request yet; the
    // connections are told to close (after their request in flight) a moment later.
    tokio::time::sleep(SETTLE).await;
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("stopped"),
        () = tokio::time::sleep(DRAIN) => tracing::warn!(seconds = DRAIN.as_secs(), "stopped with requests still in flight"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn stored_times_read_in_vietnam() {
        assert_eq!(
            super::vietnam_time("2026-12-02T16:37:46Z"),
            "02/12/2026 23:37"
        );
        assert_eq!(
            super::vietnam_time("2026-12-31T17:05:00Z"),
            "01/01/2027 00:05"
        );
        assert_eq!(super::vietnam_time("hôm qua"), "hôm qua");
    }
}
