//! Classification stage: paragraph (and its heading) -> themes and polarity,
//! with the evidence that decided.
//!
//! The lexicon and polarity cues of models/ find evidence (with negation
//! scope); a linear model trained on labelled paragraphs weighs it together
//! with stems, stem bigrams, word forms and endings, and the heading's
//! words. Two rules from the codebook come last: a paragraph with no theme
//! evidence of its own takes its heading's theme (or its section's, when the
//! heading names none), and an evaluation question is `neutre`.

mod actions;
mod analyse;
mod data;
mod decide;
mod explain;
mod expressions;
mod feature_list;
mod features;
pub mod labels;
mod linear;
pub mod metrics;
mod models;
mod score;
#[cfg(test)]
mod tests;
mod train;
mod weights_json;

use std::path::PathBuf;

pub use actions::{ActionType, ActionTypes};
pub use analyse::{Analysed, AnalysedHeading, FeatureExtractor, HeadingContext};
pub use data::{Code, Codebook, Codes, Cues, Domain, Lexicon};
pub use linear::{Example, LinearModel, TrainSettings};
pub use models::ModelFiles;
pub use score::{ActionMaterial, Scored, ThemeMaterial};
pub use train::{classify_rows, evaluate_rows, train};

use crate::error::{Error, Result};
use std::collections::HashMap;

use crate::record::{heading_text, ActionMatch, Finding, Labels, Paragraph, Polarity, ThemeId};

/// Settings of the classification stage (pipeline.toml `[classify]`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClassifyConfig {
    /// Folder holding codebook.toml, analysis.toml, lexicon.toml, cues.toml
    /// and linear.json (codes.toml, actions.toml and domain.toml optional). Relative paths
    /// are taken from the configuration file. Absent: the built-in models.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<PathBuf>,
    /// A theme is assigned when its probability reaches this.
    pub theme_threshold: f64,
    /// ... and, when no lexicon word names it in the paragraph or its
    /// headings, when it reaches this: the model's other words are those of
    /// the writers it was trained on, a weaker ground on other writing.
    pub unnamed_theme_threshold: f64,
    /// A paragraph with no theme evidence of its own takes the themes of its
    /// heading.
    pub inherit_heading_theme: bool,
}

impl ClassifyConfig {
    /// Thresholds are probabilities.
    pub fn validate(&self) -> std::result::Result<(), crate::error::BadValue> {
        use crate::error::BadValue;
        let t = self.theme_threshold;
        if !(t > 0.0 && t < 1.0) {
            return Err(BadValue::new(
                "classify.theme_threshold",
                format!("{t} is not a probability between 0 and 1 (excluded)"),
            ));
        }
        let u = self.unnamed_theme_threshold;
        if !(u > 0.0 && u < 1.0) {
            return Err(BadValue::new(
                "classify.unnamed_theme_threshold",
                format!("{u} is not a probability between 0 and 1 (excluded)"),
            ));
        }
        Ok(())
    }
}

impl Default for ClassifyConfig {
    fn default() -> Self {
        ClassifyConfig {
            models: None,
            theme_threshold: 0.3,
            unnamed_theme_threshold: 0.6,
            inherit_heading_theme: true,
        }
    }
}

/// Where a paragraph sits: the nearest heading above it, and the heading
/// that one sits under (its section: "4. Le conseil citoyen" above "4.2 Les
/// difficultés"). The model reads the nearest heading; a paragraph with no
/// theme of its own takes the themes of the nearest heading or, when that
/// names none, of its section.
#[derive(Debug, Clone, Copy, Default)]
pub struct Headings<'a> {
    pub nearest: Option<&'a str>,
    pub section: Option<&'a str>,
}

