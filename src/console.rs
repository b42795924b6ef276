//! What `evalmine` writes on stderr besides its results: the log (the
//! library's `tracing` events, one line each) and the progress bar of
//! `run`. Both go through one writer that lifts the bar for each line, so a
//! line never tears the bar. When stderr is not a terminal (pipes, tests,
//! scripts) there is no bar and no control character, only lines.
//!
//! Levels: warnings by default (problems users must see), errors only with
//! `--quiet`, information with `--verbose`; EVALMINE_LOG (EnvFilter syntax:
//! `debug`, `evalmine::cache=debug,warn`...) overrides them.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use evalmine::output::terminal_safe;
use evalmine::pipeline::Progress;
use evalmine::record::Document;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::EnvFilter;

/// The variable that chooses what the log shows.
const LOG_VARIABLE: &str = "EVALMINE_LOG";

/// The bar on screen, if any: lines are written above it.
static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Writes one line on stderr (above the bar when one is drawn).
pub fn line(text: &str) {
    write_stderr(format!("{text}\n").as_bytes());
}

fn write_stderr(bytes: &[u8]) {
    let write = || {
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(bytes).and_then(|_| stderr.flush());
    };
    // Cloned out of the lock: the bar's own lock is taken by `suspend`.
    let bar = BAR.lock().ok().and_then(|bar| bar.clone());
    match bar {
        Some(bar) => bar.suspend(write),
        None => write(),
    }
}

