//! Reading the 2025 reform notes: which old units a new commune was made of.
//!
//! The notes are free Vietnamese text written by many hands ("Đổi tên từ xã A thành xã
//! B, hợp nhất các xã A, C và một phần xã D (huyện E). Bỏ cấp huyện. …"). The parser
//! finds the clause that lists the old units and splits it into items: an old unit's
//! name with its kind (xã, phường, thị trấn, huyện), whether only a part was taken, and
//! a district named to tell apart two units of one name.

use domain::text::fold;

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// As written, for the list of unmatched names.
    pub written: String,
    pub name: String,
    /// `xa`, `phuong`, `thi-tran`, `huyen`, `thi-xa`, or empty when not said.
    pub kind: String,
    pub partial: bool,
    pub district: Option<String>,
    /// "toàn bộ … xã, thị trấn thuộc huyện X": every commune of district X.
    pub whole_district: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    /// "Giữ nguyên": the commune of the same name, unchanged.
    Unchanged,
    Items(Vec<Item>),
    /// Nothing we could read.
    Unreadable,
}

/// Words that open the list of old units, folded (typos seen in the data included).
const LIST_OPENERS: &[&str] = &[
    "hop nhat",
    "hop nha ",
    "hơp nhat",
    "hop thanh",
    "tren co so nhap",
    "tren co so",
    " nhap ",
    "sap xep toan bo dien tich tu nhien, quy mo dan so cua",
    "sap xep toan bo dien tich tu nhien va quy mo dan cua",
    "sap xeptoan bo dien tich tu nhien, quy mo dan so cua",
    ", nhat ",
];

pub fn parse(note: &str) -> Parsed {
    let body = cut_at(note, &["bo cap huyen", "so:"]);
    let f = fold(&body);
    if f.starts_with("giu nguyen") {
        return Parsed::Unchanged;
    }
    // "nhập toàn bộ 12 xã, thị trấn thuộc huyện đảo Vân Đồn": a whole district.
    if f.contains("toan bo") {
        if let Some(p) = find_char(&folded(&body), "thuoc huyen ") {
            let rest: String = body.chars().skip(p + "thuoc huyen ".len()).collect();
            let rest = rest.strip_prefix("đảo ").unwrap_or(&rest);
            let name = cut_at(rest, &[",", "."]);
            return Parsed::Items(vec![Item {
                written: format!("huyện {name}"),
                name,
                kind: "huyen".into(),
                partial: false,
                district: None,
                whole_district: true,
            }]);
        }
    }
    let chars: Vec<char> = body.chars().collect();
    let fchars: Vec<char> = fold_per_char(&body);
    let folded: String = fchars.iter().collect();
    // The list after an opener; else "từ X thành Y"; else "phần còn lại của X thành Y".
    let mut list: Option<String> = None;
    for op in LIST_OPENERS {
        if let Some(p) = find_char(&folded, op) {
            let start = p + op.chars().count();
            list = Some(chars[start..].iter().collect());
            break;
        }
    }
    if list.is_none() {
        for op in ["từ ", "phần còn lại của ", "Phần còn lại của "] {
            if let Some(p) = find_char(&body, op) {
                let start = p + op.chars().count();
                let rest: String = chars[start..].iter().collect();
                let item = cut_exact(&rest, &[" thành "]);
                list = Some(if op.to_lowercase().starts_with("phần") {
                    format!("một phần {item}")
                } else {
                    item
                });
                break;
            }
        }
    }
    let Some(list) = list else {
        return Parsed::Unreadable;
    };
    // "Hợp nhất A, B và C thành xã D": the list ends where the new name starts. Matched
    // with its diacritics and in lower case: names hold "Thành" too.
    let list = cut_exact(&list, &[" thành "]);
    let items = split_items(&list);
    if items.is_empty() {
        Parsed::Unreadable
    } else {
        Parsed::Items(items)
    }
}

/// Folds char by char, keeping the char count: positions found in the folded text are
/// positions in the original. ([`fold`] trims and collapses spaces, which shifts them.)
fn folded(s: &str) -> String {
    fold_per_char(s).into_iter().collect()
}

fn fold_per_char(s: &str) -> Vec<char> {
    s.chars()
        .map(|c| fold(&c.to_string()).chars().next().unwrap_or(' '))
        .collect()
}

