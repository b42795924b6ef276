//! The Parquet tables of a finished run, read back (for `report` and
//! `export`): each table with its key-value metadata, and a set of tables
//! refused when they come from different runs.

use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, Result};

/// Key-value metadata of a Parquet table (program, config, model, run).
pub(super) type Provenance = Vec<(String, String)>;

/// One table of a run, and its key-value metadata.
pub(super) fn read_table(dir: &Path, name: &str) -> Result<(DataFrame, Provenance)> {
    let path = dir.join(format!("{name}.parquet"));
    let fail = |message: String| Error::ReadTable {
        path: path.clone(),
        source: message.into(),
    };
    let file = File::open(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound && !dir.join("documents.parquet").exists() {
            fail(format!(
                "{e}: no tables of a run in {}; run `evalmine run` first (`report` and `export` read its Parquet tables)",
                dir.display()
            ))
        } else {
            fail(format!(
                "{e} (`report` and `export` read the Parquet tables of `evalmine run`; keep \"parquet\" in [output] formats)"
            ))
        }
    })?;
    let mut reader = ParquetReader::new(file);
    let provenance = reader
        .get_metadata()
        .map_err(|e| fail(e.to_string()))?
        .key_value_metadata
        .iter()
        .flatten()
        .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
        .collect();
    let frame = reader.finish().map_err(|e| fail(e.to_string()))?;
    Ok((frame, provenance))
}

/// The run a table belongs to (`evalmine.run_id`).
pub(super) fn run_id(provenance: &[(String, String)]) -> Option<&str> {
    provenance
        .iter()
        .find(|(k, _)| k == "evalmine.run_id")
        .map(|(_, v)| v.as_str())
}

/// `documents` and the named tables, in that order, with the provenance of
/// `documents`; an error when one of them comes from another run.
pub(super) fn read_run(dir: &Path, names: &[&str]) -> Result<(Vec<DataFrame>, Provenance)> {
    let (documents, provenance) = read_table(dir, "documents")?;
    let run = run_id(&provenance).map(str::to_string);
    let mut frames = vec![documents];
    for &name in names {
        let (frame, p) = read_table(dir, name)?;
        if run_id(&p) != run.as_deref() {
            return Err(Error::ReadTable {
                path: dir.join(format!("{name}.parquet")),
                source: format!(
                    "{name} and documents come from different runs ({:?} and {:?}): run `evalmine run` again",
                    run_id(&p),
                    run
                )
                .into(),
            });
        }
        frames.push(frame);
    }
    Ok((frames, provenance))
}

/// A table a run may not have written (`actions` before the action types,
/// or from an older version): None when its file is absent, or when it comes
/// from another run than `documents` (a table left by an earlier run of
/// another version is not shown as if current).
pub(super) fn read_optional(
    dir: &Path,
    name: &str,
    documents: &[(String, String)],
) -> Result<Option<DataFrame>> {
    if !dir.join(format!("{name}.parquet")).is_file() {
        return Ok(None);
    }
    let (frame, p) = read_table(dir, name)?;
    Ok((run_id(&p) == run_id(documents)).then_some(frame))
}

pub(super) fn str_col(frame: &DataFrame, name: &str) -> PolarsResult<StringChunked> {
    Ok(frame.column(name)?.cast(&DataType::String)?.str()?.clone())
}

pub(super) fn u32_col(frame: &DataFrame, name: &str) -> PolarsResult<UInt32Chunked> {
    Ok(frame.column(name)?.cast(&DataType::UInt32)?.u32()?.clone())
}

pub(super) fn f64_col(frame: &DataFrame, name: &str) -> PolarsResult<Float64Chunked> {
    Ok(frame.column(name)?.cast(&DataType::Float64)?.f64()?.clone())
}
