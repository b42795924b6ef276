//! Bytes -> extraction -> paragraphs, in process: what a worker does for one
//! file. Panics inside the parser are contained per page by design (they
//! become page failures); what this target looks for is what containment
//! cannot catch: aborts, stack overflows, endless loops, huge allocations
//! (libFuzzer's -timeout and -rss_limit_mb), and panics in our own code
//! outside the contained parser calls.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // OCR runs Tesseract in a child process: not what this target exercises
    // (and far too slow for fuzzing); the parsers and layout are.
    let mut config = evalmine::extract::ExtractConfig::default();
    config.ocr.enabled = false;
    let extraction = evalmine::extract::extract_pdf(data, &config);
    let paragraphs = evalmine::segment::segment(&extraction.pages).paragraphs;
    // Every paragraph points at a page the extraction has.
    for p in &paragraphs {
        assert!(p.page >= 1 && p.page <= extraction.read.pages.max(1));
    }
});
