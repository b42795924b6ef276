//! Rows of glyphs that are one printed line set on wobbling baselines.
//!
//! An OCR text layer places each word where the scan shows it, a few
//! points up or down, so one line comes out as rows whose words interleave
//! ("C'ESTa vec" at 99.7, "grandp laisirq ue" at 102.5, "nous saluons la"
//! at 99.7): without merging them, a scanned page reads as a table of word
//! pieces.

use super::layout::Row;

/// Rows closer than this share of their font size can be one printed line.
const INTERLEAVED_ROW_STEP: f64 = 0.5;
/// Glyphs of two rows may overlap by this share of the font size (the
/// boxes OCR gives its words are loose) and still be side by side.
const OVERLAP_TOLERANCE: f64 = 0.25;

/// Merges consecutive rows (sorted by baseline) that are one line: closer
/// than half a font size, their glyphs never overlapping, their words
/// touching at word spacing (within `fragment_gap` font sizes). Lines of
/// text are a line pitch apart, a superscript overlaps its line or is
/// small (placed apart), and columns side by side are a gutter apart.
pub(super) fn merge_interleaved_rows(rows: Vec<Row<'_>>, fragment_gap: f64) -> Vec<Row<'_>> {
    let mut merged: Vec<Row> = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(last) = merged.last_mut() {
            if interleaved(last, &row, fragment_gap) {
                // The row with more glyphs gives the line its baseline.
                if row.2.len() > last.2.len() {
                    last.0 = row.0;
                }
                last.1 = last.1.max(row.1);
                last.2.extend(row.2);
                continue;
            }
        }
        merged.push(row);
    }
    merged
}

fn interleaved(a: &Row, b: &Row, fragment_gap: f64) -> bool {
    let size = a.1.min(b.1);
    if size <= 0.0 || (b.0 - a.0).abs() > INTERLEAVED_ROW_STEP * size {
        return false;
    }
    let spans = |r: &Row| -> Vec<(f64, f64)> {
        r.2.iter()
            .filter(|g| !g.is_space())
            .map(|g| (g.x, g.right()))
            .collect()
    };
    let (xa, xb) = (spans(a), spans(b));
    let tolerance = OVERLAP_TOLERANCE * size;
    let overlaps = xb.iter().any(|&(l, r)| {
        xa.iter()
            .any(|&(l2, r2)| l < r2 - tolerance && l2 < r - tolerance)
    });
    let touches = xb.iter().any(|&(l, r)| {
        xa.iter()
            .any(|&(l2, r2)| (l - r2).max(l2 - r) <= fragment_gap * size)
    });
    !overlaps && touches
}

#[cfg(test)]
mod tests {
    use crate::extract::glyphs::{Glyph, PageGlyphs};
    use crate::extract::layout::page_lines;
    use crate::extract::layout::tests::text_at;

    /// Words as glyphs 0.5 em wide (10 pt), from `x` on baseline `y`,
    /// `gap` em apart, without space glyphs (as OCR layers and tight
    /// justification draw them).
    fn words(x: f64, y: f64, gap: f64, text: &str) -> Vec<Glyph> {
        let mut glyphs = Vec::new();
        let mut cx = x;
        for word in text.split(' ') {
            glyphs.extend(text_at(cx, y, 10.0, word));
            cx += 5.0 * word.chars().count() as f64 + 10.0 * gap;
        }
        glyphs
    }

    fn texts(glyphs: Vec<Glyph>) -> Vec<String> {
        let page = PageGlyphs {
            number: 1,
            width: 595.0,
            height: 842.0,
            glyphs,
            ..Default::default()
        };
        page_lines(&page, '\'')
            .lines
            .into_iter()
            .map(|l| l.text)
            .collect()
    }

    #[test]
    fn words_of_one_line_on_wobbling_baselines_are_one_line() {
        // An OCR layer: the middle words 2.8 pt lower than those around.
        let mut glyphs = words(50.0, 100.0, 0.3, "Il est");
        glyphs.extend(words(88.0, 102.8, 0.3, "avec grand"));
        glyphs.extend(words(148.0, 100.3, 0.3, "plaisir que"));
        // The next line, a pitch lower, stays a line of its own.
        glyphs.extend(words(50.0, 112.0, 0.3, "nous saluons"));
        assert_eq!(
            texts(glyphs),
            ["Il est avec grand plaisir que", "nous saluons"]
        );
    }

    #[test]
    fn columns_side_by_side_on_offset_baselines_stay_apart() {
        let mut glyphs = Vec::new();
        for row in 0..10 {
            let y = 100.0 + 12.0 * row as f64;
            glyphs.extend(words(50.0, y, 0.3, "la colonne de gauche va jusqu'ici"));
            // The right column's baselines sit 3 pt lower, past a gutter.
            glyphs.extend(words(330.0, y + 3.0, 0.3, "et celle de droite part de là"));
        }
        let got = texts(glyphs);
        assert_eq!(got.len(), 20, "{got:?}");
        assert!(got.iter().all(|t| t.len() < 40), "{got:?}");
    }

    #[test]
    fn tightly_justified_word_spaces_are_still_spaces() {
        // Word spaces of 0.14 em: narrower than the usual 0.15 em.
        let got = texts(words(
            50.0,
            100.0,
            0.14,
            "au titre de la mention explicite faire figurer en ligne",
        ));
        assert_eq!(
            got,
            ["au titre de la mention explicite faire figurer en ligne"]
        );
        // Ordinary spacing is read as before.
        let got = texts(words(50.0, 100.0, 0.3, "au titre de la mention"));
        assert_eq!(got, ["au titre de la mention"]);
    }
}
