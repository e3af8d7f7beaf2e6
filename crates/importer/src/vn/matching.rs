//! Matching the old units a 2025 note names to the 2020 list: by tone-insensitive name
//! within the old provinces, with the kind, a district hint, families ("X" for "X Bắc" +
//! "X Nam"), one-letter misspellings, and code proximity to tell same-named units apart.

use super::notes::Item;
use super::AdminRow;
use super::{Builder, Unmatched};
use domain::text::{fold, name_key};
use std::collections::BTreeMap;
use std::collections::HashMap;

pub(super) const AMBIGUOUS: &str =
    "tên trùng nhiều đơn vị cũ trong tỉnh / several old units of this name in the province";
const NOT_FOUND: &str = "không có đơn vị cũ tên này trong tỉnh cũ (có thể lập năm 2023–2024) / no old unit of this name in the old provinces (perhaps formed in 2023–2024)";

fn kind_fits(item_kind: &str, row: &AdminRow) -> bool {
    match item_kind {
        "" => true,
        "huyen" => row.level == "district",
        k => row.level == "commune" && row.kind == k,
    }
}

pub(super) fn name_matches<'a>(item: &Item, candidates: &[&'a AdminRow]) -> Vec<&'a AdminRow> {
    let key = name_key(&item.name);
    let squeezed = fold(&item.name).replace(' ', "");
    let by_name: Vec<&AdminRow> = candidates
        .iter()
        .copied()
        .filter(|r| r.key == key || r.key_full == key)
        .collect();
    let by_name = if by_name.is_empty() {
        // "NgọcThụy": a lost space.
        candidates
            .iter()
            .copied()
            .filter(|r| r.squeezed == squeezed)
            .collect()
    } else {
        by_name
    };
    let by_name = if by_name.is_empty() {
        // "Bình Định" for the "Bình Định Bắc" and "Bình Định Nam" it was made of before
        // the reform: a family of units that differ only by a direction or a number.
        let family: Vec<&AdminRow> = candidates
            .iter()
            .copied()
            .filter(|r| r.level == "commune")
            .filter(|r| {
                r.key
                    .strip_prefix(key.as_str())
                    .and_then(|rest| rest.strip_prefix(' '))
                    .is_some_and(|rest| {
                        matches!(rest, "nam" | "trung" | "1" | "2" | "3" | "a" | "b")
                            || ["bắc", "đông", "tây", "thượng", "hạ"]
                                .iter()
                                .any(|w| name_key(w) == rest)
                    })
            })
            .collect();
        let same_district = family.windows(2).all(|w| w[0].parent == w[1].parent);
        if family.len() >= 2 && same_district {
            family
        } else {
            by_name
        }
    } else {
        by_name
    };
    let by_name = if by_name.is_empty() && key.chars().count() >= 5 {
        // One letter off ("Zuôih" for "Zuôich", "Tà Bhing" for "Tà Bhinh"), when only
        // one old unit is that close.
        let near: Vec<&AdminRow> = candidates
            .iter()
            .copied()
            .filter(|r| within_one_edit(&r.key, &key))
            .collect();
        if near.len() == 1 {
            near
        } else {
            by_name
        }
    } else {
        by_name
    };
    let by_name = if by_name.is_empty() && key.chars().count() >= 5 {
        // "Sơn Thượn" for "Sơn Thượng": a name cut short by a letter or two, when only
        // one old unit fits.
        let cut: Vec<&AdminRow> = candidates
            .iter()
            .copied()
            .filter(|r| {
                let k = &r.key;
                k.starts_with(key.trim_end_matches(['`', '\'', '~', '?', '.']))
                    && k.chars().count() <= key.chars().count() + 3
            })
            .collect();
        if cut.len() == 1 {
            cut
        } else {
            by_name
        }
    } else {
        by_name
    };
    let fitting: Vec<&AdminRow> = by_name
        .iter()
        .copied()
        .filter(|r| kind_fits(&item.kind, r))
        .collect();
    if fitting.is_empty() {
        // The note may give the unit's new kind rather than its old one; a commune is
        // still preferred over a district of the same name.
        let communes: Vec<&AdminRow> = by_name
            .iter()
            .copied()
            .filter(|r| r.level == "commune")
            .collect();
        if communes.is_empty() {
            by_name
        } else {
            communes
        }
    } else {
        fitting
    }
}

