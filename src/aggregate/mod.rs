//! Aggregation stage: labelled paragraphs -> per-report coverage of each
//! theme (counts and a level) and synthesis counts over reports.
//!
//! Documents are counted one at a time into a `Tally` (per report and
//! theme, per code and action type) and dropped; the tables are made from
//! the tally at the end. The thresholds are polars expressions, in this
//! module only, so they stay visible.

mod actions;
mod by_group;
mod codes;
mod coverage;
mod tally;

pub use tally::Tally;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::classify::{ActionTypes, Codebook, Codes};
use crate::error::{Error, Result};
use crate::record::Document;

/// Thresholds that turn a report's paragraph counts into a coverage level
/// (pipeline.toml `[coverage]`; defaults from the codebook).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CoverageConfig {
    /// `traitee` from this many paragraphs carrying the theme (or a section
    /// heading on it, or any success or difficulty about it).
    pub traitee_min_paragraphs: u32,
    /// `approfondie` from this many paragraphs ...
    pub approfondie_min_paragraphs: u32,
    /// ... with at least this many successes ...
    pub approfondie_min_successes: u32,
    /// ... and this many difficulties.
    pub approfondie_min_difficulties: u32,
    /// A readable document with fewer terms of the field (models/domain.toml)
    /// is flagged `on_topic = false` and named in the summary.
    pub on_topic_min_terms: u32,
    /// A report concludes on a theme (`coverage.verdict`) when it reports at
    /// least this many successes and difficulties on it together; with
    /// fewer, `non_conclusif`.
    pub verdict_min_findings: u32,
    /// `positif` when successes are at least this share of them ...
    pub verdict_positive_share: f64,
    /// ... `negatif` when at most this share; `mitige` in between.
    pub verdict_negative_share: f64,
}

/// Default of `on_topic_min_terms`.
pub(crate) const ON_TOPIC_MIN_TERMS: u32 = 5;

impl CoverageConfig {
    /// The levels must nest: `approfondie` needs at least what `traitee` needs.
    pub(crate) fn validate(&self) -> Result<(), crate::error::BadValue> {
        use crate::error::BadValue;
        let cov = self;
        if cov.traitee_min_paragraphs == 0
            || cov.approfondie_min_paragraphs < cov.traitee_min_paragraphs
        {
            return Err(BadValue::new(
                "coverage.approfondie_min_paragraphs",
                "needs coverage.traitee_min_paragraphs >= 1 and approfondie_min_paragraphs >= traitee_min_paragraphs".to_string(),
            ));
        }
        let (neg, pos) = (cov.verdict_negative_share, cov.verdict_positive_share);
        if !(0.0..=1.0).contains(&pos) || !(0.0..=1.0).contains(&neg) || neg >= pos {
            return Err(BadValue::new(
                "coverage.verdict_positive_share",
                format!(
                    "needs 0 <= coverage.verdict_negative_share ({neg}) < verdict_positive_share ({pos}) <= 1"
                ),
            ));
        }
        if cov.verdict_min_findings == 0 {
            return Err(BadValue::new(
                "coverage.verdict_min_findings",
                "must be at least 1".to_string(),
            ));
        }
        Ok(())
    }
}

impl Default for CoverageConfig {
    fn default() -> Self {
        CoverageConfig {
            traitee_min_paragraphs: 4,
            approfondie_min_paragraphs: 8,
            approfondie_min_successes: 2,
            approfondie_min_difficulties: 2,
            on_topic_min_terms: ON_TOPIC_MIN_TERMS,
            verdict_min_findings: 2,
            verdict_positive_share: 0.67,
            verdict_negative_share: 0.33,
        }
    }
}

/// Group the synthesis by this metadata column (`run --by`).
#[derive(Clone, Copy)]
pub struct GroupBy<'a> {
    pub column: &'a str,
    /// A report's value in that column (from the CSV or read from the text).
    pub value: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

