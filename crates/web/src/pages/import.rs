//! Import from the browser: download a template, upload a file, see every bad row or a
//! summary of what would change, then confirm.

use crate::auth::Authed;
use crate::error::{AppError, Page, Reply};
use crate::html::csrf;
use crate::sheet::{Cell, Sheet};
use crate::AppState;
use axum::extract::{Multipart, Path, State};
use maud::{html, Markup};
use std::path::PathBuf;
use std::sync::Arc;

/// The largest file the import page takes.
pub const UPLOAD_BYTES: usize = 50 * 1024 * 1024;
/// An upload not confirmed within this time is removed.
const UPLOAD_KEPT: std::time::Duration = std::time::Duration::from_secs(3600);

/// Where uploads wait for their confirmation: a folder only the server's user may enter
/// (not the shared temporary folder itself), one folder per upload inside.
fn uploads_root() -> PathBuf {
    let name = format!("donghanh-uploads-{}", user_id());
    std::env::temp_dir().join(name)
}

#[cfg(unix)]
fn user_id() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map_or(0, |m| m.uid())
}

#[cfg(not(unix))]
fn user_id() -> u32 {
    0
}

fn upload_dir(token: &str) -> PathBuf {
    uploads_root().join(token)
}

/// Makes the private folder of one upload, and removes uploads older than an hour.
fn new_upload_dir(token: &str) -> std::io::Result<PathBuf> {
    let root = uploads_root();
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&root)?;
    #[cfg(unix)]
    {
        // A folder made earlier by someone else, or with wider rights, is not used.
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = std::fs::symlink_metadata(&root)?;
        if meta.uid() != user_id() || !meta.is_dir() || meta.permissions().mode() & 0o077 != 0 {
            return Err(std::io::Error::other("the uploads folder is not private"));
        }
    }
    if let Ok(entries) = std::fs::read_dir(&root) {
        for e in entries.flatten() {
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > UPLOAD_KEPT);
            if old {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let dir = root.join(token);
    builder.create(&dir)?;
    Ok(dir)
}

/// The name an uploaded file is kept under: its base name, which says its kind
/// (`households.csv`), when it is a plain one; anything else is refused.
fn safe_name(sent: Option<&str>) -> Result<String, AppError> {
    let base = sent
        .unwrap_or("")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim();
    let plain = !base.is_empty()
        && !base.starts_with('.')
        && base.chars().count() <= 100
        && !base.chars().any(char::is_control);
    if plain {
        Ok(base.to_owned())
    } else {
        Err(AppError::BadRequest(
            "Tên tệp không hợp lệ: hãy đặt tên theo loại dữ liệu, như households.csv hoặc du-lieu.xlsx.".into(),
        ))
    }
}

fn upload_form(who: &Authed) -> Markup {
    html! {
        form.stack.card method="post" action={"/import?_csrf=" (who.csrf)} enctype="multipart/form-data" novalidate {
            (csrf(who))
            label for="file" { "Tệp CSV hoặc Excel (.xlsx; mỗi trang mang tên loại dữ liệu)" }
            input id="file" name="file" type="file" accept=".csv,.xlsx";
            p { button type="submit" { "Kiểm tra tệp" } }
        }
    }
}

pub async fn form(who: Authed) -> Page {
    who.must_write()?;
    // The kinds her role may write (the unit tree is the administrators').
    let mine: Vec<&domain::contract::Spec> = importer::kinds::all()
        .iter()
        .map(|k| k.spec())
        .filter(|s| who.user.role.reach(s.subject) != domain::access::Reach::Nothing)
        .collect();
    let body = html! {
        h1 { "Nhập dữ liệu từ tệp" }
        p { "Tải mẫu, điền, rồi gửi lên. Tệp được kiểm tra trước; chỉ khi bạn xác nhận thì dữ liệu mới được ghi, và ghi tất cả hoặc không ghi gì." }
        h2 { "Tải mẫu Excel" }
        p.muted { "Mỗi mẫu có trang hướng dẫn, dòng ví dụ và danh sách chọn cho các ô có danh mục và đơn vị của bạn." }
        ul { @for spec in mine { li { a href={"/import/template/" (spec.kind)} { (spec.label_vi) } } } }
        h2 { "Gửi tệp" }
        (upload_form(&who))
    };
    Ok(who.page("Nhập tệp", body))
}

/// A kind's Excel template (`importer::template`), with the units she may write in its
/// unit drop-down.
pub async fn template(State(st): State<AppState>, who: Authed, Path(kind): Path<String>) -> Reply {
    who.must_write()?;
    let k = importer::kinds::find(&kind).ok_or(AppError::NotFound)?;
    let spec = k.spec();
    let w = who.clone();
    let (units, today) = st
        .run(move |db| {
            let acc = w.access(db)?;
            let subject = spec.subject;
            let units: Vec<importer::template::UnitChoice> = acc
                .writable_units(subject)
                .into_iter()
                .map(importer::template::UnitChoice::of)
                .collect();
            Ok((units, acc.today))
        })
        .await?;
    let bytes = importer::template::workbook(spec, &units, today, &[])
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::sheet::xlsx_download(
        &format!("mau-{kind}.xlsx"),
        bytes,
    ))
}

