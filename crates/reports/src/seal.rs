//! What an approval keeps (`store::seals`): the unit's report of the period in the
//! structure of the day it is approved (by child unit), its printed document, and the
//! fingerprints of the records the approval locks; and, later, what changed since.

use crate::document::{Document, Issued};
use crate::{Report, ReportError, Request};
use domain::review::Period;
use store::seals::{Dated, Difference, Fingerprints, Seal};
use store::Db;

/// A report about to be signed.
pub struct Sealed {
    pub report: Report,
    pub document: Document,
    pub fingerprints: Fingerprints,
    pub structure_date: domain::Date,
}

/// The fingerprints of the records of `req`'s scope dated in its period.
fn fingerprints_of(
    db: &mut Db,
    computed: &crate::Computed,
    kinds: &[Dated<'_>],
) -> Result<Fingerprints, ReportError> {
    let period = Period {
        from: computed.request.from,
        to: computed.request.to,
    };
    let ids = match computed.scope.units(&[]) {
        store::records::Units::All => None,
        store::records::Units::Ids(ids) => Some(ids),
    };
    Ok(store::seals::fingerprints(
        db,
        kinds,
        ids.as_deref(),
        period,
    )?)
}

/// What approving `unit`'s `period` on day `on` signs.
pub fn make(
    db: &mut Db,
    graph: &domain::units::UnitGraph,
    unit: &str,
    period: Period,
    on: domain::Date,
    kinds: &[Dated<'_>],
) -> Result<Sealed, ReportError> {
    let req = Request {
        unit: unit.to_owned(),
        from: period.from,
        to: period.to,
        structure_date: Some(on),
    };
    let computed = crate::compute(db, &req, None)?;
    let report = computed.report(true);
    let issued = Issued::of(graph, &report, on);
    let document = Document::with_lasting(db, &report, &issued)?;
    let fingerprints = fingerprints_of(db, &computed, kinds)?;
    Ok(Sealed {
        report,
        document,
        fingerprints,
        structure_date: on,
    })
}

/// Keeps `s` as approved by `actor` (inside the approval's transaction); its id.
pub fn keep(
    db: &mut Db,
    unit: &str,
    period: Period,
    s: &Sealed,
    actor: &str,
) -> Result<i64, ReportError> {
    let json = |e: serde_json::Error| store::StoreError::Corrupt(format!("a report as JSON: {e}"));
    Ok(store::seals::keep(
        db,
        &store::seals::NewSeal {
            unit_code: unit,
            period,
            structure_date: s.structure_date,
            approved_by: actor,
            report: &serde_json::to_string(&s.report).map_err(json)?,
            document: &serde_json::to_string(&s.document).map_err(json)?,
            fingerprints: &s.fingerprints,
        },
    )?)
}

/// A seal against today's records: the records that differ from the fingerprints kept
/// when it was signed, and the report computed today in the signed structure.
pub fn since(
    db: &mut Db,
    seal: &Seal,
    kinds: &[Dated<'_>],
) -> Result<(Vec<Difference>, Report), ReportError> {
    let req = Request {
        unit: seal.unit_code.clone(),
        from: seal.period_from,
        to: seal.period_to,
        structure_date: Some(seal.structure_date),
    };
    let computed = crate::compute(db, &req, None)?;
    let now = fingerprints_of(db, &computed, kinds)?;
    let signed = store::seals::unpack(&seal.fingerprints)?;
    Ok((
        store::seals::differences(&signed, &now),
        computed.report(true),
    ))
}
