//! The measures of a document's own typography that segmentation rules are
//! relative to: body size, usual line pitch, justification, column edges.

use std::collections::HashMap;

use crate::record::{ExtractedPage, Line};

/// Measures of the document's typography that the rules are relative to.
pub(super) struct Typography {
    pub body_size: f64,
    /// Usual baseline step between two lines of body text.
    pub line_step: f64,
    /// Usual step between the last line of a body paragraph and the first
    /// of the next, when the document sets paragraphs apart by a space
    /// (none when it does not: indents, or no visible spacing).
    pub paragraph_step: Option<f64>,
    /// Most lines reach the right edge: text is justified.
    pub justified: bool,
    /// Left and right edges of the text per (page, column).
    pub edges: HashMap<(u32, u8), (f64, f64)>,
}

/// A line ending before this share of its column's width is short: no
/// word of running text is that long.
const SHORT_LINE: f64 = 0.65;

/// Smallest paragraph spacing (pt) told apart from the line pitch: baselines
/// are exact in a PDF, but rounding and superscripts move them a little.
const MIN_SPACING: f64 = 1.5;

/// The paragraph step: the most frequent body-to-body step clearly above
/// the line pitch and below two pitches, when it recurs (at least 3 times
/// and 2% of the steps): a document that spaces its paragraphs shows it
/// between every two of them.
fn paragraph_step(steps: &HashMap<i64, usize>, line_step: f64) -> Option<f64> {
    let total: usize = steps.values().sum();
    let mut above: HashMap<i64, usize> = HashMap::new();
    for (&k, &n) in steps {
        let step = k as f64 / 4.0;
        if step >= line_step + MIN_SPACING && step < 2.0 * line_step {
            // Half-point bins: a spacing drawn at 3.9 and 4.1 pt is one.
            *above.entry((step * 2.0).round() as i64).or_default() += n;
        }
    }
    above
        .into_iter()
        .filter(|(_, n)| *n >= 3 && *n * 50 >= total)
        .max_by_key(|(k, n)| (*n, -*k))
        .map(|(k, _)| k as f64 / 2.0)
}

impl Typography {
    pub(crate) fn measure(pages: &[ExtractedPage]) -> Typography {
        let lines = || pages.iter().flat_map(|p| p.lines.iter());
        let mut size_weight: HashMap<i64, usize> = HashMap::new();
        for l in lines() {
            *size_weight
                .entry((l.size * 2.0).round() as i64)
                .or_default() += l.text.chars().count();
        }
        let body_size = size_weight
            .iter()
            .max_by_key(|(k, n)| (**n, -**k))
            .map_or(10.0, |(k, _)| *k as f64 / 2.0);
        let is_body = |l: &Line| (l.size - body_size).abs() <= 0.1 * body_size;

        let mut edges: HashMap<(u32, u8), (f64, f64)> = HashMap::new();
        for l in lines().filter(|l| is_body(l)) {
            let e = edges
                .entry((l.page, l.column))
                .or_insert((f64::INFINITY, f64::NEG_INFINITY));
            e.0 = e.0.min(l.x0);
            e.1 = e.1.max(l.x1);
        }
        let mut steps: HashMap<i64, usize> = HashMap::new();
        let (mut full, mut total) = (0usize, 0usize);
        for page in pages {
            for w in page.lines.windows(2) {
                let (a, b) = (&w[0], &w[1]);
                if is_body(a) && is_body(b) && a.column == b.column && b.row != a.row {
                    let step = b.y - a.y;
                    if step > 0.5 * body_size && step < 3.0 * body_size {
                        *steps.entry((step * 4.0).round() as i64).or_default() += 1;
                    }
                }
            }
            for l in page.lines.iter().filter(|l| is_body(l)) {
                if let Some(&(_, right)) = edges.get(&(l.page, l.column)) {
                    total += 1;
                    if l.x1 >= right - 1.0 {
                        full += 1;
                    }
                }
            }
        }
        let line_step = steps
            .iter()
            .max_by_key(|(k, n)| (**n, -**k))
            .map_or(1.2 * body_size, |(k, _)| *k as f64 / 4.0);
        let paragraph_step = paragraph_step(&steps, line_step);
        Typography {
            body_size,
            line_step,
            paragraph_step,
            justified: total > 0 && full * 10 >= total * 4,
            edges,
        }
    }

    /// Above this baseline step (for body size) a line starts a new
    /// paragraph: halfway between the line pitch and the paragraph step the
    /// document shows, or 1.4 line pitches when it shows none.
    pub(crate) fn break_step(&self) -> f64 {
        match self.paragraph_step {
            Some(p) => ((self.line_step + p) / 2.0).max(self.line_step + MIN_SPACING / 2.0),
            None => 1.4 * self.line_step,
        }
    }

    fn edges(&self, l: &Line) -> (f64, f64) {
        self.edges
            .get(&(l.page, l.column))
            .copied()
            .unwrap_or((l.x0, l.x1))
    }

    /// The line is centred in its column: at least `margin` body sizes
    /// from either edge, the two margins within `margin` of each other.
    pub(crate) fn is_centred(&self, l: &Line, margin: f64) -> bool {
        let (left, right) = self.edges(l);
        let (before, after) = (l.x0 - left, right - l.x1);
        let m = margin * self.body_size;
        before >= m && after >= m && (before - after).abs() <= m
    }

    /// The line stops before `SHORT_LINE` of its column's width.
    pub(crate) fn is_short(&self, l: &Line) -> bool {
        let (left, right) = self.edges(l);
        l.x1 < left + SHORT_LINE * (right - left)
    }

    /// The line reaches (nearly) the right edge of its column.
    pub(crate) fn is_full(&self, l: &Line) -> bool {
        let (left, right) = self.edges(l);
        let slack = if self.justified {
            2.0 * l.size
        } else {
            (0.15 * (right - left)).max(3.0 * l.size)
        };
        l.x1 >= right - slack
    }
}
