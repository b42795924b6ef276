//! OCR of scanned pages: a page with no text layer (or almost none) that
//! shows an image is taken from the PDF as that image when it is one image
//! fine enough, else rendered by poppler's pdftoppm; Tesseract's command line
//! reads it (with orientation detection) and writes hOCR. Its words, with
//! their boxes, baselines and x-heights, become glyphs like those of a text
//! layer, so layout, furniture removal and segmentation are the same as for
//! any page.
//!
//! The programs run as child processes of the extracting process (a worker,
//! under its memory limit), each page within `ocr.page_timeout_s`; a child
//! is killed with its process group past that, and dies with its parent.

mod clean;
mod document;
mod hocr;
mod page;
mod run;

use std::time::{Duration, Instant};

use super::config::{ExtractConfig, OcrConfig};
use super::contain::contain;
use super::glyphs::{Glyph, PageGlyphs};
use super::{page_of, pages_phrase, Extraction, SkippedPage, OCR_ANNOUNCEMENT};
use crate::record::{DocStatus, ExtractedPage, Extractor};
use compact_str::{CompactString, ToCompactString};
use hocr::{OcrLine, OcrPage};
use page::{engine_version, list_images, read_page, Image, PageError};

/// A page whose text layer has fewer visible characters than this is read
/// by OCR when it shows an image ("almost none": a stamped page number, a
/// scanner's caption).
pub(crate) const MAX_TEXT_CHARS: usize = 20;

/// Share of the page the page's images must cover to be worth reading.
const MIN_IMAGE_COVER: f64 = 0.25;

/// Mean word confidence (0 to 100) below which a page's words are not
/// taken: Tesseract reads letters into photographs and into scripts it has
/// no data for at 20 to 40 (public test PDFs: a street photograph 35, a
/// Chinese notice 20), where the sample scans read at 90 to 93.
const MIN_PAGE_CONFIDENCE: f64 = 50.0;

/// What the OCR pass gave for a document.
#[derive(Debug, Default)]
pub(super) struct OcrPass {
    /// Pages read, by their index in the document, as glyphs.
    pub pages: Vec<(usize, PageGlyphs)>,
    /// Pages OCR failed on (page number, why).
    pub failures: Vec<(u32, String)>,
    /// Mean confidence of the words kept, 0 to 100.
    pub confidence: Option<f64>,
    /// The engine that read them ("tesseract 5.3.0, fra").
    pub engine: String,
    /// Why pages without text were not read (OCR off, Tesseract missing).
    pub unavailable: Option<String>,
    /// Pages OCR was tried on.
    pub tried: usize,
}

/// A page without text to try: its index, number and size in points.
#[derive(Debug, Clone, Copy)]
pub(super) struct Candidate {
    pub index: usize,
    pub number: u32,
    pub width: f64,
    pub height: f64,
}

/// How to tell the user to get OCR.
pub(crate) const INSTALL_HINT: &str =
    "install Tesseract to read scans (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-fra)";

