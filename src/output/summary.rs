//! The summary printed at the end of `run`, in French, as an analyst
//! would write it: "6 rapports sur 8 traitent ou évoquent l'égalité
//! femmes-hommes (approfondie 3, traitée 2, évoquée 1)", the most frequent
//! findings, the documents to check, and one line per group with `--by`.

use polars::prelude::*;

use super::french::{plural, theme_sentence, verdict_sentence, ThemeCounts, VerdictCounts};
use crate::aggregate::Synthesis;
use crate::classify::Codebook;
use crate::error::{Error, Result};
use crate::record::{Level, Verdict};

/// The whole summary: the synthesis per theme, the off-topic warning
/// (`off_topic`: the readable documents that hardly use the field's words,
/// see `Document::on_topic`), the lines per group.
pub fn summary_fr(
    synthesis: &Synthesis,
    off_topic: &[&str],
    codebook: &Codebook,
    on_topic_min_terms: u32,
) -> Result<String> {
    let fail = |source| Error::Aggregate { source };
    let mut out = synthesis_fr(synthesis, codebook).map_err(fail)?;
    out += &off_topic_fr(off_topic, on_topic_min_terms);
    if let Some((column, by)) = &synthesis.by {
        out += &summary_by_fr(by, column, codebook).map_err(fail)?;
    }
    Ok(out)
}

