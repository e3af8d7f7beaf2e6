//! The file-format reference, generated from the file kinds' own definitions (their
//! columns, types, keys and vocabularies) so that it cannot drift from what the importer
//! checks. `donghanh formats --format md` prints it; `docs/formats.md` is its copy, kept
//! in step by a test.

use crate::kinds;
use crate::rules::Ty;
use domain::contract::{DELETE_COL, REASON_COL};
use serde_json::{json, Value};
use std::fmt::Write as _;

fn allowed(ty: Ty) -> String {
    match ty {
        Ty::Enum(entries) => entries
            .iter()
            .map(|(code, label)| format!("`{code}` ({label})"))
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

/// The reference as Markdown.
pub fn markdown() -> String {
    let mut out = format!(
        "# Định dạng tệp nhập / Import file formats\n\n\
         Tệp này được sinh từ định nghĩa trong mã (`donghanh formats --format md`); đừng sửa tay.\n\
         Generated from the code's definitions (`donghanh formats --format md`); do not edit.\n\n\
         Mỗi tệp CSV (UTF-8, phân cách bằng dấu phẩy hoặc chấm phẩy) hoặc trang XLSX mang tên loại dữ liệu (`households.csv`, trang `households`). \
         Cột thêm phải bắt đầu bằng `x_` và được giữ lại. Các loại được nhập theo thứ tự dưới đây.\n\n\
         Dòng tiêu đề có thể dùng mã cột hoặc tên tiếng Việt của cột (như mẫu Excel tải ở trang Nhập tệp: \
         dòng 1 tên cột, dấu `*` là bắt buộc; dòng 2 mã cột, được bỏ qua). Ô đơn vị có thể ghi `mã — tên` như danh sách chọn của mẫu. \
         The header may name a column by its code or its Vietnamese name (as the Excel templates do: titles in row 1, \
         `*` marking the required ones, the codes in row 2, which is skipped); a unit cell may read `code — name`.\n\n\
         ### Xóa bản ghi / deleting records\n\n\
         Mọi loại trừ `units` và `unit_lineage` nhận thêm hai cột (phần mở rộng của hợp đồng dữ liệu): \
         `{DELETE_COL}` (có/không) và `{REASON_COL}` (văn bản). Dòng có `{DELETE_COL}` = `1`/`có` chỉ cần các cột khóa: \
         bản ghi đã lưu có khóa đó bị xóa, để lại bản lưu vết (nội dung, người xóa, lúc xóa, lý do) mà báo cáo không tính \
         và nhật ký hiển thị; `{REASON_COL}` là bắt buộc với dòng xóa. Tệp có cột `{DELETE_COL}` có thể chỉ gồm các cột khóa. \
         Các dòng xóa được thực hiện sau các dòng ghi, loại phụ thuộc trước (thành viên trước hộ); một hộ còn thành viên, \
         kết quả rà soát, hỗ trợ hay tham gia dự án thì không xóa được, một thành viên là người nhận hỗ trợ cũng vậy. \
         Any kind but `units` and `unit_lineage` also takes `{DELETE_COL}` (yes/no) and `{REASON_COL}` (text): a row with \
         `{DELETE_COL}` = `1` needs only the key columns and deletes the stored row of that key, leaving a tombstone that \
         reports skip and the audit shows; its reason is required.\n\n\
         ### Kỳ đã duyệt / approved periods\n\n\
         Một dòng có ngày (cột ngày của mỗi loại ghi ở dưới) nằm trong kỳ đã được duyệt của đơn vị đó hoặc đơn vị cấp trên \
         bị từ chối, cả khi thêm, sửa hay xóa, cho đến khi kỳ được mở lại. \
         A row dated in an approved period of its unit or a unit above is refused (new, replaced or deleted) until the \
         period is reopened.\n",
    );
    for kind in kinds::all() {
        let spec = kind.spec();
        let _ = write!(
            out,
            "\n## `{}` — {}\n\nKhóa / natural key: {}{}\n\n| Cột / column | Kiểu / type | Bắt buộc / required | Giá trị / values |\n|---|---|---|---|\n",
            spec.kind,
            spec.label_vi,
            spec.key.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "),
            spec.dated_by.map(|d| format!(". Ngày của bản ghi (khóa theo kỳ) / dated by: `{d}`")).unwrap_or_default()
        );
        for c in spec.cols {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                c.name,
                c.ty.describe_vi(),
                if c.required { "có" } else { "" },
                allowed(c.ty)
            );
        }
    }
    out.push_str("\n## Chỉ tiêu / indicators\n\nMã dùng trong cột `indicator` của `targets` và trong báo cáo.\n\n| Mã / code | Chỉ tiêu | Loại / kind |\n|---|---|---|\n");
    for d in domain::indicators::ALL {
        let kind = match d.kind {
            domain::indicators::Kind::Flow => "trong kỳ / flow",
            domain::indicators::Kind::Stock => "cuối kỳ / stock",
        };
        let _ = writeln!(out, "| `{}` | {} | {kind} |", d.code, d.label_vi);
    }
    out
}

/// The reference as JSON, for programs that write files.
pub fn json() -> Value {
    let kinds: Vec<Value> = kinds::all()
        .iter()
        .map(|k| {
            let spec = k.spec();
            json!({
                "kind": spec.kind,
                "label_vi": spec.label_vi,
                "key": spec.key,
                "dated_by": spec.dated_by,
                "deletable": spec.deletable,
                "columns": spec.cols.iter().map(|c| json!({
                    "name": c.name,
                    "type": c.ty.name(),
                    "required": c.required,
                    "pattern": c.ty.pattern(),
                    "describe_vi": c.ty.describe_vi(),
                    "max_chars": c.ty.max_chars(),
                    "values": match c.ty {
                        Ty::Enum(entries) => entries.iter().map(|(code, label)| json!({"code": code, "label_vi": label})).collect(),
                        _ => Vec::new(),
                    },
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "kinds": kinds,
        "indicators": domain::indicators::ALL.iter().map(|d| json!({"code": d.code, "label_vi": d.label_vi})).collect::<Vec<_>>(),
    })
}
