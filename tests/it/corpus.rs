//! The sample corpus against its oracle: every body paragraph and list item
//! written in corpus/src must come out exactly, on the page it starts on,
//! with no running header, footer or page number inside. The scans (oracles
//! marked `"ocr": true`) are read by OCR: tests/it/ocr.rs compares them.

use std::collections::HashMap;
use std::path::Path;

use evalmine::pipeline::InputFile;
use evalmine::record::{DocStatus, Document, ParagraphKind};
use rayon::prelude::*;
use serde_json::Value;

use crate::{normalise, repo_root};

struct OracleDoc {
    id: String,
    status: String,
    /// A scan: read by OCR, compared by similarity (tests/it/ocr.rs).
    ocr: bool,
    header: Option<String>,
    paragraphs: Vec<Value>,
    /// Designed coverage level per theme.
    coverage: Vec<(String, String)>,
}

fn load_oracles() -> Vec<OracleDoc> {
    let dir = repo_root().join("corpus/oracle");
    let mut docs: Vec<OracleDoc> = std::fs::read_dir(&dir)
        .expect("corpus/oracle exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let id = v["id"].as_str().unwrap().to_string();
            let header = source_header(&id);
            let coverage = v["coverage"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, l)| (k.clone(), l.as_str().unwrap_or("").to_string()))
                        .collect()
                })
                .unwrap_or_default();
            OracleDoc {
                coverage,
                status: v["status"].as_str().unwrap_or("ok").to_string(),
                ocr: v["ocr"].as_bool().unwrap_or(false),
                paragraphs: v["paragraphs"].as_array().cloned().unwrap_or_default(),
                header,
                id,
            }
        })
        .collect();
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    docs
}

/// The running header text declared in the report's source, if any.
fn source_header(id: &str) -> Option<String> {
    let src = std::fs::read_to_string(repo_root().join(format!("corpus/src/{id}.txt"))).ok()?;
    src.lines()
        .find_map(|l| l.strip_prefix("% header:"))
        .map(|h| normalise(h.trim()))
        .filter(|h| !h.is_empty())
}

fn process(id: &str) -> Document {
    crate::read_document(id, &repo_root().join(format!("corpus/{id}.pdf")))
}

#[test]
fn oracle_paragraphs_come_out_exactly_on_their_page() {
    let oracles = load_oracles();
    assert!(
        oracles.len() >= 9,
        "the corpus has at least 8 reports and a scan"
    );
    let results: Vec<(String, usize, usize, usize, Vec<String>)> = oracles
        .par_iter()
        .filter(|o| o.status == "ok" && !o.ocr)
        .map(|oracle| {
            let doc = process(&oracle.id);
            assert_eq!(
                doc.read.status,
                DocStatus::Ok,
                "{}: {}",
                oracle.id,
                doc.read.message
            );
            let mut produced: HashMap<String, Vec<(u32, Option<String>)>> = HashMap::new();
            for p in &doc.paragraphs {
                produced
                    .entry(normalise(&p.text))
                    .or_default()
                    .push((p.page, doc.heading(p.heading).map(normalise)));
            }
            let (mut exact, mut with_heading) = (0, 0);
            let mut misses = Vec::new();
            for want in &oracle.paragraphs {
                let text = normalise(want["text"].as_str().unwrap());
                let page = want["page"].as_u64().unwrap() as u32;
                let heading = want["heading"].as_str().map(normalise);
                match produced
                    .get(&text)
                    .and_then(|v| v.iter().find(|(p, _)| *p == page))
                {
                    Some((_, h)) => {
                        exact += 1;
                        if *h == heading {
                            with_heading += 1;
                        }
                    }
                    None => misses.push(format!(
                        "p.{page}: {}",
                        text.chars().take(90).collect::<String>()
                    )),
                }
            }
            (
                oracle.id.clone(),
                oracle.paragraphs.len(),
                exact,
                with_heading,
                misses,
            )
        })
        .collect();

    let (mut total, mut found, mut headed) = (0, 0, 0);
    println!("doc   oracle  exact  with-heading");
    for (id, n, exact, with_heading, misses) in &results {
        println!("{id:5} {n:6} {exact:6} {with_heading:6}");
        for m in misses.iter().take(8) {
            println!("      missed {m}");
        }
        total += n;
        found += exact;
        headed += with_heading;
    }
    let recall = found as f64 / total as f64;
    println!("total {total} paragraphs: {found} exact with page ({:.1}%), {headed} also with heading ({:.1}%)",
        100.0 * recall, 100.0 * headed as f64 / total as f64);
    assert!(
        recall >= 0.98,
        "at least 98% of oracle paragraphs must come out exactly with their page, got {:.1}%",
        100.0 * recall
    );
}

#[test]
fn no_header_footer_or_page_number_leaks_into_paragraphs() {
    let page_x_of_y =
        regex::Regex::new(r"(?i)\bpage \d+ ?/ ?\d+\b|- \d+ -$|\b\d+ ?/ ?\d+$").unwrap();
    for oracle in load_oracles().iter().filter(|o| o.status == "ok" && !o.ocr) {
        let doc = process(&oracle.id);
        for p in doc
            .paragraphs
            .iter()
            .filter(|p| matches!(p.kind, ParagraphKind::Body | ParagraphKind::ListItem))
        {
            let text = normalise(&p.text);
            if let Some(header) = &oracle.header {
                assert!(
                    !text.contains(header.as_str()),
                    "{} p.{}: running header inside a paragraph: {text}",
                    oracle.id,
                    p.page
                );
            }
            assert!(
                !page_x_of_y.is_match(&text),
                "{} p.{}: page number inside a paragraph: {text}",
                oracle.id,
                p.page
            );
        }
    }
}

