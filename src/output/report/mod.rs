//! `evalmine report`: one self-contained HTML page with the synthesis, read
//! back from the Parquet tables of a run (so it shows what analysts' scripts
//! see, and can be rebuilt without rerunning anything).
//!
//! First the modalité of the reports (by territory), when `documents` has
//! it. Per theme: the analyst's sentence ("N rapports sur M traitent ou
//! évoquent…"), charts of its levels and verdicts, the recurring findings
//! (codes) as a chart and with an example quote, the action types (when
//! the run wrote `actions`), then the most telling quotes per polarity with
//! their report and page. Then the coverage matrix (report × theme) and the
//! files that could not be read. The charts are inline SVG (`charts`), built
//! from the tables in `figures`: the page stays one file.

use std::path::{Path, PathBuf};

use polars::prelude::*;

mod charts;
mod figures;
mod page;

use super::french::{
    level_name, polarity_name, polarity_title, theme_sentence, verdict_sentence, ThemeCounts,
    VerdictCounts,
};
use super::readback::{f64_col, read_optional, read_run, str_col, u32_col};
use crate::classify::Codebook;
use crate::error::{Error, Result};
use crate::record::{Level, Polarity, Verdict};
use page::{
    CodeRow, CoverageCell, FailedFile, OffTopicFile, Page, PolarityQuotes, Quote, ThemeSection,
};

/// Quotes shown per theme and polarity.
const QUOTES_PER_POLARITY: usize = 3;

/// The tables of one run, as written by `run`.
struct Tables {
    documents: DataFrame,
    coverage: DataFrame,
    synthesis: DataFrame,
    verdicts: DataFrame,
    codes: DataFrame,
    findings: DataFrame,
    /// Action types per theme, when the run wrote them.
    actions: Option<DataFrame>,
    /// Key-value metadata of documents.parquet (program, config, model).
    provenance: Vec<(String, String)>,
}

fn read_tables(dir: &Path) -> Result<Tables> {
    let (frames, provenance) = read_run(
        dir,
        &["coverage", "synthesis", "verdicts", "codes", "findings"],
    )?;
    let [documents, coverage, synthesis, verdicts, codes, findings]: [DataFrame; 6] =
        frames.try_into().expect("six tables were read");
    let actions = read_optional(dir, "actions", &provenance)?;
    Ok(Tables {
        documents,
        coverage,
        synthesis,
        verdicts,
        codes,
        findings,
        actions,
        provenance,
    })
}

