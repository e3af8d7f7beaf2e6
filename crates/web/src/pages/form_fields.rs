//! The fields of each entry form, named as the data contract's columns (a form posts one
//! row of that file kind).

use domain::contract::{self, Ty};
use domain::vocab::{ActivityType, Area, AssessmentKind, Class, Gender};
use std::collections::HashMap;
use std::sync::LazyLock;

type Values = HashMap<String, String>;
type Errors = HashMap<String, String>;

/// How a field is entered.
#[derive(Clone, Copy)]
pub(super) enum Input {
    Text,
    Date,
    Number,
    /// One of a vocabulary's (code, label) entries, as `domain::vocab` defines them.
    Choice(&'static [(&'static str, &'static str)]),
    /// A choice that may be left to the program: the empty value, with its label, first.
    ChoiceOrAuto(&'static [(&'static str, &'static str)], &'static str),
    /// The deprivations of the national standards, one checkbox each.
    Deprivations,
    /// A unit she may write, searched by name or code among her units as she types.
    Unit,
    /// One of the household's members by name, or the household as a whole (empty).
    Member,
    Hidden,
}

/// The units a form's unit field offers: (what the field takes, "code — name").
pub(super) type UnitChoices = Vec<String>;

/// What a form's fields offer to choose from: her units, and the members of the
/// household the form is about (number, name).
#[derive(Default)]
pub(super) struct Choices {
    pub(super) units: UnitChoices,
    pub(super) members: Vec<(i64, String)>,
}

/// Past this many units (a national administrator's thousands) the field offers none:
/// the page would outgrow a phone's budget; she types the code.
const UNIT_CHOICES_MAX: usize = 600;

/// The units of today's tree she may read, as a filter's suggestions ("code — name";
/// none past [`UNIT_CHOICES_MAX`]).
pub(super) fn readable_choices(acc: &store::access::Access) -> UnitChoices {
    let mut units: Vec<&domain::units::UnitVersion> = acc
        .graph
        .versions()
        .iter()
        .filter(|v| v.valid_on(acc.today) && acc.can_read_unit(v.id))
        .collect();
    if units.len() > UNIT_CHOICES_MAX {
        return Vec::new();
    }
    units.sort_by(|a, b| a.code.cmp(&b.code));
    units.into_iter().map(choice_text).collect()
}

fn choice_text(u: &domain::units::UnitVersion) -> String {
    importer::template::unit_choice_text(&importer::template::UnitChoice::of(u))
}

/// A unit field's list of suggestions, named `id` for the field's `list`.
pub(super) fn unit_datalist(id: &str, choices: &UnitChoices) -> maud::Markup {
    // Always there, if empty: a field's `list` names it.
    maud::html! {
        datalist id=(id) { @for u in choices { option value=(u) {} } }
    }
}

/// The units she may write records of, for the suggestions of the unit field of
/// `fields` (none when the form has no unit field). An entry form's first step: a role
/// that writes nothing is refused here, before any form is shown.
pub(super) async fn unit_choices(
    st: &crate::AppState,
    who: &crate::auth::Authed,
    fields: &[Field],
) -> Result<Choices, crate::error::AppError> {
    who.must_write()?;
    if !fields.iter().any(|f| matches!(f.input, Input::Unit)) {
        return Ok(Choices::default());
    }
    let units = st.scoped(who, |_db, acc| Ok(writable_choices(acc))).await?;
    Ok(Choices {
        units,
        members: Vec::new(),
    })
}

/// The units she may write records of, as a unit field suggests them.
pub(super) fn writable_choices(acc: &store::access::Access) -> UnitChoices {
    let units = acc.writable_units(domain::access::Subject::Records);
    if units.len() > UNIT_CHOICES_MAX {
        return Vec::new();
    }
    units.into_iter().map(choice_text).collect()
}

/// Every deprivation of the national standards (code, Vietnamese name), each once, in
/// the standards' order: how a stored code is read.
pub(super) fn deprivation_names() -> &'static [(String, String)] {
    static NAMES: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
        let mut out: Vec<(String, String)> = Vec::new();
        for s in domain::poverty::national::all() {
            for i in s.indicators {
                if !out.iter().any(|(c, _)| *c == i.code) {
                    out.push((i.code, i.label_vi));
                }
            }
        }
        out
    });
    &NAMES
}

