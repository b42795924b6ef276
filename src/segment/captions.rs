//! Captions: the title of a figure, table, chart or map ("Graphique 3 :
//! Taux de chômage...") and the statistical notes set under one ("Source :
//! INSEE, 2020", "Champ : ...", "Lecture : ..."). They are told by how they
//! open AND by where they sit, since "Tableau de bord du contrat" opens a
//! heading and "Source de difficultés, ..." a sentence: a caption is short
//! and set apart from the running text (smaller, bold, centred, beside a
//! table or a figure's empty space). Their lines get `Role::Caption`, so
//! they become paragraphs of their own that are never classified.

use std::sync::LazyLock;

use regex::Regex;

use super::roles::Role;
use super::typography::Typography;
use crate::record::Line;
use crate::text::starts_item;

/// A caption's label: the object's name and its number, then a separator,
/// a capital or nothing ("Figure 1 – ...", "FiGURE 2" in small capitals,
/// "Tableau n° 3 :", "Graphique 2.1 Taux..."). A sentence about a figure
/// goes on in lower case ("Tableau 2 présente..."), and a name without a
/// number ("Tableau de bord") is not a label.
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        // Case-blind for the name only: what follows the number must be
        // a capital for the line to be a label.
        r"^(?i:figure|fig\.|tableau|graphique|graphe|carte|sch[ée]ma|illustration|encadr[ée]|diagramme|photo(graphie)?|image)\s*(?i:n[°o]\s*)?([A-Z]\.)?([0-9]{1,3}([.-][0-9]{1,2})*[a-z]?|[IVX]{1,5})(\s*$|\s*[:.–—-]|\s+[\p{Lu}(«])",
    )
    .expect("valid")
});

/// The notes French statistical tables and charts carry under them,
/// always with their colon ("Sources : INSEE, RP 2020", "(Source : ...)").
static STAT_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\(?\s*(?i:sources?|champ|lecture|note de lecture|cl[ée] de lecture)\s*:")
        .expect("valid")
});

/// "Note :" also opens remarks in running text (a standard's notes, a
/// guide's caveats): a caption only right under a table or a caption.
static PLAIN_NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\(?\s*(?i:notes?)\s*:").expect("valid"));

/// Most lines a caption runs over; a longer block that opens like one is a
/// paragraph about the figure.
const MAX_LINES: usize = 4;
/// A caption set in type this much smaller than the body stands apart.
const SMALLER: f64 = 0.95;
/// A space of this many line pitches above or below (beyond any paragraph
/// spacing, which stays under two pitches) is a figure's or a table's place.
const FIGURE_GAP: f64 = 2.0;
/// A centred line leaves at least this many body sizes on each side of its
/// column, the two margins within this many of each other.
const CENTRED_MARGIN: f64 = 2.0;
/// Lines of one caption differ in size by at most this share.
const SAME_SIZE: f64 = 0.05;

/// How a line opens a caption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opening {
    /// A figure's or a table's label, or a statistical note.
    Caption,
    /// "Note :", which needs a table or a caption just above.
    Note,
}

/// How the line opens a caption, if it does. The label starts with a
/// capital (or "(" and a capital): "le code source : pour..." wrapped from
/// the line above is a sentence going on.
fn opening(text: &str) -> Option<Opening> {
    let t = text.trim_start();
    let capital = t
        .trim_start_matches(['(', ' '])
        .chars()
        .next()
        .is_some_and(char::is_uppercase);
    if !capital {
        None
    } else if NUMBERED.is_match(t) || STAT_NOTE.is_match(t) {
        Some(Opening::Caption)
    } else if PLAIN_NOTE.is_match(t) {
        Some(Opening::Note)
    } else {
        None
    }
}

/// The line opens a caption (a note only beside a table or caption).
pub(super) fn opens_caption(text: &str) -> bool {
    opening(text).is_some()
}

