//! Scanned reports read by OCR (Tesseract, issue 15). The sample scans
//! (corpus/build/scans.py): r09, a poor grey 100 dpi scan of r01's pages 1
//! and 3 to 5 (one column, running header, "Page X / Y"), and r10, a bilevel
//! 300 dpi photocopy of r03's pages 1 to 3 (two justified columns, footnotes,
//! a table), both slightly rotated, with grain and dust. Each must give at
//! least 90% of its oracle paragraphs (similarity >= 0.9 after whitespace
//! normalisation) on the right page, and the coverage levels of the text
//! version of the same pages. Without Tesseract a scan stays `no_text` and
//! says how to read it; a stuck Tesseract costs its page only, and a long
//! scan is not cut short by `extract.timeout_s`.
//!
//! Needs Tesseract with French and poppler-utils (.ci/run installs them).
//! OCR of the seven scanned pages takes about 20 s of CPU; the scans and
//! their text versions are read once for all the tests here.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use evalmine::aggregate::{synthesise, CoverageConfig};
use evalmine::config::PipelineConfig;
use evalmine::extract::ExtractConfig;
use evalmine::pipeline::{InputFile, Pipeline, RunOptions};
use evalmine::record::{DocStatus, Document, Extractor};
use rayon::prelude::*;
use serde_json::Value;

use crate::{normalise, repo_root};

/// A scan's oracle: paragraphs, and the text report and pages it shows.
pub(crate) struct ScanOracle {
    pub id: String,
    source: String,
    source_pages: Vec<u32>,
    paragraphs: Vec<(u32, String)>,
}

/// The oracles marked `"ocr": true` in corpus/oracle.
pub(crate) fn scan_oracles() -> Vec<ScanOracle> {
    let mut scans = Vec::new();
    for entry in std::fs::read_dir(repo_root().join("corpus/oracle")).unwrap() {
        let path = entry.unwrap().path();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if v["ocr"].as_bool() != Some(true) {
            continue;
        }
        scans.push(ScanOracle {
            id: v["id"].as_str().unwrap().to_string(),
            source: v["source"].as_str().unwrap().to_string(),
            source_pages: v["source_pages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_u64().unwrap() as u32)
                .collect(),
            paragraphs: v["paragraphs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["page"].as_u64().unwrap() as u32,
                        normalise(p["text"].as_str().unwrap()),
                    )
                })
                .collect(),
        });
    }
    scans.sort_by(|a, b| a.id.cmp(&b.id));
    scans
}

/// The scans and the reports they were made from, read and classified as
/// `run` reads them (in process), once.
fn documents() -> &'static (Pipeline, HashMap<String, Document>) {
    static DOCS: OnceLock<(Pipeline, HashMap<String, Document>)> = OnceLock::new();
    DOCS.get_or_init(|| {
        assert!(
            Command::new("tesseract").arg("--version").output().is_ok(),
            "these tests need Tesseract: apt-get install tesseract-ocr tesseract-ocr-fra (.ci/run does)"
        );
        let mut config = PipelineConfig::default();
        config.classify.models = Some(repo_root().join("models"));
        config.cache.enabled = false;
        let pipeline = Pipeline::build(&config, RunOptions::default()).unwrap();
        let mut ids: Vec<String> = Vec::new();
        for scan in scan_oracles() {
            ids.push(scan.source.clone());
            ids.push(scan.id);
        }
        let docs = ids
            .par_iter()
            .map(|id| {
                let input = InputFile {
                    doc_id: id.clone(),
                    path: repo_root().join(format!("corpus/{id}.pdf")),
                };
                (id.clone(), pipeline.process(&input))
            })
            .collect();
        (pipeline, docs)
    })
}

/// A scan read by OCR (shared with the corpus tests).
pub(crate) fn scanned(id: &str) -> &'static Document {
    &documents().1[id]
}

