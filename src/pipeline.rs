//! Drives documents through the stages: find the PDFs, then for each one in
//! parallel read -> extract -> segment (`ingest`, in a worker process or
//! here) -> classify; each document, in doc_id order, is then counted for
//! the synthesis and its rows written, and dropped (`run`).
//!
//! ```text
//! input folder --discover--> files --(rayon, a bounded window)--> Pipeline::process --> Document
//!     --(reordered by doc_id)--> aggregate::Tally::add + output::RunWriter::add (rows in batches)
//!     end: Tally::synthesise --> RunWriter::finish (synthesis tables, staging moved) + the summary
//! ```

mod run;
mod stats;

pub use run::{DocOutcome, RunOutcome};
pub use stats::{peak_rss_mb, RunAbout, RunStats, StageTimes};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::cache::Cache;
use crate::classify::{Classifier, Headings, Scored};
use crate::config::PipelineConfig;
use crate::error::{Error, Result};
use crate::extract::{Isolation, ReadOptions};
use crate::hash::{hex, sha256_hex};
use crate::ingest::{ingest_bytes, read_input};
use crate::isolate::WorkerPool;
use crate::metadata::{read_report, Metadata, ReportMeta, Rules};
use crate::record::{DocStatus, Document, Extracted, Paragraph};

/// A PDF found under the input folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Path relative to the input folder, without `.pdf`, `/`-separated.
    pub doc_id: String,
    pub path: PathBuf,
}

/// Every `*.pdf` (extension in any case) under `dir`, recursively, sorted by
/// doc_id. Symbolic links to folders are not followed.
pub(crate) fn discover(dir: &Path) -> Result<Vec<InputFile>> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            let source = e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("symbolic link loop"));
            Error::InputFolder { path, source }
        })?;
        let path = entry.path();
        let is_pdf = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
        if entry.file_type().is_dir() || !is_pdf {
            continue;
        }
        let relative = path.strip_prefix(dir).unwrap_or(path).with_extension("");
        let doc_id = relative
            .components()
            .map(|c| escape_name(c.as_os_str()))
            .collect::<Vec<_>>()
            .join("/");
        found.push(InputFile {
            doc_id,
            path: path.to_path_buf(),
        });
    }
    found.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
    make_ids_unique(&mut found);
    Ok(found)
}

/// Two files can share a doc_id: "a.pdf" and "a.PDF" in one folder, or a
/// name written "%E9" beside a Latin-1 "\xE9" one. Each doc_id must name one
/// report (tables, cache and metadata join on it), so a file whose
/// extension is not exactly `.pdf` keeps its extension in its id
/// ("a.PDF"), and any id still shared gets "~2", "~3"... in path order.
fn make_ids_unique(found: &mut [InputFile]) {
    let shared = |found: &[InputFile], i: usize| {
        (i > 0 && found[i - 1].doc_id == found[i].doc_id)
            || found
                .get(i + 1)
                .is_some_and(|next| next.doc_id == found[i].doc_id)
    };
    for i in 0..found.len() {
        let lower_pdf = found[i].path.extension().is_some_and(|e| e == "pdf");
        if !lower_pdf && shared(found, i) {
            let extension = found[i]
                .path
                .extension()
                .map(escape_name)
                .unwrap_or_default();
            found[i].doc_id = format!("{}.{extension}", found[i].doc_id);
        }
    }
    found.sort_by(|a, b| a.doc_id.cmp(&b.doc_id).then_with(|| a.path.cmp(&b.path)));
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    let taken: std::collections::HashSet<String> = found.iter().map(|f| f.doc_id.clone()).collect();
    for file in found.iter_mut() {
        let n = seen.entry(file.doc_id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            let mut k = *n;
            while taken.contains(&format!("{}~{k}", file.doc_id)) {
                k += 1;
            }
            file.doc_id = format!("{}~{k}", file.doc_id);
        }
    }
    found.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
}

