//! The `evalmine` binary end to end, in temporary folders.

use std::path::Path;
use std::process::Command;

use crate::repo_root;

pub(crate) fn evalmine(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_evalmine"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("evalmine runs")
}

/// The shipped models folder, as written in a pipeline.toml.
fn shipped_models() -> String {
    format!("{:?}", repo_root().join("models").display().to_string())
}

/// Writes `dir/pipeline.toml`: read `reports/`, write `tables/` (as
/// `formats`, or the default formats when empty), classify with the shipped
/// models; `more` is appended under `[classify]` (keys, then any sections).
pub(crate) fn write_config(dir: &Path, formats: &str, more: &str) {
    let formats = if formats.is_empty() {
        String::new()
    } else {
        format!("formats = {formats}\n")
    };
    let config = format!(
        "[input]\ndir = \"reports\"\n[output]\ndir = \"tables\"\n{formats}[classify]\nmodels = {}\n{more}",
        shipped_models()
    );
    std::fs::write(dir.join("pipeline.toml"), config).unwrap();
}

/// A temporary project: `reports/` holding sample corpus PDFs under new
/// names (corpus file, path under reports/), and a default pipeline.toml.
pub(crate) fn project(reports: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (corpus_file, name) in reports {
        let to = dir.path().join("reports").join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(repo_root().join("corpus").join(corpus_file), to).unwrap();
    }
    write_config(dir.path(), "", "");
    dir
}

#[test]
fn run_writes_a_row_per_file_whatever_happened() {
    let dir = project(&[("r01.pdf", "2022/lyon.PDF")]);
    let input = dir.path().join("reports");
    std::fs::write(input.join("empty.pdf"), b"").unwrap();
    std::fs::write(input.join("page.pdf"), b"<html>not a pdf</html>").unwrap();
    std::fs::write(input.join("notes.txt"), b"not a report").unwrap();

    let out = evalmine(&["run"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "invalid files make exit code 1: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("3 documents") && stdout.contains("1 ok") && stdout.contains("2 invalid"),
        "summary: {stdout}"
    );

    let documents = std::fs::read_to_string(dir.path().join("tables/documents.csv")).unwrap();
    assert!(
        documents.starts_with('\u{feff}'),
        "CSV starts with a BOM for Excel"
    );
    assert!(
        documents
            .lines()
            .next()
            .unwrap()
            .contains(";domain_terms;on_topic"),
        "{documents}"
    );
    let rows: Vec<&str> = documents.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{documents}");
    let table = crate::covers::documents_csv(&dir.path().join("tables/documents.csv"));
    assert_eq!(
        (
            table["2022/lyon"]["status"].as_str(),
            table["2022/lyon"]["on_topic"].as_str()
        ),
        ("ok", "true"),
        "a report of the field is on topic: {documents}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("empty;") && r.contains(";invalid;")),
        "{documents}"
    );

    let parquet = std::fs::read(dir.path().join("tables/paragraphs.parquet")).unwrap();
    assert!(parquet.starts_with(b"PAR1"));
    let footer =
        String::from_utf8_lossy(&parquet[parquet.len().saturating_sub(4096)..]).into_owned();
    assert!(
        footer.contains("evalmine.config_hash"),
        "provenance in the Parquet key-value metadata"
    );
    let paragraphs = std::fs::read_to_string(dir.path().join("tables/paragraphs.csv")).unwrap();
    assert!(
        paragraphs.lines().next().unwrap().ends_with(";section"),
        "the section comes after the contract's columns"
    );
    assert!(
        paragraphs
            .lines()
            .any(|l| l.contains(";8.2 Les difficultés rencontrées;")
                && l.ends_with(";8. Le conseil citoyen")),
        "a sub-heading's paragraphs know their section"
    );
    assert!(
        stdout.contains("Synthèse sur 1 rapport lisible"),
        "French summary printed: {stdout}"
    );
    let coverage = std::fs::read_to_string(dir.path().join("tables/coverage.csv")).unwrap();
    assert_eq!(
        coverage.lines().count(),
        1 + 5,
        "one row per codebook theme for the readable report: {coverage}"
    );
    assert!(dir.path().join("tables/synthesis.parquet").exists());
    assert!(dir.path().join("tables/codes.csv").exists());
    let findings = std::fs::read_to_string(dir.path().join("tables/findings.csv")).unwrap();
    assert!(
        findings.lines().count() > 5,
        "the report's themes give findings: {findings}"
    );
    assert!(footer.contains("evalmine.model_version"));
}

#[test]
fn a_bad_config_stops_before_any_work_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pipeline.toml"),
        "[extract]\nheader_bnd = 0.1\n",
    )
    .unwrap();
    let out = evalmine(&["run"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("header_bnd") && stderr.contains("pipeline.toml"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists(), "no table is written");
}

#[test]
fn a_missing_input_folder_is_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pipeline.toml"),
        "[input]\ndir = \"nowhere\"\n",
    )
    .unwrap();
    let out = evalmine(&["run"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere"));
}

#[test]
fn inspect_shows_pages_dropped_lines_and_paragraphs() {
    let out = evalmine(&["inspect", "corpus/r01.pdf"], &repo_root());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("=== page 3"), "{stdout}");
    assert!(stdout.contains("dropped [running header]"), "{stdout}");
    assert!(stdout.contains("dropped [table of contents]"), "{stdout}");
    assert!(
        stdout.contains("[body]") || stdout.contains(" body]"),
        "{stdout}"
    );
}

