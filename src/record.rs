//! The records that flow between stages: a processed document and its paragraphs.

use std::fmt;

/// What happened to one input file. Every file gets exactly one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocStatus {
    /// Text was extracted (possibly with some failed pages, see `pages_failed`).
    Ok,
    /// A readable PDF with no extractable text: an image-only scan.
    NoText,
    /// The file needs a password we do not have.
    Encrypted,
    /// Empty, not a PDF, or a PDF whose structure cannot be read.
    Invalid,
    /// Readable, but extraction failed on every page, or its worker process
    /// died (crash, stack overflow, memory limit).
    Error,
    /// Extraction took longer than `extract.timeout_s`.
    Timeout,
}

impl DocStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DocStatus::Ok => "ok",
            DocStatus::NoText => "no_text",
            DocStatus::Encrypted => "encrypted",
            DocStatus::Invalid => "invalid",
            DocStatus::Error => "error",
            DocStatus::Timeout => "timeout",
        }
    }

    /// Whether this status counts as a failed document for the exit code.
    /// A scan without text is flagged, not failed.
    pub fn is_failure(self) -> bool {
        !matches!(self, DocStatus::Ok | DocStatus::NoText)
    }
}

impl fmt::Display for DocStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a paragraph is on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParagraphKind {
    /// Running text.
    Body,
    /// One item of a bulleted, numbered or lettered list.
    ListItem,
    /// The text of a footnote (kept out of body paragraphs).
    Footnote,
    /// One row of a table, cells joined by " | " (kept out of body paragraphs).
    TableRow,
}

impl ParagraphKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ParagraphKind::Body => "body",
            ParagraphKind::ListItem => "list_item",
            ParagraphKind::Footnote => "footnote",
            ParagraphKind::TableRow => "table_row",
        }
    }
}

/// A paragraph as a reader sees it, with the page it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// 1-based page where the paragraph starts.
    pub page: u32,
    /// The nearest heading above, if any.
    pub heading: Option<String>,
    /// The heading the nearest heading sits under (its chapter), if any.
    pub section: Option<String>,
    pub kind: ParagraphKind,
    pub text: String,
    /// Themes and polarity, for body paragraphs and list items.
    pub labels: Option<ParagraphLabels>,
}

/// What the classifier decided for a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct ParagraphLabels {
    /// Theme ids, in codebook order.
    pub themes: Vec<String>,
    pub polarity: String,
    pub polarity_score: f64,
    /// One finding per theme: its probability and the most telling sentence.
    pub findings: Vec<Finding>,
    /// Themes named by the paragraph's heading (a section on the theme).
    pub section_themes: Vec<String>,
    /// Terms of the field's vocabulary (models/domain.toml) it holds.
    pub domain_terms: Option<u32>,
    pub evidence: String,
}

/// A (paragraph, theme) pair with its evidence, for the `findings` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub theme: String,
    pub score: f64,
    /// A sentence of the paragraph, verbatim.
    pub quote: String,
    /// The recurring finding (models/codes.toml) it matches best, if any,
    /// with the number of the code's cues it matches.
    pub code: Option<(String, u32)>,
}

/// One input file after extraction and segmentation.
#[derive(Debug, Clone)]
pub struct Document {
    pub doc_id: String,
    /// Path as given on input (input folder joined with the relative path).
    pub path: String,
    /// SHA-256 of the file's bytes, hex.
    pub content_hash: String,
    pub bytes: u64,
    /// Pages in the file (0 when it could not be read).
    pub pages: u32,
    /// Pages whose extraction failed (each loses only itself).
    pub pages_failed: u32,
    pub status: DocStatus,
    /// Why the status is not `ok`, or what went partly wrong; empty otherwise.
    pub message: String,
    /// The document's /Title from its Info dictionary, when present.
    pub title: Option<String>,
    /// Which extractor produced the text ("pdf-extract", "pdf_oxide", or
    /// both when the second read some pages).
    pub extractor: String,
    pub paragraphs: Vec<Paragraph>,
}

impl Document {
    /// Terms of the field's vocabulary in its classified paragraphs; none
    /// when it was not read or the models have no domain.toml.
    pub fn domain_terms(&self) -> Option<u32> {
        if self.status != DocStatus::Ok {
            return None;
        }
        self.paragraphs
            .iter()
            .filter_map(|p| p.labels.as_ref()?.domain_terms)
            .fold(None, |sum, n| Some(sum.unwrap_or(0) + n))
    }

    /// Whether it reads like a report of the field: `None` when unknown.
    pub fn on_topic(&self, min_terms: u32) -> Option<bool> {
        self.domain_terms().map(|n| n >= min_terms)
    }
}
