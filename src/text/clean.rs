//! Character-level cleaning of extracted text: ligatures expanded, spaces of
//! every kind made plain, one apostrophe form, Unicode NFC.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Expands a typographic ligature to its letters (pdf-extract leaves U+FB01
/// and friends as they are in the font's Unicode map).
pub(crate) fn expand_ligature(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{FB00}' => "ff",
        '\u{FB01}' => "fi",
        '\u{FB02}' => "fl",
        '\u{FB03}' => "ffi",
        '\u{FB04}' => "ffl",
        '\u{FB05}' | '\u{FB06}' => "st",
        _ => return None,
    })
}

/// Cleans the text of one line: ligatures, spaces, apostrophes, NFC.
/// Soft hyphens are kept (the segmenter needs them at line ends) and removed
/// elsewhere by `strip_soft_hyphens`.
pub fn clean_text(raw: &str, apostrophe: char) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if let Some(expanded) = expand_ligature(c) {
            out.push_str(expanded);
            continue;
        }
        match c {
            // Apostrophe look-alikes; the left single quote is excluded
            // because French uses it only as an opening quote.
            '\'' | '\u{2019}' | '\u{02BC}' | '\u{FF07}' => out.push(apostrophe),
            // Non-breaking, thin, figure and other spaces, and tabs.
            c if c.is_whitespace() => out.push(' '),
            // TeX's fallback guillemets are "much less/greater than" signs.
            '≪' => out.push('«'),
            '≫' => out.push('»'),
            // Zero-width characters and byte-order marks carry nothing.
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => {}
            // Directional controls order glyphs for display; the extracted
            // text is in reading order already, and an unterminated override
            // would reverse whatever follows it in a table or the report.
            c if is_bidi_control(c) => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    collapse_spaces(&to_nfc(out))
}

/// The text in Unicode NFC. Most lines are already (ASCII, or French with
/// precomposed accents): the quick check says so without composing.
fn to_nfc(text: String) -> String {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text
    } else {
        text.nfc().collect()
    }
}

/// Collapses runs of spaces (justified text, tab stops) into one and trims.
pub(crate) fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Unicode's directional formatting characters (embeddings, overrides,
/// isolates, marks).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

pub(crate) fn strip_soft_hyphens(text: &str) -> String {
    text.replace('\u{00AD}', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_are_expanded() {
        assert_eq!(
            clean_text(
                "e\u{FB03}cacité, \u{FB01}nancement, ré\u{FB02}exion, a\u{FB00}luence",
                '\''
            ),
            "efficacité, financement, réflexion, affluence"
        );
    }

    #[test]
    fn directional_controls_are_dropped() {
        assert_eq!(
            clean_text("abc\u{202E}def\u{2066}g\u{2069}", '\''),
            "abcdefg"
        );
    }

    #[test]
    fn oe_is_kept() {
        assert_eq!(clean_text("mise en œuvre", '\''), "mise en œuvre");
    }

    #[test]
    fn text_is_nfc() {
        // "é" as e + combining acute becomes the single code point.
        assert_eq!(clean_text("e\u{301}galite\u{301}", '\''), "égalité");
    }

    #[test]
    fn apostrophes_take_one_form() {
        assert_eq!(
            clean_text("l’emploi et l'insertion", '\''),
            "l'emploi et l'insertion"
        );
        assert_eq!(
            clean_text("l’emploi et l'insertion", '’'),
            "l’emploi et l’insertion"
        );
        // An opening quote is not an apostrophe.
        assert_eq!(clean_text("‘citation’", '\''), "‘citation'");
    }

    #[test]
    fn spaces_are_collapsed() {
        assert_eq!(
            clean_text("  taux\u{A0}:  12,5\u{202F}%\t des   jeunes ", '\''),
            "taux : 12,5 % des jeunes"
        );
    }
}