/// 1 - edit distance / longer length, over characters.
fn similarity(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let longer = a.len().max(b.len());
    if longer == 0 {
        return 1.0;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            current[j + 1] = (previous[j] + usize::from(ca != cb))
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    1.0 - previous[b.len()] as f64 / longer as f64
}

#[test]
fn scans_give_their_oracle_paragraphs_on_their_page() {
    let scans = scan_oracles();
    assert!(scans.len() >= 2, "r09 and a second scan in another layout");
    for scan in &scans {
        let doc = scanned(&scan.id);
        assert_eq!(
            doc.read.status,
            DocStatus::Ok,
            "{}: {}",
            scan.id,
            doc.read.message
        );
        assert_eq!(doc.read.extractor, Some(Extractor::Ocr), "{}", scan.id);
        let confidence = doc.read.ocr_confidence.unwrap_or(0.0);
        assert!(
            confidence > 50.0,
            "{}: mean word confidence {confidence}",
            scan.id
        );
        let produced: Vec<(u32, String)> = doc
            .paragraphs
            .iter()
            .map(|p| (p.page, normalise(&p.text)))
            .collect();
        let mut found = 0;
        for (page, text) in &scan.paragraphs {
            let n = text.chars().count() as f64;
            let best = produced
                .iter()
                .filter(|(p, t)| {
                    p == page && (0.7 * n..=1.3 * n).contains(&(t.chars().count() as f64))
                })
                .map(|(_, t)| similarity(text, t))
                .fold(0.0, f64::max);
            if best >= 0.9 {
                found += 1;
            } else {
                println!(
                    "{} p.{page}: missed ({best:.2}) {}",
                    scan.id,
                    text.chars().take(80).collect::<String>()
                );
            }
        }
        println!(
            "{}: {found} of {} oracle paragraphs (similarity >= 0.9, right page); mean word confidence {confidence}; {}",
            scan.id,
            scan.paragraphs.len(),
            doc.read.message
        );
        assert!(
            found * 10 >= scan.paragraphs.len() * 9,
            "{}: at least 90% of the oracle paragraphs must come out of OCR on their page, got {found} of {}",
            scan.id,
            scan.paragraphs.len()
        );
    }
}

#[test]
fn scans_get_the_coverage_levels_of_their_text_version() {
    let (pipeline, docs) = documents();
    let classifier = pipeline.classifier();
    for scan in scan_oracles() {
        // The text version: the source report's paragraphs on the scanned pages.
        let mut text = docs[&scan.source].clone();
        text.doc_id = format!("{}-text", scan.source);
        text.paragraphs
            .retain(|p| scan.source_pages.contains(&p.page));
        let pair = [docs[&scan.id].clone(), text];
        let s = synthesise(
            &pair,
            classifier.codebook(),
            &classifier.codes,
            &classifier.actions,
            &CoverageConfig::default(),
            None,
        )
        .unwrap();
        let c = &s.coverage;
        let (d, t, l) = (
            c.column("doc_id").unwrap().str().unwrap(),
            c.column("theme").unwrap().str().unwrap(),
            c.column("level").unwrap().str().unwrap(),
        );
        let level = |doc: &str, theme: &str| {
            (0..c.height())
                .find(|&i| d.get(i) == Some(doc) && t.get(i) == Some(theme))
                .and_then(|i| l.get(i))
                .unwrap()
                .to_string()
        };
        let themes: Vec<String> = (0..c.height())
            .filter(|&i| d.get(i) == Some(scan.id.as_str()))
            .map(|i| t.get(i).unwrap().to_string())
            .collect();
        assert_eq!(themes.len(), 5, "five codebook themes");
        for theme in &themes {
            let (scanned, typed) = (level(&scan.id, theme), level(&pair[1].doc_id, theme));
            println!("{} {theme}: {scanned} (text version {typed})", scan.id);
            assert_eq!(
                scanned, typed,
                "{} {theme}: the scan must get the coverage level of its text version",
                scan.id
            );
        }
    }
}

#[test]
fn without_tesseract_a_scan_stays_no_text_and_says_how_to_read_it() {
    let read = |config: &ExtractConfig| {
        crate::read_document_with("r09", &repo_root().join("corpus/r09.pdf"), config)
    };
    let mut config = ExtractConfig::default();
    config.ocr.tesseract = "/nonexistent/tesseract-for-evalmine-tests".into();
    let doc = read(&config);
    assert_eq!(doc.read.status, DocStatus::NoText, "{}", doc.read.message);
    assert!(doc.paragraphs.is_empty());
    assert!(
        doc.read
            .message
            .contains("apt-get install tesseract-ocr tesseract-ocr-fra"),
        "the message says how to enable OCR: {}",
        doc.read.message
    );
    assert_eq!(doc.read.ocr_confidence, None);
    config.ocr.enabled = false;
    let doc = read(&config);
    assert_eq!(doc.read.status, DocStatus::NoText);
    assert!(
        doc.read.message.contains("extract.ocr.enabled = false"),
        "{}",
        doc.read.message
    );
}

/// A stand-in for Tesseract: says a version, waits `delay` seconds, then
/// writes one line of hOCR.
fn fake_tesseract(dir: &Path, delay: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("tesseract");
    let script = format!(
        r#"#!/bin/sh
if [ "$1" = "--version" ]; then echo "tesseract 5.3.0 (stand-in)"; exit 0; fi
sleep {delay}
cat > "$2.hocr" <<'HOCR'
<div class='ocr_page' id='page_1' title='image "p"; bbox 0 0 2480 3508'>
 <span class='ocr_line' id='line_1_1' title="bbox 300 600 1500 660; baseline 0 -12; x_size 46; x_descenders 11; x_ascenders 11">
  <span class='ocrx_word' id='word_1_1' title='bbox 300 600 700 648; x_wconf 80'>Bonjour</span>
  <span class='ocrx_word' id='word_1_2' title='bbox 740 600 1500 648; x_wconf 90'>quartiers</span>
 </span></div>
HOCR
"#
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_string_lossy().into_owned()
}

/// `evalmine run` (worker processes) over r09 and r01 with these
/// `[extract]` and `[extract.ocr]` settings: the time, and each document's
/// status, extractor, OCR confidence and message.
fn run_scan(dir: &Path, extract: &str, ocr: &str) -> (Duration, HashMap<String, Vec<String>>) {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for id in ["r01", "r09"] {
        std::fs::copy(
            repo_root().join(format!("corpus/{id}.pdf")),
            input.join(format!("{id}.pdf")),
        )
        .unwrap();
    }
    let config = format!(
        "[input]\ndir = \"in\"\n[output]\ndir = \"out\"\nformats = [\"csv\"]\n[classify]\nmodels = {:?}\n[cache]\nenabled = false\n[extract]\n{extract}\n[extract.ocr]\n{ocr}\n",
        repo_root().join("models").display().to_string()
    );
    std::fs::write(dir.join("pipeline.toml"), config).unwrap();
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_evalmine"))
        .arg("run")
        .current_dir(dir)
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    let text = std::fs::read_to_string(dir.join("out/documents.csv")).unwrap_or_else(|_| {
        panic!(
            "no documents table: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let columns = ["status", "extractor", "ocr_confidence", "message"].map(col);
    let mut rows = HashMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        rows.insert(
            record[col("doc_id")].to_string(),
            columns.iter().map(|&i| record[i].to_string()).collect(),
        );
    }
    (elapsed, rows)
}

#[test]
fn a_stuck_tesseract_costs_its_pages_only_and_the_run_ends() {
    let dir = tempfile::tempdir().unwrap();
    let tesseract = fake_tesseract(dir.path(), "60");
    let (elapsed, rows) = run_scan(
        dir.path(),
        "",
        &format!("page_timeout_s = 1\ntesseract = {tesseract:?}"),
    );
    assert!(
        elapsed < Duration::from_secs(30),
        "bounded time: {elapsed:?}"
    );
    let scan = &rows["r09"];
    assert_eq!(scan[0], "error", "every page of the scan failed: {scan:?}");
    assert!(
        scan[3].contains("extract.ocr.page_timeout_s = 1"),
        "{scan:?}"
    );
    assert_eq!(rows["r01"][0], "ok");
    assert_eq!(rows["r01"][2], "", "no OCR confidence for a text PDF");
}

#[test]
fn a_long_scan_is_not_cut_short_by_the_document_timeout() {
    // Four pages of 1.5 s each against timeout_s = 1: each page read by
    // OCR adds its own limit to the document's.
    let dir = tempfile::tempdir().unwrap();
    let tesseract = fake_tesseract(dir.path(), "1.5");
    let (_, rows) = run_scan(
        dir.path(),
        "timeout_s = 1",
        &format!("page_timeout_s = 5\ntesseract = {tesseract:?}"),
    );
    let scan = &rows["r09"];
    assert_eq!(scan[0], "ok", "{scan:?}");
    assert_eq!(scan[1], "ocr");
    assert_eq!(
        scan[2].parse::<f64>().ok(),
        Some(85.0),
        "mean of 80 and 90: {scan:?}"
    );
    assert!(
        scan[3].contains("read by OCR (tesseract 5.3.0 (stand-in), fra)"),
        "{scan:?}"
    );
}
