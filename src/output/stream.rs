//! The tables of a run, written as the documents complete: `paragraphs`,
//! `findings` and `documents` rows go out in batches (a Parquet row group,
//! CSV lines appended) while later documents are still being read; the
//! small tables of the synthesis are written at the end. Everything goes
//! into a staging folder first and is moved into place only when every
//! table is complete, so a failed run leaves the previous set as it was.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::io::csv::write::BatchedWriter as CsvBatched;
use polars::io::parquet::write::BatchedWriter as ParquetBatched;
use polars::prelude::*;
use tempfile::TempDir;

use super::{
    frames, guard_formulas, parquet_writer, table_path, write_csv, write_parquet, write_report,
    OutputConfig, Provenance, TableFormat, STAGING, TABLES,
};
use crate::aggregate::Synthesis;
use crate::classify::Codebook;
use crate::error::{Error, Result};
use crate::metadata::{Metadata, ReportMeta};
use crate::record::Document;

/// Paragraphs held before they are written as one batch (a Parquet row
/// group). The batch's documents, with their labels, are the largest part
/// of a run's memory after the models: on 1,000 sample reports peak RSS
/// was 252 MB with 16,384, 185 MB with 4,096 and 183 MB with 1,024
/// (README, "Memory and speed at scale"); 4,096 keeps row groups large
/// enough for compression and readers.
pub const BATCH_PARAGRAPHS: usize = 4_096;

/// What the tables need beside the documents.
pub(crate) struct RunContext<'a> {
    pub config: &'a OutputConfig,
    pub provenance: &'a Provenance,
    /// Theme ids for the tables.
    pub codebook: &'a Codebook,
    /// Columns joined to `documents` (`run --metadata`).
    pub metadata: Option<&'a Metadata>,
    /// `[coverage] on_topic_min_terms`, for `documents.on_topic`.
    pub on_topic_min_terms: u32,
    /// Paragraphs per batch (`BATCH_PARAGRAPHS`; tests make it small).
    pub batch_paragraphs: usize,
}

/// The tables written row by row.
const STREAMED: [&str; 3] = ["paragraphs", "findings", "documents"];

enum Sink {
    // Boxed: the Parquet writer is several times the size of the CSV one.
    Parquet(Box<ParquetBatched<File>>),
    Csv(CsvBatched<File>),
}

/// One streamed table in one format; its writer starts with the first
/// batch that has rows (the schema is that batch's).
struct Stream {
    name: &'static str,
    format: TableFormat,
    sink: Option<Sink>,
}

/// Writes one run's tables: `add` each document in the order of the
/// tables, then `finish` with the synthesis.
pub(crate) struct RunWriter<'a> {
    cx: RunContext<'a>,
    staging: TempDir,
    streams: Vec<Stream>,
    pending: Vec<Document>,
    pending_meta: Vec<ReportMeta>,
    pending_paragraphs: usize,
}

fn write_fail(path: &Path) -> impl Fn(PolarsError) -> Error + '_ {
    move |e| Error::WriteTable {
        path: path.to_path_buf(),
        source: e.into(),
    }
}

fn io_fail(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::WriteTable {
        path: path.to_path_buf(),
        source: e.into(),
    }
}

