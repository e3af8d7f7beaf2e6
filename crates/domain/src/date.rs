//! Calendar dates without time zones. Vietnam is UTC+7 all year and every record the
//! union keeps is dated by day, so a day count is all the product needs.

use std::fmt;

/// A calendar day, stored as days since 1970-01-01 (proleptic Gregorian).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Date(i32);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not in a form we accept (`YYYY-MM-DD` or `DD/MM/YYYY`).
    Format,
    /// Well formed but not a day of the calendar (31/02/2024).
    Impossible,
}

impl Date {
    /// The first representable day; stands for "open since forever" in validity ranges.
    pub const MIN: Date = Date(-719_162); // 0001-01-01
    /// The last representable day; stands for "open, no end" in validity ranges.
    pub const MAX: Date = Date(2_932_896); // 9999-12-31

    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        if day > days_in_month(year, month) {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    pub fn from_days(days: i32) -> Date {
        Date(days)
    }

    pub fn days(self) -> i32 {
        self.0
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    pub fn succ(self) -> Date {
        Date(self.0 + 1)
    }

    pub fn pred(self) -> Date {
        Date(self.0 - 1)
    }

    pub fn add_days(self, n: i32) -> Date {
        Date(self.0 + n)
    }

    /// Adds whole months, clamping the day to the target month's length
    /// (31/01 + 1 month = 28 or 29/02).
    pub fn add_months(self, months: i32) -> Date {
        let (y, m, d) = self.ymd();
        let total = y * 12 + (m as i32 - 1) + months;
        let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
        let nd = d.min(days_in_month(ny, nm));
        Date::from_ymd(ny, nm, nd).unwrap_or(if months >= 0 { Date::MAX } else { Date::MIN })
    }

    pub fn first_of_year(year: i32) -> Option<Date> {
        Date::from_ymd(year, 1, 1)
    }

    /// Parses `YYYY-MM-DD` (the contract's form) or `DD/MM/YYYY` (how Vietnamese write
    /// dates by hand and how Excel often exports them).
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let s = s.trim();
        let (y, m, d) = if let Some(parts) = split3(s, '-') {
            if parts.0.len() != 4 || parts.1.len() != 2 || parts.2.len() != 2 {
                return Err(DateError::Format);
            }
            parts
        } else if let Some((d, m, y)) = split3(s, '/') {
            if y.len() != 4 || d.is_empty() || d.len() > 2 || m.is_empty() || m.len() > 2 {
                return Err(DateError::Format);
            }
            (y, m, d)
        } else {
            return Err(DateError::Format);
        };
        let num = |t: &str| -> Result<u32, DateError> {
            if t.bytes().all(|b| b.is_ascii_digit()) {
                t.parse().map_err(|_| DateError::Format)
            } else {
                Err(DateError::Format)
            }
        };
        let (y, m, d) = (num(y)? as i32, num(m)?, num(d)?);
        Date::from_ymd(y, m, d).ok_or(DateError::Impossible)
    }

    /// The Vietnamese display form, `DD/MM/YYYY`.
    pub fn dmy(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{d:02}/{m:02}/{y:04}")
    }

    pub fn is_open_start(self) -> bool {
        self == Date::MIN
    }

    pub fn is_open_end(self) -> bool {
        self == Date::MAX
    }
}

/// A date held as text (a report's `YYYY-MM-DD`) as a Vietnamese reads it, DD/MM/YYYY;
/// text that is no date stays as it is.
pub fn dmy_text(s: &str) -> String {
    Date::parse(s).map_or_else(|_| s.to_owned(), Date::dmy)
}

fn split3(s: &str, sep: char) -> Option<(&str, &str, &str)> {
    let mut it = s.split(sep);
    let a = it.next()?;
    let b = it.next()?;
    let c = it.next()?;
    if it.next().is_some() {
        return None;
    }
    Some((a, b, c))
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Serialized as `YYYY-MM-DD`, the contract's form.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for the whole range we use.
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_both_forms() {
        assert_eq!(Date::parse("2023-10-31").unwrap().to_string(), "2023-10-31");
        assert_eq!(Date::parse("31/10/2023").unwrap().to_string(), "2023-10-31");
        assert_eq!(Date::parse("1/7/2025").unwrap().to_string(), "2025-07-01");
        assert_eq!(Date::parse("29/02/2024").unwrap().dmy(), "29/02/2024");
    }

    #[test]
    fn rejects_impossible_and_malformed() {
        assert_eq!(Date::parse("31/02/2024"), Err(DateError::Impossible));
        assert_eq!(Date::parse("2023-02-29"), Err(DateError::Impossible));
        assert_eq!(Date::parse("2023-13-01"), Err(DateError::Impossible));
        assert_eq!(Date::parse("2023/10/31"), Err(DateError::Format));
        assert_eq!(Date::parse("45231"), Err(DateError::Format));
        assert_eq!(Date::parse("2023-1-5"), Err(DateError::Format));
        assert_eq!(Date::parse(""), Err(DateError::Format));
    }

    #[test]
    fn bounds_and_months() {
        assert_eq!(Date::MIN.to_string(), "0001-01-01");
        assert_eq!(Date::MAX.to_string(), "9999-12-31");
        let d = Date::parse("2023-01-31").unwrap();
        assert_eq!(d.add_months(1).to_string(), "2023-02-28");
        assert_eq!(d.add_months(36).to_string(), "2026-01-31");
        assert_eq!(
            Date::parse("2025-06-30").unwrap().succ().to_string(),
            "2025-07-01"
        );
    }

    proptest! {
        #[test]
        fn round_trips(days in Date::MIN.0..=Date::MAX.0) {
            let d = Date(days);
            prop_assert_eq!(Date::parse(&d.to_string()), Ok(d));
            prop_assert_eq!(Date::parse(&d.dmy()), Ok(d));
        }
    }
}
