//! Rebuilds lines from glyph positions and puts them in reading order.
//!
//! Glyphs are grouped into rows by baseline, rows are cut into fragments at
//! wide horizontal gaps (column gutters, table cells, tab stops), superscript
//! footnote markers are detached, and fragments are ordered column by column:
//! a full-width fragment (a heading across both columns) closes the band of
//! columns above it.

use super::accents::{combining_mark, compose_accents};
use super::baselines::merge_interleaved_rows;
use super::columns::{assign_columns, find_gutter, order_lines};
use super::glyphs::{Glyph, PageGlyphs};
use super::spaces::{hidden_space, HiddenSpace};
use crate::record::Line;
use crate::text::{self, clean_text};

/// Wider gaps than this (in font sizes) cut a row into fragments.
const FRAGMENT_GAP: f64 = 1.5;
/// Wider gaps than this (in font sizes) are word spaces, or than the
/// tight gap in a line whose words would otherwise run together (more than
/// 12 letters a word; tight justification sets word spaces of 0.14 em).
const WORD_GAP: f64 = 0.15;
const TIGHT_WORD_GAP: (f64, usize) = (0.1, 12);
/// Raised digits and note signs below this size (of the text's) are
/// footnote markers.
const MARKER_SIZE: f64 = 0.85;

fn is_marker_glyph(g: &Glyph) -> bool {
    g.text()
        .chars()
        .all(|c| c.is_ascii_digit() || "*†‡§°".contains(c))
}

/// Below this gap (in font sizes) a hyphen that ends a line belongs to the
/// word before it.
const LINE_END_HYPHEN_GAP: f64 = 0.3;

/// Whether glyph `i` is a hyphen with nothing visible after it on its line.
fn is_line_end_hyphen(glyphs: &[&Glyph], i: usize) -> bool {
    matches!(glyphs[i].text(), "-" | "\u{2010}" | "\u{00AD}")
        && glyphs[i + 1..].iter().all(|g| g.is_space())
}

fn is_letter(g: &Glyph) -> bool {
    g.text().chars().last().is_some_and(char::is_alphabetic)
}

/// The page's lines in reading order, how many columns they form, and the
/// page's (width, height) in the frame its text reads in.
pub(crate) struct PageLayout {
    pub lines: Vec<Line>,
    pub columns: u8,
    /// A page whose text runs sideways (a landscape page drawn on a
    /// portrait sheet and turned by /Rotate) is as wide as the sheet is
    /// high: its header and footer bands are measured that way round.
    pub width: f64,
    pub height: f64,
}

/// Builds the page's lines in reading order.
pub(crate) fn page_lines(page: &PageGlyphs, apostrophe: char) -> PageLayout {
    // Text is read in the page's main direction; sideways margin notes and
    // rotated labels in charts would otherwise scatter letters into lines.
    let mut per_direction = [0usize; 4];
    for g in &page.glyphs {
        per_direction[g.direction as usize % 4] += 1;
    }
    let main = (0..4)
        .max_by_key(|&d| (per_direction[d], d == 0))
        .unwrap_or(0) as u8;
    let glyphs: Vec<&Glyph> = page.glyphs.iter().filter(|g| g.direction == main).collect();
    let (width, height) = if main % 2 == 1 {
        (page.height, page.width)
    } else {
        (page.width, page.height)
    };
    let rows = group_rows(&glyphs);
    let gutter = find_gutter(&rows, width, height);
    let mut lines = Vec::new();
    for (row_index, row) in rows.iter().enumerate() {
        for fragment in split_fragments(row, gutter) {
            if let Some(line) = build_line(page.number, row_index, &fragment, apostrophe) {
                lines.push(line);
            }
        }
    }
    merge_lone_markers(&mut lines);
    let columns = assign_columns(&mut lines, width, height);
    order_lines(&mut lines);
    PageLayout {
        lines,
        columns,
        width,
        height,
    }
}

