//! Report metadata: read from the text of each report (`text`: title,
//! territory, département, year, contract period, evaluator, modalité, each
//! with its evidence sentence and a confidence), and from the user's CSV
//! (`run --metadata FILE.csv`: a `doc_id` column and any others), whose
//! values override the text's. Rows of the CSV naming no known report and
//! duplicate rows are reported, never silently dropped.

mod author;
mod dates;
pub(crate) mod fold;
mod found;
mod place;
pub mod rules;
pub mod text;

pub use found::{Field, Found, ReportMeta};
pub use rules::Rules;
pub use text::read_report;

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct Metadata {
    /// The columns after `doc_id`, in file order.
    pub columns: Vec<String>,
    /// doc_id -> values aligned with `columns` (the first row wins).
    pub rows: HashMap<String, Vec<String>>,
    /// doc_ids with more than one row.
    pub duplicates: Vec<String>,
}

impl Metadata {
    /// Reads the file; `;`, `,` and tab separators are recognised from the header.
    pub fn load(path: &Path) -> Result<Metadata> {
        let fail = |message: String| Error::Metadata {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let text = text.trim_start_matches('\u{feff}');
        let header = text.lines().next().unwrap_or("");
        let separator = [b';', b'\t', b',']
            .into_iter()
            .max_by_key(|s| header.matches(*s as char).count())
            .unwrap_or(b',');
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(separator)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| fail(e.to_string()))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let id = headers
            .iter()
            .position(|h| h == "doc_id")
            .ok_or_else(|| fail("the header has no `doc_id` column".into()))?;
        let columns: Vec<String> = headers
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != id)
            .map(|(_, h)| h.clone())
            .collect();
        if let Some(dup) = columns
            .iter()
            .find(|c| columns.iter().filter(|d| d == c).count() > 1)
        {
            return Err(fail(format!("the column `{dup}` appears twice")));
        }
        let mut meta = Metadata {
            columns,
            ..Metadata::default()
        };
        for (line, record) in reader.records().enumerate() {
            let record = record.map_err(|e| fail(format!("row {}: {e}", line + 2)))?;
            let doc_id = record.get(id).unwrap_or("").trim().to_string();
            if doc_id.is_empty() {
                return Err(fail(format!("row {}: empty doc_id", line + 2)));
            }
            let values: Vec<String> = (0..headers.len())
                .filter(|&i| i != id)
                .map(|i| record.get(i).unwrap_or("").trim().to_string())
                .collect();
            match meta.rows.entry(doc_id) {
                std::collections::hash_map::Entry::Occupied(row) => {
                    meta.duplicates.push(row.key().clone())
                }
                std::collections::hash_map::Entry::Vacant(row) => {
                    row.insert(values);
                }
            }
        }
        Ok(meta)
    }

    /// doc_ids of the file that match no report of the run.
    pub fn unknown<'a>(&'a self, known: &[&str]) -> Vec<&'a str> {
        // A set: a national corpus has thousands of reports and rows.
        let known: std::collections::HashSet<&str> = known.iter().copied().collect();
        let mut unknown: Vec<&str> = self
            .rows
            .keys()
            .map(String::as_str)
            .filter(|d| !known.contains(d))
            .collect();
        unknown.sort_unstable();
        unknown
    }

    /// A report's value in `column`, if the file gives one.
    pub fn value(&self, doc_id: &str, column: &str) -> Option<&str> {
        let i = self.columns.iter().position(|c| c == column)?;
        self.rows
            .get(doc_id)
            .map(|v| v[i].as_str())
            .filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Metadata> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("meta.csv");
        std::fs::write(&path, text).unwrap();
        Metadata::load(&path)
    }

    #[test]
    fn reads_any_separator_and_reports_duplicates_and_unknowns() {
        let m = load("\u{feff}doc_id;territory;modalite\nr01;Fontbrune;cabinet\nr02;Saint-Aurèle;interne\nr02;Autre;mixte\nzz;Nulle part;cabinet\n").unwrap();
        assert_eq!(m.columns, ["territory", "modalite"]);
        assert_eq!(
            m.value("r02", "modalite"),
            Some("interne"),
            "the first row wins"
        );
        assert_eq!(m.duplicates, ["r02"]);
        assert_eq!(m.unknown(&["r01", "r02"]), ["zz"]);
        let m = load("doc_id,year\nr01,2022\n").unwrap();
        assert_eq!(m.value("r01", "year"), Some("2022"));
    }

    #[test]
    fn a_file_without_doc_id_is_an_error() {
        let err = load("id;territory\nr01;x\n").unwrap_err().to_string();
        assert!(err.contains("doc_id"), "{err}");
    }
}
