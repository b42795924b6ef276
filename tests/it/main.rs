//! Integration tests: one binary, each test in its own temporary folder.
//!
//! - `corpus`: the sample corpus against its oracle (page-exact paragraphs);
//! - `covers`: report metadata read from the text against the cover set's oracle (tests/covers);
//! - `real_pdfs`: real French PDFs written by others (../shared/pdfs/french);
//! - `real_pages`: paragraph starts on 64 real pages against their oracle (tests/real_pages);
//! - `cli`: the `evalmine` binary end to end (tables, statuses, exit codes);
//! - `anywhere`: the binary in an empty folder (built-in defaults) and after `evalmine init`;
//! - `layout_matrix`: the sample reports in 19 typographic styles (tests/layout_matrix), page-exact paragraphs;
//! - `hidden_spaces`: space glyphs drawn inside the letter before them (tests/hidden_spaces);
//! - `hostile`: generated hostile and broken PDFs, worker time and memory limits;
//! - `ocr`: the sample scans read by OCR (Tesseract) against their oracles and text versions;
//! - `names`: file names that are not UTF-8 or hold control characters;
//! - `payloads`: one batch of files whose text, titles and names carry formulas, markup and bidi controls;
//! - `pdf_writer`: the small PDF writer the generated files are made with;
//! - `cmap`: the vendored pdf-extract's CMap lexer gives adobe-cmap-parser's tokens;
//! - `content_stream`: the vendored pdf-extract's content stream reader gives lopdf's operations;
//! - `qda`: `evalmine export`, the REFI-QDA project and codebook validated against the standard's schemas;
//! - `report_browser`: report.html rendered by headless Chromium, every chart checked in the screenshot;
//! - `edges`: CSV dialects, empty inputs, a closed pipe, report before a run;
//! - `no_panic`: text stages on arbitrary Unicode;
//! - `actions`: the action types table on the sample corpus, and their measure on real prose (../shared/real);
//! - `progress`: stderr of a piped run (no bar, log levels, EVALMINE_LOG) and the runs log;
//! - `stream`: the run's tables do not depend on threads, file order or batch size;
//! - `structure`: no import cycle between the modules of src/, no file over 600 lines.

mod actions;
mod anywhere;
mod captions;
mod cli;
mod cmap;
mod content_stream;
mod corpus;
mod covers;
mod edges;
mod hidden_spaces;
mod hostile;
mod layout_matrix;
mod names;
mod no_panic;
mod ocr;
mod payloads;
mod pdf_writer;
mod progress;
mod qda;
mod real_pages;
mod real_pdfs;
mod report_browser;
mod stream;
mod structure;

use std::path::{Path, PathBuf};

use evalmine::extract::{ExtractConfig, ReadOptions};
use evalmine::record::Document;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// ../shared beside the repository (present in CI as for developers).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = repo_root().join("..").join("shared");
    dir.is_dir().then_some(dir)
}

/// Text compared the way a reader would: one space between words, one
/// apostrophe form, NFC (the pipeline's own output is NFC already).
pub fn normalise(text: &str) -> String {
    text.replace(['’', 'ʼ'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '»' | '"' | '”' | '’' | ')' | ']' | '\'')
    });
    t.ends_with(['.', '!', '?', '…', ':', ';'])
}

/// A file read, extracted and segmented as `run` would, without
/// classification (the extraction tests need no model).
pub fn read_document(doc_id: &str, path: &Path) -> Document {
    read_document_with(doc_id, path, &ExtractConfig::default())
}

/// As `read_document`, with these extraction settings.
pub fn read_document_with(doc_id: &str, path: &Path, config: &ExtractConfig) -> Document {
    let extracted =
        evalmine::ingest::ingest_file(path, config, &ReadOptions::default(), &mut |_| {});
    Document {
        doc_id: doc_id.to_string(),
        path: path.to_string_lossy().into_owned(),
        content_hash: String::new(),
        bytes: 0,
        read: extracted.read,
        headings: extracted.headings,
        paragraphs: extracted.paragraphs,
    }
}
