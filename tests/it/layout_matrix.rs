//! The layout matrix subset (tests/layout_matrix, made by
//! corpus/build/matrix.py): the sample reports in 19 typographic styles and
//! three producers, each paragraph of the oracle expected exactly, on its
//! page. The full matrix (114 PDFs) is measured by `python3
//! corpus/build/matrix.py --measure DIR`; this keeps one report per style.

use std::collections::HashMap;

use rayon::prelude::*;
use serde_json::Value;

use crate::{normalise, repo_root};

/// Oracle paragraphs found exactly on their page, per style.
fn measure() -> Vec<(String, usize, usize)> {
    let root = repo_root().join("tests/layout_matrix");
    let mut pdfs: Vec<_> = walkdir::WalkDir::new(&root)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    pdfs.sort();
    pdfs.par_iter()
        .map(|pdf| {
            let style = pdf
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let oracle: Value =
                serde_json::from_str(&std::fs::read_to_string(pdf.with_extension("json")).unwrap())
                    .unwrap();
            let doc = crate::read_document(&style, pdf);
            let mut produced: HashMap<String, Vec<u32>> = HashMap::new();
            for p in &doc.paragraphs {
                produced.entry(normalise(&p.text)).or_default().push(p.page);
            }
            let wanted = oracle["paragraphs"].as_array().unwrap();
            let exact = wanted
                .iter()
                .filter(|w| {
                    let page = w["page"].as_u64().unwrap() as u32;
                    produced
                        .get(&normalise(w["text"].as_str().unwrap()))
                        .is_some_and(|pages| pages.contains(&page))
                })
                .count();
            (style, wanted.len(), exact)
        })
        .collect()
}

#[test]
fn paragraphs_come_out_exactly_in_every_style_of_the_matrix() {
    let results = measure();
    assert!(results.len() >= 12, "at least 12 styles: {}", results.len());
    let (mut total, mut exact) = (0, 0);
    for (style, n, found) in &results {
        println!(
            "{style:28} {found:4}/{n:4} {:5.1}%",
            100.0 * *found as f64 / *n as f64
        );
        total += n;
        exact += found;
    }
    let overall = exact as f64 / total as f64;
    println!(
        "layout matrix subset: {exact}/{total} exact with page ({:.1}%)",
        100.0 * overall
    );
    // Guards at today's level, less a paragraph or two (1442/1448, every
    // style at 96.8% or more; issue 11's target: 99% per style, 99.5% overall).
    assert!(overall >= 0.99, "overall {overall:.3}");
    for (style, n, found) in &results {
        assert!(
            *found as f64 >= 0.96 * *n as f64,
            "{style}: {found}/{n} exact with page"
        );
    }
}
