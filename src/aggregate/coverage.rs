//! Coverage levels per (report, theme) and the synthesis counts per (theme,
//! level), as polars expressions over a long table of (paragraph, theme).

use polars::prelude::*;

use super::{CoverageConfig, Synthesis};
use crate::classify::{ActionTypes, Codebook, Codes};
use crate::record::{DocStatus, Document, Level, Polarity, Verdict};

/// Coverage (one row per readable report and theme) and synthesis (reports
/// per theme and level) from the labelled documents, and the codes and
/// action types tables.
pub(super) fn coverage_and_synthesis(
    docs: &[Document],
    codebook: &Codebook,
    codes: &Codes,
    actions: &ActionTypes,
    config: &CoverageConfig,
) -> PolarsResult<Synthesis> {
    let readable: Vec<&Document> = docs
        .iter()
        .filter(|d| d.read.status == DocStatus::Ok)
        .collect();
    let n_reports = readable.len() as u32;

    // Long table: one row per (paragraph, theme) it carries.
    let (mut doc_id, mut theme, mut polarity, mut on_section) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Paragraphs that were classified, per report (the denominator of `share`).
    let (mut total_doc, mut total_n) = (Vec::new(), Vec::new());
    // Every (report, theme), so themes a report ignores get their row too.
    let (mut grid_doc, mut grid_theme, mut grid_order) = (Vec::new(), Vec::new(), Vec::new());
    for d in &readable {
        let mut classified = 0u32;
        for p in &d.paragraphs {
            let Some(labels) = &p.labels else { continue };
            classified += 1;
            for t in &labels.themes {
                doc_id.push(d.doc_id.as_str());
                theme.push(codebook.theme_id(*t));
                polarity.push(labels.polarity.id());
                on_section.push(labels.heading_themes.contains(t) as u32);
            }
        }
        total_doc.push(d.doc_id.as_str());
        total_n.push(classified);
        for (i, t) in codebook.themes.iter().enumerate() {
            grid_doc.push(d.doc_id.as_str());
            grid_theme.push(t.id.as_str());
            grid_order.push(i as u32);
        }
    }
    let long = df!("doc_id" => doc_id, "theme" => theme, "polarity" => polarity, "on_section" => on_section)?;
    let totals = df!("doc_id" => total_doc, "n_classified" => total_n)?;
    let grid = df!("doc_id" => grid_doc, "theme" => grid_theme, "theme_order" => grid_order)?;

    let count_of = |p: &str| {
        col("polarity")
            .eq(lit(p))
            .cast(DataType::UInt32)
            .sum()
            .alias(format!("n_{p}"))
    };
    let counts = long.lazy().group_by([col("doc_id"), col("theme")]).agg([
        len().cast(DataType::UInt32).alias("n_paragraphs"),
        count_of(Polarity::Reussite.id()),
        count_of(Polarity::Difficulte.id()),
        count_of(Polarity::Preconisation.id()),
        col("on_section").sum().gt(lit(0u32)).alias("has_section"),
    ]);
    let keys = [col("doc_id"), col("theme")];
    let zero = |name: &str| col(name).fill_null(lit(0u32)).alias(name);
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
        .join(counts, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .join(
            totals.lazy(),
            [col("doc_id")],
            [col("doc_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            zero("n_paragraphs"),
            zero("n_reussite"),
            zero("n_difficulte"),
            zero("n_preconisation"),
            col("has_section")
                .fill_null(lit(false))
                .alias("has_section"),
        ])
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
    let codes = super::codes::code_counts(&readable, codebook, codes)?;
    let actions = super::actions::action_counts(&readable, codebook, actions)?;
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
