//! The `actions` table: per theme, how many readable reports describe each
//! kind of action of models/actions.toml, with an example quote.

use polars::prelude::*;

use crate::classify::{ActionTypes, Codebook};
use crate::record::Document;

/// One row per action type of the file, zero counts included, themes in
/// codebook order and types in file order within a theme: theme,
/// action_type, label, n_documents (readable reports with at least one
/// finding of that type), n_total (readable reports), and an example
/// finding (doc_id, page, and the sentence naming the action; null when no
/// report has one): the one matching most of the type's cues, the first in
/// reading order on a tie.
pub(super) fn action_counts(
    readable: &[&Document],
    codebook: &Codebook,
    actions: &ActionTypes,
) -> PolarsResult<DataFrame> {
    let (mut doc_id, mut action, mut quote, mut page, mut hits) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for d in readable {
        for p in &d.paragraphs {
            let Some(labels) = &p.labels else { continue };
            for f in &labels.findings {
                for a in &f.actions {
                    doc_id.push(d.doc_id.as_str());
                    action.push(a.id.as_str());
                    quote.push(a.quote.as_str());
                    page.push(p.page);
                    hits.push(a.hits);
                }
            }
        }
    }
    let found = df!("doc_id" => doc_id, "action_type" => action, "quote" => quote, "page" => page, "hits" => hits)?;
    let (mut theme, mut id, mut label, mut order) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (t, def) in codebook.themes.iter().enumerate() {
        for a in actions.of_theme(t) {
            theme.push(def.id.as_str());
            id.push(a.id.as_str());
            label.push(a.label.as_str());
            order.push(order.len() as u32);
        }
    }
    let n_total = readable.len() as u32;
    let defs = df!("theme" => theme, "action_type" => id, "label" => label, "order" => order)?;
    let counted = found
        .lazy()
        .sort(
            ["hits"],
            SortMultipleOptions::default()
                .with_order_descending(true)
                .with_maintain_order(true),
        )
        .group_by_stable([col("action_type")])
        .agg([
            col("doc_id")
                .n_unique()
                .cast(DataType::UInt32)
                .alias("n_documents"),
            col("doc_id").first().alias("doc_id"),
            col("page").first().alias("page"),
            col("quote").first().alias("quote"),
        ]);
    defs.lazy()
        .join(
            counted,
            [col("action_type")],
            [col("action_type")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("n_documents").fill_null(lit(0u32)).alias("n_documents"),
            // A literal alone would be typed i32; the table promises u32.
            lit(n_total).cast(DataType::UInt32).alias("n_total"),
        ])
        .sort(["order"], SortMultipleOptions::default())
        .select([
            col("theme"),
            col("action_type"),
            col("label"),
            col("n_documents"),
            col("n_total"),
            col("doc_id"),
            col("page").cast(DataType::UInt32),
            col("quote"),
        ])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::tests::{codebook, doc, para};
    use crate::analyze::Analyzer;
    use crate::models::ModelFile;
    use crate::record::{ActionMatch, DocStatus, Finding, ThemeId};
    use std::path::Path;

    /// A paragraph of `theme` whose finding describes `actions` (id, hits).
    fn with_actions(theme: &str, page: u32, actions: &[(&str, u32)]) -> crate::record::Paragraph {
        let mut p = para(theme, "neutre", false);
        p.page = page;
        let t = ThemeId::from(codebook().theme_index(theme).unwrap());
        p.labels.as_mut().unwrap().findings = vec![Finding {
            theme: t,
            score: 0.9,
            quote: "phrase".into(),
            code: None,
            actions: actions
                .iter()
                .map(|(id, hits)| ActionMatch {
                    id: id.to_string(),
                    hits: *hits,
                    quote: format!("{id} p{page}"),
                })
                .collect(),
        }];
        p
    }

    #[test]
    fn every_action_type_gets_a_row_counted_in_reports_with_the_best_example() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        let analyzer = Analyzer::load(&ModelFile::at(root.join("analysis.toml"))).unwrap();
        let types = ActionTypes::load(
            &ModelFile::at(root.join("actions.toml")),
            &codebook(),
            &analyzer,
        )
        .unwrap();
        let mut scan = doc(
            "scan",
            vec![with_actions("emploi", 1, &[("emp_mobilite", 5)])],
        );
        scan.read.status = DocStatus::NoText;
        let docs = [
            doc(
                "a",
                vec![
                    with_actions("emploi", 2, &[("emp_mobilite", 1), ("emp_garde", 1)]),
                    with_actions("emploi", 3, &[("emp_mobilite", 2)]),
                ],
            ),
            doc("b", vec![with_actions("emploi", 7, &[("emp_mobilite", 2)])]),
            doc("c", vec![para("emploi", "neutre", false)]),
            scan,
        ];
        let readable: Vec<&Document> = docs
            .iter()
            .filter(|d| d.read.status == DocStatus::Ok)
            .collect();
        let t = action_counts(&readable, &codebook(), &types).unwrap();
        assert_eq!(
            t.height(),
            types.types.len(),
            "one row per action type, zeros included"
        );
        let names: Vec<&str> = t.get_column_names().iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "theme",
                "action_type",
                "label",
                "n_documents",
                "n_total",
                "doc_id",
                "page",
                "quote"
            ]
        );
        let id = t.column("action_type").unwrap().str().unwrap();
        let row = |a: &str| (0..t.height()).find(|&i| id.get(i) == Some(a)).unwrap();
        let n = t.column("n_documents").unwrap().u32().unwrap();
        let total = t.column("n_total").unwrap().u32().unwrap();
        let quote = t.column("quote").unwrap().str().unwrap();
        let page = t.column("page").unwrap().u32().unwrap();
        let m = row("emp_mobilite");
        assert_eq!(
            n.get(m),
            Some(2),
            "two readable reports; the scan is not counted"
        );
        assert_eq!(total.get(m), Some(3));
        assert_eq!(
            (quote.get(m), page.get(m)),
            (Some("emp_mobilite p3"), Some(3)),
            "the example matches most cues; the first in reading order on a tie"
        );
        assert_eq!(n.get(row("emp_garde")), Some(1));
        let none = row("emp_cites_emploi");
        assert_eq!(n.get(none), Some(0));
        assert_eq!(
            quote.get(none),
            None,
            "no example when no report describes it"
        );
        // Themes in codebook order, then file order.
        let theme = t.column("theme").unwrap().str().unwrap();
        let order: Vec<usize> = (0..t.height())
            .map(|i| codebook().theme_index(theme.get(i).unwrap()).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
        let in_file: Vec<&str> = types.types.iter().map(|a| a.id.as_str()).collect();
        let emploi: Vec<&str> = (0..t.height())
            .filter(|&i| theme.get(i) == Some("emploi"))
            .map(|i| id.get(i).unwrap())
            .collect();
        let emploi_in_file: Vec<&str> = in_file
            .iter()
            .copied()
            .filter(|a| a.starts_with("emp_"))
            .collect();
        assert_eq!(emploi, emploi_in_file);
    }

    #[test]
    fn without_action_types_the_table_is_empty_with_its_columns() {
        let docs = [doc(
            "a",
            vec![with_actions("emploi", 2, &[("emp_mobilite", 1)])],
        )];
        let readable: Vec<&Document> = docs.iter().collect();
        let t = action_counts(&readable, &codebook(), &ActionTypes::default()).unwrap();
        assert_eq!(t.height(), 0);
        assert_eq!(t.width(), 8);
        assert_eq!(t.column("n_documents").unwrap().dtype(), &DataType::UInt32);
    }
}
