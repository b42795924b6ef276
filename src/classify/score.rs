//! Scoring: what the classifier computes for a paragraph before the
//! decision settings apply (theme probabilities, polarity, evidence, quotes,
//! codes). The costly part, cached between runs.

use super::analyse::{named_themes, Analysed, HeadingContext};
use super::features::{find_evidence, Evidence};
use super::linear::{self, LinearModel, Weighed};
use super::Classifier;
use crate::record::Polarity;
use std::fmt::Write;

/// Bump when what `Scored` holds or means changes, so cached scores of an
/// older program are not reused.
pub(super) const SCORING_FORMAT: &str = "scored-14";

/// Below this probability a theme is not expected to be assigned, so its
/// explanation, quote and code are not prepared with the scores; a lower
/// `theme_threshold` that assigns it gets them computed on demand.
const PREPARE_FLOOR: f64 = 0.05;

/// Weight of the paragraph read as a whole in its polarity; the rest goes
/// to its sentences read one by one (the mean of their probabilities).
/// Real evaluators bury a stance in one sentence of a long descriptive
/// passage, where the words of the others pull the whole towards
/// `neutre`; each sentence read alone keeps its stance. Chosen over 0.3 to
/// 1.0: leave-one-writer-out polarity macro-F1 0.872 at 1.0 (paragraph
/// only), 0.874 at 0.5 and 0.6; real dev set 0.562 -> 0.596 (within its
/// noise, not lower); held-out sets within 0.004. Chosen again once long
/// paragraphs' words were length-normalised (features.rs,
/// `WORDS_AT_FULL_WEIGHT`), which makes the whole paragraph's reading
/// less diluted: leave-one-writer-out 0.8705, 0.8720, 0.8745, 0.8742,
/// 0.8743 at 0.35, 0.5, 0.65, 0.8, 1.0 (real dev set 0.630, 0.672,
/// 0.665, 0.687, 0.694: not the criterion, within its noise).
const PARAGRAPH_WEIGHT: f64 = 0.65;

/// Share of a paragraph's polarity given to the evaluative lexicon alone
/// (models/cues.toml, negation applied): each polarity in proportion to
/// the weight of its cues, `neutre` to `LEXICON_NEUTRAL_WEIGHT`. The model
/// weighs the cues among every word of its writers, and on prose nobody
/// here wrote those words pull towards `neutre` ("2013", "la commission")
/// over "plébiscité" or "se félicite"; the lexicon does not depend on who
/// wrote the training data. Chosen over 0 to 0.5 (and 1.5 to 3 for the
/// neutral weight): real dev set polarity macro-F1 0.604 at 0, 0.631 at
/// 0.1, 0.650 at 0.15, 0.660 at 0.2; leave-one-writer-out 0.8728, 0.8716,
/// 0.8688, 0.8645; held-out sets within 0.003 at 0.15.
const LEXICON_WEIGHT: f64 = 0.15;
const LEXICON_NEUTRAL_WEIGHT: f64 = 2.0;

/// Weight of the paragraph's best sentence in a theme's probability; the
/// rest goes to the paragraph read as a whole. The theme model sums a
/// weight per word, so in a long passage the many words of other subjects
/// outvote one sentence that names the theme ("les obstacles que
/// rencontrent les femmes dans l'accès à l'emploi" in a paragraph on
/// discriminations; "3 adultes-relais sur 5 trouvent un emploi" among
/// figures on mediation), while the codebook carries a theme a paragraph
/// treats even in one sentence. Chosen over 0 to 0.5: leave-one-writer-out
/// theme macro-F1 0.9143 at 0, 0.9151 at 0.2, 0.9154 at 0.25 and 0.3,
/// 0.9142 at 0.4; real dev set 0.903 at 0, 0.927 at 0.3.
pub(super) const BEST_SENTENCE_THEME_WEIGHT: f64 = 0.3;

