//! Removes page furniture: running headers and footers (text recurring in the
//! top or bottom band across pages), page numbers, and tables of contents.
//! What is removed is kept with its reason, for `evalmine inspect`.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::ExtractConfig;
use crate::record::{DropReason, ExtractedPage, Line};

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(
            [-–—\x20]*[0-9]{1,4}[-–—\x20]*                                  # 12, - 4 -
          | (page|p\.?|pg\.?)\x20*[0-9]{1,4}(\x20*(/|sur|of|de)\x20*[0-9]{1,4})?  # page 3 / 14, p. 3
          | [0-9]{1,4}\x20*(/|sur|of)\x20*[0-9]{1,4}                            # 3/14, 3 sur 14
          | [ivxlc]{1,6}                                               # roman page numbers
        )$",
    )
    .expect("page number pattern is valid")
});

/// A table-of-contents entry: text, a dot leader, a page number.
static TOC_LEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(\.\x20?){4,}\x20*[0-9]{1,4}$|…{2,}\x20*[0-9]{1,4}$|(_\x20?){4,}\x20*[0-9]{1,4}$|(·\x20?){4,}\x20*[0-9]{1,4}$",
    )
    .expect("toc pattern is valid")
});

static TOC_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(sommaire|table des mati[eè]res|contents|table of contents|plan du rapport|plan)$",
    )
    .expect("toc title pattern is valid")
});

static TRAILING_PAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{1,4}$").expect("valid"));

pub(crate) fn is_page_number(text: &str) -> bool {
    PAGE_NUMBER.is_match(text.trim())
}

/// The text of a line with digit runs masked and spaces removed, so
/// "Page 3 / 14" and "Page 12 / 14" count as the same running line.
fn furniture_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_digit() {
            // A run of digits is one mark: "6/131" and "12/131" share a key.
            if !key.ends_with('#') {
                key.push('#');
            }
        } else if !c.is_whitespace() {
            key.extend(c.to_lowercase());
        }
    }
    key
}

/// Baselines this close (pt) on two pages are drawn at the same height.
const SAME_HEIGHT: f64 = 1.0;

/// Takes headers, footers, page numbers and tables of contents out of the pages.
pub(crate) fn remove_furniture(pages: &mut [ExtractedPage], config: &ExtractConfig) {
    let in_top = |l: &Line, p: &ExtractedPage| l.y < config.header_band * p.height;
    let in_bottom = |l: &Line, p: &ExtractedPage| l.y > (1.0 - config.footer_band) * p.height;

    // Count on how many pages each masked text appears in a band, and
    // where (page, baseline).
    let mut seen: HashMap<(bool, String), Vec<(u32, f64)>> = HashMap::new();
    for page in pages.iter() {
        for line in &page.lines {
            let top = in_top(line, page);
            if top || in_bottom(line, page) {
                let places = seen.entry((top, furniture_key(&line.text))).or_default();
                if places
                    .last()
                    .is_none_or(|&(number, _)| number != page.number)
                {
                    places.push((page.number, line.y));
                }
            }
        }
    }
    let text_pages = pages.iter().filter(|p| !p.lines.is_empty()).count();
    // Long documents change their running header with the chapter: a line
    // recurring on `repeated_min_pages` pages counts too.
    let min_pages = ((config.repeated_min_share * text_pages as f64).ceil() as usize)
        .min(config.repeated_min_pages)
        .max(2);
    let on_both_at_same_height = |top: bool, line: &Line| {
        seen.get(&(top, furniture_key(&line.text)))
            .is_some_and(|places| {
                places.len() == 2 && (places[0].1 - places[1].1).abs() <= SAME_HEIGHT
            })
    };
    let two_page_running = if text_pages == 2 {
        edge_stacks(pages, &in_top, &in_bottom, on_both_at_same_height)
    } else {
        HashSet::new()
    };
    let recurring = |top: bool, line: &Line| match text_pages {
        0 | 1 => false,
        2 => two_page_running.contains(&(line.page, line.row)),
        _ => seen
            .get(&(top, furniture_key(&line.text)))
            .is_some_and(|places| places.len() >= min_pages),
    };

    let page_total = pages.len();
    for page in pages.iter_mut() {
        // Numbers beside text that is no furniture, two or more on one row,
        // are a table's cells (its first row reaching into the top band:
        // "Élus ... | 4 | 1 | 9"), not page numbers; one number beside a
        // title is still the page number of a book-style header ("7   1.2
        // Espaces métriques").
        let mut numbers_per_row: HashMap<usize, usize> = HashMap::new();
        let mut text_rows: HashSet<usize> = HashSet::new();
        for l in &page.lines {
            if is_page_number(&l.text) {
                *numbers_per_row.entry(l.row).or_default() += 1;
            } else {
                let running_header = in_top(l, page) && recurring(true, l);
                let running_footer = in_bottom(l, page) && recurring(false, l);
                if !running_header && !running_footer {
                    text_rows.insert(l.row);
                }
            }
        }
        let table_rows: HashSet<usize> = text_rows
            .into_iter()
            .filter(|row| numbers_per_row.get(row).is_some_and(|&n| n >= 2))
            .collect();
        let mut kept = Vec::with_capacity(page.lines.len());
        for line in std::mem::take(&mut page.lines) {
            let top = in_top(&line, page);
            let bottom = in_bottom(&line, page);
            let number = is_page_number(&line.text);
            let reason = if number && table_rows.contains(&line.row) {
                // A cell: recurring or not, it stays.
                None
            } else if (top || bottom) && number {
                Some(DropReason::PageNumber)
            } else if top && recurring(true, &line) {
                Some(DropReason::RunningHeader)
            } else if bottom && recurring(false, &line) {
                Some(DropReason::RunningFooter)
            } else {
                None
            };
            match reason {
                Some(r) => page.dropped.push((line, r)),
                None => kept.push(line),
            }
        }
        page.lines = kept;
        remove_toc(page, page_total);
    }
    restore_if_nothing_left(pages);
}

