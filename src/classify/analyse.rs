//! Text -> evidence and features: the analysis chain, the lexicon and the
//! cues (everything but the trained weights).

use std::collections::HashMap;

use super::data::{Codebook, Cues, Lexicon};
use super::feature_list::FeatureList;
use super::features::{self, find_evidence, Evidence};
use super::models::ModelFiles;
use crate::analyze::{Analyzer, InPlace, Token};
use crate::error::Result;

/// Turns text into evidence and features (everything but the trained weights).
pub struct FeatureExtractor {
    pub codebook: Codebook,
    pub analyzer: Analyzer,
    pub lexicon: Lexicon,
    pub cues: Cues,
}

/// A heading analysed once, for every paragraph under it.
#[derive(Debug, Clone)]
pub struct AnalysedHeading {
    tokens: Vec<Token>,
    evidence: Evidence,
    /// The themes its words name (lexicon evidence).
    pub themes: Vec<usize>,
}

/// The headings a paragraph sits under, analysed: the nearest one, and the
/// one that one sits under (its section).
#[derive(Debug, Clone, Copy, Default)]
pub struct HeadingContext<'a> {
    pub nearest: Option<&'a AnalysedHeading>,
    pub section: Option<&'a AnalysedHeading>,
}

/// What the extractor found in one paragraph.
pub struct Analysed {
    pub features: FeatureList,
    pub evidence: Evidence,
    pub heading_evidence: Option<Evidence>,
    pub question: bool,
    pub verb_led: bool,
    /// Stems of the paragraph's content words (codes are matched on them).
    pub stems: Vec<String>,
    /// The paragraph's words, kept to read its sentences one by one.
    tokens: Vec<Token>,
    /// The paragraph's sentences, as byte spans (`sentence_spans`), found
    /// once for the features and the quotes.
    pub sentences: Vec<(usize, usize)>,
}

impl FeatureExtractor {
    pub fn load(files: &ModelFiles) -> Result<FeatureExtractor> {
        let codebook = Codebook::load(&files.codebook)?;
        let analyzer = Analyzer::load(&files.analysis)?;
        let lexicon = Lexicon::load(&files.lexicon, &codebook, &analyzer)?;
        let cues = Cues::load(&files.cues, &codebook, &analyzer)?;
        Ok(FeatureExtractor {
            codebook,
            analyzer,
            lexicon,
            cues,
        })
    }

    /// A heading's words, evidence and the themes it names, analysed once
    /// for all the paragraphs under it; none for a blank heading.
    pub(crate) fn analyse_heading(&self, heading: &str) -> Option<AnalysedHeading> {
        if heading.trim().is_empty() {
            return None;
        }
        let tokens = self.analyzer.tokens(heading);
        let evidence = find_evidence(&tokens, &self.lexicon, &self.cues);
        let themes = named_themes(&evidence, &self.codebook);
        Some(AnalysedHeading {
            tokens,
            evidence,
            themes,
        })
    }

    /// Each distinct heading of a batch of paragraphs, analysed once (blank
    /// headings are left out: they count as none).
    pub(crate) fn analyse_headings<'t>(
        &self,
        headings: impl IntoIterator<Item = &'t str>,
    ) -> HashMap<&'t str, AnalysedHeading> {
        let mut analysed = HashMap::new();
        for h in headings {
            if !analysed.contains_key(h) {
                if let Some(a) = self.analyse_heading(h) {
                    analysed.insert(h, a);
                }
            }
        }
        analysed
    }

    /// A paragraph's evidence and features, with the heading it sits under.
    pub(crate) fn analyse(&self, text: &str, heading: Option<&AnalysedHeading>) -> Analysed {
        let tokens = self.analyzer.tokens(text);
        let evidence = find_evidence(&tokens, &self.lexicon, &self.cues);
        let features = features::features(
            text,
            0,
            &tokens,
            &evidence,
            heading.map(|h| (h.tokens.as_slice(), &h.evidence)),
            &self.codebook,
            &self.cues.negators,
        );
        Analysed {
            features,
            stems: tokens
                .iter()
                .filter(|t| t.is_content())
                .map(|t| t.stem.clone())
                .collect(),
            question: features::is_evaluation_question(text, 0, &tokens, &evidence),
            verb_led: features::verb_led(text),
            evidence,
            heading_evidence: heading.map(|h| h.evidence.clone()),
            tokens,
            sentences: crate::analyze::sentence_spans(text),
        }
    }

    /// The words of the paragraph `text` (as `analysed`) read in place for
    /// its parts: a sentence need not be analysed again (see `InPlace`).
    pub(crate) fn in_place<'a>(&self, text: &str, analysed: &'a Analysed) -> InPlace<'a> {
        self.analyzer.in_place(text, &analysed.tokens)
    }

    /// The features of each sentence of an analysed paragraph, read as if
    /// it stood alone under the same heading; none when the paragraph is
    /// one sentence. The words are those of the paragraph, read in place
    /// (neither analysed nor copied again).
    pub(crate) fn sentence_features(
        &self,
        text: &str,
        analysed: &Analysed,
        heading: Option<&AnalysedHeading>,
    ) -> Vec<FeatureList> {
        let spans = &analysed.sentences;
        if spans.len() < 2 {
            return Vec::new();
        }
        spans
            .iter()
            .filter_map(|&(start, end)| {
                // The words inside the sentence: tokens are in text order
                // and do not overlap, so they are one run.
                let all = &analysed.tokens;
                let first = all.partition_point(|t| t.start < start);
                let tokens = &all[first..first + all[first..].partition_point(|t| t.end <= end)];
                if !tokens.iter().any(Token::is_content) {
                    return None;
                }
                let evidence = find_evidence(tokens, &self.lexicon, &self.cues);
                Some(features::features(
                    &text[start..end],
                    start,
                    tokens,
                    &evidence,
                    heading.map(|h| (h.tokens.as_slice(), &h.evidence)),
                    &self.codebook,
                    &self.cues.negators,
                ))
            })
            .collect()
    }
}

pub(super) fn named_themes(evidence: &Evidence, codebook: &Codebook) -> Vec<usize> {
    (0..codebook.themes.len())
        .filter(|&t| evidence.theme_score(t) > 0.0)
        .collect()
}
