//! The PDF file itself: numbered objects, compressed streams, the two fonts as Type 0
//! fonts over their TrueType glyphs (Identity-H, glyph ids as character codes) with a
//! ToUnicode map so that the text can be searched and copied, and the cross-reference
//! table. Written for what the printed report needs, not as a general PDF library.

use super::font::Font;
use std::io::Write;

pub const A4: (f32, f32) = (595.28, 841.89);

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// A stream object's bytes: its dictionary (with `extra` entries) and compressed data.
fn stream(data: &[u8], extra: &str) -> Vec<u8> {
    let packed = deflate(data);
    let mut out = format!(
        "<< /Length {} /Filter /FlateDecode{extra} >>\nstream\n",
        packed.len()
    )
    .into_bytes();
    out.extend_from_slice(&packed);
    out.extend_from_slice(b"\nendstream");
    out
}

/// A text string of the document's information dictionary (UTF-16 with its mark).
fn text_string(s: &str) -> String {
    let mut hex = String::from("<FEFF");
    for unit in s.encode_utf16() {
        hex.push_str(&format!("{unit:04X}"));
    }
    hex.push('>');
    hex
}

/// The ToUnicode map of a font: each glyph used, and the character it stands for.
fn to_unicode(font: &Font) -> Vec<u8> {
    let mut map = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let used: Vec<(&u16, &char)> = font.used.iter().collect();
    for chunk in used.chunks(100) {
        map.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (g, c) in chunk {
            let mut utf16 = [0u16; 2];
            let units: String = c
                .encode_utf16(&mut utf16)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            map.push_str(&format!("<{g:04X}> <{units}>\n"));
        }
        map.push_str("endbfchar\n");
    }
    map.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    map.into_bytes()
}

/// The five objects of one font, numbered from `first`: the Type 0 font, its CID font,
/// descriptor, font file and ToUnicode map.
fn font_objects(font: &Font, first: usize, name: &str, stem: u32) -> Vec<Vec<u8>> {
    let (cid, desc, file, map) = (first + 1, first + 2, first + 3, first + 4);
    // A subset's name starts with six capitals, made here from the glyphs it holds.
    let tag: String = {
        let mut h: u32 = 2166136261;
        for g in font.used.keys() {
            h = (h ^ u32::from(*g)).wrapping_mul(16777619);
        }
        (0..6)
            .map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8))
            .collect()
    };
    let base = format!("{tag}+{name}");
    let widths: String = font
        .used
        .keys()
        .map(|g| format!("{g} [{:.0}]", font.advance(*g)))
        .collect::<Vec<_>>()
        .join(" ");
    let (ascent, descent, cap, bbox) = font.metrics();
    let data = font.subset();
    vec![
        format!("<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H /DescendantFonts [{cid} 0 R] /ToUnicode {map} 0 R >>").into_bytes(),
        format!("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {desc} 0 R /DW 0 /W [{widths}] /CIDToGIDMap /Identity >>").into_bytes(),
        format!("<< /Type /FontDescriptor /FontName /{base} /Flags 34 /FontBBox [{:.0} {:.0} {:.0} {:.0}] /ItalicAngle 0 /Ascent {ascent:.0} /Descent {descent:.0} /CapHeight {cap:.0} /StemV {stem} /FontFile2 {file} 0 R >>", bbox[0], bbox[1], bbox[2], bbox[3]).into_bytes(),
        stream(&data, &format!(" /Length1 {}", data.len())),
        stream(&to_unicode(font), ""),
    ]
}

/// The PDF file of `pages` (each page's content stream), drawn with `fonts` (regular as
/// /F1, bold as /F2).
pub fn file(pages: &[String], fonts: [&Font; 2], title: &str) -> Vec<u8> {
    // 1 catalog, 2 page tree, 3 information, 4–8 and 9–13 the fonts, then per page its
    // object and its content.
    let first_page = 14;
    let kids: String = (0..pages.len())
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect::<Vec<_>>()
        .join(" ");
    let mut objects: Vec<Vec<u8>> = vec![
        // The language tag: a screen reader reads the document in Vietnamese.
        b"<< /Type /Catalog /Pages 2 0 R /Lang (vi-VN) >>".to_vec(),
        format!("<< /Type /Pages /Kids [{kids}] /Count {} >>", pages.len()).into_bytes(),
        format!(
            "<< /Title {} /Producer (donghanh) /Creator (donghanh) >>",
            text_string(title)
        )
        .into_bytes(),
    ];
    objects.extend(font_objects(fonts[0], 4, "LiberationSerif", 80));
    objects.extend(font_objects(fonts[1], 9, "LiberationSerif-Bold", 140));
    for (i, content) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Resources << /Font << /F1 4 0 R /F2 9 0 R >> >> /Contents {} 0 R >>",
                A4.0,
                A4.1,
                first_page + 2 * i + 1
            )
            .into_bytes(),
        );
        objects.push(stream(content.as_bytes(), ""));
    }
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 3 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
