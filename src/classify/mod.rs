//! Classification stage: paragraph (and its heading) -> themes and polarity,
//! with the evidence that decided.
//!
//! The lexicon and polarity cues of models/ find evidence (with negation
//! scope); a linear model trained on labelled paragraphs weighs it together
//! with stems, stem bigrams, word forms and endings, and the heading's
//! words. Two rules from the codebook come last: a paragraph with no theme
//! evidence of its own takes its heading's theme (or its section's, when the
//! heading names none), and an evaluation question is `neutre`.

mod data;
mod features;
pub mod labels;
mod linear;
pub mod metrics;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use data::{Code, Codebook, Codes, Cues, Domain, Lexicon};
pub use linear::{Example, LinearModel, TrainSettings};

use crate::analyze::Analyzer;
use crate::error::{Error, Result};
use features::{find_evidence, Evidence};

/// Files of the models folder.
pub struct ModelFiles {
    pub codebook: PathBuf,
    pub analysis: PathBuf,
    pub lexicon: PathBuf,
    pub cues: PathBuf,
    pub linear: PathBuf,
    pub codes: PathBuf,
    pub domain: PathBuf,
}

impl ModelFiles {
    pub fn in_dir(dir: &Path) -> ModelFiles {
        ModelFiles {
            codebook: dir.join("codebook.toml"),
            analysis: dir.join("analysis.toml"),
            lexicon: dir.join("lexicon.toml"),
            cues: dir.join("cues.toml"),
            linear: dir.join("linear.json"),
            codes: dir.join("codes.toml"),
            domain: dir.join("domain.toml"),
        }
    }

