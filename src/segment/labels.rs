//! Recurring labels: short lines a document sets on their own again and
//! again ("Références", "Cas particuliers", "Points forts", "Avantages :"),
//! the headings of its template. Counting them is the document's own
//! evidence that such a line is a heading even when neither its size, its
//! weight nor the space under it says so (colour, which the text layer
//! does not give, often does).

use std::collections::{HashMap, HashSet};

use super::roles::Role;
use crate::record::Line;

/// Most words a recurring label has.
const MAX_WORDS: usize = 4;
/// Fewest times a label recurs on a line of its own.
const MIN_TIMES: usize = 3;

/// The label as compared: lower case, closing colon and spaces aside.
fn key(text: &str) -> String {
    text.trim()
        .trim_end_matches([':', ' ', '\u{a0}'])
        .to_lowercase()
}

/// Whether the line could be a label: a few words opening with a capital,
/// mostly letters, closed by no sentence punctuation (a colon allowed).
fn label_like(l: &Line) -> bool {
    let text = l.text.trim();
    let words = text.split_whitespace().count();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let others = text.chars().filter(|c| !c.is_whitespace()).count();
    (1..=MAX_WORDS).contains(&words)
        && letters >= 4
        && letters * 10 >= others * 8
        && text.chars().next().is_some_and(char::is_uppercase)
        && !text.ends_with(['.', ';', ',', '…', '!', '?'])
        && !ends_open(text)
}

/// Words a title does not end on: the text goes on on the next line
/// ("Nom du jeu de" / "données" in a table's header cell).
const OPEN_ENDINGS: [&str; 16] = [
    "de", "du", "des", "d'", "d’", "la", "le", "les", "l'", "l’", "et", "ou", "à", "en", "pour",
    "par",
];

/// The text ends on a word that needs more after it.
pub(super) fn ends_open(text: &str) -> bool {
    let t = text.trim_end().to_lowercase();
    OPEN_ENDINGS
        .iter()
        .any(|w| t.ends_with(&format!(" {w}")) || (w.ends_with(['\'', '’']) && t.ends_with(w)))
}

