//! Columns: the gutter of a two-column page, each line's column, and
//! reading order (column by column within bands of the page).

use super::glyphs::Glyph;
use crate::record::Line;

/// A vertical strip in the middle of the page that (almost) no row's glyphs
/// cover while rows have text on both sides: the gutter of a two-column page.
/// Gutters can be narrower than a word gap of the heading beside them, so
/// they are found from all rows at once rather than row by row.
pub(super) fn find_gutter(rows: &[Vec<&Glyph>], width: f64, height: f64) -> Option<f64> {
    if width <= 0.0 || !width.is_finite() || width > 20_000.0 {
        return None;
    }
    let body: Vec<&Vec<&Glyph>> = rows
        .iter()
        .filter(|r| {
            r.first()
                .is_some_and(|g| g.y > 0.08 * height && g.y < 0.92 * height)
        })
        .collect();
    if body.len() < 8 {
        return None;
    }
    let coverage = row_coverage(&body, width.ceil() as usize + 1);
    let (lo, hi) = ((0.3 * width) as usize, (0.7 * width) as usize);
    let least = *coverage[lo..=hi].iter().min()?;
    if least * 20 > body.len() {
        return None;
    }
    // The middle of the widest run of least-covered points.
    let (mut best, mut run_start) = ((0usize, 0usize), None);
    let is_low = |x: usize| x <= hi && coverage[x] == least;
    for x in lo..=hi + 1 {
        let low = is_low(x);
        match (low, run_start) {
            (true, None) => run_start = Some(x),
            (false, Some(start)) => {
                if x - start > best.1 - best.0 {
                    best = (start, x);
                }
                run_start = None;
            }
            _ => {}
        }
    }
    let gutter = (best.0 + best.1) as f64 / 2.0;
    let both_sides = body
        .iter()
        .filter(|r| {
            r.iter().any(|g| !g.is_space() && g.right() <= gutter)
                && r.iter().any(|g| !g.is_space() && g.x >= gutter)
        })
        .count();
    (both_sides >= 4 && best.1 - best.0 >= 3).then_some(gutter)
}

/// For each point of the page's width (`cells` cells of 1 pt), how many
/// rows have a glyph over it. Each row adds one over the union of its
/// glyphs' extents: the extents are merged into runs and counted by their
/// ends (a difference array), so the cost follows the glyphs, not rows
/// times the page's width.
fn row_coverage(rows: &[&Vec<&Glyph>], cells: usize) -> Vec<usize> {
    // +1 where a run starts, -1 just after it ends.
    let mut ends = vec![0isize; cells + 1];
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for row in rows {
        spans.clear();
        spans.extend(
            row.iter()
                .filter(|g| !g.is_space())
                .map(|g| {
                    (
                        g.x.max(0.0) as usize,
                        (g.right().ceil().max(0.0) as usize).min(cells - 1),
                    )
                })
                .filter(|(first, last)| first <= last),
        );
        spans.sort_unstable();
        let mut run: Option<(usize, usize)> = None;
        for &(first, last) in &spans {
            match run {
                Some((_, ref mut end)) if first <= *end + 1 => *end = (*end).max(last),
                _ => {
                    if let Some((start, end)) = run {
                        ends[start] += 1;
                        ends[end + 1] -= 1;
                    }
                    run = Some((first, last));
                }
            }
        }
        if let Some((start, end)) = run {
            ends[start] += 1;
            ends[end + 1] -= 1;
        }
    }
    let mut covering = 0isize;
    ends[..cells]
        .iter()
        .map(|change| {
            covering += change;
            covering as usize
        })
        .collect()
}

/// Detects a two-column page by a vertical gutter that no line crosses and
/// sets each line's column. Returns the number of columns (1 or 2).
pub(super) fn assign_columns(lines: &mut [Line], width: f64, height: f64) -> u8 {
    // Page furniture in the top and bottom tenth does not decide the layout.
    let body: Vec<&Line> = lines
        .iter()
        .filter(|l| l.y > 0.08 * height && l.y < 0.92 * height)
        .collect();
    if body.len() < 8 || width <= 0.0 {
        return 1;
    }
    let mut best: Option<(usize, f64)> = None;
    let (lo, hi) = ((0.3 * width) as i64, (0.7 * width) as i64);
    for x in (lo..=hi).step_by(2) {
        let x = x as f64;
        let crossing = body.iter().filter(|l| l.x0 < x && l.x1 > x).count();
        if best.is_none_or(|(c, _)| crossing < c) {
            best = Some((crossing, x));
        }
    }
    let Some((crossing, gutter)) = best else {
        return 1;
    };
    let left = body.iter().filter(|l| l.x1 <= gutter).count();
    let right = body.iter().filter(|l| l.x0 >= gutter).count();
    // Both sides must carry real text, and few lines may span the gutter
    // (headings, figures' captions).
    if crossing * 5 > body.len() || left < 4 || right < 4 {
        return 1;
    }
    // Columns of text hold long lines; the cells of a wide table do not.
    let long_lines = |side: &dyn Fn(&Line) -> bool| {
        body.iter()
            .filter(|l| side(l) && l.x1 - l.x0 >= 0.3 * width)
            .count()
    };
    if long_lines(&|l: &Line| l.x1 <= gutter) < 4 || long_lines(&|l: &Line| l.x0 >= gutter) < 4 {
        return 1;
    }
    // Require the two sides to sit side by side, not one above the other.
    let overlap = |side: &dyn Fn(&Line) -> bool| {
        let ys: Vec<f64> = body.iter().filter(|l| side(l)).map(|l| l.y).collect();
        (
            ys.iter().copied().fold(f64::INFINITY, f64::min),
            ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    };
    let (l_top, l_bottom) = overlap(&|l: &Line| l.x1 <= gutter);
    let (r_top, r_bottom) = overlap(&|l: &Line| l.x0 >= gutter);
    let shorter = (l_bottom - l_top).min(r_bottom - r_top);
    if l_bottom.min(r_bottom) - l_top.max(r_top) < 0.5 * shorter {
        return 1;
    }
    for line in lines.iter_mut() {
        line.column = if line.x1 <= gutter {
            1
        } else if line.x0 >= gutter {
            2
        } else {
            0
        };
    }
    2
}

/// Reading order: bands separated by spanning lines; within a band the left
/// column top to bottom, then the right column; within a row, left to right.
pub(super) fn order_lines(lines: &mut Vec<Line>) {
    lines.sort_by(|a, b| a.row.cmp(&b.row).then(a.x0.total_cmp(&b.x0)));
    if lines.iter().all(|l| l.column == 0) {
        return;
    }
    let mut ordered = Vec::with_capacity(lines.len());
    let mut band: Vec<Line> = Vec::new();
    let flush = |band: &mut Vec<Line>, ordered: &mut Vec<Line>| {
        band.sort_by(|a, b| {
            a.column
                .cmp(&b.column)
                .then(a.row.cmp(&b.row))
                .then(a.x0.total_cmp(&b.x0))
        });
        ordered.append(band);
    };
    for line in lines.drain(..) {
        if line.column == 0 {
            flush(&mut band, &mut ordered);
            ordered.push(line);
        } else {
            band.push(line);
        }
    }
    flush(&mut band, &mut ordered);
    *lines = ordered;
}
