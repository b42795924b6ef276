//! Tables: runs of baseline rows cut into several cells, in one column,
//! with the single lines that belong to them (a cell wrapped over several
//! lines, a cell centred in a tall row above the row's other cells), and a
//! row that a page break parts from the rest of its table.

use super::captions::opens_caption;
use super::roles::Role;
use super::typography::Typography;
use crate::record::Line;
use crate::text::starts_item;

/// A line this far below the last multi-cell row (in line pitches) ends a table.
const TABLE_MAX_GAP: f64 = 3.0;
/// A wrapped cell line sits at most this far below its row (in line pitches)...
const TABLE_WRAP_MAX_STEP: f64 = 1.15;
/// ... and is indented by at least this many body sizes from the table's edge.
const TABLE_WRAP_MIN_INDENT: f64 = 2.0;
/// A cell centred in a tall row sits at most this many line pitches above
/// the line under it.
const CELL_MAX_STEP: f64 = 1.5;
/// A single line larger than every cell by more than this share is not a
/// wrapped cell: a heading between two tables, or a row spanning the table
/// set larger. It stays text (a heading, mostly) and the table goes on
/// around it.
const LARGER: f64 = 0.05;
/// Cells of two rows start within this share of the size of each other
/// when the rows belong to one table.
const ALIGNED: f64 = 1.0;

/// Lines on the baseline row that `i` opens (cells of one row).
fn cells(lines: &[&Line], i: usize) -> usize {
    let l = lines[i];
    lines[i..]
        .iter()
        .take_while(|m| m.page == l.page && m.row == l.row && m.column == l.column)
        .count()
}

/// Marks tables: a run of at least two multi-cell rows, then the cells
/// centred above its first row, then rows parted by a page break.
pub(super) fn mark_tables(lines: &[&Line], typo: &Typography, roles: &mut [Role]) {
    let mut table_row = 0usize;
    let mut i = 0;
    while i < lines.len() {
        let n = cells(lines, i);
        if n >= 2 && roles[i] == Role::Text {
            let (rows, end) = run(lines, typo, roles, i);
            if rows >= 2 {
                // The size of the cells: the largest of the multi-cell rows
                // (a run may open on a row of footnote-sized figures).
                let mut cell_size = 0.0f64;
                let mut k = i;
                while k < end {
                    let c = cells(lines, k);
                    if c >= 2 {
                        cell_size = lines[k..k + c].iter().fold(cell_size, |m, l| m.max(l.size));
                    }
                    k += c;
                }
                let mut k = i;
                while k < end {
                    let c = cells(lines, k);
                    if c >= 2 {
                        table_row += 1;
                    }
                    if c > 1 || lines[k].size <= (1.0 + LARGER) * cell_size {
                        for r in &mut roles[k..k + c] {
                            *r = Role::TableRow(table_row);
                        }
                    }
                    k += c;
                }
                table_row += 1;
                cells_above(lines, typo, roles, i, end, table_row);
                i = end;
                continue;
            }
        }
        i += n.max(1);
    }
    rows_over_page_breaks(lines, roles, &mut table_row);
}

/// The run of rows a table opening at `start` holds: multi-cell rows, and
/// single lines between them (wrapped cells) that stay close. Gives the number of multi-cell rows
/// and one past the run's last line.
fn run(lines: &[&Line], typo: &Typography, roles: &[Role], start: usize) -> (usize, usize) {
    let first = lines[start];
    let mut j = start;
    let mut rows = 0;
    let mut last_multi_end = start;
    while j < lines.len()
        && roles[j] == Role::Text
        && lines[j].page == first.page
        && lines[j].column == first.column
    {
        let c = cells(lines, j);
        let l = lines[j];
        if c >= 2 {
            rows += 1;
            last_multi_end = j + c;
        } else if l.y - lines[last_multi_end - 1].y > TABLE_MAX_GAP * typo.line_step {
            break;
        }
        j += c;
    }
    // Wrapped lines of the last row, just below it.
    while last_multi_end < lines.len()
        && roles[last_multi_end] == Role::Text
        && cells(lines, last_multi_end) == 1
        && lines[last_multi_end].page == first.page
        && lines[last_multi_end].y > lines[last_multi_end - 1].y
        && lines[last_multi_end].y - lines[last_multi_end - 1].y
            <= TABLE_WRAP_MAX_STEP * typo.line_step
        && lines[last_multi_end].x0 > first.x0 + TABLE_WRAP_MIN_INDENT * typo.body_size
    {
        last_multi_end += 1;
    }
    (rows, last_multi_end)
}

