//! The contract's general rules for one cell: dates in two forms, booleans in three,
//! money with Vietnamese thousands dots, text in NFC, codes kept as text.

use crate::source::Cell;
use domain::ids::{CitizenId, CitizenIdError, Phone, Vnd, VndError};
use domain::text::clean;
use domain::Date;

pub use domain::contract::{col, req, Col, Ty};

/// A parsed cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Empty,
    /// Text, a code or a vocabulary's code.
    Text(String),
    Date(Date),
    Bool(bool),
    Int(i64),
    Real(f64),
    /// Parsed once at the boundary: a cell of these types holds nothing else.
    CitizenId(CitizenId),
    Phone(Phone),
    Money(Vnd),
}

pub use crate::refusal::Refusal;

pub fn parse(cell: &Cell, ty: Ty) -> Result<Val, Refusal> {
    // Tabs and line breaks are spaces to be collapsed; any other control character
    // (NUL, escape, …) is refused, never stored.
    if cell
        .text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(Refusal::ControlCharacter);
    }
    let raw = clean(&cell.text);
    if raw.is_empty() {
        return Ok(Val::Empty);
    }
    if raw.chars().count() > ty.max_chars() {
        return Err(Refusal::TextTooLong {
            max: ty.max_chars(),
        });
    }
    match ty {
        Ty::Text => Ok(Val::Text(raw)),
        Ty::Code => parse_code(cell, raw),
        Ty::Date => match Date::parse(&raw) {
            Ok(d) => Ok(Val::Date(d)),
            Err(domain::date::DateError::Impossible) => Err(Refusal::NoSuchDay { raw }),
            Err(_) => Err(Refusal::DateFormat),
        },
        Ty::Bool => match raw.to_lowercase().as_str() {
            "1" | "true" | "có" => Ok(Val::Bool(true)),
            "0" | "false" | "không" => Ok(Val::Bool(false)),
            _ => Err(Refusal::BoolFormat),
        },
        Ty::Money => parse_money(&raw).map(|v| Val::Money(Vnd(v))),
        Ty::Count => match raw.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(Val::Int(n)),
            Ok(_) => Err(Refusal::CountNegative),
            Err(_) => Err(Refusal::CountNotWhole),
        },
        Ty::Share => match raw.replace(',', ".").parse::<f64>() {
            Ok(f) if f > 0.0 && f <= 1.0 => Ok(Val::Real(f)),
            _ => Err(Refusal::ShareOutOfRange),
        },
        Ty::CitizenId => parse_citizen_id(cell, &raw),
        Ty::Phone => Phone::parse(&raw)
            .map(Val::Phone)
            .ok_or(Refusal::PhoneFormat),
        Ty::Year => match raw.parse::<i64>() {
            Ok(y) if (1900..=2100).contains(&y) => Ok(Val::Int(y)),
            _ => Err(Refusal::YearOutOfRange),
        },
        Ty::Enum(allowed) => vocabulary_code(allowed, &raw)
            .map(|code| Val::Text(code.to_owned()))
            .ok_or(Refusal::NotInVocabulary { allowed }),
    }
}

/// The code a cell names in a vocabulary: its code, or its Vietnamese name as officers
/// write it ("Nữ", "nông thôn", "Phương tiện sinh kế"; any case), or that name without
/// its tone marks, and with a hyphen written as a space or the other way round ("Ê Đê"
/// for "Ê-đê"), when only one entry reads so ("Nong thon").
fn vocabulary_code(
    allowed: &'static [(&'static str, &'static str)],
    raw: &str,
) -> Option<&'static str> {
    if let Some((code, _)) = allowed.iter().find(|(code, _)| *code == raw) {
        return Some(code);
    }
    let lower = raw.to_lowercase();
    if let Some((code, _)) = allowed
        .iter()
        .find(|(_, label)| label.to_lowercase() == lower)
    {
        return Some(code);
    }
    let letters = |s: &str| domain::text::fold(&s.replace('-', " "));
    let folded = letters(raw);
    let mut by_letters = allowed.iter().filter(|(_, label)| letters(label) == folded);
    match (by_letters.next(), by_letters.next()) {
        (Some((code, _)), None) => Some(code),
        _ => None,
    }
}

