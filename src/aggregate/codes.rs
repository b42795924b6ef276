//! The `codes` table: how many reports and findings each recurring finding
//! of models/codes.toml has, with an example quote.

use polars::prelude::*;

use super::tally::FoundById;
use crate::classify::{Codebook, Codes};

/// Reports and findings per code, most frequent first, with the finding
/// matching most of the code's cues as an example (quote, report, page;
/// the first in doc_id and reading order on a tie).
pub(super) fn code_counts(
    found: &FoundById,
    codebook: &Codebook,
    codes: &Codes,
) -> PolarsResult<DataFrame> {
    let (mut code, mut n_documents, mut n_findings) = (Vec::new(), Vec::new(), Vec::new());
    let (mut quote, mut doc_id, mut page) = (Vec::new(), Vec::new(), Vec::new());
    for (id, f) in found.iter() {
        code.push(id);
        n_documents.push(f.n_documents);
        n_findings.push(f.n_findings);
        quote.push(f.example.quote.as_str());
        doc_id.push(f.example.doc_id.as_str());
        page.push(f.example.page);
    }
    let counted = df!(
        "code" => code,
        "n_documents" => n_documents,
        "n_findings" => n_findings,
        "example_quote" => quote,
        "example_doc_id" => doc_id,
        "example_page" => page,
    )?;
    let (mut id, mut theme, mut polarity, mut label) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for c in &codes.codes {
        id.push(c.id.as_str());
        theme.push(codebook.themes[c.theme].id.as_str());
        polarity.push(codebook.polarities[c.polarity].as_str());
        label.push(c.label.as_str());
    }
    let defs = df!("code" => id, "theme" => theme, "polarity" => polarity, "label" => label)?;
    counted
        .lazy()
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
