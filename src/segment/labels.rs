//! Recurring labels: short lines a document sets on their own again and
//! again ("Références", "Cas particuliers", "Points forts", "Avantages :"),
//! the headings of its template. Counting them is the document's own
//! evidence that such a line is a heading even when neither its size, its
//! weight nor the space under it says so (colour, which the text layer
//! does not give, often does). Likewise a numbered series the document
//! opens blocks with ("Critère 1.7 ...", "Action 3 : ...", "Objectif 2.1
//! ..."): its headings, over the lines they wrap to.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::roles::Role;
use super::typography::Typography;
use crate::record::Line;
use crate::text::{ends_sentence, starts_item};

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
    // A closing colon set apart ("Avantages :") is no word, and a lead-in
    // that stops on "de" before it ("Vous êtes libres de :") is a sentence.
    let bare = text.trim_end_matches([':', ' ', '\u{a0}']);
    // Asked of every text line: the word count first, which most fail.
    let words = bare.split_whitespace().take(MAX_WORDS + 1).count();
    if !(1..=MAX_WORDS).contains(&words) {
        return false;
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let others = text.chars().filter(|c| !c.is_whitespace()).count();
    letters >= 4
        && letters * 10 >= others * 8
        && text.chars().next().is_some_and(char::is_uppercase)
        && !text.ends_with(['.', ';', ',', '…', '!', '?'])
        && !ends_open(bare)
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
/// in the document or is closed by a colon and set apart from what it
/// introduces, each time with a line after it on the same page (a label
/// introduces something).
pub(super) fn recurring_labels(
    lines: &[&Line],
    typo: &Typography,
    roles: &[Role],
) -> HashSet<usize> {
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
    // A label closed by a colon says by itself that it introduces what
    // follows ("Avantages :", "Travail à faire :"): it need not recur, but
    // it heads what follows only when set apart from it. One the next
    // lines follow at their own line pitch ("Membres :" over the names,
    // "Sujet abordé :" over its dashes) opens that text, as a lead-in would.
    candidates
        .into_iter()
        .filter(|&i| {
            counts[&key(&lines[i].text)] >= MIN_TIMES
                || (lines[i].text.trim_end().ends_with(':') && !runs_on_below(lines, typo, i))
        })
        .collect()
}

/// Whether the text after line `i` follows it at its own line pitch,
/// as the lines of a paragraph follow each other: the pitch of the next
/// two lines when they are one block's, else the document's pitch for
/// the size (the next line alone, or the last on its page).
fn runs_on_below(lines: &[&Line], typo: &Typography, i: usize) -> bool {
    let (l, next) = (lines[i], lines[i + 1]);
    if next.column != l.column || next.y < l.y {
        return false;
    }
    let same_block = |a: &Line, b: &Line| {
        b.page == a.page
            && b.column == a.column
            && b.y > a.y
            && b.y - a.y <= typo.break_step_at(a.size)
    };
    let pitch = match lines.get(i + 2) {
        Some(after) if same_block(next, after) => after.y - next.y,
        _ => typo.pitch(l.size),
    };
    next.y - l.y <= pitch + typo.min_spacing()
}

/// A word and a number opening a line, then a separator or a capital
/// ("Critère 4.2 Pour chaque...", "Action 3 : Le..."; not "Depuis 3 ans").
static SERIES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\p{Lu}\p{Ll}{2,})\x20+([0-9]{1,2}(\.[0-9]{1,2}){0,3})\x20*([.:–—-]\x20*\S|\x20\p{Lu})",
    )
    .expect("valid")
});
/// Fewest different numbers a series shows.
const SERIES_MIN: usize = 3;
/// Most lines a heading of a series wraps to.
const SERIES_MAX_LINES: usize = 3;
/// A line this many line pitches under another (scaled by size) goes on
/// with it.
const WRAP_STEP: f64 = 1.5;

