//! Poverty standards as data, and classification that explains itself.
//!
//! A standard is a named, dated rule set: income lines per area, the number of
//! deprivations that makes an income-poor household poor rather than near-poor, and its
//! list of deprivation indicators grouped by service. National standards come with the
//! product; a province may add a higher one of its own. A threshold nobody has published
//! stays `None`: nothing is invented.

use crate::Date;
use serde::Serialize;

crate::vocabulary! {
    /// Where a household lives: the income lines differ.
    pub enum Area {
        Rural = "rural", "nông thôn";
        Urban = "urban", "thành thị";
    }
}

crate::vocabulary! {
    /// A household's class, worst first.
    pub enum Class {
        Poor = "poor", "hộ nghèo";
        NearPoor = "near_poor", "hộ cận nghèo";
        Average = "average", "hộ có mức sống trung bình";
        NotPoor = "not_poor", "hộ không nghèo";
    }
}

impl Class {
    /// Poor or near-poor: the households the programme helps out.
    pub fn is_poor_or_near(self) -> bool {
        matches!(self, Class::Poor | Class::NearPoor)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Indicator {
    pub code: String,
    /// The service it belongs to (employment, health, education, housing, water, information…).
    pub service: String,
    pub label_vi: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Standard {
    pub code: String,
    pub name: String,
    /// A province's own standard applies within this unit's subtree; `None`: national.
    pub unit_code: Option<String>,
    pub valid_from: Date,
    pub valid_to: Date,
    pub poverty_line_rural: i64,
    pub poverty_line_urban: i64,
    /// Upper income bound of the average-living-standard class; `None` where unpublished.
    pub average_line_rural: Option<i64>,
    pub average_line_urban: Option<i64>,
    /// Deprivations that make an income-poor household poor (3 in both decrees).
    pub poor_min_deprivations: u32,
    pub indicators: Vec<Indicator>,
}

impl Standard {
    pub fn in_force_on(&self, d: Date) -> bool {
        self.valid_from <= d && d <= self.valid_to
    }

    pub fn poverty_line(&self, area: Area) -> i64 {
        match area {
            Area::Rural => self.poverty_line_rural,
            Area::Urban => self.poverty_line_urban,
        }
    }

    pub fn average_line(&self, area: Area) -> Option<i64> {
        match area {
            Area::Rural => self.average_line_rural,
            Area::Urban => self.average_line_urban,
        }
    }

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == code)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Classification {
    pub standard: String,
    pub area: Area,
    pub income: i64,
    pub income_line: i64,
    pub average_line: Option<i64>,
    pub class: Class,
    /// Deprived indicators grouped by service, in the standard's order.
    pub deprived: Vec<(String, Vec<String>)>,
    pub deprivation_count: u32,
    /// Why, in Vietnamese: "thu nhập 1.320.000 ≤ 1.500.000 và thiếu hụt 4 chỉ số ≥ 3 → hộ nghèo".
    pub reason_vi: String,
}

/// Codes the standard does not know.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownIndicators(pub Vec<String>);

/// Splits a `deprivations` cell (`employment;water`) into codes.
pub fn split_codes(s: &str) -> Vec<String> {
    let mut out: Vec<String> = s
        .split([';', ','])
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    out.dedup();
    out
}

pub mod national;

pub fn classify(
    std: &Standard,
    income: i64,
    deprivations: &[String],
    area: Area,
) -> Result<Classification, UnknownIndicators> {
    let unknown: Vec<String> = deprivations
        .iter()
        .filter(|c| std.indicator(c).is_none())
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(UnknownIndicators(unknown));
    }
    let mut deprived: Vec<(String, Vec<String>)> = Vec::new();
    let mut count = 0;
    for ind in &std.indicators {
        if deprivations.contains(&ind.code) {
            count += 1;
            match deprived.iter_mut().find(|(s, _)| *s == ind.service) {
                Some((_, list)) => list.push(ind.code.clone()),
                None => deprived.push((ind.service.clone(), vec![ind.code.clone()])),
            }
        }
    }
    let line = std.poverty_line(area);
    let avg = std.average_line(area);
    let min = std.poor_min_deprivations;
    let (class, reason) = if income <= line {
        if count >= min {
            (
                Class::Poor,
                format!(
                    "thu nhập {} ≤ {} và thiếu hụt {count} chỉ số ≥ {min}",
                    vnd(income),
                    vnd(line)
                ),
            )
        } else {
            (
                Class::NearPoor,
                format!(
                    "thu nhập {} ≤ {} và thiếu hụt {count} chỉ số < {min}",
                    vnd(income),
                    vnd(line)
                ),
            )
        }
    } else {
        match avg {
            Some(a) if income <= a => (
                Class::Average,
                format!("{} < thu nhập {} ≤ {}", vnd(line), vnd(income), vnd(a)),
            ),
            Some(a) => (
                Class::NotPoor,
                format!("thu nhập {} > {}", vnd(income), vnd(a)),
            ),
            // The average-living-standard line of this standard is not published: the
            // household is above the poverty line, and that is all we can say.
            None => (
                Class::NotPoor,
                format!(
                    "thu nhập {} > {} (chuẩn chưa có ngưỡng mức sống trung bình)",
                    vnd(income),
                    vnd(line)
                ),
            ),
        }
    };
    Ok(Classification {
        standard: std.code.clone(),
        area,
        income,
        income_line: line,
        average_line: avg,
        class,
        deprived,
        deprivation_count: count,
        reason_vi: format!("{reason} → {}", class.label_vi()),
    })
}

/// Picks the standard for a household on a date: a province's own standard in force
/// beats the national one. `province` is the household's province code on that date.
pub fn standard_for<'a>(
    standards: &'a [Standard],
    date: Date,
    province: Option<&str>,
) -> Option<&'a Standard> {
    let in_force = || standards.iter().filter(move |s| s.in_force_on(date));
    in_force()
        .find(|s| s.unit_code.is_some() && s.unit_code.as_deref() == province)
        .or_else(|| in_force().find(|s| s.unit_code.is_none()))
}

/// Money in the Vietnamese style: 1.320.000.
pub fn vnd(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests;
