//! Collects positioned glyphs from pdf-extract's `OutputDev` callbacks.
//!
//! pdf-extract walks the content stream and reports every character with its
//! text rendering matrix; we keep its position (top-left origin, PDF points),
//! its size and advance, so the layout stage can rebuild lines and columns.

use compact_str::CompactString;
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

/// One character drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    /// Left edge, in points from the page's left edge.
    pub x: f64,
    /// Baseline, in points from the page's top edge.
    pub y: f64,
    /// Font size as drawn (text matrix and CTM applied).
    pub size: f64,
    /// Horizontal advance in points.
    pub advance: f64,
    /// Unicode text of the glyph (may be several characters, e.g. a ligature).
    /// Held inline up to 24 bytes: a page has thousands of glyphs, and a heap
    /// string each was a tenth of the time spent extracting.
    text: CompactString,
    /// Whether `text` is only whitespace: the layout asks for every glyph
    /// several times over.
    space: bool,
    /// Drawn in a bold font.
    pub bold: bool,
    /// Not drawn (text render mode 3 or 7): the text layer an OCR program
    /// lays over a scanned page, or the words our own OCR read from one.
    /// Its glyphs' positions are shares of each word's box, not the font's
    /// widths.
    pub invisible: bool,
    /// Where the page draws it: for a visible glyph, its rank among the
    /// page's visible glyphs in drawing order (from 1); for a space, the
    /// rank of the visible glyph drawn last before it. 0 when the reader
    /// does not say. Glyphs side by side on a line may come from unrelated
    /// parts of the content stream (text laid over other text).
    pub sequence: u32,
    /// Direction of the baseline in quarter turns (0 left to right, 1 bottom
    /// to top, 2 upside down, 3 top to bottom).
    pub direction: u8,
}

impl Glyph {
    pub(crate) fn new(
        x: f64,
        y: f64,
        size: f64,
        advance: f64,
        text: impl Into<CompactString>,
        bold: bool,
        direction: u8,
    ) -> Glyph {
        let text = text.into();
        Glyph {
            x,
            y,
            size,
            advance,
            space: is_whitespace(&text),
            text,
            bold,
            invisible: false,
            sequence: 0,
            direction,
        }
    }
    /// Whether the visible glyph `next` was drawn right after this visible
    /// glyph (spaces aside).
    pub(crate) fn drawn_just_before(&self, next: &Glyph) -> bool {
        self.sequence.checked_add(1) == Some(next.sequence)
    }
    /// The same glyph, not drawn (see `invisible`).
    pub(crate) fn drawn_invisibly(self) -> Glyph {
        Glyph {
            invisible: true,
            ..self
        }
    }
    pub fn right(&self) -> f64 {
        self.x + self.advance
    }
    pub(crate) fn text(&self) -> &str {
        &self.text
    }
    pub(crate) fn set_text(&mut self, text: impl Into<CompactString>) {
        self.text = text.into();
        self.space = is_whitespace(&self.text);
    }
    pub(crate) fn is_space(&self) -> bool {
        self.space
    }
}

fn is_whitespace(text: &str) -> bool {
    match text.as_bytes() {
        // Nearly every glyph: one byte, so ASCII.
        [byte] => char::from(*byte).is_whitespace(),
        _ => text.chars().all(char::is_whitespace),
    }
}

/// The glyphs of one page and its size.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageGlyphs {
    pub number: u32,
    pub width: f64,
    pub height: f64,
    pub glyphs: Vec<Glyph>,
    /// Parts of the page the parser left out, and why (nesting limits).
    pub skipped: Vec<String>,
}

/// An `OutputDev` that records the glyphs of the page being processed.
#[derive(Default)]
pub(crate) struct GlyphCollector {
    page: PageGlyphs,
    origin_x: f64,
    top: f64,
    /// Visible glyphs drawn so far on the page (`Glyph::sequence`).
    visible_drawn: u32,
    /// The most glyphs a page of this document had so far: the next page's
    /// list starts that large instead of being copied as it grows.
    largest_page: usize,
}

impl GlyphCollector {
    /// Hands over the page collected so far and starts empty.
    pub(crate) fn take_page(&mut self) -> PageGlyphs {
        self.largest_page = self.largest_page.max(self.page.glyphs.len());
        std::mem::take(&mut self.page)
    }
}

impl OutputDev for GlyphCollector {
    fn skipped(&mut self, reason: &str) {
        if !self.page.skipped.iter().any(|r| r == reason) {
            self.page.skipped.push(reason.to_string());
        }
    }

    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.page = PageGlyphs {
            number: page_num,
            width: (media_box.urx - media_box.llx).abs(),
            height: (media_box.ury - media_box.lly).abs(),
            glyphs: Vec::with_capacity(self.largest_page),
            skipped: Vec::new(),
        };
        self.visible_drawn = 0;
        self.origin_x = media_box.llx.min(media_box.urx);
        self.top = media_box.ury.max(media_box.lly);
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        self.output_styled_character(trm, width, spacing, font_size, text, false, 0)
    }

    fn output_styled_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
        bold: bool,
        render_mode: i64,
    ) -> Result<(), OutputError> {
        // The rendering matrix excludes the font size: the size as drawn is
        // the font size scaled by the matrix's area factor (robust to rotation).
        let det = trm.m11 * trm.m22 - trm.m12 * trm.m21;
        let size = font_size * det.abs().sqrt();
        if text.is_empty() || !size.is_finite() || size <= 0.0 {
            return Ok(());
        }
        let direction = quarter_turns(trm.m11, trm.m12);
        // Positions are taken in the frame where this glyph's text reads left
        // to right, so sideways text gets lines of its own.
        let (px, py) = (trm.m31 - self.origin_x, trm.m32);
        let (x, y) = match direction {
            0 => (px, self.top - py),
            1 => (py, px),
            2 => (-px, py),
            _ => (-py, -px),
        };
        if !x.is_finite() || !y.is_finite() {
            return Ok(());
        }
        let mut glyph = Glyph::new(x, y, size, (width * size).max(0.0), text, bold, direction);
        // Wraps after 4 billion glyphs on a page: the order is then wrong
        // there, which only stops hidden spaces from being recognised.
        self.visible_drawn = self.visible_drawn.wrapping_add(u32::from(!glyph.space));
        glyph.sequence = self.visible_drawn;
        // Modes 3 (neither filled nor stroked) and 7 (clipping only) draw nothing.
        glyph.invisible = matches!(render_mode, 3 | 7);
        self.page.glyphs.push(glyph);
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// The baseline direction of a text matrix, rounded to quarter turns.
fn quarter_turns(m11: f64, m12: f64) -> u8 {
    // Upright text, nearly every glyph: what the angle below gives for it,
    // without the arctangent.
    if m12 == 0.0 && m11 > 0.0 {
        return 0;
    }
    let angle = m12.atan2(m11).to_degrees().rem_euclid(360.0);
    (((angle + 45.0) / 90.0).floor() as u8) % 4
}
