//! Isolation of extraction: documents are extracted in worker processes (the
//! same binary, `evalmine worker`), so that what cannot be caught inside a
//! process (an abort, a stack overflow, an endless loop, a memory blow-up)
//! costs one document, never the batch.
//!
//! ```text
//! parent (one thread per worker)  --path-->  worker: read, extract, segment
//!                                 <--paragraphs--  (one JSON line on stdout)
//! ```
//!
//! Each request has a deadline (`extract.timeout_s`): past it the worker is
//! killed. Before each page the worker names it; when it dies or runs out
//! of time on a page, the document is read again by a fresh worker without
//! that page (which counts as failed), so a bad page loses only itself;
//! after `MAX_SKIPPED_PAGES` the document gets status `timeout` or `error`. A worker limits its own
//! address space (`extract.worker_memory_mb`, setrlimit) so a memory
//! blow-up ends in an allocation failure of that worker. A worker that dies
//! is replaced on the next request; the parent records the cause.
//!
//! The worker's log events (repairs, second extractor, OCR) come back as
//! lines on its stdout too, and the parent emits them again as its own
//! events (target `evalmine::worker`), so they reach the run's log.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::extract::{announced_page, ExtractConfig, ReadOptions, SkippedPage};
use crate::ingest::ingest_file_timed;
use crate::record::{DocStatus, Extracted, ReadSummary};

/// Replies on the worker's stdout start with this, so that anything else a
/// library might print there is not taken for a reply.
const REPLY: &str = "evalmine-extracted ";

/// Before each page the worker says which, so that the page it dies on can
/// be skipped when the document is read again.
const PAGE: &str = "evalmine-page ";

/// ... and before it reads a page by OCR, which is given
/// `ocr.page_timeout_s` (and a little) beyond `timeout_s`.
const OCR_PAGE: &str = "evalmine-ocr-page ";

/// ... and, before its reply, how long segmentation took (microseconds).
const SEGMENTED_IN: &str = "evalmine-segmented-in ";

/// A log event of the worker: this prefix, its level (`error`, `warn`,
/// `info`, `debug`, `trace`), a space, the formatted event. The binary's
/// log listener writes these in a worker (see `main.rs`).
pub const WORKER_LOG: &str = "evalmine-log ";

/// Time given to a worker beyond `ocr.page_timeout_s` for each OCR'd page
/// (rendering and starting programs), so that the worker's own per-page
/// limit ends a stuck page first.
const OCR_SLACK: Duration = Duration::from_secs(5);

/// Pages skipped in one document before giving it up.
const MAX_SKIPPED_PAGES: usize = 3;

/// mimalloc's setting of how long freed memory is kept (milliseconds).
const PURGE_DELAY: &str = "MIMALLOC_PURGE_DELAY";

/// Keep this much of a worker's stderr, to say why it died.
const STDERR_TAIL: usize = 4096;

/// The workers of one run.
pub(crate) struct WorkerPool {
    program: PathBuf,
    /// Sent with each request rather than on the command line, where other
    /// users of the machine could read them.
    passwords: Vec<String>,
    settings: String,
    timeout: Duration,
    timeout_s: u64,
    /// More time for each page read by OCR.
    ocr_page: Duration,
    memory_mb: u64,
    idle: Mutex<Vec<Worker>>,
}

/// What the pool gave for one document.
pub(crate) struct Outcome {
    pub extracted: Extracted,
    /// False when the worker died or ran out of time: another run with other
    /// limits may do better, so the result is not cached.
    pub cacheable: bool,
    /// The time the worker took to segment the document (the rest of the
    /// time in workers is extraction).
    pub segmentation: Duration,
}

/// What a worker says on stdout.
enum Line {
    /// It starts reading this page.
    Page(u32),
    /// It starts reading this page by OCR.
    OcrPage(u32),
    /// How long segmentation took, before the reply.
    SegmentedIn(Duration),
    /// A log event, `level formatted-event` (see `WORKER_LOG`).
    Log(String),
    /// Its reply, a JSON `Extracted`.
    Reply(String),
}

enum Attempt {
    Done(Extracted, Duration),
    Failed {
        status: DocStatus,
        cause: String,
        /// The page it was reading, if it had started one.
        page: Option<u32>,
    },
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<Line>,
    stderr_tail: Arc<Mutex<String>>,
}