/// Reads the candidate pages that show images by OCR. `announce` is called
/// with each page number before it is read (see `isolate`: a worker that
/// dies there skips the page next time, and its deadline grows).
fn read_scanned_pages(
    bytes: &[u8],
    candidates: &[Candidate],
    config: &ExtractConfig,
    announce: &mut dyn FnMut(u32),
) -> OcrPass {
    let ocr = &config.ocr;
    let mut pass = OcrPass::default();
    if candidates.is_empty() {
        return pass;
    }
    if !ocr.enabled {
        pass.unavailable = Some("OCR is off (extract.ocr.enabled = false)".into());
        return pass;
    }
    let Ok(dir) = tempfile::Builder::new().prefix("evalmine-ocr").tempdir() else {
        pass.unavailable = Some("OCR not run: cannot create a temporary folder".into());
        return pass;
    };
    let pdf = dir.path().join("doc.pdf");
    if std::fs::write(&pdf, bytes).is_err() {
        pass.unavailable = Some("OCR not run: cannot write a temporary file".into());
        return pass;
    }
    let budget = Duration::from_secs(ocr.page_timeout_s);
    let images = match list_images(&pdf, dir.path(), budget) {
        Ok(images) => images,
        Err(why) => {
            pass.unavailable = Some(why);
            return pass;
        }
    };
    // Pages that show pictures; blank pages have nothing to read.
    let pictured: Vec<(&Candidate, Vec<&Image>)> = candidates
        .iter()
        .map(|c| {
            (
                c,
                images
                    .iter()
                    .filter(|i| i.page == c.number)
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(c, on_page)| {
            on_page.iter().map(|i| i.area()).sum::<f64>() >= MIN_IMAGE_COVER * c.width * c.height
        })
        .collect();
    if pictured.is_empty() {
        return pass;
    }
    let version = match engine_version(ocr) {
        Ok(version) => version,
        Err(why) => {
            pass.unavailable = Some(why);
            return pass;
        }
    };
    pass.engine = format!("{version}, {}", ocr.languages);
    let mut read: Vec<OcrPage> = Vec::new();
    for (candidate, on_page) in pictured {
        announce(candidate.number);
        pass.tried += 1;
        let deadline = Instant::now() + budget;
        match read_page(&pdf, dir.path(), candidate, &on_page, ocr, deadline) {
            Ok(page) if mean_confidence(&page).is_some_and(|c| c >= MIN_PAGE_CONFIDENCE) => {
                read.push(page)
            }
            // Nothing, or nothing read with confidence: no text here.
            Ok(_) => {}
            Err(PageError::Engine(why)) => {
                // Missing language data or a broken install: every page would
                // fail alike.
                pass.unavailable = Some(why);
                return pass;
            }
            Err(PageError::Page(why)) => pass.failures.push((candidate.number, why)),
        }
    }
    let words: Vec<f64> = read
        .iter()
        .flat_map(|p| p.lines.iter().flat_map(|l| l.words.iter().map(|w| w.conf)))
        .collect();
    if !words.is_empty() {
        pass.confidence = Some(words.iter().sum::<f64>() / words.len() as f64);
    }
    document::assign_sizes(&mut read);
    document::harmonise_running_lines(&mut read, config.header_band, config.footer_band);
    pass.pages = read
        .into_iter()
        .map(|page| (page.index, glyphs_of(&page)))
        .collect();
    pass
}

/// What OCR did for a document.
pub(super) struct OcrOutcome {
    /// Pages whose text comes from OCR.
    pub pages: Vec<u32>,
    pass: OcrPass,
}

impl OcrOutcome {
    /// `ocr` when every page with text was read by OCR, the text layer's
    /// extractor plus OCR when some were, else the text layer's.
    pub(super) fn extractor(&self, text_layer: Extractor, pages: &[ExtractedPage]) -> Extractor {
        if self.pages.is_empty() {
            text_layer
        } else if pages
            .iter()
            .filter(|p| !p.lines.is_empty())
            .all(|p| self.pages.contains(&p.number))
        {
            Extractor::Ocr
        } else {
            Extractor::TextAndOcr
        }
    }

    pub(super) fn note(&self) -> Option<String> {
        (!self.pages.is_empty()).then(|| {
            format!(
                "{} read by OCR ({})",
                pages_phrase(&self.pages),
                self.pass.engine
            )
        })
    }

    /// The confidence, and for a document left without text, why OCR did
    /// not help.
    pub(super) fn conclude(self, mut extraction: Extraction) -> Extraction {
        if !self.pages.is_empty() {
            extraction.read.ocr_confidence =
                self.pass.confidence.map(|c| (c * 10.0).round() / 10.0);
        }
        if extraction.read.status == DocStatus::NoText {
            let why = match self.pass.unavailable {
                Some(why) => Some(why),
                None if self.pass.tried > 0 => Some(format!(
                    "OCR ({}) found no text it could read with confidence on {}",
                    self.pass.engine,
                    if self.pass.tried == 1 {
                        "its page".to_string()
                    } else {
                        format!("its {} pages", self.pass.tried)
                    }
                )),
                None => None,
            };
            if let Some(why) = why {
                extraction.read.message = format!("{}; {why}", extraction.read.message);
            }
        }
        extraction
    }
}

/// Visible characters of a page's lines.
fn visible_chars(page: &ExtractedPage) -> usize {
    page.lines
        .iter()
        .map(|l| l.text.chars().filter(|c| !c.is_whitespace()).count())
        .sum()
}

/// Reads by OCR the pages with no text layer (or almost none) that show an
/// image, in place of what the text layer gave; a page OCR fails on fails.
pub(super) fn read_by_ocr(
    bytes: &[u8],
    pages: &mut [ExtractedPage],
    failures: &mut Vec<String>,
    skip: &[SkippedPage],
    config: &ExtractConfig,
    starting: &mut dyn FnMut(u32),
) -> OcrOutcome {
    let apostrophe = config.apostrophe.chars().next().unwrap_or('\'');
    let candidates: Vec<Candidate> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            !p.failed
                && !skip.iter().any(|s| s.page == p.number)
                && visible_chars(p) < MAX_TEXT_CHARS
        })
        .map(|(index, p)| Candidate {
            index,
            number: p.number,
            width: p.width,
            height: p.height,
        })
        .collect();
    let pass = contain(|| {
        read_scanned_pages(bytes, &candidates, config, &mut |n| {
            starting(n | OCR_ANNOUNCEMENT)
        })
    })
    .unwrap_or_else(|panic| OcrPass {
        unavailable: Some(format!("OCR failed: {panic}")),
        ..OcrPass::default()
    });
    let mut read = Vec::new();
    for (index, glyphs) in &pass.pages {
        let mut page = page_of(glyphs, apostrophe);
        join_running_lines(&mut page, config);
        if visible_chars(&page) > visible_chars(&pages[*index]) {
            read.push(page.number);
            pages[*index] = page;
        }
    }
    for (number, why) in &pass.failures {
        if let Some(page) = pages.iter_mut().find(|p| p.number == *number) {
            *page = ExtractedPage::failed(*number);
        }
        failures.push(format!("page {number}: {why}"));
    }
    if !read.is_empty() {
        tracing::info!("pages {read:?} read by OCR");
    }
    OcrOutcome { pages: read, pass }
}