/// Groups glyphs into rows sharing a baseline (see `add_to_rows`).
///
/// Small raised glyphs (footnote markers, "er" of "1er") are placed after
/// the rows are built, on the row just below them that has text beside
/// them: in two columns, the marker's baseline may otherwise sit as close to
/// the other column's line as to its own.
fn group_rows<'a>(glyphs: &[&'a Glyph]) -> Vec<Vec<&'a Glyph>> {
    let reference = median(glyphs.iter().filter(|g| !g.is_space()).map(|g| g.size));
    // Spacing accents are placed like small glyphs: over a capital, TeX
    // raises them above the line they belong to.
    // Footnote numbers are smaller still in most producers; some (reportlab)
    // set them at 0.8 of the text, raised off its baseline.
    let is_small = |g: &Glyph| {
        !g.is_space()
            && (g.size < 0.7 * reference
                || (g.size < MARKER_SIZE * reference && is_marker_glyph(g))
                || combining_mark(g.text()).is_some())
    };
    let (mut small, mut sorted): (Vec<&Glyph>, Vec<&Glyph>) =
        glyphs.iter().copied().partition(|g| is_small(g));
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Row> = Vec::new();
    for g in sorted {
        add_to_rows(&mut rows, g);
    }
    small.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut unplaced: Vec<Row> = Vec::new();
    for g in small {
        let accent = combining_mark(g.text()).is_some();
        let center = g.x + g.advance / 2.0;
        let host = rows
            .iter()
            .enumerate()
            .filter(|(_, (base, size, members))| {
                let beside = |m: &&Glyph| {
                    if accent {
                        center > m.x - 0.1 * size && center < m.right() + 0.1 * size
                    } else {
                        (m.x - g.right()).abs().min((g.x - m.right()).abs()) < 2.0 * size
                    }
                };
                g.y <= base + 0.2 * size
                    && base - g.y <= if accent { 1.0 } else { 0.6 } * size
                    && members.iter().any(|m| !m.is_space() && beside(m))
            })
            .min_by(|a, b| (a.1 .0 - g.y).abs().total_cmp(&(b.1 .0 - g.y).abs()))
            .map(|(i, _)| i);
        match host {
            Some(i) => rows[i].2.push(g),
            None => add_to_rows(&mut unplaced, g),
        }
    }
    rows.extend(unplaced);
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    merge_interleaved_rows(rows, FRAGMENT_GAP)
        .into_iter()
        .map(|(_, _, mut members)| {
            members.sort_by(|a, b| a.x.total_cmp(&b.x));
            members
        })
        .collect()
}

pub(super) type Row<'a> = (f64, f64, Vec<&'a Glyph>);

/// Adds a glyph to the last row when it sits on the row's baseline, else
/// starts a row. Glyphs come sorted by baseline. Text of any size on one line
/// shares its baseline, so the tolerance is a quarter of the smaller size:
/// wider, a heading beside a column would chain two lines of the other
/// column into one row.
fn add_to_rows<'a>(rows: &mut Vec<Row<'a>>, g: &'a Glyph) {
    match rows.last_mut() {
        Some((base, size, members))
            if (g.y - *base).abs()
                <= 0.25
                    * if *size > 0.0 {
                        size.min(g.size)
                    } else {
                        g.size
                    } =>
        {
            if g.size > *size && !g.is_space() {
                *size = g.size;
                *base = g.y;
            }
            members.push(g);
        }
        _ => rows.push((g.y, if g.is_space() { 0.0 } else { g.size }, vec![g])),
    }
}

/// Cuts a row (sorted by x) at gaps wider than `FRAGMENT_GAP` font sizes
/// and at the page's column gutter.
fn split_fragments<'a>(row: &[&'a Glyph], gutter: Option<f64>) -> Vec<Vec<&'a Glyph>> {
    let mut fragments: Vec<Vec<&Glyph>> = Vec::new();
    let mut last_right: Option<f64> = None;
    for &g in row {
        if g.is_space() {
            if let Some(f) = fragments.last_mut() {
                f.push(g);
            }
            continue;
        }
        let cut = match last_right {
            Some(right) => {
                g.x - right > FRAGMENT_GAP * g.size
                    || gutter.is_some_and(|x| right <= x && g.x >= x)
            }
            None => true,
        };
        if cut {
            fragments.push(Vec::new());
        }
        fragments
            .last_mut()
            .expect("a fragment was just pushed")
            .push(g);
        last_right = Some(last_right.map_or(g.right(), |r: f64| r.max(g.right())));
    }
    fragments
}

