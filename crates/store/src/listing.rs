//! Any record kind's stored rows as a page lists them: of the units a user may read,
//! dated within a period, newest first, a page at a time with the total. Rows without a
//! unit of their own (members, assessments, project places) are their household's.

use crate::tables::TableDef;
use crate::{Db, Row, StoreError, Value};
use domain::Date;

/// One page of a kind's rows: each with the table's key then data columns (by name),
/// then [`SCOPE_UNIT`].
pub struct Listed {
    pub total: i64,
    pub rows: Vec<Row>,
}

/// The column of a listed row with the unit version whose records it counts among (its
/// own unit, or its household's; NULL for a kind of no unit): who may write that unit
/// may see the row's identifiers whole (`disclosure`).
pub const SCOPE_UNIT: &str = "scope_unit_id";

/// What to list: whose (`None`: every unit), and which period of the date column.
pub struct Filter<'a> {
    pub units: Option<&'a [i64]>,
    pub dated_by: Option<&'a str>,
    pub period: Option<(Date, Date)>,
    pub limit: i64,
    pub offset: i64,
}

pub fn list(db: &mut Db, def: &TableDef, f: &Filter<'_>) -> Result<Listed, StoreError> {
    let own_unit = def.data.contains(&"unit_id");
    let joins_household =
        !own_unit && (def.key.contains(&"household_code") || def.data.contains(&"household_code"));
    let unit_col = if own_unit {
        Some("t.unit_id")
    } else if joins_household {
        Some("h.unit_id")
    } else {
        None
    };
    let from = if joins_household {
        format!(
            "{} t JOIN households h ON h.household_code = t.household_code",
            def.table
        )
    } else {
        format!("{} t", def.table)
    };
    let mut conds = Vec::new();
    let mut params = Vec::new();
    match (f.units, unit_col) {
        (Some([]), _) => {
            return Ok(Listed {
                total: 0,
                rows: Vec::new(),
            })
        }
        // Whole numbers only: written into the statement, as many as a province has.
        (Some(ids), Some(col)) => conds.push(format!(
            "{col} IN ({})",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        )),
        _ => {}
    }
    if let (Some(col), Some((a, b))) = (f.dated_by, f.period) {
        conds.push(format!("t.{col} >= ? AND t.{col} <= ?"));
        params.extend([Value::from(a), Value::from(b)]);
    }
    let filter = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    let total: i64 = db
        .query_one(
            &format!("SELECT COUNT(*) AS n FROM {from}{filter}"),
            &params,
        )?
        .get("n")?;
    let mut cols: Vec<String> = def
        .key
        .iter()
        .chain(def.data)
        .map(|c| format!("t.{c}"))
        .collect();
    cols.push(match unit_col {
        Some(col) => format!("{col} AS {SCOPE_UNIT}"),
        None => format!("CAST(NULL AS BIGINT) AS {SCOPE_UNIT}"),
    });
    let order = match f.dated_by {
        Some(col) => format!(
            "t.{col} DESC, {}",
            def.key
                .iter()
                .map(|k| format!("t.{k}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => def
            .key
            .iter()
            .map(|k| format!("t.{k}"))
            .collect::<Vec<_>>()
            .join(", "),
    };
    params.extend([Value::Int(f.limit), Value::Int(f.offset)]);
    let rows = db.query(
        &format!(
            "SELECT {} FROM {from}{filter} ORDER BY {order} LIMIT ? OFFSET ?",
            cols.join(", ")
        ),
        &params,
    )?;
    Ok(Listed { total, rows })
}
