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
    use std::fmt::Write as _;
    use std::io::Write;
    let fail = |path: &Path, e: String| Error::WriteTable {
        path: path.to_path_buf(),
        source: e.into(),
    };
    let target = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("<stdout>"));
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
        fn text(cell: &str, guard: bool) -> std::borrow::Cow<'_, str> {
            if guard {
                super::guard_cell(cell)
            } else {
                cell.into()
            }
        }
        let guard = dialect.csv_formula_guard;
        w.write_record([
            "id",
            "themes",
            "polarity",
            "theme_scores",
            "polarity_score",
            "evidence",
        ])
        .map_err(|e| fail(&target, e.to_string()))?;
        // Cells written into strings reused from row to row (this runs
        // for every paragraph).
        let (mut themes, mut scores, mut polarity_score) =
            (String::new(), String::new(), String::new());
        for (row, l) in labelled {
            themes.clear();
            for (i, &t) in l.themes.iter().enumerate() {
                if i > 0 {
                    themes.push('|');
                }
                themes.push_str(codebook.theme_id(t));
            }
            scores.clear();
            for (i, (t, s)) in codebook.themes.iter().zip(&l.theme_scores).enumerate() {
                let _ = write!(scores, "{}{}:{s:.3}", if i > 0 { "|" } else { "" }, t.id);
            }
            polarity_score.clear();
            let _ = write!(polarity_score, "{:.3}", l.polarity_score);
            w.write_record([
                &*text(&row.id, guard),
                &themes,
                l.polarity.id(),
                &scores,
                &polarity_score,
                &*text(&l.evidence, guard),
            ])
            .map_err(|e| fail(&target, e.to_string()))?;
        }
        w.flush().map_err(|e| fail(&target, e.to_string()))?;
    }
    Ok(())
}
