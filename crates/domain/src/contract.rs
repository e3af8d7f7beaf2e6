//! The data contract's file kinds, each defined once: its name, its Vietnamese label, its
//! columns with their types (vocabularies included) and its natural key. The importer
//! checks files against these definitions, the store derives its tables' columns from
//! them, and the file reference (`donghanh formats`) and the generators read them.

/// What a cell of a column holds; the importer's general rules parse each type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ty {
    Text,
    /// An identifier: kept as text exactly, never a number.
    Code,
    Date,
    Bool,
    /// Whole đồng, ≥ 0.
    Money,
    /// A whole number, ≥ 0.
    Count,
    /// A fraction in (0, 1].
    Share,
    /// One of a vocabulary's codes: (code, Vietnamese label) from `domain::vocab`.
    Enum(&'static [(&'static str, &'static str)]),
    /// Căn cước công dân: exactly 12 digits, kept as text.
    CitizenId,
    /// A Vietnamese mobile number, stored as `0XXXXXXXXX`.
    Phone,
    /// A calendar year (1900–2100).
    Year,
}

/// One column of a file kind.
#[derive(Clone, Copy, Debug)]
pub struct Col {
    pub name: &'static str,
    pub ty: Ty,
    /// The value may not be empty.
    pub required: bool,
}

/// A column that may be left empty.
pub const fn col(name: &'static str, ty: Ty) -> Col {
    Col {
        name,
        ty,
        required: false,
    }
}

/// A column that must have a value.
pub const fn req(name: &'static str, ty: Ty) -> Col {
    Col {
        name,
        ty,
        required: true,
    }
}