/// Mixes the lexicon's own reading into the polarity probabilities.
fn lean_on_the_lexicon(probs: &mut [f64], cue_weights: &[f64], neutral: usize) {
    let evaluative: f64 = cue_weights
        .iter()
        .enumerate()
        .filter(|(p, _)| *p != neutral)
        .map(|(_, w)| w.max(0.0))
        .sum();
    let total = evaluative + LEXICON_NEUTRAL_WEIGHT;
    for (p, prob) in probs.iter_mut().enumerate() {
        let lexicon = if p == neutral {
            LEXICON_NEUTRAL_WEIGHT
        } else {
            cue_weights[p].max(0.0)
        } / total;
        *prob = (1.0 - LEXICON_WEIGHT) * *prob + LEXICON_WEIGHT * lexicon;
    }
}

/// Mixes each theme's probability in the paragraph's best sentence into its
/// probability in the whole paragraph (nothing to do for one sentence).
fn lean_on_the_best_sentence(theme_scores: &mut [f64], sentences: &[linear::Scores]) {
    if sentences.is_empty() {
        return;
    }
    for (t, score) in theme_scores.iter_mut().enumerate() {
        let best = sentences
            .iter()
            .map(|s| s.themes[t])
            .fold(f64::NEG_INFINITY, f64::max);
        *score = (1.0 - BEST_SENTENCE_THEME_WEIGHT) * *score
            + BEST_SENTENCE_THEME_WEIGHT * LinearModel::theme_probability(best);
    }
}

/// What the classifier computes for one paragraph before the decision
/// settings (`theme_threshold`, `inherit_heading_theme`) apply. This is the
/// costly part (analysis, features, model, quotes); the decision is cheap.
/// Reruns that change only decision settings take it from the cache.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scored {
    /// Probability of each codebook theme.
    pub theme_scores: Vec<f64>,
    /// The paragraph has lexicon evidence of a theme of its own.
    pub own_theme_evidence: bool,
    /// The themes the paragraph's own words name (lexicon evidence).
    pub lexicon_themes: Vec<usize>,
    /// Terms of the field (models/domain.toml) in the paragraph; none
    /// without that file.
    pub domain_terms: Option<u32>,
    /// Themes the nearest heading names or, when it names none, its section.
    pub heading_themes: Vec<usize>,
    /// `heading_themes` come from the section.
    pub themes_of_section: bool,
    pub polarity: usize,
    pub polarity_score: f64,
    /// "<polarity>: cues [...] model [...]", then the rules that applied.
    pub polarity_evidence: Vec<String>,
    /// Per codebook theme, prepared when the theme may be assigned.
    pub per_theme: Vec<Option<ThemeMaterial>>,
}

/// The evidence, quote and code of one theme in one paragraph.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ThemeMaterial {
    /// "lexicon [...] model [...]".
    pub evidence: String,
    /// Byte span of the most telling sentence in the paragraph's text.
    pub quote: (usize, usize),
    /// Best code of models/codes.toml and the number of its cues matched.
    pub code: Option<(String, u32)>,
    /// Action types of models/actions.toml whose cues it matches (all of
    /// them, in file order).
    pub actions: Vec<ActionMaterial>,
}

/// An action type a finding describes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ActionMaterial {
    pub id: String,
    /// How many of its cues the paragraph matches.
    pub hits: u32,
    /// Byte span of the sentence naming it (the one matching most of its
    /// cues), or of the finding's quote when no single sentence does.
    pub quote: (usize, usize),
}

impl Classifier {
    /// Everything about a paragraph that does not depend on the decision
    /// settings.
    pub(crate) fn score(&self, text: &str, headings: HeadingContext) -> Scored {
        self.score_with(text, headings, true)
    }

