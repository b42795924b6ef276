//! Analysis stage: French text -> sentences and tokens with stems.
//!
//! The chain reads top-down like the pipeline it is: split into sentences
//! (Unicode rules, mended for French abbreviations), pre-tokenize words with
//! the `tokenizers` crate (offsets into the original text are kept, so every
//! token maps back to the page), lowercase, split elisions (l', d', qu'...),
//! flag stop words, stem with Snowball French corrected by an override table.
//!
//! Text that is NFC already (all text from the extractor, nearly all labelled
//! text) skips the `tokenizers` machinery: with nothing to normalise, its
//! pre-tokenizer amounts to cutting words and the runs between them, which
//! words.rs does by scanning the characters, at a fraction of the cost (the
//! crate keeps per-byte alignments, a string per piece, and runs a regex).
//! A test checks both give the same tokens on every labelled paragraph.

mod boundaries;
pub(crate) mod sentences;
mod words;

use std::collections::HashMap;
use std::path::Path;

use crate::models::ModelFile;

use rust_stemmers::{Algorithm, Stemmer};
use serde::Deserialize;
use tokenizers::normalizers::NFC;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::{
    NormalizedString, Normalizer, OffsetReferential, OffsetType, PreTokenizedString, PreTokenizer,
    SplitDelimiterBehavior,
};

pub use sentences::sentence_spans;

use crate::error::{Error, Result};

/// One word of a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Byte offsets into the analysed text.
    pub start: usize,
    pub end: usize,
    /// Lowercased form, elision apostrophe included ("l'", "emploi").
    pub lower: String,
    /// Stem ("emploi" for "emplois"); empty for elisions.
    pub stem: String,
    /// An elided article or pronoun ("l'", "d'", "n'").
    pub elision: bool,
    /// A stop word (never a feature; negations are still read from it).
    pub stop: bool,
    /// A mark that ends a sentence or clause (. ! ? ; : …) stands between
    /// the word before and this one: a negation does not reach across it
    /// ("Le comité ne se réunit pas. Les échanges sont riches.").
    pub after_stop_mark: bool,
}

impl Token {
    /// Whether the token carries meaning for classification.
    pub(crate) fn is_content(&self) -> bool {
        !self.elision && !self.stop && !self.stem.is_empty()
    }
}

/// The tokens of parts of a text, read among the tokens of the whole.
///
/// Text in NFC is cut into pieces by their characters alone (a run of word
/// characters, and one apostrophe after it, or a run of others), and each
/// piece gives its token by itself: a part whose ends cut no token gives
/// the same pieces and tokens as the whole within it, and need not be
/// analysed again. Text that is not NFC goes through a normaliser, which
/// may read across a part's ends: its parts are never read in place.
pub struct InPlace<'t> {
    tokens: &'t [Token],
    in_nfc: bool,
}

