//! Extraction stage: PDF bytes -> pages of positioned, cleaned lines in
//! reading order, with page furniture (headers, footers, page numbers,
//! tables of contents) taken out.
//!
//! pdf-extract (vendored, with a font cache shared between pages) is driven
//! page by page through its `OutputDev` so that a page that fails (an error
//! or a panic inside the parser) loses only itself.

mod accents;
mod baselines;
mod columns;
mod config;
mod contain;
mod fallback;
mod furniture;
mod glyphs;
mod layout;
mod ocr;
mod open;
mod repair;
mod spaces;

use pdf_extract::{Dictionary, PageExtractor};

pub use config::{ExtractConfig, Isolation, KeepOrDrop, OcrConfig};
pub(crate) use ocr::engine as ocr_engine;

use crate::record::{DocStatus, ExtractedPage, Extractor, ReadSummary};
use contain::contain;
use fallback::Fallback;
use open::{document_title, open, oversized_content};

/// What extraction gives for one file: its summary (status, pages,
/// extractor...) and its pages of lines, which segmentation takes.
#[derive(Debug, Clone)]
pub struct Extraction {
    pub read: ReadSummary,
    pub pages: Vec<ExtractedPage>,
}

impl Extraction {
    /// A file that could not be read: no page, a status and why (decided by
    /// pdf-extract's reading of it).
    pub fn failed(status: DocStatus, message: impl Into<String>) -> Extraction {
        Extraction {
            read: ReadSummary::failed(status, message, Some(Extractor::PdfExtract)),
            pages: Vec::new(),
        }
    }
}

/// Extracts the pages of a PDF held in memory. Never panics: parser panics
/// and errors become a status and a message.
pub fn extract_pdf(bytes: &[u8], config: &ExtractConfig) -> Extraction {
    extract_pdf_with(bytes, config, &ReadOptions::default(), &mut |_| {})
}

/// What a run may add to the settings when reading one file.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ReadOptions {
    /// Pages not to read (they count as failed).
    #[serde(default)]
    pub skip: Vec<SkippedPage>,
    /// Passwords to try on an encrypted file (`run --password-file`).
    #[serde(default)]
    pub passwords: Vec<String>,
}

/// A page not to read, and why (a worker process died on it: see
/// `isolate`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SkippedPage {
    pub page: u32,
    pub reason: String,
    /// Skipped for lack of time (rather than a crash).
    #[serde(default)]
    pub timed_out: bool,
}

/// A page number passed to `starting` with this bit set announces that the
/// page is about to be read by OCR (after its text layer was read): a
/// worker's parent gives it `ocr.page_timeout_s` more time for it.
pub(crate) const OCR_ANNOUNCEMENT: u32 = 1 << 31;

/// The page an announcement names, and whether it is read by OCR.
pub(crate) fn announced_page(announcement: u32) -> (u32, bool) {
    (
        announcement & !OCR_ANNOUNCEMENT,
        announcement & OCR_ANNOUNCEMENT != 0,
    )
}

