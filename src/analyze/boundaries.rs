//! Unicode sentence boundaries (UAX #29) exactly as unicode-segmentation
//! finds them, at a fraction of the cost: the library is run only on short
//! windows around the characters after which a sentence can end.
//!
//! Why this is exact. The library breaks a text only after a paragraph
//! separator (rule SB4) or after a terminator (`.`, `!`, `?`, `。`...)
//! followed by closing punctuation, spaces and at most one paragraph
//! separator (SB11); everywhere else its rules keep the text whole. So a
//! text with no terminator or separator is one sentence, and a break can
//! only fall between a terminator and the next letter. The decision there
//! reads (its state holds the last four character classes, runs of closing
//! punctuation or of spaces counting once):
//! - before: the terminators and the closing punctuation and spaces that
//!   follow them, and the class of the character just before the first
//!   terminator ("U.S." does not break after "U.": SB7);
//! - after: up to the first letter (SB8 looks ahead past digits and
//!   punctuation for a lowercase letter).
//!
//! A window from the last ASCII character before the terminator (ASCII
//! characters are never combining or format marks, which the rules skip,
//! so the window's state there is the whole text's) to the first ASCII
//! letter after it (which ends every look-ahead, and after which no break
//! can come before the next terminator) holds all of that. Tests compare
//! both on every labelled paragraph and on generated strings, and check
//! the terminators against the library for every Unicode character.

use std::sync::LazyLock;

use regex_syntax::hir::{Class, HirKind};
use unicode_segmentation::UnicodeSegmentation;

/// The sentence-break classes the library can break after: terminators
/// (ATerm, STerm) and paragraph separators (Sep, CR, LF).
const TERMINATORS: &str = r"[\p{Sentence_Break=ATerm}\p{Sentence_Break=STerm}\p{Sentence_Break=Sep}\p{Sentence_Break=CR}\p{Sentence_Break=LF}]";

/// `TERMINATORS` beyond ASCII, as sorted, disjoint ranges (from the regex
/// parser's Unicode tables, like words.rs's word characters).
static NON_ASCII_TERMINATORS: LazyLock<Vec<(char, char)>> = LazyLock::new(|| {
    let hir = regex_syntax::parse(TERMINATORS).expect("the terminator class parses");
    let HirKind::Class(Class::Unicode(class)) = hir.kind() else {
        unreachable!("{TERMINATORS} is a class of Unicode characters")
    };
    class
        .ranges()
        .iter()
        .filter(|r| !r.end().is_ascii())
        .map(|r| (r.start().max('\u{80}'), r.end()))
        .collect()
});

/// Whether a sentence may end after `c`.
fn is_terminator(c: char) -> bool {
    if c.is_ascii() {
        return matches!(c, '.' | '!' | '?' | '\n' | '\r');
    }
    super::words::in_ranges(&NON_ASCII_TERMINATORS, c)
}

/// Where the sentences of `text` start, as unicode-segmentation's
/// `split_sentence_bound_indices` gives them (0 first; none for an empty
/// text).
pub(super) fn sentence_starts(text: &str) -> Vec<usize> {
    if text.is_empty() {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut from = 0;
    while let Some(terminator) = text[from..]
        .char_indices()
        .find(|&(_, c)| is_terminator(c))
        .map(|(i, _)| from + i)
    {
        let window_start = bytes[..terminator]
            .iter()
            .rposition(u8::is_ascii)
            .unwrap_or(0);
        let letter = bytes[terminator..]
            .iter()
            .position(u8::is_ascii_alphabetic)
            .map_or(text.len(), |i| terminator + i);
        let window_end = (letter + 1).min(text.len());
        starts.extend(
            text[window_start..window_end]
                .split_sentence_bound_indices()
                .map(|(i, _)| window_start + i)
                .filter(|&at| at > terminator && at <= letter && at < text.len()),
        );
        from = letter;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the library gives on the whole text.
    fn library(text: &str) -> Vec<usize> {
        text.split_sentence_bound_indices()
            .map(|(i, _)| i)
            .collect()
    }

    /// Whether the library breaks after `c` (between "a" and " B"): only
    /// after a terminator or a paragraph separator.
    fn library_breaks_after(c: char) -> bool {
        format!("a{c} B").split_sentence_bound_indices().count() > 1
    }

    #[test]
    fn terminators_are_the_librarys_for_every_character() {
        let mismatches: Vec<char> = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_terminator(c) != library_breaks_after(c))
            .collect();
        assert!(mismatches.is_empty(), "{mismatches:?}");
    }

    #[test]
    fn same_starts_as_the_library_on_labelled_paragraphs() {
        let labels = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/labels");
        let mut texts = 0;
        for entry in std::fs::read_dir(labels).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "csv") {
                continue;
            }
            let mut reader = csv::Reader::from_path(&path).unwrap();
            let headers = reader.headers().unwrap().clone();
            // Paragraphs and their headings (actions_dev.csv has neither).
            let columns: Vec<usize> = ["text", "context"]
                .iter()
                .filter_map(|c| headers.iter().position(|h| h == *c))
                .collect();
            for row in reader.records() {
                let row = row.unwrap();
                for &at in &columns {
                    let text = &row[at];
                    assert_eq!(sentence_starts(text), library(text), "{text}");
                    texts += 1;
                }
            }
        }
        assert!(texts > 10_000);
    }

    #[test]
    fn same_starts_as_the_library_on_generated_strings() {
        // Every class the rules tell apart: terminators (ASCII and not),
        // separators, closing punctuation, spaces, combining and format
        // marks, both cases, other letters, digits, continuations.
        let alphabet: Vec<char> = [
            '.', '!', '?', '…', '\u{2024}', '。', '\u{FF0E}', '\u{37E}', '\u{589}', '\n', '\r',
            '\u{85}', '\u{2028}', '\u{2029}', '(', ')', '"', '\'', '«', '»', '’', '[', ' ', '\t',
            '\u{A0}', '\u{202F}', '\u{301}', '\u{AD}', '\u{200D}', '\u{FEFF}', 'a', 'z', 'é', 'A',
            'M', 'É', 'Ω', 'ω', '中', 'ـ', '1', '٣', ',', ';', ':', '-', '%', '°', '🙂',
        ]
        .to_vec();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        for _ in 0..200_000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            assert_eq!(sentence_starts(&text), library(&text), "{text:?}");
        }
    }
}