/// A standard's name and its deprivations (code, Vietnamese name).
pub(super) type Offered = (String, Vec<(String, String)>);

/// The national standard in force on `on` (the latest one otherwise), with its
/// deprivations (code, Vietnamese name): what an assessment form of that date offers.
pub(super) fn deprivation_choices(on: domain::Date) -> &'static Offered {
    static BY_STANDARD: LazyLock<Vec<(domain::poverty::Standard, Offered)>> = LazyLock::new(|| {
        domain::poverty::national::all()
            .into_iter()
            .map(|s| {
                let offered = s
                    .indicators
                    .iter()
                    .map(|i| (i.code.clone(), i.label_vi.clone()))
                    .collect();
                let named = (s.name.clone(), offered);
                (s, named)
            })
            .collect()
    });
    let standards: Vec<domain::poverty::Standard> =
        BY_STANDARD.iter().map(|(s, _)| s.clone()).collect();
    let chosen = domain::poverty::standard_for(&standards, on, None)
        .map(|s| s.code.clone())
        .or_else(|| standards.last().map(|s| s.code.clone()));
    let ix = BY_STANDARD
        .iter()
        .position(|(s, _)| Some(&s.code) == chosen.as_ref())
        .unwrap_or(0);
    &BY_STANDARD[ix].1
}

#[derive(Clone, Copy)]
pub(super) struct Field {
    pub(super) name: &'static str,
    pub(super) label: &'static str,
    pub(super) input: Input,
}

const fn f(name: &'static str, label: &'static str, input: Input) -> Field {
    Field { name, label, input }
}

pub(super) const YES_NO: &[(&str, &str)] = &[("0", "Không"), ("1", "Có")];
const GENDER: &[(&str, &str)] = Gender::ENTRIES;

pub(super) const HOUSEHOLD: &[Field] = &[
    f(
        "household_code",
        "Mã hộ (để trống: tự đặt theo mã đơn vị)",
        Input::Text,
    ),
    f("unit_code", "Đơn vị (gõ tên hoặc mã)", Input::Unit),
    f("registered_on", "Ngày đăng ký", Input::Date),
    f("head_name", "Họ tên chủ hộ", Input::Text),
    f("head_gender", "Giới tính chủ hộ", Input::Choice(GENDER)),
    f("area", "Khu vực", Input::Choice(Area::ENTRIES)),
    f("ethnic_minority", "Dân tộc thiểu số", Input::Choice(YES_NO)),
    f("size", "Số nhân khẩu", Input::Number),
];

/// A member's form: every column of the contract's `members`, as its type says.
pub(super) static MEMBER: LazyLock<Vec<Field>> = LazyLock::new(|| {
    from_contract(
        &contract::MEMBERS,
        &["household_code"],
        &[],
        &[
            ("citizen_id", "Số CCCD (12 chữ số)"),
            ("phone", "Điện thoại di động"),
        ],
    )
});

/// A member's consent (Law 91/2025): the contract's `consents`, the household carried.
pub(super) static CONSENT: LazyLock<Vec<Field>> = LazyLock::new(|| {
    from_contract(
        &contract::CONSENTS,
        &["household_code"],
        &[],
        &[
            ("member_no", "Thành viên (số thứ tự)"),
            ("given_on", "Ngày ký phiếu đồng ý"),
            ("record_keeping", "Đồng ý lưu giữ hồ sơ"),
            (
                "sharing",
                "Đồng ý chia sẻ với xã và Ngân hàng Chính sách xã hội",
            ),
            ("photos", "Đồng ý chụp, dùng ảnh"),
            ("collected_by", "Người lấy phiếu"),
            ("form_ref", "Số phiếu giấy"),
            ("withdrawn_on", "Ngày rút lại (để trống nếu chưa rút)"),
        ],
    )
});

