//! `evalmine report`: one self-contained HTML page with the synthesis, read
//! back from the Parquet tables of a run (so it shows what analysts' scripts
//! see, and can be rebuilt without rerunning anything).
//!
//! Per theme: the analyst's sentence ("N rapports sur M traitent ou
//! évoquent…"), the levels, the recurring findings (codes) with an example
//! quote, then the most telling quotes per polarity with their report and
//! page. Then the coverage matrix (report × theme) and the files that could
//! not be read.

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::french::{
    level_name, plural, polarity_name, polarity_title, theme_sentence, ThemeCounts,
};
use crate::classify::Codebook;
use crate::error::{Error, Result};
use crate::record::{Level, Polarity};

/// Quotes shown per theme and polarity.
const QUOTES_PER_POLARITY: usize = 3;

/// The tables of one run, as written by `run`.
struct Tables {
    documents: DataFrame,
    coverage: DataFrame,
    synthesis: DataFrame,
    codes: DataFrame,
    findings: DataFrame,
    /// Key-value metadata of documents.parquet (program, config, model).
    provenance: Vec<(String, String)>,
}

fn read_table(dir: &Path, name: &str) -> Result<(DataFrame, Vec<(String, String)>)> {
    let path = dir.join(format!("{name}.parquet"));
    let fail = |message: String| Error::ReadTable {
        path: path.clone(),
        source: message.into(),
    };
    let file = File::open(&path).map_err(|e| {
        fail(format!(
            "{e} (the report reads the Parquet tables of `evalmine run`; keep \"parquet\" in [output] formats)"
        ))
    })?;
    let mut reader = ParquetReader::new(file);
    let provenance = reader
        .get_metadata()
        .map_err(|e| fail(e.to_string()))?
        .key_value_metadata
        .iter()
        .flatten()
        .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
        .collect();
    let frame = reader.finish().map_err(|e| fail(e.to_string()))?;
    Ok((frame, provenance))
}

fn read_tables(dir: &Path) -> Result<Tables> {
    let (documents, provenance) = read_table(dir, "documents")?;
    Ok(Tables {
        documents,
        coverage: read_table(dir, "coverage")?.0,
        synthesis: read_table(dir, "synthesis")?.0,
        codes: read_table(dir, "codes")?.0,
        findings: read_table(dir, "findings")?.0,
        provenance,
    })
}

