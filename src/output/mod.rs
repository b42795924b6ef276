//! Output stage: documents, paragraphs and the synthesis -> polars tables
//! written as Parquet (zstd, with provenance in the key-value metadata) and
//! CSV (UTF-8 with BOM and ";" so French Excel opens it); the French summary,
//! the HTML report and the REFI-QDA export. Every file is written to a temporary file and
//! persisted over the old one, so a reader never sees half a table.
//!
//! All polars calls live here and in `aggregate`: its API moves between versions.

mod config;
mod frames;
mod french;
mod inspect;
mod labels;
mod qda;
mod readback;
mod report;
mod summary;

pub use config::{OutputConfig, TableFormat};
pub use inspect::inspect_report;
pub use labels::write_labels;
pub use qda::{model_action_types, write_qdc, write_qdpx, QdaExport};
pub use report::write_report;
pub use summary::summary_fr;

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::aggregate::Synthesis;
use crate::classify::Codebook;
use crate::error::{Error, Result};
use crate::metadata::{Metadata, ReportMeta};
use crate::record::Document;

/// What a table says about how it was made.
#[derive(Debug, Clone)]
pub(crate) struct Provenance {
    pub program_version: String,
    pub config_hash: String,
    pub model_version: String,
    /// Tells the tables of one run from those of another (`report` refuses
    /// a mixed set).
    pub run_id: String,
}

/// Everything one run writes.
pub(crate) struct RunTables<'a> {
    pub documents: &'a [Document],
    pub synthesis: &'a Synthesis,
    /// Theme ids for the tables.
    pub codebook: &'a Codebook,
    /// Columns joined to `documents` (`run --metadata`).
    pub metadata: Option<&'a Metadata>,
    /// Each document's metadata (text and CSV), aligned with `documents`.
    pub report_meta: &'a [ReportMeta],
    /// `[coverage] on_topic_min_terms`, for `documents.on_topic`.
    pub on_topic_min_terms: u32,
}

/// Every table a run may write (`synthesis_by` only with `--by`).
const TABLES: [&str; 9] = [
    "paragraphs",
    "findings",
    "documents",
    "synthesis_by",
    "coverage",
    "synthesis",
    "verdicts",
    "codes",
    "actions",
];

/// Prefix of the folder a run writes its tables into before moving them.
const STAGING: &str = ".evalmine-staging-";

fn table_path(dir: &Path, name: &str, format: TableFormat) -> PathBuf {
    match format {
        TableFormat::Parquet => dir.join(format!("{name}.parquet")),
        TableFormat::Csv => dir.join(format!("{name}.csv")),
    }
}