    /// Hash of the files that define the features: a model trained with
    /// other ones weighs features that no longer mean the same.
    pub fn features_hash(&self) -> Result<String> {
        let mut hasher = Sha256::new();
        for path in [&self.analysis, &self.lexicon, &self.cues] {
            let bytes = std::fs::read(path).map_err(|source| Error::ReadFile {
                path: path.clone(),
                source,
            })?;
            hasher.update(&bytes);
        }
        Ok(hasher
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect())
    }
}

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
    fn analyse_heading(&self, heading: &str) -> (Vec<crate::analyze::Token>, Evidence) {
        type Entry = (u64, String, Vec<crate::analyze::Token>, Evidence);
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

fn named_themes(evidence: &Evidence, codebook: &Codebook) -> Vec<usize> {
    (0..codebook.themes.len())
        .filter(|&t| evidence.theme_score(t) > 0.0)
        .collect()
}

/// The labels of one paragraph.
#[derive(Debug, Clone)]
pub struct Labels {
    /// Indices into the codebook's themes.
    pub themes: Vec<usize>,
    /// Probability of each codebook theme.
    pub theme_scores: Vec<f64>,
    pub polarity: usize,
    pub polarity_score: f64,
    /// The cues and weights that decided, readable.
    pub evidence: String,
    /// Themes the heading names (lexicon evidence in the heading).
    pub heading_themes: Vec<usize>,
}

/// Settings of the classification stage (pipeline.toml `[classify]`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClassifyConfig {
    /// Folder holding codebook.toml, analysis.toml, lexicon.toml, cues.toml
    /// and linear.json. Relative paths are taken from the configuration file.
    pub models: PathBuf,
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

impl Default for ClassifyConfig {
    fn default() -> Self {
        ClassifyConfig {
            models: PathBuf::from("models"),
            theme_threshold: 0.35,
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

    pub fn of(paragraph: &'a crate::record::Paragraph) -> Headings<'a> {
        Headings {
            nearest: paragraph.heading.as_deref(),
            section: paragraph.section.as_deref(),
        }
    }
}

/// Bump when what `Scored` holds or means changes, so cached scores of an
/// older program are not reused.
const SCORING_FORMAT: &str = "scored-4";

/// Below this probability a theme is not expected to be assigned, so its
/// explanation, quote and code are not prepared with the scores; a lower
/// `theme_threshold` that assigns it gets them computed on demand.
const PREPARE_FLOOR: f64 = 0.05;

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
}

/// The trained classifier, loaded once and shared by all threads.
pub struct Classifier {
    pub extractor: FeatureExtractor,
    pub model: LinearModel,
    /// Recurring findings (models/codes.toml; none when the file is absent).
    pub codes: Codes,
    /// The field's vocabulary (models/domain.toml; none when absent).
    pub domain: Option<Domain>,
    config: ClassifyConfig,
    version: String,
    scoring_key: String,
}

impl Classifier {
    pub fn load(config: &ClassifyConfig) -> Result<Classifier> {
        let files = ModelFiles::in_dir(&config.models);
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
                path: files.linear.clone(),
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
        let domain = if files.domain.exists() {
            Some(Domain::load(&files.domain, &extractor.analyzer)?)
        } else {
            None
        };
        let scoring_key = scoring_key(&files)?;
        Ok(Classifier {
            domain,
            codes,
            extractor,
            model,
            config: config.clone(),
            version,
            scoring_key,
        })
    }

    /// "evalmine-linear-1+<training data hash>", written into every table.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Hash of every models/ file and of the program version: cached scores
    /// are valid exactly as long as it does not change.
    pub fn scoring_key(&self) -> &str {
        &self.scoring_key
    }

    pub fn codebook(&self) -> &Codebook {
        &self.extractor.codebook
    }

    /// Themes and polarity of one paragraph (`label`, `evaluate`).
    pub fn classify(&self, text: &str, headings: Headings) -> Labels {
        // No findings table here: quotes and codes are not needed.
        let scored = self.score_with(text, headings, false);
        let (themes, scored, evidence) = self.decide(text, headings, scored);
        Labels {
            themes,
            theme_scores: scored.theme_scores,
            polarity: scored.polarity,
            polarity_score: scored.polarity_score,
            evidence,
            heading_themes: scored.heading_themes,
        }
    }

    /// Labels of a paragraph for the tables: themes, polarity, and one
    /// finding per theme quoting its most telling sentence.
    pub fn label_paragraph(
        &self,
        text: &str,
        headings: Headings,
    ) -> crate::record::ParagraphLabels {
        self.paragraph_labels(text, headings, self.score(text, headings))
    }

    /// The decision on scores computed earlier (possibly by another run:
    /// the cache), under this classifier's settings.
    pub fn paragraph_labels(
        &self,
        text: &str,
        headings: Headings,
        scored: Scored,
    ) -> crate::record::ParagraphLabels {
        let (themes, scored, evidence) = self.decide(text, headings, scored);
        let codebook = self.codebook();
        let findings = themes
            .iter()
            .filter_map(|&t| {
                let material = scored.per_theme[t].as_ref()?;
                Some(crate::record::Finding {
                    theme: codebook.themes[t].id.clone(),
                    score: scored.theme_scores[t],
                    quote: text
                        .get(material.quote.0..material.quote.1)
                        .unwrap_or(text)
                        .to_string(),
                    code: material.code.clone(),
                })
            })
            .collect();
        let ids = |ts: &[usize]| -> Vec<String> {
            ts.iter().map(|&t| codebook.themes[t].id.clone()).collect()
        };
        crate::record::ParagraphLabels {
            themes: ids(&themes),
            polarity: codebook.polarities[scored.polarity].clone(),
            polarity_score: scored.polarity_score,
            findings,
            section_themes: ids(&scored.heading_themes),
            domain_terms: scored.domain_terms,
            evidence,
        }
    }

    /// Everything about a paragraph that does not depend on the decision
    /// settings.
    pub fn score(&self, text: &str, headings: Headings) -> Scored {
        self.score_with(text, headings, true)
    }

    fn score_with(&self, text: &str, headings: Headings, findings: bool) -> Scored {
        let analysed = self.extractor.analyse(text, headings.nearest);
        let codebook = &self.extractor.codebook;
        let scores = self.model.score(&analysed.features);
        let theme_scores: Vec<f64> = scores
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
                .map(|s| self.extractor.themes_named_by(s))
                .unwrap_or_default();
        }

        let probs = linear::softmax(&scores.polarities);
        let mut polarity = (0..probs.len())
            .max_by(|&a, &b| probs[a].total_cmp(&probs[b]))
            .unwrap_or(codebook.neutral());
        let mut notes = Vec::new();
        let cue_scores = analysed.evidence.polarity_scores(codebook);
        let reco = codebook.polarity_index("preconisation");
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
        let mut polarity_evidence = vec![self.explain_polarity(&analysed, polarity)];
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
        self.prepare(text, &analysed, &mut scored, &candidates, findings);
        scored
    }

    /// Applies the decision settings: the themes assigned, the scores with
    /// the material of every assigned theme, and the readable evidence.
    fn decide(
        &self,
        text: &str,
        headings: Headings,
        mut scored: Scored,
    ) -> (Vec<usize>, Scored, String) {
        let codebook = &self.extractor.codebook;
        let named =
            |t: usize| scored.lexicon_themes.contains(&t) || scored.heading_themes.contains(&t);
        let mut themes: Vec<usize> = (0..scored.theme_scores.len())
            .filter(|&t| {
                let p = scored.theme_scores[t];
                p >= self.config.theme_threshold
                    && (named(t) || p >= self.config.unnamed_theme_threshold)
            })
            .collect();
        let mut notes = Vec::new();
        if themes.is_empty()
            && self.config.inherit_heading_theme
            && !scored.own_theme_evidence
            && !scored.heading_themes.is_empty()
        {
            themes = scored.heading_themes.clone();
            notes.push(if scored.themes_of_section {
                "themes from the section heading".to_string()
            } else {
                "themes from the heading".to_string()
            });
        }
        let missing: Vec<usize> = themes
            .iter()
            .copied()
            .filter(|&t| scored.per_theme.get(t).is_none_or(Option::is_none))
            .collect();
        if !missing.is_empty() && scored.per_theme.len() == codebook.themes.len() {
            // Assigned under a threshold below the floor the scores were
            // prepared with: analyse again for these themes only.
            let analysed = self.extractor.analyse(text, headings.nearest);
            self.prepare(text, &analysed, &mut scored, &missing, true);
        }
        let mut parts: Vec<String> = themes
            .iter()
            .filter_map(|&t| {
                let material = scored.per_theme.get(t)?.as_ref()?;
                Some(format!(
                    "{} {:.2}: {}",
                    codebook.themes[t].id, scored.theme_scores[t], material.evidence
                ))
            })
            .collect();
        parts.extend(scored.polarity_evidence.iter().cloned());
        parts.extend(notes);
        (themes, scored, parts.join("; "))
    }

    /// Fills the evidence, quote and code of the given themes (without
    /// `findings`, the quote is the whole text and there is no code). The
    /// text's sentences are analysed once for all of them.
    fn prepare(
        &self,
        text: &str,
        a: &Analysed,
        scored: &mut Scored,
        themes: &[usize],
        findings: bool,
    ) {
        if themes.is_empty() {
            return;
        }
        let codebook = &self.extractor.codebook;
        let spans = if findings {
            crate::analyze::sentence_spans(text)
        } else {
            Vec::new()
        };
        let sentences: Vec<((usize, usize), Evidence)> = if spans.len() > 1 {
            spans
                .iter()
                .map(|&(s, e)| {
                    let tokens = self.extractor.analyzer.tokens(&text[s..e]);
                    let evidence =
                        find_evidence(&tokens, &self.extractor.lexicon, &self.extractor.cues);
                    ((s, e), evidence)
                })
                .collect()
        } else {
            Vec::new()
        };
        let sentence_polarity: Vec<f64> = sentences
            .iter()
            .map(|(_, e)| e.polarity_scores(codebook)[scored.polarity])
            .collect();
        let stems: Vec<&str> = a.stems.iter().map(String::as_str).collect();
        for &t in themes {
            let quote = best_sentence(text, &sentences, &sentence_polarity, t);
            let terms: Vec<String> = a.evidence.theme_terms[t]
                .iter()
                .map(|(term, w)| format!("{term} {w}"))
                .collect();
            let model: Vec<String> = self
                .model
                .top_contributions(&a.features, t, 3)
                .into_iter()
                .map(|(f, c)| format!("{f} +{c:.2}"))
                .collect();
            scored.per_theme[t] = Some(ThemeMaterial {
                evidence: format!(
                    "lexicon [{}] model [{}]",
                    terms.join(", "),
                    model.join(", ")
                ),
                quote,
                code: findings
                    .then(|| self.codes.best_with_hits(t, scored.polarity, &stems))
                    .flatten()
                    .map(|(c, hits)| (c.id.clone(), hits as u32)),
            });
        }
    }

    fn explain_polarity(&self, a: &Analysed, polarity: usize) -> String {
        let codebook = &self.extractor.codebook;
        let cues: Vec<String> = a
            .evidence
            .cues
            .iter()
            .enumerate()
            .flat_map(|(p, c)| {
                c.iter().map(move |(text, w, negated)| {
                    format!(
                        "{}{} ({} {w})",
                        if *negated { "negated " } else { "" },
                        text,
                        codebook.polarities[p]
                    )
                })
            })
            .collect();
        let model: Vec<String> = self
            .model
            .top_contributions(&a.features, codebook.themes.len() + polarity, 3)
            .into_iter()
            .map(|(f, c)| format!("{f} +{c:.2}"))
            .collect();
        format!(
            "{}: cues [{}] model [{}]",
            codebook.polarities[polarity],
            cues.join(", "),
            model.join(", ")
        )
    }
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

/// See `Classifier::scoring_key`.
fn scoring_key(files: &ModelFiles) -> Result<String> {
    let mut hasher = Sha256::new();
    hasher.update(SCORING_FORMAT.as_bytes());
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for path in [
        &files.codebook,
        &files.analysis,
        &files.lexicon,
        &files.cues,
        &files.linear,
        &files.codes,
        &files.domain,
    ] {
        match std::fs::read(path) {
            Ok(bytes) => hasher.update(&bytes),
            // codes.toml and domain.toml are optional; the others failed
            // to load already.
            Err(_) => hasher.update(b"<absent>"),
        }
        hasher.update([0u8]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Fits the linear model on labelled CSV files (in the given order, with
/// the fixed seed of `settings`): the same files give the same model.
pub fn train(
    files: &ModelFiles,
    label_paths: &[PathBuf],
    settings: TrainSettings,
) -> Result<LinearModel> {
    let extractor = FeatureExtractor::load(files)?;
    let codebook = &extractor.codebook;
    let mut hasher = Sha256::new();
    let mut examples = Vec::new();
    for path in label_paths {
        let bytes = std::fs::read(path).map_err(|source| Error::ReadFile {
            path: path.clone(),
            source,
        })?;
        hasher.update(&bytes);
        for row in labels::read(path, codebook, true)? {
            let (themes, polarity) = row.gold.expect("labels are required");
            let features = extractor
                .analyse(&row.text, row.context.as_deref())
                .features;
            examples.push(Example {
                features,
                themes,
                polarity,
            });
        }
    }
    if examples.is_empty() {
        return Err(Error::LabelFile {
            path: label_paths.first().cloned().unwrap_or_default(),
            message: "no labelled paragraph".into(),
        });
    }
    let mut model = LinearModel::train(
        &examples,
        codebook.themes.iter().map(|t| t.id.clone()).collect(),
        codebook.polarities.clone(),
        settings,
    );
    model.trained_on = label_paths
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    model.data_hash = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    model.features_hash = files.features_hash()?;
    Ok(model)
}

/// Classifies labelled rows and compares with their gold labels.
pub fn evaluate_rows(classifier: &Classifier, rows: &[labels::Row]) -> metrics::Report {
    use rayon::prelude::*;
    let predicted: Vec<(Vec<bool>, usize)> = rows
        .par_iter()
        .map(|row| {
            let labels = classifier.classify(&row.text, row.headings());
            let mut flags = vec![false; classifier.codebook().themes.len()];
            for t in labels.themes {
                flags[t] = true;
            }
            (flags, labels.polarity)
        })
        .collect();
    let gold: Vec<(Vec<bool>, usize)> = rows.iter().filter_map(|r| r.gold.clone()).collect();
    let codebook = classifier.codebook();
    metrics::evaluate(
        &codebook
            .themes
            .iter()
            .map(|t| t.id.clone())
            .collect::<Vec<_>>(),
        &codebook.polarities,
        &gold,
        &predicted,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn models() -> ModelFiles {
        ModelFiles::in_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models"))
    }

    /// The classifier of models/ with the default settings.
    fn shipped_classifier() -> Classifier {
        Classifier::load(&ClassifyConfig {
            models: Path::new(env!("CARGO_MANIFEST_DIR")).join("models"),
            ..ClassifyConfig::default()
        })
        .unwrap()
    }

    fn cue_scores(extractor: &FeatureExtractor, text: &str) -> Vec<f64> {
        extractor
            .analyse(text, None)
            .evidence
            .polarity_scores(&extractor.codebook)
    }

    #[test]
    fn negation_flips_cues() {
        let x = FeatureExtractor::load(&models()).unwrap();
        let (success, difficulty) = (
            x.codebook.polarity_index("reussite").unwrap(),
            x.codebook.polarity_index("difficulte").unwrap(),
        );
        let plain = cue_scores(&x, "Le dispositif a permis de toucher les jeunes.");
        assert!(plain[success] > plain[difficulty], "{plain:?}");
        let negated = cue_scores(&x, "Le dispositif n'a pas permis de toucher les jeunes.");
        assert!(negated[difficulty] > negated[success], "{negated:?}");
        let without = cue_scores(
            &x,
            "La programmation s'est déroulée sans difficulté majeure.",
        );
        assert!(without[success] > without[difficulty], "{without:?}");
    }

    #[test]
    fn cue_phrases_keep_their_small_words() {
        let x = FeatureExtractor::load(&models()).unwrap();
        let reco = x.codebook.polarity_index("preconisation").unwrap();
        assert!(cue_scores(&x, "Il est proposé de créer un comité.")[reco] > 0.0);
        assert_eq!(
            cue_scores(&x, "Les horaires proposés ne conviennent pas.")[reco],
            0.0
        );
    }

    #[test]
    fn false_friends_do_not_count() {
        let x = FeatureExtractor::load(&models()).unwrap();
        let dc = x.codebook.theme_index("droit_commun").unwrap();
        assert!(
            x.analyse("La mobilisation du droit commun reste faible.", None)
                .evidence
                .theme_score(dc)
                > 0.0
        );
        assert_eq!(
            x.analyse("Le bailleur applique le droit commun du bail.", None)
                .evidence
                .theme_score(dc),
            0.0
        );
        let emploi = x.codebook.theme_index("emploi").unwrap();
        assert_eq!(
            x.analyse("L'association emploie trois médiatrices.", None)
                .evidence
                .theme_score(emploi),
            0.0
        );
    }

    #[test]
    fn findings_get_the_code_their_cues_match() {
        let classifier = shipped_classifier();
        let cb = classifier.codebook();
        let (cc, difficulty) = (
            cb.theme_index("conseils_citoyens").unwrap(),
            cb.polarity_index("difficulte").unwrap(),
        );
        let stems_of = |text: &str| {
            let tokens = classifier.extractor.analyzer.tokens(text);
            tokens
                .iter()
                .filter(|t| t.is_content())
                .map(|t| t.stem.clone())
                .collect::<Vec<_>>()
        };
        let stems =
            stems_of("Les réunions ont cessé pendant la crise sanitaire et le confinement.");
        let refs: Vec<&str> = stems.iter().map(String::as_str).collect();
        assert_eq!(
            classifier
                .codes
                .best(cc, difficulty, &refs)
                .map(|c| c.id.as_str()),
            Some("cc_arret_covid")
        );
        let stems = stems_of("Le budget a été voté.");
        let refs: Vec<&str> = stems.iter().map(String::as_str).collect();
        assert!(
            classifier.codes.best(cc, difficulty, &refs).is_none(),
            "no cue, no code"
        );
    }

    #[test]
    fn a_paragraph_without_theme_words_takes_its_heading_theme() {
        let classifier = shipped_classifier();
        let text = "Les difficultés tiennent d'abord au renouvellement des membres, dont la moitié est partie en 2020.";
        let labels = classifier.classify(text, Headings::nearest(Some("4. Le conseil citoyen")));
        let cc = classifier
            .codebook()
            .theme_index("conseils_citoyens")
            .unwrap();
        assert!(
            labels.themes.contains(&cc),
            "{:?} {}",
            labels.themes,
            labels.evidence
        );
        assert_eq!(
            classifier.codebook().polarities[labels.polarity],
            "difficulte",
            "{}",
            labels.evidence
        );
        let question = classifier.classify(
            "Dans quelle mesure le conseil citoyen a-t-il pesé sur les décisions ?",
            Headings::default(),
        );
        assert_eq!(
            classifier.codebook().polarities[question.polarity],
            "neutre"
        );
    }

    #[test]
    fn a_theme_no_lexicon_word_names_needs_the_higher_threshold() {
        let mut classifier = shipped_classifier();
        // Find a paragraph whose theme rests on the model alone.
        let text = "Les réunions mensuelles rassemblent une dizaine de personnes.";
        let scored = classifier.score(text, Headings::default());
        let cc = classifier
            .codebook()
            .theme_index("conseils_citoyens")
            .unwrap();
        assert!(!scored.lexicon_themes.contains(&cc));
        let p = scored.theme_scores[cc];
        assert!(p > 0.05 && p < 0.95, "{p}");
        classifier.config.theme_threshold = p / 2.0;
        classifier.config.unnamed_theme_threshold = p / 2.0;
        assert!(classifier
            .classify(text, Headings::default())
            .themes
            .contains(&cc));
        classifier.config.unnamed_theme_threshold = (p + 1.0) / 2.0;
        assert!(!classifier
            .classify(text, Headings::default())
            .themes
            .contains(&cc));
    }

    #[test]
    fn the_field_s_words_are_counted_and_none_is_a_lone_common_word() {
        let classifier = shipped_classifier();
        let domain = classifier.domain.as_ref().expect("models/domain.toml");
        let scored = classifier.score(
            "Le contrat de ville couvre trois quartiers prioritaires (QPV) et un quartier de la gare.",
            Headings::default(),
        );
        assert_eq!(scored.domain_terms, Some(3));
        // A term of several words whose stop words leave one stem ("quartiers
        // d'été" -> "quarti") would count every "quartier".
        for i in 0..domain.terms.len() {
            let term = domain.terms.get(i);
            if term.text.split_whitespace().count() > 1 {
                assert!(
                    term.stems.len() > 1,
                    "`{}` analyses to {:?}",
                    term.text,
                    term.stems
                );
            }
        }
    }

    #[test]
    fn under_a_sub_heading_without_theme_the_section_gives_it() {
        let classifier = shipped_classifier();
        let text = "Depuis 2019, la moitié des places reste vacante faute de volontaires.";
        let cc = classifier
            .codebook()
            .theme_index("conseils_citoyens")
            .unwrap();
        let alone = classifier.classify(text, Headings::nearest(Some("4.2 Les difficultés")));
        assert!(!alone.themes.contains(&cc), "{}", alone.evidence);
        let headings = Headings {
            nearest: Some("4.2 Les difficultés"),
            section: Some("4. Le conseil citoyen"),
        };
        let labels = classifier.classify(text, headings);
        assert!(labels.themes.contains(&cc), "{}", labels.evidence);
        assert!(labels.evidence.contains("themes from the section heading"));
        // A sub-heading that names a theme wins over its section.
        let own = Headings {
            nearest: Some("4.2 L'emploi des membres"),
            section: Some("4. Le conseil citoyen"),
        };
        let labels = classifier.classify("Trois d'entre eux ont retrouvé un travail.", own);
        assert!(!labels.evidence.contains("section"), "{}", labels.evidence);
    }
}
