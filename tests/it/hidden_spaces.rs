//! Space glyphs drawn inside the letter before them (tests/hidden_spaces,
//! made with reportlab by its build.py): not word spaces in text on show,
//! word spaces in an invisible OCR text layer and beside a bracket.

use crate::{normalise, read_document, repo_root};

/// The document's text, its paragraphs joined by spaces.
fn text() -> String {
    let path = repo_root().join("tests/hidden_spaces/hidden_spaces.pdf");
    let doc = read_document("hidden_spaces", &path);
    let paragraphs: Vec<&str> = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
    normalise(&paragraphs.join(" "))
}

#[test]
fn a_space_drawn_inside_the_previous_letter_is_not_a_word_space() {
    let text = text();
    // Drawn between R and E, over the R.
    assert!(text.contains("Merci de LIRE attentivement"), "{text}");
    // Drawn after the "e" of "exigence" but over its "c": the space goes
    // after the "e", before the "5" set flush against it.
    assert!(
        text.contains("Voir l'exigence 5.1.4 de la norme."),
        "{text}"
    );
}

#[test]
fn a_space_inside_a_letter_stays_beside_a_bracket_and_in_an_ocr_layer() {
    let text = text();
    // Before "(", a sign: the producer may mean it.
    assert!(text.contains("L'ASSURE (E) ci-dessous."), "{text}");
    // Text drawn invisibly (render mode 3, an OCR layer over a scan): its
    // glyph positions are estimates, its spaces are the OCR's words.
    assert!(
        text.contains("Le conseil de la jeunesse se réunit"),
        "{text}"
    );
}
