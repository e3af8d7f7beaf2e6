//! The report as a PDF, made in the program (no external tool): an A4 administrative
//! document laid out from `crate::document::Document` in Liberation Serif with its
//! Vietnamese glyphs embedded, margins as the government's rules for documents set them
//! (3 cm left, 2 cm elsewhere), tables that carry their headings over to the next page,
//! and "Trang n/N" at the foot of each page.

mod font;
mod writer;

use crate::document::{Document, Table};
use font::Font;
use writer::A4;

const LEFT: f32 = 85.0;
const RIGHT: f32 = A4.0 - 57.0;
const TOP: f32 = A4.1 - 57.0;
/// Room is kept under the text for the page number.
const BOTTOM: f32 = 70.0;
const BODY: f32 = 13.0;
const SMALL: f32 = 11.0;

#[derive(Clone, Copy, PartialEq)]
enum Face {
    Regular,
    Bold,
}

struct Layout {
    fonts: [Font; 2],
    pages: Vec<String>,
    page: String,
    /// The baseline of the next line.
    y: f32,
}

/// A number as PDF operators write it.
fn n(x: f32) -> String {
    format!("{x:.2}")
}

impl Layout {
    fn new() -> Layout {
        Layout {
            fonts: [Font::new(font::REGULAR), Font::new(font::BOLD)],
            pages: Vec::new(),
            page: String::new(),
            y: TOP,
        }
    }

    fn font(&mut self, face: Face) -> &mut Font {
        &mut self.fonts[usize::from(face == Face::Bold)]
    }

    fn width(&self, face: Face, size: f32, s: &str) -> f32 {
        self.fonts[usize::from(face == Face::Bold)].width(s, size)
    }

    fn text_at(&mut self, face: Face, size: f32, (x, y): (f32, f32), s: &str) {
        let hex = self.font(face).encode(s);
        let f = if face == Face::Bold { 2 } else { 1 };
        self.page.push_str(&format!(
            "BT /F{f} {} Tf 1 0 0 1 {} {} Tm <{hex}> Tj ET\n",
            n(size),
            n(x),
            n(y)
        ));
    }