/// Writes `report.html` in `dir` from the tables there; returns its path.
pub fn write_report(dir: &Path, codebook: &Codebook) -> Result<PathBuf> {
    let tables = read_tables(dir)?;
    let html = render(&tables, codebook).map_err(|e| Error::ReadTable {
        path: dir.to_path_buf(),
        source: e.into(),
    })?;
    let path = dir.join("report.html");
    super::write_atomically(&path, |mut file| {
        use std::io::Write;
        file.write_all(html.as_bytes())
            .map_err(|e| PolarsError::IO {
                error: std::sync::Arc::new(e),
                msg: None,
            })
    })?;
    Ok(path)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn str_col(frame: &DataFrame, name: &str) -> PolarsResult<StringChunked> {
    Ok(frame.column(name)?.cast(&DataType::String)?.str()?.clone())
}

fn u32_col(frame: &DataFrame, name: &str) -> PolarsResult<UInt32Chunked> {
    Ok(frame.column(name)?.cast(&DataType::UInt32)?.u32()?.clone())
}

fn f64_col(frame: &DataFrame, name: &str) -> PolarsResult<Float64Chunked> {
    Ok(frame.column(name)?.cast(&DataType::Float64)?.f64()?.clone())
}

/// Levels as the bars show them, in depth first.
const BAR_LEVELS: [Level; 4] = [
    Level::Approfondie,
    Level::Traitee,
    Level::Evoquee,
    Level::NonEvoquee,
];

/// The French name of a polarity id of the tables (the id itself when unknown).
fn polarity_name_of(id: &str) -> &str {
    match Polarity::from_id(id) {
        Some(p) => polarity_name(p),
        None => id,
    }
}

fn render(t: &Tables, codebook: &Codebook) -> PolarsResult<String> {
    let mut html = String::new();
    let status = str_col(&t.documents, "status")?;
    let n_files = t.documents.height();
    let n_ok = (0..n_files)
        .filter(|&i| status.get(i) == Some("ok"))
        .count();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <title>Synthèse des évaluations</title><style>{STYLE}</style></head><body>\n\
         <h1>Synthèse des évaluations</h1>\n<p class=\"meta\">{} lu{} sur {} ({})</p>\n",
        plural(n_ok as u32, "rapport"),
        if n_ok > 1 { "s" } else { "" },
        plural(n_files as u32, "fichier"),
        t.provenance
            .iter()
            .filter(|(k, _)| k.starts_with("evalmine."))
            .map(|(k, v)| format!(
                "{} {}",
                escape(k.trim_start_matches("evalmine.")),
                escape(v)
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );

    // Synthesis per theme.
    let s_theme = str_col(&t.synthesis, "theme")?;
    let s_level = str_col(&t.synthesis, "level")?;
    let s_n = u32_col(&t.synthesis, "n_documents")?;
    let s_total = u32_col(&t.synthesis, "n_total")?;
    let count = |theme: &str, level: &str| -> u32 {
        (0..t.synthesis.height())
            .find(|&i| s_theme.get(i) == Some(theme) && s_level.get(i) == Some(level))
            .and_then(|i| s_n.get(i))
            .unwrap_or(0)
    };
    let total = s_total.get(0).unwrap_or(0);

    let c_theme = str_col(&t.codes, "theme")?;
    let c_polarity = str_col(&t.codes, "polarity")?;
    let c_label = str_col(&t.codes, "label")?;
    let c_docs = u32_col(&t.codes, "n_documents")?;
    let c_quote = str_col(&t.codes, "example_quote")?;
    let c_doc = str_col(&t.codes, "example_doc_id")?;
    let c_page = u32_col(&t.codes, "example_page")?;

    let f_theme = str_col(&t.findings, "theme")?;
    let f_polarity = str_col(&t.findings, "polarity")?;
    let f_score = f64_col(&t.findings, "score")?;
    let f_quote = str_col(&t.findings, "quote")?;
    let f_doc = str_col(&t.findings, "doc_id")?;
    let f_page = u32_col(&t.findings, "page")?;

    html += "<h2>Couverture des thèmes</h2>\n";
    for theme in &codebook.themes {
        let id = theme.id.as_str();
        let counts = ThemeCounts {
            approfondie: count(id, Level::Approfondie.id()),
            traitee: count(id, Level::Traitee.id()),
            evoquee: count(id, Level::Evoquee.id()),
            total,
        };
        let _ = write!(
            html,
            "<section><h3>{}</h3>\n<p>{}.</p>\n",
            escape(&theme.name),
            theme_sentence(counts)
        );
        if total > 0 {
            html += "<div class=\"bar\">";
            for level in BAR_LEVELS {
                let (name, level) = (level_name(level), level.id());
                let n = count(id, level);
                if n > 0 {
                    let _ = write!(
                        html,
                        "<span class=\"{level}\" style=\"flex:{n}\" title=\"{name} : {n}\">{n}</span>"
                    );
                }
            }
            html += "</div>\n";
        }

        let codes: Vec<usize> = (0..t.codes.height())
            .filter(|&i| c_theme.get(i) == Some(id))
            .collect();
        if !codes.is_empty() {
            html += "<h4>Constats récurrents</h4>\n<table><tr><th>Constat</th><th>Polarité</th><th>Rapports</th><th>Exemple</th></tr>\n";
            for i in codes {
                let _ = writeln!(
                    html,
                    "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td><q>{}</q> <cite>{}, p. {}</cite></td></tr>",
                    escape(c_label.get(i).unwrap_or("")),
                    escape(polarity_name_of(c_polarity.get(i).unwrap_or(""))),
                    c_docs.get(i).unwrap_or(0),
                    escape(c_quote.get(i).unwrap_or("")),
                    escape(c_doc.get(i).unwrap_or("")),
                    c_page.get(i).unwrap_or(0)
                );
            }
            html += "</table>\n";
        }

        for polarity in Polarity::ALL {
            let (title, polarity) = (polarity_title(polarity), polarity.id());
            let mut rows: Vec<usize> = (0..t.findings.height())
                .filter(|&i| f_theme.get(i) == Some(id) && f_polarity.get(i) == Some(polarity))
                .collect();
            if rows.is_empty() || polarity == "neutre" {
                continue;
            }
            let n_docs = {
                let mut docs: Vec<&str> = rows.iter().filter_map(|&i| f_doc.get(i)).collect();
                docs.sort_unstable();
                docs.dedup();
                docs.len() as u32
            };
            // The most confident findings first, one per report.
            rows.sort_by(|&a, &b| {
                f_score
                    .get(b)
                    .unwrap_or(0.0)
                    .total_cmp(&f_score.get(a).unwrap_or(0.0))
            });
            let mut seen: Vec<&str> = Vec::new();
            let _ = writeln!(
                html,
                "<h4>{title} ({} dans {})</h4>\n<ul>",
                plural(rows.len() as u32, "paragraphe"),
                plural(n_docs, "rapport")
            );
            for &i in &rows {
                let doc = f_doc.get(i).unwrap_or("");
                if seen.contains(&doc) {
                    continue;
                }
                seen.push(doc);
                let _ = writeln!(
                    html,
                    "<li><q>{}</q> <cite>{}, p. {}</cite></li>",
                    escape(f_quote.get(i).unwrap_or("")),
                    escape(doc),
                    f_page.get(i).unwrap_or(0)
                );
                if seen.len() == QUOTES_PER_POLARITY {
                    break;
                }
            }
            html += "</ul>\n";
        }
        html += "</section>\n";
    }

    // Coverage matrix.
    let v_doc = str_col(&t.coverage, "doc_id")?;
    let v_theme = str_col(&t.coverage, "theme")?;
    let v_level = str_col(&t.coverage, "level")?;
    let v_n = u32_col(&t.coverage, "n_paragraphs")?;
    let v_r = u32_col(&t.coverage, "n_reussite")?;
    let v_d = u32_col(&t.coverage, "n_difficulte")?;
    let v_p = u32_col(&t.coverage, "n_preconisation")?;
    let mut docs: Vec<&str> = (0..t.coverage.height())
        .filter_map(|i| v_doc.get(i))
        .collect();
    docs.dedup();
    html +=
        "<h2>Niveau de traitement par rapport</h2>\n<table class=\"matrix\"><tr><th>Rapport</th>";
    for theme in &codebook.themes {
        let _ = write!(html, "<th>{}</th>", escape(&theme.name));
    }
    html += "</tr>\n";
    for doc in docs {
        let _ = write!(html, "<tr><td>{}</td>", escape(doc));
        for theme in &codebook.themes {
            let row = (0..t.coverage.height())
                .find(|&i| v_doc.get(i) == Some(doc) && v_theme.get(i) == Some(theme.id.as_str()));
            match row {
                Some(i) => {
                    let level = v_level.get(i).unwrap_or("");
                    let name = match Level::from_id(level) {
                        Some(l) => level_name(l),
                        None => level,
                    };
                    let _ = write!(
                        html,
                        "<td class=\"{}\" title=\"{} paragraphes : {} réussites, {} difficultés, {} préconisations\">{}</td>",
                        escape(level),
                        v_n.get(i).unwrap_or(0),
                        v_r.get(i).unwrap_or(0),
                        v_d.get(i).unwrap_or(0),
                        v_p.get(i).unwrap_or(0),
                        escape(name)
                    );
                }
                None => html += "<td></td>",
            }
        }
        html += "</tr>\n";
    }
    html += "</table>\n";

    // Files that could not be read: every one has its row and its reason.
    let d_doc = str_col(&t.documents, "doc_id")?;
    let d_message = str_col(&t.documents, "message")?;
    let failed: Vec<usize> = (0..n_files)
        .filter(|&i| status.get(i) != Some("ok"))
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(
            html,
            "<h2>Fichiers non lus ({})</h2>\n<table><tr><th>Fichier</th><th>Statut</th><th>Cause</th></tr>",
            failed.len()
        );
        for i in failed {
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(d_doc.get(i).unwrap_or("")),
                escape(status.get(i).unwrap_or("")),
                escape(d_message.get(i).unwrap_or(""))
            );
        }
        html += "</table>\n";
    }
    // Readable files that hardly use the field's words (tables of older
    // runs have no `on_topic` column).
    if let Ok(on_topic) = t
        .documents
        .column("on_topic")
        .and_then(|c| c.bool().cloned())
    {
        let terms = u32_col(&t.documents, "domain_terms")?;
        let off: Vec<usize> = (0..n_files)
            .filter(|&i| on_topic.get(i) == Some(false))
            .collect();
        if !off.is_empty() {
            let _ = writeln!(
                html,
                "<h2>Fichiers à vérifier ({})</h2>\n<p>Lus et comptés dans la synthèse, mais ils n'emploient presque pas le vocabulaire de la politique de la ville.</p>\n<table><tr><th>Fichier</th><th>Termes du domaine</th></tr>",
                off.len()
            );
            for i in off {
                let _ = writeln!(
                    html,
                    "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                    escape(d_doc.get(i).unwrap_or("")),
                    terms.get(i).unwrap_or(0)
                );
            }
            html += "</table>\n";
        }
    }
    html += "</body></html>\n";
    Ok(html)
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}\
h3{border-bottom:1px solid #ccc}.meta{color:#666;font-size:.9em}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}\
td.n{text-align:right}cite{color:#666;font-style:normal;white-space:nowrap}\
.bar{display:flex;height:1.4em;max-width:40em;font-size:.8em;color:#fff}.bar span{text-align:center;line-height:1.4em}\
.approfondie{background:#1b5e20;color:#fff}.traitee{background:#43a047;color:#fff}\
.evoquee{background:#c5e1a5}.non_evoquee{background:#eee}\
.matrix td{font-size:.85em}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_escaped() {
        assert_eq!(
            escape("<script>\"l'égalité\" & co</script>"),
            "&lt;script&gt;&quot;l&#39;égalité&quot; &amp; co&lt;/script&gt;"
        );
    }
}
