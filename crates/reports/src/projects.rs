//! A project's composition check: who enrolled, how many were disadvantaged when they
//! joined (poor or near-poor then, escaped within the 36 months before, or flagged
//! difficult: data contract, "projects"), which communes it covers, and its budget
//! against the supports recorded under its code.

use domain::status::{effective_history, events, Assessed, EventKind};
use domain::units::Level;
use serde::Serialize;
use std::collections::BTreeSet;
use store::{Db, StoreError};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Enrolled {
    pub household_code: String,
    pub head_name: String,
    pub joined_on: String,
    /// Why the household counts as disadvantaged, or `None`.
    pub disadvantaged: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ProjectCheck {
    pub code: String,
    pub name: String,
    pub unit_code: String,
    pub start_on: String,
    pub end_on: Option<String>,
    pub planned_households: Option<i64>,
    pub enrolled: usize,
    pub disadvantaged: usize,
    pub disadvantaged_pct: Option<f64>,
    pub min_disadvantaged_pct: Option<i64>,
    pub composition_ok: Option<bool>,
    pub communes: Vec<String>,
    pub budget_vnd: Option<i64>,
    pub supports_value_vnd: i64,
    pub households: Vec<Enrolled>,
}

pub fn check(db: &mut Db, code: &str) -> Result<Option<ProjectCheck>, StoreError> {
    let Some(p) = store::records::project(db, code)? else {
        return Ok(None);
    };
    let graph = store::units::load_graph(db)?;
    let members = store::records::project_members(db, code)?;
    let mut households = Vec::new();
    let mut communes = BTreeSet::new();
    for m in &members {
        let (hh, joined) = (m.household_code.as_str(), m.joined_on);
        let records: Vec<Assessed> = store::households::assessments_of(db, hh)?
            .into_iter()
            .map(|a| a.assessed)
            .collect();
        let history = effective_history(&records, joined);
        let status = history.last().map(|a| a.status);
        let escaped_recently = events(&history).iter().any(|e| {
            e.kind == EventKind::Escaped && e.date <= joined && joined < e.date.add_months(36)
        });
        let why = match status {
            Some(s) if s.is_poor_or_near() => Some(s.label_vi().to_owned()),
            _ if escaped_recently => Some("hộ mới thoát nghèo (trong 36 tháng)".to_owned()),
            _ if m.difficult => Some("hộ khó khăn".to_owned()),
            _ => None,
        };
        if let Some(c) = graph
            .find_id(m.unit_id)
            .and_then(|ix| graph.ancestor_at_level(ix, joined, Level::Commune))
        {
            communes.insert(format!(
                "{} {}",
                graph.version(c).code,
                graph.version(c).name
            ));
        }
        households.push(Enrolled {
            household_code: hh.to_owned(),
            head_name: m.head_name.clone(),
            joined_on: joined.to_string(),
            disadvantaged: why,
        });
    }
    let disadvantaged = households
        .iter()
        .filter(|h| h.disadvantaged.is_some())
        .count();
    let pct = crate::pct(disadvantaged as i64, households.len() as i64);
    let min = p.min_disadvantaged_pct;
    let supports_value_vnd = store::records::programme_value(db, code)?;
    Ok(Some(ProjectCheck {
        code: code.to_owned(),
        name: p.name,
        unit_code: p.unit_code,
        start_on: p.start_on,
        end_on: p.end_on,
        planned_households: p.planned_households,
        enrolled: households.len(),
        disadvantaged,
        disadvantaged_pct: pct,
        min_disadvantaged_pct: min,
        composition_ok: match (pct, min) {
            (Some(p), Some(m)) => Some(p >= m as f64),
            _ => None,
        },
        communes: communes.into_iter().collect(),
        budget_vnd: p.budget_vnd,
        supports_value_vnd,
        households,
    }))
}

impl ProjectCheck {
    pub fn describe_vi(&self) -> String {
        use crate::render::{count, decimal, money};
        let mut out = format!("Dự án {} — {}\n", self.code, self.name);
        out.push_str(&format!(
            "  Đơn vị: {}; từ {} đến {}\n",
            self.unit_code,
            self.start_on,
            self.end_on.as_deref().unwrap_or("nay")
        ));
        out.push_str(&format!(
            "  Hộ tham gia: {}{}\n",
            count(self.enrolled as i64),
            self.planned_households
                .map(|p| format!(" / {} hộ kế hoạch", count(p)))
                .unwrap_or_default()
        ));
        let verdict = match self.composition_ok {
            Some(true) => "đạt",
            Some(false) => "CHƯA ĐẠT",
            None => "không xác định",
        };
        out.push_str(&format!(
            "  Hộ nghèo, cận nghèo, mới thoát nghèo, khó khăn khi tham gia: {} ({}%), yêu cầu tối thiểu {}%: {verdict}\n",
            self.disadvantaged,
            self.disadvantaged_pct.map(decimal).unwrap_or_else(|| "—".into()),
            self.min_disadvantaged_pct.map(|m| m.to_string()).unwrap_or_else(|| "—".into())
        ));
        out.push_str(&format!(
            "  Địa bàn: {} xã — {}\n",
            self.communes.len(),
            self.communes.join("; ")
        ));
        out.push_str(&format!(
            "  Kinh phí: {} ; đã ghi nhận hỗ trợ theo dự án: {}\n",
            self.budget_vnd.map(money).unwrap_or_else(|| "—".into()),
            money(self.supports_value_vnd)
        ));
        for h in &self.households {
            out.push_str(&format!(
                "    {} {} (tham gia {}): {}\n",
                h.household_code,
                h.head_name,
                h.joined_on,
                h.disadvantaged.as_deref().unwrap_or("hộ khác")
            ));
        }
        out
    }
}