    fn line(&mut self, (x1, y1): (f32, f32), (x2, y2): (f32, f32)) {
        self.page.push_str(&format!(
            "0.6 w {} {} m {} {} l S\n",
            n(x1),
            n(y1),
            n(x2),
            n(y2)
        ));
    }

    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.page));
        self.y = TOP;
    }

    /// Starts a new page unless `height` points fit above the bottom margin.
    fn need(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    /// `s` broken into lines no wider than `max` (a word wider than a line is cut).
    fn wrap(&self, face: Face, size: f32, s: &str, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in s.split_whitespace() {
            for piece in self.pieces(face, size, word, max) {
                let candidate = if line.is_empty() {
                    piece.clone()
                } else {
                    format!("{line} {piece}")
                };
                if line.is_empty() || self.width(face, size, &candidate) <= max {
                    line = candidate;
                } else {
                    lines.push(std::mem::replace(&mut line, piece));
                }
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// A word in pieces no wider than `max` (most words are one piece).
    fn pieces(&self, face: Face, size: f32, word: &str, max: f32) -> Vec<String> {
        let mut out = Vec::new();
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if self.width(face, size, &piece) > max && piece.chars().count() > 1 {
                piece.pop();
                out.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        if !piece.is_empty() {
            out.push(piece);
        }
        out
    }

    /// Lines of `s` centred in the column from `x` of width `w`, from baseline `y` down;
    /// the baseline after them.
    fn centered(&mut self, face: Face, size: f32, s: &str, (x, w): (f32, f32), mut y: f32) -> f32 {
        for l in self.wrap(face, size, s, w) {
            let lw = self.width(face, size, &l);
            self.text_at(face, size, (x + (w - lw) / 2.0, y), &l);
            y -= size * 1.25;
        }
        y
    }

    /// A paragraph across the page, its first line indented, each line fully justified
    /// but the last (word spacing spread by placing the words one by one).
    fn paragraph(&mut self, size: f32, s: &str) {
        let indent = 28.0;
        let lead = size * 1.35;
        let words: Vec<&str> = s.split_whitespace().collect();
        let mut i = 0;
        let mut first = true;
        while i < words.len() {
            let start = if first { LEFT + indent } else { LEFT };
            let avail = RIGHT - start;
            let mut j = i;
            let mut used = 0.0;
            let space = self.width(Face::Regular, size, " ");
            while j < words.len() {
                let w = self.width(Face::Regular, size, words[j]);
                let add = if j == i { w } else { space + w };
                if used + add > avail && j > i {
                    break;
                }
                used += add;
                j += 1;
            }
            self.need(lead);
            let last = j == words.len();
            let gaps = (j - i).saturating_sub(1) as f32;
            let gap = if last || gaps == 0.0 {
                space
            } else {
                space + (avail - used) / gaps
            };
            let mut x = start;
            for word in &words[i..j] {
                let y = self.y;
                self.text_at(Face::Regular, size, (x, y), word);
                x += self.width(Face::Regular, size, word) + gap;
            }
            self.y -= lead;
            i = j;
            first = false;
        }
        self.y -= size * 0.4;
    }

    /// A table across the page: bordered cells, text wrapped inside them, numbers to the
    /// right; a row that does not fit starts a new page, which repeats the headings.
    fn table(&mut self, t: &Table, size: f32) {
        let width = RIGHT - LEFT;
        let cols: Vec<f32> = t.widths.iter().map(|w| w * width).collect();
        let pad = 3.0;
        let lead = size * 1.2;
        let row_of = |l: &Layout, cells: &[String], face: Face| -> (Vec<Vec<String>>, f32) {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .zip(&cols)
                .map(|(c, w)| l.wrap(face, size, c, w - 2.0 * pad))
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            (wrapped, lines as f32 * lead + 2.0 * pad)
        };
        let heading = row_of(self, &t.headings, Face::Bold);
        self.need(heading.1 + lead * 2.0);
        self.draw_row(&heading, &cols, (Face::Bold, size, pad), None);
        for cells in &t.rows {
            let row = row_of(self, cells, Face::Regular);
            if self.y - row.1 < BOTTOM {
                self.new_page();
                self.draw_row(&heading, &cols, (Face::Bold, size, pad), None);
            }
            self.draw_row(&row, &cols, (Face::Regular, size, pad), Some(&t.numeric));
        }
        self.y -= size;
    }

    fn draw_row(
        &mut self,
        (cells, height): &(Vec<Vec<String>>, f32),
        cols: &[f32],
        (face, size, pad): (Face, f32, f32),
        numeric: Option<&[bool]>,
    ) {
        let top = self.y;
        let mut x = LEFT;
        for (c, (lines, w)) in cells.iter().zip(cols).enumerate() {
            let right = numeric.is_some_and(|n| n.get(c).copied().unwrap_or(false));
            let mut y = top - pad - size;
            for l in lines {
                let lw = self.width(face, size, l);
                let at = if right {
                    x + w - pad - lw
                } else if numeric.is_none() {
                    x + (w - lw) / 2.0
                } else {
                    x + pad
                };
                self.text_at(face, size, (at, y), l);
                y -= size * 1.2;
            }
            self.page.push_str(&format!(
                "0.5 w {} {} {} {} re S\n",
                n(x),
                n(top - height),
                n(*w),
                n(*height)
            ));
            x += w;
        }
        self.y = top - height;
    }

    /// The heading of an administrative document: the union's name on the left, the
    /// national motto on the right, each underlined by a short rule; then number and date.
    fn heading(&mut self, d: &Document) {
        let left = (LEFT - 30.0, 215.0);
        let right = (LEFT + 185.0, RIGHT - LEFT - 185.0 + 20.0);
        let mut yl = self.centered(Face::Regular, 12.0, &d.issuer[0], left, TOP);
        yl = self.centered(Face::Bold, 12.0, &d.issuer[1], left, yl);
        let mid = left.0 + left.1 / 2.0;
        self.line((mid - 30.0, yl + 9.0), (mid + 30.0, yl + 9.0));
        let mut yr = self.centered(Face::Bold, 12.0, d.motto[0], right, TOP);
        yr = self.centered(Face::Bold, 13.0, d.motto[1], right, yr);
        let motto_w = self.width(Face::Bold, 13.0, d.motto[1]);
        let rmid = right.0 + right.1 / 2.0;
        self.line(
            (rmid - motto_w / 2.0, yr + 9.0),
            (rmid + motto_w / 2.0, yr + 9.0),
        );
        let y = yl.min(yr) - 10.0;
        // The number's blank is kept: the office writes the number in by hand.
        let nw = self.width(Face::Regular, 13.0, &d.number);
        self.text_at(
            Face::Regular,
            13.0,
            (left.0 + (left.1 - nw) / 2.0, y),
            &d.number,
        );
        self.centered(Face::Regular, 13.0, &d.place_date, right, y);
        self.y = y - 40.0;
    }

    /// The recipients on the left, the signature block on the right.
    fn closing(&mut self, d: &Document) {
        self.need(130.0);
        let top = self.y - 10.0;
        let mut y = top;
        self.text_at(Face::Bold, 12.0, (LEFT, y), "Nơi nhận:");
        for r in &d.recipients {
            y -= 14.0;
            self.text_at(Face::Regular, SMALL, (LEFT, y), r);
        }
        let right = (LEFT + 220.0, RIGHT - LEFT - 220.0);
        let mut yr = top;
        for s in d.signature {
            yr = self.centered(Face::Bold, BODY, s, right, yr);
        }
        self.centered(Face::Regular, SMALL, "(Ký tên, đóng dấu)", right, yr);
        self.y = y.min(yr) - 70.0;
    }

    /// The pages, each numbered "Trang n/N" at its foot.
    fn finish(mut self, title: &str) -> Vec<u8> {
        self.new_page();
        let total = self.pages.len();
        let mut pages = std::mem::take(&mut self.pages);
        for (i, p) in pages.iter_mut().enumerate() {
            self.page = std::mem::take(p);
            let label = format!("Trang {}/{total}", i + 1);
            self.centered(Face::Regular, 10.0, &label, (LEFT, RIGHT - LEFT), 40.0);
            *p = std::mem::take(&mut self.page);
        }
        writer::file(&pages, [&self.fonts[0], &self.fonts[1]], title)
    }
}

/// The document as a PDF file.
pub fn render(d: &Document) -> Vec<u8> {
    let mut l = Layout::new();
    l.heading(d);
    let full = (LEFT, RIGHT - LEFT);
    let y = l.y;
    l.y = l.centered(Face::Bold, 14.0, &d.title, full, y);
    let y = l.y;
    l.y = l.centered(Face::Bold, BODY, &d.subtitle, full, y) - 12.0;
    for p in &d.paragraphs {
        l.paragraph(BODY, p);
    }
    for (caption, t) in &d.tables {
        l.need(60.0);
        let y = l.y;
        l.text_at(Face::Bold, BODY, (LEFT, y), caption);
        l.y -= BODY * 1.1;
        l.table(t, SMALL);
    }
    l.closing(d);
    let title = format!("{} — {}", d.title, d.subtitle);
    l.finish(&title)
}
