//! Text folded for matching (lowercase, no accents, one apostrophe form),
//! with a map back to the original bytes, so that a cue found in the folded
//! text points at the exact words of the page.

use unicode_normalization::UnicodeNormalization;

/// `text` folded, and for each byte of the fold the original byte it came from.
#[derive(Debug, Clone)]
pub(crate) struct Folded {
    pub text: String,
    map: Vec<usize>,
    original_len: usize,
}

impl Folded {
    pub fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len());
        let mut map = Vec::with_capacity(original.len());
        let mut at = 0;
        while at < original.len() {
            let rest = &original[at..];
            // Most of the text is ASCII, which folds to itself lowercased
            // ('`' aside): a run of it is copied in one go.
            let run = rest
                .bytes()
                .position(|b| !b.is_ascii() || b == b'`')
                .unwrap_or(rest.len());
            if run > 0 {
                let from = text.len();
                text.push_str(&rest[..run]);
                text[from..].make_ascii_lowercase();
                map.extend(at..at + run);
                at += run;
                continue;
            }
            let c = rest.chars().next().expect("not at the end");
            let before = text.len();
            match c {
                '’' | 'ʼ' | '‘' | '`' => text.push('\''),
                'œ' | 'Œ' => text.push_str("oe"),
                'æ' | 'Æ' => text.push_str("ae"),
                // Non-breaking and thin spaces: French typography puts them before ":" and in numbers.
                '\u{a0}' | '\u{202f}' | '\u{2009}' => text.push(' '),
                '–' | '—' | '‑' | '‐' => text.push('-'),
                _ => {
                    for d in c.to_lowercase().nfd() {
                        if !is_combining(d) {
                            text.push(d);
                        }
                    }
                }
            }
            map.extend(std::iter::repeat_n(at, text.len() - before));
            at += c.len_utf8();
        }
        Folded {
            text,
            map,
            original_len: original.len(),
        }
    }

    /// The original byte offset of folded byte `at` (the end maps to the end).
    pub fn original(&self, at: usize) -> usize {
        self.map.get(at).copied().unwrap_or(self.original_len)
    }
}

/// Combining diacritical marks (what NFD splits off accented letters).
fn is_combining(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}')
}

/// A word or phrase folded the same way (for the data files' entries).
pub(crate) fn fold(text: &str) -> String {
    Folded::new(text).text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_apostrophes_and_maps_back() {
        let original = "Réalisé par l’Œil Études";
        let f = Folded::new(original);
        assert_eq!(f.text, "realise par l'oeil etudes");
        let at = f.text.find("etudes").unwrap();
        assert_eq!(&original[f.original(at)..], "Études");
        assert_eq!(f.original(f.text.len()), original.len());
        assert_eq!(fold("Val-d’Oise – Île"), "val-d'oise - ile");
        // ASCII runs and the characters between them map back byte for byte.
        let original = "`Cité´ ŒUVRE` A\u{a0}B";
        let f = Folded::new(original);
        assert_eq!(f.text, "'cite´ oeuvre' a b");
        let starts: Vec<usize> = (0..f.text.len()).map(|i| f.original(i)).collect();
        assert_eq!(
            starts,
            [0, 1, 2, 3, 4, 6, 6, 8, 9, 9, 11, 12, 13, 14, 15, 16, 17, 18, 20]
        );
    }
}
