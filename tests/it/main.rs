//! Integration tests: one binary, each test in its own temporary folder.
//!
//! - `corpus`: the sample corpus against its oracle (page-exact paragraphs);
//! - `real_pdfs`: real French PDFs written by others (../shared/pdfs/french);
//! - `cli`: the `evalmine` binary end to end (tables, statuses, exit codes);
//! - `hostile`: generated hostile and broken PDFs, worker time and memory limits;
//! - `no_panic`: text stages on arbitrary Unicode.

mod cli;
mod corpus;
mod hostile;
mod no_panic;
mod real_pdfs;

use std::path::PathBuf;

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
