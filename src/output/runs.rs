//! The `runs` log: each `run` appends one row to `runs.csv` in the output
//! folder (what ran, on what, with which configuration and models, what
//! came out, how long each stage took, peak memory), and `runs.parquet` is
//! rewritten from it. Unlike the tables of a run, it accumulates: rows are
//! only ever appended, so a folder keeps the history of its runs.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use polars::prelude::*;

use super::{guard_cell, write_atomically, OutputConfig, TableFormat};
use crate::error::{Error, Result};

/// One row of the runs log (see README, "The runs log").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunRow {
    /// UTC, ISO 8601 to the second (`2026-12-07T16:55:28Z`).
    pub started_at: String,
    /// The run's id, as in the tables' `evalmine.run_id`.
    pub run_id: String,
    pub version: String,
    /// The arguments after the program's name, as typed (quoted where needed).
    pub command: String,
    pub input_dir: String,
    /// The configuration file, or `built-in defaults`.
    pub config_source: String,
    /// The models folder, or `built-in models`.
    pub model_source: String,
    pub threads: u64,
    pub documents: u64,
    /// Status `ok` (`no_text` documents are neither ok nor failed).
    pub documents_ok: u64,
    /// Statuses `encrypted`, `invalid`, `error`, `timeout`.
    pub documents_failed: u64,
    /// Documents whose extraction came from the cache, and those extracted.
    pub cache_hits: u64,
    pub cache_misses: u64,
    pub pages: u64,
    pub paragraphs: u64,
    pub findings: u64,
    pub wall_s: f64,
    /// Summed over the documents (threads work at once: with several, the
    /// sum exceeds the wall time).
    pub extraction_s: f64,
    pub segmentation_s: f64,
    pub classification_s: f64,
    /// On the thread that writes: rows, then the synthesis tables.
    pub writing_s: f64,
    /// Counting the synthesis from the per-report tallies.
    pub synthesis_s: f64,
    /// Peak resident memory of the run's process, and of its largest child
    /// process that ended (a worker process, or an OCR program; null when
    /// none ran).
    pub peak_rss_mb: Option<f64>,
    pub children_peak_rss_mb: Option<f64>,
}

/// How a column is written and read back.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Count,
    /// Seconds or megabytes, nullable.
    Number,
}

impl RunRow {
    /// Every column with its kind and its cell, in table order: the header
    /// and the values come from this one list, so they cannot drift apart.
    fn cells(&self) -> Vec<(&'static str, Kind, String)> {
        use Kind::*;
        let text = |name, value: &str| (name, Text, value.to_string());
        let count = |name, value: u64| (name, Count, value.to_string());
        let seconds = |name, value: f64| (name, Number, format!("{value:.3}"));
        let megabytes = |name, value: Option<f64>| {
            (
                name,
                Number,
                value.map(|v| format!("{v:.1}")).unwrap_or_default(),
            )
        };
        vec![
            text("started_at", &self.started_at),
            text("run_id", &self.run_id),
            text("version", &self.version),
            text("command", &self.command),
            text("input_dir", &self.input_dir),
            text("config_source", &self.config_source),
            text("model_source", &self.model_source),
            count("threads", self.threads),
            count("documents", self.documents),
            count("documents_ok", self.documents_ok),
            count("documents_failed", self.documents_failed),
            count("cache_hits", self.cache_hits),
            count("cache_misses", self.cache_misses),
            count("pages", self.pages),
            count("paragraphs", self.paragraphs),
            count("findings", self.findings),
            seconds("wall_s", self.wall_s),
            seconds("extraction_s", self.extraction_s),
            seconds("segmentation_s", self.segmentation_s),
            seconds("classification_s", self.classification_s),
            seconds("writing_s", self.writing_s),
            seconds("synthesis_s", self.synthesis_s),
            megabytes("peak_rss_mb", self.peak_rss_mb),
            megabytes("children_peak_rss_mb", self.children_peak_rss_mb),
        ]
    }
}

