//! Coverage levels per (report, theme) and the synthesis counts per (theme,
//! level), as polars expressions over the counts the tally kept per
//! (report, theme).

use polars::prelude::*;

use super::tally::Tally;
use super::{CoverageConfig, Synthesis};
use crate::classify::{ActionTypes, Codebook, Codes};
use crate::record::{Level, Polarity, Verdict};

/// Coverage (one row per readable report and theme) and synthesis (reports
/// per theme and level) from the tally of the documents, and the codes and
/// action types tables.
pub(super) fn coverage_and_synthesis(
    tally: &Tally,
    codebook: &Codebook,
    codes: &Codes,
    actions: &ActionTypes,
    config: &CoverageConfig,
) -> PolarsResult<Synthesis> {
    let n_reports = tally.n_reports();
    // Every (report, theme), themes a report ignores included, with its counts.
    let n = tally.counts.len();
    let mut doc_id = Vec::with_capacity(n);
    let (mut theme, mut theme_order) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut n_paragraphs, mut has_section) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut n_classified = Vec::with_capacity(n);
    let mut by_polarity: [Vec<u32>; 3] = Default::default();
    for (d, classified, counts) in tally.reports() {
        for ((i, t), c) in codebook.themes.iter().enumerate().zip(counts) {
            doc_id.push(d);
            theme.push(t.id.as_str());
            theme_order.push(i as u32);
            n_paragraphs.push(c.n_paragraphs);
            by_polarity[0].push(c.n_reussite);
            by_polarity[1].push(c.n_difficulte);
            by_polarity[2].push(c.n_preconisation);
            has_section.push(c.has_section);
            n_classified.push(classified);
        }
    }
    let [n_reussite, n_difficulte, n_preconisation] = by_polarity;
    let grid = DataFrame::new(
        doc_id.len(),
        vec![
            Column::new("doc_id".into(), doc_id),
            Column::new("theme".into(), theme),
            Column::new("theme_order".into(), theme_order),
            Column::new("n_paragraphs".into(), n_paragraphs),
            Column::new(format!("n_{}", Polarity::Reussite.id()).into(), n_reussite),
            Column::new(
                format!("n_{}", Polarity::Difficulte.id()).into(),
                n_difficulte,
            ),
            Column::new(
                format!("n_{}", Polarity::Preconisation.id()).into(),
                n_preconisation,
            ),
            Column::new("has_section".into(), has_section),
            Column::new("n_classified".into(), n_classified),
        ],
    )?;

    let c = config;
    let level = when(col("n_paragraphs").eq(lit(0u32)))
        .then(lit(Level::NonEvoquee.id()))
        .when(
            col("n_paragraphs")
                .gt_eq(lit(c.approfondie_min_paragraphs))
                .and(col("n_reussite").gt_eq(lit(c.approfondie_min_successes)))
                .and(col("n_difficulte").gt_eq(lit(c.approfondie_min_difficulties))),
        )
        .then(lit(Level::Approfondie.id()))
        .when(
            col("n_paragraphs")
                .gt_eq(lit(c.traitee_min_paragraphs))
                .or(col("has_section"))
                .or((col("n_reussite") + col("n_difficulte")).gt(lit(0u32))),
        )
        .then(lit(Level::Traitee.id()))
        .otherwise(lit(Level::Evoquee.id()))
        .alias("level");
    // The balance of what the report found on the theme.
    let judged = (col("n_reussite") + col("n_difficulte")).cast(DataType::Float64);
    let success_share = col("n_reussite").cast(DataType::Float64) / judged.clone();
    let verdict = when(judged.lt(lit(c.verdict_min_findings as f64)))
        .then(lit(Verdict::NonConclusif.id()))
        .when(success_share.clone().gt_eq(lit(c.verdict_positive_share)))
        .then(lit(Verdict::Positif.id()))
        .when(success_share.lt_eq(lit(c.verdict_negative_share)))
        .then(lit(Verdict::Negatif.id()))
        .otherwise(lit(Verdict::Mitige.id()))
        .alias("verdict");
    let coverage = grid
        .lazy()
        .with_columns([
            when(col("n_classified").gt(lit(0u32)))
                .then(
                    col("n_paragraphs").cast(DataType::Float64)
                        / col("n_classified").cast(DataType::Float64),
                )
                .otherwise(lit(0.0))
                .alias("share"),
            level,
            verdict,
        ])
        .sort(["doc_id", "theme_order"], SortMultipleOptions::default())
        .select([
            col("doc_id"),
            col("theme"),
            col("n_paragraphs"),
            col("share"),
            col("n_reussite"),
            col("n_difficulte"),
            col("n_preconisation"),
            col("has_section"),
            col("level"),
            col("verdict"),
        ])
        .collect()?;

    // Synthesis: reports per (theme, level); verdicts: per (theme, verdict).
    let levels: Vec<&str> = Level::ALL.iter().map(|l| l.id()).collect();
    let synthesis = reports_per(&coverage, codebook, "level", &levels, n_reports)?;
    let codes = super::codes::code_counts(&tally.codes, codebook, codes)?;
    let actions = super::actions::action_counts(&tally.actions, n_reports, codebook, actions)?;
    let verdicts: Vec<&str> = Verdict::ALL.iter().map(|v| v.id()).collect();
    let verdicts = reports_per(&coverage, codebook, "verdict", &verdicts, n_reports)?;
    Ok(Synthesis {
        coverage,
        synthesis,
        codes,
        actions,
        verdicts,
        by: None,
        n_reports,
    })
}

/// Reports per (theme, value of `column`) of the coverage table, every pair
/// present, themes in codebook order and values in the order given:
/// theme, `column`, n_documents, n_total.
fn reports_per(
    coverage: &DataFrame,
    codebook: &Codebook,
    column: &str,
    values: &[&str],
    n_reports: u32,
) -> PolarsResult<DataFrame> {
    let (mut theme, mut value, mut order) = (Vec::new(), Vec::new(), Vec::new());
    for (i, t) in codebook.themes.iter().enumerate() {
        for (j, v) in values.iter().enumerate() {
            theme.push(t.id.as_str());
            value.push(*v);
            order.push((i * values.len() + j) as u32);
        }
    }
    let pairs = df!("theme" => theme, column => value, "order" => order)?;
    let keys = [col("theme"), col(column)];
    let counted = coverage
        .clone()
        .lazy()
        .group_by(keys.clone())
        .agg([len().cast(DataType::UInt32).alias("n_documents")]);
    pairs
        .lazy()
        .join(counted, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .with_columns([
            col("n_documents").fill_null(lit(0u32)).alias("n_documents"),
            lit(n_reports).cast(DataType::UInt32).alias("n_total"),
        ])
        .sort(["order"], SortMultipleOptions::default())
        .select([
            col("theme"),
            col(column),
            col("n_documents"),
            col("n_total"),
        ])
        .collect()
}
