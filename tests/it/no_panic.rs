//! Property test: no text stage panics on arbitrary Unicode text, and the
//! analysis keeps its invariants (offsets inside the text, on char boundaries).

use evalmine::analyze::{sentence_spans, Analyzer};
use evalmine::classify::{Classifier, ClassifyConfig, Headings};
use evalmine::text::clean_text;

use crate::repo_root;

/// A deterministic generator of awkward strings: letters with and without
/// accents, combining marks, apostrophes, hyphens, digits, punctuation, CJK,
/// emoji, right-to-left text, control and zero-width characters.
fn awkward_texts(count: usize) -> Vec<String> {
    let alphabet: Vec<char> = "abcdeéèêëàâîïôöùûüçœÆ ÉÀ'’-–—.,;:!?…«»\"()[]{}0123456789%\u{0301}\u{0308}\u{00A0}\u{202F}\u{200B}\u{FEFF}\u{FB01}\u{FB03}漢字かなกขค😀👩‍👩‍👧עבריתعربي\u{0000}\u{0007}\t\n\r\u{2028}\u{FFFD}\u{10FFFF}"
        .chars()
        .collect();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let len = (next() % 200) as usize;
            (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect()
        })
        .collect()
}

#[test]
fn no_text_stage_panics_on_arbitrary_unicode() {
    let models = repo_root().join("models");
    let analyzer = Analyzer::load(&evalmine::models::ModelFile::at(
        models.join("analysis.toml"),
    ))
    .unwrap();
    let classifier = Classifier::load(&ClassifyConfig {
        models: Some(models),
        ..ClassifyConfig::default()
    })
    .unwrap();
    for text in awkward_texts(1500) {
        let _ = clean_text(&text, '\'');
        for (s, e) in sentence_spans(&text) {
            assert!(
                s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e),
                "{text:?}"
            );
        }
        for t in analyzer.tokens(&text) {
            assert!(
                t.start < t.end
                    && t.end <= text.len()
                    && text.is_char_boundary(t.start)
                    && text.is_char_boundary(t.end),
                "{text:?}"
            );
        }
        let headings = Headings {
            nearest: Some(&text),
            section: Some(&text),
        };
        let labels = classifier.classify_one(&text, headings);
        assert_eq!(
            labels.theme_scores.len(),
            classifier.codebook().themes.len()
        );
        let para = classifier.label_paragraph(&text, Headings::default());
        for f in para.findings {
            assert!(text.contains(&f.quote), "a quote is verbatim");
        }
    }
}
