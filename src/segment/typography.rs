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
    /// Median distance of the steps between body lines from the line pitch
    /// (see `jitter`).
    jitter: f64,
    /// Most lines reach the right edge: text is justified.
    pub justified: bool,
    /// Left and right edges of the text per (page, column).
    pub edges: HashMap<(u32, u8), (f64, f64)>,
    /// Usual baseline step between two lines of each other size (in
    /// half-point bins) that shows enough lines of its own: a producer
    /// may set a quote, a note or a code excerpt with a leading of its own
    /// rather than one in proportion to the body's.
    pitch_by_size: HashMap<i64, f64>,
    /// Where the body text of a full page ends: the upper quartile, over
    /// pages with at least `FULL_PAGE_LINES` body lines, of their lowest
    /// body line (pages with notes, or whose last lines moved on, end
    /// higher; none with fewer than `MIN_FULL_PAGES` such pages).
    text_bottom: Option<f64>,
    /// The lowest line of any kind per (page, column).
    lowest: HashMap<(u32, u8), f64>,
}

/// A page with this many body lines is full of text.
const FULL_PAGE_LINES: usize = 10;
/// Fewest steps under wrapped lines that tell the line pitch by
/// themselves.
const MIN_STEPS_AFTER_WRAP: usize = 5;
/// Fewest full pages that tell where the text usually ends.
const MIN_FULL_PAGES: usize = 3;

/// The upper quartile of the lowest body line of the full pages, and the lowest
/// line of any kind of every page and column.
fn bottoms(
    pages: &[ExtractedPage],
    is_body: impl Fn(&Line) -> bool,
) -> (Option<f64>, HashMap<(u32, u8), f64>) {
    let mut lowest: HashMap<(u32, u8), f64> = HashMap::new();
    let mut full_page_bottoms = Vec::new();
    for page in pages {
        let body: Vec<f64> = page
            .lines
            .iter()
            .filter(|l| is_body(l))
            .map(|l| l.y)
            .collect();
        if body.len() >= FULL_PAGE_LINES {
            full_page_bottoms.push(body.iter().copied().fold(f64::NEG_INFINITY, f64::max));
        }
        for l in &page.lines {
            let low = lowest
                .entry((l.page, l.column))
                .or_insert(f64::NEG_INFINITY);
            *low = low.max(l.y);
        }
    }
    full_page_bottoms.sort_by(f64::total_cmp);
    let text_bottom = (full_page_bottoms.len() >= MIN_FULL_PAGES)
        .then(|| full_page_bottoms[full_page_bottoms.len() * 3 / 4]);
    (text_bottom, lowest)
}

/// A line ending before this share of its column's width is short: no
/// word of running text is that long.
const SHORT_LINE: f64 = 0.65;
/// A word space and a margin for the estimated word width (in font sizes):
/// room a word needs beyond its own width to fit at a line's end.
const WORD_SPACE_AND_SLACK: f64 = 0.6;

/// Smallest paragraph spacing (pt) told apart from the line pitch: baselines
/// are exact in a PDF, but rounding and superscripts move them a little.
const MIN_SPACING: f64 = 1.5;

/// Steps within this share of the line pitch are the pitch itself, set a
/// little off (when measuring how far off the document sets it).
const PITCH_BAND: f64 = 0.25;
/// A spacing between paragraphs is at least this many times the
/// document's jitter above the line pitch.
const JITTER_SPACINGS: f64 = 3.0;

/// How far the steps between lines of body text stray from the line
/// pitch: the median distance, nothing in a PDF drawn by a program, a
/// point or so in the text layer of a scan, whose OCR places each word
/// where the page shows it. (The median, so that the spacing between
/// paragraphs, a minority of the steps, does not count.)
fn jitter(steps: &HashMap<i64, usize>, line_step: f64) -> f64 {
    let mut deviations: Vec<(f64, usize)> = steps
        .iter()
        .map(|(&k, &count)| ((k as f64 / 4.0 - line_step).abs(), count))
        .filter(|(d, _)| *d <= PITCH_BAND * line_step)
        .collect();
    deviations.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = deviations.iter().map(|(_, n)| n).sum::<usize>().div_ceil(2);
    let mut seen = 0;
    for (d, n) in deviations {
        seen += n;
        if seen >= half {
            return d;
        }
    }
    0.0
}

/// The smallest spacing told apart from the line pitch: `MIN_SPACING`, or
/// more when the document's lines stray from their pitch.
fn spacing_floor(jitter: f64) -> f64 {
    MIN_SPACING.max(JITTER_SPACINGS * jitter)
}