    pub(super) fn score_with(
        &self,
        text: &str,
        headings: HeadingContext,
        findings: bool,
    ) -> Scored {
        let analysed = self.extractor.analyse(text, headings.nearest);
        let codebook = &self.extractor.codebook;
        let weighed = self.model.weigh(&analysed.features);
        let scores = weighed.scores();
        let mut theme_scores: Vec<f64> = scores
            .themes
            .iter()
            .map(|&z| LinearModel::theme_probability(z))
            .collect();
        let mut heading_themes: Vec<usize> = analysed
            .heading_evidence
            .as_ref()
            .map(|h| named_themes(h, codebook))
            .unwrap_or_default();
        let themes_of_section = heading_themes.is_empty() && headings.section.is_some();
        if themes_of_section {
            heading_themes = headings
                .section
                .map(|s| s.themes.clone())
                .unwrap_or_default();
        }

        let mut probs = linear::softmax(&scores.polarities);
        let mut notes = Vec::new();
        let sentence_scores: Vec<linear::Scores> = self
            .extractor
            .sentence_features(text, &analysed, headings.nearest)
            .iter()
            .map(|features| self.model.score(features))
            .collect();
        lean_on_the_best_sentence(&mut theme_scores, &sentence_scores);
        let sentences: Vec<Vec<f64>> = sentence_scores
            .iter()
            .map(|s| linear::softmax(&s.polarities))
            .collect();
        if !sentences.is_empty() {
            let mut leaning = vec![0usize; probs.len()];
            for (p, prob) in probs.iter_mut().enumerate() {
                let mean = sentences.iter().map(|s| s[p]).sum::<f64>() / sentences.len() as f64;
                *prob = PARAGRAPH_WEIGHT * *prob + (1.0 - PARAGRAPH_WEIGHT) * mean;
            }
            for s in &sentences {
                leaning[argmax(s).unwrap_or(codebook.neutral())] += 1;
            }
            let counts: Vec<String> = leaning
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(p, n)| format!("{} {n}", codebook.polarities[p]))
                .collect();
            notes.push(format!("sentences lean: {}", counts.join(", ")));
        }
        let cue_scores = analysed.evidence.polarity_scores(codebook);
        lean_on_the_lexicon(&mut probs, &cue_scores, codebook.neutral());
        let mut polarity = argmax(&probs).unwrap_or(codebook.neutral());
        let reco = Some(Polarity::Preconisation.index());
        if analysed.question && reco.is_none_or(|r| cue_scores[r] == 0.0) {
            polarity = codebook.neutral();
            notes.push("an evaluation question is neutre".to_string());
        } else if let Some(r) = reco {
            let reco_heading = analysed
                .heading_evidence
                .as_ref()
                .is_some_and(|h| h.polarity_scores(codebook)[r] > 0.0);
            if reco_heading && analysed.verb_led {
                polarity = r;
                notes.push("verb-led item under a recommendations heading".to_string());
            }
        }
        let mut polarity_evidence = vec![self.explain_polarity(&analysed, &weighed, polarity)];
        polarity_evidence.extend(notes);

