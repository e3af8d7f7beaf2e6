//! Every refusal's message, in Vietnamese for the officer and English for the log,
//! written here once.

use super::Refusal;
use domain::Date;

/// A day as the officer reads it; the open ends of a validity are "(mở)".
fn shown(d: Date) -> String {
    if d.is_open_start() || d.is_open_end() {
        "(mở)".to_owned()
    } else {
        d.dmy()
    }
}

impl Refusal {
    /// The messages of the general rules of a cell; the others' come from
    /// [`Refusal::file_messages`] and [`Refusal::rule_messages`].
    pub(super) fn messages(&self) -> (String, String) {
        use Refusal as R;
        let s = |vi: &str, en: &str| (vi.to_owned(), en.to_owned());
        match self {
            R::Required => s("bắt buộc phải có giá trị", "a value is required"),
            R::NoSuchDay { raw } => (format!("ngày không có thật: {raw}"), format!("no such day: {raw}")),
            R::DateFormat => s(
                "ngày phải có dạng YYYY-MM-DD hoặc DD/MM/YYYY",
                "a date must be YYYY-MM-DD or DD/MM/YYYY",
            ),
            R::BoolFormat => s(
                "giá trị có/không phải là 1/0, true/false hoặc có/không",
                "a yes/no value must be 1/0, true/false or có/không",
            ),
            R::CountNegative => s("không được là số âm", "must not be negative"),
            R::CountNotWhole => s("phải là số nguyên", "must be a whole number"),
            R::ShareOutOfRange => s(
                "tỷ lệ phải lớn hơn 0 và không quá 1",
                "a share must be greater than 0 and at most 1",
            ),
            R::YearOutOfRange => s(
                "năm phải là số có 4 chữ số (1900–2100)",
                "a year must be four digits (1900–2100)",
            ),
            R::NotInVocabulary { allowed } => {
                // A person reads the names; the codes (which files may use too) are on the
                // template's guide sheet.
                let names: Vec<String> =
                    allowed.iter().map(|(_, label)| domain::vocab::capitalized(label)).collect();
                let codes: Vec<&str> = allowed.iter().map(|e| e.0).collect();
                (
                    format!(
                        "giá trị không hợp lệ; chỉ nhận một trong: {} (hoặc mã tương ứng, xem trang Hướng dẫn của tệp mẫu)",
                        names.join(", ")
                    ),
                    format!("invalid value; allowed: {}", codes.join(", ")),
                )
            }
            R::CodeStoredAsNumber => s(
                "mã bị Excel lưu thành số (có thể đã mất số 0 ở đầu); hãy định dạng cột là Văn bản (Text)",
                "Excel stored the code as a number (a leading zero may be lost); format the column as Text",
            ),
            R::CodeScientific => s(
                "mã bị Excel đổi thành số dạng khoa học (như 4.9E+4); hãy nhập lại dạng văn bản",
                "Excel turned the code into scientific notation (like 4.9E+4); enter it as text",
            ),
            R::CodeSeparators => s(
                "mã không được chứa khoảng trắng, dấu phẩy hay chấm phẩy",
                "a code may not contain spaces, commas or semicolons",
            ),
            R::CitizenIdStoredAsNumber => s(
                "số CCCD bị Excel lưu thành số (có thể mất số 0 ở đầu); hãy định dạng cột là Văn bản",
                "Excel stored the citizen ID as a number (a leading zero may be lost); format the column as Text",
            ),
            R::CitizenIdElevenDigits => s(
                "số CCCD có 11 chữ số: có thể Excel đã bỏ số 0 ở đầu (CCCD phải đủ 12 chữ số)",
                "citizen ID has 11 digits: Excel may have dropped a leading zero (12 digits required)",
            ),
            R::CitizenIdLength => s("số CCCD phải gồm đúng 12 chữ số", "a citizen ID must be exactly 12 digits"),
            R::PhoneFormat => s(
                "số điện thoại không hợp lệ: phải là số di động Việt Nam 10 chữ số bắt đầu 03, 05, 07, 08, 09 (hoặc +84…)",
                "not a Vietnamese mobile number (10 digits starting 03/05/07/08/09, or +84…)",
            ),
            R::MoneyNegative => s("số tiền không được âm", "an amount must not be negative"),
            R::MoneyFormat => s(
                "số tiền phải là số đồng nguyên, như 4500000 hoặc 4.500.000",
                "an amount must be whole đồng, like 4500000 or 4.500.000",
            ),
            R::TextTooLong { max } => (
                format!("dài quá {max} ký tự"),
                format!("longer than {max} characters"),
            ),
            R::ControlCharacter => s(
                "có ký tự điều khiển (như NUL) không hiển thị được; hãy gõ lại ô này",
                "holds a control character (such as NUL)",
            ),
            R::OverLimit { limit } => {
                let (vi, en) = limit.describe();
                (
                    format!("Tệp vượt quá giới hạn: {vi}. Hãy chia nhỏ tệp hoặc bỏ phần thừa rồi gửi lại."),
                    format!("the file is over a limit: {en}"),
                )
            }

            _ => self.file_messages(),
        }
    }