impl<'t> InPlace<'t> {
    /// The tokens `Analyzer::tokens(&text[start..end])` would give (their
    /// offsets aside: these keep the whole text's); none when a token
    /// crosses `start` or `end`, or the text is not NFC (the part must then
    /// be analysed on its own).
    pub fn tokens(&self, (start, end): (usize, usize)) -> Option<&'t [Token]> {
        if !self.in_nfc {
            return None;
        }
        // Tokens are in text order and do not overlap: those that end after
        // `start` and begin before `end` are one run.
        let tokens = self.tokens;
        let first = tokens.partition_point(|t| t.end <= start);
        let past = tokens.partition_point(|t| t.start < end).max(first);
        let inside = &tokens[first..past];
        let cut = inside.first().is_some_and(|t| t.start < start)
            || inside.last().is_some_and(|t| t.end > end);
        (!cut).then_some(inside)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnalysisData {
    #[serde(rename = "version")]
    _version: String,
    elisions: Vec<String>,
    stop_words: Vec<String>,
    stem_overrides: HashMap<String, String>,
}

/// The analysis chain, built once from models/analysis.toml.
pub struct Analyzer {
    /// NFC, for text that is not NFC already (text from the extractor is).
    normalizer: NFC,
    pre_tokenizer: Split,
    /// The pre-tokenizer's pieces for NFC text (see the module's documentation).
    words: words::WordChars,
    stemmer: Stemmer,
    elisions: rustc_hash::FxHashSet<String>,
    stop_words: rustc_hash::FxHashSet<String>,
    stem_overrides: rustc_hash::FxHashMap<String, String>,
    /// Tells apart the analyzers one thread serves (their words are cached
    /// per thread, and their stop words and overrides may differ).
    id: u64,
}

thread_local! {
    static STEMS: std::cell::RefCell<rustc_hash::FxHashMap<String, String>> = std::cell::RefCell::new(Default::default());
    static WORDS: std::cell::RefCell<SeenWords> = std::cell::RefCell::new(Default::default());
}

/// The analyzer last served on a thread (`Analyzer::id`), and the stem and
/// stop-word flag of each word it has seen.
type SeenWords = (u64, rustc_hash::FxHashMap<String, (String, bool)>);

/// Gives each analyzer its own `id`.
static ANALYZERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Analyzer {
    pub fn load(from: &ModelFile) -> Result<Analyzer> {
        let path = from.path.as_path();
        let data: AnalysisData = toml::from_str(&from.read()?).map_err(|e| Error::ModelData {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Analyzer::from_data(data, path)
    }

    fn from_data(data: AnalysisData, path: &Path) -> Result<Analyzer> {
        // Words: letters and digits, with an apostrophe kept at the end of an
        // elided form ("l'", "qu'"); everything else separates words.
        let pre_tokenizer = Split::new(
            SplitPattern::Regex(words::word_pattern()),
            SplitDelimiterBehavior::Isolated,
            true,
        )
        .map_err(|e| Error::ModelData {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let words = words::WordChars::new().map_err(|message| Error::ModelData {
            path: path.to_path_buf(),
            message,
        })?;
        let lower = |v: Vec<String>| {
            v.into_iter()
                .map(|w| w.to_lowercase())
                .collect::<rustc_hash::FxHashSet<_>>()
        };
        Ok(Analyzer {
            normalizer: NFC,
            pre_tokenizer,
            words,
            stemmer: Stemmer::create(Algorithm::French),
            elisions: lower(data.elisions),
            stop_words: lower(data.stop_words),
            stem_overrides: data
                .stem_overrides
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), v))
                .collect(),
            id: ANALYZERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// Stem of one lowercase word, overrides first.
    pub(crate) fn stem(&self, lower: &str) -> String {
        if let Some(stem) = self.stem_overrides.get(lower) {
            return stem.clone();
        }
        // Words repeat a lot: each thread keeps the stems it has computed.
        STEMS.with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some(stem) = cache.get(lower) {
                return stem.clone();
            }
            let stem = self.stemmer.stem(lower).into_owned();
            if cache.len() < 200_000 {
                cache.insert(lower.to_string(), stem.clone());
            }
            stem
        })
    }

    /// Tokens of `text`, in order, with byte offsets into `text`.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        if unicode_normalization::is_nfc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes
        {
            // About one word in six bytes of French: room for all of them
            // at once, rather than growing the vector word after word.
            let mut tokens = Vec::with_capacity(text.len() / 6 + 1);
            tokens.extend(
                self.words
                    .pieces(text)
                    .filter_map(|(start, end)| self.word(&text[start..end], start, end)),
            );
            mark_stop_marks(text, &mut tokens);
            return tokens;
        }
        self.tokens_normalised(text)
    }

    /// The parts of `text` (its sentences) read in place among `tokens`,
    /// the tokens of the whole text (see `InPlace`).
    pub fn in_place<'t>(&self, text: &str, tokens: &'t [Token]) -> InPlace<'t> {
        let in_nfc = unicode_normalization::is_nfc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes;
        InPlace { tokens, in_nfc }
    }

    /// Tokens of text that is not NFC, through the `tokenizers` crate: its
    /// normaliser keeps offsets pointing into the original text.
    fn tokens_normalised(&self, text: &str) -> Vec<Token> {
        let mut normalized = NormalizedString::from(text);
        if self.normalizer.normalize(&mut normalized).is_err() {
            return Vec::new();
        }
        let mut pretokenized = PreTokenizedString::from(normalized);
        if self.pre_tokenizer.pre_tokenize(&mut pretokenized).is_err() {
            return Vec::new();
        }
        let mut tokens: Vec<Token> = pretokenized
            .get_splits(OffsetReferential::Original, OffsetType::Byte)
            .into_iter()
            .filter_map(|(word, (start, end), _)| self.word(word, start, end))
            .collect();
        mark_stop_marks(text, &mut tokens);
        tokens
    }

    /// The token of one piece of text; none for a piece without a letter or
    /// digit (spaces and punctuation between words).
    fn word(&self, piece: &str, start: usize, end: usize) -> Option<Token> {
        // Lowercase each word before stemming (rust-stemmers does not).
        piece
            .chars()
            .any(char::is_alphanumeric)
            .then(|| self.token(piece.to_lowercase(), start, end))
    }