        // Scores for the tables may be cached and decided again under
        // another threshold: prepare the themes it may plausibly assign.
        let floor = if findings {
            PREPARE_FLOOR.min(self.config.theme_threshold)
        } else {
            self.config.theme_threshold
        };
        let candidates: Vec<usize> = (0..theme_scores.len())
            .filter(|&t| theme_scores[t] >= floor || heading_themes.contains(&t))
            .collect();
        let mut scored = Scored {
            theme_scores,
            own_theme_evidence: analysed.evidence.has_theme_evidence(),
            lexicon_themes: named_themes(&analysed.evidence, codebook),
            domain_terms: self.domain.as_ref().map(|d| {
                let stems: Vec<&str> = analysed.stems.iter().map(String::as_str).collect();
                d.count(&stems)
            }),
            themes_of_section: themes_of_section && !heading_themes.is_empty(),
            heading_themes,
            polarity,
            polarity_score: probs[polarity],
            polarity_evidence,
            per_theme: vec![None; codebook.themes.len()],
        };
        self.prepare(
            text,
            &analysed,
            &weighed,
            &mut scored,
            &candidates,
            findings,
        );
        scored
    }

    /// Fills the evidence, quote, code and action types of the given themes
    /// (without `findings`, the quote is the whole text and there is no
    /// code or action type). The
    /// text's sentences are analysed once for all of them. `weighed`: the
    /// paragraph's features as the model weighs them (`LinearModel::weigh`).
    pub(super) fn prepare(
        &self,
        text: &str,
        a: &Analysed,
        weighed: &Weighed,
        scored: &mut Scored,
        themes: &[usize],
        findings: bool,
    ) {
        if themes.is_empty() {
            return;
        }
        let codebook = &self.extractor.codebook;
        let spans: &[(usize, usize)] = if findings { &a.sentences } else { &[] };
        // Per sentence: its evidence, and its content stems (to quote the
        // sentence that names an action type).
        // The sentences' words are the paragraph's, read in place where
        // they can be (nearly always), else analysed again.
        let in_place = self.extractor.in_place(text, a);
        let (sentences, sentence_stems): (Vec<SentenceEvidence>, Vec<Vec<String>>) =
            if spans.len() > 1 {
                spans
                    .iter()
                    .map(|&(s, e)| {
                        let analysed_again;
                        let tokens = match in_place.tokens((s, e)) {
                            Some(tokens) => tokens,
                            None => {
                                analysed_again = self.extractor.analyzer.tokens(&text[s..e]);
                                &analysed_again
                            }
                        };
                        let evidence =
                            find_evidence(tokens, &self.extractor.lexicon, &self.extractor.cues);
                        let stems = tokens
                            .iter()
                            .filter(|t| t.is_content())
                            .map(|t| t.stem.clone())
                            .collect();
                        (((s, e), evidence), stems)
                    })
                    .unzip()
            } else {
                (Vec::new(), Vec::new())
            };
        let sentence_polarity: Vec<f64> = sentences
            .iter()
            .map(|(_, e)| e.polarity_scores(codebook)[scored.polarity])
            .collect();
        let stems: Vec<&str> = a.stems.iter().map(String::as_str).collect();
        for &t in themes {
            let quote = best_sentence(text, &sentences, &sentence_polarity, t);
            // "lexicon [term 3, term 1] model [feature +1.20, ...]", written
            // into one string (this runs for every candidate theme).
            let mut evidence = String::from("lexicon [");
            for (i, (term, w)) in a.evidence.theme_terms[t].iter().enumerate() {
                let _ = write!(evidence, "{}{term} {w}", if i > 0 { ", " } else { "" });
            }
            evidence.push_str("] model [");
            super::explain::write_contributions(&mut evidence, &weighed.top_contributions(t, 3));
            evidence.push(']');
            scored.per_theme[t] = Some(ThemeMaterial {
                evidence,
                quote,
                code: findings
                    .then(|| self.codes.best_with_hits(t, scored.polarity, &stems))
                    .flatten()
                    .map(|(c, hits)| (c.id.clone(), hits as u32)),
                actions: if findings {
                    self.actions
                        .matching(t, &stems)
                        .into_iter()
                        .map(|(a, hits)| ActionMaterial {
                            id: a.id.clone(),
                            hits: hits as u32,
                            quote: action_sentence(&sentences, &sentence_stems, a).unwrap_or(quote),
                        })
                        .collect()
                } else {
                    Vec::new()
                },
            });
        }
    }
}

fn argmax(probs: &[f64]) -> Option<usize> {
    (0..probs.len()).max_by(|&a, &b| probs[a].total_cmp(&probs[b]))
}

/// A sentence's byte span in the paragraph and its evidence.
type SentenceEvidence = ((usize, usize), Evidence);

/// The sentence matching most cues of the action type (the first on a
/// tie), when the paragraph has several sentences and one matches.
fn action_sentence(
    sentences: &[((usize, usize), Evidence)],
    stems: &[Vec<String>],
    action: &super::ActionType,
) -> Option<(usize, usize)> {
    let mut best: Option<((usize, usize), usize)> = None;
    for ((span, _), stems) in sentences.iter().zip(stems) {
        let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
        let hits = action.cues.find(&stems).len();
        if hits > 0 && best.is_none_or(|(_, b)| hits > b) {
            best = Some((*span, hits));
        }
    }
    best.map(|(span, _)| span)
}

/// The sentence carrying the most evidence for the theme and the
/// paragraph's polarity (the first one when none stands out), as a byte
/// span of `text`, trimmed; the whole text when it has one sentence.
fn best_sentence(
    text: &str,
    sentences: &[((usize, usize), Evidence)],
    sentence_polarity: &[f64],
    theme: usize,
) -> (usize, usize) {
    let Some(first) = sentences.first() else {
        let start = text.len() - text.trim_start().len();
        return (start, start + text.trim().len());
    };
    let mut best = (f64::NEG_INFINITY, first.0);
    for ((span, evidence), polarity) in sentences.iter().zip(sentence_polarity) {
        let score = evidence.theme_score(theme) + polarity;
        if score > best.0 {
            best = (score, *span);
        }
    }
    best.1
}
