//! Import from the browser: download a template, upload a file, see every bad row or a
//! summary of what would change, then confirm.

use crate::auth::Authed;
use crate::error::AppError;
use crate::html::csrf;
use crate::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup};
use std::path::PathBuf;
use std::sync::Arc;

fn upload_dir(token: &str) -> PathBuf {
    std::env::temp_dir().join("donghanh-uploads").join(token)
}

fn upload_form(who: &Authed) -> Markup {
    html! {
        form.stack.card method="post" action={"/import?_csrf=" (who.csrf)} enctype="multipart/form-data" {
            (csrf(who))
            label for="file" { "Tệp CSV hoặc Excel (.xlsx; mỗi trang mang tên loại dữ liệu)" }
            input id="file" name="file" type="file" accept=".csv,.xlsx";
            p { button type="submit" { "Kiểm tra tệp" } }
        }
    }
}

pub async fn form(who: Authed) -> Result<Html<String>, AppError> {
    let body = html! {
        h1 { "Nhập dữ liệu từ tệp" }
        p { "Tải mẫu, điền, rồi gửi lên. Tệp được kiểm tra trước; chỉ khi bạn xác nhận thì dữ liệu mới được ghi, và ghi tất cả hoặc không ghi gì." }
        h2 { "Tải mẫu Excel" }
        p { @for k in importer::kinds::all() { a href={"/import/template/" (k.spec().kind)} { (k.spec().label_vi) } " · " } }
        h2 { "Gửi tệp" }
        (upload_form(&who))
    };
    Ok(who.page("Nhập tệp", body))
}

/// A template: one sheet named after the kind, the contract's column names, codes as text.
pub async fn template(_who: Authed, Path(kind): Path<String>) -> Result<Response, AppError> {
    let k = importer::kinds::find(&kind).ok_or(AppError::NotFound)?;
    let mut book = rust_xlsxwriter::Workbook::new();
    let text = rust_xlsxwriter::Format::new().set_num_format("@");
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet();
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.to_string());
    sheet.set_name(k.spec().kind).map_err(err)?;
    for (i, c) in k.spec().cols.iter().enumerate() {
        sheet
            .write_string_with_format(0, i as u16, c.name, &bold)
            .map_err(err)?;
        // Every column as text, so that Excel keeps leading zeros of codes and IDs.
        sheet.set_column_format(i as u16, &text).map_err(err)?;
        sheet.set_column_width(i as u16, 16).map_err(err)?;
    }
    let bytes = book.save_to_buffer().map_err(err)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{kind}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn outcome(
    who: &Authed,
    token: &str,
    file: &str,
    result: &Result<importer::Summary, importer::Rejection>,
) -> Markup {
    html! {
        @match result {
            Err(r) => {
                p.alert { "Tệp " (file) " có " (r.errors.len()) " lỗi. Chưa ghi gì. Hãy sửa các dòng dưới đây rồi gửi lại." }
                div.scroll { table {
                    tr { th { "Tệp" } th.n { "Dòng" } th { "Cột" } th { "Giá trị" } th { "Lý do" } }
                    @for e in &r.errors {
                        tr { td { (e.file) } td.n { (e.row) } td { (e.column) } td { (e.value) } td { (e.reason_vi()) } }
                    }
                } }
                (upload_form(who))
            }
            Ok(s) => {
                @let t = s.total();
                p.notice { "Tệp " (file) " hợp lệ: " (s.rows_read) " dòng; sẽ thêm mới " (t.inserted) ", cập nhật " (t.updated) ", không đổi " (t.unchanged) "." }
                @for w in &s.warnings { p.muted { "Lưu ý dòng " (w.row) ": " (w.reason_vi()) } }
                form.card method="post" action="/import/confirm" {
                    (csrf(who))
                    input type="hidden" name="token" value=(token);
                    button type="submit" { "Xác nhận ghi dữ liệu" }
                }
            }
        }
    }
}

async fn run_import(
    st: &AppState,
    who: &Authed,
    dir: PathBuf,
    dry_run: bool,
) -> Result<Result<importer::Summary, importer::Rejection>, AppError> {
    let w = who.clone();
    st.run(move |db| {
        let acc = Arc::new(w.access(db)?);
        let opts = importer::Options {
            actor: w.actor(),
            dry_run,
            access: Some(acc),
            ..importer::Options::default()
        };
        match importer::import_paths(db, &[dir], &opts) {
            Ok(s) => Ok(Ok(s)),
            Err(importer::ImportError::Rejected(r)) => Ok(Err(r)),
            Err(importer::ImportError::Store(e)) => Err(e.into()),
            Err(importer::ImportError::DryRun) => Err(AppError::Internal("dry run".into())),
        }
    })
    .await
}

pub async fn upload(
    State(st): State<AppState>,
    who: Authed,
    mut mp: Multipart,
) -> Result<Html<String>, AppError> {
    let token = crate::auth::random_token()[..24].to_owned();
    let dir = upload_dir(&token);
    std::fs::create_dir_all(&dir).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut file_name = String::new();
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("Tệp gửi lên bị lỗi: {e}")))?
    {
        if field.name() == Some("file") {
            // Only the base name: an uploaded name never chooses where it is written.
            let name = field
                .file_name()
                .unwrap_or("tep.csv")
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("tep.csv")
                .to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(format!("Không đọc được tệp: {e}")))?;
            std::fs::write(dir.join(&name), &bytes)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            file_name = name;
        }
    }
    if file_name.is_empty() {
        return Err(AppError::BadRequest("Hãy chọn một tệp.".into()));
    }
    let result = run_import(&st, &who, dir.clone(), true).await?;
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let body = html! { h1 { "Kiểm tra tệp" } (outcome(&who, &token, &file_name, &result)) };
    Ok(who.page("Nhập tệp", body))
}

#[derive(serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    token: String,
}

pub async fn confirm(
    State(st): State<AppState>,
    who: Authed,
    axum::extract::Form(f): axum::extract::Form<ConfirmForm>,
) -> Result<Html<String>, AppError> {
    if f.token.is_empty() || !f.token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::BadRequest(
            "Không tìm thấy tệp đã kiểm tra; hãy gửi lại.".into(),
        ));
    }
    let dir = upload_dir(&f.token);
    if !dir.exists() {
        return Err(AppError::BadRequest(
            "Không tìm thấy tệp đã kiểm tra; hãy gửi lại.".into(),
        ));
    }
    let result = run_import(&st, &who, dir.clone(), false).await?;
    let _ = std::fs::remove_dir_all(&dir);
    let body = html! {
        h1 { "Nhập dữ liệu" }
        @match &result {
            Ok(s) => { @let t = s.total(); p.notice { "Đã ghi: thêm mới " (t.inserted) ", cập nhật " (t.updated) ", không đổi " (t.unchanged) "." } }
            Err(r) => { p.alert { "Không ghi được: " (r.errors.len()) " lỗi (dữ liệu đã thay đổi kể từ lúc kiểm tra). Hãy gửi lại tệp." } }
        }
        p { a href="/import" { "Nhập tệp khác" } }
    };
    Ok(who.page("Nhập tệp", body))
}