#[test]
fn metadata_is_joined_and_its_problems_are_reported() {
    let dir = project(&[("r04.pdf", "lorvillers.pdf")]);
    std::fs::write(
        dir.path().join("meta.csv"),
        "doc_id;territory;modalite\nlorvillers;Lorvillers;cabinet\nlorvillers;Lorvillers bis;interne\nailleurs;Nulle part;mixte\n",
    )
    .unwrap();

    let out = evalmine(
        &["run", "--metadata", "meta.csv", "--by", "modalite"],
        dir.path(),
    );
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stderr.contains("`ailleurs` matches no report"),
        "unknown doc_id reported: {stderr}"
    );
    assert!(
        stderr.contains("`lorvillers` has several rows"),
        "duplicate reported: {stderr}"
    );
    assert!(
        stdout.contains("Par modalite") && stdout.contains("cabinet (1 rapport)"),
        "{stdout}"
    );
    let documents = crate::covers::documents_csv(&dir.path().join("tables/documents.csv"));
    let row = &documents["lorvillers"];
    assert_eq!(
        (row["territory"].as_str(), row["modalite"].as_str()),
        ("Lorvillers", "cabinet"),
        "the CSV overrides the text, and its first row wins"
    );
    assert_eq!(row["modalite_evidence"], "metadata CSV");
    assert!(dir.path().join("tables/synthesis_by.csv").exists());

    let out = evalmine(
        &["run", "--metadata", "meta.csv", "--by", "region"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no column `region`"));
}

#[test]
fn reruns_use_the_cache_until_the_pdf_or_the_extraction_settings_change() {
    let dir = project(&[("r04.pdf", "r04.pdf")]);
    let pdf = dir.path().join("reports/r04.pdf");
    let write_config = |extra: &str| write_config(dir.path(), "[\"csv\"]", extra);
    let paragraphs = || std::fs::read_to_string(dir.path().join("tables/paragraphs.csv")).unwrap();
    write_config("");
    assert!(evalmine(&["run"], dir.path()).status.success());
    let first = paragraphs();

    // Mark the cache entry: a rerun that shows the mark read the cache.
    let cache = dir.path().join(".evalmine-cache");
    let entries: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("scores-")
        })
        .collect();
    assert_eq!(entries.len(), 1, "one extraction entry per PDF");
    let marked = std::fs::read_to_string(&entries[0]).unwrap().replacen(
        "\"text\":\"",
        "\"text\":\"MARQUE-DU-CACHE ",
        1,
    );
    std::fs::write(&entries[0], marked).unwrap();
    assert!(evalmine(&["run"], dir.path()).status.success());
    assert!(
        paragraphs().contains("MARQUE-DU-CACHE"),
        "a rerun reads the cache"
    );

    // A classifier setting does not invalidate it either.
    write_config("theme_threshold = 0.6\n");
    assert!(evalmine(&["run"], dir.path()).status.success());
    assert!(
        paragraphs().contains("MARQUE-DU-CACHE"),
        "classifier settings keep the cache"
    );

    // --no-cache, an extraction setting, or new bytes re-extract.
    write_config("");
    assert!(evalmine(&["run", "--no-cache"], dir.path())
        .status
        .success());
    assert_eq!(
        paragraphs(),
        first,
        "--no-cache re-extracts (and refreshes the entry)"
    );
    std::fs::write(
        &entries[0],
        std::fs::read_to_string(&entries[0]).unwrap().replacen(
            "\"text\":\"",
            "\"text\":\"MARQUE-DU-CACHE ",
            1,
        ),
    )
    .unwrap();
    write_config("[extract]\nfootnotes = \"drop\"\n");
    assert!(evalmine(&["run"], dir.path()).status.success());
    assert!(
        !paragraphs().contains("MARQUE-DU-CACHE"),
        "other extraction settings re-extract"
    );
    write_config("");
    let mut bytes = std::fs::read(&pdf).unwrap();
    bytes.extend_from_slice(b"\n% a changed copy\n");
    std::fs::write(&pdf, bytes).unwrap();
    assert!(evalmine(&["run"], dir.path()).status.success());
    assert!(
        !paragraphs().contains("MARQUE-DU-CACHE"),
        "a changed PDF is re-extracted"
    );
}

