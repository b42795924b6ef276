//! What a run measures besides its tables: extraction cache hits and
//! misses, the time of each stage, peak memory, and from them the row of
//! the runs log (`output::append_run`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::RunOutcome;
use crate::output::RunRow;
use crate::record::DocStatus;

/// Counted by the threads that process documents (relaxed atomics: totals
/// read once all are done).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
    extraction_us: AtomicU64,
    segmentation_us: AtomicU64,
    classification_us: AtomicU64,
}

impl Counters {
    pub fn cache_hit(&self) {
        self.cache_hits.fetch_add(1, Ordering::Relaxed);
    }

    pub fn cache_miss(&self) {
        self.cache_misses.fetch_add(1, Ordering::Relaxed);
    }

    pub fn add_times(
        &self,
        extraction: Duration,
        segmentation: Duration,
        classification: Duration,
    ) {
        let add = |to: &AtomicU64, time: Duration| {
            to.fetch_add(time.as_micros() as u64, Ordering::Relaxed);
        };
        add(&self.extraction_us, extraction);
        add(&self.segmentation_us, segmentation);
        add(&self.classification_us, classification);
    }

    /// The totals so far, with the times measured on the writing thread.
    pub fn totals(&self, writing: Duration, synthesis: Duration) -> (u64, u64, StageTimes) {
        let time = |of: &AtomicU64| Duration::from_micros(of.load(Ordering::Relaxed));
        let stages = StageTimes {
            extraction: time(&self.extraction_us),
            segmentation: time(&self.segmentation_us),
            classification: time(&self.classification_us),
            writing,
            synthesis,
        };
        let count = |of: &AtomicU64| of.load(Ordering::Relaxed);
        (count(&self.cache_hits), count(&self.cache_misses), stages)
    }
}

/// The time of each stage of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    /// Reading, hashing and extracting the files (the cache, the worker
    /// processes and OCR included), summed over the documents: the threads
    /// work at once, so with several the sum exceeds the wall time.
    pub extraction: Duration,
    /// Lines into paragraphs and headings, summed over the documents.
    pub segmentation: Duration,
    /// Themes, polarity, findings, summed over the documents.
    pub classification: Duration,
    /// On the thread that writes: the rows, then the synthesis tables.
    pub writing: Duration,
    /// The synthesis counted from the per-report tallies.
    pub synthesis: Duration,
}

/// What a run counted beside its documents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunStats {
    /// The tables' `evalmine.run_id`.
    pub run_id: String,
    /// Threads that processed documents.
    pub threads: usize,
    /// Documents whose extraction came from the cache, and those extracted
    /// (with the cache off or `--no-cache`, every readable file is a miss).
    pub cache_hits: u64,
    pub cache_misses: u64,
    /// Rows of the findings table.
    pub findings: u64,
    pub stages: StageTimes,
}

impl StageTimes {
    /// One line for `run --verbose`.
    pub fn describe(&self, threads: usize) -> String {
        let s = |d: Duration| d.as_secs_f64();
        format!(
            "stages (summed over documents, {threads} threads): extraction {:.2} s, \
             segmentation {:.2} s, classification {:.2} s; writing {:.2} s, synthesis {:.2} s",
            s(self.extraction),
            s(self.segmentation),
            s(self.classification),
            s(self.writing),
            s(self.synthesis)
        )
    }
}

/// What the runs log records that the run itself does not know.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunAbout {
    /// UTC, ISO 8601 (`output::utc_now` when the command started).
    pub started_at: String,
    /// The arguments after the program's name.
    pub command: String,
    /// The configuration file, or "built-in defaults".
    pub config_source: String,
    /// The models folder, or "built-in models".
    pub model_source: String,
    /// See `peak_rss_mb`.
    pub peak_rss_mb: Option<f64>,
    pub children_peak_rss_mb: Option<f64>,
}

