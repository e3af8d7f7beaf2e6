//! The report as the union prints it: an administrative document in the national form
//! (the union's heading on the left, the national motto on the right, number and date,
//! the title, the narrative, the tables, the recipients and the signature block). One
//! `Document` is laid out twice, as the print view's HTML and as a PDF (`crate::pdf`), so
//! the two say the same.

use crate::render::{count, decimal, narrative, value_text};
use crate::Report;
use domain::indicators::Indicator;

/// A table of the document: headings, rows of cells, and which columns hold numbers
/// (right-aligned).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Table {
    pub headings: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub numeric: Vec<bool>,
    /// Each column's share of the width.
    pub widths: Vec<f32>,
}

/// Kept as JSON with a signed period (`store::seals`) and read back to reprint it; the
/// motto and the signature's titles are the form's own, not kept.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Document {
    /// The union's heading: the level above, then the unit itself (bold, underlined).
    pub issuer: [String; 2],
    /// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập – Tự do – Hạnh phúc".
    #[serde(skip, default = "motto")]
    pub motto: [&'static str; 2],
    /// "Số:      /BC-HPN": the number is written in by the office that sends it.
    pub number: String,
    /// "Đà Nẵng, ngày 02 tháng 12 năm 2026".
    pub place_date: String,
    pub title: String,
    pub subtitle: String,
    pub paragraphs: Vec<String>,
    /// Each table with its caption.
    pub tables: Vec<(String, Table)>,
    pub recipients: Vec<String>,
    /// "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", then room to sign.
    #[serde(skip, default = "signature")]
    pub signature: [&'static str; 2],
}

fn motto() -> [&'static str; 2] {
    MOTTO
}

pub const SIGNATURE: [&str; 2] = ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"];

fn signature() -> [&'static str; 2] {
    SIGNATURE
}

pub const MOTTO: [&str; 2] = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập – Tự do – Hạnh phúc",
];

/// The union's name for a unit ("Hội LHPN Xã Hùng Sơn"), and at the top of the tree the
/// Central Committee.
fn union_of(name: &str, level: &str) -> String {
    if level == "central" {
        "Trung ương Hội LHPN Việt Nam".to_owned()
    } else {
        format!("Hội LHPN {name}")
    }
}

/// Where a report is made, for its heading.
pub struct Issued {
    /// The unit above the report's unit (its name and level), if any.
    pub parent: Option<(String, &'static str)>,
    /// The place named before the date (the province's name).
    pub place: String,
    pub on: domain::Date,
}

impl Issued {
    /// The report `r` issued on `on`: under the unit above its unit, dated at its province
    /// ("Đà Nẵng", without "Thành phố"), or at Hà Nội from the centre; the tree as the
    /// report reads it (its structure date: a 2023 report of Quảng Nam is Quảng Nam's).
    pub fn of(graph: &domain::units::UnitGraph, r: &Report, on: domain::Date) -> Issued {
        let tree = domain::Date::parse(&r.structure_date).unwrap_or(on);
        Issued::at(graph, &r.unit.code, tree, on)
    }

    /// A document of unit `code` as the tree stood on `tree`, issued on `on`.
    pub fn at(
        graph: &domain::units::UnitGraph,
        code: &str,
        tree: domain::Date,
        on: domain::Date,
    ) -> Issued {
        let ix = graph.version_on(code, tree);
        let parent = ix
            .and_then(|ix| graph.parent_on(ix, tree))
            .map(|p| graph.version(p))
            .map(|p| (p.name.clone(), p.level.as_str()));
        let place = ix
            .and_then(|ix| graph.ancestor_at_level(ix, tree, domain::units::Level::Province))
            .map(|p| {
                let name = &graph.version(p).name;
                name.trim_start_matches("Thành phố ")
                    .trim_start_matches("Tỉnh ")
                    .to_owned()
            })
            .unwrap_or_else(|| "Hà Nội".to_owned());
        Issued { parent, place, on }
    }
}

impl Issued {
    /// The union's heading of a document of unit `name` at `level` issued here: the
    /// level above, then the unit itself, in capitals.
    pub fn issuer(&self, name: &str, level: &str) -> [String; 2] {
        let upper = |s: String| s.to_uppercase();
        [
            self.parent
                .as_ref()
                .map(|(name, level)| upper(union_of(name, level)))
                .unwrap_or_default(),
            upper(union_of(name, level)),
        ]
    }

    /// "Đà Nẵng, ngày 02 tháng 12 năm 2026".
    pub fn place_date(&self) -> String {
        let (y, m, d) = self.on.ymd();
        format!("{}, ngày {d:02} tháng {m:02} năm {y}", self.place)
    }

