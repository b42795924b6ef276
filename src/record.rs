//! The records that flow between stages: a processed document and its paragraphs.

use serde::{Deserialize, Serialize};

/// What happened to one input file. Every file gets exactly one status.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::Display,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
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
    /// The id written in the `documents` table.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether this status counts as a failed document for the exit code.
    /// A scan without text is flagged, not failed.
    pub fn is_failure(self) -> bool {
        !matches!(self, DocStatus::Ok | DocStatus::NoText)
    }
}

/// What a paragraph is on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ParagraphKind {
    /// Running text.
    Body,
    /// One item of a bulleted, numbered or lettered list.
    ListItem,
    /// The text of a footnote (kept out of body paragraphs).
    Footnote,
    /// One row of a table, cells joined by " | " (kept out of body paragraphs).
    TableRow,
    /// The caption of a figure, table, chart or map, or a statistical note
    /// set under one ("Source : INSEE, 2020", "Lecture : ..."): kept out of
    /// body paragraphs.
    Caption,
    /// Figures alone, without a letter: a date on a cover ("27/05/2024"),
    /// a page number or a figure left on a line of its own. Nothing to
    /// classify, but kept: the report's metadata reads dates from it.
    Other,
}

impl ParagraphKind {
    /// The id written in the `paragraphs` table.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Body paragraphs and list items are classified; footnotes, table
    /// rows, captions and other lines are not.
    pub(crate) fn is_classified(self) -> bool {
        matches!(self, ParagraphKind::Body | ParagraphKind::ListItem)
    }
}

/// The polarity of a paragraph: the four roles of the codebook, whose ids
/// are stable strings in the tables. models/codebook.toml lists them in
/// this order (checked when it is loaded), which is also the order of the
/// polarity model's classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Polarity {
    Reussite,
    Difficulte,
    Preconisation,
    /// No evaluative stance (the default).
    Neutre,
}

impl Polarity {
    pub(crate) const ALL: [Polarity; 4] = [
        Polarity::Reussite,
        Polarity::Difficulte,
        Polarity::Preconisation,
        Polarity::Neutre,
    ];

    pub fn id(self) -> &'static str {
        self.into()
    }

    /// Position among the codebook's polarities (and the model's classes).
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn from_index(index: usize) -> Polarity {
        Polarity::ALL[index]
    }

    pub(crate) fn from_id(id: &str) -> Option<Polarity> {
        Polarity::ALL.into_iter().find(|p| p.id() == id)
    }
}

/// How a report treats a theme (codebook "coverage level"), from none to in depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Level {
    NonEvoquee,
    Evoquee,
    Traitee,
    Approfondie,
}

impl Level {
    /// From none to in depth.
    pub(crate) const ALL: [Level; 4] = [
        Level::NonEvoquee,
        Level::Evoquee,
        Level::Traitee,
        Level::Approfondie,
    ];

    /// The id written in the `coverage` and `synthesis` tables.
    pub fn id(self) -> &'static str {
        self.into()
    }

    pub(crate) fn from_id(id: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.id() == id)
    }
}

/// What a report concludes on a theme, from the balance of the successes
/// and difficulties it reports on it (`[coverage] verdict_*` settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Verdict {
    Positif,
    Mitige,
    Negatif,
    NonConclusif,
}

impl Verdict {
    pub(crate) const ALL: [Verdict; 4] = [
        Verdict::Positif,
        Verdict::Mitige,
        Verdict::Negatif,
        Verdict::NonConclusif,
    ];

    /// The id written in the `coverage` and `verdicts` tables.
    pub fn id(self) -> &'static str {
        self.into()
    }
}

/// A line of text as it sits on the page: one row fragment. What
/// extraction hands to segmentation, page by page.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub page: u32,
    /// Left and right edges, points from the page's left edge.
    pub x0: f64,
    pub x1: f64,
    /// Baseline, points from the page's top edge.
    pub y: f64,
    /// Dominant font size of the line.
    pub size: f64,
    /// Cleaned text (ligatures expanded, NFC, one apostrophe form).
    pub text: String,
    /// 0 for a line spanning the page (or a one-column page), 1 left
    /// column, 2 right column.
    pub column: u8,
    /// Index of the baseline row on the page; fragments of one row share it.
    pub row: usize,
    /// A superscript number was detached at the start of the line (footnote text).
    pub starts_with_marker: bool,
    /// Most of the line's characters are bold.
    pub bold: bool,
    /// The bold words that open the line when plain text follows them on
    /// it ("1.2 Méthode. L'évaluation a été..."): a run-in heading when the
    /// line starts a paragraph.
    pub bold_lead: Option<String>,
}