impl WorkerPool {
    /// `program` is the evalmine binary (it runs `program worker`).
    pub fn new(program: &Path, config: &ExtractConfig, passwords: &[String]) -> WorkerPool {
        WorkerPool {
            passwords: passwords.to_vec(),
            program: program.to_path_buf(),
            settings: serde_json::to_string(config).unwrap_or_default(),
            timeout: Duration::from_secs(config.timeout_s),
            timeout_s: config.timeout_s,
            ocr_page: Duration::from_secs(config.ocr.page_timeout_s) + OCR_SLACK,
            memory_mb: config.worker_memory_mb,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Starts `n` workers ahead of the first request, so that their
    /// start-up overlaps the caller's. One that cannot start is left out:
    /// the first request that finds no idle worker starts one, and a
    /// failure then becomes that document's error.
    pub fn start(&self, n: usize) {
        let started: Vec<Worker> = (0..n).filter_map(|_| self.spawn().ok()).collect();
        if let Ok(mut idle) = self.idle.lock() {
            idle.extend(started);
        }
    }

    /// Extracts one file in a worker. Never fails: every problem becomes
    /// the entry's status and message. When a worker dies or runs out of
    /// time on a page, the document is read again without that page (up
    /// to `MAX_SKIPPED_PAGES` times): a failing page loses only itself.
    pub fn extract(&self, path: &Path) -> Outcome {
        let mut skip: Vec<SkippedPage> = Vec::new();
        loop {
            let (failure, page) = match self.attempt(path, &skip) {
                Attempt::Done(mut extracted, segmentation) => {
                    // Pages skipped for time: a longer timeout may read them.
                    let timed_out = skip.iter().any(|s| s.timed_out);
                    if timed_out && extracted.read.status == DocStatus::Error {
                        extracted.read.status = DocStatus::Timeout;
                    }
                    return Outcome {
                        extracted,
                        cacheable: !timed_out,
                        segmentation,
                    };
                }
                Attempt::Failed {
                    status,
                    cause,
                    page,
                } => ((status, cause), page),
            };
            let (status, cause) = failure;
            let retry = page.filter(|_| skip.len() < MAX_SKIPPED_PAGES);
            // Problems a user must see: the document loses a page or more.
            match (page, retry) {
                (Some(page), Some(_)) => tracing::warn!(
                    "{}: page {page}: {cause}; reading the document again without that page",
                    path.display()
                ),
                (Some(page), None) => tracing::warn!(
                    "{}: page {page}: {cause}; {MAX_SKIPPED_PAGES} pages skipped already, the document is given up",
                    path.display()
                ),
                (None, _) => tracing::warn!("{}: {cause}", path.display()),
            }
            match retry {
                Some(page) => skip.push(SkippedPage {
                    page,
                    reason: cause,
                    timed_out: status == DocStatus::Timeout,
                }),
                None => {
                    let skipped = skip
                        .iter()
                        .map(|s| format!("page {}: {}", s.page, s.reason))
                        .collect::<Vec<_>>();
                    let message = if skipped.is_empty() {
                        cause
                    } else {
                        format!("{cause}; before that, {}", skipped.join("; "))
                    };
                    return Outcome {
                        extracted: failed(status, message),
                        cacheable: false,
                        segmentation: Duration::ZERO,
                    };
                }
            }
        }
    }

    /// One request to one worker.
    fn attempt(&self, path: &Path, skip: &[SkippedPage]) -> Attempt {
        let worker = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let mut worker = match worker {
            Some(w) => w,
            None => match self.spawn() {
                Ok(w) => w,
                Err(e) => {
                    return Attempt::Failed {
                        status: DocStatus::Error,
                        cause: format!("cannot start a worker process: {e}"),
                        page: None,
                    }
                }
            },
        };
        let request = Request {
            path: path.as_os_str().as_bytes().to_vec(),
            options: ReadOptions {
                skip: skip.to_vec(),
                passwords: self.passwords.clone(),
            },
        };
        // A request is plain data (bytes, numbers, strings): it serialises.
        let request = serde_json::to_string(&request).unwrap_or_default();
        let sent = writeln!(worker.stdin, "{request}").and_then(|_| worker.stdin.flush());
        if sent.is_err() {
            // It had died while idle: a fresh one takes the document.
            drop(worker);
            return self.attempt(path, skip);
        }
        let mut deadline = Instant::now() + self.timeout;
        let mut page = None;
        let mut segmentation = Duration::ZERO;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match worker.replies.recv_timeout(left) {
                Ok(Line::Page(n)) => page = Some(n),
                Ok(Line::SegmentedIn(time)) => segmentation = time,
                Ok(Line::Log(event)) => relay_log(&event),
                Ok(Line::OcrPage(n)) => {
                    // OCR is slow: each page read that way adds its own
                    // limit, so a long scan is not cut short while every
                    // page stays bounded.
                    page = Some(n);
                    deadline += self.ocr_page;
                }
                Ok(Line::Reply(line)) => {
                    return match serde_json::from_str::<Extracted>(&line) {
                        Ok(extracted) => {
                            if let Ok(mut idle) = self.idle.lock() {
                                idle.push(worker);
                            }
                            Attempt::Done(extracted, segmentation)
                        }
                        Err(e) => Attempt::Failed {
                            status: DocStatus::Error,
                            cause: format!("unreadable worker reply: {e}"),
                            page: None,
                        },
                    };
                }
                Err(RecvTimeoutError::Timeout) => {
                    worker.kill();
                    return Attempt::Failed {
                        status: DocStatus::Timeout,
                        cause: format!(
                            "extraction stopped after extract.timeout_s = {} s",
                            self.timeout_s
                        ),
                        page,
                    };
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Attempt::Failed {
                        status: DocStatus::Error,
                        cause: worker.cause_of_death(self.memory_mb),
                        page,
                    }
                }
            }
        }
    }

    fn spawn(&self) -> std::io::Result<Worker> {
        tracing::debug!("starting a worker process");
        let mut command = Command::new(&self.program);
        command
            .arg("worker")
            .arg("--settings")
            .arg(&self.settings)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // mimalloc gives freed memory back to the system 10 ms after it is
        // freed; a worker frees one document's memory and at once allocates
        // the next one's, which the kernel then zeroes again (a sixth of a
        // worker's time). Kept for a second, the pages are reused: a worker
        // holds ~15 MB more. A value set by the user is left as it is.
        if std::env::var_os(PURGE_DELAY).is_none() {
            command.env(PURGE_DELAY, "1000");
        }
        let mut child = command.spawn()?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stderr = child.stderr.take().expect("piped stderr");
        let (send, replies) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let message = if let Some(reply) = line.strip_prefix(REPLY) {
                    Line::Reply(reply.to_string())
                } else if let Some(page) = line.strip_prefix(PAGE).and_then(|n| n.parse().ok()) {
                    Line::Page(page)
                } else if let Some(page) = line.strip_prefix(OCR_PAGE).and_then(|n| n.parse().ok())
                {
                    Line::OcrPage(page)
                } else if let Some(event) = line.strip_prefix(WORKER_LOG) {
                    Line::Log(event.to_string())
                } else if let Some(micros) =
                    line.strip_prefix(SEGMENTED_IN).and_then(|n| n.parse().ok())
                {
                    Line::SegmentedIn(Duration::from_micros(micros))
                } else {
                    continue;
                };
                if send.send(message).is_err() {
                    break;
                }
            }
        });
        let stderr_tail = Arc::new(Mutex::new(String::new()));
        let tail = Arc::clone(&stderr_tail);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut tail) = tail.lock() {
                    tail.push_str(&String::from_utf8_lossy(&buf[..n]));
                    if tail.len() > STDERR_TAIL {
                        let cut = tail.len() - STDERR_TAIL;
                        let cut = (cut..tail.len())
                            .find(|&i| tail.is_char_boundary(i))
                            .unwrap_or(tail.len());
                        tail.drain(..cut);
                    }
                }
            }
        });
        Ok(Worker {
            child,
            stdin,
            replies,
            stderr_tail,
        })
    }
}

