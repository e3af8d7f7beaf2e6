//! One integration-test binary (linking one binary is what two cores can afford).
//! Every storage test runs on the backend named by DONGHANH_TEST_BACKEND (`sqlite`, the
//! default, or `postgres`); `scripts/test` runs the suite once per backend.

// The helpers of a test binary may unwrap like the tests do: a panic is the failure.
#![allow(clippy::unwrap_used)]

mod a11y;
mod aggregates;
mod api_document;
mod boundary;
mod breakdowns;
mod browser;
mod browser_officers;
mod browser_offline;
mod cli;
mod contract_columns;
mod corrections;
mod demo;
mod disclosure;
mod holes;
mod hostile;
mod households;
mod import_rules;
mod lasting;
mod ledger;
mod load_vn;
mod national;
mod offline;
mod privacy;
mod races;
mod support;
mod templates;
mod units;
mod web;
mod web_corrections;
mod web_family;
mod web_officers;
mod web_ops;
mod web_support;
