//! Aggregation stage: labelled paragraphs -> per-report coverage of each
//! theme (counts and a level) and synthesis counts over reports, with the
//! summary an analyst reads at the end of a run.
//!
//! All the arithmetic is polars (lazy group-by and joins), in this module
//! only, so the thresholds stay visible as expressions.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::classify::{Codebook, Codes};
use crate::record::{DocStatus, Document};

/// Coverage levels, from none to in depth (codebook ids).
pub const LEVELS: [&str; 4] = ["non_evoquee", "evoquee", "traitee", "approfondie"];

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
}

/// Default of `on_topic_min_terms`.
pub const ON_TOPIC_MIN_TERMS: u32 = 5;

impl Default for CoverageConfig {
    fn default() -> Self {
        CoverageConfig {
            traitee_min_paragraphs: 4,
            approfondie_min_paragraphs: 8,
            approfondie_min_successes: 2,
            approfondie_min_difficulties: 2,
            on_topic_min_terms: ON_TOPIC_MIN_TERMS,
        }
    }
}

/// The tables of the synthesis.
pub struct Synthesis {
    /// One row per (readable report, codebook theme).
    pub coverage: DataFrame,
    /// One row per (theme, level): how many reports.
    pub synthesis: DataFrame,
    /// One row per code found: how many reports, how many findings, an example.
    pub codes: DataFrame,
    /// Reports that could be read (status `ok`).
    pub n_reports: u32,
}

/// Builds coverage and synthesis from the labelled documents.
pub fn synthesise(
    docs: &[Document],
    codebook: &Codebook,
    codes: &Codes,
    config: &CoverageConfig,
) -> PolarsResult<Synthesis> {
    let readable: Vec<&Document> = docs.iter().filter(|d| d.status == DocStatus::Ok).collect();
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
                theme.push(t.as_str());
                polarity.push(labels.polarity.as_str());
                on_section.push(labels.section_themes.contains(t) as u32);
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
        count_of("reussite"),
        count_of("difficulte"),
        count_of("preconisation"),
        col("on_section").sum().gt(lit(0u32)).alias("has_section"),
    ]);
    let keys = [col("doc_id"), col("theme")];
    let zero = |name: &str| col(name).fill_null(lit(0u32)).alias(name);
    let c = config;
    let level = when(col("n_paragraphs").eq(lit(0u32)))
        .then(lit(LEVELS[0]))
        .when(
            col("n_paragraphs")
                .gt_eq(lit(c.approfondie_min_paragraphs))
                .and(col("n_reussite").gt_eq(lit(c.approfondie_min_successes)))
                .and(col("n_difficulte").gt_eq(lit(c.approfondie_min_difficulties))),
        )
        .then(lit(LEVELS[3]))
        .when(
            col("n_paragraphs")
                .gt_eq(lit(c.traitee_min_paragraphs))
                .or(col("has_section"))
                .or((col("n_reussite") + col("n_difficulte")).gt(lit(0u32))),
        )
        .then(lit(LEVELS[2]))
        .otherwise(lit(LEVELS[1]))
        .alias("level");
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
        ])
        .collect()?;

    // Synthesis: reports per (theme, level), every pair present.
    let (mut s_theme, mut s_level, mut s_order) = (Vec::new(), Vec::new(), Vec::new());
    for (i, t) in codebook.themes.iter().enumerate() {
        for (j, l) in LEVELS.iter().enumerate() {
            s_theme.push(t.id.as_str());
            s_level.push(*l);
            s_order.push((i * LEVELS.len() + j) as u32);
        }
    }
    let pairs = df!("theme" => s_theme, "level" => s_level, "order" => s_order)?;
    let per_level = coverage
        .clone()
        .lazy()
        .group_by([col("theme"), col("level")])
        .agg([len().cast(DataType::UInt32).alias("n_documents")]);
    let synthesis = pairs
        .lazy()
        .join(
            per_level,
            [col("theme"), col("level")],
            [col("theme"), col("level")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("n_documents").fill_null(lit(0u32)).alias("n_documents"),
            lit(n_reports).alias("n_total"),
        ])
        .sort(["order"], SortMultipleOptions::default())
        .select([
            col("theme"),
            col("level"),
            col("n_documents"),
            col("n_total"),
        ])
        .collect()?;
    let codes = code_counts(&readable, codebook, codes)?;
    Ok(Synthesis {
        coverage,
        synthesis,
        codes,
        n_reports,
    })
}

