//! One batch of files written to attack what reads the tables (issue 16):
//! spreadsheet formulas, HTML and script, bidi controls and a 10,000
//! character word in paragraphs and titles, and file names with formulas,
//! markup, escape sequences, a newline, a right-to-left override and bytes
//! that are not UTF-8. The run must end with a row per file, no CSV cell a
//! spreadsheet would evaluate, a clean terminal and a report.html without
//! any injected element.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use crate::cli::{evalmine, write_config};
use crate::pdf_writer::Pdf;

/// A PDF literal string: parentheses and backslashes escaped.
fn literal(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)")
}

/// A PDF text string in UTF-16BE with its byte order mark, as hex.
fn utf16_hex(text: &str) -> String {
    let mut hex = String::from("<FEFF");
    for unit in text.encode_utf16() {
        hex += &format!("{unit:04X}");
    }
    hex + ">"
}

/// One page whose lines are `lines` (Helvetica, far enough apart to be
/// separate paragraphs), titled `title` in the Info dictionary.
fn payload_pdf(title: &str, lines: &[String]) -> Vec<u8> {
    let mut pdf = Pdf::default();
    let catalog = pdf.reserve();
    let tree = pdf.reserve();
    let font = pdf
        .add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    let mut content = String::from("BT /F1 10 Tf 14 TL 60 780 Td ");
    for line in lines {
        content += &format!("({}) Tj T* T* T* ", literal(line));
    }
    content += "ET";
    let stream = pdf.add_stream("", content.as_bytes());
    let page = pdf.add(format!(
        "<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 595 842] /Contents {stream} 0 R \
         /Resources << /Font << /F1 {font} 0 R >> >> >>"
    ));
    pdf.set(
        tree,
        format!("<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>"),
    );
    pdf.set(catalog, format!("<< /Type /Catalog /Pages {tree} 0 R >>"));
    pdf.info = Some(pdf.add(format!("<< /Title {} >>", utf16_hex(title))));
    pdf.finish(catalog)
}

/// What a spreadsheet would evaluate: a cell starting with `=`, `+`, `-`,
/// `@`, tab or carriage return that is not a number.
fn open_to_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
        && cell.replace(',', ".").parse::<f64>().is_err()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

fn write(dir: &Path, name: OsString, bytes: &[u8]) {
    let mut path = dir.as_os_str().to_owned();
    path.push("/");
    path.push(name);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_batch_of_hostile_payloads_gives_safe_tables_terminal_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    let long_word = "conseil".repeat(1430);
    let lines: Vec<String> = [
        "=HYPERLINK(\"http://exemple.invalid/x\";\"Cliquez ici\") pour le conseil citoyen",
        "=cmd|' /C calc'!A0 et le droit commun des quartiers",
        "+1+1 : le conseil citoyen s'est reuni trois fois.",
        "-2+3 habitants ont rejoint le conseil citoyen.",
        "@SUM(A1:A9) emplois aides dans les quartiers prioritaires",
        "<script>alert('tables')</script> Le conseil citoyen manque de moyens.",
        "<img src=x onerror=alert(2)> L'egalite femmes-hommes reste peu traitee.",
        long_word.as_str(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let titles = [
        "=2+5 Rapport d'evaluation",
        "<script>alert('titre')</script>",
        "Rapport \u{202E}fdp.exe du conseil citoyen",
    ];
    let names: Vec<OsString> = vec![
        "=1+2.pdf".into(),
        "<b onmouseover=alert(3)>.pdf".into(),
        "rtl\u{202E}fdp.pdf".into(),
        "esc\u{1b}[31mred\nforged line.pdf".into(),
        OsString::from_vec(b"latin\xe9.pdf".to_vec()),
    ];
    for (i, name) in names.iter().enumerate() {
        write(
            &reports,
            name.clone(),
            &payload_pdf(titles[i % titles.len()], &lines),
        );
    }
    write_config(dir.path(), "", "");

    let run = evalmine(&["run"], dir.path());
    let report = evalmine(&["report"], dir.path());
    for (what, out) in [("run", &run), ("report", &report)] {
        let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{what} exit {:?}: {text}",
            out.status.code()
        );
        assert!(
            !text.contains('\u{1b}') && !text.chars().any(is_bidi_control),
            "{what}: a control character reached the terminal: {text:?}"
        );
    }

    let tables = dir.path().join("tables");
    let mut documents = 0;
    for entry in std::fs::read_dir(&tables).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .flexible(true)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let mut rows = 0;
        for record in reader.records() {
            rows += 1;
            for cell in record.unwrap().iter() {
                assert!(!open_to_formula(cell), "{}: cell {cell:?}", path.display());
                assert!(
                    !cell.chars().any(is_bidi_control),
                    "{}: bidi control in {cell:?}",
                    path.display()
                );
            }
        }
        if path.file_stem().is_some_and(|s| s == "documents") {
            documents = rows;
        }
    }
    assert_eq!(documents, names.len(), "a documents row per file");
    let paragraphs = std::fs::read_to_string(tables.join("paragraphs.csv")).unwrap();
    assert!(
        paragraphs.contains("'=cmd|") && paragraphs.contains(&long_word),
        "the payloads are kept as text, guarded: {paragraphs:.2000}"
    );

    let html = std::fs::read_to_string(tables.join("report.html")).unwrap();
    for tag in tags(&html) {
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        assert!(
            !matches!(
                name.as_str(),
                "script" | "img" | "iframe" | "object" | "embed" | "b"
            ),
            "report.html holds an injected <{name}>: <{tag}"
        );
        assert!(
            !tag.split_whitespace()
                .skip(1)
                .any(|a| a.to_ascii_lowercase().starts_with("on")),
            "report.html holds an event handler: <{tag}"
        );
    }
    assert!(
        !html.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}')),
        "report.html holds a bidi override outside an isolate"
    );
}

/// The tags of an HTML page, each as the text after its `<` up to its `>`
/// (escaped text, `&lt;script&gt;`, holds no `<`).
fn tags(html: &str) -> Vec<&str> {
    html.split('<')
        .skip(1)
        .filter(|t| !t.starts_with('!'))
        .map(|t| t.split('>').next().unwrap_or(t))
        .collect()
}
