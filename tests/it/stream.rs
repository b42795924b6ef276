//! `run` streams (issue 13, part 2): the tables are the same whatever the
//! number of threads, the order the files are found in and the size of the
//! batches the rows are written in; the streamed tables keep the
//! provenance in their Parquet metadata and the rows of every document.

use std::collections::BTreeMap;
use std::path::Path;

use evalmine::config::PipelineConfig;
use evalmine::output::TableFormat;
use evalmine::pipeline::{InputFile, Pipeline, RunOptions};
use polars::prelude::*;

use crate::repo_root;

/// The text reports of the sample corpus (the two scans are left out: OCR
/// would make these runs long and adds nothing to what is checked here).
const REPORTS: [&str; 8] = ["r01", "r02", "r03", "r04", "r05", "r06", "r07", "r08"];

fn config(input: &Path, out: &Path, threads: usize) -> PipelineConfig {
    let mut config = PipelineConfig::default();
    config.classify.models = Some(repo_root().join("models"));
    config.input.dir = input.to_path_buf();
    config.input.threads = threads;
    config.output.dir = out.to_path_buf();
    config.output.formats = vec![TableFormat::Parquet, TableFormat::Csv];
    config.cache.enabled = false;
    config
}

/// Every table of an output folder: CSV files as bytes, Parquet files as
/// frames (their metadata holds the run id, which differs between runs).
fn tables(out: &Path) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, DataFrame>) {
    let (mut csv, mut parquet) = (BTreeMap::new(), BTreeMap::new());
    for entry in std::fs::read_dir(out).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => {
                csv.insert(name, std::fs::read(&path).unwrap());
            }
            Some("parquet") => {
                let file = std::fs::File::open(&path).unwrap();
                parquet.insert(name, ParquetReader::new(file).finish().unwrap());
            }
            _ => {}
        }
    }
    (csv, parquet)
}

fn row_groups_and_keys(path: &Path) -> (usize, Vec<String>) {
    let mut reader = ParquetReader::new(std::fs::File::open(path).unwrap());
    let meta = reader.get_metadata().unwrap();
    let keys = meta
        .key_value_metadata()
        .iter()
        .flatten()
        .map(|kv| kv.key.clone())
        .filter(|k| k.starts_with("evalmine."))
        .collect();
    (meta.row_groups.len(), keys)
}

#[test]
fn tables_do_not_depend_on_threads_file_order_or_batches() {
    let dir = tempfile::tempdir().unwrap();
    // One input folder (paths are written in `documents`), filled in
    // reading order for the first run and in the opposite order for the
    // second.
    let input = dir.path().join("reports");
    let fill = |order: &mut dyn Iterator<Item = &&str>| {
        let _ = std::fs::remove_dir_all(&input);
        std::fs::create_dir_all(&input).unwrap();
        for id in order {
            let from = repo_root().join(format!("corpus/{id}.pdf"));
            std::fs::copy(&from, input.join(format!("{id}.pdf"))).unwrap();
        }
    };
    let (one, many) = (dir.path().join("one"), dir.path().join("many"));
    // One thread, every row in one batch ...
    fill(&mut REPORTS.iter());
    let outcome = Pipeline::build(&config(&input, &one, 1), RunOptions::default())
        .unwrap()
        .run()
        .unwrap();
    // ... and three threads with batches of a few paragraphs, so documents
    // complete out of order and the rows go out in many row groups.
    fill(&mut REPORTS.iter().rev());
    let small_batches = RunOptions {
        batch_paragraphs: 50,
        ..RunOptions::default()
    };
    Pipeline::build(&config(&input, &many, 3), small_batches)
        .unwrap()
        .run()
        .unwrap();
    let ids: Vec<&str> = outcome
        .documents
        .iter()
        .map(|d| d.doc_id.as_str())
        .collect();
    assert_eq!(ids, REPORTS, "documents come out in doc_id order");

    let (csv_one, parquet_one) = tables(&one);
    let (csv_many, parquet_many) = tables(&many);
    assert_eq!(csv_one.len(), 8, "{:?}", csv_one.keys());
    assert_eq!(
        csv_one.keys().collect::<Vec<_>>(),
        csv_many.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &csv_one {
        assert!(
            bytes == &csv_many[name],
            "{name}: the same bytes with 1 thread and one batch as with 3 threads and small batches"
        );
        assert!(bytes.starts_with("\u{feff}".as_bytes()), "{name}: BOM");
        assert_eq!(
            bytes
                .windows(3)
                .filter(|w| *w == "\u{feff}".as_bytes())
                .count(),
            1,
            "{name}: the BOM is written once, not per batch"
        );
    }
    for (name, frame) in &parquet_one {
        assert!(
            frame.equals_missing(&parquet_many[name]),
            "{name}: the same rows with 1 thread as with 3"
        );
        assert_eq!(frame.schema(), parquet_many[name].schema(), "{name}");
    }
    let (groups_one, keys) = row_groups_and_keys(&one.join("paragraphs.parquet"));
    let (groups_many, keys_many) = row_groups_and_keys(&many.join("paragraphs.parquet"));
    assert_eq!(groups_one, 1);
    assert_eq!(
        groups_many,
        REPORTS.len(),
        "every report has more than 50 paragraphs: each batch is one document, one row group"
    );
    for keys in [keys, keys_many] {
        assert_eq!(
            keys,
            [
                "evalmine.version",
                "evalmine.config_hash",
                "evalmine.model_version",
                "evalmine.run_id"
            ],
            "streamed tables say how they were made"
        );
    }

    // Every document's paragraphs, as `process` gives them, in doc_id order.
    let pipeline = Pipeline::build(&config(&input, &one, 1), RunOptions::default()).unwrap();
    let paragraphs = &parquet_many["paragraphs.parquet"];
    let (doc_id, text) = (
        paragraphs.column("doc_id").unwrap().str().unwrap(),
        paragraphs.column("text").unwrap().str().unwrap(),
    );
    let mut row = 0;
    for id in REPORTS {
        let document = pipeline.process(&InputFile {
            doc_id: id.to_string(),
            path: input.join(format!("{id}.pdf")),
        });
        assert!(!document.paragraphs.is_empty(), "{id}");
        for p in &document.paragraphs {
            assert_eq!(doc_id.get(row), Some(id));
            assert_eq!(text.get(row), Some(p.text.as_str()), "{id} row {row}");
            row += 1;
        }
    }
    assert_eq!(row, paragraphs.height(), "no row lost or repeated");
}