impl RunOutcome {
    /// The row of the runs log for this run.
    pub fn runs_row(&self, about: RunAbout, input_dir: &str) -> RunRow {
        let count = |status: fn(DocStatus) -> bool| {
            self.documents.iter().filter(|d| status(d.status)).count() as u64
        };
        let stages = &self.stats.stages;
        RunRow {
            started_at: about.started_at,
            run_id: self.stats.run_id.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            command: about.command,
            input_dir: input_dir.to_string(),
            config_source: about.config_source,
            model_source: about.model_source,
            threads: self.stats.threads as u64,
            documents: self.documents.len() as u64,
            documents_ok: count(|s| s == DocStatus::Ok),
            documents_failed: count(|s| s.is_failure()),
            cache_hits: self.stats.cache_hits,
            cache_misses: self.stats.cache_misses,
            pages: self.documents.iter().map(|d| u64::from(d.pages)).sum(),
            paragraphs: self.documents.iter().map(|d| d.n_paragraphs as u64).sum(),
            findings: self.stats.findings,
            wall_s: self.elapsed.as_secs_f64(),
            extraction_s: stages.extraction.as_secs_f64(),
            segmentation_s: stages.segmentation.as_secs_f64(),
            classification_s: stages.classification.as_secs_f64(),
            writing_s: stages.writing.as_secs_f64(),
            synthesis_s: stages.synthesis.as_secs_f64(),
            peak_rss_mb: about.peak_rss_mb,
            children_peak_rss_mb: about.children_peak_rss_mb,
        }
    }
}

/// Peak resident memory in MB of this process and of its largest child
/// process that has ended (the worker processes, once the run stopped
/// them); `None` where the system does not say (or no child ended).
pub fn peak_rss_mb() -> (Option<f64>, Option<f64>) {
    let peak = |who| {
        // SAFETY: getrusage writes into the zeroed struct we own.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let ok = unsafe { libc::getrusage(who, &mut usage) } == 0;
        // Linux gives ru_maxrss in kilobytes.
        (ok && usage.ru_maxrss > 0).then(|| usage.ru_maxrss as f64 / 1024.0)
    };
    (peak(libc::RUSAGE_SELF), peak(libc::RUSAGE_CHILDREN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::DocOutcome;

    fn document(doc_id: &str, status: DocStatus, pages: u32, n_paragraphs: usize) -> DocOutcome {
        DocOutcome {
            doc_id: doc_id.into(),
            status,
            message: String::new(),
            pages,
            n_paragraphs,
        }
    }

    #[test]
    fn the_runs_row_counts_documents_by_status_and_takes_the_stage_times() {
        let outcome = RunOutcome {
            documents: vec![
                document("a", DocStatus::Ok, 10, 100),
                document("b", DocStatus::NoText, 2, 0),
                document("c", DocStatus::Invalid, 0, 0),
                document("d", DocStatus::Ok, 5, 40),
            ],
            summary_fr: String::new(),
            warnings: Vec::new(),
            written: Vec::new(),
            elapsed: Duration::from_millis(2_500),
            timings: Vec::new(),
            stats: RunStats {
                run_id: "r-1".into(),
                threads: 2,
                cache_hits: 1,
                cache_misses: 2,
                findings: 77,
                stages: StageTimes {
                    extraction: Duration::from_millis(3_000),
                    segmentation: Duration::from_millis(250),
                    classification: Duration::from_millis(500),
                    writing: Duration::from_millis(125),
                    synthesis: Duration::from_millis(10),
                },
            },
        };
        let about = RunAbout {
            started_at: "2026-12-07T16:55:28Z".into(),
            command: "run reports".into(),
            config_source: "built-in defaults".into(),
            model_source: "built-in models".into(),
            peak_rss_mb: Some(150.0),
            children_peak_rss_mb: Some(80.0),
        };
        let row = outcome.runs_row(about, "reports");
        assert_eq!(
            (row.documents, row.documents_ok, row.documents_failed),
            (4, 2, 1),
            "no_text is neither ok nor failed"
        );
        assert_eq!((row.pages, row.paragraphs, row.findings), (17, 140, 77));
        assert_eq!((row.cache_hits, row.cache_misses, row.threads), (1, 2, 2));
        assert_eq!(row.run_id, "r-1");
        assert_eq!(row.input_dir, "reports");
        assert_eq!(row.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(row.wall_s, 2.5);
        assert_eq!(
            [
                row.extraction_s,
                row.segmentation_s,
                row.classification_s,
                row.writing_s,
                row.synthesis_s
            ],
            [3.0, 0.25, 0.5, 0.125, 0.01]
        );
        assert_eq!(row.peak_rss_mb, Some(150.0));
    }

    #[test]
    fn this_process_has_a_peak_rss() {
        let (own, _) = peak_rss_mb();
        assert!(own.is_some_and(|mb| mb > 1.0), "{own:?}");
    }
}
