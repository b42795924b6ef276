//! Extraction stage: PDF bytes -> pages of positioned, cleaned lines in
//! reading order, with page furniture (headers, footers, page numbers,
//! tables of contents) taken out.
//!
//! pdf-extract (vendored, with a font cache shared between pages) is driven
//! page by page through its `OutputDev` so that a page that fails (an error
//! or a panic inside the parser) loses only itself.

mod clean;
mod fallback;
mod furniture;
mod glyphs;
mod layout;
mod repair;

use std::any::Any;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use pdf_extract::{Dictionary, Document, Object, PageExtractor};

pub use clean::{clean_text, collapse_spaces, strip_soft_hyphens};
pub use furniture::{is_page_number, DropReason};
pub use layout::Line;

use crate::config::ExtractConfig;
use crate::record::DocStatus;
use fallback::Fallback;

/// Name recorded in `documents.extractor` for pages read by pdf-extract.
pub const EXTRACTOR: &str = "pdf-extract";

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

/// The outcome of extracting one file.
#[derive(Debug, Clone)]
pub struct Extraction {
    pub status: DocStatus,
    pub message: String,
    pub page_count: u32,
    pub pages_failed: u32,
    pub title: Option<String>,
    pub pages: Vec<ExtractedPage>,
    /// Which extractor read the pages: "pdf-extract", "pdf_oxide", or
    /// "pdf-extract+pdf_oxide" when the second one read some pages.
    pub extractor: String,
}

impl Extraction {
    /// A file that could not be read: no page, a status and why.
    pub fn failed(status: DocStatus, message: impl Into<String>) -> Extraction {
        Extraction {
            status,
            message: message.into(),
            page_count: 0,
            pages_failed: 0,
            title: None,
            pages: Vec::new(),
            extractor: EXTRACTOR.to_string(),
        }
    }
}

impl ExtractedPage {
    fn failed(number: u32) -> ExtractedPage {
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

/// As `extract_pdf`, with the options of this read, calling `starting` with
/// each page number before reading it.
pub fn extract_pdf_with(
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
        Err(failed) if failed.status == DocStatus::Encrypted => return failed,
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
    for (index, &number) in page_ids.iter().enumerate().take(config.max_pages as usize) {
        let mut collector = glyphs::GlyphCollector::default();
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
    // The second extractor tells (scans cost it little: no OCR here).
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
    let mut notes: Vec<String> = repaired.into_iter().collect();
    if !by_fallback.is_empty() {
        notes.push(format!(
            "{} read by {} ({})",
            pages_phrase(&by_fallback),
            fallback::NAME,
            "pdf-extract failed or found no text"
        ));
    }
    let extractor = if by_fallback.is_empty() {
        EXTRACTOR.to_string()
    } else if by_fallback.len() == pages.len() {
        fallback::NAME.to_string()
    } else {
        format!("{EXTRACTOR}+{}", fallback::NAME)
    };
    finish(
        pages,
        failures,
        page_ids.len() as u32,
        document_title(&doc),
        notes,
        extractor,
        config,
    )
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
        .get_or_insert_with(|| contain(|| Fallback::open(bytes)).ok().flatten())
        .as_ref()
        .and_then(|f| contain(|| f.page(index, number)).ok().flatten())
        .filter(|page| page.glyphs.iter().any(|g| !g.is_space()))
}

fn page_of(page: &glyphs::PageGlyphs, apostrophe: char) -> ExtractedPage {
    let (lines, columns) = layout::page_lines(page, apostrophe);
    ExtractedPage {
        number: page.number,
        width: page.width,
        height: page.height,
        columns,
        lines,
        dropped: Vec::new(),
        failed: false,
    }
}

/// "page 3", "pages 3, 4 and 9", "12 pages".
fn pages_phrase(numbers: &[u32]) -> String {
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
    let doc = contain(|| Fallback::open(bytes)).ok().flatten()?;
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
    let note = format!(
        "read by {} (pdf-extract: {})",
        fallback::NAME,
        first.message
    );
    Some(finish(
        pages,
        failures,
        page_count as u32,
        None,
        vec![note],
        fallback::NAME.to_string(),
        config,
    ))
}

/// Furniture removal, then the status and message of the document.
fn finish(
    mut pages: Vec<ExtractedPage>,
    failures: Vec<String>,
    page_count: u32,
    title: Option<String>,
    mut notes: Vec<String>,
    extractor: String,
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
        status,
        message: notes.join("; "),
        page_count,
        pages_failed,
        title,
        pages,
        extractor,
    }
}

/// Loads the document. When its structure is damaged (a load error, or no
/// page reachable) the cross-reference table is rebuilt from the objects
/// found in the bytes and the repaired file is loaded instead; the second
/// value says so.
fn open(bytes: &[u8], passwords: &[String]) -> Result<(Document, Option<String>), Extraction> {
    let load = |bytes: &[u8]| match contain(|| Document::load_mem(bytes)) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(e)) => Err(Extraction::failed(
            DocStatus::Invalid,
            format!("unreadable PDF structure: {e}"),
        )),
        Err(panic) => Err(Extraction::failed(
            DocStatus::Error,
            format!("PDF parser panicked while loading: {panic}"),
        )),
    };
    let has_pages = |doc: &Document| contain(|| !doc.get_pages().is_empty()).unwrap_or(false);
    let first = match load(bytes) {
        Ok(doc) if doc.is_encrypted() => {
            // lopdf has tried the empty user password; then the given ones.
            for password in passwords {
                let opened = contain(|| {
                    Document::load_mem_with_options(
                        bytes,
                        pdf_extract::LoadOptions::with_password(password),
                    )
                });
                if let Ok(Ok(doc)) = opened {
                    if !doc.is_encrypted() && has_pages(&doc) {
                        return Ok((
                            doc,
                            Some("opened with a password of --password-file".into()),
                        ));
                    }
                }
            }
            return Ok((doc, None));
        }
        Ok(doc) if has_pages(&doc) => return Ok((doc, None)),
        Ok(_) => Extraction::failed(DocStatus::Invalid, "the PDF has no pages"),
        Err(failed) => failed,
    };
    // A rewritten file serves when it opens with pages (or asks a password).
    let usable = |bytes: &[u8]| {
        load(bytes)
            .ok()
            .filter(|doc| doc.is_encrypted() || has_pages(doc))
    };
    // Junk before the header (a mail or HTTP wrapper): offsets count from
    // the header, as readers take them.
    let header = bytes.windows(5).position(|w| w == b"%PDF-").unwrap_or(0);
    if header > 0 {
        if let Some(doc) = usable(&bytes[header..]) {
            let note = format!("repaired: {header} bytes before the %PDF- header left out");
            return Ok((doc, Some(note)));
        }
    }
    let rebuilt = contain(|| repair::reconstruct(&bytes[header..]))
        .ok()
        .flatten();
    if let Some((fixed, objects)) = rebuilt {
        if let Some(doc) = usable(&fixed) {
            let note = format!(
                "repaired ({}): cross-reference table rebuilt from {objects} objects",
                first.message
            );
            return Ok((doc, Some(note)));
        }
    }
    Err(first)
}

