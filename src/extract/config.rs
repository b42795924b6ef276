//! Settings of the extraction stage (pipeline.toml `[extract]`).

use serde::{Deserialize, Serialize};

use crate::error::BadValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeepOrDrop {
    Keep,
    Drop,
}

/// Where documents are extracted (see `ExtractConfig::isolation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Isolation {
    Process,
    None,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExtractConfig {
    /// Files larger than this are not opened (status `invalid`).
    pub max_file_mb: u64,
    /// Pages read per document; the rest are left out and the document's
    /// message says so.
    pub max_pages: u32,
    /// A page content stream larger than this once decompressed is not
    /// read (the page fails, the others are read): inflate bombs.
    pub max_stream_mb: u64,
    /// Extraction of one document is stopped after this many seconds
    /// (status `timeout`). Needs `isolation = "process"`.
    pub timeout_s: u64,
    /// Memory a worker process may use (address space); a document that
    /// needs more fails alone (status `error`). Needs `isolation = "process"`.
    pub worker_memory_mb: u64,
    /// `process`: documents are extracted in worker processes, so that a
    /// crash, stack overflow, endless loop or memory blow-up in one file
    /// costs only that file; `none`: in the program itself (faster start,
    /// for trusted files).
    pub isolation: Isolation,
    /// Apostrophe written in the text: "'" or "’". Both forms found in PDFs
    /// are mapped to this one, so searches and counts see a single form.
    pub apostrophe: String,
    /// Height of the top band (share of the page height) where running
    /// headers are looked for.
    pub header_band: f64,
    /// Height of the bottom band where running footers and page numbers are
    /// looked for.
    pub footer_band: f64,
    /// A line in the top or bottom band is a running header or footer when
    /// its text (digits ignored) recurs on at least this share of the pages.
    pub repeated_min_share: f64,
    /// ... or on at least this many pages (long documents whose running
    /// header changes with the chapter).
    pub repeated_min_pages: usize,
    /// Footnote texts: kept as paragraphs of kind `footnote`, or dropped.
    pub footnotes: KeepOrDrop,
    /// Table rows: kept as paragraphs of kind `table_row`, or dropped.
    pub tables: KeepOrDrop,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig {
            max_file_mb: 512,
            max_pages: 5_000,
            max_stream_mb: 256,
            timeout_s: 120,
            worker_memory_mb: 4_096,
            isolation: Isolation::Process,
            apostrophe: "'".to_string(),
            header_band: 0.12,
            footer_band: 0.12,
            repeated_min_share: 0.4,
            repeated_min_pages: 6,
            footnotes: KeepOrDrop::Keep,
            tables: KeepOrDrop::Keep,
        }
    }
}

impl ExtractConfig {
    /// Checks the values the types allow but extraction does not.
    pub(crate) fn validate(&self) -> Result<(), BadValue> {
        let e = self;
        for (key, value) in [
            ("extract.header_band", e.header_band),
            ("extract.footer_band", e.footer_band),
        ] {
            if !(0.0..=0.4).contains(&value) {
                return Err(BadValue::new(
                    key,
                    format!("{value} is not a share of the page between 0 and 0.4"),
                ));
            }
        }
        if !(e.repeated_min_share > 0.0 && e.repeated_min_share <= 1.0) {
            return Err(BadValue::new(
                "extract.repeated_min_share",
                format!(
                    "{} is not a share between 0 (excluded) and 1",
                    e.repeated_min_share
                ),
            ));
        }
        if e.repeated_min_pages < 2 {
            return Err(BadValue::new(
                "extract.repeated_min_pages",
                format!("{} is fewer than 2 pages", e.repeated_min_pages),
            ));
        }
        if !matches!(e.apostrophe.as_str(), "'" | "’") {
            return Err(BadValue::new(
                "extract.apostrophe",
                format!("{:?} is not one of \"'\" or \"’\"", e.apostrophe),
            ));
        }
        for (key, value) in [
            ("extract.max_file_mb", e.max_file_mb),
            ("extract.max_pages", e.max_pages as u64),
            ("extract.max_stream_mb", e.max_stream_mb),
            ("extract.timeout_s", e.timeout_s),
        ] {
            if value == 0 {
                return Err(BadValue::new(key, "must be at least 1".to_string()));
            }
        }
        if e.worker_memory_mb < 256 {
            return Err(BadValue::new(
                "extract.worker_memory_mb",
                format!(
                    "{} MB is too little to read a PDF (at least 256)",
                    e.worker_memory_mb
                ),
            ));
        }
        Ok(())
    }
}
