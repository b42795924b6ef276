//! Tests of the evidence segmentation weighs against each document's own
//! measures: a size's own line pitch, a labelled list, a bold lead-in, a
//! run of bold lines, the room left at a page foot, a short open line at a
//! page foot, a box's wider leading, a justified line cut at stretched
//! word spaces, lines of figures alone.

use super::segment;
use super::tables::tests::kinds as read;
use crate::record::{ExtractedPage, Line, ParagraphKind};

/// (gap before in points, size, text) lines at the margin.
fn page(number: u32, lines: &[(f64, f64, &str)]) -> ExtractedPage {
    ExtractedPage::at_margin(number, 1.0, lines)
}

const FULL: &str = "Le contrat de ville a réuni les partenaires autour de trois piliers et de";

#[test]
fn an_excerpt_set_with_a_leading_of_its_own_is_one_block() {
    let body = [
        (20.0, 12.0, FULL),
        (14.0, 12.0, FULL),
        (14.0, 12.0, "et des moyens."),
    ];
    let mut lines = vec![];
    for _ in 0..4 {
        lines.extend(body);
    }
    // Code at 8 pt, double spaced: its own pitch, far above 8/12 of the body's.
    lines.extend([
        (20.0, 8.0, "Initialize the network with"),
        (16.0, 8.0, "h = 0 hidden units and"),
        (16.0, 8.0, "set the targets of the output"),
        (16.0, 8.0, "unit for every pattern"),
        (16.0, 8.0, "repeat until the training set"),
        (16.0, 8.0, "is learnt by the hidden units"),
    ]);
    // Body text under it: the excerpt is no footnote.
    lines.extend(body);
    let got = read(&[page(1, &lines)]);
    let code: Vec<&(ParagraphKind, String)> =
        got.iter().filter(|p| p.1.contains("hidden")).collect();
    assert_eq!(code.len(), 1, "{got:?}");
    assert!(code[0].1.starts_with("Initialize") && code[0].1.ends_with("hidden units"));
}

#[test]
fn lettered_and_slashed_items_among_their_siblings_are_items() {
    let got = read(&[page(
        1,
        &[
            (
                14.0,
                12.0,
                "Parmi les propositions suivantes, lesquelles sont exactes ?",
            ),
            (14.0, 12.0, "A. Un pH sanguin normal exclut un trouble"),
            (14.0, 12.0, "B. Un pH abaissé traduit une acidose"),
            (14.0, 12.0, "C. Le trouble est mixte"),
            (20.0, 12.0, "1/ Maîtrise par les membres de l'équipe"),
            (14.0, 12.0, "2/ Performance en temps d'exécution"),
        ],
    )]);
    let kinds: Vec<ParagraphKind> = got.iter().map(|p| p.0).collect();
    assert_eq!(
        kinds,
        [
            ParagraphKind::Body,
            ParagraphKind::ListItem,
            ParagraphKind::ListItem,
            ParagraphKind::ListItem,
            ParagraphKind::ListItem,
            ParagraphKind::ListItem,
        ],
        "{got:?}"
    );
}

#[test]
fn figures_alone_are_kept_as_other() {
    let got = read(&[page(
        1,
        &[
            (14.0, 12.0, "Guide de la qualité des données"),
            (200.0, 12.0, "27/05/2024"),
        ],
    )]);
    assert!(
        got.contains(&(ParagraphKind::Other, "27/05/2024".to_string())),
        "{got:?}"
    );
}

#[test]
fn a_long_bold_sentence_closed_by_a_colon_is_no_heading_but_a_bold_label_is() {
    let mut p = page(
        1,
        &[
            (
                14.0,
                12.0,
                "L'ouverture et la réutilisation des données bénéficie aux administrations :",
            ),
            (
                20.0,
                12.0,
                "— la circulation des données en améliore la qualité ;",
            ),
            (20.0, 12.0, "Avantages :"),
            (20.0, 12.0, "— le texte est lu en entier."),
        ],
    );
    p.lines[0].bold = true;
    p.lines[2].bold = true;
    let seg = segment(&[p]);
    assert_eq!(seg.headings, ["Avantages :"], "{:?}", seg.paragraphs);
    assert!(seg.paragraphs[0].text.starts_with("L'ouverture"));
}

