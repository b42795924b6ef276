//! `evalmine label` results: CSV or JSON lines.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `label` results: CSV (`;`-free standard CSV with a header) or
/// JSON lines, to a file or standard output.
pub fn write_labels(
    labelled: &[(&crate::classify::labels::Row, crate::record::Labels)],
    codebook: &crate::classify::Codebook,
    out: Option<&Path>,
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
        let mut w = csv::Writer::from_writer(sink);
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
                row.id.as_str(),
                &themes_of(l),
                l.polarity.id(),
                &scores_of(l),
                &format!("{:.3}", l.polarity_score),
                &l.evidence,
            ])
            .map_err(|e| fail(&target, e.to_string()))?;
        }
        w.flush().map_err(|e| fail(&target, e.to_string()))?;
    }
    Ok(())
}
