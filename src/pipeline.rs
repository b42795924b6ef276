//! Drives documents through the stages: find the PDFs, then for each one in
//! parallel read -> extract -> segment -> classify, then write the tables.
//!
//! ```text
//! input folder --discover--> files --(rayon, per document)--> extract --> segment --> classify --> Document
//!                                                   all documents --> output tables + summary
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::aggregate;
use crate::cache::{status_from_str, Cache, Entry, EntryParagraph};
use crate::classify::{Classifier, Headings, Scored};
use crate::config::{ExtractConfig, Isolation, KeepOrDrop, PipelineConfig};
use crate::error::{Error, Result};
use crate::extract::{self, Extraction, ReadOptions};
use crate::isolate::WorkerPool;
use crate::metadata::Metadata;
use crate::output::{self, Provenance};
use crate::record::{DocStatus, Document, Paragraph, ParagraphKind};
use crate::segment;

/// A PDF found under the input folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Path relative to the input folder, without `.pdf`, `/`-separated.
    pub doc_id: String,
    pub path: PathBuf,
}

/// Every `*.pdf` (extension in any case) under `dir`, recursively, sorted by doc_id.
pub fn discover(dir: &Path) -> Result<Vec<InputFile>> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|source| Error::InputFolder {
            path: folder.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| Error::InputFolder {
                path: folder.clone(),
                source,
            })?;
            let path = entry.path();
            let file_type = entry.file_type().map_err(|source| Error::InputFolder {
                path: path.clone(),
                source,
            })?;
            if file_type.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
            {
                let relative = path.strip_prefix(dir).unwrap_or(&path).with_extension("");
                let doc_id = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                found.push(InputFile { doc_id, path });
            }
        }
    }
    found.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
    Ok(found)
}

/// Reads a file within the size limit; a problem becomes a status.
fn read_input(path: &Path, config: &ExtractConfig) -> std::result::Result<Vec<u8>, Extraction> {
    let limit = config.max_file_mb.saturating_mul(1024 * 1024);
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > limit => Err(Extraction::failed(
            DocStatus::Invalid,
            format!(
                "file too large: {} bytes, limit extract.max_file_mb = {}",
                meta.len(),
                config.max_file_mb
            ),
        )),
        Err(e) => Err(Extraction::failed(
            DocStatus::Error,
            format!("cannot read file: {e}"),
        )),
        Ok(_) => std::fs::read(path)
            .map_err(|e| Extraction::failed(DocStatus::Error, format!("cannot read file: {e}"))),
    }
}

/// Extracts one PDF file (used by `inspect`). Read errors and oversized
/// files become a status, never an `Err`.
pub fn extract_file(path: &Path, config: &ExtractConfig) -> (Extraction, Vec<u8>) {
    match read_input(path, config) {
        Ok(bytes) => (extract::extract_pdf(&bytes, config), bytes),
        Err(failed) => (failed, Vec::new()),
    }
}

/// Reads, extracts and segments one file into a cache entry (what a worker
/// process does for each request). Never fails: problems become the status.
/// `options` and `starting` as in `extract::extract_pdf_with`.
pub fn extract_entry(
    path: &Path,
    config: &ExtractConfig,
    options: &ReadOptions,
    starting: &mut dyn FnMut(u32),
) -> Entry {
    match read_input(path, config) {
        Ok(bytes) => extract_bytes(&bytes, config, options, starting),
        Err(failed) => entry_of(&failed, &[]),
    }
}

/// Extraction and segmentation of a file's bytes, as a cache entry.
fn extract_bytes(
    bytes: &[u8],
    config: &ExtractConfig,
    options: &ReadOptions,
    starting: &mut dyn FnMut(u32),
) -> Entry {
    let extraction = extract::extract_pdf_with(bytes, config, options, starting);
    let paragraphs = keep_configured_kinds(segment::segment(&extraction.pages), config);
    entry_of(&extraction, &paragraphs)
}

/// Runs the extraction and segmentation stages on one file (or takes their
/// result from the cache), then the classifier when one is given.
pub fn process_file(
    input: &InputFile,
    config: &ExtractConfig,
    classifier: Option<&Classifier>,
) -> Document {
    process_file_cached(input, config, classifier, None, None, &[])
}

