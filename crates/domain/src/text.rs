//! Vietnamese text: one stored form (NFC), a folded form for searching without
//! diacritics, and a key that ignores where a tone mark sits ("Hoà" = "Hòa").

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The stored form of any text: NFC, trimmed, inner runs of white space folded to one
/// space. Input arrives in NFC or NFD (macOS, some phones); storing one form makes
/// equality and uniqueness mean what a person expects.
pub fn clean(s: &str) -> String {
    // Codes, dates and numbers are ASCII: already in NFC, and most cells of a big file.
    if s.is_ascii() {
        return collapse_spaces(s);
    }
    let nfc: String = s.nfc().collect();
    collapse_spaces(&nfc)
}

pub fn collapse_spaces(s: &str) -> String {
    let single_spaced = !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ")
        && !s.contains(|c: char| c.is_whitespace() && c != ' ');
    if single_spaced {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The search form: lower case, no diacritics at all, đ folded to d. "Nguyễn Thị Hoa",
/// "nguyen thi hoa" and its NFD spelling all fold to "nguyen thi hoa".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    collapse_spaces(&out)
}

const TONE_MARKS: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

/// A key for comparing Vietnamese names whose tone marks may sit on different vowels
/// ("Hoà Bình" and "Hòa Bình", "Thuỷ" and "Thủy"): each word becomes its letters with
/// vowel-quality marks kept (â, ơ, ư, ă) and its tone moved to the end. Case, spacing
/// and leading zeros of numbers ("Phường 04" = "Phường 4") are ignored too. Unlike
/// [`fold`], "Tân" and "Tấn" stay different.
pub fn name_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.bytes().all(|b| b.is_ascii_digit()) {
            let trimmed = word.trim_start_matches('0');
            out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
            continue;
        }
        let mut tone = None;
        let mut letters = String::with_capacity(word.len());
        for c in word.nfd() {
            if c == '’' || c == '‘' || c == '`' {
                letters.push('\''); // "Đắk R’La" = "Đắk R'La"
            } else if TONE_MARKS.contains(&c) {
                tone = Some(c);
            } else {
                letters.extend(c.to_lowercase());
            }
        }
        out.extend(letters.nfc());
        if let Some(t) = tone {
            out.push(match t {
                '\u{300}' => '`',
                '\u{301}' => '\'',
                '\u{303}' => '~',
                '\u{309}' => '?',
                _ => '.',
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_for_search() {
        assert_eq!(fold("Nguyễn Thị  Hoa"), "nguyen thi hoa");
        assert_eq!(fold("Đặng Đình Đức"), "dang dinh duc");
        let nfd: String = "Nguyễn Thị Hoa".nfd().collect();
        assert_eq!(fold(&nfd), "nguyen thi hoa");
    }

    #[test]
    fn name_key_ignores_tone_placement_only() {
        assert_eq!(name_key("Hoà Bình"), name_key("Hòa Bình"));
        assert_eq!(name_key("Sơn Thuỷ"), name_key("Sơn Thủy"));
        assert_eq!(name_key("Phường 04"), name_key("phường 4"));
        assert_ne!(name_key("Tân An"), name_key("Tấn An"));
        assert_ne!(name_key("Hòa"), name_key("Hóa"));
    }

    #[test]
    fn clean_makes_nfc() {
        let nfd: String = "Quảng Nam".nfd().collect();
        assert_eq!(clean(&format!("  {nfd} ")), "Quảng Nam");
    }

    proptest! {
        #[test]
        fn fold_is_idempotent_and_ascii_for_vietnamese(s in "[a-zA-ZàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĐ ]{0,30}") {
            let f = fold(&s);
            prop_assert_eq!(fold(&f), f.clone());
            prop_assert!(f.is_ascii());
        }

        #[test]
        fn nfd_and_nfc_agree(s in "[a-zàáảãạăằắẳẵặâầấẩẫậđòóỏõọôồốổỗộơờớởỡợ ]{0,30}") {
            let nfd: String = s.nfd().collect();
            prop_assert_eq!(fold(&nfd), fold(&s));
            prop_assert_eq!(name_key(&nfd), name_key(&s));
            prop_assert_eq!(clean(&nfd), clean(&s));
        }
    }
}