/// The log's writer: each event comes as one `write_all` of whole lines.
struct Stderr;

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        write_stderr(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Who reads the log lines.
#[derive(Clone, Copy, PartialEq)]
pub enum Audience {
    /// A person or a script, on stderr: `evalmine: warning: ...`.
    Stderr,
    /// The parent `run` of a worker process, on the worker's stdout, in the
    /// protocol of `evalmine::isolate::WORKER_LOG`.
    Parent,
}

/// Installs the log listener. `default` is the filter when EVALMINE_LOG
/// is not set; the filter in force is put in EVALMINE_LOG for the worker
/// processes, which inherit it, so that their events are chosen alike.
pub fn init_log(default: &str, audience: Audience) {
    let from_env = std::env::var(LOG_VARIABLE)
        .ok()
        .filter(|v| !v.trim().is_empty());
    let (filter, problem) = match from_env.as_deref().map(EnvFilter::try_new) {
        Some(Ok(filter)) => (filter, None),
        Some(Err(e)) => (EnvFilter::new(default), Some(e)),
        None => (EnvFilter::new(default), None),
    };
    if from_env.is_none() || problem.is_some() {
        // Before any thread starts (worker processes inherit it).
        std::env::set_var(LOG_VARIABLE, default);
    }
    // Workers' events were chosen by the same filter in the worker: all pass.
    let filter = filter.add_directive("evalmine::worker=trace".parse().expect("a valid directive"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .event_format(LineFormat { audience });
    // Installed once, at the start of `main`: there is no other listener.
    let _ = match audience {
        Audience::Stderr => builder.with_writer(|| Stderr).try_init(),
        Audience::Parent => builder.with_writer(std::io::stdout).try_init(),
    };
    // Said whatever the level: the user asked for a log and gets another.
    if let (Some(e), Audience::Stderr) = (problem, audience) {
        line(&format!(
            "evalmine: warning: {LOG_VARIABLE}: {}; the log shows {default}",
            terminal_safe(&e.to_string())
        ));
    }
}

/// One event, one line: `evalmine: LEVEL: [where: ][document: ]message
/// fields`. Where the event comes from (the module) is shown for
/// information and debugging, not for warnings and errors, which speak to
/// users. Control characters are escaped, as everywhere on the terminal.
struct LineFormat {
    audience: Audience,
}

impl<S, N> FormatEvent<S, N> for LineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let metadata = event.metadata();
        let level = *metadata.level();
        let mut text = String::new();
        let target = metadata.target();
        // A worker's event already names where it comes from.
        if level > Level::WARN && target != "evalmine::worker" {
            text += target.strip_prefix("evalmine::").unwrap_or(target);
            text += ": ";
        }
        // The document (or file) being processed, from the enclosing spans.
        for span in ctx.event_scope().into_iter().flat_map(|s| s.from_root()) {
            if let Some(fields) = span.extensions().get::<FormattedFields<N>>() {
                if let Some((_, value)) = fields.split_once('=') {
                    text += value;
                    text += ": ";
                }
            }
        }
        ctx.format_fields(Writer::new(&mut text), event)?;
        let text = terminal_safe(&text);
        match self.audience {
            Audience::Stderr => {
                let level = match level {
                    Level::ERROR => "error",
                    Level::WARN => "warning",
                    Level::INFO => "info",
                    Level::DEBUG => "debug",
                    _ => "trace",
                };
                writeln!(writer, "evalmine: {level}: {text}")
            }
            Audience::Parent => {
                let level = level.as_str().to_ascii_lowercase();
                let prefix = evalmine::isolate::WORKER_LOG;
                writeln!(writer, "{prefix}{level} {text}")
            }
        }
    }
}

/// How `run` shows its progress on stderr: on a terminal, a bar with the
/// documents done, elapsed time, rate, time left and failures; with
/// `--verbose`, a line per document as it is done (above the bar); nothing
/// with `--quiet`, and no bar when stderr is not a terminal.
pub struct RunProgress {
    bar: Option<ProgressBar>,
    verbose: bool,
    failed: AtomicUsize,
}

impl RunProgress {
    pub fn new(quiet: bool, verbose: bool) -> Option<RunProgress> {
        if quiet {
            return None;
        }
        let bar = std::io::stderr().is_terminal().then(|| {
            // The bar takes the width the text leaves (a line that wraps
            // would leave a copy of the bar at each redraw).
            let style = ProgressStyle::with_template(
                "{wide_bar} {pos}/{len} documents, {msg}, {elapsed} elapsed, ETA {eta}",
            )
            .expect("a valid template")
            .progress_chars("=> ");
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
                .with_style(style)
                .with_message(rate_and_failures(0, Duration::ZERO, 0));
            if let Ok(mut shown) = BAR.lock() {
                *shown = Some(bar.clone());
            }
            bar
        });
        (bar.is_some() || verbose).then_some(RunProgress {
            bar,
            verbose,
            failed: AtomicUsize::new(0),
        })
    }
}

impl Progress for RunProgress {
    fn started(&self, total: usize) {
        if let Some(bar) = &self.bar {
            bar.reset_elapsed();
            bar.set_length(total as u64);
            // Redrawn while a long document holds the count still.
            bar.enable_steady_tick(Duration::from_millis(500));
        }
    }

    fn document_done(&self, d: &Document, done: usize, total: usize) {
        let failed = if d.read.status.is_failure() {
            self.failed.fetch_add(1, Ordering::Relaxed) + 1
        } else {
            self.failed.load(Ordering::Relaxed)
        };
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(rate_and_failures(done, bar.elapsed(), failed));
        }
        if self.verbose {
            line(&format!(
                "evalmine: [{done}/{total}] {}: {} ({} pages, {} paragraphs)",
                terminal_safe(&d.doc_id),
                d.read.status,
                d.read.pages,
                d.paragraphs.len()
            ));
        }
    }
}

/// "4.2 documents/s, 1 failed": indicatif's own rate shows four decimals.
fn rate_and_failures(done: usize, elapsed: Duration, failed: usize) -> String {
    let rate = done as f64 / elapsed.as_secs_f64().max(1e-3);
    format!("{rate:.1}/s, {failed} failed")
}

/// Takes the bar off the screen (the run is over, or stopped).
pub fn clear_bar() {
    if let Some(bar) = BAR.lock().ok().and_then(|mut bar| bar.take()) {
        bar.finish_and_clear();
    }
}