/// Text, box and size of one fragment; detaches superscript footnote markers.
fn build_line(page: u32, row: usize, glyphs: &[&Glyph], apostrophe: char) -> Option<Line> {
    let line = read_line((page, row), glyphs, apostrophe, WORD_GAP)?;
    let letters = line.text.chars().filter(|c| c.is_alphabetic()).count();
    if letters > TIGHT_WORD_GAP.1 * line.text.split_whitespace().count() {
        return read_line((page, row), glyphs, apostrophe, TIGHT_WORD_GAP.0);
    }
    Some(line)
}

/// `build_line` with gaps wider than `word_gap` font sizes as word spaces.
fn read_line(at: (u32, usize), glyphs: &[&Glyph], apostrophe: char, word_gap: f64) -> Option<Line> {
    let (page, row) = at;
    // Accents drawn apart are rare: copy the glyphs only when there is one.
    let (composed, composed_refs);
    let glyphs = if glyphs.iter().any(|g| combining_mark(g.text()).is_some()) {
        composed = compose_accents(glyphs);
        composed_refs = composed.iter().collect::<Vec<&Glyph>>();
        composed_refs.as_slice()
    } else {
        glyphs
    };
    let visible: Vec<&Glyph> = glyphs.iter().copied().filter(|g| !g.is_space()).collect();
    if visible.is_empty() {
        return None;
    }
    let size = dominant_size(&visible);
    let baseline = median(
        visible
            .iter()
            .filter(|g| g.size >= 0.85 * size)
            .map(|g| g.y),
    );
    let is_superscript = |g: &Glyph| {
        !g.is_space()
            && g.y < baseline - 0.15 * size
            && (g.size < 0.8 * size || (g.size < MARKER_SIZE * size && is_marker_glyph(g)))
    };

    let mut raw = String::new();
    let mut last: Option<&Glyph> = None;
    // Right edge of what was last drawn, markers included, so that
    // "agglomération¹." does not get a space before its full stop.
    let mut last_right = f64::NEG_INFINITY;
    // The first space glyph drawn since the last visible glyph, if any.
    let mut pending_space: Option<&Glyph> = None;
    // A space drawn after the last glyph but placed before it (`HiddenSpace`).
    let mut owed_space = false;
    // Where the text of the last glyph starts in `raw`.
    let mut last_start = 0;
    let mut starts_with_marker = false;
    // Where the opening bold words end, when plain glyphs follow them.
    let mut bold_so_far = true;
    let mut lead_end: Option<usize> = None;
    let mut i = 0;
    while i < glyphs.len() {
        let g = glyphs[i];
        if g.is_space() {
            if last.is_some() && pending_space.is_none() {
                pending_space = Some(g);
            }
            i += 1;
            continue;
        }
        if is_superscript(g) {
            // A run of raised small glyphs: a footnote marker when it is made of
            // digits or symbols ("femmes¹"); kept when it is letters, as in "1er".
            let start = i;
            while i < glyphs.len() && is_superscript(glyphs[i]) {
                i += 1;
            }
            let run: String = glyphs[start..i].iter().map(|g| g.text()).collect();
            let is_marker = run
                .chars()
                .all(|c| c.is_ascii_digit() || "*†‡§°".contains(c) || c == ',');
            if is_marker {
                if last.is_none() {
                    starts_with_marker = true;
                }
                last_right = glyphs[start..i]
                    .iter()
                    .map(|g| g.right())
                    .fold(last_right, f64::max);
                continue;
            }
            for g in &glyphs[start..i] {
                raw.push_str(g.text());
                last = Some(g);
                last_right = g.right();
            }
            continue;
        }
        if let Some(prev) = last {
            // Some producers draw a glyph twice, slightly offset, to fake bold.
            if (g.x - prev.x).abs() < 0.3 * g.advance.max(0.1 * g.size)
                && (g.y - prev.y).abs() < 0.1 * g.size
                && prev.text() == g.text()
            {
                i += 1;
                continue;
            }
            let gap = g.x - last_right;
            // Justified text sets a line-end hyphenation hyphen a little apart
            // from its word (LibreOffice hangs it 1-2 pt away, at the column
            // edge): "terri -" must stay "terri-" for the line joiner. A dash
            // set apart on purpose has a word space before it, wider than this.
            let gap_limit = if is_line_end_hyphen(glyphs, i) && is_letter(prev) {
                LINE_END_HYPHEN_GAP
            } else {
                word_gap
            };
            // Whether a space glyph puts a word space before this glyph.
            let mut drawn_space = std::mem::take(&mut owed_space);
            if let Some(space) = pending_space {
                match hidden_space(space, (prev, last_right), g, &visible) {
                    None => drawn_space = true,
                    Some(HiddenSpace::Dropped) => {}
                    Some(HiddenSpace::AfterNext) => owed_space = true,
                    Some(HiddenSpace::BeforePrevious) => {
                        if !raw[..last_start].ends_with(' ') {
                            raw.insert(last_start, ' ');
                        }
                    }
                }
            }
            if drawn_space || gap > gap_limit * g.size.max(prev.size) {
                raw.push(' ');
            }
        }
        if bold_so_far && !g.bold {
            bold_so_far = false;
            if last.is_some() {
                lead_end = Some(raw.trim_end().len());
            }
        }
        last_start = raw.len();
        raw.push_str(g.text());
        pending_space = None;
        last = Some(g);
        last_right = g.right();
        i += 1;
    }
    let text = clean_text(&raw, apostrophe);
    let bold_lead = lead_end
        .map(|end| clean_text(&raw[..end], apostrophe))
        .filter(|lead| {
            !lead.is_empty() && text.starts_with(lead.as_str()) && lead.len() < text.len()
        });
    if text.is_empty() {
        return None;
    }
    let x0 = visible.iter().map(|g| g.x).fold(f64::INFINITY, f64::min);
    let x1 = visible
        .iter()
        .map(|g| g.right())
        .fold(f64::NEG_INFINITY, f64::max);
    Some(Line {
        page,
        x0,
        x1,
        y: baseline,
        size,
        text,
        column: 0,
        row,
        starts_with_marker,
        bold: visible.iter().filter(|g| g.bold).count() * 10 >= visible.len() * 6,
        bold_lead,
    })
}

