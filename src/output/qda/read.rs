//! What the export reads from the Parquet tables of a run: the readable
//! documents with their paragraphs in order, and the findings on them.

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::{DataFrame, PolarsError, PolarsResult};

use super::super::readback::{f64_col, read_optional, read_run, run_id, str_col, u32_col};
use crate::error::{Error, Result};

/// A paragraph of a readable document.
pub(super) struct Para {
    pub(super) para_id: u32,
    pub(super) page: u32,
    pub(super) text: String,
    pub(super) polarity_score: Option<f64>,
}

/// A row of `findings`.
pub(super) struct Finding {
    pub(super) para_id: u32,
    pub(super) theme: String,
    pub(super) polarity: Option<String>,
    pub(super) code: Option<String>,
    pub(super) score: Option<f64>,
    pub(super) evidence: String,
    /// Action types the paragraph describes (`findings.actions`; none in
    /// tables written before the action types).
    pub(super) actions: Vec<String>,
}

/// A readable document with its paragraphs (in order) and findings.
pub(super) struct Doc {
    pub(super) doc_id: String,
    pub(super) path: String,
    pub(super) pages: Option<u32>,
    pub(super) title: Option<String>,
    pub(super) paragraphs: Vec<Para>,
    pub(super) findings: Vec<Finding>,
}

/// What the export reads from the tables of a run.
pub(super) struct Run {
    pub(super) docs: Vec<Doc>,
    /// Labels of the recurring findings (table `codes`), by code id.
    pub(super) code_labels: HashMap<String, String>,
    /// The action types of the run (table `actions`, in its order): theme,
    /// action type id, label. Empty when the run wrote no such table.
    pub(super) action_types: Vec<(String, String, String)>,
    pub(super) run_id: Option<String>,
    /// Findings of no readable document (none in the tables of one run).
    pub(super) orphans: usize,
    /// "version 0.1.0, config_hash ..., model_version ...".
    pub(super) provenance: String,
}

pub(super) fn read(dir: &Path) -> Result<Run> {
    let (frames, provenance) = read_run(dir, &["paragraphs", "findings", "codes"])?;
    let fail = |e: PolarsError| Error::ReadTable {
        path: dir.to_path_buf(),
        source: e.into(),
    };
    let [documents, paragraphs, findings, codes]: [DataFrame; 4] =
        frames.try_into().expect("four tables were read");
    let mut run = Run {
        docs: Vec::new(),
        code_labels: HashMap::new(),
        action_types: Vec::new(),
        run_id: run_id(&provenance).map(str::to_string),
        orphans: 0,
        provenance: provenance
            .iter()
            .filter(|(k, _)| k.starts_with("evalmine.") && k != "evalmine.run_id")
            .map(|(k, v)| format!("{} {v}", k.trim_start_matches("evalmine.")))
            .collect::<Vec<_>>()
            .join(", "),
    };
    read_documents(&mut run, &documents, &paragraphs).map_err(fail)?;
    read_findings(&mut run, &findings, &codes).map_err(fail)?;
    if let Some(actions) = read_optional(dir, "actions", &provenance)? {
        read_action_types(&mut run, &actions).map_err(fail)?;
    }
    Ok(run)
}