#[test]
fn the_last_line_of_a_bold_run_is_no_heading_but_a_bold_line_after_a_space_is() {
    // Three bold lines at the line pitch (a list set in bold without
    // bullets), then the text after a space; then a bold label alone.
    let mut p = page(
        1,
        &[
            (14.0, 12.0, FULL),
            (14.0, 12.0, "et des moyens."),
            (26.0, 12.0, "Le nom du fichier d'origine"),
            (14.0, 12.0, "Le titre du papier"),
            (14.0, 12.0, "Le résumé de l'auteur"),
            (
                26.0,
                12.0,
                "Considérez que les sections ne sont pas toutes présentes.",
            ),
            (26.0, 12.0, "Consignes"),
            (14.0, 12.0, "Les équipes sont fixées en séance."),
        ],
    );
    for i in [2, 3, 4, 6] {
        p.lines[i].bold = true;
    }
    let seg = segment(&[p]);
    assert_eq!(seg.headings, ["Consignes"], "{:?}", seg.paragraphs);
}

#[test]
fn a_sentence_ended_with_room_left_at_a_page_foot_ends_its_paragraph() {
    // Three full pages tell where the text ends.
    let full_page = |n: u32| page(n, &[(14.0, 11.0, FULL); 48]);
    // A full line ending a sentence, after `count` lines.
    let ending_at = |n: u32, count: usize| {
        let mut lines = vec![(14.0, 11.0, FULL); count];
        lines.push((
            14.0,
            11.0,
            "Le bilan des trois années de mise en oeuvre du contrat de ville est positif.",
        ));
        page(n, &lines)
    };
    let next = page(
        5,
        &[(
            14.0,
            11.0,
            "Les indicateurs confirment la persistance des écarts.",
        )],
    );
    let new_paragraph_on_page_5 = |count: usize| {
        let pages = [
            full_page(1),
            full_page(2),
            full_page(3),
            ending_at(4, count),
            next.clone(),
        ];
        read(&pages)
            .iter()
            .any(|p| p.1.starts_with("Les indicateurs"))
    };
    // Room for one more line under it: the paragraph ended there.
    assert!(new_paragraph_on_page_5(46));
    // At the foot of the text, the paragraph may go on over the page.
    assert!(!new_paragraph_on_page_5(47));
}

#[test]
fn a_short_open_line_at_a_page_foot_ends_its_block_before_a_capital() {
    // The page's last line stops short without punctuation ("Titre sur
    // deux lignes distinctes", an unbulleted list's last line): the next
    // page's line opening with a capital starts a block. A full open line
    // goes on over the break, capital or not (a name, "État").
    let pages_ending_with = |last: &'static str| {
        [
            page(
                1,
                &[(14.0, 11.0, FULL), (14.0, 11.0, FULL), (14.0, 11.0, last)],
            ),
            page(
                2,
                &[(
                    14.0,
                    11.0,
                    "Table restituée avec le titre du premier suivi du second.",
                )],
            ),
        ]
    };
    let starts_page_2 = |last: &'static str| {
        read(&pages_ending_with(last))
            .iter()
            .any(|p| p.1.starts_with("Table restituée"))
    };
    assert!(starts_page_2("Titre sur deux lignes distinctes"));
    assert!(!starts_page_2(FULL));
}

#[test]
fn a_box_set_with_a_wider_leading_keeps_its_wrapped_lines() {
    // Body text at a 14 pt pitch, then a box whose lines stand 21 pt
    // apart: a full open line goes on in lower case under it; a line
    // opening with a capital there starts a block of its own.
    let mut lines = Vec::new();
    for _ in 0..4 {
        lines.extend([
            (24.0, 11.0, FULL),
            (14.0, 11.0, FULL),
            (14.0, 11.0, "et des moyens."),
        ]);
    }
    lines.extend([
        (30.0, 11.0, FULL),
        (21.0, 11.0, "la mise en oeuvre du contrat."),
        (21.0, 11.0, FULL),
        (21.0, 11.0, "Le bilan des actions menées."),
    ]);
    let got = read(&[page(1, &lines)]);
    assert!(
        got.iter()
            .any(|p| p.1.ends_with("de la mise en oeuvre du contrat.")),
        "{got:?}"
    );
    assert!(got.iter().any(|p| p.1.starts_with("Le bilan")), "{got:?}");
}

