//! Segmentation stage: pages of lines -> paragraphs as a reader sees them.
//!
//! Each line gets a role (heading, table row, footnote, text); text lines are
//! joined into paragraphs by vertical gaps, indentation, list markers, font
//! size and line fill; a paragraph that runs over a column or page break is
//! joined and keeps the page it starts on. Every paragraph carries the
//! nearest heading above it and the heading that one sits under (its
//! section: "4. Le conseil citoyen" above "4.2 Les difficultés").

mod assemble;
mod captions;
#[cfg(test)]
mod evidence;
mod join;
mod labels;
mod roles;
mod siblings;
mod tables;
mod typography;

use crate::record::{heading_text, ExtractedPage, HeadingId, Line, Paragraph};

/// A document cut into paragraphs, with its headings (paragraphs refer to
/// them by `HeadingId`).
#[derive(Debug, Clone, Default)]
pub struct Segmented {
    pub headings: Vec<String>,
    pub paragraphs: Vec<Paragraph>,
}
use assemble::Assembler;
use join::Vocabulary;
use roles::assign_roles;
use typography::Typography;

impl Segmented {
    /// The text of a heading a paragraph refers to.
    pub fn heading(&self, id: Option<HeadingId>) -> Option<&str> {
        heading_text(&self.headings, id)
    }
}