impl Worker {
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the dead worker and says why it died, in words.
    fn cause_of_death(&mut self, memory_mb: u64) -> String {
        let status = self.child.wait();
        // Let the stderr reader take the last words.
        std::thread::sleep(Duration::from_millis(20));
        let stderr = self
            .stderr_tail
            .lock()
            .map(|t| t.clone())
            .unwrap_or_default();
        describe_death(status.ok(), &stderr, memory_mb)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing stdin ends an idle worker's loop; kill in case it is busy.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn describe_death(status: Option<ExitStatus>, stderr: &str, memory_mb: u64) -> String {
    use std::os::unix::process::ExitStatusExt;
    // The worker's last words, if any, end the message.
    let last_words = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| format!(": {}", l.trim()))
        .unwrap_or_default();
    if stderr.contains("has overflowed its stack") {
        return "the PDF parser overflowed its stack (deeply nested or self-referencing content); the worker process stopped".into();
    }
    if stderr.contains("memory allocation of") || stderr.contains("out of memory") {
        return format!(
            "the document needs more memory than extract.worker_memory_mb = {memory_mb}; the worker process stopped"
        );
    }
    match status {
        Some(s) if s.signal().is_some() => {
            let signal = s.signal().unwrap_or(0);
            let name = match signal {
                6 => "abort",
                9 => "killed",
                11 => "segmentation fault",
                _ => "signal",
            };
            format!("the worker process died ({name}, signal {signal}){last_words}")
        }
        Some(s) => format!("the worker process exited with {s}{last_words}"),
        None => "the worker process died".into(),
    }
}

