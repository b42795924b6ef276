//! One file from disk to paragraphs: read (within the size limit), extract,
//! segment, keep the configured kinds. The worker processes and the
//! in-process pipeline both call this, so a document comes out the same
//! whichever runs it. Never fails: every problem becomes the status.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::extract::{self, ExtractConfig, Extraction, KeepOrDrop, ReadOptions};
use crate::record::{DocStatus, Extracted, Paragraph, ParagraphKind};
use crate::segment;

/// Reads a file within `extract.max_file_mb`; a problem becomes a status.
pub(crate) fn read_input(path: &Path, config: &ExtractConfig) -> Result<Vec<u8>, Extraction> {
    let limit = config.max_file_mb.saturating_mul(1024 * 1024);
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > limit => Err(Extraction::failed(
            DocStatus::Invalid,
            format!(
                "file too large: {} bytes, limit extract.max_file_mb = {}",
                meta.len(),
                config.max_file_mb
            ),
        )),
        Err(e) => Err(Extraction::failed(
            DocStatus::Error,
            format!("cannot read file: {e}"),
        )),
        Ok(_) => std::fs::read(path)
            .map_err(|e| Extraction::failed(DocStatus::Error, format!("cannot read file: {e}"))),
    }
}

/// Extracts one file's pages (what `inspect` shows, before segmentation).
pub fn extract_file(path: &Path, config: &ExtractConfig) -> Extraction {
    match read_input(path, config) {
        Ok(bytes) => extract::extract_pdf(&bytes, config),
        Err(failed) => failed,
    }
}

/// Reads, extracts and segments one file. `options` and `starting` as in
/// `extract::extract_pdf_with` (pages to skip, passwords; called before
/// each page).
pub fn ingest_file(
    path: &Path,
    config: &ExtractConfig,
    options: &ReadOptions,
    starting: &mut dyn FnMut(u32),
) -> Extracted {
    ingest_file_timed(path, config, options, starting).0
}

/// `ingest_file`, and the time segmentation took (the worker processes send
/// it to the run, which reports the time of each stage).
pub(crate) fn ingest_file_timed(
    path: &Path,
    config: &ExtractConfig,
    options: &ReadOptions,
    starting: &mut dyn FnMut(u32),
) -> (Extracted, Duration) {
    match read_input(path, config) {
        Ok(bytes) => ingest_bytes(&bytes, config, options, starting),
        Err(failed) => (Extracted::failed(failed.read), Duration::ZERO),
    }
}

/// Extraction and segmentation of a file's bytes, and the time segmentation
/// took.
pub(crate) fn ingest_bytes(
    bytes: &[u8],
    config: &ExtractConfig,
    options: &ReadOptions,
    starting: &mut dyn FnMut(u32),
) -> (Extracted, Duration) {
    let extraction = extract::extract_pdf_with(bytes, config, options, starting);
    let start = Instant::now();
    let segmented = segment::segment(&extraction.pages);
    let segmentation = start.elapsed();
    let extracted = Extracted {
        read: extraction.read,
        headings: segmented.headings,
        paragraphs: keep_configured_kinds(segmented.paragraphs, config),
    };
    (extracted, segmentation)
}

/// Drops footnotes and table rows when the configuration says so.
pub fn keep_configured_kinds(
    mut paragraphs: Vec<Paragraph>,
    config: &ExtractConfig,
) -> Vec<Paragraph> {
    paragraphs.retain(|p| match p.kind {
        ParagraphKind::Footnote => config.footnotes == KeepOrDrop::Keep,
        ParagraphKind::TableRow => config.tables == KeepOrDrop::Keep,
        // Captions are few and say what a figure shows, and lines of
        // figures hold the dates metadata reads: always kept.
        ParagraphKind::Body
        | ParagraphKind::ListItem
        | ParagraphKind::Caption
        | ParagraphKind::Other => true,
    });
    paragraphs
}
