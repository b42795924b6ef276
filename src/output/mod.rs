//! Output stage: documents, paragraphs and the synthesis -> polars tables
//! written as Parquet (zstd, with provenance in the key-value metadata) and
//! CSV (UTF-8 with BOM and ";" so French Excel opens it), the row tables in
//! batches as documents complete (`stream`); the French summary, the HTML
//! report and the REFI-QDA export. A run's tables are written into a
//! staging folder and moved into place together, so a reader never sees
//! half a table or a mixed set.
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
mod runs;
mod stream;
mod summary;

pub use config::{OutputConfig, TableFormat};
pub use inspect::inspect_report;
pub use labels::write_labels;
pub use qda::{model_action_types, write_qdc, write_qdpx, QdaExport};
pub use report::write_report;
pub use runs::{append_run, utc_now, RunRow};
pub use stream::BATCH_PARAGRAPHS;
pub(crate) use stream::{RunContext, RunWriter};
pub use summary::summary_fr;

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{Error, Result};

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

/// Parquet with zstd and the run's provenance in the key-value metadata,
/// for every table (written whole or in batches).
fn parquet_writer(file: File, provenance: &Provenance) -> ParquetWriter<File> {
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
}

fn write_parquet(file: File, frame: &mut DataFrame, provenance: &Provenance) -> PolarsResult<()> {
    parquet_writer(file, provenance).finish(frame).map(|_| ())
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