/// The readable documents (status `ok`, or with paragraphs), in the order
/// of `documents`, with their paragraphs in order.
fn read_documents(
    run: &mut Run,
    documents: &DataFrame,
    paragraphs: &DataFrame,
) -> PolarsResult<()> {
    let p_doc = str_col(paragraphs, "doc_id")?;
    let p_id = u32_col(paragraphs, "para_id")?;
    let p_page = u32_col(paragraphs, "page")?;
    let p_text = str_col(paragraphs, "text")?;
    let p_score = f64_col(paragraphs, "polarity_score")?;
    let mut by_doc: HashMap<&str, Vec<Para>> = HashMap::new();
    for i in 0..paragraphs.height() {
        let Some(doc) = p_doc.get(i) else { continue };
        by_doc.entry(doc).or_default().push(Para {
            para_id: p_id.get(i).unwrap_or(0),
            page: p_page.get(i).unwrap_or(0),
            text: p_text.get(i).unwrap_or("").to_string(),
            polarity_score: p_score.get(i),
        });
    }
    let d_doc = str_col(documents, "doc_id")?;
    let d_path = str_col(documents, "path")?;
    let d_status = str_col(documents, "status")?;
    let d_pages = u32_col(documents, "pages")?;
    // Tables of older runs have no title column.
    let d_title = str_col(documents, "title").ok();
    for i in 0..documents.height() {
        let Some(doc_id) = d_doc.get(i) else { continue };
        let paragraphs = by_doc.remove(doc_id);
        if d_status.get(i) != Some("ok") && paragraphs.is_none() {
            continue;
        }
        let mut paragraphs = paragraphs.unwrap_or_default();
        paragraphs.sort_by_key(|p| p.para_id);
        run.docs.push(Doc {
            doc_id: doc_id.to_string(),
            path: d_path.get(i).unwrap_or("").to_string(),
            pages: d_pages.get(i),
            title: d_title
                .as_ref()
                .and_then(|t| t.get(i))
                .filter(|t| !t.is_empty())
                .map(str::to_string),
            paragraphs,
            findings: Vec::new(),
        });
    }
    Ok(())
}

fn read_findings(run: &mut Run, findings: &DataFrame, codes: &DataFrame) -> PolarsResult<()> {
    let c_code = str_col(codes, "code")?;
    let c_label = str_col(codes, "label")?;
    for i in 0..codes.height() {
        if let (Some(code), Some(label)) = (c_code.get(i), c_label.get(i)) {
            run.code_labels.insert(code.to_string(), label.to_string());
        }
    }
    let index: HashMap<String, usize> = run
        .docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.doc_id.clone(), i))
        .collect();
    let f_doc = str_col(findings, "doc_id")?;
    let f_para = u32_col(findings, "para_id")?;
    let f_theme = str_col(findings, "theme")?;
    let f_polarity = str_col(findings, "polarity")?;
    let f_code = str_col(findings, "code")?;
    let f_score = f64_col(findings, "score")?;
    let f_evidence = str_col(findings, "evidence")?;
    let f_actions = findings
        .column("actions")
        .ok()
        .map(|c| c.list().cloned())
        .transpose()?;
    for i in 0..findings.height() {
        let (Some(doc), Some(para_id), Some(theme)) = (f_doc.get(i), f_para.get(i), f_theme.get(i))
        else {
            continue;
        };
        let finding = Finding {
            para_id,
            theme: theme.to_string(),
            polarity: f_polarity.get(i).map(str::to_string),
            code: f_code.get(i).map(str::to_string),
            score: f_score.get(i),
            evidence: f_evidence.get(i).unwrap_or("").to_string(),
            actions: match f_actions.as_ref().and_then(|a| a.get_as_series(i)) {
                Some(list) => {
                    let values = list.cast(&polars::prelude::DataType::String)?;
                    let values = values.str()?;
                    (0..values.len())
                        .filter_map(|j| values.get(j).map(str::to_string))
                        .collect()
                }
                None => Vec::new(),
            },
        };
        match index.get(doc) {
            Some(&d) => run.docs[d].findings.push(finding),
            None => run.orphans += 1,
        }
    }
    Ok(())
}

fn read_action_types(run: &mut Run, actions: &DataFrame) -> PolarsResult<()> {
    let theme = str_col(actions, "theme")?;
    let id = str_col(actions, "action_type")?;
    let label = str_col(actions, "label")?;
    for i in 0..actions.height() {
        if let (Some(t), Some(a)) = (theme.get(i), id.get(i)) {
            let label = label.get(i).unwrap_or(a);
            run.action_types
                .push((t.to_string(), a.to_string(), label.to_string()));
        }
    }
    Ok(())
}
