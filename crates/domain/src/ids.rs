//! Values with a shape the contract fixes: a citizen ID, a mobile phone number, an amount
//! of đồng. Each is parsed once, here; code that holds one knows it is well formed.

use std::fmt;

/// Căn cước công dân: exactly 12 digits, kept as text (a leading zero matters).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CitizenId(String);

/// Why a text is not a citizen ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CitizenIdError {
    /// 11 digits: most often Excel dropped the leading zero.
    ElevenDigits,
    NotTwelveDigits,
}

/// An identifier shown to someone who may not see it whole: all but its last four
/// characters hidden (`••••••••0123`).
pub fn masked(s: &str) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| if i + 4 < n { '•' } else { c })
        .collect()
}

impl CitizenId {
    pub fn parse(s: &str) -> Result<CitizenId, CitizenIdError> {
        let digits = s.bytes().all(|b| b.is_ascii_digit());
        match (digits, s.len()) {
            (true, 12) => Ok(CitizenId(s.to_owned())),
            (true, 11) => Err(CitizenIdError::ElevenDigits),
            _ => Err(CitizenIdError::NotTwelveDigits),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Vietnamese mobile number, always held as `0XXXXXXXXX` (data contract, "Phones").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Removes spaces, dots, dashes and brackets, rewrites +84/84 to 0, and accepts only a
    /// mobile number `0[35789]` + 8 digits.
    pub fn parse(raw: &str) -> Option<Phone> {
        let mut s: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
            .collect();
        if let Some(rest) = s.strip_prefix("+84") {
            s = format!("0{rest}");
        } else if s.starts_with("84") && s.len() == 11 {
            s = format!("0{}", &s[2..]);
        }
        let b = s.as_bytes();
        let ok = b.len() == 10
            && b[0] == b'0'
            && matches!(b[1], b'3' | b'5' | b'7' | b'8' | b'9')
            && b.iter().all(u8::is_ascii_digit);
        ok.then_some(Phone(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Whole đồng, never negative (the đồng has no minor unit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Vnd(pub i64);

/// Why a text is not an amount of đồng.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VndError {
    Negative,
    Malformed,
}

impl Vnd {
    /// `4500000` or `4.500.000` (Vietnamese thousands dots); no decimals, no sign.
    pub fn parse(s: &str) -> Result<Vnd, VndError> {
        if s.starts_with('-') {
            return Err(VndError::Negative);
        }
        let digits = if s.contains('.') {
            let groups: Vec<&str> = s.split('.').collect();
            let ok = !groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3)
                && groups.iter().all(|g| g.bytes().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(VndError::Malformed);
            }
            groups.concat()
        } else {
            s.to_owned()
        };
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return Err(VndError::Malformed);
        }
        digits.parse().map(Vnd).map_err(|_| VndError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citizen_ids() {
        let cases: &[(&str, Result<&str, CitizenIdError>)] = &[
            ("001234567890", Ok("001234567890")),
            ("01234567890", Err(CitizenIdError::ElevenDigits)),
            ("0012345678901", Err(CitizenIdError::NotTwelveDigits)),
            ("00123456789a", Err(CitizenIdError::NotTwelveDigits)),
            ("", Err(CitizenIdError::NotTwelveDigits)),
        ];
        for (input, expected) in cases {
            let got = CitizenId::parse(input);
            assert_eq!(
                got.as_ref().map(CitizenId::as_str).map_err(|e| *e),
                *expected,
                "{input}"
            );
        }
    }

    #[test]
    fn phones() {
        let cases: &[(&str, Option<&str>)] = &[
            ("+84 912 345 678", Some("0912345678")),
            ("(091) 234-5678", Some("0912345678")),
            ("84912345678", Some("0912345678")),
            ("0912.345.678", Some("0912345678")),
            ("0212345678", None),
            ("091234567", None),
            ("gọi chị Hoa", None),
        ];
        for (input, expected) in cases {
            assert_eq!(
                Phone::parse(input).as_ref().map(Phone::as_str),
                *expected,
                "{input}"
            );
        }
    }

    #[test]
    fn amounts() {
        let cases: &[(&str, Result<i64, VndError>)] = &[
            ("4500000", Ok(4_500_000)),
            ("4.500.000", Ok(4_500_000)),
            ("0", Ok(0)),
            ("4.50.000", Err(VndError::Malformed)),
            ("4500,5", Err(VndError::Malformed)),
            ("1.000.", Err(VndError::Malformed)),
            ("-5", Err(VndError::Negative)),
            ("", Err(VndError::Malformed)),
            ("99999999999999999999", Err(VndError::Malformed)),
        ];
        for (input, expected) in cases {
            assert_eq!(Vnd::parse(input).map(|v| v.0), *expected, "{input}");
        }
    }
}
