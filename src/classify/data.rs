//! The classifier's data in models/: codebook, theme lexicon, polarity cues.
//! Expressions are analysed with the same chain as the text, so they match
//! on content stems whatever the inflection.

use std::collections::HashMap;

use serde::Deserialize;

use super::expressions::ExpressionIndex;
use crate::analyze::Analyzer;
use crate::error::{Error, Result};
use crate::models::ModelFile;
use crate::record::{Polarity, ThemeId};

pub(super) fn read_toml<T: for<'de> Deserialize<'de>>(file: &ModelFile) -> Result<T> {
    toml::from_str(&file.read()?).map_err(|e| Error::ModelData {
        path: file.path.clone(),
        message: e.to_string(),
    })
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeDef {
    pub id: String,
    pub name: String,
}

/// Theme and polarity ids of the codebook.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Codebook {
    pub version: String,
    pub themes: Vec<ThemeDef>,
    pub polarities: Vec<String>,
}

impl Codebook {
    pub fn load(from: &ModelFile) -> Result<Codebook> {
        let codebook: Codebook = read_toml(from)?;
        if codebook.themes.is_empty() {
            return Err(Error::ModelData {
                path: from.path.clone(),
                message: "needs at least one theme".into(),
            });
        }
        // The code gives each polarity its role (a negated success is a
        // difficulty, a recommendations heading...): they are fixed.
        let expected: Vec<&str> = Polarity::ALL.iter().map(|p| p.id()).collect();
        if codebook.polarities != expected {
            return Err(Error::ModelData {
                path: from.path.clone(),
                message: format!("polarities must be {expected:?}, in this order"),
            });
        }
        Ok(codebook)
    }

    /// The id of a theme ("egalite_fh"), as the tables write it.
    pub fn theme_id(&self, theme: ThemeId) -> &str {
        &self.themes[theme.index()].id
    }

    /// The position of a theme id in the codebook.
    pub fn theme_index(&self, id: &str) -> Option<usize> {
        self.themes.iter().position(|t| t.id == id)
    }

    pub(crate) fn polarity_index(&self, id: &str) -> Option<usize> {
        self.polarities.iter().position(|p| p == id)
    }

    /// The stance-free polarity ("neutre").
    pub(crate) fn neutral(&self) -> usize {
        Polarity::Neutre.index()
    }
}

/// An expression as a sequence of content stems, with its weight.
#[derive(Debug, Clone)]
pub struct Expression {
    pub text: String,
    pub stems: Vec<String>,
    pub weight: f64,
}

/// Finds expressions in a sequence of stems, indexed by first stem.
#[derive(Debug, Default)]
pub struct ExpressionSet {
    expressions: Vec<Expression>,
    by_first: rustc_hash::FxHashMap<String, Vec<usize>>,
}

impl ExpressionSet {
    pub(super) fn build(
        entries: impl IntoIterator<Item = (String, f64)>,
        stems_of: impl Fn(&str) -> Vec<String>,
    ) -> ExpressionSet {
        let mut set = ExpressionSet::default();
        let mut seen: rustc_hash::FxHashMap<Vec<String>, usize> = Default::default();
        for (text, weight) in entries {
            let stems = stems_of(&text);
            if stems.is_empty() {
                continue;
            }
            // Inflections of one expression ("pourrait", "pourraient") stem
            // alike: one entry with the higher weight, so that listing more
            // forms of a cue does not make it count twice in one place.
            if let Some(&e) = seen.get(&stems) {
                let kept: &mut Expression = &mut set.expressions[e];
                if weight > kept.weight {
                    kept.weight = weight;
                    kept.text = text;
                }
                continue;
            }
            seen.insert(stems.clone(), set.expressions.len());
            set.by_first
                .entry(stems[0].clone())
                .or_default()
                .push(set.expressions.len());
            set.expressions.push(Expression {
                text,
                stems,
                weight,
            });
        }
        set
    }

