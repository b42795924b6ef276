//! Output stage: documents and paragraphs -> polars tables written as
//! Parquet (zstd, with provenance in the key-value metadata) and CSV (UTF-8
//! with BOM and ";" so French Excel opens it). Every file is written to a
//! temporary name and renamed, so a reader never sees half a table.
//!
//! All polars calls live here: its API moves between versions.

mod inspect;
mod report;

pub use inspect::inspect_report;
pub use report::write_report;

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::config::{OutputConfig, TableFormat};
use crate::error::{Error, Result};
use crate::metadata::Metadata;
use crate::record::Document;

/// What a table says about how it was made.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub program_version: String,
    pub config_hash: String,
    pub model_version: String,
}

/// Builds the `documents` table: one row per input file, with the columns
/// of the metadata file when one is given (null where a report has none).
pub fn documents_frame(
    docs: &[Document],
    metadata: Option<&Metadata>,
    on_topic_min_terms: u32,
) -> PolarsResult<DataFrame> {
    let n = docs.len();
    let mut columns = vec![
        Column::new(
            "doc_id".into(),
            docs.iter().map(|d| d.doc_id.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "path".into(),
            docs.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "content_hash".into(),
            docs.iter()
                .map(|d| d.content_hash.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "bytes".into(),
            docs.iter().map(|d| d.bytes).collect::<Vec<u64>>(),
        ),
        Column::new(
            "pages".into(),
            docs.iter().map(|d| d.pages).collect::<Vec<u32>>(),
        ),
        Column::new(
            "pages_failed".into(),
            docs.iter().map(|d| d.pages_failed).collect::<Vec<u32>>(),
        ),
        Column::new(
            "status".into(),
            docs.iter().map(|d| d.status.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "message".into(),
            docs.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "n_paragraphs".into(),
            docs.iter()
                .map(|d| d.paragraphs.len() as u32)
                .collect::<Vec<u32>>(),
        ),
        Column::new(
            "extractor".into(),
            docs.iter()
                .map(|d| d.extractor.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "title".into(),
            docs.iter()
                .map(|d| d.title.as_deref())
                .collect::<Vec<Option<&str>>>(),
        ),
        Column::new(
            "domain_terms".into(),
            docs.iter()
                .map(Document::domain_terms)
                .collect::<Vec<Option<u32>>>(),
        ),
        Column::new(
            "on_topic".into(),
            docs.iter()
                .map(|d| d.on_topic(on_topic_min_terms))
                .collect::<Vec<Option<bool>>>(),
        ),
    ];
    if let Some(meta) = metadata {
        for name in &meta.columns {
            // A metadata column named like a built-in one is prefixed, not lost.
            let taken = columns.iter().any(|c| c.name().as_str() == name);
            let column_name = if taken {
                format!("meta_{name}")
            } else {
                name.clone()
            };
            let values: Vec<Option<&str>> =
                docs.iter().map(|d| meta.value(&d.doc_id, name)).collect();
            columns.push(Column::new(column_name.into(), values));
        }
    }
    DataFrame::new(n, columns)
}

/// Builds the `paragraphs` table: one row per paragraph, in reading order.
/// CSV cannot hold lists: there `themes` is the ids joined by `|`.
pub fn paragraphs_frame(docs: &[Document], for_csv: bool) -> PolarsResult<DataFrame> {
    let n: usize = docs.iter().map(|d| d.paragraphs.len()).sum();
    let (mut doc_id, mut para_id, mut page) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut heading, mut section, mut kind, mut text) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut themes, mut themes_joined, mut polarity, mut polarity_score) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for d in docs {
        for (i, p) in d.paragraphs.iter().enumerate() {
            doc_id.push(d.doc_id.as_str());
            para_id.push(i as u32);
            page.push(p.page);
            heading.push(p.heading.as_deref());
            section.push(p.section.as_deref());
            kind.push(p.kind.as_str());
            text.push(p.text.as_str());
            let ids: Vec<&str> = p
                .labels
                .as_ref()
                .map(|l| l.themes.iter().map(String::as_str).collect())
                .unwrap_or_default();
            themes_joined.push(ids.join("|"));
            themes.push(Series::new("".into(), ids));
            polarity.push(p.labels.as_ref().map(|l| l.polarity.as_str()));
            polarity_score.push(p.labels.as_ref().map(|l| l.polarity_score));
        }
    }
    let themes = if for_csv {
        Column::new("themes".into(), themes_joined)
    } else {
        Column::new("themes".into(), themes)
    };
    DataFrame::new(
        n,
        vec![
            Column::new("doc_id".into(), doc_id),
            Column::new("para_id".into(), para_id),
            Column::new("page".into(), page),
            Column::new("heading".into(), heading),
            Column::new("kind".into(), kind),
            Column::new("text".into(), text),
            themes,
            Column::new("polarity".into(), polarity),
            Column::new("polarity_score".into(), polarity_score),
            // Added after the contract's columns, so scripts that read
            // columns by position keep working.
            Column::new("section".into(), section),
        ],
    )
}

/// Builds the `findings` table: one row per (paragraph, theme).
pub fn findings_frame(docs: &[Document]) -> PolarsResult<DataFrame> {
    let (mut doc_id, mut para_id, mut page, mut theme, mut polarity) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut code, mut score, mut quote, mut evidence) = (
        Vec::<Option<&str>>::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for d in docs {
        for (i, p) in d.paragraphs.iter().enumerate() {
            let Some(labels) = &p.labels else { continue };
            for f in &labels.findings {
                doc_id.push(d.doc_id.as_str());
                para_id.push(i as u32);
                page.push(p.page);
                theme.push(f.theme.as_str());
                polarity.push(labels.polarity.as_str());
                code.push(f.code.as_ref().map(|(c, _)| c.as_str()));
                score.push(f.score);
                quote.push(f.quote.as_str());
                evidence.push(labels.evidence.as_str());
            }
        }
    }
    DataFrame::new(
        doc_id.len(),
        vec![
            Column::new("doc_id".into(), doc_id),
            Column::new("para_id".into(), para_id),
            Column::new("page".into(), page),
            Column::new("theme".into(), theme),
            Column::new("polarity".into(), polarity),
            Column::new("code".into(), code),
            Column::new("score".into(), score),
            Column::new("quote".into(), quote),
            Column::new("evidence".into(), evidence),
        ],
    )
}

/// Builds one table; the flag asks for the CSV flavour (no list columns).
type FrameBuilder = fn(&[Document], bool) -> PolarsResult<DataFrame>;

/// Writes `documents`, `paragraphs` and `findings` in every configured format; returns
/// the files written.
/// `extra` are tables built elsewhere (coverage, synthesis), written as they are.
pub fn write_tables(
    docs: &[Document],
    extra: Vec<(&str, DataFrame)>,
    config: &OutputConfig,
    provenance: &Provenance,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(&config.dir).map_err(|e| Error::WriteTable {
        path: config.dir.clone(),
        message: e.to_string(),
    })?;
    let mut written = Vec::new();
    let tables: [(&str, FrameBuilder); 2] = [
        ("paragraphs", paragraphs_frame),
        ("findings", |d, _| findings_frame(d)),
    ];
    let mut write = |name: &str, format: TableFormat, frame: &mut DataFrame| -> Result<()> {
        let path = match format {
            TableFormat::Parquet => config.dir.join(format!("{name}.parquet")),
            TableFormat::Csv => config.dir.join(format!("{name}.csv")),
        };
        write_atomically(&path, |file| match format {
            TableFormat::Parquet => write_parquet(file, frame, provenance),
            TableFormat::Csv => write_csv(file, frame, config.csv_separator.as_bytes()[0]),
        })?;
        written.push(path);
        Ok(())
    };
    for (name, build) in tables {
        for &format in &config.formats {
            let mut frame =
                build(docs, format == TableFormat::Csv).map_err(|e| Error::WriteTable {
                    path: config.dir.join(name),
                    message: e.to_string(),
                })?;
            write(name, format, &mut frame)?;
        }
    }
    for (name, mut frame) in extra {
        for &format in &config.formats {
            write(name, format, &mut frame)?;
        }
    }
    Ok(written)
}

fn write_parquet(file: File, frame: &mut DataFrame, provenance: &Provenance) -> PolarsResult<()> {
    let metadata = KeyValueMetadata::from_static(vec![
        (
            "evalmine.version".to_string(),
            provenance.program_version.clone(),
        ),
        (
            "evalmine.config_hash".to_string(),
            provenance.config_hash.clone(),
        ),
        (
            "evalmine.model_version".to_string(),
            provenance.model_version.clone(),
        ),
    ]);
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(metadata))
        .finish(frame)
        .map(|_| ())
}

fn write_csv(file: File, frame: &mut DataFrame, separator: u8) -> PolarsResult<()> {
    CsvWriter::new(file)
        .include_bom(true)
        .with_separator(separator)
        .finish(frame)
}

/// Writes through a temporary file in the same folder, then renames it over
/// the target: the old table stays readable until the new one is complete.
fn write_atomically(path: &Path, write: impl FnOnce(File) -> PolarsResult<()>) -> Result<()> {
    let fail = |message: String| Error::WriteTable {
        path: path.to_path_buf(),
        message,
    };
    let tmp = path.with_extension(format!(
        "{}.tmp-{}",
        path.extension().and_then(|e| e.to_str()).unwrap_or(""),
        std::process::id()
    ));
    let file = File::create(&tmp).map_err(|e| fail(e.to_string()))?;
    if let Err(e) = write(file) {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e.to_string()));
    }
    std::fs::rename(&tmp, path).map_err(|e| fail(e.to_string()))
}

/// Writes `label` results: CSV (`;`-free standard CSV with a header) or
/// JSON lines, to a file or standard output.
pub fn write_labels(
    labelled: &[(&crate::classify::labels::Row, crate::classify::Labels)],
    codebook: &crate::classify::Codebook,
    out: Option<&Path>,
) -> Result<()> {
    use std::io::Write;
    let fail = |path: &Path, e: String| Error::WriteTable {
        path: path.to_path_buf(),
        message: e,
    };
    let target = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("<stdout>"));
    let themes_of = |l: &crate::classify::Labels| {
        l.themes
            .iter()
            .map(|&t| codebook.themes[t].id.as_str())
            .collect::<Vec<_>>()
            .join("|")
    };
    let scores_of = |l: &crate::classify::Labels| {
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
                "themes": l.themes.iter().map(|&t| codebook.themes[t].id.clone()).collect::<Vec<_>>(),
                "polarity": codebook.polarities[l.polarity],
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
                codebook.polarities[l.polarity].as_str(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_leaves_the_old_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "old").unwrap();
        let r = write_atomically(&path, |_| {
            Err(PolarsError::ComputeError("disk full".into()))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file is left behind"
        );
    }
}
