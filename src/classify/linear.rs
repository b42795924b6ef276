//! The supervised part of the classifier: logistic regressions over named
//! features, one binary model per theme and one softmax model for polarity,
//! trained by stochastic gradient descent with a fixed seed (so the shipped
//! model is reproducible from the shipped data).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::feature_list::FeatureList;
use crate::error::{Error, Result};

/// One labelled paragraph as the trainer sees it.
pub struct Example {
    pub features: Vec<(String, f64)>,
    pub themes: Vec<bool>,
    pub polarity: usize,
}

/// Training settings (recorded in the model file).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainSettings {
    pub seed: u64,
    pub epochs: usize,
    pub learning_rate: f64,
    /// L2 regularisation of the theme models.
    pub l2: f64,
    /// L2 regularisation of the polarity model (absent in models trained
    /// before it existed, which used `l2` for both).
    #[serde(default)]
    pub polarity_l2: Option<f64>,
    /// L2 regularisation of the polarity model's weights on the evaluative
    /// lexicon (cue, negated cue, cue after a contrast, sentence stance).
    /// Lighter than `polarity_l2`, so the model leans on the lexicon, which
    /// carries over to writers it has not read, more than on the words of
    /// its own writers (absent: `polarity_l2`).
    #[serde(default)]
    pub stance_l2: Option<f64>,
    /// Features seen in fewer training paragraphs are ignored.
    pub min_count: usize,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            seed: 20261126,
            epochs: 30,
            learning_rate: 0.1,
            // Themes rest on a few strong words and must survive long
            // consultancy paragraphs: light shrinkage. Polarity rests on
            // many weak ones that vary by writer: strong shrinkage
            // generalises best to a writer the model has not read
            // (leave-one-writer-out over the eight training files:
            // polarity macro-F1 0.853 at 1e-5, 0.873 at 0.04; themes
            // flat, but long paragraphs lose their themes at 0.04).
            l2: 1e-5,
            polarity_l2: Some(0.04),
            stance_l2: None,
            min_count: 2,
        }
    }
}

/// A text's features the model knows, with their weights (`LinearModel::weigh`).
pub(crate) struct Weighed<'m> {
    model: &'m LinearModel,
    /// (name, value, weights), in the order of the features.
    features: Vec<(&'m str, f64, &'m [f32])>,
}

impl Weighed<'_> {
    /// As `LinearModel::score`.
    pub(crate) fn scores(&self) -> Scores {
        self.model.logits(self.features.iter().copied())
    }

    /// The features that pushed output `output` most, with their contribution.
    pub(crate) fn top_contributions(&self, output: usize, n: usize) -> Vec<(String, f64)> {
        // Names are copied for the winners only: this runs for every
        // paragraph and assigned theme.
        let contributions = self
            .features
            .iter()
            .map(|&(name, v, w)| (name, w[output] as f64 * v))
            .filter(|&(name, c)| c > 0.0 && name != "bias");
        first_distinct(contributions, n)
            .into_iter()
            .map(|(name, v)| (name.to_string(), v))
            .collect()
    }
}

/// A trained model: weights per feature name, for each theme then each polarity.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LinearModel {
    pub format: String,
    /// Files it was trained on and the SHA-256 of their bytes, in order.
    pub trained_on: Vec<String>,
    pub data_hash: String,
    pub examples: usize,
    pub settings: TrainSettings,
    pub themes: Vec<String>,
    pub polarities: Vec<String>,
    /// Hash of the analysis, lexicon and cue files the features came from.
    pub features_hash: String,
    /// feature name -> weights (themes first, then polarities); written
    /// sorted, so the same training writes the same file.
    #[serde(serialize_with = "sorted")]
    pub weights: rustc_hash::FxHashMap<String, Vec<f32>>,
}

/// Raw scores of one paragraph: per theme a logit, per polarity a logit.
pub(crate) struct Scores {
    pub themes: Vec<f64>,
    pub polarities: Vec<f64>,
}

/// Lexicon evidence of themes says what a paragraph is about, not how it
/// judges it: the polarity model does not see it (it would learn that
/// reports on a theme tend to praise or deplore it).
fn is_theme_only(feature: &str) -> bool {
    feature.starts_with("lex:") || feature.starts_with("hlex")
}

/// Features read from the evaluative lexicon rather than from the words.
fn is_evaluative(feature: &str) -> bool {
    feature.starts_with("cue") || feature.starts_with(super::features::STANCE)
}

/// How a paragraph opens says how it judges, not what it is about: the
/// theme models do not see it (leave-one-writer-out: themes lose with it).
fn is_polarity_only(feature: &str) -> bool {
    feature.starts_with(super::features::OPENING) || feature.starts_with(super::features::STANCE)
}

fn sorted<S: serde::Serializer>(
    weights: &rustc_hash::FxHashMap<String, Vec<f32>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let ordered: BTreeMap<&String, &Vec<f32>> = weights.iter().collect();
    ordered.serialize(s)
}