/// The lines of the document's numbered series headings: blocks of at
/// most `SERIES_MAX_LINES` lines opening a block with "Word N" (the same
/// word with at least `SERIES_MIN` different numbers in the document),
/// whose last line stops short and is not closed by a full stop (a
/// sentence that starts "Action 3 : le comité a..." is a paragraph).
pub(super) fn series_headings(
    lines: &[&Line],
    typo: &Typography,
    roles: &[Role],
) -> HashSet<usize> {
    let goes_on = |k: usize| {
        k > 0 && {
            let (p, l) = (lines[k - 1], lines[k]);
            roles[k] == Role::Text
                && p.page == l.page
                && p.column == l.column
                && l.y > p.y
                && l.y - p.y <= WRAP_STEP * typo.line_step * l.size / typo.body_size
                && (l.size - p.size).abs() <= 0.05 * p.size
                && !ends_sentence(&p.text)
                && !starts_item(&l.text)
        }
    };
    let mut blocks: Vec<(String, String, std::ops::Range<usize>)> = Vec::new();
    for i in 0..lines.len() {
        if roles[i] != Role::Text || starts_item(&lines[i].text) || goes_on(i) {
            continue;
        }
        let Some(c) = SERIES.captures(lines[i].text.trim_start()) else {
            continue;
        };
        let mut end = i + 1;
        while end < lines.len() && end - i < SERIES_MAX_LINES && goes_on(end) {
            end += 1;
        }
        // A heading's last line stops short of the column's edge or closes
        // a question; a full open one runs on (into a line of another
        // size, a note's last word).
        let last = lines[end - 1].text.trim_end();
        let closed = last.ends_with(['.', ';', ','])
            || (typo.is_full(lines[end - 1]) && !last.ends_with(['?', ':']));
        if closed || (end < lines.len() && goes_on(end)) {
            continue;
        }
        blocks.push((c[1].to_string(), c[2].to_string(), i..end));
    }
    let mut numbers: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (word, number, _) in &blocks {
        numbers.entry(word).or_default().insert(number);
    }
    blocks
        .iter()
        .filter(|(word, _, _)| numbers[word.as_str()].len() >= SERIES_MIN)
        .flat_map(|(_, _, range)| range.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{ExtractedPage, ParagraphKind};
    use crate::segment::segment;

    /// A page of (gap before in 15 pt steps, size, text) lines at the margin.
    fn page(number: u32, lines: &[(f64, f64, &str)]) -> ExtractedPage {
        ExtractedPage::at_margin(number, 15.0, lines)
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
    fn a_numbered_series_the_document_opens_blocks_with_gives_headings() {
        let action = |n: u32, title: &str| {
            page(
                n,
                &[
                    (1.0, 12.0, title),
                    (1.0, 12.0, "bien suivie par le comité ?"),
                    (1.5, 12.0, FULL),
                    (1.0, 12.0, "et des moyens."),
                    // A sentence opening like the series, closed by a full stop.
                    (1.5, 12.0, "Action 9 : Le comité a renforcé le suivi."),
                ],
            )
        };
        let pages = [
            action(
                1,
                "Action 1 : La concertation avec les habitants a-t-elle été",
            ),
            action(
                2,
                "Action 2 : La rénovation des logements sociaux a-t-elle été",
            ),
            action(
                3,
                "Action 3 : Les actions de la politique de la ville ont-elles été",
            ),
        ];
        let got = read(&pages);
        let headings: Vec<Option<&str>> = got
            .iter()
            .filter(|p| p.2 == FULL_PARAGRAPH)
            .map(|p| p.1.as_deref())
            .collect();
        assert_eq!(
            headings,
            [
                Some("Action 1 : La concertation avec les habitants a-t-elle été bien suivie par le comité ?"),
                Some("Action 2 : La rénovation des logements sociaux a-t-elle été bien suivie par le comité ?"),
                Some("Action 3 : Les actions de la politique de la ville ont-elles été bien suivie par le comité ?"),
            ],
            "{got:?}"
        );
        assert_eq!(
            got.iter().filter(|p| p.2.starts_with("Action 9")).count(),
            3,
            "{got:?}"
        );
        // Two numbers are no series.
        let got = read(&pages[..2]);
        assert!(got.iter().any(|p| p.2.starts_with("Action 1")), "{got:?}");
    }

    const FULL_PARAGRAPH: &str =
        "Le contrat de ville a réuni les partenaires autour de trois piliers et de et des moyens.";

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

    /// The rows read as labels among lines of body text, in order: (gap
    /// before in 20 pt steps, text) at 11 pt on one page.
    fn labels_among(rows: &[(f64, &str)]) -> Vec<usize> {
        let rows: Vec<(f64, f64, &str)> = rows.iter().map(|&(gap, t)| (gap, 11.0, t)).collect();
        let pages = [ExtractedPage::at_margin(1, 20.0, &rows)];
        let refs: Vec<&Line> = pages[0].lines.iter().collect();
        let roles = vec![Role::Text; refs.len()];
        let typo = Typography::measure(&pages);
        let mut got: Vec<usize> = recurring_labels(&refs, &typo, &roles).into_iter().collect();
        got.sort();
        got
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
        let rows: Vec<(f64, &str)> = texts.iter().map(|&t| (1.0, t)).collect();
        let got = labels_among(&rows);
        // "Références" three times (colon aside); "Cas particuliers" only
        // twice; "Voir plus haut." ends a sentence; "EN 301 549" is mostly digits.
        assert_eq!(got, [0, 4, 8]);
        assert!(ends_open("Nom du jeu de") && ends_open("Budget de l’"));
    }

    #[test]
    fn a_label_closed_by_a_colon_need_not_recur_but_must_be_set_apart() {
        // Paragraphs two line pitches apart, their lines one pitch apart.
        let rows = [
            (1.0, "Avantages :"),
            (2.0, "Le texte est lu en bloc"),
            (1.0, "et il est lu en bloc."),
            (2.0, "Points forts"),
            (2.0, "Le texte est lu en bloc"),
            (1.0, "et il est lu en bloc."),
            (2.0, "Les actions retenues sont les suivantes :"),
            (2.0, "Le texte est lu en bloc"),
            (1.0, "et il est lu en bloc."),
            (2.0, "Vous êtes libres de :"),
            (2.0, "Reproduire ces informations ;"),
            (1.0, "et il est lu en bloc."),
            (2.0, "Membres :"),
            (1.0, "M. Gaëtan Gagné, conseiller municipal"),
            (1.0, "M. David Huggins-Daines, conseiller municipal"),
            (2.0, "Le texte est lu en bloc"),
        ];
        let got = labels_among(&rows);
        // "Points forts" is set once without a colon; the lead-in sentence
        // has more words than a label; "libres de :" stops on "de";
        // "Membres :" runs on into its names at the line pitch.
        assert_eq!(got, [0]);
        assert!(!ends_open("Cas particuliers") && !ends_open("Mise en œuvre"));
    }
}