    /// Files, their columns, and the references to units, households and projects.
    fn file_messages(&self) -> (String, String) {
        use Refusal as R;
        let s = |vi: &str, en: &str| (vi.to_owned(), en.to_owned());
        match self {
            R::CannotReadFile { detail } => ("không đọc được tệp".into(), format!("cannot read file: {detail}")),
            R::CannotReadDirectory { detail } => {
                ("không đọc được thư mục".into(), format!("cannot read directory: {detail}"))
            }
            R::NotCsvOrXlsx => s("chỉ nhận tệp .csv hoặc .xlsx", "only .csv and .xlsx files are accepted"),
            R::EmptyFile => s("tệp rỗng, thiếu dòng tiêu đề", "empty file, no header row"),
            R::NotUtf8 { detail } => (
                "tệp không phải UTF-8 (hãy lưu CSV dạng UTF-8)".into(),
                format!("file is not UTF-8: {detail}"),
            ),
            R::MalformedCsv { detail } => ("CSV sai định dạng".into(), format!("malformed CSV: {detail}")),
            R::CannotOpenWorkbook { detail } => {
                ("không mở được tệp Excel".into(), format!("cannot open workbook: {detail}"))
            }
            R::CannotReadSheet { sheet, detail } => (
                format!("không đọc được trang {sheet}"),
                format!("cannot read sheet {sheet}: {detail}"),
            ),
            R::UnknownKind { kind, known } => (
                format!(
                    "không rõ loại dữ liệu \"{kind}\"; tên tệp/trang phải là tên một loại dữ liệu: {} (hoặc mã của nó, xem tệp mẫu)",
                    known
                        .iter()
                        .map(|k| domain::contract::ALL
                            .iter()
                            .find(|s| s.kind == *k)
                            .map_or(*k, |s| s.label_vi))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                format!(
                    "unknown file kind \"{kind}\"; the file or sheet name must be one of: {}",
                    known.join(", ")
                ),
            ),
            R::ColumnTwice { column } => {
                (format!("cột {column} xuất hiện hai lần"), format!("column {column} appears twice"))
            }
            R::UnknownColumn { column, kind, known } => (
                format!(
                    "cột không có trong mẫu {kind}: {column} (cột thêm phải bắt đầu bằng x_; các cột: {})",
                    known.join(", ")
                ),
                format!("unknown column {column} for {kind} (extra columns must start with x_)"),
            ),
            R::MissingColumn { column } => {
                (format!("thiếu cột bắt buộc {column}"), format!("missing required column {column}"))
            }
            R::KeyRepeated { key, source, line } => (
                format!("trùng khóa ({}) với {source} dòng {line} nhưng nội dung khác", key.join(", ")),
                format!("same key ({}) as {source} row {line} with different content", key.join(", ")),
            ),

            R::UnitEndedInto { code, name, date, on, into_code, into_name } => (
                format!(
                    "đơn vị {code} ({name}) không còn tồn tại ngày {}: từ {} thuộc {into_code} ({into_name})",
                    date.dmy(),
                    on.dmy()
                ),
                format!("unit {code} does not exist on {date}: from {on} it belongs to {into_code}"),
            ),
            R::UnitEnded { code, name, ended } => (
                format!("đơn vị {code} ({name}) đã kết thúc ngày {}", ended.dmy()),
                format!("unit {code} ended on {ended}"),
            ),
            R::UnitNotYet { code, date, from } => (
                format!("đơn vị {code} chỉ có từ ngày {}, chưa tồn tại ngày {}", from.dmy(), date.dmy()),
                format!("unit {code} exists only from {from}, not on {date}"),
            ),
            R::NoSuchUnit { code } => (format!("không có đơn vị mã {code}"), format!("no unit with code {code}")),
            R::UnitNotInYear { code, year } => (
                format!("đơn vị {code} không tồn tại trong năm {year}"),
                format!("unit {code} does not exist in {year}"),
            ),
            R::NoHousehold { code } => (
                format!("chưa có hộ mã {code} (hãy nhập hộ trong tệp households trước hoặc cùng lúc)"),
                format!("no household {code} (import it in households first or in the same import)"),
            ),
            R::NoMember { household, member_no } => (
                format!("hộ {household} không có thành viên số {member_no}"),
                format!("household {household} has no member {member_no}"),
            ),
            R::WithdrawnBeforeGiven { given } => (
                format!("ngày rút lại đồng ý trước ngày đồng ý ({})", given.dmy()),
                format!("consent withdrawn before it was given ({given})"),
            ),
            R::NoProject { code } => (format!("chưa có dự án mã {code}"), format!("no project {code}")),

            R::OutsideScope => s(
                "ngoài phạm vi đơn vị của bạn: bạn không có quyền ghi dữ liệu cho đơn vị này",
                "outside your units: you may not write records of this unit",
            ),
            R::StoredOutsideScope => s(
                "mã này đã được dùng cho một bản ghi của đơn vị khác, ngoài phạm vi của bạn: không thể ghi đè; hãy dùng mã khác",
                "the stored record with this key belongs to a unit outside yours: it may not be replaced",
            ),
            R::OnlyAdminChangesUnits => s(
                "chỉ quản trị hệ thống được sửa cây đơn vị",
                "only administrators may change the unit tree",
            ),

            _ => self.rule_messages(),
        }
    }

    /// Access, the rules of each file kind but the units', the forms and the warnings.
    fn rule_messages(&self) -> (String, String) {
        use Refusal as R;
        let s = |vi: &str, en: &str| (vi.to_owned(), en.to_owned());
        match self {
            R::HouseholdSizeZero => s("số nhân khẩu phải từ 1 trở lên", "size must be at least 1"),
            R::MemberNoZero => s("số thứ tự thành viên phải từ 1", "member_no must be at least 1"),
            R::CitizenIdRepeated { source, line } => (
                format!("số CCCD trùng với {source} dòng {line}"),
                format!("citizen ID repeats {source} row {line}"),
            ),
            R::CitizenIdTaken { member_no, household } => (
                format!("số CCCD đã thuộc thành viên {member_no} của hộ {household}"),
                format!("citizen ID already belongs to member {member_no} of household {household}"),
            ),
            R::CitizenIdElsewhere => s(
                "số CCCD này đã được đăng ký ở một đơn vị khác",
                "the citizen ID is registered in another unit",
            ),
            R::NoStandard { on } => (
                format!("không có chuẩn nghèo nào có hiệu lực ngày {}", on.dmy()),
                format!("no poverty standard is in force on {on}"),
            ),
            R::DeprivationsUnknown { standard, unknown, known } => (
                format!(
                    "chỉ số thiếu hụt không có trong chuẩn {standard}: {} (các chỉ số: {})",
                    unknown.join(", "),
                    known.join(", ")
                ),
                format!("deprivation codes unknown to standard {standard}: {}", unknown.join(", ")),
            ),
            R::DeprivationsUnknownToStandard { standard } => (
                format!("chỉ số thiếu hụt không có trong chuẩn {standard}"),
                format!("deprivation codes unknown to standard {standard}"),
            ),
            R::IncomeNeeded => s(
                "cần thu nhập bình quân để tính phân loại khi không ghi status",
                "income is needed to compute the class when status is empty",
            ),
            R::SessionsZero => s("số buổi/lớp phải từ 1 trở lên", "sessions must be at least 1"),
            R::DissolvedBeforeEstablished => s(
                "ngày giải thể phải sau ngày thành lập",
                "dissolved_on must be after established_on",
            ),
            R::UnknownIndicator => s(
                "chỉ tiêu không có trong danh mục (xem data-contract, Indicators)",
                "unknown indicator code",
            ),
            R::LivelihoodNeedsHousehold => s(
                "hỗ trợ sinh kế phải ghi hộ nhận (household_code)",
                "a livelihood support needs household_code",
            ),
            R::MemberNeedsHousehold => s(
                "có số thứ tự thành viên thì phải ghi hộ (household_code)",
                "member_no needs household_code",
            ),
            R::QuantityZero => s("số lượng phải từ 1 trở lên", "quantity must be at least 1"),
            R::UnitEndsBeforeStart => s("ngày kết thúc trước ngày bắt đầu", "valid_to is before valid_from"),
            R::ProjectEndsBeforeStart => s("ngày kết thúc trước ngày bắt đầu", "end_on is before start_on"),
            R::PercentOver100 => s(
                "tỷ lệ tối thiểu phải từ 0 đến 100",
                "min_disadvantaged_pct must be 0–100",
            ),
            R::HouseholdCodeTaken { code } => (
                format!("Mã hộ {code} đã có; hãy dùng mã khác hoặc sửa hộ đó."),
                format!("household {code} exists"),
            ),
            R::ChangedMeanwhile => s(
                "Hộ này vừa được người khác sửa trong lúc bạn đang sửa. Thay đổi của bạn chưa được lưu: hãy mở lại trang để xem bản mới rồi sửa lại.",
                "the household changed since the form was opened",
            ),

            R::RecordExists => s(
                "đã có bản ghi với mã này; hãy dùng mã khác hoặc sửa bản ghi đó",
                "a record with this key exists",
            ),
            R::WrittenMeanwhile => s(
                "Có người khác vừa ghi cùng dữ liệu này trong lúc bạn lưu, nên chưa có gì được lưu. Hãy tải lại trang và thử lại.",
                "another write committed the same key meanwhile; nothing was written",
            ),
            R::NothingToDelete => s(
                "không có bản ghi với mã này để xóa",
                "no stored record with this key to delete",
            ),
            R::ReasonRequired => s(
                "cần ghi lý do xóa hoặc sửa (cột reason)",
                "a deletion or a correction needs its reason",
            ),
            R::HouseholdHasRecords { code } => (
                format!("hộ {code} còn thành viên, kết quả rà soát, hỗ trợ hoặc tham gia dự án: hãy xóa chúng trước"),
                format!("household {code} still has members, assessments, supports or project places"),
            ),
            R::MemberHasConsent { household, member_no } => (
                format!("thành viên {member_no} của hộ {household} có phiếu đồng ý xử lý dữ liệu cá nhân được lưu làm bằng chứng: hãy ghi ngày rút lại đồng ý thay vì xóa thành viên"),
                format!("member {member_no} of household {household} has a recorded consent, kept as evidence; record its withdrawal instead"),
            ),
            R::MemberHasSupports { household, member_no } => (
                format!("thành viên {member_no} của hộ {household} là người nhận một khoản hỗ trợ: hãy sửa hoặc xóa khoản hỗ trợ đó trước"),
                format!("member {member_no} of household {household} receives a support; correct or delete it first"),
            ),
            R::PeriodLocked { unit_code, period, by, at } => (
                format!(
                    "kỳ {} của đơn vị {unit_code} đã được {by} duyệt ngày {}: dữ liệu trong kỳ bị khóa, cần mở lại kỳ trước khi sửa",
                    period.dmy(),
                    domain::date::dmy_text(at.get(..10).unwrap_or(at))
                ),
                format!("the period {} – {} of {unit_code} was approved by {by} ({at}): it is locked", period.from, period.to),
            ),
            R::StatusDiffers { given, standard, computed } => (
                format!(
                    "đã ghi {} nhưng theo chuẩn {standard} là {}: giữ kết quả đã ghi",
                    given.label_vi(),
                    computed.label_vi()
                ),
                format!(
                    "given {} but standard {standard} gives {}: the given class is kept",
                    given.as_str(),
                    computed.as_str()
                ),
            ),
            _ => self.unit_messages(),
        }
    }

    /// The rules of the unit tree and its lineage.
    fn unit_messages(&self) -> (String, String) {
        use Refusal as R;
        let s = |vi: &str, en: &str| (vi.to_owned(), en.to_owned());
        match self {
            R::OwnParent => s("đơn vị không thể là cha của chính nó", "a unit cannot be its own parent"),
            R::ValidityOverlaps { code, from, to } => (
                format!(
                    "thời gian hiệu lực chồng lên phiên bản khác của mã {code} ({} – {})",
                    shown(*from),
                    shown(*to)
                ),
                format!("validity overlaps another version of code {code} ({from} – {to})"),
            ),
            R::ParentMissing { parent, on, zero_hint } => (
                format!(
                    "đơn vị cha {parent} không tồn tại vào ngày {}{}",
                    shown(*on),
                    zero_hint
                        .as_ref()
                        .map(|padded| format!(" (có phải mã {padded}? Excel có thể đã bỏ số 0 ở đầu)"))
                        .unwrap_or_default()
                ),
                format!("parent {parent} does not exist on {on}"),
            ),
            R::ParentNotAbove { parent, parent_level, code, level } => (
                format!(
                    "đơn vị cha {parent} là cấp {}, không cao hơn cấp {} của đơn vị này",
                    parent_level.label_vi(),
                    level.label_vi()
                ),
                format!("parent {parent} ({parent_level}) is not above {code} ({level})"),
            ),
            R::LineageSelf => s("đơn vị không thể kế thừa chính nó", "a unit cannot succeed itself"),
            R::LineageShare => s("tỷ lệ phải trong khoảng (0, 1]", "share must be in (0, 1]"),
            R::LineageFromMissing { code, day_before } => (
                format!(
                    "đơn vị {code} không tồn tại vào ngày {} (ngày trước ngày hiệu lực)",
                    day_before.dmy()
                ),
                format!(
                    "{code} does not exist on {}, the day before the effective date",
                    day_before.dmy()
                ),
            ),
            R::LineageFromNotEnded { code, day_before } => (
                format!(
                    "đơn vị {code} vẫn tồn tại sau ngày {}; kế thừa chỉ áp dụng cho đơn vị đã kết thúc",
                    day_before.dmy()
                ),
                format!(
                    "{code} goes on after {}; lineage applies to a unit that ended",
                    day_before.dmy()
                ),
            ),
            R::LineageToMissing { code, on } => (
                format!("đơn vị {code} không tồn tại vào ngày {}", on.dmy()),
                format!("{code} does not exist on {}", on.dmy()),
            ),
            R::LineageSharesOverOne { code, on } => (
                format!("tổng tỷ lệ chuyển từ {code} ngày {} vượt quá 1", on.dmy()),
                format!("the shares leaving {code} on {} add up to more than 1", on.dmy()),
            ),
            R::LineageCycle { path, back_to } => (
                format!("kế thừa tạo vòng lặp: {} → {back_to}", path.join(" → ")),
                format!("lineage cycle: {} → {back_to}", path.join(" → ")),
            ),

            _ => unreachable!("{self:?} has no message: add it to one of the message tables"),
        }
    }
}