/// As `process_file`, with the run's cache and, when given, extraction in
/// the worker processes of `workers`.
pub fn process_file_cached(
    input: &InputFile,
    config: &ExtractConfig,
    classifier: Option<&Classifier>,
    cache: Option<&Cache>,
    workers: Option<&WorkerPool>,
    passwords: &[String],
) -> Document {
    let bytes = read_input(&input.path, config);
    let bytes_len = match &bytes {
        Ok(b) => b.len() as u64,
        Err(_) => std::fs::metadata(&input.path).map(|m| m.len()).unwrap_or(0),
    };
    let content_hash = bytes.as_ref().map(|b| hex_sha256(b)).unwrap_or_default();
    let cached = cache.and_then(|c| c.get(&content_hash));
    let entry = match (cached, bytes) {
        (Some(entry), _) => entry,
        (None, Ok(bytes)) => {
            let (entry, cacheable) = match workers {
                Some(pool) => {
                    let outcome = pool.extract(&input.path);
                    (outcome.entry, outcome.cacheable)
                }
                None => {
                    let options = ReadOptions {
                        passwords: passwords.to_vec(),
                        ..ReadOptions::default()
                    };
                    (extract_bytes(&bytes, config, &options, &mut |_| {}), true)
                }
            };
            // Not kept: a later run may bring the password.
            let cacheable = cacheable && entry.status != DocStatus::Encrypted.as_str();
            if let (Some(cache), true) = (cache, cacheable) {
                cache.put(&content_hash, &entry);
            }
            entry
        }
        (None, Err(failed)) => entry_of(&failed, &[]),
    };
    let mut paragraphs: Vec<Paragraph> = entry
        .paragraphs
        .iter()
        .filter_map(EntryParagraph::to_paragraph)
        .collect();
    if let Some(classifier) = classifier {
        label_paragraphs(&mut paragraphs, classifier, cache);
    }
    Document {
        doc_id: input.doc_id.clone(),
        path: input.path.to_string_lossy().into_owned(),
        content_hash,
        bytes: bytes_len,
        pages: entry.pages,
        pages_failed: entry.pages_failed,
        status: status_from_str(&entry.status).unwrap_or(DocStatus::Error),
        message: entry.message,
        title: entry.title,
        extractor: entry.extractor,
        paragraphs,
    }
}

/// Classifies the body paragraphs and list items. Their scores come from
/// the cache when the same paragraphs were scored with the same models, so a
/// rerun that changes only a threshold applies the new decision without
/// analysing the text again.
fn label_paragraphs(paragraphs: &mut [Paragraph], classifier: &Classifier, cache: Option<&Cache>) {
    let mut labelled: Vec<&mut Paragraph> = paragraphs
        .iter_mut()
        .filter(|p| matches!(p.kind, ParagraphKind::Body | ParagraphKind::ListItem))
        .collect();
    if labelled.is_empty() {
        return;
    }
    // The scores depend on the texts, headings and sections only (and the models).
    let mut hasher = Sha256::new();
    for p in &labelled {
        hasher.update(p.text.as_bytes());
        hasher.update([0]);
        hasher.update(p.heading.as_deref().unwrap_or("\u{1}").as_bytes());
        hasher.update([0]);
        hasher.update(p.section.as_deref().unwrap_or("\u{1}").as_bytes());
        hasher.update([0]);
    }
    let paragraphs_hash = hex(&hasher.finalize());
    let key = classifier.scoring_key();
    let cached = cache
        .and_then(|c| c.get_scores(&paragraphs_hash, key))
        .filter(|scores| scores.len() == labelled.len());
    let scores = match cached {
        Some(scores) => scores,
        None => {
            let scores: Vec<Scored> = labelled
                .iter()
                .map(|p| classifier.score(&p.text, Headings::of(p)))
                .collect();
            if let Some(cache) = cache {
                cache.put_scores(&paragraphs_hash, key, &scores);
            }
            scores
        }
    };
    for (p, scored) in labelled.iter_mut().zip(scores) {
        p.labels = Some(classifier.paragraph_labels(&p.text, Headings::of(p), scored));
    }
}

fn entry_of(extraction: &Extraction, paragraphs: &[Paragraph]) -> Entry {
    Entry {
        pages: extraction.page_count,
        pages_failed: extraction.pages_failed,
        status: extraction.status.as_str().to_string(),
        message: extraction.message.clone(),
        title: extraction.title.clone(),
        extractor: extraction.extractor.clone(),
        paragraphs: paragraphs
            .iter()
            .map(EntryParagraph::from_paragraph)
            .collect(),
    }
}