/// Scans are no longer dropped as `no_text` (issue 15): they are read by
/// OCR (their paragraphs are checked in tests/it/ocr.rs).
#[test]
fn the_scans_are_read_by_ocr() {
    let scans: Vec<OracleDoc> = load_oracles().into_iter().filter(|o| o.ocr).collect();
    assert!(
        scans.iter().any(|o| o.id == "r09"),
        "r09 is the sample scan"
    );
    for oracle in &scans {
        let doc = crate::ocr::scanned(&oracle.id);
        assert_eq!(
            doc.read.status,
            DocStatus::Ok,
            "{}: {}",
            oracle.id,
            doc.read.message
        );
        assert_eq!(doc.read.extractor, Some(evalmine::record::Extractor::Ocr));
        assert!(doc.read.pages > 0 && !doc.paragraphs.is_empty());
    }
}

#[test]
fn every_corpus_pdf_has_an_oracle() {
    let dir = repo_root().join("corpus");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pdf") {
            let id = path.file_stem().unwrap().to_str().unwrap();
            assert!(
                Path::new(&dir.join(format!("oracle/{id}.json"))).exists(),
                "{id}.pdf has no oracle"
            );
        }
    }
}

#[test]
fn coverage_levels_agree_with_the_designed_ones() {
    use evalmine::aggregate::{synthesise, CoverageConfig};
    use evalmine::config::PipelineConfig;
    use evalmine::pipeline::{Pipeline, RunOptions};
    let mut config = PipelineConfig::default();
    config.classify.models = Some(repo_root().join("models"));
    config.input.dir = repo_root().join("corpus");
    config.cache.enabled = false;
    let pipeline = Pipeline::build(&config, RunOptions::default()).unwrap();
    let classifier = pipeline.classifier();
    let oracles: Vec<OracleDoc> = load_oracles()
        .into_iter()
        .filter(|o| o.status == "ok" && !o.ocr)
        .collect();
    let docs: Vec<Document> = oracles
        .par_iter()
        .map(|o| {
            let input = InputFile {
                doc_id: o.id.clone(),
                path: repo_root().join(format!("corpus/{}.pdf", o.id)),
            };
            pipeline.process(&input)
        })
        .collect();
    let s = synthesise(
        &docs,
        classifier.codebook(),
        &classifier.codes,
        &classifier.actions,
        &CoverageConfig::default(),
        None,
    )
    .unwrap();
    // The contract's counts are unsigned, in every table that has them.
    for (name, table) in [("synthesis", &s.synthesis), ("verdicts", &s.verdicts)] {
        for column in ["n_documents", "n_total"] {
            assert_eq!(
                table.column(column).unwrap().dtype(),
                &polars::prelude::DataType::UInt32,
                "{name}.{column}"
            );
        }
    }
    let c = &s.coverage;
    let (d, t, l) = (
        c.column("doc_id").unwrap().str().unwrap(),
        c.column("theme").unwrap().str().unwrap(),
        c.column("level").unwrap().str().unwrap(),
    );
    let (mut agree, mut total) = (0, 0);
    for o in &oracles {
        for (theme, designed) in o.coverage.iter() {
            let i = (0..c.height())
                .find(|&i| d.get(i) == Some(o.id.as_str()) && t.get(i) == Some(theme.as_str()))
                .unwrap();
            total += 1;
            if l.get(i) == Some(designed.as_str()) {
                agree += 1;
            } else {
                println!(
                    "{} {theme}: designed {designed}, found {}",
                    o.id,
                    l.get(i).unwrap()
                );
            }
        }
    }
    println!("coverage levels: {agree} of {total} agree with the designed ones");
    assert!(
        total >= 40 && agree * 10 >= total * 7,
        "at least 70% of designed coverage levels are found: {agree} of {total}"
    );
}

/// The shipped model comes from the shipped training files as they are now
/// (README: one `train` command reproduces it), never from evaluation data.
#[test]
fn the_shipped_model_is_trained_on_the_shipped_training_files_only() {
    use sha2::{Digest, Sha256};
    let root = repo_root();
    let model: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("models/linear.json")).unwrap()).unwrap();
    let trained_on: Vec<&str> = model["trained_on"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(!trained_on.is_empty());
    let mut hasher = Sha256::new();
    for path in &trained_on {
        assert!(
            !path.contains("test") && !path.contains("oracle"),
            "{path} is evaluation data"
        );
        hasher.update(std::fs::read(root.join(path)).unwrap());
    }
    let hash: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        model["data_hash"].as_str().unwrap(),
        hash,
        "a training file changed since the model was trained: retrain (README)"
    );
    let features = evalmine::classify::ModelFiles::in_dir(&root.join("models"))
        .features_hash()
        .unwrap();
    assert_eq!(
        model["features_hash"].as_str().unwrap(),
        features,
        "analysis.toml, lexicon.toml or cues.toml changed since the model was trained: retrain (README)"
    );
}