    fn token(&self, mut lower: String, start: usize, end: usize) -> Token {
        // Every word is lowercased into one string, cut to the token's form
        // in place (this runs for every word of every paragraph).
        let bare = lower.trim_end_matches(['\'', '’']).len();
        let elided = bare != lower.len();
        lower.truncate(bare);
        if elided && self.elisions.contains(&lower) {
            // Keep the apostrophe form in `lower` ("n'") so negation can be read.
            lower.push('\'');
            return Token {
                start,
                end,
                lower,
                stem: String::new(),
                elision: true,
                stop: true,
                after_stop_mark: false,
            };
        }
        let (stem, stop) = self.stem_and_stop(&lower);
        Token {
            start,
            end,
            stem,
            lower,
            elision: false,
            stop,
            after_stop_mark: false,
        }
    }

    /// A word's stem and whether it is a stop word. Words repeat a lot:
    /// each thread keeps both for every word it has seen, one look-up per
    /// word where the stop words, the overrides and the stems took three.
    fn stem_and_stop(&self, lower: &str) -> (String, bool) {
        WORDS.with(|words| {
            let (served, words) = &mut *words.borrow_mut();
            if *served != self.id {
                *served = self.id;
                words.clear();
            }
            if let Some((stem, stop)) = words.get(lower) {
                return (stem.clone(), *stop);
            }
            let found = (self.stem(lower), self.stop_words.contains(lower));
            if words.len() < 200_000 {
                words.insert(lower.to_string(), found.clone());
            }
            found
        })
    }
}