/// The text before the first of `stops`, compared exactly (case and diacritics): the
/// connecting words "thành", "và", "từ" are written in lower case, while names that
/// hold the same syllables are capitalised ("Tân Thành thành xã …").
fn cut_exact(s: &str, stops: &[&str]) -> String {
    let end = stops
        .iter()
        .filter_map(|st| find_char(s, st))
        .min()
        .unwrap_or(s.chars().count());
    s.chars()
        .take(end)
        .collect::<String>()
        .trim()
        .trim_end_matches(['.', ','])
        .trim()
        .to_owned()
}

/// Char index of `needle` (folded) in `hay` (folded).
fn find_char(hay: &str, needle: &str) -> Option<usize> {
    hay.find(needle).map(|b| hay[..b].chars().count())
}

/// The text before the first of `stops` (compared folded, case-insensitive).
fn cut_at(s: &str, stops: &[&str]) -> String {
    let chars: Vec<char> = s.chars().collect();
    let f = folded(s);
    let mut end = chars.len();
    for stop in stops {
        if let Some(p) = find_char(&f, stop) {
            end = end.min(p);
        }
    }
    chars[..end]
        .iter()
        .collect::<String>()
        .trim()
        .trim_end_matches(['.', ','])
        .trim()
        .to_owned()
}

const KINDS: &[(&str, &str)] = &[
    ("thi tran", "thi-tran"),
    ("thi xa", "thi-xa"),
    ("xa", "xa"),
    ("phuong", "phuong"),
    ("huyen dao", "huyen"),
    ("huyen", "huyen"),
    ("dac khu", "dac-khu"),
    ("quan", "quan"),
    ("thanh pho", "thanh-pho"),
];

fn split_items(list: &str) -> Vec<Item> {
    let mut out = Vec::new();
    let mut carried_kind = String::new();
    let normalized = list.replace(';', ",");
    let pieces = normalized
        .split(',')
        .flat_map(split_and)
        .collect::<Vec<_>>();
    for piece in pieces {
        let mut text = piece.trim().trim_end_matches('.').trim().to_owned();
        if text.is_empty() {
            continue;
        }
        let written = text.clone();
        let mut partial = false;
        let mut whole_district = false;
        // Leading qualifiers.
        loop {
            let f = folded(&text);
            let strip = |prefix: &str| -> Option<String> {
                f.starts_with(prefix).then(|| {
                    text.chars()
                        .skip(prefix.chars().count())
                        .collect::<String>()
                        .trim()
                        .to_owned()
                })
            };
            if let Some(rest) = strip("mot phan cua ")
                .or_else(|| strip("mot phan "))
                .or_else(|| strip("1 phan "))
                .or_else(|| strip("phan con lai cua "))
            {
                partial = true;
                text = rest;
            } else if let Some(rest) = strip("toan bo ") {
                whole_district = true;
                text = rest;
            } else if let Some(rest) =
                strip("cac ").or_else(|| text.strip_prefix("của ").map(str::to_owned))
            {
                text = rest;
            } else {
                break;
            }
        }
        // "… của xã X" inside a long partial phrase: keep what follows "của" (written in
        // lower case, unlike the "Cửa" of "Cửa Đại").
        if let Some(p) = find_char(&text, " của ") {
            text = text
                .chars()
                .skip(p + 5)
                .collect::<String>()
                .trim()
                .to_owned();
        }
        // A province named after a district ("…, tỉnh Hòa Bình") is no unit of its own.
        if folded(&text).starts_with("tinh ") {
            continue;
        }
        // A district that tells same-named units apart: "(huyện X)" or "thuộc huyện X";
        // "(trước khi thực hiện sắp xếp)" only dates the name.
        let mut district = None;
        if let Some(open) = text.find('(') {
            let inner = text[open + 1..].trim_end_matches(')').to_owned();
            if !folded(&inner).starts_with("truoc") {
                district = Some(strip_kind(&inner).1);
            }
            text = text[..open].trim().to_owned();
        }
        if let Some(stripped) = text.strip_suffix(" thuộc") {
            text = stripped.to_owned();
        }
        if let Some(p) = find_char(&folded(&text), " thuoc ") {
            let rest: String = text.chars().skip(p + 7).collect();
            let rest = cut_at(&rest, &[", tinh", " tinh "]);
            district = Some(strip_kind(&rest).1);
            text = text.chars().take(p).collect::<String>().trim().to_owned();
        }
        let (kind, name) = strip_kind(&text);
        if !kind.is_empty() {
            carried_kind = kind.clone();
        }
        let name = name
            .trim_end_matches(" mới")
            .trim_end_matches(" hiện nay")
            .trim()
            .to_owned();
        if name.is_empty() || name.chars().any(|c| c.is_ascii_digit()) && name.contains("km") {
            continue;
        }
        if whole_district && district.is_none() && kind != "huyen" {
            // "toàn bộ 12 xã, thị trấn thuộc huyện X" split oddly: keep the marker only
            // when a district was named.
            whole_district = false;
        }
        out.push(Item {
            written,
            name,
            kind: if kind.is_empty() {
                carried_kind.clone()
            } else {
                kind
            },
            partial,
            district,
            whole_district,
        });
    }
    out
}

