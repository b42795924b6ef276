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
    pub pattern: CuePattern,
}

#[derive(Debug, Clone)]
pub(crate) struct EvaluatorCue {
    pub role: Role,
    pub pattern: CuePattern,
}

/// A cue's pattern, with the words every match of it ends with (or starts
/// with), when the pattern has a short list of them: a sentence holding
/// none of them is not searched. Searching for a few words is fast; some
/// patterns are slow to search however they end, such as a bounded run of
/// characters before a phrase ("(?P<who>[^,;:.]{3,80}?) a conduit ..."),
/// whose search follows every start the run could have.
#[derive(Debug, Clone)]
pub(crate) struct CuePattern {
    pub regex: Regex,
    /// Matches one of the words; none when the pattern has no such list.
    needs: Option<Regex>,
}

/// Above this many words, a list is no quicker to search than the pattern.
const MAX_NEEDED_WORDS: usize = 64;

impl CuePattern {
    fn new(pattern: &str) -> std::result::Result<CuePattern, regex::Error> {
        Ok(CuePattern {
            regex: Regex::new(pattern)?,
            needs: needed_words(pattern),
        })
    }

    /// False when `text` cannot hold a match (it lacks every needed word).
    pub fn may_match(&self, text: &str) -> bool {
        self.needs.as_ref().is_none_or(|words| words.is_match(text))
    }
}

/// A search for words one of which every match of `pattern` holds; none
/// when the pattern has no short list of them.
fn needed_words(pattern: &str) -> Option<Regex> {
    let hir = regex_syntax::parse(pattern).ok()?;
    let words = words_in_every_match(&hir)?;
    let alternatives: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    Regex::new(&alternatives.join("|")).ok()
}

/// Non-empty words one of which every match of `hir` holds, as short a
/// list of as long words as can be found: a part of a sequence that must
/// match, with the words its matches start with (regex-syntax works them
/// out); for alternatives, the lists of all of them together.
fn words_in_every_match(hir: &regex_syntax::hir::Hir) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    use regex_syntax::hir::HirKind;
    let shortest = |words: &Vec<String>| words.iter().map(String::len).min().unwrap_or(0);
    match hir.kind() {
        HirKind::Capture(group) => words_in_every_match(&group.sub),
        HirKind::Concat(parts) => parts
            .iter()
            .filter_map(words_in_every_match)
            .max_by_key(shortest),
        HirKind::Alternation(branches) => {
            let mut words = Vec::new();
            for branch in branches {
                words.extend(words_in_every_match(branch)?);
            }
            words.sort();
            words.dedup();
            (words.len() <= MAX_NEEDED_WORDS).then_some(words)
        }
        _ => {
            let mut extractor = Extractor::new();
            extractor.kind(ExtractKind::Prefix);
            let words = extractor
                .extract(hir)
                .literals()?
                .iter()
                .map(|l| String::from_utf8(l.as_bytes().to_vec()).ok())
                .collect::<Option<Vec<String>>>()?;
            let useful = !words.is_empty()
                && words.len() <= MAX_NEEDED_WORDS
                && words.iter().all(|w| !w.is_empty());
            useful.then_some(words)
        }
    }
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
        let cue = |pattern: &str| {
            CuePattern::new(pattern).map_err(|e| fail(cues, format!("pattern `{pattern}`: {e}")))
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
                        pattern: cue(&c.pattern)?,
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
                        pattern: cue(&c.pattern)?,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn words(pattern: &str) -> Option<Vec<String>> {
        words_in_every_match(&regex_syntax::parse(pattern).unwrap())
    }

    #[test]
    fn the_needed_words_are_those_every_match_holds() {
        // The longest words a match must hold: the phrase that ends "who
        // conducted it" rather than the run of characters before it.
        let who = r"(?:^|[,;:] )(?P<who>[^,;:.]{3,80}?) (?:a|ont) (?:\w+ ){0,2}?(?:conduit|mene) (?:l'evaluation|ce bilan)";
        assert_eq!(words(who).unwrap(), ["ce bilan", "l'evaluation"]);
        assert_eq!(
            words(r"\bcabinet |\bbureau d'etudes ").unwrap(),
            ["bureau d'etudes ", "cabinet "]
        );
        // Nothing a match must hold: no list, the pattern is always searched.
        for pattern in [r"\w+", r"cabinet|\w+", r"(?:par)? ?", r"[^,]{3,80}"] {
            assert_eq!(words(pattern), None, "{pattern}");
        }
    }

    /// On sentences that match the shipped cues and sentences that do not,
    /// a cue whose needed words are missing never matches: skipping its
    /// search changes nothing.
    #[test]
    fn a_cue_is_skipped_only_where_it_cannot_match() {
        let rules = crate::metadata::text::tests::rules();
        let sentences = [
            "le rapport a ete realise par le cabinet pollen etudes.",
            "realisation : alterna conseil",
            "l'evaluation a ete confiee au cabinet ostinato en 2021.",
            "la direction de la cohesion sociale a conduit l'evaluation avec l'appui du cabinet x",
            "evaluation conduite en interne, sans recours a un prestataire",
            "une demarche d'evaluation mixte, co-construite avec le cabinet",
            "les conseils citoyens se sont reunis six fois « en 2021 ».",
            "le bilan, redige par nos propres services, a ete presente.",
        ];
        let mut skipped = 0;
        let mut matched = 0;
        let patterns = rules
            .evaluator_cues
            .iter()
            .map(|c| &c.pattern)
            .chain(rules.modalite_cues.iter().map(|c| &c.pattern));
        for pattern in patterns {
            assert!(pattern.needs.is_some(), "{}", pattern.regex.as_str());
            for sentence in sentences {
                let matches = pattern.regex.is_match(sentence);
                matched += usize::from(matches);
                if !pattern.may_match(sentence) {
                    skipped += 1;
                    assert!(
                        !matches,
                        "{} skipped on {sentence:?}",
                        pattern.regex.as_str()
                    );
                }
            }
        }
        assert!(
            skipped > 20 && matched > 5,
            "skipped {skipped}, matched {matched}"
        );
    }
}