/// Cells centred in the first row's height sit on baselines of their own
/// just above it: single lines inside the table's width, right of its
/// first cell's edge, close to the line under them. They join the table
/// as one more row. A caption, a list item or larger text does not.
fn cells_above(
    lines: &[&Line],
    typo: &Typography,
    roles: &mut [Role],
    start: usize,
    end: usize,
    row: usize,
) {
    let table = &lines[start..end];
    let left = table.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min);
    let right = table.iter().map(|l| l.x1).fold(f64::NEG_INFINITY, f64::max);
    let size = lines[start].size;
    let mut k = start;
    while k > 0 {
        let (l, below) = (lines[k - 1], lines[k]);
        let inside = l.page == below.page
            && l.column == below.column
            && roles[k - 1] == Role::Text
            && below.y > l.y
            && below.y - l.y <= CELL_MAX_STEP * typo.line_step
            && l.x0 > left + TABLE_WRAP_MIN_INDENT * typo.body_size
            && l.x1 <= right + l.size
            && l.size <= (1.0 + LARGER) * size
            && !opens_caption(&l.text)
            && !starts_item(&l.text)
            && !wraps_from_above(lines, typo, k - 1);
        if !inside {
            break;
        }
        roles[k - 1] = Role::TableRow(row);
        k -= 1;
    }
}

/// Line `k` is the wrapped part of the line above it: close under it and
/// under its width (a paragraph's or an item's next line, not a cell of
/// another column).
fn wraps_from_above(lines: &[&Line], typo: &Typography, k: usize) -> bool {
    let l = lines[k];
    k > 0 && {
        let p = lines[k - 1];
        p.page == l.page
            && p.column == l.column
            && l.y > p.y
            && l.y - p.y <= CELL_MAX_STEP * typo.line_step
            && p.x0 <= l.x0 + 0.5 * l.size
            && p.x1 > l.x0
    }
}

/// The x0 of each cell of the baseline row opening at `i`.
fn cell_starts(lines: &[&Line], i: usize) -> Vec<f64> {
    lines[i..i + cells(lines, i)].iter().map(|l| l.x0).collect()
}

fn aligned(a: &[f64], b: &[f64], size: f64) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= ALIGNED * size)
}