/// Marks captions among the text lines (after footnotes and tables, before
/// headings: a bold caption is not a section heading for what follows).
pub(super) fn mark_captions(lines: &[&Line], typo: &Typography, roles: &mut [Role]) {
    let mut caption = 0usize;
    let mut i = 0;
    while i < lines.len() {
        let open = opening(&lines[i].text);
        if roles[i] != Role::Text || open.is_none() || starts_item(&lines[i].text) {
            i += 1;
            continue;
        }
        let end = run_end(lines, typo, roles, i);
        let short = end - i <= MAX_LINES && !continues(lines, typo, roles, end - 1, end);
        let apart = match open {
            Some(Opening::Note) => beside_table_or_caption(lines, roles, i, end),
            _ => set_apart(lines, typo, roles, i, end),
        };
        if short && apart {
            caption += 1;
            for r in &mut roles[i..end] {
                *r = Role::Caption(caption);
            }
            i = end;
        } else {
            i += 1;
        }
    }
}

/// One past the last line of the block that opens at `start`.
fn run_end(lines: &[&Line], typo: &Typography, roles: &[Role], start: usize) -> usize {
    let mut end = start + 1;
    while end - start <= MAX_LINES && continues(lines, typo, roles, end - 1, end) {
        end += 1;
    }
    end
}

/// Line `next` goes on with the block whose last line is `prev`: same
/// flow, within a paragraph break, same size, and `prev` left open or
/// full. A new caption label starts a caption of its own.
fn continues(lines: &[&Line], typo: &Typography, roles: &[Role], prev: usize, next: usize) -> bool {
    let (Some(p), Some(n)) = (lines.get(prev), lines.get(next)) else {
        return false;
    };
    roles[next] == Role::Text
        && n.page == p.page
        && n.column == p.column
        && n.y > p.y
        && n.y - p.y <= typo.break_step() * n.size / typo.body_size
        // Captions are often a size below the text they sit in.
        && (n.size - p.size).abs() <= SAME_SIZE * p.size
        && !starts_item(&n.text)
        && !opens_caption(&n.text)
        && !closes_parenthesis(&lines[..=prev])
        && (!crate::text::ends_sentence(&p.text) || typo.is_full(p))
}

/// The block ending at the last of `lines` opened with "(" and has just
/// closed it: "(Source : Baromètre 2019)" is over.
fn closes_parenthesis(lines: &[&Line]) -> bool {
    let last = lines[lines.len() - 1];
    if !last.text.trim_end().ends_with(')') {
        return false;
    }
    // The block's first line: the nearest one up that opens a caption.
    lines
        .iter()
        .rev()
        .find(|l| opens_caption(&l.text))
        .is_some_and(|l| l.text.trim_start().starts_with('('))
}

/// The block `start..end` sits right under or over a table or another
/// caption, in the same flow.
fn beside_table_or_caption(lines: &[&Line], roles: &[Role], start: usize, end: usize) -> bool {
    let first = lines[start];
    let near = |k: usize| {
        let l = lines[k];
        l.page == first.page
            && l.column == first.column
            && matches!(roles[k], Role::TableRow(_) | Role::Caption(_))
    };
    start.checked_sub(1).is_some_and(near) || (end < lines.len() && near(end))
}