/// The paragraph step: the most frequent body-to-body step clearly above
/// the line pitch and below two pitches, when it recurs (at least 3 times
/// and 2% of the steps): a document that spaces its paragraphs shows it
/// between every two of them.
fn paragraph_step(steps: &HashMap<i64, usize>, line_step: f64, jitter: f64) -> Option<f64> {
    let total: usize = steps.values().sum();
    let mut above: HashMap<i64, usize> = HashMap::new();
    for (&k, &n) in steps {
        let step = k as f64 / 4.0;
        if step >= line_step + spacing_floor(jitter) && step < 2.0 * line_step {
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

/// Fewest steps between two lines of one size that tell its own pitch.
const MIN_PITCH_STEPS: usize = 5;

fn size_bin(size: f64) -> i64 {
    (size * 2.0).round() as i64
}

/// The line pitch of wrapped lines of each size other than the body's: the
/// most frequent step to a line that goes on with the sentence above, for
/// each size that shows at least `MIN_PITCH_STEPS` such steps, the most
/// frequent (within half a point) making half of them.
fn pitch_by_size(pages: &[ExtractedPage], body_size: f64) -> HashMap<i64, f64> {
    let mut steps: HashMap<i64, HashMap<i64, usize>> = HashMap::new();
    for page in pages {
        for w in page.lines.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let bin = size_bin(a.size);
            // Only a line that visibly goes on with the sentence above
            // (in lower case, or after a hyphen) tells the pitch of
            // wrapped lines; one-line items set apart do not.
            let wrapped = b.text.chars().next().is_some_and(char::is_lowercase)
                || a.text.ends_with(['-', '\u{AD}']);
            if bin != size_bin(b.size) || a.column != b.column || a.row == b.row || !wrapped {
                continue;
            }
            let step = b.y - a.y;
            if step > 0.5 * a.size && step < 3.0 * a.size {
                *steps
                    .entry(bin)
                    .or_default()
                    .entry((step * 4.0).round() as i64)
                    .or_default() += 1;
            }
        }
    }
    steps
        .into_iter()
        .filter(|(bin, _)| (*bin as f64 / 2.0 - body_size).abs() > 0.1 * body_size)
        .filter_map(|(bin, counts)| {
            let total: usize = counts.values().sum();
            // Steps within half a point of one another are one pitch
            // (16.0 and 16.25 pt, as rounding leaves them).
            let near = |k: i64| {
                (k - 2..=k + 2)
                    .filter_map(|j| counts.get(&j))
                    .sum::<usize>()
            };
            let (mode, n) = counts
                .keys()
                .map(|&k| (k, near(k)))
                .max_by_key(|&(k, n)| (n, -k))?;
            (total >= MIN_PITCH_STEPS && n * 2 >= total).then_some((bin, mode as f64 / 4.0))
        })
        .collect()
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
        // The steps under lines that wrapped (the next line's first word
        // would not have fitted at their end): these are the line pitch
        // even in a text made mostly of one-line paragraphs.
        let mut steps_after_wrap: HashMap<i64, usize> = HashMap::new();
        let (mut full, mut total) = (0usize, 0usize);
        for page in pages {
            for w in page.lines.windows(2) {
                let (a, b) = (&w[0], &w[1]);
                // Lines of one size: a heading set a point above the
                // body, and the space under it, are not the body's pitch.
                let same_size = (a.size - b.size).abs() <= 0.05 * body_size;
                if is_body(a) && is_body(b) && same_size && a.column == b.column && b.row != a.row {
                    let step = b.y - a.y;
                    if step > 0.5 * body_size && step < 3.0 * body_size {
                        let bin = (step * 4.0).round() as i64;
                        *steps.entry(bin).or_default() += 1;
                        let wrapped = edges
                            .get(&(a.page, a.column))
                            .is_some_and(|&(_, right)| !word_fits_before(right, a, b));
                        if wrapped {
                            *steps_after_wrap.entry(bin).or_default() += 1;
                        }
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
        let most_frequent = |steps: &HashMap<i64, usize>| {
            steps
                .iter()
                .max_by_key(|(k, n)| (**n, -**k))
                .map(|(k, _)| *k as f64 / 4.0)
        };
        let line_step = if steps_after_wrap.values().sum::<usize>() >= MIN_STEPS_AFTER_WRAP {
            most_frequent(&steps_after_wrap)
        } else {
            most_frequent(&steps)
        }
        .unwrap_or(1.2 * body_size);
        let (text_bottom, lowest) = bottoms(pages, is_body);
        let jitter = jitter(&steps, line_step);
        let paragraph_step = paragraph_step(&steps, line_step, jitter);
        Typography {
            body_size,
            line_step,
            paragraph_step,
            jitter,
            justified: total > 0 && full * 10 >= total * 4,
            edges,
            pitch_by_size: pitch_by_size(pages, body_size),
            text_bottom,
            lowest,
        }
    }

    /// Room left under the line at the foot of its page or column, in
    /// line pitches: how far above the usual end of the text it stops,
    /// when nothing else (a note, a caption, the text of its column or a
    /// line across the columns) is set under it. 0 when something is, or
    /// when the document does not tell where its text ends.
    pub(crate) fn room_below(&self, l: &Line) -> f64 {
        let Some(bottom) = self.text_bottom else {
            return 0.0;
        };
        let below = |column: u8| {
            self.lowest
                .get(&(l.page, column))
                .is_some_and(|&low| low > l.y + 0.5 * l.size)
        };
        if below(l.column) || (l.column != 0 && below(0)) {
            return 0.0;
        }
        ((bottom - l.y) / self.line_step).max(0.0)
    }

    /// The usual line pitch of text set at `size`: its own when the
    /// document shows enough of it, else the body's in proportion.
    pub(crate) fn pitch(&self, size: f64) -> f64 {
        if (size - self.body_size).abs() <= 0.1 * self.body_size {
            return self.line_step;
        }
        self.pitch_by_size
            .get(&size_bin(size))
            .copied()
            .unwrap_or(self.line_step * size / self.body_size)
    }

    /// The smallest difference between two baseline steps that says one
    /// is wider (`MIN_SPACING`, or more in a text layer whose lines stray).
    pub(crate) fn min_spacing(&self) -> f64 {
        spacing_floor(self.jitter)
    }

    /// Above this baseline step a line of `size` starts a new paragraph:
    /// `break_step` for the body, in the same proportion to the size's own
    /// pitch for other sizes.
    pub(crate) fn break_step_at(&self, size: f64) -> f64 {
        self.break_step() / self.line_step * self.pitch(size)
    }

    /// Above this baseline step (for body size) a line starts a new
    /// paragraph: halfway between the line pitch and the paragraph step the
    /// document shows, or 1.4 line pitches when it shows none.
    pub(crate) fn break_step(&self) -> f64 {
        match self.paragraph_step {
            Some(p) => {
                ((self.line_step + p) / 2.0).max(self.line_step + spacing_floor(self.jitter) / 2.0)
            }
            None => (1.4 * self.line_step).max(self.line_step + spacing_floor(self.jitter)),
        }
    }

    fn edges(&self, l: &Line) -> (f64, f64) {
        self.edges
            .get(&(l.page, l.column))
            .copied()
            .unwrap_or((l.x0, l.x1))
    }

    /// Left edge of the text of the line's column.
    pub(crate) fn left_edge(&self, l: &Line) -> f64 {
        self.edges(l).0
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

    /// The first word of `next` would have fitted at the end of `l`, after
    /// a word space: text wraps only when the next word no longer fits, so
    /// a line that stops with room for it was ended on purpose (its
    /// paragraph ended). The word's width is taken from `next`'s mean
    /// character width, which its stretched spaces, if any, only widen.
    pub(crate) fn next_word_fits(&self, l: &Line, next: &Line) -> bool {
        word_fits_before(self.edges(l).1, l, next)
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

/// Characters of the text that opens `text` and cannot be parted at a line
/// end: its first word, with the marks French sets apart by a no-break
/// space ("« avant", "témoigne :", "vrai ?") and the words that follow
/// them.
/// `next_word_fits` against a given right edge.
fn word_fits_before(right: f64, l: &Line, next: &Line) -> bool {
    let chars = next.text.chars().count();
    let word = first_unbreakable(&next.text);
    if word == 0 {
        return false;
    }
    let char_width = (next.x1 - next.x0) / chars as f64;
    let needed = char_width * word as f64 + WORD_SPACE_AND_SLACK * l.size;
    right - l.x1 >= needed
}

fn first_unbreakable(text: &str) -> usize {
    let mut words = text.split_whitespace().peekable();
    let Some(mut word) = words.next() else {
        return 0;
    };
    let mut count = word.chars().count();
    let is_mark = |w: &str| w.chars().all(|c| !c.is_alphanumeric());
    while let Some(&following) = words.peek() {
        if !(is_mark(word) || is_mark(following)) {
            break;
        }
        count += 1 + following.chars().count();
        word = following;
        words.next();
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = "Le contrat de ville a réuni les partenaires autour de trois piliers et de";

    #[test]
    fn the_line_pitch_is_read_under_wrapped_lines_when_one_line_paragraphs_outnumber_them() {
        // Eight one-line paragraphs 1.6 pitches apart, five paragraphs of
        // two lines (a full line wrapped onto a short one) one pitch apart:
        // the step seen most is the spacing, the pitch is the wrap's.
        let mut rows = Vec::new();
        for _ in 0..8 {
            rows.push((1.6, 11.0, "Une remarque sur une seule ligne."));
        }
        for _ in 0..5 {
            rows.push((1.6, 11.0, FULL));
            rows.push((1.0, 11.0, "et des moyens."));
        }
        let typo = Typography::measure(&[ExtractedPage::at_margin(1, 14.0, &rows)]);
        assert!((typo.line_step - 14.0).abs() < 0.3, "{}", typo.line_step);
        // Without enough wrapped lines to tell, the most frequent step.
        let typo = Typography::measure(&[ExtractedPage::at_margin(1, 14.0, &rows[..10])]);
        assert!((typo.line_step - 22.4).abs() < 0.3, "{}", typo.line_step);
    }
}
