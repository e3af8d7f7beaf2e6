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

pub struct GenerationCache<K, V>(std::sync::Mutex<HashMap<K, (Generations, V)>>);

impl<K, V> Default for GenerationCache<K, V> {
    fn default() -> Self {
        GenerationCache(std::sync::Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash, V: Clone> GenerationCache<K, V> {
    /// The value of `key` when it was computed on `now`.
    pub fn get(&self, key: &K, now: Generations) -> Option<V> {
        let map = self.0.lock().ok()?;
        map.get(key)
            .filter(|(g, _)| *g == now)
            .map(|(_, v)| v.clone())
    }

    pub fn put(&self, key: K, computed_on: Generations, value: V) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= ENTRIES {
                map.clear();
            }
            map.insert(key, (computed_on, value));
        }
    }
}