pub(super) const ASSESSMENT: &[Field] = &[
    f("household_code", "", Input::Hidden),
    f("year", "Năm rà soát", Input::Number),
    f("kind", "Loại", Input::Choice(AssessmentKind::ENTRIES)),
    f("assessed_on", "Ngày đánh giá", Input::Date),
    f(
        "income_per_capita_vnd",
        "Thu nhập bình quân người/tháng (đồng)",
        Input::Text,
    ),
    f("deprivations", "Các chỉ số thiếu hụt", Input::Deprivations),
    f(
        "status",
        "Kết quả (để trống: tự tính theo chuẩn)",
        Input::ChoiceOrAuto(Class::ENTRIES, "Tự tính"),
    ),
];

/// A support's form (of one household): the contract's `supports` but its record id,
/// which the server makes.
pub(super) static SUPPORT: LazyLock<Vec<Field>> = LazyLock::new(|| {
    from_contract(
        &contract::SUPPORTS,
        &["household_code"],
        &["record_id"],
        &[
            ("date", "Ngày hỗ trợ"),
            ("unit_code", "Đơn vị hỗ trợ (gõ tên hoặc mã)"),
            ("member_no", "Người nhận"),
            (
                "item",
                "Hỗ trợ gì (vd. “Bò giống sinh sản”, “200 cây keo giống”)",
            ),
            ("value_vnd", "Trị giá (đồng)"),
            ("programme", "Chương trình / dự án"),
        ],
    )
});

pub(super) const ACTIVITY: &[Field] = &[
    f("date", "Ngày", Input::Date),
    f("unit_code", "Đơn vị tổ chức (gõ tên hoặc mã)", Input::Unit),
    f(
        "activity_type",
        "Loại hoạt động",
        Input::Choice(ActivityType::ENTRIES),
    ),
    f("sessions", "Số lớp/buổi", Input::Number),
    f("participants", "Số người tham gia", Input::Number),
];

/// An assignment of the household to a unit that takes on helping it in a year: the
/// contract's `assignments`, the household carried.
pub(super) static ASSIGNMENT: LazyLock<Vec<Field>> = LazyLock::new(|| {
    from_contract(
        &contract::ASSIGNMENTS,
        &["household_code"],
        &[],
        &[
            (
                "unit_code",
                "Chi hội / đơn vị nhận giúp đỡ (gõ tên hoặc mã)",
            ),
            ("year", "Năm giúp đỡ"),
            ("assigned_on", "Ngày nhận giúp đỡ"),
        ],
    )
});

/// The support fields plus the generated record id, as sent to the importer.
pub(super) static SUPPORT_WITH_ID: LazyLock<Vec<Field>> = LazyLock::new(|| {
    from_contract(
        &contract::SUPPORTS,
        &["record_id", "household_code"],
        &[],
        &[],
    )
});