/// A worker's log event emitted again in this process, at its level, with
/// the target `evalmine::worker` (the worker's filter already chose it; its
/// text names its own target and file).
fn relay_log(event: &str) {
    let (level, text) = event.split_once(' ').unwrap_or(("info", event));
    match level {
        "error" => tracing::error!(target: "evalmine::worker", "{text}"),
        "warn" => tracing::warn!(target: "evalmine::worker", "{text}"),
        "debug" => tracing::debug!(target: "evalmine::worker", "{text}"),
        "trace" => tracing::trace!(target: "evalmine::worker", "{text}"),
        _ => tracing::info!(target: "evalmine::worker", "{text}"),
    }
}

/// A document no worker could finish: no extractor to name.
fn failed(status: DocStatus, message: String) -> Extracted {
    Extracted::failed(ReadSummary::failed(status, message, None))
}

/// One file to read. The path goes as its bytes: a file name need not be
/// UTF-8 (archives made on older Windows systems hold Latin-1 names).
#[derive(serde::Serialize, serde::Deserialize)]
struct Request {
    path: Vec<u8>,
    #[serde(default)]
    options: ReadOptions,
}

/// `evalmine worker`: limits its own memory, then answers requests (one
/// JSON object `{"path": ...}` per line on stdin) with one reply line each,
/// until stdin closes.
pub fn worker_main(settings: &str) -> std::io::Result<()> {
    let config: ExtractConfig = serde_json::from_str(settings)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    // lopdf loads objects on rayon's global pool: one thread per worker
    // (the run's parallelism is its number of workers), started before the
    // memory limit so that thread stacks are not refused by it.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global();
    limit_memory(config.worker_memory_mb);
    die_with_parent();
    // A fault injected by the tests of page skipping: abort when starting
    // this page, as a crash inside the parser would.
    let abort_on_page: Option<u32> = std::env::var("EVALMINE_WORKER_ABORT_ON_PAGE")
        .ok()
        .and_then(|p| p.parse().ok());
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line?;
        let request = serde_json::from_str::<Request>(&line);
        let extracted = match request {
            Ok(request) => {
                let skipped: Vec<u32> = request.options.skip.iter().map(|s| s.page).collect();
                let mut starting = |announcement: u32| {
                    // Said before the page is read, so it reaches the parent
                    // even if reading the page kills this process.
                    let (page, by_ocr) = announced_page(announcement);
                    let prefix = if by_ocr { OCR_PAGE } else { PAGE };
                    let mut out = stdout.lock();
                    let _ = writeln!(out, "{prefix}{page}").and_then(|_| out.flush());
                    drop(out);
                    if abort_on_page == Some(page) && !skipped.contains(&page) {
                        std::process::abort();
                    }
                };
                let path = PathBuf::from(std::ffi::OsString::from_vec(request.path));
                let (extracted, segmentation) =
                    ingest_file_timed(&path, &config, &request.options, &mut starting);
                let micros = segmentation.as_micros();
                writeln!(stdout.lock(), "{SEGMENTED_IN}{micros}")?;
                extracted
            }
            Err(e) => failed(DocStatus::Error, format!("bad request to the worker: {e}")),
        };
        let reply = serde_json::to_string(&extracted)?;
        // One write under the lock: log lines from other threads of this
        // process (the parser's pool) cannot cut into the reply.
        let mut out = stdout.lock();
        writeln!(out, "{REPLY}{reply}")?;
        out.flush()?;
    }
    Ok(())
}

/// A worker stuck in a document outlives nothing: when the parent dies
/// (`kill -9` included), the kernel kills the worker too.
fn die_with_parent() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_PDEATHSIG takes a signal number only.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
}

/// Caps the address space of this process (and forbids core dumps: a
/// crashing worker should not fill the disk).
fn limit_memory(memory_mb: u64) {
    let bytes = memory_mb.saturating_mul(1024 * 1024) as libc::rlim_t;
    let limit = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: bytes,
    };
    let no_core = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit reads the struct we pass; failure only leaves the
    // process unlimited, which the timeout still bounds.
    unsafe {
        libc::setrlimit(libc::RLIMIT_AS, &limit);
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
    }
}