impl Ty {
    /// What a cell of this type holds, for a person filling the file in.
    pub fn describe_vi(self) -> &'static str {
        match self {
            Ty::Text => "văn bản (tối đa 300 ký tự)",
            Ty::Code => "mã (văn bản tối đa 64 ký tự, giữ nguyên số 0 ở đầu)",
            Ty::Date => "ngày (YYYY-MM-DD hoặc DD/MM/YYYY)",
            Ty::Bool => "có/không (1/0, true/false, có/không)",
            Ty::Money => "số đồng nguyên (4500000 hoặc 4.500.000)",
            Ty::Count => "số nguyên ≥ 0",
            Ty::Share => "tỷ lệ trong (0, 1]",
            Ty::Enum(_) => "một mã trong danh mục, hoặc tên tiếng Việt của nó",
            Ty::CitizenId => "số CCCD, đúng 12 chữ số (văn bản)",
            Ty::Phone => "số di động Việt Nam (0XXXXXXXXX hoặc +84…)",
            Ty::Year => "năm (1900–2100)",
        }
    }

    /// The shape a cell of this type has, as a regular expression a phone checks an entry
    /// with before it is sent (the importer's parser stays the judge: a value of this
    /// shape may still be refused, such as 31/02/2026). `None`: any text.
    pub fn pattern(self) -> Option<&'static str> {
        match self {
            Ty::Text | Ty::Code | Ty::Enum(_) | Ty::Bool => None,
            Ty::Date => Some(r"^(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})$"),
            Ty::Money => Some(r"^\d{1,3}([.,\s]?\d{3})*$"),
            Ty::Count => Some(r"^\d+$"),
            Ty::Share => Some(r"^(0?[.,]\d+|1([.,]0+)?)$"),
            Ty::CitizenId => Some(r"^\d{12}$"),
            Ty::Phone => Some(r"^(\+?84|0)[\d .-]{8,14}$"),
            Ty::Year => Some(r"^(19\d{2}|20\d{2}|2100)$"),
        }
    }

    /// The longest value a cell of this type may hold, in characters, after spaces are
    /// collapsed: a name or a note is a line, not a megabyte; a code is a short key.
    /// (`describe_vi` says the same to the person filling the file in.)
    pub fn max_chars(self) -> usize {
        match self {
            Ty::Text => 300,
            Ty::Code => 64,
            // Dates, numbers, vocabulary codes, identifiers: far below this, or refused
            // by their own rule.
            _ => 64,
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

/// The columns of one file kind.
#[derive(Debug)]
pub struct Spec {
    pub kind: &'static str,
    pub label_vi: &'static str,
    pub cols: &'static [Col],
    pub key: &'static [&'static str],
    /// The column whose date a record is dated by: an approved period locks the records
    /// dated in it (`None`: the kind is not locked by periods).
    pub dated_by: Option<&'static str>,
    /// Rows may be deleted (by a file's `delete` column, a page or the API); the unit
    /// tree and its lineage are not records to delete.
    pub deletable: bool,
    /// What writing it is, as far as rights go (`access::RIGHTS`): declared by each kind,
    /// so that a new kind states its rights where it is defined, never by a fall-back.
    pub subject: Subject,
}

/// The Vietnamese name of a column of the contract, as a page or a template heads it (a
/// column means the same in every kind that has it). An unknown name is shown as it is.
pub fn column_label_vi(name: &str) -> &str {
    match name {
        "activity_type" => "Loại hoạt động",
        "amount_vnd" => "Số tiền (đồng)",
        "area" => "Khu vực",
        "as_of" => "Tính đến ngày",
        "assessed_on" => "Ngày đánh giá",
        "assigned_on" => "Ngày nhận giúp",
        "birth_year" => "Năm sinh",
        "budget_vnd" => "Kinh phí (đồng)",
        "citizen_id" => "Số CCCD",
        "clients" => "Số khách hàng",
        "club_code" => "Mã câu lạc bộ",
        "code" => "Mã đơn vị",
        "coop_code" => "Mã hợp tác xã",
        "collected_by" => "Người thu thập",
        "count" => "Số lượng",
        "date" => "Ngày",
        "deprivations" => "Chỉ số thiếu hụt",
        "difficult" => "Hộ khó khăn",
        "dissolved_on" => "Ngày giải thể",
        "effective_date" => "Ngày hiệu lực",
        "end_on" => "Ngày kết thúc",
        "established_on" => "Ngày thành lập",
        "ethnic_minority" => "Dân tộc thiểu số",
        "ethnicity" => "Dân tộc",
        "female_members" => "Số thành viên nữ",
        "female_workers" => "Số lao động nữ",
        "from_code" => "Đơn vị cũ",
        "form_ref" => "Số phiếu đồng ý",
        "full_name" => "Họ tên",
        "funding" => "Nguồn kinh phí",
        "given_on" => "Ngày đồng ý",
        "gender" => "Giới tính",
        "group_code" => "Mã tổ tiết kiệm và vay vốn",
        "head_gender" => "Giới tính chủ hộ",
        "head_name" => "Họ tên chủ hộ",
        "household_code" => "Mã hộ",
        "income_per_capita_vnd" => "Thu nhập bình quân (đồng/người/tháng)",
        "indicator" => "Chỉ tiêu",
        "item" => "Hiện vật, nội dung hỗ trợ",
        "joined_on" => "Ngày tham gia",
        "kind" => "Loại",
        "level" => "Cấp",
        "member_no" => "Số thứ tự thành viên",
        "min_disadvantaged_pct" => "Tỷ lệ hộ khó khăn tối thiểu (%)",
        "name" => "Tên",
        "outstanding_vnd" => "Dư nợ (đồng)",
        "overdue_vnd" => "Nợ quá hạn (đồng)",
        "parent_code" => "Đơn vị cấp trên",
        "participants" => "Số người tham gia",
        "phone" => "Điện thoại",
        "photos" => "Đồng ý dùng ảnh",
        "planned_households" => "Số hộ dự kiến",
        "programme" => "Chương trình",
        "project_code" => "Mã dự án",
        "quantity" => "Số lượng",
        "record_keeping" => "Đồng ý lưu giữ hồ sơ",
        "record_id" => "Mã bản ghi",
        "registered_on" => "Ngày đăng ký",
        "sessions" => "Số lớp/buổi",
        "share" => "Tỷ lệ",
        "sharing" => "Đồng ý chia sẻ với xã và Ngân hàng Chính sách xã hội",
        "size" => "Số nhân khẩu",
        "start_on" => "Ngày bắt đầu",
        "status" => "Phân loại",
        "support_type" => "Loại hỗ trợ",
        "to_code" => "Đơn vị mới",
        "union_member" => "Hội viên",
        "union_supported" => "Hội hỗ trợ thành lập",
        "unit_code" => "Mã đơn vị",
        "valid_from" => "Hiệu lực từ",
        "valid_to" => "Hiệu lực đến",
        "value" => "Giá trị",
        "value_vnd" => "Giá trị (đồng)",
        "withdrawn_on" => "Ngày rút lại đồng ý",
        "year" => "Năm",
        "delete" => "Xóa",
        "reason" => "Lý do",
        other => other,
    }
}

/// The column a file (or the API) marks a row to delete with (`1`/`có`): only the
/// row's key is read, and the stored row is deleted, leaving a tombstone.
pub const DELETE_COL: &str = "delete";
/// The column with the reason for a row's deletion (required when `delete` is set).
pub const REASON_COL: &str = "reason";

impl Spec {
    pub fn pos(&self, name: &str) -> usize {
        self.cols
            .iter()
            .position(|c| c.name == name)
            .unwrap_or_else(|| panic!("{} has no column {name}", self.kind))
    }
}

/// Every file kind, in the order a directory is imported.
pub static ALL: &[&Spec] = &[
    &UNITS,
    &UNIT_LINEAGE,
    &HOUSEHOLDS,
    &MEMBERS,
    &CONSENTS,
    &ASSESSMENTS,
    &ASSIGNMENTS,
    &SUPPORTS,
    &ACTIVITIES,
    &SAVINGS_GROUPS,
    &ENTRUSTED_TOTALS,
    &COOPERATIVES,
    &CLUBS,
    &MICROINSURANCE,
    &TARGETS,
    &PROJECTS,
    &PROJECT_MEMBERS,
];

impl Spec {
    /// The kind's column names, in order (the header of a file of this kind).
    pub fn header(&self) -> Vec<&'static str> {
        self.cols.iter().map(|c| c.name).collect()
    }
}