/// Why a line was taken out of the text (page furniture).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    RunningHeader,
    RunningFooter,
    PageNumber,
    TableOfContents,
}

impl DropReason {
    /// "running header", "page number"... as `inspect` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::RunningHeader => "running header",
            DropReason::RunningFooter => "running footer",
            DropReason::PageNumber => "page number",
            DropReason::TableOfContents => "table of contents",
        }
    }
}

/// One page after layout and furniture removal.
#[derive(Debug, Clone)]
pub struct ExtractedPage {
    pub number: u32,
    pub width: f64,
    pub height: f64,
    /// 1 or 2 text columns detected.
    pub columns: u8,
    /// Text lines in reading order.
    pub lines: Vec<Line>,
    /// Lines taken out, with the reason (for `inspect`).
    pub dropped: Vec<(Line, DropReason)>,
    /// The parser failed on this page; it has no lines.
    pub failed: bool,
}

impl ExtractedPage {
    /// A page the parser failed on: no lines.
    pub fn failed(number: u32) -> ExtractedPage {
        ExtractedPage {
            number,
            width: 0.0,
            height: 0.0,
            columns: 1,
            lines: Vec::new(),
            dropped: Vec::new(),
            failed: true,
        }
    }
}

#[cfg(test)]
impl Line {
    /// A plain line for unit tests: one column, not bold, no footnote marker.
    pub(crate) fn plain(
        page: u32,
        row: usize,
        (x0, x1): (f64, f64),
        y: f64,
        size: f64,
        text: &str,
    ) -> Line {
        Line {
            page,
            x0,
            x1,
            y,
            size,
            text: text.to_string(),
            column: 0,
            row,
            starts_with_marker: false,
            bold: false,
            bold_lead: None,
        }
    }
}

#[cfg(test)]
impl ExtractedPage {
    /// A one-column A4 page holding `lines`, for unit tests.
    pub(crate) fn a4(number: u32, lines: Vec<Line>) -> ExtractedPage {
        ExtractedPage {
            number,
            width: 595.0,
            height: 842.0,
            columns: 1,
            lines,
            dropped: Vec::new(),
            failed: false,
        }
    }

    /// An A4 page of (gap before in `pitch` steps, size, text) lines at the
    /// 72 pt margin, from y = 80; texts over 70 bytes fill the column, short
    /// ones stop early.
    pub(crate) fn at_margin(number: u32, pitch: f64, lines: &[(f64, f64, &str)]) -> ExtractedPage {
        let mut y = 80.0;
        let lines = lines
            .iter()
            .enumerate()
            .map(|(row, &(gap, size, text))| {
                y += pitch * gap;
                let x1 = if text.len() > 70 {
                    520.0
                } else {
                    72.0 + 4.5 * text.len() as f64
                };
                Line::plain(number, row, (72.0, x1), y, size, text)
            })
            .collect();
        ExtractedPage::a4(number, lines)
    }
}

/// Which extractor read a document's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
pub enum Extractor {
    #[serde(rename = "pdf-extract")]
    #[strum(serialize = "pdf-extract")]
    PdfExtract,
    #[serde(rename = "pdf_oxide")]
    #[strum(serialize = "pdf_oxide")]
    PdfOxide,
    /// pdf-extract, and pdf_oxide for the pages it could not read.
    #[serde(rename = "pdf-extract+pdf_oxide")]
    #[strum(serialize = "pdf-extract+pdf_oxide")]
    Both,
    /// Tesseract read every page that has text: a scan.
    #[serde(rename = "ocr")]
    #[strum(serialize = "ocr")]
    Ocr,
    /// The text layer (pdf-extract, or pdf_oxide where it failed) for some
    /// pages, Tesseract for the scanned ones.
    #[serde(rename = "pdf-extract+ocr")]
    #[strum(serialize = "pdf-extract+ocr")]
    TextAndOcr,
}

impl Extractor {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// What reading one file gave, whatever it holds: the facts of its
/// `documents` row that extraction decides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadSummary {
    pub status: DocStatus,
    /// Why the status is not `ok`, or what went partly wrong; empty otherwise.
    pub message: String,
    /// Pages in the file (0 when it could not be read).
    pub pages: u32,
    /// Pages whose extraction failed (each loses only itself).
    pub pages_failed: u32,
    /// The document's /Title from its Info dictionary, when present.
    pub title: Option<String>,
    /// Which extractor produced the text; none when no extractor finished
    /// (its worker process died).
    pub extractor: Option<Extractor>,
    /// Mean confidence (0 to 100) Tesseract gave the words it read, when
    /// pages were read by OCR.
    #[serde(default)]
    pub ocr_confidence: Option<f64>,
}

