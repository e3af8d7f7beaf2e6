//! Figures computed while the data stood still: every officer of a province opens the
//! same dashboard and the same report all day. Each entry is kept with the data and
//! unit generations it was computed on (`store::aggregates::data_generation`,
//! `store::units::generation`); any committed write moves the data generation in its
//! own transaction, so a stale figure is never shown, whichever app server made the
//! write.

use std::collections::HashMap;
use std::hash::Hash;

/// The generations a value was computed on.
pub type Generations = (i64, i64);

/// The generations now.
pub fn generations(db: &mut store::Db) -> Result<Generations, store::StoreError> {
    Ok((
        store::aggregates::data_generation(db)?,
        store::units::generation(db)?,
    ))
}

/// Entries kept at most; past it the cache starts again.
const ENTRIES: usize = 512;

/// One key's value and the generations it was computed on. Its own lock: while one
/// request computes a figure, the others asking for the same one wait for it instead of
/// computing it again side by side (after every write, fifty officers would otherwise
/// each recompute the province's report).
type Slot<V> = std::sync::Arc<std::sync::Mutex<Option<(Generations, V)>>>;

pub struct GenerationCache<K, V>(std::sync::Mutex<HashMap<K, Slot<V>>>);

impl<K, V> Default for GenerationCache<K, V> {
    fn default() -> Self {
        GenerationCache(std::sync::Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash + Clone, V: Clone> GenerationCache<K, V> {
    /// The value of `key` as computed on the generations `now`: kept, or computed once
    /// by `compute` (a request that finds another computing it waits for its result).
    pub fn get_or_compute<E>(
        &self,
        key: &K,
        now: Generations,
        compute: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        let slot = {
            let mut map = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if map.len() >= ENTRIES && !map.contains_key(key) {
                map.clear();
            }
            map.entry(key.clone()).or_default().clone()
        };
        let mut kept = slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((computed_on, v)) = kept.as_ref() {
            if *computed_on == now {
                return Ok(v.clone());
            }
        }
        let v = compute()?;
        *kept = Some((now, v.clone()));
        Ok(v)
    }
}
