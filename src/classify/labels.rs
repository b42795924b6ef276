//! Labelled paragraphs in CSV (`id,text,themes,polarity[,context]`, themes
//! joined by `|`), as read by `train` and `evaluate`, and unlabelled ones
//! (`id,text[,context]`) as read by `label`. An optional `section` column
//! gives the heading the context heading sits under.

use std::path::Path;

use crate::error::{Error, Result};

use super::data::Codebook;

#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub text: String,
    pub context: Option<String>,
    /// The heading `context` sits under (column `section`).
    pub section: Option<String>,
    /// Gold labels when the file has them: theme flags in codebook order, polarity index.
    pub gold: Option<(Vec<bool>, usize)>,
}

impl Row {
    pub fn headings(&self) -> super::Headings<'_> {
        super::Headings {
            nearest: self.context.as_deref(),
            section: self.section.as_deref(),
        }
    }
}

/// Reads a CSV with a header naming at least `id` and `text`. With
/// `require_labels`, `themes` and `polarity` must be there and valid.
pub fn read(path: &Path, codebook: &Codebook, require_labels: bool) -> Result<Vec<Row>> {
    let fail = |message: String| Error::LabelFile {
        path: path.to_path_buf(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|e| fail(e.to_string()))?;
    let headers = reader.headers().map_err(|e| fail(e.to_string()))?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim() == name)
    };
    let (id, text) = match (column("id"), column("text")) {
        (Some(i), Some(t)) => (i, t),
        _ => {
            return Err(fail(
                "the header must name the columns `id` and `text`".into(),
            ))
        }
    };
    let (themes, polarity, context) = (column("themes"), column("polarity"), column("context"));
    let section = column("section");
    if require_labels && (themes.is_none() || polarity.is_none()) {
        return Err(fail(
            "the header must name the columns `themes` and `polarity`".into(),
        ));
    }
    let mut rows = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| fail(e.to_string()))?;
        let at = |i: usize| record.get(i).unwrap_or("").to_string();
        let gold = match (themes, polarity) {
            (Some(t), Some(p)) => {
                let mut flags = vec![false; codebook.themes.len()];
                for theme in at(t).split('|').map(str::trim).filter(|s| !s.is_empty()) {
                    let i = codebook.theme_index(theme).ok_or_else(|| {
                        fail(format!("row {}: unknown theme `{theme}`", line + 2))
                    })?;
                    flags[i] = true;
                }
                let pol = at(p);
                let pi = codebook
                    .polarity_index(pol.trim())
                    .ok_or_else(|| fail(format!("row {}: unknown polarity `{pol}`", line + 2)))?;
                Some((flags, pi))
            }
            _ => None,
        };
        let context = context.map(at).filter(|c| !c.trim().is_empty());
        let section = section.map(at).filter(|c| !c.trim().is_empty());
        rows.push(Row {
            id: at(id),
            text: at(text),
            context,
            section,
            gold,
        });
    }
    Ok(rows)
}
