//! The HTTP server. For now: a health endpoint that proves the app and its database
//! are up (the web app's pages come with their own issue).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db_target: Arc<String>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .with_state(state)
}

async fn health(State(st): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    let target = st.db_target.clone();
    let checked = tokio::task::spawn_blocking(move || -> Result<(String, i64), String> {
        let mut db = store::Db::open(&target).map_err(|e| e.to_string())?;
        let n = db
            .query_one("SELECT COUNT(*) FROM units", &[])
            .map_err(|e| e.to_string())?
            .int(0);
        Ok((db.backend().name().to_owned(), n))
    })
    .await;
    match checked {
        Ok(Ok((backend, units))) => (
            StatusCode::OK,
            Json(serde_json::json!({"status": "ok", "backend": backend, "units": units})),
        ),
        Ok(Err(e)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "error", "error": e})),
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(serde_json::json!({"status": "error", "error": e.to_string()})),
        ),
    }
}

/// Serves until Ctrl-C. Prints the address actually bound (port 0 picks a free one).
pub async fn serve(addr: &str, state: AppState) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!(
        "donghanh đang chạy tại http://{} (Ctrl-C để dừng)",
        listener.local_addr()?
    );
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