/// Splits on " và " (and) outside of names.
fn split_and(piece: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = piece.to_owned();
    while let Some(p) = find_char(&rest, " và ") {
        out.push(rest.chars().take(p).collect());
        rest = rest.chars().skip(p + 4).collect();
    }
    out.push(rest);
    out
}

/// Takes a leading unit kind off a name: ("xa", "Hòa Liên") from "xã Hòa Liên".
pub fn strip_kind(text: &str) -> (String, String) {
    let f = fold(text);
    for (word, kind) in KINDS {
        if f.starts_with(word) && f[word.len()..].starts_with(' ') {
            let name: String = text.chars().skip(word.chars().count()).collect();
            return ((*kind).to_owned(), name.trim().to_owned());
        }
    }
    (String::new(), text.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: &Parsed) -> Vec<(String, String, bool)> {
        match p {
            Parsed::Items(items) => items
                .iter()
                .map(|i| (i.kind.clone(), i.name.clone(), i.partial))
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn merges_renames_and_parts() {
        let p = parse("Đổi tên từ phường Hòa Hiệp Bắc thành phường Hải Vân, hợp nhất phường Hòa Hiệp Bắc, phường Hòa Hiệp Nam, xã Hòa Bắc và một phần xã Hòa Liên. Bỏ cấp huyện. Số: 1659/NQ-UBTVQH15; Ngày: 16/06/2025");
        assert_eq!(
            names(&p),
            [
                ("phuong".into(), "Hòa Hiệp Bắc".into(), false),
                ("phuong".into(), "Hòa Hiệp Nam".into(), false),
                ("xa".into(), "Hòa Bắc".into(), false),
                ("xa".into(), "Hòa Liên".into(), true)
            ]
        );
        let p = parse("Hợp nhất các phường Xuân Hà, Chính Gián và Thanh Khê Đông. Bỏ cấp huyện.");
        assert_eq!(names(&p).len(), 3);
        assert_eq!(
            names(&p)[2],
            ("phuong".into(), "Thanh Khê Đông".into(), false)
        );
        let p = parse("Hợp nhất xã Ba Tiêu, xã Ba Ngạc và xã Ba Vì thành xã Ba Vì. Bỏ cấp huyện.");
        assert_eq!(names(&p).len(), 3);
        let p = parse("Đổi tên từ xã Vô Tranh thành xã Trường Sơn. Bỏ cấp huyện.");
        assert_eq!(names(&p), [("xa".into(), "Vô Tranh".into(), false)]);
        assert_eq!(
            parse("Giữ nguyên, không sắp xếp. Bỏ cấp huyện."),
            Parsed::Unchanged
        );
        let p = parse("Đổi tên từ xã Vân Từ thành xã Chuyên Mỹ, hợp nhất xã Tân Dân (huyện Phú Xuyên), xã Châu Can. Bỏ cấp huyện.");
        match p {
            Parsed::Items(items) => assert_eq!(items[0].district.as_deref(), Some("Phú Xuyên")),
            other => panic!("{other:?}"),
        }
        let p = parse("Hợp nhất phường Cẩm Châu, phường Cửa Đại và xã Cẩm Thanh. Bỏ cấp huyện.");
        assert_eq!(names(&p)[1], ("phuong".into(), "Cửa Đại".into(), false));
        let p = parse("Phần còn lại của xã Canh Liên thành xã Canh Liên. Bỏ cấp huyện.");
        assert_eq!(names(&p), [("xa".into(), "Canh Liên".into(), true)]);
        let p = parse("Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của huyện Hoàng Sa thành đặc khu Hoàng Sa. Bỏ cấp huyện.");
        assert_eq!(names(&p), [("huyen".into(), "Hoàng Sa".into(), false)]);
    }
}