/// The tables of the synthesis.
pub struct Synthesis {
    /// One row per (readable report, codebook theme).
    pub coverage: DataFrame,
    /// One row per (theme, level): how many reports.
    pub synthesis: DataFrame,
    /// One row per code found: how many reports, how many findings, an example.
    pub codes: DataFrame,
    /// One row per action type of models/actions.toml: how many reports
    /// describe it, with an example.
    pub actions: DataFrame,
    /// One row per (theme, verdict): how many reports conclude so.
    pub verdicts: DataFrame,
    /// With `--by`: the column and the synthesis per value of it.
    pub by: Option<(String, DataFrame)>,
    /// Reports that could be read (status `ok`).
    pub n_reports: u32,
}

/// Builds coverage, synthesis, codes and action types (and the synthesis
/// per group) from the labelled documents, given in the order of the
/// tables (doc_id order in a run: it decides the examples on a tie).
pub fn synthesise(
    docs: &[Document],
    codebook: &Codebook,
    codes: &Codes,
    actions: &ActionTypes,
    config: &CoverageConfig,
    by: Option<GroupBy>,
) -> Result<Synthesis> {
    let mut tally = Tally::new(codebook);
    docs.iter().for_each(|d| tally.add(d));
    tally.synthesise(codebook, codes, actions, config, by)
}

