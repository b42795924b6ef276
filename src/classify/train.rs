//! Training the linear model on labelled files, and evaluating a
//! classifier against gold labels.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::analyse::FeatureExtractor;
use super::linear::{Example, LinearModel, TrainSettings};
use super::models::ModelFiles;
use super::{labels, metrics, Classifier};
use crate::error::{Error, Result};
use crate::hash::hex;
use crate::record::Labels;

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
        let rows = labels::read(path, codebook, true)?;
        let headings = extractor.analyse_headings(rows.iter().filter_map(|r| r.context.as_deref()));
        for row in &rows {
            let (themes, polarity) = row.gold.clone().expect("labels are required");
            let heading = row.context.as_deref().and_then(|h| headings.get(h));
            let features = extractor
                .analyse(&row.text, heading)
                .features
                .to_owned_pairs();
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
    model.data_hash = hex(hasher.finalize());
    model.features_hash = files.features_hash()?;
    Ok(model)
}

/// Classifies the rows of a CSV (`label`, `evaluate`) exactly as `run`
/// would, each distinct heading analysed once.
pub fn classify_rows(classifier: &Classifier, rows: &[labels::Row]) -> Vec<Labels> {
    use rayon::prelude::*;
    let headings = classifier.analyse_headings(
        rows.iter()
            .flat_map(|r| [r.context.as_deref(), r.section.as_deref()])
            .flatten(),
    );
    rows.par_iter()
        .map(|row| classifier.classify(&row.text, row.headings(), &headings))
        .collect()
}

/// Classifies labelled rows and compares with their gold labels.
pub fn evaluate_rows(classifier: &Classifier, rows: &[labels::Row]) -> metrics::Report {
    let predicted: Vec<(Vec<bool>, usize)> = classify_rows(classifier, rows)
        .into_iter()
        .map(|labels| {
            let mut flags = vec![false; classifier.codebook().themes.len()];
            for t in labels.themes {
                flags[t.index()] = true;
            }
            (flags, labels.polarity.index())
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