/// A file name as text, losslessly: valid UTF-8 is kept as it is, and each
/// byte of an invalid sequence is written `%XX` (a Latin-1 "latin\xE9.pdf"
/// gives "latin%E9"), so every file gets a distinct, printable doc_id.
/// Control characters and directional controls, which would act on a
/// terminal or reverse the text of a table cell ("rtl\u{202E}fdp"), are
/// written as the `%XX` of their UTF-8 bytes too ("rtl%E2%80%AEfdp").
pub fn escape_name(name: &std::ffi::OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for chunk in name.as_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() || crate::text::is_bidi_control(c) {
                let mut buf = [0u8; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{byte:02X}"));
                }
            } else {
                out.push(c);
            }
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// What a thread of `Pipeline::build` made (its panic goes on here).
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Threads that process documents (`[input] threads`, 0 for one per
/// core), each with its worker process when extraction is isolated.
fn threads(config: &PipelineConfig) -> usize {
    match config.input.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    }
}

/// Told how a run goes (`run` shows its progress bar, or a line per
/// document, with it).
pub trait Progress: Send + Sync {
    /// The run found `total` files and starts on them.
    fn started(&self, total: usize) {
        let _ = total;
    }
    /// A document is done (called from the thread that did it): the
    /// document, how many are done, how many there are.
    fn document_done(&self, document: &Document, done: usize, total: usize);
}

/// What a run adds to the configuration.
#[derive(Default)]
pub struct RunOptions {
    /// Report metadata joined to `documents` (`run --metadata`).
    pub metadata: Option<Metadata>,
    /// The metadata column to group the synthesis by (`run --by`).
    pub by: Option<String>,
    /// Re-extract every file even when the cache has it (entries are refreshed).
    pub no_cache: bool,
    /// The evalmine binary, to start worker processes when
    /// `extract.isolation = "process"`; without it extraction runs in this
    /// process (library use, tests).
    pub worker_program: Option<PathBuf>,
    /// Passwords tried on encrypted files (`run --password-file`).
    pub passwords: Vec<String>,
    /// Told of the run's start and of every document as it is done.
    pub progress: Option<Box<dyn Progress>>,
    /// Paragraphs written per batch of rows; 0 for the default,
    /// `output::BATCH_PARAGRAPHS` (tests make batches small to check that
    /// the tables do not depend on it).
    pub batch_paragraphs: usize,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("metadata", &self.metadata.is_some())
            .field("by", &self.by)
            .field("no_cache", &self.no_cache)
            .field("worker_program", &self.worker_program)
            .field("progress", &self.progress.is_some())
            .finish_non_exhaustive()
    }
}

/// The stages built from a configuration: the classifier, the cache and the
/// worker processes, loaded once and shared by every document.
pub struct Pipeline {
    config: PipelineConfig,
    options: RunOptions,
    classifier: Classifier,
    cache: Option<Cache>,
    workers: Option<WorkerPool>,
    /// Cues and places for the metadata read from the text.
    meta_rules: Rules,
    /// Cache hits and stage times, for the run's statistics.
    counters: stats::Counters,
}

impl Pipeline {
    /// Loads the models and prepares the cache and workers; an unreadable
    /// input folder or a bad model file stops here, before any document is
    /// read.
    pub fn build(config: &PipelineConfig, options: RunOptions) -> Result<Pipeline> {
        std::fs::read_dir(&config.input.dir).map_err(|source| Error::InputFolder {
            path: config.input.dir.clone(),
            source,
        })?;
        // The worker processes start first: loading the program is their
        // part of the start-up, done on the other cores while the models
        // load here.
        let workers = match (&options.worker_program, config.extract.isolation) {
            (Some(program), Isolation::Process) => {
                let pool = WorkerPool::new(program, &config.extract, &options.passwords);
                pool.start(threads(config));
                Some(pool)
            }
            _ => None,
        };
        // The classifier, the metadata rules and the cache key (which asks
        // the OCR engine its version) do not depend on each other: each is
        // made on its own thread.
        let (classifier, meta_rules, cache) = std::thread::scope(|scope| {
            let meta_rules = scope.spawn(|| {
                let (cues, departements) =
                    crate::models::ModelFiles::configured(config.classify.models.as_deref())
                        .metadata_files();
                Rules::load(&cues, &departements)
            });
            let cache = scope.spawn(|| {
                config
                    .cache
                    .enabled
                    .then(|| Cache::new(&config.cache.dir, &config.extract, !options.no_cache))
            });
            let classifier = Classifier::load(&config.classify);
            // The key of cached scores, hashed now from the model files just
            // loaded rather than when the first document is classified.
            if let Ok(classifier) = &classifier {
                classifier.scoring_key();
            }
            (classifier, joined(meta_rules), joined(cache))
        });
        Ok(Pipeline {
            config: config.clone(),
            options,
            classifier: classifier?,
            cache,
            workers,
            meta_rules: meta_rules?,
            counters: stats::Counters::default(),
        })
    }

