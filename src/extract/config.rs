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
    /// OCR of scanned pages (pipeline.toml `[extract.ocr]`).
    pub ocr: OcrConfig,
}

/// OCR of pages without a text layer (pipeline.toml `[extract.ocr]`): a
/// part of extraction, so its settings go to the worker processes and into
/// the cache key with the rest of `[extract]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OcrConfig {
    /// Pages with no text layer (or almost none) that show an image are
    /// read by Tesseract; off, they stay without text (status `no_text`).
    pub enabled: bool,
    /// Tesseract languages, `+`-separated ("fra", "fra+eng"); each needs
    /// its traineddata (Debian: tesseract-ocr-fra).
    pub languages: String,
    /// Resolution pages are rendered at for OCR (dots per inch); a page that
    /// is one embedded image at least this fine is read from that image.
    pub dpi: u32,
    /// Seconds allowed for one page (rendering and recognition); past it the
    /// page fails and the others are read. Each OCR'd page also extends the
    /// document's `timeout_s` by this much.
    pub page_timeout_s: u64,
    /// The Tesseract program: a command found on the PATH, or a path.
    pub tesseract: String,
}

impl Default for OcrConfig {
    fn default() -> Self {
        OcrConfig {
            enabled: true,
            languages: "fra".to_string(),
            dpi: 300,
            page_timeout_s: 60,
            tesseract: "tesseract".to_string(),
        }
    }
}

impl OcrConfig {
    fn validate(&self) -> Result<(), BadValue> {
        let valid_language =
            |l: &str| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !self.languages.split('+').all(valid_language) {
            return Err(BadValue::new(
                "extract.ocr.languages",
                format!(
                    "{:?} is not a list of Tesseract languages such as \"fra\" or \"fra+eng\"",
                    self.languages
                ),
            ));
        }
        if !(70..=1200).contains(&self.dpi) {
            return Err(BadValue::new(
                "extract.ocr.dpi",
                format!("{} is not a resolution between 70 and 1200 dpi", self.dpi),
            ));
        }
        if self.page_timeout_s == 0 {
            return Err(BadValue::new(
                "extract.ocr.page_timeout_s",
                "must be at least 1".to_string(),
            ));
        }
        if self.tesseract.trim().is_empty() {
            return Err(BadValue::new(
                "extract.ocr.tesseract",
                "names no program".to_string(),
            ));
        }
        Ok(())
    }
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
            ocr: OcrConfig::default(),
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
        e.ocr.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::ExtractConfig;

    /// An `[extract]` section as pipeline.toml holds it, checked.
    fn parse(text: &str) -> Result<ExtractConfig, String> {
        let config: ExtractConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        config
            .validate()
            .map_err(|bad| format!("{}: {}", bad.key, bad.message))?;
        Ok(config)
    }

    #[test]
    fn ocr_settings_are_read_and_checked() {
        let c = parse("[ocr]\nlanguages = \"fra+eng\"\ndpi = 400\n").unwrap();
        assert_eq!(c.ocr.languages, "fra+eng");
        assert_eq!(c.ocr.dpi, 400);
        assert!(c.ocr.enabled, "on by default");
        let err = parse("[ocr]\ndpi = 20\n").unwrap_err();
        assert!(err.contains("extract.ocr.dpi"), "{err}");
        let err = parse("[ocr]\nlanguages = \"fra eng\"\n").unwrap_err();
        assert!(err.contains("extract.ocr.languages"), "{err}");
        let err = parse("[ocr]\npage_timeout_s = 0\n").unwrap_err();
        assert!(err.contains("extract.ocr.page_timeout_s"), "{err}");
        let err = parse("[ocr]\nlangs = \"fra\"\n").unwrap_err();
        assert!(err.contains("langs"), "{err}");
    }
}