impl<'a> RunWriter<'a> {
    /// Creates the output folder and this run's staging folder in it.
    pub fn create(cx: RunContext<'a>) -> Result<RunWriter<'a>> {
        let dir = &cx.config.dir;
        std::fs::create_dir_all(dir).map_err(io_fail(dir))?;
        // A run killed while writing (kill -9) leaves its staging folder: the
        // next run clears it (two runs writing one output folder at once would
        // mix their tables anyway).
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(STAGING) && entry.path().is_dir()
                {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let staging = tempfile::Builder::new()
            .prefix(STAGING)
            .tempdir_in(dir)
            .map_err(io_fail(dir))?;
        let streams = STREAMED
            .iter()
            .flat_map(|&name| {
                cx.config.formats.iter().map(move |&format| Stream {
                    name,
                    format,
                    sink: None,
                })
            })
            .collect();
        Ok(RunWriter {
            cx,
            staging,
            streams,
            pending: Vec::new(),
            pending_meta: Vec::new(),
            pending_paragraphs: 0,
        })
    }

    /// Takes one document (with its metadata); its rows are written with
    /// the batch it completes.
    pub fn add(&mut self, document: Document, meta: ReportMeta) -> Result<()> {
        self.pending_paragraphs += document.paragraphs.len();
        self.pending.push(document);
        self.pending_meta.push(meta);
        if self.pending_paragraphs >= self.cx.batch_paragraphs.max(1) {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the pending documents' rows to every streamed table.
    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let (docs, meta, cx) = (&self.pending, &self.pending_meta, &self.cx);
        for stream in &mut self.streams {
            let path = table_path(self.staging.path(), stream.name, stream.format);
            let csv = stream.format == TableFormat::Csv;
            let mut frame = match stream.name {
                "paragraphs" => frames::paragraphs_frame(docs, cx.codebook, csv),
                "findings" => frames::findings_frame(docs, cx.codebook, csv),
                _ => frames::documents_frame(docs, cx.metadata, meta, cx.on_topic_min_terms),
            }
            .map_err(write_fail(&path))?;
            if frame.height() == 0 {
                continue;
            }
            if csv && cx.config.csv_formula_guard {
                frame = guard_formulas(&frame).map_err(write_fail(&path))?;
            }
            // One chunk per column: the Parquet writer makes a row group of
            // each chunk and wants them aligned.
            frame.rechunk_mut();
            if stream.sink.is_none() {
                stream.sink = Some(open_sink(&path, stream.format, &frame, cx)?);
            }
            match stream.sink.as_mut() {
                Some(Sink::Parquet(w)) => w.write_batch(&frame),
                Some(Sink::Csv(w)) => w.write_batch(&frame),
                None => Ok(()),
            }
            .map_err(write_fail(&path))?;
        }
        self.pending.clear();
        self.pending_meta.clear();
        self.pending_paragraphs = 0;
        Ok(())
    }

    /// Writes the last rows and the synthesis tables, then moves the whole
    /// set into the output folder. Returns the files written.
    ///
    /// Tables of an earlier run that this one does not write
    /// (`synthesis_by` without `--by`, a format no longer configured) are
    /// removed, so none lingers as if current; every Parquet table carries
    /// the run's id (`evalmine.run_id`), which `report` checks.
    pub fn finish(mut self, synthesis: &Synthesis) -> Result<Vec<PathBuf>> {
        self.flush()?;
        let mut staged = Vec::new();
        for stream in std::mem::take(&mut self.streams) {
            let path = table_path(self.staging.path(), stream.name, stream.format);
            match stream.sink {
                Some(Sink::Parquet(w)) => w.finish().map(|_| ()),
                Some(Sink::Csv(mut w)) => w.finish(),
                // No row at all: the table is written empty, with its columns.
                None => {
                    let cx = &self.cx;
                    let csv = stream.format == TableFormat::Csv;
                    let mut frame = match stream.name {
                        "paragraphs" => frames::paragraphs_frame(&[], cx.codebook, csv),
                        "findings" => frames::findings_frame(&[], cx.codebook, csv),
                        _ => frames::documents_frame(&[], cx.metadata, &[], 0),
                    }
                    .map_err(write_fail(&path))?;
                    self.write_whole(&path, stream.format, &mut frame)?;
                    Ok(())
                }
            }
            .map_err(write_fail(&path))?;
            staged.push((stream.name, stream.format));
        }
        let mut rest: Vec<(&'static str, DataFrame)> = Vec::new();
        if let Some((_, by)) = &synthesis.by {
            rest.push(("synthesis_by", by.clone()));
        }
        rest.extend([
            ("coverage", synthesis.coverage.clone()),
            ("synthesis", synthesis.synthesis.clone()),
            ("verdicts", synthesis.verdicts.clone()),
            ("codes", synthesis.codes.clone()),
            ("actions", synthesis.actions.clone()),
        ]);
        for (name, mut frame) in rest {
            for &format in &self.cx.config.formats {
                let path = table_path(self.staging.path(), name, format);
                self.write_whole(&path, format, &mut frame)?;
                staged.push((name, format));
            }
        }
        self.move_into_place(&staged)
    }

    /// A table written in one go (the synthesis tables, an empty table).
    fn write_whole(&self, path: &Path, format: TableFormat, frame: &mut DataFrame) -> Result<()> {
        let file = File::create(path).map_err(io_fail(path))?;
        match format {
            TableFormat::Parquet => write_parquet(file, frame, self.cx.provenance),
            TableFormat::Csv => write_csv(file, frame, self.cx.config),
        }
        .map_err(write_fail(path))
    }

    fn move_into_place(self, staged: &[(&'static str, TableFormat)]) -> Result<Vec<PathBuf>> {
        let dir = &self.cx.config.dir;
        // Check every target before moving any: a blocked path (a folder where
        // a table goes) must not leave half of the new set beside the old.
        for (name, format) in staged {
            let target = table_path(dir, name, *format);
            if target.is_dir() {
                return Err(Error::WriteTable {
                    path: target,
                    source: "a folder stands where the table goes; the previous tables are left as they were".into(),
                });
            }
        }
        let mut written = Vec::new();
        for (name, format) in staged {
            let (from, to) = (
                table_path(self.staging.path(), name, *format),
                table_path(dir, name, *format),
            );
            std::fs::rename(&from, &to).map_err(io_fail(&to))?;
            written.push(to);
        }
        for name in TABLES {
            for format in [TableFormat::Parquet, TableFormat::Csv] {
                let stale = table_path(dir, name, format);
                if !written.contains(&stale) && stale.is_file() {
                    std::fs::remove_file(&stale).map_err(io_fail(&stale))?;
                }
            }
        }
        // A report of the previous run would now describe other tables.
        let report = dir.join("report.html");
        if report.is_file() {
            if self.cx.config.formats.contains(&TableFormat::Parquet) {
                written.push(write_report(dir, self.cx.codebook)?);
            } else {
                std::fs::remove_file(&report).map_err(io_fail(&report))?;
            }
        }
        Ok(written)
    }
}

/// Opens a streamed table's file in the staging folder, with the schema of
/// its first batch: the CSV dialect of the other tables (BOM once, then the
/// header), the Parquet settings and provenance of the other tables.
fn open_sink(path: &Path, format: TableFormat, first: &DataFrame, cx: &RunContext) -> Result<Sink> {
    let file = File::create(path).map_err(io_fail(path))?;
    let schema = first.schema();
    match format {
        TableFormat::Parquet => parquet_writer(file, cx.provenance)
            .batched(schema)
            .map(|w| Sink::Parquet(Box::new(w))),
        TableFormat::Csv => CsvWriter::new(file)
            .include_bom(true)
            .with_separator(cx.config.csv_separator.as_bytes()[0])
            .batched(schema)
            .map(Sink::Csv),
    }
    .map_err(write_fail(path))
}