/// The font size carrying most characters, rounded to a quarter point.
fn dominant_size(glyphs: &[&Glyph]) -> f64 {
    let mut counts: Vec<(i64, usize)> = Vec::new();
    for g in glyphs {
        let key = (g.size * 4.0).round() as i64;
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => counts.push((key, 1)),
        }
    }
    let (key, _) = counts
        .iter()
        .max_by_key(|(k, n)| (*n, *k))
        .copied()
        .unwrap_or((0, 0));
    key as f64 / 4.0
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A bullet or a number drawn far from its text (after a tab stop) becomes a
/// fragment of its own; put it back in front of the text it marks.
fn merge_lone_markers(lines: &mut Vec<Line>) {
    let mut i = 0;
    while i + 1 < lines.len() {
        let (a, b) = (&lines[i], &lines[i + 1]);
        let marker = text::is_bullet_only(&a.text) || text::LONE_NUMBER.is_match(&a.text);
        if a.row == b.row && marker && b.x0 > a.x1 && b.x0 - a.x1 < 6.0 * a.size.max(b.size) {
            let merged = Line {
                text: format!("{} {}", a.text, b.text),
                x1: b.x1,
                size: b.size,
                y: b.y,
                ..a.clone()
            };
            lines[i] = merged;
            lines.remove(i + 1);
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use compact_str::{CompactString, ToCompactString};

    /// Lays out words as glyphs: each char 0.5 em wide, words one space apart.
    pub(in crate::extract) fn text_at(x: f64, y: f64, size: f64, text: &str) -> Vec<Glyph> {
        let mut glyphs = Vec::new();
        let mut cx = x;
        for c in text.chars() {
            glyphs.push(Glyph::new(
                cx,
                y,
                size,
                0.5 * size,
                c.to_compact_string(),
                false,
                0,
            ));
            cx += 0.5 * size;
        }
        glyphs
    }

    fn glyph(x: f64, y: f64, size: f64, advance: f64, text: impl Into<CompactString>) -> Glyph {
        Glyph::new(x, y, size, advance, text, false, 0)
    }

    fn page(glyphs: Vec<Glyph>) -> PageGlyphs {
        PageGlyphs {
            number: 1,
            width: 595.0,
            height: 842.0,
            glyphs,
            skipped: Vec::new(),
        }
    }

    #[test]
    fn words_and_lines_are_rebuilt() {
        let mut g = text_at(72.0, 100.0, 10.0, "Le conseil citoyen");
        g.extend(text_at(72.0, 112.0, 10.0, "se réunit chaque mois."));
        let PageLayout { lines, columns, .. } = page_lines(&page(g), '\'');
        assert_eq!(columns, 1);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Le conseil citoyen", "se réunit chaque mois."]);
    }

    #[test]
    fn a_page_whose_text_runs_sideways_is_measured_the_way_it_reads() {
        // A landscape page drawn on a portrait sheet (/Rotate 90): its text
        // runs up the sheet, so it reads on a page 842 wide and 595 high,
        // where its page number at y 560 sits in the footer band.
        let sideways = |glyphs: Vec<Glyph>| -> Vec<Glyph> {
            glyphs
                .into_iter()
                .map(|mut g| {
                    g.direction = 1;
                    g
                })
                .collect()
        };
        let mut g = sideways(text_at(
            72.0,
            100.0,
            10.0,
            "Parmi les marchés en croissance",
        ));
        g.extend(sideways(text_at(780.0, 560.0, 10.0, "3")));
        let extracted = crate::extract::page_of(&page(g), '\'');
        assert_eq!((extracted.width, extracted.height), (842.0, 595.0));
        // Upright text keeps the sheet's size.
        let extracted =
            crate::extract::page_of(&page(text_at(72.0, 100.0, 10.0, "Le conseil")), '\'');
        assert_eq!((extracted.width, extracted.height), (595.0, 842.0));
    }

    #[test]
    fn superscript_footnote_marker_is_detached() {
        let mut g = text_at(72.0, 100.0, 10.0, "des femmes");
        g.push(glyph(122.0, 96.0, 6.0, 3.0, "1"));
        g.extend(text_at(128.0, 100.0, 10.0, " dans"));
        let lines = page_lines(&page(g), '\'').lines;
        assert_eq!(lines[0].text, "des femmes dans");
    }

    #[test]
    fn superscript_letters_are_kept() {
        let mut g = text_at(72.0, 100.0, 10.0, "le 1");
        g.push(glyph(92.0, 96.0, 6.0, 3.0, "e"));
        g.push(glyph(95.0, 96.0, 6.0, 3.0, "r"));
        g.extend(text_at(98.0, 100.0, 10.0, " trimestre"));
        let lines = page_lines(&page(g), '\'').lines;
        assert_eq!(lines[0].text, "le 1er trimestre");
    }

    #[test]
    fn two_columns_are_read_left_then_right() {
        let mut g = Vec::new();
        for i in 0..10 {
            let y = 100.0 + 12.0 * i as f64;
            g.extend(text_at(
                50.0,
                y,
                10.0,
                &format!("gauche {i} texte de la colonne qui continue"),
            ));
            g.extend(text_at(
                320.0,
                y,
                10.0,
                &format!("droite {i} texte de la colonne qui continue"),
            ));
        }
        let PageLayout { lines, columns, .. } = page_lines(&page(g), '\'');
        assert_eq!(columns, 2);
        assert!(lines[..10].iter().all(|l| l.text.starts_with("gauche")));
        assert!(lines[10..].iter().all(|l| l.text.starts_with("droite")));
        assert!(lines[..10].windows(2).all(|w| w[0].y < w[1].y));
    }

    #[test]
    fn a_number_set_apart_by_a_tab_joins_its_heading() {
        let mut g = text_at(57.0, 100.0, 14.0, "4.2.8");
        g.extend(text_at(113.0, 100.0, 14.0, "Utilisation"));
        let lines = page_lines(&page(g), '\'').lines;
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text, "4.2.8 Utilisation");
    }

    #[test]
    fn spacing_accents_are_put_back_on_their_letter() {
        let mut g = text_at(72.0, 100.0, 10.0, "pr");
        g.push(glyph(82.5, 100.0, 10.0, 5.0, "´"));
        g.extend(text_at(82.0, 100.0, 10.0, "esenter"));
        let lines = page_lines(&page(g), '\'').lines;
        assert_eq!(lines[0].text, "présenter");
    }

    #[test]
    fn duplicated_glyphs_are_drawn_once() {
        let mut g = Vec::new();
        for (i, c) in "Titre".chars().enumerate() {
            let x = 72.0 + 6.0 * i as f64;
            g.push(glyph(x, 100.0, 12.0, 6.0, c.to_compact_string()));
            g.push(glyph(x + 0.4, 100.0, 12.0, 6.0, c.to_compact_string()));
        }
        let lines = page_lines(&page(g), '\'').lines;
        assert_eq!(lines[0].text, "Titre");
    }
}