/// As `extract_pdf`, with the options of this read, calling `starting` with
/// each page number before reading it (see `OCR_ANNOUNCEMENT`).
pub(crate) fn extract_pdf_with(
    bytes: &[u8],
    config: &ExtractConfig,
    options: &ReadOptions,
    starting: &mut dyn FnMut(u32),
) -> Extraction {
    let skip = options.skip.as_slice();
    if bytes.is_empty() {
        return Extraction::failed(DocStatus::Invalid, "empty file");
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Extraction::failed(
            DocStatus::Invalid,
            "not a PDF: no %PDF- header in the first 1024 bytes",
        );
    }
    let (doc, repaired) = match open(bytes, &options.passwords) {
        Ok(opened) => opened,
        Err(failed) if failed.read.status == DocStatus::Encrypted => return failed,
        // pdf-extract's parser cannot open it: the second extractor may.
        Err(failed) => {
            return read_with_fallback_only(bytes, config, starting, &failed).unwrap_or(failed)
        }
    };
    // lopdf has already tried the empty user password; still encrypted means
    // a password is needed.
    if doc.is_encrypted() {
        return Extraction::failed(
            DocStatus::Encrypted,
            "encrypted: a password is needed to open this PDF",
        );
    }
    let empty_resources = Dictionary::new();
    let mut extractor = match contain(|| PageExtractor::new(&doc, &empty_resources)) {
        Ok(extractor) => extractor,
        Err(panic) => {
            let failed = Extraction::failed(
                DocStatus::Error,
                format!("cannot walk the page tree: {panic}"),
            );
            return read_with_fallback_only(bytes, config, starting, &failed).unwrap_or(failed);
        }
    };
    let page_ids = extractor.page_numbers();
    if page_ids.is_empty() {
        return Extraction::failed(DocStatus::Invalid, "the PDF has no pages");
    }
    let page_objects = doc.get_pages();
    let stream_limit = config.max_stream_mb.saturating_mul(1024 * 1024);
    let apostrophe = config.apostrophe.chars().next().unwrap_or('\'');
    // The second extractor, opened on the first page that needs it.
    let mut fallback: Option<Option<Fallback>> = None;
    let mut by_fallback: Vec<u32> = Vec::new();
    let mut pages = Vec::with_capacity(page_ids.len());
    let mut failures: Vec<String> = Vec::new();
    // Parts of pages the parser left out (nesting limits), for the message.
    let mut skipped_parts: Vec<String> = Vec::new();
    // One collector for the document: it sizes each page's glyph list from
    // the pages before (`take_page` leaves it empty for the next page).
    let mut collector = glyphs::GlyphCollector::default();
    for (index, &number) in page_ids.iter().enumerate().take(config.max_pages as usize) {
        starting(number);
        let skipped = skip.iter().find(|s| s.page == number);
        let oversized = match skipped {
            Some(skipped) => Some(skipped.reason.clone()),
            None => page_objects
                .get(&number)
                .and_then(|&id| oversized_content(&doc, id, stream_limit)),
        };
        let outcome = match &oversized {
            Some(problem) => Ok(Err(problem.clone())),
            None => contain(|| {
                extractor
                    .output_page(&mut collector, number)
                    .map_err(|e| e.to_string())
            }),
        };
        let problem = match outcome {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(format!("page {number}: {e}")),
            Err(panic) => Some(format!("page {number}: parser panicked: {panic}")),
        };
        let page = collector.take_page();
        for reason in &page.skipped {
            skipped_parts.push(format!("page {number}: {reason}"));
        }
        // A page pdf-extract fails on goes to the second extractor; not a
        // page that stopped a worker or was too large.
        if problem.is_some() && oversized.is_none() {
            if let Some(second) = read_page(&mut fallback, bytes, index, number) {
                by_fallback.push(number);
                pages.push(page_of(&second, apostrophe));
                continue;
            }
        }
        match problem {
            Some(problem) => {
                failures.push(problem);
                pages.push(ExtractedPage::failed(number));
            }
            None => pages.push(page_of(&page, apostrophe)),
        }
    }
    // No text anywhere: a scan, or fonts pdf-extract cannot map to text.
    // The second extractor tells (scans cost it little; OCR comes after).
    if !pages.iter().any(|p| !p.lines.is_empty()) {
        for (index, page) in pages.iter_mut().enumerate() {
            if page.failed || skip.iter().any(|s| s.page == page.number) {
                continue;
            }
            if let Some(second) = read_page(&mut fallback, bytes, index, page.number) {
                by_fallback.push(page.number);
                *page = page_of(&second, apostrophe);
            }
        }
    }
    // Pages still (almost) without text that show an image: scans.
    let ocr = ocr::read_by_ocr(bytes, &mut pages, &mut failures, skip, config, starting);
    let mut notes: Vec<String> = repaired.into_iter().collect();
    notes.extend(skipped_parts);
    by_fallback.retain(|n| !ocr.pages.contains(n));
    if !by_fallback.is_empty() {
        notes.push(format!(
            "{} read by {} ({})",
            pages_phrase(&by_fallback),
            fallback::NAME,
            "pdf-extract failed or found no text"
        ));
    }
    for note in &notes {
        tracing::info!("{note}");
    }
    let extractor = if by_fallback.is_empty() {
        Extractor::PdfExtract
    } else if by_fallback.len() == pages.len() {
        Extractor::PdfOxide
    } else {
        Extractor::Both
    };
    let extractor = ocr.extractor(extractor, &pages);
    notes.extend(ocr.note());
    let extraction = finish(
        pages,
        failures,
        page_ids.len() as u32,
        document_title(&doc),
        notes,
        extractor,
        config,
    );
    ocr.conclude(extraction)
}

/// A page by the second extractor, opened on first use; `None` when it
/// cannot read the page or finds no text on it either.
fn read_page(
    fallback: &mut Option<Option<Fallback>>,
    bytes: &[u8],
    index: usize,
    number: u32,
) -> Option<glyphs::PageGlyphs> {
    fallback
        .get_or_insert_with(|| contain(|| Fallback::open(bytes).ok()).ok().flatten())
        .as_ref()
        .and_then(|f| contain(|| f.page(index, number)).ok().flatten())
        .filter(|page| page.glyphs.iter().any(|g| !g.is_space()))
}

pub(super) fn page_of(page: &glyphs::PageGlyphs, apostrophe: char) -> ExtractedPage {
    let layout = layout::page_lines(page, apostrophe);
    ExtractedPage {
        number: page.number,
        width: layout.width,
        height: layout.height,
        columns: layout.columns,
        lines: layout.lines,
        dropped: Vec::new(),
        failed: false,
    }
}