/// The first `n` contributions, largest first (then by name), a feature
/// named several times counting once: the first `n` of the list sorted and
/// deduplicated, without sorting all of it (a paragraph has a hundred
/// contributions, and this runs for its polarity and each candidate theme).
fn first_distinct<'f>(
    contributions: impl Iterator<Item = (&'f str, f64)> + Clone,
    n: usize,
) -> Vec<(&'f str, f64)> {
    use std::cmp::Ordering;
    let order = |a: &(&str, f64), b: &(&str, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(b.0));
    // The `k` first in order, sorted and deduplicated, are the first of the
    // whole list sorted and deduplicated; a word repeated in the paragraph
    // takes several of them, so `k` grows until `n` distinct names are in.
    let mut k = 2 * n + 2;
    loop {
        // One pass keeps the `k` first, sorted, in a short list: each
        // contribution goes in at its place unless it comes after all `k`.
        let mut first: Vec<(&str, f64)> = Vec::with_capacity(k + 1);
        let mut total = 0;
        for c in contributions.clone() {
            total += 1;
            if first.len() == k && first.last().is_some_and(|l| order(&c, l) != Ordering::Less) {
                continue;
            }
            let at = first.partition_point(|f| order(f, &c) != Ordering::Greater);
            first.insert(at, c);
            first.truncate(k);
        }
        first.dedup_by(|a, b| a.0 == b.0);
        if first.len() >= n || k >= total {
            first.truncate(n);
            return first;
        }
        k *= 2;
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

pub(crate) fn softmax(z: &[f64]) -> Vec<f64> {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: Vec<f64> = z.iter().map(|v| (v - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.into_iter().map(|e| e / sum).collect()
}

/// A small deterministic generator (xorshift64*), enough to shuffle.
struct Shuffler(u64);

impl Shuffler {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

impl LinearModel {
    pub fn train(
        examples: &[Example],
        themes: Vec<String>,
        polarities: Vec<String>,
        settings: TrainSettings,
    ) -> LinearModel {
        let (n_themes, n_pol) = (themes.len(), polarities.len());
        let outputs = n_themes + n_pol;
        // Vocabulary: features seen in at least `min_count` paragraphs, in a
        // fixed (sorted) order so training is deterministic.
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for e in examples {
            let mut seen: Vec<&str> = e.features.iter().map(|(n, _)| n.as_str()).collect();
            seen.sort_unstable();
            seen.dedup();
            for name in seen {
                *counts.entry(name).or_default() += 1;
            }
        }
        let mut names: Vec<&str> = counts
            .iter()
            .filter(|(_, c)| **c >= settings.min_count)
            .map(|(n, _)| *n)
            .collect();
        names.sort_unstable();
        let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let data: Vec<Vec<(usize, f64)>> = examples
            .iter()
            .map(|e| {
                e.features
                    .iter()
                    .filter_map(|(n, v)| index.get(n.as_str()).map(|&i| (i, *v)))
                    .collect()
            })
            .collect();
        let theme_only: Vec<bool> = names.iter().map(|n| is_theme_only(n)).collect();
        let polarity_only: Vec<bool> = names.iter().map(|n| is_polarity_only(n)).collect();

        let polarity_l2 = settings.polarity_l2.unwrap_or(settings.l2);
        let stance_l2 = settings.stance_l2.unwrap_or(polarity_l2);
        let l2_of: Vec<f64> = names
            .iter()
            .map(|n| {
                if is_evaluative(n) {
                    stance_l2
                } else {
                    polarity_l2
                }
            })
            .collect();
        let mut w = vec![vec![0.0f64; names.len()]; outputs];
        let mut avg = vec![vec![0.0f64; names.len()]; outputs];
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut rng = Shuffler(settings.seed.max(1));
        for epoch in 0..settings.epochs {
            rng.shuffle(&mut order);
            let lr = settings.learning_rate / (1.0 + 0.1 * epoch as f64);
            for &k in &order {
                let x = &data[k];
                let e = &examples[k];
                for (t, wt) in w.iter_mut().enumerate().take(n_themes) {
                    let z: f64 = x
                        .iter()
                        .filter(|&&(i, _)| !polarity_only[i])
                        .map(|&(i, v)| wt[i] * v)
                        .sum();
                    let g = sigmoid(z) - if e.themes[t] { 1.0 } else { 0.0 };
                    for &(i, v) in x.iter().filter(|&&(i, _)| !polarity_only[i]) {
                        wt[i] -= lr * (g * v + settings.l2 * wt[i]);
                    }
                }
                let z: Vec<f64> = (0..n_pol)
                    .map(|p| {
                        x.iter()
                            .filter(|&&(i, _)| !theme_only[i])
                            .map(|&(i, v)| w[n_themes + p][i] * v)
                            .sum()
                    })
                    .collect();
                let probs = softmax(&z);
                for p in 0..n_pol {
                    let g = probs[p] - if e.polarity == p { 1.0 } else { 0.0 };
                    for &(i, v) in x.iter().filter(|&&(i, _)| !theme_only[i]) {
                        w[n_themes + p][i] -= lr * (g * v + l2_of[i] * w[n_themes + p][i]);
                    }
                }
            }
            // Averaging the weights of every epoch steadies the model.
            for (a, row) in avg.iter_mut().zip(&w) {
                for (ai, wi) in a.iter_mut().zip(row) {
                    *ai += wi;
                }
            }
        }
        let epochs = settings.epochs.max(1) as f64;
        let mut weights = rustc_hash::FxHashMap::default();
        for (i, name) in names.iter().enumerate() {
            let column: Vec<f32> = avg
                .iter()
                .map(|row| ((row[i] / epochs) * 1e4).round() as f32 / 1e4)
                .collect();
            if column.iter().any(|v| v.abs() >= 1e-4) {
                weights.insert(name.to_string(), column);
            }
        }
        LinearModel {
            format: "evalmine-linear-1".into(),
            trained_on: Vec::new(),
            data_hash: String::new(),
            examples: examples.len(),
            settings,
            themes,
            polarities,
            features_hash: String::new(),
            weights,
        }
    }

    /// Logits of a paragraph's features.
    pub(crate) fn score(&self, features: &FeatureList) -> Scores {
        self.logits(features.iter().filter_map(|(name, value)| {
            let w = self.weights.get(name)?;
            Some((name, value, w.as_slice()))
        }))
    }

    /// The features the model knows, with their weights: the scores of a
    /// paragraph and the explanations of its labels read the same weights,
    /// looked up once (this runs for every paragraph).
    pub(crate) fn weigh<'m>(&'m self, features: &'m FeatureList) -> Weighed<'m> {
        let mut weighed = Vec::with_capacity(features.len());
        weighed.extend(features.iter().filter_map(|(name, value)| {
            let w = self.weights.get(name)?;
            Some((name, value, w.as_slice()))
        }));
        Weighed {
            model: self,
            features: weighed,
        }
    }

    fn logits<'f>(&self, weighed: impl Iterator<Item = (&'f str, f64, &'f [f32])>) -> Scores {
        let n_themes = self.themes.len();
        let mut out = vec![0.0f64; n_themes + self.polarities.len()];
        for (name, value, w) in weighed {
            let outputs = if is_theme_only(name) {
                n_themes
            } else {
                w.len()
            };
            for (o, wi) in out.iter_mut().zip(w).take(outputs) {
                *o += *wi as f64 * value;
            }
        }
        let polarities = out.split_off(n_themes);
        Scores {
            themes: out,
            polarities,
        }
    }

    pub(crate) fn theme_probability(logit: f64) -> f64 {
        sigmoid(logit)
    }

    pub fn load(from: &crate::models::ModelFile) -> Result<LinearModel> {
        let path = from.path.as_path();
        let json = from.read()?;
        let parse = |json: &str| {
            serde_json::from_str::<LinearModel>(json).map_err(|e| Error::ModelData {
                path: path.to_path_buf(),
                message: e.to_string(),
            })
        };
        // The weights as `save` writes them are read apart, faster (see
        // weights_json.rs); any other form, by serde.
        let model = match super::weights_json::split_weights(&json) {
            Some((rest, weights)) => LinearModel {
                weights,
                ..parse(&rest)?
            },
            None => parse(&json)?,
        };
        let outputs = model.themes.len() + model.polarities.len();
        if let Some((name, _)) = model.weights.iter().find(|(_, w)| w.len() != outputs) {
            return Err(Error::ModelData {
                path: path.to_path_buf(),
                message: format!("feature `{name}` has the wrong number of weights"),
            });
        }
        Ok(model)
    }

    /// Writes the model (written to a temporary file, then renamed).
    pub fn save(&self, path: &Path) -> Result<()> {
        let fail = |message: String| Error::ModelData {
            path: path.to_path_buf(),
            message,
        };
        let text = serde_json::to_string(self).map_err(|e| fail(e.to_string()))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text + "\n")
            .and_then(|_| std::fs::rename(&tmp, path))
            .map_err(|e| fail(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `first_distinct` must return: the whole list sorted, deduplicated.
    fn sorted_then_deduplicated<'f>(c: &[(&'f str, f64)], n: usize) -> Vec<(&'f str, f64)> {
        let mut all = c.to_vec();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        all.dedup_by(|a, b| a.0 == b.0);
        all.truncate(n);
        all
    }

    #[test]
    fn first_distinct_is_the_head_of_the_sorted_list() {
        let names = ["w:a", "w:b", "w:c", "b:a_b", "end:tion", "lex:emploi"];
        let mut rng = Shuffler(7);
        for len in 0..60 {
            for n in [0, 1, 3, 5] {
                // Few names and few values: many repeats and ties, and now
                // and then one name with two values.
                let c: Vec<(&str, f64)> = (0..len)
                    .map(|_| {
                        let name = names[(rng.next() % names.len() as u64) as usize];
                        (name, (rng.next() % 4) as f64 * 0.25)
                    })
                    .collect();
                assert_eq!(
                    first_distinct(c.iter().copied(), n),
                    sorted_then_deduplicated(&c, n),
                    "{c:?} n={n}"
                );
            }
        }
    }
}