impl Tally {
    /// Coverage, synthesis, codes and action types (and the synthesis per
    /// group) from the documents counted so far.
    pub fn synthesise(
        &self,
        codebook: &Codebook,
        codes: &Codes,
        actions: &ActionTypes,
        config: &CoverageConfig,
        by: Option<GroupBy>,
    ) -> Result<Synthesis> {
        let fail = |source| Error::Aggregate { source };
        let mut synthesis =
            coverage::coverage_and_synthesis(self, codebook, codes, actions, config)
                .map_err(fail)?;
        if let Some(GroupBy { column, value }) = by {
            let frame = by_group::synthesis_by(&synthesis.coverage, codebook, column, value)
                .map_err(fail)?;
            synthesis.by = Some((column.to_string(), frame));
        }
        Ok(synthesis)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::classify::{ActionTypes, Codes};
    use crate::record::{
        DocStatus, Labels, Level, Paragraph, ParagraphKind, Polarity, ReadSummary, ThemeId,
    };
    use std::path::Path;

    pub(crate) fn codebook() -> Codebook {
        Codebook::load(&crate::models::ModelFile::at(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("models/codebook.toml"),
        ))
        .unwrap()
    }

    pub(crate) fn para(theme: &str, polarity: &str, section: bool) -> Paragraph {
        let themes: Vec<ThemeId> = codebook()
            .theme_index(theme)
            .map(ThemeId::from)
            .into_iter()
            .collect();
        Paragraph {
            page: 1,
            heading: None,
            section: None,
            kind: ParagraphKind::Body,
            text: "texte".into(),
            labels: Some(Labels {
                heading_themes: if section { themes.clone() } else { vec![] },
                themes,
                theme_scores: vec![],
                polarity: Polarity::from_id(polarity).unwrap(),
                polarity_score: 0.9,
                findings: vec![],
                domain_terms: Some(1),
                evidence: String::new(),
            }),
        }
    }

    pub(crate) fn doc(id: &str, paragraphs: Vec<Paragraph>) -> Document {
        let mut read = ReadSummary::failed(DocStatus::Ok, "", None);
        read.pages = 1;
        Document {
            doc_id: id.into(),
            path: id.into(),
            content_hash: String::new(),
            bytes: 0,
            read,
            headings: Vec::new(),
            paragraphs,
        }
    }

    fn levels(s: &Synthesis) -> Vec<(String, String, String)> {
        let c = &s.coverage;
        let (d, t, l) = (
            c.column("doc_id").unwrap().str().unwrap(),
            c.column("theme").unwrap().str().unwrap(),
            c.column("level").unwrap().str().unwrap(),
        );
        (0..c.height())
            .map(|i| {
                (
                    d.get(i).unwrap().into(),
                    t.get(i).unwrap().into(),
                    l.get(i).unwrap().into(),
                )
            })
            .collect()
    }

    #[test]
    fn levels_follow_the_thresholds() {
        let mut ps = vec![para("", "neutre", false)];
        ps.extend((0..2).map(|_| para("egalite_fh", "neutre", false)));
        ps.extend((0..4).map(|_| para("discriminations", "neutre", false)));
        ps.push(para("conseils_citoyens", "neutre", true));
        ps.extend((0..4).map(|_| para("emploi", "neutre", false)));
        ps.extend((0..2).map(|_| para("emploi", "reussite", false)));
        ps.extend((0..2).map(|_| para("emploi", "difficulte", false)));
        let docs = vec![doc("r1", ps)];
        let s = synthesise(
            &docs,
            &codebook(),
            &Codes::default(),
            &ActionTypes::default(),
            &CoverageConfig::default(),
            None,
        )
        .unwrap();
        let got: Vec<String> = levels(&s)
            .into_iter()
            .map(|(_, t, l)| format!("{t}={l}"))
            .collect();
        assert_eq!(
            got,
            [
                "egalite_fh=evoquee",
                "discriminations=traitee",
                "conseils_citoyens=traitee",
                "droit_commun=non_evoquee",
                "emploi=approfondie"
            ]
        );
        // Stricter thresholds move emploi down.
        let strict = CoverageConfig {
            approfondie_min_paragraphs: 10,
            ..CoverageConfig::default()
        };
        let s = synthesise(
            &docs,
            &codebook(),
            &Codes::default(),
            &ActionTypes::default(),
            &strict,
            None,
        )
        .unwrap();
        assert!(levels(&s)
            .iter()
            .any(|(_, t, l)| t == "emploi" && l == "traitee"));
    }

    #[test]
    fn verdicts_follow_the_balance_of_successes_and_difficulties() {
        let mut ps = Vec::new();
        ps.extend((0..3).map(|_| para("emploi", "reussite", false)));
        ps.push(para("emploi", "difficulte", false));
        ps.push(para("conseils_citoyens", "reussite", false));
        ps.push(para("conseils_citoyens", "difficulte", false));
        ps.extend((0..2).map(|_| para("discriminations", "difficulte", false)));
        ps.push(para("egalite_fh", "reussite", false));
        ps.push(para("egalite_fh", "preconisation", false));
        let s = synthesise(
            &[doc("r1", ps)],
            &codebook(),
            &Codes::default(),
            &ActionTypes::default(),
            &CoverageConfig::default(),
            None,
        )
        .unwrap();
        let c = &s.coverage;
        let (t, v) = (
            c.column("theme").unwrap().str().unwrap(),
            c.column("verdict").unwrap().str().unwrap(),
        );
        let got: Vec<String> = (0..c.height())
            .map(|i| format!("{}={}", t.get(i).unwrap(), v.get(i).unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                "egalite_fh=non_conclusif",
                "discriminations=negatif",
                "conseils_citoyens=mitige",
                "droit_commun=non_conclusif",
                "emploi=positif"
            ]
        );
        assert_eq!(s.verdicts.height(), 5 * 4, "every (theme, verdict) pair");
        let bad = CoverageConfig {
            verdict_negative_share: 0.8,
            ..CoverageConfig::default()
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .key
            .contains("verdict_positive_share"));
    }

    /// Two readable reports mentioning employment, and an unreadable scan.
    pub(crate) fn two_reports_and_a_scan() -> Synthesis {
        let mut unreadable = doc("scan", vec![]);
        unreadable.read.status = DocStatus::NoText;
        let docs = vec![
            doc("a", vec![para("emploi", "neutre", false)]),
            doc("b", vec![para("emploi", "difficulte", true)]),
            unreadable,
        ];
        synthesise(
            &docs,
            &codebook(),
            &Codes::default(),
            &ActionTypes::default(),
            &CoverageConfig::default(),
            None,
        )
        .unwrap()
    }

    #[test]
    fn synthesis_counts_reports_per_level_and_unreadable_ones_are_left_out() {
        let s = two_reports_and_a_scan();
        assert_eq!(s.n_reports, 2);
        assert_eq!(s.synthesis.height(), 5 * Level::ALL.len());
    }
}