/// Indices of the text lines whose label recurs at least `MIN_TIMES` times
/// in the document, each time with a line after it on the same page (a
/// label introduces something).
pub(super) fn recurring_labels(lines: &[&Line], roles: &[Role]) -> HashSet<usize> {
    let candidates: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            roles[i] == Role::Text
                && label_like(lines[i])
                && lines.get(i + 1).is_some_and(|n| n.page == lines[i].page)
                // Alone on its baseline row (not a table cell).
                && (i == 0 || lines[i - 1].row != lines[i].row || lines[i - 1].page != lines[i].page)
                && lines.get(i + 1).is_none_or(|n| n.row != lines[i].row)
        })
        .collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for &i in &candidates {
        *counts.entry(key(&lines[i].text)).or_default() += 1;
    }
    candidates
        .into_iter()
        .filter(|&i| counts[&key(&lines[i].text)] >= MIN_TIMES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{ExtractedPage, ParagraphKind};
    use crate::segment::segment;

    /// A page of (gap before in 15 pt steps, size, text) lines at the margin.
    fn page(number: u32, lines: &[(f64, f64, &str)]) -> ExtractedPage {
        let mut y = 80.0;
        let lines = lines
            .iter()
            .enumerate()
            .map(|(row, &(gap, size, text))| {
                y += 15.0 * gap;
                let x1 = if text.len() > 70 {
                    520.0
                } else {
                    72.0 + 4.5 * text.len() as f64
                };
                Line {
                    page: number,
                    x0: 72.0,
                    x1,
                    y,
                    size,
                    text: text.to_string(),
                    column: 0,
                    row,
                    starts_with_marker: false,
                    bold: false,
                    bold_lead: None,
                }
            })
            .collect();
        ExtractedPage {
            number,
            width: 595.0,
            height: 842.0,
            columns: 1,
            lines,
            dropped: Vec::new(),
            failed: false,
        }
    }

    const FULL: &str = "Le contrat de ville a réuni les partenaires autour de trois piliers et de";

    /// (kind, heading, text) of every paragraph.
    fn read(pages: &[ExtractedPage]) -> Vec<(ParagraphKind, Option<String>, String)> {
        let seg = segment(pages);
        seg.paragraphs
            .iter()
            .map(|p| {
                (
                    p.kind,
                    seg.heading(p.heading).map(String::from),
                    p.text.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn a_short_line_raised_over_its_items_is_a_heading_but_short_body_lines_are_not() {
        let got = read(&[page(
            1,
            &[
                (1.0, 12.0, FULL),
                (1.0, 12.0, "et des moyens."),
                (1.2, 13.0, "Avantages :"),
                (1.0, 11.0, "• le texte est lu en entier"),
                (1.0, 11.0, "• l'ordre est gardé"),
                (1.6, 12.0, "Le bilan est positif."),
                // Raised but going on with the line above: not a heading.
                (
                    1.5,
                    13.0,
                    "Voir le tableau de bord https://exemple.fr/suivi-",
                ),
                (1.0, 13.0, "Contrat/bilan"),
                (1.5, 12.0, FULL),
                (1.0, 12.0, "et des moyens."),
            ],
        )]);
        let kinds: Vec<(ParagraphKind, Option<&str>)> =
            got.iter().map(|(k, h, _)| (*k, h.as_deref())).collect();
        assert_eq!(
            kinds,
            [
                (ParagraphKind::Body, None),
                (ParagraphKind::ListItem, Some("Avantages :")),
                (ParagraphKind::ListItem, Some("Avantages :")),
                (ParagraphKind::Body, Some("Avantages :")),
                (ParagraphKind::Body, Some("Avantages :")),
                (ParagraphKind::Body, Some("Avantages :")),
            ],
            "{got:?}"
        );
    }

    #[test]
    fn a_label_the_document_repeats_is_a_heading_and_a_title_in_capitals_too() {
        let criterion = |n: u32| {
            page(
                n,
                &[
                    (1.0, 12.0, FULL),
                    (1.0, 12.0, "et des moyens."),
                    // Set apart above only, at body size and weight.
                    (2.0, 12.0, "Références"),
                    (1.2, 12.0, "EN 301 549 V2.1.2 / WCAG 2.1"),
                ],
            )
        };
        let got = read(&[criterion(1), criterion(2), criterion(3)]);
        let refs: Vec<&(ParagraphKind, Option<String>, String)> =
            got.iter().filter(|p| p.2.starts_with("EN 301")).collect();
        assert_eq!(refs.len(), 3, "{got:?}");
        assert!(
            refs.iter().all(|p| p.1.as_deref() == Some("Références")),
            "{got:?}"
        );
        // Twice is not a template.
        let got = read(&[criterion(1), criterion(2)]);
        assert!(got.iter().any(|p| p.2.starts_with("Références")), "{got:?}");

        let got = read(&[page(
            1,
            &[
                (1.0, 12.0, "COMITÉ DE DÉMOLITION"),
                (2.0, 12.0, "PROCÈS-VERBAL"),
                (
                    1.0,
                    12.0,
                    "Séance publique tenue le 20 juin à la salle du conseil.",
                ),
                (1.5, 12.0, FULL),
                (1.0, 12.0, "et des moyens."),
            ],
        )]);
        assert_eq!(got[0].1.as_deref(), Some("PROCÈS-VERBAL"), "{got:?}");
        assert!(got[0].2.starts_with("Séance publique"), "{got:?}");
    }

    fn line(row: usize, text: &str) -> Line {
        Line {
            page: 1 + row as u32 / 10,
            x0: 72.0,
            x1: 300.0,
            y: 100.0 + 20.0 * (row % 10) as f64,
            size: 11.0,
            text: text.into(),
            column: 0,
            row,
            starts_with_marker: false,
            bold: false,
            bold_lead: None,
        }
    }

    #[test]
    fn a_label_set_three_times_recurs_but_a_sentence_or_a_pair_does_not() {
        let texts = [
            "Références",
            "EN 301 549",
            "Cas particuliers",
            "Voir plus haut.",
            "Références :",
            "EN 301 549",
            "Cas particuliers",
            "Voir plus haut.",
            "Références",
            "EN 301 549",
            "Voir plus haut.",
            "Voir plus haut.",
        ];
        let lines: Vec<Line> = texts.iter().enumerate().map(|(i, t)| line(i, t)).collect();
        let refs: Vec<&Line> = lines.iter().collect();
        let roles = vec![Role::Text; refs.len()];
        let mut got: Vec<usize> = recurring_labels(&refs, &roles).into_iter().collect();
        got.sort();
        // "Références" three times (colon aside); "Cas particuliers" only
        // twice; "Voir plus haut." ends a sentence; "EN 301 549" is mostly digits.
        assert_eq!(got, [0, 4, 8]);
        assert!(ends_open("Nom du jeu de") && ends_open("Budget de l’"));
        assert!(!ends_open("Cas particuliers") && !ends_open("Mise en œuvre"));
    }
}
