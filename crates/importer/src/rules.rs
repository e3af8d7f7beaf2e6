//! The contract's general rules for one cell: dates in two forms, booleans in three,
//! money with Vietnamese thousands dots, text in NFC, codes kept as text.

use crate::source::Cell;
use domain::text::clean;
use domain::ids::{CitizenId, CitizenIdError, Phone, Vnd, VndError};
use domain::Date;

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

#[derive(Clone, Copy, Debug)]
pub struct Col {
    pub name: &'static str,
    pub ty: Ty,
    /// The value may not be empty.
    pub required: bool,
}

pub const fn col(name: &'static str, ty: Ty) -> Col {
    Col {
        name,
        ty,
        required: false,
    }
}

pub const fn req(name: &'static str, ty: Ty) -> Col {
    Col {
        name,
        ty,
        required: true,
    }
}

/// A parsed cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Empty,
    Text(String),
    Date(Date),
    Bool(bool),
    Int(i64),
    Real(f64),
}

/// Why a cell was refused, in both languages.
pub type Refusal = (String, String);

fn refuse(vi: impl Into<String>, en: impl Into<String>) -> Refusal {
    (vi.into(), en.into())
}

pub fn parse(cell: &Cell, ty: Ty) -> Result<Val, Refusal> {
    let raw = clean(&cell.text);
    if raw.is_empty() {
        return Ok(Val::Empty);
    }
    match ty {
        Ty::Text => Ok(Val::Text(raw)),
        Ty::Code => parse_code(cell, raw),
        Ty::Date => match Date::parse(&raw) {
            Ok(d) => Ok(Val::Date(d)),
            Err(domain::date::DateError::Impossible) => Err(refuse(
                format!("ngày không có thật: {raw}"),
                format!("no such day: {raw}"),
            )),
            Err(_) => Err(refuse(
                "ngày phải có dạng YYYY-MM-DD hoặc DD/MM/YYYY",
                "a date must be YYYY-MM-DD or DD/MM/YYYY",
            )),
        },
        Ty::Bool => match raw.to_lowercase().as_str() {
            "1" | "true" | "có" => Ok(Val::Bool(true)),
            "0" | "false" | "không" => Ok(Val::Bool(false)),
            _ => Err(refuse(
                "giá trị có/không phải là 1/0, true/false hoặc có/không",
                "a yes/no value must be 1/0, true/false or có/không",
            )),
        },
        Ty::Money => parse_money(&raw).map(Val::Int),
        Ty::Count => match raw.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(Val::Int(n)),
            Ok(_) => Err(refuse("không được là số âm", "must not be negative")),
            Err(_) => Err(refuse("phải là số nguyên", "must be a whole number")),
        },
        Ty::Share => match raw.replace(',', ".").parse::<f64>() {
            Ok(f) if f > 0.0 && f <= 1.0 => Ok(Val::Real(f)),
            _ => Err(refuse(
                "tỷ lệ phải lớn hơn 0 và không quá 1",
                "a share must be greater than 0 and at most 1",
            )),
        },
        Ty::CitizenId => parse_citizen_id(cell, &raw),
        Ty::Phone => Phone::parse(&raw).map(|p| Val::Text(p.into_string())).ok_or_else(|| {
            refuse(
                "số điện thoại không hợp lệ: phải là số di động Việt Nam 10 chữ số bắt đầu 03, 05, 07, 08, 09 (hoặc +84…)",
                "not a Vietnamese mobile number (10 digits starting 03/05/07/08/09, or +84…)",
            )
        }),
        Ty::Year => match raw.parse::<i64>() {
            Ok(y) if (1900..=2100).contains(&y) => Ok(Val::Int(y)),
            _ => Err(refuse("năm phải là số có 4 chữ số (1900–2100)", "a year must be four digits (1900–2100)")),
        },
        Ty::Enum(allowed) => {
            if allowed.iter().any(|(code, _)| *code == raw) {
                Ok(Val::Text(raw))
            } else {
                let codes: Vec<&str> = allowed.iter().map(|e| e.0).collect();
                let explained: Vec<String> = allowed
                    .iter()
                    .map(|(code, label)| format!("{code} ({label})"))
                    .collect();
                Err(refuse(
                    format!("giá trị không hợp lệ; chỉ nhận: {}", explained.join(", ")),
                    format!("invalid value; allowed: {}", codes.join(", ")),
                ))
            }
        }
    }
}

fn parse_code(cell: &Cell, raw: String) -> Result<Val, Refusal> {
    if cell.from_number {
        return Err(refuse(
            "mã bị Excel lưu thành số (có thể đã mất số 0 ở đầu); hãy định dạng cột là Văn bản (Text)",
            "Excel stored the code as a number (a leading zero may be lost); format the column as Text",
        ));
    }
    if looks_scientific(&raw) {
        return Err(refuse(
            "mã bị Excel đổi thành số dạng khoa học (như 4.9E+4); hãy nhập lại dạng văn bản",
            "Excel turned the code into scientific notation (like 4.9E+4); enter it as text",
        ));
    }
    if raw.chars().any(char::is_whitespace) || raw.contains(',') || raw.contains(';') {
        return Err(refuse(
            "mã không được chứa khoảng trắng, dấu phẩy hay chấm phẩy",
            "a code may not contain spaces, commas or semicolons",
        ));
    }
    Ok(Val::Text(raw))
}

