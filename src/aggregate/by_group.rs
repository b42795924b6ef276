//! The synthesis per value of a metadata column (`run --by modalite`).

use polars::prelude::*;

use crate::classify::Codebook;
use crate::record::Level;

/// The synthesis per value of a metadata column (`run --by modalite`):
/// reports per (group, theme, level), every combination present, and the
/// number of reports of each group. Reports without a value form the group
/// "(non renseigné)".
pub(super) fn synthesis_by(
    coverage: &DataFrame,
    codebook: &Codebook,
    column: &str,
    group_of: &dyn Fn(&str) -> Option<String>,
) -> PolarsResult<DataFrame> {
    const MISSING: &str = "(non renseigné)";
    let doc_ids = coverage.column("doc_id")?.str()?.clone();
    let mut seen: Vec<String> = Vec::new();
    let mut mapped = std::collections::HashSet::new();
    let (mut map_doc, mut map_group) = (Vec::new(), Vec::new());
    for d in doc_ids.iter().flatten() {
        if !mapped.insert(d) {
            continue;
        }
        let g = group_of(d).unwrap_or_else(|| MISSING.to_string());
        if !seen.contains(&g) {
            seen.push(g.clone());
        }
        map_doc.push(d);
        map_group.push(g);
    }
    seen.sort();
    let groups = df!("doc_id" => map_doc, "group" => map_group)?;
    let (mut g_col, mut t_col, mut l_col, mut order) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (gi, g) in seen.iter().enumerate() {
        for (ti, t) in codebook.themes.iter().enumerate() {
            for (li, l) in Level::ALL.iter().enumerate() {
                g_col.push(g.as_str());
                t_col.push(t.id.as_str());
                l_col.push(l.id());
                order.push(((gi * codebook.themes.len() + ti) * Level::ALL.len() + li) as u32);
            }
        }
    }
    let grid = df!("group" => g_col, "theme" => t_col, "level" => l_col, "order" => order)?;
    let with_group = coverage.clone().lazy().join(
        groups.lazy(),
        [col("doc_id")],
        [col("doc_id")],
        JoinArgs::new(JoinType::Left),
    );
    let counts = with_group
        .clone()
        .group_by([col("group"), col("theme"), col("level")])
        .agg([len().cast(DataType::UInt32).alias("n_documents")]);
    let totals = with_group.group_by([col("group")]).agg([col("doc_id")
        .n_unique()
        .cast(DataType::UInt32)
        .alias("n_total")]);
    let keys = [col("group"), col("theme"), col("level")];
    grid.lazy()
        .join(counts, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .join(
            totals,
            [col("group")],
            [col("group")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([col("n_documents").fill_null(lit(0u32)).alias("n_documents")])
        .sort(["order"], SortMultipleOptions::default())
        .select([
            col("group").alias(column),
            col("theme"),
            col("level"),
            col("n_documents"),
            col("n_total"),
        ])
        .collect()
}
