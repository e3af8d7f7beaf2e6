//! How figures are written down: in `report_cells.figures` (one text column reads far
//! faster than forty integer columns) and in `household_contributions.cells`.

use super::{Cell, Figures};
use crate::StoreError;
use domain::contributions::{self as contrib, Month};
use std::collections::BTreeMap;

/// Figures as stored: `column=value` pairs, comma-separated, zeros left out, columns in
/// order (so that equal figures are equal text). One text column reads far faster than
/// forty integer columns when a national report takes a row per unit.
pub fn encode_figures(figures: &[i64]) -> String {
    let mut out = String::new();
    for (i, v) in figures.iter().enumerate().filter(|(_, v)| **v != 0) {
        if !out.is_empty() {
            out.push(',');
        }
        push_number(&mut out, i as i64);
        out.push('=');
        push_number(&mut out, *v);
    }
    out
}

/// Writes `n` in decimal, without the string of its own that `to_string` makes: every
/// cell an import changes is written down, and those strings were a tenth of it.
fn push_number(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut rest = n.unsigned_abs();
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|d| char::from(*d)));
}

/// Adds the figures in `text` to `into`. Parsed byte by byte: a national report adds up
/// tens of thousands of these, and splitting and `str::parse` took a fifth of its time.
pub fn add_figures(text: &str, into: &mut [i64]) -> Result<(), StoreError> {
    let bad = || StoreError::Corrupt(format!("figures: {text}"));
    let b = text.as_bytes();
    // The digits from `*i` on, as a number (None when there are none or too many).
    let number = |i: &mut usize| -> Option<i64> {
        let start = *i;
        let mut n: i64 = 0;
        while let Some(d) = b.get(*i).filter(|d| d.is_ascii_digit()) {
            n = n.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
            *i += 1;
        }
        (*i > start).then_some(n)
    };
    let mut i = 0;
    while i < b.len() {
        if b[i] == b',' {
            i += 1;
            continue;
        }
        let column = number(&mut i).ok_or_else(bad)?;
        if b.get(i) != Some(&b'=') {
            return Err(bad());
        }
        i += 1;
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let v = number(&mut i).ok_or_else(bad)?;
        if i < b.len() && b[i] != b',' {
            return Err(bad());
        }
        let slot = usize::try_from(column)
            .ok()
            .and_then(|c| into.get_mut(c))
            .ok_or_else(bad)?;
        *slot += if negative { -v } else { v };
    }
    Ok(())
}

/// The sum of two figures as stored, as stored (`""` when it comes to zero): SQLite's
/// `figures_sum`, by which a write adds to a cell where it is stored.
pub(super) fn sum_texts(a: &str, b: &str) -> Result<String, String> {
    let mut sum = vec![0; contrib::column_count()];
    add_figures(a, &mut sum).map_err(|e| e.to_string())?;
    add_figures(b, &mut sum).map_err(|e| e.to_string())?;
    Ok(encode_figures(&sum))
}

/// `month,unit,follow,from,until:figures;…`: what a household adds, for taking it back.
pub(super) fn encode(cells: &BTreeMap<Cell, Figures>) -> String {
    let mut out = String::new();
    for (c, figures) in cells {
        if !out.is_empty() {
            out.push(';');
        }
        out.push_str(&format!(
            "{},{},{},{},{}:{}",
            c.month,
            c.unit_id,
            c.follow_id,
            c.known_from,
            c.known_until,
            encode_figures(figures)
        ));
    }
    out
}

pub(super) fn decode(s: &str) -> Result<Vec<(Cell, Figures)>, StoreError> {
    let bad = || StoreError::Corrupt(format!("household_contributions: {s}"));
    let mut out = Vec::new();
    for part in s.split(';').filter(|p| !p.is_empty()) {
        let (head, body) = part.split_once(':').ok_or_else(bad)?;
        let n: Vec<i64> = head
            .split(',')
            .map(|x| x.parse().map_err(|_| bad()))
            .collect::<Result<_, _>>()?;
        let [month, unit_id, follow_id, known_from, known_until] = n[..] else {
            return Err(bad());
        };
        let mut figures = vec![0; contrib::column_count()];
        add_figures(body, &mut figures)?;
        out.push((
            Cell {
                month: month as Month,
                unit_id,
                follow_id,
                known_from: known_from as Month,
                known_until: known_until as Month,
            },
            figures,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregates::add;
    use domain::contributions::FOREVER;

    #[test]
    fn memo_round_trips() {
        let mut cells = BTreeMap::new();
        let c = Cell {
            month: 202303,
            unit_id: 7,
            follow_id: 0,
            known_from: 202303,
            known_until: FOREVER,
        };
        add(&mut cells, c, "hh_escaped", 1);
        add(&mut cells, c, "livelihood_value_vnd", -5_000_000);
        let back = decode(&encode(&cells)).unwrap();
        assert_eq!(back, cells.into_iter().collect::<Vec<_>>());
        assert!(decode("1,2:0=1").is_err());
    }

    #[test]
    fn stored_figures_sum_as_stored() {
        assert_eq!(sum_texts("0=2,3=5", "0=-2,4=1").unwrap(), "3=5,4=1");
        assert_eq!(sum_texts("1=7", "1=-7").unwrap(), "");
        assert_eq!(sum_texts("", "2=1").unwrap(), "2=1");
        assert!(sum_texts("1=7", "x").is_err());
    }

    #[test]
    fn figures_parse_back_and_refuse_what_is_not_theirs() {
        let mut figures = vec![0; contrib::column_count()];
        figures[0] = 12;
        figures[3] = -7;
        figures[contrib::column_count() - 1] = 9_000_000_000;
        let mut back = vec![0; contrib::column_count()];
        add_figures(&encode_figures(&figures), &mut back).unwrap();
        add_figures("", &mut back).unwrap();
        assert_eq!(back, figures);
        figures[1] = i64::MIN + 1;
        figures[2] = 10;
        assert_eq!(
            encode_figures(&figures[..4]),
            format!("0=12,1={},2=10,3=-7", i64::MIN + 1)
        );
        for bad in [
            "1",
            "=1",
            "1=",
            "1=x",
            "1=2;",
            "999=1",
            "1=99999999999999999999",
            "a=1",
        ] {
            assert!(add_figures(bad, &mut back).is_err(), "{bad}");
        }
    }
}
