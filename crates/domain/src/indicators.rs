//! The indicators a report shows (data contract, "Indicators"): code, Vietnamese label,
//! whether it counts records in a period (flow) or describes the state on the last day
//! (stock), and what it measures.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Flow,
    Stock,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Households,
    People,
    Count,
    Vnd,
    Percent,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Def {
    #[serde(skip)]
    pub indicator: Indicator,
    pub code: &'static str,
    pub label_vi: &'static str,
    pub kind: Kind,
    pub measure: Measure,
}

use Kind::*;
use Measure::*;

/// Defines the `Indicator` enum and its table: each indicator once, with its code, its
/// Vietnamese label, its kind and what it measures.
macro_rules! indicators {
    ($($variant:ident = $code:literal, $label:literal, $kind:ident, $measure:ident;)+) => {
        /// One of the contract's 42 indicators.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Indicator {
            $($variant,)+
        }

        /// Every indicator, in the contract's order (42).
        pub const ALL: &[Def] = &[
            $(Def {
                indicator: Indicator::$variant,
                code: $code,
                label_vi: $label,
                kind: $kind,
                measure: $measure,
            },)+
        ];

        impl Indicator {
            /// The code reports and files carry.
            pub const fn code(self) -> &'static str {
                match self {
                    $(Indicator::$variant => $code,)+
                }
            }

            pub fn parse(code: &str) -> Option<Indicator> {
                match code {
                    $($code => Some(Indicator::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

indicators! {
    HhAssisted = "hh_assisted", "Hộ có phụ nữ được Hội nhận giúp đỡ", Flow, Households;
    HhEscaped = "hh_escaped", "Hộ có phụ nữ thoát nghèo, cận nghèo", Flow, Households;
    HhEscapedPoor = "hh_escaped_poor", "Hộ có phụ nữ thoát nghèo", Flow, Households;
    HhFellBack = "hh_fell_back", "Hộ tái nghèo, tái cận nghèo", Flow, Households;
    HhNewlyPoor = "hh_newly_poor", "Hộ nghèo, cận nghèo phát sinh", Flow, Households;
    LivelihoodRecipients = "livelihood_recipients", "Hội viên phụ nữ nghèo được trao phương tiện sinh kế", Flow, People;
    LivelihoodValueVnd = "livelihood_value_vnd", "Giá trị phương tiện sinh kế", Flow, Vnd;
    JobsPlaced = "jobs_placed", "Lao động nữ được giải quyết việc làm", Flow, People;
    LaborExportCounselled = "labor_export_counselled", "Lao động nữ được tư vấn, xuất khẩu lao động", Flow, People;
    UnionLoans = "union_loans", "Lượt vay vốn từ Quỹ Hội", Flow, Count;
    UnionLoansValueVnd = "union_loans_value_vnd", "Số tiền cho vay từ Quỹ Hội", Flow, Vnd;
    StartupIdeasSupported = "startup_ideas_supported", "Ý tưởng khởi nghiệp được hỗ trợ", Flow, Count;
    WomenEntrepreneursTrained = "women_entrepreneurs_trained", "Phụ nữ chủ doanh nghiệp, quản lý HTX, chủ hộ kinh doanh được nâng cao năng lực", Flow, People;
    Gifts = "gifts", "Suất quà tặng", Flow, Count;
    HousesBuilt = "houses_built", "Mái ấm tình thương xây mới", Flow, Count;
    HousesRepaired = "houses_repaired", "Nhà được sửa chữa", Flow, Count;
    SanitationWorks = "sanitation_works", "Công trình vệ sinh", Flow, Count;
    CleanWaterWorks = "clean_water_works", "Công trình nước sạch", Flow, Count;
    InsuranceCards = "insurance_cards", "Thẻ bảo hiểm tai nạn, bảo hiểm y tế được tặng", Flow, Count;
    SavingsBooks = "savings_books", "Sổ tiết kiệm được tặng", Flow, Count;
    CharityValueVnd = "charity_value_vnd", "Tổng trị giá tiền, quà an sinh", Flow, Vnd;
    VocationalClasses = "vocational_classes", "Lớp đào tạo nghề", Flow, Count;
    VocationalTrainees = "vocational_trainees", "Lao động nữ được đào tạo nghề", Flow, People;
    CreditCommunicationClasses = "credit_communication_classes", "Lớp tuyên truyền về tín dụng chính sách", Flow, Count;
    StartupTrainingClasses = "startup_training_classes", "Lớp tập huấn khởi nghiệp", Flow, Count;
    StartupCommunicationSessions = "startup_communication_sessions", "Cuộc truyền thông về khởi nghiệp", Flow, Count;
    StartupParticipants = "startup_participants", "Hội viên tham gia tập huấn, truyền thông khởi nghiệp", Flow, People;
    MicroinsuranceContracts = "microinsurance_contracts", "Hợp đồng bảo hiểm vi mô", Flow, Count;
    MicroinsurancePremiumVnd = "microinsurance_premium_vnd", "Phí bảo hiểm vi mô", Flow, Vnd;
    MicroinsuranceClaims = "microinsurance_claims", "Trường hợp được chi trả bảo hiểm vi mô", Flow, Count;
    MicroinsuranceClaimsVnd = "microinsurance_claims_vnd", "Số tiền chi trả bảo hiểm vi mô", Flow, Vnd;
    CoopsNew = "coops_new", "Hợp tác xã có phụ nữ tham gia quản lý thành lập mới", Flow, Count;
    CoopsActive = "coops_active", "Hợp tác xã có phụ nữ tham gia quản lý", Stock, Count;
    CoopsFemaleMembers = "coops_female_members", "Thành viên nữ của hợp tác xã", Stock, People;
    CoopsFemaleWorkers = "coops_female_workers", "Lao động nữ của hợp tác xã", Stock, People;
    StartupClubsActive = "startup_clubs_active", "Câu lạc bộ \"Phụ nữ khởi nghiệp\"", Stock, Count;
    VbspGroups = "vbsp_groups", "Tổ tiết kiệm và vay vốn", Stock, Count;
    VbspClients = "vbsp_clients", "Khách hàng vay vốn Ngân hàng CSXH", Stock, People;
    VbspOutstandingVnd = "vbsp_outstanding_vnd", "Dư nợ ủy thác qua Hội", Stock, Vnd;
    VbspOverdueVnd = "vbsp_overdue_vnd", "Nợ quá hạn", Stock, Vnd;
    VbspSharePct = "vbsp_share_pct", "Tỷ lệ dư nợ ủy thác qua Hội trên tổng dư nợ ủy thác", Stock, Percent;
    VbspOverduePct = "vbsp_overdue_pct", "Tỷ lệ nợ quá hạn", Stock, Percent;
}

impl Indicator {
    /// Its definition (label, kind, measure).
    pub fn def(self) -> &'static Def {
        &ALL[self as usize]
    }
}

impl std::fmt::Display for Indicator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Indicator {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

pub fn find(code: &str) -> Option<&'static Def> {
    ALL.iter().find(|d| d.code == code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_indicator_is_its_own_definition() {
        for (i, d) in super::ALL.iter().enumerate() {
            assert_eq!(d.indicator as usize, i);
            assert_eq!(d.indicator.code(), d.code);
            assert_eq!(super::Indicator::parse(d.code), Some(d.indicator));
            assert_eq!(d.indicator.def().label_vi, d.label_vi);
        }
    }

    #[test]
    fn forty_two_distinct_codes() {
        let mut codes: Vec<&str> = super::ALL.iter().map(|d| d.code).collect();
        assert_eq!(codes.len(), 42);
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 42);
    }
}