/// Cuts pages into paragraphs.
pub fn segment(pages: &[ExtractedPage]) -> Segmented {
    let lines: Vec<&Line> = pages.iter().flat_map(|p| p.lines.iter()).collect();
    if lines.is_empty() {
        return Segmented::default();
    }
    let typo = Typography::measure(pages);
    let mut vocabulary = Vocabulary::default();
    let mut follows_hyphen = false;
    for l in &lines {
        vocabulary.add_line(&l.text, follows_hyphen);
        follows_hyphen = l.text.ends_with('-') || l.text.ends_with('\u{AD}');
    }
    vocabulary.measure_hyphenation(lines.iter().map(|l| l.text.as_str()));
    let roles = assign_roles(&lines, &typo);
    let (headings, paragraphs) = Assembler::new(&typo, &vocabulary).run(&lines, &roles);
    Segmented {
        headings,
        paragraphs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::ParagraphKind;

    /// A page of lines laid out top-down: (x0, size, text); a `None` leaves a blank line.
    fn page(number: u32, lines: &[Option<(f64, f64, &str)>]) -> ExtractedPage {
        let mut y = 100.0;
        let mut out = Vec::new();
        for (row, l) in lines.iter().enumerate() {
            if let Some((x0, size, text)) = *l {
                // Full lines reach the right edge (justified text); short ones stop early.
                let x1 = if text.ends_with('.') || text.len() < 40 {
                    x0 + 4.0 * text.len() as f64
                } else {
                    520.0
                };
                out.push(Line::plain(number, row, (x0, x1.min(520.0)), y, size, text));
            }
            y += 14.0;
        }
        ExtractedPage::a4(number, out)
    }

    fn long(text: &str) -> String {
        format!(
            "{text} {}",
            "et la suite du texte courant qui remplit la ligne jusqu'au bord droit de la colonne"
        )
    }

    #[test]
    fn the_short_last_line_of_a_bold_question_is_not_a_heading() {
        let question = long("Critère 3.2 Dans chaque page web, le contraste entre la couleur du texte et celle de son arrière-plan est-il");
        let mut p = page(
            1,
            &[
                Some((72.0, 10.0, "1. Couleurs")),
                None,
                Some((72.0, 10.0, &question)),
                Some((72.0, 10.0, "suffisamment élevé ?")),
                Some((72.0, 10.0, "Le test porte sur chaque texte de la page.")),
            ],
        );
        for line in &mut p.lines[1..3] {
            line.bold = true;
        }
        let seg = segment(&[p]);
        let paragraphs = &seg.paragraphs;
        assert!(
            paragraphs
                .iter()
                .all(|p| seg.heading(p.heading) == Some("1. Couleurs")),
            "{:?}",
            paragraphs.iter().map(|p| &p.heading).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_paragraph_knows_the_section_its_heading_sits_under() {
        let body = "Le tirage au sort a été renouvelé en 2019 dans les trois quartiers.";
        let p = page(
            2,
            &[
                Some((72.0, 16.0, "4. Le conseil citoyen")),
                None,
                Some((72.0, 10.0, body)),
                None,
                Some((72.0, 12.0, "4.2 Les difficultés")),
                None,
                Some((72.0, 10.0, body)),
                None,
                // Unnumbered, smaller: under 4.2.
                Some((72.0, 11.5, "Le renouvellement")),
                None,
                Some((72.0, 10.0, body)),
                None,
                // A sibling of 4.2 by its number, though unnumbered one is smaller.
                Some((72.0, 12.0, "4.3 Les effets")),
                None,
                Some((72.0, 10.0, body)),
                None,
                Some((72.0, 16.0, "5. Conclusion")),
                None,
                Some((72.0, 10.0, body)),
            ],
        );
        let seg = segment(&[p]);
        let paragraphs = &seg.paragraphs;
        let placed: Vec<(Option<&str>, Option<&str>)> = paragraphs
            .iter()
            .map(|p| (seg.heading(p.heading), seg.heading(p.section)))
            .collect();
        assert_eq!(
            placed,
            [
                (Some("4. Le conseil citoyen"), None),
                (Some("4.2 Les difficultés"), Some("4. Le conseil citoyen")),
                (Some("Le renouvellement"), Some("4.2 Les difficultés")),
                (Some("4.3 Les effets"), Some("4. Le conseil citoyen")),
                (Some("5. Conclusion"), None),
            ]
        );
    }

    #[test]
    fn headings_list_items_and_paragraphs() {
        let first = long("Le contrat de ville a été signé en 2015 par la commune");
        let p = page(
            3,
            &[
                Some((72.0, 14.0, "4. Le conseil citoyen")),
                None,
                Some((72.0, 10.0, &first)),
                Some((72.0, 10.0, "des partenaires.")),
                None,
                Some((72.0, 10.0, "Les difficultés sont les suivantes :")),
                Some((72.0, 10.0, "• un rôle mal défini ;")),
                Some((72.0, 10.0, "• des conflits internes.")),
            ],
        );
        let seg = segment(&[p]);
        let paragraphs = &seg.paragraphs;
        let texts: Vec<(&str, &str)> = paragraphs
            .iter()
            .map(|p| (p.kind.as_str(), p.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                ("body", format!("{first} des partenaires.").as_str()),
                ("body", "Les difficultés sont les suivantes :"),
                ("list_item", "un rôle mal défini ;"),
                ("list_item", "des conflits internes."),
            ]
        );
        assert!(paragraphs
            .iter()
            .all(|p| seg.heading(p.heading) == Some("4. Le conseil citoyen") && p.page == 3));
    }

    #[test]
    fn a_paragraph_over_a_page_break_is_joined_and_keeps_its_first_page() {
        let body = long("Le comité de pilotage s'est réuni chaque année");
        let p1 = page(
            4,
            &[
                Some((72.0, 10.0, &body)),
                Some((
                    72.0,
                    10.0,
                    &long("mais ses débats se sont limités à la programmation"),
                )),
            ],
        );
        let p2 = page(
            5,
            &[
                Some((72.0, 10.0, "annuelle des actions.")),
                None,
                Some((72.0, 10.0, "Un autre paragraphe.")),
            ],
        );
        let seg = segment(&[p1, p2]);
        let paragraphs = &seg.paragraphs;
        assert_eq!(paragraphs.len(), 2, "{paragraphs:?}");
        assert_eq!(paragraphs[0].page, 4);
        assert!(paragraphs[0].text.ends_with("annuelle des actions."));
        assert_eq!(paragraphs[1].page, 5);
    }

    #[test]
    fn a_short_bold_line_is_a_heading_but_a_bold_paragraph_is_not() {
        let mut p = page(
            2,
            &[
                Some((72.0, 10.0, "Les difficultés rencontrées")),
                Some((72.0, 10.0, "Le renouvellement des membres reste difficile.")),
                None,
                Some((
                    72.0,
                    10.0,
                    &long("Un encadré en gras rappelle les chiffres clés"),
                )),
                Some((72.0, 10.0, "du contrat.")),
            ],
        );
        for i in [0, 2, 3] {
            p.lines[i].bold = true;
        }
        let seg = segment(&[p]);
        let paragraphs = &seg.paragraphs;
        assert_eq!(paragraphs.len(), 2, "{paragraphs:?}");
        assert_eq!(
            seg.heading(paragraphs[0].heading),
            Some("Les difficultés rencontrées")
        );
        assert!(paragraphs[1].text.starts_with("Un encadré en gras"));
    }

    #[test]
    fn a_row_cut_by_a_picture_is_one_line_and_a_wrapped_code_list_no_item() {
        let codes = long("Techniques suffisantes : G58 - G69 - G78 - G158 - G159 - G173 - G8");
        let mut p = page(
            6,
            &[
                Some((
                    72.0,
                    10.0,
                    "On nous informe du changement de page par l'élément :",
                )),
                Some((345.0, 10.0, "avec au-dessus le numéro de la page.")),
                None,
                Some((72.0, 10.0, &codes)),
                Some((72.0, 10.0, "- G166 - H96 - SM6 - SM7")),
                None,
                Some((72.0, 10.0, "Les difficultés sont les suivantes :")),
                Some((72.0, 10.0, "- un rôle mal défini ;")),
            ],
        );
        // The second piece sits on the first one's baseline, right of a picture.
        p.lines[1].y = p.lines[0].y;
        p.lines[1].row = p.lines[0].row;
        p.lines[0].x1 = 320.0;
        let seg = segment(&[p]);
        let got: Vec<(&str, &str)> = seg
            .paragraphs
            .iter()
            .map(|p| (p.kind.as_str(), p.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("body", "On nous informe du changement de page par l'élément : avec au-dessus le numéro de la page."),
                ("body", format!("{codes} - G166 - H96 - SM6 - SM7").as_str()),
                ("body", "Les difficultés sont les suivantes :"),
                ("list_item", "un rôle mal défini ;"),
            ]
        );
    }

    #[test]
    fn short_lines_opening_with_capitals_are_blocks_of_their_own() {
        let first = long("Nous voulons comme sortie un fichier par article");
        let p = page(
            7,
            &[
                Some((72.0, 10.0, &first)),
                Some((72.0, 10.0, "avec les sections suivantes :")),
                Some((72.0, 10.0, "Le titre du papier")),
                Some((72.0, 10.0, "Le résumé de l'auteur")),
                Some((
                    72.0,
                    10.0,
                    &long("Considérez que les sections ne sont pas toutes présentes"),
                )),
                // A short line going on in lower case stays in its paragraph.
                Some((72.0, 10.0, "dans les papiers et")),
                Some((72.0, 10.0, "que certains en ont d'autres.")),
            ],
        );
        let seg = segment(&[p]);
        let starts: Vec<&str> = seg.paragraphs.iter().map(|p| &p.text[..12]).collect();
        assert_eq!(
            starts,
            ["Nous voulons", "Le titre du ", "Le résumé ", "Considérez "]
        );
    }

    #[test]
    fn small_lines_under_the_text_are_footnotes() {
        let mut p = page(
            2,
            &[
                Some((72.0, 10.0, "Le taux de chômage atteint 28 %.")),
                Some((72.0, 10.0, "Il reste élevé.")),
            ],
        );
        p.lines.push(Line {
            page: 2,
            x0: 72.0,
            x1: 300.0,
            y: 780.0,
            size: 8.0,
            text: "Source : Insee, 2020.".into(),
            column: 0,
            row: 99,
            starts_with_marker: true,
            bold: false,
            bold_lead: None,
        });
        let seg = segment(&[p]);
        let paragraphs = &seg.paragraphs;
        let last = paragraphs.last().unwrap();
        assert_eq!(
            (last.kind, last.text.as_str()),
            (ParagraphKind::Footnote, "Source : Insee, 2020.")
        );
    }
}