    /// "- Hội LHPN … (để báo cáo);" for the unit above, if any.
    pub fn parent_recipient(&self) -> Option<String> {
        self.parent
            .as_ref()
            .map(|(name, level)| format!("- {} (để báo cáo);", union_of(name, level)))
    }
}

impl Document {
    pub fn of(r: &Report, issued: &Issued) -> Document {
        let issuer = issued.issuer(&r.unit.name, r.unit.level);
        let dmy = domain::date::dmy_text;
        let mut tables = vec![("Kết quả các chỉ tiêu".to_owned(), indicators_table(r))];
        if let Some(t) = children_table(r) {
            tables.push(("Kết quả theo đơn vị trực thuộc".to_owned(), t));
        }
        let mut recipients: Vec<String> = issued.parent_recipient().into_iter().collect();
        recipients.push("- Lưu: VT.".to_owned());
        Document {
            issuer,
            motto: MOTTO,
            number: "Số:        /BC-HPN".to_owned(),
            place_date: issued.place_date(),
            title: "BÁO CÁO".to_owned(),
            subtitle: format!(
                "Kết quả hỗ trợ phụ nữ thoát nghèo từ {} đến {}",
                dmy(&r.period.from),
                dmy(&r.period.to)
            ),
            paragraphs: vec![narrative(r)],
            tables,
            recipients,
            signature: SIGNATURE,
        }
    }
}

impl Document {
    /// The printed report with its section on whether escapes lasted, followed up to
    /// the period's end in the report's structure.
    pub fn with_lasting(
        db: &mut store::Db,
        r: &Report,
        issued: &Issued,
    ) -> Result<Document, crate::ReportError> {
        let mut d = Document::of(r, issued);
        if let Some(s) = crate::reconcile::sentence(&crate::reconcile::of_report(db, r)?) {
            d.add_to_narrative(&s);
        }
        if let Some(l) = crate::lasting::of_report(db, r)? {
            d.add_lasting(&l);
        }
        Ok(d)
    }

    /// A sentence after the narrative's last.
    fn add_to_narrative(&mut self, sentence: &str) {
        match self.paragraphs.first_mut() {
            Some(p) => {
                p.push(' ');
                p.push_str(sentence);
            }
            None => self.paragraphs.push(sentence.to_owned()),
        }
    }

