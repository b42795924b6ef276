//! The `run` command as a stream: documents are processed in parallel
//! within a bounded window, put back in doc_id order, counted for the
//! synthesis, written as rows, and dropped. Memory holds the window, one
//! batch of rows and the compact per-report counts, whatever the number of
//! documents; the tables do not depend on the number of threads.

use std::collections::{BTreeMap, HashMap};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::stats::RunStats;
use super::{discover, escape_name, InputFile, Pipeline};
use crate::aggregate::{GroupBy, Tally};
use crate::error::{Error, Result};
use crate::metadata::{Field, ReportMeta};
use crate::output::{self, Provenance, RunContext, RunWriter};
use crate::record::{DocStatus, Document, ReadSummary};

/// Documents in flight (being processed, or done and waiting for an
/// earlier one) per thread. A slow document holds back the writing of
/// those after it, not their processing, until the window is full; the
/// window is what memory holds besides one batch of rows.
const WINDOW_PER_THREAD: usize = 16;

/// What a run keeps of each document: its line in the summary and its
/// exit code (the rows themselves are in the tables).
#[derive(Debug, Clone, PartialEq)]
pub struct DocOutcome {
    pub doc_id: String,
    pub status: DocStatus,
    /// Why the status is not `ok` (empty otherwise).
    pub message: String,
    pub pages: u32,
    pub n_paragraphs: usize,
}

/// What a run did, for the summary line and the exit code.
#[derive(Debug)]
pub struct RunOutcome {
    /// Every document, in doc_id order.
    pub documents: Vec<DocOutcome>,
    /// The synthesis summary in French, printed at the end of `run`.
    pub summary_fr: String,
    /// Problems with the inputs that did not stop the run (metadata rows).
    pub warnings: Vec<String>,
    pub written: Vec<PathBuf>,
    pub elapsed: Duration,
    /// Wall time of each phase, in order (`run --verbose` prints them).
    pub timings: Vec<(&'static str, Duration)>,
    /// Cache hits, time per stage and counts for the runs log.
    pub stats: RunStats,
}

impl Pipeline {
    /// The whole `run` command: discover, process in parallel, count and
    /// write each document in doc_id order, then the synthesis tables.
    pub fn run(mut self) -> Result<RunOutcome> {
        let start = Instant::now();
        let config = &self.config;
        let inputs = discover(&config.input.dir)?;
        if inputs.is_empty() {
            return Err(Error::NoInput {
                path: config.input.dir.clone(),
            });
        }
        let codebook = self.classifier.codebook();
        let provenance = Provenance {
            program_version: env!("CARGO_PKG_VERSION").to_string(),
            config_hash: config.hash(),
            model_version: self.classifier.version().to_string(),
            run_id: run_id(),
        };
        if let Some(progress) = &self.options.progress {
            progress.started(inputs.len());
        }
        let metadata = self.options.metadata.as_ref();
        let on_topic_min_terms = config.coverage.on_topic_min_terms;
        let mut writer = RunWriter::create(RunContext {
            config: &config.output,
            provenance: &provenance,
            codebook,
            metadata,
            on_topic_min_terms,
            batch_paragraphs: match self.options.batch_paragraphs {
                0 => output::BATCH_PARAGRAPHS,
                n => n,
            },
        })?;
        let mut tally = Tally::new(codebook);
        let mut documents = Vec::with_capacity(inputs.len());
        let mut off_topic = Vec::new();
        // A field read from the text (with the CSV over it), or another CSV column.
        let by_field = self
            .options
            .by
            .as_deref()
            .and_then(|c| Field::ALL.into_iter().find(|f| f.column() == c));
        let mut group_of: HashMap<String, Option<String>> = HashMap::new();
        let mut findings = 0u64;
        let mut writing = Duration::ZERO;
        self.stream(&inputs, |document, meta| {
            findings += document
                .paragraphs
                .iter()
                .filter_map(|p| p.labels.as_ref())
                .map(|l| l.findings.len() as u64)
                .sum::<u64>();
            // Not a failure (the exit code stays 0), but a report the
            // synthesis leaves out: users must see it (the failures are
            // printed by the binary from the outcome).
            if document.read.status == DocStatus::NoText {
                tracing::warn!(
                    "{}: no text, left out of the synthesis: {}",
                    document.doc_id,
                    document.read.message
                );
            }
            tally.add(&document);
            if document.on_topic(on_topic_min_terms) == Some(false) {
                off_topic.push(document.doc_id.clone());
            }
            if let Some(field) = by_field {
                let value = meta.value(field).map(str::to_string);
                group_of.insert(document.doc_id.clone(), value);
            }
            documents.push(DocOutcome {
                doc_id: document.doc_id.clone(),
                status: document.read.status,
                message: document.read.message.clone(),
                pages: document.read.pages,
                n_paragraphs: document.paragraphs.len(),
            });
            let adding = Instant::now();
            let added = writer.add(document, meta);
            writing += adding.elapsed();
            added
        })?;
        let mut timings = vec![("extract, classify and write rows", start.elapsed())];
        let stage = Instant::now();
        // The worker processes are done: they end before the synthesis.
        self.workers = None;
        let (classifier, options) = (&self.classifier, &self.options);
        let value_of = |doc_id: &str| -> Option<String> {
            let column = options.by.as_deref()?;
            match by_field {
                Some(_) => group_of.get(doc_id).cloned().flatten(),
                None => metadata?.value(doc_id, column).map(str::to_string),
            }
        };
        let group_by = options.by.as_deref().map(|column| GroupBy {
            column,
            value: &value_of,
        });
        let synthesis = tally.synthesise(
            codebook,
            &classifier.codes,
            &classifier.actions,
            &config.coverage,
            group_by,
        )?;
        let synthesis_time = stage.elapsed();
        timings.push(("aggregate", synthesis_time));
        let stage = Instant::now();
        let off_topic: Vec<&str> = off_topic.iter().map(String::as_str).collect();
        let summary_fr = output::summary_fr(&synthesis, &off_topic, codebook, on_topic_min_terms)?;
        let mut warnings = Vec::new();
        if let Some(meta) = metadata {
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
        }
        let finishing = Instant::now();
        let written = writer.finish(&synthesis)?;
        writing += finishing.elapsed();
        timings.push(("summary and tables", stage.elapsed()));
        let (cache_hits, cache_misses, stages) = self.counters.totals(writing, synthesis_time);
        if self.cache.is_some() {
            tracing::info!("extraction cache: {cache_hits} hits, {cache_misses} misses");
        }
        Ok(RunOutcome {
            documents,
            summary_fr,
            warnings,
            written,
            elapsed: start.elapsed(),
            timings,
            stats: RunStats {
                run_id: provenance.run_id.clone(),
                threads: self.threads(),
                cache_hits,
                cache_misses,
                findings,
                stages,
            },
        })
    }

