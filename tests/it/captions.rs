//! A page of an evaluation report as users feed them: a chart drawn as an
//! image (an empty space in the text layer) with its title and source, an
//! indicator table with its title and reading note, and body text around
//! them, one sentence of which opens like a source line. Written as a PDF
//! and read as `run` reads it: the titles and notes must come out as
//! captions, the table as table rows, the prose as body paragraphs.

use evalmine::record::ParagraphKind;

use crate::pdf_writer::document;

/// One line of text: (x, y from the page's foot, size, text).
type Placed = (f64, f64, f64, &'static str);

const PAGE: &[Placed] = &[
    (72.0, 780.0, 14.0, "2. Les effets du contrat de ville"),
    (
        72.0,
        756.0,
        10.0,
        "Le taux de chomage des jeunes a baisse dans les quartiers prioritaires entre 2015 et",
    ),
    (
        72.0,
        744.0,
        10.0,
        "2020, mais moins vite que dans le reste de la commune, comme le montre le graphique",
    ),
    (
        72.0,
        732.0,
        10.0,
        "ci-dessous, et l'ecart entre les quartiers et la ville ne s'est pas resorbe.",
    ),
    // The chart is an image: nothing in the text layer down to its title.
    (
        72.0,
        600.0,
        9.0,
        "Graphique 3 : Evolution du taux de chomage des 15-24 ans, 2015-2020",
    ),
    (
        72.0,
        589.0,
        8.0,
        "Source : Insee, recensements de la population 2015 et 2020.",
    ),
    (
        72.0,
        565.0,
        10.0,
        "Les credits engages ont surtout porte sur la cohesion sociale, qui a recu plus de",
    ),
    (
        72.0,
        553.0,
        10.0,
        "la moitie des moyens du contrat sur toute la periode, comme le detaille le tableau.",
    ),
    (
        72.0,
        529.0,
        9.0,
        "Tableau 2 : Credits engages par pilier (en euros)",
    ),
    (72.0, 513.0, 10.0, "Pilier"),
    (260.0, 513.0, 10.0, "2015"),
    (400.0, 513.0, 10.0, "2020"),
    (72.0, 501.0, 10.0, "Cohesion sociale"),
    (260.0, 501.0, 10.0, "120 000"),
    (400.0, 501.0, 10.0, "150 000"),
    (72.0, 489.0, 10.0, "Emploi"),
    (260.0, 489.0, 10.0, "80 000"),
    (400.0, 489.0, 10.0, "95 000"),
    (72.0, 477.0, 10.0, "Cadre de vie"),
    (260.0, 477.0, 10.0, "60 000"),
    (400.0, 477.0, 10.0, "70 000"),
    (
        72.0,
        463.0,
        8.0,
        "Lecture : en 2020, 150 000 euros ont ete engages pour la cohesion sociale.",
    ),
    (
        72.0,
        439.0,
        10.0,
        "Source de difficultes, le renouvellement des membres du conseil citoyen reste lent",
    ),
    (
        72.0,
        427.0,
        10.0,
        "et les habitants des quartiers y sont moins representes qu'au moment de sa creation.",
    ),
    (
        72.0,
        403.0,
        10.0,
        "Le comite de pilotage s'est reuni chaque annee pour suivre la programmation des",
    ),
    (
        72.0,
        391.0,
        10.0,
        "actions et en rendre compte aux partenaires du contrat de ville.",
    ),
];

fn content() -> Vec<u8> {
    let mut out = Vec::new();
    for &(x, y, size, text) in PAGE {
        out.extend_from_slice(format!("BT /F1 {size} Tf {x} {y} Td (").as_bytes());
        out.extend_from_slice(text.as_bytes());
        out.extend_from_slice(b") Tj ET\n");
    }
    out
}

#[test]
fn chart_and_table_titles_and_notes_are_captions_and_prose_stays_body() {
    let pdf = document(1, &|pdf, _| {
        let font = pdf.add(
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        );
        let contents = pdf.add_stream("", &content());
        Some(format!(
            "/Contents {contents} 0 R /Resources << /Font << /F1 {font} 0 R >> >>"
        ))
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.pdf");
    std::fs::write(&path, pdf).unwrap();
    let doc = crate::read_document("rapport", &path);
    let got: Vec<(ParagraphKind, String)> = doc
        .paragraphs
        .iter()
        .map(|p| (p.kind, p.text.chars().take(24).collect()))
        .collect();
    let want = [
        (ParagraphKind::Body, "Le taux de chomage des j"),
        (ParagraphKind::Caption, "Graphique 3 : Evolution "),
        (ParagraphKind::Caption, "Source : Insee, recensem"),
        (ParagraphKind::Body, "Les credits engages ont "),
        (ParagraphKind::Caption, "Tableau 2 : Credits enga"),
        (ParagraphKind::TableRow, "Pilier | 2015 | 2020"),
        (ParagraphKind::TableRow, "Cohesion sociale | 120 0"),
        (ParagraphKind::TableRow, "Emploi | 80 000 | 95 000"),
        (ParagraphKind::TableRow, "Cadre de vie | 60 000 | "),
        (ParagraphKind::Caption, "Lecture : en 2020, 150 0"),
        (ParagraphKind::Body, "Source de difficultes, l"),
        (ParagraphKind::Body, "Le comite de pilotage s'"),
    ];
    let want: Vec<(ParagraphKind, String)> =
        want.iter().map(|(k, t)| (*k, t.to_string())).collect();
    assert_eq!(got, want, "paragraph kinds and starts on the report page");
    // A caption is no heading: the prose after the chart stays under the section.
    for p in &doc.paragraphs {
        assert_eq!(
            doc.heading(p.heading),
            Some("2. Les effets du contrat de ville"),
            "{p:?}"
        );
    }
}
