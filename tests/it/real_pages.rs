//! Paragraph starts on real pages (tests/real_pages/oracle.json, 64 pages,
//! and heldout.json, 40 others:
//! drawn at random from ../shared/pdfs/french, their blocks written down
//! from the rendered page by a reader who did not run evalmine). Measures
//! how well paragraph boundaries carry over to layouts nobody here made.
//!
//! A body paragraph or list item of ours "starts" an oracle block when the
//! first words agree (case, punctuation and spacing aside). Precision: our
//! paragraphs starting on an oracle page that start an oracle body or list
//! block; recall: oracle body and list blocks that one of our paragraphs
//! starts on that page.

use std::collections::HashMap;

use evalmine::record::ParagraphKind;
use unicode_normalization::UnicodeNormalization;

use crate::real_pdfs::real_documents;
use crate::repo_root;

/// Words compared at the start of a paragraph.
const WORDS: usize = 4;

/// Lower case, letters and digits only, words joined by one space.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace(['’', 'ʼ'], "'")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn same_start(ours: &[String], oracle: &[String]) -> bool {
    let n = WORDS.min(ours.len()).min(oracle.len());
    n > 0 && ours[..n] == oracle[..n]
}

/// Letters and digits of the first `WORDS` words, lower case, accents
/// folded, nothing between them: for the second figure printed beside the
/// official one, which a text layer that splits and merges words unlike
/// the print (an OCR layer: "c esta vec grandp laisir") does not fail.
fn letters(words: &[String]) -> String {
    words
        .iter()
        .take(WORDS)
        .flat_map(|w| w.nfd())
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn same_letters(ours: &str, oracle: &str) -> bool {
    let n = ours.chars().count().min(oracle.chars().count());
    n > 0 && ours.chars().take(n).eq(oracle.chars().take(n))
}

/// Paragraph starts found and ours produced, and how many of each matched.
#[derive(Default)]
struct Tally {
    expected: usize,
    found: usize,
    produced: usize,
    starting: usize,
}

impl Tally {
    /// Precision, recall and F1.
    fn scores(&self) -> (f64, f64, f64) {
        let precision = self.starting as f64 / self.produced.max(1) as f64;
        let recall = self.found as f64 / self.expected.max(1) as f64;
        let f1 = 2.0 * precision * recall / (precision + recall).max(f64::EPSILON);
        (precision, recall, f1)
    }
}

#[test]
fn paragraph_starts_on_real_pages() {
    let Some(f1) = paragraph_start_f1("oracle.json") else {
        return;
    };
    // Issue 11 asks for 0.95; this guards what segmentation reaches today
    // (measured when the oracle was made) against getting worse.
    assert!(
        f1 >= FLOOR,
        "paragraph-start F1 on real pages fell to {f1:.3} (floor {FLOOR})"
    );
}

/// The held-out pages (tests/real_pages/heldout.json, 40 other pages of
/// the same PDFs, written down by a reader who neither read nor ran
/// evalmine after the segmentation work on oracle.json): measured, never
/// tuned on. `cargo test --test it real_pages -- --nocapture` prints both.
#[test]
fn paragraph_starts_on_held_out_real_pages() {
    let Some(f1) = paragraph_start_f1("heldout.json") else {
        return;
    };
    assert!(
        f1 >= HELD_OUT_FLOOR,
        "paragraph-start F1 on held-out real pages fell to {f1:.3} (floor {HELD_OUT_FLOOR})"
    );
}

/// Paragraph-start F1 on the pages of one oracle file of tests/real_pages,
/// with its precision, recall, misses and extras printed; None without the
/// shared PDFs.
fn paragraph_start_f1(oracle_file: &str) -> Option<f64> {
    let Some(docs) = real_documents() else {
        eprintln!("../shared/pdfs/french not found: skipped");
        return None;
    };
    let oracle: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo_root().join("tests/real_pages").join(oracle_file)).unwrap(),
    )
    .unwrap();
    let by_file: HashMap<String, &evalmine::record::Document> = docs
        .iter()
        .map(|d| (format!("{}.pdf", d.doc_id), d))
        .collect();
    let (mut found, mut produced, mut expected) = (0usize, 0usize, 0usize);
    // The same counts with the letters-only matcher (`letters`).
    let mut by_letters = Tally::default();
    let mut missed = Vec::new();
    let mut extra = Vec::new();
    for page in oracle["pages"].as_array().unwrap() {
        let file = page["file"].as_str().unwrap();
        let number = page["page"].as_u64().unwrap() as u32;
        let doc = by_file
            .get(file)
            .unwrap_or_else(|| panic!("{file} is not among the shared PDFs"));
        let blocks: Vec<(&str, Vec<Vec<String>>)> = page["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                let mut starts = vec![words(b["start"].as_str().unwrap())];
                if let Some(layer) = b["text_layer"].as_str() {
                    starts.push(words(layer));
                }
                (b["kind"].as_str().unwrap(), starts)
            })
            .collect();
        let ours: Vec<Vec<String>> = doc
            .paragraphs
            .iter()
            .filter(|p| p.page == number)
            .filter(|p| matches!(p.kind, ParagraphKind::Body | ParagraphKind::ListItem))
            .map(|p| words(&p.text))
            .collect();
        let is_text = |kind: &str| matches!(kind, "body" | "list_item");
        let ours_letters: Vec<String> = ours.iter().map(|o| letters(o)).collect();
        let text_letters: Vec<Vec<String>> = blocks
            .iter()
            .filter(|(kind, _)| is_text(kind))
            .map(|(_, starts)| starts.iter().map(|s| letters(s)).collect())
            .collect();
        by_letters.expected += text_letters.len();
        by_letters.produced += ours_letters.len();
        let starts_block =
            |o: &String, starts: &Vec<String>| starts.iter().any(|s| same_letters(o, s));
        by_letters.found += text_letters
            .iter()
            .filter(|starts| ours_letters.iter().any(|o| starts_block(o, starts)))
            .count();
        by_letters.starting += ours_letters
            .iter()
            .filter(|o| text_letters.iter().any(|starts| starts_block(o, starts)))
            .count();
        for (kind, starts) in &blocks {
            if !is_text(kind) {
                continue;
            }
            expected += 1;
            if ours.iter().any(|o| starts.iter().any(|s| same_start(o, s))) {
                found += 1;
            } else {
                missed.push(format!("{file} p.{number}: {}", starts[0].join(" ")));
            }
        }
        for o in &ours {
            produced += 1;
            let starts_text_block = blocks
                .iter()
                .any(|(kind, starts)| is_text(kind) && starts.iter().any(|s| same_start(o, s)));
            if !starts_text_block {
                // The kind of oracle block it starts, if any: tells a
                // caption or heading taken for text from a split paragraph.
                let what = blocks
                    .iter()
                    .find(|(_, starts)| starts.iter().any(|s| same_start(o, s)))
                    .map_or("none", |(kind, _)| *kind);
                extra.push(format!(
                    "{file} p.{number} [{what}]: {}",
                    o.iter().take(8).cloned().collect::<Vec<_>>().join(" ")
                ));
            }
        }
    }
    let precision = (produced - extra.len()) as f64 / produced.max(1) as f64;
    let recall = found as f64 / expected.max(1) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall).max(f64::EPSILON);
    println!(
        "real pages ({oracle_file}): {expected} oracle paragraph starts, {produced} of ours; precision {precision:.3}, recall {recall:.3}, F1 {f1:.3}"
    );
    // Printed beside the official figure, never asserted.
    let (p, r, f) = by_letters.scores();
    println!(
        "  letters-only matcher (accents folded, spaces and punctuation ignored): precision {p:.3}, recall {r:.3}, F1 {f:.3}"
    );
    // REAL_PAGES_SHOW=n lists more (or fewer) of each.
    let show = std::env::var("REAL_PAGES_SHOW")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(40);
    for m in missed.iter().take(show) {
        println!("  missed: {m}");
    }
    for e in extra.iter().take(show) {
        println!("  not a paragraph start: {e}");
    }
    Some(f1)
}

/// F1 today (0.900: precision 0.864, recall 0.940, after the fifth issue
/// 11 session: colon labels running on at the line pitch, two-page
/// running lines, the pitch read under wrapped lines, short open lines at
/// a page foot, sideways pages, boxes with a wider leading, bold runs;
/// 0.888: precision 0.854, recall 0.926, after space glyphs
/// drawn inside a letter were no longer read as word spaces, 0.884, and
/// short labels closed by a colon became headings; 0.881: precision
/// 0.838, recall 0.930 before; 0.850 before the
/// second issue 11 session: line pitch per size, OCR baselines, labelled
/// lists, `other` for figures alone, lead-in sentences, tight word
/// spaces, room at a page foot, stretched word spaces; 0.791
/// before captions and label headings; 0.759 when the test was written),
/// less a margin of about one page.
const FLOOR: f64 = 0.89;

/// F1 on the held-out pages today (0.808: precision 0.752, recall 0.872,
/// measured once after the fifth issue 11 session; 0.800 after the
/// fourth; 0.805 after the
/// second; no session saw them; 0.756 when they were first measured, on
/// main at 609d2b3), less a margin of about one page.
const HELD_OUT_FLOOR: f64 = 0.798;
