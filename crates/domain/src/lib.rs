//! The domain of donghanh, free of I/O: the types every other crate shares and the rules
//! that must hold whatever the storage is (dates, Vietnamese text, the unit tree through
//! the 2025 reform).

pub mod access;
pub mod breakdown;
pub mod contract;
pub mod contributions;
pub mod date;
pub mod ids;
pub mod indicators;
pub mod lasting;
pub mod poverty;
pub mod review;
pub mod status;
pub mod text;
pub mod units;
pub mod vocab;

pub use date::Date;
