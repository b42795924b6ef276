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

use compact_str::ToCompactString;
use pdf_oxide::PdfDocument;

use super::glyphs::{Glyph, PageGlyphs};

/// Name recorded in `documents.extractor` for pages read this way.
pub(crate) const NAME: &str = "pdf_oxide";

/// A document opened by pdf_oxide.
pub(crate) struct Fallback {
    doc: PdfDocument,
}

/// Deepest nesting of direct objects (dictionaries and arrays written inside
/// one another) that pdf_oxide is given. Its object parser recurses once per
/// level without a limit: 20,000 levels overflow an 8 MB stack and abort the
/// process. Real files stay under a few dozen levels.
pub(crate) const MAX_NESTING: usize = 100;

impl Fallback {
    /// Opens the document; `Err` says why pdf_oxide was not used.
    pub fn open(bytes: &[u8]) -> Result<Fallback, String> {
        if nesting_exceeds(bytes, MAX_NESTING) {
            return Err(format!(
                "{NAME} not tried: objects nested deeper than {MAX_NESTING} levels"
            ));
        }
        PdfDocument::from_bytes(bytes.to_vec())
            .map(|doc| Fallback { doc })
            .map_err(|e| format!("{NAME} cannot open it: {e}"))
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
            .map(|c| {
                Glyph::new(
                    c.origin_x as f64 - left,
                    top - c.origin_y as f64,
                    c.font_size as f64,
                    if c.advance_width > 0.0 {
                        c.advance_width as f64
                    } else {
                        c.bbox.width as f64
                    },
                    c.char.to_compact_string(),
                    c.font_weight as u16 >= 600 || c.font_name.contains("Bold"),
                    quarter_turns(c.rotation_degrees),
                )
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

/// Whether dictionaries and arrays are written more than `limit` levels
/// inside one another anywhere in the file, read lexically: comments,
/// literal and hex strings and stream data are skipped.
pub(crate) fn nesting_exceeds(bytes: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                while i < bytes.len() && !matches!(bytes[i], b'\r' | b'\n') {
                    i += 1;
                }
            }
            b'(' => {
                let mut open = 0usize;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 1,
                        b'(' => open += 1,
                        b')' => {
                            open -= 1;
                            if open == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 1;
            }
            b'<' => {
                while i < bytes.len() && bytes[i] != b'>' {
                    i += 1;
                }
            }
            b'>' if bytes.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b's' if bytes[i..].starts_with(b"stream")
                && (i == 0 || !bytes[i - 1].is_ascii_alphabetic())
                && matches!(bytes.get(i + 6), Some(b'\r' | b'\n')) =>
            {
                // Stream data may hold anything: on to its end.
                let rest = &bytes[i + 6..];
                i += 6 + rest
                    .windows(9)
                    .position(|w| w == b"endstream")
                    .map_or(rest.len(), |p| p + 9);
                continue;
            }
            _ => {}
        }
        if depth > limit {
            return true;
        }
        i += 1;
    }
    false
}

/// 0 left to right, 1 bottom to top, 2 upside down, 3 top to bottom.
fn quarter_turns(degrees: f32) -> u8 {
    ((degrees.rem_euclid(360.0) / 90.0).round() as u8) % 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_read_outside_strings_comments_and_streams() {
        let deep = format!(
            "1 0 obj {}{} endobj",
            "<< /A ".repeat(150),
            ">>".repeat(150)
        );
        assert!(nesting_exceeds(deep.as_bytes(), MAX_NESTING));
        let arrays = format!("{}{}", "[".repeat(101), "]".repeat(101));
        assert!(nesting_exceeds(arrays.as_bytes(), MAX_NESTING));
        let hidden = format!(
            "({}) % {}\n<< /Length 300 >>\nstream\n{}\nendstream\n<48656c6c6f> [ [ ] ]",
            "[".repeat(150),
            "<<".repeat(150),
            "<<".repeat(150)
        );
        assert!(!nesting_exceeds(hidden.as_bytes(), MAX_NESTING));
        // "endstream" is not the start of a stream.
        let after = format!("stream\nxx\nendstream\n{}", "[".repeat(101));
        assert!(nesting_exceeds(after.as_bytes(), MAX_NESTING));
        // Unbalanced closers do not hide a later deep run.
        let closers = format!("]]]>> >> {}", "[".repeat(101));
        assert!(nesting_exceeds(closers.as_bytes(), MAX_NESTING));
    }

    #[test]
    fn rotations_map_to_quarter_turns() {
        assert_eq!(quarter_turns(0.0), 0);
        assert_eq!(quarter_turns(90.0), 1);
        assert_eq!(quarter_turns(-90.0), 3);
        assert_eq!(quarter_turns(359.0), 0);
    }
}