/// Why a page's content is not read: a content stream that inflates past
/// the limit (an inflate bomb). Only streams whose compressed size could
/// reach the limit are inflated, and never past it.
fn oversized_content(doc: &Document, page: pdf_extract::ObjectId, limit: u64) -> Option<String> {
    use std::io::Read;
    // Deflate expands at most about 1032 times.
    const MAX_RATIO: u64 = 1032;
    for id in doc.get_page_contents(page) {
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        if (stream.content.len() as u64).saturating_mul(MAX_RATIO) <= limit {
            continue;
        }
        let flate = match stream.dict.get(b"Filter") {
            Ok(Object::Name(name)) => name == b"FlateDecode",
            Ok(Object::Array(filters)) => {
                filters.first().and_then(|f| f.as_name().ok()) == Some(b"FlateDecode".as_slice())
            }
            _ => false,
        };
        if !flate {
            continue;
        }
        let decoder = flate2::read::ZlibDecoder::new(stream.content.as_slice());
        let inflated =
            std::io::copy(&mut decoder.take(limit + 1), &mut std::io::sink()).unwrap_or(0);
        if inflated > limit {
            return Some(format!(
                "content stream {} {} inflates past extract.max_stream_mb = {} MiB: not read",
                id.0,
                id.1,
                limit / (1024 * 1024)
            ));
        }
    }
    None
}

/// The document's /Title from the Info dictionary, if it is non-empty text.
fn document_title(doc: &Document) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let info = match info {
        Object::Reference(id) => doc.get_object(*id).ok()?,
        other => other,
    };
    let title = info.as_dict().ok()?.get(b"Title").ok()?;
    let bytes = match title {
        Object::String(bytes, _) => bytes,
        _ => return None,
    };
    let text = decode_pdf_text(bytes);
    let text = collapse_spaces(&clean_text(&text, '\''));
    (!text.is_empty()).then_some(text)
}

/// PDF text strings are UTF-16BE with a byte-order mark, or PDFDocEncoding
/// (close enough to Latin-1 for titles).
fn decode_pdf_text(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

thread_local! {
    /// Set while parser code runs under `contain`, so the panic hook keeps quiet
    /// and records the message instead of printing it.
    static CONTAINED: RefCell<Option<String>> = const { RefCell::new(None) };
}
static HOOK: Once = Once::new();

/// Runs parser code, turning a panic into an error message. Panics elsewhere
/// in the program still print as usual.
fn contain<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let inside = CONTAINED.with(|c| c.borrow().is_some());
            if inside {
                let location = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let message = format!("{}{location}", payload_text(info.payload()));
                CONTAINED.with(|c| *c.borrow_mut() = Some(message));
            } else {
                default(info);
            }
        }));
    });
    CONTAINED.with(|c| *c.borrow_mut() = Some(String::new()));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    let message = CONTAINED
        .with(|c| c.borrow_mut().take())
        .unwrap_or_default();
    result.map_err(|payload| {
        if message.is_empty() {
            payload_text(&*payload)
        } else {
            message
        }
    })
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_non_pdf_files_are_invalid() {
        let config = ExtractConfig::default();
        let e = extract_pdf(b"", &config);
        assert_eq!(e.status, DocStatus::Invalid);
        let e = extract_pdf(b"<html><body>not a pdf</body></html>", &config);
        assert_eq!(e.status, DocStatus::Invalid);
        assert!(e.message.contains("not a PDF"), "{}", e.message);
    }

    #[test]
    fn garbage_after_header_is_not_a_crash() {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.extend((0..4000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
        let e = extract_pdf(&bytes, &ExtractConfig::default());
        assert!(
            matches!(e.status, DocStatus::Invalid | DocStatus::Error),
            "{:?}",
            e.status
        );
    }

    #[test]
    fn contained_panic_becomes_a_message() {
        let r: Result<(), String> = contain(|| panic!("boom in parser"));
        assert!(r.unwrap_err().contains("boom in parser"));
        // The hook is back to normal outside `contain`.
        assert!(CONTAINED.with(|c| c.borrow().is_none()));
    }
}
