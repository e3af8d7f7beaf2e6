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
    pub code: &'static str,
    pub label_vi: &'static str,
    pub kind: Kind,
    pub measure: Measure,
}

const fn def(code: &'static str, label_vi: &'static str, kind: Kind, measure: Measure) -> Def {
    Def {
        code,
        label_vi,
        kind,
        measure,
    }
}

use Kind::*;
use Measure::*;

/// Every indicator, in the contract's order (42).
pub const ALL: &[Def] = &[
    def(
        "hh_assisted",
        "Hộ có phụ nữ được Hội nhận giúp đỡ",
        Flow,
        Households,
    ),
    def(
        "hh_escaped",
        "Hộ có phụ nữ thoát nghèo, cận nghèo",
        Flow,
        Households,
    ),
    def(
        "hh_escaped_poor",
        "Hộ có phụ nữ thoát nghèo",
        Flow,
        Households,
    ),
    def(
        "hh_fell_back",
        "Hộ tái nghèo, tái cận nghèo",
        Flow,
        Households,
    ),
    def(
        "hh_newly_poor",
        "Hộ nghèo, cận nghèo phát sinh",
        Flow,
        Households,
    ),
    def(
        "livelihood_recipients",
        "Hội viên phụ nữ nghèo được trao phương tiện sinh kế",
        Flow,
        People,
    ),
    def(
        "livelihood_value_vnd",
        "Giá trị phương tiện sinh kế",
        Flow,
        Vnd,
    ),
    def(
        "jobs_placed",
        "Lao động nữ được giải quyết việc làm",
        Flow,
        People,
    ),
    def(
        "labor_export_counselled",
        "Lao động nữ được tư vấn, xuất khẩu lao động",
        Flow,
        People,
    ),
    def("union_loans", "Lượt vay vốn từ Quỹ Hội", Flow, Count),
    def(
        "union_loans_value_vnd",
        "Số tiền cho vay từ Quỹ Hội",
        Flow,
        Vnd,
    ),
    def(
        "startup_ideas_supported",
        "Ý tưởng khởi nghiệp được hỗ trợ",
        Flow,
        Count,
    ),
    def(
        "women_entrepreneurs_trained",
        "Phụ nữ chủ doanh nghiệp, quản lý HTX, chủ hộ kinh doanh được nâng cao năng lực",
        Flow,
        People,
    ),
    def("gifts", "Suất quà tặng", Flow, Count),
    def("houses_built", "Mái ấm tình thương xây mới", Flow, Count),
    def("houses_repaired", "Nhà được sửa chữa", Flow, Count),
    def("sanitation_works", "Công trình vệ sinh", Flow, Count),
    def("clean_water_works", "Công trình nước sạch", Flow, Count),
    def(
        "insurance_cards",
        "Thẻ bảo hiểm tai nạn, bảo hiểm y tế được tặng",
        Flow,
        Count,
    ),
    def("savings_books", "Sổ tiết kiệm được tặng", Flow, Count),
    def(
        "charity_value_vnd",
        "Tổng trị giá tiền, quà an sinh",
        Flow,
        Vnd,
    ),
    def("vocational_classes", "Lớp đào tạo nghề", Flow, Count),
    def(
        "vocational_trainees",
        "Lao động nữ được đào tạo nghề",
        Flow,
        People,
    ),
    def(
        "credit_communication_classes",
        "Lớp tuyên truyền về tín dụng chính sách",
        Flow,
        Count,
    ),
    def(
        "startup_training_classes",
        "Lớp tập huấn khởi nghiệp",
        Flow,
        Count,
    ),
    def(
        "startup_communication_sessions",
        "Cuộc truyền thông về khởi nghiệp",
        Flow,
        Count,
    ),
    def(
        "startup_participants",
        "Hội viên tham gia tập huấn, truyền thông khởi nghiệp",
        Flow,
        People,
    ),
    def(
        "microinsurance_contracts",
        "Hợp đồng bảo hiểm vi mô",
        Flow,
        Count,
    ),
    def(
        "microinsurance_premium_vnd",
        "Phí bảo hiểm vi mô",
        Flow,
        Vnd,
    ),
    def(
        "microinsurance_claims",
        "Trường hợp được chi trả bảo hiểm vi mô",
        Flow,
        Count,
    ),
    def(
        "microinsurance_claims_vnd",
        "Số tiền chi trả bảo hiểm vi mô",
        Flow,
        Vnd,
    ),
    def(
        "coops_new",
        "Hợp tác xã có phụ nữ tham gia quản lý thành lập mới",
        Flow,
        Count,
    ),
    def(
        "coops_active",
        "Hợp tác xã có phụ nữ tham gia quản lý",
        Stock,
        Count,
    ),
    def(
        "coops_female_members",
        "Thành viên nữ của hợp tác xã",
        Stock,
        People,
    ),
    def(
        "coops_female_workers",
        "Lao động nữ của hợp tác xã",
        Stock,
        People,
    ),
    def(
        "startup_clubs_active",
        "Câu lạc bộ \"Phụ nữ khởi nghiệp\"",
        Stock,
        Count,
    ),
    def("vbsp_groups", "Tổ tiết kiệm và vay vốn", Stock, Count),
    def(
        "vbsp_clients",
        "Khách hàng vay vốn Ngân hàng CSXH",
        Stock,
        People,
    ),
    def("vbsp_outstanding_vnd", "Dư nợ ủy thác qua Hội", Stock, Vnd),
    def("vbsp_overdue_vnd", "Nợ quá hạn", Stock, Vnd),
    def(
        "vbsp_share_pct",
        "Tỷ lệ dư nợ ủy thác qua Hội trên tổng dư nợ ủy thác",
        Stock,
        Percent,
    ),
    def("vbsp_overdue_pct", "Tỷ lệ nợ quá hạn", Stock, Percent),
];

pub fn find(code: &str) -> Option<&'static Def> {
    ALL.iter().find(|d| d.code == code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn forty_two_distinct_codes() {
        let mut codes: Vec<&str> = super::ALL.iter().map(|d| d.code).collect();
        assert_eq!(codes.len(), 42);
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 42);
    }
}
