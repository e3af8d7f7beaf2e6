//! Receipts of the entries a phone sends after working offline (issue 16): the phone's
//! id of each entry stored, so that a retry is answered "already stored".

use crate::{params, stored_row, Db, StoreError};

stored_row! {
    /// An entry already stored: what it was and the key of the record it made.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Receipt { client_id: String, user_id: i64, kind: String, record_key: String }
}

/// The receipt of the entry the phone named `client_id`, if it was stored.
pub fn receipt(db: &mut Db, client_id: &str) -> Result<Option<Receipt>, StoreError> {
    Ok(db
        .query_as::<Receipt>(
            "SELECT {cols} FROM sync_receipts WHERE client_id = ?",
            params![client_id],
        )?
        .into_iter()
        .next())
}

/// Keeps the receipt of an entry, in the transaction that stores the entry. A second
/// receipt of the same id fails on the key: two sends of one entry racing each other
/// cannot both store it.
pub fn keep(db: &mut Db, r: &Receipt) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO sync_receipts (client_id, user_id, kind, record_key, received_at) \
         VALUES (?, ?, ?, ?, ?)",
        params![
            r.client_id.as_str(),
            r.user_id,
            r.kind.as_str(),
            r.record_key.as_str(),
            crate::now_utc()
        ],
    )?;
    Ok(())
}