/// A running header or footer that crosses the column gutter of a
/// two-column page is cut there by the layout when a word space happens to
/// straddle the gutter; on scans the gutter moves a little from page to page,
/// so one page's header would no longer match the others'. Fragments of one
/// row in the top or bottom band that stand a word space apart are one line.
fn join_running_lines(page: &mut ExtractedPage, config: &ExtractConfig) {
    let in_band = |y: f64| {
        y < config.header_band * page.height || y > (1.0 - config.footer_band) * page.height
    };
    let mut i = 0;
    while i < page.lines.len() {
        let line = &page.lines[i];
        let next = page.lines.iter().enumerate().find(|(j, l)| {
            *j != i
                && l.row == line.row
                && in_band(line.y)
                && l.x0 > line.x1
                && l.x0 - line.x1 < 1.5 * line.size.max(l.size)
        });
        match next.map(|(j, _)| j) {
            Some(j) => {
                let right = page.lines.remove(j);
                let i = if j < i { i - 1 } else { i };
                let left = &mut page.lines[i];
                left.text = format!("{} {}", left.text, right.text);
                left.x1 = right.x1;
                left.column = 0;
            }
            None => i += 1,
        }
    }
}

/// Mean confidence of a page's words, if it has any.
fn mean_confidence(page: &OcrPage) -> Option<f64> {
    let confidences: Vec<f64> = page
        .lines
        .iter()
        .flat_map(|l| l.words.iter().map(|w| w.conf))
        .collect();
    (!confidences.is_empty()).then(|| confidences.iter().sum::<f64>() / confidences.len() as f64)
}

/// The OCR engine the settings give: "tesseract 5.3.0", "none (why)" or
/// "off"; it decides how scans read (part of the cache key).
pub(crate) fn engine(ocr: &OcrConfig) -> String {
    if !ocr.enabled {
        return "off".into();
    }
    engine_version(ocr).unwrap_or_else(|why| format!("none ({why})"))
}

/// The words of a page as glyphs: each word's characters spread evenly over
/// its box, on its line's baseline, at its line's size, a space between words.
fn glyphs_of(page: &OcrPage) -> PageGlyphs {
    let mut glyphs = Vec::new();
    for line in &page.lines {
        push_line(&mut glyphs, line);
    }
    PageGlyphs {
        number: page.number,
        width: page.width,
        height: page.height,
        glyphs,
        skipped: Vec::new(),
    }
}

fn push_line(glyphs: &mut Vec<Glyph>, line: &OcrLine) {
    let glyph = |x: f64, advance: f64, text: CompactString| {
        Glyph::new(x, line.baseline, line.size, advance, text, false, 0).drawn_invisibly()
    };
    for (i, word) in line.words.iter().enumerate() {
        if i > 0 {
            let previous = &line.words[i - 1];
            let gap = (word.x0 - previous.x1).max(0.01);
            glyphs.push(glyph(previous.x1, gap, " ".into()));
        }
        let n = word.text.chars().count().max(1);
        let advance = (word.x1 - word.x0).max(0.01) / n as f64;
        for (k, c) in word.text.chars().enumerate() {
            glyphs.push(glyph(
                word.x0 + k as f64 * advance,
                advance,
                c.to_compact_string(),
            ));
        }
    }
}