/// The (page, row) of the running lines of a two-page document, too few
/// pages to count on: the lines drawn on both pages at the same height,
/// each alone on its row, stacked from the top or bottom edge of the page
/// with nothing else between them and it (a letterhead, the team line of
/// a two-page report; not the header row of a table set on both pages,
/// whose first row holds several cells).
fn edge_stacks(
    pages: &[ExtractedPage],
    in_top: &impl Fn(&Line, &ExtractedPage) -> bool,
    in_bottom: &impl Fn(&Line, &ExtractedPage) -> bool,
    on_both_at_same_height: impl Fn(bool, &Line) -> bool,
) -> HashSet<(u32, usize)> {
    let mut running = HashSet::new();
    for page in pages {
        let mut lines_per_row: HashMap<usize, usize> = HashMap::new();
        for line in &page.lines {
            *lines_per_row.entry(line.row).or_default() += 1;
        }
        let mut by_height: Vec<&Line> = page.lines.iter().collect();
        by_height.sort_by(|a, b| a.y.total_cmp(&b.y));
        let runs = |line: &Line, top: bool| {
            lines_per_row[&line.row] == 1 && on_both_at_same_height(top, line)
        };
        for line in by_height
            .iter()
            .take_while(|l| in_top(l, page) && runs(l, true))
        {
            running.insert((page.number, line.row));
        }
        for line in by_height
            .iter()
            .rev()
            .take_while(|l| in_bottom(l, page) && runs(l, false))
        {
            running.insert((page.number, line.row));
        }
    }
    running
}

/// A document whose only text recurs on every page (a one-line-per-page
/// listing, a form) would come out empty: its "running" lines are its text,
/// so they are put back. A readable file never comes out empty for this.
fn restore_if_nothing_left(pages: &mut [ExtractedPage]) {
    if pages.iter().any(|p| !p.lines.is_empty()) {
        return;
    }
    for page in pages.iter_mut() {
        let (restored, dropped): (Vec<_>, Vec<_>) = std::mem::take(&mut page.dropped)
            .into_iter()
            .partition(|(_, r)| matches!(r, DropReason::RunningHeader | DropReason::RunningFooter));
        page.dropped = dropped;
        page.lines = restored.into_iter().map(|(line, _)| line).collect();
        page.lines
            .sort_by(|a, b| a.row.cmp(&b.row).then(a.x0.total_cmp(&b.x0)));
    }
}

