//! The fonts a PDF carries: Liberation Serif (metrics of Times New Roman, the font of
//! Vietnamese administrative documents; SIL Open Font License, see `fonts/LICENSE`),
//! regular and bold, built into the program. Text is measured with the font's own
//! advances; the font goes into the PDF cut down to the glyphs the document uses.

use std::collections::{BTreeMap, BTreeSet};

pub static REGULAR: &[u8] = include_bytes!("../../fonts/LiberationSerif-Regular.ttf");
pub static BOLD: &[u8] = include_bytes!("../../fonts/LiberationSerif-Bold.ttf");

/// One font as the document uses it: the glyph of each character met, and which glyphs
/// (with the text they stand for) went onto the pages.
pub struct Font {
    pub data: &'static [u8],
    face: ttf_parser::Face<'static>,
    /// Glyph id → the character it was drawn for (for the PDF's text extraction).
    pub used: BTreeMap<u16, char>,
}

impl Font {
    pub fn new(data: &'static [u8]) -> Font {
        let face = ttf_parser::Face::parse(data, 0).expect("the built-in font parses");
        Font {
            data,
            face,
            used: BTreeMap::new(),
        }
    }

    pub fn units_per_em(&self) -> f32 {
        f32::from(self.face.units_per_em())
    }

    /// The glyph of `c`, or of "?" where the font has none.
    fn glyph(&self, c: char) -> u16 {
        self.face
            .glyph_index(c)
            .or_else(|| self.face.glyph_index('?'))
            .map_or(0, |g| g.0)
    }

    /// The advance of glyph `g`, in thousandths of the font size.
    pub fn advance(&self, g: u16) -> f32 {
        let units = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(g))
            .map_or(0.0, f32::from);
        units * 1000.0 / self.units_per_em()
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// The glyphs of `text` as the hex string a PDF shows with an Identity-H font, each
    /// glyph noted as used.
    pub fn encode(&mut self, text: &str) -> String {
        let mut hex = String::with_capacity(text.len() * 4);
        for c in text.chars() {
            let g = self.glyph(c);
            self.used.entry(g).or_insert(c);
            hex.push_str(&format!("{g:04X}"));
        }
        hex
    }

    /// Ascent, descent, cap height and bounding box in thousandths, for the descriptor.
    pub fn metrics(&self) -> (f32, f32, f32, [f32; 4]) {
        let k = 1000.0 / self.units_per_em();
        let b = self.face.global_bounding_box();
        (
            f32::from(self.face.ascender()) * k,
            f32::from(self.face.descender()) * k,
            f32::from(self.face.capital_height().unwrap_or(self.face.ascender())) * k,
            [
                f32::from(b.x_min) * k,
                f32::from(b.y_min) * k,
                f32::from(b.x_max) * k,
                f32::from(b.y_max) * k,
            ],
        )
    }

    /// The font file cut down to the used glyphs (see [`subset`]).
    pub fn subset(&self) -> Vec<u8> {
        let keep: BTreeSet<u16> = self.used.keys().copied().collect();
        subset(self.data, &keep).unwrap_or_else(|| self.data.to_vec())
    }
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(at)?, *d.get(at + 1)?]))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *d.get(at)?,
        *d.get(at + 1)?,
        *d.get(at + 2)?,
        *d.get(at + 3)?,
    ]))
}

/// The glyphs a composite glyph is built of.
fn components(glyph: &[u8]) -> Vec<u16> {
    const WORDS: u16 = 0x0001;
    const SCALE: u16 = 0x0008;
    const MORE: u16 = 0x0020;
    const XY_SCALE: u16 = 0x0040;
    const TWO_BY_TWO: u16 = 0x0080;
    let mut out = Vec::new();
    if glyph.len() < 10 || i16::from_be_bytes([glyph[0], glyph[1]]) >= 0 {
        return out;
    }
    let mut at = 10;
    while let (Some(flags), Some(g)) = (u16_at(glyph, at), u16_at(glyph, at + 2)) {
        out.push(g);
        at += 4 + if flags & WORDS != 0 { 4 } else { 2 };
        at += if flags & SCALE != 0 {
            2
        } else if flags & XY_SCALE != 0 {
            4
        } else if flags & TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if flags & MORE == 0 {
            break;
        }
    }
    out
}