/// Writes the tables of a run in every configured format: `documents`,
/// `paragraphs`, `findings`, `coverage`, `synthesis`, `verdicts`, `codes`,
/// `actions` (and
/// `synthesis_by` with `--by`). Returns the files written.
///
/// One consistent set per run: every table is first written into a staging
/// folder inside the output folder; only when all are written, and every
/// target can be replaced, are they moved into place. A failed run leaves
/// the previous set as it was and no temporary file. Tables of an earlier
/// run that this one does not write (`synthesis_by` without `--by`, a format
/// no longer configured) are removed, so none lingers as if current; every
/// Parquet table carries the run's id (`evalmine.run_id`), which `report`
/// checks.
pub(crate) fn write_run(
    tables: &RunTables,
    config: &OutputConfig,
    provenance: &Provenance,
) -> Result<Vec<PathBuf>> {
    let io_fail = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| Error::WriteTable {
            path,
            source: e.into(),
        }
    };
    std::fs::create_dir_all(&config.dir).map_err(io_fail(&config.dir))?;
    // A run killed while writing (kill -9) leaves its staging folder: the
    // next run clears it (two runs writing one output folder at once would
    // mix their tables anyway).
    if let Ok(entries) = std::fs::read_dir(&config.dir) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(STAGING) && entry.path().is_dir() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let staging = tempfile::Builder::new()
        .prefix(STAGING)
        .tempdir_in(&config.dir)
        .map_err(io_fail(&config.dir))?;
    let staged = write_tables(tables, config, provenance, staging.path())?;
    // Check every target before moving any: a blocked path (a folder where
    // a table goes) must not leave half of the new set beside the old.
    for (name, format) in &staged {
        let target = table_path(&config.dir, name, *format);
        if target.is_dir() {
            return Err(Error::WriteTable {
                path: target,
                source: "a folder stands where the table goes; the previous tables are left as they were".into(),
            });
        }
    }
    let mut written = Vec::new();
    for (name, format) in &staged {
        let (from, to) = (
            table_path(staging.path(), name, *format),
            table_path(&config.dir, name, *format),
        );
        std::fs::rename(&from, &to).map_err(io_fail(&to))?;
        written.push(to);
    }
    for name in TABLES {
        for format in [TableFormat::Parquet, TableFormat::Csv] {
            let stale = table_path(&config.dir, name, format);
            if !written.contains(&stale) && stale.is_file() {
                std::fs::remove_file(&stale).map_err(io_fail(&stale))?;
            }
        }
    }
    // A report of the previous run would now describe other tables.
    let report = config.dir.join("report.html");
    if report.is_file() {
        if config.formats.contains(&TableFormat::Parquet) {
            written.push(write_report(&config.dir, tables.codebook)?);
        } else {
            std::fs::remove_file(&report).map_err(io_fail(&report))?;
        }
    }
    Ok(written)
}

/// Writes every table into `dir`; returns (table, format) of each file.
fn write_tables(
    tables: &RunTables,
    config: &OutputConfig,
    provenance: &Provenance,
    dir: &Path,
) -> Result<Vec<(&'static str, TableFormat)>> {
    let docs = tables.documents;
    let fail = |name: &str| {
        let path = config.dir.join(name);
        move |e: PolarsError| Error::WriteTable {
            path,
            source: e.into(),
        }
    };
    let mut written = Vec::new();
    let mut write =
        |name: &'static str, format: TableFormat, frame: &mut DataFrame| -> Result<()> {
            let path = table_path(dir, name, format);
            let file = File::create(&path).map_err(|e| Error::WriteTable {
                path: path.clone(),
                source: e.into(),
            })?;
            match format {
                TableFormat::Parquet => write_parquet(file, frame, provenance),
                TableFormat::Csv => write_csv(file, frame, config),
            }
            .map_err(fail(name))?;
            written.push((name, format));
            Ok(())
        };
    // CSV cannot hold lists: there `paragraphs.themes` and `findings.actions`
    // are the ids joined by `|`.
    for &format in &config.formats {
        let mut frame = frames::paragraphs_frame(docs, tables.codebook, format == TableFormat::Csv)
            .map_err(fail("paragraphs"))?;
        write("paragraphs", format, &mut frame)?;
    }
    for &format in &config.formats {
        let mut frame = frames::findings_frame(docs, tables.codebook, format == TableFormat::Csv)
            .map_err(fail("findings"))?;
        write("findings", format, &mut frame)?;
    }
    let mut rest: Vec<(&'static str, DataFrame)> = vec![(
        "documents",
        frames::documents_frame(
            docs,
            tables.metadata,
            tables.report_meta,
            tables.on_topic_min_terms,
        )
        .map_err(fail("documents"))?,
    )];
    let s = tables.synthesis;
    if let Some((_, by)) = &s.by {
        rest.push(("synthesis_by", by.clone()));
    }
    rest.extend([
        ("coverage", s.coverage.clone()),
        ("synthesis", s.synthesis.clone()),
        ("verdicts", s.verdicts.clone()),
        ("codes", s.codes.clone()),
        ("actions", s.actions.clone()),
    ]);
    for (name, mut frame) in rest {
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
        ("evalmine.run_id".to_string(), provenance.run_id.clone()),
    ]);
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(metadata))
        .finish(frame)
        .map(|_| ())
}