fn parse_code(cell: &Cell, raw: String) -> Result<Val, Refusal> {
    if cell.from_number {
        return Err(Refusal::CodeStoredAsNumber);
    }
    if looks_scientific(&raw) {
        return Err(Refusal::CodeScientific);
    }
    if raw.chars().any(char::is_whitespace) || raw.contains(',') || raw.contains(';') {
        return Err(Refusal::CodeSeparators);
    }
    Ok(Val::Text(raw))
}

fn parse_citizen_id(cell: &Cell, raw: &str) -> Result<Val, Refusal> {
    if cell.from_number || looks_scientific(raw) {
        return Err(Refusal::CitizenIdStoredAsNumber);
    }
    match CitizenId::parse(raw) {
        Ok(id) => Ok(Val::CitizenId(id)),
        Err(CitizenIdError::ElevenDigits) => Err(Refusal::CitizenIdElevenDigits),
        Err(CitizenIdError::NotTwelveDigits) => Err(Refusal::CitizenIdLength),
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
        Err(VndError::Negative) => Err(Refusal::MoneyNegative),
        Err(VndError::Malformed) => Err(Refusal::MoneyFormat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str, ty: Ty) -> Result<Val, Refusal> {
        parse(&Cell::text(s), ty)
    }

    fn day(s: &str) -> Val {
        Val::Date(Date::parse(s).expect("a day"))
    }

    /// A name is a line, not a megabyte: each type's longest value, and one more.
    #[test]
    fn lengths() {
        let name = "a".repeat(300);
        assert_eq!(p(&name, Ty::Text), Ok(Val::Text(name.clone())));
        assert_eq!(
            p(&format!("{name}b"), Ty::Text),
            Err(Refusal::TextTooLong { max: 300 })
        );
        assert_eq!(
            p(&"H".repeat(65), Ty::Code),
            Err(Refusal::TextTooLong { max: 64 })
        );
    }

    /// Every general rule of a cell, as (input, type, outcome).
    #[test]
    fn general_rules() {
        let text = |s: &str| Ok(Val::Text(s.into()));
        let phone = |s: &str| Ok(Val::Phone(Phone::parse(s).unwrap()));
        let cases: Vec<(&str, Ty, Result<Val, Refusal>)> = vec![
            ("", Ty::Code, Ok(Val::Empty)),
            ("  ", Ty::Text, Ok(Val::Empty)),
            ("Lê\u{0}Thị", Ty::Text, Err(Refusal::ControlCharacter)),
            ("H\u{1b}1", Ty::Code, Err(Refusal::ControlCharacter)),
            ("Lê\tThị", Ty::Text, Ok(Val::Text("Lê Thị".into()))),
            ("31/12/2023", Ty::Date, Ok(day("2023-12-31"))),
            ("2023-12-31", Ty::Date, Ok(day("2023-12-31"))),
            (
                "31/02/2024",
                Ty::Date,
                Err(Refusal::NoSuchDay {
                    raw: "31/02/2024".into(),
                }),
            ),
            ("12.31.2023", Ty::Date, Err(Refusal::DateFormat)),
            ("Có", Ty::Bool, Ok(Val::Bool(true))),
            ("1", Ty::Bool, Ok(Val::Bool(true))),
            ("không", Ty::Bool, Ok(Val::Bool(false))),
            ("false", Ty::Bool, Ok(Val::Bool(false))),
            ("yes", Ty::Bool, Err(Refusal::BoolFormat)),
            ("4.500.000", Ty::Money, Ok(Val::Money(Vnd(4_500_000)))),
            ("4500000", Ty::Money, Ok(Val::Money(Vnd(4_500_000)))),
            ("4.50.000", Ty::Money, Err(Refusal::MoneyFormat)),
            ("4500,5", Ty::Money, Err(Refusal::MoneyFormat)),
            ("-5", Ty::Money, Err(Refusal::MoneyNegative)),
            ("7", Ty::Count, Ok(Val::Int(7))),
            ("-1", Ty::Count, Err(Refusal::CountNegative)),
            ("1.5", Ty::Count, Err(Refusal::CountNotWhole)),
            ("0,5", Ty::Share, Ok(Val::Real(0.5))),
            ("1.5", Ty::Share, Err(Refusal::ShareOutOfRange)),
            ("0", Ty::Share, Err(Refusal::ShareOutOfRange)),
            ("2024", Ty::Year, Ok(Val::Int(2024))),
            ("24", Ty::Year, Err(Refusal::YearOutOfRange)),
            ("00123", Ty::Code, text("00123")),
            ("4.9E+4", Ty::Code, Err(Refusal::CodeScientific)),
            ("49000.0", Ty::Code, Err(Refusal::CodeScientific)),
            ("H 1", Ty::Code, Err(Refusal::CodeSeparators)),
            ("H;1", Ty::Code, Err(Refusal::CodeSeparators)),
            (
                "001234567890",
                Ty::CitizenId,
                Ok(Val::CitizenId(CitizenId::parse("001234567890").unwrap())),
            ),
            (
                "01234567890",
                Ty::CitizenId,
                Err(Refusal::CitizenIdElevenDigits),
            ),
            ("1234", Ty::CitizenId, Err(Refusal::CitizenIdLength)),
            (
                "1.2E+11",
                Ty::CitizenId,
                Err(Refusal::CitizenIdStoredAsNumber),
            ),
            ("+84 912 345 678", Ty::Phone, phone("0912345678")),
            ("(091) 234-5678", Ty::Phone, phone("0912345678")),
            ("84912345678", Ty::Phone, phone("0912345678")),
            ("0212345678", Ty::Phone, Err(Refusal::PhoneFormat)),
            ("gọi chị Hoa", Ty::Phone, Err(Refusal::PhoneFormat)),
            ("F", Ty::Enum(domain::vocab::Gender::ENTRIES), text("F")),
            ("Nữ", Ty::Enum(domain::vocab::Gender::ENTRIES), text("F")),
            ("nam", Ty::Enum(domain::vocab::Gender::ENTRIES), text("M")),
            (
                "Nong thon",
                Ty::Enum(domain::vocab::Area::ENTRIES),
                text("rural"),
            ),
            (
                "phương tiện sinh kế",
                Ty::Enum(domain::vocab::SupportType::ENTRIES),
                text("livelihood"),
            ),
            (
                "Ê Đê",
                Ty::Enum(domain::vocab::Ethnicity::ENTRIES),
                text("12"),
            ),
            (
                "bru van kieu",
                Ty::Enum(domain::vocab::Ethnicity::ENTRIES),
                text("23"),
            ),
            (
                "Nữ giới",
                Ty::Enum(domain::vocab::Gender::ENTRIES),
                Err(Refusal::NotInVocabulary {
                    allowed: domain::vocab::Gender::ENTRIES,
                }),
            ),
        ];
        for (input, ty, expected) in cases {
            assert_eq!(p(input, ty), expected, "{input:?} as {ty:?}");
        }
    }

    #[test]
    fn numbers_excel_stored_are_refused_as_codes() {
        let numeric = Cell {
            text: "1".into(),
            from_number: true,
            from_date: false,
        };
        assert_eq!(parse(&numeric, Ty::Code), Err(Refusal::CodeStoredAsNumber));
        assert_eq!(
            parse(&numeric, Ty::CitizenId),
            Err(Refusal::CitizenIdStoredAsNumber)
        );
    }
}