/// Drops table-of-contents lines. Dot-leader entries are dropped anywhere; on
/// a page made mostly of entries (a contents page), entries whose page
/// number stands apart, wrapped entry lines and the "Sommaire" title go too.
fn remove_toc(page: &mut ExtractedPage, page_total: usize) {
    let rows: Vec<usize> = {
        let mut r: Vec<usize> = page.lines.iter().map(|l| l.row).collect();
        r.dedup();
        r
    };
    // A row is an entry when it ends with a leader and a number, or when its
    // last fragment is a lone number to the right of text.
    let is_entry_row = |row: usize| {
        let parts: Vec<&Line> = page.lines.iter().filter(|l| l.row == row).collect();
        let last = parts.last().expect("row has lines");
        TOC_LEADER.is_match(&last.text)
            || (parts.len() >= 2
                && TRAILING_PAGE.is_match(&last.text)
                && parts[0].text.chars().any(char::is_alphabetic))
    };
    let entry_rows: HashSet<usize> = rows.iter().copied().filter(|&r| is_entry_row(r)).collect();
    let leader_rows: HashSet<usize> = page
        .lines
        .iter()
        .filter(|l| TOC_LEADER.is_match(&l.text))
        .map(|l| l.row)
        .collect();
    let has_title = page.lines.iter().any(|l| TOC_TITLE.is_match(l.text.trim()));
    // The numbers of a contents page are pages of this document, in order; a
    // table whose last column holds years or counts is not a contents page.
    let numbers: Vec<usize> = rows
        .iter()
        .filter(|r| entry_rows.contains(r))
        .filter_map(|&r| {
            let last = page.lines.iter().rfind(|l| l.row == r)?;
            let digits: String = last
                .text
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.chars().rev().collect::<String>().parse().ok()
        })
        .collect();
    let in_order = numbers.windows(2).filter(|w| w[0] <= w[1]).count() * 5
        >= numbers.len().saturating_sub(1) * 4;
    let are_pages = numbers.iter().all(|&n| n <= 2 * page_total + 20) && in_order;
    let contents_page =
        entry_rows.len() >= 3 && are_pages && (has_title || entry_rows.len() * 5 >= rows.len() * 2);

    let (first, last) = (
        rows.iter().position(|r| entry_rows.contains(r)),
        rows.iter().rposition(|r| entry_rows.contains(r)),
    );
    let mut kept = Vec::with_capacity(page.lines.len());
    for line in std::mem::take(&mut page.lines) {
        let position = rows.iter().position(|&r| r == line.row);
        let inside =
            matches!((first, last, position), (Some(f), Some(l), Some(p)) if p >= f && p <= l);
        let drop = leader_rows.contains(&line.row)
            || (contents_page
                && (entry_rows.contains(&line.row)
                    || inside
                    || TOC_TITLE.is_match(line.text.trim())));
        if drop {
            page.dropped.push((line, DropReason::TableOfContents));
        } else {
            kept.push(line);
        }
    }
    page.lines = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_recognised() {
        for t in [
            "12",
            "- 4 -",
            "– 4 –",
            "page 3 / 14",
            "Page 3 sur 14",
            "3/14",
            "3 / 14",
            "p. 7",
            "iv",
        ] {
            assert!(is_page_number(t), "{t:?} is a page number");
        }
        for t in [
            "2022-2023",
            "12,5 %",
            "Page de garde",
            "1. Introduction",
            "Conclusion",
        ] {
            assert!(!is_page_number(t), "{t:?} is not a page number");
        }
    }

    #[test]
    fn toc_entries_are_recognised() {
        assert!(TOC_LEADER.is_match("1.1 Le contexte ............ 4"));
        assert!(TOC_LEADER.is_match("Introduction . . . . . . . 3"));
        assert!(TOC_LEADER.is_match("Annexes ……… 42"));
        assert!(!TOC_LEADER.is_match("Le taux atteint 12... puis 14"));
    }

    fn line(page: u32, row: usize, y: f64, text: &str) -> Line {
        Line::plain(page, row, (72.0, 300.0), y, 10.0, text)
    }

    fn page_with(number: u32, lines: Vec<Line>) -> ExtractedPage {
        ExtractedPage::a4(number, lines)
    }

    #[test]
    fn numbers_beside_text_in_the_top_band_are_table_cells() {
        // A table's first row reaches into the top band: its numbers are
        // cells, not page numbers; a number alone on its row still is.
        let mut pages: Vec<ExtractedPage> = (1..=3)
            .map(|n| {
                page_with(
                    n,
                    vec![
                        line(n, 0, 40.0, &n.to_string()),
                        // A different first row on each page: no running header.
                        line(
                            n,
                            1,
                            90.0,
                            ["Élus et direction générale", "Partenaires", "Associations"]
                                [n as usize - 1],
                        ),
                        Line {
                            x0: 320.0,
                            ..line(n, 1, 90.0, "4")
                        },
                        Line {
                            x0: 420.0,
                            ..line(n, 1, 90.0, "1")
                        },
                        line(n, 5, 400.0, "Le corps du texte de la page."),
                    ],
                )
            })
            .collect();
        remove_furniture(&mut pages, &ExtractConfig::default());
        let kept: Vec<&str> = pages[0].lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            kept,
            [
                "Élus et direction générale",
                "4",
                "1",
                "Le corps du texte de la page."
            ]
        );
        assert_eq!(
            pages[0].dropped.len(),
            1,
            "the page number alone on its row is dropped"
        );
    }

    #[test]
    fn running_header_and_footer_are_removed() {
        let mut pages: Vec<ExtractedPage> = (1..=5)
            .map(|n| {
                page_with(
                    n,
                    vec![
                        line(
                            n,
                            0,
                            40.0,
                            "Contrat de ville de Villeneuve - Évaluation finale",
                        ),
                        line(n, 1, 300.0, &format!("Texte courant de la page {n}.")),
                        line(n, 2, 810.0, &format!("Page {n} / 5")),
                    ],
                )
            })
            .collect();
        remove_furniture(&mut pages, &ExtractConfig::default());
        for p in &pages {
            assert_eq!(
                p.lines.len(),
                1,
                "only the body line stays on page {}",
                p.number
            );
            assert!(p.lines[0].text.starts_with("Texte courant"));
        }
    }

    #[test]
    fn a_two_page_document_loses_the_lines_stacked_at_its_edge_on_both() {
        // The team lines of a two-page report, drawn at the same height on
        // both pages, go; a table's header row set on both pages (two cells
        // on its first row, the second line of a cell under it) stays.
        let cell = |n: u32, row: usize, x0: f64, y: f64, text: &str| Line {
            x0,
            ..line(n, row, y, text)
        };
        let mut pages: Vec<ExtractedPage> = (1..=2)
            .map(|n| {
                page_with(
                    n,
                    vec![
                        line(n, 0, 40.0, "Maître Scrum : Théau Huteau"),
                        line(n, 1, 55.0, "Équipe de développement : A. Jamelot"),
                        cell(n, 2, 72.0, 80.0, "Nom de la solution"),
                        cell(n, 2, 300.0, 80.0, "Date mise"),
                        cell(n, 3, 300.0, 92.0, "en Prod"),
                        line(n, 4, 300.0, &format!("Texte courant de la page {n}.")),
                    ],
                )
            })
            .collect();
        remove_furniture(&mut pages, &ExtractConfig::default());
        for p in &pages {
            let kept: Vec<&str> = p.lines.iter().map(|l| l.text.as_str()).collect();
            assert_eq!(
                kept[..3],
                ["Nom de la solution", "Date mise", "en Prod"],
                "page {}",
                p.number
            );
            assert_eq!(p.dropped.len(), 2, "page {}", p.number);
        }
        // Drawn at another height on the second page: kept.
        let mut pages: Vec<ExtractedPage> = (1..=2)
            .map(|n| {
                page_with(
                    n,
                    vec![
                        line(n, 0, 30.0 + 10.0 * n as f64, "Maître Scrum : Théau Huteau"),
                        line(n, 1, 300.0, "Texte courant."),
                    ],
                )
            })
            .collect();
        remove_furniture(&mut pages, &ExtractConfig::default());
        assert!(pages.iter().all(|p| p.lines.len() == 2));
    }

    #[test]
    fn a_document_made_only_of_recurring_lines_keeps_them() {
        let mut pages: Vec<ExtractedPage> = (1..=4)
            .map(|n| page_with(n, vec![line(n, 0, 40.0, &format!("Potato {n}"))]))
            .collect();
        remove_furniture(&mut pages, &ExtractConfig::default());
        assert!(
            pages.iter().all(|p| p.lines.len() == 1),
            "the only text of the file is kept"
        );
    }

    #[test]
    fn body_text_in_the_middle_is_never_furniture() {
        let mut pages: Vec<ExtractedPage> = (1..=4)
            .map(|n| page_with(n, vec![line(n, 0, 400.0, "12")]))
            .collect();
        remove_furniture(&mut pages, &ExtractConfig::default());
        assert!(pages.iter().all(|p| p.lines.len() == 1));
    }

    #[test]
    fn a_table_ending_in_years_is_not_a_contents_page() {
        let mut lines = Vec::new();
        for (i, (name, year)) in [
            ("Accumulo", "2019"),
            ("AirFlow", "2017"),
            ("Angular", "2017"),
            ("Ansible", "2015"),
        ]
        .iter()
        .enumerate()
        {
            let mut a = line(1, i, 300.0 + 20.0 * i as f64, name);
            a.x1 = 150.0;
            let mut b = line(1, i, 300.0 + 20.0 * i as f64, year);
            b.x0 = 500.0;
            b.x1 = 520.0;
            lines.push(a);
            lines.push(b);
        }
        let mut pages = vec![page_with(1, lines)];
        remove_furniture(&mut pages, &ExtractConfig::default());
        assert_eq!(pages[0].lines.len(), 8, "dropped: {:?}", pages[0].dropped);
    }

    #[test]
    fn contents_page_is_removed() {
        let mut lines = vec![line(2, 0, 100.0, "Sommaire")];
        for (i, t) in [
            "1. Introduction ........ 3",
            "2. Le contexte ........ 5",
            "2.1 Les quartiers ....... 6",
            "3. Conclusion ...... 12",
        ]
        .iter()
        .enumerate()
        {
            lines.push(line(2, i + 1, 130.0 + 20.0 * i as f64, t));
        }
        let mut pages = vec![page_with(2, lines)];
        remove_furniture(&mut pages, &ExtractConfig::default());
        assert!(pages[0].lines.is_empty(), "left: {:?}", pages[0].lines);
    }
}
