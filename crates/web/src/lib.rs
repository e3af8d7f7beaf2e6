//! The web app: server-rendered Vietnamese pages for phones and laptops, sessions in the
//! database, access limited to one's own part of the tree, and a JSON API under /api.
//! Every handler does its database work on a blocking thread through the pool.

pub mod api;
pub mod auth;
pub mod error;
pub mod html;
pub mod pages;
pub mod pool;

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
    /// The key that signs login forms, shared by the servers of one database.
    login_key: Arc<std::sync::OnceLock<String>>,
    /// Database work in progress at once: each holds a blocking thread and a connection,
    /// so a flood of requests waits here instead of opening hundreds of both.
    db_slots: Arc<tokio::sync::Semaphore>,
}

/// Database work running at once (threads and connections); more waits its turn.
const DB_SLOTS: usize = 16;

impl AppState {
    pub fn new(db_target: &str) -> AppState {
        AppState {
            pool: Arc::new(pool::Pool::new(db_target)),
            dashboards: Arc::default(),
            login_key: Arc::default(),
            db_slots: Arc::new(tokio::sync::Semaphore::new(DB_SLOTS)),
        }
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

    /// Runs database work off the async threads, at most `DB_SLOTS` at once.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut store::Db) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let _slot = self
            .db_slots
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || pool.with(f))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
    }
}

/// Today in Vietnam (UTC+7): the structure date of everyday pages.
pub fn today() -> domain::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
        + 7 * 3600;
    domain::Date::from_days(secs.div_euclid(86_400) as i32)
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
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
        .merge(pages::routes())
        .nest("/api", api::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::session_layer,
        ))
        .with_state(state)
        .layer(
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

fn static_file(kind: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
}

async fn health(axum::extract::State(st): axum::extract::State<AppState>) -> impl IntoResponse {
    let checked = st
        .run(|db| {
            let n = store::units::count(db)?;
            Ok((db.backend().name().to_owned(), n))
        })
        .await;
    match checked {
        Ok((backend, units)) => {
            axum::Json(serde_json::json!({"status": "ok", "backend": backend, "units": units}))
                .into_response()
        }
        Err(e) => e.json(),
    }
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

/// Serves until Ctrl-C. Prints the address actually bound (port 0 picks a free one).
pub async fn serve(addr: &str, state: AppState) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    println!("donghanh đang chạy tại http://{bound} (Ctrl-C để dừng)");
    serve_on(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serves on a bound listener until `shutdown` completes (the tests run the app this
/// way, in their own process, on port 0).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(bound = %listener.local_addr()?, "serving");
    // The client's address is known to the handlers: sign-in attempts are counted per
    // address.
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
