//! The pages, one module per area.

mod audit;
pub(crate) mod breakdown;
mod card;
pub(crate) mod dashboard;
mod data_request;
mod differences;
mod form_fields;
mod forms;
mod history;
mod household_forms;
pub(crate) mod households;
pub(crate) mod import;
pub(crate) mod lasting;
mod lineage;
mod login;
pub(crate) mod offline;
mod periods;
mod privacy;
mod records;
pub(crate) mod reports;
pub(crate) mod saved;
mod targets;
mod units;
mod users;

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route(
            "/password",
            get(login::password_form).post(login::password_submit),
        )
        .route("/", get(dashboard::show))
        .route("/offline", get(offline::page))
        .route("/manifest.webmanifest", get(offline::manifest))
        .route("/units", get(units::tree))
        .route("/units/{code}", get(units::history))
        .route("/households", get(households::list))
        .route("/households/results", get(households::results))
        .route("/households/export", get(households::export))
        .route(
            "/households/new",
            get(household_forms::household_new).post(household_forms::household_create),
        )
        .route("/households/{code}", get(households::show))
        .route(
            "/households/{code}/edit",
            get(household_forms::household_edit).post(household_forms::household_update),
        )
        .route("/households/{code}/card", get(card::show))
        .route("/households/{code}/restore", post(history::restore))
        .route(
            "/households/{code}/members/{no}/data",
            get(data_request::export),
        )
        .route(
            "/households/{code}/members/{no}/erase",
            get(data_request::erase_form).post(data_request::erase),
        )
        .route(
            "/households/{code}/{kind}",
            get(forms::child_get).post(forms::child_post),
        )
        .route(
            "/activities/new",
            get(forms::activity_form).post(forms::activity_save),
        )
        .route(
            "/import",
            get(import::form).post(import::upload).layer(
                // The multipart reader stops here; the handler says so in Vietnamese.
                axum::extract::DefaultBodyLimit::max(import::UPLOAD_BYTES + 64 * 1024),
            ),
        )
        .route("/import/confirm", post(import::confirm))
        .route("/import/template/{kind}", get(import::template))
        .route("/import/errors/{token}", get(import::errors))
        .route("/periods", get(periods::show).post(periods::step))
        .route("/periods/signed", get(periods::signed))
        .route("/lineage", get(lineage::show).post(lineage::decide_one))
        .route("/records", get(records::index))
        .route("/records/{kind}", get(records::list))
        .route(
            "/records/{kind}/new",
            get(records::new_form).post(records::new_save),
        )
        .route(
            "/records/{kind}/edit",
            get(records::edit_form).post(records::edit_save),
        )
        .route(
            "/records/{kind}/delete",
            get(records::delete_form).post(records::delete_save),
        )
        .route("/reports", get(reports::show))
        .route("/reports/download", get(reports::download))
        .route("/reports/explain", get(reports::explain))
        .route("/reports/differences", get(differences::list))
        .route("/reports/breakdown", get(breakdown::show))
        .route("/reports/lasting", get(lasting::show))
        .route("/reports/lasting/households", get(lasting::households))
        .route("/follow-up", get(lasting::follow_up))
        .route("/targets", get(targets::show).post(targets::save))
        .route("/users", get(users::list).post(users::create))
        .route("/users/active", post(users::set_active))
        .route("/users/reset", post(users::reset_password))
        .route("/audit", get(audit::list))
        .route("/privacy/consents", get(privacy::consents))
        .route(
            "/privacy/breaches",
            get(privacy::breaches).post(privacy::breach_create),
        )
        .route(
            "/privacy/breaches/{id}",
            get(privacy::breach_show).post(privacy::breach_step),
        )
        .route(
            "/privacy/retention",
            get(privacy::retention).post(privacy::retention_step),
        )
}