/// Drops footnotes and table rows when the configuration says so.
pub fn keep_configured_kinds(
    mut paragraphs: Vec<Paragraph>,
    config: &ExtractConfig,
) -> Vec<Paragraph> {
    paragraphs.retain(|p| match p.kind {
        ParagraphKind::Footnote => config.footnotes == KeepOrDrop::Keep,
        ParagraphKind::TableRow => config.tables == KeepOrDrop::Keep,
        ParagraphKind::Body | ParagraphKind::ListItem => true,
    });
    paragraphs
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a run did, for the summary line and the exit code.
#[derive(Debug)]
pub struct RunOutcome {
    pub documents: Vec<Document>,
    /// The synthesis summary in French, printed at the end of `run`.
    pub summary_fr: String,
    /// Problems with the inputs that did not stop the run (metadata rows).
    pub warnings: Vec<String>,
    pub written: Vec<PathBuf>,
    pub elapsed: Duration,
}

impl RunOutcome {
    pub fn any_failed(&self) -> bool {
        self.documents.iter().any(|d| d.status.is_failure())
    }

    /// One line: documents by status, pages, paragraphs, time.
    pub fn summary(&self) -> String {
        let mut by_status: Vec<(&str, usize)> = Vec::new();
        for d in &self.documents {
            match by_status.iter_mut().find(|(s, _)| *s == d.status.as_str()) {
                Some((_, n)) => *n += 1,
                None => by_status.push((d.status.as_str(), 1)),
            }
        }
        let statuses = by_status
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect::<Vec<_>>()
            .join(", ");
        let statuses = if statuses.is_empty() {
            statuses
        } else {
            format!(" ({statuses})")
        };
        let pages: u64 = self.documents.iter().map(|d| d.pages as u64).sum();
        let paragraphs: usize = self.documents.iter().map(|d| d.paragraphs.len()).sum();
        format!(
            "evalmine: {} documents{statuses}, {pages} pages, {paragraphs} paragraphs in {:.1} s",
            self.documents.len(),
            self.elapsed.as_secs_f64()
        )
    }
}

/// The whole `run` command: discover, process in parallel, write tables.
/// Report metadata for a run, and the column to group the synthesis by.
#[derive(Debug, Default)]
pub struct RunOptions {
    pub metadata: Option<Metadata>,
    pub by: Option<String>,
    /// Re-extract every file even when the cache has it (entries are refreshed).
    pub no_cache: bool,
    /// The evalmine binary, to start worker processes when
    /// `extract.isolation = "process"`; without it extraction runs in this
    /// process (library use, tests).
    pub worker_program: Option<PathBuf>,
    /// Passwords tried on encrypted files (`run --password-file`).
    pub passwords: Vec<String>,
}

pub fn run(config: &PipelineConfig, options: &RunOptions) -> Result<RunOutcome> {
    let start = Instant::now();
    let inputs = discover(&config.input.dir)?;
    let classifier = Classifier::load(&config.classify)?;
    let cache = config
        .cache
        .enabled
        .then(|| Cache::new(&config.cache.dir, &config.extract, !options.no_cache));
    let threads = match config.input.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let workers = match (&options.worker_program, config.extract.isolation) {
        (Some(program), Isolation::Process) => Some(WorkerPool::new(
            program,
            &config.extract,
            &options.passwords,
        )),
        _ => None,
    };
    let process = || {
        inputs
            .par_iter()
            .map(|input| {
                process_file_cached(
                    input,
                    &config.extract,
                    Some(&classifier),
                    cache.as_ref(),
                    workers.as_ref(),
                    &options.passwords,
                )
            })
            .collect::<Vec<_>>()
    };
    // One worker process per thread: each thread holds at most one.
    let documents = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(process),
        Err(_) => process(),
    };
    drop(workers);
    let provenance = Provenance {
        program_version: env!("CARGO_PKG_VERSION").to_string(),
        config_hash: config.hash(),
        model_version: classifier.version().to_string(),
    };
    let synthesis = aggregate::synthesise(
        &documents,
        classifier.codebook(),
        &classifier.codes,
        &config.coverage,
    )
    .map_err(|e| Error::WriteTable {
        path: config.output.dir.clone(),
        message: format!("synthesis: {e}"),
    })?;
    let fail = |e: polars::prelude::PolarsError| Error::WriteTable {
        path: config.output.dir.clone(),
        message: format!("synthesis: {e}"),
    };
    let mut summary_fr = aggregate::summary_fr(&synthesis, classifier.codebook()).map_err(fail)?;
    let mut warnings = Vec::new();
    let documents_table = output::documents_frame(
        &documents,
        options.metadata.as_ref(),
        config.coverage.on_topic_min_terms,
    )
    .map_err(fail)?;
    summary_fr += &aggregate::off_topic_fr(&documents, config.coverage.on_topic_min_terms);
    let mut extra = vec![("documents", documents_table)];
    if let Some(meta) = &options.metadata {
        let known: Vec<&str> = documents.iter().map(|d| d.doc_id.as_str()).collect();
        for doc_id in meta.unknown(&known) {
            warnings.push(format!(
                "metadata: doc_id `{doc_id}` matches no report of the input folder"
            ));
        }
        for doc_id in &meta.duplicates {
            warnings.push(format!(
                "metadata: doc_id `{doc_id}` has several rows; the first one is used"
            ));
        }
        if let Some(column) = &options.by {
            let by = aggregate::synthesis_by(
                &synthesis.coverage,
                classifier.codebook(),
                column,
                &|d: &str| meta.value(d, column).map(str::to_string),
            )
            .map_err(fail)?;
            summary_fr +=
                &aggregate::summary_by_fr(&by, column, classifier.codebook()).map_err(fail)?;
            extra.push(("synthesis_by", by));
        }
    }
    extra.extend([
        ("coverage", synthesis.coverage),
        ("synthesis", synthesis.synthesis),
        ("codes", synthesis.codes),
    ]);
    let written = output::write_tables(&documents, extra, &config.output, &provenance)?;
    Ok(RunOutcome {
        documents,
        summary_fr,
        warnings,
        written,
        elapsed: start.elapsed(),
    })
}