    /// Each report's metadata: read from its text, then the CSV's values
    /// over it (`run --metadata`).
    pub fn report_metadata(&self, documents: &[Document]) -> Vec<ReportMeta> {
        documents.par_iter().map(|d| self.meta_of(d)).collect()
    }

    /// One report's metadata (see `report_metadata`).
    pub fn meta_of(&self, document: &Document) -> ReportMeta {
        let csv = self.options.metadata.as_ref();
        let mut meta = read_report(document, &self.meta_rules);
        meta.merge(
            &document.doc_id,
            csv,
            document.read.title.as_deref(),
            &self.meta_rules,
        );
        meta
    }

    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    /// One file through every stage (extraction from the cache when it has
    /// the file). Never fails: problems become the document's status.
    pub fn process(&self, input: &InputFile) -> Document {
        let _doc = tracing::info_span!("doc", id = %input.doc_id).entered();
        let start = Instant::now();
        let bytes = read_input(&input.path, &self.config.extract);
        let bytes_len = match &bytes {
            Ok(b) => b.len() as u64,
            Err(_) => std::fs::metadata(&input.path).map(|m| m.len()).unwrap_or(0),
        };
        let content_hash = bytes.as_ref().map(sha256_hex).unwrap_or_default();
        let cached = self.cache.as_ref().and_then(|c| c.get(&content_hash));
        let (extracted, segmentation) = match (cached, bytes) {
            (Some(extracted), _) => {
                self.counters.cache_hit();
                (extracted, Duration::ZERO)
            }
            (None, Ok(bytes)) => {
                self.counters.cache_miss();
                self.extract(input, &bytes, &content_hash)
            }
            (None, Err(failed)) => (Extracted::failed(failed.read), Duration::ZERO),
        };
        let extraction = start.elapsed().saturating_sub(segmentation);
        let classifying = Instant::now();
        let mut paragraphs = extracted.paragraphs;
        self.label(&extracted.headings, &mut paragraphs);
        let classification = classifying.elapsed();
        self.counters
            .add_times(extraction, segmentation, classification);
        Document {
            doc_id: input.doc_id.clone(),
            path: escape_name(input.path.as_os_str()),
            content_hash,
            bytes: bytes_len,
            read: extracted.read,
            headings: extracted.headings,
            paragraphs,
        }
    }

    /// Extraction and segmentation, in a worker process or here, and the
    /// time segmentation took; the result goes to the cache unless another
    /// run may do better.
    fn extract(
        &self,
        input: &InputFile,
        bytes: &[u8],
        content_hash: &str,
    ) -> (Extracted, Duration) {
        let (extracted, segmentation, cacheable) = match &self.workers {
            Some(pool) => {
                let outcome = pool.extract(&input.path);
                (outcome.extracted, outcome.segmentation, outcome.cacheable)
            }
            None => {
                let options = ReadOptions {
                    passwords: self.options.passwords.clone(),
                    ..ReadOptions::default()
                };
                let (extracted, segmentation) =
                    ingest_bytes(bytes, &self.config.extract, &options, &mut |_| {});
                (extracted, segmentation, true)
            }
        };
        // Not kept: a later run may bring the password.
        let cacheable = cacheable && extracted.read.status != DocStatus::Encrypted;
        if let (Some(cache), true) = (&self.cache, cacheable) {
            cache.put(content_hash, &extracted);
        }
        (extracted, segmentation)
    }