/// The block `start..end` stands apart from the running text.
fn set_apart(lines: &[&Line], typo: &Typography, roles: &[Role], start: usize, end: usize) -> bool {
    let first = lines[start];
    let last = lines[end - 1];
    let block = &lines[start..end];
    let smaller = block.iter().all(|l| l.size < SMALLER * typo.body_size);
    let bold = first.bold || first.bold_lead.is_some();
    let same_flow = |a: &Line, b: &Line| a.page == b.page && a.column == b.column;
    let gap = FIGURE_GAP * typo.line_step;
    let before = start.checked_sub(1).map(|k| (k, lines[k]));
    let after = lines.get(end).map(|l| (end, *l));
    let gap_above = before.is_some_and(|(_, p)| same_flow(p, first) && first.y - p.y >= gap);
    let gap_below = after.is_some_and(|(_, n)| same_flow(last, n) && n.y - last.y >= gap);
    // Beside a table, or under another caption ("Source :" under its title).
    let beside = beside_table_or_caption(lines, roles, start, end);
    let centred = block.iter().all(|l| typo.is_centred(l, CENTRED_MARGIN));
    smaller || bold || gap_above || gap_below || beside || centred
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{ExtractedPage, ParagraphKind};
    use crate::segment::segment;

    /// A page from (gap before in line pitches of 14 pt, size, text);
    /// long texts fill the column, short ones stop early.
    fn page(lines: &[(f64, f64, &str)]) -> ExtractedPage {
        ExtractedPage::at_margin(1, 14.0, lines)
    }

    const FULL: &str = "Le contrat de ville a réuni les partenaires autour de trois piliers et de";
    const FULL2: &str =
        "nombreuses actions dont le bilan est dressé dans les pages qui suivent ici";

    fn kinds(lines: &[(f64, f64, &str)]) -> Vec<(ParagraphKind, String)> {
        segment(&[page(lines)])
            .paragraphs
            .into_iter()
            .map(|p| (p.kind, p.text))
            .collect()
    }

    #[test]
    fn a_chart_title_and_its_source_under_a_figure_are_captions() {
        let got = kinds(&[
            (1.0, 10.0, FULL),
            (1.0, 10.0, FULL2),
            (1.0, 10.0, "et des moyens."),
            // The chart is an image: a wide space, then its title and source.
            (
                12.0,
                10.0,
                "Graphique 3 : Taux de chômage des 15-24 ans par quartier,",
            ),
            (1.0, 10.0, "de 2015 à 2020"),
            (1.2, 8.5, "Source : INSEE, RP 2020."),
            (2.5, 10.0, FULL),
            (1.0, 10.0, "et des moyens."),
        ]);
        let kinds: Vec<ParagraphKind> = got.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            kinds,
            [
                ParagraphKind::Body,
                ParagraphKind::Caption,
                ParagraphKind::Caption,
                ParagraphKind::Body
            ],
            "{got:?}"
        );
        assert_eq!(
            got[1].1,
            "Graphique 3 : Taux de chômage des 15-24 ans par quartier, de 2015 à 2020"
        );
    }

    #[test]
    fn look_alikes_in_running_text_stay_body_paragraphs() {
        let got = kinds(&[
            (1.0, 10.0, FULL),
            (1.0, 10.0, "et des moyens."),
            // Paragraph spacing only: no figure's space, same size and weight.
            (
                1.5,
                10.0,
                "Source de difficultés, le renouvellement des membres du",
            ),
            (1.0, 10.0, "conseil citoyen reste lent."),
            (1.5, 10.0, "Note : les chiffres de 2020 sont provisoires."),
            // A long block opening like a caption is a paragraph about it.
            (
                3.0,
                10.0,
                "Tableau 2 : les crédits engagés par axe montrent un effort qui se poursuit",
            ),
            (1.0, 10.0, FULL),
            (1.0, 10.0, FULL2),
            (1.0, 10.0, FULL),
            (1.0, 10.0, FULL2),
            (1.0, 10.0, "et des moyens."),
        ]);
        assert!(
            got.iter().all(|(k, _)| *k == ParagraphKind::Body),
            "{got:?}"
        );
        assert_eq!(got.len(), 4, "{got:?}");
    }

    #[test]
    fn captions_are_never_classified() {
        assert!(!ParagraphKind::Caption.is_classified());
        assert_eq!(ParagraphKind::Caption.as_str(), "caption");
    }

    #[test]
    fn caption_labels_and_their_look_alikes() {
        for caption in [
            "Figure 1 : Création d'un compte utilisateur",
            "FiGURE 2 – Associer une image à la réutilisation",
            "Tableau 3 : Puissance installée",
            "Tableau n° 4. Répartition des crédits",
            "Tableau A.2 : Applications mobiles",
            "Graphique 2.1 Taux de chômage des 15-24 ans",
            "Carte 1",
            "Schéma 2 - Gouvernance du contrat",
            "Encadré 3 : la méthode",
            "Source : INSEE, 2020",
            "Sources : INSEE, RP 2020 ; CAF",
            "(Source : Baromètre Eurobserver 2019)",
            "Champ : France métropolitaine",
            "Lecture : en 2020, 35 % des habitants...",
        ] {
            assert_eq!(opening(caption), Some(Opening::Caption), "{caption}");
        }
        assert_eq!(opening("Note : données provisoires"), Some(Opening::Note));
        for not in [
            "Tableau de bord du contrat de ville",
            "Source de difficultés, le renouvellement des membres",
            "Tableau 2 présente les crédits engagés par axe.",
            "Figurent dans le tableau les actions financées",
            "Le tableau 1 rapproche quelques indicateurs",
            "Cartes et graphiques",
            "Les sources : entretiens et questionnaires",
            "source : pour comprendre le problème que le logiciel",
            "champ : le",
        ] {
            assert!(!opens_caption(not), "{not}");
        }
    }
}
