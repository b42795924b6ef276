//! What the report's charts show, from the tables: per theme the levels,
//! the verdicts, the recurring findings and the action types (`actions`,
//! when the run wrote it); for the corpus, the modalité of the readable
//! reports by territory (when `documents` has a `modalite` column with
//! values). Every count is of reports; N is the readable reports.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::charts::{
    Chart, Kind, Row, Segment, ACTION_COLOUR, LEVEL_COLOURS, MODALITE_COLOURS, POLARITY_COLOURS,
    UNKNOWN_COLOUR, VERDICT_COLOURS,
};
use super::page::Quote;
use crate::output::french::{level_name, plural, polarity_title, verdict_name};
use crate::output::readback::{str_col, u32_col};
use crate::record::{Level, Polarity, Verdict};

/// Rows of the modalité chart past which territories are grouped in "Autres".
const MAX_GROUPS: usize = 12;

/// "N = 10 rapports lisibles".
fn n_readable(total: u32) -> String {
    let s = if total > 1 { "s" } else { "" };
    format!("N = {total} rapport{s} lisible{s}")
}

fn chart(kind: Kind, theme: &str, what: &str, total: u32, rows: Vec<Row>) -> Chart {
    Chart {
        kind,
        title: format!("{theme} : {what}, {}", n_readable(total)),
        caption: format!("{} ({})", capitalised(what), n_readable(total)),
        rows,
        scale: total,
        legend: Vec::new(),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Reports per level of a theme (depth first), none without readable reports.
pub(super) fn levels(theme: &str, counts: [u32; 4], total: u32) -> Option<Chart> {
    let order = [
        Level::Approfondie,
        Level::Traitee,
        Level::Evoquee,
        Level::NonEvoquee,
    ];
    let rows = order
        .iter()
        .zip(counts)
        .zip(LEVEL_COLOURS)
        .map(|((&l, n), colour)| Row::bar(level_name(l), n, colour))
        .collect();
    (total > 0).then(|| chart(Kind::Levels, theme, "niveau de traitement", total, rows))
}

/// Reports per verdict of a theme, in `Verdict::ALL` order.
pub(super) fn verdicts(theme: &str, counts: [u32; 4], total: u32) -> Option<Chart> {
    let rows = Verdict::ALL
        .iter()
        .zip(counts)
        .zip(VERDICT_COLOURS)
        .map(|((&v, n), colour)| Row::bar(verdict_name(v), n, colour))
        .collect();
    (total > 0).then(|| {
        chart(
            Kind::Verdicts,
            theme,
            "ce que concluent les rapports",
            total,
            rows,
        )
    })
}

/// A recurring finding: its polarity, label and reports.
pub(super) struct CodeCount {
    pub polarity: Option<Polarity>,
    pub label: String,
    pub n_documents: u32,
}

/// Recurring findings of a theme under their polarity (successes,
/// difficulties, recommendations, then the rest), most frequent first.
pub(super) fn codes(theme: &str, codes: &[CodeCount], total: u32) -> Option<Chart> {
    if codes.is_empty() || total == 0 {
        return None;
    }
    let mut rows = Vec::new();
    let groups = Polarity::ALL.iter().map(|&p| Some(p)).chain([None]);
    for (polarity, colour) in groups.zip(POLARITY_COLOURS.iter().chain([&UNKNOWN_COLOUR])) {
        let mut of: Vec<&CodeCount> = codes.iter().filter(|c| c.polarity == polarity).collect();
        if of.is_empty() {
            continue;
        }
        of.sort_by_key(|c| std::cmp::Reverse(c.n_documents));
        rows.push(Row::Heading(
            polarity.map_or("Autres", polarity_title).to_string(),
        ));
        rows.extend(of.iter().map(|c| Row::bar(&c.label, c.n_documents, colour)));
    }
    Some(chart(
        Kind::Codes,
        theme,
        "constats récurrents, en rapports",
        total,
        rows,
    ))
}

/// An action type of a theme, its reports and an example.
pub(super) struct ActionRow {
    pub label: String,
    pub n_documents: u32,
    pub example: Option<Quote>,
}

/// The action types of a theme from the `actions` table (theme,
/// action_type, label, n_documents, n_total, doc_id, page, quote; one row
/// per theme and type, the example null when no report describes it), most
/// described first: its chart and its rows. None when the table has no row
/// for the theme.
pub(super) fn actions(
    table: &DataFrame,
    theme_id: &str,
    theme: &str,
) -> PolarsResult<Option<(Chart, Vec<ActionRow>)>> {
    let t = str_col(table, "theme")?;
    let kind = str_col(table, "action_type")?;
    let label = str_col(table, "label")?;
    let n = u32_col(table, "n_documents")?;
    let n_total = u32_col(table, "n_total")?;
    let doc = str_col(table, "doc_id")?;
    let page = u32_col(table, "page")?;
    let quote = str_col(table, "quote")?;
    let mut seen = Vec::new();
    let mut rows = Vec::new();
    let mut total = 0;
    for i in (0..table.height()).filter(|&i| t.get(i) == Some(theme_id)) {
        let id = kind.get(i).unwrap_or("");
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        total = total.max(n_total.get(i).unwrap_or(0));
        let example = match (quote.get(i), doc.get(i)) {
            (Some(q), Some(d)) if !q.is_empty() => Some(Quote {
                text: q.to_string(),
                doc_id: d.to_string(),
                page: page.get(i).unwrap_or(0),
            }),
            _ => None,
        };
        rows.push(ActionRow {
            label: label
                .get(i)
                .filter(|l| !l.is_empty())
                .unwrap_or(id)
                .to_string(),
            n_documents: n.get(i).unwrap_or(0),
            example,
        });
    }
    if rows.is_empty() || total == 0 {
        return Ok(None);
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.n_documents));
    let bars = rows
        .iter()
        .map(|r| Row::bar(&r.label, r.n_documents, ACTION_COLOUR))
        .collect();
    Ok(Some((
        chart(
            Kind::Actions,
            theme,
            "types d'actions décrites, en rapports",
            total,
            bars,
        ),
        rows,
    )))
}

/// A column of `documents` as text, when it exists.
fn text_column(documents: &DataFrame, name: &str) -> Option<StringChunked> {
    documents
        .column(name)
        .ok()
        .and_then(|c| c.cast(&DataType::String).ok())
        .and_then(|c| c.str().ok().cloned())
}

fn value(column: &Option<StringChunked>, i: usize) -> Option<&str> {
    column
        .as_ref()
        .and_then(|c| c.get(i))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Readable reports per modalité (`documents.modalite`), then per
/// territory (`territory` when it has at most 12 values, else `departement`
/// when present, else `territory` with the smaller ones grouped in
/// "Autres"), a segment per modalité. None when no readable report has a
/// modalité.
pub(super) fn modalite(documents: &DataFrame) -> PolarsResult<Option<Chart>> {
    let status = str_col(documents, "status")?;
    let readable: Vec<usize> = (0..documents.height())
        .filter(|&i| status.get(i) == Some("ok"))
        .collect();
    let modalite = text_column(documents, "modalite");
    if !readable.iter().any(|&i| value(&modalite, i).is_some()) {
        return Ok(None);
    }
    // Modalités in order of frequency, then name; a colour each.
    let mut counts: BTreeMap<Option<&str>, u32> = BTreeMap::new();
    for &i in &readable {
        *counts.entry(value(&modalite, i)).or_default() += 1;
    }
    let mut kinds: Vec<(Option<&str>, u32)> = counts.into_iter().collect();
    kinds.sort_by(|a, b| (a.0.is_none(), b.1).cmp(&(b.0.is_none(), a.1)));
    let colour = |m: Option<&str>| match kinds.iter().position(|k| k.0 == m) {
        Some(_) if m.is_none() => UNKNOWN_COLOUR,
        Some(k) => MODALITE_COLOURS[k % MODALITE_COLOURS.len()],
        None => UNKNOWN_COLOUR,
    };
    let name = |m: Option<&str>| m.unwrap_or("non renseignée").to_string();
    let segments = |docs: &[usize]| -> Vec<Segment> {
        kinds
            .iter()
            .filter_map(|&(m, _)| {
                let n = docs.iter().filter(|&&i| value(&modalite, i) == m).count() as u32;
                (n > 0).then(|| Segment {
                    name: name(m),
                    value: n,
                    colour: colour(m),
                })
            })
            .collect()
    };
    let total = readable.len() as u32;
    let mut rows = vec![Row::Bars {
        label: "Ensemble".into(),
        segments: segments(&readable),
    }];
    // The territories, when known.
    let distinct = |column: &Option<StringChunked>| {
        let mut v: Vec<&str> = readable.iter().filter_map(|&i| value(column, i)).collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    let (territory, departement) = (
        text_column(documents, "territory"),
        text_column(documents, "departement"),
    );
    let by = match (distinct(&territory), distinct(&departement)) {
        (0, 0) => None,
        (t, d) if t > 0 && (t <= MAX_GROUPS || d == 0) => Some((territory, "Par territoire")),
        _ => Some((departement, "Par département")),
    };
    let mut what = "modalité d'évaluation".to_string();
    if let Some((column, heading)) = by {
        let mut groups: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
        for &i in &readable {
            groups.entry(value(&column, i)).or_default().push(i);
        }
        let mut groups: Vec<(Option<&str>, Vec<usize>)> = groups.into_iter().collect();
        groups.sort_by(|a, b| (a.0.is_none(), b.1.len()).cmp(&(b.0.is_none(), a.1.len())));
        let rest: Vec<usize> = if groups.len() > MAX_GROUPS {
            groups
                .drain(MAX_GROUPS - 1..)
                .flat_map(|(_, docs)| docs)
                .collect()
        } else {
            Vec::new()
        };
        rows.push(Row::Heading(heading.to_string()));
        for (g, docs) in &groups {
            rows.push(Row::Bars {
                label: g.unwrap_or("Non renseigné").to_string(),
                segments: segments(docs),
            });
        }
        if !rest.is_empty() {
            rows.push(Row::Bars {
                label: format!("Autres ({})", plural(rest.len() as u32, "rapport")),
                segments: segments(&rest),
            });
        }
        what += if heading == "Par territoire" {
            " par territoire"
        } else {
            " par département"
        };
    }
    let mut c = chart(Kind::Modalite, "Rapports", &what, total, rows);
    c.title = format!("Rapports lisibles : {what}, {}", n_readable(total));
    c.legend = kinds.iter().map(|&(m, _)| (name(m), colour(m))).collect();
    Ok(Some(c))
}

#[cfg(test)]
mod tests {
    use super::super::charts::svg;
    use super::*;

    /// A small `actions` table of the announced schema (the table itself
    /// comes with the action types, in another change).
    fn actions_table() -> DataFrame {
        df!(
            "theme" => ["emploi", "emploi", "emploi", "conseils_citoyens"],
            "action_type" => ["forum", "parrainage", "clauses", "formation"],
            "label" => [
                "Forums et job datings",
                "Parrainage vers l'emploi",
                "Clauses d'insertion dans les marchés publics",
                "Formation des conseillers citoyens",
            ],
            "n_documents" => [3u32, 6, 0, 2],
            "n_total" => [10u32, 10, 10, 10],
            "doc_id" => [Some("r01"), Some("r04"), None, Some("r02")],
            "page" => [Some(4u32), Some(7), None, Some(2)],
            "quote" => [Some("Un forum de l'emploi réunit chaque année…"), Some("Le parrainage a accompagné 40 jeunes."), None, Some("Une formation a été proposée.")],
        )
        .unwrap()
    }

    #[test]
    fn action_types_of_a_theme_most_described_first() {
        let (chart, rows) = actions(&actions_table(), "emploi", "Emploi")
            .unwrap()
            .unwrap();
        assert_eq!(chart.kind, Kind::Actions);
        assert_eq!(chart.scale, 10);
        assert_eq!(
            chart.caption,
            "Types d'actions décrites, en rapports (N = 10 rapports lisibles)"
        );
        let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Parrainage vers l'emploi",
                "Forums et job datings",
                "Clauses d'insertion dans les marchés publics"
            ]
        );
        assert_eq!(rows[0].example.as_ref().unwrap().doc_id, "r04");
        assert!(rows[2].example.is_none());
        let svg = svg(&chart).into_string();
        // Two bars (none for the type no report describes: its 0 is written),
        // 30 px per report.
        let widths: Vec<&str> = svg
            .match_indices(r#"<rect class="bar""#)
            .map(|(i, _)| {
                let w = &svg[i..];
                let w = &w[w.find("width=\"").unwrap() + 7..];
                &w[..w.find('"').unwrap()]
            })
            .collect();
        assert_eq!(widths, ["180", "90"], "{svg}");
        assert!(svg.contains(ACTION_COLOUR));
        assert!(svg.contains(">0</text>"), "{svg}");
        assert!(
            svg.contains("Emploi : types d&#39;actions")
                || svg.contains("Emploi : types d'actions"),
            "{svg}"
        );
        // A theme without action types, and an empty table: no chart.
        assert!(actions(&actions_table(), "egalite_fh", "Égalité")
            .unwrap()
            .is_none());
        assert!(actions(&actions_table().head(Some(0)), "emploi", "Emploi")
            .unwrap()
            .is_none());
        // A table without its columns is an error, not a silent empty chart.
        assert!(actions(
            &actions_table().drop("n_total").unwrap(),
            "emploi",
            "Emploi"
        )
        .is_err());
    }

    fn documents(
        modalite: Option<Vec<Option<&str>>>,
        territory: Option<Vec<Option<&str>>>,
    ) -> DataFrame {
        let mut d = df!(
            "doc_id" => ["r01", "r02", "r03", "r04", "r05"],
            "status" => ["ok", "ok", "ok", "ok", "no_text"],
        )
        .unwrap();
        if let Some(m) = modalite {
            d.with_column(Column::new("modalite".into(), m)).unwrap();
        }
        if let Some(t) = territory {
            d.with_column(Column::new("territory".into(), t)).unwrap();
        }
        d
    }

    #[test]
    fn modalite_by_territory_of_the_readable_reports() {
        let d = documents(
            Some(vec![
                Some("interne"),
                Some("externe"),
                Some("interne"),
                None,
                Some("mixte"),
            ]),
            Some(vec![
                Some("Castelroux"),
                Some("Castelroux"),
                Some("Rombières"),
                Some("Rombières"),
                Some("X"),
            ]),
        );
        let c = modalite(&d).unwrap().unwrap();
        assert_eq!(c.scale, 4, "readable reports only");
        assert_eq!(
            c.caption,
            "Modalité d'évaluation par territoire (N = 4 rapports lisibles)"
        );
        let names: Vec<&str> = c.legend.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["interne", "externe", "non renseignée"],
            "most frequent first, unknown last"
        );
        assert_eq!(c.legend[2].1, UNKNOWN_COLOUR);
        let Row::Bars { label, segments } = &c.rows[0] else {
            panic!()
        };
        assert_eq!(label, "Ensemble");
        assert_eq!(
            segments.iter().map(|s| s.value).collect::<Vec<_>>(),
            [2, 1, 1]
        );
        assert!(matches!(&c.rows[1], Row::Heading(h) if h == "Par territoire"));
        let Row::Bars { label, segments } = &c.rows[2] else {
            panic!()
        };
        assert_eq!((label.as_str(), segments.len()), ("Castelroux", 2));
        assert_eq!(c.rows.len(), 4);
    }

    #[test]
    fn modalite_without_territory_or_without_values() {
        let c = modalite(&documents(Some(vec![Some("interne"); 5]), None))
            .unwrap()
            .unwrap();
        assert_eq!(c.rows.len(), 1, "only the whole");
        assert_eq!(c.caption, "Modalité d'évaluation (N = 4 rapports lisibles)");
        assert!(
            modalite(&documents(None, None)).unwrap().is_none(),
            "no column"
        );
        assert!(
            modalite(&documents(
                Some(vec![None, Some(" "), None, None, Some("interne")]),
                None
            ))
            .unwrap()
            .is_none(),
            "no value among readable reports"
        );
    }

    #[test]
    fn many_territories_are_grouped() {
        let n = 20;
        let ids: Vec<String> = (0..n).map(|i| format!("r{i}")).collect();
        let names: Vec<String> = (0..n).map(|i| format!("Commune {i}")).collect();
        let d = df!(
            "doc_id" => ids,
            "status" => vec!["ok"; n],
            "modalite" => vec!["interne"; n],
            "territory" => names,
        )
        .unwrap();
        let c = modalite(&d).unwrap().unwrap();
        // The whole, the heading, 11 territories and "Autres (9 rapports)".
        assert_eq!(c.rows.len(), 2 + MAX_GROUPS);
        assert!(
            matches!(c.rows.last(), Some(Row::Bars { label, .. }) if label == "Autres (9 rapports)")
        );
    }

    #[test]
    fn levels_and_verdicts_need_readable_reports() {
        assert!(levels("Emploi", [0; 4], 0).is_none());
        let c = levels("Emploi", [6, 3, 1, 0], 10).unwrap();
        assert_eq!(
            c.title,
            "Emploi : niveau de traitement, N = 10 rapports lisibles"
        );
        assert_eq!(c.rows.len(), 4, "a zero level keeps its row");
        let c = verdicts("Emploi", [3, 4, 1, 2], 10).unwrap();
        assert!(matches!(&c.rows[3], Row::Bars { label, .. } if label == "non conclusif"));
        let one = levels("Emploi", [0, 1, 0, 0], 1).unwrap();
        assert_eq!(one.caption, "Niveau de traitement (N = 1 rapport lisible)");
    }
}