/// Appends `row` to `runs.csv` in `config.dir` (created with the BOM and
/// header of the other CSV tables when absent), then rewrites
/// `runs.parquet` from it when Parquet is among the formats. A `runs.csv`
/// with other columns (an older version's) is moved aside to
/// `runs.previous-N.csv`, never overwritten. Returns the files written.
pub fn append_run(row: &RunRow, config: &OutputConfig) -> Result<Vec<PathBuf>> {
    let csv_path = config.dir.join("runs.csv");
    let separator = config.csv_separator.as_bytes()[0];
    let cells = row.cells();
    let header = line(cells.iter().map(|(name, _, _)| *name), separator);
    let fail = |e: std::io::Error| Error::WriteTable {
        path: csv_path.clone(),
        source: e.into(),
    };
    match first_line(&csv_path).map_err(fail)? {
        Some(existing) if existing != header => {
            let aside = free_name(&config.dir);
            std::fs::rename(&csv_path, &aside).map_err(fail)?;
            tracing::warn!(
                "{} had other columns (an earlier version's): moved to {}, a new runs.csv begins",
                csv_path.display(),
                aside.display()
            );
        }
        _ => {}
    }
    let values = cells.iter().map(|(_, kind, value)| match kind {
        Kind::Text if config.csv_formula_guard => guard_cell(value).into_owned(),
        _ => value.clone(),
    });
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&csv_path)
        .map_err(fail)?;
    let mut text = String::new();
    if file.metadata().map_err(fail)?.len() == 0 {
        text = format!("\u{feff}{header}\n");
    }
    text += &line(values, separator);
    text.push('\n');
    // One write: runs appending at once do not mix their lines.
    file.write_all(text.as_bytes()).map_err(fail)?;
    let mut written = vec![csv_path.clone()];
    if config.formats.contains(&TableFormat::Parquet) {
        let parquet_path = config.dir.join("runs.parquet");
        let mut frame = read_runs_csv(&csv_path, config)?;
        write_atomically(&parquet_path, |file| {
            ParquetWriter::new(file)
                .with_compression(ParquetCompression::Zstd(None))
                .finish(&mut frame)
                .map(|_| ())
        })?;
        written.push(parquet_path);
    }
    Ok(written)
}

/// One CSV line (RFC 4180 quoting, as the other tables).
fn line<S: AsRef<str>>(cells: impl Iterator<Item = S>, separator: u8) -> String {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(separator)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let cells: Vec<S> = cells.collect();
    let _ = writer.write_record(cells.iter().map(|c| c.as_ref()));
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .trim_end_matches('\n')
        .to_string()
}

/// The header of an existing, non-empty file (without its BOM).
fn first_line(path: &Path) -> std::io::Result<Option<String>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut first = String::new();
    BufReader::new(file).read_line(&mut first)?;
    let first = first
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['\n', '\r']);
    Ok((!first.is_empty()).then(|| first.to_string()))
}

fn free_name(dir: &Path) -> PathBuf {
    (1..)
        .map(|n| dir.join(format!("runs.previous-{n}.csv")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.join("runs.previous.csv"))
}

/// runs.csv as a typed frame: counts as u64, seconds and megabytes as f64
/// (null when empty), text as written (the formula guard's `'` taken off).
fn read_runs_csv(path: &Path, config: &OutputConfig) -> Result<DataFrame> {
    let fail = |source: Box<dyn std::error::Error + Send + Sync>| Error::ReadTable {
        path: path.to_path_buf(),
        source,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.into()))?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(config.csv_separator.as_bytes()[0])
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| fail(e.into()))?;
    let kinds = RunRow::default().cells();
    let mut columns = Vec::with_capacity(kinds.len());
    for (i, (name, kind, _)) in kinds.into_iter().enumerate() {
        let cells = rows.iter().map(|r| r.get(i).unwrap_or(""));
        let column = match kind {
            Kind::Text => {
                let values: Vec<String> = cells
                    .map(|c| unguard(c, config.csv_formula_guard).to_string())
                    .collect();
                Column::new(name.into(), values)
            }
            Kind::Count => {
                let values: Vec<Option<u64>> = cells.map(|c| c.parse().ok()).collect();
                Column::new(name.into(), values)
            }
            Kind::Number => {
                let values: Vec<Option<f64>> = cells.map(|c| c.parse().ok()).collect();
                Column::new(name.into(), values)
            }
        };
        columns.push(column);
    }
    DataFrame::new(rows.len(), columns).map_err(|e| fail(e.into()))
}

/// A guarded cell back to its text: `'` before a formula character is the
/// guard's (`guard_cell`).
fn unguard(cell: &str, guarded: bool) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if guarded && rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Now, UTC, ISO 8601 to the second.
pub fn utc_now() -> String {
    utc_iso8601(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO),
    )
}