#[test]
fn a_threshold_change_reuses_the_cached_scores_and_gives_the_tables_of_a_fresh_run() {
    let dir = project(&[("r02.pdf", "r02.pdf")]);
    let models = repo_root().join("models");
    let write_config = |threshold: f64| {
        write_config(
            dir.path(),
            "[\"csv\"]",
            &format!("theme_threshold = {threshold}\n"),
        )
    };
    let tables = || {
        ["paragraphs", "findings", "coverage", "synthesis", "codes"]
            .map(|t| std::fs::read_to_string(dir.path().join(format!("tables/{t}.csv"))).unwrap())
    };
    write_config(0.4);
    assert!(evalmine(&["run"], dir.path()).status.success());
    let at_04 = tables();

    // 0.03 is below the floor under which quotes are prepared in advance:
    // the themes it adds get theirs on demand.
    write_config(0.03);
    assert!(evalmine(&["run"], dir.path()).status.success());
    let rerun = tables();
    assert!(evalmine(&["run", "--no-cache"], dir.path())
        .status
        .success());
    let fresh = tables();
    assert_eq!(rerun, fresh, "cached scores decide exactly as a fresh run");
    assert_ne!(
        at_04[1], rerun[1],
        "the lower threshold assigns more themes"
    );

    // The rerun did read the scores: a mark put in them shows in the tables.
    let scores: Vec<_> = std::fs::read_dir(dir.path().join(".evalmine-cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("scores-")
        })
        .collect();
    assert_eq!(scores.len(), 1, "one scores entry per report and model");
    let marked = std::fs::read_to_string(&scores[0]).unwrap().replace(
        "\"polarity_evidence\":[\"",
        "\"polarity_evidence\":[\"MARQUE ",
    );
    std::fs::write(&scores[0], marked).unwrap();
    write_config(0.5);
    assert!(evalmine(&["run"], dir.path()).status.success());
    assert!(
        tables()[1].contains("MARQUE"),
        "the rerun used the cached scores"
    );

    // Another model (here: an edited lexicon) scores again.
    let own_models = dir.path().join("models");
    std::fs::create_dir_all(&own_models).unwrap();
    for entry in std::fs::read_dir(&models).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, own_models.join(path.file_name().unwrap())).unwrap();
    }
    let lexicon = own_models.join("lexicon.toml");
    let mut text = std::fs::read_to_string(&lexicon).unwrap();
    text.push_str("\n# edited by an analyst\n");
    std::fs::write(&lexicon, text).unwrap();
    let config = std::fs::read_to_string(dir.path().join("pipeline.toml"))
        .unwrap()
        .replace(&shipped_models(), "\"models\"");
    std::fs::write(dir.path().join("pipeline.toml"), config).unwrap();
    assert!(evalmine(&["run"], dir.path()).status.success());
    assert!(
        !tables()[1].contains("MARQUE"),
        "other models do not reuse the scores"
    );
}

