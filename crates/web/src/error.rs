//! Errors of the web layer, each turned into a Vietnamese page (or JSON for the API) in
//! one place.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// What a page handler answers: the page's HTML, or the error page that `AppError` renders.
pub type Page = Result<axum::response::Html<String>, AppError>;
/// What a handler answers when it may also redirect or send a file.
pub type Reply = Result<Response, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not signed in: pages redirect to the login page, the API answers 401.
    #[error("chưa đăng nhập")]
    Unauthorized,
    #[error("không có quyền")]
    Forbidden,
    #[error("không tìm thấy")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    /// Someone else saved first.
    #[error("{0}")]
    Conflict(String),
    /// The server cannot answer now (no database connection in time): try again.
    #[error("{0}")]
    Unavailable(String),
    #[error("lỗi hệ thống: {0}")]
    Internal(String),
    /// Go elsewhere first (a password that must be changed).
    #[error("chuyển trang")]
    Redirect(String),
    /// Rows refused by the importer's rules: the reasons row by row, column by column
    /// (`conflict`: someone else's write or a locked period, 409; otherwise 400).
    #[error("{message}")]
    Refused {
        conflict: bool,
        message: String,
        errors: Vec<RowError>,
    },
}

/// One refused cell of a write, as the API answers it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// The row (1 = the first row sent).
    pub row: usize,
    /// The column's code in the data contract (`""`: the whole row).
    pub column: String,
    /// The column's Vietnamese name.
    pub column_vi: String,
    /// The value sent.
    pub value: String,
    /// Why, in Vietnamese.
    pub error: String,
}

impl From<store::StoreError> for AppError {
    fn from(e: store::StoreError) -> AppError {
        match e {
            store::StoreError::Forbidden => AppError::Forbidden,
            store::StoreError::Busy => AppError::Unavailable(e.message_vi()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<store::access::Forbidden> for AppError {
    fn from(_: store::access::Forbidden) -> AppError {
        AppError::Forbidden
    }
}

impl From<reports::ReportError> for AppError {
    fn from(e: reports::ReportError) -> AppError {
        match e {
            reports::ReportError::Store(s) => s.into(),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Redirect(_) => StatusCode::SEE_OTHER,
            AppError::Refused { conflict: true, .. } => StatusCode::CONFLICT,
            AppError::Refused { .. } => StatusCode::BAD_REQUEST,
        }
    }

    /// A stable code for the error's kind, for programs calling the API.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
            AppError::Redirect(_) => "redirect",
            AppError::Refused { conflict: true, .. } => "rows_conflict",
            AppError::Refused { .. } => "rows_invalid",
        }
    }

    fn message_vi(&self) -> String {
        match self {
            AppError::Unauthorized => "Bạn cần đăng nhập.".into(),
            AppError::Forbidden => {
                "Bạn không có quyền xem hoặc sửa dữ liệu này: nó nằm ngoài đơn vị của bạn.".into()
            }
            AppError::NotFound => "Không tìm thấy trang hoặc bản ghi.".into(),
            AppError::BadRequest(m) | AppError::Conflict(m) | AppError::Unavailable(m) => m.clone(),
            AppError::Refused {
                message, errors, ..
            } => {
                let each: Vec<String> = errors
                    .iter()
                    .map(|e| format!("dòng {}, {}: {}", e.row, e.column_vi, e.error))
                    .collect();
                format!("{message} {}", each.join("; "))
            }
            AppError::Internal(_) => "Có lỗi hệ thống; đã ghi nhật ký. Vui lòng thử lại.".into(),
            AppError::Redirect(to) => format!("Chuyển đến {to}"),
        }
    }

    /// The JSON form, for the API.
    pub fn json(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(cause = %e, "internal error");
        }
        let errors = match &self {
            AppError::Refused { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        let message = match &self {
            AppError::Refused { message, .. } => message.clone(),
            other => other.message_vi(),
        };
        let body = ApiError {
            status: self.status().as_u16(),
            code: self.code(),
            error: message,
            errors,
        };
        (self.status(), axum::Json(body)).into_response()
    }
}

/// An error as the API answers it: the status, a stable code, the Vietnamese message
/// and, for refused rows, each reason by row and column.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub error: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<RowError>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            // Inside the request's span: the log line names the route and the user.
            tracing::error!(cause = %e, "internal error");
        }
        if matches!(self, AppError::Unauthorized) {
            return (
                StatusCode::SEE_OTHER,
                [(header::LOCATION, "/login".to_owned())],
            )
                .into_response();
        }
        if let AppError::Redirect(to) = &self {
            return (StatusCode::SEE_OTHER, [(header::LOCATION, to.clone())]).into_response();
        }
        let status = self.status();
        let title = match &self {
            AppError::Forbidden => "Không có quyền",
            AppError::NotFound => "Không tìm thấy",
            AppError::Conflict(_) => "Dữ liệu đã thay đổi",
            AppError::Unavailable(_) => "Hệ thống đang bận",
            _ => "Không thực hiện được",
        };
        let shown = ErrorPage {
            title,
            message: self.message_vi(),
        };
        let page = crate::html::bare(title, shown.body());
        let mut response = (status, page).into_response();
        // The session layer draws it again inside the menu for a signed-in user.
        response.extensions_mut().insert(shown);
        response
    }
}

/// What an error page says, kept with its response so that the page can be drawn again
/// with the menu of whoever is signed in (`auth::session_layer`).
#[derive(Clone, Debug)]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
}

impl ErrorPage {
    pub fn body(&self) -> maud::Markup {
        maud::html! {
            h1 { (self.title) }
            p.alert { (self.message) }
            p { a href="/" { "Về trang chủ" } }
        }
    }
}
