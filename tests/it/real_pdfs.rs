//! Real French PDFs written by others (government guides, policy documents, a
//! municipal report, student reports): what can be asserted without an oracle.

use std::collections::HashMap;
use std::path::PathBuf;

use evalmine::record::{DocStatus, Document, ParagraphKind};
use rayon::prelude::*;

use crate::{ends_sentence, normalise, shared_dir};

/// The 34 documents, read once for every test of the binary that needs them.
pub(crate) fn real_documents() -> Option<&'static [Document]> {
    static DOCS: std::sync::OnceLock<Option<Vec<Document>>> = std::sync::OnceLock::new();
    DOCS.get_or_init(read_real_documents).as_deref()
}

fn read_real_documents() -> Option<Vec<Document>> {
    let dir = shared_dir()?.join("pdfs/french");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    Some(
        files
            .par_iter()
            .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")))
            .map(|path| {
                let doc_id = path.file_stem().unwrap().to_string_lossy().into_owned();
                crate::read_document(&doc_id, path)
            })
            .collect(),
    )
}

#[test]
fn real_french_pdfs_come_out_clean() {
    let Some(docs) = real_documents() else {
        eprintln!("../shared/pdfs/french not found: skipped");
        return;
    };
    assert!(
        docs.len() >= 30,
        "expected the 34 shared French PDFs, found {}",
        docs.len()
    );
    let mut problems = Vec::new();
    let (mut breaks, mut cut_breaks) = (0usize, 0usize);
    for doc in docs {
        // Every file gets a status; the ones with text must give paragraphs.
        if doc.read.status == DocStatus::Ok && doc.paragraphs.is_empty() {
            problems.push(format!("{}: status ok but no paragraph", doc.doc_id));
        }
        for p in &doc.paragraphs {
            if p.text
                .chars()
                .any(|c| ('\u{FB00}'..='\u{FB06}').contains(&c))
            {
                problems.push(format!(
                    "{} p.{}: ligature left: {}",
                    doc.doc_id, p.page, p.text
                ));
            }
        }
        // A line repeated at the top or bottom of many pages (a running header
        // or footer) never comes out as a paragraph.
        let mut edge_count: HashMap<String, usize> = HashMap::new();
        for page in 1..=doc.read.pages {
            let on_page: Vec<_> = doc.paragraphs.iter().filter(|p| p.page == page).collect();
            let edges: Vec<String> = on_page
                .first()
                .into_iter()
                .chain(on_page.last())
                .map(|p| normalise(&p.text))
                .collect();
            for text in edges.into_iter().collect::<std::collections::HashSet<_>>() {
                *edge_count.entry(text).or_default() += 1;
            }
        }
        for (text, n) in &edge_count {
            let words = text.split_whitespace().count();
            if *n >= 4 && (*n as u32) * 3 >= doc.read.pages && (2..=15).contains(&words) {
                problems.push(format!(
                    "{}: {text:?} opens or closes {n} pages (running header or footer?)",
                    doc.doc_id
                ));
            }
        }
        // Page breaks: a body paragraph that ends without punctuation followed by
        // a lowercase body paragraph on the next page was cut in two.
        let body: Vec<_> = doc
            .paragraphs
            .iter()
            .filter(|p| p.kind == ParagraphKind::Body)
            .collect();
        for w in body.windows(2) {
            if w[1].page == w[0].page + 1 {
                breaks += 1;
                if !ends_sentence(&w[0].text)
                    && w[1].text.chars().next().is_some_and(char::is_lowercase)
                {
                    cut_breaks += 1;
                    eprintln!(
                        "{} p.{}: cut across the page break: …{:?} | {:?}…",
                        doc.doc_id,
                        w[1].page,
                        w[0].text
                            .chars()
                            .rev()
                            .take(40)
                            .collect::<String>()
                            .chars()
                            .rev()
                            .collect::<String>(),
                        w[1].text.chars().take(40).collect::<String>()
                    );
                }
            }
        }
    }
    let statuses: HashMap<&str, usize> = docs.iter().fold(HashMap::new(), |mut m, d| {
        *m.entry(d.read.status.as_str()).or_default() += 1;
        m
    });
    println!("{} real PDFs: {statuses:?}; {breaks} body paragraph pairs across page breaks, {cut_breaks} cut", docs.len());
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // 19 of 632 today (3.0%), one of them in the text of a figure drawn as
    // an image of text (Parser-IRISA_Rapport_pdftotext p.13).
    assert!(
        cut_breaks * 1000 <= 31 * breaks.max(1),
        "at most 3.1% of page breaks may cut a paragraph: {cut_breaks} of {breaks}"
    );
}
