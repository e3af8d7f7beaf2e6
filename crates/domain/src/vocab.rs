//! The contract's vocabularies, each defined once: a value's code (what files, the
//! database and the API carry) and its Vietnamese label (what a person reads) stand side
//! by side in one [`vocabulary!`] list. The importer's cell rule, the web forms' choices,
//! the file-format reference and the generators all read these lists.

pub use crate::access::Role;
pub use crate::poverty::{Area, Class};
pub use crate::status::AssessmentKind;
pub use crate::units::Level;

/// What every vocabulary offers to code that handles any of them (the importer, the
/// form renderer, the format reference).
pub trait Vocabulary: Copy + Sized + 'static {
    /// Every value, in the contract's order.
    const ENTRIES: &'static [(&'static str, &'static str)];
    fn as_str(self) -> &'static str;
    fn label_vi(self) -> &'static str;
    fn parse(code: &str) -> Option<Self>;
}

/// Defines an enum whose values carry a code and a Vietnamese label:
///
/// ```ignore
/// vocabulary! {
///     /// docs
///     pub enum Gender { Female = "F", "nữ"; Male = "M", "nam"; }
/// }
/// ```
///
/// It derives ordering in the order written, serialises as the code, and gives `ALL`,
/// `ENTRIES` (code, label), `as_str`, `label_vi` and `parse`.
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* pub enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal;)+
    }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the contract's order.
            pub const ALL: [$name; <[&str]>::len(&[$(stringify!($variant)),+])] =
                [$($name::$variant),+];
            /// (code, Vietnamese label) of every value, in the contract's order.
            pub const ENTRIES: &'static [(&'static str, &'static str)] = &[$(($code, $label)),+];

            /// The code files, the database and the API carry.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// What a person reads.
            pub const fn label_vi(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            pub fn parse(code: &str) -> Option<$name> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl $crate::vocab::Vocabulary for $name {
            const ENTRIES: &'static [(&'static str, &'static str)] = $name::ENTRIES;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
            fn label_vi(self) -> &'static str {
                $name::label_vi(self)
            }
            fn parse(code: &str) -> Option<$name> {
                $name::parse(code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// A person's gender as the union records it.
    pub enum Gender {
        Female = "F", "nữ";
        Male = "M", "nam";
    }
}

vocabulary! {
    /// What a support record gives (data contract, `supports.support_type`).
    pub enum SupportType {
        Livelihood = "livelihood", "Phương tiện sinh kế";
        JobPlacement = "job_placement", "Giải quyết việc làm";
        LaborExportCounselling = "labor_export_counselling", "Tư vấn xuất khẩu lao động";
        UnionLoan = "union_loan", "Vay vốn Quỹ Hội";
        StartupIdea = "startup_idea", "Ý tưởng khởi nghiệp";
        CapacityBuilding = "capacity_building", "Nâng cao năng lực";
        Gift = "gift", "Quà tặng";
        HouseBuilt = "house_built", "Xây nhà";
        HouseRepaired = "house_repaired", "Sửa nhà";
        SanitationWork = "sanitation_work", "Công trình vệ sinh";
        CleanWaterWork = "clean_water_work", "Công trình nước sạch";
        InsuranceCard = "insurance_card", "Thẻ bảo hiểm";
        SavingsBook = "savings_book", "Sổ tiết kiệm";
    }
}

vocabulary! {
    /// What an activity record is (data contract, `activities.activity_type`).
    pub enum ActivityType {
        VocationalClass = "vocational_class", "Lớp đào tạo nghề";
        CreditCommunication = "credit_communication", "Tuyên truyền tín dụng chính sách";
        StartupTraining = "startup_training", "Tập huấn khởi nghiệp";
        StartupCommunication = "startup_communication", "Truyền thông khởi nghiệp";
        Other = "other", "Khác";
    }
}

vocabulary! {
    /// What a club is for (data contract, `clubs.kind`).
    pub enum ClubKind {
        Startup = "startup", "Câu lạc bộ khởi nghiệp";
        Other = "other", "Câu lạc bộ khác";
    }
}

vocabulary! {
    /// A micro-insurance row: contracts sold, or claims paid.
    pub enum MicroinsuranceKind {
        Contract = "contract", "Hợp đồng";
        Claim = "claim", "Chi trả";
    }
}

vocabulary! {
    /// A member's ethnic group (data contract v1.2, `members.ethnicity`): the 54 groups
    /// of the statistics office's list (Quyết định 121-TCTK/PPCĐ, 1979), by its code
    /// `01`–`54` (`01` Kinh); the importer also reads the group's name.
    pub enum Ethnicity {
        E01 = "01", "Kinh";
        E02 = "02", "Tày";
        E03 = "03", "Thái";
        E04 = "04", "Hoa";
        E05 = "05", "Khơ-me";
        E06 = "06", "Mường";
        E07 = "07", "Nùng";
        E08 = "08", "Mông";
        E09 = "09", "Dao";
        E10 = "10", "Gia-rai";
        E11 = "11", "Ngái";
        E12 = "12", "Ê-đê";
        E13 = "13", "Ba-na";
        E14 = "14", "Xơ-đăng";
        E15 = "15", "Sán Chay";
        E16 = "16", "Cơ-ho";
        E17 = "17", "Chăm";
        E18 = "18", "Sán Dìu";
        E19 = "19", "Hrê";
        E20 = "20", "Mnông";
        E21 = "21", "Ra-glai";
        E22 = "22", "Xtiêng";
        E23 = "23", "Bru-Vân Kiều";
        E24 = "24", "Thổ";
        E25 = "25", "Giáy";
        E26 = "26", "Cơ-tu";
        E27 = "27", "Gié-Triêng";
        E28 = "28", "Mạ";
        E29 = "29", "Khơ-mú";
        E30 = "30", "Co";
        E31 = "31", "Tà-ôi";
        E32 = "32", "Chơ-ro";
        E33 = "33", "Kháng";
        E34 = "34", "Xinh-mun";
        E35 = "35", "Hà Nhì";
        E36 = "36", "Chu-ru";
        E37 = "37", "Lào";
        E38 = "38", "La Chí";
        E39 = "39", "La Ha";
        E40 = "40", "Phù Lá";
        E41 = "41", "La Hủ";
        E42 = "42", "Lự";
        E43 = "43", "Lô Lô";
        E44 = "44", "Chứt";
        E45 = "45", "Mảng";
        E46 = "46", "Pà Thẻn";
        E47 = "47", "Cơ Lao";
        E48 = "48", "Cống";
        E49 = "49", "Bố Y";
        E50 = "50", "Si La";
        E51 = "51", "Pu Péo";
        E52 = "52", "Brâu";
        E53 = "53", "Ơ Đu";
        E54 = "54", "Rơ-măm";
    }
}

/// `Nữ` from `nữ`: labels are written as they stand inside a sentence, and a form or a
/// column header starts them with a capital.
pub fn capitalized(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        fn check<V: Vocabulary + PartialEq + std::fmt::Debug>() {
            let mut codes: Vec<&str> = V::ENTRIES.iter().map(|e| e.0).collect();
            for &(code, label) in V::ENTRIES {
                let v = V::parse(code).expect("parses");
                assert_eq!(v.as_str(), code);
                assert_eq!(v.label_vi(), label);
                assert!(!label.is_empty());
            }
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), V::ENTRIES.len());
            assert_eq!(V::parse("no such code"), None);
        }
        check::<Gender>();
        check::<SupportType>();
        check::<ActivityType>();
        check::<AssessmentKind>();
        check::<ClubKind>();
        check::<MicroinsuranceKind>();
        check::<Area>();
        check::<Class>();
        check::<Level>();
        check::<Role>();
    }

    #[test]
    fn labels_start_with_a_capital_where_a_form_shows_them() {
        assert_eq!(capitalized("nữ"), "Nữ");
        assert_eq!(capitalized("đồng"), "Đồng");
        assert_eq!(capitalized(""), "");
    }
}