use crate::access::Subject;
use crate::vocab::{
    ActivityType, Area, ClubKind, Ethnicity, Gender, MicroinsuranceKind, SupportType,
};

pub static UNITS: Spec = Spec {
    kind: "units",
    label_vi: "Đơn vị Hội",
    cols: &[
        req("code", Ty::Code),
        req("name", Ty::Text),
        req("level", Ty::Enum(crate::units::Level::ENTRIES)),
        col("parent_code", Ty::Code),
        col("valid_from", Ty::Date),
        col("valid_to", Ty::Date),
    ],
    key: &["code", "valid_from"],
    dated_by: None,
    deletable: false,
    subject: Subject::Units,
};

pub static UNIT_LINEAGE: Spec = Spec {
    kind: "unit_lineage",
    label_vi: "Kế thừa đơn vị",
    cols: &[
        req("from_code", Ty::Code),
        req("to_code", Ty::Code),
        req("effective_date", Ty::Date),
        col("share", Ty::Share),
    ],
    key: &["from_code", "to_code", "effective_date"],
    dated_by: None,
    deletable: false,
    subject: Subject::Units,
};

pub static HOUSEHOLDS: Spec = Spec {
    kind: "households",
    label_vi: "Hộ gia đình",
    cols: &[
        req("household_code", Ty::Code),
        req("unit_code", Ty::Code),
        req("registered_on", Ty::Date),
        req("head_name", Ty::Text),
        req("head_gender", Ty::Enum(Gender::ENTRIES)),
        req("area", Ty::Enum(Area::ENTRIES)),
        col("ethnic_minority", Ty::Bool),
        req("size", Ty::Count),
    ],
    key: &["household_code"],
    dated_by: Some("registered_on"),
    deletable: true,
    subject: Subject::Records,
};

pub static MEMBERS: Spec = Spec {
    kind: "members",
    label_vi: "Thành viên hộ",
    cols: &[
        req("household_code", Ty::Code),
        req("member_no", Ty::Count),
        req("full_name", Ty::Text),
        req("gender", Ty::Enum(Gender::ENTRIES)),
        col("birth_year", Ty::Year),
        col("citizen_id", Ty::CitizenId),
        col("union_member", Ty::Bool),
        col("phone", Ty::Phone),
        col("ethnicity", Ty::Enum(Ethnicity::ENTRIES)),
    ],
    key: &["household_code", "member_no"],
    dated_by: None,
    deletable: true,
    subject: Subject::Records,
};