impl ReadSummary {
    /// A file that could not be read: no page, a status and why.
    pub fn failed(
        status: DocStatus,
        message: impl Into<String>,
        extractor: Option<Extractor>,
    ) -> ReadSummary {
        ReadSummary {
            status,
            message: message.into(),
            pages: 0,
            pages_failed: 0,
            title: None,
            extractor,
            ocr_confidence: None,
        }
    }
}

/// One file after extraction and segmentation: the record the cache keeps,
/// a worker process sends back and the pipeline classifies.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Extracted {
    pub read: ReadSummary,
    /// The document's headings, each once; paragraphs refer to them.
    pub headings: Vec<String>,
    pub paragraphs: Vec<Paragraph>,
}

impl Extracted {
    /// A file that could not be read.
    pub fn failed(read: ReadSummary) -> Extracted {
        Extracted {
            read,
            headings: Vec::new(),
            paragraphs: Vec::new(),
        }
    }
}

/// A heading of a document, by its place among the document's headings:
/// each is stored once, however many paragraphs sit under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HeadingId(pub u32);

impl HeadingId {
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

impl From<usize> for HeadingId {
    fn from(index: usize) -> HeadingId {
        HeadingId(index as u32)
    }
}

/// The text of a heading in a document's list of headings.
pub(crate) fn heading_text(headings: &[String], id: Option<HeadingId>) -> Option<&str> {
    id.and_then(|id| headings.get(id.index()))
        .map(String::as_str)
}

/// A paragraph as a reader sees it, with the page it starts on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paragraph {
    /// 1-based page where the paragraph starts.
    pub page: u32,
    /// The nearest heading above, if any.
    pub heading: Option<HeadingId>,
    /// The heading the nearest heading sits under (its chapter), if any.
    pub section: Option<HeadingId>,
    pub kind: ParagraphKind,
    pub text: String,
    /// Themes and polarity, for body paragraphs and list items (set by the
    /// classifier; never cached with the extraction).
    #[serde(skip)]
    pub labels: Option<Labels>,
}

/// A theme of the codebook, by its position in models/codebook.toml (its
/// id string is written only in the tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ThemeId(pub u16);

impl ThemeId {
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

impl From<usize> for ThemeId {
    fn from(index: usize) -> ThemeId {
        ThemeId(index as u16)
    }
}

/// What the classifier decided for a paragraph (`run`, `label`, `evaluate`).
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    /// Themes assigned, in codebook order.
    pub themes: Vec<ThemeId>,
    /// Probability of each codebook theme.
    pub theme_scores: Vec<f64>,
    pub polarity: Polarity,
    pub polarity_score: f64,
    /// One finding per theme: its probability and the most telling
    /// sentence (for the tables; `label` and `evaluate` need none).
    pub findings: Vec<Finding>,
    /// Themes named by the paragraph's heading, or its section's (a section
    /// on the theme).
    pub heading_themes: Vec<ThemeId>,
    /// Terms of the field's vocabulary (models/domain.toml) it holds.
    pub domain_terms: Option<u32>,
    /// The cues, model features and rules that decided, readable.
    pub evidence: String,
}

/// A (paragraph, theme) pair with its evidence, for the `findings` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub theme: ThemeId,
    pub score: f64,
    /// A sentence of the paragraph, verbatim.
    pub quote: String,
    /// The recurring finding (models/codes.toml) it matches best, if any,
    /// with the number of the code's cues it matches.
    pub code: Option<(String, u32)>,
    /// Every action type of its theme (models/actions.toml) whose cues it
    /// matches, in that file's order.
    pub actions: Vec<ActionMatch>,
}

/// An action type (models/actions.toml) a finding describes.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionMatch {
    pub id: String,
    /// How many of the type's cues the paragraph matches.
    pub hits: u32,
    /// The sentence naming it, verbatim (the finding's quote when no single
    /// sentence does).
    pub quote: String,
}

/// One input file after extraction, segmentation and classification.
#[derive(Debug, Clone)]
pub struct Document {
    pub doc_id: String,
    /// Path as given on input (input folder joined with the relative path).
    pub path: String,
    /// SHA-256 of the file's bytes, hex.
    pub content_hash: String,
    pub bytes: u64,
    pub read: ReadSummary,
    /// The document's headings, each once; paragraphs refer to them.
    pub headings: Vec<String>,
    pub paragraphs: Vec<Paragraph>,
}

impl Document {
    /// The text of a heading a paragraph refers to.
    pub fn heading(&self, id: Option<HeadingId>) -> Option<&str> {
        heading_text(&self.headings, id)
    }

    /// Terms of the field's vocabulary in its classified paragraphs; none
    /// when it was not read or the models have no domain.toml.
    pub fn domain_terms(&self) -> Option<u32> {
        if self.read.status != DocStatus::Ok {
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