/// "page 3", "pages 3, 4 and 9", "12 pages".
pub(super) fn pages_phrase(numbers: &[u32]) -> String {
    match numbers {
        [one] => format!("page {one}"),
        _ if numbers.len() > 6 => format!("{} pages", numbers.len()),
        [rest @ .., last] => format!(
            "pages {} and {last}",
            rest.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        [] => String::new(),
    }
}

/// The whole document by the second extractor, when pdf-extract's parser
/// cannot open it; `None` when pdf_oxide cannot either.
fn read_with_fallback_only(
    bytes: &[u8],
    config: &ExtractConfig,
    starting: &mut dyn FnMut(u32),
    first: &Extraction,
) -> Option<Extraction> {
    let doc = match contain(|| Fallback::open(bytes)) {
        Ok(Ok(doc)) => doc,
        Ok(Err(reason)) if reason.contains("nested deeper") => {
            let mut failed = first.clone();
            failed.read.message = format!("{}; {reason}", first.read.message);
            return Some(failed);
        }
        _ => return None,
    };
    let page_count = contain(|| doc.page_count()).unwrap_or(0);
    if page_count == 0 {
        return None;
    }
    let apostrophe = config.apostrophe.chars().next().unwrap_or('\'');
    let mut pages = Vec::new();
    let mut failures = Vec::new();
    for index in 0..page_count.min(config.max_pages as usize) {
        let number = index as u32 + 1;
        starting(number);
        match contain(|| doc.page(index, number)).ok().flatten() {
            Some(page) => pages.push(page_of(&page, apostrophe)),
            None => {
                failures.push(format!("page {number}: {} cannot read it", fallback::NAME));
                pages.push(ExtractedPage::failed(number));
            }
        }
    }
    if failures.len() == pages.len() {
        return None;
    }
    let ocr = ocr::read_by_ocr(bytes, &mut pages, &mut failures, &[], config, starting);
    let mut notes = vec![format!(
        "read by {} (pdf-extract: {})",
        fallback::NAME,
        first.read.message
    )];
    tracing::info!("{}", notes[0]);
    notes.extend(ocr.note());
    let extractor = ocr.extractor(Extractor::PdfOxide, &pages);
    let extraction = finish(
        pages,
        failures,
        page_count as u32,
        None,
        notes,
        extractor,
        config,
    );
    Some(ocr.conclude(extraction))
}

/// Furniture removal, then the status and message of the document.
fn finish(
    mut pages: Vec<ExtractedPage>,
    failures: Vec<String>,
    page_count: u32,
    title: Option<String>,
    mut notes: Vec<String>,
    extractor: Extractor,
    config: &ExtractConfig,
) -> Extraction {
    furniture::remove_furniture(&mut pages, config);
    let pages_read = pages.len() as u32;
    let pages_failed = failures.len() as u32;
    let has_lines = pages
        .iter()
        .any(|p| !p.lines.is_empty() || !p.dropped.is_empty());
    let (status, message) = if pages_failed == pages_read {
        (
            DocStatus::Error,
            format!("extraction failed on every page; first: {}", failures[0]),
        )
    } else if !has_lines {
        let failed = if pages_failed > 0 {
            format!(", {pages_failed} failed")
        } else {
            String::new()
        };
        (
            DocStatus::NoText,
            format!("no extractable text on {page_count} pages{failed} (image-only scan?)"),
        )
    } else if pages_failed > 0 {
        (
            DocStatus::Ok,
            format!(
                "{pages_failed} of {page_count} pages failed: {}",
                failures.join("; ")
            ),
        )
    } else {
        (DocStatus::Ok, String::new())
    };
    if pages_read < page_count {
        notes.push(format!(
            "only the first {pages_read} of {page_count} pages read (extract.max_pages)"
        ));
    }
    notes.extend((!message.is_empty()).then_some(message));
    Extraction {
        read: ReadSummary {
            status,
            message: notes.join("; "),
            pages: page_count,
            pages_failed,
            title,
            extractor: Some(extractor),
            ocr_confidence: None,
        },
        pages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_non_pdf_files_are_invalid() {
        let config = ExtractConfig::default();
        let e = extract_pdf(b"", &config);
        assert_eq!(e.read.status, DocStatus::Invalid);
        let e = extract_pdf(b"<html><body>not a pdf</body></html>", &config);
        assert_eq!(e.read.status, DocStatus::Invalid);
        assert!(e.read.message.contains("not a PDF"), "{}", e.read.message);
    }

    #[test]
    fn garbage_after_header_is_not_a_crash() {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.extend((0..4000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
        let e = extract_pdf(&bytes, &ExtractConfig::default());
        assert!(
            matches!(e.read.status, DocStatus::Invalid | DocStatus::Error),
            "{:?}",
            e.read.status
        );
    }
}