/// A member's consent to the processing of her personal data (Law 91/2025 and Decree
/// 356/2025): when she gave it, what it covers, who collected it and the paper form it
/// was written on, and its withdrawal. A withdrawal stops new sharing: downloads and the
/// API leave her identifiers out (`store::disclosure`).
pub static CONSENTS: Spec = Spec {
    kind: "consents",
    label_vi: "Đồng ý xử lý dữ liệu cá nhân",
    cols: &[
        req("household_code", Ty::Code),
        req("member_no", Ty::Count),
        req("given_on", Ty::Date),
        col("record_keeping", Ty::Bool),
        col("sharing", Ty::Bool),
        col("photos", Ty::Bool),
        col("collected_by", Ty::Text),
        col("form_ref", Ty::Code),
        col("withdrawn_on", Ty::Date),
    ],
    key: &["household_code", "member_no"],
    dated_by: Some("given_on"),
    deletable: true,
    subject: Subject::Records,
};

pub static ASSESSMENTS: Spec = Spec {
    kind: "assessments",
    label_vi: "Rà soát, đánh giá hộ",
    cols: &[
        req("household_code", Ty::Code),
        req("year", Ty::Year),
        req("kind", Ty::Enum(crate::status::AssessmentKind::ENTRIES)),
        req("assessed_on", Ty::Date),
        col("income_per_capita_vnd", Ty::Money),
        col("deprivations", Ty::Text),
        col("status", Ty::Enum(crate::poverty::Class::ENTRIES)),
    ],
    key: &["household_code", "year", "kind"],
    dated_by: Some("assessed_on"),
    deletable: true,
    subject: Subject::Records,
};

pub static ASSIGNMENTS: Spec = Spec {
    kind: "assignments",
    label_vi: "Phân công giúp đỡ hộ",
    cols: &[
        req("household_code", Ty::Code),
        req("unit_code", Ty::Code),
        req("year", Ty::Year),
        req("assigned_on", Ty::Date),
    ],
    key: &["household_code", "unit_code", "year"],
    dated_by: Some("assigned_on"),
    deletable: true,
    subject: Subject::Records,
};

pub static SUPPORTS: Spec = Spec {
    kind: "supports",
    label_vi: "Hỗ trợ",
    cols: &[
        col("record_id", Ty::Code),
        req("date", Ty::Date),
        req("unit_code", Ty::Code),
        req("support_type", Ty::Enum(SupportType::ENTRIES)),
        col("household_code", Ty::Code),
        col("member_no", Ty::Count),
        col("quantity", Ty::Count),
        col("value_vnd", Ty::Money),
        col("programme", Ty::Text),
        col("funding", Ty::Text),
        col("item", Ty::Text),
    ],
    key: &["record_id"],
    dated_by: Some("date"),
    deletable: true,
    subject: Subject::Records,
};

pub static ACTIVITIES: Spec = Spec {
    kind: "activities",
    label_vi: "Hoạt động",
    cols: &[
        col("record_id", Ty::Code),
        req("date", Ty::Date),
        req("unit_code", Ty::Code),
        req("activity_type", Ty::Enum(ActivityType::ENTRIES)),
        col("sessions", Ty::Count),
        col("participants", Ty::Count),
    ],
    key: &["record_id"],
    dated_by: Some("date"),
    deletable: true,
    subject: Subject::Records,
};

pub static SAVINGS_GROUPS: Spec = Spec {
    kind: "savings_groups",
    label_vi: "Tổ tiết kiệm và vay vốn",
    cols: &[
        req("as_of", Ty::Date),
        req("unit_code", Ty::Code),
        req("group_code", Ty::Code),
        req("clients", Ty::Count),
        req("outstanding_vnd", Ty::Money),
        col("overdue_vnd", Ty::Money),
    ],
    key: &["group_code", "as_of"],
    dated_by: Some("as_of"),
    deletable: true,
    subject: Subject::Records,
};

pub static ENTRUSTED_TOTALS: Spec = Spec {
    kind: "entrusted_totals",
    label_vi: "Tổng dư nợ ủy thác",
    cols: &[
        req("as_of", Ty::Date),
        req("unit_code", Ty::Code),
        req("outstanding_vnd", Ty::Money),
    ],
    key: &["unit_code", "as_of"],
    dated_by: Some("as_of"),
    deletable: true,
    subject: Subject::Records,
};