/// An entry form's fields derived from the contract's columns of `spec`, so that a column
/// added to the contract is on the form: each entered as its type says (a vocabulary or
/// yes/no as a choice, a date, a whole number, a unit she may write, text), named by the
/// column's Vietnamese name unless `said` puts it better for a form; `hidden` columns are
/// carried, not shown; `left` columns are not on the form.
pub(super) fn from_contract(
    spec: &'static contract::Spec,
    hidden: &[&str],
    left: &[&str],
    said: &[(&str, &'static str)],
) -> Vec<Field> {
    spec.cols
        .iter()
        .filter(|c| !left.contains(&c.name))
        .map(|c| {
            let input = if hidden.contains(&c.name) {
                Input::Hidden
            } else if c.name == "member_no" && spec.kind == "supports" {
                Input::Member
            } else if c.name == "unit_code" {
                Input::Unit
            } else {
                match c.ty {
                    Ty::Enum(entries) => Input::Choice(entries),
                    Ty::Bool => Input::Choice(YES_NO),
                    Ty::Date => Input::Date,
                    Ty::Count | Ty::Year => Input::Number,
                    _ => Input::Text,
                }
            };
            let label = said
                .iter()
                .find(|(n, _)| *n == c.name)
                .map_or_else(|| contract::column_label_vi(c.name), |(_, l)| *l);
            f(c.name, label, input)
        })
        .collect()
}

pub(super) const ACTIVITY_WITH_ID: &[Field] = &[
    f("record_id", "", Input::Hidden),
    f("date", "", Input::Date),
    f("unit_code", "", Input::Text),
    f("activity_type", "", Input::Text),
    f("sessions", "", Input::Number),
    f("participants", "", Input::Number),
];

/// What a person must give on a form beyond the contract's required columns. The
/// contract's defaults for empty numbers are for files, where an empty cell is a habit;
/// an empty box on a form is a forgotten one, and would be counted (a 0-đồng livelihood
/// support, a class of 0 trainees).
pub(super) fn person_must_give(kind: &str, values: &Values) -> Errors {
    let empty = |n: &str| values.get(n).is_none_or(|v| v.trim().is_empty());
    let mut errors = Errors::new();
    let mut need = |n: &str, message: &str| {
        errors.insert(n.to_owned(), message.to_owned());
    };
    match kind {
        "supports" => {
            for n in ["date", "support_type"] {
                if empty(n) {
                    need(n, "Cần nhập ô này.");
                }
            }
            if empty("quantity") && empty("value_vnd") {
                need("quantity", "Cần nhập số lượng hoặc trị giá của hỗ trợ.");
            }
        }
        "activities" => {
            for n in ["date", "activity_type", "participants"] {
                if empty(n) {
                    need(n, "Cần nhập ô này.");
                }
            }
            if values.get("participants").is_some_and(|v| v.trim() == "0") {
                need("participants", "Số người tham gia phải từ 1 trở lên.");
            }
        }
        _ => {}
    }
    errors
}

pub(super) fn child_defaults(kind: &str, h: &store::households::Household) -> Values {
    let today = crate::today();
    let mut v: Values = HashMap::new();
    v.insert("household_code".into(), h.code.clone());
    match kind {
        "members" => {
            v.insert("gender".into(), "F".into());
            v.insert("union_member".into(), UNION_MEMBER_DEFAULT.into());
        }
        "assignments" => {
            v.insert("year".into(), today.year().to_string());
            v.insert("assigned_on".into(), today.to_string());
        }
        "consents" => {
            v.insert("given_on".into(), today.to_string());
            for (k, yes) in [("record_keeping", "1"), ("sharing", "1"), ("photos", "0")] {
                v.insert(k.into(), yes.into());
            }
        }
        "assessments" => {
            v.insert("year".into(), today.year().to_string());
            v.insert("kind".into(), "provisional".into());
            v.insert("assessed_on".into(), today.to_string());
        }
        _ => {
            v.insert("date".into(), today.to_string());
            v.insert("unit_code".into(), h.unit_code.clone());
        }
    }
    v
}

/// Whether a new member is a union member unless the form says otherwise: the same on
/// every form, online and offline (`/api/offline/contract` carries it).
pub const UNION_MEMBER_DEFAULT: &str = "0";

pub(super) fn child_spec(kind: &str) -> (&'static str, &'static str, &'static [Field]) {
    match kind {
        "assignments" => ("assignments", "Phân công giúp đỡ hộ", ASSIGNMENT.as_slice()),
        "members" => ("members", "Thêm thành viên", MEMBER.as_slice()),
        "assessments" => ("assessments", "Ghi kết quả rà soát", ASSESSMENT),
        "consents" => (
            "consents",
            "Ghi phiếu đồng ý xử lý dữ liệu",
            CONSENT.as_slice(),
        ),
        _ => ("supports", "Ghi hỗ trợ", SUPPORT.as_slice()),
    }
}

/// The entry forms a person fills in series (a household's members, a day's supports):
/// they offer "Lưu và thêm tiếp".
pub(super) fn in_series(fields: &[Field]) -> bool {
    [MEMBER.as_slice(), ASSESSMENT, SUPPORT.as_slice(), ACTIVITY]
        .iter()
        .any(|series| std::ptr::eq(*series, fields))
}
