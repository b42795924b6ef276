//! The smaller edges users hit (issue 16): CSV dialects in `label` and
//! `evaluate`, an empty gold file, an empty input folder, a closed pipe,
//! `report` before any run.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::cli::evalmine;
use crate::repo_root;

/// A pipeline.toml reading `reports/`, writing `tables/`, with the shipped models.
fn config_in(dir: &std::path::Path) {
    crate::cli::write_config(dir, "", "");
}

#[test]
fn label_reads_french_excel_csv_with_any_header_case() {
    let dir = tempfile::tempdir().unwrap();
    config_in(dir.path());
    std::fs::write(
        dir.path().join("in.csv"),
        "\u{feff}ID;Text;Context\np1;Le conseil citoyen ne se réunit plus, faute de membres.;4. Le conseil citoyen\n",
    )
    .unwrap();
    let out = evalmine(&["label", "--input", "in.csv"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("p1;conseils_citoyens;")),
        "{stdout}"
    );
}

/// `label --out x.csv` writes the dialect of run's tables: BOM, `;`, and a
/// formula in an id kept as text.
#[test]
fn label_writes_the_csv_dialect_of_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    config_in(dir.path());
    std::fs::write(
        dir.path().join("in.csv"),
        "id,text\n=1+2,Le conseil citoyen ne se réunit plus.\n",
    )
    .unwrap();
    let out = evalmine(
        &["label", "--input", "in.csv", "--out", "out.csv"],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    assert!(
        written.starts_with("\u{feff}id;themes;polarity;"),
        "{written}"
    );
    assert!(
        written
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("'=1+2;")),
        "{written}"
    );
}

#[test]
fn an_empty_gold_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    config_in(dir.path());
    std::fs::write(dir.path().join("gold.csv"), "id,text,themes,polarity\n").unwrap();
    let out = evalmine(&["evaluate", "--gold", "gold.csv"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no labelled paragraph"));
}

#[test]
fn an_empty_input_folder_says_so() {
    let dir = tempfile::tempdir().unwrap();
    config_in(dir.path());
    std::fs::create_dir(dir.path().join("reports")).unwrap();
    let out = evalmine(&["run"], dir.path());
    assert_eq!(out.status.code(), Some(2), "nothing could run");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no PDF file"));
}

#[test]
fn report_before_any_run_says_to_run_first() {
    let dir = tempfile::tempdir().unwrap();
    config_in(dir.path());
    let out = evalmine(&["report"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("run `evalmine run` first"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn inspect_into_a_closed_pipe_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_evalmine"))
        .args(["inspect", "--lines", "corpus/r01.pdf"])
        .current_dir(repo_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little, then hang up, as `| head` does.
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}

#[test]
fn a_run_that_fails_while_writing_leaves_the_previous_tables_as_they_were() {
    let dir = crate::cli::project(&[("r04.pdf", "a.pdf")]);
    let first = evalmine(
        &["run", "--by", "modalite", "--metadata", "meta.csv"],
        dir.path(),
    );
    assert!(
        first.status.code() == Some(2),
        "the metadata file does not exist yet"
    );
    std::fs::write(dir.path().join("meta.csv"), "doc_id;modalite\na;interne\n").unwrap();
    let first = evalmine(
        &["run", "--by", "modalite", "--metadata", "meta.csv"],
        dir.path(),
    );
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let report = evalmine(&["report"], dir.path());
    assert!(report.status.success());
    let tables = dir.path().join("tables");
    assert!(tables.join("synthesis_by.csv").exists());
    // Block one table's path, change the input, run again.
    std::fs::remove_file(tables.join("findings.csv")).unwrap();
    std::fs::create_dir(tables.join("findings.csv")).unwrap();
    let snapshot = |dir: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let before = snapshot(&tables);
    std::fs::copy(
        repo_root().join("corpus/r08.pdf"),
        dir.path().join("reports/b.pdf"),
    )
    .unwrap();
    let second = evalmine(&["run"], dir.path());
    assert_eq!(
        second.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(
        snapshot(&tables),
        before,
        "the previous tables are byte-identical"
    );
    let leftovers: Vec<String> = std::fs::read_dir(&tables)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary file is left: {leftovers:?}"
    );
    // Unblocked, the run replaces the whole set: synthesis_by (no --by this
    // time) is gone, and the report is refreshed.
    std::fs::remove_dir(tables.join("findings.csv")).unwrap();
    let third = evalmine(&["run"], dir.path());
    assert!(
        third.status.success(),
        "{}",
        String::from_utf8_lossy(&third.stderr)
    );
    assert!(
        !tables.join("synthesis_by.csv").exists() && !tables.join("synthesis_by.parquet").exists()
    );
    let html = std::fs::read_to_string(tables.join("report.html")).unwrap();
    assert!(
        html.contains("2 rapports lus sur 2 fichiers"),
        "report.html is refreshed by run"
    );
}

/// Pages a viewer reads although they break the rules: no MediaBox anywhere
/// in the page tree (read on US Letter), and a path operator missing its
/// operands before the text (skipped). Both used to panic the parser and
/// lose the page.
#[test]
fn pages_without_media_box_or_with_short_operators_are_read() {
    use crate::pdf_writer::Pdf;
    let mut pdf = Pdf::default();
    let catalog = pdf.reserve();
    let tree = pdf.reserve();
    let font = pdf
        .add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    let content = pdf.add_stream(
        "",
        b"1 c 10 l BT /F1 12 Tf 72 700 Td (Le conseil citoyen s'est reuni quatre fois.) Tj ET",
    );
    let page = pdf.add(format!(
        "<< /Type /Page /Parent {tree} 0 R /Contents {content} 0 R /Resources << /Font << /F1 {font} 0 R >> >> >>"
    ));
    pdf.set(
        tree,
        format!("<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>"),
    );
    pdf.set(catalog, format!("<< /Type /Catalog /Pages {tree} 0 R >>"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.pdf");
    std::fs::write(&path, pdf.finish(catalog)).unwrap();
    let doc = crate::read_document("broken", &path);
    assert_eq!(doc.read.status.as_str(), "ok", "{}", doc.read.message);
    assert!(
        doc.paragraphs
            .iter()
            .any(|p| p.text.contains("conseil citoyen s'est reuni")),
        "{:?}",
        doc.paragraphs
    );
}
