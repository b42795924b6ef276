//! What `run` writes on stderr when piped (no progress bar, log lines by
//! level, EVALMINE_LOG), and the runs log it appends to (issue 13, parts 3
//! and 4); and the bar on a terminal, under `script` (a pseudo-terminal).

use std::path::Path;
use std::process::{Command, Output};

use crate::cli::evalmine;
use crate::repo_root;

/// The binary in `dir`, piped as scripts run it, with these variables.
fn evalmine_with(args: &[&str], dir: &Path, envs: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evalmine"))
        .args(args)
        .env_remove("EVALMINE_LOG")
        .envs(envs.iter().copied())
        .current_dir(dir)
        .output()
        .expect("evalmine runs")
}

/// A folder with `reports/r01.pdf` (the built-in configuration and models).
fn one_report() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    std::fs::copy(repo_root().join("corpus/r01.pdf"), reports.join("r01.pdf")).unwrap();
    dir
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_piped_run_draws_no_progress_and_logs_only_warnings() {
    let dir = one_report();
    let out = evalmine_with(&["run", "reports"], dir.path(), &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // No carriage return, escape sequence or bar glyph: a log file or a
    // script reading stderr gets lines only.
    assert!(
        !err.contains('\r') && !err.contains('\u{1b}') && !err.contains("=>"),
        "{err:?}"
    );
    assert!(!err.contains("documents, "), "no progress text: {err}");
    // Default level: warnings; a clean run has none, only the line that
    // says which configuration and models were used.
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        ["evalmine: configuration: built-in defaults; built-in models"],
        "{err}"
    );
    let quiet = evalmine_with(&["run", "reports", "--quiet"], dir.path(), &[]);
    assert!(quiet.status.success());
    assert!(
        quiet.stdout.is_empty() && quiet.stderr.is_empty(),
        "--quiet prints nothing on success: {quiet:?}"
    );
}