    /// Classifies the body paragraphs and list items. Their scores come from
    /// the cache when the same paragraphs were scored with the same models,
    /// so a rerun that changes only a threshold applies the new decision
    /// without analysing the text again.
    fn label(&self, headings: &[String], paragraphs: &mut [Paragraph]) {
        let classifier = &self.classifier;
        let mut labelled: Vec<&mut Paragraph> = paragraphs
            .iter_mut()
            .filter(|p| p.kind.is_classified())
            .collect();
        if labelled.is_empty() {
            return;
        }
        // The scores depend on the texts, headings and sections only (and the models).
        let mut hasher = Sha256::new();
        for p in &labelled {
            hasher.update(p.text.as_bytes());
            hasher.update([0]);
            let of = Headings::of(headings, p);
            hasher.update(of.nearest.unwrap_or("\u{1}").as_bytes());
            hasher.update([0]);
            hasher.update(of.section.unwrap_or("\u{1}").as_bytes());
            hasher.update([0]);
        }
        let paragraphs_hash = hex(hasher.finalize());
        let key = classifier.scoring_key();
        let cache = self.cache.as_ref();
        let cached = cache
            .and_then(|c| c.get_scores(&paragraphs_hash, key))
            .filter(|scores| scores.len() == labelled.len());
        let scores = match cached {
            Some(scores) => scores,
            None => {
                // Each heading is analysed once for all the paragraphs under it.
                let analysed = classifier.analyse_headings(headings.iter().map(String::as_str));
                let scores: Vec<Scored> = labelled
                    .iter()
                    .map(|p| {
                        let context = Headings::of(headings, p).in_context(&analysed);
                        classifier.score(&p.text, context)
                    })
                    .collect();
                if let Some(cache) = cache {
                    cache.put_scores(&paragraphs_hash, key, &scores);
                }
                scores
            }
        };
        for (p, scored) in labelled.iter_mut().zip(scores) {
            let labels = classifier.paragraph_labels(&p.text, Headings::of(headings, p), scored);
            p.labels = Some(labels);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    use super::{discover, escape_name};

    #[test]
    fn files_that_would_share_a_doc_id_get_distinct_ones() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.pdf", "a.PDF", "b.Pdf", "sub/c.pdf"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, b"%PDF-1.4").unwrap();
        }
        let ids: Vec<String> = discover(dir.path())
            .unwrap()
            .into_iter()
            .map(|f| f.doc_id)
            .collect();
        // "b.Pdf" is alone: it keeps the id the contract gives.
        assert_eq!(ids, ["a", "a.PDF", "b", "sub/c"]);
    }

    #[test]
    fn an_escaped_name_and_a_literal_one_stay_apart() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(OsStr::from_bytes(b"x\xe9.pdf")), b"%PDF").unwrap();
        std::fs::write(dir.path().join("x%E9.pdf"), b"%PDF").unwrap();
        let ids: Vec<String> = discover(dir.path())
            .unwrap()
            .into_iter()
            .map(|f| f.doc_id)
            .collect();
        assert_eq!(ids.len(), 2);
        assert_ne!(ids[0], ids[1]);
        assert!(ids.contains(&"x%E9".to_string()), "{ids:?}");
    }

    #[test]
    fn names_are_escaped_byte_for_byte_where_they_are_not_printable_text() {
        assert_eq!(escape_name(OsStr::new("r01 bilan é")), "r01 bilan é");
        assert_eq!(escape_name(OsStr::from_bytes(b"latin\xe9")), "latin%E9");
        assert_eq!(escape_name(OsStr::new("rtl\u{202E}fdp")), "rtl%E2%80%AEfdp");
        assert_eq!(escape_name(OsStr::new("a\nb\u{1b}[2J")), "a%0Ab%1B[2J");
    }
}