/// Every error of a rejected file, as a list for the page and for the download.
fn error_sheet(r: &importer::Rejection) -> Sheet {
    let mut sheet = Sheet::new("Loi", &["Tệp", "Dòng", "Cột", "Giá trị", "Lý do"]);
    for e in &r.errors {
        sheet.push(vec![
            e.file.clone().into(),
            Cell::number(e.row),
            domain::contract::column_label_vi(&e.column).into(),
            e.value.clone().into(),
            e.reason_vi().into(),
        ]);
    }
    sheet
}

/// What a dry run would change, row by row.
fn preview_sheet(p: &importer::preview::Preview) -> Sheet {
    let mut sheet = Sheet::new("Xem truoc", &["Thao tác", "Loại", "Mã", "Thay đổi"]);
    for c in &p.changes {
        let what: Vec<String> = c
            .fields
            .iter()
            .map(|f| match c.action {
                importer::preview::Action::Change => {
                    format!(
                        "{}: {} → {}",
                        f.column,
                        empty_as_dash(&f.old),
                        empty_as_dash(&f.new)
                    )
                }
                _ => format!("{}: {}", f.column, f.new),
            })
            .collect();
        sheet.push(vec![
            c.action.label_vi().into(),
            c.kind.clone().into(),
            c.key.clone().into(),
            what.join("; ").into(),
        ]);
    }
    sheet
}

