//! `evalmine label` results: CSV or JSON lines.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `label` results: JSON lines, or CSV in the dialect of `run`'s
/// tables (the `[output]` separator, text cells guarded against formulas
/// when `csv_formula_guard` is on, and a BOM in a file, so French Excel
/// opens it as it opens the tables), to a file or standard output.
pub fn write_labels(
    labelled: &[(&crate::classify::labels::Row, crate::record::Labels)],
    codebook: &crate::classify::Codebook,
    out: Option<&Path>,
    dialect: &super::OutputConfig,
) -> Result<()> {
    use std::io::Write;
    let fail = |path: &Path, e: String| Error::WriteTable {
        path: path.to_path_buf(),
        source: e.into(),
    };
    let target = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("<stdout>"));
    let themes_of = |l: &crate::record::Labels| {
        l.themes
            .iter()
            .map(|&t| codebook.theme_id(t))
            .collect::<Vec<_>>()
            .join("|")
    };
    let scores_of = |l: &crate::record::Labels| {
        codebook
            .themes
            .iter()
            .zip(&l.theme_scores)
            .map(|(t, s)| format!("{}:{s:.3}", t.id))
            .collect::<Vec<_>>()
            .join("|")
    };
    let jsonl = out.is_some_and(|p| p.extension().is_some_and(|e| e == "jsonl"));
    let mut sink: Box<dyn Write> = match out {
        Some(path) => Box::new(std::io::BufWriter::new(
            File::create(path).map_err(|e| fail(path, e.to_string()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    if jsonl {
        for (row, l) in labelled {
            let value = serde_json::json!({
                "id": row.id,
                "themes": l.themes.iter().map(|&t| codebook.theme_id(t)).collect::<Vec<_>>(),
                "polarity": l.polarity.id(),
                "theme_scores": codebook.themes.iter().zip(&l.theme_scores).map(|(t, s)| (t.id.clone(), *s)).collect::<std::collections::BTreeMap<_, _>>(),
                "polarity_score": l.polarity_score,
                "evidence": l.evidence,
            });
            writeln!(sink, "{value}").map_err(|e| fail(&target, e.to_string()))?;
        }
    } else {
        if out.is_some() {
            sink.write_all("\u{feff}".as_bytes())
                .map_err(|e| fail(&target, e.to_string()))?;
        }
        let mut w = csv::WriterBuilder::new()
            .delimiter(dialect.csv_separator.as_bytes()[0])
            .from_writer(sink);
        let text = |cell: &str| -> String {
            if dialect.csv_formula_guard {
                super::guard_cell(cell).into_owned()
            } else {
                cell.to_string()
            }
        };
        w.write_record([
            "id",
            "themes",
            "polarity",
            "theme_scores",
            "polarity_score",
            "evidence",
        ])
        .map_err(|e| fail(&target, e.to_string()))?;
        for (row, l) in labelled {
            w.write_record([
                text(&row.id).as_str(),
                &themes_of(l),
                l.polarity.id(),
                &scores_of(l),
                &format!("{:.3}", l.polarity_score),
                &text(&l.evidence),
            ])
            .map_err(|e| fail(&target, e.to_string()))?;
        }
        w.flush().map_err(|e| fail(&target, e.to_string()))?;
    }
    Ok(())
}