    /// Every match as (expression index, first position, length).
    pub fn find(&self, stems: &[&str]) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        for (i, stem) in stems.iter().enumerate() {
            if let Some(candidates) = self.by_first.get(*stem) {
                // Each candidate's first stem is this one (the key it was found by).
                for &e in candidates {
                    let want = &self.expressions[e].stems;
                    if stems.len() - i >= want.len()
                        && want[1..].iter().zip(&stems[i + 1..]).all(|(a, b)| a == b)
                    {
                        found.push((e, i, want.len()));
                    }
                }
            }
        }
        found
    }

    pub fn get(&self, index: usize) -> &Expression {
        &self.expressions[index]
    }

    pub fn len(&self) -> usize {
        self.expressions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.expressions.is_empty()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(rename = "version")]
    _version: String,
    themes: HashMap<String, ThemeLexiconFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeLexiconFile {
    terms: HashMap<String, f64>,
    #[serde(default)]
    counter: Vec<String>,
}

/// Weighted expressions per theme, and the false friends that cancel them.
#[derive(Debug)]
pub struct Lexicon {
    /// Per codebook theme, in codebook order.
    pub terms: Vec<ExpressionSet>,
    pub counters: Vec<ExpressionSet>,
    /// `terms` then `counters`, matched together.
    index: ExpressionIndex,
}

impl Lexicon {
    pub fn load(from: &ModelFile, codebook: &Codebook, analyzer: &Analyzer) -> Result<Lexicon> {
        let mut file: LexiconFile = read_toml(from)?;
        for id in file.themes.keys() {
            if codebook.theme_index(id).is_none() {
                return Err(Error::ModelData {
                    path: from.path.clone(),
                    message: format!("theme `{id}` is not in the codebook"),
                });
            }
        }
        let mut terms = Vec::new();
        let mut counters = Vec::new();
        for theme in &codebook.themes {
            let entry = file.themes.remove(&theme.id).unwrap_or(ThemeLexiconFile {
                terms: HashMap::new(),
                counter: Vec::new(),
            });
            let mut sorted: Vec<(String, f64)> = entry.terms.into_iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            let content = |text: &str| content_stems(analyzer, text);
            terms.push(ExpressionSet::build(sorted, content));
            counters.push(ExpressionSet::build(
                entry.counter.into_iter().map(|c| (c, 0.0)),
                content,
            ));
        }
        let index = ExpressionIndex::new(terms.iter().chain(&counters));
        Ok(Lexicon {
            terms,
            counters,
            index,
        })
    }

