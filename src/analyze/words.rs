//! The pieces the word pre-tokenizer cuts NFC text into, found without the
//! `tokenizers` crate (see the module above: same pieces, a fraction of the
//! cost).
//!
//! A word is a run of word characters followed by at most one apostrophe
//! (`[\p{L}\p{N}\p{M}]+['’]?`, the pre-tokenizer's pattern); the run of other
//! characters between two words is a piece too (the pre-tokenizer keeps
//! both). Characters are classified by scanning rather than by running the
//! regex: ASCII directly, the rest by binary search in the class's Unicode
//! ranges, taken from the regex parser itself (regex-syntax, what the
//! `regex` crate and the `tokenizers` crate's regex engine parse with), so
//! both agree on every character.

use regex_syntax::hir::{Class, HirKind};

/// The characters words are made of: letters, digits and combining marks.
pub(super) const WORD_CHARS: &str = r"[\p{L}\p{N}\p{M}]";

/// What ends an elided form ("l'", "qu’").
const APOSTROPHES: [char; 2] = ['\'', '’'];

/// The pre-tokenizer's pattern: a word, with the apostrophe of an elision.
pub(super) fn word_pattern() -> String {
    format!("{WORD_CHARS}+['’]?")
}

/// `WORD_CHARS` as sorted, disjoint Unicode ranges.
pub(super) struct WordChars {
    ranges: Vec<(char, char)>,
}

impl WordChars {
    pub(super) fn new() -> Result<WordChars, String> {
        let hir = regex_syntax::parse(WORD_CHARS).map_err(|e| e.to_string())?;
        let HirKind::Class(Class::Unicode(class)) = hir.kind() else {
            return Err(format!("{WORD_CHARS} is not a class of Unicode characters"));
        };
        Ok(WordChars {
            ranges: class
                .ranges()
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect(),
        })
    }

    fn contains(&self, c: char) -> bool {
        if c.is_ascii() {
            // The ASCII letters and digits are the class's only ASCII members.
            return c.is_ascii_alphanumeric();
        }
        in_ranges(&self.ranges, c)
    }

    /// The pieces of `text` as byte spans, in order: each word and each run
    /// of text between two words.
    pub(super) fn pieces<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, usize)> + 't {
        let mut chars = text.char_indices().peekable();
        std::iter::from_fn(move || {
            let (start, first) = chars.next()?;
            let in_word = self.contains(first);
            let mut end = start + first.len_utf8();
            while let Some(&(at, c)) = chars.peek() {
                if self.contains(c) != in_word {
                    break;
                }
                end = at + c.len_utf8();
                chars.next();
            }
            if in_word {
                if let Some(&(at, c)) = chars.peek() {
                    if APOSTROPHES.contains(&c) {
                        end = at + c.len_utf8();
                        chars.next();
                    }
                }
            }
            Some((start, end))
        })
    }
}

/// Whether `c` falls in one of `ranges` (sorted, disjoint, inclusive).
pub(super) fn in_ranges(ranges: &[(char, char)], c: char) -> bool {
    ranges
        .binary_search_by(|&(start, end)| {
            if end < c {
                std::cmp::Ordering::Less
            } else if start > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_shortcut_agrees_with_the_class() {
        let class = regex::Regex::new(&format!("^{WORD_CHARS}$")).unwrap();
        let chars = WordChars::new().unwrap();
        for c in (0u8..128).map(char::from) {
            assert_eq!(chars.contains(c), class.is_match(&c.to_string()), "{c:?}");
        }
        for c in ['é', 'œ', '\u{301}', '٣', 'Ⓐ', '’', '«', '🙂', 'Ω'] {
            assert_eq!(chars.contains(c), class.is_match(&c.to_string()), "{c:?}");
        }
    }

    #[test]
    fn words_keep_their_elision_apostrophe() {
        let chars = WordChars::new().unwrap();
        let text = "l’état d'« un »’ x";
        let pieces: Vec<&str> = chars.pieces(text).map(|(s, e)| &text[s..e]).collect();
        assert_eq!(pieces, ["l’", "état", " ", "d'", "« ", "un", " »’ ", "x"]);
    }
}