fn parse_citizen_id(cell: &Cell, raw: &str) -> Result<Val, Refusal> {
    if cell.from_number || looks_scientific(raw) {
        return Err(refuse(
            "số CCCD bị Excel lưu thành số (có thể mất số 0 ở đầu); hãy định dạng cột là Văn bản",
            "Excel stored the citizen ID as a number (a leading zero may be lost); format the column as Text",
        ));
    }
    match CitizenId::parse(raw) {
        Ok(id) => Ok(Val::Text(id.as_str().to_owned())),
        Err(CitizenIdError::ElevenDigits) => Err(refuse(
            "số CCCD có 11 chữ số: có thể Excel đã bỏ số 0 ở đầu (CCCD phải đủ 12 chữ số)",
            "citizen ID has 11 digits: Excel may have dropped a leading zero (12 digits required)",
        )),
        Err(CitizenIdError::NotTwelveDigits) => Err(refuse(
            "số CCCD phải gồm đúng 12 chữ số",
            "a citizen ID must be exactly 12 digits",
        )),
    }
}

/// `4.9E+4`, `1.2e5`, `49000.0`: what Excel makes of a numeric code.
fn looks_scientific(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(e) = s.find(['e', 'E']) else {
        return s.contains('.')
            && s.split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
            && s.ends_with(".0");
    };
    let (mantissa, exp) = (&s[..e], &s[e + 1..]);
    let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    !mantissa.is_empty()
        && mantissa.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        && !exp.is_empty()
        && exp.bytes().all(|c| c.is_ascii_digit())
        && b[0].is_ascii_digit()
}

/// Whole đồng: `4500000` or `4.500.000`.
pub fn parse_money(s: &str) -> Result<i64, Refusal> {
    match Vnd::parse(s) {
        Ok(v) => Ok(v.0),
        Err(VndError::Negative) => Err(refuse(
            "số tiền không được âm",
            "an amount must not be negative",
        )),
        Err(VndError::Malformed) => Err(refuse(
            "số tiền phải là số đồng nguyên, như 4500000 hoặc 4.500.000",
            "an amount must be whole đồng, like 4500000 or 4.500.000",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str, ty: Ty) -> Result<Val, Refusal> {
        parse(&Cell::text(s), ty)
    }

    #[test]
    fn general_rules() {
        assert_eq!(
            p("31/12/2023", Ty::Date),
            Ok(Val::Date(Date::parse("2023-12-31").unwrap()))
        );
        assert!(p("31/02/2024", Ty::Date)
            .unwrap_err()
            .0
            .contains("không có thật"));
        assert_eq!(p("Có", Ty::Bool), Ok(Val::Bool(true)));
        assert_eq!(p("không", Ty::Bool), Ok(Val::Bool(false)));
        assert!(p("yes", Ty::Bool).is_err());
        assert_eq!(p("4.500.000", Ty::Money), Ok(Val::Int(4_500_000)));
        assert_eq!(p("4500000", Ty::Money), Ok(Val::Int(4_500_000)));
        assert!(p("4.50.000", Ty::Money).is_err());
        assert!(p("4500,5", Ty::Money).is_err());
        assert!(p("-5", Ty::Money).is_err());
        assert_eq!(p("00123", Ty::Code), Ok(Val::Text("00123".into())));
        assert!(p("4.9E+4", Ty::Code).is_err());
        assert!(p("49000.0", Ty::Code).is_err());
        assert_eq!(p("", Ty::Code), Ok(Val::Empty));
        let numeric = Cell {
            text: "1".into(),
            from_number: true,
            from_date: false,
        };
        assert!(parse(&numeric, Ty::Code).is_err());
        assert_eq!(p("0,5", Ty::Share), Ok(Val::Real(0.5)));
        assert!(p("1.5", Ty::Share).is_err());
        assert_eq!(
            p("001234567890", Ty::CitizenId),
            Ok(Val::Text("001234567890".into()))
        );
        assert!(p("01234567890", Ty::CitizenId)
            .unwrap_err()
            .0
            .contains("số 0"));
        assert!(p("1.2E+11", Ty::CitizenId).is_err());
        assert_eq!(
            p("+84 912 345 678", Ty::Phone),
            Ok(Val::Text("0912345678".into()))
        );
        assert_eq!(
            p("(091) 234-5678", Ty::Phone),
            Ok(Val::Text("0912345678".into()))
        );
        assert_eq!(
            p("84912345678", Ty::Phone),
            Ok(Val::Text("0912345678".into()))
        );
        assert!(p("0212345678", Ty::Phone).is_err());
        assert!(p("gọi chị Hoa", Ty::Phone).is_err());
    }
}