/// The synthesis per value of a metadata column (`run --by modalite`):
/// reports per (group, theme, level), every combination present, and the
/// number of reports of each group. Reports without a value form the group
/// "(non renseigné)".
pub fn synthesis_by(
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
            for (li, l) in LEVELS.iter().enumerate() {
                g_col.push(g.as_str());
                t_col.push(t.id.as_str());
                l_col.push(*l);
                order.push(((gi * codebook.themes.len() + ti) * LEVELS.len() + li) as u32);
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

/// One line per group: how many of its reports treat or mention each theme.
pub fn summary_by_fr(by: &DataFrame, column: &str, codebook: &Codebook) -> PolarsResult<String> {
    let (group, theme, level) = (
        by.column(column)?.str()?.clone(),
        by.column("theme")?.str()?.clone(),
        by.column("level")?.str()?.clone(),
    );
    let (n, total) = (
        by.column("n_documents")?.u32()?.clone(),
        by.column("n_total")?.u32()?.clone(),
    );
    let mut groups: Vec<&str> = group.iter().flatten().collect();
    groups.dedup();
    let mut out = format!("Par {column} :\n");
    for g in groups {
        let rows: Vec<usize> = (0..by.height())
            .filter(|&i| group.get(i) == Some(g))
            .collect();
        let total_g = rows.first().and_then(|&i| total.get(i)).unwrap_or(0);
        let parts: Vec<String> = codebook
            .themes
            .iter()
            .map(|t| {
                let mentioned: u32 = rows
                    .iter()
                    .filter(|&&i| {
                        theme.get(i) == Some(t.id.as_str()) && level.get(i) != Some(LEVELS[0])
                    })
                    .filter_map(|&i| n.get(i))
                    .sum();
                format!("{} {mentioned}/{total_g}", t.name)
            })
            .collect();
        out += &format!(
            "- {g} ({total_g} rapport{}) : {}\n",
            if total_g > 1 { "s" } else { "" },
            parts.join(", ")
        );
    }
    Ok(out)
}

/// Reports and findings per code, most frequent first, with the finding
/// matching most of the code's cues as an example (quote, report, page).
fn code_counts(
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

/// The summary in French, as an analyst would write it:
/// "6 rapports sur 8 traitent ou évoquent l'égalité femmes-hommes
/// (approfondie 3, traitée 2, évoquée 1)".
/// A warning line naming the readable documents that hardly use the
/// field's vocabulary (empty when there is none).
pub fn off_topic_fr(docs: &[Document], min_terms: u32) -> String {
    let off: Vec<&str> = docs
        .iter()
        .filter(|d| d.on_topic(min_terms) == Some(false))
        .map(|d| d.doc_id.as_str())
        .collect();
    if off.is_empty() {
        return String::new();
    }
    let shown: Vec<&str> = off.iter().take(10).copied().collect();
    let more = if off.len() > shown.len() {
        format!(" et {} autres", off.len() - shown.len())
    } else {
        String::new()
    };
    let who = if off.len() == 1 {
        "1 document lisible n'emploie".to_string()
    } else {
        format!("{} documents lisibles n'emploient", off.len())
    };
    format!(
        "Attention : {who} presque pas le vocabulaire de la politique de la ville (moins de {min_terms} termes, documents.on_topic = false) ; comptés dans la synthèse, à vérifier : {}{more}.\n",
        shown.join(", ")
    )
}

pub fn summary_fr(s: &Synthesis, codebook: &Codebook) -> PolarsResult<String> {
    let theme = s.synthesis.column("theme")?.str()?.clone();
    let level = s.synthesis.column("level")?.str()?.clone();
    let n = s.synthesis.column("n_documents")?.u32()?.clone();
    let count = |t: &str, l: &str| -> u32 {
        (0..s.synthesis.height())
            .find(|&i| theme.get(i) == Some(t) && level.get(i) == Some(l))
            .and_then(|i| n.get(i))
            .unwrap_or(0)
    };
    let total = s.n_reports;
    if total == 0 {
        return Ok("Aucun rapport lisible : pas de synthèse.\n".to_string());
    }
    let reports = |k: u32| {
        if k > 1 {
            format!("{k} rapports")
        } else {
            format!("{k} rapport")
        }
    };
    let mut out = format!(
        "Synthèse sur {} lisible{} :\n",
        reports(total),
        if total > 1 { "s" } else { "" }
    );
    for t in &codebook.themes {
        let (a, tr, e) = (
            count(&t.id, "approfondie"),
            count(&t.id, "traitee"),
            count(&t.id, "evoquee"),
        );
        let any = a + tr + e;
        let verb = if any > 1 {
            "traitent ou évoquent"
        } else {
            "traite ou évoque"
        };
        let silent = match total - any {
            0 => String::new(),
            1 => " ; 1 ne l'évoque pas".to_string(),
            k => format!(" ; {k} ne l'évoquent pas"),
        };
        out += &format!(
            "- {} : {} sur {total} {verb} le thème (approfondie {a}, traitée {tr}, évoquée {e}){silent}.\n",
            t.name,
            reports(any),
        );
    }
    let code = s.codes.column("label")?.str()?.clone();
    let docs = s.codes.column("n_documents")?.u32()?.clone();
    if s.codes.height() > 0 {
        out += "Constats les plus fréquents :\n";
        for i in 0..s.codes.height().min(10) {
            let k = docs.get(i).unwrap_or(0);
            out += &format!("- {} : {}\n", code.get(i).unwrap_or(""), reports(k));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Codes;
    use crate::record::{Paragraph, ParagraphKind, ParagraphLabels};
    use std::path::Path;

    fn codebook() -> Codebook {
        Codebook::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models/codebook.toml")).unwrap()
    }

    fn para(theme: &str, polarity: &str, section: bool) -> Paragraph {
        Paragraph {
            page: 1,
            heading: None,
            section: None,
            kind: ParagraphKind::Body,
            text: "texte".into(),
            labels: Some(ParagraphLabels {
                themes: if theme.is_empty() {
                    vec![]
                } else {
                    vec![theme.to_string()]
                },
                polarity: polarity.into(),
                polarity_score: 0.9,
                findings: vec![],
                section_themes: if section {
                    vec![theme.to_string()]
                } else {
                    vec![]
                },
                domain_terms: Some(1),
                evidence: String::new(),
            }),
        }
    }

    fn doc(id: &str, paragraphs: Vec<Paragraph>) -> Document {
        Document {
            doc_id: id.into(),
            path: id.into(),
            content_hash: String::new(),
            bytes: 0,
            pages: 1,
            pages_failed: 0,
            status: DocStatus::Ok,
            message: String::new(),
            title: None,
            extractor: "test".to_string(),
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
            &CoverageConfig::default(),
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
        let s = synthesise(&docs, &codebook(), &Codes::default(), &strict).unwrap();
        assert!(levels(&s)
            .iter()
            .any(|(_, t, l)| t == "emploi" && l == "traitee"));
    }

    #[test]
    fn synthesis_counts_reports_per_level_and_unreadable_ones_are_left_out() {
        let mut unreadable = doc("scan", vec![]);
        unreadable.status = DocStatus::NoText;
        let docs = vec![
            doc("a", vec![para("emploi", "neutre", false)]),
            doc("b", vec![para("emploi", "difficulte", true)]),
            unreadable,
        ];
        let s = synthesise(
            &docs,
            &codebook(),
            &Codes::default(),
            &CoverageConfig::default(),
        )
        .unwrap();
        assert_eq!(s.n_reports, 2);
        assert_eq!(s.synthesis.height(), 5 * LEVELS.len());
        let text = summary_fr(&s, &codebook()).unwrap();
        assert!(text.contains("Emploi, insertion, développement économique : 2 rapports sur 2 traitent ou évoquent le thème (approfondie 0, traitée 1, évoquée 1)"), "{text}");
        assert!(text.contains("Mobilisation du droit commun : 0 rapport sur 2 traite ou évoque le thème (approfondie 0, traitée 0, évoquée 0) ; 2 ne l'évoquent pas."), "{text}");
    }

    #[test]
    fn documents_that_hardly_use_the_field_s_words_are_named() {
        // Each test paragraph holds one term of the field.
        let report = doc(
            "rapport",
            (0..6).map(|_| para("emploi", "neutre", false)).collect(),
        );
        let guide = doc("guide", vec![para("", "neutre", false)]);
        let mut unread = doc("scan", vec![]);
        unread.status = DocStatus::NoText;
        assert_eq!(report.on_topic(5), Some(true));
        assert_eq!(guide.on_topic(5), Some(false));
        assert_eq!(unread.on_topic(5), None, "unknown when not read");
        let docs = [report, guide, unread];
        let line = off_topic_fr(&docs, 5);
        assert!(
            line.contains("1 document lisible n'emploie") && line.contains(": guide."),
            "{line}"
        );
        assert_eq!(
            off_topic_fr(&docs, 1),
            "",
            "no warning when all are on topic"
        );
    }
}