/// Writes `report.html` in `dir` from the tables there; returns its path.
pub fn write_report(dir: &Path, codebook: &Codebook) -> Result<PathBuf> {
    let tables = read_tables(dir)?;
    let html = view(&tables, codebook)
        .map_err(|e| Error::ReadTable {
            path: dir.to_path_buf(),
            source: e.into(),
        })?
        .render();
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

/// The French name of a polarity id of the tables (the id itself when unknown).
fn polarity_name_of(id: &str) -> String {
    match Polarity::from_id(id) {
        Some(p) => polarity_name(p).to_string(),
        None => id.to_string(),
    }
}

/// Reads the tables into what the page shows.
fn view(t: &Tables, codebook: &Codebook) -> PolarsResult<Page> {
    let status = str_col(&t.documents, "status")?;
    let n_files = t.documents.height();
    let n_ok = (0..n_files)
        .filter(|&i| status.get(i) == Some("ok"))
        .count();
    let provenance = t
        .provenance
        .iter()
        .filter(|(k, _)| k.starts_with("evalmine."))
        .map(|(k, v)| format!("{} {v}", k.trim_start_matches("evalmine.")))
        .collect::<Vec<_>>()
        .join(", ");

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
    let r_theme = str_col(&t.verdicts, "theme")?;
    let r_verdict = str_col(&t.verdicts, "verdict")?;
    let r_n = u32_col(&t.verdicts, "n_documents")?;
    let verdicts = |theme: &str, verdict: Verdict| -> u32 {
        (0..t.verdicts.height())
            .find(|&i| r_theme.get(i) == Some(theme) && r_verdict.get(i) == Some(verdict.id()))
            .and_then(|i| r_n.get(i))
            .unwrap_or(0)
    };

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
    let text = |c: &StringChunked, i: usize| c.get(i).unwrap_or("").to_string();

    let mut themes = Vec::new();
    for theme in &codebook.themes {
        let id = theme.id.as_str();
        let counts = ThemeCounts {
            approfondie: count(id, Level::Approfondie.id()),
            traitee: count(id, Level::Traitee.id()),
            evoquee: count(id, Level::Evoquee.id()),
            total,
        };
        let levels = [
            Level::Approfondie,
            Level::Traitee,
            Level::Evoquee,
            Level::NonEvoquee,
        ]
        .map(|l| count(id, l.id()));
        let verdict_counts = Verdict::ALL.map(|v| verdicts(id, v));
        let mut sentence = theme_sentence(counts);
        let concluding = verdict_sentence(VerdictCounts {
            positif: verdict_counts[0],
            mitige: verdict_counts[1],
            negatif: verdict_counts[2],
        });
        if !concluding.is_empty() {
            sentence = format!("{sentence} ; {concluding}");
        }
        let code_rows: Vec<usize> = (0..t.codes.height())
            .filter(|&i| c_theme.get(i) == Some(id))
            .collect();
        let code_counts: Vec<figures::CodeCount> = code_rows
            .iter()
            .map(|&i| figures::CodeCount {
                polarity: Polarity::from_id(c_polarity.get(i).unwrap_or("")),
                label: text(&c_label, i),
                n_documents: c_docs.get(i).unwrap_or(0),
            })
            .collect();
        let codes = code_rows
            .iter()
            .map(|&i| CodeRow {
                label: text(&c_label, i),
                polarity: polarity_name_of(c_polarity.get(i).unwrap_or("")),
                n_documents: c_docs.get(i).unwrap_or(0),
                example: Quote {
                    text: text(&c_quote, i),
                    doc_id: text(&c_doc, i),
                    page: c_page.get(i).unwrap_or(0),
                },
            })
            .collect();
        let mut polarities = Vec::new();
        for polarity in Polarity::ALL {
            let mut rows: Vec<usize> = (0..t.findings.height())
                .filter(|&i| f_theme.get(i) == Some(id) && f_polarity.get(i) == Some(polarity.id()))
                .collect();
            if rows.is_empty() || polarity == Polarity::Neutre {
                continue;
            }
            let n_documents = {
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
            let mut quotes: Vec<Quote> = Vec::new();
            for &i in &rows {
                let doc = text(&f_doc, i);
                if quotes.iter().any(|q| q.doc_id == doc) {
                    continue;
                }
                quotes.push(Quote {
                    text: text(&f_quote, i),
                    doc_id: doc,
                    page: f_page.get(i).unwrap_or(0),
                });
                if quotes.len() == QUOTES_PER_POLARITY {
                    break;
                }
            }
            polarities.push(PolarityQuotes {
                title: polarity_title(polarity),
                n_paragraphs: rows.len() as u32,
                n_documents,
                quotes,
            });
        }
        let actions = match &t.actions {
            Some(table) => figures::actions(table, id, &theme.name)?,
            None => None,
        };
        themes.push(ThemeSection {
            name: theme.name.clone(),
            sentence,
            levels: figures::levels(&theme.name, levels, total),
            verdicts: figures::verdicts(&theme.name, verdict_counts, total),
            codes_chart: figures::codes(&theme.name, &code_counts, total),
            codes,
            actions,
            polarities,
        });
    }

    // Coverage matrix: a row per report, a cell per theme.
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
    let coverage = docs
        .iter()
        .map(|&doc| {
            let cells = codebook
                .themes
                .iter()
                .map(|theme| {
                    (0..t.coverage.height())
                        .find(|&i| {
                            v_doc.get(i) == Some(doc) && v_theme.get(i) == Some(theme.id.as_str())
                        })
                        .map(|i| {
                            let level = v_level.get(i).unwrap_or("");
                            CoverageCell {
                                level: level.to_string(),
                                name: match Level::from_id(level) {
                                    Some(l) => level_name(l).to_string(),
                                    None => level.to_string(),
                                },
                                counts: [&v_n, &v_r, &v_d, &v_p].map(|c| c.get(i).unwrap_or(0)),
                            }
                        })
                })
                .collect();
            (doc.to_string(), cells)
        })
        .collect();

    // Files that could not be read: every one has its row and its reason.
    let d_doc = str_col(&t.documents, "doc_id")?;
    let d_message = str_col(&t.documents, "message")?;
    let failed = (0..n_files)
        .filter(|&i| status.get(i) != Some("ok"))
        .map(|i| FailedFile {
            doc_id: text(&d_doc, i),
            status: text(&status, i),
            message: text(&d_message, i),
        })
        .collect();
    // Readable files that hardly use the field's words (tables of older
    // runs have no `on_topic` column).
    let off_topic = match t
        .documents
        .column("on_topic")
        .and_then(|c| c.bool().cloned())
    {
        Ok(on_topic) => {
            let terms = u32_col(&t.documents, "domain_terms")?;
            (0..n_files)
                .filter(|&i| on_topic.get(i) == Some(false))
                .map(|i| OffTopicFile {
                    doc_id: text(&d_doc, i),
                    terms: terms.get(i).unwrap_or(0),
                })
                .collect()
        }
        Err(_) => Vec::new(),
    };
    Ok(Page {
        modalite: figures::modalite(&t.documents)?,
        n_ok: n_ok as u32,
        n_files: n_files as u32,
        provenance,
        themes,
        theme_names: codebook.themes.iter().map(|t| t.name.clone()).collect(),
        coverage,
        failed,
        off_topic,
    })
}