#[test]
fn verbose_shows_stage_times_and_the_cache_and_evalmine_log_chooses_the_events() {
    let dir = one_report();
    let first = evalmine_with(&["run", "reports", "--verbose"], dir.path(), &[]);
    let err = stderr(&first);
    assert!(first.status.success(), "{err}");
    let stages = err
        .lines()
        .find(|l| l.starts_with("evalmine: stages (summed over documents"))
        .unwrap_or_else(|| panic!("a line of stage times: {err}"));
    for stage in ["extraction", "segmentation", "classification", "writing"] {
        assert!(stages.contains(&format!("{stage} ")), "{stages}");
    }
    assert!(
        err.contains("evalmine: info: pipeline::run: extraction cache: 0 hits, 1 misses"),
        "{err}"
    );
    assert!(
        !err.contains("debug"),
        "--verbose is info, not debug: {err}"
    );

    // EVALMINE_LOG overrides the level: a debug event per document and cache.
    let second = evalmine_with(
        &["run", "reports"],
        dir.path(),
        &[("EVALMINE_LOG", "debug")],
    );
    let err = stderr(&second);
    assert!(
        err.contains("evalmine: debug: cache: r01: extraction cache hit"),
        "{err}"
    );
    assert!(
        err.contains("evalmine: debug: cache: r01: scores cache hit"),
        "{err}"
    );
    // ... and its targets select: the cache's events only.
    let third = evalmine_with(
        &["run", "reports", "--no-cache"],
        dir.path(),
        &[("EVALMINE_LOG", "evalmine::cache=debug")],
    );
    let err = stderr(&third);
    assert!(
        err.contains("extraction cache not read (--no-cache)"),
        "{err}"
    );
    assert!(!err.contains("pipeline::run"), "{err}");
    // A filter that does not parse is said, and the default level used.
    let bad = evalmine_with(&["run", "reports"], dir.path(), &[("EVALMINE_LOG", "x=[")]);
    assert!(bad.status.success());
    assert!(
        stderr(&bad).contains("evalmine: warning: EVALMINE_LOG: "),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn a_repair_in_a_worker_process_reaches_the_log_with_its_document() {
    // A PDF whose startxref points nowhere: the worker rebuilds the
    // cross-reference table and says so in its own process.
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    let bytes = std::fs::read(repo_root().join("corpus/r01.pdf")).unwrap();
    let at = bytes
        .windows(9)
        .rposition(|w| w == b"startxref")
        .expect("a startxref");
    let mut broken = bytes[..at].to_vec();
    broken.extend_from_slice(b"startxref\n999\n%%EOF\n");
    std::fs::write(reports.join("broken.pdf"), broken).unwrap();
    let quiet_about_it = evalmine_with(&["run", "reports"], dir.path(), &[]);
    assert!(
        !stderr(&quiet_about_it).contains("repaired"),
        "a repair is information, not a warning: {}",
        stderr(&quiet_about_it)
    );
    let out = evalmine_with(
        &["run", "reports", "--verbose", "--no-cache"],
        dir.path(),
        &[],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.lines().any(
            |l| l.starts_with("evalmine: info: broken: extract: repaired")
                && l.contains("cross-reference table rebuilt")
        ),
        "{err}"
    );
}

#[test]
fn each_run_appends_a_row_to_the_runs_log() {
    let dir = one_report();
    for args in [&["run", "reports"][..], &["run", "reports", "--quiet"][..]] {
        let out = evalmine(args, dir.path());
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let text = std::fs::read_to_string(dir.path().join("out/runs.csv")).unwrap();
    assert!(text.starts_with('\u{feff}'), "the BOM of the other tables");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2, "a row per run, none overwritten: {text}");
    let field = |row: &csv::StringRecord, name: &str| -> String {
        let i = header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}"));
        row[i].to_string()
    };
    for row in &rows {
        assert_eq!(row.len(), header.len(), "consistent columns: {text}");
        let started = field(row, "started_at");
        assert!(
            started.len() == 20 && started.ends_with('Z') && started.as_bytes()[10] == b'T',
            "UTC ISO 8601: {started}"
        );
        assert_eq!(field(row, "version"), env!("CARGO_PKG_VERSION"));
        assert_eq!(field(row, "input_dir"), "reports");
        assert_eq!(field(row, "config_source"), "built-in defaults");
        assert_eq!(field(row, "model_source"), "built-in models");
        assert_eq!(
            (
                field(row, "documents"),
                field(row, "documents_ok"),
                field(row, "documents_failed")
            ),
            ("1".into(), "1".into(), "0".into())
        );
        let paragraphs: u64 = field(row, "paragraphs").parse().unwrap();
        let findings: u64 = field(row, "findings").parse().unwrap();
        assert!(paragraphs > 50 && findings > 0, "{paragraphs} {findings}");
        for seconds in [
            "wall_s",
            "extraction_s",
            "segmentation_s",
            "classification_s",
            "writing_s",
        ] {
            let value: f64 = field(row, seconds).parse().unwrap();
            assert!(value >= 0.0, "{seconds}: {value}");
        }
        let rss: f64 = field(row, "peak_rss_mb").parse().unwrap();
        assert!(rss > 10.0, "peak RSS in MB: {rss}");
    }
    assert_eq!(field(&rows[0], "command"), "run reports");
    assert_eq!(field(&rows[1], "command"), "run reports --quiet");
    let cache = |row| (field(row, "cache_hits"), field(row, "cache_misses"));
    assert_eq!(cache(&rows[0]), ("0".into(), "1".into()));
    assert_eq!(
        cache(&rows[1]),
        ("1".into(), "0".into()),
        "the rerun reads the cache"
    );
    let extraction = |row| field(row, "extraction_s").parse::<f64>().unwrap();
    assert!(
        extraction(&rows[1]) < extraction(&rows[0]),
        "a cache hit costs less than an extraction"
    );
    assert_ne!(field(&rows[0], "run_id"), field(&rows[1], "run_id"));
    // The tables' run id is the last row's.
    let documents = std::fs::read(dir.path().join("out/documents.parquet")).unwrap();
    let run_id = field(&rows[1], "run_id");
    assert!(
        documents
            .windows(run_id.len())
            .any(|w| w == run_id.as_bytes()),
        "documents.parquet carries the run id {run_id}"
    );
    assert!(dir.path().join("out/runs.parquet").is_file());
}

#[test]
fn on_a_terminal_the_bar_is_drawn_and_lines_are_written_above_it() {
    // util-linux's `script` runs the binary on a pseudo-terminal and copies
    // what it draws to its stdout.
    let has_script = Command::new("script").arg("--version").output().is_ok();
    if !has_script {
        println!("SKIPPED: `script` (util-linux) not found");
        return;
    }
    let dir = one_report();
    for copy in ["r01b", "r01c"] {
        let to = dir.path().join(format!("reports/{copy}.pdf"));
        std::fs::copy(dir.path().join("reports/r01.pdf"), to).unwrap();
    }
    let binary = env!("CARGO_BIN_EXE_evalmine");
    let out = Command::new("script")
        .args([
            "-qec",
            &format!("{binary} run reports --verbose"),
            "/dev/null",
        ])
        .env_remove("EVALMINE_LOG")
        .current_dir(dir.path())
        .output()
        .expect("script runs");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(
        screen.contains("3/3 documents, ") && screen.contains("0 failed") && screen.contains("ETA"),
        "the bar: {screen:?}"
    );
    // Each line printed during the run starts a line or follows the
    // sequence that erases the bar: no line is written into the bar.
    for line in [
        "evalmine: [",
        "evalmine: info: ",
        "evalmine: 3 documents (3 ok)",
    ] {
        let mut found = false;
        for (at, _) in screen.match_indices(line) {
            found = true;
            let before = &screen[..at];
            assert!(
                before.is_empty() || before.ends_with('\n') || before.ends_with("\u{1b}[2K"),
                "{line:?} written into the bar: {:?}",
                before
                    .chars()
                    .skip(before.chars().count().saturating_sub(80))
                    .collect::<String>()
            );
        }
        assert!(found, "{line:?} in {screen:?}");
    }
}
