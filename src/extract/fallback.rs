//! The second extractor, pdf_oxide, for what pdf-extract cannot read: pages
//! on which it errors or panics (fonts with unsupported CMaps or encodings,
//! broken Unicode maps), pages where it finds no text, and documents its
//! parser cannot open at all. Measured on the 82 files of
//! ../shared/pdfs/robustness that pdftotext reads: pdf-extract left 13
//! without text after repair, pdf_oxide reads 12 of them.
//!
//! pdf_oxide gives characters with their origin and advance; they are turned
//! into the same glyphs as pdf-extract's, so layout, furniture removal and
//! segmentation are the same whichever extractor read a page.

use pdf_oxide::PdfDocument;

use super::glyphs::{Glyph, PageGlyphs};

/// Name recorded in `documents.extractor` for pages read this way.
pub(crate) const NAME: &str = "pdf_oxide";

/// A document opened by pdf_oxide.
pub(crate) struct Fallback {
    doc: PdfDocument,
}

impl Fallback {
    pub fn open(bytes: &[u8]) -> Option<Fallback> {
        PdfDocument::from_bytes(bytes.to_vec())
            .ok()
            .map(|doc| Fallback { doc })
    }

    pub(crate) fn page_count(&self) -> usize {
        self.doc.page_count().unwrap_or(0)
    }

    /// The glyphs of a page (0-based index), numbered `number`; `None` when
    /// pdf_oxide cannot read it either.
    pub fn page(&self, index: usize, number: u32) -> Option<PageGlyphs> {
        let (llx, lly, urx, ury) = self.doc.get_page_media_box(index).ok()?;
        let (left, top) = (llx.min(urx) as f64, ury.max(lly) as f64);
        let chars = self.doc.extract_chars(index).ok()?;
        let glyphs = chars
            .iter()
            .map(|c| Glyph {
                x: c.origin_x as f64 - left,
                y: top - c.origin_y as f64,
                size: c.font_size as f64,
                advance: if c.advance_width > 0.0 {
                    c.advance_width as f64
                } else {
                    c.bbox.width as f64
                },
                text: c.char.to_string(),
                bold: c.font_weight as u16 >= 600 || c.font_name.contains("Bold"),
                direction: quarter_turns(c.rotation_degrees),
            })
            .collect();
        Some(PageGlyphs {
            number,
            width: (urx - llx).abs() as f64,
            height: (ury - lly).abs() as f64,
            glyphs,
            skipped: Vec::new(),
        })
    }
}

/// 0 left to right, 1 bottom to top, 2 upside down, 3 top to bottom.
fn quarter_turns(degrees: f32) -> u8 {
    ((degrees.rem_euclid(360.0) / 90.0).round() as u8) % 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotations_map_to_quarter_turns() {
        assert_eq!(quarter_turns(0.0), 0);
        assert_eq!(quarter_turns(90.0), 1);
        assert_eq!(quarter_turns(-90.0), 3);
        assert_eq!(quarter_turns(359.0), 0);
    }
}
