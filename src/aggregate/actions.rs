//! The `actions` table: per theme, how many readable reports describe each
//! kind of action of models/actions.toml, with an example quote.

use polars::prelude::*;

use super::tally::FoundById;
use crate::classify::{ActionTypes, Codebook};

/// One row per action type of the file, zero counts included, themes in
/// codebook order and types in file order within a theme: theme,
/// action_type, label, n_documents (readable reports with at least one
/// finding of that type), n_total (readable reports), and an example
/// finding (doc_id, page, and the sentence naming the action; null when no
/// report has one): the one matching most of the type's cues, the first in
/// doc_id and reading order on a tie.
pub(super) fn action_counts(
    found: &FoundById,
    n_total: u32,
    codebook: &Codebook,
    actions: &ActionTypes,
) -> PolarsResult<DataFrame> {
    let (mut action, mut n_documents) = (Vec::new(), Vec::new());
    let (mut doc_id, mut page, mut quote) = (Vec::new(), Vec::new(), Vec::new());
    for (id, f) in found.iter() {
        action.push(id);
        n_documents.push(f.n_documents);
        doc_id.push(f.example.doc_id.as_str());
        page.push(f.example.page);
        quote.push(f.example.quote.as_str());
    }
    let counted = df!(
        "action_type" => action,
        "n_documents" => n_documents,
        "doc_id" => doc_id,
        "page" => page,
        "quote" => quote,
    )?;
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
    let defs = df!("theme" => theme, "action_type" => id, "label" => label, "order" => order)?;
    defs.lazy()
        .join(
            counted.lazy(),
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
    use crate::aggregate::tally::Tally;
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
        let mut tally = Tally::new(&codebook());
        docs.iter().for_each(|d| tally.add(d));
        let t = action_counts(&tally.actions, tally.n_reports(), &codebook(), &types).unwrap();
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
        let mut tally = Tally::new(&codebook());
        tally.add(&docs[0]);
        let t = action_counts(&tally.actions, 1, &codebook(), &ActionTypes::default()).unwrap();
        assert_eq!(t.height(), 0);
        assert_eq!(t.width(), 8);
        assert_eq!(t.column("n_documents").unwrap().dtype(), &DataType::UInt32);
    }
}