#[test]
fn a_justified_line_cut_at_stretched_word_spaces_is_one_line() {
    // A narrow column without hyphenation: "informatique." and "Les" set
    // 2 em apart on one baseline row, which extraction cut into pieces.
    let piece = |row: usize, (x0, x1): (f64, f64), y: f64, text: &str| {
        Line::plain(1, row, (x0, x1), y, 10.0, text)
    };
    let lines = vec![
        piece(
            0,
            (57.0, 286.0),
            100.0,
            "Les foyers les plus modestes sont souvent",
        ),
        piece(1, (57.0, 104.0), 111.5, "dépourvues"),
        piece(1, (123.0, 179.0), 111.5, "d'équipement"),
        piece(1, (198.0, 254.0), 111.5, "informatique."),
        piece(1, (273.0, 286.0), 111.5, "Les"),
        piece(
            2,
            (57.0, 286.0),
            123.0,
            "permanences existantes n'ont pas permis de résorber les",
        ),
        piece(3, (57.0, 160.0), 134.5, "écarts constatés."),
    ];
    let got = read(&[ExtractedPage::a4(1, lines)]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].1.contains("informatique. Les permanences"),
        "{got:?}"
    );
}

/// A column 57-286 at 10 pt, 11.5 pt pitch, from line `row` on.
fn column_line(row: usize, x1: f64, text: &str) -> Line {
    Line::plain(1, row, (57.0, x1), 100.0 + 11.5 * row as f64, 10.0, text)
}

const WIDE: &str = "permanences existantes n'ont pas permis de résorber les";

#[test]
fn a_sentence_ended_with_room_for_the_next_word_ends_its_paragraph() {
    // Justified lines, no spacing or indent between paragraphs: the line
    // ending "constatés." stops 18 pt short of the edge, room for "La"
    // (about 8 pt and a space) but not for "L'évaluation" (about 50 pt).
    let with_next = |first: &str| {
        let mut lines: Vec<Line> = (0..6).map(|r| column_line(r, 286.0, WIDE)).collect();
        lines.push(column_line(
            6,
            268.0,
            "les écarts de revenus entre les quartiers constatés.",
        ));
        lines.push(column_line(7, 286.0, &format!("{first} {WIDE}")));
        read(&[ExtractedPage::a4(1, lines)])
    };
    assert_eq!(with_next("La").len(), 2);
    assert_eq!(with_next("L'évaluation").len(), 1);
}

#[test]
fn a_ragged_line_without_room_for_the_next_word_wraps_inside_its_paragraph() {
    // Ragged paragraphs set apart by a space: "préalables :" ends a line
    // 46 pt short of the edge, too little for "diagnostic".
    let ragged = [250.0, 270.0, 240.0];
    let mut lines = Vec::new();
    let mut y = 100.0;
    for _paragraph in 0..4 {
        for (i, x1) in ragged.iter().enumerate() {
            let row = lines.len();
            lines.push(Line::plain(1, row, (57.0, *x1), y, 10.0, WIDE));
            y += if i == 2 { 20.0 } else { 11.5 };
        }
    }
    let row = lines.len();
    lines.push(Line::plain(
        1,
        row,
        (57.0, 240.0),
        y,
        10.0,
        "signé en mars 2017, finance les études préalables :",
    ));
    lines.push(Line::plain(
        1,
        row + 1,
        (57.0, 280.0),
        y + 11.5,
        10.0,
        "diagnostic de peuplement, étude de programmation",
    ));
    let got = read(&[ExtractedPage::a4(1, lines)]);
    assert!(
        got.iter().any(|p| p.1.contains("préalables : diagnostic")),
        "{got:?}"
    );
}