fn empty_as_dash(s: &str) -> &str {
    if s.is_empty() {
        "—"
    } else {
        s
    }
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
                p.alert { "Tệp " (file) " có " (r.total()) " lỗi. Chưa ghi gì. Hãy sửa các dòng dưới đây rồi gửi lại." }
                p { a href={"/import/errors/" (token)} { "Tải danh sách lỗi (Excel)" } }
                (error_sheet(r).table())
                (upload_form(who))
            }
            Ok(s) => {
                @let t = s.total();
                p.notice { "Tệp " (file) " hợp lệ: " (s.rows_read) " dòng; sẽ thêm mới " (t.inserted) ", cập nhật " (t.updated) ", không đổi " (t.unchanged) ", xóa " (t.deleted) "." }
                @for w in &s.warnings { p.muted { "Lưu ý dòng " (w.row) ": " (w.reason_vi()) } }
                @if !s.preview.changes.is_empty() {
                    h2 { "Những gì sẽ thay đổi" }
                    (preview_sheet(&s.preview).table())
                    @if s.preview.omitted > 0 {
                        p.muted { "… và " (s.preview.omitted) " dòng khác." }
                    }
                }
                form.card method="post" action="/import/confirm" novalidate {
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
    st.write_as(who, move |db| {
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

/// Streams the form's file to `dir` a piece at a time, refusing it past
/// [`UPLOAD_BYTES`]; its name.
async fn save_upload(mp: &mut Multipart, dir: &std::path::Path) -> Result<String, AppError> {
    use std::io::Write;
    let too_big = || {
        AppError::BadRequest(format!(
            "Tệp lớn hơn {} MB: hãy chia thành nhiều tệp nhỏ hơn.",
            UPLOAD_BYTES / (1024 * 1024)
        ))
    };
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            too_big()
        } else {
            AppError::BadRequest("Tệp gửi lên bị lỗi hoặc không trọn vẹn; hãy gửi lại.".into())
        }
    };
    let mut file_name = String::new();
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = safe_name(field.file_name())?;
        let mut out = std::fs::File::create(dir.join(&name))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut written = 0usize;
        while let Some(piece) = field.chunk().await.map_err(broken)? {
            written += piece.len();
            if written > UPLOAD_BYTES {
                return Err(too_big());
            }
            out.write_all(&piece)
                .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        file_name = name;
    }
    if file_name.is_empty() {
        return Err(AppError::BadRequest("Hãy chọn một tệp.".into()));
    }
    Ok(file_name)
}

pub async fn upload(State(st): State<AppState>, who: Authed, mut mp: Multipart) -> Page {
    who.must_write()?;
    let token = crate::auth::random_token()[..24].to_owned();
    let dir = new_upload_dir(&token).map_err(|e| AppError::Internal(e.to_string()))?;
    let saved = save_upload(&mut mp, &dir).await;
    let file_name = match saved {
        Ok(name) => name,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    };
    // Who sent it: only she may confirm it or download its errors.
    if let Err(e) = std::fs::write(dir.join(OWNER_FILE), who.actor()) {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(AppError::Internal(e.to_string()));
    }
    let result = run_import(&st, &who, dir.clone(), true).await?;
    if matches!(&result, Ok(s) if s.per_kind.is_empty()) {
        // Neither its name nor its sheets name a kind of the contract: nothing to confirm.
        let _ = std::fs::remove_dir_all(&dir);
        return Err(AppError::BadRequest(format!(
            "Tệp {file_name} không mang loại dữ liệu nào của hệ thống: hãy đặt tên tệp CSV theo loại dữ liệu (như households.csv, Hộ gia đình.csv), hoặc dùng tệp mẫu Excel tải ở trang này."
        )));
    }
    if let Err(rejection) = &result {
        // The file goes; its errors stay, for their download, until the folder is old.
        let _ = std::fs::write(dir.join(REJECTED_FILE), "");
        let _ = std::fs::remove_file(dir.join(&file_name));
        let kept = error_sheet(rejection)
            .xlsx()
            .map_err(|e| std::io::Error::other(e.to_string()))
            .and_then(|bytes| std::fs::write(dir.join(ERRORS_FILE), bytes));
        if let Err(e) = kept {
            tracing::warn!(cause = %e, "the import's errors could not be kept for download");
        }
    }
    let body = html! { h1 { "Kiểm tra tệp" } (outcome(&who, &token, &file_name, &result)) };
    Ok(who.page("Nhập tệp", body))
}

/// In an upload's folder: the errors of a rejected upload, the mark that it was
/// rejected, and who sent it.
const ERRORS_FILE: &str = "loi.xlsx";
const REJECTED_FILE: &str = "rejected";
const OWNER_FILE: &str = "owner";

/// The errors of a file she sent, as XLSX: only hers, only while the folder is kept.
pub async fn errors(who: Authed, Path(token): Path<String>) -> Reply {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let dir = upload_dir(&token);
    let owner = std::fs::read_to_string(dir.join(OWNER_FILE)).map_err(|_| AppError::NotFound)?;
    if owner != who.actor() {
        return Err(AppError::NotFound);
    }
    let bytes = std::fs::read(dir.join(ERRORS_FILE)).map_err(|_| AppError::NotFound)?;
    Ok(crate::sheet::xlsx_download("loi-nhap-tep.xlsx", bytes))
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
) -> Page {
    who.must_write()?;
    if f.token.is_empty() || !f.token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::BadRequest(
            "Không tìm thấy tệp đã kiểm tra; hãy gửi lại.".into(),
        ));
    }
    let dir = upload_dir(&f.token);
    // Only who sent the file confirms it; another's token is answered as unknown.
    let owner = std::fs::read_to_string(dir.join(OWNER_FILE)).unwrap_or_default();
    if owner != who.actor() || dir.join(REJECTED_FILE).exists() {
        return Err(AppError::BadRequest(
            "Không tìm thấy tệp đã kiểm tra; hãy gửi lại.".into(),
        ));
    }
    let result = run_import(&st, &who, dir.clone(), false).await?;
    let _ = std::fs::remove_dir_all(&dir);
    let body = html! {
        h1 { "Nhập dữ liệu" }
        @match &result {
            Ok(s) => { @let t = s.total(); p.notice { "Đã ghi: thêm mới " (t.inserted) ", cập nhật " (t.updated) ", không đổi " (t.unchanged) ", xóa " (t.deleted) "." } }
            Err(r) => { p.alert { "Không ghi được: " (r.errors.len()) " lỗi (dữ liệu đã thay đổi kể từ lúc kiểm tra). Hãy gửi lại tệp." } }
        }
        p { a href="/import" { "Nhập tệp khác" } }
    };
    Ok(who.page("Nhập tệp", body))
}
