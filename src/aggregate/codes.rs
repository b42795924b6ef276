//! The `codes` table: how many reports and findings each recurring finding
//! of models/codes.toml has, with an example quote.

use polars::prelude::*;

use crate::classify::{Codebook, Codes};
use crate::record::Document;

/// Reports and findings per code, most frequent first, with the finding
/// matching most of the code's cues as an example (quote, report, page).
pub(super) fn code_counts(
    readable: &[&Document],
    codebook: &Codebook,
    codes: &Codes,
) -> PolarsResult<DataFrame> {
    let (mut doc_id, mut code, mut quote, mut page, mut score) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for d in readable {
        for p in &d.paragraphs {
            let Some(labels) = &p.labels else { continue };
            for f in &labels.findings {
                if let Some((c, hits)) = &f.code {
                    doc_id.push(d.doc_id.as_str());
                    code.push(c.as_str());
                    quote.push(f.quote.as_str());
                    page.push(p.page);
                    score.push(*hits);
                }
            }
        }
    }
    let found = df!("doc_id" => doc_id, "code" => code, "quote" => quote, "page" => page, "score" => score)?;
    let (mut id, mut theme, mut polarity, mut label) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for c in &codes.codes {
        id.push(c.id.as_str());
        theme.push(codebook.themes[c.theme].id.as_str());
        polarity.push(codebook.polarities[c.polarity].as_str());
        label.push(c.label.as_str());
    }
    let defs = df!("code" => id, "theme" => theme, "polarity" => polarity, "label" => label)?;
    // The example is the finding that matches most of the code's cues.
    found
        .lazy()
        .sort(
            ["score"],
            SortMultipleOptions::default()
                .with_order_descending(true)
                .with_maintain_order(true),
        )
        .group_by_stable([col("code")])
        .agg([
            col("doc_id")
                .n_unique()
                .cast(DataType::UInt32)
                .alias("n_documents"),
            len().cast(DataType::UInt32).alias("n_findings"),
            col("quote").first().alias("example_quote"),
            col("doc_id").first().alias("example_doc_id"),
            col("page").first().alias("example_page"),
        ])
        .join(
            defs.lazy(),
            [col("code")],
            [col("code")],
            JoinArgs::new(JoinType::Left),
        )
        .sort_by_exprs(
            [col("n_documents"), col("n_findings"), col("code")],
            SortMultipleOptions::default().with_order_descending_multi([true, true, false]),
        )
        .select([
            col("theme"),
            col("polarity"),
            col("code"),
            col("label"),
            col("n_documents"),
            col("n_findings"),
            col("example_quote"),
            col("example_doc_id"),
            col("example_page"),
        ])
        .collect()
}