    /// Per theme: the weighted term matches not inside a false friend, as
    /// (term text, weight).
    pub fn matches(&self, stems: &[&str]) -> Vec<Vec<(String, f64)>> {
        let mut found = self.index.find(stems);
        let counters = found.split_off(self.terms.len());
        self.terms
            .iter()
            .zip(found.into_iter().zip(counters))
            .map(|(terms, (found, counters))| {
                let blocked: Vec<(usize, usize)> =
                    counters.into_iter().map(|(_, s, n)| (s, s + n)).collect();
                found
                    .into_iter()
                    .filter(|(_, s, n)| !blocked.iter().any(|&(bs, be)| *s < be && s + n > bs))
                    .map(|(e, _, _)| (terms.get(e).text.clone(), terms.get(e).weight))
                    .collect()
            })
            .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CuesFile {
    #[serde(rename = "version")]
    _version: String,
    negators: Vec<String>,
    /// Negation words that negate only beside "ne" (absent in older files).
    #[serde(default)]
    negators_with_ne: Vec<String>,
    negation_window: usize,
    polarity: HashMap<String, PolarityCuesFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolarityCuesFile {
    cues: HashMap<String, f64>,
}

/// The words of French negation, and when they negate.
#[derive(Debug, Default)]
pub struct Negators {
    /// Every negation word, lowercased: skipped inside cue phrases ("n'a
    /// pas permis de" still matches "a permis de").
    words: rustc_hash::FxHashSet<String>,
    /// Those that negate only beside "ne": alone, "plus" compares ("plus
    /// efficace") and "jamais" intensifies ("plus que jamais pertinent");
    /// with "ne" the "ne" already negates ("n'est plus", "n'a jamais").
    with_ne: rustc_hash::FxHashSet<String>,
}

impl Negators {
    pub(crate) fn new(
        words: impl IntoIterator<Item = String>,
        with_ne: impl IntoIterator<Item = String>,
    ) -> Negators {
        let norm = |w: String| w.to_lowercase().replace('’', "'");
        let with_ne: rustc_hash::FxHashSet<String> = with_ne.into_iter().map(norm).collect();
        let mut words: rustc_hash::FxHashSet<String> = words.into_iter().map(norm).collect();
        words.extend(with_ne.iter().cloned());
        Negators { words, with_ne }
    }

    /// Whether the word is a negation word.
    pub(crate) fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    /// Whether the word at `at` is negated by one of the `window` words
    /// before it, within its own sentence or clause.
    pub(crate) fn negates(
        &self,
        tokens: &[crate::analyze::Token],
        at: usize,
        window: usize,
    ) -> bool {
        let mut from = at.saturating_sub(window);
        if let Some(mark) = (from + 1..=at).rev().find(|&j| tokens[j].after_stop_mark) {
            from = mark;
        }
        self.negate(&tokens[from..at])
    }

    /// Whether the words just before a cue negate it. "ne ... que" restricts
    /// rather than negates ("ne peut qu'être satisfait", "n'a été suivi
    /// que par"): a "ne" followed by "que" before the cue, with no other
    /// negation word, does not negate.
    fn negate(&self, before: &[crate::analyze::Token]) -> bool {
        let is_ne = |w: &str| w == "ne" || w == "n'";
        let is_que = |w: &str| w == "que" || w == "qu'";
        let mut negated = false;
        let mut ne_then_que = false;
        let mut seen_ne = false;
        for t in before {
            let w = t.lower.as_str();
            if is_ne(w) {
                seen_ne = true;
                negated = true;
            } else if seen_ne && is_que(w) {
                ne_then_que = true;
            } else if self.words.contains(w) && !self.with_ne.contains(w) {
                return true;
            }
        }
        negated && !ne_then_que
    }
}

/// Polarity cues with negation scope.
#[derive(Debug)]
pub struct Cues {
    /// Lowercased negation words (a set: every word of every paragraph is
    /// looked up in it).
    pub negators: Negators,
    pub window: usize,
    /// Per codebook polarity (the neutral one usually has none).
    pub cues: Vec<ExpressionSet>,
    /// `cues`, matched together.
    index: ExpressionIndex,
}

impl Cues {
    pub fn load(from: &ModelFile, codebook: &Codebook, analyzer: &Analyzer) -> Result<Cues> {
        let mut file: CuesFile = read_toml(from)?;
        for id in file.polarity.keys() {
            if codebook.polarity_index(id).is_none() {
                return Err(Error::ModelData {
                    path: from.path.clone(),
                    message: format!("polarity `{id}` is not in the codebook"),
                });
            }
        }
        // "peu de participation": "peu" weakens what follows like a negation.
        let words = file.negators.into_iter().chain(["peu".to_string()]);
        let negators = Negators::new(words, file.negators_with_ne);
        let cues = codebook
            .polarities
            .iter()
            .map(|p| {
                let mut sorted: Vec<(String, f64)> = file
                    .polarity
                    .remove(p)
                    .map(|c| c.cues.into_iter().collect())
                    .unwrap_or_default();
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                ExpressionSet::build(sorted, |text| {
                    phrase_stems(analyzer, text, &negators)
                        .into_iter()
                        .map(|(_, s)| s)
                        .collect()
                })
            })
            .collect();
        Ok(Cues {
            negators,
            window: file.negation_window,
            index: ExpressionIndex::new(&cues),
            cues,
        })
    }

    /// Per polarity, what its set's `find` returns on these phrase stems.
    pub(crate) fn find(&self, phrase_stems: &[&str]) -> Vec<Vec<(usize, usize, usize)>> {
        self.index.find(phrase_stems)
    }
}

/// Stems of the content words of a text (lexicon terms are matched on these).
pub(crate) fn content_stems(analyzer: &Analyzer, text: &str) -> Vec<String> {
    analyzer
        .tokens(text)
        .into_iter()
        .filter(|t| t.is_content())
        .map(|t| t.stem)
        .collect()
}

/// Stems of every word but negations, with elided forms written out
/// ("d'" -> "de"): polarity cues are phrases ("il est proposé de", "manque
/// de") whose small words matter, while a negation inside one ("n'a pas
/// permis de") must not stop the match. Returns (token index, stem).
pub(crate) fn phrase_stems(
    analyzer: &Analyzer,
    text: &str,
    negators: &Negators,
) -> Vec<(usize, String)> {
    phrase_stems_of(&analyzer.tokens(text), negators)
        .into_iter()
        .map(|(i, s)| (i, s.to_string()))
        .collect()
}

pub(crate) fn phrase_stems_of<'t>(
    tokens: &'t [crate::analyze::Token],
    negators: &Negators,
) -> Vec<(usize, &'t str)> {
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !negators.contains(&t.lower))
        .map(|(i, t)| {
            let stem = if t.elision {
                match t.lower.trim_end_matches('\'') {
                    "d" => "de",
                    "l" => "le",
                    "qu" => "que",
                    "s" => "se",
                    "c" => "ce",
                    "j" => "je",
                    "m" => "me",
                    "t" => "te",
                    "n" => "ne",
                    "jusqu" => "jusqu",
                    other => other,
                }
            } else if matches!(t.lower.as_str(), "la" | "les") {
                // Articles vary freely inside a phrase.
                "le"
            } else {
                t.stem.as_str()
            };
            (i, stem)
        })
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodesFile {
    #[serde(rename = "version")]
    _version: String,
    codes: Vec<CodeFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeFile {
    id: String,
    theme: String,
    polarity: String,
    label: String,
    cues: Vec<String>,
}

/// A recurring finding of the synthesis (codebook "codes").
#[derive(Debug)]
pub struct Code {
    pub id: String,
    pub theme: usize,
    pub polarity: usize,
    pub label: String,
    pub cues: ExpressionSet,
}

/// The vocabulary of the field (models/domain.toml): a document that never
/// uses it is probably not a report on a contrat de ville.
#[derive(Debug, Default)]
pub struct Domain {
    pub terms: ExpressionSet,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DomainFile {
    #[serde(rename = "version")]
    _version: String,
    terms: Vec<String>,
}

impl Domain {
    pub fn load(from: &ModelFile, analyzer: &Analyzer) -> Result<Domain> {
        let file: DomainFile = read_toml(from)?;
        // Terms that analyse alike ("contrat de ville", "contrats de
        // ville") are one term: each occurrence counts once.
        let mut seen = std::collections::HashSet::new();
        let terms: Vec<(String, f64)> = file
            .terms
            .into_iter()
            .filter(|t| seen.insert(content_stems(analyzer, t)))
            .map(|t| (t, 1.0))
            .collect();
        Ok(Domain {
            terms: ExpressionSet::build(terms, |text| content_stems(analyzer, text)),
        })
    }

    /// How many of its terms a paragraph's content stems hold.
    pub fn count(&self, stems: &[&str]) -> u32 {
        self.terms.find(stems).len() as u32
    }
}

/// The codes of models/codes.toml.
#[derive(Debug, Default)]
pub struct Codes {
    pub codes: Vec<Code>,
}

impl Codes {
    pub fn load(from: &ModelFile, codebook: &Codebook, analyzer: &Analyzer) -> Result<Codes> {
        let file: CodesFile = read_toml(from)?;
        let fail = |message: String| Error::ModelData {
            path: from.path.clone(),
            message,
        };
        let mut codes = Vec::new();
        for c in file.codes {
            if codes.iter().any(|k: &Code| k.id == c.id) {
                return Err(fail(format!("code `{}` is defined twice", c.id)));
            }
            let theme = codebook
                .theme_index(&c.theme)
                .ok_or_else(|| fail(format!("code `{}`: unknown theme `{}`", c.id, c.theme)))?;
            let polarity = codebook.polarity_index(&c.polarity).ok_or_else(|| {
                fail(format!(
                    "code `{}`: unknown polarity `{}`",
                    c.id, c.polarity
                ))
            })?;
            let cues = ExpressionSet::build(c.cues.into_iter().map(|q| (q, 1.0)), |text| {
                content_stems(analyzer, text)
            });
            codes.push(Code {
                id: c.id,
                theme,
                polarity,
                label: c.label,
                cues,
            });
        }
        Ok(Codes { codes })
    }

    /// The code of this theme and polarity whose cues the stems match most
    /// often (the first listed on a tie), if any matches, with the number
    /// of cue matches.
    pub(crate) fn best_with_hits(
        &self,
        theme: usize,
        polarity: usize,
        stems: &[&str],
    ) -> Option<(&Code, usize)> {
        let mut best: Option<(&Code, usize)> = None;
        for code in self
            .codes
            .iter()
            .filter(|c| c.theme == theme && c.polarity == polarity)
        {
            let hits = code.cues.find(stems).len();
            if hits > 0 && best.is_none_or(|(_, b)| hits > b) {
                best = Some((code, hits));
            }
        }
        best
    }
}