/// A table cut by a page break leaves one row alone on a page (its header
/// at the foot of one page, or its last row at the top of the next), too
/// few to be told a table by itself: a multi-cell row whose cells line up
/// with a table's row across the break is one of its rows.
fn rows_over_page_breaks(lines: &[&Line], roles: &mut [Role], table_row: &mut usize) {
    // The first line of every baseline row.
    let mut starts = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        starts.push(i);
        i += cells(lines, i);
    }
    for w in starts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if lines[a].page == lines[b].page {
            continue;
        }
        let is_table = |k: usize, roles: &[Role]| matches!(roles[k], Role::TableRow(_));
        let loose_row = |k: usize, roles: &[Role]| roles[k] == Role::Text && cells(lines, k) >= 2;
        let size = lines[a].size.max(lines[b].size);
        if !aligned(&cell_starts(lines, a), &cell_starts(lines, b), size) {
            continue;
        }
        let loose = if loose_row(a, roles) && is_table(b, roles) {
            a
        } else if is_table(a, roles) && loose_row(b, roles) {
            b
        } else {
            continue;
        };
        *table_row += 1;
        let n = cells(lines, loose);
        for r in &mut roles[loose..loose + n] {
            *r = Role::TableRow(*table_row);
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::record::{ExtractedPage, Line, ParagraphKind};
    use crate::segment::segment;

    /// A line at (x0, y) of `size`, on baseline row `row`.
    fn at(page: u32, row: usize, x0: f64, y: f64, size: f64, text: &str) -> Line {
        let x1 = x0 + 0.5 * size * text.chars().count() as f64;
        Line::plain(page, row, (x0, x1), y, size, text)
    }

    fn page(number: u32, lines: Vec<Line>) -> ExtractedPage {
        ExtractedPage::a4(number, lines)
    }

    /// A table row of three cells at `y`.
    fn row(page: u32, r: usize, y: f64, cells: [&str; 3]) -> Vec<Line> {
        [77.0, 228.0, 379.0]
            .iter()
            .zip(cells)
            .map(|(&x, c)| at(page, r, x, y, 12.0, c))
            .collect()
    }

    const BODY: &str = "Le comité de pilotage a suivi chaque action du plan et";
    const BODY2: &str = "en a rendu compte aux partenaires lors de chaque séance.";

    /// (kind, text) of every paragraph.
    pub(in crate::segment) fn kinds(pages: &[ExtractedPage]) -> Vec<(ParagraphKind, String)> {
        segment(pages)
            .paragraphs
            .into_iter()
            .map(|p| (p.kind, p.text))
            .collect()
    }

    #[test]
    fn a_header_row_left_alone_at_a_page_foot_belongs_to_the_table_over_the_page() {
        let mut first = vec![
            at(1, 0, 71.0, 600.0, 12.0, BODY),
            at(1, 1, 71.0, 615.0, 12.0, BODY2),
        ];
        first.extend(row(1, 2, 640.0, ["Tâches", "Avancement", "Personne"]));
        let mut second = row(2, 0, 80.0, ["Ajout du champ", "En cours", "Antoine"]);
        second.extend(row(2, 1, 95.0, ["Rendu", "Fait", "Sofiane"]));
        second.push(at(2, 2, 71.0, 125.0, 12.0, BODY));
        second.push(at(2, 3, 71.0, 140.0, 12.0, BODY2));
        let got = kinds(&[page(1, first), page(2, second)]);
        let rows: Vec<&str> = got
            .iter()
            .filter(|(k, _)| *k == ParagraphKind::TableRow)
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(
            rows,
            [
                "Tâches | Avancement | Personne",
                "Ajout du champ | En cours | Antoine",
                "Rendu | Fait | Sofiane"
            ],
            "{got:?}"
        );
    }

    #[test]
    fn a_larger_heading_between_two_tables_is_no_wrapped_cell() {
        let mut lines = row(1, 0, 100.0, ["Tâches", "Avancement", "Personne"]);
        lines.extend(row(1, 1, 115.0, ["Rendu", "Fait", "Antoine"]));
        lines.push(at(1, 2, 71.0, 140.0, 13.0, "Réunion du 23 mars :"));
        lines.extend(row(1, 3, 160.0, ["Tâches", "Avancement", "Personne"]));
        lines.extend(row(1, 4, 175.0, ["Rendu", "En cours", "Sofiane"]));
        let seg = segment(&[page(1, lines)]);
        assert_eq!(
            seg.headings,
            ["Réunion du 23 mars :"],
            "{:?}",
            seg.paragraphs
        );
        assert!(seg
            .paragraphs
            .iter()
            .all(|p| p.kind == ParagraphKind::TableRow && !p.text.contains("Réunion")));
    }

    #[test]
    fn a_cell_centred_above_its_row_joins_the_table_but_an_item_line_does_not() {
        let mut lines = vec![
            // An indented item whose last line, right of the table's left
            // edge, sits just above the table.
            at(
                1,
                0,
                95.0,
                60.0,
                12.0,
                "• La méthode de suivi reste à préciser avec les",
            ),
            at(1, 1, 110.0, 74.0, 12.0, "partenaires"),
            // A cell centred in a tall row, on a baseline of its own.
            at(1, 2, 390.0, 90.0, 12.0, "Personne"),
        ];
        lines.extend(row(1, 3, 96.0, ["Tâches", "Avancement", "en charge"]));
        lines.extend(row(1, 4, 111.0, ["Rendu", "Fait", "Antoine"]));
        let got = kinds(&[page(1, lines)]);
        assert_eq!(
            got[0],
            (
                ParagraphKind::ListItem,
                "La méthode de suivi reste à préciser avec les partenaires".to_string()
            ),
            "{got:?}"
        );
        assert_eq!(
            got[1],
            (ParagraphKind::TableRow, "Personne".to_string()),
            "{got:?}"
        );
        assert!(
            got[2..].iter().all(|(k, _)| *k == ParagraphKind::TableRow),
            "{got:?}"
        );
    }
}
