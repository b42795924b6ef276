//! Text -> evidence and features: the analysis chain, the lexicon and the
//! cues (everything but the trained weights).

use super::data::{Codebook, Cues, Lexicon};
use super::features::{self, find_evidence, Evidence};
use super::models::ModelFiles;
use crate::analyze::{Analyzer, Token};
use crate::error::Result;

/// Turns text into evidence and features (everything but the trained weights).
pub struct FeatureExtractor {
    /// Unique per loaded extractor (keys the per-thread heading cache).
    id: u64,
    pub codebook: Codebook,
    pub analyzer: Analyzer,
    pub lexicon: Lexicon,
    pub cues: Cues,
}

/// What the extractor found in one paragraph.
pub struct Analysed {
    pub features: Vec<(String, f64)>,
    pub evidence: Evidence,
    pub heading_evidence: Option<Evidence>,
    pub question: bool,
    pub verb_led: bool,
    /// Stems of the paragraph's content words (codes are matched on them).
    pub stems: Vec<String>,
}

impl FeatureExtractor {
    pub fn load(files: &ModelFiles) -> Result<FeatureExtractor> {
        let codebook = Codebook::load(&files.codebook)?;
        let analyzer = Analyzer::load(&files.analysis)?;
        let lexicon = Lexicon::load(&files.lexicon, &codebook, &analyzer)?;
        let cues = Cues::load(&files.cues, &codebook, &analyzer)?;
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Ok(FeatureExtractor {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            codebook,
            analyzer,
            lexicon,
            cues,
        })
    }

    /// A heading's words and evidence. Consecutive paragraphs share their
    /// heading and its section: the last two analysed on this thread are
    /// kept (two, so a paragraph's heading and section do not evict each
    /// other).
    pub(super) fn analyse_heading(&self, heading: &str) -> (Vec<Token>, Evidence) {
        type Entry = (u64, String, Vec<Token>, Evidence);
        thread_local! {
            static RECENT: std::cell::RefCell<Vec<Entry>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        RECENT.with(|recent| {
            let mut recent = recent.borrow_mut();
            if let Some((_, _, tokens, evidence)) = recent
                .iter()
                .find(|(id, text, _, _)| *id == self.id && text == heading)
            {
                return (tokens.clone(), evidence.clone());
            }
            let tokens = self.analyzer.tokens(heading);
            let evidence = find_evidence(&tokens, &self.lexicon, &self.cues);
            if recent.len() == 2 {
                recent.remove(0);
            }
            recent.push((
                self.id,
                heading.to_string(),
                tokens.clone(),
                evidence.clone(),
            ));
            (tokens, evidence)
        })
    }

    /// Themes a heading names (lexicon evidence in its words).
    pub fn themes_named_by(&self, heading: &str) -> Vec<usize> {
        named_themes(&self.analyse_heading(heading).1, &self.codebook)
    }

    pub fn analyse(&self, text: &str, heading: Option<&str>) -> Analysed {
        let tokens = self.analyzer.tokens(text);
        let evidence = find_evidence(&tokens, &self.lexicon, &self.cues);
        let heading = heading
            .filter(|h| !h.trim().is_empty())
            .map(|h| self.analyse_heading(h));
        let features = features::features(
            text,
            &tokens,
            &evidence,
            heading.as_ref().map(|(t, e)| (t.as_slice(), e)),
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
            question: text.trim_end().ends_with('?'),
            verb_led: features::verb_led(text),
            evidence,
            heading_evidence: heading.map(|(_, e)| e),
        }
    }
}

pub(super) fn named_themes(evidence: &Evidence, codebook: &Codebook) -> Vec<usize> {
    (0..codebook.themes.len())
        .filter(|&t| evidence.theme_score(t) > 0.0)
        .collect()
}