    /// Processes `inputs` on `[input] threads` threads and hands each
    /// document with its metadata to `sink` in the order of `inputs`
    /// (doc_id order), whatever the order they complete in. At most a
    /// window of documents is in flight; the first error of `sink` stops
    /// the stream (documents in flight are finished and dropped).
    fn stream(
        &self,
        inputs: &[InputFile],
        mut sink: impl FnMut(Document, ReportMeta) -> Result<()>,
    ) -> Result<()> {
        let threads = self.threads();
        let window = threads.max(1) * WINDOW_PER_THREAD;
        let done = AtomicUsize::new(0);
        // `drive` runs on the calling thread, which only waits and writes:
        // the documents are processed on the pool's threads (one worker
        // process per thread: each thread holds at most one).
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => {
                pool.in_place_scope(|scope| self.drive(scope, inputs, window, &done, &mut sink))
            }
            Err(_) => {
                rayon::in_place_scope(|scope| self.drive(scope, inputs, window, &done, &mut sink))
            }
        }
    }

    /// Threads that process documents (`[input] threads`, 0 for one per core).
    fn threads(&self) -> usize {
        super::threads(&self.config)
    }

    /// The loop of `stream`: keeps `window` documents spawned, and hands
    /// them to `sink` in input order as they arrive.
    fn drive<'scope>(
        &'scope self,
        scope: &rayon::Scope<'scope>,
        inputs: &'scope [InputFile],
        window: usize,
        done: &'scope AtomicUsize,
        sink: &mut impl FnMut(Document, ReportMeta) -> Result<()>,
    ) -> Result<()> {
        let (sender, receiver) = mpsc::channel::<(usize, Document, ReportMeta)>();
        let spawn = |i: usize| {
            let sender = sender.clone();
            let input = &inputs[i];
            scope.spawn(move |_| {
                let document = self.process_guarded(input);
                if let Some(progress) = &self.options.progress {
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    progress.document_done(&document, n, inputs.len());
                }
                let meta = self.meta_of(&document);
                // The receiver is gone only when the stream stopped on an error.
                let _ = sender.send((i, document, meta));
            });
        };
        let mut next_spawn = inputs.len().min(window);
        (0..next_spawn).for_each(spawn);
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        while next < inputs.len() {
            // Every spawned task sends once (a panic becomes an error
            // document in `process_guarded`), and this thread keeps a
            // sender, so the wait ends with a document; were it to end
            // otherwise, the tables would lack rows: the run fails.
            let Ok((i, document, meta)) = receiver.recv() else {
                return Err(Error::WriteTable {
                    path: self.config.output.dir.clone(),
                    source: "the documents stopped coming before all were written".into(),
                });
            };
            waiting.insert(i, (document, meta));
            while let Some((document, meta)) = waiting.remove(&next) {
                sink(document, meta)?;
                next += 1;
                if next_spawn < inputs.len() {
                    spawn(next_spawn);
                    next_spawn += 1;
                }
            }
        }
        Ok(())
    }

    /// `process`, with a panic (a bug: no input should cause one) turned
    /// into an `error` row for that document, so that the stream goes on
    /// and the other documents are written.
    fn process_guarded(&self, input: &InputFile) -> Document {
        std::panic::catch_unwind(AssertUnwindSafe(|| self.process(input))).unwrap_or_else(|panic| {
            let cause = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Document {
                doc_id: input.doc_id.clone(),
                path: escape_name(input.path.as_os_str()),
                content_hash: String::new(),
                bytes: 0,
                read: ReadSummary::failed(
                    DocStatus::Error,
                    format!("internal error while processing the document: {cause}"),
                    None,
                ),
                headings: Vec::new(),
                paragraphs: Vec::new(),
            }
        })
    }
}

/// An id for this run's tables: the time and the process.
fn run_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{}", std::process::id())
}

impl RunOutcome {
    pub fn any_failed(&self) -> bool {
        self.documents.iter().any(|d| d.status.is_failure())
    }

    /// One line: documents by status, pages, paragraphs, time.
    pub fn summary(&self) -> String {
        let mut by_status: Vec<(&str, usize)> = Vec::new();
        for d in &self.documents {
            let status = d.status.as_str();
            match by_status.iter_mut().find(|(s, _)| *s == status) {
                Some((_, n)) => *n += 1,
                None => by_status.push((status, 1)),
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
        let paragraphs: usize = self.documents.iter().map(|d| d.n_paragraphs).sum();
        format!(
            "evalmine: {} documents{statuses}, {pages} pages, {paragraphs} paragraphs in {:.1} s",
            self.documents.len(),
            self.elapsed.as_secs_f64()
        )
    }
}
