//! The data the metadata reader uses, loaded once: the départements
//! (models/departements.tsv) and the cues (models/report_meta.toml), both
//! files analysts extend.

use regex::{Regex, RegexSet};
use serde::Deserialize;

use super::fold::fold;
use crate::error::{Error, Result};
use crate::models::ModelFile;

/// A French département: code ("93", "2A", "974"), name, region.
#[derive(Debug, Clone)]
pub(crate) struct Departement {
    pub code: String,
    pub name: String,
    /// The name folded ("seine-saint-denis"), to match in folded text.
    pub folded: String,
    /// A common word or part of other names: needs a sign that a
    /// département is meant.
    pub ambiguous: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Modalite {
    Interne,
    Externe,
    Mixte,
}

impl Modalite {
    pub fn as_str(self) -> &'static str {
        match self {
            Modalite::Interne => "interne",
            Modalite::Externe => "externe",
            Modalite::Mixte => "mixte",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Role {
    Author,
    Support,
    Mention,
}

#[derive(Debug, Clone)]
pub(crate) struct ModaliteCue {
    pub modalite: Modalite,
    pub weight: f64,
    pub pattern: Regex,
}

#[derive(Debug, Clone)]
pub(crate) struct EvaluatorCue {
    pub role: Role,
    pub pattern: Regex,
}

/// A grouping known by a name that does not say its kind ("Plaine Commune").
#[derive(Debug, Clone)]
pub(crate) struct KnownPlace {
    pub name: String,
    pub folded: String,
    pub kind: String,
    pub departement: Option<String>,
}

/// Everything the reader needs, built once per run.
#[derive(Debug, Clone)]
pub struct Rules {
    pub(crate) departements: Vec<Departement>,
    /// The departements' folded names, in the same order: which of them a
    /// text holds, in one pass instead of a search per name.
    pub(crate) departement_names: RegexSet,
    pub(crate) modalite_cues: Vec<ModaliteCue>,
    pub(crate) decide_at: f64,
    pub(crate) negation: Regex,
    pub(crate) hypothetical: Regex,
    pub(crate) evaluator_cues: Vec<EvaluatorCue>,
    pub(crate) firm_words: Vec<String>,
    pub(crate) service_heads: Vec<String>,
    pub(crate) internal_bodies: Vec<String>,
    pub(crate) stop_words: Vec<String>,
    pub(crate) known: Vec<KnownPlace>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    modalite: ModaliteSection,
    evaluator: EvaluatorSection,
    territory: TerritorySection,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModaliteSection {
    decide_at: f64,
    negation: String,
    hypothetical: String,
    cues: Vec<ModaliteCueFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModaliteCueFile {
    modalite: Modalite,
    weight: f64,
    pattern: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvaluatorSection {
    cues: Vec<EvaluatorCueFile>,
    firm_words: Vec<String>,
    service_heads: Vec<String>,
    internal_bodies: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvaluatorCueFile {
    role: Role,
    pattern: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TerritorySection {
    stop_words: Vec<String>,
    known: Vec<KnownFile>,
    ambiguous_departements: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KnownFile {
    name: String,
    kind: String,
    departement: Option<String>,
}

impl Rules {
    /// Reads both files; a bad pattern or row is an error naming the file.
    pub fn load(cues: &ModelFile, departements: &ModelFile) -> Result<Rules> {
        let fail = |path: &ModelFile, message: String| Error::ModelData {
            path: path.path.clone(),
            message,
        };
        let file: RulesFile =
            toml::from_str(&cues.read()?).map_err(|e| fail(cues, e.to_string()))?;
        let regex = |pattern: &str| {
            Regex::new(pattern).map_err(|e| fail(cues, format!("pattern `{pattern}`: {e}")))
        };
        let ambiguous: Vec<String> = file
            .territory
            .ambiguous_departements
            .iter()
            .map(|n| fold(n))
            .collect();
        let mut list = Vec::new();
        for (line, row) in departements.read()?.lines().enumerate() {
            let row = row.trim_end_matches('\r');
            if row.trim().is_empty() || row.starts_with('#') {
                continue;
            }
            let cells: Vec<&str> = row.split('\t').collect();
            let [code, name, _region] = cells[..] else {
                return Err(fail(
                    departements,
                    format!(
                        "line {}: expected code, name and region separated by tabs",
                        line + 1
                    ),
                ));
            };
            let folded = fold(name);
            list.push(Departement {
                code: code.trim().to_string(),
                name: name.trim().to_string(),
                ambiguous: ambiguous.contains(&folded),
                folded,
            });
        }
        let departement_names = RegexSet::new(list.iter().map(|d| regex::escape(&d.folded)))
            .map_err(|e| fail(departements, e.to_string()))?;
        Ok(Rules {
            departements: list,
            departement_names,
            modalite_cues: file
                .modalite
                .cues
                .iter()
                .map(|c| {
                    Ok(ModaliteCue {
                        modalite: c.modalite,
                        weight: c.weight,
                        pattern: regex(&c.pattern)?,
                    })
                })
                .collect::<Result<_>>()?,
            decide_at: file.modalite.decide_at,
            negation: regex(&file.modalite.negation)?,
            hypothetical: regex(&file.modalite.hypothetical)?,
            evaluator_cues: file
                .evaluator
                .cues
                .iter()
                .map(|c| {
                    Ok(EvaluatorCue {
                        role: c.role,
                        pattern: regex(&c.pattern)?,
                    })
                })
                .collect::<Result<_>>()?,
            firm_words: file.evaluator.firm_words.iter().map(|w| fold(w)).collect(),
            service_heads: file
                .evaluator
                .service_heads
                .iter()
                .map(|w| fold(w))
                .collect(),
            internal_bodies: file
                .evaluator
                .internal_bodies
                .iter()
                .map(|w| fold(w))
                .collect(),
            stop_words: file.territory.stop_words.iter().map(|w| fold(w)).collect(),
            known: file
                .territory
                .known
                .into_iter()
                .map(|k| KnownPlace {
                    folded: fold(&k.name),
                    name: k.name,
                    kind: k.kind,
                    departement: k.departement,
                })
                .collect(),
        })
    }

    /// The département with this code ("93", "2a" and "2A" alike).
    pub(crate) fn departement(&self, code: &str) -> Option<&Departement> {
        self.departements
            .iter()
            .find(|d| d.code.eq_ignore_ascii_case(code))
    }
}