impl<'a> Headings<'a> {
    /// Only the nearest heading is known (a labelled CSV's `context`).
    pub fn nearest(heading: Option<&'a str>) -> Headings<'a> {
        Headings {
            nearest: heading,
            section: None,
        }
    }

    /// The headings of a paragraph of a document.
    pub fn of(document_headings: &'a [String], paragraph: &Paragraph) -> Headings<'a> {
        Headings {
            nearest: heading_text(document_headings, paragraph.heading),
            section: heading_text(document_headings, paragraph.section),
        }
    }

    /// Both headings, analysed from `analysed`, which holds every heading
    /// of the batch (see `Classifier::analyse_headings`).
    pub fn in_context(self, analysed: &'a HashMap<&str, AnalysedHeading>) -> HeadingContext<'a> {
        HeadingContext {
            nearest: self.nearest.and_then(|h| analysed.get(h)),
            section: self.section.and_then(|h| analysed.get(h)),
        }
    }
}

/// The trained classifier, loaded once and shared by all threads.
pub struct Classifier {
    pub extractor: FeatureExtractor,
    pub model: LinearModel,
    /// Recurring findings (models/codes.toml; none when the file is absent).
    pub codes: Codes,
    /// Kinds of actions per theme (models/actions.toml; none when absent).
    pub actions: ActionTypes,
    /// The field's vocabulary (models/domain.toml; none when absent).
    pub domain: Option<Domain>,
    config: ClassifyConfig,
    version: String,
    /// The files the models were read from, for `scoring_key`.
    files: ModelFiles,
    /// Hashed on first use: `label` and `evaluate` never ask for it, and
    /// hashing the model files (linear.json is 4 MB) costs as much as
    /// classifying hundreds of paragraphs.
    scoring_key: std::sync::OnceLock<String>,
}

impl Classifier {
    pub fn load(config: &ClassifyConfig) -> Result<Classifier> {
        let files = ModelFiles::configured(config.models.as_deref());
        let extractor = FeatureExtractor::load(&files)?;
        let model = LinearModel::load(&files.linear)?;
        if model.themes
            != extractor
                .codebook
                .themes
                .iter()
                .map(|t| t.id.clone())
                .collect::<Vec<_>>()
            || model.polarities != extractor.codebook.polarities
        {
            return Err(Error::ModelData {
                path: files.linear.path.clone(),
                message: "the model's themes or polarities differ from codebook.toml: retrain it with `evalmine train`".into(),
            });
        }
        let version = format!(
            "{}+{}",
            model.format,
            &model.data_hash.chars().take(12).collect::<String>()
        );
        let codes = if files.codes.exists() {
            Codes::load(&files.codes, &extractor.codebook, &extractor.analyzer)?
        } else {
            Codes::default()
        };
        let actions =
            ActionTypes::load_if_present(&files.actions, &extractor.codebook, &extractor.analyzer)?;
        let domain = if files.domain.exists() {
            Some(Domain::load(&files.domain, &extractor.analyzer)?)
        } else {
            None
        };
        Ok(Classifier {
            domain,
            codes,
            actions,
            extractor,
            model,
            config: config.clone(),
            version,
            files,
            scoring_key: std::sync::OnceLock::new(),
        })
    }

    /// The action types of `theme` (models/actions.toml) a text describes,
    /// in file order: what a finding of that theme on this text gets,
    /// whatever themes the classifier would assign it (to measure the
    /// action types apart from the themes).
    pub fn action_types_of(&self, text: &str, theme: usize) -> Vec<&str> {
        let stems = data::content_stems(&self.extractor.analyzer, text);
        let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
        self.actions
            .matching(theme, &stems)
            .into_iter()
            .map(|(a, _)| a.id.as_str())
            .collect()
    }

    /// "evalmine-linear-1+<training data hash>", written into every table.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Hash of every models/ file and of the program version: cached scores
    /// are valid exactly as long as it does not change. Computed on first
    /// use from the files as they are then (`run` asks for it as soon as it
    /// has loaded the classifier).
    pub fn scoring_key(&self) -> &str {
        self.scoring_key
            .get_or_init(|| models::scoring_key(&self.files))
    }

    pub fn codebook(&self) -> &Codebook {
        &self.extractor.codebook
    }

    /// Analyses each distinct heading of a batch of paragraphs once (blank
    /// headings are left out: they count as none).
    pub fn analyse_headings<'t>(
        &self,
        headings: impl IntoIterator<Item = &'t str>,
    ) -> HashMap<&'t str, AnalysedHeading> {
        self.extractor.analyse_headings(headings)
    }

    /// Themes and polarity of one paragraph (`label`, `evaluate`): no
    /// findings, so no quotes or codes are prepared. `analysed` holds its
    /// headings (`analyse_headings`).
    pub fn classify(
        &self,
        text: &str,
        headings: Headings,
        analysed: &HashMap<&str, AnalysedHeading>,
    ) -> Labels {
        let scored = self.score_with(text, headings.in_context(analysed), false);
        self.labels(text, headings, scored, false)
    }

    /// As `classify`, for one paragraph on its own (its headings analysed for it).
    pub fn classify_one(&self, text: &str, headings: Headings) -> Labels {
        let analysed = self.analyse_headings(headings.nearest.into_iter().chain(headings.section));
        self.classify(text, headings, &analysed)
    }

    /// Labels of a paragraph for the tables: themes, polarity, and one
    /// finding per theme quoting its most telling sentence.
    pub fn label_paragraph(&self, text: &str, headings: Headings) -> Labels {
        let analysed = self.analyse_headings(headings.nearest.into_iter().chain(headings.section));
        let scored = self.score(text, headings.in_context(&analysed));
        self.paragraph_labels(text, headings, scored)
    }

    /// The decision on scores computed earlier (possibly by another run:
    /// the cache), under this classifier's settings, with findings.
    pub fn paragraph_labels(&self, text: &str, headings: Headings, scored: Scored) -> Labels {
        self.labels(text, headings, scored, true)
    }

    fn labels(&self, text: &str, headings: Headings, scored: Scored, findings: bool) -> Labels {
        let (themes, scored, evidence) = self.decide(text, headings, scored);
        let findings = if findings {
            themes
                .iter()
                .filter_map(|&t| {
                    let material = scored.per_theme[t].as_ref()?;
                    Some(Finding {
                        theme: ThemeId::from(t),
                        score: scored.theme_scores[t],
                        quote: text
                            .get(material.quote.0..material.quote.1)
                            .unwrap_or(text)
                            .to_string(),
                        code: material.code.clone(),
                        actions: material
                            .actions
                            .iter()
                            .map(|a| ActionMatch {
                                id: a.id.clone(),
                                hits: a.hits,
                                quote: text.get(a.quote.0..a.quote.1).unwrap_or(text).to_string(),
                            })
                            .collect(),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        let ids = |ts: &[usize]| -> Vec<ThemeId> { ts.iter().map(|&t| ThemeId::from(t)).collect() };
        Labels {
            themes: ids(&themes),
            polarity: Polarity::from_index(scored.polarity),
            polarity_score: scored.polarity_score,
            findings,
            heading_themes: ids(&scored.heading_themes),
            domain_terms: scored.domain_terms,
            evidence,
            theme_scores: scored.theme_scores,
        }
    }
}