pub(super) fn match_item<'a>(
    item: &Item,
    candidates: &[&'a AdminRow],
    districts: &HashMap<&str, &AdminRow>,
    new_code: &str,
) -> Result<Vec<&'a AdminRow>, &'static str> {
    let mut rows = name_matches(item, candidates);
    if item.kind == "huyen" || item.whole_district {
        // A whole district: its communes, or the district itself when it has none.
        let district_name = item.district.clone().unwrap_or_else(|| item.name.clone());
        let key = name_key(&district_name);
        if let Some(d) = candidates
            .iter()
            .find(|r| r.level == "district" && r.key == key)
        {
            let communes: Vec<&AdminRow> = candidates
                .iter()
                .copied()
                .filter(|r| r.parent == d.code)
                .collect();
            return Ok(if communes.is_empty() {
                vec![*d]
            } else {
                communes
            });
        }
    }
    if rows.len() > 1 {
        if let Some(dn) = &item.district {
            let key = name_key(dn);
            rows.retain(|r| {
                districts
                    .get(r.parent.as_str())
                    .is_some_and(|d| d.key == key || d.key_full == key)
            });
        }
    }
    let family = rows.len() > 1
        && rows
            .iter()
            .all(|r| r.key.starts_with(&format!("{} ", name_key(&item.name))));
    if family {
        return Ok(rows); // "Bình Định" = "Bình Định Bắc" + "Bình Định Nam"
    }
    if rows.len() > 1 {
        if let Some(same_code) = rows.iter().find(|r| r.code == new_code) {
            return Ok(vec![*same_code]);
        }
    }
    match rows.len() {
        0 => Err(NOT_FOUND),
        1 => Ok(rows),
        _ => Err(AMBIGUOUS),
    }
}

/// The median code of the communes matched so far.
pub(super) fn code_anchor(found: &[(Vec<&AdminRow>, &Item)]) -> Option<i64> {
    let mut codes: Vec<i64> = found
        .iter()
        .flat_map(|(rows, _)| rows.iter())
        .filter(|r| r.level == "commune")
        .filter_map(|r| r.code.parse().ok())
        .collect();
    codes.sort_unstable();
    codes.get(codes.len() / 2).copied()
}

pub(super) fn majority_district(found: &[(Vec<&AdminRow>, &Item)]) -> Option<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (rows, _) in found {
        for r in rows {
            if r.level == "commune" {
                *counts.entry(r.parent.as_str()).or_insert(0) += 1;
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|(d, n)| (*n, std::cmp::Reverse(*d)))
        .map(|(d, _)| d.to_owned())
}

/// Levenshtein distance ≤ 1, by chars.
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        short[prefix + 1..] == long[prefix + 1..]
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

/// Old communes no note names. Most were merged into a neighbour in 2023–2024 under a
/// name the 2020 list lacks, so they follow the named commune of their district with the
/// nearest code (codes run in order within a district). These links are marked
/// `neighbour` and listed for a person to confirm; without them the records would fall
/// to the new province as a whole. Returns (inferred, left without a successor).
pub(super) fn infer_neighbours(
    b: &mut Builder,
    old: &[AdminRow],
    new: &[AdminRow],
    new_provinces: &HashMap<&str, &AdminRow>,
    claims: &BTreeMap<String, Vec<String>>,
    unmatched: &mut Vec<Unmatched>,
) -> (usize, usize) {
    let new_codes: std::collections::HashSet<&str> = new
        .iter()
        .filter(|r| r.level == "commune")
        .map(|r| r.code.as_str())
        .collect();
    let old_communes: Vec<&AdminRow> = old.iter().filter(|r| r.level == "commune").collect();
    let mut inferred = 0;
    let mut old_without_successor = 0;
    for r in &old_communes {
        if claims.contains_key(&r.code) || new_codes.contains(r.code.as_str()) {
            continue;
        }
        let Ok(code) = r.code.parse::<i64>() else {
            continue;
        };
        let nearest = old_communes
            .iter()
            .filter(|o| o.parent == r.parent && claims.contains_key(&o.code))
            .min_by_key(|o| o.code.parse::<i64>().map_or(i64::MAX, |c| (c - code).abs()));
        let Some(n) = nearest else {
            old_without_successor += 1;
            continue;
        };
        let mut targets: Vec<&String> = claims[&n.code].iter().collect();
        targets.sort();
        let to = targets[0].clone();
        b.link(&r.code, &to, 1.0, "neighbour");
        inferred += 1;
        let province = new_provinces
            .get(
                new.iter()
                    .find(|x| x.code == to)
                    .map_or("", |x| x.parent.as_str()),
            )
            .map(|p| p.name.clone())
            .unwrap_or_default();
        unmatched.push(Unmatched {
            new_code: to.clone(),
            new_name: new.iter().find(|x| x.code == to).map(|x| x.name_with_type.clone()).unwrap_or_default(),
            province,
            written: format!("{} {}", r.code, r.name_with_type),
            reason: format!(
                "không ghi chú nào nêu tên; suy ra theo xã lân cận {} (cần xác nhận) / named by no note; inferred from neighbour {} (to confirm)",
                n.name_with_type, n.code
            ),
            note: String::new(),
        });
    }
    (inferred, old_without_successor)
}
