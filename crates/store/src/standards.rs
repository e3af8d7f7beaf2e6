//! Poverty standards as stored data.

use crate::{audit, params, Db, StoreError};
use domain::poverty::{national, Indicator, Standard};
use domain::Date;

pub fn load_all(db: &mut Db) -> Result<Vec<Standard>, StoreError> {
    let rows = db.query(
        "SELECT code, name, unit_code, valid_from, valid_to, poverty_line_rural, poverty_line_urban, \
         average_line_rural, average_line_urban, poor_min_deprivations FROM poverty_standards ORDER BY valid_from, code",
        &[],
    )?;
    let inds = db.query(
        "SELECT standard_code, code, service, label_vi FROM standard_indicators ORDER BY standard_code, position",
        &[],
    )?;
    let mut indicators: Vec<(String, Indicator)> = Vec::with_capacity(inds.len());
    for i in &inds {
        indicators.push((
            i.get("standard_code")?,
            Indicator {
                code: i.get("code")?,
                service: i.get("service")?,
                label_vi: i.get("label_vi")?,
            },
        ));
    }
    rows.iter()
        .map(|r| {
            let code: String = r.get("code")?;
            Ok(Standard {
                name: r.get("name")?,
                unit_code: r.get("unit_code")?,
                valid_from: r.get("valid_from")?,
                valid_to: r.get::<Option<Date>>("valid_to")?.unwrap_or(Date::MAX),
                poverty_line_rural: r.get("poverty_line_rural")?,
                poverty_line_urban: r.get("poverty_line_urban")?,
                average_line_rural: r.get("average_line_rural")?,
                average_line_urban: r.get("average_line_urban")?,
                poor_min_deprivations: u32::try_from(r.get::<i64>("poor_min_deprivations")?)
                    .map_err(|_| StoreError::Corrupt("poor_min_deprivations".into()))?,
                indicators: indicators
                    .iter()
                    .filter(|(of, _)| *of == code)
                    .map(|(_, i)| i.clone())
                    .collect(),
                code,
            })
        })
        .collect()
}

/// Adds a standard (or replaces one of the same code), with its audit record.
pub fn save(db: &mut Db, s: &Standard, actor: &str) -> Result<(), StoreError> {
    let old = load_all(db)?.into_iter().find(|o| o.code == s.code);
    db.execute(
        "DELETE FROM standard_indicators WHERE standard_code = ?",
        params![s.code.as_str()],
    )?;
    db.execute(
        "DELETE FROM poverty_standards WHERE code = ?",
        params![s.code.as_str()],
    )?;
    db.execute(
        "INSERT INTO poverty_standards (code, name, unit_code, valid_from, valid_to, poverty_line_rural, \
         poverty_line_urban, average_line_rural, average_line_urban, poor_min_deprivations) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            s.code.as_str(),
            s.name.as_str(),
            s.unit_code.as_deref(),
            s.valid_from,
            s.valid_to,
            s.poverty_line_rural,
            s.poverty_line_urban,
            s.average_line_rural,
            s.average_line_urban,
            i64::from(s.poor_min_deprivations)
        ],
    )?;
    for (i, ind) in s.indicators.iter().enumerate() {
        db.execute(
            "INSERT INTO standard_indicators (standard_code, position, code, service, label_vi) VALUES (?, ?, ?, ?, ?)",
            params![s.code.as_str(), i as i64, ind.code.as_str(), ind.service.as_str(), ind.label_vi.as_str()],
        )?;
    }
    let json = |s: &Standard| serde_json::to_string(s).unwrap_or_default();
    audit::record(
        db,
        &audit::Entry {
            actor,
            action: if old.is_some() { "update" } else { "insert" },
            entity: "poverty_standards",
            key: &serde_json::json!({"code": s.code}).to_string(),
            old: old.as_ref().map(json).as_deref(),
            new: Some(&json(s)),
            reason: None,
        },
    )
}

/// Puts the national standards in place once; after that they are data like any other.
pub fn seed_national(db: &mut Db) -> Result<(), StoreError> {
    let present: Vec<String> = db
        .query("SELECT code FROM poverty_standards", &[])?
        .iter()
        .map(|r| r.get("code"))
        .collect::<Result<_, StoreError>>()?;
    let missing: Vec<Standard> = national::all()
        .into_iter()
        .filter(|s| !present.contains(&s.code))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    db.transaction(|tx| -> Result<(), StoreError> {
        for s in &missing {
            save(tx, s, "system")?;
        }
        Ok(())
    })
}
