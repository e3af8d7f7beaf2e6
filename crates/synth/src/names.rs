//! Invented Vietnamese names. Common family and given names, combined at random: any
//! likeness to a real person is chance.

use crate::Rng;

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const FEMALE: &[&str] = &[
    "Hoa", "Lan", "Mai", "Hương", "Thu", "Hằng", "Nga", "Linh", "Trang", "Nhung", "Hạnh", "Yến",
    "Loan", "Phương", "Thảo", "Ngọc", "Oanh", "Xuân", "Huệ", "Tuyết", "Bích", "Diệu", "Hiền",
    "Liên", "Quyên", "Sương", "Thắm", "Vân",
];
const MALE: &[&str] = &[
    "Nam", "Hùng", "Dũng", "Minh", "Tuấn", "Hải", "Sơn", "Bình", "Long", "Phúc", "Quang", "Thành",
];
const MIDDLE_MALE: &[&str] = &["Văn", "Đức", "Minh", "Hữu"];
/// Family names common among the Cơ Tu, Xơ Đăng and Giẻ Triêng of Quảng Nam's uplands.
const UPLAND_FAMILY: &[&str] = &[
    "Alăng", "Bhling", "Zơ Râm", "Hồ", "Đinh", "Bríu", "Coor", "Pơloong",
];

pub fn woman(rng: &mut Rng, upland: bool) -> String {
    let family = if upland {
        rng.pick(UPLAND_FAMILY)
    } else {
        rng.pick(FAMILY)
    };
    format!("{family} Thị {}", rng.pick(FEMALE))
}

pub fn man(rng: &mut Rng, upland: bool) -> String {
    let family = if upland {
        rng.pick(UPLAND_FAMILY)
    } else {
        rng.pick(FAMILY)
    };
    format!("{family} {} {}", rng.pick(MIDDLE_MALE), rng.pick(MALE))
}