/// A TrueType font with every glyph but `keep` (and glyph 0, and the parts of composite
/// glyphs) emptied, and only the tables a PDF viewer draws with. Glyph ids stay as they
/// are, so the pages name glyphs by the font's own ids. `None` if the font is not a
/// TrueType font of the expected shape.
pub fn subset(font: &[u8], keep: &BTreeSet<u16>) -> Option<Vec<u8>> {
    let n_tables = usize::from(u16_at(font, 4)?);
    let mut tables: BTreeMap<[u8; 4], &[u8]> = BTreeMap::new();
    for i in 0..n_tables {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
        let (off, len) = (
            u32_at(font, rec + 8)? as usize,
            u32_at(font, rec + 12)? as usize,
        );
        tables.insert(tag, font.get(off..off + len)?);
    }
    let head = *tables.get(b"head")?;
    let long_loca = i16::from_be_bytes([*head.get(50)?, *head.get(51)?]) == 1;
    let glyphs = usize::from(u16_at(tables.get(b"maxp")?, 4)?);
    let (loca, glyf) = (*tables.get(b"loca")?, *tables.get(b"glyf")?);
    let offset = |g: usize| -> Option<usize> {
        if long_loca {
            u32_at(loca, 4 * g).map(|o| o as usize)
        } else {
            u16_at(loca, 2 * g).map(|o| 2 * usize::from(o))
        }
    };
    let glyph = |g: usize| -> Option<&[u8]> { glyf.get(offset(g)?..offset(g + 1)?) };
    // The glyphs to keep, with the parts of composites, to any depth.
    let mut wanted: BTreeSet<u16> = keep.clone();
    wanted.insert(0);
    let mut todo: Vec<u16> = wanted.iter().copied().collect();
    while let Some(g) = todo.pop() {
        for part in components(glyph(usize::from(g))?) {
            if wanted.insert(part) {
                todo.push(part);
            }
        }
    }
    let (mut new_glyf, mut new_loca) = (Vec::new(), Vec::with_capacity(4 * (glyphs + 1)));
    for g in 0..glyphs {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if wanted.contains(&(g as u16)) {
            new_glyf.extend_from_slice(glyph(g)?);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
    let mut new_head = head.to_vec();
    new_head.get_mut(8..12)?.fill(0); // checkSumAdjustment, not kept up
    new_head
        .get_mut(50..52)?
        .copy_from_slice(&1i16.to_be_bytes());
    let mut out_tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    for tag in [
        b"cvt ", b"fpgm", b"hhea", b"hmtx", b"maxp", b"prep", b"OS/2",
    ] {
        if let Some(t) = tables.get(tag) {
            out_tables.insert(*tag, t.to_vec());
        }
    }
    out_tables.insert(*b"head", new_head);
    out_tables.insert(*b"loca", new_loca);
    out_tables.insert(*b"glyf", new_glyf);
    Some(write_font(&out_tables))
}

/// A font file of `tables` (sorted by tag, each padded to four bytes, with checksums).
fn write_font(tables: &BTreeMap<[u8; 4], Vec<u8>>) -> Vec<u8> {
    let n = tables.len() as u16;
    let mut pow = 1u16;
    let mut log = 0u16;
    while pow * 2 <= n {
        pow *= 2;
        log += 1;
    }
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [n, pow * 16, log, n * 16 - pow * 16] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut at = 12 + 16 * tables.len();
    let mut body = Vec::new();
    for (tag, data) in tables {
        let checksum = data
            .chunks(4)
            .map(|c| {
                let mut w = [0u8; 4];
                w[..c.len()].copy_from_slice(c);
                u32::from_be_bytes(w)
            })
            .fold(0u32, u32::wrapping_add);
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum.to_be_bytes());
        out.extend_from_slice(&(at as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        body.extend_from_slice(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        at = 12 + 16 * tables.len() + body.len();
    }
    out.extend_from_slice(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every letter of Vietnamese has its own glyph in the built-in fonts (no "?").
    #[test]
    fn the_fonts_have_every_vietnamese_letter() {
        let letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ–";
        for data in [REGULAR, BOLD] {
            let face = ttf_parser::Face::parse(data, 0).unwrap();
            for c in letters.chars().chain(letters.to_uppercase().chars()) {
                assert!(face.glyph_index(c).is_some(), "no glyph for {c}");
            }
        }
    }

    #[test]
    fn a_subset_keeps_the_glyphs_used_and_parses() {
        let mut f = Font::new(REGULAR);
        f.encode("Độc lập – Tự do – Hạnh phúc");
        let cut = f.subset();
        assert!(cut.len() < REGULAR.len() / 5, "{} bytes", cut.len());
        let face = ttf_parser::Face::parse(&cut, 0).unwrap();
        let g = f.glyph('Đ');
        assert!(face.glyph_bounding_box(ttf_parser::GlyphId(g)).is_some());
        let unused = f.glyph('Z');
        assert!(face
            .glyph_bounding_box(ttf_parser::GlyphId(unused))
            .is_none());
    }
}