/// A warning line naming the readable documents that hardly use the
/// field's vocabulary (empty when there is none).
pub(crate) fn off_topic_fr(off: &[&str], min_terms: u32) -> String {
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

/// The synthesis per theme and the most frequent codes.
pub(crate) fn synthesis_fr(s: &Synthesis, codebook: &Codebook) -> PolarsResult<String> {
    let theme = s.synthesis.column("theme")?.str()?.clone();
    let level = s.synthesis.column("level")?.str()?.clone();
    let n = s.synthesis.column("n_documents")?.u32()?.clone();
    let count = |t: &str, l: Level| -> u32 {
        (0..s.synthesis.height())
            .find(|&i| theme.get(i) == Some(t) && level.get(i) == Some(l.id()))
            .and_then(|i| n.get(i))
            .unwrap_or(0)
    };
    let v_theme = s.verdicts.column("theme")?.str()?.clone();
    let v_verdict = s.verdicts.column("verdict")?.str()?.clone();
    let v_n = s.verdicts.column("n_documents")?.u32()?.clone();
    let verdicts = |t: &str, v: Verdict| -> u32 {
        (0..s.verdicts.height())
            .find(|&i| v_theme.get(i) == Some(t) && v_verdict.get(i) == Some(v.id()))
            .and_then(|i| v_n.get(i))
            .unwrap_or(0)
    };
    let total = s.n_reports;
    if total == 0 {
        return Ok("Aucun rapport lisible : pas de synthèse.\n".to_string());
    }
    let mut out = format!(
        "Synthèse sur {} lisible{} :\n",
        plural(total, "rapport"),
        if total > 1 { "s" } else { "" }
    );
    for t in &codebook.themes {
        let counts = ThemeCounts {
            approfondie: count(&t.id, Level::Approfondie),
            traitee: count(&t.id, Level::Traitee),
            evoquee: count(&t.id, Level::Evoquee),
            total,
        };
        let verdicts = verdict_sentence(VerdictCounts {
            positif: verdicts(&t.id, Verdict::Positif),
            mitige: verdicts(&t.id, Verdict::Mitige),
            negatif: verdicts(&t.id, Verdict::Negatif),
        });
        let verdicts = if verdicts.is_empty() {
            verdicts
        } else {
            format!(" ; {verdicts}")
        };
        out += &format!("- {} : {}{verdicts}.\n", t.name, theme_sentence(counts));
    }
    let code = s.codes.column("label")?.str()?.clone();
    let docs = s.codes.column("n_documents")?.u32()?.clone();
    if s.codes.height() > 0 {
        out += "Constats les plus fréquents :\n";
        for i in 0..s.codes.height().min(10) {
            let k = docs.get(i).unwrap_or(0);
            out += &format!(
                "- {} : {}\n",
                code.get(i).unwrap_or(""),
                plural(k, "rapport")
            );
        }
    }
    out += &actions_fr(&s.actions, codebook)?;
    Ok(out)
}

/// How many actions of each theme to name in the summary (the table has
/// them all).
const ACTIONS_PER_THEME: usize = 3;

/// One line per theme naming its most described kinds of actions and in how
/// many reports ("Égalité femmes-hommes : Marches exploratoires de femmes,
/// diagnostics en marchant 3, ..."); nothing when no report describes any.
fn actions_fr(actions: &DataFrame, codebook: &Codebook) -> PolarsResult<String> {
    let theme = actions.column("theme")?.str()?.clone();
    let label = actions.column("label")?.str()?.clone();
    let n = actions.column("n_documents")?.u32()?.clone();
    let mut lines = String::new();
    for t in &codebook.themes {
        let mut found: Vec<(u32, &str)> = (0..actions.height())
            .filter(|&i| theme.get(i) == Some(t.id.as_str()))
            .filter_map(|i| Some((n.get(i)?, label.get(i)?)))
            .filter(|(k, _)| *k > 0)
            .collect();
        if found.is_empty() {
            continue;
        }
        // Most reports first; the file's order on a tie (a stable sort).
        found.sort_by_key(|(k, _)| std::cmp::Reverse(*k));
        let parts: Vec<String> = found
            .iter()
            .take(ACTIONS_PER_THEME)
            .map(|(k, l)| format!("{l} ({k})"))
            .collect();
        let more = found.len().saturating_sub(ACTIONS_PER_THEME);
        let more = if more > 0 {
            format!(
                " ; {more} autre{} dans la table actions",
                if more > 1 { "s" } else { "" }
            )
        } else {
            String::new()
        };
        lines += &format!("- {} : {}{more}\n", t.name, parts.join(" ; "));
    }
    if lines.is_empty() {
        return Ok(lines);
    }
    Ok(format!(
        "Types d'actions les plus décrits (nombre de rapports) :\n{lines}"
    ))
}

/// One line per group: how many of its reports treat or mention each theme.
fn summary_by_fr(by: &DataFrame, column: &str, codebook: &Codebook) -> PolarsResult<String> {
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
                        theme.get(i) == Some(t.id.as_str())
                            && level.get(i) != Some(Level::NonEvoquee.id())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::tests::{codebook, doc, para, two_reports_and_a_scan};
    use crate::record::DocStatus;

    #[test]
    fn the_summary_says_how_many_reports_treat_each_theme() {
        let s = two_reports_and_a_scan();
        let text = synthesis_fr(&s, &codebook()).unwrap();
        assert!(text.contains("Emploi, insertion, développement économique : 2 rapports sur 2 traitent ou évoquent le thème (approfondie 0, traitée 1, évoquée 1)"), "{text}");
        assert!(text.contains("Mobilisation du droit commun : 0 rapport sur 2 traite ou évoque le thème (approfondie 0, traitée 0, évoquée 0) ; 2 ne l'évoquent pas."), "{text}");
        // One difficulty is too little to conclude on (verdict_min_findings 2).
        assert!(!text.contains("conclu"), "{text}");
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
        unread.read.status = DocStatus::NoText;
        assert_eq!(report.on_topic(5), Some(true));
        assert_eq!(guide.on_topic(5), Some(false));
        assert_eq!(unread.on_topic(5), None, "unknown when not read");
        let docs = [report, guide, unread];
        let off = |min: u32| -> Vec<&str> {
            docs.iter()
                .filter(|d| d.on_topic(min) == Some(false))
                .map(|d| d.doc_id.as_str())
                .collect()
        };
        let line = off_topic_fr(&off(5), 5);
        assert!(
            line.contains("1 document lisible n'emploie") && line.contains(": guide."),
            "{line}"
        );
        assert_eq!(
            off_topic_fr(&off(1), 1),
            "",
            "no warning when all are on topic"
        );
    }
}