/// A time since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (the proleptic
/// Gregorian calendar; Howard Hinnant's days-to-civil algorithm).
pub(crate) fn utc_iso8601(since_epoch: Duration) -> String {
    let secs = since_epoch.as_secs();
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3_600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(command: &str) -> RunRow {
        RunRow {
            started_at: "2026-12-07T16:55:28Z".into(),
            run_id: "abc-1".into(),
            version: "0.1.0".into(),
            command: command.into(),
            input_dir: "reports; 2026".into(),
            config_source: "built-in defaults".into(),
            model_source: "built-in models".into(),
            threads: 2,
            documents: 3,
            documents_ok: 2,
            documents_failed: 1,
            cache_hits: 1,
            cache_misses: 2,
            pages: 40,
            paragraphs: 300,
            findings: 120,
            wall_s: 1.5,
            extraction_s: 2.25,
            segmentation_s: 0.125,
            classification_s: 0.5,
            writing_s: 0.25,
            synthesis_s: 0.01,
            peak_rss_mb: Some(120.4),
            children_peak_rss_mb: None,
        }
    }

    #[test]
    fn utc_dates_are_iso_8601() {
        assert_eq!(utc_iso8601(Duration::ZERO), "1970-01-01T00:00:00Z");
        assert_eq!(
            utc_iso8601(Duration::from_secs(951_782_400 + 3_661)),
            "2000-02-29T01:01:01Z",
            "a leap day"
        );
        assert_eq!(
            utc_iso8601(Duration::from_secs(1_796_662_528)),
            "2026-12-07T16:55:28Z"
        );
    }

    #[test]
    fn runs_accumulate_and_parquet_reads_back_typed() {
        let dir = tempfile::tempdir().unwrap();
        let config = OutputConfig {
            dir: dir.path().to_path_buf(),
            ..OutputConfig::default()
        };
        append_run(&row("run reports --verbose"), &config).unwrap();
        append_run(&row("=cmd"), &config).unwrap();
        let text = std::fs::read_to_string(dir.path().join("runs.csv")).unwrap();
        assert!(
            text.starts_with("\u{feff}started_at;run_id;version;command;"),
            "{text}"
        );
        assert_eq!(text.matches('\u{feff}').count(), 1, "one BOM, at the start");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "a header and a row per run: {text}");
        assert!(
            lines[1].contains(";\"reports; 2026\";"),
            "quoted: {}",
            lines[1]
        );
        assert!(
            lines[2].contains(";'=cmd;"),
            "formula guarded: {}",
            lines[2]
        );
        assert!(
            lines[1].contains(";1.500;2.250;0.125;0.500;0.250;0.010;120.4;"),
            "{}",
            lines[1]
        );

        let file = File::open(dir.path().join("runs.parquet")).unwrap();
        let frame = ParquetReader::new(file).finish().unwrap();
        assert_eq!(frame.height(), 2);
        assert_eq!(frame.width(), row("").cells().len());
        let command = frame.column("command").unwrap().str().unwrap();
        assert_eq!(command.get(1), Some("=cmd"), "Parquet keeps the exact text");
        assert_eq!(
            frame.column("documents").unwrap().u64().unwrap().get(0),
            Some(3)
        );
        let children = frame.column("children_peak_rss_mb").unwrap().f64().unwrap();
        assert_eq!(children.get(0), None, "an empty cell is null");
        assert_eq!(
            frame.column("wall_s").unwrap().f64().unwrap().get(1),
            Some(1.5)
        );
    }

    #[test]
    fn a_runs_csv_with_other_columns_is_moved_aside_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let config = OutputConfig {
            dir: dir.path().to_path_buf(),
            formats: vec![TableFormat::Csv],
            ..OutputConfig::default()
        };
        std::fs::write(dir.path().join("runs.csv"), "\u{feff}started_at;old\nx;y\n").unwrap();
        append_run(&row("run"), &config).unwrap();
        let old = std::fs::read_to_string(dir.path().join("runs.previous-1.csv")).unwrap();
        assert_eq!(old, "\u{feff}started_at;old\nx;y\n");
        let new = std::fs::read_to_string(dir.path().join("runs.csv")).unwrap();
        assert_eq!(new.lines().count(), 2);
        assert!(
            !dir.path().join("runs.parquet").exists(),
            "CSV only, as configured"
        );
    }
}