fn write_csv(file: File, frame: &mut DataFrame, config: &OutputConfig) -> PolarsResult<()> {
    let mut guarded;
    let frame = if config.csv_formula_guard {
        guarded = guard_formulas(frame)?;
        &mut guarded
    } else {
        frame
    };
    CsvWriter::new(file)
        .include_bom(true)
        .with_separator(config.csv_separator.as_bytes()[0])
        .finish(frame)
}

/// A text cell a spreadsheet would run as a formula (OWASP's CSV injection
/// guidance: a leading `=`, `+`, `-`, `@`, tab or carriage return) gets a
/// leading `'`, which Excel and LibreOffice show as text. Numbers stay
/// numbers: only text columns are touched.
fn guard_formulas(frame: &DataFrame) -> PolarsResult<DataFrame> {
    let mut out = frame.clone();
    for name in frame.get_column_names_owned() {
        let column = frame.column(&name)?;
        if column.dtype() != &DataType::String {
            continue;
        }
        let guarded: StringChunked = column
            .str()?
            .iter()
            .map(|cell| cell.map(guard_cell))
            .collect();
        out.replace(&name, guarded.with_name(name.clone()).into_series().into())?;
    }
    Ok(out)
}

pub(crate) fn guard_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Text for the terminal: control characters (escape sequences, a newline
/// that would forge a summary line) and bidirectional controls are shown
/// escaped, never sent.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || crate::text::is_bidi_control(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes through a temporary file in the same folder, then persists it
/// over the target: the old file stays readable until the new one is
/// complete, and a failed write leaves no temporary file.
fn write_atomically<E: Into<Box<dyn std::error::Error + Send + Sync>>>(
    path: &Path,
    write: impl FnOnce(File) -> std::result::Result<(), E>,
) -> Result<()> {
    let fail = |source: Box<dyn std::error::Error + Send + Sync>| Error::WriteTable {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = crate::atomic::readable_temp_file(dir).map_err(|e| fail(e.into()))?;
    let file = tmp.reopen().map_err(|e| fail(e.into()))?;
    write(file).map_err(|e| fail(e.into()))?;
    tmp.persist(path).map_err(|e| fail(e.error.into()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_get_the_permissions_of_a_plain_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let table = dir.path().join("t.csv");
        write_atomically(&table, |_| PolarsResult::Ok(())).unwrap();
        let plain = dir.path().join("plain");
        File::create(&plain).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode(&table),
            mode(&plain),
            "a table is as readable as any file the user creates"
        );
    }

    #[test]
    fn csv_cells_cannot_start_a_formula() {
        let frame = df!(
            "text" => ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=2+5", "\r=1", "texte", "- item"],
            "n" => [-1i32, 2, 3, 4, 5, 6, 7, 8],
        )
        .unwrap();
        let guarded = guard_formulas(&frame).unwrap();
        let text: Vec<&str> = guarded
            .column("text")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(
            text,
            [
                "'=HYPERLINK(\"http://x\")",
                "'+1+1",
                "'-2+3",
                "'@SUM(A1)",
                "'\t=2+5",
                "'\r=1",
                "texte",
                "'- item"
            ]
        );
        assert_eq!(
            guarded.column("n").unwrap().dtype(),
            &DataType::Int32,
            "numbers stay numbers"
        );
        assert_eq!(guarded.column("n").unwrap().i32().unwrap().get(0), Some(-1));
    }

    #[test]
    fn the_terminal_gets_no_control_character() {
        assert_eq!(
            terminal_safe("r01\n\u{1b}[31m\u{202E}x"),
            "r01\\u{a}\\u{1b}[31m\\u{202e}x"
        );
        assert_eq!(terminal_safe("rapport été 2022"), "rapport été 2022");
    }

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