    /// The section on whether escapes lasted: the headline joins the narrative, the
    /// comparison of the latest compared cohort follows it, and the cohorts' table.
    pub fn add_lasting(&mut self, l: &crate::lasting::Lasting) {
        let Some(sentence) = crate::lasting::sentence(l) else {
            return;
        };
        self.add_to_narrative(&sentence);
        if let Some(c) = l
            .cohorts
            .iter()
            .rev()
            .find_map(crate::lasting::comparison_sentence)
        {
            self.paragraphs.push(c);
        }
        self.tables.push((
            "Thoát nghèo bền vững (hộ được Hội nhận giúp đỡ)".to_owned(),
            crate::lasting::print_table(l),
        ));
    }
}

fn pct(p: Option<f64>) -> String {
    p.map(|p| format!("{}%", decimal(p))).unwrap_or_default()
}

/// Every indicator with a figure or a plan: result, plan, achievement.
fn indicators_table(r: &Report) -> Table {
    let rows = r
        .indicators
        .iter()
        .filter(|i| i.target.is_some() || i.value.as_f64().is_some_and(|v| v != 0.0))
        .enumerate()
        .map(|(n, i)| {
            vec![
                (n + 1).to_string(),
                i.label.to_owned(),
                value_text(i),
                i.target.map(count).unwrap_or_default(),
                pct(i.achievement_pct),
            ]
        })
        .collect();
    Table {
        headings: ["TT", "Chỉ tiêu", "Kết quả", "Kế hoạch", "Đạt"]
            .map(str::to_owned)
            .to_vec(),
        rows,
        numeric: vec![true, false, true, true, true],
        widths: vec![0.07, 0.51, 0.16, 0.14, 0.12],
    }
}

/// The child units: households helped out of poverty against their plans, and households
/// the union took in hand.
fn children_table(r: &Report) -> Option<Table> {
    let children: Vec<&crate::ChildRow> = r.children.iter().flatten().collect();
    if children.is_empty() {
        return None;
    }
    let rows = children
        .iter()
        .map(|c| {
            let get = |i: Indicator| c.indicators.iter().find(|v| v.code == i.code());
            let escaped = get(Indicator::HhEscaped);
            let assisted = get(Indicator::HhAssisted);
            let value = |v: Option<&crate::IndicatorValue>| v.map(value_text).unwrap_or_default();
            let plan = |v: Option<&crate::IndicatorValue>| {
                v.and_then(|v| v.target).map(count).unwrap_or_default()
            };
            let name = if c.own {
                format!("{} (trực tiếp)", c.unit.name)
            } else {
                c.unit.name.clone()
            };
            vec![
                name,
                value(escaped),
                plan(escaped),
                pct(escaped.and_then(|e| e.achievement_pct)),
                value(assisted),
                plan(assisted),
            ]
        })
        .collect();
    Some(Table {
        headings: [
            "Đơn vị",
            "Hộ thoát nghèo, cận nghèo",
            "Kế hoạch",
            "Đạt",
            "Hộ được nhận giúp đỡ",
            "Kế hoạch",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
        numeric: vec![false, true, true, true, true, true],
        widths: vec![0.34, 0.15, 0.12, 0.11, 0.16, 0.12],
    })
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn table_html(t: &Table) -> String {
    let mut out = String::from("<table><thead><tr>");
    for (h, w) in t.headings.iter().zip(&t.widths) {
        out.push_str(&format!(
            "<th style=\"width:{:.0}%\">{}</th>",
            w * 100.0,
            esc(h)
        ));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for (c, cell) in row.iter().enumerate() {
            let class = if t.numeric.get(c).copied().unwrap_or(false) {
                " class=n"
            } else {
                ""
            };
            out.push_str(&format!("<td{class}>{}</td>", esc(cell)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// The document as a page to print from the browser (A4, the same layout as the PDF).
pub fn print_html(d: &Document) -> String {
    let tables: String = d
        .tables
        .iter()
        .map(|(caption, t)| format!("<h3>{}</h3>{}", esc(caption), table_html(t)))
        .collect();
    let paragraphs: String = d
        .paragraphs
        .iter()
        .map(|p| format!("<p class=body>{}</p>", esc(p)))
        .collect();
    let recipients: String = d
        .recipients
        .iter()
        .map(|r| format!("<div>{}</div>", esc(r)))
        .collect();
    format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title} — {subtitle}</title><style>\
@page{{size:A4;margin:2cm 2cm 2cm 3cm}}\
body{{font:13pt/1.35 \"Times New Roman\",\"Liberation Serif\",serif;max-width:46rem;margin:auto;padding:1rem;color:#000}}\
.head{{display:flex;justify-content:space-between;gap:1rem;text-align:center}}.head div{{flex:1}}\
.head .left{{flex:0 0 40%}}.rule{{width:4rem;border-top:1px solid #000;margin:.1rem auto .4rem}}\
.b{{font-weight:bold}}h1{{font-size:14pt;text-align:center;margin:1.5rem 0 0}}h2{{font-size:13pt;text-align:center;margin:0 0 1rem}}\
h3{{font-size:13pt;margin:1rem 0 .3rem}}p.body{{text-indent:1cm;text-align:justify}}\
table{{border-collapse:collapse;width:100%;font-size:11pt}}th,td{{border:1px solid #000;padding:.2rem .3rem;vertical-align:top}}\
td.n{{text-align:right;white-space:nowrap}}.end{{display:flex;justify-content:space-between;margin-top:1.5rem}}\
.to{{font-size:11pt}}.sign{{text-align:center;width:45%}}.noprint{{margin:1rem 0}}@media print{{.noprint{{display:none}}body{{max-width:none;padding:0}}}}\
@media (max-width:40rem){{.head,.end{{flex-direction:column}}.head .left,.sign{{width:auto}}table{{font-size:10pt}}}}\
</style></head><body>\
<div class=noprint>Để in: chọn In trong trình duyệt (Ctrl+P); khổ A4.</div>\
<div class=head><div class=left><div>{i0}</div><div class=b>{i1}</div><div class=rule></div><div>{number}</div></div>\
<div><div class=b>{m0}</div><div class=b>{m1}</div><div class=rule style=\"width:12rem\"></div><div><i>{place_date}</i></div></div></div>\
<h1>{title}</h1><h2>{subtitle}</h2>{paragraphs}{tables}\
<div class=end><div class=to><div class=b><i>Nơi nhận:</i></div>{recipients}</div>\
<div class=sign><div class=b>{s0}</div><div class=b>{s1}</div><div><i>(Ký tên, đóng dấu)</i></div></div></div>\
</body></html>\n",
        title = esc(&d.title),
        subtitle = esc(&d.subtitle),
        i0 = esc(&d.issuer[0]),
        i1 = esc(&d.issuer[1]),
        number = esc(&d.number),
        m0 = d.motto[0],
        m1 = d.motto[1],
        place_date = esc(&d.place_date),
        s0 = d.signature[0],
        s1 = d.signature[1],
    )
}