#[test]
fn report_writes_the_synthesis_as_html_from_the_tables() {
    let dir = project(&[("r02.pdf", "r02.pdf")]);
    std::fs::write(dir.path().join("reports/broken.pdf"), b"%PDF-1.4 truncated").unwrap();
    // Readable, but two sentences do not make a report of the field.
    std::fs::write(
        dir.path().join("reports/notes.pdf"),
        crate::pdf_writer::simple(2),
    )
    .unwrap();

    let out = evalmine(&["report"], dir.path());
    assert_eq!(out.status.code(), Some(2), "no tables yet");
    assert!(String::from_utf8_lossy(&out.stderr).contains("documents.parquet"));

    let run = evalmine(&["run"], dir.path());
    assert_eq!(run.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&run.stdout).contains(
            "Attention : 1 document lisible n'emploie presque pas le vocabulaire de la politique de la ville"
        ),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let out = evalmine(&["report"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(dir.path().join("tables/report.html")).unwrap();
    assert!(html.contains("2 rapports lus sur 3 fichiers"), "{html}");
    assert!(
        html.contains("Fichiers à vérifier (1)") && html.contains("<tr><td><bdi>notes</bdi></td>"),
        "readable files off the field are listed"
    );
    assert!(html.contains("<h3>Conseils citoyens / participation des habitants</h3>"));
    assert!(
        html.contains("2 rapports sur 2 traitent ou évoquent le thème"),
        "{html}"
    );
    assert!(
        html.contains("<cite><bdi>r02</bdi>, p. "),
        "quotes carry their report and page"
    );
    assert!(
        html.contains("<td><bdi>broken</bdi></td><td>invalid</td>"),
        "unread files are listed"
    );
    assert!(html.contains("model_version evalmine-linear-1+"));
}

#[test]
fn kill_9_mid_run_leaves_the_previous_tables_and_the_next_run_resumes_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("reports");
    std::fs::create_dir_all(&input).unwrap();
    let report = std::fs::read(repo_root().join("corpus/r02.pdf")).unwrap();
    let write_copies = |from: usize, to: usize| {
        for i in from..to {
            let mut bytes = report.clone();
            bytes.extend_from_slice(format!("\n% copy {i}\n").as_bytes());
            std::fs::write(input.join(format!("r02-{i:03}.pdf")), bytes).unwrap();
        }
    };
    write_copies(0, 2);
    write_config(dir.path(), "[\"parquet\", \"csv\"]", "");
    assert!(evalmine(&["run"], dir.path()).status.success());
    let tables = dir.path().join("tables");
    let before = std::fs::read(tables.join("paragraphs.csv")).unwrap();

    // Many more reports, and kill -9 once some are in the cache.
    write_copies(2, 80);
    let cache = dir.path().join(".evalmine-cache");
    // Extraction entries written so far (not scores, not temporary files).
    let cached = || {
        std::fs::read_dir(&cache)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".json") && !n.starts_with("scores-"))
                    .count()
            })
            .unwrap_or(0)
    };
    let already = cached();
    let mut child = Command::new(env!("CARGO_BIN_EXE_evalmine"))
        .arg("run")
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while cached() < already + 3 && start.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let finished_early = child.try_wait().unwrap().is_some();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        !finished_early,
        "the run ended before it could be interrupted"
    );

    // The previous tables are whole, and readable as before.
    assert_eq!(
        std::fs::read(tables.join("paragraphs.csv")).unwrap(),
        before
    );
    let parquet = std::fs::File::open(tables.join("paragraphs.parquet")).unwrap();
    use polars::prelude::SerReader;
    let frame = polars::prelude::ParquetReader::new(parquet)
        .finish()
        .unwrap();
    assert!(frame.height() > 0);
    // No half cache entry: every entry parses.
    let interrupted = cached();
    assert!(interrupted >= already + 3);
    for entry in std::fs::read_dir(&cache).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                "{}",
                path.display()
            );
        }
    }

    // The next run completes, taking what the killed run extracted.
    let out = evalmine(&["run"], dir.path());
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("80 documents (80 ok)"));
}
