//! The national standards as published (domain.md). The product seeds them into the
//! database once; from there they are data that an administrator can read and extend.

use super::{Indicator, Standard};
use crate::Date;

fn ind(code: &str, service: &str, label_vi: &str) -> Indicator {
    Indicator {
        code: code.into(),
        service: service.into(),
        label_vi: label_vi.into(),
    }
}

fn day(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd(y, m, d).expect("a real day")
}

fn indicators_2022() -> Vec<Indicator> {
    vec![
        ind("employment", "employment", "Việc làm"),
        ind(
            "dependents",
            "employment",
            "Người phụ thuộc trong hộ gia đình",
        ),
        ind("nutrition", "health", "Dinh dưỡng"),
        ind("health_insurance", "health", "Bảo hiểm y tế"),
        ind(
            "adult_education",
            "education",
            "Trình độ giáo dục của người lớn",
        ),
        ind(
            "school_attendance",
            "education",
            "Tình trạng đi học của trẻ em",
        ),
        ind("housing_quality", "housing", "Chất lượng nhà ở"),
        ind(
            "housing_area",
            "housing",
            "Diện tích nhà ở bình quân đầu người",
        ),
        ind("water", "water_hygiene", "Nguồn nước sinh hoạt"),
        ind("sanitation", "water_hygiene", "Nhà tiêu hợp vệ sinh"),
        ind("telecom", "information", "Sử dụng dịch vụ viễn thông"),
        ind(
            "info_access",
            "information",
            "Phương tiện phục vụ tiếp cận thông tin",
        ),
    ]
}

/// Decree 07/2021/NĐ-CP as amended by 30/2025, in force 2022-01-01 … 2026-12-31.
pub fn decree_07_2021() -> Standard {
    national(
        (
            "ND07-2021",
            "Nghị định 07/2021/NĐ-CP (sửa đổi bởi 30/2025), giai đoạn 2022–2026",
        ),
        (2022, 2026),
        (1_500_000, 2_000_000),
        Some((2_250_000, 3_000_000)),
        indicators_2022(),
    )
}

/// Decree 351/2025/NĐ-CP, in force 2027-01-01 … 2030-12-31. Its average-living-standard
/// line and the final indicator thresholds are not confirmed: left empty.
pub fn decree_351_2025() -> Standard {
    let mut indicators: Vec<Indicator> = indicators_2022()
        .into_iter()
        .filter(|i| i.code != "info_access")
        .collect();
    indicators.push(ind("digital_services", "information", "Sử dụng dịch vụ số"));
    indicators.push(ind("waste", "water_hygiene", "Xử lý rác thải sinh hoạt"));
    national(
        (
            "ND351-2025",
            "Nghị định 351/2025/NĐ-CP, giai đoạn 2027–2030",
        ),
        (2027, 2030),
        (2_200_000, 2_800_000),
        None,
        indicators,
    )
}

/// A national standard (no unit) in force from 1 January of the first year to
/// 31 December of the last, three deprivations making an income-poor household poor
/// (both decrees); lines are (rural, urban) đồng per person and month.
fn national(
    (code, name): (&str, &str),
    (first, last): (i32, i32),
    poverty: (i64, i64),
    average: Option<(i64, i64)>,
    indicators: Vec<Indicator>,
) -> Standard {
    Standard {
        code: code.into(),
        name: name.into(),
        unit_code: None,
        valid_from: day(first, 1, 1),
        valid_to: day(last, 12, 31),
        poverty_line_rural: poverty.0,
        poverty_line_urban: poverty.1,
        average_line_rural: average.map(|a| a.0),
        average_line_urban: average.map(|a| a.1),
        poor_min_deprivations: 3,
        indicators,
    }
}

pub fn all() -> Vec<Standard> {
    vec![decree_07_2021(), decree_351_2025()]
}

/// Vietnamese names of the services.
pub fn service_label_vi(service: &str) -> &str {
    match service {
        "employment" => "việc làm",
        "health" => "y tế",
        "education" => "giáo dục",
        "housing" => "nhà ở",
        "water_hygiene" => "nước sinh hoạt và vệ sinh",
        "information" => "thông tin",
        other => other,
    }
}
