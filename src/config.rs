//! `PipelineConfig` mirrors pipeline.toml: one section per stage, every field
//! documented there. Unknown keys and bad values stop the run before any work,
//! naming the key and the file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PipelineConfig {
    pub input: InputConfig,
    pub output: OutputConfig,
    pub extract: ExtractConfig,
    pub classify: crate::classify::ClassifyConfig,
    pub coverage: crate::aggregate::CoverageConfig,
    pub cache: crate::cache::CacheConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InputConfig {
    /// Folder scanned recursively for `*.pdf` (any case). Relative paths are
    /// taken from the folder holding the configuration file.
    pub dir: PathBuf,
    /// Documents processed at once; 0 means one per core.
    pub threads: usize,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            dir: PathBuf::from("corpus"),
            threads: 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TableFormat {
    Parquet,
    Csv,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    /// Folder the tables are written to (created if missing).
    pub dir: PathBuf,
    /// Formats written for every table: "parquet" (zstd) and/or "csv".
    pub formats: Vec<TableFormat>,
    /// CSV field separator. ";" is what French Excel expects.
    pub csv_separator: String,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            dir: PathBuf::from("out"),
            formats: vec![TableFormat::Parquet, TableFormat::Csv],
            csv_separator: ";".to_string(),
        }
    }
}

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

impl PipelineConfig {
    /// Reads and validates a configuration file. Relative folders in it are
    /// resolved against the file's own folder.
    pub fn load(path: &Path) -> Result<PipelineConfig> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ConfigRead {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = PipelineConfig::parse(&text, path)?;
        let base = path.parent().unwrap_or(Path::new(""));
        config.input.dir = base.join(&config.input.dir);
        config.output.dir = base.join(&config.output.dir);
        config.classify.models = base.join(&config.classify.models);
        config.cache.dir = base.join(&config.cache.dir);
        Ok(config)
    }

    /// Parses and validates configuration text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<PipelineConfig> {
        let config: PipelineConfig = toml::from_str(text).map_err(|e| Error::ConfigSyntax {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let bad = |key: &str, message: String| Error::ConfigValue {
            path: path.to_path_buf(),
            key: key.to_string(),
            message,
        };
        let e = &self.extract;
        for (key, value) in [
            ("extract.header_band", e.header_band),
            ("extract.footer_band", e.footer_band),
        ] {
            if !(0.0..=0.4).contains(&value) {
                return Err(bad(
                    key,
                    format!("{value} is not a share of the page between 0 and 0.4"),
                ));
            }
        }
        if !(e.repeated_min_share > 0.0 && e.repeated_min_share <= 1.0) {
            return Err(bad(
                "extract.repeated_min_share",
                format!(
                    "{} is not a share between 0 (excluded) and 1",
                    e.repeated_min_share
                ),
            ));
        }
        if e.repeated_min_pages < 2 {
            return Err(bad(
                "extract.repeated_min_pages",
                format!("{} is fewer than 2 pages", e.repeated_min_pages),
            ));
        }
        if !matches!(e.apostrophe.as_str(), "'" | "’") {
            return Err(bad(
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
                return Err(bad(key, "must be at least 1".to_string()));
            }
        }
        if e.worker_memory_mb < 256 {
            return Err(bad(
                "extract.worker_memory_mb",
                format!(
                    "{} MB is too little to read a PDF (at least 256)",
                    e.worker_memory_mb
                ),
            ));
        }
        let t = self.classify.theme_threshold;
        if !(t > 0.0 && t < 1.0) {
            return Err(bad(
                "classify.theme_threshold",
                format!("{t} is not a probability between 0 and 1 (excluded)"),
            ));
        }
        let u = self.classify.unnamed_theme_threshold;
        if !(u > 0.0 && u < 1.0) {
            return Err(bad(
                "classify.unnamed_theme_threshold",
                format!("{u} is not a probability between 0 and 1 (excluded)"),
            ));
        }
        let cov = &self.coverage;
        if cov.traitee_min_paragraphs == 0
            || cov.approfondie_min_paragraphs < cov.traitee_min_paragraphs
        {
            return Err(bad(
                "coverage.approfondie_min_paragraphs",
                "needs coverage.traitee_min_paragraphs >= 1 and approfondie_min_paragraphs >= traitee_min_paragraphs".to_string(),
            ));
        }
        let o = &self.output;
        if o.formats.is_empty() {
            return Err(bad(
                "output.formats",
                "name at least one of \"parquet\", \"csv\"".to_string(),
            ));
        }
        if o.csv_separator.len() != 1 || o.csv_separator == "\"" || o.csv_separator == "\n" {
            return Err(bad(
                "output.csv_separator",
                format!(
                    "{:?} is not a single ASCII character such as \";\" or \",\"",
                    o.csv_separator
                ),
            ));
        }
        Ok(())
    }

    /// A short hash of the effective configuration, written into every table
    /// so a table says how it was made.
    pub fn hash(&self) -> String {
        let text = toml::to_string(self).unwrap_or_default();
        let digest = Sha256::digest(text.as_bytes());
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<PipelineConfig> {
        PipelineConfig::parse(text, Path::new("pipeline.toml"))
    }

    #[test]
    fn empty_file_gives_defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.input.dir, PathBuf::from("corpus"));
        assert_eq!(
            c.output.formats,
            vec![TableFormat::Parquet, TableFormat::Csv]
        );
    }

    #[test]
    fn unknown_key_is_named() {
        let err = parse("[extract]\nheader_bnd = 0.1\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("header_bnd"),
            "message should name the key: {err}"
        );
        assert!(
            err.contains("pipeline.toml"),
            "message should name the file: {err}"
        );
    }

    #[test]
    fn unknown_section_is_named() {
        let err = parse("[extrakt]\n").unwrap_err().to_string();
        assert!(err.contains("extrakt"), "{err}");
    }

    #[test]
    fn out_of_range_value_is_named() {
        let err = parse("[extract]\nheader_band = 0.9\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("extract.header_band"), "{err}");
        let err = parse("[output]\nformats = []\n").unwrap_err().to_string();
        assert!(err.contains("output.formats"), "{err}");
        let err = parse("[output]\nformats = [\"xlsx\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("xlsx"), "{err}");
        let err = parse("[classify]\nunnamed_theme_threshold = 1.5\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("classify.unnamed_theme_threshold"), "{err}");
    }

    #[test]
    fn hash_changes_with_settings() {
        let a = parse("").unwrap();
        let b = parse("[extract]\nheader_band = 0.1\n").unwrap();
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash(), parse("").unwrap().hash());
    }
}
