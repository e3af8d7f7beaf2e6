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
        out.push_str(&i.to_string());
        out.push('=');
        out.push_str(&v.to_string());
    }
    out
}

/// Adds the figures in `text` to `into`.
pub fn add_figures(text: &str, into: &mut [i64]) -> Result<(), StoreError> {
    let bad = || StoreError::Corrupt(format!("figures: {text}"));
    for kv in text.split(',').filter(|p| !p.is_empty()) {
        let (i, v) = kv.split_once('=').ok_or_else(bad)?;
        let i: usize = i.parse().map_err(|_| bad())?;
        let v: i64 = v.parse().map_err(|_| bad())?;
        *into.get_mut(i).ok_or_else(bad)? += v;
    }
    Ok(())
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
}
