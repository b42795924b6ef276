//! File names that are not plain text: no name stops a batch or reaches
//! the terminal raw (issue 16).

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::cli::{evalmine, project};

#[test]
fn any_file_name_gets_its_row_and_a_clean_terminal() {
    let dir = project(&[("r04.pdf", "plain.pdf")]);
    let reports = dir.path().join("reports");
    // A Latin-1 name, as archives made on older Windows systems hold, and
    // a name with a newline and an escape sequence.
    let latin = reports.join(OsStr::from_bytes(b"latin\xe9.pdf"));
    std::fs::copy(reports.join("plain.pdf"), &latin).unwrap();
    let forged = reports.join("forged\nevalmine: 0 documents\u{1b}[2J.pdf");
    std::fs::write(&forged, b"not a pdf").unwrap();

    let out = evalmine(&["run"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "one file is not a PDF: {stderr}"
    );
    assert!(
        !stdout.contains('\u{1b}') && !stderr.contains('\u{1b}'),
        "an escape sequence reached the terminal"
    );
    assert!(
        !stderr
            .lines()
            .any(|l| l.starts_with("evalmine: 0 documents")),
        "a file name forged a line: {stderr}"
    );
    let documents = std::fs::read_to_string(dir.path().join("tables/documents.csv")).unwrap();
    assert!(
        documents.contains("latin%E9;"),
        "the Latin-1 name's doc_id is escaped losslessly: {documents}"
    );
    let latin_row = documents.lines().find(|l| l.contains("latin%E9;")).unwrap();
    assert!(
        latin_row.contains(";ok;"),
        "the Latin-1 file is read like any other: {latin_row}"
    );
    let rows = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(documents.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .count();
    assert_eq!(rows, 3, "a row per file: {documents}");
}
