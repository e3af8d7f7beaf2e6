//! The file-format reference, generated from the file kinds' own definitions (their
//! columns, types, keys and vocabularies) so that it cannot drift from what the importer
//! checks. `donghanh formats --format md` prints it; `docs/formats.md` is its copy, kept
//! in step by a test.

use crate::kinds;
use crate::rules::Ty;
use serde_json::{json, Value};
use std::fmt::Write as _;

impl Ty {
    /// What a cell of this type holds, for a person filling the file in.
    pub fn describe_vi(self) -> &'static str {
        match self {
            Ty::Text => "văn bản",
            Ty::Code => "mã (văn bản, giữ nguyên số 0 ở đầu)",
            Ty::Date => "ngày (YYYY-MM-DD hoặc DD/MM/YYYY)",
            Ty::Bool => "có/không (1/0, true/false, có/không)",
            Ty::Money => "số đồng nguyên (4500000 hoặc 4.500.000)",
            Ty::Count => "số nguyên ≥ 0",
            Ty::Share => "tỷ lệ trong (0, 1]",
            Ty::Enum(_) => "một mã trong danh mục",
            Ty::CitizenId => "số CCCD, đúng 12 chữ số (văn bản)",
            Ty::Phone => "số di động Việt Nam (0XXXXXXXXX hoặc +84…)",
            Ty::Year => "năm (1900–2100)",
        }
    }

    /// A short English name of the type, for the JSON form.
    pub fn name(self) -> &'static str {
        match self {
            Ty::Text => "text",
            Ty::Code => "code",
            Ty::Date => "date",
            Ty::Bool => "bool",
            Ty::Money => "vnd",
            Ty::Count => "count",
            Ty::Share => "share",
            Ty::Enum(_) => "enum",
            Ty::CitizenId => "citizen_id",
            Ty::Phone => "phone",
            Ty::Year => "year",
        }
    }
}

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
    let mut out = String::from(
        "# Định dạng tệp nhập / Import file formats\n\n\
         Tệp này được sinh từ định nghĩa trong mã (`donghanh formats --format md`); đừng sửa tay.\n\
         Generated from the code's definitions (`donghanh formats --format md`); do not edit.\n\n\
         Mỗi tệp CSV (UTF-8) hoặc trang XLSX mang tên loại dữ liệu (`households.csv`, trang `households`). \
         Cột thêm phải bắt đầu bằng `x_` và được giữ lại. Các loại được nhập theo thứ tự dưới đây.\n",
    );
    for kind in kinds::all() {
        let spec = kind.spec();
        let _ = write!(
            out,
            "\n## `{}` — {}\n\nKhóa / natural key: {}\n\n| Cột / column | Kiểu / type | Bắt buộc / required | Giá trị / values |\n|---|---|---|---|\n",
            spec.kind,
            spec.label_vi,
            spec.key.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
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
                "columns": spec.cols.iter().map(|c| json!({
                    "name": c.name,
                    "type": c.ty.name(),
                    "required": c.required,
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