/// Sets `after_stop_mark` on each word that follows a sentence or clause
/// mark in the text between it and the word before.
fn mark_stop_marks(text: &str, tokens: &mut [Token]) {
    for i in 1..tokens.len() {
        let between = text.get(tokens[i - 1].end..tokens[i].start).unwrap_or("");
        tokens[i].after_stop_mark = between.contains(['.', '!', '?', ';', ':', '…']);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer() -> Analyzer {
        Analyzer::load(&ModelFile::at(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("models/analysis.toml"),
        ))
        .unwrap()
    }

    /// A part's tokens read in place are those it gives analysed alone
    /// (offsets aside), for every part: whole sentences, parts whose ends
    /// cut a word or fall on an elision's apostrophe (none read in place
    /// then: the part is analysed again), and text not in NFC (never).
    #[test]
    fn parts_read_in_place_are_the_parts_analysed_alone() {
        let a = analyzer();
        // A part's first word may follow a stop mark in the whole text and
        // not in the part alone; negation never looks before a part's
        // first word, so that mark is not compared.
        let without_offsets = |tokens: &[Token]| -> Vec<(String, String, bool, bool, bool)> {
            tokens
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let mark = i > 0 && t.after_stop_mark;
                    (t.lower.clone(), t.stem.clone(), t.elision, t.stop, mark)
                })
                .collect()
        };
        let decomposed = "Le re\u{301}sultat est mitige\u{301}. L'e\u{301}quipe l'a dit.";
        let texts = [
            "L’Égalité femmes-hommes : 12,5 % des « actions ». D'aller-vers, l'équipe a conclu.",
            "Les quartiers prioritaires n'ont pas été consultés. Aujourd'hui, 3 ateliers ; M. Dupont l'a dit.",
            decomposed,
        ];
        let mut read_in_place = 0;
        for text in texts {
            let tokens = a.tokens(text);
            let in_place = a.in_place(text, &tokens);
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for (i, &start) in bounds.iter().enumerate() {
                for &end in &bounds[i..] {
                    let Some(inside) = in_place.tokens((start, end)) else {
                        continue;
                    };
                    read_in_place += 1;
                    assert_eq!(
                        without_offsets(inside),
                        without_offsets(&a.tokens(&text[start..end])),
                        "{:?}",
                        &text[start..end]
                    );
                }
            }
            let whole = (0, text.len());
            assert_eq!(in_place.tokens(whole).is_some(), text != decomposed);
        }
        assert!(read_in_place > 1000, "{read_in_place}");
        // A part ending inside a word, or between a word and its apostrophe, is not read in place.
        let text = texts[0];
        let tokens = a.tokens(text);
        let in_place = a.in_place(text, &tokens);
        let egalite = text.find("Égalité").unwrap();
        assert!(in_place.tokens((0, egalite + 3)).is_none());
        let apostrophe = text.find("D'").unwrap() + 1;
        assert!(in_place.tokens((0, apostrophe)).is_none());
    }

    #[test]
    fn offsets_map_back_to_the_text() {
        let a = analyzer();
        let text = "L’Égalité femmes-hommes : 12,5 % des « actions » d'aller-vers.";
        for t in a.tokens(text) {
            let original = &text[t.start..t.end];
            assert_eq!(
                original.to_lowercase().replace('’', "'"),
                t.lower.replace('’', "'").to_string()
                    + if t.elision && !original.ends_with(['\'', '’']) {
                        "'"
                    } else {
                        ""
                    },
                "token {t:?}"
            );
        }
    }

    #[test]
    fn nfc_text_gets_the_tokens_of_the_tokenizers_crate() {
        let a = analyzer();
        let mut texts: Vec<String> = [
            "",
            "   ",
            "L’Égalité femmes-hommes : 12,5 % des « actions » d'aller-vers.",
            "l'’ qu’ jusqu'au ’ ' ''",
            // Circled letters (alphabetic, yet not letters: a piece between
            // two words), a digit in another script, an emoji, Greek.
            "b Ⓐ ⓑ c ٣ 🙂 d Ελλάδα",
            "fin.",
        ]
        .map(String::from)
        .to_vec();
        let labels = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/labels");
        for entry in std::fs::read_dir(labels).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "csv") {
                let mut reader = csv::Reader::from_path(&path).unwrap();
                // Every file of labelled paragraphs (not actions_dev.csv,
                // which labels them by id).
                let headers = reader.headers().unwrap().clone();
                let Some(text) = headers.iter().position(|h| h == "text") else {
                    continue;
                };
                for row in reader.records() {
                    texts.push(row.unwrap()[text].to_string());
                }
            }
        }
        assert!(texts.len() > 10_000);
        for text in &texts {
            assert_eq!(
                unicode_normalization::is_nfc_quick(text.chars()),
                unicode_normalization::IsNormalized::Yes
            );
            assert_eq!(a.tokens(text), a.tokens_normalised(text), "{text}");
        }
    }

    #[test]
    fn elisions_are_split_and_marked() {
        let a = analyzer();
        let tokens = a.tokens("l'emploi n'a pas permis qu’il");
        let lower: Vec<&str> = tokens.iter().map(|t| t.lower.as_str()).collect();
        assert_eq!(
            lower,
            ["l'", "emploi", "n'", "a", "pas", "permis", "qu'", "il"]
        );
        assert!(tokens[0].elision && tokens[2].elision && tokens[6].elision);
        assert!(tokens[1].is_content());
    }

    #[test]
    fn lowercasing_happens_before_stemming() {
        let a = analyzer();
        let upper = a.tokens("Égalité");
        let lower = a.tokens("égalité");
        assert_eq!(upper[0].stem, lower[0].stem);
        assert_ne!(upper[0].stem, "égalité", "the word is stemmed");
    }

    #[test]
    fn stem_overrides_join_snowball_traps() {
        let a = analyzer();
        assert_eq!(a.stem("emploi"), a.stem("emplois"));
        assert_eq!(a.stem("conseils"), a.stem("conseillers"));
        assert_eq!(a.stem("femmes"), a.stem("femme"));
    }

    #[test]
    fn analyzers_on_one_thread_keep_their_own_words() {
        let data = |stop: &str, stem: &str| AnalysisData {
            _version: "1".into(),
            elisions: vec!["l".into()],
            stop_words: vec![stop.into()],
            stem_overrides: [("emplois".to_string(), stem.to_string())].into(),
        };
        let a = Analyzer::from_data(data("le", "emploi"), Path::new("a")).unwrap();
        let b = Analyzer::from_data(data("conseil", "job"), Path::new("b")).unwrap();
        for _ in 0..2 {
            let (ta, tb) = (
                a.tokens("le conseil emplois"),
                b.tokens("le conseil emplois"),
            );
            assert_eq!((ta[0].stop, ta[1].stop), (true, false));
            assert_eq!((tb[0].stop, tb[1].stop), (false, true));
            assert_eq!(
                (ta[2].stem.as_str(), tb[2].stem.as_str()),
                ("emploi", "job")
            );
        }
    }

    #[test]
    fn stop_words_are_flagged_not_removed() {
        let a = analyzer();
        let tokens = a.tokens("le conseil citoyen");
        assert_eq!(tokens.len(), 3);
        assert!(tokens[0].stop && !tokens[1].stop);
    }
}