pub static COOPERATIVES: Spec = Spec {
    kind: "cooperatives",
    label_vi: "Hợp tác xã",
    cols: &[
        req("coop_code", Ty::Code),
        req("unit_code", Ty::Code),
        req("name", Ty::Text),
        req("established_on", Ty::Date),
        col("dissolved_on", Ty::Date),
        col("union_supported", Ty::Bool),
        col("female_members", Ty::Count),
        col("female_workers", Ty::Count),
    ],
    key: &["coop_code"],
    dated_by: Some("established_on"),
    deletable: true,
    subject: Subject::Records,
};

pub static CLUBS: Spec = Spec {
    kind: "clubs",
    label_vi: "Câu lạc bộ",
    cols: &[
        req("club_code", Ty::Code),
        req("unit_code", Ty::Code),
        req("kind", Ty::Enum(ClubKind::ENTRIES)),
        req("established_on", Ty::Date),
        col("dissolved_on", Ty::Date),
    ],
    key: &["club_code"],
    dated_by: Some("established_on"),
    deletable: true,
    subject: Subject::Records,
};

pub static MICROINSURANCE: Spec = Spec {
    kind: "microinsurance",
    label_vi: "Bảo hiểm vi mô",
    cols: &[
        col("record_id", Ty::Code),
        req("date", Ty::Date),
        req("unit_code", Ty::Code),
        req("kind", Ty::Enum(MicroinsuranceKind::ENTRIES)),
        col("count", Ty::Count),
        col("amount_vnd", Ty::Money),
    ],
    key: &["record_id"],
    dated_by: Some("date"),
    deletable: true,
    subject: Subject::Records,
};

pub static TARGETS: Spec = Spec {
    kind: "targets",
    label_vi: "Chỉ tiêu",
    cols: &[
        req("year", Ty::Year),
        req("unit_code", Ty::Code),
        req("indicator", Ty::Code),
        req("value", Ty::Count),
    ],
    key: &["year", "unit_code", "indicator"],
    dated_by: None,
    deletable: true,
    subject: Subject::Targets,
};

pub static PROJECTS: Spec = Spec {
    kind: "projects",
    label_vi: "Dự án",
    cols: &[
        req("project_code", Ty::Code),
        req("name", Ty::Text),
        req("unit_code", Ty::Code),
        req("start_on", Ty::Date),
        col("end_on", Ty::Date),
        col("budget_vnd", Ty::Money),
        col("planned_households", Ty::Count),
        col("min_disadvantaged_pct", Ty::Count),
    ],
    key: &["project_code"],
    dated_by: Some("start_on"),
    deletable: true,
    subject: Subject::Projects,
};

pub static PROJECT_MEMBERS: Spec = Spec {
    kind: "project_members",
    label_vi: "Hộ tham gia dự án",
    cols: &[
        req("project_code", Ty::Code),
        req("household_code", Ty::Code),
        req("joined_on", Ty::Date),
        col("difficult", Ty::Bool),
    ],
    key: &["project_code", "household_code"],
    dated_by: Some("joined_on"),
    deletable: true,
    subject: Subject::Projects,
};

#[cfg(test)]
mod tests {
    use super::*;

    /// A file may be headed by the Vietnamese names (a template's titles): within a kind
    /// no two columns, nor a column and the deletion markers, may share one.
    #[test]
    fn vietnamese_names_tell_the_columns_apart() {
        for spec in ALL {
            let mut names: Vec<String> = spec
                .cols
                .iter()
                .map(|c| c.name)
                .chain([DELETE_COL, REASON_COL])
                .map(|c| crate::text::fold(column_label_vi(c)))
                .collect();
            names.sort();
            let n = names.len();
            names.dedup();
            assert_eq!(
                names.len(),
                n,
                "{}: two columns share a Vietnamese name",
                spec.kind
            );
        }
    }

    #[test]
    fn every_column_has_a_vietnamese_name() {
        for spec in ALL {
            for c in spec.cols {
                assert_ne!(column_label_vi(c.name), c.name, "{}.{}", spec.kind, c.name);
            }
        }
    }
}
