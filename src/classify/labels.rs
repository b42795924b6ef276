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

/// The field separator of a CSV: `;` (what French Excel saves, and what
/// `run` writes), `,` or tab, whichever the header line holds most often
/// outside quotes (`,` when none).
fn sniff_separator(bytes: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in bytes.iter().take_while(|&&b| b != b'\n') {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (sep, n) in counts.iter_mut() {
                if b == *sep {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(sep, n)| (*n, *sep == b','))
        .map_or(b',', |(sep, _)| *sep)
}

/// Reads a CSV (`,`, `;` or tab separated) with a header naming at least
/// `id` and `text`, in any case. With
/// `require_labels`, `themes` and `polarity` must be there and valid.
pub fn read(path: &Path, codebook: &Codebook, require_labels: bool) -> Result<Vec<Row>> {
    let fail = |message: String| Error::LabelFile {
        path: path.to_path_buf(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    let separator = sniff_separator(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .delimiter(separator)
        .from_reader(bytes.as_slice());
    let headers = reader.headers().map_err(|e| fail(e.to_string()))?.clone();
    // Header names in any case ("ID,Text"), a byte-order mark aside.
    let column = |name: &str| {
        headers.iter().position(|h| {
            h.trim_start_matches('\u{feff}')
                .trim()
                .eq_ignore_ascii_case(name)
        })
    };
    let (id, text) = match (column("id"), column("text")) {
        (Some(i), Some(t)) => (i, t),
        _ => {
            return Err(fail(format!(
            "the header must name the columns `id` and `text` (read with the separator {:?}: {:?})",
            separator as char,
            headers.iter().collect::<Vec<_>>()
        )))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_separator_is_read_from_the_header() {
        assert_eq!(sniff_separator(b"id;text;context\n1;a,b;c"), b';');
        assert_eq!(sniff_separator(b"\"id\",\"text\"\n"), b',');
        assert_eq!(sniff_separator(b"id\ttext\n"), b'\t');
        assert_eq!(
            sniff_separator(b"\"i;d\",text\n"),
            b',',
            "quoted separators do not count"
        );
    }
}
